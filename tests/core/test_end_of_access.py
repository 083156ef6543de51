"""How access ends or goes on: expiry, deactivation, extend, renew and the admin actions."""

import pytest
from engine_builders import GA, SEC, activities, refusal_rules, simulation, statuses, with_admin

from pim_sim import MS_PIM, ModelError, PimRefusal, facts
from pim_sim.core.audit import Service

DAY = 24 * 60


def active_for(sim, minutes_=60):
    sim.assign("alice", SEC, kind="eligible")
    return sim.activate("alice", SEC, duration=minutes_, justification="j")


# --- expiry ----------------------------------------------------------------------------------------
def test_a_time_bound_assignment_expires_with_notices_14_days_and_1_day_ahead_and_at_expiry():
    sim = simulation()
    sim.assign("alice", SEC, kind="eligible", duration="P30D")
    sim.run("P31D")
    assert [(n.minute / DAY, n.recipients, n.subject) for n in sim.notifications if n.rule_id == "ExpiryNotice"] == [
        (16, "alice;default admins", "PIM: Security Administrator expires in 14 day(s)"),
        (29, "alice;default admins", "PIM: Security Administrator expires in 1 day(s)"),
        (30, "alice;default admins", "PIM: Security Administrator has expired")]
    assert [(a.activity, a.minute / DAY, a.initiator, a.status_reason) for a in sim.audit][-2:] == [
        ("Remove eligible member from role in PIM completed (timebound)", 30, MS_PIM, "Expired"),
        ("Remove eligible member from role", 30, MS_PIM, "")]
    assert facts.EXPIRY_NOTICE_MINUTES.value == (14 * DAY, DAY, 0)


def test_a_short_assignment_gets_only_the_notices_that_fit():
    sim = simulation()
    sim.assign("alice", SEC, kind="eligible", duration="P3D")
    sim.run("P4D")
    assert [n.minute / DAY for n in sim.notifications if n.rule_id == "ExpiryNotice"] == [2, 3]


def test_activations_end_without_expiry_emails():
    sim = simulation()
    active_for(sim, 8 * 60)
    sim.run("P3D")
    assert [n for n in sim.notifications if n.rule_id == "ExpiryNotice"] == []


def test_an_expired_activation_ends_access_and_is_logged_by_ms_pim():
    sim = simulation()
    r = active_for(sim, 45)
    sim.run(100)
    assert [(a, m) for a, m in activities(sim, None)][-2:] == [
        ("Remove member from role (PIM activation expired)", 45), ("Remove member from role", 45)]
    assert statuses(sim, r.id)[-1] == ("Provisioned", 0)
    assert sim.why_not("alice", SEC).reason.value == "activation ended"


# --- deactivation ----------------------------------------------------------------------------------
def test_no_deactivation_within_five_minutes_of_activation():
    sim = simulation()
    active_for(sim)
    sim.advance("PT4M")
    with pytest.raises(PimRefusal, match="can't be deactivated within 5 minutes") as err:
        sim.deactivate("alice", SEC)
    assert (err.value.code, err.value.source) == ("ActiveDurationTooShort", facts.NO_DEACTIVATE_WITHIN_MINUTES.source)
    sim.advance("PT1M")
    r = sim.deactivate("alice", SEC)
    sim.run(120)
    assert (r.action.value, statuses(sim, r.id)) == ("selfDeactivate", [("Revoked", 5)])
    assert activities(sim, None)[-3:] == [("Remove member from role requested (PIM deactivate)", 5),
                                          ("Remove member from role completed (PIM deactivate)", 5),
                                          ("Remove member from role", 5)]  # and no expiry record at 60
    assert sim.why_not("alice", SEC).detail == "The activation was deactivated at minute 5; activate again."


def test_only_an_activation_can_be_deactivated():
    sim = simulation()
    sim.assign("alice", SEC, kind="active", justification="standing")
    sim.advance(10)
    with pytest.raises(PimRefusal, match="no activation of Security Administrator"):
        sim.deactivate("alice", SEC)


# --- extend -----------------------------------------------------------------------------------------
def expiring(kind="eligible", days=30):
    sim = with_admin(simulation(), "bob", GA)
    s = sim.assign("alice", SEC, kind=kind, duration=f"P{days}D", justification="j").target_schedule
    return sim, s


@pytest.mark.parametrize(("kind", "requested"), [("eligible", "Update eligible member in PIM requested (extend)"),
                                                 ("active", "Update member in PIM requested (extend)")])
def test_extend_is_offered_only_in_the_last_14_days_and_needs_an_administrator(kind, requested):
    sim, s = expiring(kind)
    sim.run(16 * DAY - 1)
    with pytest.raises(PimRefusal, match=r"ends within 14 days; this one ends in 14\.0 days") as err:
        sim.request_extend("alice", SEC, kind=kind, duration="P30D", justification="project runs on")
    assert err.value.code == "ExtendNotAllowed"
    sim.run(16 * DAY)
    r = sim.request_extend("alice", SEC, kind=kind, duration="P30D", justification="project runs on")
    assert (r.status.value, r.action.value) == ("PendingAdminDecision", "selfExtend")
    sim.advance(60)
    sim.decide_update(r.id, by="bob", justification="agreed")
    assert statuses(sim, r.id) == [("PendingAdminDecision", 16 * DAY), ("Granted", 16 * DAY + 60),
                                   ("Provisioned", 16 * DAY + 60)]
    assert [a for a in activities(sim, Service.PIM, r.id)] == [
        (requested, 16 * DAY), ("Update member in PIM approved by admin (extend/renew)", 16 * DAY + 60)]
    assert sim.schedules[s].end == 60 * DAY
    sim.run(45 * DAY)
    assert sim.find("alice", SEC, kind=kind) is not None


def test_an_extension_moves_the_expiry_notices_to_the_new_end():
    sim, _ = expiring()
    sim.run(20 * DAY)
    r = sim.request_extend("alice", SEC, duration="P10D", justification="j")
    sim.decide_update(r.id, by="bob", justification="ok")
    sim.run(41 * DAY)
    assert [n.minute / DAY for n in sim.notifications if n.rule_id == "ExpiryNotice"] == [16, 26, 39, 40]


def test_nobody_decides_their_own_extension_and_only_administrators_decide():
    sim, _ = expiring()
    sim.assign("alice", GA, kind="active", justification="also GA")
    sim.run(20 * DAY)
    r = sim.request_extend("alice", SEC, duration="P10D", justification="j")
    with pytest.raises(PimRefusal, match="Nobody approves their own extend or renew request"):
        sim.decide_update(r.id, by="alice")
    with pytest.raises(PimRefusal, match="dave can't do this"):
        sim.decide_update(r.id, by="dave")
    assert sim.requests[r.id].status.value == "PendingAdminDecision"


def test_a_denied_extension_leaves_the_end_unchanged():
    sim, s = expiring()
    sim.run(20 * DAY)
    r = sim.request_extend("alice", SEC, duration="P10D", justification="j")
    sim.decide_update(r.id, by="bob", approve=False, justification="no longer needed")
    assert statuses(sim, r.id)[-1] == ("Denied", 20 * DAY)
    assert activities(sim, Service.PIM, r.id)[-1] == ("Update member in PIM denied by admin (extend/renew)", 20 * DAY)
    assert sim.schedules[s].end == 30 * DAY


def test_the_requester_cancels_an_extension():
    sim, _ = expiring()
    sim.run(20 * DAY)
    r = sim.request_extend("alice", SEC, duration="P10D", justification="j")
    sim.cancel(r.id)
    assert activities(sim, Service.PIM, r.id)[-1] == ("Update eligible member in PIM canceled (extend)", 20 * DAY)


def test_permanent_or_group_inherited_assignments_cannot_be_extended():
    sim = simulation()
    sim.assign("alice", SEC, kind="eligible")
    sim.assign("admins", SEC, kind="eligible", duration="P5D")
    for who in ("alice", "carol"):
        with pytest.raises(PimRefusal, match="no time-bound eligible assignment"):
            sim.request_extend(who, SEC, duration="P10D", justification="j")


# --- renew ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("kind", "requested"), [("eligible", "Add eligible member to role in PIM requested (renew)"),
                                                 ("active", "Add member to role in PIM requested (renew)")])
def test_renew_up_to_30_days_after_expiry_with_administrator_approval(kind, requested):
    sim, _ = expiring(kind, days=10)
    sim.run(40 * DAY + 1)
    with pytest.raises(PimRefusal, match=r"up to 30 days after expiry; this assignment expired 30\.0 days ago") as err:
        sim.request_renew("alice", SEC, kind=kind, duration="P90D", justification="back on the team")
    assert err.value.code == "RenewNotAllowed"
    sim2, s2 = expiring(kind, days=10)
    sim2.run(40 * DAY)
    r = sim2.request_renew("alice", SEC, kind=kind, duration="P90D", justification="back on the team")
    assert (r.action.value, r.status.value, r.target_schedule) == ("selfRenew", "PendingAdminDecision", s2)
    sim2.decide_update(r.id, by="bob", justification="welcome back")
    new = sim2.find("alice", SEC, kind=kind)
    assert (new.id != s2, new.start, new.end) == (True, 40 * DAY, 130 * DAY)
    assert activities(sim2, Service.PIM, r.id) == [(requested, 40 * DAY),
                                                  ("Update member in PIM approved by admin (extend/renew)", 40 * DAY)]


def test_a_live_assignment_cannot_be_renewed():
    sim, _ = expiring()
    with pytest.raises(PimRefusal, match="no expired eligible assignment"):
        sim.request_renew("alice", SEC, duration="P30D", justification="j")


def test_the_requester_cancels_a_renewal():
    sim, _ = expiring(days=10)
    sim.run(12 * DAY)
    r = sim.request_renew("alice", SEC, duration="P30D", justification="j")
    sim.cancel(r.id)
    assert activities(sim, Service.PIM, r.id)[-1] == ("Add eligible member to role in PIM canceled (renew)", 12 * DAY)


def test_extend_and_renew_requests_email_the_deciding_administrators():
    sim, _ = expiring(days=10)
    sim.run(5 * DAY)
    r = sim.request_extend("alice", SEC, duration="P10D", justification="j")
    assert [(n.rule_id, n.subject) for n in sim.notifications if n.request_id == r.id] == [
        ("Notification_Approver_Admin_Eligibility", "PIM: Request to approve a role assignment extension")]


# --- admin actions ----------------------------------------------------------------------------------
def test_admin_extend_needs_no_approval():
    sim, s = expiring()
    sim.advance(DAY)
    r = sim.admin_extend(s, "P10D", by="bob", justification="contract extended")
    assert (r.action.value, statuses(sim, r.id)) == ("adminExtend", [("Granted", DAY), ("Provisioned", DAY)])
    assert sim.schedules[s].end == 40 * DAY
    assert [(a.activity, a.initiator, a.status_reason) for a in sim.audit if a.request_id == r.id] == [
        ("Update member in PIM approved by admin (extend/renew)", "bob", "adminExtend")]


def test_admin_extend_refuses_permanent_or_ended_assignments():
    sim = with_admin(simulation())
    perm = sim.assign("alice", SEC, kind="eligible").target_schedule
    with pytest.raises(PimRefusal, match="Only time-bound assignments in force can be extended"):
        sim.admin_extend(perm, "P1D")
    ended = sim.assign("carol", SEC, kind="eligible", duration="P1D").target_schedule
    sim.run(2 * DAY)
    with pytest.raises(PimRefusal, match="Only time-bound assignments in force"):
        sim.admin_extend(ended, "P1D")


def test_admin_renew_only_within_30_days_of_expiry():
    sim, s = expiring(days=10)
    with pytest.raises(PimRefusal, match="expired within the last 30 days"):
        sim.admin_renew(s, "P30D")
    sim.run(20 * DAY)
    r = sim.admin_renew(s, "P30D", by="bob")
    assert (r.action.value, sim.find("alice", SEC, kind="eligible").end) == ("adminRenew", 50 * DAY)
    sim2, s2 = expiring(days=10)
    sim2.run(41 * DAY)
    with pytest.raises(PimRefusal, match="expired within the last 30 days"):
        sim2.admin_renew(s2, "P30D")


def test_admin_update_changes_the_end_within_the_roles_rules():
    sim, s = expiring()
    r = sim.admin_update(s, end="P60D", by="bob", justification="longer project")
    assert (r.action.value, r.status.value, sim.schedules[s].end) == ("adminUpdate", "Provisioned", 60 * DAY)
    sim.admin_update(s, end=None, by="bob")
    assert sim.schedules[s].permanent
    sim.set_settings(SEC, eligible_permanent_allowed=False, eligible_max="P90D")
    with pytest.raises(PimRefusal, match="does not allow permanent eligible"):
        sim.admin_update(s, end=None, by="bob")
    with pytest.raises(PimRefusal, match="expire after at most 90 days"):
        sim.admin_update(s, end="P91D", by="bob")


def test_admin_update_rearms_the_expiry():
    sim, s = expiring()
    sim.admin_update(s, end="P2D", by="bob")
    sim.run("P3D")
    assert sim.find("alice", SEC, kind="eligible") is None
    assert refusal_rules(sim) == []


def test_admin_remove_of_an_activation_ends_it_now():
    sim = with_admin(simulation())
    r = active_for(sim)
    sim.advance(10)
    sim.remove(r.target_schedule, by="bob", justification="suspicious")
    assert not sim.holds("alice", SEC)
    with pytest.raises(ModelError):
        sim.remove(r.target_schedule, by="bob")


def test_admin_update_refuses_an_end_that_has_already_passed():
    sim, s = expiring()
    sim.advance(60)
    with pytest.raises(PimRefusal, match="must be later than now"):
        sim.admin_update(s, end=30, by="bob")
    sim.run("P31D")
    assert sim.find("alice", SEC, kind="eligible") is None


def test_an_extension_approved_after_the_assignment_ended_fails_instead_of_reviving_it():
    sim, s = expiring("active")
    sim.run(20 * DAY)
    r = sim.request_extend("alice", SEC, kind="active", duration="P10D", justification="j")
    sim.run(31 * DAY)
    assert sim.decide_update(r.id, by="bob", justification="late").status.value == "Failed"
    assert (sim.holds("alice", SEC), sim.schedules[s].end) == (False, 30 * DAY)
    assert sim.request_renew("alice", SEC, kind="active", duration="P10D", justification="j").action.value == "selfRenew"


@pytest.mark.parametrize("change", [lambda sim, s: sim.admin_update(s, end=None, by="bob"),
                                    lambda sim, s: sim.admin_update(s, end="P2D", by="bob"),
                                    lambda sim, s: sim.admin_extend(s, "P1D", by="bob")])
def test_an_activation_is_never_updated_or_extended_past_its_maximum(change):
    sim = with_admin(simulation())
    s = active_for(sim, 60).target_schedule
    with pytest.raises(PimRefusal, match="An activation can't be extended, renewed or updated"):
        change(sim, s)
    assert sim.schedules[s].end == 60
