"""The work budget: how much a scenario asks the engine to do, estimated before it runs.

A 300-byte file can ask for 50,000 users activating 100 times a day for five years: it validates
in a moment and would then run for hours. So every scenario's work is estimated from the
validated file, in **work units** of about one simulated activation each (about 100 µs of CPU and
3 KiB of memory on this engine, measured with ``bench/scale.py``), and refused above a budget
with a message giving both numbers:

* **activations**: for each eligible (user, role, scope) the workload activates, its rate per
  working day times the working days in the horizon (``horizon days x working days / 7``);
  a role that needs approval adds one unit per 5 approvers emailed (at most 1,000 per event);
* **alerts**: monitored alerts re-evaluate on every change, and their cost grows with the
  assignments they read: each activation costs ``8 + assignments / 100`` more units;
* **access reviews**: each ``review`` step costs its instances (``occurrences``, or the horizon
  over the review's period) times the assignments it can read;
* **timeline and set-up**: one unit per timeline step and per starting assignment;
* **just-in-time VM access** (a ``jit:`` section): each request of its workload costs
  :data:`JIT_REQUEST_UNITS` (the request, its expiry and a connection, each re-evaluating the VM's exposure:
  about 130 µs an event with ``bench/jit_vm.py``), users x rate per day x days until it stops; one more
  unit per VM, NSG rule and JIT timeline step.

The estimate is an upper bound in spirit (a user whose activation is still live doesn't activate
again), not a prediction. The budget of a command-line run is :data:`CLI_BUDGET` (raise it with
``--budget`` or ``PIM_SIM_BUDGET``, or lift it with ``--no-budget``); the dashboard's is the stricter
:data:`DASHBOARD_BUDGET`, counts every replication a page asks for, and its runs also stop at
:data:`DASHBOARD_RECORDS` records or :data:`DASHBOARD_SECONDS` seconds.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pim_sim.core.clock import minutes
from pim_sim.errors import ModelError
from pim_sim.facts import DAY
from pim_sim.scenario.built import Built

if TYPE_CHECKING:
    from pim_sim.results.tables import Results

CLI_BUDGET = 500_000
DASHBOARD_BUDGET = 50_000
DASHBOARD_RECORDS = 1_000_000
DASHBOARD_SECONDS = 60.0
ENV_VAR = "PIM_SIM_BUDGET"
JIT_REQUEST_UNITS = 4.0  # a JIT request with its expiry and a connection, in units of one activation
MAX_RECIPIENTS = 1000  # PIM emails at most 1,000 recipients per event (engine._notify)
_PERIOD_DAYS = {"weekly": 7, "monthly": 30, "quarterly": 91, "semiAnnually": 182, "annually": 365}


class BudgetError(ModelError):
    """A scenario (or a set of runs) would do more work than the budget allows, or a bounded run
    stopped at its record cap or time limit."""


@dataclass(frozen=True, slots=True)
class Estimate:
    """A scenario's estimated work, in units of about one simulated activation, by part."""

    activations: float
    alerts: float
    reviews: float
    setup: float
    jit: float = 0.0

    @property
    def total(self) -> int:
        return int(self.activations + self.alerts + self.reviews + self.setup + self.jit) + 1

    def describe(self) -> str:
        parts = [(self.activations, "activations"), (self.alerts, "alert evaluation"), (self.reviews, "access reviews"),
                 (self.setup, "timeline and set-up"), (self.jit, "just-in-time VM access")]
        return ", ".join(f"{name} {value:,.0f}" for value, name in parts if value >= 1) or "nothing to simulate"


def estimate(scenario: Built) -> Estimate:
    """The work a validated scenario asks for (see the module's docstring for the formula)."""
    spec = scenario.spec
    days = spec.horizon / DAY
    assignments = len(scenario.assignments)
    activations = 0.0
    wl = spec.workload
    if wl is not None:
        working_days = days * len(set(wl.working_hours.days)) / 7
        groups = {g.name for g in scenario.tenant.groups}
        approval: dict[tuple[str, str], float] = {}
        for user, role, scope in scenario.workload_triples():
            if (role, scope) not in approval:
                approval[role, scope] = _approval_cost(scenario, role, scope, groups)
            activations += wl.rates.get(user, wl.rate_per_day) * working_days * (1 + approval[role, scope])
    alerts = 0.0
    if spec.alerts is not None and spec.alerts.monitor:
        alerts = activations * (8 + assignments / 100) + len(spec.timeline) * (8 + assignments / 100)
    reviews = 0.0
    for step in spec.timeline:
        if step.do == "review":
            period = _PERIOD_DAYS.get(step.frequency)
            instances = 1 if period is None else max(1.0, (days - step.at / DAY) / period)
            if step.occurrences is not None:
                instances = min(instances, step.occurrences)
            reviews += instances * (1 + assignments)
    return Estimate(activations, alerts, reviews, float(len(spec.timeline) + assignments), jit_work(spec))


def jit_work(spec) -> float:
    """The work of a scenario's ``jit:`` section (see the module's docstring)."""
    section = spec.jit
    if section is None:
        return 0.0
    work = float(len(section.vms) + sum(len(n.rules) for n in section.nsgs) + len(section.timeline))
    wl = section.workload
    if wl is not None:
        try:
            until = min(minutes(wl.until), spec.horizon)
        except ModelError:
            until = spec.horizon  # a bad duration is reported by the scenario's checks
        work += len(wl.users) * wl.rate_per_day * max(until, 0.0) / DAY * JIT_REQUEST_UNITS
    return work


def _approval_cost(scenario: Built, role: str, scope: str, groups: set[str]) -> float:
    try:
        settings = scenario.settings.lookup(role, scope, scenario.tenant.scope(scope).surface)
    except (ModelError, KeyError):
        return 0.0
    if not settings.require_approval:
        return 0.0
    emailed = 0
    for name in settings.approvers or ():
        try:
            emailed += len(scenario.tenant.members_of(name)) if name in groups else 1
        except (ModelError, KeyError):
            emailed += 1
    return min(MAX_RECIPIENTS, max(emailed, 2)) / 5


def cli_budget(value: int | None = None, *, unlimited: bool = False) -> int | None:
    """The budget of a command-line run: ``--no-budget`` (None), ``--budget N``, the environment
    variable :data:`ENV_VAR` (a number, or ``none``), else :data:`CLI_BUDGET`."""
    if unlimited:
        return None
    if value is not None:
        return value
    raw = os.environ.get(ENV_VAR, "").strip().replace("_", "").replace(",", "")
    if not raw:
        return CLI_BUDGET
    if raw.casefold() in ("none", "off", "unlimited"):
        return None
    if not raw.isdigit() or len(raw) > 15 or int(raw) < 1:
        raise BudgetError(f"{ENV_VAR}={raw[:20]!r}: expected a positive number of work units or 'none'")
    return int(raw)


def check(work: int, budget: int | None, what: str = "this scenario", *,
          how_to_raise: str = "raise it with --budget N or PIM_SIM_BUDGET, or lift it with --no-budget") -> None:
    """Refuse ``work`` above ``budget`` (None: no budget) with both numbers in the message."""
    if budget is not None and work > budget:
        raise BudgetError(f"{what} would take about {work:,} work units (about one simulated activation each), "
                          f"above the budget of {budget:,}; shorten the horizon, lower the workload rate or the "
                          f"number of users, replications or alerts; {how_to_raise}")


def check_scenario(scenario: Built, budget: int | None, runs: int = 1, *, how_to_raise: str | None = None) -> Estimate:
    """Refuse a scenario whose ``runs`` replications exceed ``budget``; return its estimate."""
    found = estimate(scenario)
    what = f"{scenario.name!r}" + (f" x {runs:,} runs" if runs > 1 else "") + f" ({found.describe()})"
    kwargs = {} if how_to_raise is None else {"how_to_raise": how_to_raise}
    check(found.total * runs, budget, what, **kwargs)
    return found


def records_of(sim) -> int:
    """Records a run has written so far (audit, status changes, notifications, refusals)."""
    return len(sim.audit) + len(sim.status_log) + len(sim.notifications) + len(sim.refusals)


def run_bounded(scenario: Built, seed: int | None = None, *, max_records: int | None = DASHBOARD_RECORDS,
                seconds: float | None = DASHBOARD_SECONDS, progress: Callable[[float], None] | None = None,
                clock: Callable[[], float] = time.monotonic) -> Results:
    """Run one replication to the horizon (:meth:`Scenario.run`, in 100 steps), stopping with
    :class:`BudgetError` once it has written more than ``max_records`` records or run longer than
    ``seconds``."""
    began = clock()
    horizon = scenario.horizon

    def check(sim) -> None:
        if max_records is not None and records_of(sim) > max_records:
            raise BudgetError(f"{scenario.name!r} stopped at minute {sim.now:,.0f} of {horizon:,.0f}: it wrote "
                              f"{records_of(sim):,} records, above the dashboard's cap of {max_records:,}; run it "
                              "with pim-sim run instead")
        if seconds is not None and clock() - began > seconds and sim.now < horizon:
            raise BudgetError(f"{scenario.name!r} stopped at minute {sim.now:,.0f} of {horizon:,.0f}: it ran "
                              f"longer than the dashboard's limit of {seconds:g} s; run it with pim-sim run instead")

    return scenario.run(seed, progress=progress, check=check)
