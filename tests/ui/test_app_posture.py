"""The Posture page: SCuBA checks and deployment-plan advice on a tenant, and the fix-the-tenant
exercises graded as the student changes settings."""

from __future__ import annotations

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

from pim_sim.posture import baseline, exercises

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
FIX = ROOT / "tests" / "fixtures" / "graph"


def open_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("ui/posture.py").run()
    assert not at.exception
    return at


def frame_with(at: AppTest, column: str):
    return next(d.value for d in at.dataframe if column in d.value.columns)


def score(at: AppTest) -> str:
    return next(m.value for m in at.metric if m.label == "Score")


def test_the_page_opens_on_the_first_exercise_graded_as_shipped():
    at = open_page()
    ex = exercises.list_exercises()[0]
    assert at.selectbox(key="posture_exercise").value == ex.id
    expected = exercises.grade(ex)
    assert score(at) == f"{expected.score:g} / {expected.max_score:g}"
    grade = frame_with(at, "Requirement")
    assert list(grade["Requirement"]) == [r.text for r in ex.requirements]
    scuba = frame_with(at, "Control")
    assert list(scuba["Control"]) == list(baseline.CONTROLS)
    policy = json.loads(at.json[1].value)  # [0] is the student's changes
    assert policy["roleDefinitionId"] == "62e90394-69f5-4237-9190-012177145e10"
    assert len(policy["policy"]["rules"]) == 17


def test_changing_settings_regrades_and_the_solution_scores_full_marks():
    at = open_page()
    at.selectbox(key="posture_exercise").set_value("ga-wide-open").run()
    at.selectbox(key="posture_role").set_value("Global Administrator").run()
    prefix = "posture_ga-wide-open_Global Administrator"
    at.number_input(key=f"{prefix}_hours").set_value(1.0)
    at.checkbox(key=f"{prefix}_approval").check()
    at.multiselect(key=f"{prefix}_approvers").set_value(["mariam", "olu"])
    at.button(key=f"FormSubmitter:{prefix}_form-Apply to Global Administrator").click().run()
    assert not at.exception
    assert score(at) == "4 / 7"
    at.text_input(key=f"{prefix}_alert_activation").set_value("secops@contoso.com")
    at.button(key=f"FormSubmitter:{prefix}_form-Apply to Global Administrator").click().run()
    at.multiselect(key="posture_ga-wide-open_eligible").set_value(["mallory · Global Administrator"]).run()
    assert not at.exception
    assert score(at) == "7 / 7"
    assert any("Every requirement is met" in s.value for s in at.success)
    ex = exercises.get_exercise("ga-wide-open")
    assert exercises.grade(ex, at.session_state["posture_fixes"]["ga-wide-open"]).solved


def test_the_page_grades_what_the_library_grades_for_the_same_fix():
    at = open_page()
    at.selectbox(key="posture_exercise").set_value("silent-assignments").run()
    at.selectbox(key="posture_role").set_value("Exchange Administrator").run()
    prefix = "posture_silent-assignments_Exchange Administrator"
    at.text_input(key=f"{prefix}_alert_activation").set_value("secops@contoso.com; soc@contoso.com")
    at.button(key=f"FormSubmitter:{prefix}_form-Apply to Exchange Administrator").click().run()
    assert not at.exception
    fix = at.session_state["posture_fixes"]["silent-assignments"]
    assert fix["settings"]["Exchange Administrator"]["alerts"]["activation"] == ["secops@contoso.com", "soc@contoso.com"]
    expected = exercises.grade(exercises.get_exercise("silent-assignments"), fix)
    assert score(at) == f"{expected.score:g} / {expected.max_score:g}"
    passed = {r.id for r in expected.results if r.passed}
    assert passed == {"exchange-told"}


def test_a_pasted_scubagear_export_is_checked():
    at = open_page()
    at.radio(key="posture_source").set_value("A Graph or ScubaGear export").run()
    at.text_area(key="posture_json").set_value((FIX / "ProviderSettingsExport.json").read_text()).run()
    assert not at.exception
    scuba = frame_with(at, "Control")
    assert list(scuba["Result"]) == ["Pass", "Fail", "Fail", "Fail", "Fail", "Fail", "Fail", "Pass", "Warning"]


def test_a_malformed_export_gets_a_clear_error():
    at = open_page()
    at.radio(key="posture_source").set_value("A Graph or ScubaGear export").run()
    doc = json.loads((FIX / "malformed" / "13_context_enabled_without_claim.json").read_text())
    at.text_area(key="posture_json").set_value(json.dumps(doc)).run()
    assert not at.exception
    assert "AuthenticationContext_EndUser_Assignment: claimValue" in at.error[0].value


def test_the_scenario_lab_run_can_be_checked():
    at = open_page()
    at.radio(key="posture_source").set_value("Scenario lab run").run()
    assert not at.exception
    assert len(frame_with(at, "Control")) == 9


def test_pim_for_groups_settings_can_be_changed_on_the_page():
    at = open_page()
    at.selectbox(key="posture_exercise").set_value("tier0-group-backdoor").run()
    role = "Member@/groups/tier0"
    at.selectbox(key="posture_role").set_value(role).run()
    prefix = f"posture_tier0-group-backdoor_{role}"
    button = f"FormSubmitter:{prefix}_form-Apply to {role}"
    at.checkbox(key=f"{prefix}_approval").check()
    at.button(key=button).click().run()
    assert not at.exception
    assert "groups roles have no default approvers" in at.error[0].value  # refused, not applied
    assert at.session_state["posture_fixes"]["tier0-group-backdoor"]["settings"] == {}
    at.multiselect(key=f"{prefix}_approvers").set_value(["mariam", "olu"])
    at.text_input(key=f"{prefix}_alert_activation").set_value("secops@contoso.com")
    at.button(key=button).click().run()
    assert not at.exception and score(at) == "5 / 5"
    policy = json.loads(at.json[1].value)
    assert (policy["scopeType"], policy["roleDefinitionId"]) == ("Group", "member")
