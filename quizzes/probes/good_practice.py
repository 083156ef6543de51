"""Probes on standing vs just-in-time privilege, and notifications."""

from __future__ import annotations

from typing import Any

from quizzes.probes.base import DAY, HOUR, Lab, probe


# --- good practice ------------------------------------------------------------------------------------
@probe("For one week alice holds Global Administrator as a permanent active assignment while bob is eligible and "
       "activates it for two hours each working day.")
def standing_vs_jit(lab: Lab) -> dict[str, Any]:
    sim = lab.sim("standing-vs-jit")
    sim.assign("alice", "Global Administrator", kind="active", justification="standing admin")
    sim.assign("bob", "Global Administrator", kind="eligible")
    for day in range(5):
        sim.run(day * DAY + 9 * HOUR)
        sim.activate("bob", "Global Administrator", duration="PT2H", justification=f"change {day + 1}")
    sim.run(7 * DAY)
    access = sim.results().effective_access
    hours = access.groupby("principal")["hours"].sum()
    return {
        "standing_hours": float(hours.get("alice", 0.0)),
        "jit_hours": float(hours.get("bob", 0.0)),
    }


# --- notifications ----------------------------------------------------------------------------------
@probe("alice's 30-day eligible assignment runs out while we collect PIM's emails; in two more tenants Global "
       "Administrator requires approval, once by bob and once with no approver chosen, while pat is Privileged Role "
       "Administrator.")
def notifications(lab: Lab) -> dict[str, Any]:
    sim = lab.sim("expiry-notices")
    sim.assign("alice", "Security Reader", kind="eligible", duration="P30D")
    sim.run("P31D")
    end = 30 * DAY
    days_before = sorted({round((end - n.minute) / DAY) for n in sim.notifications
                          if n.rule_id == "ExpiryNotice" and n.minute <= end}, reverse=True)

    def approval_email(label: str, approvers: tuple[str, ...]) -> list[str]:
        t = lab.sim(label, users=("alice", "bob", "pat"))
        t.assign("pat", "Privileged Role Administrator", kind="active", justification="PIM admin")
        t.assign("alice", "Global Administrator", kind="eligible")
        t.set_settings("Global Administrator", require_approval=True, approvers=approvers)
        t.activate("alice", "Global Administrator", duration="PT1H", justification="x")
        sent = [n for n in t.notifications if n.rule_id == "Notification_Approver_EndUser_Assignment"]
        return sent[0].recipients.split(";") if sent else []

    explicit = approval_email("explicit-approver", ("bob",))
    default = approval_email("no-approver-chosen", ())
    return {
        "expiry_notice_days_before": days_before,
        "approval_email_recipients": sorted(explicit),
        "pra_emailed_with_explicit_approvers": "pat" in explicit,
        "pra_emailed_without_approvers": "pat" in default,
    }
