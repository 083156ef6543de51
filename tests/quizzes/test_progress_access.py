"""Who may read and write what, checked by the progress store itself: every call that touches a
learner's data takes an actor, and a learner is refused another learner's data and the class's list
(on SQLite and, when CI provides it, PostgreSQL)."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from progress_stores import _backend  # noqa: F401 - the backend fixture

from pim_sim.posture import exercises
from quizzes.errors import QuizError
from quizzes.progress import AccessDenied, Actor, Answer, exercise_grade, open_store

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
OWNER = Actor.instructor()
ANN = Actor.learner("ann")


def answer(learner: str, n: int = 0) -> Answer:
    return Answer(learner, f"q-{n}", "SC-300:4.4.4", "SC-300:4", 1.0, T0 + timedelta(minutes=n), 5.0)


def graded(learner: str):
    ex = exercises.get_exercise("ga-wide-open")
    return exercise_grade(learner, exercises.grade(ex, ex.solution), ex.solution, T0)


def seeded(location: str) -> None:
    """bob has an answer and an exercise grade; ann has one answer."""
    with open_store(location) as store:
        store.record(answer("bob"), actor=OWNER)
        store.record_exercise(graded("bob"), actor=OWNER)
        store.record(answer("ann"), actor=OWNER)


def everything(location: str) -> tuple:
    """What the store holds, read by its owner."""
    with open_store(location, readonly=True) as store:
        names = store.learners(actor=OWNER)
        return (names, {n: store.answers(n, actor=OWNER) for n in names},
                {n: store.exercise_grades(n, actor=OWNER) for n in names})


REFUSED = {
    "add_learner": lambda s: s.add_learner("bob", actor=ANN),
    "learners": lambda s: s.learners(actor=ANN),
    "record": lambda s: s.record(answer("bob", 9), actor=ANN),
    "answers": lambda s: s.answers("bob", actor=ANN),
    "record_exercise": lambda s: s.record_exercise(graded("bob"), actor=ANN),
    "exercise_grades": lambda s: s.exercise_grades("bob", actor=ANN),
    "acting": lambda s: s.acting(ANN).record(answer("bob", 9)),
}


@pytest.mark.parametrize("call", REFUSED)
def test_a_learner_is_refused_another_learners_data_and_nothing_changes(backend, call):
    seeded(backend)
    before = everything(backend)
    with open_store(backend) as store, pytest.raises(AccessDenied) as refused:
        REFUSED[call](store)
    assert isinstance(refused.value, QuizError)  # one class for every quiz problem a page shows
    expected = "only an instructor may list" if call == "learners" else "only their own progress"
    assert expected in str(refused.value) and str(refused.value).startswith(call.replace("acting", "record"))
    assert everything(backend) == before


def test_a_learner_reads_and_writes_their_own(backend):
    seeded(backend)
    with open_store(backend) as store:
        store.add_learner("ann", actor=ANN)
        kept = store.record(answer("ann", 1), actor=ANN)
        kept_via_session = store.acting(ANN).record(answer("ann", 2))
        grade = store.record_exercise(graded("ann"), actor=ANN)
        assert [a.id for a in store.answers("ann", actor=ANN)][-2:] == [kept.id, kept_via_session.id]
        assert store.exercise_grades("ann", actor=ANN) == [grade]


@pytest.mark.parametrize("who", [Actor.personal(), Actor.instructor("teach@school.edu")])
def test_personal_and_instructor_see_everyone(backend, who):
    seeded(backend)
    with open_store(backend) as store:
        assert store.learners(actor=who) == ["ann", "bob"]
        assert len(store.answers("bob", actor=who)) == 1 and len(store.exercise_grades("bob", actor=who)) == 1
        store.record(answer("cleo"), actor=who)
        store.add_learner("dan", actor=who)
        assert store.learners(actor=who) == ["ann", "bob", "cleo", "dan"]


def test_a_call_without_an_actor_is_refused(tmp_path):
    with open_store(tmp_path / "p.sqlite3") as store:
        with pytest.raises(TypeError):
            store.answers("ann")  # type: ignore[call-arg] - the actor is required
        for pretender in ("instructor", None, {"role": "instructor"}):
            with pytest.raises(AccessDenied, match="must be an Actor"):
                store.learners(actor=pretender)
        assert store.learners(actor=OWNER) == []


def test_an_actor_is_one_of_three_roles_and_a_learner_has_a_name():
    with pytest.raises(AccessDenied, match="role"):
        Actor("admin", "mallory")
    with pytest.raises(AccessDenied, match="nobody is signed in"):
        Actor.learner("  ")


names = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cf", "Cs", "Zl", "Zp")), min_size=1,
                max_size=12).filter(str.strip)


@settings(max_examples=25, deadline=None)
@given(me=names, other=names)
def test_a_learner_reaches_a_profile_exactly_when_it_is_their_own(me, other):
    """The rule, on a real store: the read and the write go through iff the names are the same."""
    with tempfile.TemporaryDirectory() as folder, open_store(Path(folder) / "p.sqlite3") as store:
        store.record(answer(other), actor=OWNER)
        who = Actor.learner(me)
        try:
            store.record(answer(other, 1), actor=who)
            read = store.answers(other, actor=who)
        except AccessDenied:
            assert me != other
            assert len(store.answers(other, actor=OWNER)) == 1
        else:
            assert me == other and len(read) == 2
