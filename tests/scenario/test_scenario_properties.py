"""Invariants of scenarios: any valid timeline runs to its horizon without an exception (what
PIM refuses, and steps that find nothing to act on, are recorded), and the same scenario and
seed give the same records."""

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from pim_sim import Scenario, ScenarioError

USERS = ["alice", "bob", "carol"]
SUB = "/subscriptions/prod"
ROLES = [("Security Administrator", "/"), ("Global Administrator", "/"), ("Contributor", SUB)]
ACTIONS = ["assign", "activate", "approve", "deny", "cancel", "deactivate", "request_extend", "request_renew",
           "decide_update", "remove", "assign_outside_pim", "set_settings", "set_licence", "sign_in", "review",
           "review_decide", "review_apply"]


@st.composite
def steps(draw):
    do = draw(st.sampled_from(ACTIONS))
    role, scope = draw(st.sampled_from(ROLES))
    who, other = draw(st.sampled_from(USERS)), draw(st.sampled_from(USERS))
    at = f"PT{draw(st.integers(0, 72 * 60))}M"
    step = {"at": at, "do": do}
    duration = draw(st.sampled_from([None, "PT1H", "PT30H", "P10D"]))
    if do in ("assign", "activate", "deactivate", "request_extend", "request_renew", "remove", "assign_outside_pim"):
        step |= {"principal": who, "role": role, "scope": scope}
    if do in ("assign", "activate", "request_extend", "request_renew") and duration:
        step["duration"] = duration
    if do in ("approve", "deny", "decide_update"):
        step |= {"by": other, "requester": who, "role": role, "scope": scope}
    if do == "cancel":
        step |= {"requester": who, "role": role, "scope": scope}
    if do == "activate":
        step["justification"] = "work"
    if do == "assign":
        step |= {"justification": "set-up", "kind": draw(st.sampled_from(["eligible", "active"]))}
    if do == "set_settings":
        step |= {"role": role, "scope": scope, "require_approval": draw(st.booleans()), "approvers": [other]}
    if do == "set_licence":
        step["licence"] = draw(st.sampled_from(["P1", "P2", "Governance"]))
    if do == "sign_in":
        step["principal"] = who
    if do == "review":
        step |= {"name": "r", "role": role, "scope": scope, "selected": [other], "duration_days": 1,
                 "no_response": draw(st.sampled_from(["No change", "Remove access"])), "auto_apply": draw(st.booleans())}
    if do in ("review_decide", "review_apply"):
        step["review"] = "r"
    if do == "review_decide":
        step |= {"principal": who, "approve": draw(st.booleans()), "by": other}
    return step


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(steps(), max_size=12), st.integers(0, 2**32))
def test_any_valid_timeline_runs_to_the_horizon_the_same_way_twice(timeline, seed):
    data = {"name": "prop", "horizon": "P3D", "seed": seed, "tenant": {"users": USERS, "scopes": [SUB]},
            "assignments": [{"principal": "alice", "role": "Security Administrator"},
                            {"principal": "bob", "role": "Contributor", "scope": SUB, "duration": "P30D"},
                            {"principal": "carol", "role": "Global Administrator", "kind": "active"}],
            "approvers": {"*": {"median_delay": "PT20M"}}, "alerts": {}, "timeline": timeline}
    try:
        scenario = Scenario.from_dict(data)
    except ScenarioError:
        assume(False)  # e.g. a review step after its decide step; the corpus tests those messages
    first, second = scenario.run(), scenario.run()
    assert first.sim.now == scenario.horizon
    assert first.audit.equals(second.audit) and first.refusals.equals(second.refusals)
    assert len(first.refusals) <= len(timeline) + len(first.requests)
