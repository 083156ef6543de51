"""The tenant: principals, groups, the role catalogue, scopes and the licence."""

import pytest
from engine_builders import AU, GA, MG, OTHER_RG, RG, SUB, VM, simulation, tenant

from pim_sim import DIRECTORY, Group, Licence, ModelError, PimRefusal, PrincipalKind, Surface, Tenant, User
from pim_sim.core.roles import AZURE_ROLES, ENTRA_ROLES, HIGHLY_PRIVILEGED_ENTRA, role, surface_of
from pim_sim.core.tenant import ScopeLevel, scope_level

# Template ids as Microsoft publishes them (permissions-reference and Azure built-in roles pages).
ENTRA_TEMPLATE_IDS = {
    "Global Administrator": "62e90394-69f5-4237-9190-012177145e10",
    "Privileged Role Administrator": "e8611ab8-c189-46e8-94e1-60213ab1f814",
    "Security Administrator": "194ae4cb-b126-40b2-bd5b-6091b380977d",
    "Security Reader": "5d6b6bb7-de71-4623-b4af-96380a352509",
    "Global Reader": "f2ef992c-3afb-46b9-b7cf-a126ee74c451",
    "User Administrator": "fe930be7-5e62-47db-91af-98c3a49a38b1",
    "Helpdesk Administrator": "729827e3-9c14-49f7-bb1b-9608f156bbb8",
    "Exchange Administrator": "29232cdf-9323-42fd-ade2-1d097af3e4de",
    "SharePoint Administrator": "f28a1f50-f6e7-4571-818b-6a12f2af6b6c",
    "Application Administrator": "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3",
    "Cloud Application Administrator": "158c047a-c907-4556-b7ef-446551a6b5f7",
    "Hybrid Identity Administrator": "8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2",
    "Reports Reader": "4a5d8f65-41da-4de4-8968-e035b65339cf",
    "Security Operator": "5f2222b1-57c3-48ba-8ad5-d4759f1fde6f",
    "Privileged Authentication Administrator": "7be44c8a-adaf-4e2a-84d6-ab2649e08a13",
    "Conditional Access Administrator": "b1be1c3e-b65d-4f19-8427-f6fa0d97feb9",
}
AZURE_ROLE_IDS = {
    "Owner": "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
    "Contributor": "b24988ac-6180-42a0-ab88-20f7382dd24c",
    "Reader": "acdd72a7-3385-48ef-bd42-f606fba81ae7",
    "User Access Administrator": "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
}
# CISA SCuBA MS.AAD.7's eight highly privileged roles.
SCUBA_EIGHT = {"Global Administrator", "Privileged Role Administrator", "User Administrator", "SharePoint Administrator",
               "Exchange Administrator", "Hybrid Identity Administrator", "Application Administrator",
               "Cloud Application Administrator"}


# --- principals ------------------------------------------------------------------------------
def test_members_guests_service_principals_and_groups_are_distinct_kinds():
    t = tenant()
    assert [t.principal(n).kind for n in ("alice", "erin", "deploy-bot", "admins")] == [
        PrincipalKind.MEMBER, PrincipalKind.GUEST, PrincipalKind.SERVICE_PRINCIPAL, PrincipalKind.GROUP]
    assert t.principal("erin").is_guest and not t.principal("alice").is_guest


def test_a_manager_must_be_a_user_of_the_tenant():
    assert tenant().principal("alice").manager == "bob"
    with pytest.raises(ModelError, match="user 'alice': manager 'zoe' is not a user"):
        Tenant.build(users=[User("alice", manager="zoe")])
    with pytest.raises(ModelError, match="manager 'ops' is not a user"):
        Tenant.build(users=[User("alice", manager="ops")], groups=[Group("ops")])


def test_principal_names_are_unique_and_group_members_must_exist():
    with pytest.raises(ModelError, match="repeated: alice"):
        Tenant.build(users=["alice"], groups=[Group("alice")])
    with pytest.raises(ModelError, match="group 'g': 'ghost' is not a principal"):
        Tenant.build(users=["alice"], groups=[Group("g", members=("ghost",))])


def test_unknown_principal_is_a_model_error_naming_it():
    with pytest.raises(ModelError, match="'zoe' is not a user"):
        tenant().principal("zoe")


def test_only_role_assignable_groups_can_hold_entra_roles():
    sim = simulation()
    with pytest.raises(PimRefusal, match="isn't role-assignable"):
        sim.assign("helpdesk", "Helpdesk Administrator", kind="eligible")
    sim.assign("admins", "Helpdesk Administrator", kind="active", justification="tier 1")
    assert sim.holds("carol", "Helpdesk Administrator")  # through the group
    assert not sim.holds("dave", "Helpdesk Administrator")


def test_any_security_group_can_hold_an_azure_role():
    sim = simulation()
    sim.assign("helpdesk", "Reader", SUB, kind="active", duration="P30D", justification="read")
    assert sim.holds("dave", "Reader", VM)


# --- the role catalogue ----------------------------------------------------------------------
def test_entra_roles_carry_microsofts_template_ids():
    assert {n: r.template_id for n, r in ENTRA_ROLES.items()} == ENTRA_TEMPLATE_IDS


def test_azure_roles_carry_microsofts_role_definition_ids():
    assert {n: r.template_id for n, r in AZURE_ROLES.items()} == AZURE_ROLE_IDS


def test_the_eight_highly_privileged_roles_are_scubas():
    assert set(HIGHLY_PRIVILEGED_ENTRA) == SCUBA_EIGHT


def test_role_lookup_names_the_surface_and_lists_the_choices():
    assert surface_of("Owner") is Surface.AZURE and surface_of(GA) is Surface.ENTRA
    assert surface_of("Member") is Surface.GROUPS
    with pytest.raises(KeyError, match=r"^'Owner' is not a Microsoft Entra role; known roles: .*Global Administrator"):
        role(Surface.ENTRA, "Owner")
    with pytest.raises(KeyError, match="'Root' is not a known role"):
        surface_of("Root")


def test_an_azure_role_at_the_directory_scope_is_refused():
    with pytest.raises(KeyError, match="is not a Microsoft Entra role"):
        simulation().assign("alice", "Owner", DIRECTORY, kind="eligible")


# --- scopes ------------------------------------------------------------------------------------
@pytest.mark.parametrize(("scope_id", "level"), [
    ("/", ScopeLevel.DIRECTORY), (AU, ScopeLevel.ADMINISTRATIVE_UNIT), ("/groups/x", ScopeLevel.GROUP),
    (MG, ScopeLevel.MANAGEMENT_GROUP), (SUB, ScopeLevel.SUBSCRIPTION), (RG, ScopeLevel.RESOURCE_GROUP),
    (VM, ScopeLevel.RESOURCE)])
def test_scope_levels_are_read_from_arm_style_ids(scope_id, level):
    assert scope_level(scope_id) is level


def test_a_malformed_scope_is_refused_with_the_accepted_forms():
    with pytest.raises(ModelError, match=r"'/subscriptions' is not a scope id\. Use '/'"):
        scope_level("/subscriptions")


def test_azure_scopes_form_a_tree_from_resource_to_management_group():
    assert tenant().ancestors(VM) == (VM, RG, SUB, MG)
    assert tenant().ancestors(AU) == (AU, DIRECTORY)
    assert [tenant().scope(s).surface for s in (DIRECTORY, AU, MG, "/groups/admins")] == [
        Surface.ENTRA, Surface.ENTRA, Surface.AZURE, Surface.GROUPS]


@pytest.mark.parametrize(("assigned_at", "covers", "misses"), [
    (MG, [MG, SUB, RG, VM, OTHER_RG], []),
    (SUB, [SUB, RG, VM, OTHER_RG], [MG]),
    (RG, [RG, VM], [SUB, MG, OTHER_RG]),
    (VM, [VM], [RG, SUB, MG]),
])
def test_azure_assignments_inherit_down_never_up_or_sideways(assigned_at, covers, misses):
    sim = simulation()
    sim.assign("alice", "Contributor", assigned_at, kind="active", duration="P30D", justification="work")
    assert [sim.holds("alice", "Contributor", s) for s in covers] == [True] * len(covers)
    assert [sim.holds("alice", "Contributor", s) for s in misses] == [False] * len(misses)


def test_an_administrative_unit_role_does_not_cover_the_directory():
    sim = simulation()
    sim.assign("alice", "User Administrator", AU, kind="active", justification="Paris office")
    assert sim.holds("alice", "User Administrator", AU)
    assert not sim.holds("alice", "User Administrator", DIRECTORY)
    assert sim.why_not("alice", "User Administrator").reason.value == "holds the role at a scope that doesn't cover this one"


def test_a_directory_role_covers_every_administrative_unit():
    sim = simulation()
    sim.assign("alice", "User Administrator", kind="active", justification="all users")
    assert sim.holds("alice", "User Administrator", AU)


# --- PIM for Groups ------------------------------------------------------------------------------
def test_standing_group_members_and_owners_hold_their_group_roles():
    t = tenant(groups=[Group("ops", members=("alice",), owners=("bob",))], scopes=[])
    from pim_sim import Simulation

    sim = Simulation(t, lag=False)
    assert sim.holds("alice", "Member", "/groups/ops") and sim.holds("bob", "Owner", "/groups/ops")
    assert not sim.holds("alice", "Owner", "/groups/ops")


@pytest.mark.parametrize("group_role", ["Member", "Owner"])
def test_group_member_and_owner_can_each_be_eligible_then_activated(group_role):
    sim = simulation()
    sim.assign("alice", group_role, "/groups/helpdesk", kind="eligible", duration="P90D")
    assert not sim.holds("alice", group_role, "/groups/helpdesk")
    sim.activate("alice", group_role, "/groups/helpdesk", duration="PT1H", justification="ticket queue")
    assert sim.holds("alice", group_role, "/groups/helpdesk")


def test_group_member_can_be_active_and_a_group_membership_carries_the_groups_roles():
    sim = simulation()
    sim.assign("admins", "Security Administrator", kind="active", justification="team role")
    sim.assign("alice", "Member", "/groups/admins", kind="active", duration="P30D", justification="joins team")
    why = sim.why_not("alice", "Security Administrator")
    assert (why.reason.value, why.holdings[0].via_group) == ("has access", "admins")


def test_eligible_group_membership_grants_the_groups_role_only_after_activation():
    sim = simulation()
    sim.assign("admins", "Security Administrator", kind="active", justification="team role")
    sim.assign("alice", "Member", "/groups/admins", kind="eligible", duration="P30D")
    before = sim.holds("alice", "Security Administrator")
    sim.activate("alice", "Member", "/groups/admins", duration="PT2H", justification="incident")
    during = sim.holds("alice", "Security Administrator")
    sim.advance("PT2H")
    assert (before, during, sim.holds("alice", "Security Administrator")) == (False, True, False)


@pytest.mark.parametrize("flag", ["dynamic", "synced"])
def test_dynamic_and_synced_groups_cannot_be_managed_by_pim(flag):
    from pim_sim import Simulation

    sim = Simulation(tenant(groups=[Group("g", **{flag: True})], scopes=[]), lag=False)
    with pytest.raises(PimRefusal, match="Dynamic and on-premises-synced groups") as err:
        sim.assign("alice", "Member", "/groups/g", kind="eligible", duration="P30D")
    assert err.value.code == "GroupNotSupported"


# --- licences -------------------------------------------------------------------------------------
def test_pim_needs_p2_or_id_governance():
    assert [lic.has_pim for lic in Licence] == [False, False, True, True]
    assert [lic.audit_tier for lic in Licence] == ["Free", "P1", "P2", "P2"]


@pytest.mark.parametrize("licence", ["Free", "P1"])
def test_without_p2_or_governance_pim_refuses_every_request(licence):
    sim = simulation(licence=licence)
    with pytest.raises(PimRefusal, match="P2 or Microsoft Entra ID Governance") as err:
        sim.assign("alice", GA, kind="eligible")
    assert (err.value.rule, err.value.code) == ("LicenseRule", "TenantNotLicensed")


def test_only_some_roles_can_be_scoped_to_an_administrative_unit():
    sim = simulation()
    with pytest.raises(ModelError, match="Global Administrator can't be assigned with administrative unit scope"):
        sim.assign("alice", GA, AU, kind="eligible")
    for role_name in ("User Administrator", "Helpdesk Administrator", "SharePoint Administrator",
                      "Privileged Authentication Administrator"):
        assert sim.assign("alice", role_name, AU, kind="eligible").status.value == "Provisioned"
