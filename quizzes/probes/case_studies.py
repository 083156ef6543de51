"""Probes on the Contoso Pharmaceuticals and Northwind Traders case studies: each loads its case's
scenario file (``quizzes/cases/``), runs it, then tries in that tenant (or in a copy of it built
from the same file) what the case's questions ask about."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from pim_sim import Simulation
from pim_sim.core.policy import NotificationEvent, Recipient
from quizzes.probes.base import DAY, HOUR, Lab, logged, must, probe, refusal

_CASES = Path(__file__).resolve().parents[2] / "quizzes" / "cases"


def _tenant(lab: Lab, name: str, label: str, until: float | str | None = None) -> Simulation:
    """A fresh run of the case's scenario file, to ``until`` (default: its horizon)."""
    from pim_sim.scenario import load_scenario

    scenario = load_scenario(_CASES / f"{name}.yaml")
    sim = scenario.simulation()
    lab.runs.append((label, sim))
    sim.run(scenario.horizon if until is None else until)
    return sim


@probe("Contoso Pharmaceuticals' tenant (quizzes/cases/contoso.yaml) runs for three days: alice's Global "
       "Administrator request waits for bob, who approves it 20 minutes later; dave activates Exchange "
       "Administrator with a ticket. Then alice activates Security Administrator from an unmanaged laptop, her next "
       "Global Administrator request is offered to everyone, carol is made an approver in four ways, the SOC "
       "mailbox is added to notification rules in three ways, and dave tries a made-up ticket.")
def contoso_case(lab: Lab) -> dict[str, Any]:
    sim = _tenant(lab, "contoso", "contoso")
    ga, sa, exo = "Global Administrator", "Security Administrator", "Exchange Administrator"
    approved = [a for a in logged(sim, target="alice") if a.initiator == "bob"]
    dave_ticket = [a.ticket for a in logged(sim, target="dave") if a.ticket]
    unmanaged = refusal(lambda: sim.activate("alice", sa, duration="PT1H", justification="incident", mfa=True,
                                             context_satisfied=False))
    sim.advance("PT6H")
    nxt = sim.activate("alice", ga, duration="PT1H", justification="second change")
    deciders = sorted(sim.approvers_for(nxt.id) - {"alice"})
    made_up = refusal(lambda: sim.activate("dave", exo, duration="PT1H", justification="x", ticket="ANYTHING"))

    def carol_can_approve(label: str, change: Callable[[Simulation], object]) -> str:
        t = _tenant(lab, "contoso", f"contoso-carol-{label}", until="P3D")
        change(t)
        t.advance("PT10M")
        req = t.activate("alice", ga, duration="PT1H", justification="x")
        ok = refusal(lambda: t.approve(req.id, by="carol")) is None
        roles = [s.role for s in t.schedules_of("carol")]
        return label if ok and not roles else ""

    carol = [r for r in (
        carol_can_approve("select carol", lambda t: t.set_settings(ga, require_approval=True,
                                                                     approvers=("bob", "carol"))),
        carol_can_approve("privileged role administrator", lambda t: t.assign(
            "carol", "Privileged Role Administrator", kind="active", justification="approver")),
        carol_can_approve("global reader", lambda t: t.assign("carol", "Global Reader", kind="active",
                                                              justification="approver")),
        carol_can_approve("notification recipient", lambda t: _rule(t, ga, NotificationEvent.ACTIVATED,
                                                                    Recipient.APPROVER,
                                                                    additional_recipients=("carol",))),
    ) if r]

    def soc_gets(label: str, event: NotificationEvent, recipient: Recipient, **change) -> str:
        t = _tenant(lab, "contoso", f"contoso-soc-{label}", until="P3D")
        _rule(t, ga, event, recipient, **change)
        before = len(t.notifications)
        t.advance("PT10M")
        req = t.activate("alice", ga, duration="PT1H", justification="x")
        t.approve(req.id, by="bob")
        t.advance("PT5M")
        sent = t.notifications[before:]
        soc = any("soc@contoso.com" in n.recipients.split(";") for n in sent)
        kept = any(n.rule_id == "Notification_Admin_EndUser_Assignment" and n.recipients != "soc@contoso.com"
                   for n in sent)
        return label if soc and kept else ""

    soc = [r for r in (
        soc_gets("activation alert, additional recipient", NotificationEvent.ACTIVATED, Recipient.ADMIN,
                 additional_recipients=("soc@contoso.com",)),
        soc_gets("activation alert, default recipients cleared", NotificationEvent.ACTIVATED, Recipient.ADMIN,
                 default_recipients=False, additional_recipients=("soc@contoso.com",)),
        soc_gets("eligible assignment alert, additional recipient", NotificationEvent.ELIGIBLE_ASSIGNED,
                 Recipient.ADMIN, additional_recipients=("soc@contoso.com",)),
    ) if r]
    return {
        "alice_ga_before_approval": sim.holds("alice", ga, at=DAY + 9 * HOUR + 10),
        "alice_ga_after_approval": sim.holds("alice", ga, at=DAY + 9 * HOUR + 30),
        "approval_logged_by_bob": bool(approved),
        "alice_sa_unmanaged_rule": unmanaged.rule if unmanaged else "accepted",
        "next_ga_request_deciders": deciders,
        "dave_ticket_verdict": {"kept": "in the audit record" if "CHG-1" in dave_ticket else "nowhere",
                                "fake": "accepted" if made_up is None else "refused"},
        "carol_approver_change": carol[0] if len(carol) == 1 else ",".join(carol),
        "soc_mailbox_change": soc[0] if len(soc) == 1 else ",".join(soc),
    }


def _rule(sim: Simulation, role: str, event: NotificationEvent, recipient: Recipient, **change) -> None:
    rules = tuple(replace(n, **change) if (n.event, n.recipient) == (event, recipient) else n
                  for n in sim.settings_for(role, "/").notifications)
    sim.set_settings(role, notifications=rules)


@probe("Northwind Traders' tenant (quizzes/cases/northwind.yaml) runs to day 10; then pat removes alice's Global "
       "Administrator assignment, kim is offered active Exchange Administrator assignments of each kind, eva asks "
       "to extend on days 10 and 20, olga, uma, pat and bob each try to make kim eligible for Reader on prod, and in "
       "a copy of the tenant the P2 licence lapses on day 10.")
def northwind_case(lab: Lab) -> dict[str, Any]:
    sim = _tenant(lab, "northwind", "northwind")
    ga, sa, exo, sub = "Global Administrator", "Security Administrator", "Exchange Administrator", "/subscriptions/prod"
    removal = refusal(lambda: sim.remove(must(sim.find("alice", ga, kind="active")).id, by="pat"))

    def offered(**kw) -> str:
        return "accepted" if refusal(lambda: sim.assign("kim", exo, kind="active", by="pat", **kw)) is None \
            else "refused"

    kim = {"permanent": offered(justification="contract"),
           "sixty": offered(duration="P60D", justification="contract"),
           "no_mfa": offered(duration="P20D", justification="contract", mfa=False)}
    early = refusal(lambda: sim.request_extend("eva", sa, justification="project runs on", duration="P30D"))
    sim.run(20 * DAY)
    later = refusal(lambda: sim.request_extend("eva", sa, justification="project runs on", duration="P30D"))
    if later is None:
        pending = [r for r in sim.requests.values() if r.principal == "eva" and r.status.value == "PendingAdminDecision"]
        sim.decide_update(pending[-1].id, by="pat")
    sim.run(45 * DAY)
    eva_day_45 = sim.find("eva", sa, kind="eligible") is not None
    azure = [who for who in ("olga", "uma", "pat", "bob")
             if refusal(lambda w=who: sim.assign("kim", "Reader", sub, kind="eligible", duration="P30D", by=w)) is None]
    lapse = _tenant(lab, "northwind", "northwind-lapse")
    lapse.set_licence("Free")
    lapse.advance("PT1H")
    eva_after = lapse.find("eva", sa)
    return {
        "alice_removal": "removed" if removal is None else "refused",
        "kim_exchange_verdict": kim,
        "eva_extend_day_10": early is None,
        "eva_extend_day_20": later is None,
        "eva_eligible_day_45": eva_day_45,
        "kim_reader_assigners": azure,
        "eva_after_lapse": "removed" if eva_after is None else f"{eva_after.kind.value}",
        "breakglass_after_lapse": lapse.holds("bg1", ga) and lapse.holds("bg2", ga),
    }
