"""Replications, sweeps and comparisons of scenarios.

Each replication gets its own seed, spawned from the scenario's seed with
``numpy.random.SeedSequence``: independent streams, reproducible, and the same whichever process
runs them. So a run on local processes (``workers=N``) or on a Dask cluster (``client=`` a
``distributed.Client``) gives exactly the numbers of a serial run. Summaries carry 95%
confidence intervals (Student's t). A sweep reuses the same seeds for every value (common
random numbers), so differences between values are not noise between seeds.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from pim_sim.errors import ModelError
from pim_sim.results.tables import Results
from pim_sim.scenario.model import Scenario

FRAMES = ("audit", "requests", "intervals", "effective_access", "refusals")


def t_975(df: int) -> float:
    """The 97.5% quantile of Student's t with ``df`` degrees of freedom (two-sided 95%), from scipy.stats.t.ppf."""
    if df < 1:
        return math.nan
    from scipy.stats import t  # imported on first use: scipy.stats takes about a second to import

    return float(t.ppf(0.975, df))


def replication_seeds(seed: int, n: int) -> list[int]:
    """``n`` independent seeds spawned from ``seed`` (the same list every time)."""
    return [int(child.generate_state(1, np.uint64)[0]) for child in np.random.SeedSequence(seed).spawn(n)]


@dataclass(frozen=True, slots=True)
class RunOutput:
    """What one replication sends back: its metrics and, when asked, its tables."""

    index: int
    seed: int
    metrics: dict[str, float]
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)


def run(scenario: Scenario, seed: int | None = None) -> Results:
    """Run one replication of ``scenario`` (its own seed unless given) and return its results."""
    return scenario.run(seed)


def run_one(scenario: Scenario, index: int, seed: int, frames: bool = False) -> RunOutput:
    """One replication, in whatever process runs it (a top-level function, so it can be shipped)."""
    results = scenario.run(seed)
    tables = {name: getattr(results, name) for name in FRAMES} if frames else {}
    return RunOutput(index, seed, metrics_of(scenario, results), tables)


def metrics_of(scenario: Scenario, results: Results) -> dict[str, float]:
    """A run's headline metrics, with just-in-time VM access's (exposure, requests, refusals) when it uses it."""
    metrics = results.metrics()
    if scenario.spec.jit is not None:
        metrics |= results.jit_metrics()
    return metrics


def summarise(metrics: pd.DataFrame) -> pd.DataFrame:
    """Mean, standard deviation and 95% confidence interval of each metric column (NaN skipped)."""
    rows = []
    for name in (c for c in metrics.columns if c not in ("replication", "seed")):
        values = metrics[name].dropna().to_numpy(dtype=float)
        n = len(values)
        mean = float(values.mean()) if n else math.nan
        sd = float(values.std(ddof=1)) if n > 1 else math.nan
        half = t_975(n - 1) * sd / math.sqrt(n) if n > 1 else math.nan
        rows.append({"metric": name, "mean": mean, "sd": sd, "ci_low": mean - half, "ci_high": mean + half, "n": n})
    return pd.DataFrame(rows, columns=["metric", "mean", "sd", "ci_low", "ci_high", "n"])


@dataclass(frozen=True)
class Replications:
    """The replications of one scenario: a metrics table (one row each) and, if kept, the
    tables of every replication stacked with a ``replication`` column."""

    scenario: str
    outputs: tuple[RunOutput, ...]

    @property
    def metrics(self) -> pd.DataFrame:
        rows = [{"replication": o.index, "seed": o.seed, **o.metrics} for o in self.outputs]
        return pd.DataFrame(rows)

    def frame(self, name: str) -> pd.DataFrame:
        parts = [o.frames[name].assign(replication=o.index) for o in self.outputs if name in o.frames]
        if not parts:
            raise KeyError(f"{name!r} was not kept; replicate(..., frames=True) keeps {', '.join(FRAMES)}")
        return pd.concat(parts, ignore_index=True)

    def summary(self) -> pd.DataFrame:
        return summarise(self.metrics)


class RunnerError(ModelError):
    """Replications that can't be run as asked (a Dask cluster with no workers, one that stalls)."""


DASK_WORKERS_TIMEOUT = 30.0  # seconds to wait for a Dask cluster's first worker
DASK_TIMEOUT = 24 * 3600.0  # seconds for all the replications on a Dask cluster


def _wait_for_workers(client) -> None:
    """A cluster with no workers would hold the futures forever: wait a bounded time for one."""
    try:
        client.wait_for_workers(1, timeout=DASK_WORKERS_TIMEOUT)
    except TimeoutError:
        raise RunnerError(f"the Dask cluster at {getattr(client.scheduler, 'address', client)} has no workers after "
                          f"{DASK_WORKERS_TIMEOUT:g} s; start one (dask worker ADDRESS) or run with workers=N "
                          "instead") from None


def _execute(jobs: list[tuple], workers: int, client, on_done: Callable[[int, int], None] | None) -> list[RunOutput]:
    """Run ``run_one(*job)`` for each job serially, on local processes or on a Dask cluster."""
    total, done, out = len(jobs), 0, []

    def tick() -> None:
        nonlocal done
        done += 1
        if on_done is not None:
            on_done(done, total)

    if client is not None:
        from distributed import as_completed as dask_completed

        _wait_for_workers(client)
        futures = [client.submit(run_one, *job, pure=False) for job in jobs]
        try:
            for future in dask_completed(futures, timeout=DASK_TIMEOUT):
                out.append(future.result())
                tick()
        except TimeoutError:
            client.cancel(futures)
            raise RunnerError(f"the Dask cluster finished {done} of {total} replications in {DASK_TIMEOUT:g} s; "
                              "are its workers alive? (runner.DASK_TIMEOUT sets the limit)") from None
    elif workers > 1 and total > 1:
        with ProcessPoolExecutor(max_workers=min(workers, total)) as pool:
            for future in as_completed([pool.submit(run_one, *job) for job in jobs]):
                out.append(future.result())
                tick()
    else:
        for job in jobs:
            out.append(run_one(*job))
            tick()
    return sorted(out, key=lambda o: o.index)


def replicate(scenario: Scenario, replications: int | None = None, seed: int | None = None, *, workers: int = 1,
              client: Any = None, frames: bool = False,
              on_done: Callable[[int, int], None] | None = None) -> Replications:
    """Run ``replications`` (default: the scenario's) independent replications.

    ``workers`` > 1 runs them on local processes; ``client`` (a ``distributed.Client``) runs them
    on a Dask cluster. Either way the numbers equal a serial run's. ``on_done(done, total)`` is
    called as each finishes."""
    n = replications or scenario.replications
    seeds = replication_seeds(scenario.seed if seed is None else seed, n)
    outputs = _execute([(scenario, i + 1, s, frames) for i, s in enumerate(seeds)], workers, client, on_done)
    return Replications(scenario.name, tuple(outputs))


def sweep(scenario: Scenario, path: str, values: Sequence, replications: int | None = None, seed: int | None = None,
          *, workers: int = 1, client: Any = None, on_done: Callable[[int, int], None] | None = None) -> pd.DataFrame:
    """Run the scenario once per value of one field (e.g. ``settings[0].activation_max`` over
    ``["PT1H", "PT4H", "PT8H"]``) and return a tidy table: one row per value and metric with
    mean, sd and 95% confidence interval. Every value uses the same replication seeds."""
    variants = [scenario.with_value(path, v) for v in values]
    n = replications or scenario.replications
    seeds = replication_seeds(scenario.seed if seed is None else seed, n)
    jobs = [(variant, k * n + i + 1, s) for k, variant in enumerate(variants) for i, s in enumerate(seeds)]
    outputs = _execute(jobs, workers, client, on_done)
    tables = []
    for k, value in enumerate(values):
        mine = [o for o in outputs if k * n < o.index <= (k + 1) * n]
        table = summarise(pd.DataFrame([o.metrics for o in mine]))
        table.insert(0, "value", str(value))
        table.insert(0, "setting", path)
        tables.append(table)
    return pd.concat(tables, ignore_index=True)


def compare(a: Scenario, b: Scenario, replications: int | None = None, *, workers: int = 1, client: Any = None,
            on_done: Callable[[int, int], None] | None = None) -> pd.DataFrame:
    """The metrics of two scenarios side by side, each with its 95% confidence interval."""
    n = replications or max(a.replications, b.replications)
    jobs = [(a, i + 1, s) for i, s in enumerate(replication_seeds(a.seed, n))]
    jobs += [(b, n + i + 1, s) for i, s in enumerate(replication_seeds(b.seed, n))]
    outputs = _execute(jobs, workers, client, on_done)
    left = summarise(pd.DataFrame([o.metrics for o in outputs if o.index <= n]))
    right = summarise(pd.DataFrame([o.metrics for o in outputs if o.index > n]))
    keep = ["metric", "mean", "ci_low", "ci_high"]
    table = left[keep].merge(right[keep], on="metric", suffixes=(f" {a.name}", f" {b.name}")
                             if a.name != b.name else (" A", " B"))
    table["n"] = n
    return table
