"""The Due reviews page: the skills FSRS says are due today and a review queue on them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from quiz_app import OUTLINE, open_page, quiz_store, store_location, texts  # noqa: F401 - quiz_store: a fixture

from quizzes.progress import Actor, Answer, due, open_store

OWNER = Actor.instructor()  # the tests own the store, as the command line does
PAGE = "ui/quiz_due.py"


def seed_history(path: str, learner: str = "ann") -> list[Answer]:
    """Two skills answered wrong three days ago: both are due now."""
    from ui.quiz_common import _load_bank

    bank = _load_bank()
    tagged = [q for q in bank if any(t.startswith(OUTLINE + ":") for t in q.outline)]
    when = datetime.now(UTC) - timedelta(days=3)
    out = []
    with open_store(path) as store:
        for n, q in enumerate(tagged[:2]):
            tag = next(t for t in q.outline if t.startswith(OUTLINE + ":"))
            out.append(store.record(Answer(learner, q.id, tag, OUTLINE + ":1", 0.0, when + timedelta(minutes=n), 30.0),
                                    actor=OWNER))
    return out


def test_nothing_due_before_any_practice():
    at = open_page(PAGE)
    assert "Nothing to review yet" in texts(at)


def test_due_skills_are_listed_and_reviewed():
    history = seed_history(store_location())
    at = open_page(PAGE)
    assert not at.exception
    due_now = due(history, datetime.now(UTC))
    assert at.metric[0].value == str(len(due_now))
    table = at.dataframe[0].value
    assert len(table) == len(due_now) and table["Overdue"].all()
    at.button(key="due_start").click().run()
    session = at.session_state["due_session"]
    assert session.items and {it.objective.tag for it in session.items} <= {a.skill for a in history}
    assert session.items[0].id in {a.question_id for a in history}  # missed questions come first


def test_skills_of_another_outline_are_named_with_that_outline():
    with open_store(store_location()) as store:
        store.record(Answer("ann", "q-sc300", "SC-300:4.3.2", "SC-300:4", 0.0, datetime.now(UTC) - timedelta(days=3), 30.0),
                     actor=OWNER)
    at = open_page(PAGE)
    objective = at.dataframe[0].value["Objective"][0]
    assert objective.startswith("SC-300 4.3.2 ") and len(objective) > len("SC-300 4.3.2 ")  # the bullet's words, not a tag
