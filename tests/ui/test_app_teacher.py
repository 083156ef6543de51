"""The teacher's view of every learner (Instructor's kit, section 5) and a learner's per-topic
breakdown and past exams (Progress), from answers in the progress store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from quiz_app import quiz_store, store_location  # noqa: F401 - quiz_store: a fixture
from streamlit.testing.v1 import AppTest

from quizzes import load_bank
from quizzes.progress import Actor, Answer, open_store

OWNER = Actor.instructor()  # the tests own the store, as the command line does
APP = str(Path(__file__).resolve().parents[2] / "app.py")


def record(learner: str, scores: list[float], mode: str = "practice", session: str = "") -> None:
    questions = load_bank().questions
    tag = "SC-500-2026-05:1.1.1"
    when = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    with open_store(store_location()) as store:
        store.add_learner(learner, actor=OWNER)
        for n, score in enumerate(scores):
            store.record(Answer(learner, questions[n].id, tag, "SC-500-2026-05:1", score, when + timedelta(minutes=n), 10.0, mode,
                                '"a"', session), actor=OWNER)


def table(at: AppTest, column: str):
    """The table on the page with ``column`` (AppTest doesn't expose a dataframe's key)."""
    return next((d.value for d in at.dataframe if column in d.value.columns), None)


def test_the_kit_lists_every_learner_with_accuracy_activity_and_exams():
    record("ann", [1.0, 1.0, 0.0, 1.0])
    record("ben", [0.0, 0.5], mode="exam", session="exam-1")
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("ui/instructor.py").run()
    assert not at.exception
    learners = table(at, "last_activity_utc").set_index("learner")
    assert learners.loc["ann", "answers"] == 4 and learners.loc["ann", "accuracy_percent"] == 75.0
    assert learners.loc["ben", "accuracy_percent"] == 25.0 and learners.loc["ben", "exam_attempts"] == 1
    assert learners.loc["ann", "last_activity_utc"] == "2026-12-01 09:03"
    exams = table(at, "finished_utc")
    assert list(exams["learner"]) == ["ben"] and exams["percent"].iloc[0] == 25.0


def test_progress_shows_topics_and_past_exams():
    record("cleo", [1.0, 0.0], mode="exam", session="exam-7")
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("ui/progress.py").run()
    assert not at.exception
    exams = table(at, "finished_utc")
    assert exams is not None and exams["percent"].iloc[0] == 50.0
    topics = table(at, "topic")
    assert topics["answers"].sum() == 2
