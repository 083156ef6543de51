"""Tables from JIT's record streams (pandas is imported only when a table is asked for).

- :func:`exposure_minutes`: minutes each VM port was reachable from the internet, split into standing
  exposure (a rule someone created, or no NSG) and JIT exposure (only through a JIT rule).
- :func:`requests_per_user`, :func:`refusals_by_reason`, :func:`time_to_access`.
- :func:`exposure_summary`: mean and a normal-approximation confidence interval over replications.
"""

from __future__ import annotations

import math
from statistics import NormalDist


def _pd():
    import pandas as pd

    return pd


def exposure_minutes(jit, until: float | None = None):
    """One row per VM, port and kind ('standing' or 'jit') with the minutes of exposure up to ``until``."""
    pd = _pd()
    end = jit.now if until is None else until
    totals: dict[tuple[str, int, str], float] = {}
    current: dict[tuple[str, int], tuple[float, str]] = {}
    for e in jit.exposure:
        if e.minute > end:
            break
        key = (e.vm, e.port)
        if key in current:
            since, state = current[key]
            if state != "closed":
                totals[(*key, state)] = totals.get((*key, state), 0.0) + e.minute - since
        current[key] = (e.minute, e.state)
    for key, (since, state) in current.items():
        totals.setdefault((*key, "standing"), 0.0)
        totals.setdefault((*key, "jit"), 0.0)
        if state != "closed":
            totals[(*key, state)] += end - since
    rows = [(vm, vm.rsplit("/", 1)[-1], port, kind, mins) for (vm, port, kind), mins in sorted(totals.items())]
    return pd.DataFrame(rows, columns=["vm_id", "vm", "port", "kind", "minutes"])


def requests_per_user(jit):
    """Accepted requests and ports opened per requestor, and refusals per principal."""
    pd = _pd()
    counts: dict[str, list[int]] = {}
    for r in jit.requests:
        c = counts.setdefault(r.requestor, [0, 0, 0])
        c[0] += 1
        c[1] += len(r.ports)
    for f in jit.refusals:
        if f.action == "request":
            counts.setdefault(f.principal, [0, 0, 0])[2] += 1
    rows = [(u, *c) for u, c in sorted(counts.items())]
    return pd.DataFrame(rows, columns=["requestor", "requests", "ports", "refused"])


def refusals_by_reason(jit):
    pd = _pd()
    counts: dict[tuple[str, str, bool], int] = {}
    for f in jit.refusals:
        key = (f.action, f.reason, f.documented)
        counts[key] = counts.get(key, 0) + 1
    rows = [(*k, n) for k, n in sorted(counts.items())]
    return pd.DataFrame(rows, columns=["action", "reason", "documented", "count"])


def time_to_access(jit):
    """For each accepted request: minutes from the requestor's first attempt at those VMs (refused attempts
    since their previous accepted request included) to the ports opening. JIT itself opens ports at once
    (no approval, facts.NO_APPROVAL); waiting comes from refusals, e.g. before a PIM activation."""
    pd = _pd()
    rows = []
    pending: dict[tuple[str, str], float] = {}
    events = sorted([(f.minute, 0, f) for f in jit.refusals if f.action == "request"]
                    + [(r.minute, 1, r) for r in jit.requests], key=lambda x: (x[0], x[1]))
    for minute, kind, item in events:
        if kind == 0:
            for vm in item.vms:
                pending.setdefault((item.principal, vm), minute)
            continue
        vms = tuple(dict.fromkeys(p.vm for p in item.ports))
        first = min(pending.pop((item.requestor, vm), minute) for vm in vms)
        rows.append((item.id, item.requestor, ";".join(vms), first, minute, minute - first))
    return pd.DataFrame(rows, columns=["request", "requestor", "vms", "first_attempt", "granted", "minutes"])


def exposure_summary(frames, level: float = 0.95):
    """Mean exposure minutes per VM, port and kind over replications (one :func:`exposure_minutes` frame each),
    with a normal-approximation confidence interval (``n`` replications; half-width 0 for one)."""
    pd = _pd()
    frames = list(frames)
    if not frames:
        return pd.DataFrame(columns=["vm", "port", "kind", "n", "mean", "low", "high"])
    data = pd.concat([f.assign(replication=i) for i, f in enumerate(frames)], ignore_index=True)
    z = NormalDist().inv_cdf(0.5 + level / 2)
    rows = []
    for (vm, port, kind), g in data.groupby(["vm", "port", "kind"], sort=True):
        values = g["minutes"].to_numpy(dtype=float)
        n = len(frames)
        values = list(values) + [0.0] * (n - len(values))  # a replication without the row had none
        mean = sum(values) / n
        sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1)) if n > 1 else 0.0
        half = z * sd / math.sqrt(n)
        rows.append((vm, int(port), kind, n, mean, mean - half, mean + half))
    return pd.DataFrame(rows, columns=["vm", "port", "kind", "n", "mean", "low", "high"])
