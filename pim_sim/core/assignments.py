"""Assignment rules: administrators make, remove and end eligible and active assignments.

The first layer of PIM's rules over the :class:`~pim_sim.core.kernel.Kernel`: adminAssign (now or
later, permanent or time-bound), assignments made outside PIM, adminRemove with its 5-minute and
last-Global-Administrator guards, expiry with its notices, and a licence lapse's effect on
assignments. Each rule cites its source in :mod:`pim_sim.facts`.
"""

from __future__ import annotations

from pim_sim import facts
from pim_sim.core import access as access_mod
from pim_sim.core.audit import Activity, Service
from pim_sim.core.clock import minutes, span
from pim_sim.core.events import ADMIN, MS_PIM, LicenceChange
from pim_sim.core.kernel import Kernel
from pim_sim.core.policy import NotificationEvent, Recipient, SettingsBook
from pim_sim.core.requests import Action, Request, Status, check_assignment
from pim_sim.core.roles import Surface
from pim_sim.core.schedules import Kind, Origin, Schedule
from pim_sim.core.tenant import DIRECTORY, Group, Licence, ServicePrincipal
from pim_sim.errors import ModelError, PimRefusal


class AssignmentRules(Kernel):
    """adminAssign, adminRemove, assignments outside PIM, expiry and the licence's effect on them."""

    # ------------------------------------------------------------------ admin assignments
    def assign(self, principal: str, role: str, scope: str = DIRECTORY, *, kind: str | Kind = Kind.ELIGIBLE,
               duration=None, start=None, justification: str = "", by: str = ADMIN, mfa: bool = True) -> Request:
        """adminAssign: make an eligible or active assignment, permanent (``duration=None``) or
        time-bound, starting now or later."""
        kind = Kind(kind)
        surface = self.surface_for(role, scope)
        p = self.tenant.principal(principal)
        action = Action.ADMIN_ASSIGN
        self.require_pim(by, action, role, scope)
        self.authorise(by, action, principal, role, scope, surface)
        if isinstance(p, ServicePrincipal) and kind is Kind.ELIGIBLE:
            self.refuse(by, action, role, scope, PimRefusal(
                "Service principals can't be made eligible; they can only get a time-limited active assignment.",
                rule="EligibilityRule", code="ServicePrincipalEligibilityNotSupported",
                source=facts.SERVICE_PRINCIPAL_ELIGIBLE.source))
        if isinstance(p, ServicePrincipal) and duration is None:
            self.refuse(by, action, role, scope, PimRefusal(
                "Service principals can only get a time-limited active assignment in PIM; set an end date.",
                rule="ExpirationRule", code="ServicePrincipalPermanentNotSupported",
                source=facts.SERVICE_PRINCIPAL_ELIGIBLE.source))
        if isinstance(p, Group) and surface is Surface.ENTRA and not p.role_assignable:
            self.refuse(by, action, role, scope, PimRefusal(
                f"Group {principal} isn't role-assignable; only role-assignable groups can hold Microsoft Entra roles.",
                rule="EligibilityRule", code="GroupNotRoleAssignable", source=facts.SOURCES["scope"]))
        if surface is Surface.GROUPS:
            g = self.tenant.group(scope.removeprefix("/groups/"))
            if g.dynamic or g.synced:
                self.refuse(by, action, role, scope, PimRefusal(
                    "Dynamic and on-premises-synced groups can't be managed by PIM for Groups.",
                    rule="EligibilityRule", code="GroupNotSupported", source=facts.SOURCES["scope"]))
        dur = None if duration is None else minutes(duration)
        begin = self.env._now if start is None else minutes(start)
        if begin < self.env._now:
            self.refuse(by, action, role, scope, PimRefusal("An assignment can't start in the past.",
                                                             rule="ExpirationRule"))
        settings = self.settings_for(role, scope)
        try:
            check_assignment(settings, kind is Kind.ACTIVE, dur, justification, mfa)
        except PimRefusal as e:
            self.refuse(by, action, role, scope, e)
        r = self.new_request(action, principal, role, scope, kind, Status.GRANTED, begin, dur, by,
                              justification=justification)
        suffix = "permanent" if dur is None else "timebound"
        requested = {("eligible", "permanent"): Activity.ELIGIBLE_REQUESTED_PERMANENT,
                     ("eligible", "timebound"): Activity.ELIGIBLE_REQUESTED_TIMEBOUND,
                     ("active", "permanent"): Activity.ACTIVE_REQUESTED_PERMANENT,
                     ("active", "timebound"): Activity.ACTIVE_REQUESTED_TIMEBOUND}[(kind.value, suffix)]
        self.log(requested, Service.PIM, surface, by, principal, role, scope, justification=justification,
                  request_id=r.id)
        if begin > self.env._now:
            self.after(begin - self.env._now, self._materialise_assignment, r.id)
        else:
            self._materialise_assignment(r.id)
        return self.requests[r.id]

    def _materialise_assignment(self, request_id: str) -> None:
        r = self.requests[request_id]
        if r.status is not Status.GRANTED:
            return  # canceled before its start
        if not self.licence.has_pim:  # lapsed before the start: nothing is processed (facts.WAITING_REQUEST_FAILS)
            self.set_status(r, Status.FAILED, MS_PIM, status_reason="TenantNotLicensed")
            return
        kind = Kind(r.kind)
        end = None if r.duration is None else self.env._now + r.duration
        s = self.add_schedule(r.principal, r.role, r.scope, kind, Origin.ASSIGNED, self.env._now, end, request_id=r.id)
        r = self.set_status(r, Status.PROVISIONED, MS_PIM, target_schedule=s.id)
        suffix = "permanent" if end is None else "timebound"
        completed = {("eligible", "permanent"): Activity.ELIGIBLE_COMPLETED_PERMANENT,
                     ("eligible", "timebound"): Activity.ELIGIBLE_COMPLETED_TIMEBOUND,
                     ("active", "permanent"): Activity.ACTIVE_COMPLETED_PERMANENT,
                     ("active", "timebound"): Activity.ACTIVE_COMPLETED_TIMEBOUND}[(kind.value, suffix)]
        self.log(completed, Service.PIM, r.surface, MS_PIM, r.principal, r.role, r.scope,
                  justification=r.justification, request_id=r.id)
        self._log_directory_change(s, added=True)
        settings = self.settings_for(r.role, r.scope)
        event = NotificationEvent.ELIGIBLE_ASSIGNED if kind is Kind.ELIGIBLE else NotificationEvent.ACTIVE_ASSIGNED
        self.notify(settings, event, Recipient.ADMIN, "default admins", f"PIM: {r.principal} assigned {r.role}", r.id)
        self.notify(settings, event, Recipient.REQUESTOR, r.principal, f"PIM: You are assigned {r.role}", r.id)
        if end is not None:
            self._arm_expiry(s)
        self.emit("assigned", s)

    def _log_directory_change(self, s: Schedule, *, added: bool, initiator: str = MS_PIM) -> None:
        head = self._directory_head(s.surface, s.kind, s.principal, s.role, s.scope, added, initiator)
        if head is not None:
            self.log_head(head)

    def _directory_head(self, surface: str, kind: Kind, principal: str, role: str, scope: str, added: bool,
                        initiator: str = MS_PIM) -> tuple | None:
        """PIM's role change as the directory itself records it (an audit head): Core Directory for Entra roles
        (initiated by MS-PIM), the Azure Activity Log for Azure roles; None for groups and eligible Azure roles."""
        if surface == Surface.ENTRA:
            if kind is Kind.ACTIVE:
                act = Activity.CORE_ADD_MEMBER if added else Activity.CORE_REMOVE_MEMBER
            else:
                act = Activity.CORE_ADD_ELIGIBLE if added else Activity.CORE_REMOVE_ELIGIBLE
            return self.audit_head(act, Service.CORE_DIRECTORY, surface, initiator, principal, role, scope)
        if surface == Surface.AZURE and kind is Kind.ACTIVE:
            act = Activity.ARM_CREATE_ASSIGNMENT if added else Activity.ARM_DELETE_ASSIGNMENT
            return self.audit_head(act, Service.AZURE_RESOURCE_MANAGER, surface, initiator, principal, role, scope)
        return None

    def _expiry_heads(self, surface: str, principal: str, role: str, scope: str) -> tuple[tuple, tuple | None]:
        """The audit heads an activation's expiry writes: PIM's record and the directory's."""
        return (self.audit_head(Activity.ACTIVATION_EXPIRED, Service.PIM, surface, MS_PIM, principal, role, scope),
                self._directory_head(surface, Kind.ACTIVE, principal, role, scope, False))

    def _arm_expiry(self, s: Schedule, heads: tuple[tuple, tuple | None] | None = None) -> None:
        """Expire the schedule at its end (an activation's expiry heads, when known, travel with the timer)."""
        assert s.end is not None, "only time-bound schedules expire"
        self.after(s.end - self.env._now, self._expire, s.id, s.end, heads)
        if s.origin is Origin.ASSIGNED:
            for ahead in facts.EXPIRY_NOTICE_MINUTES.value[:2]:
                if s.end - ahead > self.env._now:
                    self.after(s.end - ahead - self.env._now, self._expiry_notice, s.id, s.end, ahead)

    def _expiry_notice(self, schedule_id: str, end: float, ahead: float) -> None:
        s = self.schedules[schedule_id]
        if s.end != end or s.removed is not None or not self.licence.has_pim:
            return
        self.notifications.add(self.env._now, "ExpiryNotice", f"{s.principal};default admins",
                               f"PIM: {s.role} expires in {ahead / facts.DAY:g} day(s)", "")

    def _expire(self, schedule_id: str, end: float, heads: tuple[tuple, tuple | None] | None = None) -> None:
        s = self.schedules[schedule_id]
        if s.end != end or s.removed is not None:
            return  # extended, made permanent or removed since the timer was set
        if (s.role in facts.LAST_GLOBAL_ADMIN_PROTECTED.value and s.surface == Surface.ENTRA
                and s.kind is Kind.ELIGIBLE and not self._other_ga_exists(s)):
            self.replace_schedule(s, end=None)  # lock-out protection: kept when no other GA exists
            return
        if s.origin is Origin.ACTIVATED:
            expired, removed = heads or self._expiry_heads(s.surface, s.principal, s.role, s.scope)
            self.log_head(expired, request_id=s.request_id)
            if removed is not None:
                self.log_head(removed)
        else:
            act = (Activity.REMOVE_ELIGIBLE_COMPLETED_TIMEBOUND if s.kind is Kind.ELIGIBLE
                   else Activity.REMOVE_ACTIVE_COMPLETED_TIMEBOUND)
            self.log(act, Service.PIM, s.surface, MS_PIM, s.principal, s.role, s.scope, request_id=s.request_id,
                      reason="Expired")
            if self.licence.has_pim:
                self.notifications.add(self.env._now, "ExpiryNotice", f"{s.principal};default admins",
                                       f"PIM: {s.role} has expired", "")
            self._log_directory_change(s, added=False)
        if self.listeners:
            self.emit("expired", s)

    def _other_ga_exists(self, s: Schedule) -> bool:
        return any(o.id != s.id and o.surface == Surface.ENTRA and o.holds_at(self.env._now)
                   for o in self.schedules_with_role(s.role))

    def assign_outside_pim(self, principal: str, role: str, scope: str = DIRECTORY, *, by: str = ADMIN) -> Schedule:
        """A permanent active assignment made directly (Entra roles blade, Azure IAM or the ARM API),
        which PIM reports as 'Add member to role outside of PIM (permanent)'."""
        surface = self.surface_for(role, scope)
        self.tenant.principal(principal)
        s = self.add_schedule(principal, role, scope, Kind.ACTIVE, Origin.OUTSIDE_PIM, self.env._now, None)
        self._log_directory_change(s, added=True, initiator=by)
        if surface is not Surface.GROUPS:
            self.log(Activity.OUTSIDE_PIM, Service.PIM, surface, by, principal, role, scope)
        self.emit("assigned", s)
        return s

    def remove(self, schedule_id: str, *, by: str = ADMIN, justification: str = "") -> Request:
        """adminRemove: end an eligible or active assignment now."""
        s = self._live_schedule(schedule_id)
        surface = Surface(s.surface)
        action = Action.ADMIN_REMOVE
        self.require_pim(by, action, s.role, s.scope)
        self.authorise(by, action, s.principal, s.role, s.scope, surface)
        if self.env._now - s.created < facts.NO_REMOVE_WITHIN_MINUTES.value:
            self.refuse(by, action, s.role, s.scope, PimRefusal(
                f"An assignment can't be removed within {span(facts.NO_REMOVE_WITHIN_MINUTES.value)} of being made.",
                rule="ExpirationRule",
                code="ActiveDurationTooShort", source=facts.NO_REMOVE_WITHIN_MINUTES.source))
        if (s.role in facts.LAST_GLOBAL_ADMIN_PROTECTED.value and surface is Surface.ENTRA and s.kind is Kind.ACTIVE
                and not any(h.schedule_id != s.id for h in access_mod.holders(self, s.role, DIRECTORY, self.env._now))):
            self.refuse(by, action, s.role, s.scope, PimRefusal(
                "The last active Global Administrator assignment can't be removed (lock-out protection).",
                rule="LastGlobalAdministratorRule", code="LastGlobalAdministrator",
                source=facts.LAST_GLOBAL_ADMIN_PROTECTED.source))
        r = self.new_request(action, s.principal, s.role, s.scope, s.kind, Status.REVOKED, self.env._now, None, by,
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
        self.log(acts[0], Service.PIM, surface, by, s.principal, s.role, s.scope, justification=justification,
                  request_id=r.id)
        self.log(acts[1], Service.PIM, surface, MS_PIM, s.principal, s.role, s.scope, request_id=r.id)
        self._end_schedule(s)
        return self.requests[r.id]

    def _end_schedule(self, s: Schedule) -> None:
        self.replace_schedule(s, removed=self.env._now)
        self._log_directory_change(s, added=False)
        self.emit("removed", s)

    def _live_schedule(self, schedule_id: str) -> Schedule:
        try:
            s = self.schedules[schedule_id]
        except KeyError:
            raise ModelError(f"{schedule_id!r} is not a schedule") from None
        if not s.holds_at(self.env._now) and not s.start > self.env._now:
            raise ModelError(f"schedule {schedule_id} is no longer in force")
        return s

    def find(self, principal: str, role: str, scope: str = DIRECTORY, kind: str | Kind | None = None,
             origin: Origin | None = None, at: float | None = None) -> Schedule | None:
        """The principal's schedule of ``role`` at exactly ``scope`` in force at ``at`` (default now)."""
        t = self.env._now if at is None else at
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

    def set_licence(self, licence: Licence | str) -> None:
        """Change the tenant's licence. When P2 or ID Governance lapses: eligible assignments are removed,
        time-bound active assignments become permanent, role settings are removed and PIM sends no
        more emails or alerts (https://learn.microsoft.com/en-us/entra/id-governance/licensing-fundamentals)."""
        new = Licence(licence)
        lapsed = self.licence.has_pim and not new.has_pim
        self.licence_log.append(LicenceChange(self.env._now, new))
        if lapsed:
            for s in list(self.schedules.values()):
                if not s.holds_at(self.env._now) and not s.start > self.env._now:
                    continue
                if s.kind is Kind.ELIGIBLE:
                    self.replace_schedule(s, removed=self.env._now)
                    self._log_directory_change(s, added=False, initiator="MS-PIM")
                elif s.end is not None:
                    self.replace_schedule(s, end=None)
            self.settings = SettingsBook()
        self.emit("licence", new)
