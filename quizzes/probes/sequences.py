"""Probes for drag-and-drop sequence items: the admin steps in the order to perform them.

Each probe tries every order of the steps in a fresh tenant and observes the orders in which
the goal is met (a step PIM refuses fails the order, as the portal would refuse it). An item's
key is the order the run found, so a changed rule (the extend window, the approval flow)
changes which orders work.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import permutations
from typing import Any

from pim_sim import PimRefusal, Simulation
from quizzes.probes.base import DAY, Lab, logged, probe

Step = Callable[[Simulation], object]


def _orders_that_work(lab: Lab, label: str, steps: dict[str, Step], build: Callable[[Simulation], object],
                      goal: Callable[[Simulation], bool]) -> list[list[str]]:
    """Every order of ``steps`` (by name) after which ``goal`` holds; a refused step fails its order."""
    found = []
    for n, order in enumerate(permutations(steps)):
        sim = lab.sim(f"{label}-{n + 1}")
        build(sim)
        try:
            for name in order:
                steps[name](sim)
        except PimRefusal:
            continue
        if goal(sim):
            found.append(list(order))
    return found


def _only(orders: list[list[str]]) -> list[str]:
    """The order the run found, when exactly one works; otherwise every order found, flattened (no single key)."""
    return orders[0] if len(orders) == 1 else [name for order in orders for name in order]


def _pending(sim: Simulation, who: str) -> str:
    open_ = [r for r in sim.requests.values() if r.principal == who and r.status.value in (
        "PendingApproval", "PendingAdminDecision")]
    if not open_:
        raise PimRefusal("nothing is waiting for a decision", rule="NoRequest")
    return open_[-1].id


@probe("Contoso wants alice's Global Administrator activations approved by bob; alice is eligible. Three steps "
       "(require approval by bob, alice activates, bob approves) are tried in every order; we keep the orders after "
       "which alice holds the role through an activation bob approved.")
def approval_sequence(lab: Lab) -> dict[str, Any]:
    role = "Global Administrator"
    steps: dict[str, Step] = {
        "settings": lambda s: s.set_settings(role, require_approval=True, approvers=("bob",)),
        "activate": lambda s: (s.advance("PT5M"), s.activate("alice", role, duration="PT1H", justification="x")),
        "approve": lambda s: s.approve(_pending(s, "alice"), by="bob"),
    }

    def approved_by_bob(sim: Simulation) -> bool:
        return sim.holds("alice", role) and any(a.initiator == "bob" for a in logged(sim, target="alice"))

    orders = _orders_that_work(lab, "approval-order", steps, lambda s: s.assign("alice", role, kind="eligible"),
                               approved_by_bob)
    return {"approval_steps_order": _only(orders), "approval_orders_that_work": len(orders)}


@probe("alice's 30-day eligible assignment of Security Administrator must last 30 more days. Three steps (wait "
       "until day 20, alice selects Extend, bob approves) are tried in every order, and again for a renewal after "
       "it expired (wait until day 35, alice selects Renew, bob approves).")
def extend_renew_sequence(lab: Lab) -> dict[str, Any]:
    role = "Security Administrator"

    def build(sim: Simulation) -> None:
        sim.assign("bob", "Privileged Role Administrator", kind="active", justification="PIM admin")
        sim.assign("alice", role, kind="eligible", duration="P30D")

    def eligible_on(day: float) -> Callable[[Simulation], bool]:
        def check(sim: Simulation) -> bool:
            sim.run(max(sim.now, day * DAY))
            return sim.find("alice", role, kind="eligible") is not None
        return check

    extend = _orders_that_work(lab, "extend-order", {
        "wait": lambda s: s.run(20 * DAY),
        "request": lambda s: s.request_extend("alice", role, justification="project extended", duration="P30D"),
        "approve": lambda s: s.decide_update(_pending(s, "alice"), by="bob"),
    }, build, eligible_on(45))
    renew = _orders_that_work(lab, "renew-order", {
        "wait": lambda s: s.run(35 * DAY),
        "request": lambda s: s.request_renew("alice", role, justification="back on the project", duration="P30D"),
        "approve": lambda s: s.decide_update(_pending(s, "alice"), by="bob"),
    }, build, eligible_on(50))
    return {"extend_steps_order": _only(extend), "renew_steps_order": _only(renew)}
