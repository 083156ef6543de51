"""Hostile input, output side, on the pages: names shown as typed (never markdown), uploads over
the one limit refused with a sentence, and sheets with many bad rows shown as a bounded list."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the shared AppTest helpers in tests/

from quiz_app import open_page, quiz_store, texts  # noqa: F401 - quiz_store: a fixture

from ui import uploads

INSTRUCTOR = "ui/instructor.py"


def test_a_markdown_learner_name_is_shown_as_typed_on_the_progress_page():
    at = open_page("ui/progress.py", learner="**ann** [x](http://e)")
    assert not at.exception
    assert r"No answers yet for \*\*ann\*\* \[x\]\(http\://e\)" in texts(at)


def test_a_learner_name_with_a_line_break_is_refused_in_the_sidebar():
    at = open_page("ui/progress.py", learner=None)
    at.text_input(key="quiz_new_profile").set_value("ann\u2028# heading").run()
    at.button(key="quiz_create_profile").click().run()
    assert not at.exception and "holds control characters" in at.sidebar.error[0].value


def test_an_answer_sheet_over_the_limit_is_refused_with_its_size():
    at = open_page(INSTRUCTOR, learner=None)
    at.button(key="instructor_build").click().run()
    big = b"student,question_id,response\n" + b"x" * (uploads.MAX_UPLOAD_BYTES + 10)
    at.file_uploader(key="instructor_answers").set_value(("big.csv", big, "text/csv")).run()
    assert not at.exception
    assert at.error[0].value == r"big.csv is 2.0 MB; uploads are limited to 2 MB."


def test_many_bad_rows_are_shown_as_twenty_and_a_count():
    at = open_page(INSTRUCTOR, learner=None)
    at.button(key="instructor_build").click().run()
    sheet = "student,question_id,response\n" + "".join(f"ghost{n},q,a\n" for n in range(5000))
    at.file_uploader(key="instructor_answers").set_value(("a.csv", sheet.encode(), "text/csv")).run()
    assert not at.exception
    shown = [w.value for w in at.warning if w.value.startswith(("line ", "... and"))]  # the sheet's problems
    assert len(shown) == 21 and shown[-1] == "... and 4,980 more rows that can't be graded."


def test_a_student_name_with_markdown_is_escaped_in_the_grading_issues():
    at = open_page(INSTRUCTOR, learner=None)
    at.button(key="instructor_build").click().run()
    sheet = "student,question_id,response\n**x**[y](http://e),q,a\n"
    at.file_uploader(key="instructor_answers").set_value(("a.csv", sheet.encode(), "text/csv")).run()
    assert at.warning[0].value == r"line 2, student: '\*\*x\*\*\[y\]\(http\://e\)' has no paper in this set"


@pytest.mark.parametrize("path", ["a`b", "``x``", "`lead", "plain.path[0]"])
def test_a_field_path_is_one_code_span_whatever_backticks_it_holds(path):
    from markdown_it import MarkdownIt

    from ui.escape import code

    html = MarkdownIt("commonmark").renderInline(code(path))
    assert html.count("<code>") == 1 and html.startswith("<code>") and html.endswith("</code>")
    assert html[len("<code>"):-len("</code>")].strip() == path.replace("&", "&amp;").replace("<", "&lt;").strip()
