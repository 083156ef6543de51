"""The whole scenario file: its parts put together, and its JSON Schema."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import BeforeValidator, ConfigDict, Field, StringConstraints, field_validator

from pim_sim.core.clock import DEFAULT_START
from pim_sim.facts import DAY
from pim_sim.features.jit_vm.spec import JitSection
from pim_sim.scenario.spec.base import MAX_HORIZON_DAYS, MAX_REPLICATIONS, START_RANGE, Duration, Name, Spec, Text, named
from pim_sim.scenario.spec.behaviour import ApproverSpec, LagSpec, WorkloadSpec
from pim_sim.scenario.spec.observations import ObservationSpec
from pim_sim.scenario.spec.roles import CustomRoleSpec
from pim_sim.scenario.spec.settings import AlertsSpec, SettingsFromSpec, SettingSpec
from pim_sim.scenario.spec.steps import TimelineStep
from pim_sim.scenario.spec.tenant import AssignmentSpec, PresetSpec, TenantSpec


def _lag(value):
    """``lag: true`` is the model's ranges, ``lag: false`` no delay, a mapping its own ranges."""
    if isinstance(value, bool):
        return {} if value else None
    if value is None or isinstance(value, dict | LagSpec):
        return value
    raise ValueError(f"expected true, false or its ranges ({{provisioning_seconds: [low, high], "
                     f"token_refresh_minutes: [low, high]}}) (got {value!r})")


class ScenarioSpec(Spec):
    """A PIM scenario: a tenant, its role settings and assignments, a timeline of scripted
    actions and a stochastic workload, run from ``start`` for ``horizon``."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, title="pim-sim scenario",
                              allow_inf_nan=False)

    name: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=60)] = Field(
        description="short id, lower case with dashes, e.g. jit-basics")
    title: Text = ""
    lesson: Text = Field("", description="what the scenario teaches")
    observe: list[ObservationSpec] = Field([], description="what the student should observe (checked by tests)")
    preset: Annotated[PresetSpec | None, BeforeValidator(named, json_schema_input_type=PresetSpec | Name | None)] = Field(
        None, description="a named preset tenant to start from (see `pim-sim scenarios --presets`)")
    start: datetime = Field(DEFAULT_START, description="UTC date and time of minute 0")
    horizon: Duration = Field(description="how long to simulate, e.g. P7D")
    seed: int = Field(0, ge=0, lt=2**63)
    replications: int = Field(1, ge=1, le=MAX_REPLICATIONS)
    lag: Annotated[LagSpec | None, BeforeValidator(_lag, json_schema_input_type=bool | LagSpec)] = Field(
        LagSpec(), description="the provisioning and token-refresh delay of activations: true (the model's ranges), "
                               "false (none) or its ranges")
    tenant: TenantSpec = TenantSpec()
    custom_roles: list[CustomRoleSpec] = Field([], description="the tenant's custom roles, looked up beside Microsoft's "
                                               "built-in roles (by name in this file, by id in Graph exports)")
    settings: list[SettingSpec] = []
    settings_from: Annotated[SettingsFromSpec | None, BeforeValidator(lambda v: {"file": v} if isinstance(v, str) else v)] = \
        Field(None, description="a Graph policy export the role settings start from, e.g. policy.json")
    assignments: list[AssignmentSpec] = []
    approvers: dict[str, ApproverSpec] = Field({}, description="response models by approver name, '*' for all")
    timeline: list[TimelineStep] = []
    workload: WorkloadSpec | None = None
    alerts: AlertsSpec | None = Field(None, description="monitor PIM security alerts from the start")
    jit: JitSection | None = Field(None, description="Defender for Cloud just-in-time VM access: subscriptions and "
                                   "their Defender for Servers plan, networks, NSGs, firewalls, VMs, Azure roles, JIT "
                                   "policies, a timeline of JIT actions and a request workload")

    @field_validator("horizon")
    @classmethod
    def _bounded(cls, value: float) -> float:
        if value > MAX_HORIZON_DAYS * DAY:
            raise ValueError(f"the horizon is limited to {MAX_HORIZON_DAYS} days")
        return value

    @field_validator("start")
    @classmethod
    def _in_range(cls, value: datetime) -> datetime:
        """Dates far from today would overflow once durations are added to them."""
        value = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        if not START_RANGE[0] <= value < START_RANGE[1]:
            raise ValueError(f"{value:%Y-%m-%d} is outside {START_RANGE[0]:%Y} to {START_RANGE[1].year - 1}")
        return value


def json_schema() -> dict:
    """The JSON Schema of scenario files, for editors that autocomplete and check YAML."""
    schema = ScenarioSpec.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://pim-sim.example/scenario.schema.json"
    return schema
