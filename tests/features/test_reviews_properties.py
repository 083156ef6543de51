"""Invariants of access reviews, checked on generated timelines."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pim_sim import AccessReview, Simulation, Tenant

USERS = [f"u{i}" for i in range(8)]
ROLE = "Security Administrator"
DAY = 24 * 60.0

# (user, eligible?, day offset within the first instance)
additions = st.lists(st.tuples(st.sampled_from(USERS), st.booleans(), st.integers(1, 9)), max_size=8)
denials = st.sets(st.sampled_from(USERS))
no_response = st.sampled_from(["No change", "Remove access", "Approve access", "Take recommendations"])


def build(initial: list[str], adds, option: str, seed: int) -> tuple[Simulation, object]:
    sim = Simulation(Tenant.build(users=[*USERS, "rev"]), seed=seed, lag=False)
    for u in initial:
        sim.assign(u, ROLE, kind="eligible")
    review = sim.reviews.create(AccessReview("r", ROLE, selected=("rev",), frequency="monthly", duration_days=10,
                                             no_response=option, auto_apply=True, occurrences=1))
    for user, eligible, day in adds:
        def add(user=user, eligible=eligible):
            if sim.find(user, ROLE) is None:
                sim.assign(user, ROLE, kind="eligible" if eligible else "active", justification="new")
        sim.at(day * DAY, add)
    return sim, review


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(initial=st.sets(st.sampled_from(USERS), min_size=1), adds=additions, denied=denials, option=no_response,
       seed=st.integers(0, 1000))
def test_a_review_never_removes_an_assignment_created_after_its_snapshot(initial, adds, denied, option, seed):
    sim, review = build(sorted(initial), adds, option, seed)
    inst = review.instance()
    for u in sorted(denied & set(inst.principals())):
        review.decide(u, approve=False, by="rev")
    sim.advance("P12D")
    assert review.instance().status.value == "Applied"
    for s in sim.schedules.values():
        if s.created > inst.start:
            assert s.removed is None, s
    removed = {o.schedule_id for o in sim.reviews.outcomes if o.result == "removed"}
    assert removed <= {s.schedule_id for s in inst.subjects}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(initial=st.sets(st.sampled_from(USERS), min_size=1), denied=denials, option=no_response, seed=st.integers(0, 1000))
def test_applying_results_twice_changes_nothing(initial, denied, option, seed):
    sim = Simulation(Tenant.build(users=[*USERS, "rev"]), seed=seed, lag=False)
    for u in sorted(initial):
        sim.assign(u, ROLE, kind="eligible")
    review = sim.reviews.create(AccessReview("r", ROLE, selected=("rev",), duration_days=5, no_response=option))
    for u in sorted(denied & set(review.instance().principals())):
        review.decide(u, approve=False, by="rev")
    sim.advance("P6D")
    review.apply()
    state = (dict(sim.schedules), len(sim.audit), list(sim.reviews.outcomes), review.instance())
    sim.advance("PT10M")
    review.apply()
    assert (dict(sim.schedules), len(sim.audit), list(sim.reviews.outcomes), review.instance()) == state


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(initial=st.sets(st.sampled_from(USERS), min_size=1), decisions=st.dictionaries(st.sampled_from(USERS), st.booleans()),
       option=no_response, seed=st.integers(0, 1000))
def test_only_denied_principals_lose_access_and_every_subject_has_one_outcome(initial, decisions, option, seed):
    sim = Simulation(Tenant.build(users=[*USERS, "rev"]), seed=seed, lag=False)
    for u in sorted(initial):
        sim.assign(u, ROLE, kind="eligible")
    review = sim.reviews.create(AccessReview("r", ROLE, selected=("rev",), duration_days=5, no_response=option,
                                             auto_apply=True))
    for u, approve in sorted(decisions.items()):
        if u in initial:
            review.decide(u, approve=approve, by="rev")
    sim.advance("P6D")
    final = review.decisions()
    outcomes = {o.principal: o for o in sim.reviews.outcomes}
    assert set(outcomes) == set(initial)
    for u in initial:
        denied = u in final and final[u].decision.value == "Deny"
        assert (outcomes[u].result == "removed") is denied
        assert (sim.find(u, ROLE) is None) is denied
        if u in decisions:  # a reviewer's decision is never overridden by the no-response option
            assert final[u].source == "reviewer" and (final[u].decision.value == "Approve") is decisions[u]
