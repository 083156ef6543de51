"""Who and what exists at the start: the tenant (users, groups, service principals, scopes), a
preset to start from and the assignments in place."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, StringConstraints, model_validator

from pim_sim.scenario.spec.base import Duration, LicenceName, Name, Offset, RoleName, Spec, Text, named


def _scope_id(value):
    """A bare scope id is shorthand for ``{id: value}``."""
    return {"id": value} if isinstance(value, str) else value


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
    users: list[Annotated[UserSpec, BeforeValidator(named, json_schema_input_type=UserSpec | Name)]] = []
    service_principals: list[Name] = []
    groups: list[Annotated[GroupSpec, BeforeValidator(named, json_schema_input_type=GroupSpec | Name)]] = []
    scopes: list[Annotated[ScopeSpec, BeforeValidator(_scope_id, json_schema_input_type=ScopeSpec | str)]] = []
    auth_contexts: list[Name] = Field([], description="Conditional Access authentication contexts that have a policy")


class PresetSpec(Spec):
    """A named preset tenant to start from. ``users`` and ``privileged`` size the generated ones."""

    name: Name
    users: int | None = Field(None, ge=1, le=1_000_000)  # the preset names its own, smaller limit
    privileged: int | None = Field(None, ge=0, le=1_000_000)


class AssignmentSpec(Spec):
    """An assignment in place at the start (or from ``start``): eligible or active, permanent
    (no ``duration``) or time-bound; ``outside_pim`` makes it directly, bypassing PIM."""

    principal: Name
    role: RoleName
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
