"""Exporting the simulated tenant in Graph's shape, and importing it back."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pim_sim import SettingsBook, Simulation, Tenant
from pim_sim.core.policy import NotificationRule, default_settings
from pim_sim.core.roles import ENTRA_ROLES, Surface
from pim_sim.errors import PimRefusal
from pim_sim.graph.reader import read_policies
from pim_sim.graph.vocabulary import RULE_IDS, odata_type
from pim_sim.graph.writer import policy_assignments, refusals_to_graph, requests_to_graph


def test_every_entra_role_has_a_policy_with_all_17_rules_in_graphs_shape():
    doc = policy_assignments(SettingsBook())
    assert doc["@odata.context"].endswith("policies/roleManagementPolicyAssignments(policy(rules()))")
    assert len(doc["value"]) == len(ENTRA_ROLES)
    ga = next(a for a in doc["value"] if a["roleDefinitionId"] == "62e90394-69f5-4237-9190-012177145e10")
    assert ga["id"] == f"{ga['policyId']}_{ga['roleDefinitionId']}" and ga["scopeType"] == "DirectoryRole"
    rules = ga["policy"]["rules"]
    assert [r["id"] for r in rules] == list(RULE_IDS)
    assert all(r["@odata.type"] == odata_type(r["id"]) for r in rules)
    by_id = {r["id"]: r for r in rules}
    assert by_id["Expiration_EndUser_Assignment"]["maximumDuration"] == "PT8H"
    assert by_id["Enablement_EndUser_Assignment"]["enabledRules"] == ["MultiFactorAuthentication", "Justification"]
    assert by_id["Expiration_Admin_Eligibility"] == {
        "@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyExpirationRule", "id": "Expiration_Admin_Eligibility",
        "isExpirationRequired": False, "maximumDuration": "P365D",
        "target": {"caller": "Admin", "operations": ["All"], "level": "Eligibility", "inheritableSettings": [],
                   "enforcedSettings": []}}
    stage = by_id["Approval_EndUser_Assignment"]["setting"]["approvalStages"][0]
    assert stage["approvalStageTimeOutInDays"] == 1 and stage["primaryApprovers"] == []
    json.dumps(doc)  # plain JSON


def test_approvers_that_are_groups_are_exported_as_group_members():
    tenant = Tenant.build(users=["alice", "bob"], groups=["approvers"])
    book = SettingsBook().with_setting("Global Administrator", "/", Surface.ENTRA,
                                       default_settings(Surface.ENTRA).with_changes(require_approval=True,
                                                                                   approvers=("bob", "approvers")))
    doc = policy_assignments(book, tenant=tenant, roles=("Global Administrator",))
    rule = next(r for r in doc["value"][0]["policy"]["rules"] if r["id"] == "Approval_EndUser_Assignment")
    assert rule["setting"]["approvalStages"][0]["primaryApprovers"] == [
        {"@odata.type": "#microsoft.graph.singleUser", "userId": "bob", "description": "bob"},
        {"@odata.type": "#microsoft.graph.groupMembers", "groupId": "approvers", "description": "approvers"}]


hours = st.integers(min_value=60, max_value=24 * 60)
days = st.integers(min_value=1, max_value=400).map(lambda d: d * 1440.0)
emails = st.lists(st.sampled_from(["secops@contoso.com", "soc@contoso.com", "ciso@contoso.com"]), unique=True, max_size=2)


@st.composite
def role_settings(draw):
    context = draw(st.sampled_from([None, "c1", "c2"]))
    base = default_settings(Surface.ENTRA)
    notifications = tuple(NotificationRule(n.event, n.recipient, draw(st.booleans()), tuple(draw(emails)),
                                           draw(st.booleans())) for n in base.notifications)
    approval = draw(st.booleans())
    return base.with_changes(
        activation_max=float(draw(hours)), require_mfa=context is None and draw(st.booleans()), auth_context=context,
        require_justification=draw(st.booleans()), require_ticket=draw(st.booleans()), require_approval=approval,
        approvers=tuple(draw(st.lists(st.sampled_from(["alice", "bob", "carol"]), unique=True, max_size=3))),
        approver_justification_required=draw(st.booleans()), eligible_permanent_allowed=draw(st.booleans()),
        eligible_max=draw(days), active_permanent_allowed=draw(st.booleans()), active_max=draw(days),
        mfa_on_active_assignment=draw(st.booleans()), justification_on_active_assignment=draw(st.booleans()),
        notifications=notifications)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ga=role_settings(), member=role_settings())
def test_import_of_an_export_gives_back_the_same_settings(ga, member):
    member = member.with_changes(require_approval=member.require_approval and bool(member.approvers))
    book = (SettingsBook().with_setting("Global Administrator", "/", Surface.ENTRA, ga)
            .with_setting("Member", "/groups/tier0", Surface.GROUPS, member))
    exported = json.loads(json.dumps(policy_assignments(book)))
    back = read_policies(exported)
    assert back.settings[("Global Administrator", "/")] == ga
    assert back.settings[("Member", "/groups/tier0")] == member
    assert back.settings[("Reports Reader", "/")] == default_settings(Surface.ENTRA)
    assert back.notes == ()


def _run():
    sim = Simulation(Tenant.build(users=["alice", "bob", "carol"]), seed=3, lag=False)
    sim.assign("bob", "Privileged Role Administrator", kind="active", justification="PIM admin")
    sim.assign("alice", "Global Administrator", kind="eligible", duration="P30D")
    sim.set_settings("Global Administrator", require_approval=True, approvers=("bob",), require_ticket=True)
    with pytest.raises(PimRefusal):
        sim.activate("alice", "Global Administrator", duration="PT2H", justification="patch")  # no ticket
    with pytest.raises(PimRefusal):
        sim.activate("alice", "Global Administrator", duration="PT2H", ticket="CHG-1", mfa=False, justification="p")
    req = sim.activate("alice", "Global Administrator", duration="PT2H", justification="patch", ticket="CHG-1")
    sim.advance("PT10M")
    sim.approve(req.id, by="bob")
    sim.advance("PT3H")
    return sim, req


def test_requests_carry_status_schedule_info_and_approval():
    sim, req = _run()
    doc = requests_to_graph(sim)
    assert len(doc["roleEligibilityScheduleRequests"]) == 1
    (elig,) = doc["roleEligibilityScheduleRequests"]
    assert elig["@odata.type"] == "#microsoft.graph.unifiedRoleEligibilityScheduleRequest"
    assert elig["action"] == "adminAssign" and elig["status"] == "Provisioned"
    assert elig["scheduleInfo"]["expiration"] == {"type": "afterDuration", "endDateTime": None, "duration": "P30D"}
    act = next(r for r in doc["roleAssignmentScheduleRequests"] if r["id"] == req.id)
    assert act["action"] == "selfActivate" and act["status"] == "Provisioned" and act["approvalId"] == req.id
    assert act["roleDefinitionId"] == "62e90394-69f5-4237-9190-012177145e10" and act["directoryScopeId"] == "/"
    assert act["ticketInfo"]["ticketNumber"] == "CHG-1"
    assert act["scheduleInfo"]["startDateTime"] is None and act["createdDateTime"] == "2026-01-05T00:00:00Z"  # no start given
    assert act["completedDateTime"] == "2026-01-05T00:10:00Z"
    permanent = next(r for r in doc["roleAssignmentScheduleRequests"] if r["principalId"] == "bob")
    assert permanent["scheduleInfo"]["expiration"]["type"] == "noExpiration" and permanent["approvalId"] is None


def test_refusals_are_graph_policy_validation_errors_naming_the_rule():
    sim, _ = _run()
    errors = refusals_to_graph(sim)
    assert [e["error"]["code"] for e in errors] == ["RoleAssignmentRequestPolicyValidationFailed"] * 2
    assert [e["error"]["message"] for e in errors] == ['The following policy rules failed: ["TicketingRule"]',
                                                      'The following policy rules failed: ["MfaRule"]']
    assert all(e["httpStatus"] == 400 for e in errors)


def test_authorisation_failures_are_403():
    sim = Simulation(Tenant.build(users=["alice", "bob"]), seed=1)
    with pytest.raises(PimRefusal):
        sim.assign("alice", "Global Administrator", by="bob")
    (err,) = refusals_to_graph(sim)
    assert err["httpStatus"] == 403 and err["error"]["code"] == "AuthorizationFailed"


def test_a_request_that_expired_unanswered_still_names_its_approval():
    """Every request that waited for approval has an approval (Graph's approvalId), decided or not."""
    from pim_sim import load_scenario
    from pim_sim.scenario.model import list_scenarios

    path = next(s.path for s in list_scenarios() if s.name == "approval-expiry")
    sim = load_scenario(path).run().sim
    doc = requests_to_graph(sim)
    expired = [r for r in sim.requests.values() if r.status_reason == "ApprovalExpired"]
    assert expired
    for r in expired:
        exported = next(x for x in doc["roleAssignmentScheduleRequests"] if x["id"] == r.id)
        assert exported["approvalId"] == r.id
