"""Role settings (per role, per scope, or read from a policy export) and PIM alert settings."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import ConfigDict, Field, StringConstraints

from pim_sim.scenario.spec.base import Duration, Name, RoleName, Spec


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

    role: RoleName
    scope: str = "/"


class SettingsFromSpec(Spec):
    """Role settings read from a Microsoft Graph, PowerShell or ARM policy export (see
    :mod:`pim_sim.graph.reader`); ``names`` maps the export's object ids (approvers, groups) to
    the tenant's names. ``settings:`` entries apply on top."""

    file: Annotated[str, StringConstraints(pattern=r"^[^/\\].*\.json$", max_length=260)] = Field(
        description="a JSON file beside the scenario file")
    names: dict[str, Name] = {}
    role: RoleName | None = Field(None, description="the role a bare policy governs (it doesn't say)")


class AlertSettingSpec(Spec):
    """One alert's settings (PIM > Alerts > Setting); thresholds by name, e.g. ``stale_days: 30``."""

    model_config = ConfigDict(extra="allow", frozen=True, allow_inf_nan=False)
    enabled: bool | None = None
    email: bool | None = None

    def thresholds(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


class AlertsSpec(Spec):
    """PIM security alerts: monitored from the start, with settings by alert id or exact name."""

    monitor: bool = True
    settings: dict[str, AlertSettingSpec] = {}
