"""A fix-the-tenant exercise from hand-in to the teacher's CSV, in a real browser on a Classroom-mode
server with a roster: a learner signs in, hands in the shipped tenant and then a fix on Posture,
reads best, latest and attempts on Progress; the instructor signs in and finds the same numbers in
the teacher view and in its CSV downloads."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from test_browser import LONG, click, idle, shoot, tab
from test_browser_classroom import sign_in

from pim_sim.posture import exercises
from quizzes import roster
from quizzes.progress import Actor, open_store

pytestmark = pytest.mark.browser
EX = "ga-wide-open"
FIX = {"settings": {}, "make_eligible": [["mallory", "Global Administrator"]]}


def go(page: Page, name: str, heading: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_test_id("stHeading").filter(has_text=heading).first).to_be_visible(timeout=LONG)
    idle(page)


def score(page: Page) -> str:
    return page.get_by_test_id("stMetric").filter(has_text="Score").get_by_test_id("stMetricValue").inner_text()


def download(page: Page, key: str) -> list[dict]:
    with page.expect_download() as d:
        page.locator(f".st-key-{key} button").click()
    return list(csv.DictReader(io.StringIO(Path(d.value.path()).read_text(encoding="utf-8"))))


def row_of(page: Page, key: str) -> list[str]:
    """The first body row of a plain table (st.table) drawn in the container ``key``: header cell, then cells."""
    row = page.locator(f".st-key-{key} table tbody tr").first
    expect(row).to_be_visible(timeout=LONG)
    return [c.strip() for c in row.locator("th, td").all_inner_texts()]


def test_a_graded_fix_reaches_progress_the_teacher_view_and_its_csv(page: Page, classroom_url: str, roster_file,
                                                                     classroom_progress, shots):
    ex = exercises.get_exercise(EX)
    shipped, fixed = exercises.grade(ex), exercises.grade(ex, FIX)
    assert fixed.score != shipped.score  # the fix changes the grade, so the numbers below tell them apart
    learner = "gina-exercises"
    sign_in(page, classroom_url, learner, roster.issue(learner, path=roster_file))
    go(page, "Posture", "Posture")
    expect(page.locator(".st-key-posture_exercise input")).to_have_value(ex.title, timeout=LONG)
    assert score(page) == f"{shipped.score:g} / {shipped.max_score:g}"
    click(page, "posture_hand_in")
    expect(page.get_by_test_id("stAlert").filter(has_text="Kept in")).to_contain_text(
        f"{shipped.score:g} / {shipped.max_score:g} points")

    page.locator(f".st-key-posture_{EX}_eligible input").click()
    page.get_by_role("option", name="mallory · Global Administrator").click()
    page.keyboard.press("Escape")
    idle(page)
    expect(page.get_by_test_id("stMetric").filter(has_text="Score")).to_contain_text(
        f"{fixed.score:g} / {fixed.max_score:g}", timeout=LONG)
    click(page, "posture_hand_in")
    best = max(shipped.score, fixed.score)
    expect(page.get_by_text(f"Handed in 2 time(s): best {best:g} / {ex.max_points:g}, latest {fixed.score:g}")
           ).to_be_visible()
    shoot(page, shots, "exercise-1-posture")

    with open_store(str(classroom_progress), readonly=True) as store:  # what the page kept
        kept = store.exercise_grades(learner, actor=Actor.learner(learner))
    assert [g.score for g in kept] == [shipped.score, fixed.score]
    assert kept[-1].fix_data()["make_eligible"] == FIX["make_eligible"]

    go(page, "Progress", "Progress")
    passed = sum(r.passed for r in fixed.results)
    assert row_of(page, "progress_exercises")[:6] == [ex.title, "2", f"{best:g}", f"{fixed.score:g}",
                                                      f"{ex.max_points:g}", f"{passed} of {len(fixed.results)}"]
    shoot(page, shots, "exercise-2-progress")

    click(page, "access_sign_out")
    sign_in(page, classroom_url, "grace-teacher", roster.issue("grace-teacher", "instructor", path=roster_file))
    go(page, "Instructor's kit", "Instructor's kit")
    page.locator(".st-key-instructor_dl_learner_exercises").scroll_into_view_if_needed()
    tab(page, "Exercises")
    idle(page)
    shoot(page, shots, "exercise-3-teacher")
    row = next(r for r in download(page, "instructor_dl_learner_exercises") if r["learner"] == learner)
    assert (row["exercise"], row["attempts"]) == (EX, "2")
    assert (float(row["best_points"]), float(row["latest_points"]), float(row["max_points"])) == (
        best, fixed.score, ex.max_points)
    assert (row["latest_requirements_met"], row["requirements"]) == (str(passed), str(len(fixed.results)))
    everyone = next(r for r in download(page, "instructor_dl_learners") if r["learner"] == learner)
    assert float(everyone[f"exercise_{EX}_best"]) == best and float(everyone[f"exercise_{EX}_latest"]) == fixed.score
    assert everyone[f"exercise_{EX}_attempts"] == "2"
