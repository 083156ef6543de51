"""The Portal sandbox page, driven through its widgets: activations with approval, refusals with
their rule, clock controls, deactivate, extend, renew and cancel."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from page_widgets import widget
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture
def at() -> AppTest:
    app = AppTest.from_file(APP, default_timeout=30).run()
    app.switch_page("ui/portal.py").run()
    assert not app.exception
    return app


def sim(at: AppTest):
    return at.session_state["sandbox"]


def sign_in(at: AppTest, persona: str) -> None:
    widget(at, "selectbox", "portal", "persona").set_value(persona).run()


def errors(at: AppTest) -> str:
    return " ".join(e.value for e in at.error)


def frame_with(at: AppTest, column: str, value: str):
    """The first table on the page whose ``column`` contains ``value``."""
    for df in (d.value for d in at.dataframe):
        if column in df.columns and value in set(df[column]):
            return df
    return None


def activate(at: AppTest, role: str, *, hours: float | None = None, justification: str = "Patch night",
             ticket: str = "INC042", mfa: bool = True) -> None:
    s = sim(at)
    pick = next(x.id for x in s.schedules_of("alice") if x.role == role and x.kind.value == "eligible"
                and x.holds_at(s.now))
    at.selectbox(key="activate_role").set_value(pick).run()
    if hours is not None:
        at.slider(key="activate_hours").set_value(hours).run()
    at.checkbox(key="activate_mfa").set_value(mfa).run()
    at.text_area(key="activate_justification").set_value(justification).run()
    if ticket and any(w.key == "activate_ticket" for w in at.text_input):
        at.text_input(key="activate_ticket").set_value(ticket).run()
    at.button(key="activate_submit").click().run()


def test_the_sandbox_opens_as_alice_with_her_eligible_active_and_expired_roles(at):
    assert widget(at, "selectbox", "portal", "persona").value == "alice"
    assert "Wed 07 Jan 2026 09:00 UTC" in " ".join(m.value for m in at.markdown)
    assert set(frame_with(at, "Type", "Eligible")["Role"]) == {"Security Administrator", "User Administrator"}
    expired = [d.value for d in at.dataframe if "Schedule" in d.value.columns
               and "Helpdesk Administrator" in set(d.value["Role"])]
    assert len(expired) == 1 and expired[0]["End time"].iloc[0] == "Tue 06 Jan 2026 00:00 UTC"


def test_duration_slider_is_bounded_by_each_roles_activation_maximum(at):
    s = sim(at)
    by_role = {x.role: x.id for x in s.schedules_of("alice") if x.holds_at(s.now)}
    at.selectbox(key="activate_role").set_value(by_role["Security Administrator"]).run()
    assert at.slider(key="activate_hours").max == 4.0  # the sandbox sets a 4-hour maximum
    at.selectbox(key="activate_role").set_value(by_role["User Administrator"]).run()
    assert at.slider(key="activate_hours").max == 8.0  # Entra's documented default
    assert at.slider(key="activate_hours").value == 8.0
    assert not any(w.key == "activate_ticket" for w in at.text_input)  # no ticket rule on this role


@pytest.mark.parametrize(("missing", "rule"), [("mfa", "MfaRule"), ("justification", "JustificationRule"),
                                               ("ticket", "TicketingRule")])
def test_what_the_portal_refuses_is_refused_with_its_rule(at, missing, rule):
    activate(at, "Security Administrator", mfa=missing != "mfa", justification="" if missing == "justification" else "x",
             ticket="" if missing == "ticket" else "INC1")
    assert f"Refused** ({rule}" in errors(at)
    assert [r.rule for r in sim(at).refusals] == [rule]
    assert not any(r.action.value == "selfActivate" for r in sim(at).requests.values())


def test_activation_with_approval_from_request_to_usable_access(at):
    activate(at, "Security Administrator", hours=2.0)
    assert "PendingApproval" in at.success[0].value and "waiting for bob" in at.success[0].value
    assert frame_with(at, "Status", "PendingApproval") is not None  # My requests
    sign_in(at, "bob")
    pending = frame_with(at, "Status", "PendingApproval")
    assert list(pending["Requestor"]) == ["alice"] and list(pending["Duration (h)"]) == [2.0]
    at.text_input(key="approve_justification").set_value("Change approved").run()
    at.button(key="approve_submit").click().run()
    assert "approved: **Granted**. PIM creates the active assignment within seconds" in at.success[0].value
    assert "No activation requests wait for bob's approval." in [i.value for i in at.info]
    sign_in(at, "alice")
    assert frame_with(at, "State", "Activated") is None  # provisioning takes seconds of model time
    at.button(key="portal_plus5m").click().run()
    active = frame_with(at, "State", "Activated")
    assert list(active["Role"]) == ["Security Administrator"]
    assert active["End time"].iloc[0] == "Wed 07 Jan 2026 11:00 UTC"  # two hours from approval (+ seconds)
    at.button(key="portal_plus1h").click().run()
    assert sim(at).holds("alice", "Security Administrator")


def test_an_approver_must_justify_and_cannot_decide_twice(at):
    activate(at, "Security Administrator")
    sign_in(at, "bob")
    at.button(key="deny_submit").click().run()
    assert "Refused** (ApprovalRule" in errors(at) and "justification" in errors(at)
    at.text_input(key="approve_justification").set_value("Not during the freeze").run()
    at.button(key="deny_submit").click().run()
    assert "denied: **Denied**" in at.success[0].value
    sign_in(at, "alice")
    assert frame_with(at, "Status", "Denied") is not None
    assert not sim(at).holds("alice", "Security Administrator")


def test_clock_buttons_and_go_to_advance_the_model(at):
    start = sim(at).now
    at.button(key="portal_plus5m").click().run()
    at.button(key="portal_plus1h").click().run()
    at.button(key="portal_plus1d").click().run()
    assert sim(at).now == start + 5 + 60 + 1440
    assert "Thu 08 Jan 2026 10:05 UTC" in " ".join(m.value for m in at.markdown)
    assert at.datetime_input(key="portal_to").value == datetime.datetime(2026, 1, 8, 10, 5)  # the target follows the clock
    at.datetime_input(key="portal_to").set_value(datetime.datetime(2026, 1, 20, 12, 30))
    at.button(key="portal_go").click().run()  # the form sends the typed moment with Go
    assert sim(at).clock.at(sim(at).now) == datetime.datetime(2026, 1, 20, 12, 30, tzinfo=datetime.UTC)
    assert at.datetime_input(key="portal_to").value == datetime.datetime(2026, 1, 20, 12, 30)
    at.datetime_input(key="portal_to").set_value(datetime.datetime(2026, 1, 6, 9, 0))
    at.button(key="portal_go").click().run()
    assert "can't run back in time" in errors(at)


def test_deactivation_is_refused_within_five_minutes_then_allowed(at):
    activate(at, "User Administrator", hours=1.0)
    assert "**Granted**" in at.success[0].value  # no approval needed for this role
    at.button(key="portal_plus5m").click().run()  # provisioned within seconds, so under 5 minutes ago
    at.button(key="deactivate_submit").click().run()
    assert "Refused** (ExpirationRule, ActiveDurationTooShort)" in errors(at)
    at.button(key="portal_plus5m").click().run()
    at.button(key="deactivate_submit").click().run()
    assert "User Administrator deactivated" in at.success[0].value
    assert frame_with(at, "State", "Activated") is None


def test_extend_needs_an_administrator_and_carol_grants_it(at):
    s = sim(at)
    ua = next(x for x in s.schedules_of("alice") if x.role == "User Administrator")
    at.selectbox(key="extend_pick").set_value(ua.id).run()
    at.button(key="extend_submit").click().run()
    assert "PendingAdminDecision" in at.success[0].value
    sign_in(at, "bob")
    at.button(key="admin_approve").click().run()
    assert "Refused** (AuthorizationRule" in errors(at)
    sign_in(at, "carol")
    at.button(key="admin_approve").click().run()
    assert "Provisioned" in at.success[0].value
    assert sim(at).schedules[ua.id].end == ua.end + s.settings_for("User Administrator", "/").eligible_max


def test_renew_of_the_expired_role_and_cancel_of_a_pending_request(at):
    at.button(key="renew_submit").click().run()
    assert "Renew request" in at.success[0].value
    at.button(key="cancel_submit").click().run()
    assert "canceled" in at.success[0].value
    assert frame_with(at, "Status", "Canceled") is not None
    at.button(key="renew_submit").click().run()
    sign_in(at, "carol")
    at.button(key="admin_approve").click().run()
    sign_in(at, "alice")
    assert "Helpdesk Administrator" in set(frame_with(at, "Type", "Eligible")["Role"])


def test_reset_rebuilds_the_tenant(at):
    at.button(key="portal_plus1d").click().run()
    at.button(key="portal_reset").click().run()
    assert sim(at).now == 3420.0 and "reset" in at.info[0].value


def test_an_access_review_decided_by_its_reviewer_removes_a_denied_assignment_when_applied(at):
    sign_in(at, "bob")
    at.button(key="review_deny").click().run()
    assert "Refused** (AccessReviewRule, NotAReviewer)" in errors(at)
    assert not any(w.key == "review_apply" for w in at.button)  # only administrators stop and apply reviews
    sign_in(at, "carol")
    subjects = next(d.value for d in at.dataframe if "Recommendation" in d.value.columns)
    assert list(subjects["Person"]) == ["alice"] and list(subjects["Reviewers"]) == ["carol"]
    at.text_input(key="review_reason").set_value("No longer on the security team").run()
    at.button(key="review_deny").click().run()
    assert "Deny recorded for alice" in at.success[0].value
    assert sim(at).holds("alice", "Security Administrator") is False
    assert sim(at).find("alice", "Security Administrator", kind="eligible") is not None  # nothing changes yet
    at.button(key="review_apply").click().run()
    assert "Refused** (AccessReviewRule, AccessReviewNotCompleted)" in errors(at)
    at.button(key="review_stop").click().run()
    at.button(key="review_apply").click().run()
    assert "**Applied**" in at.success[0].value
    assert sim(at).find("alice", "Security Administrator", kind="eligible") is None


BUTTONS = ["portal_plus5m", "portal_plus1h", "portal_plus1d", "activate_submit", "deactivate_submit", "extend_submit",
           "renew_submit", "cancel_submit"]


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(clicks=st.lists(st.sampled_from(BUTTONS), min_size=1, max_size=6), persona=st.sampled_from(["alice", "bob"]))
def test_any_sequence_of_clicks_keeps_the_page_and_the_model_in_step(clicks, persona):
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.switch_page("ui/portal.py").run()
    sign_in(at, persona)
    for key in clicks:
        if not any(b.key == key for b in at.button):
            continue  # the page doesn't offer this action now
        before = len(sim(at).refusals)
        at.button(key=key).click().run()
        assert not at.exception
        refused = [e.value for e in at.error if e.value.startswith("**Refused**")]
        assert len(refused) == len(sim(at).refusals) - before  # every refusal shown was recorded, and vice versa
        shown = " ".join(m.value for m in (*at.markdown, *at.error, *at.success))
        assert f"**Now:** {sim(at).clock.at(sim(at).now):%a %d %b %Y %H:%M} UTC" in shown  # the clock as the portal shows it
        assert "minute" not in shown.replace("minutes", "")  # no simulation minutes in any message


def test_each_persona_reads_only_the_audit_their_roles_allow(at):
    seen = sim(at).results().where_visible(sim(at).now)
    where = {}
    for persona in ("alice", "bob", "carol", "dave"):
        sign_in(at, persona)
        table = frame_with(at, "Where", "PIM > Microsoft Entra roles > My audit") if persona != "bob" else None
        expected = seen.loc[[persona in p.split(", ") for p in seen["people"]]]
        assert (len(table) if table is not None else 0) == len(expected)
        where[persona] = set(table["Where"]) if table is not None else set()
    assert where["alice"] == {"PIM > Microsoft Entra roles > My audit"}  # a requester: only her own records
    assert where["bob"] == set()  # approvers need no role, and read nothing until they act
    assert "Microsoft Entra audit logs (Service = PIM)" in where["dave"]  # Security Reader reads the Entra logs
    assert "PIM > Microsoft Entra roles > Resource audit" in where["carol"] & where["dave"]


def test_a_requester_trying_to_approve_their_own_request_is_refused(at):
    activate(at, "Security Administrator")
    s = sim(at)
    pending = [r for r in s.requests.values() if r.principal == "alice" and r.status.value == "PendingApproval"]
    assert pending
    at.button(key="self_approve_submit").click().run()
    refused = [e.value for e in at.error if e.value.startswith("**Refused**")]
    assert len(refused) == 1 and s.refusals[-1].principal == "alice"
    assert s.requests[pending[0].id].status.value == "PendingApproval"


def test_each_persona_reads_the_emails_pim_sent_them(at):
    activate(at, "Security Administrator")
    s = sim(at)
    widget(at, "selectbox", "portal", "persona").set_value("bob").run()
    inbox = next(d.value for d in at.dataframe if "Subject" in d.value.columns)
    to_bob = [n for n in s.notifications if "bob" in [r.strip() for r in n.recipients.split(",")]]
    assert len(to_bob) >= 1 and len(inbox) == len(to_bob)  # bob approves Security Administrator: he is told
    assert set(inbox["Subject"]) == {n.subject for n in to_bob}
