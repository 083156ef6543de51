"""selfActivate: an eligible assignment becomes a time-bound active one, within the role's settings."""

import pytest
from engine_builders import GA, RG, SEC, SUB, VM, activities, refusal_rules, simulation, statuses

from pim_sim import MS_PIM, Lag, ModelError, PimRefusal, facts
from pim_sim.core.audit import Service


def eligible(sim=None, role=SEC, scope="/", **assign):
    sim = sim or simulation()
    sim.assign("alice", role, scope, kind="eligible", **assign)
    return sim


def test_an_activation_lifecycle_without_approval():
    sim = eligible()
    sim.advance(10)
    r = sim.activate("alice", SEC, duration="PT1H", justification="incident 42")
    sim.run(100)
    assert statuses(sim, r.id) == [("Granted", 10), ("Provisioned", 10)]
    assert activities(sim, None)[3:] == [
        ("Add member to role requested (PIM activation)", 10),
        ("Add member to role completed (PIM activation)", 10),
        ("Add member to role", 10),
        ("Remove member from role (PIM activation expired)", 70),
        ("Remove member from role", 70),
    ]
    assert [sim.holds("alice", SEC, at=t) for t in (9, 10, 69.9, 70)] == [False, True, True, False]


def test_the_activated_schedule_points_back_at_its_request_and_eligibility():
    sim = eligible()
    r = sim.activate("alice", SEC, duration="PT2H", justification="j")
    s = sim.schedules[r.target_schedule]
    assert (s.kind.value, s.origin.value, s.start, s.end, s.request_id, s.activated_from) == (
        "active", "activated", 0, 120, r.id, sim.find("alice", SEC, kind="eligible").id)


def test_duration_up_to_the_roles_maximum():
    sim = eligible()
    sim.set_settings(SEC, activation_max="PT2H")
    with pytest.raises(PimRefusal, match=r"requested duration \(2.5 h\) is longer than this role's activation maximum \(2 h\)"):
        sim.activate("alice", SEC, duration="PT2H30M", justification="j")
    assert sim.activate("alice", SEC, duration="PT2H", justification="j").duration == 120
    assert refusal_rules(sim) == [("ExpirationRule", "RoleAssignmentRequestPolicyValidationFailed")]


def test_no_activation_shorter_than_five_minutes():
    sim = eligible()
    with pytest.raises(PimRefusal, match="must last at least 5 minutes") as err:
        sim.activate("alice", SEC, duration="PT4M", justification="j")
    assert err.value.source == facts.MIN_ASSIGNMENT_MINUTES.source
    assert sim.activate("alice", SEC, duration="PT5M", justification="j").duration == 5


def test_without_a_duration_the_activation_lasts_the_maximum():
    sim = eligible()
    sim.set_settings(SEC, activation_max="PT3H")
    assert sim.activate("alice", SEC, justification="j").duration == 180


def test_an_activation_never_outlasts_its_eligibility():
    sim = eligible(duration="PT3H")
    sim.advance(120)
    assert sim.activate("alice", SEC, duration="PT2H", justification="j").duration == 60


def test_an_activation_cannot_start_after_its_eligibility_ends():
    sim = eligible(duration="PT2H")
    with pytest.raises(PimRefusal, match="can't start after its eligibility ends"):
        sim.activate("alice", SEC, duration="PT1H", justification="j", start="PT3H")


def test_justification_is_required_by_default():
    sim = eligible()
    with pytest.raises(PimRefusal, match="requires a justification to activate") as err:
        sim.activate("alice", SEC, duration="PT1H", justification="   ")
    assert err.value.rule == "JustificationRule"
    sim.set_settings(SEC, require_justification=False)
    assert sim.activate("alice", SEC, duration="PT1H").status.value == "Provisioned"


def test_ticket_information_is_required_when_set_and_is_recorded_unchecked():
    sim = eligible()
    sim.set_settings(SEC, require_ticket=True)
    with pytest.raises(PimRefusal, match="requires ticket information") as err:
        sim.activate("alice", SEC, duration="PT1H", justification="j")
    assert err.value.rule == "TicketingRule"
    r = sim.activate("alice", SEC, duration="PT1H", justification="j", ticket="any text at all")
    assert r.ticket == "any text at all"
    assert {a.ticket for a in sim.audit if a.request_id == r.id and a.service == Service.PIM} == {"any text at all"}


def test_mfa_is_enforced_on_activation_by_default():
    sim = eligible()
    with pytest.raises(PimRefusal, match="requires multifactor authentication on activation") as err:
        sim.activate("alice", SEC, duration="PT1H", justification="j", mfa=False)
    assert err.value.rule == "MfaRule"
    sim.set_settings(SEC, require_mfa=False)
    assert sim.activate("alice", SEC, duration="PT1H", justification="j", mfa=False).status.value == "Provisioned"


def test_an_authentication_context_with_a_policy_must_be_satisfied():
    sim = eligible(simulation(auth_contexts=("c1",)))
    sim.set_settings(SEC, require_mfa=False, auth_context="c1")
    with pytest.raises(PimRefusal, match="policy for authentication context 'c1' was not satisfied") as err:
        sim.activate("alice", SEC, duration="PT1H", justification="j", context_satisfied=False)
    assert err.value.rule == "AuthenticationContextRule"
    assert sim.activate("alice", SEC, duration="PT1H", justification="j", mfa=False).status.value == "Provisioned"


def test_an_authentication_context_without_a_policy_falls_back_to_mfa():
    sim = eligible()
    sim.set_settings(SEC, require_mfa=False, auth_context="c9")
    with pytest.raises(PimRefusal, match="No Conditional Access policy targets authentication context 'c9', so PIM "
                                         "falls back to requiring multifactor authentication"):
        sim.activate("alice", SEC, duration="PT1H", justification="j", mfa=False, context_satisfied=False)
    assert sim.activate("alice", SEC, duration="PT1H", justification="j", mfa=True).status.value == "Provisioned"


def test_only_eligible_roles_can_be_activated():
    sim = simulation()
    sim.assign("alice", SEC, kind="active", justification="standing")
    with pytest.raises(PimRefusal, match="no eligible assignment of Security Administrator") as err:
        sim.activate("alice", SEC, duration="PT1H", justification="j")
    assert (err.value.rule, err.value.code) == ("EligibilityRule", "RoleAssignmentRequestPolicyValidationFailed")


def test_an_active_activation_cannot_be_activated_again():
    sim = eligible()
    sim.activate("alice", SEC, duration="PT1H", justification="j")
    with pytest.raises(PimRefusal, match="already active") as err:
        sim.activate("alice", SEC, duration="PT1H", justification="j")
    assert err.value.code == "RoleAssignmentExists"
    sim.advance(60)
    assert sim.activate("alice", SEC, duration="PT1H", justification="again").status.value == "Provisioned"


def test_a_second_request_while_one_is_pending_is_refused():
    sim = eligible()
    sim.set_settings(SEC, require_approval=True, approvers=("bob",))
    sim.activate("alice", SEC, duration="PT1H", justification="j")
    with pytest.raises(PimRefusal, match="already a pending request") as err:
        sim.activate("alice", SEC, duration="PT1H", justification="j")
    assert err.value.code == "PendingRoleAssignmentRequest"


def test_a_future_start_activates_at_the_start():
    sim = eligible()
    r = sim.activate("alice", SEC, duration="PT1H", justification="maintenance", start="PT3H")
    sim.run("PT5H")
    assert statuses(sim, r.id) == [("Granted", 0), ("Provisioned", 180)]
    assert activities(sim, Service.PIM, r.id) == [("Add member to role requested (PIM activation)", 0),
                                                  ("Add member to role completed (PIM activation)", 180),
                                                  ("Remove member from role (PIM activation expired)", 240)]
    assert sim.why_not("alice", SEC, at=60).reason.value == "activation scheduled for a later start"


def test_an_activation_cannot_start_in_the_past():
    sim = eligible()
    sim.advance(30)
    with pytest.raises(PimRefusal, match="can't start in the past"):
        sim.activate("alice", SEC, duration="PT1H", justification="j", start=10)


def test_an_eligibility_at_a_parent_scope_activates_at_a_narrower_child_scope():
    sim = eligible(role="Owner", scope=SUB, duration="P30D")
    sim.activate("alice", "Owner", RG, duration="PT1H", justification="fix the app")
    assert [sim.holds("alice", "Owner", s) for s in (RG, VM, SUB)] == [True, True, False]


def test_a_group_eligibility_is_activated_by_each_member_for_themselves():
    sim = simulation()
    sim.assign("admins", SEC, kind="eligible")
    r = sim.activate("carol", SEC, duration="PT1H", justification="j")
    assert (r.principal, sim.holds("carol", SEC)) == ("carol", True)
    with pytest.raises(PimRefusal, match="no eligible assignment"):
        sim.activate("dave", SEC, duration="PT1H", justification="j")


def test_provisioning_and_token_refresh_lag_before_access_is_usable():
    sim = eligible(simulation(lag=True, seed=3))
    r = sim.activate("alice", SEC, duration="PT1H", justification="j")
    assert sim.requests[r.id].status.value == "Granted"
    assert not sim.holds("alice", SEC)
    sim.advance(0.5)  # PIM creates the assignment within seconds (2 to 30 in the model)
    s = sim.find("alice", SEC, kind="active")
    low, high = facts.PROVISIONING_SECONDS.value
    tlow, thigh = facts.TOKEN_REFRESH_MINUTES.value
    assert low / 60 <= s.start <= high / 60
    assert s.start + tlow <= s.usable_from <= s.start + thigh
    if s.usable_from > sim.now:
        assert sim.why_not("alice", SEC).reason.value == "activated, but not yet usable (provisioning and token refresh)"
    sim.run(s.usable_from)
    assert sim.holds("alice", SEC)
    assert sim.results().time_to_access().tolist() == [s.usable_from - r.created]


def test_the_provisioning_and_token_refresh_lag_is_configurable():
    sim = eligible(simulation(lag=Lag(provisioning_seconds=(60, 60), token_refresh_minutes=(5, 5))))
    r = sim.activate("alice", SEC, duration="PT1H", justification="j")
    sim.run(3)
    s = sim.find("alice", SEC, kind="active")
    assert (s.start, s.usable_from) == (1.0, 6.0)
    assert sim.why_not("alice", SEC).reason.value == "activated, but not yet usable (provisioning and token refresh)"
    sim.run(6)
    assert sim.holds("alice", SEC) and sim.results().time_to_access().tolist() == [6.0 - r.created]


@pytest.mark.parametrize(("field", "value"), [("provisioning_seconds", (30, 2)), ("token_refresh_minutes", (-1, 5)),
                                              ("provisioning_seconds", (1,))])
def test_a_lag_range_must_be_two_ordered_non_negative_numbers(field, value):
    with pytest.raises(ModelError, match=f"lag.{field}: "):
        Lag(**{field: value})


def test_no_admin_role_is_needed_to_activate_ones_own_eligible_role():
    sim = eligible(role=GA)
    assert sim.activate("alice", GA, duration="PT1H", justification="j").created_by == "alice"


def test_activation_notifies_admins_and_the_requestor():
    sim = eligible()
    r = sim.activate("alice", SEC, duration="PT1H", justification="j")
    assert [(n.rule_id, n.recipients) for n in sim.notifications if n.request_id == r.id] == [
        ("Notification_Admin_EndUser_Assignment", "default admins"),
        ("Notification_Requestor_EndUser_Assignment", "alice")]
    assert [(a.service, a.initiator) for a in sim.audit if a.minute == 0][3:] == [
        ("PIM", "alice"), ("PIM", MS_PIM), ("Core Directory", MS_PIM)]


def test_submit_activation_gives_the_id_of_the_request_activate_would_make():
    by_record, by_id = eligible(), eligible()
    r = by_record.activate("alice", SEC, duration="PT1H", justification="j", ticket="T1")
    request_id = by_id.submit_activation("alice", SEC, duration="PT1H", justification="j", ticket="T1")
    assert request_id == r.id
    assert by_id.requests[request_id] == r
    by_record.run(100)
    by_id.run(100)
    assert list(by_id.audit) == list(by_record.audit)
    assert list(by_id.status_log) == list(by_record.status_log)


def test_submit_activation_refuses_as_activate_does():
    sim = eligible()
    assigned = dict(sim.requests)
    with pytest.raises(PimRefusal) as refused:
        sim.submit_activation("alice", SEC, duration="PT100H", justification="j")
    assert refused.value.rule == "ExpirationRule"
    assert [r.rule for r in sim.refusals] == ["ExpirationRule"]
    assert dict(sim.requests) == assigned  # no request made
