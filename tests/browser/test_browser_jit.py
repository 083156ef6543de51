"""The Just-in-time VM access blade in a real browser: the tab counts, a request whose allow rule appears in the
VM's NSG and disappears at its end time, a Security Reader's refusal with its reason, and enabling JIT on a VM."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from test_browser import LONG, choose, click, idle, shoot, tab, visit

pytestmark = pytest.mark.browser

DENY = "MicrosoftDefenderForCloud-JITRule_-web1"
ALLOW = re.compile(r"MicrosoftDefenderForCloud-JITRule-web1-3389-jitreq-\d+")


def tabs(page: Page) -> list[str]:
    return [t.strip() for t in page.get_by_role("tab").filter(visible=True).all_inner_texts()]


def rules(page: Page, nsg: str):
    return page.locator(f".st-key-jit_rules_{nsg} [data-testid=stTable]")


def pick_ports(page: Page, *ports: int) -> None:
    for p in ports:
        if str(p) in page.locator(".st-key-jit_req_ports").inner_text():
            continue  # still chosen from the last request
        page.locator(".st-key-jit_req_ports input[role=combobox]").click()
        page.get_by_role("option", name=str(p), exact=True).click()
        idle(page)
    page.keyboard.press("Escape")


def test_the_jit_blade_from_tabs_to_rules(page: Page, app_url: str, shots):
    visit(page, app_url, "jit", "Just-in-time VM access")
    expect(page.get_by_role("tab", name="Configured (1)", exact=True).filter(visible=True)).to_be_visible(timeout=LONG)
    assert tabs(page)[:3] == ["Configured (1)", "Not configured (1)", "Unsupported (2)"]
    # web1's NIC NSG: JIT's deny rule, no allow rule yet
    choose(page, "jit_net_vm", "web1")
    expect(rules(page, "nsg-web1")).to_contain_text(DENY)
    expect(rules(page, "nsg-web1")).not_to_contain_text("JITRule-web1-3389")
    shoot(page, shots, "jit-1-configured")

    # alice asks for RDP for 2 hours from her IP: the allow rule appears above the deny rule
    pick_ports(page, 3389)
    click(page, "jit_req_go")
    expect(page.get_by_test_id("stAlert").filter(has_text="Access requested by alice")).to_contain_text(
        "203.0.113.50")
    expect(rules(page, "nsg-web1")).to_contain_text(ALLOW)
    rows = rules(page, "nsg-web1").locator("tbody tr").all_inner_texts()
    names = [r.split("\t")[1] if "\t" in r else r for r in rows]
    allow_at = next(i for i, r in enumerate(rows) if ALLOW.search(r))
    deny_at = next(i for i, r in enumerate(rows) if DENY in r)
    assert allow_at < deny_at, names
    expect(page.locator(".st-key-jit_why_answer")).to_contain_text("Yes")
    shoot(page, shots, "jit-2-open")

    # three hours later the grant has ended: the rule is gone and the answer is no
    click(page, "jit_plus3h")
    expect(rules(page, "nsg-web1")).not_to_contain_text("JITRule-web1-3389")
    expect(page.locator(".st-key-jit_why_answer")).to_contain_text("ended")

    # dave (Security Reader) may look but not request: refused with the reason, no rule written
    choose(page, "jit_persona", "dave")
    expect(page.get_by_text("Auditor (Security Reader)", exact=True)).to_be_visible()
    pick_ports(page, 3389)
    click(page, "jit_req_go")
    expect(page.get_by_test_id("stAlert").filter(has_text="Refused")).to_contain_text("no permission")
    expect(rules(page, "nsg-web1")).not_to_contain_text("JITRule-web1-3389")
    shoot(page, shots, "jit-3-refused")

    # alice enables JIT on db1: the counts move, and its deny rule sits below her team's SSH rule
    choose(page, "jit_persona", "alice")
    tab(page, "Not configured (1)")
    click(page, "jit_enable_go")
    expect(page.get_by_role("tab", name="Configured (2)", exact=True).filter(visible=True)).to_be_visible()
    assert tabs(page)[:3] == ["Configured (2)", "Not configured (0)", "Unsupported (2)"]
    choose(page, "jit_net_vm", "db1")
    expect(rules(page, "nsg-db1")).to_contain_text("MicrosoftDefenderForCloud-JITRule_-db1")
    db_rows = rules(page, "nsg-db1").locator("tbody tr").all_inner_texts()
    assert [i for i, r in enumerate(db_rows) if "allow-ssh-any" in r] < \
        [i for i, r in enumerate(db_rows) if "JITRule_-db1" in r]
    shoot(page, shots, "jit-4-enabled")


def test_what_if_compares_two_jit_policies_and_follows_a_slider(page: Page, app_url: str, shots):
    """On /what-if?scenario=jit-standing-rdp-vs-jit the two JIT variants show the library's mean exposure; moving
    variant B's maximum request time down shows the new variant's numbers, also the library's."""
    from pim_sim import Scenario, load_scenario
    from pim_sim.runner import replicate, summarise
    from pim_sim.scenario.model import SCENARIO_DIR
    from ui import jit_what_if

    name, n = "jit-standing-rdp-vs-jit", 10  # the page's default number of replications
    base = load_scenario(SCENARIO_DIR / f"{name}.yaml")

    def exposure(hours: float) -> str:
        variant = Scenario.from_dict(jit_what_if.variant_data(base, hours, 1.0), budget=None)
        mean = summarise(replicate(variant, n).metrics).set_index("metric").loc["jit_exposure_minutes", "mean"]
        return f"{mean:,.0f} min"

    def shown(tag: str):
        return page.locator(f".st-key-{name}_jit_exposure_{tag} [data-testid=stMetricValue]")

    page.goto(f"{app_url}/what-if?scenario={name}")
    expect(page.get_by_text("Just-in-time VM access: two variants side by side")).to_be_visible(timeout=LONG)
    expect(shown("a")).to_have_text(exposure(2.0), timeout=LONG)
    expect(shown("b")).to_have_text(exposure(1.0), timeout=LONG)
    shoot(page, shots, "jit-what-if-1")
    # variant B's maximum from 1 hour to 30 minutes: every request is capped at half an hour
    page.get_by_role("slider").nth(3).focus()  # replications, A's maximum, A's rate, B's maximum
    page.keyboard.press("ArrowLeft")
    idle(page)
    expect(shown("b")).to_have_text(exposure(0.5), timeout=LONG)
    expect(shown("a")).to_have_text(exposure(2.0))
    shoot(page, shots, "jit-what-if-2")
