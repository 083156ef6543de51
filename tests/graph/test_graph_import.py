"""Reading Graph, PowerShell and ARM policy exports and schedule requests."""

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pim_sim import Simulation, Tenant
from pim_sim.core.policy import Recipient, default_settings
from pim_sim.core.roles import Surface
from pim_sim.graph.reader import GraphImportError, read_policies, read_requests, settings_from_file
from pim_sim.graph.vocabulary import RULE_IDS

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "graph"
MALFORMED = json.loads((FIX / "malformed" / "expected.json").read_text())


def _notify(settings, rule_id):
    return next(n for n in settings.notifications if n.rule_id == rule_id)


def test_graph_v1_policy_assignments_with_value_wrapper():
    got = read_policies(FIX / "ga_exchange_v1.json")
    ga = got.settings[("Global Administrator", "/")]
    assert ga.activation_max == 60  # PT1H, read although isExpirationRequired is false
    assert (ga.require_mfa, ga.require_justification, ga.require_ticket) == (True, True, True)
    assert ga.require_approval and ga.approvers == ("0d2a1b90-1f2c-4f55-9d0e-6bd8c1f0b1aa",
                                                    "5c6e8a3f-93a4-4a0e-8f3e-1c2b7d9e0f11")
    assert (ga.eligible_permanent_allowed, ga.eligible_max) == (False, 180 * 1440)
    assert (ga.active_permanent_allowed, ga.active_max) == (False, 15 * 1440)
    assert ga.mfa_on_active_assignment and ga.justification_on_active_assignment
    alert = _notify(ga, "Notification_Admin_EndUser_Assignment")
    assert alert.additional_recipients == ("secops@contoso.com", "soc@contoso.com")
    assert alert.critical_only and not alert.default_recipients
    assert _notify(ga, "Notification_Approver_Admin_Eligibility").additional_recipients == ()  # null


def test_missing_rules_take_the_documented_default_and_say_so():
    got = read_policies(FIX / "ga_exchange_v1.json")
    exo = got.settings[("Exchange Administrator", "/")]
    default = default_settings(Surface.ENTRA)
    assert exo.activation_max == 120 and not exo.require_approval
    assert exo.approvers == ("0d2a1b90-1f2c-4f55-9d0e-6bd8c1f0b1aa",)  # listed although approval is off
    assert (exo.eligible_max, exo.active_max, exo.notifications) == (default.eligible_max, default.active_max,
                                                                     default.notifications)
    missing = [n.message for n in got.notes if "Exchange" in n.where]
    assert len(missing) == 13 and all("documented entra default" in m for m in missing)
    assert not any("Enablement_Admin_Eligibility" in m for m in missing)


def test_powershell_pascal_case_lower_case_enums_and_beta_approvers():
    got = read_policies(FIX / "pra_powershell.json")
    pra = got.settings[("Privileged Role Administrator", "/")]
    assert pra.activation_max == 105  # PT1H45M
    assert pra.require_mfa and pra.require_justification and not pra.require_ticket
    assert pra.auth_context is None  # claimValue ""
    assert pra.approvers == ("0d2a1b90-1f2c-4f55-9d0e-6bd8c1f0b1aa", "7e1c2d3b-4a5f-4e6d-8c7b-9a0f1e2d3c4b")
    assert not pra.approver_justification_required
    assert _notify(pra, "Notification_Admin_Admin_Eligibility").additional_recipients == ()  # [""]
    assert _notify(pra, "Notification_Admin_Admin_Assignment").critical_only
    off = _notify(pra, "Notification_Admin_EndUser_Assignment")  # level None: nobody is emailed
    assert not off.default_recipients and off.additional_recipients == ()
    assert [n.message for n in got.notes] == ["notificationLevel None: the model sends this email to nobody"]


def test_arm_policy_with_rule_type_and_properties_envelope():
    got = read_policies(FIX / "owner_arm.json", role="Owner", names={"cloud-owners": "owners"})
    owner = got.settings[("Owner", "/subscriptions/prod")]
    assert owner.activation_max == 60 and owner.require_approval
    assert owner.approvers == ("erin", "owners")
    assert not owner.eligible_permanent_allowed and owner.eligible_max == 90 * 1440
    assert got.policies[0].surface is Surface.AZURE


def test_a_bare_policy_needs_its_role():
    with pytest.raises(GraphImportError) as e:
        read_policies(FIX / "owner_arm.json")
    assert e.value.field == "roleDefinitionId"
    with pytest.raises(GraphImportError, match="not an Azure role"):
        read_policies(FIX / "owner_arm.json", role="Global Administrator")


def test_group_member_policy():
    got = read_policies(FIX / "group_member.json")
    member = got.settings[("Member", "/groups/tier0-admins")]
    assert member.activation_max == 300 and member.require_mfa and not member.require_justification
    assert not member.require_approval and member.eligible_max == 90 * 1440
    assert all("the assumed (not documented" in n.message for n in got.notes)  # Groups defaults aren't on Learn


def test_roles_outside_the_catalogue_are_skipped_with_a_note():
    doc = json.loads((FIX / "ga_exchange_v1.json").read_text())
    doc["value"][1]["roleDefinitionId"] = "11111111-2222-3333-4444-555555555555"
    got = read_policies(doc)
    assert [p.role for p in got.policies] == ["Global Administrator"]
    assert any("not in the model's role catalogue" in n.message for n in got.notes)


def test_mfa_and_authentication_context_together_keeps_the_context():
    doc = json.loads((FIX / "ga_exchange_v1.json").read_text())
    rule = next(r for r in doc["value"][0]["policy"]["rules"] if r["id"] == "AuthenticationContext_EndUser_Assignment")
    rule.update(isEnabled=True, claimValue="c1")
    got = read_policies(doc)
    ga = got.settings[("Global Administrator", "/")]
    assert ga.auth_context == "c1" and not ga.require_mfa
    assert any("MfaAndAcrsConflict" in n.message for n in got.notes)


def test_activation_maximum_above_24_hours_is_capped_with_a_note():
    doc = json.loads((FIX / "ga_exchange_v1.json").read_text())
    rule = next(r for r in doc["value"][0]["policy"]["rules"] if r["id"] == "Expiration_EndUser_Assignment")
    rule["maximumDuration"] = "P2D"
    got = read_policies(doc)
    assert got.settings[("Global Administrator", "/")].activation_max == 24 * 60
    assert any("outside the portal's 1 to 24 hours" in n.message for n in got.notes)


def test_effective_rules_are_read_when_rules_are_absent():
    doc = json.loads((FIX / "ga_exchange_v1.json").read_text())["value"][0]
    doc["policy"]["effectiveRules"] = doc["policy"].pop("rules")
    assert read_policies(doc).settings[("Global Administrator", "/")].activation_max == 60


def test_settings_from_file_feeds_a_simulation():
    names = {"0d2a1b90-1f2c-4f55-9d0e-6bd8c1f0b1aa": "mariam", "5c6e8a3f-93a4-4a0e-8f3e-1c2b7d9e0f11": "tier0"}
    settings = settings_from_file(FIX / "ga_exchange_v1.json", names=names)
    assert settings[("Global Administrator", "/")].approvers == ("mariam", "tier0")
    from pim_sim import Group, SettingsBook

    tenant = Tenant.build(users=["alice", "mariam"], groups=[Group("tier0", members=("mariam",))])
    sim = Simulation(tenant, SettingsBook(settings), seed=1)
    sim.assign("alice", "Global Administrator", kind="eligible", duration="P30D")
    req = sim.activate("alice", "Global Administrator", duration="PT1H", justification="x", ticket="CHG-1")
    assert req.status.value == "PendingApproval"
    from pim_sim.errors import PimRefusal

    sim.cancel(req.id)
    with pytest.raises(PimRefusal) as e:
        sim.activate("alice", "Global Administrator", duration="PT2H", justification="x", ticket="CHG-1")
    assert e.value.rule == "ExpirationRule"


def test_all_seventeen_rule_ids_are_known():
    assert len(set(RULE_IDS)) == 17
    assert {r.split("_")[0] for r in RULE_IDS} == {"Expiration", "Enablement", "Approval", "AuthenticationContext",
                                                  "Notification"}
    assert {r.recipient for r in default_settings(Surface.ENTRA).notifications} == set(Recipient)


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_exports_name_the_rule_and_field(name):
    where, field = MALFORMED[name]
    with pytest.raises(GraphImportError) as e:
        read_policies(FIX / "malformed" / name)
    assert where in e.value.where
    assert field in e.value.field
    assert str(e.value).startswith(e.value.where)


def test_there_are_at_least_twenty_malformed_files():
    assert len(list((FIX / "malformed").glob("*.json"))) - 1 >= 20


def test_requests_become_actions():
    reqs = read_requests(FIX / "requests.json")
    assert [r.action for r in reqs] == ["adminAssign", "selfActivate", "adminRemove"]
    assign, activate, remove = reqs
    assert (assign.role, assign.duration, assign.start) == ("User Administrator", "P1D", "2026-01-05T09:00:00Z")
    assert (activate.role, activate.duration, activate.ticket) == ("Global Administrator", "PT2H", "CHG-1042")
    assert remove.duration is None and remove.kind == "active"
    assert activate.to_step(at="PT10H") == {"at": "PT10H", "do": "activate", "principal": "bob",
                                            "role": "Global Administrator", "scope": "/", "duration": "PT2H",
                                            "justification": "Patch Tuesday", "ticket": "CHG-1042",
                                            "ticket_system": "ServiceNow"}
    assert assign.to_step()["at"] == "PT9H"  # 09:00 on the scenario's first day
    (elig,) = read_requests(FIX / "eligibility_requests.json")
    assert elig.kind == "eligible" and elig.duration == "P180D"


@pytest.mark.parametrize("change, field", [
    ({"action": "selfDestruct"}, "action"),
    ({"principalId": None}, "principalId"),
    ({"roleDefinitionId": "not-a-role"}, "roleDefinitionId"),
    ({"scheduleInfo": {"expiration": {"type": "afterDuration", "duration": "two hours"}}}, "scheduleInfo.expiration.duration"),
    ({"scheduleInfo": {"expiration": {"type": "whenever"}}}, "scheduleInfo.expiration.type"),
    ({"scheduleInfo": {"startDateTime": "yesterday"}}, "scheduleInfo.startDateTime"),
    ({"scheduleInfo": {"startDateTime": "2026-01-05T10:00:00Z",
                       "expiration": {"type": "afterDateTime", "endDateTime": "2026-01-05T09:00:00Z"}}},
     "scheduleInfo.expiration.endDateTime"),
])
def test_malformed_requests_name_the_field(change, field):
    doc = json.loads((FIX / "requests.json").read_text())
    doc["value"][1].update(change)
    with pytest.raises(GraphImportError) as e:
        read_requests(doc)
    assert e.value.where == "request 1" and e.value.field == field


def test_oversized_uploads_are_refused(tmp_path):
    from pim_sim.graph import reader as graph_import

    big = b'{"value": [' + b" " * (graph_import.MAX_BYTES + 1) + b"]}"
    with pytest.raises(GraphImportError, match="larger than"):
        read_policies(big)


def test_requests_become_a_timeline_that_runs():
    from pim_sim.graph.reader import timeline_from_requests
    from pim_sim.scenario.model import Scenario

    steps = timeline_from_requests(FIX / "eligibility_requests.json")
    steps += [{**st, "at": "PT10H"} for st in timeline_from_requests(FIX / "requests.json")
              if st["do"] == "activate"]
    assert [st["do"] for st in steps] == ["assign", "activate"]
    scenario = Scenario.from_dict({"name": "replayed", "horizon": "PT12H", "lag": False,
                                   "tenant": {"users": ["bob"]}, "timeline": steps})
    results = scenario.run()
    assert list(results.requests["status"]) == ["Provisioned", "Provisioned"]
    assert list(results.requests["action"]) == ["adminAssign", "selfActivate"]


def test_a_request_before_the_scenario_start_or_with_no_step_is_refused():
    from datetime import UTC, datetime

    reqs = read_requests(FIX / "requests.json")
    with pytest.raises(GraphImportError, match="before the scenario's start"):
        reqs[0].to_step(datetime(2026, 2, 1, tzinfo=UTC))
    doc = json.loads((FIX / "requests.json").read_text())
    doc["value"][0]["action"] = "adminExtend"
    with pytest.raises(GraphImportError, match="adminExtend has no scenario step"):
        read_requests(doc)[0].to_step()


json_values = st.recursive(st.none() | st.booleans() | st.integers(-5, 5) | st.text(max_size=6)
                           | st.sampled_from(["PT8H", "P1D", "All", "Email", "Admin", "", "2026-01-05T09:00:00Z"]),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
                           max_leaves=6)


def places(node) -> list:
    """Every (container, key) in a JSON document."""
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    return [spot for key, value in items for spot in ((node, key), *places(value))]


def corrupt(data, doc) -> None:
    """Replace one to three values anywhere in a JSON document with arbitrary JSON."""
    for _ in range(data.draw(st.integers(1, 3))):
        spots = places(doc)
        if spots:
            parent, key = data.draw(st.sampled_from(spots))
            parent[key] = data.draw(json_values)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), name=st.sampled_from(["ga_exchange_v1.json", "pra_powershell.json", "group_member.json"]))
def test_any_corruption_of_a_real_export_is_read_or_refused_with_a_named_field(data, name):
    doc = json.loads((FIX / name).read_text())
    corrupt(data, doc)
    try:
        got = read_policies(doc)
    except GraphImportError as e:
        assert e.where and e.field and e.problem
    else:
        for s in got.settings.values():
            assert 60 <= s.activation_max <= 24 * 60


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_corruption_of_requests_is_read_or_refused_with_a_named_field(data):
    doc = json.loads((FIX / "requests.json").read_text())
    corrupt(data, doc)
    try:
        read_requests(doc)
    except GraphImportError as e:
        assert e.where and e.field and e.problem


def test_json_nested_past_pythons_recursion_limit_is_refused_by_name(tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    for source in (deep, deep.read_text(), deep.read_bytes()):
        with pytest.raises(GraphImportError, match="nested too deeply"):
            read_policies(source)
