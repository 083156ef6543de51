"""Every product constant of Privileged Identity Management, once, with its source.

The engine and the quiz text both read from here, so a fact changed here changes what the
model does *and* what the questions say. Each value is a :class:`Fact` carrying the Microsoft
Learn page it comes from and whether the page states it (``documented=False`` marks values
that are community-reported or inferred; the quiz never keys a question on those alone).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

LEARN = "https://learn.microsoft.com/en-us"
PIM = f"{LEARN}/entra/id-governance/privileged-identity-management"


@dataclass(frozen=True, slots=True)
class Fact:
    """A product constant with the page that states it."""

    value: Any
    source: str
    documented: bool = True
    note: str = ""


MINUTE = 1.0
HOUR = 60.0
DAY = 24 * HOUR

# --- Assignments ------------------------------------------------------------------------
MIN_ASSIGNMENT_MINUTES = Fact(
    5 * MINUTE,
    f"{PIM}/pim-how-to-add-role-to-user",
    note="An assignment can't be made for less than 5 minutes.",
)
NO_REMOVE_WITHIN_MINUTES = Fact(
    5 * MINUTE,
    f"{PIM}/pim-how-to-add-role-to-user",
    note="An assignment can't be removed within 5 minutes of being made.",
)
SERVICE_PRINCIPAL_ELIGIBLE = Fact(
    False,
    f"{PIM}/pim-deployment-plan",
    note="Service principals can only get time-limited active assignments, never eligible ones.",
)
LAST_GLOBAL_ADMIN_PROTECTED = Fact(
    ("Global Administrator",),
    f"{PIM}/pim-how-to-add-role-to-user",
    note="The last active Global Administrator assignment can't be removed. The PIM overview "
    "also names Privileged Role Administrator; the assignment page names only Global "
    "Administrator, which the model follows.",
)

# --- Activation ---------------------------------------------------------------------------
DEFAULT_ACTIVATION_MAX_MINUTES = Fact(
    8 * HOUR,
    f"{LEARN}/graph/api/unifiedrolemanagementpolicy-get",
    note="Expiration_EndUser_Assignment maximumDuration PT8H in an unmodified policy.",
)
ACTIVATION_MAX_RANGE_MINUTES = Fact(
    (1 * HOUR, 24 * HOUR),
    f"{PIM}/pim-how-to-change-default-settings",
    note="The portal slider runs from 1 to 24 hours. Older community notes say 0.5 to 24 "
    "hours; the model follows Microsoft Learn.",
)
NO_DEACTIVATE_WITHIN_MINUTES = Fact(
    5 * MINUTE,
    f"{PIM}/pim-how-to-activate-role",
    note="An activation can't be deactivated within 5 minutes after it was activated.",
)
PROVISIONING_SECONDS = Fact(
    (2.0, 30.0),
    f"{PIM}/pim-how-to-activate-role",
    note="PIM creates the active assignment 'within seconds'. The range is a model choice.",
    documented=False,
)
TOKEN_REFRESH_MINUTES = Fact(
    (0.0, 10.0),
    f"{PIM}/pim-how-to-activate-role",
    note="Applications may cache role state; signing out and in helps. The lag distribution "
    "is a model choice, not a documented number.",
    documented=False,
)

# --- Approval -----------------------------------------------------------------------------
APPROVAL_WINDOW_MINUTES = Fact(
    24 * HOUR,
    f"{PIM}/pim-approval-workflow",
    note="Approvers have 24 hours; the window isn't configurable. After it the request "
    "expires and must be resubmitted.",
)
APPROVAL_EXPIRED_STATUS = Fact(
    ("Canceled", "ApprovalExpired"),
    f"{LEARN}/graph/api/resources/request",
    documented=False,
    note="The audit log writes 'PIM activation request expired', but Graph's request statuses have no "
    "'Expired' and Learn doesn't say which status an expired request shows. The model reports Canceled "
    "with status reason ApprovalExpired; the quiz never keys a question on it.",
)
SELF_APPROVAL_ALLOWED = Fact(
    False,
    f"{PIM}/pim-approval-workflow",
    note="Approvers aren't able to approve their own role activation requests.",
)
APPROVAL_EMAIL_MINUTES = Fact(
    (3.0, 10.0, 15.0),
    f"{PIM}/pim-email-notifications",
    note="90% of approval emails arrive within 3 to 10 minutes, the tail up to about 15.",
)
ENTRA_DEFAULT_APPROVER_ROLES = Fact(
    ("Privileged Role Administrator", "Global Administrator"),
    f"{PIM}/pim-how-to-change-default-settings",
    note="If no specific approvers are selected, Privileged Role Administrators and Global "
    "Administrators become the default approvers (Microsoft Entra roles only).",
)
GROUP_MANAGER_ROLES = Fact(
    {"role_assignable": ("Global Administrator", "Privileged Role Administrator"),
     "other": ("Global Administrator", "Privileged Role Administrator", "Directory Writers", "Groups Administrator",
               "Identity Governance Administrator", "User Administrator")},
    f"{PIM}/groups-role-settings",
    note="For role-assignable groups, at least Privileged Role Administrator or an owner of the group; for other "
    "groups, at least Directory Writer, Groups Administrator, Identity Governance Administrator or User "
    "Administrator, or an owner (the same for assignments: groups-assign-member-owner). Directory-level "
    "assignments only. Global Administrator, above every one of them, is the model's reading of 'at least'.",
)
MAX_NOTIFICATION_RECIPIENTS = Fact(
    1000, f"{PIM}/pim-how-to-change-default-settings",
    note="At most 1000 recipients get an email per PIM event; recipients beyond that get no email "
    "but keep their permissions.",
)

# --- Extend and renew -----------------------------------------------------------------------
EXTEND_WINDOW_MINUTES = Fact(
    14 * DAY,
    f"{PIM}/pim-how-to-renew-extend",
    note="A user can request an extension when the assignment ends within 14 days.",
)
RENEW_WINDOW_MINUTES = Fact(
    30 * DAY,
    f"{PIM}/pim-how-to-renew-extend",
    note="Expired assignments can be renewed for up to 30 days after expiry. The commonly "
    "repeated '90 days' is not what Learn says.",
)
EXPIRY_NOTICE_MINUTES = Fact(
    (14 * DAY, 1 * DAY, 0.0),
    f"{PIM}/pim-how-to-renew-extend",
    note="PIM emails 14 days and 1 day before expiry, and again at expiry.",
)
WAITING_REQUEST_FAILS = Fact(
    "Failed",
    f"{LEARN}/graph/api/resources/request",
    documented=False,
    note="A request still waiting (for an approver, an administrator's decision or a later start) when the "
    "eligibility or assignment it depends on has ended, or the licence has lapsed, ends with Graph status "
    "Failed and grants nothing. Learn doesn't describe this case; the model never creates access that "
    "nothing grants any more.",
)

# --- Audit --------------------------------------------------------------------------------
PIM_AUDIT_VIEW_MINUTES = Fact(
    30 * DAY,
    f"{PIM}/pim-how-to-use-audit-log",
    note="PIM's Resource audit and My audit show the past 30 days.",
)
ENTRA_AUDIT_RETENTION_MINUTES = Fact(
    {"Free": 7 * DAY, "P1": 30 * DAY, "P2": 30 * DAY},
    f"{LEARN}/entra/identity/monitoring-health/reference-reports-data-retention",
    note="Microsoft Entra audit logs: 7 days on Free, 30 days on P1 or P2.",
)
ACTIVITY_LOG_RETENTION_MINUTES = Fact(
    90 * DAY,
    f"{LEARN}/azure/role-based-access-control/change-history-report",
    note="Azure Activity Log entries are kept 90 days.",
)
ACTIVITY_LOG_PIM_ENTRIES = Fact(
    True,
    f"{LEARN}/azure/role-based-access-control/change-history-report",
    documented=False,
    note="Role assignment writes are in the Activity Log; no Learn page describes how PIM "
    "activations appear there. Modelled as present, marked unverified.",
)
ENTRA_AUDIT_READER_ROLES = Fact(
    ("Reports Reader", "Security Reader", "Security Administrator", "Global Reader",
     "Global Administrator"),
    f"{LEARN}/entra/identity/monitoring-health/concept-audit-logs",
    note="Least-privileged roles that read Microsoft Entra audit logs (Global Administrator "
    "can too).",
)
PIM_RESOURCE_AUDIT_READER_ROLES = Fact(
    ("Global Administrator", "Global Reader", "Privileged Role Administrator",
     "Security Administrator", "Security Reader"),
    f"{PIM}/pim-how-to-use-audit-log",
)
AZURE_RESOURCE_AUDIT_READER_ROLES = Fact(
    ("Owner", "User Access Administrator"),
    f"{PIM}/azure-pim-resource-rbac",
    documented=False,
    note="Learn's Azure resource audit page says 'at least Privileged Role Administrator' "
    "while PIM for Azure is otherwise managed by Owner or User Access Administrator; the "
    "model lets the resource's Owner and User Access Administrator read it.",
)
MS_PIM = Fact(
    "MS-PIM",
    "https://github.com/Azure/Azure-Sentinel/blob/master/Solutions/Microsoft%20Entra%20ID/"
    "Analytic%20Rules/PrivlegedRoleAssignedOutsidePIM.yaml",
    note="Core Directory logs 'Add member to role' with initiator MS-PIM when PIM "
    "materialises an assignment.",
)

# --- Licences -------------------------------------------------------------------------------
PIM_LICENCES = Fact(("P2", "Governance"), f"{LEARN}/entra/id-governance/licensing-fundamentals")

# --- Access reviews ------------------------------------------------------------------------
RECOMMENDATION_WINDOW_DAYS = Fact(
    30, f"{PIM}/pim-create-roles-and-resource-roles-review",
    note="Recommendations approve users who signed in within 30 days and deny the others.",
)

# --- Access reviews of PIM roles (sources: pim-create-roles-and-resource-roles-review and
# pim-complete-roles-and-resource-roles-review) ---------------------------------------------
REVIEWS = f"{PIM}/pim-create-roles-and-resource-roles-review"
REVIEW_MONTHLY_MAX_DAYS = Fact(
    27, REVIEWS, note="The maximum duration of a monthly review is 27 days, to avoid overlapping reviews.",
)
REVIEW_MAX_DURATION_DAYS = Fact(
    {"weekly": 6, "monthly": 27, "quarterly": 88, "semiAnnually": 180, "annually": 364},
    REVIEWS,
    documented=False,
    note="Learn states only the monthly maximum (27 days, so instances never overlap). The model "
    "applies the same rule to the others: one day less than the shortest interval (7, 89, 181 and "
    "365 days).",
)
REVIEW_DEFAULT_DURATION_DAYS = Fact(
    30, REVIEWS, documented=False,
    note="By default a review occurs once, starts at creation and ends in one month; the model "
    "counts a month as 30 days.",
)
REVIEW_INACTIVE_DAYS_MAX = Fact(
    730, REVIEWS, note="'Inactive users (on tenant level) only' takes up to 730 days (two years).",
)
REVIEW_GROUPS_LICENCE = Fact(
    ("Governance",), f"{LEARN}/entra/id-governance/create-access-review-pim-for-groups",
    note="Access reviews of PIM for Groups memberships need Microsoft Entra ID Governance; only "
    "active group owners review, and a fallback reviewer is mandatory.",
)
REVIEW_AZURE_GROUP_MEMBER_KEPT = Fact(
    True, REVIEWS,
    note="Azure resource roles: a denied user who holds the role through a security group isn't "
    "removed from the group; administrators must act. Microsoft Entra roles: a denied "
    "role-assignable group loses its assignment.",
)
REVIEW_DENIED_GUEST_LOSES_ACCESS = Fact(
    True, REVIEWS,
    note="'Action to apply on denied guest users' isn't editable for role reviews: denied guests, "
    "like all users, lose access.",
)
REVIEW_ENDS_ON_LAPSE = Fact(
    "Ongoing access reviews of Microsoft Entra roles end", f"{LEARN}/entra/id-governance/licensing-fundamentals",
    note="What happens to an ended review's results is not documented: the model applies nothing.",
)
REVIEW_AUDIT_ACTIVITIES = Fact(
    ("Create access review", "Access review ended", "Approve decision", "Deny decision", "Reset decision",
     "Apply decision", "Apply review", "Auto apply review", "Auto review"),
    f"{LEARN}/entra/identity/monitoring-health/reference-audit-activities",
    note="Names and categories are Microsoft's (Policy; Apply review, Auto apply review and Auto "
    "review under UserManagement). When each is written is the model's reading.",
)

# --- PIM security alerts ---------------------------------------------------------------------
ALERT_THRESHOLD_RANGES = Fact(
    {"unused_days": (0, 100), "stale_days": (1, 365), "min_global_admins": (2, 100),
     "global_admin_percent": (0, 100), "activation_renewals": (2, 100)},
    f"{PIM}/pim-how-to-configure-security-alerts",
    note="Configurable ranges of the Microsoft Entra role alerts.",
)
ALERT_DEFAULT_THRESHOLDS = Fact(
    {"unused_days": 30, "stale_days": 90, "min_global_admins": 3, "global_admin_percent": 10,
     "activation_renewals": 10, "activation_window_minutes": 60.0, "max_owners": 3, "max_permanent_owners": 2},
    f"{PIM}/pim-how-to-configure-security-alerts",
    documented=False,
    note="Default thresholds are not on Learn; these are model choices. Don't quiz on them.",
)
ALERT_SCAN_MINUTES = Fact(
    DAY, f"{PIM}/pim-how-to-configure-security-alerts", documented=False,
    note="PIM scans periodically (the alert report shows the last scan time); the model rescans the "
    "time-dependent alerts daily and the others on every change.",
)
ALERT_OUTSIDE_PIM_WINDOW_MINUTES = Fact(
    30 * DAY, f"{LEARN}/graph/api/resources/rolesassignedoutsideprivilegedidentitymanagementalertconfiguration",
    note="The alert covers roles assigned outside PIM in the last 30 days (Graph beta).",
)
ALERT_AZURE_OUTSIDE_PIM_SUBSCRIPTION_ONLY = Fact(
    True, f"{PIM}/pim-resource-roles-configure-alerts", documented=False,
    note="Reported: only subscription-scope assignments trigger the Azure alert, not management "
    "group, resource group or resource. The stored Learn revision doesn't say so.",
)
ALERT_OUTSIDE_PIM_RECIPIENTS = Fact(
    {"entra": ("Privileged Role Administrator", "Security Administrator", "Global Administrator"),
     "azure": ("Owner", "User Access Administrator")},
    f"{PIM}/pim-how-to-configure-security-alerts",
    note="Who gets the 'Role assigned outside of PIM' email when the alert is enabled.",
)

# --- Licence seats -----------------------------------------------------------------------------
SEAT_HOLDERS = Fact(
    ("eligible or time-bound assignees", "approvers", "reviewers", "reviewed users"),
    f"{LEARN}/entra/id-governance/licensing-fundamentals",
    note="Each needs a P2 or ID Governance seat (14 eligible users and 3 approvers need 17). Users "
    "needn't be assigned a licence individually, but the seat count must cover them. Reviews of "
    "service principals need Workload ID Premium as well.",
)

SOURCES = {
    "activity_names": f"{LEARN}/entra/identity/monitoring-health/reference-audit-activities",
    "alerts": f"{PIM}/pim-how-to-configure-security-alerts",
    "azure_alerts": f"{PIM}/pim-resource-roles-configure-alerts",
    "graph_request": f"{LEARN}/graph/api/resources/unifiedroleassignmentschedulerequest",
    "graph_status": f"{LEARN}/graph/api/resources/request",
    "entra_settings": f"{PIM}/pim-how-to-change-default-settings",
    "azure_settings": f"{PIM}/pim-resource-roles-configure-role-settings",
    "group_settings": f"{PIM}/groups-role-settings",
    "graph_policy": f"{LEARN}/graph/api/unifiedrolemanagementpolicy-get",
    "groups_api": f"{LEARN}/graph/api/resources/privilegedidentitymanagement-for-groups-api-overview",
    "scope": f"{PIM}/pim-configure",
    "graph_pim_overview": f"{LEARN}/graph/api/resources/privilegedidentitymanagementv3-overview",
    "azure_audit": f"{PIM}/azure-pim-resource-rbac",
    "groups_audit": f"{PIM}/groups-audit",
    "security_operations": f"{LEARN}/entra/architecture/security-operations-privileged-identity-management",
    "roles": f"{LEARN}/entra/identity/role-based-access-control/permissions-reference",
    "azure_roles": f"{LEARN}/azure/role-based-access-control/built-in-roles",
    "licence_lapse": f"{LEARN}/entra/id-governance/licensing-fundamentals",
}
