"""Schedule requests: the actions and statuses Microsoft Graph names, and the checks PIM makes
before it accepts one (https://learn.microsoft.com/en-us/graph/api/resources/unifiedroleassignmentschedulerequest)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum

from pim_sim import facts
from pim_sim.core.clock import span
from pim_sim.core.policy import RoleSettings
from pim_sim.core.records import field_names, maker
from pim_sim.errors import PimRefusal


class Action(StrEnum):
    ADMIN_ASSIGN = "adminAssign"
    ADMIN_UPDATE = "adminUpdate"
    ADMIN_REMOVE = "adminRemove"
    ADMIN_EXTEND = "adminExtend"
    ADMIN_RENEW = "adminRenew"
    SELF_ACTIVATE = "selfActivate"
    SELF_DEACTIVATE = "selfDeactivate"
    SELF_EXTEND = "selfExtend"
    SELF_RENEW = "selfRenew"


class Status(StrEnum):
    """Graph request statuses (https://learn.microsoft.com/en-us/graph/api/resources/request)."""

    CANCELED = "Canceled"
    DENIED = "Denied"
    FAILED = "Failed"
    GRANTED = "Granted"
    PENDING_ADMIN_DECISION = "PendingAdminDecision"
    PENDING_APPROVAL = "PendingApproval"
    PENDING_PROVISIONING = "PendingProvisioning"
    PENDING_SCHEDULE_CREATION = "PendingScheduleCreation"
    PROVISIONED = "Provisioned"
    REVOKED = "Revoked"
    SCHEDULE_CREATED = "ScheduleCreated"


PENDING = frozenset({Status.PENDING_APPROVAL, Status.PENDING_ADMIN_DECISION})
OPEN = PENDING | {Status.GRANTED}  # not settled yet: waiting for a decision, or granted and not yet provisioned


@dataclass(frozen=True, slots=True)
class Request:
    """One schedule request as it stands; a status change replaces the object."""

    id: str
    action: Action
    principal: str
    role: str
    scope: str
    surface: str
    kind: str  # eligible or active: which schedule the request is about
    status: Status
    created: float
    start: float
    duration: float | None  # None: permanent
    justification: str = ""
    ticket: str = ""
    created_by: str = ""
    target_schedule: str = ""
    approver: str = ""
    approver_justification: str = ""
    completed: float | None = None
    status_reason: str = ""
    ticket_system: str = ""  # Graph's ticketInfo.ticketSystem, beside the ticket number


@dataclass(frozen=True, slots=True)
class StatusChange:
    """A request's status at a moment: the lifecycle as a list of immutable records."""

    request_id: str
    minute: float
    status: Status
    by: str = ""


# The engine keeps each request as a row: a list of its field values in declaration order, changed in place
# as the request moves on; a Request is made from the row whenever one is read (RequestBook), so a Request
# handed out earlier still tells what was true then.
_FIELDS = {name: i for i, name in enumerate(field_names(Request))}
_MAKE = maker(Request)
(ID, ACTION, PRINCIPAL, ROLE, SCOPE, SURFACE, KIND, STATUS, CREATED, START, DURATION, JUSTIFICATION, TICKET, CREATED_BY,
 TARGET_SCHEDULE, APPROVER, APPROVER_JUSTIFICATION, COMPLETED, STATUS_REASON, TICKET_SYSTEM) = range(len(_FIELDS))


def change_row(row: list, status: Status, now: float, changes: Mapping[str, object]) -> None:
    """Move a request's row on: a new status (settled ones completed at ``now``) and other changed fields."""
    row[STATUS] = status
    if status not in OPEN:
        row[COMPLETED] = now
    for name, value in changes.items():
        try:
            row[_FIELDS[name]] = value
        except KeyError:
            raise TypeError(f"Request has no field {name!r}") from None


def track_open(index: dict[tuple[str, str, str], str], row: list) -> None:
    """Keep ``index`` at the one open (pending or granted, not yet provisioned) activation per (principal, role,
    scope), given an activation request's row that was just made or moved."""
    key = (row[PRINCIPAL], row[ROLE], row[SCOPE])
    if row[STATUS] in OPEN:
        index[key] = row[ID]
    elif index.get(key) == row[ID]:
        del index[key]


class RequestBook(Mapping[str, Request]):
    """Every request by id, read as :class:`Request` records made from the engine's rows."""

    __slots__ = ("rows",)

    def __init__(self) -> None:
        self.rows: dict[str, list] = {}

    def __getitem__(self, request_id: str) -> Request:
        return _MAKE(*self.rows[request_id])

    def __contains__(self, request_id: object) -> bool:
        return request_id in self.rows

    def __iter__(self) -> Iterator[str]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __repr__(self) -> str:
        return repr(dict(self.items()))


def check_activation(settings: RoleSettings, duration: float, justification: str, ticket: str,
                     mfa_done: bool, context_satisfied: bool, context_has_policy: bool) -> None:
    """Refuse an activation that breaks the role's settings, naming the rule Graph names."""
    src = facts.SOURCES["entra_settings"]
    if duration < facts.MIN_ASSIGNMENT_MINUTES.value:
        raise PimRefusal(f"An activation must last at least {span(facts.MIN_ASSIGNMENT_MINUTES.value)}.", rule="ExpirationRule",
                         source=facts.MIN_ASSIGNMENT_MINUTES.source)
    if duration > settings.activation_max + 1e-9:
        raise PimRefusal(
            f"The requested duration ({duration / 60:g} h) is longer than this role's activation maximum "
            f"({settings.activation_max / 60:g} h). Choose a duration up to the maximum.",
            rule="ExpirationRule", source=src)
    if settings.require_justification and not justification.strip():
        raise PimRefusal("This role requires a justification to activate.", rule="JustificationRule", source=src)
    if settings.require_ticket and not ticket.strip():
        raise PimRefusal("This role requires ticket information to activate. It is information only: "
                         "PIM does not check it against a ticketing system.", rule="TicketingRule", source=src)
    mfa_needed = settings.require_mfa or (settings.auth_context is not None and not context_has_policy)
    if mfa_needed and not mfa_done:
        why = ("This role requires multifactor authentication on activation." if settings.require_mfa else
               f"No Conditional Access policy targets authentication context {settings.auth_context!r}, so PIM "
               "falls back to requiring multifactor authentication.")
        raise PimRefusal(why, rule="MfaRule", source=src)
    if settings.auth_context is not None and context_has_policy and not context_satisfied:
        raise PimRefusal(
            f"The Conditional Access policy for authentication context {settings.auth_context!r} was not satisfied.",
            rule="AuthenticationContextRule", code="RoleAssignmentRequestAcrsValidationFailed", source=src)


def check_assignment(settings: RoleSettings, active: bool, duration: float | None, justification: str,
                     mfa_done: bool) -> None:
    """Refuse an admin assignment that breaks the role's assignment settings."""
    src = facts.SOURCES["entra_settings"]
    permanent_ok, maximum = settings.expiry_rule(active)
    kind = "active" if active else "eligible"
    if duration is None and not permanent_ok:
        raise PimRefusal(f"This role does not allow permanent {kind} assignments; set an end date "
                         f"within {maximum / facts.DAY:g} days.", rule="ExpirationRule", source=src)
    if duration is not None:
        if duration < facts.MIN_ASSIGNMENT_MINUTES.value:
            raise PimRefusal(f"An assignment can't be made for less than {span(facts.MIN_ASSIGNMENT_MINUTES.value)}.",
                             rule="ExpirationRule",
                             source=facts.MIN_ASSIGNMENT_MINUTES.source)
        if not permanent_ok and duration > maximum + 1e-9:
            raise PimRefusal(f"This role's {kind} assignments expire after at most {maximum / facts.DAY:g} days.",
                             rule="ExpirationRule", source=src)
    if active and settings.justification_on_active_assignment and not justification.strip():
        raise PimRefusal("This role requires a justification on active assignment.", rule="JustificationRule",
                         source=src)
    if active and settings.mfa_on_active_assignment and not mfa_done:
        raise PimRefusal("This role requires the administrator to complete multifactor authentication when "
                         "creating an active assignment.", rule="MfaRule", source=src)
