"""Classroom mode with a roster, in a real browser: nothing before signing in, a learner sees and
writes only their own progress and never the Instructor's kit, an instructor gets the kit."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from test_browser import LONG, click, fill, idle, shoot

from quizzes import roster
from quizzes.progress import Actor, open_store

pytestmark = pytest.mark.browser
OWNER = Actor.instructor()  # the tests own the store, as the command line does


def sign_in(page: Page, url: str, name: str, code: str) -> None:
    page.goto(url, wait_until="domcontentloaded")
    expect(page.get_by_test_id("stHeading").filter(has_text="Sign in")).to_be_visible(timeout=LONG)
    idle(page)
    fill(page, "access_name", name)
    page.locator(".st-key-access_code input").fill(code)
    click(page, "access_sign_in")


def test_nothing_is_served_before_signing_in(page: Page, classroom_url: str, shots):
    for path in ("", "lab", "instructor", "progress"):
        page.goto(f"{classroom_url}/{path}", wait_until="domcontentloaded")
        expect(page.get_by_test_id("stHeading").filter(has_text="Sign in")).to_be_visible(timeout=LONG)
        idle(page)
        expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)
        expect(page.get_by_text("Instructor's kit")).to_have_count(0)
    shoot(page, shots, "classroom-1-sign-in")


def test_a_wrong_code_is_refused(page: Page, classroom_url: str, roster_file):
    roster.issue("bea", path=roster_file)
    sign_in(page, classroom_url, "bea", "not-the-code")
    expect(page.get_by_test_id("stAlert").filter(has_text="don't match")).to_be_visible()
    expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)


def test_a_learner_sees_only_their_own_progress_and_no_instructor_pages(page: Page, classroom_url: str, roster_file,
                                                                       classroom_progress, shots):
    with open_store(str(classroom_progress)) as store:  # another learner's profile exists in the class store
        store.add_learner("someone-else", actor=OWNER)
    name = "**zoe** [x](http://e.example)"
    code = roster.issue(name, path=roster_file)
    sign_in(page, classroom_url, name, code)
    nav = page.get_by_test_id("stSidebarNav")
    expect(nav).to_be_visible(timeout=LONG)
    expect(nav.get_by_role("link", name="Instructor's kit")).to_have_count(0)
    expect(page.get_by_test_id("stSidebar").get_by_text(name, exact=True)).to_be_visible()  # as typed, not markdown
    nav.get_by_role("link", name="Practice", exact=True).click()
    expect(page.get_by_test_id("stHeading").filter(has_text="Practice")).to_be_visible(timeout=LONG)
    idle(page)
    expect(page.locator("[class*='st-key-learner_profile_']")).to_have_count(0)  # no picker, no list of learners
    expect(page.get_by_text("someone-else")).to_have_count(0)
    from test_browser_quiz import answer_current

    click(page, "practice_start")
    answer_current(page, "practice_session_q0")
    click(page, "practice_session_check")
    expect(page.get_by_text("Sources:").first).to_be_visible(timeout=LONG)
    with open_store(str(classroom_progress), readonly=True) as store:
        assert len(store.answers(name, actor=OWNER)) == 1 and store.answers("someone-else", actor=OWNER) == []
    shoot(page, shots, "classroom-2-learner")
    # the kit's address in this browser is a new session: the sign-in page, never the kit
    page.goto(f"{classroom_url}/instructor", wait_until="domcontentloaded")
    expect(page.get_by_test_id("stHeading").filter(has_text="Sign in")).to_be_visible(timeout=LONG)


def test_an_instructor_gets_the_kit(page: Page, classroom_url: str, roster_file, shots):
    code = roster.issue("teacher", "instructor", path=roster_file)
    sign_in(page, classroom_url, "teacher", code)
    nav = page.get_by_test_id("stSidebarNav")
    nav.get_by_role("link", name="Instructor's kit").click()
    expect(page.get_by_test_id("stHeading").filter(has_text="Instructor's kit")).to_be_visible(timeout=LONG)
    idle(page)
    expect(page.get_by_test_id("stSidebar").get_by_text("teacher (instructor)")).to_be_visible()
    shoot(page, shots, "classroom-3-instructor")
