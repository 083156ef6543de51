"""What a lesson checks: a scenario's observations (who holds a role at a moment, why not, whether
an alert is open, a metric) checked against a run."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from pim_sim.core.access import Reason
from pim_sim.core.tenant import Tenant
from pim_sim.features.alerts import BY_ID, DEFINITIONS
from pim_sim.results import run as attached
from pim_sim.results.tables import Results
from pim_sim.scenario.spec import ObservationSpec
from pim_sim.simulation import Simulation

REASONS = {r.name.lower(): r for r in Reason}


@cache
def metric_names() -> tuple[str, ...]:
    """The names of :meth:`Results.metrics`, read from an empty run (so new metrics appear here)."""
    empty = Results(Simulation(Tenant.build()))
    return (*empty.metrics(), *empty.jit_metrics())  # PIM's, then just-in-time VM access's


@dataclass(frozen=True, slots=True)
class Observation:
    """One observation of a scenario checked against a run."""

    text: str
    passed: bool
    expected: str
    actual: str



def alert_id(name: str) -> str | None:
    if name in BY_ID:
        return name
    return next((d.id for d in DEFINITIONS if d.name == name), None)



def check_observation(o: ObservationSpec, results: Results) -> Observation:
    sim = results.sim
    if o.metric is not None:
        value = (results.jit_metrics() if o.metric.startswith("jit_") and o.metric not in results.metrics()
                 else results.metrics())[o.metric]
        tests = [(o.equals, lambda b: value == b, "="), (o.at_least, lambda b: value >= b, ">="),
                 (o.at_most, lambda b: value <= b, "<=")]
        parts = [(f"{o.metric} {sign} {bound:g}", test(bound)) for bound, test, sign in tests if bound is not None]
        return Observation(o.text, all(ok for _, ok in parts), " and ".join(p for p, _ in parts),
                           f"{o.metric} = {value:g}")
    assert o.at is not None  # the spec's validator asks access and alert observations for a moment
    when = f"at minute {o.at:g}"
    if o.alert is not None:
        center = attached.alerts(sim)
        history = center.history if center is not None else []
        incidents = [i for i in history if i.alert == alert_id(o.alert) and i.open_at(o.at)]
        actual = "; ".join(f"{i.name}: {i.principal} {i.role} {i.scope}".strip() for i in incidents) or "no open incident"
        return Observation(o.text, bool(incidents) == o.open, f"{o.alert} {'open' if o.open else 'not open'} {when}",
                           actual)
    assert o.principal is not None and o.role is not None  # and access observations for a principal and role
    explanation = sim.why_not(o.principal, o.role, o.scope, at=o.at)
    if o.holds is not None:
        held = explanation.reason is Reason.HAS_ACCESS
        expected = f"{o.principal} {'holds' if o.holds else 'lacks'} {o.role} {when}"
        return Observation(o.text, held == o.holds, expected, explanation.detail)
    wanted = REASONS[o.reason or ""]
    return Observation(o.text, explanation.reason is wanted, f"{wanted.value} {when}",
                       f"{explanation.reason.value}: {explanation.detail}")
