"""PIM security alerts: the seven Microsoft Entra role alerts and the four Azure resource alerts.

Names, severities, triggers and configurable ranges come from
https://learn.microsoft.com/en-us/entra/id-governance/privileged-identity-management/pim-how-to-configure-security-alerts
and https://learn.microsoft.com/en-us/entra/id-governance/privileged-identity-management/pim-resource-roles-configure-alerts
(the Graph beta alert definitions differ on some severities; the model follows Learn). Default
thresholds are not documented (``facts.ALERT_DEFAULT_THRESHOLDS`` marks them).

The :class:`AlertCenter` (``sim.alerts``) starts monitoring when first used: it evaluates every
alert, then re-evaluates only the alerts a change can affect (a listener on the simulation's
events) and rescans the time-dependent ones daily. Each user, role or scope that makes an alert
fire is an :class:`Incident` with the minute it was raised and resolved; an alert turning on
writes "Triggered PIM alert" and turning off "Resolve PIM alert". Without P2 or ID Governance,
PIM raises no alerts: only the licence alert stands.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TYPE_CHECKING, cast

from pim_sim import facts
from pim_sim.core import access as access_mod
from pim_sim.core.audit import Activity, Service
from pim_sim.core.clock import in_days, span
from pim_sim.core.events import ADMIN, MS_PIM, Notification
from pim_sim.core.roles import Surface
from pim_sim.core.schedules import Kind, Origin, Schedule
from pim_sim.core.tenant import DIRECTORY, PrincipalKind, ScopeLevel
from pim_sim.errors import ModelError, SettingError

if TYPE_CHECKING:
    from pim_sim.core.updates import UpdateRules

Key = tuple[str, str, str]  # principal, role, scope


class Severity(StrEnum):
    LOW = "Low"
    MEDIUM = "Medium"
    HIGH = "High"


class AlertActivity(StrEnum):
    """Alert-setting activity names (reference-audit-activities, RoleManagement)."""

    UPDATE_SETTING = "Update PIM alert setting"
    ENABLE = "Enable PIM alert"
    DISABLE = "Disable PIM alert"


@dataclass(frozen=True, slots=True)
class AlertDefinition:
    id: str  # the Graph alert configuration type where Graph has one
    name: str
    surface: Surface
    severity: Severity
    trigger: str
    thresholds: tuple[str, ...] = ()
    time_dependent: bool = False  # changes as time passes, so the daily scan re-evaluates it
    source: str = facts.SOURCES["alerts"]
    documented: bool = True
    note: str = ""


_E, _A = facts.SOURCES["alerts"], facts.SOURCES["azure_alerts"]
DEFINITIONS: tuple[AlertDefinition, ...] = (
    AlertDefinition("redundantAssignment", "Administrators aren't using their privileged roles", Surface.ENTRA,
                    Severity.LOW, "An eligible user goes more than the set number of days without activating the role.",
                    ("unused_days",), True,
                    note="Graph beta names it 'Eligible administrators aren't activating their privileged role'."),
    AlertDefinition("noMfaOnRoleActivation", "Roles don't require multifactor authentication for activation",
                    Surface.ENTRA, Severity.LOW, "A role with eligible assignments doesn't require MFA (or an "
                    "authentication context) on activation.", documented=False,
                    note="Learn: roles without MFA on activation. Which roles PIM lists is not stated; the model "
                    "lists roles that have eligible assignments."),
    AlertDefinition("invalidLicense",
                    "The organization doesn't have Microsoft Entra ID P2 or Microsoft Entra ID Governance",
                    Surface.ENTRA, Severity.LOW, "The tenant has neither P2 nor ID Governance.", documented=False,
                    note="Learn lists the alert, and the licensing page says no alerts follow a lapse; the model "
                    "raises this one at the lapse and nothing else until the licence returns."),
    AlertDefinition("staleSignIn", "Potential stale accounts in a privileged role", Surface.ENTRA, Severity.MEDIUM,
                    "An account in a privileged role hasn't signed in for the set number of days (no longer the "
                    "password age).", ("stale_days",), True,
                    note="An account that never signed in counts as stale (the model's reading)."),
    AlertDefinition("rolesAssignedOutsidePrivilegedIdentityManagement",
                    "Roles are being assigned outside of Privileged Identity Management", Surface.ENTRA, Severity.HIGH,
                    f"A role was assigned outside PIM in the last {span(facts.ALERT_OUTSIDE_PIM_WINDOW_MINUTES.value)}.",
                    (), True),
    AlertDefinition("tooManyGlobalAdminsAssignedToTenant", "There are too many global administrators", Surface.ENTRA,
                    Severity.LOW, "Both: the number of Global Administrator assignments reaches the minimum, and "
                    "their share of all role assignments reaches the percentage.",
                    ("min_global_admins", "global_admin_percent")),
    AlertDefinition("sequentialActivationRenewals", "Roles are being activated too frequently", Surface.ENTRA,
                    Severity.LOW, "A user activates the same role the set number of times within the timeframe.",
                    ("activation_renewals", "activation_window_minutes"), True),
    AlertDefinition("azure.tooManyOwners", "Too many owners assigned to a resource", Surface.AZURE, Severity.MEDIUM,
                    "More principals than the set maximum are assigned Owner at a resource.", ("max_owners",),
                    source=_A, documented=False, note="The threshold's name and default are model choices."),
    AlertDefinition("azure.tooManyPermanentOwners", "Too many permanent owners assigned to a resource", Surface.AZURE,
                    Severity.MEDIUM, "More principals than the set maximum hold Owner permanently at a resource.",
                    ("max_permanent_owners",), source=_A, documented=False,
                    note="The threshold's name and default are model choices."),
    AlertDefinition("azure.duplicateRoleCreated", "Duplicate role created", Surface.AZURE, Severity.MEDIUM,
                    "Several custom roles at a scope have the same criteria (actions).", source=_A),
    AlertDefinition("azure.rolesAssignedOutsidePrivilegedIdentityManagement",
                    "Roles are being assigned outside of Privileged Identity Management", Surface.AZURE, Severity.HIGH,
                    "A role is managed directly in Azure IAM or the ARM API; only subscription-scope assignments "
                    "count.", (), True, source=_A, documented=facts.ALERT_AZURE_OUTSIDE_PIM_SUBSCRIPTION_ONLY.documented,
                    note=facts.ALERT_AZURE_OUTSIDE_PIM_SUBSCRIPTION_ONLY.note),
)
BY_ID = {d.id: d for d in DEFINITIONS}

# Which alerts an engine event can change (the licence event re-evaluates everything).
_AFFECTED = {
    "assigned": ("redundantAssignment", "noMfaOnRoleActivation", "staleSignIn",
                 "rolesAssignedOutsidePrivilegedIdentityManagement", "tooManyGlobalAdminsAssignedToTenant",
                 "azure.tooManyOwners", "azure.tooManyPermanentOwners",
                 "azure.rolesAssignedOutsidePrivilegedIdentityManagement"),
    "activated": ("redundantAssignment", "sequentialActivationRenewals"),
    "settings": ("noMfaOnRoleActivation",),
    "sign_in": ("staleSignIn",),
    "customRole": ("azure.duplicateRoleCreated",),
}
for _kind in ("removed", "expired", "updated"):
    _AFFECTED[_kind] = _AFFECTED["assigned"]
# Alerts whose incidents belong to one principal: a change to that principal re-evaluates only them.
_PER_PRINCIPAL = frozenset({"redundantAssignment", "staleSignIn", "rolesAssignedOutsidePrivilegedIdentityManagement",
                            "azure.rolesAssignedOutsidePrivilegedIdentityManagement", "sequentialActivationRenewals"})


def _concerns(alert: str, s: Schedule) -> bool:
    """Can a change to this schedule change this alert? (Keeps evaluation cheap.)"""
    if alert.startswith("azure."):
        return s.surface == Surface.AZURE and (s.role == "Owner" or "Outside" in alert)
    if alert == "noMfaOnRoleActivation":
        return s.surface == Surface.ENTRA and s.kind is Kind.ELIGIBLE
    return s.surface == Surface.ENTRA


@dataclass(frozen=True, slots=True)
class CustomRole:
    """A custom Azure role definition (only the duplicate-role alert reads these)."""

    name: str
    scope: str
    actions: frozenset[str]


@dataclass(frozen=True, slots=True)
class Incident:
    """One user, role or scope that makes an alert fire, from ``raised`` to ``resolved``."""

    id: str
    alert: str
    name: str
    severity: str
    principal: str
    role: str
    scope: str
    raised: float
    resolved: float | None = None
    detail: str = ""

    def open_at(self, t: float) -> bool:
        return self.raised <= t and (self.resolved is None or t < self.resolved)


def _assignments(sim: UpdateRules, surface: Surface, who: str | None = None) -> list[Schedule]:
    """Role assignments in force now (eligible or active; activations are uses, not assignments),
    of everyone or of one principal."""
    t = sim.now
    return [s for s in sim.assignments_of(who) if s.surface == surface and s.holds_at(t)]


class AlertCenter:
    """The alerts of one simulation (``sim.alerts``): settings, evaluation, incidents."""

    def __init__(self, sim: UpdateRules):
        self.sim = sim
        self.thresholds: dict[str, float] = dict(facts.ALERT_DEFAULT_THRESHOLDS.value)
        self.enabled: dict[str, bool] = {d.id: True for d in DEFINITIONS}
        self.email: dict[str, bool] = {d.id: True for d in DEFINITIONS}
        self.custom_roles: list[CustomRole] = []
        self.history: list[Incident] = []  # every incident ever raised, latest version
        self._open: dict[str, dict[Key, int]] = {d.id: {} for d in DEFINITIONS}  # key -> index in history
        self._evaluators: dict[str, Callable[[str | None], dict[Key, str]]] = {
            "redundantAssignment": self._unused, "noMfaOnRoleActivation": self._no_mfa,
            "invalidLicense": self._licence, "staleSignIn": self._stale,
            "rolesAssignedOutsidePrivilegedIdentityManagement": lambda who: self._outside(Surface.ENTRA, who),
            "tooManyGlobalAdminsAssignedToTenant": self._too_many_ga,
            "sequentialActivationRenewals": self._too_frequent, "azure.tooManyOwners": self._too_many_owners,
            "azure.tooManyPermanentOwners": self._too_many_permanent_owners,
            "azure.duplicateRoleCreated": self._duplicate_roles,
            "azure.rolesAssignedOutsidePrivilegedIdentityManagement": lambda who: self._outside(Surface.AZURE, who),
        }
        sim.listeners.append(self._on_event)
        self.scan()
        sim.after(facts.ALERT_SCAN_MINUTES.value, self._daily)

    # ------------------------------------------------------------------ queries
    def definition(self, alert: str, surface: Surface | str | None = None) -> AlertDefinition:
        """An alert by id or exact name (the outside-PIM name exists on both surfaces; Entra unless told)."""
        if alert in BY_ID:
            return BY_ID[alert]
        found = [d for d in DEFINITIONS if d.name == alert and (surface is None or d.surface == Surface(surface))]
        if not found:
            raise ModelError(f"{alert!r} is not a PIM alert; known: {', '.join(sorted({d.name for d in DEFINITIONS}))}")
        return found[0]

    def incidents(self, alert: str, surface: Surface | str | None = None, *, open_only: bool = False) -> list[Incident]:
        """An alert's incidents with the users, roles and scopes that caused them."""
        d = self.definition(alert, surface)
        return [i for i in self.history if i.alert == d.id and (not open_only or i.resolved is None)]

    def active(self) -> list[AlertDefinition]:
        """Alerts with at least one open incident now."""
        return [d for d in DEFINITIONS if self._open[d.id]]

    def condition(self, alert: str) -> frozenset[Key]:
        """The incidents the alert's condition gives at this moment (regardless of what is open)."""
        d = self.definition(alert)
        if not self._monitoring(d):
            return frozenset()
        return frozenset(self._evaluators[d.id](None))

    # ------------------------------------------------------------------ settings
    def configure(self, alert: str, *, enabled: bool | None = None, email: bool | None = None, by: str = ADMIN,
                  **thresholds) -> None:
        """Change an alert's settings (Alerts > Setting). Threshold ranges are Learn's."""
        d = self.definition(alert)
        self.sim.require_pim(by, "updateAlertSetting", "", DIRECTORY)
        ranges = facts.ALERT_THRESHOLD_RANGES.value
        for name, value in thresholds.items():
            if name not in d.thresholds:
                allowed = ", ".join(d.thresholds) or "none"
                raise SettingError(f"{d.name}: {name}", value, f"this alert's thresholds are: {allowed}")
            if isinstance(value, bool) or not isinstance(value, int | float) or not -1e15 < value < 1e15:
                raise SettingError(f"{d.name}: {name}", value, "a threshold is a finite number")
            if name in ranges:
                low, high = ranges[name]
                if not low <= value <= high:
                    raise SettingError(f"{d.name}: {name}", value, f"allowed range is {low} to {high}", d.source)
            elif value <= 0:
                raise SettingError(f"{d.name}: {name}", value, "must be positive")
        self.thresholds.update(thresholds)
        self.email[d.id] = self.email[d.id] if email is None else email
        surface = d.surface.value
        if enabled is not None and enabled != self.enabled[d.id]:
            self.enabled[d.id] = enabled
            act = AlertActivity.ENABLE if enabled else AlertActivity.DISABLE
            self.sim.log(act, Service.PIM, surface, by, d.name, "", DIRECTORY)
        if thresholds or email is not None:
            self.sim.log(AlertActivity.UPDATE_SETTING, Service.PIM, surface, by, d.name, "", DIRECTORY)
        self._evaluate(d.id)

    def add_custom_role(self, name: str, scope: str, actions) -> CustomRole:
        """Define a custom Azure role (read by "Duplicate role created")."""
        if self.sim.tenant.scope(scope).surface is not Surface.AZURE:
            raise ModelError(f"scope: custom Azure roles live at Azure scopes, not {scope!r}")
        role = CustomRole(name, scope, frozenset(actions))
        self.custom_roles.append(role)
        self._on_event(self.sim, "customRole", role)
        return role

    # ------------------------------------------------------------------ evaluation
    def _monitoring(self, d: AlertDefinition) -> bool:
        if d.id == "invalidLicense":
            return True
        return self.enabled[d.id] and self.sim.licence.has_pim

    def scan(self) -> None:
        """Evaluate every alert now."""
        for d in DEFINITIONS:
            self._evaluate(d.id)

    def _daily(self) -> None:
        for d in DEFINITIONS:
            if d.time_dependent:
                self._evaluate(d.id)
        self.sim.after(facts.ALERT_SCAN_MINUTES.value, self._daily)

    def _on_event(self, sim: UpdateRules, kind: str, payload: object) -> None:
        if kind == "licence":
            self.scan()
            return
        who = cast(tuple, payload)[0] if kind == "sign_in" else getattr(payload, "principal", None)
        for alert in _AFFECTED.get(kind, ()):
            if isinstance(payload, Schedule) and not _concerns(alert, payload):
                continue
            self._evaluate(alert, who if alert in _PER_PRINCIPAL else None)

    def _evaluate(self, alert: str, who: str | None = None) -> None:
        """Re-evaluate an alert, for everyone or only for one principal's incidents."""
        d = BY_ID[alert]
        found = self._evaluators[alert](who) if self._monitoring(d) else {}
        self._reconcile(d, found, silent=not self._monitoring(d), who=who)

    def _reconcile(self, d: AlertDefinition, found: dict[Key, str], *, silent: bool, who: str | None = None) -> None:
        sim, now = self.sim, self.sim.now
        open_ = self._open[d.id]
        before = {self._alert_scope(d, k) for k in open_}
        considered = {k for k in open_ if who is None or k[0] == who}
        for key in sorted(considered - set(found)):
            i = open_.pop(key)
            self.history[i] = replace(self.history[i], resolved=now)
        new = sorted(set(found) - set(open_))
        for key in new:
            principal, role, scope = key
            open_[key] = len(self.history)
            self.history.append(Incident(f"i{len(self.history) + 1:06d}", d.id, d.name, d.severity.value, principal,
                                         role, scope, now, None, found[key]))
        after = {self._alert_scope(d, k) for k in open_}
        if silent:
            return  # without the licence (or with the alert disabled) PIM records and sends nothing
        for scope in sorted(after - before):
            sim.log(Activity.ALERT_TRIGGERED, Service.PIM, d.surface.value, MS_PIM, d.name, "", scope,
                     reason=d.severity.value)
        for scope in sorted(before - after):
            sim.log(Activity.ALERT_RESOLVED, Service.PIM, d.surface.value, MS_PIM, d.name, "", scope)
        if new and d.id.endswith("rolesAssignedOutsidePrivilegedIdentityManagement") and self.email[d.id]:
            self._email_outside_pim(d, new)

    @staticmethod
    def _alert_scope(d: AlertDefinition, key: Key) -> str:
        """Entra alerts are tenant-wide; Azure alerts belong to a resource."""
        return DIRECTORY if d.surface is Surface.ENTRA else key[2]

    def _email_outside_pim(self, d: AlertDefinition, new: list[Key]) -> None:
        sim = self.sim
        roles = facts.ALERT_OUTSIDE_PIM_RECIPIENTS.value[d.surface.value]
        for principal, role, scope in new:
            where = DIRECTORY if d.surface is Surface.ENTRA else scope
            recipients = sorted({h.principal for r in roles for h in access_mod.holders(sim, r, where, sim.now)})
            sim.notifications.append(Notification(sim.now, "RoleAssignedOutsidePim", ";".join(recipients),
                                                  f"PIM: {role} assigned to {principal} outside of PIM"))

    # ------------------------------------------------------------------ the conditions
    def _unused(self, who: str | None) -> dict[Key, str]:
        sim, limit = self.sim, self.thresholds["unused_days"] * facts.DAY
        out = {}
        for s in _assignments(sim, Surface.ENTRA, who):
            if s.kind is not Kind.ELIGIBLE:
                continue
            used = sim.last_use(s.principal, s.role)  # activations start when made, never later
            since = s.start if used is None else max(s.start, used)
            if sim.now - since > limit:
                out[(s.principal, s.role, s.scope)] = f"no activation for {in_days(sim.now - since, 0)}"
        return out

    def _no_mfa(self, _who: str | None) -> dict[Key, str]:
        sim = self.sim
        out = {}
        for s in _assignments(sim, Surface.ENTRA):
            settings = sim.settings_for(s.role, s.scope)
            if s.kind is Kind.ELIGIBLE and not settings.require_mfa and settings.auth_context is None:
                out[("", s.role, DIRECTORY)] = "activation needs neither MFA nor an authentication context"
        return out

    def _licence(self, _who: str | None) -> dict[Key, str]:
        return {} if self.sim.licence.has_pim else {("", "", DIRECTORY): f"licence is {self.sim.licence.value}"}

    def _stale(self, who: str | None) -> dict[Key, str]:
        sim, limit = self.sim, self.thresholds["stale_days"] * facts.DAY
        out = {}
        for s in _assignments(sim, Surface.ENTRA, who):
            if sim.tenant.principal(s.principal).kind is PrincipalKind.GROUP:
                continue
            last = sim.last_sign_in(s.principal)
            if last is None or sim.now - last > limit:
                out[(s.principal, s.role, s.scope)] = ("never signed in" if last is None else
                                                       f"last sign-in {in_days(sim.now - last, 0)} ago")
        return out

    def _outside(self, surface: Surface, who: str | None) -> dict[Key, str]:
        sim, window = self.sim, facts.ALERT_OUTSIDE_PIM_WINDOW_MINUTES.value
        out = {}
        for s in _assignments(sim, surface, who):
            if s.origin is not Origin.OUTSIDE_PIM or sim.now - s.created > window:
                continue
            if surface is Surface.AZURE and sim.tenant.scope(s.scope).level is not ScopeLevel.SUBSCRIPTION:
                continue
            out[(s.principal, s.role, s.scope)] = f"assigned outside PIM at minute {s.created:g}"
        return out

    def _too_many_ga(self, _who: str | None) -> dict[Key, str]:
        sim, th = self.sim, self.thresholds
        every = _assignments(sim, Surface.ENTRA)
        ga = [s for s in every if s.role == "Global Administrator"]
        if not every or len(ga) < th["min_global_admins"] or 100.0 * len(ga) / len(every) < th["global_admin_percent"]:
            return {}
        detail = f"{len(ga)} of {len(every)} role assignments are Global Administrator"
        return {(s.principal, s.role, s.scope): detail for s in ga}

    def _too_frequent(self, who: str | None) -> dict[Key, str]:
        sim, th = self.sim, self.thresholds
        window, limit = th["activation_window_minutes"], th["activation_renewals"]
        now, out = sim.now, {}
        for key, starts in sim.uses(who):  # activation starts per key, in order
            n = bisect.bisect_right(starts, now) - bisect.bisect_right(starts, now - window)
            if n >= limit:
                out[key] = f"{n} activations within {window:g} minutes"
        return out

    def _owners(self, permanent: bool, limit: float) -> dict[Key, str]:
        by_scope: dict[str, set[str]] = {}
        for s in _assignments(self.sim, Surface.AZURE):
            if s.role != "Owner" or (permanent and not (s.kind is Kind.ACTIVE and s.end is None)):
                continue
            by_scope.setdefault(s.scope, set()).add(s.principal)
        what = "permanent owners" if permanent else "owners"
        return {(p, "Owner", scope): f"{len(ps)} {what} (maximum {limit:g})"
                for scope, ps in by_scope.items() if len(ps) > limit for p in ps}

    def _too_many_owners(self, _who: str | None) -> dict[Key, str]:
        return self._owners(False, self.thresholds["max_owners"])

    def _too_many_permanent_owners(self, _who: str | None) -> dict[Key, str]:
        return self._owners(True, self.thresholds["max_permanent_owners"])

    def _duplicate_roles(self, _who: str | None) -> dict[Key, str]:
        groups: dict[tuple[str, frozenset[str]], list[str]] = {}
        for r in self.custom_roles:
            groups.setdefault((r.scope, r.actions), []).append(r.name)
        return {("", name, scope): f"same actions as {', '.join(n for n in names if n != name)}"
                for (scope, _), names in groups.items() if len(names) > 1 for name in names}
