"""The What-if page: two variants, replicated with the same seeds, compared with 95% confidence
intervals, in charts with units."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from page_widgets import widget
from streamlit.testing.v1 import AppTest

from pim_sim.runner import replicate
from ui import charts, state

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def open_page(reps: int = 6) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.session_state["model:whatif"] = model(reps)  # before the page's first run, so it replicates only this often
    at.switch_page("ui/what_if.py").run()
    assert widget(at, "slider", "whatif", "reps").value == reps
    assert not at.exception and not at.error
    return at


def model(reps: int, base: str = "standing-vs-jit") -> dict:
    return {"identity": "whatif", "generation": 0, "values": {"base": base, "reps": reps}}


def interval_charts(at: AppTest) -> dict[str, dict]:
    specs = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    return {s["title"]: s for s in specs if "layer" in s}


def summary(at: AppTest):
    return next(d.value for d in at.dataframe if d.value.index.name == "metric")


@pytest.fixture(scope="module")
def compared() -> AppTest:
    return open_page()


def test_the_page_compares_the_default_variants_as_the_runner_computes_them(compared):
    texts = compared.session_state["whatif_texts"]
    assert list(texts) == ["Variant A", "Variant B"]
    table = summary(compared)
    for label, text in texts.items():
        expected = replicate(state.parse(text), 6).summary().set_index("metric")
        for metric in ("time_to_access_p50_min", "jit_privilege_hours", "standing_privilege_hours"):
            title, unit = next((t, u) for m, (t, u) in WHAT_IF_METRICS.items() if m == metric)
            assert table.loc[f"{title} ({unit})", ("mean", label)] == pytest.approx(expected.loc[metric, "mean"], abs=0.01)


def test_approval_adds_waiting_time_beyond_the_confidence_intervals(compared):
    assert "require_approval: false" in compared.session_state["whatif_texts"]["Variant A"]
    assert "require_approval: true" in compared.session_state["whatif_texts"]["Variant B"]
    table = summary(compared)
    row = "Time to access, median (min)"
    assert table.loc[row, ("ci_low", "Variant B")] > table.loc[row, ("ci_high", "Variant A")]
    decisions = "Approval decisions (per run)"
    assert table.loc[decisions, ("mean", "Variant A")] == 0 < table.loc[decisions, ("mean", "Variant B")]


def test_identical_variants_give_identical_numbers_because_seeds_are_shared():
    at = open_page(4)
    widget(at, "toggle", "whatif_b", "approval").set_value(False).run()
    texts = at.session_state["whatif_texts"]
    assert texts["Variant A"].replace("variant A", "") == texts["Variant B"].replace("variant B", "")
    table = summary(at)
    assert (table[("mean", "Variant A")] == table[("mean", "Variant B")]).all()


def test_every_chart_has_a_title_and_units_and_uses_the_palette(compared):
    specs = interval_charts(compared)
    assert set(specs) == {title for title, _ in WHAT_IF_METRICS.values()}
    for title, spec in specs.items():
        unit = dict(WHAT_IF_METRICS.values())[title]
        assert spec["layer"][0]["encoding"]["y"]["title"] == f"{title} ({unit})"
        assert spec["layer"][0]["encoding"]["color"]["scale"]["range"] == list(charts.VARIANT_COLOURS)
    assert set(charts.VARIANT_COLOURS) <= set(charts.OKABE_ITO)


def test_more_workload_means_more_just_in_time_hours():
    at = open_page(4)
    widget(at, "toggle", "whatif_b", "approval").set_value(False).run()
    widget(at, "slider", "whatif_b", "rate").set_value(3.0).run()
    row = "Just-in-time privilege (h)"
    table = summary(at)
    assert table.loc[row, ("ci_low", "Variant B")] > table.loc[row, ("ci_high", "Variant A")]


WHAT_IF_METRICS = {
    "time_to_access_p50_min": ("Time to access, median", "min"),
    "jit_privilege_hours": ("Just-in-time privilege", "h"),
    "standing_privilege_hours": ("Standing privilege", "h"),
    "approval_decisions": ("Approval decisions", "per run"),
    "requests_expired": ("Expired requests", "per run"),
}


def test_the_scenario_lab_current_scenario_can_be_varied():
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page("ui/scenario_lab.py").run()
    widget(at, "slider", "lab_role", "max").set_value(2.0).run()  # the lab's jit-basics, with a 2-hour maximum
    at.session_state["model:whatif"] = model(3)
    at.switch_page("ui/what_if.py").run()
    widget(at, "selectbox", "whatif", "base").set_value(widget(at, "selectbox", "whatif", "base").options[0]).run()
    assert not at.exception and not at.error
    assert widget(at, "slider", "whatif_a", "max").value == 2.0  # variant A starts from the lab's settings
    assert "name: jit-basics" in at.session_state["whatif_texts"]["Variant A"]


def test_no_interval_of_a_count_or_duration_reaches_below_zero(compared):
    table = summary(compared)
    assert (table["ci_low"].to_numpy() >= 0).all()
