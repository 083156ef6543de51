"""CISA SCuBA MS.AAD.7.x as ScubaGear evaluates them, and the deployment-plan advice."""

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pim_sim import Group, Licence, Simulation, Tenant
from pim_sim.core.policy import NotificationEvent, Recipient
from pim_sim.core.roles import HIGHLY_PRIVILEGED_ENTRA
from pim_sim.posture.baseline import (
    P2_NOTE,
    advice,
    posture_from_file,
    posture_from_scubagear,
    posture_from_simulation,
    scuba,
)

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "graph"
SCUBA = FIX / "ProviderSettingsExport.json"


def by_control(results):
    return {r.control.removesuffix("v1"): r for r in results}


def test_the_eight_highly_privileged_roles_are_scubagears():
    assert set(HIGHLY_PRIVILEGED_ENTRA) == {
        "Global Administrator", "Privileged Role Administrator", "User Administrator", "SharePoint Administrator",
        "Exchange Administrator", "Hybrid Identity Administrator", "Application Administrator",
        "Cloud Application Administrator"}


def test_scubagear_export_gives_scubagears_verdicts():
    r = by_control(scuba(posture_from_scubagear(SCUBA)))
    assert {k: v.result for k, v in r.items()} == {
        "MS.AAD.7.1": "Pass", "MS.AAD.7.2": "Fail", "MS.AAD.7.3": "Fail", "MS.AAD.7.4": "Fail", "MS.AAD.7.5": "Fail",
        "MS.AAD.7.6": "Fail", "MS.AAD.7.7": "Fail", "MS.AAD.7.8": "Pass", "MS.AAD.7.9": "Warning"}
    assert r["MS.AAD.7.1"].details == "3 global admin(s) found:<br/>Break Glass 1, Mariam Sadik, Tier0 Member"
    assert r["MS.AAD.7.1"].text == "3 global admin(s) found: Break Glass 1, Mariam Sadik, Tier0 Member"
    assert r["MS.AAD.7.2"].details == ("Requirement not met: Least Privilege Score = 3 (should be 1 or less)\nCalculated "
                                       "by 3 global admins / 1 privileged users without global admin role")
    assert r["MS.AAD.7.3"].offenders == ("Ola Nordmann",)
    assert r["MS.AAD.7.4"].offenders == ("Exchange Administrator", "Global Administrator")
    assert r["MS.AAD.7.5"].offenders == ("Exchange Administrator",)
    # the PIM group's member policy is read with Global Administrator's rules
    assert r["MS.AAD.7.6"].offenders == ("Tier 0 admins(PIM Group)",)
    assert r["MS.AAD.7.7"].offenders == ("Exchange Administrator(Directory Role)",)
    # ScubaGear counts [""] as a recipient, so User Administrator is not an offender
    assert "User Administrator(Directory Role)" not in r["MS.AAD.7.9"].offenders
    assert len(r["MS.AAD.7.9"].offenders) == 6 and r["MS.AAD.7.9"].criticality == "Should"


def test_exclusions_exempt_break_glass_accounts_from_7_4():
    config = {"Aad": {"MS.AAD.7.4v1": {"RoleExclusions": {"Users": ["b1f0c2d3-0001-4000-8000-000000000001"],
                                                          "Groups": [None]}}}}
    r = by_control(scuba(posture_from_scubagear(SCUBA, exclusions=config)))
    assert r["MS.AAD.7.4"].offenders == ("Exchange Administrator",)


def test_without_p2_the_pim_controls_fail_with_scubagears_licence_note():
    doc = json.loads(SCUBA.read_text())
    doc["service_plans"] = [p for p in doc["service_plans"] if p["ServicePlanName"] != "AAD_PREMIUM_P2"]
    r = by_control(scuba(posture_from_scubagear(doc)))
    for c in ("MS.AAD.7.4", "MS.AAD.7.5", "MS.AAD.7.6", "MS.AAD.7.7", "MS.AAD.7.8"):
        assert r[c].result == "Fail" and r[c].details == P2_NOTE
    assert r["MS.AAD.7.9"].result == "Warning"
    assert r["MS.AAD.7.1"].result == "Pass"  # 7.1 to 7.3 don't need P2


def test_a_policy_export_checks_settings_only_and_says_which_roles_it_lacked():
    r = by_control(scuba(posture_from_file(FIX / "ga_exchange_v1.json")))
    for c in ("MS.AAD.7.1", "MS.AAD.7.2", "MS.AAD.7.3", "MS.AAD.7.4", "MS.AAD.7.5"):
        assert r[c].result == "Not checked"
    assert r["MS.AAD.7.6"].result == "Pass" and r["MS.AAD.7.8"].result == "Pass"
    assert r["MS.AAD.7.7"].offenders == ("Exchange Administrator(Directory Role)",)
    assert "not checked: Privileged Role Administrator" in r["MS.AAD.7.7"].details


def tenant_sim(**kwargs):
    tenant = Tenant.build(users=["bg1", "bg2", "alice", "bob", "carol", "dave"],
                          groups=[Group("tier0", role_assignable=True)], **kwargs)
    sim = Simulation(tenant, seed=5, lag=False)
    sim.assign("bg1", "Global Administrator", kind="active", justification="break glass")
    sim.assign("bg2", "Global Administrator", kind="active", justification="break glass")
    sim.assign("alice", "Global Administrator", kind="eligible", duration="P90D")
    sim.assign("bob", "Exchange Administrator", kind="eligible", duration="P90D")
    sim.assign("carol", "User Administrator", kind="eligible", duration="P90D")
    sim.assign("tier0", "Privileged Role Administrator", kind="active", duration="P30D", justification="tier 0")
    sim.assign("dave", "Member", "/groups/tier0", kind="eligible", duration="P30D")
    return sim


def test_a_default_simulated_tenant_fails_the_settings_controls():
    sim = tenant_sim()
    r = by_control(scuba(posture_from_simulation(sim)))
    assert r["MS.AAD.7.1"].result == "Pass"  # bg1, bg2, alice
    assert r["MS.AAD.7.2"].result == "Pass"  # 3 GAs vs bob, carol, dave (via the PIM group)
    assert r["MS.AAD.7.4"].offenders == ("Global Administrator",)
    assert r["MS.AAD.7.5"].result == "Pass"
    assert r["MS.AAD.7.6"].offenders == ("Global Administrator(Directory Role)",)
    assert "tier0(PIM Group)" in r["MS.AAD.7.7"].offenders  # the group's member policy is read too
    assert r["MS.AAD.7.9"].result == "Warning"


def test_fixing_the_simulated_tenant_passes_every_control():
    sim = tenant_sim()
    alert = {"additional_recipients": ("secops@contoso.com",)}
    for role in HIGHLY_PRIVILEGED_ENTRA:
        sim.set_settings(role, notifications=_with_alerts(sim.settings_for(role, "/"), alert))
    sim.set_settings("Member", "/groups/tier0", notifications=_with_alerts(sim.settings_for("Member", "/groups/tier0"),
                                                                          alert), require_approval=True,
                     approvers=("bg1",))
    sim.set_settings("Global Administrator", require_approval=True, approvers=("bg1", "bg2"))
    config = {"Aad": {"MS.AAD.7.4v1": {"RoleExclusions": {"Users": ["bg1", "bg2"]}}}}
    r = by_control(scuba(posture_from_simulation(sim, exclusions=config)))
    assert {v.result for v in r.values()} == {"Pass"}, {k: (v.result, v.offenders) for k, v in r.items()}


def test_outside_pim_and_synced_users_are_caught():
    sim = tenant_sim()
    sim.assign_outside_pim("bob", "Exchange Administrator")
    r = by_control(scuba(posture_from_simulation(sim, synced=("bob",))))
    assert r["MS.AAD.7.5"].offenders == ("Exchange Administrator",)
    assert r["MS.AAD.7.3"].offenders == ("bob",)


def test_licence_lapse_fails_the_pim_controls():
    sim = tenant_sim()
    sim.set_licence(Licence.P1)
    r = by_control(scuba(posture_from_simulation(sim)))
    assert r["MS.AAD.7.6"].details == P2_NOTE


def _with_alerts(s, alert):
    events = {NotificationEvent.ELIGIBLE_ASSIGNED, NotificationEvent.ACTIVE_ASSIGNED, NotificationEvent.ACTIVATED}
    return tuple(n if not (n.recipient is Recipient.ADMIN and n.event in events) else
                 type(n)(n.event, n.recipient, n.default_recipients, alert["additional_recipients"], n.critical_only)
                 for n in s.notifications)


@settings(max_examples=30, deadline=None)
@given(st.sets(st.sampled_from(HIGHLY_PRIVILEGED_ENTRA)), st.sets(st.sampled_from(HIGHLY_PRIVILEGED_ENTRA)))
def test_7_7_fails_exactly_on_roles_without_assignment_alert_recipients(eligible_alert, active_alert):
    sim = Simulation(Tenant.build(users=["a"]), seed=0)
    for role in HIGHLY_PRIVILEGED_ENTRA:
        rules = []
        for n in sim.settings_for(role, "/").notifications:
            on = (n.event is NotificationEvent.ELIGIBLE_ASSIGNED and role in eligible_alert) or (
                n.event is NotificationEvent.ACTIVE_ASSIGNED and role in active_alert)
            rules.append(type(n)(n.event, n.recipient, n.default_recipients,
                                 ("soc@x.com",) if on and n.recipient is Recipient.ADMIN else (), n.critical_only))
        sim.set_settings(role, notifications=tuple(rules))
    r = by_control(scuba(posture_from_simulation(sim)))["MS.AAD.7.7"]
    expected = {f"{role}(Directory Role)" for role in HIGHLY_PRIVILEGED_ENTRA
                if role not in eligible_alert or role not in active_alert}
    assert set(r.offenders) == expected
    assert r.passed == (not expected)


def test_deployment_plan_advice():
    sim = tenant_sim()
    sim.set_settings("Global Administrator", require_approval=True, approvers=("bg1",), activation_max=60,
                     require_ticket=True)
    items = {(a.topic, a.role): a for a in advice(posture_from_simulation(sim))}
    assert items[("Role settings", "Global Administrator")].result == "Meets"
    assert items[("Approvers", "Global Administrator")].result == "Recommended"  # only one approver
    exo = items[("Role settings", "Exchange Administrator")]
    assert exo.result == "Recommended" and "activation maximum of 2 hour(s) (now 8)" in exo.details
    helpdesk = items[("Role settings", "Helpdesk Administrator")]
    assert helpdesk.result == "Recommended" and helpdesk.details == "require ticket information on activation"
    assert items[("Global Administrators", "Global Administrator")].result == "Meets"  # 3 < 5
    assert items[("Standing access", "highly privileged roles")].result == "Recommended"


# ScubaGear's report strings, for the cases its own Rego unit tests cover (reimplemented here).
def users(*people):
    """privileged_users from (display name, roles) pairs."""
    return {"privileged_users": {f"id{i}": {"DisplayName": n, "OnPremisesImmutableId": None, "roles": list(r)}
                                 for i, (n, r) in enumerate(people)}, "privileged_roles": []}


GA = "Global Administrator"


@pytest.mark.parametrize("people, result, details", [
    ([("Ann", [GA]), ("Bob", [GA, "User Administrator"])], "Pass", "2 global admin(s) found:<br/>Ann, Bob"),
    ([("Ann", [GA])], "Fail", "1 global admin(s) found:<br/>Ann"),
    ([(f"GA{i}", [GA]) for i in range(9)], "Fail", "9 global admin(s) found:<br/>" + ", ".join(f"GA{i}" for i in range(9))),
])
def test_7_1_report_strings(people, result, details):
    r = by_control(scuba(posture_from_scubagear(users(*people))))["MS.AAD.7.1"]
    assert (r.result, r.details) == (result, details)


@pytest.mark.parametrize("people, result, details", [
    ([("A", [GA]), ("B", [GA]), ("C", ["Application Administrator"]), ("D", ["User Administrator"]),
      ("E", ["Privileged Role Administrator"])], "Pass", "Requirement met: Least Privilege Score = 0.66 (should be 1 or "
     "less)\nCalculated by 2 global admins / 3 privileged users without global admin role"),
    ([("A", [GA]), ("B", [GA]), ("C", ["Application Administrator"]), ("D", ["Privileged Role Administrator"])],
     "Pass", "Requirement met: Least Privilege Score = 1 (should be 1 or less)\nCalculated by 2 global admins / 2 privileged "
     "users without global admin role"),
    ([("A", [GA]), ("B", [GA]), ("B", ["Privileged Role Administrator"])],  # display names are a set
     "Fail", "Requirement not met: Least Privilege Score = 2 (should be 1 or less)\nCalculated by 2 global admins / 1 "
     "privileged users without global admin role"),
    ([("A", [GA]), ("B", [GA]), ("C", [GA])], "Fail", "Requirement not met: All privileged users are Global Admin"),
    ([(f"GA{i}", [GA]) for i in range(9)] + [("X", ["User Administrator"])], "Fail",
     "Requirement not met: Policy MS.AAD.7.1 failed so score not computed"),
])
def test_7_2_least_privilege_score(people, result, details):
    r = by_control(scuba(posture_from_scubagear(users(*people))))["MS.AAD.7.2"]
    assert (r.result, r.details) == (result, details)


P2 = [{"ServicePlanName": "AAD_PREMIUM_P2", "ServicePlanId": "x"}]


def roles_export(assignments: dict, users_ok=(), groups_ok=()):
    return {"privileged_roles": [{"DisplayName": role, "Assignments": [{"PrincipalId": p, "EndDateTime": end,
                                                                        "StartDateTime": "/Date(1660328610000)/"}
                                                                       for p, end in rows]}
                                 for role, rows in assignments.items()],
            "service_plans": P2,
            "scuba_config": {"Aad": {"MS.AAD.7.4v1": {"RoleExclusions": {"Users": list(users_ok),
                                                                         "Groups": list(groups_ok)}}}}}


@pytest.mark.parametrize("assignments, users_ok, groups_ok, offenders", [
    ({GA: [("u1", "/Date(1691006065170)/")]}, (), (), ()),
    ({GA: [("u1", None)]}, ("u1",), (), ()),
    ({GA: [("u1", None)]}, (), ("u1",), ()),  # an excluded group id matches the principal id
    ({GA: [("u1", None)]}, ("u9",), (), (GA,)),
    ({GA: [("u1", None), ("u2", None)], "Application Administrator": [("u3", None)]}, ("u1",), (),
     ("Application Administrator", GA)),
    ({GA: [("u1", None)], "Application Administrator": [("u3", "/Date(1691006065170)/")]}, (), ("u3",), (GA,)),
])
def test_7_4_permanent_assignments_and_exclusions(assignments, users_ok, groups_ok, offenders):
    r = by_control(scuba(posture_from_scubagear(roles_export(assignments, users_ok, groups_ok))))["MS.AAD.7.4"]
    assert r.offenders == offenders
    assert r.details == (f"{len(offenders)} role(s) that contain users with permanent active assignment"
                         + (":<br/>" + ", ".join(offenders) if offenders else ""))


def test_long_offender_lists_are_truncated_like_scubagears():
    r = by_control(scuba(posture_from_scubagear(users(*[(f"U{i:02}", [GA]) for i in range(25)]))))["MS.AAD.7.1"]
    assert r.details.startswith("25 global admin(s) found:<br/>U00, U01")
    assert ", U19 ...<br/>Note: The list of matching items has been truncated." in r.details
    assert len(r.offenders) == 25


def test_comparison_reads_scubaresults_too_and_flags_disagreement():
    from pim_sim.posture.baseline import compare

    checks = scuba(posture_from_scubagear(SCUBA))
    report = {"Results": {"AAD": [{"GroupNumber": "7", "Controls": [
        {"Control ID": "MS.AAD.7.1v1", "Result": "Pass", "Details": "x"},
        {"Control ID": "MS.AAD.7.6v1", "Result": "Pass", "Details": "y"}]}]}}
    got = {c.control: c for c in compare(checks, report)}
    assert set(got) == {"MS.AAD.7.1v1", "MS.AAD.7.6v1"}
    assert got["MS.AAD.7.1v1"].same and not got["MS.AAD.7.6v1"].same


def places(node) -> list:
    """Every (container, key) in a JSON document."""
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    return [spot for key, value in items for spot in ((node, key), *places(value))]


@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_a_corrupted_scubagear_export_is_checked_or_refused_with_a_named_field(data):
    from pim_sim.errors import ModelError

    doc = json.loads(SCUBA.read_text())
    for _ in range(data.draw(st.integers(1, 3))):
        spots = places(doc)
        parent, key = data.draw(st.sampled_from(spots))
        parent[key] = data.draw(st.none() | st.booleans() | st.integers() | st.text(max_size=4)
                                | st.lists(st.text(max_size=3), max_size=2) | st.just({}))
    try:
        posture = posture_from_scubagear(doc)
    except ModelError as e:
        assert "ScubaGear" in str(e)
    else:
        assert len(scuba(posture)) == 9
        advice(posture)
