"""Engine throughput against bare SimPy, in one process.

A stochastic tenant: 1,000 users, 100 of them privileged (eligible for one or two Microsoft Entra
roles), 90 days of activations during working hours, a share of roles needing approval from a
group of approvers who respond after a log-normal delay. The same number of SimPy events is then
scheduled by a bare loop. The last line is ``engine_vs_simpy_ratio=<x>``: engine seconds per
event over bare-SimPy seconds per event (target: 3 or less).

Run: ``.venv/bin/python bench/engine.py [--days 90] [--repeat 3]``
"""

from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc

import simpy

from pim_sim import ApproverBehaviour, Group, Simulation, Tenant, User
from pim_sim.core.policy import RoleSettings, SettingsBook
from pim_sim.core.roles import ENTRA_ROLES
from pim_sim.scenario.workload import ActivationWorkload, start

USERS, PRIVILEGED, APPROVERS = 1000, 100, 5
ROLES = [r for r in ENTRA_ROLES if r != "Global Administrator"]
APPROVAL_ROLES = set(ROLES[::3])  # about a third of the roles need approval


def build(days: float, seed: int = 1) -> tuple[Simulation, float]:
    users = [User(f"user{i:04d}") for i in range(USERS)]
    approvers = Group("pim-approvers", members=tuple(f"user{i:04d}" for i in range(APPROVERS)))
    tenant = Tenant.build(users=users, groups=[approvers])
    book = SettingsBook()
    for role in APPROVAL_ROLES:
        book = book.with_setting(role, "/", ENTRA_ROLES[role].surface,
                                 RoleSettings(require_approval=True, approvers=("pim-approvers",)))
    sim = Simulation(tenant, book, seed=seed, approvers={"*": ApproverBehaviour()})
    sim.assign("user0999", "Global Administrator", kind="active", justification="break glass")
    eligible = []
    for i in range(APPROVERS, APPROVERS + PRIVILEGED):
        user = f"user{i:04d}"
        for k in range(1 + i % 2):
            role = ROLES[(i + k * 7) % len(ROLES)]
            sim.assign(user, role, kind="eligible")
            eligible.append((user, role, "/"))
    horizon = days * 24 * 60
    start(sim, ActivationWorkload(rate_per_day=1.0), eligible, horizon)
    return sim, horizon


def run_engine(days: float) -> tuple[int, float, Simulation]:
    sim, horizon = build(days)
    before = next(sim.env._eid)
    t0 = time.perf_counter()
    sim.run(horizon)
    elapsed = time.perf_counter() - t0
    return next(sim.env._eid) - before, elapsed, sim


def run_bare(events: int, procs: int = 1000) -> float:
    env = simpy.Environment()
    per = max(1, events // procs)

    def proc(env):
        for _ in range(per):
            yield env.timeout(1)

    for _ in range(procs):
        env.process(proc(env))
    t0 = time.perf_counter()
    env.run()
    elapsed = time.perf_counter() - t0
    return elapsed / next(env._eid)


def peak_memory_per_record(days: float) -> tuple[float, int]:
    tracemalloc.start()
    sim, horizon = build(days)
    sim.run(horizon)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / max(1, len(sim.audit)), len(sim.audit)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=float, default=90)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    ratios = []
    for _ in range(args.repeat):
        events, engine_s, sim = run_engine(args.days)
        bare_per_event = run_bare(events)
        engine_per_event = engine_s / events
        ratios.append(engine_per_event / bare_per_event)
        print(f"engine: {events} events in {engine_s:.2f} s ({engine_per_event * 1e6:.2f} us/event); "
              f"bare SimPy {bare_per_event * 1e6:.2f} us/event; activations={len(sim.requests)} "
              f"audit_records={len(sim.audit)} refusals={len(sim.refusals)}")
    per_record, records = peak_memory_per_record(args.days)
    print(f"peak_memory_per_audit_record_bytes={per_record:.0f} (peak traced memory over {records} records)")
    print(f"engine_vs_simpy_ratio={statistics.median(ratios):.2f}")


if __name__ == "__main__":
    main()
