"""A year of a 10,000-user tenant, built from a scenario, against bare SimPy, in one process.

The scenario starts from the generated ``enterprise`` preset: 10,000 users, 500 of them eligible
for one or two Microsoft Entra roles, activating about once per working day; a third of the roles
need approval from the pim-approvers group, whose members answer after a log-normal delay. It
runs for 365 days. Work is counted in logical events as ``bench/engine.py`` counts them (read from
the records), and the bare-SimPy baseline schedules one timeout per logical event, fresh, in the
same process. Prints the build-to-metrics time, the share of ``metrics()``, peak resident memory
and its growth per audit record, and, last, ``scale_vs_simpy_ratio=<x>`` (CPU time; target: 3 or
less). ``--curve`` prints the engine's cost per logical event for runs of 5,000 to 600,000
events (the same tenant, longer horizons): flat when nothing scans history.

Run: ``.venv/bin/python bench/scale.py [--days 365] [--users 10000] [--privileged 500] [--curve]``
"""

from __future__ import annotations

import argparse
import gc
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from engine import interpreter, logical_events, run_bare  # bench/engine.py: the same counting and baseline

from pim_sim import Results, Scenario
from pim_sim.core.roles import ENTRA_ROLES

ROLES = [r for r in ENTRA_ROLES if r != "Global Administrator"]
CURVE_DAYS = (3, 10, 30, 90, 180, 365, 600)


def scenario(days: float, users: int, privileged: int) -> Scenario:
    return Scenario.from_dict({
        "name": "scale", "horizon": f"P{days:g}D", "seed": 1,
        "preset": {"name": "enterprise", "users": users, "privileged": privileged},
        "settings": [{"role": r, "require_approval": True, "approvers": ["pim-approvers"]} for r in ROLES[::3]],
        "approvers": {"*": {}},
        "workload": {"rate_per_day": 1.0},
    })


def _rss_mib() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def one_run(days: float, users: int, privileged: int) -> dict:
    rss0 = _rss_mib()
    wall0 = time.perf_counter()
    s = scenario(days, users, privileged)
    sim = s.simulation()
    built = time.perf_counter() - wall0
    c0, w0 = time.process_time(), time.perf_counter()
    sim.run(s.horizon)
    cpu, wall = time.process_time() - c0, time.perf_counter() - w0
    m0 = time.process_time()
    metrics = Results(sim, s.horizon).metrics()
    metrics_s = time.process_time() - m0
    total = time.perf_counter() - wall0
    rss = _rss_mib()
    kinds = logical_events(sim)
    return {"sim": sim, "s": s, "built": built, "cpu": cpu, "wall": wall, "metrics": metrics, "metrics_s": metrics_s,
            "total": total, "kinds": kinds, "events": sum(kinds.values()), "rss_growth": rss - rss0}


def curve(users: int, privileged: int) -> None:
    print("cost per logical event (engine CPU, same tenant, longer horizons):")
    for days in CURVE_DAYS:
        r = one_run(days, users, privileged)
        print(f"  {days:>4} days {r['events']:>9,} events {r['cpu'] / r['events'] * 1e6:7.2f} us/event")
        del r
        gc.collect()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=float, default=365)
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--privileged", type=int, default=500)
    parser.add_argument("--curve", action="store_true", help="print the cost per event from 5k to 600k events")
    args = parser.parse_args()
    print(interpreter())
    if args.curve:
        curve(args.users, args.privileged)
    r = one_run(args.days, args.users, args.privileged)
    sim, s, metrics, events = r["sim"], r["s"], r["metrics"], r["events"]
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    audit = len(sim.audit)
    print(f"tenant: {len(s.tenant.users):,} users, {len(s.workload_triples()):,} eligible (user, role) pairs, "
          f"{args.days:g} days; built in {r['built']:.1f} s")
    print(f"activations requested={metrics['activations_requested']:.0f} provisioned="
          f"{metrics['activations_provisioned']:.0f} expired={metrics['requests_expired']:.0f} "
          f"audit records={audit:,} refusals={len(sim.refusals):,}")
    print(f"logical events {events:,} ({', '.join(f'{k} {v:,}' for k, v in r['kinds'].items())}; "
          f"{next(sim.env._eid):,} SimPy queue entries)")
    del sim, s, metrics
    r.pop("sim"), r.pop("s")
    gc.collect()
    bare_cpu, bare_wall = run_bare(events)
    print(f"engine {r['cpu']:.1f} s CPU ({r['cpu'] / events * 1e6:.2f} us/event), {r['wall']:.1f} s wall; "
          f"bare SimPy {bare_cpu / events * 1e6:.2f} us CPU/event")
    print(f"metrics() {r['metrics_s']:.2f} s CPU = {100 * r['metrics_s'] / r['cpu']:.1f}% of the run")
    print(f"build_to_metrics_seconds={r['total']:.1f} (target < 10)")
    print(f"peak_memory_mib={peak_mib:.0f} (target < 300); resident growth per audit record "
          f"{r['rss_growth'] * 2**20 / max(1, audit):.0f} B (target < 200)")
    print(f"wall_ratio={r['wall'] / bare_wall:.2f}")
    print(f"scale_vs_simpy_ratio={r['cpu'] / bare_cpu:.2f} (CPU)")


if __name__ == "__main__":
    main()
