"""Driving the quiz pages under AppTest: a fresh progress store per test, a learner, and
answering any question type through its widgets."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")
OUTLINE = "SC-500-2026-05"


@pytest.fixture(autouse=True)
def quiz_store(tmp_path, monkeypatch) -> str:
    """Each test gets its own progress store, as a class server would be configured
    (autouse in every module that imports it)."""
    path = str(tmp_path / "progress.sqlite3")
    monkeypatch.setenv("PIM_SIM_PROGRESS", path)
    return path


def store_location() -> str:
    return os.environ["PIM_SIM_PROGRESS"]


def open_page(page: str, learner: str | None = "ann") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page(page).run()
    assert not at.exception
    if learner:
        at.text_input(key="quiz_new_profile").set_value(learner).run()
        at.button(key="quiz_create_profile").click().run()
        assert not at.exception and at.session_state["quiz_learner"] == learner
    return at


def answer(at: AppTest, prefix: str, q, response) -> None:
    """Set the widgets of question ``q`` (drawn under ``prefix``) to ``response``."""
    if q.type == "single":
        at.radio(key=f"{prefix}_single").set_value(response).run()
    elif q.type == "multiple":
        for o in q.options:
            box = at.checkbox(key=f"{prefix}_opt_{o.id}")
            (box.check() if o.id in response else box.uncheck()).run()
    elif q.type == "yes_no":
        for s in q.statements:
            at.radio(key=f"{prefix}_yn_{s.id}").set_value("Yes" if response[s.id] else "No").run()
    elif q.type == "ordering":
        at.multiselect(key=f"{prefix}_order").set_value(list(response)).run()
    elif q.type == "dropdown":
        for b in q.blanks:
            at.selectbox(key=f"{prefix}_blank_{b.id}").set_value(response[b.id]).run()
    else:
        at.number_input(key=f"{prefix}_number").set_value(float(response)).run()
    assert not at.exception


def texts(at: AppTest) -> str:
    return "\n".join(e.value for kind in (at.success, at.error, at.warning, at.info, at.markdown, at.caption) for e in kind)
