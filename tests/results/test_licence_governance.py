"""Licences: what a lapse does to governance, what a tenant without P2 can do, and seat counting."""

from __future__ import annotations

import pytest
from engine_builders import GA, SEC, SUB, simulation, with_admin

from pim_sim import AccessReview, Group, Kind, PimRefusal, Simulation, Tenant
from pim_sim.core.licensing import CAPABILITIES, capabilities
from pim_sim.results.seats import seats_needed


def _require(condition) -> None:
    if not condition:
        raise PimRefusal("not available", rule="probe")


def _try(action) -> bool:
    try:
        action()
    except PimRefusal:
        return False
    return True


def capability_probe(sim: Simulation, name: str) -> bool:
    """Does the engine let a tenant do this now?"""
    probes = {
        "Make eligible assignments": lambda: sim.assign("dave", SEC, kind="eligible"),
        "Activate an eligible role": lambda: sim.activate("alice", SEC, duration="PT1H", justification="x"),
        "Make time-bound active assignments in PIM": lambda: sim.assign("dave", "Security Reader", kind="active",
                                                                        duration="P10D", justification="x"),
        "Change PIM role settings": lambda: sim.set_settings(SEC, require_ticket=True),
        "Create access reviews of privileged roles": lambda: sim.reviews.create(AccessReview("r", SEC, selected=("bob",))),
        "Get PIM security alerts and emails": lambda: _require(
            sim.assign_outside_pim("carol", "Helpdesk Administrator")
            and sim.alerts.incidents("rolesAssignedOutsidePrivilegedIdentityManagement", open_only=True)),
        "Open PIM's Resource audit and My audit": lambda: _require(
            sim.results().where_visible(sim.now)["place"].str.startswith("PIM >").any()),
        "Keep permanent active assignments": lambda: _require(sim.holds("bob", GA)),
        "Assign a role permanently outside PIM (Entra roles blade, Azure IAM)": lambda: sim.assign_outside_pim(
            "erin", "Reports Reader"),
        "Read the Microsoft Entra audit logs": lambda: _require(
            sim.results().where_visible(sim.now)["place"].str.startswith("Microsoft Entra audit logs").any()),
    }
    return _try(probes[name])


@pytest.mark.parametrize("licence", ["Free", "P1", "P2", "Governance"])
def test_each_capability_matches_what_the_engine_allows(licence):
    for capability, allowed in capabilities(licence):
        sim = with_admin(simulation())
        sim.assign("alice", SEC, kind="eligible")
        sim.advance("PT10M")
        sim.set_licence(licence)
        assert capability_probe(sim, capability.name) is allowed, (licence, capability.name)
    assert len(CAPABILITIES) == 10


def test_a_lapse_removes_eligibility_makes_time_bound_active_permanent_and_keeps_permanent_active():
    sim = with_admin(simulation())
    eligible = sim.assign("alice", SEC, kind="eligible")
    timebound = sim.assign("carol", SEC, kind="active", duration="P10D", justification="x")
    sim.advance("P1D")
    sim.set_licence("Free")
    assert sim.schedules[eligible.target_schedule].removed == sim.now
    assert sim.schedules[timebound.target_schedule].end is None
    assert sim.holds("bob", GA)
    sim.advance("P20D")
    assert sim.holds("carol", SEC)  # no longer expires
    assert not sim.holds("alice", SEC)


def test_no_alerts_or_notifications_after_a_lapse():
    sim = with_admin(simulation())
    _ = sim.alerts
    sim.set_licence("Free")
    mails = len(sim.notifications)
    sim.assign_outside_pim("carol", SEC)
    sim.advance("P40D")
    assert len(sim.notifications) == mails
    assert [d.id for d in sim.alerts.active()] == ["invalidLicense"]


def test_seats_follow_learns_example_14_eligible_users_and_3_approvers_need_17():
    users = [f"user{i}" for i in range(14)] + ["appr1", "appr2", "appr3", "bystander"]
    sim = Simulation(Tenant.build(users=users), seed=0)
    for u in users[:14]:
        sim.assign(u, SEC, kind="eligible")
    sim.set_settings(SEC, require_approval=True, approvers=("appr1", "appr2", "appr3"))
    report = seats_needed(sim)
    assert report.needed == 17
    assert report.by_reason() == {"eligible or time-bound assignees": 14, "approvers": 3, "reviewers": 0,
                                  "reviewed users": 0, "seats needed": 17}


def test_seats_count_groups_time_bound_active_reviewers_and_reviewed_users_once_each():
    t = Tenant.build(users=["a", "b", "c", "perm", "rev"], service_principals=["bot"],
                     groups=[Group("admins", role_assignable=True, members=("a", "b"))])
    sim = Simulation(t, seed=0)
    sim.assign("admins", SEC, kind="eligible")  # both members need a seat
    sim.assign("c", "Security Reader", kind="active", duration="P30D", justification="x")  # time-bound: a seat
    sim.assign("perm", "Security Reader", kind="active", justification="x")  # permanent active: no seat by itself
    sim.assign("bot", "Security Reader", kind="active", duration="P30D", justification="x")  # not a P2 seat
    assert seats_needed(sim).assignees == {"a", "b", "c"}
    sim.reviews.create(AccessReview("r", "Security Reader", selected=("rev",), duration_days=5))
    report = seats_needed(sim)
    assert report.reviewers == {"rev"} and report.reviewed == {"c", "perm"}
    assert report.needed == 5  # a, b, c, perm, rev
    sim.advance("P6D")
    assert seats_needed(sim).needed == 3  # the review is over


def test_entra_default_approvers_need_seats_when_approval_has_no_named_approvers():
    sim = with_admin(simulation())  # bob is Global Administrator
    sim.set_settings(SEC, require_approval=True)
    assert seats_needed(sim).approvers == {"bob"}


def test_azure_reviews_are_not_ended_by_the_lapse_rule_for_entra_roles():
    sim = with_admin(simulation())
    sim.assign("alice", "Reader", SUB, kind="active", duration="P90D", justification="x")
    azure = sim.reviews.create(AccessReview("sub", "Reader", SUB, selected=("bob",), duration_days=10))
    entra = sim.reviews.create(AccessReview("entra", GA, selected=("dave",), duration_days=10))
    sim.set_licence("Free")
    assert entra.instance().ended_by == "licence"
    assert azure.instance().status.value == "InProgress"  # Learn names Entra role reviews only
    assert sim.find("alice", "Reader", SUB, kind=Kind.ACTIVE).end is None  # time-bound active became permanent
