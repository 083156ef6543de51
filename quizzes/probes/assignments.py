"""Probes on extend and renew, assignment rules and who manages what."""

from __future__ import annotations

from typing import Any

from pim_sim import Group, PimRefusal, Simulation
from quizzes.probes.base import DAY, Lab, activities, logged, must, probe, refusal, statuses


# --- extend and renew ------------------------------------------------------------------------------
@probe("alice has a 30-day eligible assignment of Security Administrator. She asks to extend it on several days, "
       "bob (Privileged Role Administrator) decides, and after it expires she asks to renew on several days.")
def extend_renew(lab: Lab) -> dict[str, Any]:
    def fresh(label: str) -> tuple[Simulation, str]:
        sim = lab.sim(label)
        sim.assign("bob", "Privileged Role Administrator", kind="active", justification="PIM admin")
        sim.assign("carol", "Security Reader", kind="active", justification="reader")
        sim.assign("alice", "Security Administrator", kind="eligible", duration="P30D")
        return sim, must(sim.find("alice", "Security Administrator", kind="eligible")).id

    extend_ok = []
    for days_left in (30, 20, 15, 14, 10, 1):
        sim, _ = fresh(f"extend-{days_left}-days-left")
        sim.run((30 - days_left) * DAY + 1)
        if refusal(lambda s=sim: s.request_extend("alice", "Security Administrator", justification="x")) is None:
            extend_ok.append(days_left)
    sim, sid = fresh("extend-decided")
    sim.run(20 * DAY)
    req = sim.request_extend("alice", "Security Administrator", justification="project runs longer", duration="P30D")
    pending = str(req.status)
    still_ok = sim.holds("alice", "Security Administrator") or sim.find("alice", "Security Administrator") is not None
    self_ = refusal(lambda: sim.decide_update(req.id, by="alice"))
    reader = refusal(lambda: sim.decide_update(req.id, by="carol"))
    before_decision = len(sim.audit)
    decided = sim.decide_update(req.id, by="bob", justification="ok")
    decision_record = logged(sim, req.id, since=before_decision)[0]
    extend_statuses = statuses(sim, req.id)
    new_end = sim.schedules[sid].end
    renew_ok = []
    for days_after in (1, 7, 29, 30, 31, 60, 90):
        s2, _ = fresh(f"renew-{days_after}-days-after")
        s2.run(30 * DAY + days_after * DAY - 1)
        if refusal(lambda s=s2: s.request_renew("alice", "Security Administrator", justification="x")) is None:
            renew_ok.append(days_after)
    s3, _ = fresh("renew-decided")
    s3.run(35 * DAY)
    renew = s3.request_renew("alice", "Security Administrator", justification="back on the project", duration="P30D")
    s3.decide_update(renew.id, by="bob", justification="ok")
    gap = s3.find("alice", "Security Administrator", kind="eligible", at=31 * DAY) is None
    s4, sid4 = fresh("admin-extend")
    s4.run(5 * DAY)
    admin = s4.admin_extend(sid4, "P30D", by="bob", justification="direct")
    return {
        "extend_allowed_days_before_end": extend_ok,
        "extend_window_days": max(extend_ok),
        "extend_allowed_far_from_end": 30 in extend_ok,
        "extend_request_status": pending,
        "extend_status_order": extend_statuses,
        "extend_run_activities": activities(sim, "PIM"),
        "renew_run_activities": activities(s3, "PIM"),
        "extend_needs_admin_decision": pending == "PendingAdminDecision",
        "extend_activity": logged(sim, req.id)[0].activity,
        "extend_self_approval_refused": self_ is not None,
        "extend_non_admin_refused": reader is not None,
        "extend_decided_status": str(decided.status),
        "extend_decision_activity": decision_record.activity,
        "extend_added_days": (must(new_end) - 30 * DAY) / DAY,
        "renew_allowed_days_after_expiry": renew_ok,
        "renew_window_days": max(renew_ok),
        "renew_activity": logged(s3, renew.id)[0].activity,
        "renewed_holds_eligibility": s3.find("alice", "Security Administrator", kind="eligible") is not None,
        "admin_extend_status": str(s4.requests[admin.id].status),
        "admin_extend_needs_approval": s4.requests[admin.id].status.value in ("PendingAdminDecision",
                                                                              "PendingApproval"),
        "admin_extend_action": str(admin.action),
        "eligible_during_extend_request": still_ok,
        # goal: alice, 20 days before her assignment ends, stays eligible without a gap
        "goal_extend_today_20_days_left": 20 in extend_ok,
        "goal_extend_at_10_days_left_approved": 10 in extend_ok and decided.status.value == "Provisioned",
        "goal_admin_extends_today": s4.requests[admin.id].status.value == "Provisioned",
        "goal_renew_after_expiry": not gap,
    }


@probe("ops is a role-assignable group eligible for Security Administrator with alice as a member; alice tries "
       "to extend the assignment she inherits through the group.")
def extend_via_group(lab: Lab) -> dict[str, Any]:
    sim = lab.sim("extend-via-group", groups=[Group("ops", role_assignable=True, members=("alice",))])
    sim.assign("ops", "Security Administrator", kind="eligible", duration="P10D")
    sim.run(2 * DAY)
    own = refusal(lambda: sim.request_extend("alice", "Security Administrator", justification="x"))
    activated = refusal(lambda: sim.activate("alice", "Security Administrator", duration="PT1H", justification="x"))
    return {
        "member_can_extend_group_assignment": own is None,
        "member_can_activate_group_eligibility": activated is None,
    }


# --- assignments -------------------------------------------------------------------------------------
@probe("An administrator makes assignments of 4 and 5 minutes, removes one at once, tries to make a service "
       "principal eligible, removes the last active Global Administrator, and schedules one for tomorrow.")
def assignment_rules(lab: Lab) -> dict[str, Any]:
    sim = lab.sim("assignment-rules", service_principals=["deploy-app"])
    shortest = [m for m in (1, 4, 5, 10)
                if refusal(lambda m=m: sim.assign("alice", "Reports Reader", kind="eligible", duration=m)) is None]
    sim.assign("bob", "Security Reader", kind="eligible")
    sid = must(sim.find("bob", "Security Reader", kind="eligible")).id
    removable_after = []
    for wait in (1, 2, 3, 4, 5, 6):
        sim.run(wait)  # the assignment was made at minute 0
        if refusal(lambda: sim.remove(sid)) is None:
            removable_after.append(wait)
            break
    sp_eligible = refusal(lambda: sim.assign("deploy-app", "Application Administrator", kind="eligible"))
    sp_active_timebound = refusal(lambda: sim.assign("deploy-app", "Application Administrator", kind="active",
                                                     duration="P30D", justification="pipeline"))
    ga = lab.sim("last-global-admin")
    ga.assign("alice", "Global Administrator", kind="active", justification="only GA")
    ga.advance("PT10M")
    last = refusal(lambda: ga.remove(must(ga.find("alice", "Global Administrator", kind="active")).id))
    ga.assign("bob", "Global Administrator", kind="active", justification="second GA")
    ga.advance("PT10M")
    not_last = refusal(lambda: ga.remove(must(ga.find("alice", "Global Administrator", kind="active")).id))
    swap = lab.sim("eligible-successor")
    swap.assign("alice", "Global Administrator", kind="active", justification="only GA")
    swap.assign("bob", "Global Administrator", kind="eligible")
    swap.advance("PT10M")
    eligible_successor = refusal(lambda: swap.remove(must(swap.find("alice", "Global Administrator", kind="active")).id))
    later = lab.sim("future-start")
    later.assign("carol", "Security Reader", kind="active", justification="starts tomorrow", start="P1D")
    before = later.holds("carol", "Security Reader")
    later.run("P1DT1M")
    return {
        "shortest_assignment_minutes": min(shortest),
        "goal_assign_for_4_minutes": 4 in shortest,
        "goal_assign_for_10_minutes": 10 in shortest,
        "earliest_removal_minutes": removable_after[0] if removable_after else None,
        "service_principal_eligible_refused": sp_eligible is not None,
        "service_principal_timebound_active_allowed": sp_active_timebound is None,
        "last_global_admin_removal_refused": last is not None,
        "other_global_admin_removal_refused": not_last is not None,
        "future_assignment_holds_before_start": before,
        "future_assignment_holds_after_start": later.holds("carol", "Security Reader"),
        "remove_activity": logged(sim, target="bob")[-1].activity,
        # goal: alice's active Global Administrator assignment is removed and an active one remains
        "goal_remove_then_add": last is None,
        "goal_add_active_then_remove": not_last is None,
        "goal_add_eligible_then_remove": eligible_successor is None,
    }


# --- who manages what ---------------------------------------------------------------------------------
@probe("Security Administrator, Privileged Role Administrator, Global Reader, Owner and User Access Administrator "
       "holders each try to make an Entra role and an Azure role assignment.")
def who_manages(lab: Lab) -> dict[str, Any]:
    sub = "/subscriptions/prod"
    users = ("alice", "sam", "pat", "gina", "olga", "uma", "carl")
    sim = lab.sim("who-manages", users=users, scopes=[sub])
    sim.assign("sam", "Security Administrator", kind="active", justification="x")
    sim.assign("pat", "Privileged Role Administrator", kind="active", justification="x")
    sim.assign("gina", "Global Administrator", kind="active", justification="x")
    sim.assign("olga", "Owner", sub, kind="active", justification="x", duration="P30D")
    sim.assign("uma", "User Access Administrator", sub, kind="active", justification="x", duration="P30D")
    sim.assign("carl", "Contributor", sub, kind="active", justification="x", duration="P30D")
    sim.advance("PT10M")
    entra, azure = [], []
    for who in ("sam", "pat", "gina", "olga", "uma", "carl"):
        if refusal(lambda w=who: sim.assign("alice", "Helpdesk Administrator", kind="eligible", by=w)) is None:
            entra.append(who)
        if refusal(lambda w=who: sim.assign("alice", "Reader", sub, kind="eligible", duration="P30D", by=w)) is None:
            azure.append(who)
    role_of = {"sam": "Security Administrator", "pat": "Privileged Role Administrator", "gina": "Global Administrator",
               "olga": "Owner", "uma": "User Access Administrator", "carl": "Contributor"}
    settings_by = []
    for who in ("sam", "pat", "olga"):
        try:
            sim.set_settings("Helpdesk Administrator", by=who, require_ticket=True)
            settings_by.append(role_of[who])
        except PimRefusal:
            pass
    azure_settings_by = []
    for who in ("pat", "olga", "uma"):
        try:
            sim.set_settings("Reader", sub, by=who, require_ticket=True)
            azure_settings_by.append(role_of[who])
        except PimRefusal:
            pass
    return {
        "entra_assignment_managers": sorted(role_of[w] for w in entra),
        "azure_assignment_managers": sorted(role_of[w] for w in azure),
        "pra_manages_azure": "pat" in azure,
        "owner_manages_entra": "olga" in entra,
        "entra_settings_editors": sorted(settings_by),
        # goal: the person can make eligible assignments of an Azure role on the subscription
        "goal_azure_by_owner": "olga" in azure,
        "goal_azure_by_uaa": "uma" in azure,
        "goal_azure_by_pra": "pat" in azure,
        "goal_azure_by_security_admin": "sam" in azure,
        "goal_azure_by_contributor": "carl" in azure,
        "azure_settings_editors": sorted(azure_settings_by),
    }


# --- role assignment settings ------------------------------------------------------------------------
@probe("Exchange Administrator's assignment settings are changed one at a time (no permanent active assignments and "
       "a 30-day limit; no permanent eligible assignments and a 90-day limit; MFA on active assignment; justification "
       "on active assignment; the activation maximum), and an administrator makes eligible and active assignments "
       "of each length, with and without MFA and a justification.")
def assignment_settings(lab: Lab) -> dict[str, Any]:
    role = "Exchange Administrator"

    def tenant(label: str, **settings) -> Simulation:
        sim = lab.sim(label)
        if settings:
            sim.set_settings(role, **settings)
        return sim

    def accepted(sim: Simulation, who: str, kind: str, duration=None, justification="project", mfa=True) -> bool:
        return refusal(lambda: sim.assign(who, role, kind=kind, duration=duration, justification=justification,
                                          mfa=mfa)) is None

    active_capped = tenant("no-permanent-active", active_permanent_allowed=False, active_max="P30D")
    permanent_active = accepted(active_capped, "alice", "active")
    active_60 = accepted(active_capped, "bob", "active", "P60D")
    active_30 = accepted(active_capped, "carol", "active", "P30D")
    permanent_eligible_there = accepted(active_capped, "dave", "eligible")
    eligible_capped = tenant("no-permanent-eligible", eligible_permanent_allowed=False, eligible_max="P90D")
    permanent_eligible = accepted(eligible_capped, "alice", "eligible")
    eligible_180 = accepted(eligible_capped, "bob", "eligible", "P180D")
    eligible_90 = accepted(eligible_capped, "carol", "eligible", "P90D")
    permanent_active_there = accepted(eligible_capped, "dave", "active")
    mfa = tenant("mfa-on-active-assignment", mfa_on_active_assignment=True)
    active_without_mfa = accepted(mfa, "alice", "active", "P30D", mfa=False)
    eligible_without_mfa = accepted(mfa, "bob", "eligible", "P30D", mfa=False)
    active_with_mfa = accepted(mfa, "carol", "active", "P30D")
    just = tenant("justification-on-active-assignment", justification_on_active_assignment=True)
    active_without_reason = accepted(just, "alice", "active", "P30D", justification="")
    eligible_without_reason = accepted(just, "bob", "eligible", "P30D", justification="")
    lax = tenant("no-justification-on-active-assignment", justification_on_active_assignment=False)
    lax_active_without_reason = accepted(lax, "alice", "active", "P30D", justification="")
    # the activation maximum and MFA on activation: do they touch an administrator's active assignment?
    short = tenant("activation-maximum-1h", activation_max="PT1H", require_mfa=True)
    permanent_active_short = accepted(short, "alice", "active", mfa=False)
    # which settings make an active assignment need the assigning administrator's MFA and a reason
    effective = []
    for setting, change in (("mfa_on_active_assignment", {"mfa_on_active_assignment": True}),
                            ("justification_on_active_assignment", {"justification_on_active_assignment": True,
                                                                    "mfa_on_active_assignment": False}),
                            ("require_mfa", {"require_mfa": True, "justification_on_active_assignment": False}),
                            ("require_justification", {"require_justification": True,
                                                       "justification_on_active_assignment": False}),
                            ("require_approval", {"require_approval": True, "approvers": ("bob",),
                                                  "justification_on_active_assignment": False})):
        t = tenant(f"active-assignment-with-{setting}", **change)
        if not accepted(t, "alice", "active", "P30D", justification="", mfa=False):
            effective.append(setting)
    return {
        "permanent_active_refused_when_disallowed": not permanent_active,
        "active_longer_than_limit_refused": not active_60,
        "active_within_limit_accepted": active_30,
        "permanent_eligible_unaffected_by_active_limit": permanent_eligible_there,
        "permanent_eligible_refused_when_disallowed": not permanent_eligible,
        "eligible_longer_than_limit_refused": not eligible_180,
        "eligible_within_limit_accepted": eligible_90,
        "permanent_active_unaffected_by_eligible_limit": permanent_active_there,
        "active_assignment_without_mfa_refused": not active_without_mfa,
        "eligible_assignment_needs_mfa": not eligible_without_mfa,
        "active_assignment_with_mfa_accepted": active_with_mfa,
        "active_assignment_without_reason_refused": not active_without_reason,
        "eligible_assignment_needs_reason": not eligible_without_reason,
        "reason_optional_when_setting_off": lax_active_without_reason,
        "activation_settings_limit_active_assignments": not permanent_active_short,
        "active_assignment_settings_enforced": effective,
        "eligible_limit_verdict": {"permanent": "refused" if not permanent_eligible else "accepted",
                                   "long": "refused" if not eligible_180 else "accepted",
                                   "within": "accepted" if eligible_90 else "refused"},
        # goal: no permanent active assignment, and every active assignment ends within 30 days
        "goal_no_permanent_active_and_30_days": not permanent_active and not active_60 and active_30,
        "goal_by_eligible_setting": not permanent_active_there,
        "goal_by_activation_maximum": not permanent_active_short,
    }
