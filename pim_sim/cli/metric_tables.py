"""The run metrics as terminal tables: readable headers with units, rounded numbers, intervals.

``pim-sim run``, ``compare`` and ``sweep`` print what :mod:`pim_sim.runner` summarises (mean and 95%
confidence interval per metric) through these tables, never a raw pandas frame:

- each metric has a label and a unit (:data:`METRICS`; a metric not listed shows its own name);
- an estimate is written ``12.3 (10.1–14.5)``: the mean, then the interval; the interval is left
  out when every replication gave the same number (or there is only one replication);
- numbers are rounded to what they can tell: whole numbers as such, otherwise three significant
  figures with at most two decimals;
- every listed metric is a count, a duration or an amount of privilege, so it can't be negative;
  Student's t interval around a small mean can reach below 0, and such a bound is shown as 0 (the
  table's notes say which metrics it happened to, as the What-if page does).

The machine outputs (``--out``/``--csv``, ``--format``) keep the unrounded, unclipped numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd
from rich.table import Table

DASH = "–"  # an en dash: a range (10.1–14.5), or no value


@dataclass(frozen=True, slots=True)
class Metric:
    """How one metric reads on a table: label, unit, the group of columns it sits in."""

    name: str
    label: str
    unit: str
    group: str
    nonnegative: bool = True

    @property
    def header(self) -> str:
        return f"{self.label}\n({self.unit})" if self.unit else self.label


REQUESTS, TIMES, JIT_EXPOSURE, JIT_COUNTS, OTHER = ("Requests (per run)", "Time to access and privilege",
                                                    "Just-in-time VM access", "Just-in-time VM connections and VMs",
                                                    "Other metrics")
METRICS = {m.name: m for m in (
    Metric("activations_requested", "Activations requested", "per run", REQUESTS),
    Metric("activations_provisioned", "Activations granted", "per run", REQUESTS),
    Metric("requests_denied", "Requests denied", "per run", REQUESTS),
    Metric("requests_expired", "Requests expired", "per run", REQUESTS),
    Metric("refusals", "Actions PIM refused", "per run", REQUESTS),
    Metric("time_to_access_p50_min", "Time to access, median", "min", TIMES),
    Metric("time_to_access_p95_min", "Time to access, 95th pct", "min", TIMES),
    Metric("jit_privilege_hours", "Just-in-time privilege", "h", TIMES),
    Metric("standing_privilege_hours", "Standing privilege", "h", TIMES),
    Metric("audit_records", "Audit records", "per run", TIMES),
    Metric("jit_standing_exposure_minutes", "Ports open, standing rule", "min", JIT_EXPOSURE),
    Metric("jit_exposure_minutes", "Ports open through JIT", "min", JIT_EXPOSURE),
    Metric("jit_requests", "JIT requests granted", "per run", JIT_EXPOSURE),
    Metric("jit_refusals", "JIT requests refused", "per run", JIT_EXPOSURE),
    Metric("jit_connections_allowed", "Connections allowed", "per run", JIT_COUNTS),
    Metric("jit_connections_denied", "Connections denied", "per run", JIT_COUNTS),
    Metric("jit_vms_configured", "VMs with JIT configured", "at the end", JIT_COUNTS),
    Metric("jit_vms_unsupported", "VMs JIT can't protect", "at the end", JIT_COUNTS),
)}


def metric(name: str) -> Metric:
    """The metric's label and unit; a name not in :data:`METRICS` is shown as it is (and may be negative)."""
    return METRICS.get(name) or Metric(name, name, "", OTHER, nonnegative=False)


def number(value: float) -> str:
    """``value`` rounded for reading: whole numbers as such (with thousands separators), others to
    three significant figures with at most two decimals (below 0.005, 0); NaN as a dash."""
    if value is None or math.isnan(value):
        return DASH
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    if abs(value - round(value)) < 1e-9:
        return f"{round(value):,}"
    size = abs(value)
    decimals = 0 if size >= 100 else 1 if size >= 10 else 2
    text = f"{value:,.{decimals}f}"
    return "0" if text.lstrip("-").strip("0.,") == "" else text  # 0.004 and -0.00 read as 0


@dataclass(frozen=True, slots=True)
class Estimate:
    """A mean and its interval, rounded for reading; ``clipped`` when the interval's lower bound was
    below 0 and is shown as 0; ``count`` says ``n=2`` when only 2 replications had a value."""

    mean: str
    interval: str  # "10.1–14.5", or "" when there is no interval worth showing
    clipped: bool
    count: str = ""

    def text(self, between: str = " ") -> str:
        """``12.3 (10.1–14.5)`` (``between`` separates the mean from the interval)."""
        out = self.mean + (f"{between}({self.interval})" if self.interval else "")
        return out + (f"{between}{self.count}" if self.count else "")


def estimate(mean: float, low: float, high: float, m: Metric, n: int | None = None, of: int | None = None) -> Estimate:
    """The mean and its interval; the interval left out when there is none (one replication) or
    it has no width once rounded (every replication gave the same number)."""
    clipped = m.nonnegative and not math.isnan(low) and low < 0
    if clipped:  # and the upper bound too, should it be below 0 (it can't be, above a mean of values >= 0)
        low, high = 0.0, max(high, 0.0)
    shown, shown_low, shown_high = number(mean), number(low), number(high)
    interval = "" if math.isnan(low) or math.isnan(high) or shown_low == shown_high == shown \
        else f"{shown_low}{DASH}{shown_high}"
    return Estimate(shown, interval, clipped, f"n={n}" if n is not None and of is not None and n < of else "")


def notes(clipped: set[str], partial: bool) -> list[str]:
    """What the reader of a table needs to know about its numbers."""
    out = ["Mean (95% confidence interval, Student's t); no interval when every replication gave the same number."]
    if clipped:
        out.append("Intervals that reached below 0 are shown from 0: these can't be negative ("
                   + ", ".join(metric(name).label for name in sorted(clipped)) + ").")
    if partial:
        out.append("n=... : only that many replications had a value (a time to access needs a granted activation).")
    return out


def summary_table(summary: pd.DataFrame, title: str) -> tuple[Table, list[str]]:
    """``pim-sim run``: one row per metric (runner.summarise's frame)."""
    table = Table(title=title)
    for header, justify in (("Metric", "left"), ("Unit", "left"), ("Mean", "right"), ("95% interval", "right"),
                            ("Replications", "right")):
        table.add_column(header, justify=justify, overflow="fold")  # type: ignore[arg-type]
    clipped: set[str] = set()
    row: Any  # a named tuple of the summary's columns
    for row in summary.itertuples(index=False):
        m = metric(str(row.metric))
        cell = estimate(float(row.mean), float(row.ci_low), float(row.ci_high), m)
        if cell.clipped:
            clipped.add(m.name)
        table.add_row(m.label, m.unit, cell.mean, cell.interval or DASH, f"{int(row.n):,}")
    return table, notes(clipped, partial=False)


def compare_table(frame: pd.DataFrame, names: list[str], title: str) -> tuple[Table, list[str]]:
    """``pim-sim compare``: one row per metric, one column per scenario (runner.compare's frame, whose
    columns are ``mean NAME``, ``ci_low NAME``, ``ci_high NAME``)."""
    table = Table(title=title)
    table.add_column("Metric", overflow="fold")
    table.add_column("Unit", overflow="fold")
    for name in names:
        table.add_column(name, justify="right", overflow="fold")
    clipped: set[str] = set()
    for _, row in frame.iterrows():
        m = metric(str(row["metric"]))
        cells = [estimate(float(row[f"mean {k}"]), float(row[f"ci_low {k}"]), float(row[f"ci_high {k}"]), m)
                 for k in names]
        clipped |= {m.name for c in cells if c.clipped}
        table.add_row(m.label, m.unit, *(c.text() for c in cells))
    return table, notes(clipped, partial=False)


def sweep_tables(frame: pd.DataFrame, title: str) -> tuple[list[Table], list[str]]:
    """``pim-sim sweep``: runner.sweep's tidy frame (setting, value, metric, mean, sd, ci_low, ci_high,
    n) as tables of one row per value of the swept setting (the first column, headed by the
    setting's path), the metrics grouped in columns; each cell the mean over the interval."""
    setting = str(frame["setting"].iloc[0]) if len(frame) else "value"
    values = list(dict.fromkeys(frame["value"]))
    of = int(frame["n"].max()) if len(frame) else 0
    groups: dict[str, list[Metric]] = {}
    for name in dict.fromkeys(frame["metric"]):
        m = metric(str(name))
        groups.setdefault(m.group, []).append(m)
    cells: dict[tuple[str, str], Any] = {(str(r.value), str(r.metric)): r for r in frame.itertuples(index=False)}
    tables, clipped, partial = [], set(), False
    for group, members in groups.items():
        rows = []
        for value in values:
            row = [str(value)]
            for m in members:
                r = cells.get((str(value), m.name))
                if r is None:
                    row.append(DASH)
                    continue
                cell = estimate(float(r.mean), float(r.ci_low), float(r.ci_high), m, int(r.n), of)
                clipped |= {m.name} if cell.clipped else set()
                partial |= int(r.n) < of
                row.append(cell.text("\n"))
            rows.append(row)
        table = Table(title=f"{title}: {group}")
        for k, header in enumerate([setting, *(m.header for m in members)]):
            table.add_column(header, justify="left" if k == 0 else "right", overflow="fold",
                             min_width=_widest([r[k] for r in rows], header if k else ""))
        for row in rows:
            table.add_row(*row)
        tables.append(table)
    return tables, notes(clipped, partial)


def _widest(cells: list[str], header: str) -> int:
    """A column's narrowest width that breaks no number and no word of its header."""
    return max([len(line) for cell in cells for line in cell.splitlines()] + [len(w) for w in header.split()] + [1])
