"""Classroom mode with OpenID Connect (Streamlit's st.login) against a local test identity
provider in a real browser: sign in at the provider, come back signed in; the instructor named in
the settings gets the kit, a learner doesn't."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from test_browser import LONG, idle, shoot

pytestmark = pytest.mark.browser


def sign_in(page: Page, url: str, sub: str) -> None:
    page.goto(url, wait_until="domcontentloaded")
    expect(page.get_by_test_id("stHeading").filter(has_text="Sign in")).to_be_visible(timeout=LONG)
    idle(page)
    page.locator(".st-key-access_login button").click()
    page.wait_for_url("**/oauth2/authorize**", timeout=LONG)  # at the identity provider
    page.locator("input[name=sub]").fill(sub)
    page.get_by_role("button", name="Authorize").click()
    expect(page.get_by_test_id("stSidebarNav")).to_be_visible(timeout=LONG)  # back, signed in
    idle(page)


def test_a_learner_signs_in_at_the_provider_and_gets_no_kit(page: Page, oidc_url: str, shots):
    sign_in(page, oidc_url, "ann")
    expect(page.get_by_test_id("stSidebar").get_by_text("ann@example.edu", exact=True)).to_be_visible()
    expect(page.get_by_test_id("stSidebarNav").get_by_role("link", name="Instructor's kit")).to_have_count(0)
    shoot(page, shots, "oidc-1-learner")


def test_the_instructor_signs_in_and_gets_the_kit(page: Page, oidc_url: str, shots):
    sign_in(page, oidc_url, "teacher")
    expect(page.get_by_test_id("stSidebar").get_by_text("teacher@example.edu (instructor)")).to_be_visible()
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Instructor's kit").click()
    expect(page.get_by_test_id("stHeading").filter(has_text="Instructor's kit")).to_be_visible(timeout=LONG)
    shoot(page, shots, "oidc-2-instructor")
