"""Update rules: extend and renew (asked by the user, decided by an administrator) and admin updates.

The third layer of PIM's rules: selfExtend in the last 14 days, selfRenew up to 30 days after
expiry, the administrator's decision (portal only), adminExtend, adminRenew and adminUpdate.
An activation is never extended: it ends and the user activates again.
"""

from __future__ import annotations

from typing import cast

from pim_sim import facts
from pim_sim.core.activation import ActivationRules
from pim_sim.core.audit import Activity, Service
from pim_sim.core.clock import in_days, minutes, span
from pim_sim.core.events import ADMIN, MS_PIM
from pim_sim.core.policy import NotificationEvent, Recipient
from pim_sim.core.requests import Action, Request, Status, check_assignment
from pim_sim.core.roles import Surface
from pim_sim.core.schedules import Kind, Origin, Schedule
from pim_sim.core.tenant import DIRECTORY
from pim_sim.errors import PimRefusal


class UpdateRules(ActivationRules):
    """selfExtend, selfRenew, the administrator's decision on them, adminExtend, adminRenew and adminUpdate."""

    # ------------------------------------------------------------------ extend and renew
    def request_extend(self, principal: str, role: str, scope: str = DIRECTORY, *, kind: str | Kind = Kind.ELIGIBLE,
                       duration=None, justification: str = "") -> Request:
        """selfExtend: ask an administrator to extend an assignment that ends within 14 days."""
        action = Action.SELF_EXTEND
        kind = Kind(kind)
        self.require_pim(principal, action, role, scope)
        s = self.find(principal, role, scope, kind, Origin.ASSIGNED)
        src = facts.EXTEND_WINDOW_MINUTES
        if s is None or s.end is None:
            self.refuse(principal, action, role, scope, PimRefusal(
                f"{principal} has no time-bound {kind.value} assignment of {role} at {scope} to extend (assignments "
                "inherited through a group can't be extended by the member).", rule="ExpirationRule",
                code="RoleAssignmentDoesNotExist", source=src.source))
        if s.end - self.env._now > src.value:
            self.refuse(principal, action, role, scope, PimRefusal(
                f"Extend becomes available only when the assignment ends within {span(src.value)}; this one ends in "
                f"{in_days(s.end - self.env._now)}.", rule="ExpirationRule", code="ExtendNotAllowed",
                source=src.source))
        act = Activity.UPDATE_ELIGIBLE_EXTEND_REQUESTED if kind is Kind.ELIGIBLE else Activity.UPDATE_ACTIVE_EXTEND_REQUESTED
        return self._ask_admins(action, s, duration, justification, act)

    def request_renew(self, principal: str, role: str, scope: str = DIRECTORY, *, kind: str | Kind = Kind.ELIGIBLE,
                      duration=None, justification: str = "") -> Request:
        """selfRenew: ask an administrator to renew an assignment that expired at most 30 days ago."""
        action = Action.SELF_RENEW
        kind = Kind(kind)
        self.require_pim(principal, action, role, scope)
        src = facts.RENEW_WINDOW_MINUTES
        expired = [s for s in self.schedules_of(principal, role, kind) if s.scope == scope
                   and s.origin is Origin.ASSIGNED and s.end is not None and s.removed is None and s.end <= self.env._now]
        if self.find(principal, role, scope, kind) is not None or not expired:
            self.refuse(principal, action, role, scope, PimRefusal(
                f"{principal} has no expired {kind.value} assignment of {role} at {scope} to renew.",
                rule="ExpirationRule", code="RoleAssignmentDoesNotExist", source=src.source))
        last = max(expired, key=lambda s: cast(float, s.end))  # expired: every one has an end
        last_end = cast(float, last.end)
        if self.env._now - last_end > src.value:
            self.refuse(principal, action, role, scope, PimRefusal(
                f"Renew is available for up to {span(src.value)} after expiry; this assignment expired "
                f"{in_days(self.env._now - last_end)} ago.", rule="ExpirationRule", code="RenewNotAllowed",
                source=src.source))
        act = Activity.ELIGIBLE_REQUESTED_RENEW if kind is Kind.ELIGIBLE else Activity.ACTIVE_REQUESTED_RENEW
        return self._ask_admins(action, last, duration, justification, act)

    def _ask_admins(self, action: Action, s: Schedule, duration, justification: str, activity: Activity) -> Request:
        """Open an extend or renew request on schedule ``s`` and email the administrators who decide it:
        the Approver rule of the assignment's event ("Request to approve a role assignment
        renewal/extension", entra_settings). Without a duration, the role's assignment maximum."""
        dur = minutes(duration) if duration is not None else self.settings_for(s.role, s.scope).expiry_rule(
            s.kind is Kind.ACTIVE)[1]
        r = self.new_request(action, s.principal, s.role, s.scope, s.kind, Status.PENDING_ADMIN_DECISION, self.env._now,
                              dur, s.principal, justification=justification, target_schedule=s.id)
        self.log(activity, Service.PIM, s.surface, s.principal, s.principal, s.role, s.scope,
                  justification=justification, request_id=r.id)
        event = NotificationEvent.ELIGIBLE_ASSIGNED if s.kind is Kind.ELIGIBLE else NotificationEvent.ACTIVE_ASSIGNED
        what = "renewal" if action is Action.SELF_RENEW else "extension"
        self.notify(self.settings_for(s.role, s.scope), event, Recipient.APPROVER, "default admins",
                     f"PIM: Request to approve a role assignment {what}", r.id)
        return r

    def decide_update(self, request_id: str, *, by: str, approve: bool = True, justification: str = "") -> Request:
        """An administrator (GA or PRA for Entra, Owner or UAA for Azure) approves or denies an extend or
        renew request. Only the portal offers this; Graph and ARM can't approve them."""
        r = self.requests[request_id]
        if r.status is not Status.PENDING_ADMIN_DECISION:
            self.refuse(by, "decide", r.role, r.scope, PimRefusal(f"Request {r.id} is not waiting for an admin.",
                                                                    rule="ApprovalRule", code="RequestNotPending"))
        if by == r.principal:
            self.refuse(by, "decide", r.role, r.scope, PimRefusal(
                "Nobody approves their own extend or renew request.", rule="ApprovalRule",
                code="SelfApprovalNotAllowed", source=facts.SOURCES["graph_request"]))
        self.authorise(by, r.action, r.principal, r.role, r.scope, Surface(r.surface))
        if approve and r.action is Action.SELF_EXTEND and not self.schedules[r.target_schedule].holds_at(self.env._now):
            # The assignment ended while the extension waited; extending it now would bring access back
            # without a new assignment. The request fails; renew instead (facts.WAITING_REQUEST_FAILS, undocumented).
            return self.set_status(r, Status.FAILED, by, approver=by, status_reason="AssignmentEnded")
        if not approve:
            r = self.set_status(r, Status.DENIED, by, approver=by, approver_justification=justification)
            self.log(Activity.UPDATE_DENIED_BY_ADMIN, Service.PIM, r.surface, by, r.principal, r.role, r.scope,
                      justification=justification, request_id=r.id)
            return r
        r = self.set_status(r, Status.GRANTED, by, approver=by, approver_justification=justification)
        self.log(Activity.UPDATE_APPROVED_BY_ADMIN, Service.PIM, r.surface, by, r.principal, r.role, r.scope,
                  justification=justification, request_id=r.id)
        self._apply_update(r)
        return self.requests[r.id]

    def _apply_update(self, r: Request) -> None:
        old = self.schedules[r.target_schedule]
        duration = cast(float, r.duration)  # extend and renew requests always carry a duration
        if r.action in (Action.SELF_EXTEND, Action.ADMIN_EXTEND):
            new = self.replace_schedule(old, end=cast(float, old.end) + duration)
        else:  # renew: a fresh time-bound schedule from now
            new = self.add_schedule(old.principal, old.role, old.scope, old.kind, Origin.ASSIGNED, self.env._now,
                                     self.env._now + duration, request_id=r.id)
            self._log_directory_change(new, added=True)
        self.set_status(r, Status.PROVISIONED, MS_PIM, target_schedule=new.id)
        self._arm_expiry(new)
        self.emit("updated", new)

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
            self.refuse(by, action, s.role, s.scope, PimRefusal(
                "An activation can't be extended, renewed or updated; the user activates again when it ends.",
                rule="ExpirationRule", source=facts.EXTEND_WINDOW_MINUTES.source))

    def _admin_update(self, action: Action, schedule_id: str, duration, by: str, justification: str) -> Request:
        s = self.schedules[schedule_id]
        self.require_pim(by, action, s.role, s.scope)
        self.authorise(by, action, s.principal, s.role, s.scope, Surface(s.surface))
        self._only_assignments(by, action, s)
        if action is Action.ADMIN_RENEW and not (s.end is not None and s.end <= self.env._now
                                                 and self.env._now - s.end <= facts.RENEW_WINDOW_MINUTES.value):
            self.refuse(by, action, s.role, s.scope, PimRefusal(
                f"Only assignments that expired within the last {span(facts.RENEW_WINDOW_MINUTES.value)} can be renewed.",
                rule="ExpirationRule",
                code="RenewNotAllowed", source=facts.RENEW_WINDOW_MINUTES.source))
        if action is Action.ADMIN_EXTEND and (s.end is None or not s.holds_at(self.env._now)):
            self.refuse(by, action, s.role, s.scope, PimRefusal(
                "Only time-bound assignments in force can be extended.", rule="ExpirationRule",
                code="ExtendNotAllowed", source=facts.EXTEND_WINDOW_MINUTES.source))
        r = self.new_request(action, s.principal, s.role, s.scope, s.kind, Status.GRANTED, self.env._now,
                              minutes(duration), by, justification=justification, target_schedule=s.id)
        self.log(Activity.UPDATE_APPROVED_BY_ADMIN, Service.PIM, s.surface, by, s.principal, s.role, s.scope,
                  justification=justification, request_id=r.id, reason=action.value)
        self._apply_update(r)
        return self.requests[r.id]

    def admin_update(self, schedule_id: str, *, end=None, by: str = ADMIN, justification: str = "") -> Request:
        """adminUpdate: change an assignment's end (``end=None`` makes it permanent where allowed)."""
        s = self._live_schedule(schedule_id)
        action = Action.ADMIN_UPDATE
        self.require_pim(by, action, s.role, s.scope)
        self.authorise(by, action, s.principal, s.role, s.scope, Surface(s.surface))
        self._only_assignments(by, action, s)
        new_end = None if end is None else minutes(end)
        duration = None if new_end is None else new_end - s.start
        if new_end is not None and new_end <= self.env._now:
            self.refuse(by, action, s.role, s.scope, PimRefusal(
                f"The new end (minute {new_end:g}) must be later than now; remove the assignment to end it now.",
                rule="ExpirationRule"))
        try:
            check_assignment(self.settings_for(s.role, s.scope), s.kind is Kind.ACTIVE, duration,
                             justification or "update", True)
        except PimRefusal as e:
            self.refuse(by, action, s.role, s.scope, e)
        r = self.new_request(action, s.principal, s.role, s.scope, s.kind, Status.PROVISIONED, self.env._now, duration,
                              by, justification=justification, target_schedule=s.id)
        new = self.replace_schedule(s, end=new_end)
        self.log(Activity.UPDATE_APPROVED_BY_ADMIN, Service.PIM, s.surface, by, s.principal, s.role, s.scope,
                  justification=justification, request_id=r.id, reason=action.value)
        if new_end is not None:
            self._arm_expiry(new)
        self.emit("updated", new)
        return r
