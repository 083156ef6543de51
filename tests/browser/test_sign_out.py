"""Signing out of Classroom mode with OpenID Connect (st.logout), in a real browser against the
local test identity provider: the session ends at the provider too, the app is back at the sign-in
page, a page's address opened after signing out serves nothing of the learner's, and the next
person to sign in in the same browser sees their own progress, never the first learner's."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from test_browser import LONG, click, idle, shoot
from test_browser_oidc import sign_in
from test_browser_quiz import answer_current

pytestmark = pytest.mark.browser

ANN = "ann@example.edu"
OTHER = "bea@example.edu"  # not predefined at the provider: it signs her in with this address as her e-mail


def to_page(page: Page, title: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_test_id("stHeading").filter(has_text=title).first).to_be_visible(timeout=LONG)
    idle(page)


def at_sign_in(page: Page) -> None:
    """The sign-in page and nothing else: no menu, no name, no learner data."""
    expect(page.get_by_test_id("stHeading").filter(has_text="Sign in")).to_be_visible(timeout=LONG)
    idle(page)
    expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)
    expect(page.locator(".st-key-access_login button")).to_be_visible()
    main = page.get_by_test_id("stMain")
    for text in (ANN, "Answers", "Progress", "Practice"):
        expect(main).not_to_contain_text(text)
    expect(page.get_by_test_id("stMetric")).to_have_count(0)
    expect(page.get_by_test_id("stSidebar").get_by_text(ANN)).to_have_count(0)


def test_sign_out_ends_the_session_and_the_next_person_sees_only_their_own_progress(page: Page, oidc_url: str,
                                                                                    shots):
    sign_in(page, oidc_url, "ann")
    to_page(page, "Practice")
    click(page, "practice_start")
    answer_current(page, "practice_session_q0")
    click(page, "practice_session_check")
    expect(page.get_by_text("Sources:").first).to_be_visible(timeout=LONG)
    to_page(page, "Progress")
    answers = page.get_by_test_id("stMetric").filter(has_text="Answers").get_by_test_id("stMetricValue")
    expect(answers).to_have_text(re.compile(r"^[1-9]\d*$"))  # ann's answers (one or more: other journeys may sign her in)
    shoot(page, shots, "sign-out-1-ann-progress")

    page.get_by_test_id("stSidebar").locator(".st-key-access_sign_out button").click()
    # st.logout ends the session at the provider too (OpenID Connect RP-initiated logout), which sends
    # the browser back to the app
    expect(page.get_by_role("heading", name="End Session")).to_be_visible(timeout=LONG)
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(f"{oidc_url}/**", timeout=LONG)
    at_sign_in(page)
    shoot(page, shots, "sign-out-2-signed-out")

    for path in ("progress", "practice", "exam", "due", "instructor", "lab"):  # addresses opened after signing out
        page.goto(f"{oidc_url}/{path}", wait_until="domcontentloaded")
        at_sign_in(page)

    sign_in(page, oidc_url, OTHER)
    expect(page.get_by_test_id("stSidebar").get_by_text(OTHER, exact=True)).to_be_visible()
    to_page(page, "Progress")
    expect(page.get_by_test_id("stAlert").filter(has_text=f"No answers yet for {OTHER}")).to_be_visible()
    expect(page.get_by_test_id("stMetric")).to_have_count(0)
    expect(page.get_by_test_id("stApp")).not_to_contain_text(ANN)
    expect(page.get_by_test_id("stSidebarNav").get_by_role("link", name="Instructor's kit")).to_have_count(0)
    shoot(page, shots, "sign-out-3-another-learner")
