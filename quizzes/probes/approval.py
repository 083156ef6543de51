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
    settings = {"require_approval": True, "approvers": ("alice", "bob", "carol")}
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
        "approver_needs_a_role": any(first_wins.holds(a, r) for a in ("bob", "carol")
                                     for r in ("Global Administrator", "Privileged Role Administrator")),
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
