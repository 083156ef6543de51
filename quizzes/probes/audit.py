"""Probes on where audit records are and who reads them."""

from __future__ import annotations

from typing import Any

from pim_sim import Group, Simulation
from pim_sim.core.audit import Place
from quizzes.probes.base import DAY, Lab, logged, probe

# --- audit ---------------------------------------------------------------------------------------------
_READER_ROLES = ("Reports Reader", "Security Reader", "Global Reader", "Helpdesk Administrator",
                 "Privileged Role Administrator")


def _visible_days(sim: Simulation, seq: int, days: tuple[int, ...]) -> dict[str, int]:
    """For each place, the last whole day (of ``days``) on which the record is still visible."""
    last: dict[str, int] = {}
    res = sim.results()
    for day in days:
        view = res.where_visible(sim.audit[seq].minute + day * DAY - 1)
        for place in view[view["seq"] == seq]["place"]:
            last[str(place)] = day
    return last


@probe("alice activates Global Administrator; readers holding Reports Reader, Security Reader, Global Reader, "
       "Helpdesk Administrator and Privileged Role Administrator look for the record over 90 days. In another run "
       "a role is assigned outside PIM, and in a third the licence lapses to Free the next day.")
def audit_trail(lab: Lab) -> dict[str, Any]:
    users = ("alice", "rita", "sue", "gwen", "hank", "pat", "bob")
    sim = lab.sim("audit-trail", users=users)
    for who, role in zip(users[1:6], _READER_ROLES, strict=True):
        sim.assign(who, role, kind="active", justification="reader")
    sim.assign("alice", "Global Administrator", kind="eligible")
    sim.advance("PT10M")
    req = sim.activate("alice", "Global Administrator", duration="PT1H", justification="audit demo")
    done = next(a for a in sim.audit if a.request_id == req.id and "completed (PIM activation)" in a.activity)
    core = logged(sim, service="Core Directory", target="alice", after_minute=done.minute)[0]
    sim.run(done.minute + 91 * DAY)
    res = sim.results()
    hour_later = res.where_visible(done.minute + 60)
    row = hour_later[hour_later["seq"] == done.seq]
    places = sorted(str(p) for p in row["place"])
    people = {str(p): str(n) for p, n in zip(row["place"], row["people"], strict=True)}
    role_of = dict(zip(users[1:6], _READER_ROLES, strict=True)) | {"alice": "the requester"}

    def roles_reading(place_fragment: str) -> list[str]:
        names = [n.strip() for p, ns in people.items() if place_fragment in p for n in ns.split(",") if n.strip()]
        return sorted({role_of.get(n, n) for n in names})

    days = (1, 6, 7, 8, 29, 30, 31, 89, 90, 91)
    windows = _visible_days(sim, done.seq, days)
    outside = lab.sim("outside-pim")
    outside.assign_outside_pim("bob", "Global Administrator", by="alice")
    outside_pim = [a for a in outside.audit if a.service == "PIM"]
    outside_core = [a for a in outside.audit if a.service == "Core Directory"]
    lapse = lab.sim("licence-lapse-audit")
    lapse.assign("alice", "Global Administrator", kind="eligible")
    lapse.advance("PT10M")
    lapse.activate("alice", "Global Administrator", duration="PT1H", justification="before lapse")
    rec = next(a for a in lapse.audit if "completed (PIM activation)" in a.activity)
    lapse.run("P1D")
    lapse.set_licence("Free")
    lapse_windows = _visible_days(lapse, rec.seq, (2, 6, 7, 8, 30))
    settings = lab.sim("settings-change")
    settings.set_settings("Security Administrator", require_ticket=True)
    return {
        "activation_places": places,
        "in_entra_audit_log": str(Place.ENTRA_AUDIT_PIM) in places,
        "pim_only": all(p.startswith("PIM >") for p in places),
        "pim_blade_days": windows.get(str(Place.PIM_ENTRA_RESOURCE_AUDIT), 0),
        "my_audit_days": windows.get(str(Place.PIM_ENTRA_MY_AUDIT), 0),
        "entra_audit_log_days_p2": windows.get(str(Place.ENTRA_AUDIT_PIM), 0),
        "entra_audit_log_days_free": lapse_windows.get(str(Place.ENTRA_AUDIT_PIM), 0),
        "pim_blade_after_lapse_days": lapse_windows.get(str(Place.PIM_ENTRA_RESOURCE_AUDIT), 0),
        "resource_audit_reader_roles": roles_reading("Resource audit"),
        "my_audit_readers": ", ".join(roles_reading("My audit")),
        "entra_log_reader_roles": roles_reading("Microsoft Entra audit logs"),
        "activation_service": done.service,
        "activation_category": done.category,
        "core_directory_activity": core.activity,
        "core_directory_initiator": core.initiator,
        "logged_twice": done.service != core.service,
        "outside_pim_activity": outside_pim[0].activity if outside_pim else "",
        "outside_pim_core_initiator": outside_core[0].initiator if outside_core else "",
        "settings_change_activity": logged(settings)[-1].activity,
        "requester_column": done.target,
        "justification_in_record": done.justification,
    }


@probe("alice activates a Microsoft Entra role, an Azure role on a subscription and the Member role of a group; "
       "we read each completion record's category and places.")
def audit_categories(lab: Lab) -> dict[str, Any]:
    sub = "/subscriptions/prod"
    sim = lab.sim("three-surfaces", scopes=[sub], groups=[Group("ops")])
    sim.assign("alice", "Security Reader", kind="eligible")
    sim.assign("alice", "Reader", sub, kind="eligible", duration="P30D")
    sim.assign("alice", "Member", "/groups/ops", kind="eligible", duration="P30D")
    sim.advance("PT10M")
    sim.activate("alice", "Security Reader", duration="PT1H", justification="x")
    sim.activate("alice", "Reader", sub, duration="PT1H", justification="x")
    sim.activate("alice", "Member", "/groups/ops", duration="PT1H", justification="x")
    done = {a.surface: a for a in sim.audit if "completed (PIM activation)" in a.activity}
    view = sim.results().where_visible(sim.now + 1)

    def places(surface: str) -> list[str]:
        return sorted(str(p) for p in view[view["seq"] == done[surface].seq]["place"])

    return {
        "entra_category": done["entra"].category,
        "azure_category": done["azure"].category,
        "groups_category": done["groups"].category,
        "entra_places": places("entra"),
        "azure_pim_places": [p for p in places("azure") if p.startswith("PIM >")],
        "groups_places": places("groups"),
        "one_category_for_all_surfaces": len({a.category for a in done.values()}) == 1,
    }


@probe("carol assigns bob Contributor on a subscription directly in Azure IAM (outside PIM) and an auditor looks for "
       "the record over 91 days; in a tenant with Microsoft Entra ID Governance alice activates Global "
       "Administrator and the auditor looks for it for a year; in a P1 tenant alice makes bob Exchange "
       "Administrator in the roles blade and the auditor looks for the directory change for a month.")
def audit_retention(lab: Lab) -> dict[str, Any]:
    sub = "/subscriptions/prod"
    azure = lab.sim("azure-iam-write", scopes=[sub])
    azure.assign_outside_pim("bob", "Contributor", sub, by="carol")
    write = logged(azure, service="Azure Resource Manager", target="bob")[0]
    azure.run(write.minute + 92 * DAY)
    azure_days = _visible_days(azure, write.seq, (1, 30, 89, 90, 91))
    gov = lab.sim("governance-tenant", licence="Governance")
    gov.assign("alice", "Global Administrator", kind="eligible")
    gov.advance("PT10M")
    req = gov.activate("alice", "Global Administrator", duration="PT1H", justification="year-end close")
    done = logged(gov, req.id)[-1]
    gov.run(done.minute + 366 * DAY)
    gov_days = _visible_days(gov, done.seq, (1, 29, 30, 31, 90, 365))
    view = gov.results().where_visible(done.minute + 60)
    places = sorted(str(p) for p in view[view["seq"] == done.seq]["place"])
    longest = max(gov_days.values(), default=0)
    p1 = lab.sim("p1-directory-change", licence="P1")
    p1.assign_outside_pim("bob", "Exchange Administrator", by="alice")
    change = logged(p1, service="Core Directory", target="bob")[0]
    p1.run(change.minute + 32 * DAY)
    p1_days = _visible_days(p1, change.seq, (1, 7, 8, 29, 30, 31))
    return {
        "azure_write_places": sorted(azure_days),
        "azure_write_place": ", ".join(sorted(azure_days)),
        "activity_log_days": azure_days.get(str(Place.AZURE_ACTIVITY_LOG), 0),
        "activity_log_keeps_a_year": azure_days.get(str(Place.AZURE_ACTIVITY_LOG), 0) >= 365,
        "entra_log_days_governance": gov_days.get(str(Place.ENTRA_AUDIT_PIM), 0),
        "governance_keeps_a_year": gov_days.get(str(Place.ENTRA_AUDIT_PIM), 0) >= 365,
        "pim_blade_keeps_a_year": gov_days.get(str(Place.PIM_ENTRA_RESOURCE_AUDIT), 0) >= 365,
        "entra_activation_in_activity_log": str(Place.AZURE_ACTIVITY_LOG) in places,
        "any_built_in_place_keeps_a_year": longest >= 365,
        "entra_log_days_p1": p1_days.get(str(Place.ENTRA_AUDIT_CORE_DIRECTORY), 0),
    }
