"""Activation rules: an eligible principal activates, approvers decide, PIM provisions and ends it.

The second layer of PIM's rules: selfActivate with its checks (eligibility, maximum duration,
MFA or authentication context, justification, ticket), the approval workflow (approvers, the
first decision settles a request, the 24-hour window), cancel, provisioning lag and
selfDeactivate with its 5-minute guard.
"""

from __future__ import annotations

from pim_sim import facts
from pim_sim.core import access as access_mod
from pim_sim.core import approvals
from pim_sim.core.assignments import AssignmentRules
from pim_sim.core.audit import Activity, Service, canceled_activity
from pim_sim.core.clock import minutes, span
from pim_sim.core.events import MS_PIM
from pim_sim.core.policy import NotificationEvent, Recipient, RoleSettings
from pim_sim.core.requests import (
    APPROVER,
    DURATION,
    ID,
    JUSTIFICATION,
    PENDING,
    PRINCIPAL,
    ROLE,
    SCOPE,
    START,
    STATUS,
    STATUS_REASON,
    SURFACE,
    TARGET_SCHEDULE,
    TICKET,
    Action,
    Request,
    Status,
    check_activation,
)
from pim_sim.core.roles import Surface
from pim_sim.core.schedules import Kind, Origin, Schedule
from pim_sim.core.tenant import DIRECTORY, PrincipalKind, ServicePrincipal
from pim_sim.errors import ModelError, PimRefusal


class ActivationRules(AssignmentRules):
    """selfActivate, approve, deny, cancel, provisioning and selfDeactivate."""

    # ------------------------------------------------------------------ activation
    def _eligibility(self, principal: str, role: str, scope: str, covering: tuple[str, ...]) -> Schedule | None:
        """The eligible assignment of ``role`` covering ``scope`` that ``principal`` holds now, directly or through
        a group. The answer is kept per (principal, role, scope) until an eligible assignment of the role or a
        group membership is made or changed (their epochs move on), or until time reaches a minute at which one
        of the schedules it was read from starts, becomes usable or stops."""
        now = self.env._now
        epochs = (self._eligible_epochs.get(role, 0), self._epochs.get("Member", 0))
        known = self._eligibility_rows.get((principal, role, scope))
        if known is not None and known[0] == epochs and now < known[1]:
            return known[2]
        pool: list[Schedule] = []  # the schedules the answer is read from: memberships and eligibilities
        found = None
        for who in (principal, *access_mod.member_groups(self, principal, now)):
            pool.extend(self.schedules_of(who, "Member", Kind.ACTIVE))
            for s in self.schedules_of(who, role, Kind.ELIGIBLE):
                pool.append(s)
                if found is None and s.scope in covering and s.holds_at(now):
                    found = s
        self._eligibility_rows[principal, role, scope] = (epochs, _next_change(pool, now), found)
        return found

    def activate(self, principal: str, role: str, scope: str = DIRECTORY, *, duration=None, justification: str = "",
                 ticket: str = "", mfa: bool = True, context_satisfied: bool = True, start=None,
                 ticket_system: str = "") -> Request:
        """selfActivate: turn an eligible assignment into a time-bound active one.

        No admin role is needed to activate one's own eligible role
        (https://github.com/MicrosoftDocs/entra-docs/pull/1314)."""
        return self.requests[self.submit_activation(principal, role, scope, duration=duration,
                                                    justification=justification, ticket=ticket, mfa=mfa,
                                                    context_satisfied=context_satisfied, start=start,
                                                    ticket_system=ticket_system)]

    def submit_activation(self, principal: str, role: str, scope: str = DIRECTORY, *, duration=None,
                          justification: str = "", ticket: str = "", mfa: bool = True, context_satisfied: bool = True,
                          start=None, ticket_system: str = "") -> str:
        """:meth:`activate`, giving the request's id (no record made): for workloads that make many."""
        action = Action.SELF_ACTIVATE
        # What doesn't change while the settings book stays (the tenant is frozen), worked out once per
        # (principal, role, scope): the surface (after the principal is known), the covering scopes, the settings.
        row = self._activation_rows.get((principal, role, scope))
        if row is None or row[0] is not self._settings:
            surface = self.surface_for(role, scope)
            self.tenant.principal(principal)
            row = (self._settings, surface, self.tenant.ancestors(scope), self.settings_for(role, scope))
            self._activation_rows[principal, role, scope] = row
        _, surface, covering, settings = row
        self.require_pim(principal, action, role, scope)
        eligible = self._eligibility(principal, role, scope, covering)
        if eligible is None:
            self.refuse(principal, action, role, scope, PimRefusal(
                f"{principal} has no eligible assignment of {role} covering {scope}; only eligible roles can be "
                "activated.", rule="EligibilityRule", source=facts.SOURCES["scope"]))
        open_id = self._open_activations.get((principal, role, scope))
        if open_id is not None:
            self.refuse(principal, action, role, scope, PimRefusal(
                f"There is already a pending request ({open_id}) for this role.", rule="EligibilityRule",
                code="PendingRoleAssignmentRequest"))
        live = self._live_activations.get((principal, role, scope))
        if live is not None and self.schedules[live].holds_at(self.env._now):
            self.refuse(principal, action, role, scope, PimRefusal(
                f"{role} is already active for {principal}; extend it by activating again after it ends or ask "
                "for a longer duration next time.", rule="EligibilityRule", code="RoleAssignmentExists"))
        dur = settings.activation_max if duration is None else minutes(duration)
        context_has_policy = settings.auth_context in self.auth_contexts
        try:
            check_activation(settings, dur, justification, ticket, mfa, context_satisfied, context_has_policy)
        except PimRefusal as e:
            self.refuse(principal, action, role, scope, e)
        begin = self.env._now if start is None else minutes(start)
        if begin < self.env._now:
            self.refuse(principal, action, role, scope, PimRefusal("An activation can't start in the past.",
                                                                    rule="ExpirationRule"))
        if eligible.end is not None:  # model choice: an activation never outlasts the eligibility
            if begin >= eligible.end:
                self.refuse(principal, action, role, scope, PimRefusal(
                    f"The eligible assignment ends at minute {eligible.end:g}, before the requested start; an "
                    "activation can't start after its eligibility ends.", rule="ExpirationRule"))
            dur = min(dur, eligible.end - begin)
        pending = settings.require_approval
        request = self.new_row(action, principal, role, scope, Kind.ACTIVE,
                               Status.PENDING_APPROVAL if pending else Status.GRANTED, begin, dur, principal,
                               justification, ticket, eligible.id, ticket_system)
        heads = self._heads(principal, role, scope, surface, justification)
        self.log_head(heads[0], ticket, request[ID])
        if pending:
            self._open_approval(request, settings)
        else:
            self._grant(request, heads)
        return request[ID]

    def _heads(self, principal: str, role: str, scope: str, surface: str, justification: str) -> tuple:
        """The audit heads of an activation's lifecycle, made once per (principal, role, scope, justification):
        requested, completed, added to the directory, and the pair its expiry writes."""
        key = (principal, role, scope, justification)
        found = self._lifecycle_heads.get(key)
        if found is None:
            found = self._lifecycle_heads[key] = (
                self.audit_head(Activity.ACTIVATION_REQUESTED, Service.PIM, surface, principal, principal, role, scope,
                                justification),
                self.audit_head(Activity.ACTIVATION_COMPLETED, Service.PIM, surface, MS_PIM, principal, role, scope,
                                justification),
                self._directory_head(surface, Kind.ACTIVE, principal, role, scope, True),
                self._expiry_heads(surface, principal, role, scope))
        return found

    def approvers_for(self, request_id: str) -> frozenset[str]:
        """Who may decide this request: the role's approvers (groups expanded to their members) or, for
        Microsoft Entra roles with none chosen, the Privileged Role Administrators and Global Administrators."""
        r = self.requests.rows[request_id]
        # The answer changes only when a schedule of a role it was read from changes (that role's epoch moves on),
        # when the settings change (the cache is cleared) or when time reaches a start, end or usable-from minute.
        now = self.env._now
        role, scope = r[ROLE], r[SCOPE]
        known = self._approvers.get((role, scope))
        if known is not None and now < known[1]:
            epochs = self._epochs
            for read, epoch in known[0]:
                if epochs.get(read, 0) != epoch:
                    break
            else:
                return known[2]
        settings = self.settings_for(role, scope)
        names: list[str] = []
        pool: list[Schedule] = []  # the schedules the answer was read from
        reads: list[str] = []  # and their roles
        if settings.approvers:
            for a in settings.approvers:
                p = self.tenant.principal(a)
                if p.kind is PrincipalKind.GROUP:
                    names.extend(h for h in self._group_members(a))
                    pool.extend(self.holding_schedules("Member", f"/groups/{a}"))
                    pool.extend(self.latest_activations("Member"))
                    reads.append("Member")
                else:
                    names.append(a)
        elif r[SURFACE] == Surface.ENTRA:
            reads.append("Member")  # a group member may hold a default approver role through the group
            for fallback in facts.ENTRA_DEFAULT_APPROVER_ROLES.value:
                found = access_mod.holders(self, fallback, DIRECTORY, now)
                names.extend(h.principal for h in found)
                pool.extend(self.holding_schedules(fallback))
                pool.extend(self.latest_activations(fallback))
                reads.append(fallback)
                if any(h.via_group for h in found):
                    pool.extend(self.holding_schedules("Member"))
                    pool.extend(self.latest_activations("Member"))
        approvers = frozenset(n for n in names if not isinstance(self.tenant.principal(n), ServicePrincipal))
        seen = tuple((read, self._epochs.get(read, 0)) for read in dict.fromkeys(reads))
        self._approvers[role, scope] = (seen, _next_change(pool, now), approvers)
        return approvers

    def _deciders(self, approvers: frozenset[str], requester: str) -> tuple[list[str], str]:
        """The approvers but the requester, sorted, and their email list, worked out once per (approvers, requester)."""
        key = (approvers, requester)
        found = self._decider_lists.get(key)
        if found is None:
            deciders = sorted(approvers - {requester})
            found = self._decider_lists[key] = (deciders, ";".join(deciders))
        return found

    def _group_members(self, group: str) -> list[str]:
        return access_mod.group_members(self, group, self.env._now)

    def _open_approval(self, r: list, settings: RoleSettings) -> None:
        principal, role, request_id = r[PRINCIPAL], r[ROLE], r[ID]
        self.log(Activity.ACTIVATION_APPROVAL_REQUESTED, Service.PIM, r[SURFACE], principal, principal, role,
                  r[SCOPE], justification=r[JUSTIFICATION], ticket=r[TICKET], request_id=request_id)
        deciders, to = self._deciders(self.approvers_for(request_id), principal)
        self.notify(settings, NotificationEvent.ACTIVATED, Recipient.APPROVER, to, f"PIM: Approval required for {role}",
                     request_id)
        rng = self.rng["approvers"]
        window = facts.APPROVAL_WINDOW_MINUTES.value
        answers: list[tuple[float, int, str, bool]] = []
        for name in deciders:
            behaviour = self.behaviours.get(name, self.behaviours.get("*"))
            if behaviour is None:
                continue  # scripted approver: decides only when told
            answer = behaviour.response(rng, self.env._now)
            if answer is not None and answer[0] - self.env._now < window:
                # the minute a timer set now fires at: now + delay, as SimPy works it out
                answers.append((self.env._now + (answer[0] - self.env._now), len(answers), name, answer[1]))
        # One event per answer that can still matter: the earliest first, the next only if the request is
        # still pending after it, and the 24-hour timeout only if nobody settled it.
        deadline = self.env._now + window
        if answers:
            answers.sort()
            self.at_minute(answers[0][0], self._answer, r, answers, 0, deadline)
        else:
            self.after(window, self._approval_timeout, r)

    def _answer(self, r: list, answers: list[tuple[float, int, str, bool]], i: int, deadline: float) -> None:
        if r[STATUS] is not Status.PENDING_APPROVAL:
            return  # the requester canceled
        _, _, approver, approve = answers[i]
        try:
            self._decide(r[ID], approver, "Approved" if approve else "Not justified", approve)
        except PimRefusal:
            pass
        if r[STATUS] is not Status.PENDING_APPROVAL:
            return
        if i + 1 < len(answers):
            self.at_minute(answers[i + 1][0], self._answer, r, answers, i + 1, deadline)
        else:
            self.at_minute(deadline, self._approval_timeout, r)

    def _approval_timeout(self, r: list) -> None:
        if r[STATUS] is not Status.PENDING_APPROVAL:
            return
        status, reason = facts.APPROVAL_EXPIRED_STATUS.value  # Graph names no "Expired" status (undocumented)
        self.move(r, Status(status), MS_PIM, {"status_reason": reason})
        self.log(Activity.ACTIVATION_REQUEST_EXPIRED, Service.PIM, r[SURFACE], MS_PIM, r[PRINCIPAL], r[ROLE], r[SCOPE],
                  request_id=r[ID], reason=reason)
        if self.listeners:
            self.emit("request_expired", self.requests[r[ID]])

    def _decide(self, request_id: str, by: str, justification: str, approve: bool) -> None:
        r = self.requests.rows.get(request_id)
        if r is None:
            raise ModelError(f"{request_id!r} is not a request")
        principal, role, scope, surface, status = r[PRINCIPAL], r[ROLE], r[SCOPE], r[SURFACE], r[STATUS]
        verb = "approve" if approve else "deny"
        if status is not Status.PENDING_APPROVAL and r[STATUS_REASON] == "ApprovalExpired":
            self.refuse(by, verb, role, scope, PimRefusal(
                f"Request {request_id} expired: nobody decided within the approval window, so it can no longer be "
                "approved or denied; the requester must request again.", rule="ApprovalRule", code="RequestExpired",
                source=facts.APPROVAL_WINDOW_MINUTES.source))
        if status is not Status.PENDING_APPROVAL:
            settled = f"by {r[APPROVER]}" if r[APPROVER] else ""
            self.refuse(by, verb, role, scope, PimRefusal(
                f"Request {request_id} is no longer pending ({status.value} {settled}). The first approver to decide "
                "settles a request.", rule="ApprovalRule", code="RequestNotPending",
                source=facts.SOURCES["graph_status"]))
        settings = self.settings_for(role, scope)
        approvers = self.approvers_for(request_id)
        try:
            p = self.tenant.principal(by)
            approvals.check_decision(principal, by, isinstance(p, ServicePrincipal), approvers,
                                     justification, settings.approver_justification_required)
        except PimRefusal as e:
            self.refuse(by, verb, role, scope, e)
        # "All approvers are then notified of the decision" (pim-approval-workflow).
        self.notify(settings, NotificationEvent.ACTIVATED, Recipient.APPROVER, self._deciders(approvers, principal)[1],
                     f"PIM: Request for {role} {'approved' if approve else 'denied'} by {by}", request_id)
        self.move(r, Status.GRANTED if approve else Status.DENIED, by,
                  {"approver": by, "approver_justification": justification})
        decided, reviewed = ((Activity.ACTIVATION_APPROVED, Activity.REVIEW_REQUEST_APPROVED) if approve else
                             (Activity.ACTIVATION_DENIED, Activity.REVIEW_REQUEST_DENIED))
        self.log(decided, Service.PIM, surface, by, principal, role, scope, justification=justification,
                  request_id=request_id, reason="" if approve else justification)
        self.log(reviewed, Service.ACCESS_REVIEWS, surface, by, principal, role, scope, justification=justification,
                  request_id=request_id)
        if approve:
            self._grant(r, self._heads(principal, role, scope, surface, r[JUSTIFICATION]))

    def approve(self, request_id: str, *, by: str, justification: str = "Approved") -> Request:
        """An approver approves a pending activation; the first decision settles it."""
        self._decide(request_id, by, justification, True)
        return self.requests[request_id]

    def deny(self, request_id: str, *, by: str, justification: str = "Denied") -> Request:
        """An approver denies a pending activation; the user must submit a new request to try again."""
        self._decide(request_id, by, justification, False)
        return self.requests[request_id]

    def cancel(self, request_id: str, *, by: str | None = None) -> Request:
        """The requester (or a Global or Privileged Role Administrator) cancels a pending or
        not-yet-started request."""
        r = self.requests.get(request_id)
        if r is None:
            raise ModelError(f"{request_id!r} is not a request")
        by = by or r.principal
        if by != r.principal:
            self.authorise(by, Action.SELF_ACTIVATE, r.principal, r.role, r.scope, Surface(r.surface))
        startable = r.status is Status.GRANTED and r.start > self.env._now
        if r.status not in PENDING and not startable:
            self.refuse(by, "cancel", r.role, r.scope, PimRefusal(
                f"Request {r.id} is {r.status.value}; only pending or not-yet-started requests can be canceled.",
                rule="CancelRule", code="RequestNotCancelable", source=facts.SOURCES["graph_request"]))
        r = self.set_status(r, Status.CANCELED, by)
        if r.action is Action.SELF_ACTIVATE:
            self.log(Activity.ACTIVATION_CANCELED, Service.PIM, r.surface, by, r.principal, r.role, r.scope,
                      request_id=r.id)
        else:
            act = canceled_activity(r.action, r.kind, r.duration is None)
            self.log(act, Service.PIM, r.surface, by, r.principal, r.role, r.scope, request_id=r.id)
        return r

    def _grant(self, r: list, heads: tuple) -> None:
        if r[STATUS] is not Status.GRANTED:
            self.move(r, Status.GRANTED, MS_PIM)
        # PIM creates the assignment "within seconds" of the (approved or scheduled) start.
        delay = max(0.0, r[START] - self.env._now)
        if self.lag:
            low, high = self.lag.provisioning_seconds
            delay += self.rng["provisioning"].uniform(low, high) / 60.0
        if delay > 0:
            self.after(delay, self._provision, r, heads)
        else:
            self._provision(r, heads)

    def _provision(self, r: list, heads: tuple) -> None:
        if r[STATUS] is not Status.GRANTED:
            return  # canceled before it started
        now = self.env._now
        eligible = self.schedules.get(r[TARGET_SCHEDULE])
        if eligible is None or not eligible.holds_at(now):
            # The eligibility ended or was removed while the request waited (approval or a later start):
            # nothing to activate (facts.WAITING_REQUEST_FAILS, undocumented).
            self.move(r, Status.FAILED, MS_PIM, {"status_reason": "EligibilityEnded"})
            return
        lag = 0.0
        if self.lag:  # applications and tokens pick the new role up a little later
            low, high = self.lag.token_refresh_minutes
            lag = self.rng["provisioning"].uniform(low, high)
        duration = r[DURATION]  # an activation is always time-bound
        end = now + duration if eligible.end is None else min(now + duration, eligible.end)
        principal, role, scope, request_id = r[PRINCIPAL], r[ROLE], r[SCOPE], r[ID]
        s = self.add_schedule(principal, role, scope, Kind.ACTIVE, Origin.ACTIVATED, now, end, request_id,
                              r[TARGET_SCHEDULE], now + lag)
        self.move(r, Status.PROVISIONED, MS_PIM, {"target_schedule": s.id})
        self.log_head(heads[1], r[TICKET], request_id)
        if heads[2] is not None:
            self.log_head(heads[2])
        settings = self.settings_for(role, scope)
        notices = self._activation_notices.get((principal, role, scope))
        if notices is None or notices[0] is not settings:
            notices = self._activation_notices[principal, role, scope] = (
                settings,
                self.notification_head(settings, NotificationEvent.ACTIVATED, Recipient.ADMIN, "default admins",
                                       f"PIM: {principal} activated {role}"),
                self.notification_head(settings, NotificationEvent.ACTIVATED, Recipient.REQUESTOR, principal,
                                       f"PIM: Your {role} role is activated"))
        self.notify_head(notices[1], request_id)
        self.notify_head(notices[2], request_id)
        self._arm_expiry(s, heads[3])
        if self.listeners:
            self.emit("activated", s)

    def deactivate(self, principal: str, role: str, scope: str = DIRECTORY) -> Request:
        """selfDeactivate: end one's own activation early (not within 5 minutes of activation)."""
        action = Action.SELF_DEACTIVATE
        self.require_pim(principal, action, role, scope)
        s = self.find(principal, role, scope, Kind.ACTIVE, Origin.ACTIVATED)
        if s is None:
            self.refuse(principal, action, role, scope, PimRefusal(
                f"{principal} has no activation of {role} at {scope} to deactivate.", rule="EligibilityRule",
                code="RoleAssignmentDoesNotExist"))
        if self.env._now - s.start < facts.NO_DEACTIVATE_WITHIN_MINUTES.value:
            self.refuse(principal, action, role, scope, PimRefusal(
                f"An activation can't be deactivated within {span(facts.NO_DEACTIVATE_WITHIN_MINUTES.value)} after activation; "
                "try again in a few minutes.",
                rule="ExpirationRule", code="ActiveDurationTooShort", source=facts.NO_DEACTIVATE_WITHIN_MINUTES.source))
        r = self.new_request(action, principal, role, scope, Kind.ACTIVE, Status.REVOKED, self.env._now, None, principal,
                              target_schedule=s.id)
        self.log(Activity.DEACTIVATE_REQUESTED, Service.PIM, s.surface, principal, principal, role, scope,
                  request_id=r.id)
        self.log(Activity.DEACTIVATE_COMPLETED, Service.PIM, s.surface, MS_PIM, principal, role, scope,
                  request_id=r.id)
        self._end_schedule(s)
        return r


def _next_change(pool: list[Schedule], now: float) -> float:
    """The first minute after ``now`` at which one of these schedules starts, becomes usable or stops."""
    found = float("inf")
    for s in pool:
        for minute in (s.start, s.usable_from, s.stop):
            if minute is not None and now < minute < found:
                found = minute
    return found
