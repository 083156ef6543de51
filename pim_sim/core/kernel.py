"""The Simulation: a SimPy environment over a tenant, with PIM's rules and timers.

The simulation owns the clock (minutes since the start), the tenant's changing state
(schedules, requests, licence), the randomness (one seed, independent named streams) and the
records (audit, status changes, notifications, refusals). Actions happen "now"; timers
(expiry, approval windows, provisioning lag, approver responses) are SimPy events.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

import numpy as np
import simpy

from pim_sim import facts
from pim_sim.core import access as access_mod
from pim_sim.core import approvals
from pim_sim.core.audit import CATEGORY, SERVICE_CATEGORY, Activity, AuditRecord, Service, canceled_activity
from pim_sim.core.clock import DEFAULT_START, Clock, minutes
from pim_sim.core.lag import Lag
from pim_sim.core.policy import NotificationEvent, Recipient, RoleSettings, SettingsBook
from pim_sim.core.records import evolve, maker, record
from pim_sim.core.requests import OPEN, PENDING, Action, Request, Status, StatusChange, check_activation, check_assignment
from pim_sim.core.roles import AU_SCOPABLE, Surface
from pim_sim.core.roles import role as lookup_role
from pim_sim.core.schedules import Kind, Origin, Schedule
from pim_sim.core.tenant import DIRECTORY, Group, Licence, PrincipalKind, ScopeLevel, ServicePrincipal, Tenant
from pim_sim.errors import ModelError, PimRefusal, SettingError

STREAMS = ("provisioning", "approvers", "requesters", "reviewers", "workload", "spare")
ADMIN = "admin"  # an unnamed, authorised administrator (scripts that don't care who)
MS_PIM = facts.MS_PIM.value

_MANAGERS = {
    # who may manage assignments, approve extend/renew and cancel others' requests
    Surface.ENTRA: ("Global Administrator", "Privileged Role Administrator"),
    Surface.AZURE: ("Owner", "User Access Administrator"),
    Surface.GROUPS: ("Global Administrator", "Privileged Role Administrator"),
}


@dataclass(frozen=True, slots=True)
class Notification:
    """An email PIM sends (rule id as Graph names it)."""

    minute: float
    rule_id: str
    recipients: str
    subject: str
    request_id: str = ""


@dataclass(frozen=True, slots=True)
class Refusal:
    """A request PIM refused. The portal shows the message; Graph answers HTTP 400 with the
    code and rule. Nothing is written to the audit log for a request that was never accepted."""

    minute: float
    principal: str
    action: str
    role: str
    scope: str
    rule: str
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class LicenceChange:
    minute: float
    licence: Licence


# The records a run makes most often, built slot by slot (pim_sim.core.records.maker): all fields, in order.
_audit_record = maker(AuditRecord)
_notification = maker(Notification)
_status_change = maker(StatusChange)


class Simulation:
    """One replication of a PIM tenant.

    >>> from pim_sim import Simulation, Tenant
    >>> sim = Simulation(Tenant.build(users=["alice", "bob"]), seed=1)
    >>> _ = sim.assign("alice", "Global Administrator", kind="eligible")
    >>> req = sim.activate("alice", "Global Administrator", duration="PT2H", justification="patch")
    >>> req.status.value
    'Granted'
    """

    def __init__(self, tenant: Tenant, settings: SettingsBook | None = None, *, seed: int = 0,
                 start: datetime = DEFAULT_START, approvers: dict[str, approvals.ApproverBehaviour] | None = None,
                 lag: bool | Lag = True, auth_contexts: tuple[str, ...] = ()):
        self.env = simpy.Environment()
        self.tenant = tenant
        self._surfaces = {s.id: s.surface for s in tenant.scopes}
        self.settings = settings or SettingsBook()
        self.clock = Clock(start)
        self.seed = seed
        self.lag = Lag() if lag is True else (lag or None)  # None: access is usable at once
        self.auth_contexts = frozenset(auth_contexts)
        self.behaviours = dict(approvers or {})
        seqs = np.random.SeedSequence(seed).spawn(len(STREAMS))
        self.rng = {n: random.Random(int(s.generate_state(1, np.uint64)[0])) for n, s in zip(STREAMS, seqs, strict=True)}
        self.audit: list[AuditRecord] = []
        self.status_log: list[StatusChange] = []
        self.notifications: list[Notification] = []
        self.refusals: list[Refusal] = []
        self.licence_log: list[LicenceChange] = [LicenceChange(0.0, tenant.licence)]
        self.schedules: dict[str, Schedule] = {}
        self.requests: dict[str, Request] = {}
        self.listeners: list[Callable[[Simulation, str, object], None]] = []
        self.sign_ins: dict[str, float] = {}
        self._by_principal: dict[str, list[str]] = {}
        self._by_principal_role: dict[tuple[str, str, Kind], list[str]] = {}
        self._by_role: dict[str, list[str]] = {}
        self._open_activations: dict[tuple[str, str, str], str] = {}
        self._live_activations: dict[tuple[str, str, str], str] = {}
        self._stamp = (-1.0, self.clock.at(0))
        self._counter = {"schedule": 0, "request": 0}
        for group in tenant.groups:
            for member in group.members:
                self._add_schedule(member, "Member", f"/groups/{group.name}", Kind.ACTIVE, Origin.STANDING, 0.0, None)
            for owner in group.owners:
                self._add_schedule(owner, "Owner", f"/groups/{group.name}", Kind.ACTIVE, Origin.STANDING, 0.0, None)

    # ------------------------------------------------------------------ clock and records
    @property
    def now(self) -> float:
        return self.env.now

    @property
    def licence(self) -> Licence:
        return self.licence_log[-1].licence

    def licence_at(self, t: float) -> Licence:
        current = self.licence_log[0].licence
        for change in self.licence_log:
            if change.minute <= t:
                current = change.licence
        return current

    def run(self, until) -> Simulation:
        """Advance the clock to an absolute time (minutes or an ISO duration from the start).

        Everything due at the target time happens too, so an activation ending at 10:00 has
        expired, with its audit records, once the clock is at 10:00."""
        target = minutes(until)
        if target < self.env.now:
            raise ModelError(f"can't run back in time: now is minute {self.env.now:g}, asked for {target:g}")
        if target > self.env.now:
            self.env.run(until=target)
        while self.env.peek() <= target:
            self.env.step()
        return self

    def advance(self, by) -> Simulation:
        """Advance the clock by a duration (minutes or ISO-8601, e.g. 'PT5M', 'P1D')."""
        return self.run(self.env.now + minutes(by))

    def at(self, when, action: Callable[[], object]) -> None:
        """Run ``action`` at an absolute time. A refusal is recorded, not raised."""
        delay = minutes(when) - self.env.now
        if delay < 0:
            raise ModelError(f"can't schedule an action in the past (minute {minutes(when):g})")
        self._after(delay, self._attempt, action)

    def _attempt(self, action: Callable[[], object]) -> None:
        try:
            action()
        except PimRefusal:
            pass  # already recorded by the action itself

    def _after(self, delay: float, fn: Callable, *args) -> None:
        ev = self.env.timeout(delay)
        ev.callbacks.append(lambda _ev: fn(*args))

    def _log(self, activity: Activity, service: Service, surface: str, initiator: str, target: str, role: str,
             scope: str, *, justification: str = "", ticket: str = "", request_id: str = "", reason: str = "",
             result: str = "success", category: str = "") -> None:
        now = self.env.now
        if now != self._stamp[0]:
            self._stamp = (now, self.clock.at(now))
        category = category or SERVICE_CATEGORY.get(service) or CATEGORY[surface]
        self.audit.append(_audit_record(len(self.audit), now, self._stamp[1], activity, service,
                                        category, surface, initiator, target, role, scope, result, justification,
                                        ticket, request_id, reason))

    def _notify(self, settings: RoleSettings, event: NotificationEvent, recipient: Recipient, recipients: str,
                subject: str, request_id: str = "") -> None:
        if not self.licence.has_pim:
            return  # no PIM emails without the licence
        rule = settings.notification(event, recipient)
        if rule.default_recipients or rule.additional_recipients:
            who = [p for p in recipients.split(";") if p] if rule.default_recipients else []
            # At most 1000 recipients per PIM event; the rest get no email (and keep their permissions).
            to = [*who, *rule.additional_recipients][:facts.MAX_NOTIFICATION_RECIPIENTS.value]
            self.notifications.append(_notification(self.env.now, rule.rule_id, ";".join(to), subject, request_id))

    def _refuse(self, principal: str, action: Action | str, role: str, scope: str, error: PimRefusal) -> None:
        self.refusals.append(Refusal(self.env.now, principal, str(action), role, scope, error.rule, error.code,
                                     error.message))
        raise error

    def _emit(self, kind: str, payload: object) -> None:
        for listener in self.listeners:
            listener(self, kind, payload)

    # ------------------------------------------------------------------ state helpers
    def _next(self, kind: str) -> str:
        self._counter[kind] += 1
        return f"{kind[0]}{self._counter[kind]:06d}"

    def _add_schedule(self, principal, role, scope, kind, origin, start, end, **extra) -> Schedule:
        s = record(Schedule, self._next("schedule"), principal, role, scope, self._surface_of(scope), kind,
                   origin, start, end, self.env.now, **extra)
        self.schedules[s.id] = s
        self._by_principal.setdefault(principal, []).append(s.id)
        self._by_principal_role.setdefault((principal, role, kind), []).append(s.id)
        self._by_role.setdefault(role, []).append(s.id)
        return s

    def _replace_schedule(self, s: Schedule, **changes) -> Schedule:
        new = evolve(s, **changes)
        self.schedules[s.id] = new
        return new

    def _set_status(self, r: Request, status: Status, by: str = "", **changes) -> Request:
        done = status not in OPEN
        new = evolve(r, status=status, completed=self.env.now if done else r.completed, **changes)
        self.requests[r.id] = new
        self.status_log.append(_status_change(r.id, self.env.now, status, by))
        self._track_open(new)
        return new

    def _track_open(self, r: Request) -> None:
        """Index the one open (pending or granted, not yet provisioned) activation per role and scope."""
        if r.action is not Action.SELF_ACTIVATE:
            return
        key = (r.principal, r.role, r.scope)
        if r.status in OPEN:
            self._open_activations[key] = r.id
        elif self._open_activations.get(key) == r.id:
            del self._open_activations[key]

    def _new_request(self, action: Action, principal: str, role: str, scope: str, kind: Kind, status: Status,
                     start: float, duration: float | None, by: str, **extra) -> Request:
        r = record(Request, self._next("request"), action, principal, role, scope, self._surface_of(scope),
                   kind, status, self.env.now, start, duration, created_by=by, **extra)
        self.requests[r.id] = r
        self.status_log.append(_status_change(r.id, self.env.now, status, by))
        self._track_open(r)
        return r

    def schedules_of(self, principal: str, role: str | None = None, kind: Kind | None = None) -> list[Schedule]:
        """A principal's schedules (every version's latest state), optionally of one role and kind."""
        if role is None:
            found = [self.schedules[i] for i in self._by_principal.get(principal, ())]
            return found if kind is None else [s for s in found if s.kind is kind]
        if kind is None:
            return [*self.schedules_of(principal, role, Kind.ELIGIBLE), *self.schedules_of(principal, role, Kind.ACTIVE)]
        return [self.schedules[i] for i in self._by_principal_role.get((principal, role, kind), ())]

    def schedules_with_role(self, role: str) -> list[Schedule]:
        return [self.schedules[i] for i in self._by_role.get(role, ())]

    def status_at(self, request_id: str, t: float) -> Status | None:
        status = None
        for change in self.status_log:
            if change.request_id == request_id and change.minute <= t:
                status = change.status
        return status

    @property
    def settings(self) -> SettingsBook:
        """The role settings in force; a new book clears the per-(role, scope) look-ups made from the old one."""
        return self._settings

    @settings.setter
    def settings(self, book: SettingsBook) -> None:
        self._settings = book
        self._settings_for: dict[tuple[str, str], RoleSettings] = {}

    def settings_for(self, role: str, scope: str) -> RoleSettings:
        try:
            return self._settings_for[role, scope]
        except KeyError:
            found = self._settings_for[role, scope] = self._settings.lookup(role, scope, self._surface_of(scope))
            return found

    def _surface_of(self, scope: str) -> Surface:
        """The surface of a scope of this (immutable) tenant; an unknown scope raises ModelError."""
        return self._surfaces.get(scope) or self.tenant.scope(scope).surface

    def _surface(self, role: str, scope: str) -> Surface:
        where = self.tenant.scope(scope)
        lookup_role(where.surface, role)
        if where.level is ScopeLevel.ADMINISTRATIVE_UNIT and role not in AU_SCOPABLE:
            raise ModelError(f"{role} can't be assigned with administrative unit scope; of the modelled roles only "
                             f"{', '.join(sorted(AU_SCOPABLE))} can (admin-units-assign-roles)")
        return where.surface

    def _require_pim(self, principal: str, action: Action, role: str, scope: str) -> None:
        if not self.licence.has_pim:
            self._refuse(principal, action, role, scope, PimRefusal(
                "PIM needs Microsoft Entra ID P2 or Microsoft Entra ID Governance; without it the PIM blades, "
                "API and PowerShell are unavailable.", rule="LicenseRule", code="TenantNotLicensed",
                source=facts.SOURCES["licence_lapse"]))

    def _authorise(self, by: str, action: Action, principal: str, role: str, scope: str, surface: Surface) -> None:
        """Only Privileged Role Administrators or Global Administrators manage Entra assignments; only
        Owners or User Access Administrators manage Azure ones; group owners manage their group's."""
        if by == ADMIN:
            return
        self.tenant.principal(by)
        roles = _MANAGERS[surface]
        t = self.env.now
        if surface is Surface.GROUPS:
            if access_mod.holdings(self, by, "Owner", scope, t):
                return
            allowed = any(access_mod.holdings(self, by, r, DIRECTORY, t) for r in roles)
        elif surface is Surface.ENTRA:
            allowed = any(access_mod.holdings(self, by, r, DIRECTORY, t) for r in roles)
        else:
            allowed = any(access_mod.holdings(self, by, r, scope, t) for r in roles)
        if not allowed:
            who = " or ".join(roles) + (" or an owner of the group" if surface is Surface.GROUPS else "")
            self._refuse(by, action, role, scope, PimRefusal(
                f"{by} can't do this: managing {surface.value} assignments needs an active {who}.",
                rule="AuthorizationRule", code="AuthorizationFailed", source=facts.SOURCES["scope"]))

    # ------------------------------------------------------------------ admin assignments
    def assign(self, principal: str, role: str, scope: str = DIRECTORY, *, kind: str | Kind = Kind.ELIGIBLE,
               duration=None, start=None, justification: str = "", by: str = ADMIN, mfa: bool = True) -> Request:
        """adminAssign: make an eligible or active assignment, permanent (``duration=None``) or
        time-bound, starting now or later."""
        kind = Kind(kind)
        surface = self._surface(role, scope)
        p = self.tenant.principal(principal)
        action = Action.ADMIN_ASSIGN
        self._require_pim(by, action, role, scope)
        self._authorise(by, action, principal, role, scope, surface)
        if isinstance(p, ServicePrincipal) and kind is Kind.ELIGIBLE:
            self._refuse(by, action, role, scope, PimRefusal(
                "Service principals can't be made eligible; they can only get a time-limited active assignment.",
                rule="EligibilityRule", code="ServicePrincipalEligibilityNotSupported",
                source=facts.SERVICE_PRINCIPAL_ELIGIBLE.source))
        if isinstance(p, ServicePrincipal) and duration is None:
            self._refuse(by, action, role, scope, PimRefusal(
                "Service principals can only get a time-limited active assignment in PIM; set an end date.",
                rule="ExpirationRule", code="ServicePrincipalPermanentNotSupported",
                source=facts.SERVICE_PRINCIPAL_ELIGIBLE.source))
        if isinstance(p, Group) and surface is Surface.ENTRA and not p.role_assignable:
            self._refuse(by, action, role, scope, PimRefusal(
                f"Group {principal} isn't role-assignable; only role-assignable groups can hold Microsoft Entra roles.",
                rule="EligibilityRule", code="GroupNotRoleAssignable", source=facts.SOURCES["scope"]))
        if surface is Surface.GROUPS:
            g = self.tenant.group(scope.removeprefix("/groups/"))
            if g.dynamic or g.synced:
                self._refuse(by, action, role, scope, PimRefusal(
                    "Dynamic and on-premises-synced groups can't be managed by PIM for Groups.",
                    rule="EligibilityRule", code="GroupNotSupported", source=facts.SOURCES["scope"]))
        dur = None if duration is None else minutes(duration)
        begin = self.env.now if start is None else minutes(start)
        if begin < self.env.now:
            self._refuse(by, action, role, scope, PimRefusal("An assignment can't start in the past.",
                                                             rule="ExpirationRule"))
        settings = self.settings_for(role, scope)
        try:
            check_assignment(settings, kind is Kind.ACTIVE, dur, justification, mfa)
        except PimRefusal as e:
            self._refuse(by, action, role, scope, e)
        r = self._new_request(action, principal, role, scope, kind, Status.GRANTED, begin, dur, by,
                              justification=justification)
        suffix = "permanent" if dur is None else "timebound"
        requested = {("eligible", "permanent"): Activity.ELIGIBLE_REQUESTED_PERMANENT,
                     ("eligible", "timebound"): Activity.ELIGIBLE_REQUESTED_TIMEBOUND,
                     ("active", "permanent"): Activity.ACTIVE_REQUESTED_PERMANENT,
                     ("active", "timebound"): Activity.ACTIVE_REQUESTED_TIMEBOUND}[(kind.value, suffix)]
        self._log(requested, Service.PIM, surface, by, principal, role, scope, justification=justification,
                  request_id=r.id)
        if begin > self.env.now:
            self._after(begin - self.env.now, self._materialise_assignment, r.id)
        else:
            self._materialise_assignment(r.id)
        return self.requests[r.id]

    def _materialise_assignment(self, request_id: str) -> None:
        r = self.requests[request_id]
        if r.status is not Status.GRANTED:
            return  # canceled before its start
        if not self.licence.has_pim:  # lapsed before the start: nothing is processed (facts.WAITING_REQUEST_FAILS)
            self._set_status(r, Status.FAILED, MS_PIM, status_reason="TenantNotLicensed")
            return
        kind = Kind(r.kind)
        end = None if r.duration is None else self.env.now + r.duration
        s = self._add_schedule(r.principal, r.role, r.scope, kind, Origin.ASSIGNED, self.env.now, end, request_id=r.id)
        r = self._set_status(r, Status.PROVISIONED, MS_PIM, target_schedule=s.id)
        suffix = "permanent" if end is None else "timebound"
        completed = {("eligible", "permanent"): Activity.ELIGIBLE_COMPLETED_PERMANENT,
                     ("eligible", "timebound"): Activity.ELIGIBLE_COMPLETED_TIMEBOUND,
                     ("active", "permanent"): Activity.ACTIVE_COMPLETED_PERMANENT,
                     ("active", "timebound"): Activity.ACTIVE_COMPLETED_TIMEBOUND}[(kind.value, suffix)]
        self._log(completed, Service.PIM, r.surface, MS_PIM, r.principal, r.role, r.scope,
                  justification=r.justification, request_id=r.id)
        self._log_directory_change(s, added=True)
        settings = self.settings_for(r.role, r.scope)
        event = NotificationEvent.ELIGIBLE_ASSIGNED if kind is Kind.ELIGIBLE else NotificationEvent.ACTIVE_ASSIGNED
        self._notify(settings, event, Recipient.ADMIN, "default admins", f"PIM: {r.principal} assigned {r.role}", r.id)
        self._notify(settings, event, Recipient.REQUESTOR, r.principal, f"PIM: You are assigned {r.role}", r.id)
        if end is not None:
            self._arm_expiry(s)
        self._emit("assigned", s)

    def _log_directory_change(self, s: Schedule, *, added: bool, initiator: str = MS_PIM) -> None:
        """PIM's role change as the directory itself records it: Core Directory for Entra roles
        (initiated by MS-PIM), the Azure Activity Log for Azure roles."""
        if s.surface == Surface.ENTRA:
            if s.kind is Kind.ACTIVE:
                act = Activity.CORE_ADD_MEMBER if added else Activity.CORE_REMOVE_MEMBER
            else:
                act = Activity.CORE_ADD_ELIGIBLE if added else Activity.CORE_REMOVE_ELIGIBLE
            self._log(act, Service.CORE_DIRECTORY, s.surface, initiator, s.principal, s.role, s.scope)
        elif s.surface == Surface.AZURE and s.kind is Kind.ACTIVE:
            act = Activity.ARM_CREATE_ASSIGNMENT if added else Activity.ARM_DELETE_ASSIGNMENT
            self._log(act, Service.AZURE_RESOURCE_MANAGER, s.surface, initiator, s.principal, s.role, s.scope)

    def _arm_expiry(self, s: Schedule) -> None:
        self._after(s.end - self.env.now, self._expire, s.id, s.end)
        if s.origin is Origin.ASSIGNED:
            for ahead in facts.EXPIRY_NOTICE_MINUTES.value[:2]:
                if s.end - ahead > self.env.now:
                    self._after(s.end - ahead - self.env.now, self._expiry_notice, s.id, s.end, ahead)

    def _expiry_notice(self, schedule_id: str, end: float, ahead: float) -> None:
        s = self.schedules[schedule_id]
        if s.end != end or s.removed is not None or not self.licence.has_pim:
            return
        self.notifications.append(Notification(self.env.now, "ExpiryNotice", f"{s.principal};default admins",
                                               f"PIM: {s.role} expires in {ahead / facts.DAY:g} day(s)"))

    def _expire(self, schedule_id: str, end: float) -> None:
        s = self.schedules[schedule_id]
        if s.end != end or s.removed is not None:
            return  # extended, made permanent or removed since the timer was set
        if (s.role in facts.LAST_GLOBAL_ADMIN_PROTECTED.value and s.surface == Surface.ENTRA
                and s.kind is Kind.ELIGIBLE and not self._other_ga_exists(s)):
            self._replace_schedule(s, end=None)  # lock-out protection: kept when no other GA exists
            return
        if s.origin is Origin.ACTIVATED:
            self._log(Activity.ACTIVATION_EXPIRED, Service.PIM, s.surface, MS_PIM, s.principal, s.role, s.scope,
                      request_id=s.request_id)
        else:
            act = (Activity.REMOVE_ELIGIBLE_COMPLETED_TIMEBOUND if s.kind is Kind.ELIGIBLE
                   else Activity.REMOVE_ACTIVE_COMPLETED_TIMEBOUND)
            self._log(act, Service.PIM, s.surface, MS_PIM, s.principal, s.role, s.scope, request_id=s.request_id,
                      reason="Expired")
            if self.licence.has_pim:
                self.notifications.append(Notification(self.env.now, "ExpiryNotice", f"{s.principal};default admins",
                                                       f"PIM: {s.role} has expired"))
        self._log_directory_change(s, added=False)
        self._emit("expired", s)

    def _other_ga_exists(self, s: Schedule) -> bool:
        return any(o.id != s.id and o.surface == Surface.ENTRA and o.holds_at(self.env.now)
                   for o in self.schedules_with_role(s.role))

    def assign_outside_pim(self, principal: str, role: str, scope: str = DIRECTORY, *, by: str = ADMIN) -> Schedule:
        """A permanent active assignment made directly (Entra roles blade, Azure IAM or the ARM API),
        which PIM reports as 'Add member to role outside of PIM (permanent)'."""
        surface = self._surface(role, scope)
        self.tenant.principal(principal)
        s = self._add_schedule(principal, role, scope, Kind.ACTIVE, Origin.OUTSIDE_PIM, self.env.now, None)
        self._log_directory_change(s, added=True, initiator=by)
        if surface is not Surface.GROUPS:
            self._log(Activity.OUTSIDE_PIM, Service.PIM, surface, by, principal, role, scope)
        self._emit("assigned", s)
        return s

    def remove(self, schedule_id: str, *, by: str = ADMIN, justification: str = "") -> Request:
        """adminRemove: end an eligible or active assignment now."""
        s = self._live_schedule(schedule_id)
        surface = Surface(s.surface)
        action = Action.ADMIN_REMOVE
        self._require_pim(by, action, s.role, s.scope)
        self._authorise(by, action, s.principal, s.role, s.scope, surface)
        if self.env.now - s.created < facts.NO_REMOVE_WITHIN_MINUTES.value:
            self._refuse(by, action, s.role, s.scope, PimRefusal(
                "An assignment can't be removed within 5 minutes of being made.", rule="ExpirationRule",
                code="ActiveDurationTooShort", source=facts.NO_REMOVE_WITHIN_MINUTES.source))
        if (s.role in facts.LAST_GLOBAL_ADMIN_PROTECTED.value and surface is Surface.ENTRA and s.kind is Kind.ACTIVE
                and not any(h.schedule_id != s.id for h in access_mod.holders(self, s.role, DIRECTORY, self.env.now))):
            self._refuse(by, action, s.role, s.scope, PimRefusal(
                "The last active Global Administrator assignment can't be removed (lock-out protection).",
                rule="LastGlobalAdministratorRule", code="LastGlobalAdministrator",
                source=facts.LAST_GLOBAL_ADMIN_PROTECTED.source))
        r = self._new_request(action, s.principal, s.role, s.scope, s.kind, Status.REVOKED, self.env.now, None, by,
                              justification=justification, target_schedule=s.id)
        suffix = "permanent" if s.end is None else "timebound"
        acts = {("eligible", "permanent"): (Activity.REMOVE_ELIGIBLE_REQUESTED_PERMANENT,
                                            Activity.REMOVE_ELIGIBLE_COMPLETED_PERMANENT),
                ("eligible", "timebound"): (Activity.REMOVE_ELIGIBLE_REQUESTED_TIMEBOUND,
                                            Activity.REMOVE_ELIGIBLE_COMPLETED_TIMEBOUND),
                ("active", "permanent"): (Activity.REMOVE_ACTIVE_REQUESTED_PERMANENT,
                                          Activity.REMOVE_ACTIVE_COMPLETED_PERMANENT),
                ("active", "timebound"): (Activity.REMOVE_ACTIVE_REQUESTED_TIMEBOUND,
                                          Activity.REMOVE_ACTIVE_COMPLETED_TIMEBOUND)}[(s.kind.value, suffix)]
        self._log(acts[0], Service.PIM, surface, by, s.principal, s.role, s.scope, justification=justification,
                  request_id=r.id)
        self._log(acts[1], Service.PIM, surface, MS_PIM, s.principal, s.role, s.scope, request_id=r.id)
        self._end_schedule(s)
        return self.requests[r.id]

    def _end_schedule(self, s: Schedule) -> None:
        self._replace_schedule(s, removed=self.env.now)
        self._log_directory_change(s, added=False)
        self._emit("removed", s)

    def _live_schedule(self, schedule_id: str) -> Schedule:
        try:
            s = self.schedules[schedule_id]
        except KeyError:
            raise ModelError(f"{schedule_id!r} is not a schedule") from None
        if not s.holds_at(self.env.now) and not s.start > self.env.now:
            raise ModelError(f"schedule {schedule_id} is no longer in force")
        return s

    def find(self, principal: str, role: str, scope: str = DIRECTORY, kind: str | Kind | None = None,
             origin: Origin | None = None, at: float | None = None) -> Schedule | None:
        """The principal's schedule of ``role`` at exactly ``scope`` in force at ``at`` (default now)."""
        t = self.env.now if at is None else at
        if origin is Origin.ACTIVATED and at is None and kind in (None, Kind.ACTIVE):
            # Only the latest activation can be in force now: activate() refuses while one holds or one is
            # pending, and an activation is never lengthened. The index saves scanning every past activation.
            live = self._live_activations.get((principal, role, scope))
            s = None if live is None else self.schedules[live]
            return s if s is not None and s.holds_at(t) else None
        for s in reversed(self.schedules_of(principal, role, None if kind is None else Kind(kind))):
            if s.scope == scope and (origin is None or s.origin is origin) and s.holds_at(t):
                return s
        return None

    # ------------------------------------------------------------------ activation
    def _eligibility(self, principal: str, role: str, scope: str) -> Schedule | None:
        covering = self.tenant.ancestors(scope)
        t = self.env.now
        for who in (principal, *access_mod.member_groups(self, principal, t)):
            for s in self.schedules_of(who, role, Kind.ELIGIBLE):
                if s.scope in covering and s.holds_at(t):
                    return s
        return None

    def activate(self, principal: str, role: str, scope: str = DIRECTORY, *, duration=None, justification: str = "",
                 ticket: str = "", mfa: bool = True, context_satisfied: bool = True, start=None) -> Request:
        """selfActivate: turn an eligible assignment into a time-bound active one.

        No admin role is needed to activate one's own eligible role
        (https://github.com/MicrosoftDocs/entra-docs/pull/1314)."""
        action = Action.SELF_ACTIVATE
        surface = self._surface(role, scope)
        self.tenant.principal(principal)
        self._require_pim(principal, action, role, scope)
        eligible = self._eligibility(principal, role, scope)
        if eligible is None:
            self._refuse(principal, action, role, scope, PimRefusal(
                f"{principal} has no eligible assignment of {role} covering {scope}; only eligible roles can be "
                "activated.", rule="EligibilityRule", source=facts.SOURCES["scope"]))
        open_id = self._open_activations.get((principal, role, scope))
        if open_id is not None:
            self._refuse(principal, action, role, scope, PimRefusal(
                f"There is already a pending request ({open_id}) for this role.", rule="EligibilityRule",
                code="PendingRoleAssignmentRequest"))
        live = self._live_activations.get((principal, role, scope))
        if live is not None and self.schedules[live].holds_at(self.env.now):
            self._refuse(principal, action, role, scope, PimRefusal(
                f"{role} is already active for {principal}; extend it by activating again after it ends or ask "
                "for a longer duration next time.", rule="EligibilityRule", code="RoleAssignmentExists"))
        settings = self.settings_for(role, scope)
        dur = settings.activation_max if duration is None else minutes(duration)
        context_has_policy = settings.auth_context in self.auth_contexts
        try:
            check_activation(settings, dur, justification, ticket, mfa, context_satisfied, context_has_policy)
        except PimRefusal as e:
            self._refuse(principal, action, role, scope, e)
        begin = self.env.now if start is None else minutes(start)
        if begin < self.env.now:
            self._refuse(principal, action, role, scope, PimRefusal("An activation can't start in the past.",
                                                                    rule="ExpirationRule"))
        if eligible.end is not None:  # model choice: an activation never outlasts the eligibility
            if begin >= eligible.end:
                self._refuse(principal, action, role, scope, PimRefusal(
                    f"The eligible assignment ends at minute {eligible.end:g}, before the requested start; an "
                    "activation can't start after its eligibility ends.", rule="ExpirationRule"))
            dur = min(dur, eligible.end - begin)
        pending = settings.require_approval
        r = self._new_request(action, principal, role, scope, Kind.ACTIVE,
                              Status.PENDING_APPROVAL if pending else Status.GRANTED, begin, dur, principal,
                              justification=justification, ticket=ticket, target_schedule=eligible.id)
        self._log(Activity.ACTIVATION_REQUESTED, Service.PIM, surface, principal, principal, role, scope,
                  justification=justification, ticket=ticket, request_id=r.id)
        if pending:
            self._open_approval(r, settings)
        else:
            self._grant(r)
        return self.requests[r.id]

    def approvers_for(self, request_id: str) -> frozenset[str]:
        """Who may decide this request: the role's approvers (groups expanded to their members) or, for
        Microsoft Entra roles with none chosen, the Privileged Role Administrators and Global Administrators."""
        r = self.requests[request_id]
        settings = self.settings_for(r.role, r.scope)
        names: list[str] = []
        if settings.approvers:
            for a in settings.approvers:
                p = self.tenant.principal(a)
                if p.kind is PrincipalKind.GROUP:
                    names.extend(h for h in self._group_members(a))
                else:
                    names.append(a)
        elif r.surface == Surface.ENTRA:
            for fallback in facts.ENTRA_DEFAULT_APPROVER_ROLES.value:
                names.extend(h.principal for h in access_mod.holders(self, fallback, DIRECTORY, self.env.now))
        return frozenset(n for n in names
                         if not isinstance(self.tenant.principal(n), ServicePrincipal))

    def _group_members(self, group: str) -> list[str]:
        return access_mod.group_members(self, group, self.env.now)

    def _open_approval(self, r: Request, settings: RoleSettings) -> None:
        self._log(Activity.ACTIVATION_APPROVAL_REQUESTED, Service.PIM, r.surface, r.principal, r.principal, r.role,
                  r.scope, justification=r.justification, ticket=r.ticket, request_id=r.id)
        deciders = sorted(self.approvers_for(r.id) - {r.principal})
        self._notify(settings, NotificationEvent.ACTIVATED, Recipient.APPROVER, ";".join(deciders),
                     f"PIM: Approval required for {r.role}", r.id)
        rng = self.rng["approvers"]
        for name in deciders:
            behaviour = self.behaviours.get(name, self.behaviours.get("*"))
            if behaviour is None:
                continue  # scripted approver: decides only when told
            answer = behaviour.response(rng, self.env.now)
            if answer is not None and answer[0] - self.env.now < facts.APPROVAL_WINDOW_MINUTES.value:
                when, yes = answer
                self._after(when - self.env.now, self._auto_decide, r.id, name, yes)
        self._after(facts.APPROVAL_WINDOW_MINUTES.value, self._approval_timeout, r.id)

    def _auto_decide(self, request_id: str, approver: str, approve: bool) -> None:
        if self.requests[request_id].status is not Status.PENDING_APPROVAL:
            return  # someone else decided first, or the requester canceled
        decide = self.approve if approve else self.deny
        try:
            decide(request_id, by=approver, justification="Approved" if approve else "Not justified")
        except PimRefusal:
            pass

    def _approval_timeout(self, request_id: str) -> None:
        r = self.requests[request_id]
        if r.status is not Status.PENDING_APPROVAL:
            return
        status, reason = facts.APPROVAL_EXPIRED_STATUS.value  # Graph names no "Expired" status (undocumented)
        r = self._set_status(r, Status(status), MS_PIM, status_reason=reason)
        self._log(Activity.ACTIVATION_REQUEST_EXPIRED, Service.PIM, r.surface, MS_PIM, r.principal, r.role, r.scope,
                  request_id=r.id, reason=reason)
        self._emit("request_expired", r)

    def _decide(self, request_id: str, by: str, justification: str, approve: bool) -> Request:
        r = self.requests.get(request_id)
        if r is None:
            raise ModelError(f"{request_id!r} is not a request")
        if r.status is not Status.PENDING_APPROVAL:
            settled = f"by {r.approver}" if r.approver else ""
            self._refuse(by, "approve" if approve else "deny", r.role, r.scope, PimRefusal(
                f"Request {r.id} is no longer pending ({r.status.value} {settled}). The first approver to decide "
                "settles a request.", rule="ApprovalRule", code="RequestNotPending",
                source=facts.SOURCES["graph_status"]))
        settings = self.settings_for(r.role, r.scope)
        approvers = self.approvers_for(r.id)
        try:
            p = self.tenant.principal(by)
            approvals.check_decision(r.principal, by, isinstance(p, ServicePrincipal), approvers,
                                     justification, settings.approver_justification_required)
        except PimRefusal as e:
            self._refuse(by, "approve" if approve else "deny", r.role, r.scope, e)
        # "All approvers are then notified of the decision" (pim-approval-workflow).
        self._notify(settings, NotificationEvent.ACTIVATED, Recipient.APPROVER, ";".join(sorted(approvers - {r.principal})),
                     f"PIM: Request for {r.role} {'approved' if approve else 'denied'} by {by}", r.id)
        if approve:
            r = self._set_status(r, Status.GRANTED, by, approver=by, approver_justification=justification)
            self._log(Activity.ACTIVATION_APPROVED, Service.PIM, r.surface, by, r.principal, r.role, r.scope,
                      justification=justification, request_id=r.id)
            self._log(Activity.REVIEW_REQUEST_APPROVED, Service.ACCESS_REVIEWS, r.surface, by, r.principal, r.role,
                      r.scope, justification=justification, request_id=r.id)
            self._grant(r)
        else:
            r = self._set_status(r, Status.DENIED, by, approver=by, approver_justification=justification)
            self._log(Activity.ACTIVATION_DENIED, Service.PIM, r.surface, by, r.principal, r.role, r.scope,
                      justification=justification, request_id=r.id, reason=justification)
            self._log(Activity.REVIEW_REQUEST_DENIED, Service.ACCESS_REVIEWS, r.surface, by, r.principal, r.role,
                      r.scope, justification=justification, request_id=r.id)
        return self.requests[r.id]

    def approve(self, request_id: str, *, by: str, justification: str = "Approved") -> Request:
        """An approver approves a pending activation; the first decision settles it."""
        return self._decide(request_id, by, justification, True)

    def deny(self, request_id: str, *, by: str, justification: str = "Denied") -> Request:
        """An approver denies a pending activation; the user must submit a new request to try again."""
        return self._decide(request_id, by, justification, False)

    def cancel(self, request_id: str, *, by: str | None = None) -> Request:
        """The requester (or a Global or Privileged Role Administrator) cancels a pending or
        not-yet-started request."""
        r = self.requests.get(request_id)
        if r is None:
            raise ModelError(f"{request_id!r} is not a request")
        by = by or r.principal
        if by != r.principal:
            self._authorise(by, Action.SELF_ACTIVATE, r.principal, r.role, r.scope, Surface(r.surface))
        startable = r.status is Status.GRANTED and r.start > self.env.now
        if r.status not in PENDING and not startable:
            self._refuse(by, "cancel", r.role, r.scope, PimRefusal(
                f"Request {r.id} is {r.status.value}; only pending or not-yet-started requests can be canceled.",
                rule="CancelRule", code="RequestNotCancelable", source=facts.SOURCES["graph_request"]))
        r = self._set_status(r, Status.CANCELED, by)
        if r.action is Action.SELF_ACTIVATE:
            self._log(Activity.ACTIVATION_CANCELED, Service.PIM, r.surface, by, r.principal, r.role, r.scope,
                      request_id=r.id)
        else:
            act = canceled_activity(r.action, r.kind, r.duration is None)
            self._log(act, Service.PIM, r.surface, by, r.principal, r.role, r.scope, request_id=r.id)
        return r

    def _grant(self, r: Request) -> None:
        if r.status is not Status.GRANTED:
            r = self._set_status(r, Status.GRANTED, MS_PIM)
        # PIM creates the assignment "within seconds" of the (approved or scheduled) start.
        delay = max(0.0, r.start - self.env.now)
        if self.lag:
            low, high = self.lag.provisioning_seconds
            delay += self.rng["provisioning"].uniform(low, high) / 60.0
        if delay > 0:
            self._after(delay, self._provision, r.id)
        else:
            self._provision(r.id)

    def _provision(self, request_id: str) -> None:
        r = self.requests[request_id]
        if r.status is not Status.GRANTED:
            return  # canceled before it started
        now = self.env.now
        eligible = self.schedules.get(r.target_schedule)
        if eligible is None or not eligible.holds_at(now):
            # The eligibility ended or was removed while the request waited (approval or a later start):
            # nothing to activate (facts.WAITING_REQUEST_FAILS, undocumented).
            self._set_status(r, Status.FAILED, MS_PIM, status_reason="EligibilityEnded")
            return
        lag = 0.0
        if self.lag:  # applications and tokens pick the new role up a little later
            low, high = self.lag.token_refresh_minutes
            lag = self.rng["provisioning"].uniform(low, high)
        end = now + r.duration if eligible.end is None else min(now + r.duration, eligible.end)
        s = self._add_schedule(r.principal, r.role, r.scope, Kind.ACTIVE, Origin.ACTIVATED, now, end,
                               request_id=r.id, activated_from=r.target_schedule, usable_from=now + lag)
        self._live_activations[(r.principal, r.role, r.scope)] = s.id
        r = self._set_status(r, Status.PROVISIONED, MS_PIM, target_schedule=s.id)
        self._log(Activity.ACTIVATION_COMPLETED, Service.PIM, r.surface, MS_PIM, r.principal, r.role, r.scope,
                  justification=r.justification, ticket=r.ticket, request_id=r.id)
        self._log_directory_change(s, added=True)
        settings = self.settings_for(r.role, r.scope)
        self._notify(settings, NotificationEvent.ACTIVATED, Recipient.ADMIN, "default admins",
                     f"PIM: {r.principal} activated {r.role}", r.id)
        self._notify(settings, NotificationEvent.ACTIVATED, Recipient.REQUESTOR, r.principal,
                     f"PIM: Your {r.role} role is activated", r.id)
        self._arm_expiry(s)
        self._emit("activated", s)

    def deactivate(self, principal: str, role: str, scope: str = DIRECTORY) -> Request:
        """selfDeactivate: end one's own activation early (not within 5 minutes of activation)."""
        action = Action.SELF_DEACTIVATE
        self._require_pim(principal, action, role, scope)
        s = self.find(principal, role, scope, Kind.ACTIVE, Origin.ACTIVATED)
        if s is None:
            self._refuse(principal, action, role, scope, PimRefusal(
                f"{principal} has no activation of {role} at {scope} to deactivate.", rule="EligibilityRule",
                code="RoleAssignmentDoesNotExist"))
        if self.env.now - s.start < facts.NO_DEACTIVATE_WITHIN_MINUTES.value:
            self._refuse(principal, action, role, scope, PimRefusal(
                "An activation can't be deactivated within 5 minutes after activation; try again in a few minutes.",
                rule="ExpirationRule", code="ActiveDurationTooShort", source=facts.NO_DEACTIVATE_WITHIN_MINUTES.source))
        r = self._new_request(action, principal, role, scope, Kind.ACTIVE, Status.REVOKED, self.env.now, None, principal,
                              target_schedule=s.id)
        self._log(Activity.DEACTIVATE_REQUESTED, Service.PIM, s.surface, principal, principal, role, scope,
                  request_id=r.id)
        self._log(Activity.DEACTIVATE_COMPLETED, Service.PIM, s.surface, MS_PIM, principal, role, scope,
                  request_id=r.id)
        self._end_schedule(s)
        return r

    # ------------------------------------------------------------------ extend and renew
    def request_extend(self, principal: str, role: str, scope: str = DIRECTORY, *, kind: str | Kind = Kind.ELIGIBLE,
                       duration=None, justification: str = "") -> Request:
        """selfExtend: ask an administrator to extend an assignment that ends within 14 days."""
        action = Action.SELF_EXTEND
        kind = Kind(kind)
        self._require_pim(principal, action, role, scope)
        s = self.find(principal, role, scope, kind, Origin.ASSIGNED)
        src = facts.EXTEND_WINDOW_MINUTES
        if s is None or s.end is None:
            self._refuse(principal, action, role, scope, PimRefusal(
                f"{principal} has no time-bound {kind.value} assignment of {role} at {scope} to extend (assignments "
                "inherited through a group can't be extended by the member).", rule="ExpirationRule",
                code="RoleAssignmentDoesNotExist", source=src.source))
        if s.end - self.env.now > src.value:
            self._refuse(principal, action, role, scope, PimRefusal(
                f"Extend becomes available only when the assignment ends within 14 days; this one ends in "
                f"{(s.end - self.env.now) / facts.DAY:.1f} days.", rule="ExpirationRule", code="ExtendNotAllowed",
                source=src.source))
        act = Activity.UPDATE_ELIGIBLE_EXTEND_REQUESTED if kind is Kind.ELIGIBLE else Activity.UPDATE_ACTIVE_EXTEND_REQUESTED
        return self._ask_admins(action, s, duration, justification, act)

    def request_renew(self, principal: str, role: str, scope: str = DIRECTORY, *, kind: str | Kind = Kind.ELIGIBLE,
                      duration=None, justification: str = "") -> Request:
        """selfRenew: ask an administrator to renew an assignment that expired at most 30 days ago."""
        action = Action.SELF_RENEW
        kind = Kind(kind)
        self._require_pim(principal, action, role, scope)
        src = facts.RENEW_WINDOW_MINUTES
        expired = [s for s in self.schedules_of(principal, role, kind) if s.scope == scope
                   and s.origin is Origin.ASSIGNED and s.end is not None and s.removed is None and s.end <= self.env.now]
        if self.find(principal, role, scope, kind) is not None or not expired:
            self._refuse(principal, action, role, scope, PimRefusal(
                f"{principal} has no expired {kind.value} assignment of {role} at {scope} to renew.",
                rule="ExpirationRule", code="RoleAssignmentDoesNotExist", source=src.source))
        last = max(expired, key=lambda s: s.end)
        if self.env.now - last.end > src.value:
            self._refuse(principal, action, role, scope, PimRefusal(
                f"Renew is available for up to 30 days after expiry; this assignment expired "
                f"{(self.env.now - last.end) / facts.DAY:.1f} days ago.", rule="ExpirationRule", code="RenewNotAllowed",
                source=src.source))
        act = Activity.ELIGIBLE_REQUESTED_RENEW if kind is Kind.ELIGIBLE else Activity.ACTIVE_REQUESTED_RENEW
        return self._ask_admins(action, last, duration, justification, act)

    def _ask_admins(self, action: Action, s: Schedule, duration, justification: str, activity: Activity) -> Request:
        """Open an extend or renew request on schedule ``s`` and email the administrators who decide it:
        the Approver rule of the assignment's event ("Request to approve a role assignment
        renewal/extension", entra_settings). Without a duration, the role's assignment maximum."""
        dur = minutes(duration) if duration is not None else self.settings_for(s.role, s.scope).expiry_rule(
            s.kind is Kind.ACTIVE)[1]
        r = self._new_request(action, s.principal, s.role, s.scope, s.kind, Status.PENDING_ADMIN_DECISION, self.env.now,
                              dur, s.principal, justification=justification, target_schedule=s.id)
        self._log(activity, Service.PIM, s.surface, s.principal, s.principal, s.role, s.scope,
                  justification=justification, request_id=r.id)
        event = NotificationEvent.ELIGIBLE_ASSIGNED if s.kind is Kind.ELIGIBLE else NotificationEvent.ACTIVE_ASSIGNED
        what = "renewal" if action is Action.SELF_RENEW else "extension"
        self._notify(self.settings_for(s.role, s.scope), event, Recipient.APPROVER, "default admins",
                     f"PIM: Request to approve a role assignment {what}", r.id)
        return r

    def decide_update(self, request_id: str, *, by: str, approve: bool = True, justification: str = "") -> Request:
        """An administrator (GA or PRA for Entra, Owner or UAA for Azure) approves or denies an extend or
        renew request. Only the portal offers this; Graph and ARM can't approve them."""
        r = self.requests[request_id]
        if r.status is not Status.PENDING_ADMIN_DECISION:
            self._refuse(by, "decide", r.role, r.scope, PimRefusal(f"Request {r.id} is not waiting for an admin.",
                                                                    rule="ApprovalRule", code="RequestNotPending"))
        if by == r.principal:
            self._refuse(by, "decide", r.role, r.scope, PimRefusal(
                "Nobody approves their own extend or renew request.", rule="ApprovalRule",
                code="SelfApprovalNotAllowed", source=facts.SOURCES["graph_request"]))
        self._authorise(by, r.action, r.principal, r.role, r.scope, Surface(r.surface))
        if approve and r.action is Action.SELF_EXTEND and not self.schedules[r.target_schedule].holds_at(self.env.now):
            # The assignment ended while the extension waited; extending it now would bring access back
            # without a new assignment. The request fails; renew instead (facts.WAITING_REQUEST_FAILS, undocumented).
            return self._set_status(r, Status.FAILED, by, approver=by, status_reason="AssignmentEnded")
        if not approve:
            r = self._set_status(r, Status.DENIED, by, approver=by, approver_justification=justification)
            self._log(Activity.UPDATE_DENIED_BY_ADMIN, Service.PIM, r.surface, by, r.principal, r.role, r.scope,
                      justification=justification, request_id=r.id)
            return r
        r = self._set_status(r, Status.GRANTED, by, approver=by, approver_justification=justification)
        self._log(Activity.UPDATE_APPROVED_BY_ADMIN, Service.PIM, r.surface, by, r.principal, r.role, r.scope,
                  justification=justification, request_id=r.id)
        self._apply_update(r)
        return self.requests[r.id]

    def _apply_update(self, r: Request) -> None:
        old = self.schedules[r.target_schedule]
        if r.action in (Action.SELF_EXTEND, Action.ADMIN_EXTEND):
            new = self._replace_schedule(old, end=old.end + r.duration)
        else:  # renew: a fresh time-bound schedule from now
            new = self._add_schedule(old.principal, old.role, old.scope, old.kind, Origin.ASSIGNED, self.env.now,
                                     self.env.now + r.duration, request_id=r.id)
            self._log_directory_change(new, added=True)
        self._set_status(r, Status.PROVISIONED, MS_PIM, target_schedule=new.id)
        self._arm_expiry(new)
        self._emit("updated", new)

    def admin_extend(self, schedule_id: str, duration, *, by: str = ADMIN, justification: str = "") -> Request:
        """adminExtend: an administrator extends an assignment directly; no approval needed."""
        return self._admin_update(Action.ADMIN_EXTEND, schedule_id, duration, by, justification)

    def admin_renew(self, schedule_id: str, duration, *, by: str = ADMIN, justification: str = "") -> Request:
        """adminRenew: an administrator renews an expired assignment from the Expired roles tab."""
        return self._admin_update(Action.ADMIN_RENEW, schedule_id, duration, by, justification)

    def _only_assignments(self, by: str, action: Action, s: Schedule) -> None:
        """Extend, renew and update apply to eligible and active assignments (pim-how-to-renew-extend); an
        activation is never lengthened past its role's maximum: it ends, and the user activates again."""
        if s.origin is Origin.ACTIVATED:
            self._refuse(by, action, s.role, s.scope, PimRefusal(
                "An activation can't be extended, renewed or updated; the user activates again when it ends.",
                rule="ExpirationRule", source=facts.EXTEND_WINDOW_MINUTES.source))

    def _admin_update(self, action: Action, schedule_id: str, duration, by: str, justification: str) -> Request:
        s = self.schedules[schedule_id]
        self._require_pim(by, action, s.role, s.scope)
        self._authorise(by, action, s.principal, s.role, s.scope, Surface(s.surface))
        self._only_assignments(by, action, s)
        if action is Action.ADMIN_RENEW and not (s.end is not None and s.end <= self.env.now
                                                 and self.env.now - s.end <= facts.RENEW_WINDOW_MINUTES.value):
            self._refuse(by, action, s.role, s.scope, PimRefusal(
                "Only assignments that expired within the last 30 days can be renewed.", rule="ExpirationRule",
                code="RenewNotAllowed", source=facts.RENEW_WINDOW_MINUTES.source))
        if action is Action.ADMIN_EXTEND and (s.end is None or not s.holds_at(self.env.now)):
            self._refuse(by, action, s.role, s.scope, PimRefusal(
                "Only time-bound assignments in force can be extended.", rule="ExpirationRule",
                code="ExtendNotAllowed", source=facts.EXTEND_WINDOW_MINUTES.source))
        r = self._new_request(action, s.principal, s.role, s.scope, s.kind, Status.GRANTED, self.env.now,
                              minutes(duration), by, justification=justification, target_schedule=s.id)
        self._log(Activity.UPDATE_APPROVED_BY_ADMIN, Service.PIM, s.surface, by, s.principal, s.role, s.scope,
                  justification=justification, request_id=r.id, reason=action.value)
        self._apply_update(r)
        return self.requests[r.id]

    def admin_update(self, schedule_id: str, *, end=None, by: str = ADMIN, justification: str = "") -> Request:
        """adminUpdate: change an assignment's end (``end=None`` makes it permanent where allowed)."""
        s = self._live_schedule(schedule_id)
        action = Action.ADMIN_UPDATE
        self._require_pim(by, action, s.role, s.scope)
        self._authorise(by, action, s.principal, s.role, s.scope, Surface(s.surface))
        self._only_assignments(by, action, s)
        new_end = None if end is None else minutes(end)
        duration = None if new_end is None else new_end - s.start
        if new_end is not None and new_end <= self.env.now:
            self._refuse(by, action, s.role, s.scope, PimRefusal(
                f"The new end (minute {new_end:g}) must be later than now; remove the assignment to end it now.",
                rule="ExpirationRule"))
        try:
            check_assignment(self.settings_for(s.role, s.scope), s.kind is Kind.ACTIVE, duration,
                             justification or "update", True)
        except PimRefusal as e:
            self._refuse(by, action, s.role, s.scope, e)
        r = self._new_request(action, s.principal, s.role, s.scope, s.kind, Status.PROVISIONED, self.env.now, duration,
                              by, justification=justification, target_schedule=s.id)
        new = self._replace_schedule(s, end=new_end)
        self._log(Activity.UPDATE_APPROVED_BY_ADMIN, Service.PIM, s.surface, by, s.principal, s.role, s.scope,
                  justification=justification, request_id=r.id, reason=action.value)
        if new_end is not None:
            self._arm_expiry(new)
        self._emit("updated", new)
        return r

    # ------------------------------------------------------------------ settings and licence
    def set_settings(self, role: str, scope: str = DIRECTORY, *, by: str = ADMIN, **changes) -> RoleSettings:
        """Change a role's settings (per role for Entra, per role per resource for Azure, per role per group
        for Groups). Refused values raise :class:`~pim_sim.errors.SettingError`."""
        surface = self._surface(role, scope)
        self._require_pim(by, "updateSettings", role, scope)
        if surface is not Surface.ENTRA:  # a group's owner may edit its settings (groups-role-settings)
            self._authorise(by, Action.ADMIN_UPDATE, by, role, scope, surface)
        elif by != ADMIN:
            self._authorise(by, Action.ADMIN_UPDATE, by, "Privileged Role Administrator", DIRECTORY, Surface.ENTRA)
        new = self.settings_for(role, scope).with_changes(**changes)
        for approver in new.approvers:  # approvers are users or groups of this tenant (pim-approval-workflow)
            if not self.tenant.has_principal(approver) or isinstance(self.tenant.principal(approver), ServicePrincipal):
                raise SettingError("Approvers", approver, "select users or groups of this tenant; service principals "
                                   "can't approve", facts.SELF_APPROVAL_ALLOWED.source)
        self.settings = self.settings.with_setting(role, scope, surface, new)
        self._log(Activity.UPDATE_ROLE_SETTING, Service.PIM, surface, by, role, role, scope)
        self._emit("settings", (role, scope))
        return new

    def set_licence(self, licence: Licence | str) -> None:
        """Change the tenant's licence. When P2 or ID Governance lapses: eligible assignments are removed,
        time-bound active assignments become permanent, role settings are removed and PIM sends no
        more emails or alerts (https://learn.microsoft.com/en-us/entra/id-governance/licensing-fundamentals)."""
        new = Licence(licence)
        lapsed = self.licence.has_pim and not new.has_pim
        self.licence_log.append(LicenceChange(self.env.now, new))
        if lapsed:
            for s in list(self.schedules.values()):
                if not s.holds_at(self.env.now) and not s.start > self.env.now:
                    continue
                if s.kind is Kind.ELIGIBLE:
                    self._replace_schedule(s, removed=self.env.now)
                    self._log_directory_change(s, added=False, initiator="MS-PIM")
                elif s.end is not None:
                    self._replace_schedule(s, end=None)
            self.settings = SettingsBook()
        self._emit("licence", new)

    def sign_in(self, principal: str) -> None:
        """Record a sign-in (read by recommendations and stale-account alerts)."""
        self.tenant.principal(principal)
        self.sign_ins[principal] = self.env.now
        self._emit("sign_in", (principal, self.env.now))

    def last_sign_in(self, principal: str) -> float | None:
        """Minute of the principal's last sign-in: the latest in this run, else the tenant's starting
        value (``User.last_sign_in``, possibly before the start), else None (never signed in)."""
        if principal in self.sign_ins:
            return self.sign_ins[principal]
        when = getattr(self.tenant.principal(principal), "last_sign_in", None)
        return None if when is None else self.clock.minute_of(when)

    @cached_property
    def reviews(self):
        """Access reviews of privileged roles (:class:`pim_sim.features.reviews.ReviewBook`), created on first use."""
        from pim_sim.features.reviews import ReviewBook

        return ReviewBook(self)

    @cached_property
    def alerts(self):
        """PIM security alerts (:class:`pim_sim.features.alerts.AlertCenter`). Monitoring starts on first use."""
        from pim_sim.features.alerts import AlertCenter

        return AlertCenter(self)

    # ------------------------------------------------------------------ queries
    def holds(self, principal: str, role: str, scope: str = DIRECTORY, at=None) -> bool:
        """Does the principal hold usable access to the role at the scope at ``at`` (default now)?"""
        t = self.env.now if at is None else minutes(at)
        return bool(access_mod.holdings(self, principal, role, scope, t))

    def why_not(self, principal: str, role: str, scope: str = DIRECTORY, at=None) -> access_mod.Explanation:
        t = self.env.now if at is None else minutes(at)
        return access_mod.why_not(self, principal, role, scope, t)

    def results(self):
        from pim_sim.results.tables import Results

        return Results(self)
