"""The Audit explorer's state in a real browser: a filter and a moment set there survive visits to
other pages (the same numbers shown on return), and another scenario chosen in the lab is the run
the explorer shows next, from that run's own people and end."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
from playwright.sync_api import Page, expect
from test_browser import choose, idle, shoot, visit, widget
from test_browser_state import expected, metric, nav
from test_typed_dates import type_moment

from pim_sim import Place

pytestmark = pytest.mark.browser


def counts(results, minute: float, persona: str) -> dict[str, str]:
    """What the library says the explorer's metrics must show for ``minute`` (and ``persona``'s My audit)."""
    seen = results.where_visible(minute)
    resource = [str(p) for p in (Place.PIM_ENTRA_RESOURCE_AUDIT, Place.PIM_AZURE_RESOURCE_AUDIT,
                                 Place.PIM_GROUPS_RESOURCE_AUDIT)]
    mine = seen[seen["place"].str.contains("My audit") & seen["readers"].str.split(", ").apply(lambda r: persona in r)]
    return {"PIM Resource audit": str(int(seen["place"].isin(resource).sum())),
            f"PIM My audit ({persona})": str(len(mine)),
            "Entra audit logs, Service = PIM": str(int((seen["place"] == str(Place.ENTRA_AUDIT_PIM)).sum())),
            "Azure Activity Log": str(int((seen["place"] == str(Place.AZURE_ACTIVITY_LOG)).sum()))}


def expect_counts(page: Page, want: dict[str, str]) -> None:
    for label, value in want.items():
        expect(metric(page, label)).to_have_text(value)


def test_the_explorers_filters_survive_other_pages_and_follow_the_labs_scenario(page: Page, app_url: str, shots):
    base = expected("jit-basics")  # the lab's run until the lab changes it
    visit(page, app_url, "audit", "Audit explorer")
    expect_counts(page, counts(base, base.sim.now, "alice"))

    choose(page, "audit_run/persona", "dave")
    later = base.sim.clock.at(base.sim.now).replace(tzinfo=None) + timedelta(days=12, hours=5)
    type_moment(page, widget("audit_when", "moment"), later)
    page.keyboard.press("Enter")
    idle(page)
    page.keyboard.press("Escape")
    want = counts(base, base.sim.clock.minute_of(later.replace(tzinfo=UTC)), "dave")
    expect_counts(page, want)
    page.get_by_role("tab", name="Microsoft Entra audit logs").filter(visible=True).click()
    choose(page, "audit_run/service", "Core Directory")
    core = base.where_visible(base.sim.clock.minute_of(later.replace(tzinfo=UTC)))
    core_line = f"({int((core['place'] == str(Place.ENTRA_AUDIT_CORE_DIRECTORY)).sum())} records)"
    expect(page.get_by_test_id("stMarkdown").filter(has_text="Service = Core Directory")).to_contain_text(core_line)
    shoot(page, shots, "audit-state-1-filters")

    for title, heading in (("Why / why not", "Why / why not"), ("Portal sandbox", "Portal sandbox"),
                           ("Practice", "Practice")):
        nav(page, title, heading)
    nav(page, "Audit explorer", "Audit explorer")
    expect(page.locator(f"{widget('audit_run', 'persona')} input[role=combobox]")).to_have_value("dave")
    expect(page.locator(f"{widget('audit_when', 'moment')} [data-type=day]")).to_have_text(f"{later:%d}")
    expect(page.get_by_test_id("stMarkdown").filter(has_text="Looking on")).to_contain_text(
        f"{later:%a %d %b %Y %H:%M} UTC")
    expect_counts(page, want)
    page.get_by_role("tab", name="Microsoft Entra audit logs").filter(visible=True).click()
    expect(page.locator(f"{widget('audit_run', 'service')} input[role=combobox]")).to_have_value("Core Directory")
    expect(page.get_by_test_id("stMarkdown").filter(has_text="Service = Core Directory")).to_contain_text(core_line)
    shoot(page, shots, "audit-state-2-kept")

    # another scenario in the lab: the explorer shows that run, from its own people and end
    nav(page, "Scenario lab", "Scenario lab")
    choose(page, "lab/scenario", "Standing admins versus just-in-time (standing-vs-jit)")
    expect(metric(page, "Activations requested")).to_have_text("63")
    other = expected("standing-vs-jit")
    first = other.sim.tenant.users[0].name
    nav(page, "Audit explorer", "Audit explorer")
    expect(page.locator(f"{widget('audit_run', 'persona')} input[role=combobox]")).to_have_value(first)
    end = other.sim.clock.at(other.sim.now).replace(second=0, microsecond=0)
    expect(page.get_by_test_id("stMarkdown").filter(has_text="Looking on")).to_contain_text(
        f"{end:%a %d %b %Y %H:%M} UTC")
    expect_counts(page, counts(other, other.sim.clock.minute_of(end), first))
    assert counts(other, other.sim.clock.minute_of(end), first) != counts(base, base.sim.now, first)
    shoot(page, shots, "audit-state-3-new-run")
