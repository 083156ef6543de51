"""Audit records and the places a person can see them.

Every PIM action appends an :class:`AuditRecord` with the exact activity name of Microsoft's
audit-activity reference. The same event is visible in several places, each with its own
window and readers; :func:`places` says which. This is the model's answer to the popular
claim that PIM keeps a *separate* audit log: PIM's own Resource audit and My audit blades
show the past 30 days, and the very same events are in the Microsoft Entra audit logs with
Service = PIM (and PIM's role changes once more under Core Directory, initiated by MS-PIM).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from pim_sim import facts
from pim_sim.core.roles import Surface


class Activity(StrEnum):
    """Exact activity names (https://learn.microsoft.com/en-us/entra/identity/monitoring-health/reference-audit-activities)."""

    ACTIVATION_REQUESTED = "Add member to role requested (PIM activation)"
    ACTIVATION_APPROVAL_REQUESTED = "Add member to role approval requested (PIM activation)"
    ACTIVATION_APPROVED = "Add member to role request approved (PIM activation)"
    ACTIVATION_DENIED = "Add member to role request denied (PIM activation)"
    ACTIVATION_COMPLETED = "Add member to role completed (PIM activation)"
    ACTIVATION_CANCELED = "Add member to role canceled (PIM activation)"
    ACTIVATION_REQUEST_EXPIRED = "PIM activation request expired"
    DEACTIVATE_REQUESTED = "Remove member from role requested (PIM deactivate)"
    DEACTIVATE_COMPLETED = "Remove member from role completed (PIM deactivate)"
    ACTIVATION_EXPIRED = "Remove member from role (PIM activation expired)"
    ELIGIBLE_REQUESTED_PERMANENT = "Add eligible member to role in PIM requested (permanent)"
    ELIGIBLE_REQUESTED_TIMEBOUND = "Add eligible member to role in PIM requested (timebound)"
    ELIGIBLE_REQUESTED_RENEW = "Add eligible member to role in PIM requested (renew)"
    ELIGIBLE_COMPLETED_PERMANENT = "Add eligible member to role in PIM completed (permanent)"
    ELIGIBLE_COMPLETED_TIMEBOUND = "Add eligible member to role in PIM completed (timebound)"
    ACTIVE_REQUESTED_PERMANENT = "Add member to role in PIM requested (permanent)"
    ACTIVE_REQUESTED_TIMEBOUND = "Add member to role in PIM requested (timebound)"
    ACTIVE_REQUESTED_RENEW = "Add member to role in PIM requested (renew)"
    ACTIVE_COMPLETED_PERMANENT = "Add member to role in PIM completed (permanent)"
    ACTIVE_COMPLETED_TIMEBOUND = "Add member to role in PIM completed (timebound)"
    REMOVE_ELIGIBLE_REQUESTED_PERMANENT = "Remove eligible member from role in PIM requested (permanent)"
    REMOVE_ELIGIBLE_REQUESTED_TIMEBOUND = "Remove eligible member from role in PIM requested (timebound)"
    REMOVE_ELIGIBLE_COMPLETED_PERMANENT = "Remove eligible member from role in PIM completed (permanent)"
    REMOVE_ELIGIBLE_COMPLETED_TIMEBOUND = "Remove eligible member from role in PIM completed (timebound)"
    REMOVE_ACTIVE_REQUESTED_PERMANENT = "Remove member from role in PIM requested (permanent)"
    REMOVE_ACTIVE_REQUESTED_TIMEBOUND = "Remove member from role in PIM requested (timebound)"
    REMOVE_ACTIVE_COMPLETED_PERMANENT = "Remove member from role in PIM completed (permanent)"
    REMOVE_ACTIVE_COMPLETED_TIMEBOUND = "Remove member from role in PIM completed (timebound)"
    ELIGIBLE_CANCELED_PERMANENT = "Add eligible member to role in PIM canceled (permanent)"
    ELIGIBLE_CANCELED_TIMEBOUND = "Add eligible member to role in PIM canceled (timebound)"
    ELIGIBLE_CANCELED_RENEW = "Add eligible member to role in PIM canceled (renew)"
    ACTIVE_CANCELED_PERMANENT = "Add member to role in PIM canceled (permanent)"  # listed under GroupManagement only
    ACTIVE_CANCELED_TIMEBOUND = "Add member to role in PIM canceled (timebound)"
    ACTIVE_CANCELED_RENEW = "Add member to role in PIM canceled (renew)"
    UPDATE_ELIGIBLE_EXTEND_REQUESTED = "Update eligible member in PIM requested (extend)"
    UPDATE_ELIGIBLE_EXTEND_CANCELED = "Update eligible member in PIM canceled (extend)"
    UPDATE_ACTIVE_EXTEND_REQUESTED = "Update member in PIM requested (extend)"
    UPDATE_ACTIVE_EXTEND_CANCELED = "Update member in PIM canceled (extend)"
    UPDATE_APPROVED_BY_ADMIN = "Update member in PIM approved by admin (extend/renew)"
    UPDATE_DENIED_BY_ADMIN = "Update member in PIM denied by admin (extend/renew)"
    OUTSIDE_PIM = "Add member to role outside of PIM (permanent)"
    UPDATE_ROLE_SETTING = "Update role setting in PIM"
    POLICY_REMOVED = "PIM policy removed"
    ALERT_TRIGGERED = "Triggered PIM alert"
    ALERT_RESOLVED = "Resolve PIM alert"
    # Core Directory writes the role change itself; PIM-made ones are initiated by MS-PIM.
    CORE_ADD_MEMBER = "Add member to role"
    CORE_REMOVE_MEMBER = "Remove member from role"
    CORE_ADD_ELIGIBLE = "Add eligible member to role"
    CORE_REMOVE_ELIGIBLE = "Remove eligible member from role"
    # Approvals also appear under Service = Access Review, Category = UserManagement.
    REVIEW_REQUEST_APPROVED = "Request approved"
    REVIEW_REQUEST_DENIED = "Request denied"
    # Azure Activity Log operations for Azure role assignments.
    ARM_CREATE_ASSIGNMENT = "Create role assignment"
    ARM_DELETE_ASSIGNMENT = "Delete role assignment"


def canceled_activity(action: str, kind: str, permanent: bool) -> Activity:
    """The activity a canceled request leaves: an activation, a scheduled assignment, a renewal or
    an extension each have their own "canceled" name in the audit-activity reference."""
    eligible = kind == "eligible"
    if action == "selfActivate":
        return Activity.ACTIVATION_CANCELED
    if action in ("selfRenew", "adminRenew"):
        return Activity.ELIGIBLE_CANCELED_RENEW if eligible else Activity.ACTIVE_CANCELED_RENEW
    if action == "adminAssign":
        if permanent:
            return Activity.ELIGIBLE_CANCELED_PERMANENT if eligible else Activity.ACTIVE_CANCELED_PERMANENT
        return Activity.ELIGIBLE_CANCELED_TIMEBOUND if eligible else Activity.ACTIVE_CANCELED_TIMEBOUND
    return Activity.UPDATE_ELIGIBLE_EXTEND_CANCELED if eligible else Activity.UPDATE_ACTIVE_EXTEND_CANCELED


class Service(StrEnum):
    PIM = "PIM"
    CORE_DIRECTORY = "Core Directory"
    ACCESS_REVIEWS = "Access Reviews"
    AZURE_RESOURCE_MANAGER = "Azure Resource Manager"


CATEGORY = {Surface.ENTRA: "RoleManagement", Surface.AZURE: "ResourceManagement", Surface.GROUPS: "GroupManagement"}
SERVICE_CATEGORY = {Service.ACCESS_REVIEWS: "UserManagement"}  # a service whose records have one category


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """One audit event. ``minute`` is simulation time; ``time`` the same instant in UTC."""

    seq: int
    minute: float
    time: datetime
    activity: str
    service: str
    category: str
    surface: str
    initiator: str
    target: str
    role: str
    scope: str
    result: str = "success"
    justification: str = ""
    ticket: str = ""
    request_id: str = ""
    status_reason: str = ""


class Place(StrEnum):
    """Where a person looks. Values are the navigation paths of the real product."""

    PIM_ENTRA_RESOURCE_AUDIT = "PIM > Microsoft Entra roles > Resource audit"
    PIM_ENTRA_MY_AUDIT = "PIM > Microsoft Entra roles > My audit"
    PIM_AZURE_RESOURCE_AUDIT = "PIM > Azure resources > (resource) > Resource audit"
    PIM_AZURE_MY_AUDIT = "PIM > Azure resources > (resource) > My audit"
    PIM_GROUPS_RESOURCE_AUDIT = "PIM > Groups > (group) > Resource audit"
    PIM_GROUPS_MY_AUDIT = "PIM > Groups > (group) > My audit"
    ENTRA_AUDIT_PIM = "Microsoft Entra audit logs (Service = PIM)"
    ENTRA_AUDIT_CORE_DIRECTORY = "Microsoft Entra audit logs (Service = Core Directory)"
    ENTRA_AUDIT_ACCESS_REVIEWS = "Microsoft Entra audit logs (Service = Access Reviews)"
    AZURE_ACTIVITY_LOG = "Azure Activity Log"


_PIM_BLADES = {
    Surface.ENTRA: (Place.PIM_ENTRA_RESOURCE_AUDIT, Place.PIM_ENTRA_MY_AUDIT),
    Surface.AZURE: (Place.PIM_AZURE_RESOURCE_AUDIT, Place.PIM_AZURE_MY_AUDIT),
    Surface.GROUPS: (Place.PIM_GROUPS_RESOURCE_AUDIT, Place.PIM_GROUPS_MY_AUDIT),
}

PLACE_SOURCES = {
    Place.PIM_ENTRA_RESOURCE_AUDIT: facts.PIM_AUDIT_VIEW_MINUTES.source,
    Place.PIM_ENTRA_MY_AUDIT: facts.PIM_AUDIT_VIEW_MINUTES.source,
    Place.PIM_AZURE_RESOURCE_AUDIT: facts.SOURCES["azure_audit"],
    Place.PIM_AZURE_MY_AUDIT: facts.SOURCES["azure_audit"],
    Place.PIM_GROUPS_RESOURCE_AUDIT: facts.SOURCES["groups_audit"],
    Place.PIM_GROUPS_MY_AUDIT: facts.SOURCES["groups_audit"],
    Place.ENTRA_AUDIT_PIM: facts.SOURCES["graph_pim_overview"],
    Place.ENTRA_AUDIT_CORE_DIRECTORY: facts.MS_PIM.source,
    Place.ENTRA_AUDIT_ACCESS_REVIEWS: facts.SOURCES["security_operations"],
    Place.AZURE_ACTIVITY_LOG: facts.ACTIVITY_LOG_RETENTION_MINUTES.source,
}

_MY_AUDIT = {Place.PIM_ENTRA_MY_AUDIT, Place.PIM_AZURE_MY_AUDIT, Place.PIM_GROUPS_MY_AUDIT}
_PIM_VIEWS = {p for pair in _PIM_BLADES.values() for p in pair}


@dataclass(frozen=True, slots=True)
class Sighting:
    """A record seen in a place: from when, until when, by whom, and how sure the model is."""

    place: Place
    visible_from: float
    visible_until: float
    readers: tuple[str, ...]
    documented: bool
    source: str


def places(record: AuditRecord) -> tuple[Place, ...]:
    """Every place this record appears, regardless of time."""
    if record.service == Service.PIM:
        return (*_PIM_BLADES[Surface(record.surface)], Place.ENTRA_AUDIT_PIM)
    if record.service == Service.CORE_DIRECTORY:
        return (Place.ENTRA_AUDIT_CORE_DIRECTORY,)
    if record.service == Service.ACCESS_REVIEWS:
        return (Place.ENTRA_AUDIT_ACCESS_REVIEWS,)
    return (Place.AZURE_ACTIVITY_LOG,)


def retention(place: Place, audit_tier: str) -> float:
    """Minutes a record stays visible in a place (the tenant's tier sets Entra's window)."""
    if place in _PIM_VIEWS:
        return facts.PIM_AUDIT_VIEW_MINUTES.value
    if place is Place.AZURE_ACTIVITY_LOG:
        return facts.ACTIVITY_LOG_RETENTION_MINUTES.value
    return facts.ENTRA_AUDIT_RETENTION_MINUTES.value[audit_tier]


def readers(record: AuditRecord, place: Place) -> tuple[str, ...]:
    """Who may read the record there: role names, or the people involved for My audit."""
    if place in _MY_AUDIT:
        return tuple(dict.fromkeys(p for p in (record.initiator, record.target) if p))
    if place is Place.PIM_ENTRA_RESOURCE_AUDIT:
        return facts.PIM_RESOURCE_AUDIT_READER_ROLES.value
    if place is Place.PIM_AZURE_RESOURCE_AUDIT:
        return facts.AZURE_RESOURCE_AUDIT_READER_ROLES.value
    if place is Place.PIM_GROUPS_RESOURCE_AUDIT:
        return ("Global Administrator", "Privileged Role Administrator", "Owner")
    if place is Place.AZURE_ACTIVITY_LOG:
        return ("Reader", "Contributor", "Owner", "User Access Administrator")
    return facts.ENTRA_AUDIT_READER_ROLES.value


def documented(record: AuditRecord, place: Place) -> bool:
    """False where the model shows something Microsoft Learn does not describe."""
    if place is Place.AZURE_ACTIVITY_LOG:
        return facts.ACTIVITY_LOG_PIM_ENTRIES.documented
    if place in (Place.PIM_AZURE_RESOURCE_AUDIT, Place.PIM_GROUPS_RESOURCE_AUDIT):
        return False  # who reads these is stated inconsistently on Learn
    return True


def sightings(record: AuditRecord, audit_tier: str) -> tuple[Sighting, ...]:
    """Where, until when and by whom this record can be seen."""
    return tuple(
        Sighting(place, record.minute, record.minute + retention(place, audit_tier), readers(record, place),
                 documented(record, place), PLACE_SOURCES[place])
        for place in places(record)
    )


def visible(record: AuditRecord, place: Place, view_minute: float, audit_tier: str, pim_licensed: bool) -> bool:
    """Is the record in ``place`` when someone looks at ``view_minute``?

    PIM's blades vanish when the P2 or ID Governance licence lapses; the Entra audit log keeps
    the records for its own retention."""
    if place not in places(record):
        return False
    if place in _PIM_VIEWS and not pim_licensed:
        return False
    return record.minute <= view_minute < record.minute + retention(place, audit_tier)
