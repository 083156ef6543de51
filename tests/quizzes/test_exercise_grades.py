"""Fix-the-tenant grades in the progress store: kept per learner with the fix as JSON text, each in
its own transaction; best, latest and attempts derived from them; a version 1 store upgraded
without losing an answer (SQLite and, when CI provides it, PostgreSQL)."""

from __future__ import annotations

import json
import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from progress_stores import _backend  # noqa: F401 - the backend fixture

from pim_sim.posture import exercises
from quizzes.progress import (
    SCHEMA_VERSION,
    Actor,
    Answer,
    ExerciseGrade,
    ProgressError,
    exercise_grade,
    exercise_summary,
    fix_json,
    open_store,
)

OWNER = Actor.instructor()
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def graded(learner: str, exercise: str, fix, minutes: int = 0) -> ExerciseGrade:
    ex = exercises.get_exercise(exercise)
    return exercise_grade(learner, exercises.grade(ex, fix), fix, T0 + timedelta(minutes=minutes))


def test_a_grade_round_trips_with_its_checks_points_and_the_fix_as_plain_data(backend):
    ex = exercises.get_exercise("ga-wide-open")
    grade = exercises.grade(ex, ex.solution)
    with open_store(backend) as store:
        kept = store.record_exercise(exercise_grade("ann", grade, ex.solution, T0), actor=OWNER)
    with open_store(backend, readonly=True) as store:
        got = store.exercise_grades("ann", actor=OWNER)
    assert got == [kept] and kept.id is not None
    g = got[0]
    assert (g.exercise, g.passed, g.total) == (ex.id, sum(r.passed for r in grade.results), len(grade.results))
    assert (g.score, g.max_score) == (grade.score, grade.max_score) and g.solved == grade.solved
    assert g.graded_at == T0 and g.graded_at.tzinfo is not None
    assert g.fix_data() == ex.solution.to_dict()  # the fix itself, to re-grade or show again
    assert exercises.grade(ex, g.fix_data()).score == g.score


def test_grades_come_back_per_learner_in_order_and_filter_by_exercise(backend):
    shipped = exercises.get_exercise("ga-wide-open")
    with open_store(backend) as store:
        store.record_exercise(graded("ann", "ga-wide-open", shipped.solution, 5), actor=OWNER)
        store.record_exercise(graded("ann", "ga-wide-open", {}, 1), actor=OWNER)
        store.record_exercise(graded("ann", "silent-assignments", {}, 3), actor=OWNER)
        store.record_exercise(graded("bob", "ga-wide-open", {}, 2), actor=OWNER)
        assert [(g.exercise, g.graded_at) for g in store.exercise_grades("ann", actor=OWNER)] == [
            ("ga-wide-open", T0 + timedelta(minutes=1)), ("silent-assignments", T0 + timedelta(minutes=3)),
            ("ga-wide-open", T0 + timedelta(minutes=5))]
        assert len(store.exercise_grades("ann", actor=OWNER, exercise="ga-wide-open")) == 2
        assert [g.learner for g in store.exercise_grades("bob", actor=OWNER)] == ["bob"]
        assert store.learners(actor=OWNER) == ["ann", "bob"]  # a grade makes the profile, like an answer


def test_best_latest_and_attempts_per_exercise():
    ex = exercises.get_exercise("ga-wide-open")
    shipped, solved = exercises.grade(ex), exercises.grade(ex, ex.solution)
    log = [graded("ann", ex.id, {}, 0), graded("ann", ex.id, ex.solution, 1), graded("ann", ex.id, {}, 2),
           graded("ann", "helpdesk-friction", {}, 3)]
    rows = {s.exercise: s for s in exercise_summary(log)}
    assert list(rows) == ["ga-wide-open", "helpdesk-friction"]
    assert rows[ex.id].attempts == 3
    assert rows[ex.id].best.score == solved.score and rows[ex.id].best.graded_at == T0 + timedelta(minutes=1)
    assert rows[ex.id].latest.score == shipped.score and rows[ex.id].latest.graded_at == T0 + timedelta(minutes=2)
    assert rows["helpdesk-friction"].attempts == 1


grades = st.lists(st.tuples(st.sampled_from(["a", "b", "c"]), st.integers(0, 6), st.integers(0, 10_000)),
                  min_size=1, max_size=30)


@settings(max_examples=60, deadline=None)
@given(grades)
def test_the_summary_holds_for_any_log(log):
    made = [ExerciseGrade("ann", name, points, 6, float(points), 6.0, "{}", T0 + timedelta(seconds=s), id=i)
            for i, (name, points, s) in enumerate(log)]
    rows = exercise_summary(made)
    assert [r.exercise for r in rows] == sorted({g.exercise for g in made})
    for r in rows:
        mine = [g for g in made if g.exercise == r.exercise]
        assert r.attempts == len(mine)
        assert r.best.score == max(g.score for g in mine) and r.best in mine
        assert r.latest == max(mine, key=lambda g: (g.graded_at, g.id))


@pytest.mark.parametrize(("change", "field"), [
    ({"score": 8.0}, "score"), ({"passed": 9}, "passed"), ({"total": -1}, "total"), ({"passed": True}, "passed"),
    ({"score": float("nan")}, "score"), ({"fix": "not json"}, "fix"), ({"fix": "[1, 2]"}, "fix"),
    ({"fix": "{}" + " " * 20_000}, "fix"), ({"graded_at": datetime(2026, 3, 2)}, "graded_at"),
    ({"exercise": ""}, "exercise"), ({"learner": "a\u202eb"}, "learner")])
def test_a_bad_grade_is_refused_naming_the_field_and_nothing_is_stored(tmp_path, change, field):
    good = graded("ann", "ga-wide-open", {})
    with open_store(tmp_path / "p.sqlite3") as store:
        with pytest.raises(ProgressError, match=field):
            store.record_exercise(replace(good, **change), actor=OWNER)
        assert store.learners(actor=OWNER) == []


def test_a_fix_is_kept_as_json_text_of_plain_data_only():
    assert json.loads(fix_json({"settings": {"Global Administrator": {"require_approval": True}}, "make_eligible": []}))
    for odd in ({"settings": {1, 2}}, {"settings": object()}, {"make_eligible": [float("inf")]}, ["not", "a", "mapping"]):
        with pytest.raises(ProgressError, match="fix"):
            fix_json(odd)


def _make_version_1(location: str) -> None:
    """The store as version 1 of pim-sim left it: the same tables without exercise grades."""
    with open_store(location) as store:
        store.record(Answer("ann", "q-1", "SC-300:4.4.4", "SC-300:4", 1.0, T0, 3.0), actor=OWNER)
        store.record(Answer("bob", "q-2", "SC-300:4.4.4", "SC-300:4", 0.5, T0, 4.0), actor=OWNER)
        with store.transaction():
            store._execute("DROP TABLE exercise_grades")
            store._execute("UPDATE pim_sim_meta SET value = '1' WHERE key = 'schema_version'")


def _version(store) -> str:
    return str(store._execute("SELECT value FROM pim_sim_meta WHERE key = 'schema_version'").fetchone()[0])


def test_a_version_1_store_is_read_as_it_is_and_upgraded_when_opened_to_write(backend):
    _make_version_1(backend)
    with open_store(backend, readonly=True) as store:  # read only: no schema change, no grades yet
        before = {n: store.answers(n, actor=OWNER) for n in ("ann", "bob")}
        assert _version(store) == "1" and store.exercise_grades("ann", actor=OWNER) == []
    with open_store(backend) as store:
        assert _version(store) == str(SCHEMA_VERSION)
        assert {n: store.answers(n, actor=OWNER) for n in ("ann", "bob")} == before  # every answer kept
        assert sum(len(v) for v in before.values()) == 2
        kept = store.record_exercise(graded("ann", "ga-wide-open", {}), actor=OWNER)
    with open_store(backend) as store:  # opening an upgraded store again changes nothing
        assert store.exercise_grades("ann", actor=OWNER) == [kept] and _version(store) == str(SCHEMA_VERSION)


def test_reading_a_version_1_store_changes_nothing(tmp_path):
    location = str(tmp_path / "v1.sqlite3")
    with open_store(location) as store:
        store.record(Answer("ann", "q-1", "SC-300:4.4.4", "SC-300:4", 1.0, T0, 3.0), actor=OWNER)
        with store.transaction():
            store._execute("DROP TABLE exercise_grades")
            store._execute("UPDATE pim_sim_meta SET value = '1' WHERE key = 'schema_version'")
    with open_store(location, readonly=True) as store:
        assert store.exercise_grades("ann", actor=OWNER) == [] and len(store.answers("ann", actor=OWNER)) == 1
        assert _version(store) == "1" and not store._columns("exercise_grades")


def test_learners_writing_grades_at_once_lose_nothing(backend):
    with open_store(backend):
        pass  # the schema exists before the writers start, as on a class server
    learners = [f"learner{n}" for n in range(4)]
    errors: list[BaseException] = []

    def write(name: str) -> None:
        try:
            with open_store(backend) as store:  # one connection per writer, as each page session opens
                for n in range(5):
                    store.record_exercise(replace(graded(name, "ga-wide-open", {}), graded_at=T0 + timedelta(seconds=n)),
                                          actor=Actor.learner(name))
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=write, args=(name,)) for name in learners]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with open_store(backend, readonly=True) as store:
        for name in learners:
            assert [g.graded_at for g in store.exercise_grades(name, actor=OWNER)] == [
                T0 + timedelta(seconds=n) for n in range(5)]
