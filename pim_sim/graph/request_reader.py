"""Read schedule requests as Microsoft Graph returns them
(https://learn.microsoft.com/en-us/graph/api/resources/unifiedroleassignmentschedulerequest,
https://learn.microsoft.com/en-us/graph/api/resources/unifiedroleeligibilityschedulerequest) into scenario steps.

Actions and expiration types are read in any case (``SelfActivate``, ``AfterDuration``); a start date-time must
carry its time zone; ``ticketInfo`` gives the ticket number and system.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from pim_sim.catalogue import CustomRole
from pim_sim.core.clock import DEFAULT_START, iso, minutes
from pim_sim.core.roles import using, with_custom
from pim_sim.core.tenant import DIRECTORY
from pim_sim.graph.rules import duration as duration_minutes
from pim_sim.graph.shapes import GraphImportError, as_object, fold, items_of, load_json
from pim_sim.graph.vocabulary import ROLE_BY_ID


# ------------------------------------------------------------------------------- requests
@dataclass(frozen=True, slots=True)
class ImportedRequest:
    """One Graph schedule request as a scenario action."""

    action: str  # Graph action, e.g. selfActivate, adminAssign
    kind: str  # "active" (roleAssignmentScheduleRequests) or "eligible" (roleEligibilityScheduleRequests)
    principal: str
    role: str
    scope: str
    start: str | None  # ISO-8601 date-time, or None for "now"
    duration: str | None  # ISO-8601 duration, or None for permanent
    justification: str = ""
    ticket: str = ""
    status: str = ""
    created: str | None = None  # createdDateTime: when a request without a start was made (PIM starts it then)
    ticket_system: str = ""

    def to_step(self, start: datetime = DEFAULT_START, at: str | None = None) -> dict:
        """The request as a scenario timeline step; ``at`` is its start as an offset from the
        scenario's ``start`` (a request with no start happens when it was created, else at ``at``, default
        minute 0)."""
        if at is None:
            at = "PT0M"
            when = self.start if self.start is not None else self.created
            if when is not None:
                offset = (_datetime(when) - start).total_seconds() / 60
                if offset < 0:
                    raise GraphImportError(f"{self.action} of {self.role} for {self.principal}",
                                           "scheduleInfo.startDateTime", f"{self.start} is before the scenario's "
                                           f"start ({start:%Y-%m-%dT%H:%M}Z)")
                at = iso(offset)
        do = _STEPS.get(self.action)
        if do is None:
            raise GraphImportError(f"{self.action} of {self.role} for {self.principal}", "action",
                                   f"{self.action} has no scenario step (steps: {', '.join(sorted(_STEPS))})")
        step = {"at": at, "do": do, "principal": self.principal, "role": self.role, "scope": self.scope}
        if do in ("assign", "remove", "request_extend", "request_renew"):
            step["kind"] = self.kind
        if do in ("assign", "activate", "request_extend", "request_renew") and self.duration:
            step["duration"] = self.duration
        if do != "deactivate" and self.justification:
            step["justification"] = self.justification
        if do == "activate" and self.ticket:
            step["ticket"] = self.ticket
        if do == "activate" and self.ticket_system:
            step["ticket_system"] = self.ticket_system
        return step


_STEPS = {"adminAssign": "assign", "selfActivate": "activate", "selfDeactivate": "deactivate", "adminRemove": "remove",
          "selfExtend": "request_extend", "selfRenew": "request_renew"}


def _datetime(text) -> datetime:
    """An ISO-8601 date-time with its time zone (Graph writes UTC with a ``Z``). One without a zone
    is refused rather than guessed at: it would be compared with the scenario's UTC start."""
    if not isinstance(text, str):
        raise ValueError(f"{text!r} is not an ISO-8601 date-time such as 2026-01-05T09:00:00Z")
    try:
        found = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise ValueError(f"{text[:60]!r} is not an ISO-8601 date-time such as 2026-01-05T09:00:00Z") from None
    if found.tzinfo is None:
        raise ValueError(f"{text[:60]!r} has no time zone; write it in UTC with a Z, e.g. 2026-01-05T09:00:00Z")
    return found


def timeline_from_requests(data, *, start: datetime = DEFAULT_START, names: Mapping[str, str] | None = None,
                           kind: str | None = None, custom_roles: Iterable[CustomRole] = ()) -> list[dict]:
    """Graph schedule requests as a scenario ``timeline`` (sorted by time)."""
    steps = [r.to_step(start) for r in read_requests(data, names=names, kind=kind, custom_roles=custom_roles)]
    return sorted(steps, key=lambda st: minutes(st["at"]))


_COLLECTIONS = ("roleassignmentschedulerequests", "roleeligibilityschedulerequests",
                "privilegedaccessgroupassignmentschedulerequests", "privilegedaccessgroupeligibilityschedulerequests")


def _group_request(raw: dict, where: str, names: Mapping[str, str]) -> dict:
    """A PIM for Groups request (``accessId`` member or owner, ``groupId``) in the directory-role shape."""
    access = str(raw.get("accessid") or "").casefold()
    if access not in ("member", "owner"):
        raise GraphImportError(where, "accessId", f"{raw.get('accessid')!r} is not member or owner")
    group = raw.get("groupid")
    if not isinstance(group, str) or not group:
        raise GraphImportError(where, "groupId", "missing")
    return {**raw, "roledefinitionid": access, "_scope": f"/groups/{names.get(group, group)}"}


_ACTIONS = {a.casefold(): a for a in ("adminAssign", "adminUpdate", "adminRemove", "adminExtend", "adminRenew",
                                       "selfActivate", "selfDeactivate", "selfExtend", "selfRenew")}
_EXPIRATIONS = {"notspecified", "noexpiration", "afterdatetime", "afterduration"}


def read_requests(data, *, names: Mapping[str, str] | None = None, kind: str | None = None,
                  custom_roles: Iterable[CustomRole] = ()) -> tuple[ImportedRequest, ...]:
    """Schedule requests (``roleAssignmentScheduleRequests`` or ``roleEligibilityScheduleRequests``,
    https://learn.microsoft.com/en-us/graph/api/resources/unifiedroleassignmentschedulerequest) as actions.
    ``custom_roles`` are the tenant's own roles the requests may name (by id), beside the built-in ones."""
    custom = tuple(custom_roles)
    with using(with_custom(*custom) if custom else None):
        return _read_requests(data, names, kind)


def _read_requests(data, names: Mapping[str, str] | None, kind: str | None) -> tuple[ImportedRequest, ...]:
    names = dict(names or {})
    out = []
    top = fold(load_json(data))
    outer = str(top.get("@odata.context") or "") if isinstance(top, dict) else ""
    if isinstance(top, dict) and any(c in top for c in _COLLECTIONS):
        # pim-sim export-graph --what requests: the four Graph collections side by side
        items = [(f"{name} {n}", raw, name) for name in _COLLECTIONS
                 for n, raw in enumerate(items_of(top.get(name) or [], name))]
    else:
        items = [(f"request {n}", raw, "") for n, raw in enumerate(items_of(top, "requests"))]
    for where, raw, collection in items:
        if not isinstance(raw, dict):
            raise GraphImportError(where, "(item)", "expected a schedule request object")
        context = (outer + collection + str(raw.get("@odata.context") or raw.get("@odata.type") or "")).casefold()
        this_kind = kind or ("eligible" if "eligibility" in context else "active")
        if "privilegedaccessgroup" in context or "accessid" in raw:
            raw = _group_request(raw, where, names)
        action = _ACTIONS.get(str(raw.get("action") or "").casefold())
        if action is None:
            raise GraphImportError(where, "action", f"{raw.get('action')!r} is not a Graph request action "
                                   "(adminAssign, selfActivate, ...)")
        for key in ("principalid", "roledefinitionid"):
            if not isinstance(raw.get(key), str) or not raw[key]:
                raise GraphImportError(where, {"principalid": "principalId", "roledefinitionid": "roleDefinitionId"}[key],
                                       "missing")
        found = ROLE_BY_ID.get(raw["roledefinitionid"].casefold())
        if found is None:
            raise GraphImportError(where, "roleDefinitionId", f"{raw['roledefinitionid']!r} is not a role template id "
                                   "in the model's catalogue")
        scope = raw.get("_scope") or raw.get("directoryscopeid") or DIRECTORY
        info = as_object(raw.get("scheduleinfo"), where, "scheduleInfo")
        start = info.get("startdatetime")
        if start is not None:
            try:
                _datetime(start)
            except ValueError as e:
                raise GraphImportError(where, "scheduleInfo.startDateTime", str(e)) from None
        exp = as_object(info.get("expiration"), where, "scheduleInfo.expiration")
        exp_type = str(exp.get("type") or "notSpecified").casefold()
        if exp_type not in _EXPIRATIONS:
            raise GraphImportError(where, "scheduleInfo.expiration.type", f"{exp.get('type')!r} is not noExpiration, "
                                   "afterDateTime, afterDuration or notSpecified")
        duration = None
        if exp_type == "afterduration":
            duration_minutes(exp.get("duration"), where, "scheduleInfo.expiration.duration")
            duration = exp["duration"]
        elif exp_type == "afterdatetime":
            if start is None or not exp.get("enddatetime"):
                raise GraphImportError(where, "scheduleInfo.expiration.endDateTime", "afterDateTime needs a start and "
                                       "an endDateTime")
            try:
                end = _datetime(exp["enddatetime"])
            except ValueError as e:
                raise GraphImportError(where, "scheduleInfo.expiration.endDateTime", str(e)) from None
            if end <= _datetime(start):
                raise GraphImportError(where, "scheduleInfo.expiration.endDateTime", "must be after startDateTime")
            duration = iso((end - _datetime(start)).total_seconds() / 60)
        ticket = as_object(raw.get("ticketinfo"), where, "ticketInfo")
        created = raw.get("createddatetime")
        if created is not None:
            try:
                _datetime(created)
            except ValueError as e:
                raise GraphImportError(where, "createdDateTime", str(e)) from None
        out.append(ImportedRequest(action, this_kind, names.get(str(raw["principalid"]), str(raw["principalid"])),
                                   found.name, scope, start, duration, str(raw.get("justification") or ""),
                                   str(ticket.get("ticketnumber") or ""), str(raw.get("status") or ""), created,
                                   str(ticket.get("ticketsystem") or "")))
    return tuple(out)
