"""What the engine does when the tenant's P2 or ID Governance licence lapses (licensing-fundamentals)."""

import pytest
from engine_builders import GA, SEC, SUB, simulation, statuses

from pim_sim import MS_PIM, Licence, ModelError, PimRefusal, Reason

DAY = 24 * 60


def licensed_tenant():
    sim = simulation()
    sim.assign("bob", GA, kind="active", justification="permanent admin")
    sim.assign("carol", SEC, kind="active", duration="P10D", justification="time-bound")
    sim.assign("alice", SEC, kind="eligible", duration="P20D")
    sim.assign("dave", "Owner", SUB, kind="eligible", duration="P20D")
    sim.set_settings(SEC, activation_max="PT2H", require_ticket=True)
    sim.advance(DAY)
    return sim


@pytest.mark.parametrize("to", ["Free", "P1"])
def test_a_lapse_removes_eligible_assignments_and_makes_time_bound_active_ones_permanent(to):
    sim = licensed_tenant()
    sim.set_licence(to)
    assert sim.licence is Licence(to)
    assert sim.find("alice", SEC, kind="eligible") is None and sim.find("dave", "Owner", SUB, kind="eligible") is None
    assert sim.find("carol", SEC, kind="active").permanent
    assert sim.find("bob", GA, kind="active").permanent
    sim.run(40 * DAY)
    assert (sim.holds("carol", SEC), sim.holds("bob", GA)) == (True, True)  # no expiry any more


def test_a_lapse_is_logged_as_directory_removals_of_the_eligible_assignments():
    sim = licensed_tenant()
    before = len(sim.audit)
    sim.set_licence("P1")
    assert [(a.activity, a.service, a.initiator, a.target) for a in sim.audit[before:]] == [
        ("Remove eligible member from role", "Core Directory", MS_PIM, "alice")]  # Azure eligibility: no directory log


def test_a_lapse_removes_role_settings():
    sim = licensed_tenant()
    sim.set_licence("P1")
    sim.set_licence("P2")
    assert (sim.settings_for(SEC, "/").activation_max, sim.settings_for(SEC, "/").require_ticket) == (480, False)


def test_without_the_licence_pim_blades_and_api_refuse_everything():
    sim = licensed_tenant()
    sim.set_licence("Free")
    for attempt in (lambda: sim.assign("alice", SEC, kind="eligible"),
                    lambda: sim.activate("carol", SEC, duration="PT1H", justification="j"),
                    lambda: sim.set_settings(SEC, require_ticket=False)):
        with pytest.raises(PimRefusal, match="P2 or Microsoft Entra ID Governance"):
            attempt()
    assert [r.rule for r in sim.refusals] == ["LicenseRule"] * 3


def test_no_pim_emails_after_a_lapse():
    sim = simulation()
    sim.assign("alice", SEC, kind="active", duration="P20D", justification="j")
    sim.assign("bob", GA, kind="active", justification="j")
    sent = len(sim.notifications)
    sim.set_licence("P1")
    sim.assign_outside_pim("carol", GA)
    sim.run(40 * DAY)
    assert len(sim.notifications) == sent


def test_why_not_blames_the_licence_for_a_removed_eligibility():
    sim = licensed_tenant()
    sim.set_licence("P1")
    why = sim.why_not("alice", SEC)
    assert why.reason is Reason.LICENCE
    assert sim.why_not("alice", SEC, at=10).reason is Reason.ELIGIBLE_NOT_ACTIVATED  # before the lapse


def test_the_licence_history_is_kept():
    sim = licensed_tenant()
    sim.set_licence("P1")
    sim.advance(DAY)
    sim.set_licence("Governance")
    assert [sim.licence_at(t) for t in (0, DAY, 2 * DAY)] == [Licence.P2, Licence.P1, Licence.GOVERNANCE]


def test_an_assignment_scheduled_before_a_lapse_never_starts():
    sim = simulation()
    r = sim.assign("alice", SEC, kind="eligible", start="P2D", duration="P30D")
    sim.advance(DAY)
    sim.set_licence("P1")
    sim.run(3 * DAY)
    assert [s for s, _ in statuses(sim, r.id)] == ["Granted", "Failed"]
    assert sim.find("alice", SEC) is None


def test_an_unknown_licence_is_refused_naming_the_choices():
    sim = licensed_tenant()
    with pytest.raises(ModelError, match="licence: 'P3' is not a licence; expected one of 'Free', 'P1', 'P2', 'Governance'"):
        sim.set_licence("P3")
    assert sim.licence.has_pim and len(sim.licence_log) == 1
