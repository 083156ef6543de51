"""Hostile input, reading side: unbounded work. A scenario's work is estimated at validation and
refused above a budget with a message giving the estimate and the budget: configurable on the
command line, strict in the dashboard (whose runs also stop at a record cap and a time limit,
and whose What-if replications all count). A Dask cluster with no workers is a clear error."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from page_widgets import widget
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from pim_sim import runner
from pim_sim.cli import app
from pim_sim.scenario import Scenario, ScenarioError, budget, list_scenarios, load_scenario

ROOT = Path(__file__).resolve().parents[2]
# The issue's 300-byte file: 50,000 users, 100 activations a day, five years.
TINY_HUGE = ("name: tiny-huge\nhorizon: P1825D\npreset: {name: enterprise, users: 50000, privileged: 2500}\n"
             "workload: {rate_per_day: 100}\n")


def sized(users: int = 200, privileged: int = 20, days: int = 30, rate: float = 1.0, alerts: bool = False) -> str:
    return (f"name: sized\nhorizon: P{days}D\npreset: {{name: enterprise, users: {users}, privileged: {privileged}}}\n"
            f"workload: {{rate_per_day: {rate}}}\n" + ("alerts: {}\n" if alerts else ""))


def invoke(*args, env=None):
    return CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": "250", **(env or {})})


# ------------------------------------------------------------------ the estimate
def test_the_estimate_is_pairs_times_rate_times_working_days():
    s = Scenario.from_yaml(sized(users=200, privileged=20, days=28, rate=2.0))
    pairs = len(s.workload_triples())
    assert pairs == 30  # 20 users, one or two roles each
    assert s.work.activations == pytest.approx(pairs * 2.0 * 28 * 5 / 7)
    assert s.work.total == int(s.work.activations + s.work.setup) + 1
    assert s.work.setup == len(s.assignments) + len(s.spec.timeline)


def test_alerts_and_reviews_add_to_the_estimate():
    plain = Scenario.from_yaml(sized())
    watched = Scenario.from_yaml(sized(alerts=True))
    assert watched.work.alerts == pytest.approx(plain.work.activations * (8 + len(plain.assignments) / 100))
    review = sized() + ("timeline: [{at: P1D, do: review, name: r, role: Security Administrator, selected: [user000], "
                        "frequency: weekly, duration_days: 5}]\n")
    reviewed = Scenario.from_yaml(review)
    assert reviewed.work.reviews == pytest.approx((29 / 7) * (1 + len(reviewed.assignments)))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rate=st.sampled_from([0.5, 1.0, 3.0]), days=st.integers(1, 60), more=st.sampled_from([1.5, 2, 4]))
def test_more_rate_or_more_days_never_estimates_less(rate, days, more):
    base = Scenario.from_yaml(sized(rate=rate, days=days)).work.total
    assert Scenario.from_yaml(sized(rate=min(100.0, rate * more), days=days)).work.total >= base
    assert Scenario.from_yaml(sized(rate=rate, days=min(1825, int(days * more) + 1))).work.total >= base


def test_every_shipped_scenario_fits_the_dashboard_with_its_replications():
    for info in list_scenarios():
        s = load_scenario(info.path)
        assert s.work.total * max(s.replications, 10) * 2 <= budget.DASHBOARD_BUDGET, info.name


# ------------------------------------------------------------------ refusal at validation
def test_a_tiny_file_asking_for_years_of_work_is_refused_with_the_estimate_and_the_budget():
    assert len(TINY_HUGE.encode()) < 300
    with pytest.raises(ScenarioError) as e:
        Scenario.from_yaml(TINY_HUGE)
    (issue,) = e.value.issues
    assert issue.path == "workload" and issue.line == 4
    estimate = Scenario.from_yaml(TINY_HUGE, budget=None).work.total
    assert f"about {estimate:,} work units" in issue.message
    assert f"above the budget of {budget.CLI_BUDGET:,}" in issue.message and "--budget" in issue.message


def test_the_cli_budget_is_configurable(tmp_path, monkeypatch):
    path = tmp_path / "busy.yaml"
    path.write_text(sized(days=10))
    work = load_scenario(path).work.total
    res = invoke("validate", path, "--budget", work - 1)
    assert res.exit_code == 1 and f"above the budget of {work - 1:,}" in res.output
    assert invoke("validate", path, "--budget", work).exit_code == 0
    res = invoke("validate", path, env={budget.ENV_VAR: str(work - 1)})
    assert res.exit_code == 1 and f"above the budget of {work - 1:,}" in res.output
    assert invoke("validate", path, "--no-budget", env={budget.ENV_VAR: "1"}).exit_code == 0
    res = invoke("validate", path, env={budget.ENV_VAR: "lots"})
    assert res.exit_code == 1 and "PIM_SIM_BUDGET='lots': expected a positive number" in res.output


def test_replications_sweeps_and_comparisons_count_against_the_cli_budget(tmp_path):
    path = tmp_path / "busy.yaml"
    path.write_text(sized(days=10))
    work = load_scenario(path).work.total
    res = invoke("run", path, "--replications", 10, "--budget", work * 9, "--out", tmp_path / "out")
    assert res.exit_code == 1 and f"about {work * 10:,} work units" in res.output
    res = invoke("compare", path, path, "--replications", 5, "--budget", work * 9)
    assert res.exit_code == 1 and f"about {work * 10:,} work units" in res.output
    res = invoke("sweep", path, "--set", "workload.rate_per_day", "--values", "1,1", "--replications", 5,
                 "--budget", work * 9)
    assert res.exit_code == 1 and f"about {work * 10:,} work units" in res.output


# ------------------------------------------------------------------ bounded dashboard runs
def test_a_bounded_run_is_the_run_when_within_its_limits():
    s = Scenario.from_yaml(sized(days=5))
    assert budget.run_bounded(s, 3).metrics() == s.run(3).metrics()


def test_a_run_stops_at_the_record_cap():
    s = Scenario.from_yaml(sized(days=20))
    with pytest.raises(budget.BudgetError, match=r"above the dashboard's cap of 500;"):
        budget.run_bounded(s, max_records=500)


def test_a_run_stops_at_the_time_limit():
    ticks = iter(range(1_000_000))
    s = Scenario.from_yaml(sized(days=20))
    with pytest.raises(budget.BudgetError, match="longer than the dashboard's limit of 10 s"):
        budget.run_bounded(s, seconds=10, clock=lambda: next(ticks))


def test_the_dashboard_parser_refuses_above_its_budget():
    from ui import state

    with pytest.raises(ScenarioError) as e:
        state.parse(TINY_HUGE)
    assert f"above the budget of {budget.DASHBOARD_BUDGET:,}" in str(e.value) and "pim-sim run" in str(e.value)


class Upload:
    def __init__(self, name: str, data: bytes):
        self.name, self.data = name, data

    def getvalue(self) -> bytes:
        return self.data


def test_the_scenario_lab_refuses_an_upload_above_the_budget_and_keeps_the_last_good_run(monkeypatch):
    from streamlit.delta_generator import DeltaGenerator

    real = DeltaGenerator.file_uploader

    def uploaded(self, label, *args, **kwargs):
        if kwargs.get("key") == "lab_upload":
            return Upload("huge.yaml", TINY_HUGE.encode())
        return real(self, label, *args, **kwargs)

    monkeypatch.setattr(DeltaGenerator, "file_uploader", uploaded)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("ui/scenario_lab.py").run()
    before = at.session_state["lab_text"] if "lab_text" in at.session_state else None  # noqa: SIM401 (AppTest's state has no get)
    widget(at, "radio", "lab", "origin").set_value("Upload a YAML file").run()
    assert not at.exception
    assert len(at.error) == 1 and f"above the budget of {budget.DASHBOARD_BUDGET:,}" in at.error[0].value
    after = at.session_state["lab_text"] if "lab_text" in at.session_state else None  # noqa: SIM401
    assert after == before


def test_what_if_replications_count_against_the_dashboard_budget():
    from ui import state

    text = sized(users=300, privileged=60, days=20)  # one run fits; 2 variants x 50 replications don't
    work = Scenario.from_yaml(text).work.total
    assert work <= budget.DASHBOARD_BUDGET < work * 2 * 50
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.session_state[state.LAB_TEXT] = text
    at.session_state["model:whatif"] = {"identity": "whatif", "generation": 0,  # the page's model (ui/page_state.py)
                                        "values": {"base": "The Scenario lab's current scenario (as changed or uploaded "
                                                           "there)", "reps": 50}}
    at.switch_page("ui/what_if.py").run()
    assert not at.exception
    assert any("50 replications each" in e.value and "above the budget" in e.value for e in at.error)


# ------------------------------------------------------------------ Dask with no workers
def test_replicate_on_a_cluster_with_no_workers_is_a_clear_error(monkeypatch):
    distributed = pytest.importorskip("distributed")
    monkeypatch.setattr(runner, "DASK_WORKERS_TIMEOUT", 0.5)
    s = Scenario.from_yaml(sized(days=1))
    with (distributed.LocalCluster(n_workers=0, processes=False, dashboard_address=None) as cluster,
          distributed.Client(cluster) as client, pytest.raises(runner.RunnerError, match=r"has no workers after 0\.5 s")):
        runner.replicate(s, 2, client=client)
