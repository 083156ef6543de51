"""Effective access at a moment, the first reason it is missing, and the results frames built from a run."""

import pytest
from engine_builders import GA, RG, SEC, SUB, VM, simulation, with_admin

from pim_sim import PimRefusal, Reason
from pim_sim.core.access import holders


def _eligible(sim):
    sim.assign("alice", SEC, kind="eligible")
    return sim


def _approval(sim):
    sim.set_settings(SEC, require_approval=True, approvers=("bob",))
    _eligible(sim)
    return sim.activate("alice", SEC, duration="PT1H", justification="j")


def has_access(sim):
    _eligible(sim).activate("alice", SEC, duration="PT1H", justification="j")


def not_eligible(sim):
    sim.assign("bob", SEC, kind="eligible")


def eligible_not_activated(sim):
    _eligible(sim)


def pending_approval(sim):
    _approval(sim)


def request_denied(sim):
    sim.deny(_approval(sim).id, by="bob", justification="no")


def request_expired(sim):
    _approval(sim)
    sim.advance("P1DT1M")


def request_canceled(sim):
    sim.cancel(_approval(sim).id)


def activation_not_started(sim):
    _eligible(sim).activate("alice", SEC, duration="PT1H", justification="j", start="PT2H")


def activation_ended(sim):
    has_access(sim)
    sim.advance(61)


def assignment_not_started(sim):
    sim.assign("alice", SEC, kind="active", start="PT3H", justification="j")


def assignment_ended(sim):
    sim.assign("alice", SEC, kind="active", duration="PT1H", justification="j")
    sim.advance(61)




def licence(sim):
    _eligible(sim)
    sim.set_licence("P1")


@pytest.mark.parametrize(("setup", "reason"), [
    (has_access, Reason.HAS_ACCESS), (not_eligible, Reason.NOT_ELIGIBLE),
    (eligible_not_activated, Reason.ELIGIBLE_NOT_ACTIVATED), (pending_approval, Reason.PENDING_APPROVAL),
    (request_denied, Reason.REQUEST_DENIED), (request_expired, Reason.REQUEST_EXPIRED),
    (request_canceled, Reason.REQUEST_CANCELED), (activation_not_started, Reason.ACTIVATION_NOT_STARTED),
    (activation_ended, Reason.ACTIVATION_ENDED), (assignment_not_started, Reason.ASSIGNMENT_NOT_STARTED),
    (assignment_ended, Reason.ASSIGNMENT_ENDED),
    (licence, Reason.LICENCE)])
def test_why_not_names_the_first_missing_step(setup, reason):
    sim = simulation()
    setup(sim)
    why = sim.why_not("alice", SEC)
    assert why.reason is reason
    assert sim.holds("alice", SEC) is (reason is Reason.HAS_ACCESS)


def test_a_role_held_at_a_scope_that_does_not_cover_the_question():
    sim = simulation()
    sim.assign("alice", "User Administrator", "/administrativeUnits/paris", kind="active", justification="j")
    sim.assign("alice", "Reader", RG, kind="active", duration="P1D", justification="j")
    assert sim.why_not("alice", "User Administrator").reason is Reason.SCOPE_NOT_COVERED
    assert sim.why_not("alice", "Reader", SUB).reason is Reason.SCOPE_NOT_COVERED


def test_provisioning_lag_is_its_own_reason():
    sim = simulation(lag=True, seed=2)
    has_access(sim)
    sim.advance(0.6)  # provisioned (at most 30 seconds), token lag up to 10 minutes
    s = sim.find("alice", SEC, kind="active")
    t = (s.start + s.usable_from) / 2
    assert sim.why_not("alice", SEC, at=t).reason is Reason.PROVISIONING_LAG
    assert sim.why_not("alice", SEC, at=s.usable_from).reason is Reason.HAS_ACCESS


def test_why_not_in_the_past_reads_the_state_then():
    sim = simulation()
    has_access(sim)
    sim.advance(120)
    assert [sim.why_not("alice", SEC, at=t).reason for t in (30, 90)] == [Reason.HAS_ACCESS, Reason.ACTIVATION_ENDED]


def test_holdings_say_how_and_from_where_access_comes():
    sim = simulation()
    sim.assign("alice", "Contributor", SUB, kind="active", duration="P30D", justification="j")
    why = sim.why_not("alice", "Contributor", VM)
    assert why.detail == f"alice holds Contributor (active assignment inherited from {SUB})."
    h = why.holdings[0]
    assert (h.how.value, h.assigned_scope, h.scope, h.inherited) == ("active assignment", SUB, VM, True)


def test_holders_lists_everyone_with_the_role_including_group_members_and_inheritance():
    sim = with_admin(simulation(), "bob", GA)
    sim.assign("admins", GA, kind="active", justification="team")
    sim.assign("dave", "Reader", RG, kind="active", duration="P1D", justification="j")
    assert sorted((h.principal, h.via_group) for h in holders(sim, GA, "/", sim.now)) == [("bob", ""), ("carol", "admins")]
    assert [h.principal for h in holders(sim, "Reader", VM, sim.now)] == ["dave"]
    assert holders(sim, "Reader", SUB, sim.now) == ()


# --- results frames --------------------------------------------------------------------------------------
def _run():
    sim = simulation()
    sim.assign("bob", GA, kind="active", justification="standing")
    sim.assign("alice", SEC, kind="eligible")
    sim.activate("alice", SEC, duration="PT2H", justification="j")
    with pytest.raises(PimRefusal, match="already active"):  # refused, and recorded
        sim.activate("alice", SEC, duration="PT2H", justification="j")
    sim.run("PT4H")
    return sim.results()


def test_results_frames_have_one_row_per_record():
    res = _run()
    assert len(res.audit) == len(res.sim.audit) and list(res.audit.columns)[:4] == ["seq", "minute", "time", "activity"]
    assert res.requests["action"].tolist() == ["adminAssign", "adminAssign", "selfActivate"]
    assert res.requests["status"].tolist() == ["Provisioned", "Provisioned", "Provisioned"]
    assert res.refusals[["principal", "rule", "code"]].values.tolist() == [["alice", "EligibilityRule", "RoleAssignmentExists"]]
    assert len(res.status_changes) == len(res.sim.status_log)


def test_effective_access_counts_privileged_hours_up_to_the_horizon():
    res = _run()
    access = res.effective_access
    rows = sorted(zip(access["principal"], access["origin"], access["hours"], strict=True))
    assert rows == [("alice", "activated", 2.0), ("bob", "assigned", 4.0)]
    m = res.metrics()
    assert (m["activations_requested"], m["activations_provisioned"], m["refusals"]) == (1, 1, 1)
    assert (m["jit_privilege_hours"], m["standing_privilege_hours"]) == (2.0, 4.0)
    assert m["time_to_access_p50_min"] == 0


def test_intervals_include_standing_group_membership_but_effective_access_does_not():
    res = simulation().results()
    assert sorted(zip(res.intervals["principal"], res.intervals["origin"], strict=True)) == [
        ("carol", "standing"), ("dave", "standing")]
    assert res.effective_access.empty


def test_why_not_at_a_past_time_ignores_what_was_created_later():
    sim = simulation()
    with_admin(sim)
    sim.assign("alice", SEC, kind="eligible", duration="P10D")
    sim.run("P15D")
    renewal = sim.request_renew("alice", SEC, justification="still needed")
    sim.decide_update(renewal.id, by="bob", justification="ok")
    assert sim.why_not("alice", SEC, at="P12D").reason is Reason.ASSIGNMENT_ENDED
    assert sim.why_not("alice", SEC, at="P15D").reason is Reason.ELIGIBLE_NOT_ACTIVATED
