"""Admin assignments: eligible or active, permanent or time-bound, now or later, and their guards."""

import pytest
from engine_builders import GA, PRA, RG, SEC, SUB, VM, activities, refusal_rules, simulation, statuses, with_admin

from pim_sim import MS_PIM, ModelError, PimRefusal, facts
from pim_sim.core.audit import Service


@pytest.mark.parametrize(("kind", "duration", "requested", "completed", "core"), [
    ("eligible", None, "Add eligible member to role in PIM requested (permanent)",
     "Add eligible member to role in PIM completed (permanent)", "Add eligible member to role"),
    ("eligible", "P30D", "Add eligible member to role in PIM requested (timebound)",
     "Add eligible member to role in PIM completed (timebound)", "Add eligible member to role"),
    ("active", None, "Add member to role in PIM requested (permanent)",
     "Add member to role in PIM completed (permanent)", "Add member to role"),
    ("active", "P30D", "Add member to role in PIM requested (timebound)",
     "Add member to role in PIM completed (timebound)", "Add member to role"),
])
def test_the_four_combinations_leave_their_exact_audit_trail(kind, duration, requested, completed, core):
    sim = simulation()
    sim.advance(2)
    r = sim.assign("alice", SEC, kind=kind, duration=duration, justification="j")
    assert [(a.activity, a.service, a.initiator, a.minute) for a in sim.audit] == [
        (requested, "PIM", "admin", 2), (completed, "PIM", MS_PIM, 2), (core, "Core Directory", MS_PIM, 2)]
    s = sim.schedules[r.target_schedule]
    end = None if duration is None else 2 + 30 * 24 * 60
    assert (s.kind.value, s.permanent, s.start, s.end) == (kind, duration is None, 2, end)


def test_eligible_grants_nothing_until_activated_and_active_grants_at_once():
    sim = simulation()
    sim.assign("alice", SEC, kind="eligible")
    sim.assign("bob", SEC, kind="active", justification="on call")
    assert (sim.holds("alice", SEC), sim.holds("bob", SEC)) == (False, True)
    assert sim.why_not("alice", SEC).reason.value == "eligible but not activated"


def test_a_time_bound_assignment_ends_at_its_end():
    sim = simulation()
    sim.assign("bob", SEC, kind="active", duration="PT1H", justification="j")
    assert [sim.holds("bob", SEC, at=t) for t in (0, 59.9, 60)] == [True, True, False]


def test_a_future_start_is_granted_now_and_provisioned_at_the_start():
    sim = simulation()
    r = sim.assign("alice", SEC, kind="active", start="PT2H", duration="PT3H", justification="change window")
    sim.run("PT6H")
    assert statuses(sim, r.id) == [("Granted", 0), ("Provisioned", 120)]
    assert activities(sim) == [("Add member to role in PIM requested (timebound)", 0),
                               ("Add member to role in PIM completed (timebound)", 120),
                               ("Remove member from role in PIM completed (timebound)", 300)]
    assert [sim.holds("alice", SEC, at=t) for t in (119, 120, 299, 300)] == [False, True, True, False]


def test_an_assignment_cannot_start_in_the_past():
    sim = simulation()
    sim.advance(10)
    with pytest.raises(PimRefusal, match="can't start in the past"):
        sim.assign("alice", SEC, kind="eligible", start=5)


@pytest.mark.parametrize("kind", ["eligible", "active"])
def test_no_assignment_shorter_than_five_minutes(kind):
    sim = simulation()
    with pytest.raises(PimRefusal, match="can't be made for less than 5 minutes") as err:
        sim.assign("alice", SEC, kind=kind, duration="PT4M59S", justification="j")
    assert err.value.source == facts.MIN_ASSIGNMENT_MINUTES.source
    assert sim.assign("alice", SEC, kind=kind, duration="PT5M", justification="j").status.value == "Provisioned"


def test_no_removal_within_five_minutes_of_being_made():
    sim = simulation()
    s = sim.assign("alice", SEC, kind="eligible").target_schedule
    sim.advance("PT4M59S")
    with pytest.raises(PimRefusal, match="can't be removed within 5 minutes"):
        sim.remove(s)
    sim.advance("PT1S")
    assert sim.remove(s).status.value == "Revoked"
    assert refusal_rules(sim) == [("ExpirationRule", "ActiveDurationTooShort")]


@pytest.mark.parametrize(("kind", "duration", "requested", "completed"), [
    ("eligible", None, "Remove eligible member from role in PIM requested (permanent)",
     "Remove eligible member from role in PIM completed (permanent)"),
    ("eligible", "P1D", "Remove eligible member from role in PIM requested (timebound)",
     "Remove eligible member from role in PIM completed (timebound)"),
    ("active", None, "Remove member from role in PIM requested (permanent)",
     "Remove member from role in PIM completed (permanent)"),
    ("active", "P1D", "Remove member from role in PIM requested (timebound)",
     "Remove member from role in PIM completed (timebound)"),
])
def test_removal_leaves_its_exact_audit_trail_and_ends_access(kind, duration, requested, completed):
    sim = simulation()
    s = sim.assign("alice", SEC, kind=kind, duration=duration, justification="j").target_schedule
    sim.advance(10)
    sim.remove(s, justification="left the team")
    assert activities(sim)[2:] == [(requested, 10), (completed, 10)]
    assert sim.schedules[s].removed == 10 and sim.find("alice", SEC) is None


def test_service_principals_cannot_be_eligible_only_active():
    sim = simulation()
    with pytest.raises(PimRefusal, match="Service principals can't be made eligible") as err:
        sim.assign("deploy-bot", "Contributor", SUB, kind="eligible", duration="P30D")
    assert (err.value.rule, err.value.code, err.value.source) == (
        "EligibilityRule", "ServicePrincipalEligibilityNotSupported", facts.SERVICE_PRINCIPAL_ELIGIBLE.source)
    with pytest.raises(PimRefusal, match="only get a time-limited active assignment") as err:
        sim.assign("deploy-bot", "Contributor", SUB, kind="active", justification="pipeline")
    assert err.value.code == "ServicePrincipalPermanentNotSupported"
    sim.assign("deploy-bot", "Contributor", SUB, kind="active", duration="P30D", justification="pipeline")
    assert sim.holds("deploy-bot", "Contributor", VM)


def test_the_last_active_global_administrator_cannot_be_removed():
    sim = simulation()
    first = sim.assign("alice", GA, kind="active", justification="first").target_schedule
    sim.advance(10)
    with pytest.raises(PimRefusal, match="last active Global Administrator") as err:
        sim.remove(first)
    assert (err.value.rule, err.value.code) == ("LastGlobalAdministratorRule", "LastGlobalAdministrator")
    second = sim.assign("bob", GA, kind="active", justification="second").target_schedule
    sim.advance(10)
    sim.remove(first)
    with pytest.raises(PimRefusal, match="last active Global Administrator"):
        sim.remove(second)
    assert sim.holds("bob", GA) and not sim.holds("alice", GA)


def test_an_eligible_global_administrator_can_be_removed_and_pra_is_not_protected():
    """The assignment page names only Global Administrator (facts.LAST_GLOBAL_ADMIN_PROTECTED)."""
    sim = simulation()
    e = sim.assign("alice", GA, kind="eligible").target_schedule
    p = sim.assign("bob", PRA, kind="active", justification="only PRA").target_schedule
    sim.advance(10)
    assert [sim.remove(e).status.value, sim.remove(p).status.value] == ["Revoked", "Revoked"]


def test_the_last_time_bound_eligible_global_administrator_is_kept_at_expiry():
    sim = simulation()
    s = sim.assign("alice", GA, kind="eligible", duration="P1D").target_schedule
    sim.run("P2D")
    assert sim.find("alice", GA, kind="eligible") is not None and sim.schedules[s].end is None


def test_a_time_bound_eligible_global_administrator_expires_when_another_exists():
    sim = with_admin(simulation(), "bob", GA)
    sim.assign("alice", GA, kind="eligible", duration="P1D")
    sim.run("P2D")
    assert sim.find("alice", GA, kind="eligible") is None


def test_an_assignment_made_outside_pim_is_reported_and_grants_access():
    sim = simulation()
    sim.advance(7)
    sim.assign_outside_pim("alice", GA, by="bob")
    assert [(a.activity, a.service, a.initiator, a.minute) for a in sim.audit] == [
        ("Add member to role", "Core Directory", "bob", 7),
        ("Add member to role outside of PIM (permanent)", "PIM", "bob", 7)]
    assert sim.why_not("alice", GA).holdings[0].how.value == "assigned outside PIM"


def test_an_azure_assignment_outside_pim_reaches_the_activity_log():
    sim = simulation()
    sim.assign_outside_pim("alice", "Owner", SUB, by="bob")
    assert [(a.activity, a.service) for a in sim.audit] == [
        ("Create role assignment", "Azure Resource Manager"),
        ("Add member to role outside of PIM (permanent)", "PIM")]


def test_only_global_or_privileged_role_administrators_assign_entra_roles():
    sim = simulation()
    sim.assign("bob", PRA, kind="active", justification="j")
    sim.assign("carol", SEC, kind="active", justification="j")
    with pytest.raises(PimRefusal, match="carol can't do this: managing entra assignments needs an active "
                                         "Global Administrator or Privileged Role Administrator"):
        sim.assign("alice", SEC, kind="eligible", by="carol")
    assert sim.assign("alice", SEC, kind="eligible", by="bob").created_by == "bob"


def test_only_owner_or_user_access_administrator_above_the_scope_assign_azure_roles():
    sim = simulation()
    sim.assign("bob", "Owner", RG, kind="active", duration="P30D", justification="j")
    assert sim.assign("alice", "Reader", VM, kind="eligible", duration="P30D", by="bob").status.value == "Provisioned"
    with pytest.raises(PimRefusal, match="bob can't do this"):
        sim.assign("alice", "Reader", SUB, kind="eligible", duration="P30D", by="bob")
    with pytest.raises(PimRefusal, match="can't do this"):  # a Global Administrator is not an Azure Owner
        with_admin(sim, "carol", GA).assign("alice", "Reader", RG, kind="eligible", duration="P30D", by="carol")


def test_a_group_owner_assigns_the_groups_membership():
    sim = simulation()
    sim.assign("dave", "Owner", "/groups/helpdesk", kind="active", duration="P30D", justification="owns it")
    r = sim.assign("alice", "Member", "/groups/helpdesk", kind="eligible", duration="P30D", by="dave")
    assert (r.status.value, r.surface) == ("Provisioned", "groups")
    assert [a.category for a in sim.audit if a.service == Service.PIM] == ["GroupManagement"] * 4


def test_a_refused_assignment_is_recorded_and_leaves_no_audit():
    sim = simulation()
    with pytest.raises(PimRefusal):
        sim.assign("deploy-bot", SEC, kind="eligible")
    assert (sim.audit, [(r.principal, r.action, r.role) for r in sim.refusals]) == ([], [("admin", "adminAssign", SEC)])


def test_removing_an_unknown_or_ended_schedule_is_a_model_error():
    sim = simulation()
    s = sim.assign("alice", SEC, kind="active", duration="PT10M", justification="j").target_schedule
    sim.advance(20)
    with pytest.raises(ModelError, match="no longer in force"):
        sim.remove(s)
    with pytest.raises(ModelError, match="'nope' is not a schedule"):
        sim.remove("nope")


# --- requests as Microsoft Graph names them ------------------------------------------------------
def test_request_actions_and_statuses_are_graphs_names():
    from pim_sim import Action, Status

    assert {a.value for a in Action} == {"adminAssign", "adminUpdate", "adminRemove", "adminExtend", "adminRenew",
                                         "selfActivate", "selfDeactivate", "selfExtend", "selfRenew"}
    assert {s.value for s in Status} == {"Canceled", "Denied", "Failed", "Granted", "PendingAdminDecision",
                                         "PendingApproval", "PendingProvisioning", "PendingScheduleCreation",
                                         "Provisioned", "Revoked", "ScheduleCreated"}


def test_a_refusal_is_raised_with_a_learnable_message_and_recorded_where_and_when():
    sim = simulation()
    sim.advance(42)
    with pytest.raises(PimRefusal) as err:
        sim.assign("deploy-bot", "Reader", SUB, kind="eligible", duration="P1D", by="admin")
    (rec,) = sim.refusals
    assert (rec.minute, rec.principal, rec.action, rec.role, rec.scope, rec.rule, rec.code, rec.message) == (
        42, "admin", "adminAssign", "Reader", SUB, "EligibilityRule", "ServicePrincipalEligibilityNotSupported",
        str(err.value))
    assert err.value.source.startswith("https://learn.microsoft.com/")


@pytest.mark.parametrize(("kind", "duration", "canceled"), [
    ("eligible", "P1D", "Add eligible member to role in PIM canceled (timebound)"),
    ("eligible", None, "Add eligible member to role in PIM canceled (permanent)"),
    ("active", "P1D", "Add member to role in PIM canceled (timebound)")])
def test_a_scheduled_assignment_canceled_before_its_start_never_begins(kind, duration, canceled):
    sim = simulation()
    r = sim.assign("alice", SEC, kind=kind, start="PT1H", duration=duration, justification="j")
    sim.advance(10)
    sim.cancel(r.id, by="admin")
    sim.run("P2D")
    assert statuses(sim, r.id) == [("Granted", 0), ("Canceled", 10)]
    assert activities(sim)[-1] == (canceled, 10)
    assert sim.find("alice", SEC, at=120) is None


def test_a_scripted_action_that_pim_refuses_is_recorded_not_raised():
    sim = simulation()
    sim.at(10, lambda: sim.assign("deploy-bot", SEC, kind="eligible"))
    sim.at("PT20M", lambda: sim.assign("alice", SEC, kind="eligible"))
    sim.run(30)
    assert [(r.minute, r.code) for r in sim.refusals] == [(10, "ServicePrincipalEligibilityNotSupported")]
    assert sim.find("alice", SEC).start == 20


def test_an_unknown_assignment_kind_is_refused_naming_the_choices():
    sim = simulation()
    with pytest.raises(ModelError, match="kind: 'eligable' is not an assignment kind; expected 'eligible' or 'active'"):
        sim.assign("alice", SEC, kind="eligable")
    assert sim.requests == {} and sim.audit == []
