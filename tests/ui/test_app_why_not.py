"""The Why / why not page: who holds a role at a scope at a moment, and the first reason access
is missing, as the model explains it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from page_widgets import widget
from streamlit.testing.v1 import AppTest

from pim_sim.core.access import holders
from pim_sim.core.roles import AZURE_ROLES
from pim_sim.scenario.model import default_scenario
from pim_sim.scenario.presets import RESOURCE_GROUP, SUBSCRIPTION

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture(scope="module")
def sim():
    return default_scenario().run().sim


def open_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("ui/why_not.py").run()
    assert not at.exception
    return at


def ask(at: AppTest, user: str, role: str, hours: float, scope: str = "/") -> str:
    widget(at, "selectbox", "whynot", "user").set_value(user).run()
    widget(at, "selectbox", "whynot", "scope").set_value(scope).run()
    widget(at, "selectbox", "whynot", "role").set_value(role).run()
    widget(at, "slider", "whynot", "hours").set_value(hours).run()
    assert not at.exception
    return " ".join(x.value for x in (*at.success, *at.warning))


@pytest.mark.parametrize(("hours", "reason"), [(32.75, "Eligible but not activated"), (33.5, "Has access"),
                                               (35.5, "Activation ended"), (57.5, "Has access")])
def test_the_answer_is_the_models_first_reason(sim, hours, reason):
    at = open_page()
    shown = ask(at, "alice", "Security Administrator", hours)
    answer = sim.why_not("alice", "Security Administrator", at=hours * 60)
    assert shown.startswith(f"**{reason}.**") and "minute" not in shown  # dates and times, as the portal shows them
    assert answer.reason.value.capitalize() == reason
    moments = re.findall(r"minute (\d+(?:\.\d+)?)", answer.detail)
    for m in moments:  # each moment of the model's answer appears as its date and time
        assert f"{sim.clock.at(float(m)):%a %d %b %Y %H:%M} UTC" in shown


def test_holders_at_that_moment_are_listed(sim):
    at = open_page()
    ask(at, "alice", "Security Administrator", 33.5)
    table = next(d.value for d in at.dataframe if "How" in d.value.columns)
    assert list(table["Person"]) == [h.principal for h in holders(sim, "Security Administrator", "/", 33.5 * 60)]
    assert list(table["How"]) == ["activated"]
    ask(at, "alice", "Security Administrator", 30.0)
    assert next(d.value for d in at.dataframe if "How" in d.value.columns).empty


def test_azure_assignments_inherit_down_the_scope_tree(sim):
    at = open_page()
    widget(at, "selectbox", "whynot", "scope").set_value(RESOURCE_GROUP).run()
    assert widget(at, "selectbox", "whynot", "role").options == sorted(AZURE_ROLES)
    shown = ask(at, "dave", "Owner", 10.0, RESOURCE_GROUP)
    assert shown.startswith("**Has access.**") and f"inherited from {SUBSCRIPTION}" in shown
    table = next(d.value for d in at.dataframe if "How" in d.value.columns)
    assert table["Inherited"].tolist() == [True] and table["Assigned at"].tolist() == [SUBSCRIPTION]


def test_the_persons_assignments_are_drawn_on_a_timeline():
    at = open_page()
    ask(at, "alice", "Security Administrator", 60.0)
    assert len(at.get("vega_lite_chart")) == 1
    ask(at, "frank", "Security Administrator", 60.0)
    assert len(at.get("vega_lite_chart")) == 0
    assert any("never had an assignment" in c.value for c in at.caption)


def test_the_portal_sandbox_can_be_asked_too():
    at = open_page()
    widget(at, "radio", "whynot", "source").set_value("Portal sandbox").run()
    shown = ask(at, "alice", "Helpdesk Administrator", 40.0)
    assert shown.startswith("**Assignment ended.**")


def test_the_page_opens_on_a_role_the_user_has_had(sim):
    at = open_page()
    user = widget(at, "selectbox", "whynot", "user").value
    held = sorted({s.role for s in sim.schedules_of(user)} & set(widget(at, "selectbox", "whynot", "role").options))
    assert held and widget(at, "selectbox", "whynot", "role").value == held[0]
