"""The dashboard in a real browser: every page renders, and an activation with approval goes
through the Portal sandbox from request to active role."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

LONG = 60_000  # the first visit runs the default scenario


_IDLE = """() => {
    const s = document.querySelector('[data-testid="stStatusWidget"]');
    return (!s || !/Running/.test(s.innerText)) && !document.querySelector('[data-stale="true"]')
        && !document.querySelector('[data-testid="stSkeleton"]');
}"""


def idle(page: Page) -> None:
    """Wait until Streamlit has finished the current rerun, dropped the previous run's elements and
    drawn every widget (they show as skeletons while their code loads). Looked at twice, 200 ms apart:
    right after a click the rerun may not have started yet, and the page then looks idle too."""
    page.wait_for_function(_IDLE, timeout=LONG)
    page.wait_for_timeout(200)
    page.wait_for_function(_IDLE, timeout=LONG)


def visit(page: Page, url: str, path: str, ready: str) -> None:
    page.goto(f"{url}/{path}", wait_until="domcontentloaded")
    expect(page.get_by_test_id("stHeading").filter(has_text=ready).first).to_be_visible(timeout=LONG)
    idle(page)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    expect(page.get_by_test_id("stDialog")).to_have_count(0)  # e.g. "Page not found"


def widget(model: str, field: str) -> str:
    """The CSS selector of a page-model widget (its key is ``<model>_<field>_<digest>``, ui/page_state.py); a
    widget left on screen from the previous run while the next one draws (``data-stale``) is not it."""
    return f"[class*='st-key-{model}_{field}_']:not([data-stale='true'])"


def choose(page: Page, key: str, option: str) -> None:
    """Pick an option of a selectbox, by its key or (``model/field``) its page-model field."""
    where = widget(*key.split("/")) if "/" in key else f".st-key-{key}"
    page.locator(f"{where} input[role=combobox]").click()
    page.get_by_role("option", name=option, exact=True).click()
    idle(page)


def click(page: Page, key: str) -> None:
    page.locator(f".st-key-{key} button").click()
    idle(page)


def tab(page: Page, name) -> None:
    page.get_by_role("tab", name=name).filter(visible=True).click()  # react-aria keeps a hidden copy too


def fill(page: Page, key: str, text: str) -> None:
    field = page.locator(f".st-key-{key} textarea, .st-key-{key} input").first
    field.fill(text)
    field.press("Tab")  # commit the value (text areas commit on blur)
    idle(page)


def shoot(page: Page, shots, name: str) -> None:
    idle(page)
    page.screenshot(path=str(shots / f"{name}.png"))


@pytest.mark.parametrize(("path", "heading", "shows"), [
    ("", "Start here", "stPageLink"),  # the default page
    ("lab", "Just-in-time basics", "stVegaLiteChart"),
    ("what-if", "What-if", "stVegaLiteChart"),
    ("audit", "Audit explorer", "stMetric"),
    ("why-not", "Why / why not", "stAlert"),
    ("portal", "Portal sandbox", "stDataFrame"),
    ("posture", "Posture", "stDataFrame"),
])
def test_every_page_renders(page: Page, app_url: str, shots, path, heading, shows):
    visit(page, app_url, path, heading)
    expect(page.get_by_test_id(shows).first).to_be_visible(timeout=LONG)
    shoot(page, shots, path or "start")


def test_the_lab_opens_on_the_default_scenario_at_its_own_address(page: Page, app_url: str):
    visit(page, app_url, "lab", "Just-in-time basics")
    expect(page.get_by_test_id("stMetric").filter(has_text="Activations requested")).to_be_visible(timeout=LONG)
    timeline = page.get_by_test_id("stVegaLiteChart").first
    expect(timeline.locator(".role-legend")).to_have_count(1)  # the key to the timeline's colours is drawn
    expect(timeline.locator(".role-legend")).to_contain_text("Activated (just in time)")


def test_an_activation_with_approval_in_the_portal_sandbox(page: Page, app_url: str, shots):
    visit(page, app_url, "portal", "Portal sandbox")
    # alice asks for Security Administrator: MFA, justification and a ticket, as the role's settings require
    page.get_by_text("I completed the multifactor authentication prompt").filter(visible=True).click()
    expect(page.locator(".st-key-activate_mfa input")).to_be_checked()
    fill(page, "activate_justification", "Investigate the sign-in alert")
    fill(page, "activate_ticket", "INC0042")
    click(page, "activate_submit")
    expect(page.get_by_test_id("stAlert").filter(has_text="PendingApproval")).to_contain_text("waiting for bob")
    shoot(page, shots, "portal-1-requested")
    # bob approves with a justification
    choose(page, "portal/persona", "bob (Approver)")
    expect(page.locator(".st-key-approve_submit button")).to_be_attached()  # bob's page is drawn
    tab(page, "Approve requests")
    fill(page, "approve_justification", "Alert confirmed")
    click(page, "approve_submit")
    expect(page.get_by_test_id("stAlert").filter(has_text="approved")).to_contain_text("Granted")
    shoot(page, shots, "portal-2-approved")
    # PIM provisions within seconds; five minutes later alice's role is active
    click(page, "portal_plus5m")
    choose(page, "portal/persona", "alice (Requester)")
    expect(page.locator(".st-key-activate_submit button")).to_be_attached()  # alice's page is drawn
    tab(page, "My roles")
    tab(page, re.compile(r"Active roles \(1\)"))
    expect(page.get_by_text("Now: Wed 07 Jan 2026 09:05 UTC")).to_be_visible()
    shoot(page, shots, "portal-3-active")


def test_a_refusal_shows_the_rule(page: Page, app_url: str):
    visit(page, app_url, "portal", "Portal sandbox")
    click(page, "activate_submit")
    expect(page.get_by_test_id("stAlert").filter(has_text="Refused")).to_contain_text("JustificationRule")


def test_an_uploaded_scenario_with_mistakes_is_refused_with_lines_and_fields(page: Page, app_url: str, tmp_path, shots):
    bad = tmp_path / "broken.yaml"
    bad.write_text("name: broken\nhorizon: P1D\nassignments:\n  - principal: alice\n    role: Security Administrator\n"
                   "    kind: sometimes\n")
    visit(page, app_url, "lab", "Scenario lab")
    page.locator(widget("lab", "origin")).get_by_text("Upload a YAML file").filter(visible=True).click()
    expect(page.locator(".st-key-lab_upload input[type=file]")).to_be_attached()
    page.locator(".st-key-lab_upload input[type=file]").set_input_files(str(bad))
    idle(page)
    error = page.get_by_test_id("stAlert").filter(has_text="can't be used")
    expect(error).to_contain_text("line 6")
    expect(error).to_contain_text("assignments[0].kind")
    shoot(page, shots, "lab-upload-error")


def test_the_pages_fetch_nothing_from_the_internet_not_even_the_favicon(page: Page, app_url: str):
    requested = []
    page.on("request", lambda r: requested.append(r.url))
    visit(page, app_url, "lab", "Just-in-time basics")
    expect(page.get_by_test_id("stMetric").first).to_be_visible(timeout=LONG)
    icon = page.locator("link[rel~='icon']").first.get_attribute("href") or ""
    assert not icon.startswith("http") or icon.startswith(app_url), icon
    outside = [u for u in requested if u.startswith("http") and not u.startswith(app_url)]
    assert outside == [], outside
