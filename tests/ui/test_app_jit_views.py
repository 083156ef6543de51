"""Just-in-time VM access on the dashboard's pages: the Scenario lab's exposure timeline, What-if's intervals
in two variants over replications, the Audit explorer's Activity Log and Why / why not's connection answer. Each view is drawn
by AppTest and its numbers compared with the model's."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from pim_sim import load_scenario
from pim_sim.scenario.model import SCENARIO_DIR

APP = str(Path(__file__).resolve().parents[2] / "app.py")
BYPASS = "jit-user-rule-bypass"


def charts(at: AppTest) -> list:
    return [*at.get("arrow_vega_lite_chart"), *at.get("vega_lite_chart")]


def run_view(script, *args) -> AppTest:
    at = AppTest.from_function(script, args=args, default_timeout=120).run()
    assert not at.exception, at.exception
    return at


def _show_run(name):
    from pim_sim import load_scenario
    from pim_sim.scenario.model import SCENARIO_DIR
    from ui import jit_views

    jit_views.show_run(load_scenario(SCENARIO_DIR / f"{name}.yaml").run(), "t")


def test_the_run_view_shows_the_jit_metrics_and_the_exposure_timeline():
    at = run_view(_show_run, BYPASS)
    expected = load_scenario(SCENARIO_DIR / f"{BYPASS}.yaml").run().jit_metrics()
    shown = {m.label: float(m.value.replace(",", "")) for m in at.metric}
    assert shown["Standing exposure (min)"] == expected["jit_standing_exposure_minutes"] == 4260
    assert shown["Connections allowed"] == expected["jit_connections_allowed"]
    assert len(charts(at)) == 1
    table = at.dataframe[0].value
    assert set(table["Kind"]) == {"standing"} and table["Minutes"].sum() == 4260


def _exposure_frame(name):
    import streamlit as st

    from pim_sim import load_scenario
    from pim_sim.scenario.model import SCENARIO_DIR
    from ui import jit_views

    results = load_scenario(SCENARIO_DIR / f"{name}.yaml").run()
    st.dataframe(jit_views.exposure_frame(results.sim, results.sim.jit, results.horizon))


def test_the_timeline_bars_add_up_to_the_exposure_minutes():
    name = "jit-standing-rdp-vs-jit"
    frame = run_view(_exposure_frame, name).dataframe[0].value
    m = load_scenario(SCENARIO_DIR / f"{name}.yaml").run().jit_metrics()
    by_kind = frame.groupby("Exposure")["Minutes"].sum()
    assert abs(by_kind["Open to the internet (standing rule)"] - m["jit_standing_exposure_minutes"]) < 1
    assert abs(by_kind["Open through JIT only"] - m["jit_exposure_minutes"]) < 1
    assert (frame["Until"] > frame["From"]).all()


def _no_jit():
    from pim_sim import load_scenario
    from pim_sim.scenario.model import SCENARIO_DIR
    from ui import jit_views

    jit_views.show_run(load_scenario(SCENARIO_DIR / "approval-expiry.yaml").run(), "t")


def test_a_run_without_jit_draws_nothing():
    at = run_view(_no_jit)
    assert not at.metric and not at.subheader


def _what_if(name, n):
    from pim_sim.scenario.model import SCENARIO_DIR
    from ui import jit_what_if, state

    raw = (SCENARIO_DIR / f"{name}.yaml").read_text(encoding="utf-8")
    jit_what_if.show(state.parse(raw), raw, n, "t")


def test_what_if_compares_two_jit_policies_with_the_models_numbers():
    """Variant A is the file's policy (2-hour maximum), B a 1-hour maximum: both replicated with the same seeds, and
    the page's means and intervals are those of the library's replications of the same two scenarios."""
    from pim_sim import Scenario
    from pim_sim.runner import replicate, summarise
    from ui import jit_what_if

    name, n = "jit-standing-rdp-vs-jit", 4
    at = run_view(_what_if, name, n)
    assert [s.value for s in at.slider] == [2.0, 1.0, 1.0, 1.0]  # A: the file's maximum and rate; B: 1 hour
    table = at.dataframe[0].value
    base = load_scenario(SCENARIO_DIR / f"{name}.yaml")
    for label, hours in (("JIT variant A", 2.0), ("JIT variant B", 1.0)):
        variant = Scenario.from_dict(jit_what_if.variant_data(base, hours, 1.0), budget=None)
        expected = summarise(replicate(variant, n).metrics).set_index("metric")
        row = table.loc["Exposure through JIT (min)"]
        assert row[("mean", label)] == round(expected.loc["jit_exposure_minutes", "mean"], 1)
        assert row[("ci_low", label)] == round(max(expected.loc["jit_exposure_minutes", "ci_low"], 0.0), 1)
        assert table.loc["Standing exposure (min)", ("mean", label)] == 10080
    # the shorter maximum caps every request at an hour: less exposure through JIT
    assert table.loc["Exposure through JIT (min)", ("mean", "JIT variant B")] < \
        table.loc["Exposure through JIT (min)", ("mean", "JIT variant A")]
    assert len(charts(at)) == 2


def test_a_jit_variant_changes_with_its_sliders():
    at = run_view(_what_if, "jit-standing-rdp-vs-jit", 2)
    before = at.dataframe[0].value.loc["JIT requests granted (per run)", ("mean", "JIT variant B")]
    at.slider[3].set_value(0.0).run()  # variant B: nobody asks
    assert not at.exception
    table = at.dataframe[0].value
    assert table.loc["JIT requests granted (per run)", ("mean", "JIT variant B")] == 0 < before
    assert table.loc["Exposure through JIT (min)", ("mean", "JIT variant B")] == 0


def _activity(name, minute):
    from pim_sim import load_scenario
    from pim_sim.scenario.model import SCENARIO_DIR
    from ui import jit_views

    results = load_scenario(SCENARIO_DIR / f"{name}.yaml").run()
    jit_views.show_activity(results.sim, minute, "t")


def test_the_activity_log_lists_what_is_visible_then():
    name = "jit-behind-pim-approval"
    results = load_scenario(SCENARIO_DIR / f"{name}.yaml").run()
    visible = results.where_visible(results.horizon)
    jit_rows = visible[visible["seq"].astype(str).str.startswith("jit-") & (visible["place"] == "Azure Activity Log")]
    table = run_view(_activity, name, results.horizon).dataframe[0].value
    assert len(table) == len(jit_rows) > 0
    assert (table["Operation name"] == "Initiate JIT Network Access Policy").sum() >= 4  # 3 refused + the grant
    assert set(table[table["Operation name"] == "Initiate JIT Network Access Policy"]["Status"]) >= {"Failed",
                                                                                                   "Succeeded"}
    gone = run_view(_activity, name, results.horizon + 91 * 1440).dataframe[0].value
    assert gone.empty  # 90 days later


def _why(name, minute, user, vm, port, source):
    from pim_sim import load_scenario
    from pim_sim.scenario.model import SCENARIO_DIR
    from ui import jit_views

    sim = load_scenario(SCENARIO_DIR / f"{name}.yaml").simulation()
    sim.run(minute)
    jit_views.show_connection_answer(sim.jit, source, vm, port, principal=user)


def test_why_cant_i_connect_names_the_rule_and_the_refusal():
    before = run_view(_why, "jit-behind-pim-approval", 80, "alice", "web1", 3389, "203.0.113.50")
    assert before.error and "JIT's deny rule" in before.error[0].value.replace("\\", "")
    assert any("refused (no permission)" in m.value.replace("\\", "") for m in before.markdown)
    during = run_view(_why, "jit-behind-pim-approval", 100, "alice", "web1", 3389, "203.0.113.50")
    assert during.success and "a rule JIT wrote" in during.success[0].value
    bypass = run_view(_why, BYPASS, 180, None, "vm-a", 3389, "198.51.100.1")
    assert bypass.success and "not JIT" in bypass.success[0].value and "allow-rdp" in bypass.success[0].value


def test_the_lab_page_shows_the_jit_section_for_a_jit_scenario():
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["scenario"] = BYPASS
    at.run()
    at.switch_page("ui/scenario_lab.py").run()
    assert not at.exception, at.exception
    assert "Just-in-time VM access" in [s.value for s in at.subheader]
    assert {m.label: m.value for m in at.metric}["Standing exposure (min)"] == "4,260"
    at.switch_page("ui/audit_explorer.py").run()
    assert not at.exception, at.exception
    assert "Azure Activity Log: just-in-time VM access" in [s.value for s in at.subheader]
    at.switch_page("ui/why_not.py").run()
    assert not at.exception, at.exception
    assert "Why can't I connect to this VM?" in [s.value for s in at.subheader]


def test_the_run_view_lists_requests_per_user_refusals_by_reason_and_waits():
    at = run_view(_show_run, "jit-behind-pim-approval")
    per_user = next(d.value for d in at.dataframe if "Refused" in d.value.columns)
    assert per_user.set_index("Requestor").loc["alice", "Requests"] == 1
    assert per_user.set_index("Requestor").loc["alice", "Refused"] == 3
    reasons = next(d.value for d in at.dataframe if "Reason" in d.value.columns)
    assert reasons.set_index("Reason").loc["no permission", "Count"] == 3
    waits = next(d.value for d in at.dataframe if list(d.value.columns) == ["Requestor", "Minutes"])
    assert waits["Minutes"].tolist() == [60.0]  # first refused attempt at 30 min, access at 90 min
