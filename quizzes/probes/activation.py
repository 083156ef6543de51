"""Probes on eligible and active assignments, and the activation flow."""

from __future__ import annotations

from typing import Any

from pim_sim import Simulation, Tenant
from quizzes.probes.base import (
    DAY,
    HOUR,
    Lab,
    activities,
    eligible_alice,
    logged,
    must,
    probe,
    refusal,
    setting_refused,
    statuses,
)


# --- eligible and active ----------------------------------------------------------------------
@probe("alice is made eligible for Global Administrator and bob active; we ask who holds the role, then alice activates.")
def eligible_vs_active(lab: Lab) -> dict[str, Any]:
    sim = lab.sim("eligible-vs-active")
    sim.assign("alice", "Global Administrator", kind="eligible")
    eligible_record = logged(sim, target="alice")[-1]
    sim.assign("bob", "Global Administrator", kind="active", justification="standing admin")
    active_record = logged(sim, target="bob")[-1]
    sim.advance("PT10M")
    eligible_holds = sim.holds("alice", "Global Administrator")
    why = sim.why_not("alice", "Global Administrator").reason
    active_holds = sim.holds("bob", "Global Administrator")
    sim.assign("carol", "Global Administrator", kind="active", justification="project year", duration="P365D")
    sim.advance("PT10M")
    timebound_holds = sim.holds("carol", "Global Administrator")
    req = sim.activate("alice", "Global Administrator", duration="PT1H", justification="incident")
    sim.advance("PT5M")
    after = sim.holds("alice", "Global Administrator")
    activated = sim.find("alice", "Global Administrator", kind="active")
    sim.advance("PT2H")
    still_eligible = sim.find("alice", "Global Administrator", kind="eligible") is not None
    return {
        "eligible_grants_access": eligible_holds,
        "eligible_reason": str(why),
        "active_grants_access": active_holds,
        "activation_grants_access": after,
        "activation_is_timebound": activated is not None and activated.end is not None,
        "activation_request_status": str(sim.requests[req.id].status),
        "holds_after_activation_window": sim.holds("alice", "Global Administrator"),
        "eligibility_remains_after_activation": still_eligible,
        "eligible_assignment_activity": eligible_record.activity,
        # goal: no standing access, yet the role can be used when needed
        "goal_no_standing_eligible": not eligible_holds and after,
        "goal_no_standing_permanent_active": not active_holds,
        "goal_no_standing_timebound_active": not timebound_holds,
        "active_assignment_activity": active_record.activity,
    }


@probe("Four assignments are made: permanent and time-bound, eligible and active; the time-bound ones run out.")
def permanent_vs_timebound(lab: Lab) -> dict[str, Any]:
    sim = lab.sim("permanent-vs-timebound")
    sim.assign("alice", "Security Administrator", kind="eligible")
    sim.assign("bob", "Security Administrator", kind="eligible", duration="P7D")
    sim.assign("carol", "Security Reader", kind="active", justification="audit", duration="P2D")
    sim.assign("dave", "Security Reader", kind="active", justification="audit")
    completed = activities(sim, "PIM")
    sim.advance("P8D")
    return {
        "permanent_eligible_activity": completed[1],
        "timebound_eligible_activity": completed[3],
        "timebound_active_activity": completed[5],
        "permanent_active_activity": completed[7],
        "timebound_eligible_remains_after_end": sim.find("bob", "Security Administrator", kind="eligible") is not None,
        "timebound_active_holds_after_end": sim.holds("carol", "Security Reader"),
        "permanent_active_holds_after_end": sim.holds("dave", "Security Reader"),
        "timebound_eligible_end_activity": logged(sim, target="bob", after_minute=7 * DAY)[-1].activity,
        "timebound_end_reason": str(sim.why_not("carol", "Security Reader").reason),
        "kinds_of_assignment": sorted({f"{'permanent' if s.end is None else 'time-bound'} {s.kind}"
                                       for s in sim.schedules.values()}),
    }


# --- the activation flow ------------------------------------------------------------------------
@probe("Global Administrator requires approval by bob; alice activates for 2 hours, bob approves after 10 minutes, "
       "and the activation runs out.")
def activation_flow(lab: Lab) -> dict[str, Any]:
    sim = eligible_alice(lab, "activation-flow", require_approval=True, approvers=("bob",))
    sim.advance("PT10M")
    req = sim.activate("alice", "Global Administrator", duration="PT2H", justification="patch Tuesday",
                       ticket="CHG-1")
    pending_holds = sim.holds("alice", "Global Administrator")
    pending_reason = str(sim.why_not("alice", "Global Administrator").reason)
    sim.advance("PT10M")
    before_approval = len(sim.audit)
    sim.approve(req.id, by="bob", justification="ok")
    sim.advance("PT3H")
    pim = activities(sim, "PIM", req.id)
    approved = logged(sim, req.id, since=before_approval)[0]
    core = [a for a in sim.audit if a.service == "Core Directory" and a.target == "alice"
            and a.activity == "Add member to role"]
    return {
        "pim_activity_order": pim,
        "status_order": statuses(sim, req.id),
        "pending_grants_access": pending_holds,
        "pending_reason": pending_reason,
        "approver_in_audit": approved.initiator,
        "approval_also_logged_by_service": sorted({a.service for a in sim.audit
                                                   if a.request_id == req.id and a.initiator == "bob"}),
        "core_directory_initiator": core[0].initiator if core else "",
        "core_directory_activity": core[0].activity if core else "",
        "activation_duration_hours": (approved and (must(sim.schedules_of("alice")[-1].end)
                                                    - sim.schedules_of("alice")[-1].start) / HOUR),
        "activation_starts_at": "approval" if sim.schedules_of("alice")[-1].start == approved.minute else "request",
        "end_activity": logged(sim, target="alice")[-1].activity,
        "ticket_in_audit": logged(sim, req.id)[0].ticket,
    }


@probe("alice tries to activate Global Administrator while missing one requirement at a time.")
def activation_requirements(lab: Lab) -> dict[str, Any]:
    sim = eligible_alice(lab, "requirements")
    no_just = refusal(lambda: sim.activate("alice", "Global Administrator", duration="PT1H", justification=""))
    no_mfa = refusal(lambda: sim.activate("alice", "Global Administrator", duration="PT1H", justification="x",
                                          mfa=False))
    sim.set_settings("Global Administrator", require_ticket=True)
    no_ticket = refusal(lambda: sim.activate("alice", "Global Administrator", duration="PT1H", justification="x"))
    any_ticket = refusal(lambda: sim.activate("alice", "Global Administrator", duration="PT1H", justification="x",
                                              ticket="not-a-real-ticket"))
    audited = {r.rule for r in sim.refusals} & {a.activity for a in sim.audit}
    # authentication context without any Conditional Access policy for it: MFA is the fallback
    ctx = eligible_alice(lab, "auth-context", role="Security Administrator")
    ctx.set_settings("Security Administrator", require_mfa=False, auth_context="c1")
    fallback = refusal(lambda: ctx.activate("alice", "Security Administrator", duration="PT1H", justification="x",
                                            mfa=False))
    both = setting_refused(lambda: ctx.set_settings("Security Administrator", require_mfa=True, auth_context="c1"))
    with_policy = lab.sim("auth-context-with-policy", auth_contexts=("c1",))
    with_policy.assign("alice", "Security Administrator", kind="eligible")
    with_policy.set_settings("Security Administrator", require_mfa=False, auth_context="c1")
    unmet = refusal(lambda: with_policy.activate("alice", "Security Administrator", duration="PT1H",
                                                 justification="x", context_satisfied=False))
    # no admin role is needed to activate one's own eligible role: alice holds nothing else
    plain = eligible_alice(lab, "no-admin-role-needed", role="User Administrator")
    own = refusal(lambda: plain.activate("alice", "User Administrator", duration="PT1H", justification="x"))
    other = refusal(lambda: plain.activate("bob", "User Administrator", duration="PT1H", justification="x"))
    return {
        "missing_justification_rule": no_just.rule if no_just else "accepted",
        "missing_mfa_rule": no_mfa.rule if no_mfa else "accepted",
        "missing_ticket_rule": no_ticket.rule if no_ticket else "accepted",
        "any_ticket_text_accepted": any_ticket is None,
        "ticket_kept_in_audit": any(a.ticket == "not-a-real-ticket" for a in sim.audit),
        "refusals_written_to_audit_log": bool(audited) or any(a.result != "success" for a in sim.audit),
        "context_without_policy_rule": fallback.rule if fallback else "accepted",
        "mfa_and_context_together_allowed": not both,
        "context_policy_unmet_rule": unmet.rule if unmet else "accepted",
        "context_policy_unmet_code": unmet.code if unmet else "accepted",
        "admin_role_needed_to_activate_own_role": own is not None,
        "needed_to_activate_own_role": "nothing more" if own is None else own.rule,
        "not_eligible_rule": other.rule if other else "accepted",
    }


@probe("alice activates with no duration, too long and too short durations, and deactivates early; the "
       "administrator tries maximum durations from 30 minutes to 25 hours.")
def activation_limits(lab: Lab) -> dict[str, Any]:
    sim = eligible_alice(lab, "limits")
    req = sim.activate("alice", "Global Administrator", justification="default duration")
    s = must(sim.find("alice", "Global Administrator", kind="active"))
    default_hours = (must(s.end) - s.start) / HOUR
    early = {}
    before_deactivation = len(sim.audit)
    for wait in (1, 2, 3, 4, 5, 6):
        sim.run(wait)
        if not refusal(lambda: sim.deactivate("alice", "Global Administrator")):
            early = {"earliest_deactivation_minutes": wait}
            break
    deactivate_codes = sorted({r.code for r in sim.refusals if r.action == "selfDeactivate"})
    ends_by = {}
    for wait in (1, 3, 6, 10):  # a mistaken activation: can alice end it this many minutes after it began?
        t = eligible_alice(lab, f"deactivate-after-{wait}-minutes")
        t.activate("alice", "Global Administrator", duration="PT8H", justification="mistake")
        t.advance(wait)
        ends_by[wait] = refusal(lambda t=t: t.deactivate("alice", "Global Administrator")) is None \
            and not t.holds("alice", "Global Administrator", at=t.now + 1)
    sim.advance("PT10M")
    too_long = refusal(lambda: sim.activate("alice", "Global Administrator", duration="PT9H", justification="x"))
    accepted_minutes = [m for m in (1, 3, 4, 5, 10)
                        if refusal(lambda m=m: _fresh_activation(lab, m)) is None]
    allowed = []
    for hours in (0.5, 1, 2, 8, 12, 24, 25, 48):
        if not setting_refused(lambda h=hours: sim.set_settings("Security Reader", activation_max=h * HOUR)):
            allowed.append(hours)
    return {
        "default_activation_hours": default_hours,
        "default_request_status": str(sim.requests[req.id].status),
        **early,
        "early_deactivation_code": deactivate_codes[0] if deactivate_codes else "",
        "longer_than_maximum_rule": too_long.rule if too_long else "accepted",
        "shortest_activation_minutes": min(accepted_minutes),
        "activation_maximum_lowest_hours": min(allowed),
        "activation_maximum_highest_hours": max(allowed),
        "deactivate_activity": logged(sim, target="alice", since=before_deactivation)[-1].activity,
        "goal_deactivate_after_1_minute": ends_by[1],
        "goal_deactivate_after_3_minutes": ends_by[3],
        "goal_deactivate_after_6_minutes": ends_by[6],
        "goal_deactivate_after_10_minutes": ends_by[10],
    }


def _fresh_activation(lab: Lab, mins: float) -> None:
    sim = Simulation(Tenant.build(users=["alice"]), seed=1, lag=False)
    sim.assign("alice", "Global Administrator", kind="eligible")
    sim.activate("alice", "Global Administrator", duration=mins, justification="x")


# --- activated, but the blade is missing -------------------------------------------------------------
@probe("alice activates Exchange Administrator (no approval needed) in a tenant where applications pick up a new "
       "role a few minutes late, as they may cache role state; we look at once, try to activate again, and look "
       "again 15 minutes later.")
def blade_missing(lab: Lab) -> dict[str, Any]:
    from pim_sim import Reason
    from pim_sim.core.lag import Lag

    role = "Exchange Administrator"
    sim = Simulation(Tenant.build(users=["alice", "bob"]), seed=3, lag=Lag((2.0, 2.0), (4.0, 8.0)))
    lab.runs.append(("blade-missing", sim))
    sim.assign("alice", role, kind="eligible")
    sim.advance("PT10M")
    before = len(sim.audit)
    req = sim.activate("alice", role, duration="PT2H", justification="mail flow incident")
    sim.advance(1)
    written = [a.activity for a in logged(sim, req.id, since=before)]
    usable_now = sim.holds("alice", role)
    status_now = str(sim.requests[req.id].status)
    why = sim.why_not("alice", role)
    again = refusal(lambda: sim.activate("alice", role, duration="PT2H", justification="again"))
    # the model's reading of the state: what a learner should do about it (Learn: sign out and sign in again)
    remedy = {Reason.PROVISIONING_LAG: "sign out and sign in again",
              Reason.PENDING_APPROVAL: "wait for an approver",
              Reason.ELIGIBLE_NOT_ACTIVATED: "activate the role",
              Reason.NOT_ELIGIBLE: "ask for an eligible assignment"}.get(why.reason, str(why.reason))
    sim.advance("PT15M")
    return {
        "blade_request_status": status_now,
        "blade_activation_logged_completed": len(written) >= 2,
        "blade_usable_at_once": usable_now,
        "blade_reason": str(why.reason),
        "blade_remedy": remedy,
        "blade_activate_again_code": again.code if again else "accepted",
        "blade_usable_later_without_action": sim.holds("alice", role),
    }


# --- goal: a change ticket on every activation ------------------------------------------------------
@probe("Exchange Administrator is set in three tenants to require ticket information, a justification, or "
       "approval by bob; alice activates with and without a ticket number, once with a ticket number that exists "
       "nowhere, and we read the audit log.")
def ticket_goal(lab: Lab) -> dict[str, Any]:
    role = "Exchange Administrator"

    def outcome(label: str, **settings) -> tuple[bool, bool, bool]:
        """(an activation without a ticket is accepted, a made-up ticket is accepted, the ticket is in the audit)"""
        sim = eligible_alice(lab, label, role=role, **settings)
        sim.assign("bob", "Security Reader", kind="active", justification="approver")
        sim.advance("PT10M")
        without = refusal(lambda: sim.activate("alice", role, duration="PT1H", justification="incident 9"))
        if without is None:
            req = sim.requests[max(sim.requests)]
            if req.status.value == "PendingApproval":
                sim.approve(req.id, by="bob")
            sim.advance("PT2H")
        made_up = refusal(lambda: sim.activate("alice", role, duration="PT1H", justification="incident 10",
                                               ticket="NOT-A-TICKET-42"))
        in_audit = any(a.ticket == "NOT-A-TICKET-42" for a in sim.audit)
        return without is None, made_up is None, in_audit

    ticket = outcome("require-ticket", require_ticket=True)
    justification = outcome("require-justification", require_justification=True)
    approval = outcome("require-approval", require_approval=True, approvers=("bob",))
    return {
        "goal_ticket_required": not ticket[0] and ticket[2],
        "goal_justification_required": not justification[0],
        "goal_approval_required": not approval[0],
        "ticket_checked_against_a_system": not ticket[1],
    }
