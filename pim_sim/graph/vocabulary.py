"""Microsoft Graph's view of PIM: the vocabulary shared by import and export.

A role management policy holds 17 pre-defined rules, each with a fixed id of the form
``{Type}_{Caller}_{Level}`` (``Notification_{Recipient}_{Caller}_{Level}`` for the nine
notification rules). Sources:
https://learn.microsoft.com/en-us/graph/api/resources/unifiedrolemanagementpolicy,
https://learn.microsoft.com/en-us/graph/identity-governance-pim-rules-overview and
https://learn.microsoft.com/en-us/graph/how-to-pim-update-rules.

Import lives in :mod:`pim_sim.graph.reader`, export in :mod:`pim_sim.graph.writer`.
"""

from __future__ import annotations

from pim_sim.core.policy import NOTIFICATION_RULE_IDS
from pim_sim.core.roles import RoleDefinition, UnknownRole, role_by_id

GRAPH_NS = "#microsoft.graph."
GRAPH_DOCS = "https://learn.microsoft.com/en-us/graph/api/resources/unifiedrolemanagementpolicy"
RULES_OVERVIEW = "https://learn.microsoft.com/en-us/graph/identity-governance-pim-rules-overview"
ARM_DOCS = "https://learn.microsoft.com/en-us/rest/api/authorization/role-management-policies/get"

# The 17 rule ids, in the order Graph lists them: the v1.0 example "Retrieve details of all role management policy
# assignments in PIM for Microsoft Entra roles and expand the policy and its associated rules"
# (https://learn.microsoft.com/en-us/graph/api/policyroot-list-rolemanagementpolicyassignments, Example 2), the same
# order ScubaGear's export shows. Admin eligibility, admin assignment, then end-user (activation) rules.
RULE_IDS = (
    "Expiration_Admin_Eligibility",
    "Enablement_Admin_Eligibility",
    "Notification_Admin_Admin_Eligibility",
    "Notification_Requestor_Admin_Eligibility",
    "Notification_Approver_Admin_Eligibility",
    "Expiration_Admin_Assignment",
    "Enablement_Admin_Assignment",
    "Notification_Admin_Admin_Assignment",
    "Notification_Requestor_Admin_Assignment",
    "Notification_Approver_Admin_Assignment",
    "Expiration_EndUser_Assignment",
    "Enablement_EndUser_Assignment",
    "Approval_EndUser_Assignment",
    "AuthenticationContext_EndUser_Assignment",
    "Notification_Admin_EndUser_Assignment",
    "Notification_Requestor_EndUser_Assignment",
    "Notification_Approver_EndUser_Assignment",
)
assert len(RULE_IDS) == 17 and set(NOTIFICATION_RULE_IDS.values()) <= set(RULE_IDS)

RULE_TYPES = ("Expiration", "Enablement", "Approval", "AuthenticationContext", "Notification")


def rule_type(rule_id: str) -> str:
    """The derived rule type a rule id names (``Expiration``, ``Notification``...)."""
    return rule_id.split("_", 1)[0]


def odata_type(rule_id: str) -> str:
    """The ``@odata.type`` Graph requires on a rule of this id."""
    return f"{GRAPH_NS}unifiedRoleManagementPolicy{rule_type(rule_id)}Rule"


def arm_rule_type(rule_id: str) -> str:
    """The ``ruleType`` Azure Resource Manager writes for a rule of this id."""
    return f"RoleManagementPolicy{rule_type(rule_id)}Rule"


def target_of(rule_id: str) -> tuple[str, str]:
    """(caller, level) of a rule id: ``Expiration_EndUser_Assignment`` -> (EndUser, Assignment)."""
    parts = rule_id.split("_")
    return parts[-2], parts[-1]


class _RoleIds:
    """Graph names a role by its id: an Entra template id, an Azure role definition id (or its resource path), a
    custom role's id, or "member"/"owner" for PIM for Groups. Looked up in the full catalogue in use
    (:func:`pim_sim.core.roles.role_by_id`); ``get`` answers None for an id no catalogue has."""

    def __getitem__(self, role_id: str) -> RoleDefinition:
        return role_by_id(role_id)

    def get(self, role_id: str, default: RoleDefinition | None = None) -> RoleDefinition | None:
        try:
            return role_by_id(role_id)
        except UnknownRole:
            return default

    def __contains__(self, role_id: object) -> bool:
        return isinstance(role_id, str) and self.get(role_id) is not None


ROLE_BY_ID = _RoleIds()
