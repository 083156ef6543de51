"""Fix-the-tenant exercises: shipped files, the grader's partial credit, and fix validation."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pim_sim.posture.exercises import (
    SETTING_FIELDS,
    ExerciseError,
    Fix,
    exercise_from_dict,
    get_exercise,
    grade,
    list_exercises,
    run,
)

EXERCISES = {ex.id: ex for ex in list_exercises()}


def test_at_least_three_exercises_ship_each_with_a_goal_and_requirements():
    assert len(EXERCISES) >= 3
    for ex in EXERCISES.values():
        assert ex.goal and ex.title and len(ex.requirements) >= 3
        assert {r.check for r in ex.requirements} & {"scuba", "advice"}  # baseline checks
        assert {r.check for r in ex.requirements} & {"access_rate", "alert_sent", "approved_by_other"}  # replay


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_the_misconfigured_tenant_fails_and_the_solution_passes(name):
    ex = EXERCISES[name]
    before = grade(ex)
    after = grade(ex, ex.solution)
    assert before.score < before.max_score / 2
    assert after.solved and after.score == after.max_score == ex.max_points


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_grading_is_reproducible(name):
    ex = EXERCISES[name]
    assert grade(ex, ex.solution) == grade(ex, ex.solution)


def test_partial_credit_per_requirement():
    ex = EXERCISES["ga-wide-open"]
    half = {"settings": {"Global Administrator": {"activation_max": "PT1H", "require_approval": True,
                                                  "approvers": ["mariam", "olu"]}}}
    g = grade(ex, half)
    passed = {r.id for r in g.results if r.passed}
    assert passed == {"approval", "one-hour", "approved", "usable"}
    assert g.score == 4 and not g.solved
    missing = {r.id: r.detail for r in g.results if not r.passed}
    assert missing["no-standing"].startswith("Fail: 1 role(s) that contain users with permanent active assignment")
    assert missing["secops-told"].startswith("secops@contoso.com was told of 0 of")


def test_locking_the_helpdesk_down_loses_the_usability_credit():
    ex = EXERCISES["helpdesk-friction"]
    strict = Fix.from_dict({"settings": {"Helpdesk Administrator": {"require_ticket": True, "activation_max": "PT1H"},
                                         "Exchange Administrator": {"require_mfa": True, "activation_max": "PT2H"}}})
    g = {r.id: r for r in grade(ex, strict).results}
    assert not g["helpdesk-works"].passed  # requests over an hour are refused and the rest wait for lee
    assert g["helpdesk-no-approval"].passed is False  # approval still on from the misconfiguration


def test_a_fix_that_pim_refuses_names_the_setting():
    ex = EXERCISES["ga-wide-open"]
    with pytest.raises(ExerciseError) as e:
        grade(ex, {"settings": {"Global Administrator": {"activation_max": "PT30H"}}})
    assert e.value.path == "fix.settings.Global Administrator" and "1 to 24 hours" in str(e.value)
    with pytest.raises(ExerciseError, match=r"require_mfa.*not true or false"):
        grade(ex, {"settings": {"Global Administrator": {"require_mfa": "yes"}}})
    with pytest.raises(ExerciseError, match="not a role setting"):
        grade(ex, {"settings": {"Global Administrator": {"require_prayer": True}}})
    with pytest.raises(ExerciseError, match=r"alerts\.sms: choose from"):
        grade(ex, {"settings": {"Global Administrator": {"alerts": {"sms": ["x"]}}}})
    with pytest.raises(ExerciseError, match="is not a known role"):
        grade(ex, {"settings": {"Galactic Administrator": {"require_mfa": True}}})
    with pytest.raises(ExerciseError, match="has no standing active"):
        grade(ex, {"make_eligible": [["alice", "Global Administrator"]]})
    with pytest.raises(ExerciseError, match="unknown field"):
        grade(ex, {"setting": {}})
    with pytest.raises(ExerciseError, match="a fix is a mapping"):
        grade(ex, ["settings"])
    with pytest.raises(ExerciseError, match="not a list of approver names"):
        grade(ex, {"settings": {"Global Administrator": {"approvers": "mariam"}}})


def test_making_an_assignment_eligible_removes_the_standing_access():
    ex = EXERCISES["ga-wide-open"]
    sim, _ = run(ex, Fix.from_dict({"make_eligible": [["mallory", "Global Administrator"]]}))
    assert not sim.holds("mallory", "Global Administrator", at=60)
    assert sim.find("mallory", "Global Administrator", kind="eligible", at=60) is not None


def test_malformed_exercise_files_are_refused_with_the_field():
    good = {"id": "x", "title": "t", "goal": "g", "scenario": {"name": "x", "horizon": "P1D"},
            "requirements": [{"id": "a", "text": "t", "check": "scuba", "control": "MS.AAD.7.6v1"}]}
    assert exercise_from_dict(good).id == "x"
    with pytest.raises(ExerciseError, match=r"requirements\[0\]\.check"):
        exercise_from_dict({**good, "requirements": [{"id": "a", "text": "t", "check": "vibes"}]})
    with pytest.raises(ExerciseError, match="goal"):
        exercise_from_dict({k: v for k, v in good.items() if k != "goal"})
    with pytest.raises(ExerciseError, match="unknown field"):
        exercise_from_dict({**good, "answer": 42})


def test_unknown_exercise_lists_the_choices():
    with pytest.raises(ExerciseError, match="ga-wide-open"):
        get_exercise("nope")


values = st.none() | st.booleans() | st.integers(-2, 30) | st.sampled_from(["", "c1", "PT1H", "P2D", "mariam"]) \
    | st.lists(st.sampled_from(["mariam", "olu", "", "x@y.z"]), max_size=2) | st.just({"activation": ["x@y.z"]}) \
    | st.just({"sms": []}) | st.just({"activation": "x@y.z"})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(role=st.sampled_from(["Global Administrator", "Owner", "Member@/groups/none", "Galactic Administrator"]),
       changes=st.dictionaries(st.sampled_from(SETTING_FIELDS), values, min_size=1, max_size=3),
       eligible=st.none() | st.just(True) | st.just([["mallory", "Global Administrator"]]) | st.just([["x"]]))
def test_any_fix_is_graded_or_refused_with_its_field(role, changes, eligible):
    fix = {"settings": {role: changes}, **({} if eligible is None else {"make_eligible": eligible})}
    try:
        g = grade(EXERCISES["ga-wide-open"], fix)
    except ExerciseError as e:
        assert e.path.startswith("fix")
    else:
        assert 0 <= g.score <= g.max_score
