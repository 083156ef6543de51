"""Fix-the-tenant grades across the dashboard: handed in on Posture (Personal mode: the current
profile; Classroom mode: the signed-in learner), shown on Progress (best, latest, attempts) and in
the Instructor's kit's view of every learner, all read back from the progress store."""

from __future__ import annotations

from pathlib import Path

import pytest
from quiz_app import quiz_store, store_location  # noqa: F401 - quiz_store: a fixture
from streamlit.testing.v1 import AppTest

from pim_sim.posture import exercises
from quizzes.progress import Actor, exercise_grade, exercise_summary, open_store
from ui.access import PERSON, Who

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
OWNER = Actor.instructor()
EX = "ga-wide-open"
PREFIX = f"posture_{EX}_Global Administrator"


def posture(person: Who | None = None, profile: str | None = "ann") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if person is not None:
        at.session_state[PERSON] = person
    at.run()
    at.switch_page("ui/posture.py").run()
    assert not at.exception
    if profile:
        at.text_input(key="quiz_new_profile").set_value(profile).run()
        at.button(key="quiz_create_profile").click().run()
    at.selectbox(key="posture_exercise").set_value(EX).run()
    assert not at.exception
    return at


def shown_score(at: AppTest) -> str:
    return next(m.value for m in at.metric if m.label == "Score")


def apply_approval(at: AppTest) -> None:
    """Part of the solution through the page's own widgets: one hour, approval by two others."""
    at.selectbox(key="posture_role").set_value("Global Administrator").run()
    at.number_input(key=f"{PREFIX}_hours").set_value(1.0)
    at.checkbox(key=f"{PREFIX}_approval").check()
    at.multiselect(key=f"{PREFIX}_approvers").set_value(["mariam", "olu"])
    at.button(key=f"FormSubmitter:{PREFIX}_form-Apply to Global Administrator").click().run()
    assert not at.exception


def kept(learner: str):
    with open_store(store_location(), readonly=True) as store:
        return store.exercise_grades(learner, actor=OWNER)


def test_handing_in_keeps_the_grade_and_the_fix_under_the_current_profile():
    at = posture()
    ex = exercises.get_exercise(EX)
    at.button(key="posture_hand_in").click().run()  # as shipped first
    apply_approval(at)
    fix = at.session_state["posture_fixes"][EX]
    expected = exercises.grade(ex, fix)
    assert shown_score(at) == f"{expected.score:g} / {expected.max_score:g}"
    at.button(key="posture_hand_in").click().run()
    assert not at.exception
    grades = kept("ann")
    assert [g.score for g in grades] == [exercises.grade(ex).score, expected.score]
    assert grades[-1].fix_data() == exercises.Fix.from_dict(fix).to_dict()
    assert (grades[-1].passed, grades[-1].total) == (sum(r.passed for r in expected.results), len(ex.requirements))
    assert any(f"{expected.score:g} / {expected.max_score:g} points" in s.value for s in at.success)
    best = max(g.score for g in grades)
    assert any(f"Handed in 2 time(s): best {best:g} / {expected.max_score:g}, latest {expected.score:g}" in c.value
               for c in at.caption)
    assert kept("someone-else") == []


def test_without_a_profile_nothing_is_handed_in():
    at = posture(profile=None)
    assert not [b for b in at.button if b.key == "posture_hand_in"]
    assert any("Create a learner profile" in c.value for c in at.caption)


def test_progress_shows_best_latest_and_attempts_per_exercise():
    ex = exercises.get_exercise(EX)
    with open_store(store_location()) as store:
        for fix in ({}, ex.solution, {}):
            store.record_exercise(exercise_grade("ann", exercises.grade(ex, fix), fix), actor=OWNER)
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("ui/progress.py").run()
    assert not at.exception
    table = next(t.value for t in at.table if "Attempts" in t.value.columns)
    summary = exercise_summary(kept("ann"))[0]
    assert list(table.index) == [ex.title]
    row = table.iloc[0]
    assert row["Attempts"] == "3"
    assert (row["Best"], row["Latest"], row["Out of"]) == (f"{summary.best.score:g}", f"{summary.latest.score:g}",
                                                           f"{ex.max_points:g}")
    assert summary.best.score == exercises.grade(ex, ex.solution).score
    assert summary.latest.score == exercises.grade(ex).score


def test_a_signed_in_learner_hands_in_under_their_own_name(monkeypatch, tmp_path):
    monkeypatch.setenv("PIM_SIM_MODE", "classroom")
    monkeypatch.setenv("PIM_SIM_ROSTER", str(tmp_path / "roster.json"))
    at = posture(Who("ann", False, "roster"), profile=None)
    assert not [s for s in at.sidebar.selectbox if s.label == "Profile"]  # no picker of other learners
    at.button(key="posture_hand_in").click().run()
    assert not at.exception
    assert [g.learner for g in kept("ann")] == ["ann"]
    at.switch_page("ui/progress.py").run()
    assert not at.exception
    table = next(t.value for t in at.table if "Attempts" in t.value.columns)  # shown without any answer
    assert table["Attempts"].tolist() == ["1"]


@pytest.mark.parametrize("mode", ["personal", "classroom"])
def test_the_teacher_view_lists_each_learners_exercises(monkeypatch, tmp_path, mode):
    if mode == "classroom":
        monkeypatch.setenv("PIM_SIM_MODE", "classroom")
        monkeypatch.setenv("PIM_SIM_ROSTER", str(tmp_path / "roster.json"))
    ex = exercises.get_exercise(EX)
    with open_store(store_location()) as store:
        for learner, fixes in (("ann", [{}, ex.solution]), ("bob", [{}])):
            for fix in fixes:
                store.record_exercise(exercise_grade(learner, exercises.grade(ex, fix), fix), actor=OWNER)
    at = AppTest.from_file(APP, default_timeout=60)
    if mode == "classroom":
        at.session_state[PERSON] = Who("teach", True, "roster")
    at.run()
    at.switch_page("ui/instructor.py").run()
    assert not at.exception
    learners = next(d.value for d in at.dataframe if "last_activity_utc" in d.value.columns).set_index("learner")
    assert learners.loc["ann", f"exercise_{EX}_best"] == ex.max_points
    assert learners.loc["ann", f"exercise_{EX}_latest"] == exercises.grade(ex, ex.solution).score
    assert learners.loc["ann", f"exercise_{EX}_attempts"] == 2 and learners.loc["bob", f"exercise_{EX}_attempts"] == 1
    per_exercise = next(d.value for d in at.dataframe if "best_points" in d.value.columns)
    assert per_exercise[["learner", "attempts", "best_points"]].values.tolist() == [
        ["ann", 2, ex.max_points], ["bob", 1, exercises.grade(ex).score]]
    assert "Exercises (CSV)" in {b.label for b in at.get("download_button")}
