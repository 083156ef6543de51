"""Access reviews of privileged roles: one scenario per option, each checked against the product's rule."""

from __future__ import annotations

from datetime import timedelta

import pytest
from engine_builders import GA, PRA, SEC, SUB, simulation, with_admin

from pim_sim import AccessReview, Group, Kind, ModelError, PimRefusal, ReviewerBehaviour, Simulation, Tenant, User
from pim_sim.core.audit import Service
from pim_sim.core.clock import DEFAULT_START
from pim_sim.features.reviews import Decision, InstanceStatus, NoResponse, add_months

DAY = 24 * 60.0


def review_activities(sim: Simulation) -> list[tuple[str, str, str]]:
    return [(r.activity, r.category, r.target) for r in sim.audit if r.service == Service.ACCESS_REVIEWS]


def entra_sim(**kwargs) -> Simulation:
    sim = with_admin(simulation(**kwargs))  # bob: standing Global Administrator
    sim.assign("alice", SEC, kind="eligible")
    sim.assign("carol", SEC, kind="active", justification="on call")
    return sim


def test_a_denied_eligible_assignment_is_removed_only_when_results_are_applied():
    sim = entra_sim()
    review = sim.reviews.create(AccessReview("Security admins", SEC, selected=("dave",), duration_days=7))
    inst = review.instance()
    assert [s.principal for s in inst.subjects] == ["alice", "carol"]
    review.decide("alice", approve=False, by="dave", reason="left the team")
    review.decide("carol", approve=True, by="dave")
    sim.advance("P8D")
    assert review.instance().status is InstanceStatus.COMPLETED
    assert sim.find("alice", SEC, kind="eligible") is not None  # no change until applied
    review.apply()
    assert review.instance().status is InstanceStatus.APPLIED
    assert sim.find("alice", SEC, kind="eligible") is None
    assert sim.find("carol", SEC, kind="active") is not None
    assert review_activities(sim) == [
        ("Create access review", "Policy", "Security admins"),
        ("Deny decision", "Policy", "alice"),
        ("Approve decision", "Policy", "carol"),
        ("Access review ended", "Policy", "Security admins"),
        ("Apply review", "UserManagement", "Security admins"),
        ("Apply decision", "Policy", "alice"),
    ]
    # the removal itself is a PIM record, as an admin removal is
    pim = [r.activity for r in sim.audit if r.service == Service.PIM and r.target == "alice"]
    assert pim[-2:] == ["Remove eligible member from role in PIM requested (permanent)",
                        "Remove eligible member from role in PIM completed (permanent)"]


@pytest.mark.parametrize(("assignment_type", "expected"), [
    ("eligible", [("alice", "eligible")]),
    ("active", [("carol", "active")]),
    ("all", [("alice", "eligible"), ("carol", "active")]),
])
def test_assignment_type_scopes_the_review(assignment_type, expected):
    sim = entra_sim()
    sim.activate("alice", SEC, duration="PT2H", justification="x")  # an activation is not an assignment
    review = sim.reviews.create(AccessReview("r", SEC, assignment_type=assignment_type, selected=("dave",)))
    assert [(s.principal, s.assignment) for s in review.instance().subjects] == expected


def test_service_principals_are_reviewed_only_when_in_scope():
    sim = entra_sim()
    sim.assign("deploy-bot", SEC, kind="active", duration="P30D", justification="pipeline")
    users = sim.reviews.create(AccessReview("users", SEC, selected=("dave",)))
    bots = sim.reviews.create(AccessReview("bots", SEC, selected=("dave",), principal_types=("servicePrincipals",)))
    assert "deploy-bot" not in users.instance().principals()
    assert bots.instance().principals() == ("deploy-bot",)


def test_inactive_users_filter_keeps_only_users_without_a_recent_sign_in():
    sim = entra_sim()
    sim.advance("P60D")
    sim.sign_in("carol")
    review = sim.reviews.create(AccessReview("inactive", SEC, selected=("dave",), inactive_days=30))
    assert review.instance().principals() == ("alice",)
    with pytest.raises(ModelError, match="inactive_days"):
        AccessReview("too long", SEC, selected=("dave",), inactive_days=731)


def test_recommendations_follow_the_30_day_sign_in_window():
    start_minus_40 = DEFAULT_START - timedelta(days=40)
    t = Tenant.build(users=[User("old", last_sign_in=start_minus_40), "fresh", "never", "rev"])
    sim = Simulation(t, seed=1)
    for u in ("old", "fresh", "never"):
        sim.assign(u, SEC, kind="eligible")
    sim.advance("P5D")
    sim.sign_in("fresh")
    review = sim.reviews.create(AccessReview("r", SEC, selected=("rev",)))
    recs = {s.principal: s.recommendation for s in review.instance().subjects}
    assert recs == {"old": "Deny", "fresh": "Approve", "never": "Deny"}


def test_members_review_themselves_and_role_assignable_groups_are_left_out():
    sim = entra_sim()
    sim.assign("admins", SEC, kind="eligible")
    review = sim.reviews.create(AccessReview("self", SEC, reviewers="self"))
    assert review.instance().principals() == ("alice", "carol")
    with pytest.raises(PimRefusal, match="not a reviewer"):
        review.decide("alice", approve=True, by="carol")
    assert review.decide("alice", approve=True, by="alice").decision is Decision.APPROVE


def test_managers_review_with_a_fallback_for_users_without_one():
    sim = entra_sim()
    sim.assign("admins", SEC, kind="eligible")
    review = sim.reviews.create(AccessReview("mgr", SEC, reviewers="manager", fallback=("dave",)))
    reviewers = {s.principal: s.reviewers for s in review.instance().subjects}
    # alice's manager is bob; carol has none; the role-assignable group goes to the fallback reviewer
    assert reviewers == {"alice": ("bob",), "carol": ("dave",), "admins": ("dave",)}


def test_group_reviews_use_active_owners_only_and_require_a_fallback():
    t = Tenant.build(users=["o1", "o2", "m1", "m2", "fb"], groups=[Group("ops", owners=("o1",), members=("m1",))],
                     licence="Governance")
    sim = Simulation(t, seed=1)
    sim.assign("o2", "Owner", "/groups/ops", kind="eligible", duration="P90D")  # eligible owner: not a reviewer
    sim.assign("m2", "Member", "/groups/ops", kind="eligible", duration="P90D")
    review = sim.reviews.create(AccessReview("ops", "Member", "/groups/ops", reviewers="groupOwners", fallback=("fb",)))
    assert {s.principal: s.reviewers for s in review.instance().subjects} == {"m1": ("o1",), "m2": ("o1",)}
    with pytest.raises(ModelError, match="fallback"):
        AccessReview("ops", "Member", "/groups/ops", reviewers="groupOwners")
    with pytest.raises(ModelError, match="group owners review only"):
        AccessReview("x", SEC, reviewers="groupOwners", fallback=("fb",))
    # with no active owner, the fallback reviews
    t2 = Tenant.build(users=["m1", "fb"], groups=[Group("ops", members=("m1",))], licence="Governance")
    sim2 = Simulation(t2, seed=1)
    r2 = sim2.reviews.create(AccessReview("ops", "Member", "/groups/ops", reviewers="groupOwners", fallback=("fb",)))
    assert r2.instance().subjects[0].reviewers == ("fb",)


def test_group_membership_reviews_need_id_governance():
    t = Tenant.build(users=["m1", "fb"], groups=[Group("ops", members=("m1",))], licence="P2")
    sim = Simulation(t, seed=1)
    with pytest.raises(PimRefusal, match="ID Governance"):
        sim.reviews.create(AccessReview("ops", "Member", "/groups/ops", selected=("fb",)))
    assert sim.refusals[-1].code == "TenantNotLicensed"


def test_only_privileged_role_administrators_create_entra_reviews():
    sim = entra_sim()
    with pytest.raises(PimRefusal):
        sim.reviews.create(AccessReview("r", SEC, selected=("dave",), created_by="dave"))
    sim.assign("dave", PRA, kind="active", justification="reviews")
    assert sim.reviews.create(AccessReview("r", SEC, selected=("alice",), created_by="dave")).instances


def test_monthly_series_starts_on_calendar_months_and_ends_after_n_occurrences():
    sim = entra_sim()
    review = sim.reviews.create(AccessReview("monthly", SEC, selected=("dave",), frequency="monthly",
                                             duration_days=27, occurrences=3))
    sim.advance("P120D")
    starts = [sim.clock.at(i.start) for i in review.instances]
    assert starts == [DEFAULT_START, add_months(DEFAULT_START, 1), add_months(DEFAULT_START, 2)]
    assert all(i.end - i.start == 27 * DAY for i in review.instances)


def test_weekly_series_ends_by_date():
    sim = entra_sim()
    review = sim.reviews.create(AccessReview("weekly", SEC, selected=("dave",), frequency="weekly", duration_days=6,
                                             end_by="P20D"))
    sim.advance("P60D")
    assert [i.start / DAY for i in review.instances] == [0, 7, 14]


@pytest.mark.parametrize(("frequency", "limit"), [("weekly", 6), ("monthly", 27), ("quarterly", 88),
                                                  ("semiAnnually", 180), ("annually", 364)])
def test_duration_limits_keep_instances_from_overlapping(frequency, limit):
    AccessReview("ok", SEC, selected=("dave",), frequency=frequency, duration_days=limit)
    with pytest.raises(ModelError, match=f"duration_days: a {frequency} review lasts at most {limit} days"):
        AccessReview("too long", SEC, selected=("dave",), frequency=frequency, duration_days=limit + 1)


def test_only_the_monthly_limit_is_cited_as_learns_the_others_say_they_are_the_models_reading():
    with pytest.raises(ModelError) as monthly:
        AccessReview("too long", SEC, selected=("dave",), frequency="monthly", duration_days=28)
    assert "pim-create-roles-and-resource-roles-review" in str(monthly.value) and "model" not in str(monthly.value)
    for frequency, limit in (("weekly", 6), ("quarterly", 88)):
        with pytest.raises(ModelError) as other:
            AccessReview("too long", SEC, selected=("dave",), frequency=frequency, duration_days=limit + 1)
        assert "Learn states only the monthly limit" in str(other.value)
        assert "source:" not in str(other.value)


def test_the_snapshot_is_taken_when_an_instance_starts():
    sim = entra_sim()
    review = sim.reviews.create(AccessReview("monthly", SEC, selected=("dave",), frequency="monthly", duration_days=20))
    sim.advance("P3D")
    sim.assign("erin", SEC, kind="eligible")  # added during the first instance
    assert "erin" not in review.instance().principals()
    with pytest.raises(PimRefusal, match="next one"):
        review.decide("erin", approve=False, by="dave")
    sim.advance("P30D")
    assert "erin" in review.instance().principals()  # the next instance sees it


@pytest.mark.parametrize(("option", "alice_kept", "carol_kept"), [
    (NoResponse.NO_CHANGE, True, True),
    (NoResponse.REMOVE, False, False),
    (NoResponse.APPROVE, True, True),
    (NoResponse.RECOMMENDATION, True, False),  # alice signed in recently, carol never
])
def test_if_reviewers_dont_respond(option, alice_kept, carol_kept):
    sim = entra_sim()
    sim.sign_in("alice")
    sim.assign("dave", SEC, kind="eligible")
    review = sim.reviews.create(AccessReview("r", SEC, selected=("bob",), duration_days=7, auto_apply=True,
                                             no_response=option))
    sim.advance("PT10M")
    review.decide("dave", approve=True, by="bob")  # reviewed users are not affected by the option
    sim.advance("P8D")
    assert (sim.find("alice", SEC, kind="eligible") is not None) is alice_kept
    assert (sim.find("carol", SEC, kind="active") is not None) is carol_kept
    assert sim.find("dave", SEC, kind="eligible") is not None
    assert review.instance().status is InstanceStatus.APPLIED
    acts = [a for a, _, _ in review_activities(sim)]
    assert ("Auto review" in acts) is (option is not NoResponse.NO_CHANGE)
    assert "Auto apply review" in acts


def test_stop_ends_the_review_early_and_auto_applies():
    sim = entra_sim()
    review = sim.reviews.create(AccessReview("r", SEC, selected=("dave",), duration_days=14, auto_apply=True))
    sim.advance("PT10M")
    review.decide("alice", approve=False, by="dave")
    sim.advance("P1D")
    inst = review.stop()
    assert inst.status is InstanceStatus.APPLIED and inst.ended == sim.now
    assert sim.find("alice", SEC, kind="eligible") is None
    with pytest.raises(PimRefusal, match="can't be stopped or restarted"):
        review.stop()


def test_reset_clears_decisions():
    sim = entra_sim()
    review = sim.reviews.create(AccessReview("r", SEC, selected=("dave",), duration_days=7))
    review.decide("alice", approve=False, by="dave")
    review.reset()
    assert review.decisions() == {}
    sim.advance("P8D")
    review.apply()
    assert sim.find("alice", SEC, kind="eligible") is not None
    assert ("Reset decision", "Policy", "alice") in review_activities(sim)


def test_apply_before_the_end_is_refused_and_reasons_can_be_required():
    sim = entra_sim()
    review = sim.reviews.create(AccessReview("r", SEC, selected=("dave",), require_reason=True))
    with pytest.raises(PimRefusal, match="still in progress"):
        review.apply()
    with pytest.raises(PimRefusal, match="reason on approval"):
        review.decide("alice", approve=True, by="dave")
    assert review.decide("alice", approve=True, by="dave", reason="on call").reason == "on call"
    assert review.decide("carol", approve=False, by="dave").decision is Decision.DENY  # no reason needed to deny


def test_a_denied_guest_loses_access():
    sim = entra_sim()
    sim.assign("erin", SEC, kind="eligible")
    review = sim.reviews.create(AccessReview("r", SEC, selected=("dave",), duration_days=3))
    review.decide("erin", approve=False, by="dave")
    sim.advance("P4D")
    review.apply()
    assert sim.find("erin", SEC, kind="eligible") is None


def test_a_denied_role_assignable_group_loses_its_entra_assignment():
    sim = entra_sim()
    sim.assign("admins", SEC, kind="eligible")
    review = sim.reviews.create(AccessReview("r", SEC, selected=("dave",), duration_days=3))
    review.decide("admins", approve=False, by="dave")
    sim.advance("P4D")
    review.apply()
    assert sim.find("admins", SEC, kind="eligible") is None


def test_azure_group_members_are_expanded_and_a_denied_member_stays_in_the_group():
    sim = with_admin(simulation())
    sim.assign("helpdesk", "Contributor", SUB, kind="active", duration="P90D", justification="ops")
    sim.assign("alice", "Contributor", SUB, kind="active", duration="P90D", justification="ops")
    review = sim.reviews.create(AccessReview("sub", "Contributor", SUB, selected=("bob",), duration_days=3))
    subjects = {s.principal: s.assigned_to for s in review.instance().subjects}
    assert subjects == {"dave": "helpdesk", "alice": "alice"}
    review.decide("dave", approve=False, by="bob")
    review.decide("alice", approve=False, by="bob")
    sim.advance("P4D")
    review.apply()
    results = {o.principal: o.result for o in sim.reviews.outcomes}
    assert results == {"dave": "keptInGroup", "alice": "removed"}
    assert sim.holds("dave", "Contributor", SUB)  # still through the group: an admin must act
    assert not sim.holds("alice", "Contributor", SUB)


def test_the_last_global_administrator_is_not_removed_by_a_review():
    sim = with_admin(simulation())
    review = sim.reviews.create(AccessReview("ga", GA, selected=("dave",), duration_days=3, no_response="Remove access",
                                             auto_apply=True))
    sim.advance("P4D")
    assert [o.result for o in sim.reviews.outcomes] == ["refused"]
    assert sim.holds("bob", GA)
    assert review.instance().status is InstanceStatus.APPLIED


def test_licence_lapse_ends_entra_reviews_and_stops_the_series():
    sim = entra_sim()
    review = sim.reviews.create(AccessReview("monthly", SEC, selected=("dave",), frequency="monthly", duration_days=20,
                                             no_response="Remove access", auto_apply=True))
    sim.advance("P5D")
    sim.set_licence("Free")
    inst = review.instance()
    assert inst.status is InstanceStatus.COMPLETED and inst.ended_by == "licence"
    sim.advance("P90D")
    assert len(review.instances) == 1
    assert sim.reviews.outcomes == []  # nothing applied
    with pytest.raises(PimRefusal):
        sim.reviews.create(AccessReview("again", SEC, selected=("dave",)))


def test_simulated_reviewers_are_seeded_and_draw_only_from_the_reviewers_stream():
    def run(seed: int, behaviour: ReviewerBehaviour | None):
        sim = entra_sim(seed=seed)
        for u in ("bob", "dave", "erin"):
            sim.assign(u, "Security Reader", kind="eligible")
        review = sim.reviews.create(AccessReview("r", "Security Reader", selected=("carol", "alice"), duration_days=10,
                                                 behaviour=behaviour))
        sim.advance("P11D")
        others = {name: rng.random() for name, rng in sim.rng.items() if name != "reviewers"}
        return [(d.principal, d.decision, d.by, d.minute) for d in sim.reviews.history], others, review

    behaviour = ReviewerBehaviour(respond_probability=0.9, median_days=2.0)
    first, others_a, _ = run(3, behaviour)
    again, _, _ = run(3, behaviour)
    _, others_none, _ = run(3, None)
    assert first == again and first  # same seed, same decisions
    assert others_a == others_none  # no other stream moved
    assert all(minute < 10 * DAY for *_, minute in first)


def test_definitions_validate_each_field_by_name():
    with pytest.raises(ModelError, match="selected"):
        AccessReview("r", SEC)
    with pytest.raises(ModelError, match="frequency: 'daily'"):
        AccessReview("r", SEC, selected=("x",), frequency="daily")
    with pytest.raises(ModelError, match="end_by, occurrences"):
        AccessReview("r", SEC, selected=("x",), frequency="weekly", duration_days=3, end_by="P30D", occurrences=2)
    with pytest.raises(ModelError, match="reviewers: 'self'"):
        AccessReview("r", SEC, reviewers="self", principal_types=("servicePrincipals",))
    with pytest.raises(ModelError, match=r"behaviour\.respond_probability"):
        AccessReview("r", SEC, selected=("x",), behaviour={"respond_probability": 2})
    with pytest.raises(ModelError, match="start"):
        AccessReview("r", SEC, selected=("x",), start="soon")
    review = AccessReview("r", SEC, selected=["x"], behaviour={"median_days": 1})  # scenario files give lists
    assert review.selected == ("x",) and review.behaviour == ReviewerBehaviour(median_days=1)


def test_a_review_can_start_later_as_a_scenario_timeline_says():
    sim = entra_sim()
    review = sim.reviews.create(AccessReview("later", SEC, selected=("dave",), start="P30D"))
    assert review.instances == []
    sim.advance("P31D")
    assert review.instance().start == 30 * DAY
    assert sim.find("alice", SEC, kind=Kind.ELIGIBLE) is not None


def test_mail_notifications_and_reminders_halfway_to_reviewers_who_havent_decided():
    sim = entra_sim()
    review = sim.reviews.create(AccessReview("r", SEC, reviewers="self", duration_days=10))
    review.decide("alice", approve=True, by="alice")
    sim.advance("P11D")
    mails = [(n.rule_id, n.recipients, n.minute) for n in sim.notifications if n.rule_id.startswith("AccessReview")]
    assert mails == [("AccessReviewStarted", "alice;carol", 0), ("AccessReviewReminder", "carol", 5 * DAY),
                     ("AccessReviewCompleted", "admin", 10 * DAY)]
    quiet = entra_sim()
    quiet.reviews.create(AccessReview("r", SEC, reviewers="self", duration_days=10, mail_notifications=False,
                                      reminders=False))
    quiet.advance("P11D")
    assert not [n for n in quiet.notifications if n.rule_id.startswith("AccessReview")]


@pytest.mark.parametrize(("frequency", "months"), [("quarterly", 3), ("semiAnnually", 6), ("annually", 12)])
def test_longer_recurrences_follow_calendar_months_and_never_end_by_default(frequency, months):
    sim = entra_sim()
    review = sim.reviews.create(AccessReview("r", SEC, selected=("dave",), frequency=frequency, duration_days=14))
    sim.run("P1100D")  # about three years: the series never ends on its own
    starts = [sim.clock.at(i.start) for i in review.instances]
    assert starts == [add_months(DEFAULT_START, k * months) for k in range(len(starts))]
    assert len(starts) == len([k for k in range(40) if sim.clock.minute_of(add_months(DEFAULT_START, k * months))
                               < 1100 * DAY])


def test_a_one_time_review_has_a_single_instance():
    sim = entra_sim()
    review = sim.reviews.create(AccessReview("once", SEC, selected=("dave",)))
    sim.advance("P400D")
    assert len(review.instances) == 1 and review.instance().end == 30 * DAY
