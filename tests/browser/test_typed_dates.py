"""Typed dates apply without leaving the field, in a real browser: a person types a date and time
into the Audit explorer's "Viewed on" or the Portal sandbox's "Advance to" and presses Enter (or
Go), and the page shows the result for that moment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect
from test_browser import idle, shoot, visit, widget

from pim_sim import Place
from pim_sim.scenario.model import default_scenario
from ui import sandbox

pytestmark = pytest.mark.browser

SEGMENTS = ("year", "month", "day", "hour", "minute")


def type_moment(page: Page, field: str, moment: datetime) -> None:
    """Type ``moment`` into a date-and-time field segment by segment, as a person does with the keyboard
    (the field's segments are spin buttons: year, month, day, hour, minute), without leaving it."""
    for part in SEGMENTS:
        page.locator(f"{field} [role=spinbutton][data-type={part}]").click()
        page.keyboard.type(f"{getattr(moment, part):0{4 if part == 'year' else 2}d}")


def metric(page: Page, label: str):
    return page.get_by_test_id("stMetric").filter(has_text=label).get_by_test_id("stMetricValue")


def test_a_date_typed_in_the_audit_explorer_applies_on_enter(page: Page, app_url: str, shots):
    results = default_scenario().run()  # the default scenario: the lab's run until the lab changes it
    sim = results.sim
    at_end = results.where_visible(sim.now)
    visit(page, app_url, "audit", "Audit explorer")
    expect(metric(page, "Entra audit logs, Service = PIM")).to_have_text(
        str(int((at_end["place"] == str(Place.ENTRA_AUDIT_PIM)).sum())))
    later = sim.clock.at(sim.now).replace(tzinfo=None) + timedelta(days=40, hours=9, minutes=17)
    type_moment(page, widget("audit_when", "moment"), later)
    page.keyboard.press("Enter")
    idle(page)
    page.keyboard.press("Escape")  # the calendar Enter leaves open
    view = sim.clock.minute_of(later.replace(tzinfo=UTC))
    seen = results.where_visible(view)
    expect(page.get_by_test_id("stMarkdown").filter(has_text="Looking on")).to_contain_text(
        f"{later:%a %d %b %Y %H:%M} UTC")
    expect(metric(page, "Entra audit logs, Service = PIM")).to_have_text(
        str(int((seen["place"] == str(Place.ENTRA_AUDIT_PIM)).sum())))
    expect(metric(page, "Azure Activity Log")).to_have_text(
        str(int((seen["place"] == str(Place.AZURE_ACTIVITY_LOG)).sum())))
    assert int((seen["place"] == str(Place.ENTRA_AUDIT_PIM)).sum()) != int(
        (at_end["place"] == str(Place.ENTRA_AUDIT_PIM)).sum())  # the moment typed changes what is shown
    shoot(page, shots, "typed-date-1-audit")


def test_a_date_typed_in_the_portal_moves_the_clock_on_enter_and_on_go(page: Page, app_url: str, shots):
    fresh = sandbox.build()
    start = fresh.clock.at(fresh.now).replace(tzinfo=None)
    visit(page, app_url, "portal", "Portal sandbox")
    page.locator(".st-key-portal_reset button").click()  # this browser session's sandbox, from its start
    idle(page)
    now = page.get_by_test_id("stMarkdown").filter(has_text="Now:")
    expect(now).to_contain_text(f"{start:%a %d %b %Y %H:%M} UTC")

    first = start + timedelta(days=2, hours=3, minutes=41)
    type_moment(page, ".st-key-portal_to", first)
    page.keyboard.press("Enter")  # submits the form, as Go does
    idle(page)
    page.keyboard.press("Escape")
    expect(now).to_contain_text(f"{first:%a %d %b %Y %H:%M} UTC")
    expect(page.get_by_test_id("stAlert").filter(has_text="Clock moved to")).to_contain_text(
        f"{first:%a %d %b %Y %H:%M} UTC")

    second = first + timedelta(days=1, minutes=9)
    type_moment(page, ".st-key-portal_to", second)
    page.locator(".st-key-portal_go button").click()  # straight from the field to the button
    idle(page)
    expect(now).to_contain_text(f"{second:%a %d %b %Y %H:%M} UTC")
    shoot(page, shots, "typed-date-2-portal")
