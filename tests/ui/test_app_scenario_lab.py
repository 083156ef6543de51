"""The Scenario lab page: opens on the default scenario, turns widgets into a scenario, runs it
once per (text, seed) and shows what the model produced."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from page_widgets import widget
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.testing.v1 import AppTest

from pim_sim.scenario.model import Scenario, ScenarioError, default_scenario
from ui import charts, state

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def open_lab() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("ui/scenario_lab.py").run()
    assert not at.exception
    return at


def chart_data(element):
    """The rows a Vega-Lite chart draws: inline in its spec, or sent beside it as Arrow data."""
    if element.proto.datasets:
        return convert_arrow_bytes_to_pandas_df(element.proto.datasets[0].data.data)
    return pd.DataFrame(next(iter(json.loads(element.proto.spec)["datasets"].values())))


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def expected(changes: dict | None = None, seed: int | None = None):
    """The same scenario, changed and run through the library directly."""
    base = default_scenario()
    data = base.to_dict()
    if changes:
        data.setdefault("settings", []).append({"role": "Security Administrator", **changes})
    scenario = Scenario.from_dict(data)
    return scenario, scenario.run(base.seed if seed is None else seed)


def test_the_lab_opens_on_the_default_scenario_and_shows_its_run():
    at = open_lab()
    scenario, results = expected()
    assert at.subheader[0].value == scenario.title
    m = results.metrics()
    assert metric(at, "Activations requested") == f"{m['activations_requested']:.0f}"
    assert metric(at, "Refused by PIM") == f"{m['refusals']:.0f}"
    assert metric(at, "Time to access, median (min)") == f"{m['time_to_access_p50_min']:.1f}"
    assert metric(at, "Standing privilege (h)") == f"{m['standing_privilege_hours']:.1f}"
    observations = next(d.value for d in at.dataframe if "Observation" in d.value.columns)
    assert list(observations["Observation"]) == [o.text for o in scenario.spec.observe]
    assert observations["Seen"].all() and list(observations["Seen"]) == [o.passed for o in scenario.observe(results)]
    requests = next(d.value for d in at.dataframe if "Request" in d.value.columns)
    assert list(requests["Request"]) == list(results.requests["id"])
    assert at.session_state[state.LAB_TEXT] == state.scenario_text(scenario)


def test_the_timeline_is_a_gantt_of_every_interval_with_a_colour_blind_safe_palette_and_units():
    at = open_lab()
    _, results = expected()
    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    enc = spec["encoding"]
    assert spec["mark"]["type"] == "bar" and enc["x2"]["field"] == "Until"
    assert enc["y"]["title"] == "Person · role"
    assert enc["x"]["title"] == "Time (UTC)"
    assert enc["color"]["scale"]["range"] == list(charts.ACCESS_COLOURS)
    # the colours need their key: Vega-Lite merges the legends of channels on one field, and a channel on
    # "Access" with legend=None hid the colour legend too (the browser test checks it is drawn)
    assert enc["color"]["legend"] and all(ch.get("field") != "Access" for name, ch in enc.items() if name != "color"
                                          and isinstance(ch, dict) and ch.get("legend", {}) is None)
    assert set(charts.ACCESS_COLOURS) <= set(charts.OKABE_ITO)
    rows = chart_data(at.get("vega_lite_chart")[0])
    assert len(rows) == len(results.intervals[results.intervals["stop"] > results.intervals["start"]])
    drawn = results.intervals[results.intervals["stop"] > results.intervals["start"]]
    assert set(rows["Access"]) == {charts.access_kind(k, o, e) for k, o, e in zip(drawn["kind"], drawn["origin"], drawn["end"],
                                                                               strict=True)}
    assert {"Eligible", "Activated (just in time)"} <= set(rows["Access"])  # the lesson of jit-basics


def test_a_shorter_activation_maximum_is_enforced_by_the_model():
    at = open_lab()
    widget(at, "slider", "lab_role", "max").set_value(1.0).run()
    assert not at.exception
    _, results = expected({"activation_max": 60.0})
    assert metric(at, "Refused by PIM") == f"{results.metrics()['refusals']:.0f}"
    assert int(metric(at, "Refused by PIM")) > 1  # the 2-hour request is now refused too
    assert "activation_max: 60.0" in at.session_state[state.LAB_TEXT]
    refused = next(d.value for d in at.dataframe if "rule" in d.value.columns)
    assert set(refused["rule"]) == {"ExpirationRule"}


def test_approval_without_a_deciding_approver_lets_requests_expire():
    at = open_lab()
    widget(at, "toggle", "lab_role", "approval").set_value(True).run()
    _, results = expected({"require_approval": True})
    m = results.metrics()
    assert metric(at, "Denied / expired requests") == f"{m['requests_denied']:.0f} / {m['requests_expired']:.0f}"
    assert m["requests_expired"] >= 1
    assert metric(at, "Activations provisioned") == f"{m['activations_provisioned']:.0f}"


def test_workload_and_seed_change_the_run_and_the_same_seed_repeats_it():
    at = open_lab()
    widget(at, "toggle", "lab_settings", "workload").set_value(True).run()
    widget(at, "slider", "lab_settings", "rate").set_value(3.0).run()
    widget(at, "number_input", "lab_settings", "seed").set_value(11).run()
    first = metric(at, "Activations requested")
    assert int(first) > 2  # the workload adds activations to the scripted two
    widget(at, "number_input", "lab_settings", "seed").set_value(12).run()
    widget(at, "number_input", "lab_settings", "seed").set_value(11).run()
    assert metric(at, "Activations requested") == first


def test_a_run_is_computed_once_however_often_pages_are_visited(monkeypatch):
    calls = []
    original = Scenario.run

    def counting(self, seed=None, **kw):
        calls.append(seed)
        return original(self, seed, **kw)

    monkeypatch.setattr(Scenario, "run", counting)
    at = open_lab()
    widget(at, "number_input", "lab_settings", "seed").set_value(424242).run()
    for page in ("ui/audit_explorer.py", "ui/why_not.py", "ui/scenario_lab.py", "ui/audit_explorer.py"):
        at.switch_page(page).run()
        assert not at.exception
    assert calls.count(424242) == 1
    at.switch_page("ui/scenario_lab.py").run()
    assert widget(at, "number_input", "lab_settings", "seed").value == 424242  # the lab's widgets survive the visits


def test_every_table_can_be_downloaded():
    at = open_lab()
    labels = [b.proto.label for b in at.get("download_button")]
    tables = ["audit", "requests", "status_changes", "intervals", "effective_access", "notifications", "refusals",
              "approvals_by_approver", "expired_requests", "review_outcomes", "review_decisions", "alert_incidents"]
    assert labels == [f"{t}.csv" for t in tables] + ["scenario.yaml"]
    _, results = expected()
    for table in tables:  # every one is a table the library builds for this run
        assert isinstance(getattr(results, table), pd.DataFrame)


def test_uploads_are_bounded_and_must_be_text():
    with pytest.raises(ScenarioError, match="limited to"):
        state.read_upload("big.yaml", b"#" * (state.MAX_BYTES + 1))
    with pytest.raises(ScenarioError, match="not UTF-8"):
        state.read_upload("latin1.yaml", b"title: caf\xe9\n")
    with pytest.raises(ScenarioError, match="not valid UTF-16"):  # a UTF-16 byte-order mark, then half a character
        state.read_upload("bin.yaml", b"\xff\xfe\x00")
    assert state.read_upload("ps.yaml", "name: café\n".encode("utf-16")) == "name: café\n"  # PowerShell 5.1's default
    assert state.read_upload("ok.yaml", b"name: x\n") == "name: x\n"


def test_scenario_errors_name_line_and_field():
    text = ("name: broken\nhorizon: P1D\nassignments:\n"
            "  - principal: alice\n    role: Security Administrator\n    kind: sometimes\n")
    with pytest.raises(ScenarioError) as info:
        state.parse(text)
    shown = state.issues_markdown(info.value)
    assert "line 6" in shown and "`assignments[0].kind`" in shown


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hours=st.sampled_from([1.0, 2.5, 4.0, 8.0, 12.0, 24.0]), approval=st.booleans())
def test_the_page_always_shows_what_the_library_computes(hours, approval):
    at = open_lab()
    widget(at, "slider", "lab_role", "max").set_value(hours).run()
    widget(at, "toggle", "lab_role", "approval").set_value(approval).run()
    assert not at.exception and not at.error
    changes = {k: v for k, v in (("activation_max", hours * 60), ("require_approval", approval))
               if v != {"activation_max": 480.0, "require_approval": False}[k]}
    _, results = expected(changes or None)
    m = results.metrics()
    assert metric(at, "Activations provisioned") == f"{m['activations_provisioned']:.0f}"
    assert metric(at, "Refused by PIM") == f"{m['refusals']:.0f}"


@pytest.mark.parametrize("name", sorted(p.stem for p in (Path(__file__).resolve().parents[2] / "scenarios").glob("*.yaml")))
def test_every_shipped_scenario_opens_in_the_lab(name):
    at = open_lab()
    widget(at, "selectbox", "lab", "scenario").set_value(name).run()
    assert not at.exception and not at.error
    scenario = state.parse(at.session_state[state.LAB_TEXT])
    assert scenario.name == name and at.subheader[0].value == scenario.title
    observed = next((d.value for d in at.dataframe if "Expected" in d.value.columns), None)
    if observed is not None:  # the observations say when as the portal would, never "at minute 2040"
        assert len(observed) == len(scenario.spec.observe)
        assert not observed[["Expected", "In this run"]].apply(lambda c: c.str.contains(r"minute \d")).any().any()


def test_review_options_change_what_happens_to_unreviewed_people():
    at = open_lab()
    widget(at, "selectbox", "lab", "scenario").set_value("review-no-response").run()
    assert widget(at, "selectbox", "lab_settings", "review_no_response").value == "Remove access"

    def alice_still_eligible() -> bool:
        scenario = state.parse(at.session_state[state.LAB_TEXT])
        sim = scenario.run(int(widget(at, "number_input", "lab_settings", "seed").value)).sim
        return sim.find("alice", "Security Administrator", kind="eligible") is not None

    assert not alice_still_eligible()  # nobody reviewed her: removed when the results were applied
    widget(at, "selectbox", "lab_settings", "review_no_response").set_value("No change").run()
    assert not at.exception and "no_response: Remove access" not in at.session_state[state.LAB_TEXT]  # the default
    assert alice_still_eligible()
    widget(at, "toggle", "lab_settings", "review_auto_apply").set_value(False).run()
    widget(at, "selectbox", "lab_settings", "review_no_response").set_value("Remove access").run()
    assert alice_still_eligible()  # decided, but never applied


def test_choosing_another_role_keeps_the_choice_and_shows_that_roles_settings():
    at = open_lab()
    widget(at, "selectbox", "lab", "scenario").set_value("azure-settings-not-inherited").run()
    labels = widget(at, "selectbox", "lab_settings", "role").options
    assert len(labels) > 1
    scenario = state.parse(at.session_state[state.LAB_TEXT])
    for label in labels:
        widget(at, "selectbox", "lab_settings", "role").set_value(label).run()
        assert widget(at, "selectbox", "lab_settings", "role").value == label
        role, scope = label.split(" at ")
        current = scenario.settings.lookup(role, scope, scenario.tenant.scope(scope).surface)
        assert widget(at, "toggle", "lab_role", "approval").value == current.require_approval
        assert widget(at, "slider", "lab_role", "max").value == current.activation_max / 60


@pytest.mark.parametrize(("kind", "origin", "end", "label"), [
    ("eligible", "assigned", None, "Eligible"), ("eligible", "assigned", 600.0, "Eligible"),
    ("active", "activated", 120.0, "Activated (just in time)"), ("active", "assigned", None, "Permanent active"),
    ("active", "assigned", float("nan"), "Permanent active"), ("active", "assigned", 600.0, "Active, time-bound"),
    ("active", "outsidePim", None, "Permanent active"), ("active", "standing", None, "Permanent active"),
])
def test_each_interval_is_labelled_as_a_student_reads_it(kind, origin, end, label):
    assert charts.access_kind(kind, origin, end) == label


@pytest.mark.parametrize(("name", "frame", "title"), [("approval-expiry", "expired_requests", "Requests that expired unanswered"),
                                                     ("review-no-response", "review_outcomes", "Access reviews"),
                                                     ("outside-pim-alert", "alert_incidents", "PIM security alerts")])
def test_governance_tables_appear_when_the_run_has_them(name, frame, title):
    at = open_lab()
    widget(at, "selectbox", "lab", "scenario").set_value(name).run()
    scenario = state.parse(at.session_state[state.LAB_TEXT])
    expected_rows = getattr(scenario.run(scenario.seed), frame)
    assert len(expected_rows) > 0
    shown = [d.value for d in at.dataframe if list(d.value.columns) == list(expected_rows.columns)]
    assert len(shown) == 1 and len(shown[0]) == len(expected_rows)
    assert title in [h.value for h in (*at.subheader, *at.markdown)] or f"**{title}**" in [m.value for m in at.markdown]
