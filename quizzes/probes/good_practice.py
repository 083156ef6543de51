"""Probes on standing vs just-in-time privilege, and notifications."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from pim_sim import PimRefusal, Simulation
from pim_sim.core.policy import NotificationEvent, Recipient
from quizzes.probes.base import DAY, HOUR, Lab, must, probe, refusal


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


def _with_rule(sim: Simulation, role: str, event: NotificationEvent, recipient: Recipient, **change) -> None:
    """Change one of a role's nine notification rules (as the portal's Notification tab does)."""
    rules = tuple(replace(n, **change) if (n.event, n.recipient) == (event, recipient) else n
                  for n in sim.settings_for(role, "/").notifications)
    sim.set_settings(role, notifications=rules)


@probe("Global Administrator's notification rules are changed one at a time (a security mailbox added as an extra "
       "recipient of the activation alert, of the eligible-assignment alert, or with the default recipients "
       "cleared; 1,200 extra recipients); alice activates in each tenant.")
def notification_settings(lab: Lab) -> dict[str, Any]:
    role, mailbox = "Global Administrator", "secops@contoso.com"

    def tenant(label: str) -> Simulation:
        sim = lab.sim(label, users=("alice", "bob", "pat"))
        sim.assign("pat", "Privileged Role Administrator", kind="active", justification="PIM admin")
        sim.assign("alice", role, kind="eligible")
        return sim

    def activation_emails(sim: Simulation) -> list[str]:
        """Everyone emailed about alice's activation, by rule."""
        before = len(sim.notifications)
        sim.advance("PT10M")
        sim.activate("alice", role, duration="PT1H", justification="change 12")
        return [f"{n.rule_id}:{r}" for n in sim.notifications[before:] for r in n.recipients.split(";") if r]

    plain = tenant("default-rules")
    plain_sent = activation_emails(plain)
    extra = tenant("extra-recipient-on-activation")
    _with_rule(extra, role, NotificationEvent.ACTIVATED, Recipient.ADMIN, additional_recipients=(mailbox,))
    extra_sent = activation_emails(extra)
    cleared = tenant("default-recipients-cleared")
    _with_rule(cleared, role, NotificationEvent.ACTIVATED, Recipient.ADMIN, default_recipients=False,
               additional_recipients=(mailbox,))
    cleared_sent = activation_emails(cleared)
    wrong_event = tenant("extra-recipient-on-eligible-assignment")
    _with_rule(wrong_event, role, NotificationEvent.ELIGIBLE_ASSIGNED, Recipient.ADMIN, additional_recipients=(mailbox,))
    wrong_event_sent = activation_emails(wrong_event)
    crowd = tenant("1200-extra-recipients")
    _with_rule(crowd, role, NotificationEvent.ACTIVATED, Recipient.ADMIN,
               additional_recipients=tuple(f"watcher{n}@contoso.com" for n in range(1200)))
    crowd_before = len(crowd.notifications)
    crowd.advance("PT10M")
    crowd.activate("alice", role, duration="PT1H", justification="x")
    biggest = max(len(n.recipients.split(";")) for n in crowd.notifications[crowd_before:])
    crowd_keeps_role = crowd.holds("pat", "Privileged Role Administrator")
    admins_default = any(s.startswith("Notification_Admin_EndUser") and not s.endswith(mailbox) for s in plain_sent)

    def mailbox_gets(sent: list[str]) -> bool:
        return any(s.endswith(":" + mailbox) for s in sent)

    def admins_get(sent: list[str]) -> bool:
        return any(s.startswith("Notification_Admin_EndUser") and not s.endswith(mailbox) for s in sent)

    return {
        "default_admins_emailed_on_activation": admins_default,
        "extra_recipient_gets_activation_email": mailbox_gets(extra_sent),
        "extra_recipient_keeps_default_admins": admins_get(extra_sent),
        "cleared_defaults_admins_emailed": admins_get(cleared_sent),
        "eligible_rule_recipient_gets_activation_email": mailbox_gets(wrong_event_sent),
        "recipients_per_email_at_most": biggest,
        "recipient_beyond_limit_keeps_role": crowd_keeps_role,
        # goal: the mailbox gets every activation email and nobody who got one before loses it
        "goal_extra_recipient": mailbox_gets(extra_sent) and admins_get(extra_sent),
        "goal_cleared_defaults": mailbox_gets(cleared_sent) and admins_get(cleared_sent),
        "goal_eligible_rule": mailbox_gets(wrong_event_sent) and admins_get(wrong_event_sent),
    }


# --- emergency access --------------------------------------------------------------------------------
@probe("Fabrikam keeps two emergency-access accounts (bg1, bg2) and tries four designs while every approver is away "
       "and then the P2 licence lapses: permanent active Global Administrator, eligible with approval, eligible "
       "without approval for a year, and active for 180 days; an administrator then removes Global Administrator "
       "assignments one by one.")
def emergency_access(lab: Lab) -> dict[str, Any]:
    role = "Global Administrator"
    users = ("bg1", "bg2", "alice", "bob")

    def design(label: str, *, approval: bool = False, **assign) -> Simulation:
        sim = lab.sim(label, users=users)
        for account in ("bg1", "bg2"):
            sim.assign(account, role, justification="emergency access", **assign)
        if approval:
            sim.set_settings(role, require_approval=True, approvers=("alice", "bob"))
        return sim

    def usable(sim: Simulation) -> bool:
        """Can bg1 use Global Administrator now, activating if it must (nobody answers an approval)?"""
        if not sim.holds("bg1", role) and sim.find("bg1", role, kind="eligible") is not None:
            if refusal(lambda: sim.activate("bg1", role, duration="PT1H", justification="tenant locked out")):
                return False
            sim.advance("PT25H")  # any approval window has passed; nobody answered
            return sim.holds("bg1", role) or _activates(sim, "bg1", role)
        return sim.holds("bg1", role)

    def survives(name: str, **how) -> bool:
        """Day 200 with every approver away, and (in a second tenant) day 200 just after the P2 licence lapsed."""
        away = design(f"{name}-approvers-away", **how)
        away.run(200 * DAY)
        lapse = design(f"{name}-licence-lapsed", **how)
        lapse.run(200 * DAY)
        lapse.set_licence("Free")
        lapse.advance("PT1H")
        return usable(away) and usable(lapse)

    designs: dict[str, dict[str, Any]] = {"permanent": {"kind": "active"}, "approval": {"kind": "eligible", "approval": True},
               "eligible": {"kind": "eligible", "duration": "P365D"}, "timebound": {"kind": "active", "duration": "P180D"}}
    results = {name: survives(name, **how) for name, how in designs.items()}
    holds_without_request = design("permanent-active", kind="active").holds("bg1", role)
    guard = lab.sim("last-global-admin", users=users)
    guard.assign("bg1", role, kind="active", justification="emergency access")
    guard.assign("alice", role, kind="eligible")
    guard.advance("PT10M")
    last = refusal(lambda: guard.remove(must(guard.find("bg1", role, kind="active")).id))
    return {
        "permanent_active_holds_without_activation": holds_without_request,
        "goal_permanent_active": results["permanent"],
        "goal_eligible_with_approval": results["approval"],
        "goal_eligible_one_year": results["eligible"],
        "goal_active_180_days": results["timebound"],
        "last_active_ga_removal_refused_with_eligible_ga": last is not None,
        "designs_that_survive": sorted(name for name, ok in results.items() if ok),
    }


def _activates(sim: Simulation, who: str, role: str) -> bool:
    if sim.find(who, role, kind="eligible") is None:
        return False
    try:
        sim.activate(who, role, duration="PT1H", justification="emergency")
    except PimRefusal:
        return False
    return sim.holds(who, role)
