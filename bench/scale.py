"""A year of a 10,000-user tenant, built from a scenario, against bare SimPy, in one process.

The scenario starts from the generated ``enterprise`` preset: 10,000 users, 500 of them eligible
for one or two Microsoft Entra roles, activating about once per working day; a third of the roles
need approval from the pim-approvers group, whose members answer after a log-normal delay. It
runs for 365 days. The bare-SimPy loop of ``bench/engine.py`` then schedules the same number of
events. Prints wall time, peak memory (maximum resident set size) and, last,
``scale_vs_simpy_ratio=<x>``: engine seconds per event over bare-SimPy seconds per event
(target: 3 or less; memory target: under 2 GiB).

Run: ``.venv/bin/python bench/scale.py [--days 365] [--users 10000] [--privileged 500]``
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from engine import run_bare  # bench/engine.py: the same bare-SimPy baseline

from pim_sim import Results, Scenario
from pim_sim.core.roles import ENTRA_ROLES

ROLES = [r for r in ENTRA_ROLES if r != "Global Administrator"]


def scenario(days: float, users: int, privileged: int) -> Scenario:
    return Scenario.from_dict({
        "name": "scale", "horizon": f"P{days:g}D", "seed": 1,
        "preset": {"name": "enterprise", "users": users, "privileged": privileged},
        "settings": [{"role": r, "require_approval": True, "approvers": ["pim-approvers"]} for r in ROLES[::3]],
        "approvers": {"*": {}},
        "workload": {"rate_per_day": 1.0},
    })


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=float, default=365)
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--privileged", type=int, default=500)
    args = parser.parse_args()
    wall = time.perf_counter()
    s = scenario(args.days, args.users, args.privileged)
    sim = s.simulation()
    built = time.perf_counter() - wall
    before = next(sim.env._eid)
    t0 = time.perf_counter()
    sim.run(s.horizon)
    engine_s = time.perf_counter() - t0
    events = next(sim.env._eid) - before
    metrics = Results(sim, s.horizon).metrics()
    wall = time.perf_counter() - wall
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    bare_per_event = run_bare(events)
    engine_per_event = engine_s / events
    print(f"tenant: {len(s.tenant.users):,} users, {len(s.workload_triples()):,} eligible (user, role) pairs, "
          f"{args.days:g} days; built in {built:.1f} s")
    print(f"engine: {events:,} events in {engine_s:.1f} s ({engine_per_event * 1e6:.2f} us/event); "
          f"bare SimPy {bare_per_event * 1e6:.2f} us/event")
    print(f"activations requested={metrics['activations_requested']:.0f} provisioned="
          f"{metrics['activations_provisioned']:.0f} expired={metrics['requests_expired']:.0f} "
          f"audit records={len(sim.audit):,} refusals={len(sim.refusals):,}")
    print(f"wall_seconds={wall:.1f} peak_memory_mib={peak_mib:.0f} (target < 2048)")
    print(f"scale_vs_simpy_ratio={engine_per_event / bare_per_event:.2f}")


if __name__ == "__main__":
    main()
