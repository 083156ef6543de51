"""Classroom mode's rules, checked on the server: the Instructor's kit stops for a learner's
session whatever brought it there, and a learner's session reads and writes only its own progress."""

from __future__ import annotations

from pathlib import Path

import pytest
from quiz_app import quiz_store  # noqa: F401 - quiz_store: a fixture
from streamlit.testing.v1 import AppTest

from ui.access import PERSON, Who

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture
def classroom(monkeypatch, tmp_path):
    monkeypatch.setenv("PIM_SIM_MODE", "classroom")
    monkeypatch.setenv("PIM_SIM_ROSTER", str(tmp_path / "roster.json"))


def session(person: Who | None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if person is not None:
        at.session_state[PERSON] = person
    return at.run()


def test_nobody_signed_in_gets_only_the_sign_in_page(classroom):
    at = session(None)
    assert [h.value for h in at.header] == ["Sign in"]
    with pytest.raises(ValueError, match="Could not find a navigation page"):  # not a page of this session at all
        at.switch_page("ui/instructor.py")


def test_the_kit_stops_for_a_learner_even_when_asked_for_directly(classroom):
    at = session(Who("ann", False, "roster"))
    with pytest.raises(ValueError, match="Could not find a navigation page"):  # not registered for a learner
        at.switch_page("ui/instructor.py")


def test_the_kit_opens_for_an_instructor(classroom):
    at = session(Who("teach", True, "roster"))
    at.switch_page("ui/instructor.py").run()
    assert not at.exception
    assert "Instructor's kit" in [h.value for h in at.header]


def test_the_page_itself_refuses_a_learner(classroom, monkeypatch):
    """The check in the page, not only the menu: run the page script directly as a learner."""
    at = AppTest.from_file(str(Path(APP).parent / "ui" / "instructor.py"), default_timeout=60)
    at.session_state[PERSON] = Who("ann", False, "roster")
    at.run()
    assert [e.value for e in at.error] == ["This page is for the class's instructors."]
    assert not at.header


def test_a_learner_session_reads_and_writes_only_its_own_progress(classroom):
    at = AppTest.from_file(str(Path(APP).parent / "ui" / "progress.py"), default_timeout=60)
    at.session_state[PERSON] = Who("ann", False, "roster")
    at.run()
    assert not at.exception
    assert not any(s.label == "Profile" for s in at.sidebar.selectbox)  # no picker of other learners
    assert at.session_state["quiz_learner"] == "ann"


def test_the_store_calls_refuse_another_learner(classroom, monkeypatch):
    import streamlit as st

    from quizzes.progress import AccessDenied, Actor
    from ui import quiz_common as qc

    monkeypatch.setattr(st, "session_state", {PERSON: Who("ann", False, "roster")})
    assert qc.actor() == Actor.learner("ann")
    with pytest.raises(AccessDenied, match="only their own progress"):  # refused by the store itself
        qc.history("bob")
    with pytest.raises(AccessDenied, match="only their own progress"):
        qc.exercise_history("bob")
    with pytest.raises(AccessDenied, match="only an instructor may list"):
        qc.learners()
    assert qc.history("ann") == [] and qc.exercise_history("ann") == []  # their own is fine
    monkeypatch.setattr(st, "session_state", {PERSON: Who("teach", True, "roster")})
    assert qc.actor() == Actor.instructor("teach")
    assert qc.history("bob") == [] and qc.learners() == []
    monkeypatch.setattr(st, "session_state", {})
    with pytest.raises(AccessDenied, match="nobody is signed in"):
        qc.history("ann")


def test_personal_mode_has_no_sign_in(monkeypatch):
    monkeypatch.delenv("PIM_SIM_MODE", raising=False)
    at = session(None)
    assert [h.value for h in at.header] == ["Start here"]
