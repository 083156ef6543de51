"""State that never lies: each page keeps one model of what the user chose, started from the
scenario file whenever the scenario changes, kept across page switches, and (for the lab) held in
the address so a setup can be shared and reloaded."""

from __future__ import annotations

from pathlib import Path

import yaml
from page_widgets import widget
from quiz_app import open_page, quiz_store  # noqa: F401 - quiz_store: a fixture
from streamlit.testing.v1 import AppTest

from pim_sim.scenario.model import Scenario
from ui import state

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def lab(params: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in (params or {}).items():
        at.query_params[k] = v
    at.run()
    at.switch_page("ui/scenario_lab.py").run()
    assert not at.exception
    return at


def shipped_run(name: str, seed: int | None = None, **settings):
    """The shipped file, changed as ``settings`` say, run through the library (what the page must show)."""
    data = yaml.safe_load((ROOT / "scenarios" / f"{name}.yaml").read_text(encoding="utf-8"))
    if settings:
        role = settings.pop("role")
        state.set_role_settings(data, role, "/", settings)
    scenario = Scenario.from_dict(data)
    return scenario.run(scenario.seed if seed is None else seed).metrics()


def test_another_scenario_shows_and_runs_its_own_file_settings():
    at = lab()
    assert widget(at, "toggle", "lab_settings", "workload").value is False  # jit-basics has no workload
    widget(at, "selectbox", "lab", "scenario").set_value("standing-vs-jit").run()
    m = shipped_run("standing-vs-jit")
    assert widget(at, "toggle", "lab_settings", "workload").value is True  # the file's workload, shown as on
    assert widget(at, "number_input", "lab_settings", "seed").value == 4
    assert metric(at, "Activations requested") == f"{m['activations_requested']:.0f}" == "63"
    assert "workload:" in at.session_state[state.LAB_TEXT]


def test_the_next_click_after_a_scenario_change_keeps_the_file_settings():
    at = lab()
    widget(at, "toggle", "lab_role", "approval").set_value(True).run()  # a change on jit-basics
    widget(at, "selectbox", "lab", "scenario").set_value("standing-vs-jit").run()
    assert widget(at, "toggle", "lab_role", "approval").value is False
    widget(at, "toggle", "lab_role", "approval").set_value(True).run()
    m = shipped_run("standing-vs-jit", role="Exchange Administrator", require_approval=True)
    text = at.session_state[state.LAB_TEXT]
    assert "workload:" in text and "require_approval: true" in text
    assert metric(at, "Activations requested") == f"{m['activations_requested']:.0f}"
    assert metric(at, "Just-in-time privilege (h)") == f"{m['jit_privilege_hours']:.1f}"
    assert widget(at, "toggle", "lab_settings", "workload").value is True


def test_reset_to_the_file_settings():
    at = lab()
    widget(at, "toggle", "lab_role", "approval").set_value(True).run()
    widget(at, "number_input", "lab_settings", "seed").set_value(9).run()
    at.button(key="lab_reset").click().run()
    assert widget(at, "toggle", "lab_role", "approval").value is False
    assert widget(at, "number_input", "lab_settings", "seed").value == 1
    assert "require_approval" not in at.session_state[state.LAB_TEXT] or \
        "require_approval: true" not in at.session_state[state.LAB_TEXT]


def test_lab_settings_survive_other_pages_and_those_pages_explain_that_run():
    at = lab()
    widget(at, "selectbox", "lab", "scenario").set_value("standing-vs-jit").run()
    widget(at, "number_input", "lab_settings", "seed").set_value(7).run()
    text = at.session_state[state.LAB_TEXT]
    for page in ("ui/audit_explorer.py", "ui/why_not.py", "ui/what_if.py", "ui/quiz_practice.py"):
        at.switch_page(page).run()
        assert not at.exception
        assert at.session_state[state.LAB_TEXT] == text and at.session_state[state.LAB_SEED] == 7
    at.switch_page("ui/scenario_lab.py").run()
    assert widget(at, "number_input", "lab_settings", "seed").value == 7
    assert widget(at, "selectbox", "lab", "scenario").value == "standing-vs-jit"


def test_the_address_holds_the_setup_and_a_reload_brings_it_back():
    at = lab()
    widget(at, "selectbox", "lab", "scenario").set_value("standing-vs-jit").run()
    widget(at, "toggle", "lab_role", "approval").set_value(True).run()
    params = {k: at.query_params[k] for k in at.query_params}
    assert params["scenario"] == "standing-vs-jit" and params["approval"] == "on" and params["seed"] == "4"
    shown = metric(at, "Activations requested")
    again = lab(params)  # a new browser session opening the shared address
    assert widget(again, "toggle", "lab_role", "approval").value is True
    assert widget(again, "toggle", "lab_settings", "workload").value is True
    assert metric(again, "Activations requested") == shown


def test_values_in_the_address_that_are_not_valid_are_ignored_with_a_note():
    at = lab({"scenario": "standing-vs-jit", "seed": "-3", "rate": "99", "approval": "maybe"})
    assert widget(at, "number_input", "lab_settings", "seed").value == 4
    assert any("approval, rate, seed" in w.value for w in at.warning)
    at = lab({"scenario": "../../etc/passwd"})
    assert widget(at, "selectbox", "lab", "scenario").value == "jit-basics"


def test_what_if_offers_the_chosen_scenarios_own_roles_and_people():
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.session_state["model:whatif"] = {"identity": "whatif", "generation": 0,
                                        "values": {"base": "standing-vs-jit", "reps": 2}}
    at.switch_page("ui/what_if.py").run()
    assert widget(at, "selectbox", "whatif_scenario", "role").value.startswith("Exchange Administrator")
    widget(at, "selectbox", "whatif", "base").set_value("approval-expiry").run()
    assert not at.exception and not at.error
    assert widget(at, "selectbox", "whatif_scenario", "role").value == "Security Administrator at /"
    scenario = state.parse((ROOT / "scenarios" / "approval-expiry.yaml").read_text(encoding="utf-8"))
    people = {u.name for u in scenario.tenant.users}
    for tag in "ab":
        assert set(widget(at, "multiselect", f"whatif_{tag}", "approvers").value) <= people
    assert "Exchange Administrator" not in at.session_state["whatif_texts"]["Variant A"]


def test_why_not_user_and_portal_persona_survive_a_visit_elsewhere():
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("ui/portal.py").run()
    widget(at, "selectbox", "portal", "persona").set_value("bob").run()
    at.switch_page("ui/why_not.py").run()
    users = widget(at, "selectbox", "whynot", "user").options
    widget(at, "selectbox", "whynot", "user").set_value(users[-1]).run()
    at.switch_page("ui/audit_explorer.py").run()
    at.switch_page("ui/portal.py").run()
    assert widget(at, "selectbox", "portal", "persona").value == "bob"
    at.switch_page("ui/why_not.py").run()
    assert widget(at, "selectbox", "whynot", "user").value == users[-1]


def test_the_learner_profile_stays_the_chosen_one_across_pages_and_answers_go_under_it():
    at = open_page("ui/quiz_practice.py", learner="zed")
    at.text_input(key="quiz_new_profile").set_value("amy").run()  # alphabetically first
    at.button(key="quiz_create_profile").click().run()
    widget(at.sidebar, "selectbox", "learner", "profile").set_value("zed").run()
    for page in ("ui/quiz_exam.py", "ui/progress.py", "ui/scenario_lab.py", "ui/quiz_practice.py"):
        at.switch_page(page).run()
        assert at.session_state["quiz_learner"] == "zed"
    assert widget(at.sidebar, "selectbox", "learner", "profile").value == "zed"


def test_practice_without_a_seed_serves_a_new_set_each_time():
    orders = set()
    at = open_page("ui/quiz_practice.py")
    at.number_input(key="practice_count").set_value(5).run()
    for _ in range(4):
        at.button(key="practice_start").click().run()
        orders.add(tuple(i.question.id for i in at.session_state["practice_session"].items))
    assert len(orders) > 1
    seed = at.session_state["practice_seed_used"]
    at.number_input(key="practice_seed").set_value(seed).run()
    at.button(key="practice_start").click().run()
    first = tuple(i.question.id for i in at.session_state["practice_session"].items)
    at.button(key="practice_start").click().run()
    assert tuple(i.question.id for i in at.session_state["practice_session"].items) == first
