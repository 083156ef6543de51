"""Engine throughput against bare SimPy, in one process, per logical event.

A stochastic tenant: 1,000 users, 100 of them privileged (eligible for one or two Microsoft Entra
roles), 90 days of activations during working hours, a third of the roles needing approval from a
group of approvers who respond after a log-normal delay.

Work is counted as the model's **logical events**, fixed by the workload and read from the records
(never from SimPy's queue, which an engine could fill with events that do nothing): activation
requests made (granted, pending or refused), approval decisions (approved, denied, expired after
24 hours), provisionings (completed or failed), expiries of activations and time-bound
assignments, access-review decisions and daily alert scans. The bare-SimPy baseline schedules one
``env.timeout`` per logical event (1,000 processes), measured fresh in the same process after the
engine. Ratios are engine time over bare time for the same number of events, on the CPU clock
(``time.process_time``) and the wall clock. The last line is ``engine_vs_simpy_ratio=<x>`` (the
median CPU ratio; target: 3 or less).

``--callgrind`` also counts instructions (valgrind's callgrind, deterministic): the engine for
``--callgrind-days`` minus the same build with a zero horizon, against the bare loop for the same
number of logical events minus the same processes with no timeouts, in a process that holds nothing
of the model (``bench/bare_simpy.py``: the collector's work depends on what else is loaded).

Run: ``.venv/bin/python bench/engine.py [--days 90] [--repeat 3] [--callgrind]``
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from pathlib import Path

from bare_simpy import run_bare  # bench/bare_simpy.py

from pim_sim import ApproverBehaviour, Group, Simulation, Tenant, User
from pim_sim.core.audit import Activity
from pim_sim.core.policy import RoleSettings, SettingsBook
from pim_sim.core.requests import Action
from pim_sim.core.roles import ENTRA_ROLES
from pim_sim.scenario.workload import ActivationWorkload, start

USERS, PRIVILEGED, APPROVERS = 1000, 100, 5
ROLES = [r for r in ENTRA_ROLES if r != "Global Administrator"]
APPROVAL_ROLES = set(ROLES[::3])  # about a third of the roles need approval

_DECISIONS = (Activity.ACTIVATION_APPROVED, Activity.ACTIVATION_DENIED, Activity.ACTIVATION_REQUEST_EXPIRED)
_EXPIRIES = (Activity.ACTIVATION_EXPIRED, Activity.REMOVE_ELIGIBLE_COMPLETED_TIMEBOUND,
             Activity.REMOVE_ACTIVE_COMPLETED_TIMEBOUND)


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


def logical_events(sim: Simulation) -> Counter:
    """The run's logical events by kind, read from its records (see the module docstring)."""
    activities = Counter(r.activity for r in sim.audit)
    found: Counter = Counter()
    found["requests"] = (sum(1 for r in sim.requests.values() if r.action is Action.SELF_ACTIVATE)
                         + sum(1 for r in sim.refusals if r.action == Action.SELF_ACTIVATE.value))
    found["decisions"] = sum(activities[a] for a in _DECISIONS)
    found["provisioning"] = activities[Activity.ACTIVATION_COMPLETED] + sum(
        1 for r in sim.requests.values() if r.action is Action.SELF_ACTIVATE and r.status_reason == "EligibilityEnded")
    found["expiries"] = sum(activities[a] for a in _EXPIRIES)
    if "reviews" in vars(sim):
        found["review_decisions"] = len(sim.reviews.history)
    if "alerts" in vars(sim):
        found["alert_scans"] = int(sim.now // 1440)
    return found


def run_engine(days: float, seed: int = 1) -> tuple[Simulation, float, float, int]:
    """(simulation, CPU seconds, wall seconds, SimPy queue entries) of one run (building excluded)."""
    sim, horizon = build(days, seed)
    before = next(sim.env._eid)
    c0, w0 = time.process_time(), time.perf_counter()
    sim.run(horizon)
    cpu, wall = time.process_time() - c0, time.perf_counter() - w0
    return sim, cpu, wall, next(sim.env._eid) - before


def peak_memory_per_record(days: float) -> tuple[float, int]:
    tracemalloc.start()
    sim, horizon = build(days)
    sim.run(horizon)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / max(1, len(sim.audit)), len(sim.audit)


# ---------------------------------------------------------------------------------------------- callgrind
def _instructions(script: str, *args: str) -> int:
    """Instructions callgrind counts for ``script`` run with ``args`` (one child process)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={tmp}/cg.out",
                              sys.executable, script, *args], capture_output=True, text=True, check=True)
    return int(re.search(r"Collected : (\d+)", out.stderr).group(1))


def callgrind(days: float) -> tuple[float, float, int]:
    """(engine instructions per logical event, bare instructions per event, logical events) over a short run."""
    sim, _, _, _ = run_engine(days)
    events = sum(logical_events(sim).values())
    engine = _instructions(__file__, "--child", str(days)) - _instructions(__file__, "--child", "0")
    bare_script = str(Path(__file__).with_name("bare_simpy.py"))  # a process that holds nothing of the model
    bare = _instructions(bare_script, str(events)) - _instructions(bare_script, str(events), "empty")
    return engine / events, bare / events, events


def _child(days: str) -> None:
    sim, horizon = build(float(days))
    sim.run(horizon)


def interpreter() -> str:
    """The line both benches start with: the ratio to bare SimPy depends on the interpreter (bench/README.md)."""
    return (f"python={platform.python_implementation()} {platform.python_version()}"
            " (ratios depend on the interpreter: see bench/README.md)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=float, default=90)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--callgrind", action="store_true", help="also count instructions (valgrind)")
    parser.add_argument("--callgrind-days", type=float, default=30)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child)
        return
    print(interpreter())
    cpu_ratios, wall_ratios = [], []
    for _ in range(args.repeat):
        sim, cpu, wall, queued = run_engine(args.days)
        kinds = logical_events(sim)
        events = sum(kinds.values())
        gc.collect()
        bare_cpu, bare_wall = run_bare(events)
        cpu_ratios.append(cpu / bare_cpu)
        wall_ratios.append(wall / bare_wall)
        print(f"engine: {events:,} logical events ({', '.join(f'{k} {v:,}' for k, v in kinds.items())}; "
              f"{queued:,} SimPy queue entries) in {cpu:.2f} s CPU, {wall:.2f} s wall "
              f"({cpu / events * 1e6:.2f} us CPU/event); bare SimPy {bare_cpu / events * 1e6:.2f} us CPU/event; "
              f"audit_records={len(sim.audit):,} refusals={len(sim.refusals):,}")
        del sim
    per_record, records = peak_memory_per_record(args.days)
    print(f"peak_memory_per_audit_record_bytes={per_record:.0f} (peak traced memory over {records:,} records)")
    if args.callgrind and os.path.exists("/usr/bin/valgrind"):
        engine_i, bare_i, events = callgrind(args.callgrind_days)
        print(f"instructions ({args.callgrind_days:g} days, {events:,} logical events): engine {engine_i / 1e3:.1f} k "
              f"per event, bare SimPy {bare_i / 1e3:.1f} k per event, ratio {engine_i / bare_i:.2f}")
    print(f"wall_ratio={statistics.median(wall_ratios):.2f} (median of {args.repeat})")
    print(f"engine_vs_simpy_ratio={statistics.median(cpu_ratios):.2f} (CPU, median of {args.repeat})")


if __name__ == "__main__":
    main()
