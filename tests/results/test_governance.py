"""Governance metrics as DataFrames, and a year of monthly reviews whose counts reconcile."""

from __future__ import annotations

from engine_builders import GA, SEC, simulation, with_admin

from pim_sim import AccessReview, ApproverBehaviour, ReviewerBehaviour, Simulation, Tenant, User
from pim_sim.core.audit import Service

DAY = 24 * 60.0


def test_approvals_per_approver_and_expired_requests():
    sim = with_admin(simulation())  # bob
    sim.assign("dave", SEC, kind="active", justification="approver")
    sim.set_settings(SEC, require_approval=True, approvers=("bob", "dave"))
    for u in ("alice", "carol", "erin"):
        sim.assign(u, SEC, kind="eligible")
    r1 = sim.activate("alice", SEC, duration="PT1H", justification="x")
    r2 = sim.activate("carol", SEC, duration="PT1H", justification="x")
    sim.activate("erin", SEC, duration="PT1H", justification="x")  # nobody decides
    sim.approve(r1.id, by="bob")
    sim.deny(r2.id, by="bob")
    sim.advance("P2D")
    res = sim.results()
    assert res.approvals_by_approver.to_dict("records") == [
        {"approver": "bob", "approved": 1, "denied": 1, "decided": 2}]
    assert list(res.expired_requests["principal"]) == ["erin"]
    assert res.metrics()["requests_expired"] == 1.0


def test_privilege_hours_split_jit_from_standing_and_agree_with_the_headline_metrics():
    sim = with_admin(simulation())
    sim.assign("alice", SEC, kind="eligible")
    sim.activate("alice", SEC, duration="PT2H", justification="x")
    sim.advance("P1D")
    res = sim.results()
    hours = res.privilege_hours.set_index("principal")
    assert hours.loc["alice", "jit_hours"] == 2.0 and hours.loc["alice", "standing_hours"] == 0.0
    assert hours.loc["bob", "standing_hours"] == 24.0
    m = res.metrics()
    assert res.privilege_hours["jit_hours"].sum() == m["jit_privilege_hours"]
    assert res.privilege_hours["standing_hours"].sum() == m["standing_privilege_hours"]


def test_review_outcomes_separate_decisions_from_no_response():
    sim = with_admin(simulation())
    for u in ("alice", "carol", "dave"):
        sim.assign(u, SEC, kind="eligible")
    review = sim.reviews.create(AccessReview("r", SEC, selected=("bob",), duration_days=5, auto_apply=True,
                                             no_response="Remove access"))
    review.decide("alice", approve=False, by="bob")
    review.decide("carol", approve=True, by="bob")
    sim.advance("P6D")
    row = sim.results().review_outcomes.iloc[0]
    assert (row["approved"], row["denied"], row["kept"], row["removed_by_decision"], row["removed_by_no_response"]) \
        == (1, 2, 1, 1, 1)
    decisions = sim.results().review_decisions
    assert list(decisions["source"]) == ["reviewer", "reviewer", "noResponse"]
    assert sim.results().governance_metrics()["review_removed_by_no_response"] == 1.0


def test_alert_incidents_and_their_timeline():
    sim = simulation()
    sim.alerts.configure("staleSignIn", stale_days=2)
    sim.sign_in("alice")
    sim.assign("alice", SEC, kind="eligible")
    sim.advance("P5D")
    sim.sign_in("alice")
    sim.advance("P1D")
    res = sim.results()
    stale = res.alert_incidents[res.alert_incidents["alert"] == "staleSignIn"]
    assert stale[["principal", "role", "raised", "resolved"]].values.tolist() == [["alice", SEC, 3 * DAY, 5 * DAY]]
    timeline = res.alert_timeline()
    opened = timeline[timeline["alert"] == "Potential stale accounts in a privileged role"]
    assert list(opened["open"]) == [0, 0, 0, 1, 1, 0, 0]


def test_frames_are_empty_with_their_columns_when_nothing_was_governed():
    res = simulation().results()
    assert res.review_outcomes.empty and "removed_by_no_response" in res.review_outcomes.columns
    assert res.alert_incidents.empty and "principal" in res.alert_incidents.columns
    assert res.governance_metrics()["alert_incidents"] == 0.0


def test_a_year_of_monthly_reviews_on_a_500_user_tenant_reconciles():
    users = [User(f"u{i:03d}", manager=f"u{i // 50:03d}" if i >= 10 else None) for i in range(500)]
    sim = Simulation(Tenant.build(users=[*users, "fallback"]), seed=11, approvers={"*": ApproverBehaviour()})
    sim.assign("u000", GA, kind="active", justification="break glass")
    for i in range(10, 310):
        sim.assign(f"u{i:03d}", SEC, kind="eligible")
    _ = sim.alerts
    review = sim.reviews.create(AccessReview(
        "Monthly security admins", SEC, reviewers="manager", fallback=("fallback",), frequency="monthly",
        duration_days=20, occurrences=12, auto_apply=True, no_response="Take recommendations",
        behaviour=ReviewerBehaviour(respond_probability=0.7, median_days=4.0)))
    start = sum(1 for s in sim.schedules.values() if s.role == SEC and s.holds_at(sim.now))

    def hire(k: int) -> None:  # five new eligible administrators a week
        for i in range(310 + 5 * (k % 38), 315 + 5 * (k % 38)):
            if sim.find(f"u{i:03d}", SEC) is None:
                sim.assign(f"u{i:03d}", SEC, kind="eligible")

    def sign_ins(k: int) -> None:  # a third of the tenant signs in every ten days
        for i in range(k % 3, 500, 3):
            sim.sign_in(f"u{i:03d}")

    for k in range(52):
        sim.at(k * 7 * DAY + 60, lambda k=k: hire(k))
    for k in range(37):
        sim.at(k * 10 * DAY + 30, lambda k=k: sign_ins(k))
    sim.run("P365D")

    added = sum(1 for r in sim.audit if r.activity == "Add eligible member to role in PIM completed (permanent)"
                and r.role == SEC and r.minute > 0)
    removed = sum(1 for r in sim.audit if r.activity == "Remove eligible member from role in PIM completed (permanent)"
                  and r.role == SEC)
    end = sum(1 for s in sim.schedules.values() if s.role == SEC and s.holds_at(sim.now))
    assert start == 300 and added > 0 and removed > 0
    assert start + added - removed == end
    outcomes = sim.results().review_outcomes
    assert len(review.instances) == len(outcomes) == 12
    assert outcomes["removed_by_decision"].sum() + outcomes["removed_by_no_response"].sum() == removed
    assert (outcomes["status"] == "Applied").all()
    applied = [r for r in sim.audit if r.service == Service.ACCESS_REVIEWS and r.activity == "Auto apply review"]
    assert len(applied) == 12
    assert sim.holds("u000", GA)


def test_same_seed_same_governance_records():
    def run(seed: int):
        users = [User(f"u{i:02d}", manager="u00" if i else None) for i in range(40)]
        sim = Simulation(Tenant.build(users=[*users, "fb"]), seed=seed)
        for i in range(1, 40):
            sim.assign(f"u{i:02d}", SEC if i % 2 else "Security Reader", kind="eligible")
        _ = sim.alerts
        for role in (SEC, "Security Reader"):
            sim.reviews.create(AccessReview(role, role, reviewers="manager", fallback=("fb",), frequency="monthly",
                                            duration_days=14, auto_apply=True, no_response="Take recommendations",
                                            behaviour=ReviewerBehaviour()))
        for k in range(12):
            sim.at(k * 9 * DAY + 5, lambda k=k: [sim.sign_in(f"u{i:02d}") for i in range(k % 4, 40, 4)])
        sim.run("P100D")
        res = sim.results()
        return sim.audit, sim.notifications, res.review_outcomes, res.alert_incidents

    first, again = run(5), run(5)
    assert first[:2] == again[:2]
    assert first[2].equals(again[2]) and first[3].equals(again[3]) and len(first[2]) == 8
    assert first[0] != run(6)[0]
