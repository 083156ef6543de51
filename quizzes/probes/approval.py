"""Probes on the approval workflow."""

from __future__ import annotations

from typing import Any

from pim_sim import Group
from quizzes.probes.base import HOUR, Lab, activities, eligible_alice, logged, probe, refusal, setting_refused


# --- approval --------------------------------------------------------------------------------
@probe("Global Administrator requires approval by alice, bob or carol. In separate runs: bob approves then carol denies; "
       "alice tries to approve her own request; alice, bob, carol and dave (no approver) each try to approve it; "
       "carol denies; alice cancels; nobody answers for 30 hours.")
def approval_rules(lab: Lab) -> dict[str, Any]:
    settings: dict[str, Any] = {"require_approval": True, "approvers": ("alice", "bob", "carol")}
    first_wins = eligible_alice(lab, "first-decision-wins", **settings)
    r1 = first_wins.activate("alice", "Global Administrator", duration="PT1H", justification="x")
    first_wins.advance("PT5M")
    first_wins.approve(r1.id, by="bob")
    late = refusal(lambda: first_wins.deny(r1.id, by="carol"))
    own = eligible_alice(lab, "self-approval", **settings)
    r2 = own.activate("alice", "Global Administrator", duration="PT1H", justification="x")
    self_ = refusal(lambda: own.approve(r2.id, by="alice"))
    outsider = refusal(lambda: own.approve(r2.id, by="dave"))
    deciders_of_own_request = []
    for who in ("alice", "bob", "carol", "dave"):  # each tries to approve alice's request in a fresh tenant
        t = eligible_alice(lab, f"{who}-decides", **settings)
        req = t.activate("alice", "Global Administrator", duration="PT1H", justification="x")
        if refusal(lambda t=t, req=req, who=who: t.approve(req.id, by=who)) is None:
            deciders_of_own_request.append(who)

    # carol, a selected approver, holds no role at all: can she approve?
    roleless = eligible_alice(lab, "roleless-approver", **settings)
    r6 = roleless.activate("alice", "Global Administrator", duration="PT1H", justification="x")
    carol_roles = [s.role for s in roleless.schedules_of("carol")]
    roleless_approved = not carol_roles and refusal(lambda: roleless.approve(r6.id, by="carol")) is None

    denied = eligible_alice(lab, "deny", **settings)
    r3 = denied.activate("alice", "Global Administrator", duration="PT1H", justification="x")
    denied.advance("PT5M")
    denied.deny(r3.id, by="carol", justification="not now")
    denied.advance("PT5M")
    retry = denied.activate("alice", "Global Administrator", duration="PT1H", justification="second try")

    canceled = eligible_alice(lab, "cancel", **settings)
    r4 = canceled.activate("alice", "Global Administrator", duration="PT1H", justification="x")
    canceled.advance("PT3M")
    canceled.cancel(r4.id)

    waiting = eligible_alice(lab, "no-answer", **settings)
    r5 = waiting.activate("alice", "Global Administrator", duration="PT1H", justification="x")
    waiting.run("P3D")
    expiry = logged(waiting, r5.id)[-1]
    pending_just_before = str(waiting.status_at(r5.id, expiry.minute - 1))
    after = refusal(lambda: waiting.approve(r5.id, by="bob"))
    return {
        "first_decision_final_status": str(first_wins.requests[r1.id].status),
        "second_decision_refused": late is not None,
        "self_approval_refused": self_ is not None,
        "non_approver_refused": outsider is not None,
        "deciders_of_own_request": deciders_of_own_request,
        "approver_needs_a_role": not roleless_approved,
        "denied_status": str(denied.requests[r3.id].status),
        "deny_activity_order": activities(denied, "PIM", r3.id),
        "denied_activity": logged(denied, r3.id)[-1].activity,
        "denied_grants_access": denied.holds("alice", "Global Administrator", at=r3.created + 6),
        "after_deny": "new request" if retry.id != r3.id else "same request",
        "retry_status": str(retry.status),
        "canceled_status": str(canceled.requests[r4.id].status),
        "canceled_activity": logged(canceled, r4.id)[-1].activity,
        "canceled_by": logged(canceled, r4.id)[-1].initiator,
        "approval_window_hours": (expiry.minute - r5.created) / HOUR,
        "status_a_minute_before_expiry": pending_just_before,
        "expired_activity": expiry.activity,
        "expired_status": str(waiting.requests[r5.id].status),
        "expired_reason": str(waiting.why_not("alice", "Global Administrator").reason),
        "approve_after_expiry_refused": after is not None,
    }


@probe("Approval is required with no approvers chosen: for a Microsoft Entra role (bob is Privileged Role "
       "Administrator, carol Global Administrator), and for an Azure role and a group role.")
def default_approvers(lab: Lab) -> dict[str, Any]:
    sim = lab.sim("entra-default-approvers")
    sim.assign("bob", "Privileged Role Administrator", kind="active", justification="PIM admin")
    sim.assign("carol", "Global Administrator", kind="active", justification="GA")
    sim.assign("alice", "Security Administrator", kind="eligible")
    sim.set_settings("Security Administrator", require_approval=True)
    req = sim.activate("alice", "Security Administrator", duration="PT1H", justification="x")
    deciders = sim.approvers_for(req.id)
    roles = sorted({role for name in deciders for role in ("Privileged Role Administrator", "Global Administrator")
                    if sim.holds(name, role)})
    sub = "/subscriptions/prod"
    azure = lab.sim("azure-no-default-approvers", scopes=[sub])
    azure_refused = setting_refused(lambda: azure.set_settings("Contributor", sub, require_approval=True))
    grp = lab.sim("groups-no-default-approvers", groups=[Group("ops")])
    group_refused = setting_refused(lambda: grp.set_settings("Member", "/groups/ops", require_approval=True))
    return {
        "entra_default_approver_roles": roles,
        "azure_approval_without_approvers_allowed": not azure_refused,
        "groups_approval_without_approvers_allowed": not group_refused,
        "surfaces_with_default_approvers": sorted(
            name for name, has_default in (("Microsoft Entra roles", bool(deciders)),
                                           ("Azure resource roles", not azure_refused),
                                           ("Groups", not group_refused)) if has_default),
    }


# --- goal: a second person must agree ------------------------------------------------------------
@probe("alice is eligible for Global Administrator; pat is an active Privileged Role Administrator and carol holds "
       "no role. Each tenant changes one thing: approval by bob; approval with no approver chosen; MFA and a "
       "justification; a ticket number; carol chosen as approver; carol given Global Reader with no approver chosen; "
       "carol made Privileged Role Administrator. alice activates in each and we see when she can use the role and "
       "who could approve.")
def second_person(lab: Lab) -> dict[str, Any]:
    role = "Global Administrator"

    def tenant(label: str, **settings) -> Any:
        sim = lab.sim(label, users=("alice", "bob", "carol", "pat"))
        sim.assign("pat", "Privileged Role Administrator", kind="active", justification="PIM admin")
        sim.assign("alice", role, kind="eligible")
        if settings:
            sim.set_settings(role, **settings)
        sim.advance("PT10M")
        return sim

    def alone(sim: Any) -> bool:
        """Can alice use the role with nobody else acting (she tries to approve her own request)?"""
        req = sim.activate("alice", role, duration="PT1H", justification="change 5", ticket="CHG-5")
        if sim.requests[req.id].status.value == "PendingApproval":
            refusal(lambda: sim.approve(req.id, by="alice"))
        sim.advance("PT5M")
        return sim.holds("alice", role)

    def approvable_by(sim: Any, who: str) -> bool:
        req = sim.activate("alice", role, duration="PT1H", justification="change 6", ticket="CHG-6")
        if sim.requests[req.id].status.value != "PendingApproval":
            return False
        return refusal(lambda: sim.approve(req.id, by=who)) is None and sim.holds("alice", role)

    by_bob = tenant("approval-by-bob", require_approval=True, approvers=("bob",))
    defaults = tenant("approval-default-approvers", require_approval=True)
    mfa = tenant("mfa-and-justification", require_mfa=True, require_justification=True)
    ticket = tenant("ticket-number", require_ticket=True)
    carol_chosen = tenant("carol-approver", require_approval=True, approvers=("carol",))
    reader = tenant("carol-global-reader", require_approval=True)
    reader.assign("carol", "Global Reader", kind="active", justification="compliance")
    pra = tenant("carol-pra", require_approval=True)
    pra.assign("carol", "Privileged Role Administrator", kind="active", justification="compliance")
    pra.advance("PT10M")
    return {
        "goal_second_person_approval_by_bob": not alone(by_bob) and approvable_by(
            tenant("approval-by-bob-2", require_approval=True, approvers=("bob",)), "bob"),
        "goal_second_person_default_approvers": not alone(defaults) and approvable_by(
            tenant("approval-default-approvers-2", require_approval=True), "pat"),
        "goal_second_person_mfa_justification": not alone(mfa),
        "goal_second_person_ticket": not alone(ticket),
        "goal_carol_selected": approvable_by(carol_chosen, "carol") and not carol_chosen.schedules_of("carol"),
        "goal_carol_global_reader": approvable_by(reader, "carol"),
        "goal_carol_pra_without_role": approvable_by(pra, "carol") and not pra.schedules_of("carol"),
    }


@probe("Global Administrator requires approval by bob or carol; bob is away. In four tenants alice requests the role "
       "and carol approves 1, 23, 25 and 65 hours later.")
def late_approver(lab: Lab) -> dict[str, Any]:
    approvable_after = {}
    for hours in (1, 23, 25, 65):  # carol answers this many hours after the request
        t = eligible_alice(lab, f"carol-answers-after-{hours}-hours", require_approval=True, approvers=("bob", "carol"))
        req = t.activate("alice", "Global Administrator", duration="PT1H", justification="weekend maintenance")
        t.advance(hours * HOUR)
        approvable_after[hours] = refusal(lambda t=t, req=req: t.approve(req.id, by="carol")) is None \
            and t.holds("alice", "Global Administrator", at=t.now + 1)
    return {
        "goal_approved_after_1_hour": approvable_after[1],
        "goal_approved_after_23_hours": approvable_after[23],
        "goal_approved_after_25_hours": approvable_after[25],
        "goal_approved_after_65_hours": approvable_after[65],
    }
