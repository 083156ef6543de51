"""PIM security alerts: one scenario per alert, the settings' ranges, the audit trail and the licence."""

from __future__ import annotations

import pytest
from engine_builders import GA, PRA, RG, SEC, SUB, simulation, with_admin

from pim_sim import SettingError, Simulation
from pim_sim.core.audit import Service
from pim_sim.features.alerts import BY_ID, DEFINITIONS

DAY = 24 * 60.0


def open_keys(sim: Simulation, alert: str) -> set[tuple[str, str, str]]:
    return {(i.principal, i.role, i.scope) for i in sim.alerts.incidents(alert, open_only=True)}


def alert_audit(sim: Simulation) -> list[tuple[str, str, float]]:
    return [(r.activity, r.target, r.minute) for r in sim.audit
            if r.service == Service.PIM and r.activity in ("Triggered PIM alert", "Resolve PIM alert")]


def test_the_catalogue_has_learns_names_and_severities():
    table = {(d.surface.value, d.name): d.severity.value for d in DEFINITIONS}
    assert table == {
        ("entra", "Administrators aren't using their privileged roles"): "Low",
        ("entra", "Roles don't require multifactor authentication for activation"): "Low",
        ("entra", "The organization doesn't have Microsoft Entra ID P2 or Microsoft Entra ID Governance"): "Low",
        ("entra", "Potential stale accounts in a privileged role"): "Medium",
        ("entra", "Roles are being assigned outside of Privileged Identity Management"): "High",
        ("entra", "There are too many global administrators"): "Low",
        ("entra", "Roles are being activated too frequently"): "Low",
        ("azure", "Too many owners assigned to a resource"): "Medium",
        ("azure", "Too many permanent owners assigned to a resource"): "Medium",
        ("azure", "Duplicate role created"): "Medium",
        ("azure", "Roles are being assigned outside of Privileged Identity Management"): "High",
    }


def test_administrators_not_using_their_roles():
    sim = with_admin(simulation())
    sim.alerts.configure("redundantAssignment", unused_days=5)
    sim.assign("alice", SEC, kind="eligible")
    sim.advance("P5D")
    assert open_keys(sim, "redundantAssignment") == set()
    sim.advance("P2D")  # the daily scan finds alice past 5 days
    assert open_keys(sim, "redundantAssignment") == {("alice", SEC, "/")}
    sim.activate("alice", SEC, duration="PT1H", justification="x")
    assert open_keys(sim, "redundantAssignment") == set()


def test_roles_without_mfa_on_activation():
    sim = with_admin(simulation())
    sim.set_settings(PRA, require_mfa=False)  # no eligible assignment: not listed
    sim.assign("alice", SEC, kind="eligible")
    assert open_keys(sim, "noMfaOnRoleActivation") == set()
    sim.set_settings(SEC, require_mfa=False)
    assert open_keys(sim, "noMfaOnRoleActivation") == {("", SEC, "/")}
    sim.set_settings(SEC, auth_context="c1")
    assert open_keys(sim, "noMfaOnRoleActivation") == set()


def test_licence_alert_stands_alone_after_a_lapse():
    sim = with_admin(simulation())
    sim.assign_outside_pim("carol", GA)
    assert open_keys(sim, "rolesAssignedOutsidePrivilegedIdentityManagement")
    sim.advance("PT1H")
    sim.set_licence("Free")
    assert [d.id for d in sim.alerts.active()] == ["invalidLicense"]
    sim.assign_outside_pim("dave", GA)  # no alert without the licence
    assert open_keys(sim, "rolesAssignedOutsidePrivilegedIdentityManagement") == set()
    sim.advance("PT1H")
    sim.set_licence("P2")
    assert open_keys(sim, "invalidLicense") == set()
    assert ("Triggered PIM alert", BY_ID["invalidLicense"].name, 60.0) in alert_audit(sim)
    assert ("Resolve PIM alert", BY_ID["invalidLicense"].name, 120.0) in alert_audit(sim)
    assert open_keys(sim, "rolesAssignedOutsidePrivilegedIdentityManagement") == {("carol", GA, "/"), ("dave", GA, "/")}


def test_stale_accounts_by_sign_in():
    sim = with_admin(simulation())
    sim.alerts.configure("staleSignIn", stale_days=10)
    sim.sign_in("bob")
    sim.assign("alice", SEC, kind="eligible")
    assert open_keys(sim, "staleSignIn") == {("alice", SEC, "/")}  # never signed in
    sim.sign_in("alice")
    assert open_keys(sim, "staleSignIn") == set()
    sim.advance("P12D")
    assert open_keys(sim, "staleSignIn") == {("alice", SEC, "/"), ("bob", GA, "/")}
    incident = sim.alerts.incidents("Potential stale accounts in a privileged role", open_only=True)[0]
    assert incident.raised == 11 * DAY and incident.severity == "Medium"


def test_entra_roles_assigned_outside_pim_email_the_admins_and_age_out_after_30_days():
    sim = with_admin(simulation())
    sim.assign("carol", PRA, kind="active", justification="pra")
    sim.assign("dave", SEC, kind="eligible")  # eligible: gets no email
    sim.assign_outside_pim("alice", "Helpdesk Administrator")
    assert open_keys(sim, "rolesAssignedOutsidePrivilegedIdentityManagement") == {("alice", "Helpdesk Administrator", "/")}
    mail = [n for n in sim.notifications if n.rule_id == "RoleAssignedOutsidePim"]
    assert [m.recipients for m in mail] == ["bob;carol"]
    name = BY_ID["rolesAssignedOutsidePrivilegedIdentityManagement"].name
    assert [a for a in alert_audit(sim) if a[1] == name] == [("Triggered PIM alert", name, 0)]
    assert {r.category for r in sim.audit if r.activity == "Triggered PIM alert"} == {"RoleManagement"}
    sim.advance("P32D")  # the first daily scan past 30 days resolves it
    assert open_keys(sim, "rolesAssignedOutsidePrivilegedIdentityManagement") == set()
    assert [a for a in alert_audit(sim) if a[1] == name][-1] == ("Resolve PIM alert", name, 31 * DAY)


def test_too_many_global_administrators_needs_both_the_count_and_the_percentage():
    sim = with_admin(simulation())  # bob
    alerts = sim.alerts
    alerts.configure("tooManyGlobalAdminsAssignedToTenant", min_global_admins=3, global_admin_percent=50)
    sim.assign("alice", GA, kind="eligible")
    assert open_keys(sim, "tooManyGlobalAdminsAssignedToTenant") == set()  # 2 GAs: count not reached
    sim.assign("carol", GA, kind="eligible")
    assert open_keys(sim, "tooManyGlobalAdminsAssignedToTenant") == {("bob", GA, "/"), ("alice", GA, "/"),
                                                                     ("carol", GA, "/")}
    for u in ("dave", "erin", "alice", "bob"):
        sim.assign(u, SEC, kind="eligible")  # 3 of 7 assignments: below 50%
    assert open_keys(sim, "tooManyGlobalAdminsAssignedToTenant") == set()
    with pytest.raises(SettingError, match="min_global_admins: 1 is not allowed; allowed range is 2 to 100"):
        alerts.configure("tooManyGlobalAdminsAssignedToTenant", min_global_admins=1)


def test_roles_activated_too_frequently():
    sim = with_admin(simulation())
    sim.alerts.configure("sequentialActivationRenewals", activation_renewals=3, activation_window_minutes=120)
    sim.assign("alice", SEC, kind="eligible")
    for _ in range(2):
        sim.activate("alice", SEC, duration="PT1H", justification="x")
        sim.advance("PT10M")
        sim.deactivate("alice", SEC)
    assert open_keys(sim, "sequentialActivationRenewals") == set()
    sim.activate("alice", SEC, duration="PT1H", justification="x")
    assert open_keys(sim, "sequentialActivationRenewals") == {("alice", SEC, "/")}
    sim.advance("P2D")  # the window has passed by the next scan
    assert open_keys(sim, "sequentialActivationRenewals") == set()


def test_too_many_owners_per_resource():
    sim = simulation()
    sim.alerts.configure("azure.tooManyOwners", max_owners=2)
    for u in ("alice", "bob"):
        sim.assign(u, "Owner", SUB, kind="eligible", duration="P90D")
    sim.assign("carol", "Owner", RG, kind="eligible", duration="P90D")  # another resource
    assert open_keys(sim, "azure.tooManyOwners") == set()
    sim.assign_outside_pim("dave", "Owner", SUB)
    assert open_keys(sim, "azure.tooManyOwners") == {("alice", "Owner", SUB), ("bob", "Owner", SUB),
                                                     ("dave", "Owner", SUB)}
    assert [r.scope for r in sim.audit if r.activity == "Triggered PIM alert"
            and r.target == "Too many owners assigned to a resource"] == [SUB]


def test_too_many_permanent_owners_per_resource():
    sim = simulation()
    sim.alerts.configure("azure.tooManyPermanentOwners", max_permanent_owners=1)
    sim.assign("alice", "Owner", SUB, kind="active", duration="P30D", justification="x")  # time-bound: not permanent
    sim.assign_outside_pim("bob", "Owner", SUB)
    assert open_keys(sim, "azure.tooManyPermanentOwners") == set()
    sim.assign_outside_pim("carol", "Owner", SUB)
    assert open_keys(sim, "azure.tooManyPermanentOwners") == {("bob", "Owner", SUB), ("carol", "Owner", SUB)}


def test_duplicate_role_created():
    sim = simulation()
    sim.alerts.add_custom_role("VM operator", SUB, {"Microsoft.Compute/virtualMachines/start/action"})
    sim.alerts.add_custom_role("VM starter", RG, {"Microsoft.Compute/virtualMachines/start/action"})
    assert open_keys(sim, "azure.duplicateRoleCreated") == set()
    sim.alerts.add_custom_role("VM runner", SUB, ["Microsoft.Compute/virtualMachines/start/action"])
    assert open_keys(sim, "azure.duplicateRoleCreated") == {("", "VM operator", SUB), ("", "VM runner", SUB)}


def test_azure_roles_assigned_outside_pim_count_only_at_subscription_scope():
    sim = simulation()
    sim.assign_outside_pim("alice", "Contributor", RG)
    assert open_keys(sim, "azure.rolesAssignedOutsidePrivilegedIdentityManagement") == set()
    sim.assign_outside_pim("bob", "Contributor", SUB)
    assert open_keys(sim, "azure.rolesAssignedOutsidePrivilegedIdentityManagement") == {("bob", "Contributor", SUB)}
    assert sim.alerts.incidents("Roles are being assigned outside of Privileged Identity Management", "azure")[0].severity \
        == "High"
    assert [r.category for r in sim.audit if r.activity == "Triggered PIM alert"] == ["ResourceManagement"]


@pytest.mark.parametrize(("alert", "setting", "bad", "allowed"), [
    ("redundantAssignment", "unused_days", 101, "0 to 100"),
    ("staleSignIn", "stale_days", 0, "1 to 365"),
    ("tooManyGlobalAdminsAssignedToTenant", "global_admin_percent", 101, "0 to 100"),
    ("sequentialActivationRenewals", "activation_renewals", 1, "2 to 100"),
])
def test_threshold_ranges_are_learns(alert, setting, bad, allowed):
    sim = simulation()
    with pytest.raises(SettingError, match=f"{setting}: {bad} is not allowed; allowed range is {allowed}"):
        sim.alerts.configure(alert, **{setting: bad})
    with pytest.raises(SettingError, match="this alert's thresholds are"):
        sim.alerts.configure("noMfaOnRoleActivation", stale_days=5)


def test_disabling_an_alert_clears_it_and_is_audited():
    sim = simulation()
    sim.assign_outside_pim("alice", SEC)
    sim.alerts.configure("rolesAssignedOutsidePrivilegedIdentityManagement", enabled=False)
    assert open_keys(sim, "rolesAssignedOutsidePrivilegedIdentityManagement") == set()
    sim.assign_outside_pim("bob", SEC)
    assert open_keys(sim, "rolesAssignedOutsidePrivilegedIdentityManagement") == set()
    assert "Disable PIM alert" in [r.activity for r in sim.audit]
    sim.alerts.configure("rolesAssignedOutsidePrivilegedIdentityManagement", enabled=True)
    assert open_keys(sim, "rolesAssignedOutsidePrivilegedIdentityManagement") == {("alice", SEC, "/"), ("bob", SEC, "/")}


def test_monitoring_starts_on_first_use_and_changes_nothing_before():
    sim = simulation()
    sim.assign_outside_pim("alice", SEC)
    before = list(sim.audit)
    assert "alerts" not in vars(sim)
    assert open_keys(sim, "rolesAssignedOutsidePrivilegedIdentityManagement") == {("alice", SEC, "/")}
    assert sim.audit[: len(before)] == before
