"""The bare-SimPy baseline of the benchmarks: ``events`` timeouts from 1,000 processes, nothing else.

Kept apart from the engine's modules so that, run on its own (``python bench/bare_simpy.py N
[empty]``, as the instruction counts do), the interpreter holds nothing of the model.
"""

from __future__ import annotations

import sys
import time

import simpy


def run_bare(events: int, procs: int = 1000, *, empty: bool = False) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of bare SimPy scheduling ``events`` timeouts from ``procs`` processes
    (``empty``: the same processes, started and ended, with no timeouts: the part callgrind subtracts)."""
    env = simpy.Environment()
    procs = max(1, min(procs, events))
    per, extra = divmod(0 if empty else events, procs)

    def proc(env, n):
        for _ in range(n):
            yield env.timeout(1)

    for i in range(procs):
        env.process(proc(env, per + (i < extra)))
    c0, w0 = time.process_time(), time.perf_counter()
    env.run()
    return time.process_time() - c0, time.perf_counter() - w0


if __name__ == "__main__":
    run_bare(int(sys.argv[1]), empty=sys.argv[2:] == ["empty"])
