"""The simulated tenant as Microsoft Graph shows it: policy assignments with their expanded
policies and all 17 rules, schedule requests with statuses and schedule info, and refused
requests as Graph error bodies.

Shapes follow the Graph v1.0 examples
(https://learn.microsoft.com/en-us/graph/api/unifiedrolemanagementpolicyassignment-get,
https://learn.microsoft.com/en-us/graph/api/resources/unifiedroleassignmentschedulerequest,
https://learn.microsoft.com/en-us/graph/api/resources/privilegedaccessgroupassignmentschedulerequest).
In the simulated directory an object's id is its name, so ``principalId`` and approver ids are
the names used in the scenario; role ids are Microsoft's real template ids. Azure resource
policies live in Azure Resource Manager, not Graph, and are not exported here.
"""

from __future__ import annotations

import uuid

from pim_sim.core.clock import iso
from pim_sim.core.policy import RoleSettings, SettingsBook
from pim_sim.core.requests import Action, Request, Status
from pim_sim.core.roles import CATALOGUE, Surface
from pim_sim.core.roles import role as lookup_role
from pim_sim.core.tenant import DIRECTORY, Tenant
from pim_sim.errors import GRAPH_ERROR_CODES
from pim_sim.graph.vocabulary import GRAPH_NS, RULE_IDS, odata_type, rule_type, target_of

GRAPH_V1 = "https://graph.microsoft.com/v1.0/$metadata#"
_NS = uuid.UUID("7f1f3a2e-5d0b-4c47-9a86-3f0d1b5c2e10")  # deterministic ids for simulated objects


def object_id(*parts: str) -> str:
    """A stable GUID for a simulated object (same names, same id, every run)."""
    return str(uuid.uuid5(_NS, "/".join(parts)))


def _target(rule_id: str) -> dict:
    caller, level = target_of(rule_id)
    return {"caller": caller, "operations": ["All"], "level": level, "inheritableSettings": [], "enforcedSettings": []}


def _approver(name: str, groups: frozenset[str]) -> dict:
    if name in groups:
        return {"@odata.type": f"{GRAPH_NS}groupMembers", "groupId": name, "description": name}
    return {"@odata.type": f"{GRAPH_NS}singleUser", "userId": name, "description": name}


def rules_of(s: RoleSettings, groups: frozenset[str] = frozenset()) -> list[dict]:
    """The 17 rules of a policy carrying these settings, in Graph's order and shape."""
    notifications = {n.rule_id: n for n in s.notifications}
    out = []
    for rid in RULE_IDS:
        rule: dict = {"@odata.type": odata_type(rid), "id": rid}
        kind = rule_type(rid)
        if rid == "Expiration_EndUser_Assignment":
            rule.update(isExpirationRequired=True, maximumDuration=iso(s.activation_max))
        elif kind == "Expiration":
            permanent, maximum = s.expiry_rule(rid == "Expiration_Admin_Assignment")
            rule.update(isExpirationRequired=not permanent, maximumDuration=iso(maximum))
        elif rid == "Enablement_EndUser_Assignment":
            rule["enabledRules"] = [name for name, on in (("MultiFactorAuthentication", s.require_mfa),
                                                          ("Justification", s.require_justification),
                                                          ("Ticketing", s.require_ticket)) if on]
        elif rid == "Enablement_Admin_Assignment":
            rule["enabledRules"] = [name for name, on in (("MultiFactorAuthentication", s.mfa_on_active_assignment),
                                                          ("Justification", s.justification_on_active_assignment)) if on]
        elif kind == "Enablement":
            rule["enabledRules"] = []
        elif kind == "Approval":
            rule["target"] = _target(rid)  # Graph writes the approval rule's target before its setting
            rule["setting"] = {
                "isApprovalRequired": s.require_approval,
                "isApprovalRequiredForExtension": False,
                "isRequestorJustificationRequired": True,
                "approvalMode": "SingleStage",
                "approvalStages": [{
                    "approvalStageTimeOutInDays": 1,
                    "isApproverJustificationRequired": s.approver_justification_required,
                    "escalationTimeInMinutes": 0,
                    "isEscalationEnabled": False,
                    "primaryApprovers": [_approver(a, groups) for a in s.approvers],
                    "escalationApprovers": [],
                }],
            }
        elif kind == "AuthenticationContext":
            rule.update(isEnabled=s.auth_context is not None, claimValue=s.auth_context)
        else:
            n = notifications[rid]
            rule.update(notificationType="Email", recipientType=n.recipient.value,
                        notificationLevel="Critical" if n.critical_only else "All",
                        isDefaultRecipientsEnabled=n.default_recipients,
                        notificationRecipients=list(n.additional_recipients))
        rule.setdefault("target", _target(rid))
        out.append(rule)
    return out


def policy_assignment(role: str, scope: str, surface: Surface, settings: RoleSettings, *, tenant_id: str,
                      groups: frozenset[str] = frozenset()) -> dict:
    """One ``unifiedRoleManagementPolicyAssignment`` with ``policy($expand=rules)``."""
    if surface is Surface.GROUPS:
        scope_type, scope_id, role_id = "Group", scope.removeprefix("/groups/"), role.lower()
        policy_id = f"Group_{scope_id}_{object_id('policy', scope, role)}"
    elif surface is Surface.ENTRA:
        scope_type, scope_id, role_id = "DirectoryRole", DIRECTORY, lookup_role(surface, role).template_id
        policy_id = f"DirectoryRole_{tenant_id}_{object_id('policy', role)}"
    else:
        raise ValueError("Azure resource policies are served by Azure Resource Manager, not Microsoft Graph")
    return {
        "id": f"{policy_id}_{role_id}",
        "policyId": policy_id,
        "scopeId": scope_id,
        "scopeType": scope_type,
        "roleDefinitionId": role_id,
        "policy": {
            "id": policy_id,
            "displayName": scope_type,
            "description": scope_type,
            "isOrganizationDefault": False,
            "scopeId": scope_id,
            "scopeType": scope_type,
            "lastModifiedDateTime": None,
            "lastModifiedBy": {"displayName": None, "id": None},
            "rules": rules_of(settings, groups),
        },
    }


def policy_assignments(settings: SettingsBook | dict, *, tenant: Tenant | None = None,
                       roles: tuple[str, ...] | None = None) -> dict:
    """``GET /policies/roleManagementPolicyAssignments?$expand=policy($expand=rules)``: every Microsoft
    Entra role of the catalogue (each role has a policy, changed or not) and every PIM for Groups
    policy the settings book changed."""
    book = settings if isinstance(settings, SettingsBook) else SettingsBook(dict(settings))
    tenant_id = object_id("tenant", tenant.name if tenant else "contoso")
    groups = frozenset(g.name for g in tenant.groups) if tenant else frozenset()
    value = []
    for role in roles or tuple(CATALOGUE[Surface.ENTRA]):
        value.append(policy_assignment(role, DIRECTORY, Surface.ENTRA, book.lookup(role, DIRECTORY, Surface.ENTRA),
                                       tenant_id=tenant_id, groups=groups))
    for (role, scope), s in sorted(book.overrides.items()):
        if scope.startswith("/groups/"):
            value.append(policy_assignment(role, scope, Surface.GROUPS, s, tenant_id=tenant_id, groups=groups))
    return {"@odata.context": f"{GRAPH_V1}policies/roleManagementPolicyAssignments(policy(rules()))", "value": value}


# ------------------------------------------------------------------------------- requests
def _when(sim, minute: float | None) -> str | None:
    if minute is None:
        return None
    return sim.clock.at(minute).strftime("%Y-%m-%dT%H:%M:%SZ")


# Actions whose request creates a schedule (an assignment, an activation, an extension, a renewal); a removal or a
# deactivation ends an existing one.
_CREATES = frozenset(Action) - {Action.ADMIN_REMOVE, Action.SELF_DEACTIVATE}


def target_schedule_id(r: Request) -> str | None:
    """``targetScheduleId`` as Graph writes it. A request that creates a schedule names the schedule it creates: in
    Microsoft's examples that schedule takes the request's own id (``targetScheduleId`` equals ``id`` in both
    responses of https://learn.microsoft.com/en-us/graph/api/rbacapplication-post-roleassignmentschedulerequests),
    so a request not yet provisioned (pending approval, granted, denied, canceled) names it so; a provisioned one
    names the model's schedule. A removal or deactivation names the schedule it ends."""
    if r.action in _CREATES and r.status is not Status.PROVISIONED:
        return r.id
    return r.target_schedule or None


def request_object(sim, r: Request) -> dict:
    """A request as Graph returns it: status, schedule info, approval id and ticket (number and system).

    ``scheduleInfo.startDateTime`` is null for a request made without a start time (Graph: "may be null"; PIM then
    starts it when it is processed): the model tells one by a start equal to its creation time."""
    surface = Surface(r.surface)
    expiration = ({"type": "noExpiration", "endDateTime": None, "duration": None} if r.duration is None
                  else {"type": "afterDuration", "endDateTime": None, "duration": iso(r.duration)})
    # an approval exists for every request that waited for one: decided, pending, or expired with no decision
    approval = (r.status in (Status.PENDING_APPROVAL, Status.DENIED) or bool(r.approver)
                or r.status_reason == "ApprovalExpired")
    body = {
        "id": r.id,
        "status": r.status.value,
        "createdDateTime": _when(sim, r.created),
        "completedDateTime": _when(sim, r.completed),
        "approvalId": r.id if approval else None,
        "customData": None,
        "action": r.action.value,
        "principalId": r.principal,
        "isValidationOnly": False,
        "targetScheduleId": target_schedule_id(r),
        "justification": r.justification or None,
        "createdBy": {"application": None, "device": None, "user": {"displayName": None, "id": r.created_by}},
        "scheduleInfo": {"startDateTime": None if r.start == r.created else _when(sim, r.start), "recurrence": None,
                         "expiration": expiration},
        "ticketInfo": {"ticketNumber": r.ticket or None, "ticketSystem": r.ticket_system or None},
    }
    if surface is Surface.GROUPS:
        kind = "Eligibility" if r.kind == "eligible" else "Assignment"
        body = {"@odata.type": f"{GRAPH_NS}privilegedAccessGroup{kind}ScheduleRequest", **body,
                "accessId": r.role.lower(), "groupId": r.scope.removeprefix("/groups/")}
    else:
        kind = "Eligibility" if r.kind == "eligible" else "Assignment"
        body = {"@odata.type": f"{GRAPH_NS}unifiedRole{kind}ScheduleRequest", **body,
                "roleDefinitionId": lookup_role(surface, r.role, getattr(sim, "role_catalogue", None)).template_id,
                "directoryScopeId": r.scope,
                "appScopeId": None}
    return body


def requests_to_graph(sim) -> dict:
    """Every Microsoft Entra and PIM for Groups request of the run, grouped by the Graph collection
    that holds it (Azure requests belong to Azure Resource Manager)."""
    out: dict[str, list] = {"roleAssignmentScheduleRequests": [], "roleEligibilityScheduleRequests": [],
                            "privilegedAccessGroupAssignmentScheduleRequests": [],
                            "privilegedAccessGroupEligibilityScheduleRequests": []}
    for r in sim.requests.values():
        if r.surface == Surface.AZURE:
            continue
        body = request_object(sim, r)
        name = body["@odata.type"].removeprefix(GRAPH_NS)
        collection = {"unifiedRoleAssignmentScheduleRequest": "roleAssignmentScheduleRequests",
                      "unifiedRoleEligibilityScheduleRequest": "roleEligibilityScheduleRequests",
                      "privilegedAccessGroupAssignmentScheduleRequest": "privilegedAccessGroupAssignmentScheduleRequests",
                      "privilegedAccessGroupEligibilityScheduleRequest": "privilegedAccessGroupEligibilityScheduleRequests",
                      }[name]
        out[collection].append(body)
    return out


POLICY_CODE = "RoleAssignmentRequestPolicyValidationFailed"


def error_body(sim, refusal) -> dict:
    """A refused request as Graph answers it. Policy failures are HTTP 400
    ``RoleAssignmentRequestPolicyValidationFailed`` naming the failed rules
    (``The following policy rules failed: ["MfaRule"]``, as seen in
    https://github.com/MicrosoftDocs/azure-docs/issues/80426); authorisation failures are 403."""
    if refusal.code == POLICY_CODE:
        message = f'The following policy rules failed: ["{refusal.rule}"]'
    else:
        message = refusal.message
    status = 403 if refusal.code in ("AuthorizationFailed",) else 400
    return {
        "minute": refusal.minute,
        "action": refusal.action,
        "principal": refusal.principal,
        "role": refusal.role,
        "scope": refusal.scope,
        "httpStatus": status,
        "error": {
            "code": refusal.code,
            "message": message,
            "innerError": {"date": _when(sim, refusal.minute), "request-id": object_id("refusal", str(refusal.minute),
                                                                                         refusal.principal, refusal.rule),
                           "rule": refusal.rule, "explanation": refusal.message,
                           "codeSource": GRAPH_ERROR_CODES.get(
                               refusal.code, "modelled: Microsoft documents this refusal but no error code for it")},
        },
    }


def refusals_to_graph(sim) -> list[dict]:
    return [error_body(sim, r) for r in sim.refusals]
