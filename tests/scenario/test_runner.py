"""Replications, sweeps and comparisons: reproducible, independent streams, the same numbers
serially, on local processes and on a Dask cluster, with correct confidence intervals."""

import math

import pandas as pd
import pytest

from pim_sim import Scenario, compare, replicate, run, sweep
from pim_sim.runner import replication_seeds, summarise, t_975

JIT = {"name": "jit", "horizon": "P10D", "seed": 11, "replications": 4,
       "tenant": {"users": ["a1", "a2", "a3", "a4"]},
       "settings": [{"role": "Exchange Administrator", "activation_max": "PT8H"}],
       "assignments": [{"principal": u, "role": "Exchange Administrator"} for u in ("a1", "a2", "a3", "a4")],
       "workload": {"rate_per_day": 2, "durations": ["PT4H"]}}


@pytest.fixture(scope="module")
def jit() -> Scenario:
    return Scenario.from_dict(JIT)


def frames_text(results) -> str:
    return "".join(getattr(results, name).to_csv(index=False) for name in
                   ("audit", "requests", "intervals", "effective_access", "refusals", "notifications"))


def test_same_scenario_and_seed_give_the_same_records_byte_for_byte(jit):
    assert frames_text(run(jit)) == frames_text(run(jit))
    assert frames_text(run(jit, seed=12)) != frames_text(run(jit))


def test_replication_seeds_are_reproducible_and_distinct():
    assert replication_seeds(7, 5) == replication_seeds(7, 5)
    assert len(set(replication_seeds(7, 50))) == 50
    assert replication_seeds(7, 3) == replication_seeds(7, 5)[:3]  # adding replications keeps the first ones
    assert replication_seeds(7, 3) != replication_seeds(8, 3)


def test_replications_differ_from_each_other(jit):
    metrics = replicate(jit).metrics
    assert len(metrics) == 4 and metrics["activations_requested"].nunique() > 1


def test_parallel_processes_give_exactly_the_serial_numbers(jit):
    serial = replicate(jit, frames=True)
    parallel = replicate(jit, workers=2, frames=True)
    pd.testing.assert_frame_equal(serial.metrics, parallel.metrics, check_exact=True)
    pd.testing.assert_frame_equal(serial.frame("audit"), parallel.frame("audit"), check_exact=True)


def test_a_dask_cluster_gives_exactly_the_serial_numbers(jit):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster, \
            distributed.Client(cluster) as client:
        on_dask = replicate(jit, client=client)
        swept = sweep(jit, "workload.rate_per_day", [1, 2], replications=2, client=client)
    pd.testing.assert_frame_equal(replicate(jit).metrics, on_dask.metrics, check_exact=True)
    pd.testing.assert_frame_equal(sweep(jit, "workload.rate_per_day", [1, 2], replications=2), swept, check_exact=True)


def test_t_quantiles():
    # Published two-sided 95% t-table values (three decimals).
    assert t_975(1) == pytest.approx(12.706, abs=5e-4) and t_975(30) == pytest.approx(2.042, abs=5e-4)
    assert t_975(2) == pytest.approx(4.303, abs=5e-4) and t_975(10) == pytest.approx(2.228, abs=5e-4)
    assert t_975(31) == pytest.approx(2.0395, abs=1e-3)
    assert t_975(120) == pytest.approx(1.9799, abs=1e-3)
    assert math.isnan(t_975(0))


def test_summary_mean_sd_and_confidence_interval():
    table = summarise(pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0], "y": [5.0, float("nan"), 5.0, 5.0]}))
    x = table.set_index("metric").loc["x"]
    sd = math.sqrt(5 / 3)
    assert (x["mean"], x["n"]) == (2.5, 4) and x["sd"] == pytest.approx(sd)
    assert (x["ci_low"], x["ci_high"]) == pytest.approx((2.5 - 3.182 * sd / 2, 2.5 + 3.182 * sd / 2), abs=1e-3)  # t table: 3.182
    y = table.set_index("metric").loc["y"]
    assert (y["mean"], y["n"], y["ci_low"], y["ci_high"]) == (5.0, 3, 5.0, 5.0)


def test_confidence_intervals_cover_the_replication_mean(jit):
    summary = replicate(jit).summary().dropna()
    assert (summary["ci_low"] <= summary["mean"]).all() and (summary["mean"] <= summary["ci_high"]).all()


def test_a_sweep_returns_a_tidy_table_per_value(jit):
    table = sweep(jit, "settings[0].activation_max", ["PT2H", "PT8H"], replications=2)
    assert list(table.columns) == ["setting", "value", "metric", "mean", "sd", "ci_low", "ci_high", "n"]
    assert set(table["value"]) == {"PT2H", "PT8H"}
    counted = table[~table["metric"].str.startswith("time_to_access")]
    assert (counted["n"] == 2).all()  # time to access has no values when nothing was provisioned
    refused = table[table["metric"] == "refusals"].set_index("value")["mean"]
    provisioned = table[table["metric"] == "activations_provisioned"].set_index("value")["mean"]
    # 4-hour requests: all refused under a 2-hour maximum, none refused under 8 hours
    assert provisioned["PT2H"] == 0 and refused["PT2H"] > 0 and provisioned["PT8H"] > 0


def test_a_sweep_uses_the_same_seeds_for_every_value(jit):
    table = sweep(jit, "title", ["one", "two"], replications=2)
    one, two = (table[table["value"] == v].drop(columns="value").reset_index(drop=True) for v in ("one", "two"))
    pd.testing.assert_frame_equal(one, two)


def test_compare_puts_two_scenarios_side_by_side(jit):
    busy = jit.with_value("workload.rate_per_day", 4).with_value("name", "busy")
    table = compare(jit, busy, replications=3)
    assert list(table.columns) == ["metric", "mean jit", "ci_low jit", "ci_high jit", "mean busy", "ci_low busy",
                                   "ci_high busy", "n"]
    row = table.set_index("metric").loc["activations_requested"]
    assert row["mean busy"] > row["mean jit"]
