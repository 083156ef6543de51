"""Audit records: exact activity names, categories, services, fields, and where and until when each is seen."""

from datetime import UTC, datetime

import pytest
from engine_builders import GA, SEC, SUB, simulation, with_admin

from pim_sim import MS_PIM, Place, facts
from pim_sim.core.audit import Activity, Service, documented, places, readers, retention, sightings, visible

DAY = 24 * 60

# The PIM section of Microsoft's audit-activity reference (reference-audit-activities), verbatim.
REFERENCE_NAMES = {
    "Add member to role requested (PIM activation)", "Add member to role approval requested (PIM activation)",
    "Add member to role request approved (PIM activation)", "Add member to role request denied (PIM activation)",
    "Add member to role completed (PIM activation)", "Add member to role canceled (PIM activation)",
    "PIM activation request expired", "Remove member from role requested (PIM deactivate)",
    "Remove member from role completed (PIM deactivate)", "Remove member from role (PIM activation expired)",
    "Add eligible member to role in PIM requested (permanent)", "Add eligible member to role in PIM requested (timebound)",
    "Add eligible member to role in PIM requested (renew)", "Add eligible member to role in PIM completed (permanent)",
    "Add eligible member to role in PIM completed (timebound)", "Add eligible member to role in PIM canceled (permanent)",
    "Add eligible member to role in PIM canceled (timebound)", "Add eligible member to role in PIM canceled (renew)",
    "Add member to role in PIM requested (permanent)", "Add member to role in PIM requested (timebound)",
    "Add member to role in PIM requested (renew)", "Add member to role in PIM completed (permanent)",
    "Add member to role in PIM completed (timebound)", "Add member to role in PIM canceled (permanent)",
    "Add member to role in PIM canceled (timebound)", "Add member to role in PIM canceled (renew)",
    "Remove eligible member from role in PIM requested (permanent)",
    "Remove eligible member from role in PIM requested (timebound)",
    "Remove eligible member from role in PIM completed (permanent)",
    "Remove eligible member from role in PIM completed (timebound)",
    "Remove member from role in PIM requested (permanent)", "Remove member from role in PIM requested (timebound)",
    "Remove member from role in PIM completed (permanent)", "Remove member from role in PIM completed (timebound)",
    "Update eligible member in PIM requested (extend)", "Update eligible member in PIM canceled (extend)",
    "Update member in PIM requested (extend)", "Update member in PIM canceled (extend)",
    "Update member in PIM approved by admin (extend/renew)", "Update member in PIM denied by admin (extend/renew)",
    "Add member to role outside of PIM (permanent)", "Update role setting in PIM", "PIM policy removed",
    "Triggered PIM alert", "Resolve PIM alert",
}


def test_every_pim_activity_name_is_microsofts_verbatim():
    pim_names = {a.value for a in Activity} - {
        "Add member to role", "Remove member from role", "Add eligible member to role", "Remove eligible member from role",
        "Request approved", "Request denied", "Create role assignment", "Delete role assignment"}
    assert pim_names <= REFERENCE_NAMES
    assert REFERENCE_NAMES - pim_names == set()


@pytest.mark.parametrize(("role", "scope", "category"), [
    (SEC, "/", "RoleManagement"), ("Owner", SUB, "ResourceManagement"), ("Member", "/groups/helpdesk", "GroupManagement")])
def test_each_surface_has_its_own_category(role, scope, category):
    sim = simulation()
    sim.assign("alice", role, scope, kind="eligible", duration="P30D")
    assert {a.category for a in sim.audit if a.service == Service.PIM} == {category}
    assert {a.surface for a in sim.audit} == {sim.tenant.scope(scope).surface.value}


def test_a_record_carries_initiator_targets_role_scope_justification_ticket_result_and_time():
    sim = simulation()
    sim.assign("alice", SEC, kind="eligible")
    sim.advance(90)
    r = sim.activate("alice", SEC, duration="PT1H", justification="patch", ticket="CHG-7")
    first = next(a for a in sim.audit if a.request_id == r.id)
    assert (first.activity, first.service, first.category, first.initiator, first.target, first.role, first.scope,
            first.justification, first.ticket, first.result, first.minute, first.time) == (
        "Add member to role requested (PIM activation)", "PIM", "RoleManagement", "alice", "alice", SEC, "/",
        "patch", "CHG-7", "success", 90, datetime(2026, 1, 5, 1, 30, tzinfo=UTC))
    assert [a.seq for a in sim.audit] == list(range(len(sim.audit)))


def test_pim_changes_are_logged_again_by_core_directory_initiated_by_ms_pim():
    sim = simulation()
    sim.assign("alice", SEC, kind="eligible")
    sim.activate("alice", SEC, duration="PT1H", justification="j")
    core = [(a.activity, a.initiator, a.category) for a in sim.audit if a.service == Service.CORE_DIRECTORY]
    assert core == [("Add eligible member to role", MS_PIM, "RoleManagement"), ("Add member to role", MS_PIM, "RoleManagement")]
    assert facts.MS_PIM.value == MS_PIM == "MS-PIM"


def test_azure_role_changes_reach_the_activity_log():
    sim = simulation()
    sim.assign("alice", "Owner", SUB, kind="eligible", duration="P30D")
    sim.activate("alice", "Owner", SUB, duration="PT1H", justification="j")
    sim.advance(61)
    assert [(a.activity, a.service) for a in sim.audit if a.service == Service.AZURE_RESOURCE_MANAGER] == [
        ("Create role assignment", "Azure Resource Manager"), ("Delete role assignment", "Azure Resource Manager")]


# --- where a record is seen ----------------------------------------------------------------------------
def _records():
    sim = simulation()
    sim.assign("alice", SEC, kind="eligible")
    sim.assign("alice", "Owner", SUB, kind="active", duration="P30D", justification="j")
    first = {}
    for a in sim.audit:
        first.setdefault((a.service, a.surface), a)
    return sim, first


def test_a_pim_event_is_in_pims_blades_and_in_the_entra_audit_log():
    _, recs = _records()
    assert places(recs[("PIM", "entra")]) == (Place.PIM_ENTRA_RESOURCE_AUDIT, Place.PIM_ENTRA_MY_AUDIT, Place.ENTRA_AUDIT_PIM)
    assert places(recs[("PIM", "azure")]) == (Place.PIM_AZURE_RESOURCE_AUDIT, Place.PIM_AZURE_MY_AUDIT, Place.ENTRA_AUDIT_PIM)
    assert places(recs[("Core Directory", "entra")]) == (Place.ENTRA_AUDIT_CORE_DIRECTORY,)
    assert places(recs[("Azure Resource Manager", "azure")]) == (Place.AZURE_ACTIVITY_LOG,)


@pytest.mark.parametrize(("place", "tier", "days"), [
    (Place.PIM_ENTRA_RESOURCE_AUDIT, "P2", 30), (Place.PIM_AZURE_MY_AUDIT, "P2", 30), (Place.ENTRA_AUDIT_PIM, "Free", 7),
    (Place.ENTRA_AUDIT_PIM, "P1", 30), (Place.ENTRA_AUDIT_PIM, "P2", 30), (Place.ENTRA_AUDIT_CORE_DIRECTORY, "Free", 7),
    (Place.AZURE_ACTIVITY_LOG, "Free", 90)])
def test_retention_per_place_and_tier(place, tier, days):
    assert retention(place, tier) == days * DAY


def test_a_record_is_visible_from_its_minute_until_its_retention_ends():
    _, recs = _records()
    rec = recs[("PIM", "entra")]
    assert [visible(rec, Place.PIM_ENTRA_RESOURCE_AUDIT, t, "P2", True) for t in (-1, 0, 30 * DAY - 1, 30 * DAY)] == [
        False, True, True, False]
    assert not visible(rec, Place.AZURE_ACTIVITY_LOG, 0, "P2", True)  # not a place this record goes


def test_pims_blades_vanish_without_the_licence_while_the_entra_audit_log_keeps_the_events():
    sim, recs = _records()
    sim.advance(DAY)
    sim.set_licence("P1")
    seen = sim.results().where_visible(2 * DAY)
    entra_pim = seen[seen["seq"] == recs[("PIM", "entra")].seq]["place"].tolist()
    assert entra_pim == [str(Place.ENTRA_AUDIT_PIM)]


def test_readers_of_each_place():
    _, recs = _records()
    rec = recs[("PIM", "entra")]
    assert readers(rec, Place.PIM_ENTRA_MY_AUDIT) == ("admin", "alice")
    assert readers(rec, Place.PIM_ENTRA_RESOURCE_AUDIT) == facts.PIM_RESOURCE_AUDIT_READER_ROLES.value == (
        "Global Administrator", "Global Reader", "Privileged Role Administrator", "Security Administrator",
        "Security Reader")
    assert set(readers(rec, Place.ENTRA_AUDIT_PIM)) == {"Reports Reader", "Security Reader", "Security Administrator",
                                                        "Global Reader", "Global Administrator"}


def test_what_learn_does_not_document_is_marked():
    _, recs = _records()
    assert documented(recs[("Azure Resource Manager", "azure")], Place.AZURE_ACTIVITY_LOG) is False
    assert documented(recs[("PIM", "azure")], Place.PIM_AZURE_RESOURCE_AUDIT) is False
    assert documented(recs[("PIM", "entra")], Place.PIM_ENTRA_RESOURCE_AUDIT) is True
    assert facts.ACTIVITY_LOG_PIM_ENTRIES.documented is False


def test_sightings_say_where_until_when_by_whom_and_the_source():
    _, recs = _records()
    rec = recs[("PIM", "entra")]
    got = [(s.place, s.visible_from, s.visible_until, s.documented) for s in sightings(rec, "Free")]
    assert got == [(Place.PIM_ENTRA_RESOURCE_AUDIT, 0, 30 * DAY, True), (Place.PIM_ENTRA_MY_AUDIT, 0, 30 * DAY, True),
                   (Place.ENTRA_AUDIT_PIM, 0, 7 * DAY, True)]
    assert all(s.source.startswith("https://") for s in sightings(rec, "P2"))


def test_where_visible_answers_where_and_by_whom_at_a_time():
    sim = with_admin(simulation(), "bob", GA)
    sim.assign("alice", SEC, kind="eligible")
    early, late, later = (sim.results().where_visible(t) for t in (DAY, 31 * DAY, 91 * DAY))
    assert list(early.columns) == ["seq", "activity", "place", "visible_until", "readers", "people", "documented"]
    resource = early[early["place"] == str(Place.PIM_ENTRA_RESOURCE_AUDIT)]
    assert set(resource["people"]) == {"bob"}
    assert late.empty and later.empty  # PIM blades 30 days, Entra audit log 30 days on P2
