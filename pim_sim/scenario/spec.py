"""The scenario file format: pydantic models that validate a file and publish its JSON Schema.

Every model forbids unknown fields. Durations are ISO-8601 (``PT8H``, ``P1DT9H``) as Microsoft
Graph writes them; times in the timeline are offsets from the scenario's start. The models hold
validated *data*; :mod:`pim_sim.scenario.model` checks the cross-references (is 'carol' a user?) and
turns them into a simulation. Each timeline step names the :class:`~pim_sim.Simulation` method
it calls (``do: activate`` calls ``Simulation.activate``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from pim_sim.core.clock import DEFAULT_START, minutes
from pim_sim.core.lag import Lag
from pim_sim.errors import ModelError
from pim_sim.facts import DAY, PROVISIONING_SECONDS, TOKEN_REFRESH_MINUTES

MAX_HORIZON_DAYS = 5 * 365
MAX_REPLICATIONS = 1000
MAX_DURATION_DAYS = 36_500
START_RANGE = (datetime(1970, 1, 1, tzinfo=UTC), datetime(2200, 1, 1, tzinfo=UTC))
ISO_DURATION = r"^-?P(?!$)(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$"


def _duration(value, *, zero_ok: bool):
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError("expected an ISO-8601 duration such as PT8H, P1D or P1DT9H30M")
    try:
        mins = minutes(value)
    except ModelError as e:
        raise ValueError(str(e)) from None
    if mins < 0 or (mins == 0 and not zero_ok):
        raise ValueError(f"{value!r} must be {'zero or ' if zero_ok else ''}longer than zero")
    if mins > MAX_DURATION_DAYS * DAY:
        raise ValueError(f"{value!r} is longer than {MAX_DURATION_DAYS:,} days (100 years)")
    return mins




def _schema(description: str) -> WithJsonSchema:
    return WithJsonSchema({"anyOf": [{"type": "string", "pattern": ISO_DURATION}, {"type": "number", "minimum": 0}],
                           "description": description, "examples": ["PT8H", "P1DT9H"]})


# A length of time (> 0), in minutes once validated.
Duration = Annotated[float, BeforeValidator(lambda v: _duration(v, zero_ok=False)),
                     _schema("ISO-8601 duration such as PT8H or P30D (or a number of minutes)")]
# A moment as an offset from the scenario's start (>= 0), in minutes once validated.
Offset = Annotated[float, BeforeValidator(lambda v: _duration(v, zero_ok=True)),
                   _schema("offset from the scenario's start, ISO-8601, e.g. P1DT9H (day 1, 09:00)")]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80,
                                        pattern=r"^[A-Za-z0-9][A-Za-z0-9._@' -]*$")]
Text = Annotated[str, StringConstraints(max_length=4000)]
Probability = Annotated[float, Field(ge=0.0, le=1.0)]
Weekday = Literal["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
LicenceName = Literal["Free", "P1", "P2", "Governance"]


def _named(value):
    """A bare name is shorthand for ``{name: value}``."""
    return {"name": value} if isinstance(value, str) else value


def _lag(value):
    """``lag: true`` is the model's ranges, ``lag: false`` no delay, a mapping its own ranges."""
    if isinstance(value, bool):
        return {} if value else None
    if value is None or isinstance(value, dict | LagSpec):
        return value
    raise ValueError(f"expected true, false or its ranges ({{provisioning_seconds: [low, high], "
                     f"token_refresh_minutes: [low, high]}}) (got {value!r})")


def _scope_id(value):
    """A bare scope id is shorthand for ``{id: value}``."""
    return {"id": value} if isinstance(value, str) else value


# Every field that holds numbers (durations refuse booleans on their own); a test checks the list is whole.
NUMBER_FIELDS = ("seed", "replications", "users", "privileged", "spread", "start_hour", "end_hour", "provisioning_seconds",
                 "token_refresh_minutes", "rate_per_day", "rates", "median_days", "inactive_days", "duration_days",
                 "occurrences", "equals", "at_least", "at_most", "respond_probability", "approve_probability",
                 "follow_recommendation")


class Spec(BaseModel):
    """Every model forbids unknown fields and non-finite numbers (``.nan``, ``.inf``), and its
    number fields refuse ``true`` and ``false`` (pydantic would read them as 1 and 0)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False)

    @field_validator(*NUMBER_FIELDS, mode="before", check_fields=False)
    @classmethod
    def _numbers_are_not_booleans(cls, value):
        items = value.values() if isinstance(value, dict) else value if isinstance(value, list | tuple) else (value,)
        if any(isinstance(v, bool) for v in items):
            shown = str(value).lower() if isinstance(value, bool) else repr(value)
            raise ValueError(f"expected a number, not {shown}")
        return value


# ------------------------------------------------------------------------------------- tenant
class UserSpec(Spec):
    """A user. In a list, a bare name is shorthand for ``{name: ...}``."""

    name: Name
    kind: Literal["member", "guest"] = "member"
    manager: Name | None = None
    display_name: Text = ""
    last_sign_in: datetime | None = None


class GroupSpec(Spec):
    name: Name
    role_assignable: bool = False
    members: list[Name] = []
    owners: list[Name] = []
    dynamic: bool = False
    synced: bool = False


class ScopeSpec(Spec):
    """An Azure scope or administrative unit; a bare id is shorthand. A subscription names its
    management group with ``parent``."""

    id: Annotated[str, StringConstraints(min_length=1, max_length=400)]
    parent: str | None = None


class TenantSpec(Spec):
    """Who and what exists. With a preset, these are added to (or replace, by name) the preset's."""

    name: Name | None = None
    licence: LicenceName | None = Field(None, description="Free, P1, P2 or Governance (PIM needs P2 or Governance)")
    users: list[Annotated[UserSpec, BeforeValidator(_named, json_schema_input_type=UserSpec | Name)]] = []
    service_principals: list[Name] = []
    groups: list[Annotated[GroupSpec, BeforeValidator(_named, json_schema_input_type=GroupSpec | Name)]] = []
    scopes: list[Annotated[ScopeSpec, BeforeValidator(_scope_id, json_schema_input_type=ScopeSpec | str)]] = []
    auth_contexts: list[Name] = Field([], description="Conditional Access authentication contexts that have a policy")


class PresetSpec(Spec):
    """A named preset tenant to start from. ``users`` and ``privileged`` size the generated ones."""

    name: Name
    users: int | None = Field(None, ge=1, le=1_000_000)  # the preset names its own, smaller limit
    privileged: int | None = Field(None, ge=0, le=1_000_000)


# ------------------------------------------------------------------------------ role settings
class SettingFields(Spec):
    """Role settings to change; a field left out keeps the role's default.
    See https://learn.microsoft.com/en-us/entra/id-governance/privileged-identity-management/pim-how-to-change-default-settings"""

    activation_max: Duration | None = Field(None, description="Activation maximum duration (1 to 24 hours)")
    require_mfa: bool | None = None
    auth_context: Name | None = None
    require_justification: bool | None = None
    require_ticket: bool | None = None
    require_approval: bool | None = None
    approvers: list[Name] | None = None
    approver_justification_required: bool | None = None
    eligible_permanent_allowed: bool | None = None
    eligible_max: Duration | None = None
    active_permanent_allowed: bool | None = None
    active_max: Duration | None = None
    mfa_on_active_assignment: bool | None = None
    justification_on_active_assignment: bool | None = None

    def changes(self) -> dict[str, Any]:
        """The settings this entry changes, as :class:`~pim_sim.RoleSettings` keyword arguments."""
        out = {}
        for name in SettingFields.model_fields:
            value = getattr(self, name)
            if value is not None:
                out[name] = tuple(value) if isinstance(value, list) else value
        return out


class SettingSpec(SettingFields):
    """Settings of one role: per role for Microsoft Entra roles, per role per resource for Azure
    roles (not inherited by child scopes), per role per group for PIM for Groups."""

    role: Name
    scope: str = "/"


class SettingsFromSpec(Spec):
    """Role settings read from a Microsoft Graph, PowerShell or ARM policy export (see
    :mod:`pim_sim.graph.reader`); ``names`` maps the export's object ids (approvers, groups) to
    the tenant's names. ``settings:`` entries apply on top."""

    file: Annotated[str, StringConstraints(pattern=r"^[^/\\].*\.json$", max_length=260)] = Field(
        description="a JSON file beside the scenario file")
    names: dict[str, Name] = {}
    role: Name | None = Field(None, description="the role a bare policy governs (it doesn't say)")


# -------------------------------------------------------------------------------- assignments
class AssignmentSpec(Spec):
    """An assignment in place at the start (or from ``start``): eligible or active, permanent
    (no ``duration``) or time-bound; ``outside_pim`` makes it directly, bypassing PIM."""

    principal: Name
    role: Name
    scope: str = "/"
    kind: Literal["eligible", "active"] = "eligible"
    duration: Duration | None = None
    start: Offset = 0.0
    justification: Text = "Assigned at set-up"
    outside_pim: bool = False

    @model_validator(mode="after")
    def _outside_is_permanent_active(self):
        if self.outside_pim and (self.kind != "active" or self.duration is not None):
            raise ValueError("an assignment outside PIM is permanent and active: use kind: active and no duration")
        return self


# ------------------------------------------------------------------------- response models
class AwaySpec(Spec):
    from_: Offset = Field(alias="from")
    to: Offset

    @model_validator(mode="after")
    def _ordered(self):
        if self.to <= self.from_:
            raise ValueError("'to' must come after 'from'")
        return self


class ApproverSpec(Spec):
    """How a simulated approver answers approval emails (see :class:`~pim_sim.ApproverBehaviour`).
    Approvers not listed decide only when the timeline says so; ``'*'`` sets everyone's."""

    respond_probability: Probability = 0.95
    median_delay: Duration = 45.0
    spread: float = Field(1.0, ge=0.0, le=5.0, description="sigma of the log-normal response delay")
    approve_probability: Probability = 0.95
    away: list[AwaySpec] = []


class WorkingHoursSpec(Spec):
    days: list[Weekday] = ["Mon", "Tue", "Wed", "Thu", "Fri"]
    start_hour: float = Field(8.0, ge=0, le=24)
    end_hour: float = Field(18.0, ge=0, le=24)

    @model_validator(mode="after")
    def _ordered(self):
        if self.end_hour <= self.start_hour:
            raise ValueError("end_hour must be after start_hour")
        if not self.days:
            raise ValueError("name at least one working day")
        return self


class LagSpec(Spec):
    """The delay from a granted activation to usable access, as uniform ranges (``pim_sim.core.lag.Lag``).
    Learn says only "within seconds" and that applications may cache role state: model choices."""

    provisioning_seconds: tuple[float, float] = Field(PROVISIONING_SECONDS.value,
                                                      description="[low, high] seconds until PIM provisions the role")
    token_refresh_minutes: tuple[float, float] = Field(TOKEN_REFRESH_MINUTES.value,
                                                       description="[low, high] minutes until tokens and apps see it")

    @model_validator(mode="after")
    def _ranges(self):
        Lag(self.provisioning_seconds, self.token_refresh_minutes)  # ModelError names the field
        return self

    def lag(self) -> Lag:
        return Lag(self.provisioning_seconds, self.token_refresh_minutes)


class WorkloadSpec(Spec):
    """Stochastic activations: each eligible user activates ``rate_per_day`` times per working
    day on average (a Poisson process during working hours), asking for one of ``durations``."""

    rate_per_day: float = Field(1.0, ge=0.0, le=100.0)
    rates: dict[Name, Annotated[float, Field(ge=0.0, le=100.0)]] = Field(
        {}, description="per-user rates that replace rate_per_day, e.g. {alice: 3}")
    durations: Annotated[list[Duration], Field(min_length=1)] = [60.0, 120.0, 240.0]
    working_hours: WorkingHoursSpec = WorkingHoursSpec()
    justification: Text = "Scheduled administrative work"
    users: list[Name] | None = Field(None, description="who activates (default: every user made eligible)")
    roles: list[Name] | None = Field(None, description="which eligible roles they activate (default: all)")


# ------------------------------------------------------------------------------- timeline
class Step(Spec):
    at: Offset
    note: Text = ""


class AssignStep(Step):
    do: Literal["assign"]
    principal: Name
    role: Name
    scope: str = "/"
    kind: Literal["eligible", "active"] = "eligible"
    duration: Duration | None = None
    justification: Text = "Assigned in the scenario"
    by: Name = "admin"


class ActivateStep(Step):
    """``alice requests Global Administrator for PT2H with justification ...``"""

    do: Literal["activate"]
    principal: Name
    role: Name
    scope: str = "/"
    duration: Duration | None = None
    justification: Text = ""
    ticket: Text = ""
    mfa: bool = True
    context_satisfied: bool = True


class DecideStep(Step):
    """An approver decides the latest request of ``requester`` for ``role`` (a pending one if any)."""

    by: Name
    requester: Name
    role: Name
    scope: str = "/"
    justification: Text | None = None


class ApproveStep(DecideStep):
    do: Literal["approve"]


class DenyStep(DecideStep):
    do: Literal["deny"]


class CancelStep(Step):
    do: Literal["cancel"]
    requester: Name
    role: Name
    scope: str = "/"
    by: Name | None = None


class DeactivateStep(Step):
    do: Literal["deactivate"]
    principal: Name
    role: Name
    scope: str = "/"


class UpdateRequestStep(Step):
    principal: Name
    role: Name
    scope: str = "/"
    kind: Literal["eligible", "active"] = "eligible"
    duration: Duration | None = None
    justification: Text = ""


class RequestExtendStep(UpdateRequestStep):
    do: Literal["request_extend"]


class RequestRenewStep(UpdateRequestStep):
    do: Literal["request_renew"]


class DecideUpdateStep(Step):
    do: Literal["decide_update"]
    by: Name
    requester: Name
    role: Name
    scope: str = "/"
    approve: bool = True
    justification: Text = ""


class RemoveStep(Step):
    """An administrator removes ``principal``'s assignment of ``role`` (of ``kind``, if given)."""

    do: Literal["remove"]
    principal: Name
    role: Name
    scope: str = "/"
    kind: Literal["eligible", "active"] | None = None
    by: Name = "admin"
    justification: Text = ""


class AssignOutsidePimStep(Step):
    do: Literal["assign_outside_pim"]
    principal: Name
    role: Name
    scope: str = "/"
    by: Name = "admin"


class SetSettingsStep(Step, SettingFields):
    do: Literal["set_settings"]
    role: Name
    scope: str = "/"
    by: Name = "admin"


class SetLicenceStep(Step):
    do: Literal["set_licence"]
    licence: LicenceName


class SignInStep(Step):
    do: Literal["sign_in"]
    principal: Name


class ReviewerSpec(Spec):
    """How simulated reviewers respond (see :class:`pim_sim.features.reviews.ReviewerBehaviour`; model choices)."""

    respond_probability: Probability = 0.8
    median_days: float = Field(3.0, gt=0, le=365)
    spread: float = Field(1.0, ge=0, le=5)
    approve_probability: Probability = 0.9
    follow_recommendation: Probability = 0.7


class ReviewStep(Step):
    """``at P30D an access review starts``: creates an access review (see
    :class:`pim_sim.features.reviews.AccessReview`); its first instance starts now. ``behaviour`` simulates
    the reviewers; without it they decide only through ``review_decide`` steps."""

    do: Literal["review"]
    name: Name
    role: Name
    scope: str = "/"
    assignment_type: Literal["eligible", "active", "all"] = "all"
    principal_types: list[Literal["users", "groups", "servicePrincipals"]] = ["users", "groups"]
    inactive_days: int | None = None
    reviewers: Literal["selectedUsers", "self", "manager", "groupOwners"] = "selectedUsers"
    selected: list[Name] = []
    fallback: list[Name] = []
    frequency: Literal["oneTime", "weekly", "monthly", "quarterly", "semiAnnually", "annually"] = "oneTime"
    duration_days: int = Field(30, ge=1)
    occurrences: int | None = Field(None, ge=1)
    auto_apply: bool = False
    no_response: Literal["No change", "Remove access", "Approve access", "Take recommendations"] = "No change"
    recommendations: bool = True
    require_reason: bool = False
    behaviour: ReviewerSpec | None = None
    by: Name = "admin"


class ReviewDecideStep(Step):
    """A reviewer approves or denies one principal in the latest instance of the named review."""

    do: Literal["review_decide"]
    review: Name
    principal: Name
    approve: bool
    by: Name
    reason: Text = ""


class ReviewApplyStep(Step):
    """Apply the results of the named review's latest completed instance (the Apply button)."""

    do: Literal["review_apply"]
    review: Name
    by: Name = "admin"


TimelineStep = Annotated[
    AssignStep | ActivateStep | ApproveStep | DenyStep | CancelStep | DeactivateStep | RequestExtendStep
    | RequestRenewStep | DecideUpdateStep | RemoveStep | AssignOutsidePimStep | SetSettingsStep | SetLicenceStep
    | SignInStep | ReviewStep | ReviewDecideStep | ReviewApplyStep,
    Field(discriminator="do"),
]


class AlertSettingSpec(Spec):
    """One alert's settings (PIM > Alerts > Setting); thresholds by name, e.g. ``stale_days: 30``."""

    model_config = ConfigDict(extra="allow", frozen=True, allow_inf_nan=False)
    enabled: bool | None = None
    email: bool | None = None

    def thresholds(self) -> dict[str, float]:
        return dict(self.model_extra or {})


class AlertsSpec(Spec):
    """PIM security alerts: monitored from the start, with settings by alert id or exact name."""

    monitor: bool = True
    settings: dict[str, AlertSettingSpec] = {}


# ---------------------------------------------------------------------------- observations
class ObservationSpec(Spec):
    """Something the student should observe, checked by running the scenario: who holds a role at
    a moment (``holds``), why not (``reason``: a :class:`~pim_sim.Reason` name such as
    ``request_expired``), whether an alert is open at a moment (``alert`` and ``open``) or a metric."""

    text: Text
    at: Offset | None = None
    principal: Name | None = None
    role: Name | None = None
    scope: str = "/"
    holds: bool | None = None
    reason: str | None = None
    alert: str | None = None
    open: bool | None = None
    metric: str | None = None
    equals: float | None = None
    at_least: float | None = None
    at_most: float | None = None

    @model_validator(mode="after")
    def _one_kind(self):
        about_access = self.holds is not None or self.reason is not None
        bounds = [b for b in (self.equals, self.at_least, self.at_most) if b is not None]
        kinds = about_access + (self.metric is not None) + (self.alert is not None)
        if kinds != 1:
            raise ValueError("an observation checks one thing: access (at, principal, role and holds or reason), "
                             "an alert (at, alert and open) or a metric (metric and equals, at_least or at_most)")
        if about_access and (self.at is None or self.principal is None or self.role is None):
            raise ValueError("an access observation needs at, principal and role")
        if self.alert is not None and (self.at is None or self.open is None):
            raise ValueError("an alert observation needs at and open")
        if self.metric is not None and not bounds:
            raise ValueError("a metric observation needs equals, at_least or at_most")
        return self


# -------------------------------------------------------------------------------- scenario
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
    preset: Annotated[PresetSpec | None, BeforeValidator(_named, json_schema_input_type=PresetSpec | Name | None)] = Field(
        None, description="a named preset tenant to start from (see `pim-sim scenarios --presets`)")
    start: datetime = Field(DEFAULT_START, description="UTC date and time of minute 0")
    horizon: Duration = Field(description="how long to simulate, e.g. P7D")
    seed: int = Field(0, ge=0, lt=2**63)
    replications: int = Field(1, ge=1, le=MAX_REPLICATIONS)
    lag: Annotated[LagSpec | None, BeforeValidator(_lag, json_schema_input_type=bool | LagSpec)] = Field(
        LagSpec(), description="the provisioning and token-refresh delay of activations: true (the model's ranges), "
                               "false (none) or its ranges")
    tenant: TenantSpec = TenantSpec()
    settings: list[SettingSpec] = []
    settings_from: Annotated[SettingsFromSpec | None, BeforeValidator(lambda v: {"file": v} if isinstance(v, str) else v)] = \
        Field(None, description="a Graph policy export the role settings start from, e.g. policy.json")
    assignments: list[AssignmentSpec] = []
    approvers: dict[str, ApproverSpec] = Field({}, description="response models by approver name, '*' for all")
    timeline: list[TimelineStep] = []
    workload: WorkloadSpec | None = None
    alerts: AlertsSpec | None = Field(None, description="monitor PIM security alerts from the start")

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
