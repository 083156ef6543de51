"""Every benchmark in ``bench/`` still runs, on a small workload, and prints the figures it promises.

No timing is asserted (machines here are noisy): a benchmark that stops running as the model changes, or
whose counts stop adding up, fails here instead of on the next person who measures.
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"
NUMBER = r"(\d+(?:\.\d+)?)"


def run(script: str, *args: str) -> list[str]:
    out = subprocess.run([sys.executable, str(BENCH / script), *args], capture_output=True, text=True, cwd=BENCH.parent,
                         timeout=300)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    return out.stdout.splitlines()


def figure(lines: list[str], name: str) -> float:
    """The number a benchmark printed once as ``name=<x>`` (a time may print as 0.0 on a small run)."""
    found = [float(m.group(1)) for line in lines if (m := re.match(rf"{name}={NUMBER}", line))]
    assert len(found) == 1, (name, lines)
    return found[0]


def counted(line: str) -> tuple[int, dict[str, int]]:
    """(total, by kind) of a line that counts logical events: "<n> logical events (requests a, decisions b, ...;
    ...)" (engine.py) or "logical events <n> (requests a, ...; ...)" (scale.py)."""
    found = re.search(r"(?:([\d,]+) logical events|logical events ([\d,]+)) \(([^;]+);", line)
    assert found, line
    total = int((found.group(1) or found.group(2)).replace(",", ""))
    return total, {k: int(v.replace(",", "")) for k, v in (part.rsplit(" ", 1) for part in found.group(3).split(", "))}


def test_the_engine_bench_counts_its_logical_events_and_prints_its_ratios():
    lines = run("engine.py", "--days", "3", "--repeat", "1")
    assert lines[0].startswith("python=")  # the interpreter: the ratio depends on it
    total, kinds = counted(next(line for line in lines if line.startswith("engine:")))
    assert total == sum(kinds.values()) > 0
    assert set(kinds) == {"requests", "decisions", "provisioning", "expiries"}
    assert kinds["provisioning"] <= kinds["requests"] and kinds["expiries"] <= kinds["provisioning"]
    assert figure(lines, "peak_memory_per_audit_record_bytes") > 0
    assert figure(lines, "wall_ratio") > 0 and figure(lines, "engine_vs_simpy_ratio") > 0


def test_the_scale_bench_counts_what_the_metrics_count():
    lines = run("scale.py", "--days", "5", "--users", "600", "--privileged", "40")
    assert lines[0].startswith("python=")
    total, kinds = counted(next(line for line in lines if line.startswith("logical events")))
    assert total == sum(kinds.values()) > 0
    metrics = dict(re.findall(r"(\w+)=([\d,]+)", next(line for line in lines if line.startswith("activations"))))
    refusals = int(metrics["refusals"].replace(",", ""))
    # every activation request the bench counts is one the metrics count, or one PIM refused
    assert int(metrics["requested"]) <= kinds["requests"] <= int(metrics["requested"]) + refusals
    assert int(metrics["provisioned"]) == kinds["provisioning"]
    assert figure(lines, "build_to_metrics_seconds") >= 0 and figure(lines, "scale_vs_simpy_ratio") > 0


@pytest.mark.parametrize(("script", "args", "last"), [
    ("jit_vm.py", ("--days", "2", "--repeat", "1"), "jit_vs_simpy_ratio"),
    ("snapshot_import.py", (), None),
    ("app.py", ("--repeat", "2"), "app_interaction_ms"),
])
def test_the_other_benches_run(script, args, last):
    lines = run(script, *args)
    assert lines, script
    if last:
        assert figure(lines, last) > 0
    else:
        assert re.search(rf"snapshot to simulation {NUMBER} s", lines[-1]), lines
