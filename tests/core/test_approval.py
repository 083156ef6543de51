"""Approval of activations: approvers, first decision wins, no self-approval, 24 hours then expiry."""

import random

import pytest
from engine_builders import GA, PRA, SEC, activities, refusal_rules, simulation, statuses, tenant, with_admin

from pim_sim import MS_PIM, ApproverBehaviour, Away, PimRefusal, RoleSettings, SettingError, Simulation, facts
from pim_sim.core.audit import Service

DAY = 24 * 60


def pending(sim=None, approvers=("bob", "dave"), **activate):
    sim = sim or simulation()
    sim.set_settings(SEC, require_approval=True, approvers=approvers)
    sim.assign("alice", SEC, kind="eligible")
    return sim, sim.activate("alice", SEC, duration=activate.pop("duration", "PT1H"), justification="incident", **activate)


def test_an_approved_activation_lifecycle():
    sim, r = pending()
    sim.advance(30)
    sim.approve(r.id, by="bob", justification="ok, incident confirmed")
    sim.run(200)
    assert statuses(sim, r.id) == [("PendingApproval", 0), ("Granted", 30), ("Provisioned", 30)]
    assert activities(sim, None, r.id) == [
        ("Add member to role requested (PIM activation)", 0),
        ("Add member to role approval requested (PIM activation)", 0),
        ("Add member to role request approved (PIM activation)", 30),
        ("Request approved", 30),
        ("Add member to role completed (PIM activation)", 30),
        ("Remove member from role (PIM activation expired)", 90),
    ]
    assert [sim.holds("alice", SEC, at=t) for t in (29, 30, 89, 90)] == [False, True, True, False]


def test_approval_is_also_logged_under_access_reviews_usermanagement_by_the_approver():
    sim, r = pending()
    sim.approve(r.id, by="dave", justification="fine")
    rec = [a for a in sim.audit if a.service == Service.ACCESS_REVIEWS]
    assert [(a.activity, a.category, a.initiator, a.target, a.justification) for a in rec] == [
        ("Request approved", "UserManagement", "dave", "alice", "fine")]
    assert (sim.requests[r.id].approver, sim.requests[r.id].approver_justification) == ("dave", "fine")


def test_approvers_are_notified_and_the_requester_is_not_among_them():
    sim, r = pending(approvers=("alice", "bob", "dave"))
    assert [(n.rule_id, n.recipients) for n in sim.notifications if n.request_id == r.id] == [
        ("Notification_Approver_EndUser_Assignment", "bob;dave")]


def test_all_approvers_are_told_the_decision():
    sim, r = pending(approvers=("alice", "bob", "dave"))
    sim.advance(8)
    sim.deny(r.id, by="dave", justification="no ticket")
    assert [(n.minute, n.recipients, n.subject) for n in sim.notifications if n.request_id == r.id][1:] == [
        (8, "bob;dave", "PIM: Request for Security Administrator denied by dave")]


def test_approvers_need_no_role():
    sim, r = pending(approvers=("dave",))
    assert [s.role for s in sim.schedules_of("dave")] == ["Member"]  # of helpdesk: no admin role at all
    assert sim.approve(r.id, by="dave").status.value == "Provisioned"


def test_nobody_approves_their_own_request_even_as_an_approver_or_global_administrator():
    sim = with_admin(simulation(), "alice", GA)
    sim, r = pending(sim, approvers=("alice", "bob"))
    with pytest.raises(PimRefusal, match="Approvers aren't able to approve their own role activation requests") as err:
        sim.approve(r.id, by="alice")
    assert (err.value.code, err.value.source) == ("SelfApprovalNotAllowed", facts.SELF_APPROVAL_ALLOWED.source)
    assert sim.requests[r.id].status.value == "PendingApproval"


def test_self_approval_is_refused_under_the_entra_fallback_too():
    sim = simulation()
    sim.set_settings(SEC, require_approval=True)
    sim.assign("alice", PRA, kind="active", justification="x")
    sim.assign("alice", SEC, kind="eligible")
    r = sim.activate("alice", SEC, duration="PT1H", justification="j")
    with pytest.raises(PimRefusal, match="own role activation"):
        sim.approve(r.id, by="alice")


def test_someone_who_is_not_an_approver_cannot_decide():
    sim, r = pending(approvers=("bob",))
    with pytest.raises(PimRefusal, match="dave is not an approver for this request") as err:
        sim.approve(r.id, by="dave")
    assert err.value.code == "NotAnApprover"


def test_service_principals_cannot_approve_nor_be_chosen_as_approvers():
    sim, r = pending(approvers=("bob",))
    with pytest.raises(PimRefusal, match="Service principals can't approve"):
        sim.approve(r.id, by="deploy-bot")
    with pytest.raises(SettingError, match=r"^Approvers: 'deploy-bot' is not allowed; select users or groups"):
        sim.set_settings(SEC, approvers=("deploy-bot", "bob"))


def test_approvers_must_exist_in_the_tenant():
    with pytest.raises(SettingError, match=r"^Approvers: 'zoe' is not allowed"):
        simulation().set_settings(SEC, require_approval=True, approvers=("zoe",))


def test_the_approver_must_justify_a_decision_by_default():
    sim, r = pending()
    with pytest.raises(PimRefusal, match="approver must enter a justification"):
        sim.approve(r.id, by="bob", justification=" ")
    with pytest.raises(PimRefusal, match="approver must enter a justification"):
        sim.deny(r.id, by="bob", justification="")
    assert RoleSettings().approver_justification_required is True


def test_the_first_approver_to_decide_settles_the_request():
    sim, r = pending()
    sim.advance(5)
    sim.deny(r.id, by="dave", justification="no change ticket")
    sim.advance(5)
    with pytest.raises(PimRefusal, match=r"no longer pending \(Denied by dave\)\. The first approver to decide") as err:
        sim.approve(r.id, by="bob")
    assert err.value.code == "RequestNotPending"
    assert statuses(sim, r.id) == [("PendingApproval", 0), ("Denied", 5)]


def test_a_denied_request_grants_nothing_and_needs_a_new_request():
    sim, r = pending()
    sim.advance(5)
    sim.deny(r.id, by="bob", justification="not now")
    assert activities(sim, None, r.id)[2:] == [("Add member to role request denied (PIM activation)", 5),
                                               ("Request denied", 5)]
    assert not sim.holds("alice", SEC)
    assert sim.why_not("alice", SEC).reason.value == "activation request denied"
    assert sim.activate("alice", SEC, duration="PT1H", justification="again").status.value == "PendingApproval"


def test_an_undecided_request_expires_after_exactly_24_hours():
    sim, r = pending()
    sim.run(DAY - 0.001)
    assert sim.requests[r.id].status.value == "PendingApproval"
    sim.run(DAY + 1)
    assert statuses(sim, r.id) == [("PendingApproval", 0), ("Canceled", DAY)]
    assert activities(sim, Service.PIM, r.id)[-1] == ("PIM activation request expired", DAY)
    assert sim.requests[r.id].status_reason == "ApprovalExpired"
    # Graph names no "Expired" status: the model's Canceled + ApprovalExpired is marked as undocumented.
    assert facts.APPROVAL_EXPIRED_STATUS.value == ("Canceled", "ApprovalExpired")
    assert not facts.APPROVAL_EXPIRED_STATUS.documented
    assert sim.why_not("alice", SEC).reason.value == "activation request expired (no approver decided within 24 hours)"
    with pytest.raises(PimRefusal, match="expired: nobody decided within the approval window") as late:
        sim.approve(r.id, by="bob")  # a late approval is refused because the request expired
    assert late.value.code == "RequestExpired"


def test_the_24_hour_window_is_not_a_setting():
    assert facts.APPROVAL_WINDOW_MINUTES.value == DAY
    assert not any("window" in name or "timeout" in name for name in RoleSettings.__dataclass_fields__)


def test_the_requester_cancels_a_pending_request():
    sim, r = pending()
    sim.advance(3)
    assert sim.cancel(r.id).status.value == "Canceled"
    assert activities(sim, Service.PIM, r.id)[-1] == ("Add member to role canceled (PIM activation)", 3)
    assert sim.why_not("alice", SEC).reason.value == "activation request canceled"
    sim.run(DAY + 10)
    assert statuses(sim, r.id) == [("PendingApproval", 0), ("Canceled", 3)]  # no expiry after a cancel


def test_an_administrator_cancels_someone_elses_pending_request_but_a_peer_cannot():
    sim = with_admin(simulation(), "carol", PRA)
    sim, r = pending(sim)
    with pytest.raises(PimRefusal, match="dave can't do this"):
        sim.cancel(r.id, by="dave")
    assert sim.cancel(r.id, by="carol").status.value == "Canceled"
    assert [a.initiator for a in sim.audit if a.activity == "Add member to role canceled (PIM activation)"] == ["carol"]


def test_a_settled_request_cannot_be_canceled():
    sim, r = pending()
    sim.approve(r.id, by="bob")
    with pytest.raises(PimRefusal, match="only pending or not-yet-started requests can be canceled"):
        sim.cancel(r.id)
    assert refusal_rules(sim) == [("CancelRule", "RequestNotCancelable")]


def test_an_approved_future_start_waits_for_its_start():
    sim, r = pending(start="PT2H")
    sim.advance(10)
    sim.approve(r.id, by="bob")
    sim.run(300)
    assert statuses(sim, r.id) == [("PendingApproval", 0), ("Granted", 10), ("Provisioned", 120)]


# --- simulated approvers --------------------------------------------------------------------------
def test_an_approver_responds_after_the_email_and_a_log_normal_delay():
    low = facts.APPROVAL_EMAIL_MINUTES.value[0]
    b = ApproverBehaviour(respond_probability=1.0, approve_probability=1.0, median_minutes=30)
    rng = random.Random(5)
    times = [b.response(rng, 100.0)[0] - 100.0 for _ in range(2000)]
    assert min(times) > low
    assert 20 < sorted(times)[1000] < 60  # median near email (~7) + 30


def test_an_approver_who_is_away_answers_after_coming_back():
    b = ApproverBehaviour(respond_probability=1.0, median_minutes=1, spread=0.01, away=(Away(0, 600),))
    at, _ = b.response(random.Random(1), 0.0)
    assert 600 + facts.APPROVAL_EMAIL_MINUTES.value[0] <= at <= 600 + facts.APPROVAL_EMAIL_MINUTES.value[2]


def test_an_approver_who_never_responds_leaves_the_request_to_expire():
    sim = Simulation(tenant(), seed=1, lag=False, approvers={"*": ApproverBehaviour(respond_probability=0.0)})
    sim, r = pending(sim)
    sim.run(2 * DAY)
    assert sim.requests[r.id].status_reason == "ApprovalExpired"


def test_simulated_approvers_decide_once_and_the_earliest_wins():
    sim = Simulation(tenant(), seed=11, lag=False,
                     approvers={"*": ApproverBehaviour(respond_probability=1.0, approve_probability=1.0)})
    sim, r = pending(sim)
    sim.run(DAY)
    changes = statuses(sim, r.id)
    assert [s for s, _ in changes] == ["PendingApproval", "Granted", "Provisioned"]
    assert sim.requests[r.id].approver in {"bob", "dave"} and sim.refusals == []
    assert changes[1][1] > facts.APPROVAL_EMAIL_MINUTES.value[0]
    assert [a.initiator for a in sim.audit if a.activity == "Request approved"] == [sim.requests[r.id].approver]


def test_approval_requests_are_initiated_by_the_requester_and_completion_by_ms_pim():
    sim, r = pending()
    sim.approve(r.id, by="bob")
    assert [(a.activity, a.initiator) for a in sim.audit if a.request_id == r.id and a.service == Service.PIM] == [
        ("Add member to role requested (PIM activation)", "alice"),
        ("Add member to role approval requested (PIM activation)", "alice"),
        ("Add member to role request approved (PIM activation)", "bob"),
        ("Add member to role completed (PIM activation)", MS_PIM)]


def test_an_approval_after_the_eligibility_was_removed_activates_nothing():
    sim = with_admin(simulation())
    sim, r = pending(sim)
    sim.advance(10)
    sim.remove(sim.find("alice", SEC, kind="eligible").id, by="bob")
    sim.approve(r.id, by="dave")
    assert statuses(sim, r.id) == [("PendingApproval", 0), ("Granted", 10), ("Failed", 10)]
    assert not sim.holds("alice", SEC) and sim.find("alice", SEC, kind="active") is None


def test_an_approval_never_stretches_access_past_the_eligibility_end():
    sim = simulation()
    sim.set_settings(SEC, require_approval=True, approvers=("bob",))
    sim.assign("alice", SEC, kind="eligible", duration="PT90M")
    r = sim.activate("alice", SEC, duration="PT1H", justification="j")
    sim.advance(60)
    sim.approve(r.id, by="bob")
    s = sim.schedules[sim.requests[r.id].target_schedule]
    assert (s.start, s.end) == (60, 90)
    late = simulation()
    late.set_settings(SEC, require_approval=True, approvers=("bob",))
    late.assign("alice", SEC, kind="eligible", duration="PT30M")
    r = late.activate("alice", SEC, duration="PT30M", justification="j")
    late.advance(40)
    assert late.approve(r.id, by="bob").status.value == "Failed"
