"""Probes on PIM alerts."""

from __future__ import annotations

from typing import Any

from quizzes.probes.base import DAY, Lab, logged, probe, setting_refused


# --- alerts ---------------------------------------------------------------------------------------------
@probe("PIM alerts are watched while: bob is made Global Administrator outside PIM; a role with eligible users "
       "stops requiring MFA; eligible carol never activates nor signs in for 40 days; thresholds are set out of "
       "range; then the licence lapses.")
def alerts(lab: Lab) -> dict[str, Any]:
    sim = lab.sim("alerts", users=("alice", "bob", "carol", "pat", "sam", "gina"))
    sim.assign("pat", "Privileged Role Administrator", kind="active", justification="x")
    sim.assign("sam", "Security Administrator", kind="active", justification="x")
    sim.assign("gina", "Global Administrator", kind="active", justification="x")
    sim.assign("carol", "Exchange Administrator", kind="eligible")
    center = sim.alerts
    center.configure("redundantAssignment", unused_days=30)
    center.configure("staleSignIn", stale_days=30)
    sim.advance("PT10M")
    sim.assign_outside_pim("bob", "Global Administrator", by="alice")
    sim.set_settings("Exchange Administrator", require_mfa=False)
    sim.run("P40D")
    severity = {i.name: str(i.severity) for i in center.history}
    outside_resolved_after_days = [(i.resolved - i.raised) / DAY for i in center.history
                                   if i.alert == "rolesAssignedOutsidePrivilegedIdentityManagement" and i.resolved]
    outside = center.definition("rolesAssignedOutsidePrivilegedIdentityManagement").name
    emails = [n for n in sim.notifications if n.rule_id == "RoleAssignedOutsidePim"]
    recipients = sorted(set(emails[0].recipients.split(";"))) if emails else []
    role_of = {"pat": "Privileged Role Administrator", "sam": "Security Administrator", "gina": "Global Administrator"}
    ranges = {}
    for name, alert, values in (("unused_days", "redundantAssignment", (0, 100, 101)),
                                ("stale_days", "staleSignIn", (0, 1, 365, 366)),
                                ("min_global_admins", "tooManyGlobalAdminsAssignedToTenant", (1, 2, 100, 101)),
                                ("activation_renewals", "sequentialActivationRenewals", (1, 2, 100, 101))):
        ok = [v for v in values if not setting_refused(lambda a=alert, n=name, v=v: center.configure(a, **{n: v}))]
        ranges[name] = [min(ok), max(ok)]
    triggered = logged(sim, target=outside)[0].activity
    sim.set_licence("Free")
    sim.advance("P2D")
    return {
        "outside_pim_severity": severity.get(outside, ""),
        "no_mfa_severity": severity.get("Roles don't require multifactor authentication for activation", ""),
        "unused_severity": severity.get("Administrators aren't using their privileged roles", ""),
        "stale_severity": severity.get("Potential stale accounts in a privileged role", ""),
        "raised_alerts": sorted(severity),
        "outside_pim_alert_days": outside_resolved_after_days[0] if outside_resolved_after_days else 0,
        "outside_pim_email_roles": sorted({role_of[r] for r in recipients if r in role_of}),
        "unused_days_range": ranges["unused_days"],
        "stale_days_range": ranges["stale_days"],
        "min_global_admins_range": ranges["min_global_admins"],
        "min_global_admins_lowest": ranges["min_global_admins"][0],
        "activation_renewals_range": ranges["activation_renewals"],
        "alert_activity": triggered,
        "alerts_after_lapse": sorted(d.name for d in center.active()),
    }


@probe("Global Administrator alert thresholds are set to at least 3 Global Administrators making up at least 50% "
       "of role assignments; the tenant then gets 3 Global Administrators among 4 and among 8 assignments.")
def too_many_global_admins(lab: Lab) -> dict[str, Any]:
    def count(label: str, others: int) -> bool:
        users = ("g1", "g2", "g3", *(f"u{i}" for i in range(others)))
        sim = lab.sim(label, users=users)
        center = sim.alerts
        center.configure("tooManyGlobalAdminsAssignedToTenant", min_global_admins=3, global_admin_percent=50)
        for g in ("g1", "g2", "g3"):
            sim.assign(g, "Global Administrator", kind="active", justification="x")
        for i in range(others):
            sim.assign(f"u{i}", "Reports Reader", kind="active", justification="x")
        return bool(center.condition("tooManyGlobalAdminsAssignedToTenant"))

    share_high = count("3-of-4", 1)
    share_low = count("3-of-8", 5)

    def lowered(label: str, percent: int) -> bool:
        users = ("g1", "g2", "g3", *(f"u{i}" for i in range(5)))
        sim = lab.sim(label, users=users)
        sim.alerts.configure("tooManyGlobalAdminsAssignedToTenant", min_global_admins=3, global_admin_percent=percent)
        for g in ("g1", "g2", "g3"):
            sim.assign(g, "Global Administrator", kind="active", justification="x")
        for i in range(5):
            sim.assign(f"u{i}", "Reports Reader", kind="active", justification="x")
        return bool(sim.alerts.condition("tooManyGlobalAdminsAssignedToTenant"))

    return {
        "fires_when_both_met": share_high,
        "fires_on_count_alone": share_low,
        "condition": "both thresholds" if share_high and not share_low else "either threshold",
        "fires_3_of_8_at_30_percent": lowered("3-of-8-at-30", 30),
    }


@probe("On day 0 bob is made Exchange Administrator outside PIM; an auditor checks the 'Roles are being assigned "
       "outside of PIM' alert every day for six weeks.")
def outside_pim_window(lab: Lab) -> dict[str, Any]:
    sim = lab.sim("outside-pim-window", users=("alice", "bob", "pat"))
    sim.assign("pat", "Privileged Role Administrator", kind="active", justification="x")
    sim.advance("PT10M")
    sim.assign_outside_pim("bob", "Exchange Administrator", by="alice")
    alert = "rolesAssignedOutsidePrivilegedIdentityManagement"
    open_days = []
    for day in range(1, 43):
        sim.run(day * DAY)
        if sim.alerts.incidents(alert, open_only=True):
            open_days.append(day)
    last = max(open_days, default=0)
    return {
        "outside_pim_alert_last_day": last,
        "open_on_day_29": 29 in open_days,
        "open_on_day_35": 35 in open_days,
        "open_after_a_week": 8 in open_days,
    }
