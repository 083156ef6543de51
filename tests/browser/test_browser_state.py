"""State that never lies, in a real browser: each journey of issue 15 across page switches (by the
sidebar, so the browser session is the same), asserting the numbers the library computes for the
settings shown, the address that holds the lab's setup, and the downloaded scenario file."""

from __future__ import annotations

from datetime import UTC, datetime, time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
import yaml
from playwright.sync_api import Page, expect
from test_browser import LONG, choose, click, fill, idle, shoot, visit, widget

from pim_sim import Place
from pim_sim.scenario.model import Scenario
from quizzes.progress import Actor, open_store

pytestmark = pytest.mark.browser
OWNER = Actor.instructor()  # the tests own the store, as the command line does
ROOT = Path(__file__).resolve().parents[2]


def expected(name: str, seed: int | None = None, role: str | None = None, **settings):
    """The shipped scenario with ``settings`` for ``role``, run by the library: what the page must show."""
    data = yaml.safe_load((ROOT / "scenarios" / f"{name}.yaml").read_text(encoding="utf-8"))
    if settings:
        data.setdefault("settings", []).append({"role": role, "scope": "/", **settings})
    scenario = Scenario.from_dict(data)
    return scenario.run(scenario.seed if seed is None else seed)


def metric(page: Page, label: str):
    return page.get_by_test_id("stMetric").filter(has_text=label).get_by_test_id("stMetricValue")


def nav(page: Page, title: str, heading: str) -> None:
    """Go to another page through the sidebar: the same browser session, as a student does."""
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_test_id("stHeading").filter(has_text=heading).first).to_be_visible(timeout=LONG)
    idle(page)


def switch(page: Page, model: str, field: str):
    """A page-model toggle's input, once the previous run's copy (another scenario's) is gone."""
    found = page.locator(f"{widget(model, field)} input")
    expect(found).to_have_count(1)
    return found


def toggle(page: Page, model: str, field: str) -> None:
    page.locator(f"{widget(model, field)} label").first.click()
    idle(page)


def test_standing_vs_jit_with_approval_keeps_its_workload_across_pages_and_in_the_address(page: Page, app_url: str,
                                                                                          shots):
    visit(page, app_url, "lab", "Scenario lab")
    choose(page, "lab/scenario", "Standing admins versus just-in-time (standing-vs-jit)")
    plain = expected("standing-vs-jit").metrics()
    expect(metric(page, "Activations requested")).to_have_text(f"{plain['activations_requested']:.0f}")
    expect(metric(page, "Activations requested")).to_have_text("63")  # the number
    expect(switch(page, "lab_settings", "workload")).to_be_checked()  # the file's workload, shown as on
    shoot(page, shots, "state-1-standing-vs-jit")

    toggle(page, "lab_role", "approval")
    approval = expected("standing-vs-jit", role="Exchange Administrator", require_approval=True).metrics()
    expect(metric(page, "Activations requested")).to_have_text(f"{approval['activations_requested']:.0f}")
    expect(metric(page, "Activations provisioned")).to_have_text(f"{approval['activations_provisioned']:.0f}")
    expect(metric(page, "Just-in-time privilege (h)")).to_have_text(f"{approval['jit_privilege_hours']:.1f}")
    expect(metric(page, "Denied / expired requests")).to_have_text(
        f"{approval['requests_denied']:.0f} / {approval['requests_expired']:.0f}")
    expect(metric(page, "Standing privilege (h)")).to_have_text(f"{approval['standing_privilege_hours']:.1f}")
    expect(switch(page, "lab_settings", "workload")).to_be_checked()
    query = parse_qs(urlparse(page.url).query)
    assert query["scenario"] == ["standing-vs-jit"] and query["approval"] == ["on"] and query["seed"] == ["4"]
    assert urlparse(page.url).path.endswith("/lab")

    idle(page)  # the download button of this run, not the one the previous run left on screen
    with page.expect_download() as download:
        page.locator(".st-key-lab_download_scenario button").click()
    saved = yaml.safe_load(Path(download.value.path()).read_text(encoding="utf-8"))
    assert "workload" in saved
    assert any(s["role"] == "Exchange Administrator" and s.get("require_approval") for s in saved["settings"])
    shoot(page, shots, "state-2-approval-on")

    # the Audit explorer explains this run, not the default one
    nav(page, "Audit explorer", "Audit explorer")
    results = expected("standing-vs-jit", role="Exchange Administrator", require_approval=True)
    sim, end = results.sim, results.sim.clock.at(results.sim.now)
    view = sim.clock.minute_of(datetime.combine(end.date(), time(end.hour, end.minute), tzinfo=UTC))
    seen = results.where_visible(view)
    expect(metric(page, "Entra audit logs, Service = PIM")).to_have_text(
        str(int((seen["place"] == str(Place.ENTRA_AUDIT_PIM)).sum())))
    shoot(page, shots, "state-3-audit-of-that-run")

    # back in the lab: the same settings and numbers
    nav(page, "Scenario lab", "Scenario lab")
    expect(switch(page, "lab_role", "approval")).to_be_checked()
    expect(switch(page, "lab_settings", "workload")).to_be_checked()
    expect(metric(page, "Activations requested")).to_have_text(f"{approval['activations_requested']:.0f}")

    # the address reloads the same setup in a new browser session
    shared = page.url
    page.goto("about:blank")
    page.goto(shared, wait_until="domcontentloaded")
    expect(metric(page, "Activations requested")).to_have_text(f"{approval['activations_requested']:.0f}",
                                                               timeout=LONG)
    idle(page)
    expect(switch(page, "lab_role", "approval")).to_be_checked()
    expect(metric(page, "Just-in-time privilege (h)")).to_have_text(f"{approval['jit_privilege_hours']:.1f}")

    # reset: the file's settings again
    page.get_by_role("button", name="Reset to the file's settings").click()
    expect(metric(page, "Activations requested")).to_have_text("63", timeout=LONG)  # the reset run has drawn
    idle(page)  # and finished, so the previous run's switch is gone
    expect(switch(page, "lab_role", "approval")).not_to_be_checked()
    shoot(page, shots, "state-4-reset")


def test_a_seed_typed_in_the_lab_survives_other_pages(page: Page, app_url: str):
    visit(page, app_url, "lab", "Scenario lab")
    choose(page, "lab/scenario", "Standing admins versus just-in-time (standing-vs-jit)")
    expect(metric(page, "Activations requested")).to_have_text("63")  # standing-vs-jit is drawn
    seed = page.locator(f"{widget('lab_settings', 'seed')} input")
    expect(seed).to_have_count(1)  # jit-basics' copy is gone
    expect(seed).to_have_value("4")
    seed.fill("11")
    seed.press("Enter")
    idle(page)
    m = expected("standing-vs-jit", seed=11).metrics()
    expect(metric(page, "Activations requested")).to_have_text(f"{m['activations_requested']:.0f}")
    for title, heading in (("Why / why not", "Why / why not"), ("Practice", "Practice"), ("What-if", "What-if")):
        nav(page, title, heading)
    nav(page, "Scenario lab", "Scenario lab")
    expect(seed).to_have_value("11")
    expect(metric(page, "Activations requested")).to_have_text(f"{m['activations_requested']:.0f}")
    assert parse_qs(urlparse(page.url).query)["seed"] == ["11"]


def test_what_if_offers_the_chosen_scenarios_roles_and_people(page: Page, app_url: str, shots):
    visit(page, app_url, "what-if", "What-if")
    role = page.locator(f"{widget('whatif_scenario', 'role')} input[role=combobox]")
    expect(role).to_have_value("Exchange Administrator at /")
    choose(page, "whatif/base", "Approval and the 24-hour expiry (approval-expiry)")
    idle(page)
    expect(role).to_have_value("Security Administrator at /", timeout=LONG)
    scenario = Scenario.from_dict(yaml.safe_load((ROOT / "scenarios" / "approval-expiry.yaml").read_text()))
    people = {u.name for u in scenario.tenant.users}
    for tag in "ab":
        shown = page.locator(widget(f"whatif_{tag}", "approvers")).inner_text()
        assert any(p in shown for p in people), shown
    expect(page.get_by_test_id("stMain")).not_to_contain_text("Exchange Administrator")
    expect(page.get_by_test_id("stMain")).not_to_contain_text("std1")
    assert parse_qs(urlparse(page.url).query)["scenario"] == ["approval-expiry"]
    shoot(page, shots, "state-5-what-if-approval-expiry")


def test_why_not_user_and_portal_persona_survive_page_switches(page: Page, app_url: str):
    visit(page, app_url, "why-not", "Why / why not")
    choose(page, "whynot/user", "bob")
    nav(page, "Portal sandbox", "Portal sandbox")
    choose(page, "portal/persona", "bob (Approver)")
    nav(page, "Audit explorer", "Audit explorer")
    nav(page, "Why / why not", "Why / why not")
    expect(page.locator(f"{widget('whynot', 'user')} input[role=combobox]")).to_have_value("bob")
    expect(page.get_by_test_id("stHeading").filter(has_text="bob's assignments")).to_be_visible()
    nav(page, "Portal sandbox", "Portal sandbox")
    expect(page.locator(f"{widget('portal', 'persona')} input[role=combobox]")).to_have_value("bob (Approver)")


def test_the_learner_profile_stays_and_answers_are_stored_under_it(page: Page, app_url: str, progress_path, shots):
    visit(page, app_url, "practice", "Practice")
    profile = page.locator("[class*='st-key-learner_profile_'] input")
    for name in ("zz-learner", "aa-learner"):  # the second is alphabetically first
        fill(page, "quiz_new_profile", name)
        click(page, "quiz_create_profile")
        expect(profile).to_have_value(name)
        # the run that switched profiles also empties the name field: type the next name only once it has
        expect(page.locator(".st-key-quiz_new_profile input")).to_have_value("")
        idle(page)
    choose(page, "learner/profile", "zz-learner")
    expect(profile).to_have_value("zz-learner")
    for title in ("Exam", "Progress", "Scenario lab", "Practice"):
        nav(page, title, title if title != "Scenario lab" else "Scenario lab")
        if title != "Scenario lab":
            expect(page.locator("[class*='st-key-learner_profile_'] input")).to_have_value("zz-learner")
    from test_browser_quiz import answer_current

    click(page, "practice_start")
    answer_current(page, "practice_session_q0")
    click(page, "practice_session_check")
    expect(page.get_by_text("Sources:").first).to_be_visible(timeout=LONG)
    with open_store(str(progress_path), readonly=True) as store:
        assert len(store.answers("zz-learner", actor=OWNER)) == 1 and store.answers("aa-learner", actor=OWNER) == []
    shoot(page, shots, "state-6-profile-kept")


def test_practice_without_a_seed_serves_new_questions_each_time(page: Page, app_url: str, shots):
    seen = []
    for n in range(3):  # a student opening Practice again, as they would the next day
        visit(page, app_url, "practice", "Practice")
        if n == 0:
            fill(page, "quiz_new_profile", "seed-learner")
            click(page, "quiz_create_profile")
        expect(page.locator("[class*='st-key-learner_profile_'] input")).not_to_have_value("")
        click(page, "practice_start")
        used = page.get_by_text("This set's seed")
        expect(used).to_be_visible(timeout=LONG)
        expect(page.get_by_test_id("stMain")).to_contain_text("Question 1", timeout=LONG)
        idle(page)
        question = page.get_by_test_id("stMain").inner_text().split("Question 1", 1)[1]
        seen.append((used.inner_text(), question))
    shoot(page, shots, "state-7-practice-seed")
    assert len({s for s, _ in seen}) == 3, seen  # three starts, three sets
    assert len({q for _, q in seen}) > 1, seen  # not the same first question every time
