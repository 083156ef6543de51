"""The learning pages in a real browser: a learner practises and reads the feedback, takes a
short exam, sees their progress, and an instructor builds papers and grades a class."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import Page, expect
from test_browser import LONG, click, fill, idle, shoot, visit

pytestmark = pytest.mark.browser


def learner(page: Page, app_url: str, path: str, heading: str) -> str:
    """Open a page and create a fresh profile (unique, so runs never share one)."""
    name = f"learner-{uuid.uuid4().hex[:8]}"
    visit(page, app_url, path, heading)
    fill(page, "quiz_new_profile", name)
    click(page, "quiz_create_profile")
    expect(page.locator("[class*='st-key-learner_profile_'] input")).to_have_value(name)
    return name


def tables(page: Page) -> None:
    """Wait until every table has drawn its grid (a canvas), so screenshots show the data."""
    frames = page.get_by_test_id("stDataFrame").filter(visible=True)  # not those in a tab not shown
    for n in range(frames.count()):
        expect(frames.nth(n).locator("canvas").first).to_be_visible(timeout=LONG)
    page.wait_for_timeout(300)  # the grid paints its cells just after the canvas appears


def answer_current(page: Page, prefix: str) -> None:
    """Answer whatever question is showing, through its widgets (right or wrong doesn't matter)."""
    expect(page.locator(f"[class*='st-key-{prefix}_']").first).to_be_visible(timeout=LONG)
    page.wait_for_timeout(500)  # let the question's widgets finish drawing
    radios = page.locator(f"[class*='st-key-{prefix}_single'] [data-testid=stRadioOption]")
    if radios.count():
        radios.first.click()
        idle(page)
        return
    boxes = page.locator(f"[class*='st-key-{prefix}_opt_'] label")
    if boxes.count():
        boxes.first.click()
        idle(page)
        return
    yes_no = page.locator(f"[class*='st-key-{prefix}_yn_']")
    if yes_no.count():
        for n in range(yes_no.count()):
            yes_no.nth(n).locator("[data-testid=stRadioOption]").first.click()
            idle(page)
        return
    number = page.locator(f".st-key-{prefix}_number input")
    if number.count():
        number.fill("8")
        number.press("Enter")
        idle(page)
        return
    selects = page.locator(f"[class*='st-key-{prefix}_blank_'] input[role=combobox]")
    for n in range(selects.count()):
        selects.nth(n).click()
        page.get_by_role("option").first.click()
        idle(page)
    order = page.locator(f".st-key-{prefix}_order input[role=combobox]")
    if order.count():
        for _ in range(12):  # one item at a time, in the order offered (not the "Select all" shortcut)
            order.click()
            options = page.get_by_role("option").filter(has_not_text="Select all").filter(has_not_text="No results")
            if not options.count():
                break
            options.first.click()
            idle(page)
        page.keyboard.press("Escape")
        idle(page)


def test_practice_gives_feedback_with_sources_and_evidence(page: Page, app_url: str, shots):
    learner(page, app_url, "practice", "Practice")
    click(page, "practice_start")
    expect(page.get_by_text("Question 1 ·")).to_be_visible(timeout=LONG)
    answer_current(page, "practice_session_q0")
    shoot(page, shots, "quiz-practice-1-question")
    click(page, "practice_session_check")
    feedback = page.get_by_test_id("stAlert").filter(has_text="answer").or_(
        page.get_by_test_id("stAlert").filter(has_text="Right."))
    expect(feedback.first).to_be_visible(timeout=LONG)
    expect(page.get_by_text("Sources:").first).to_be_visible()
    shoot(page, shots, "quiz-practice-2-feedback")


def test_an_exam_gives_no_feedback_until_submitted_then_a_report(page: Page, app_url: str, shots):
    learner(page, app_url, "exam", "Exam")
    fill(page, "exam_count", "3")
    click(page, "exam_start")
    expect(page.get_by_test_id("stMetricLabel").filter(has_text="Time left")).to_be_visible(timeout=LONG)
    answer_current(page, "exam_q0")
    click(page, "exam_save")
    expect(page.get_by_test_id("stAlert")).to_have_count(0)  # no feedback during the exam
    page.locator(".st-key-exam_flag_1 label").click()
    idle(page)
    expect(page.get_by_text("Flagged for review: 2")).to_be_visible()
    shoot(page, shots, "quiz-exam-1-navigator")
    click(page, "exam_submit")
    expect(page.get_by_test_id("stAlert").filter(has_text="2 question(s) are unanswered")).to_be_visible()
    shoot(page, shots, "quiz-exam-1b-confirm")
    click(page, "exam_submit_confirmed")
    expect(page.get_by_test_id("stMetricLabel").filter(has_text="Scaled score")).to_be_visible(timeout=LONG)
    expect(page.get_by_text("By objective")).to_be_visible()
    tables(page)
    shoot(page, shots, "quiz-exam-2-report")


def practise_one_answer(page: Page, app_url: str) -> None:
    """A learner answers one practice question and sees its feedback."""
    learner(page, app_url, "practice", "Practice")
    click(page, "practice_start")
    answer_current(page, "practice_session_q0")
    click(page, "practice_session_check")
    expect(page.get_by_text("Sources:").first).to_be_visible(timeout=LONG)
    idle(page)


def test_progress_shows_readiness_after_practice(page: Page, app_url: str, shots):
    practise_one_answer(page, app_url)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Progress").click()
    expect(page.get_by_text("Readiness per domain")).to_be_visible(timeout=LONG)
    idle(page)
    expect(page.get_by_test_id("stVegaLiteChart").first).to_be_visible(timeout=LONG)
    expect(page.get_by_test_id("stMetricValue").first).to_have_text("1")
    tables(page)
    shoot(page, shots, "quiz-progress")


def test_due_reviews_list_what_was_practised(page: Page, app_url: str, shots):
    practise_one_answer(page, app_url)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Due reviews").click()
    expect(page.get_by_test_id("stMetricLabel").filter(has_text="Skills due today")).to_be_visible(timeout=LONG)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    tables(page)
    shoot(page, shots, "quiz-due")


def test_the_instructor_builds_papers_and_grades_a_class(page: Page, app_url: str, shots, tmp_path):
    visit(page, app_url, "instructor", "Instructor's kit")
    click(page, "instructor_build")
    expect(page.get_by_test_id("stAlert").filter(has_text="3 papers")).to_be_visible(timeout=LONG)
    expect(page.get_by_role("button", name="Download Moodle GIFT")).to_be_visible()
    tables(page)
    shoot(page, shots, "quiz-instructor-1-papers")
    sheet = tmp_path / "answers.csv"
    sheet.write_text("student,question_id,response\nstudent01,no-such-question,a\n")
    page.locator(".st-key-instructor_answers input[type=file]").set_input_files(str(sheet))
    idle(page)
    expect(page.get_by_test_id("stAlert").filter(has_text="is not on student01's paper")).to_be_visible(timeout=LONG)
    expect(page.get_by_test_id("stMetricLabel").filter(has_text="Class mean")).to_be_visible()
    tables(page)
    shoot(page, shots, "quiz-instructor-2-graded")
