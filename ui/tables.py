"""Records as tables a student reads: readable times, plain column names, no internal enums."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from pim_sim import AuditRecord, Request, Schedule, Simulation
from ui.state import when, when_opt

STATE = {"assigned": "Assigned", "activated": "Activated", "outsidePim": "Assigned outside PIM", "standing": "Standing"}


def schedules(sim: Simulation, rows: Iterable[Schedule]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"Role": s.role, "Resource": s.scope, "Type": s.kind.value.capitalize(), "State": STATE[s.origin.value],
          "Start time": when(sim, s.start), "End time": when_opt(sim, s.end if s.removed is None else s.removed),
          "Schedule": s.id} for s in rows],
        columns=["Role", "Resource", "Type", "State", "Start time", "End time", "Schedule"])


def status_text(r: Request) -> str:
    """A request's status as a student reads it: an expired request says so (the model records it as
    Canceled with status reason ApprovalExpired; see pim_sim.facts.APPROVAL_EXPIRED_STATUS)."""
    if r.status_reason == "ApprovalExpired":
        return f"Expired unanswered ({r.status.value}, ApprovalExpired)"
    return r.status.value + (f" ({r.status_reason})" if r.status_reason else "")


def requests(sim: Simulation, rows: Iterable[Request]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"Request": r.id, "Requestor": r.principal, "Action": r.action.value, "Role": r.role, "Resource": r.scope,
          "Status": status_text(r), "Requested": when(sim, r.created),
          "Duration (h)": None if r.duration is None else round(r.duration / 60, 2),
          "Justification": r.justification, "Ticket": r.ticket, "Decided by": r.approver} for r in rows],
        columns=["Request", "Requestor", "Action", "Role", "Resource", "Status", "Requested", "Duration (h)",
                 "Justification", "Ticket", "Decided by"])


def audit(sim: Simulation, rows: Iterable[AuditRecord]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"#": a.seq, "Date (UTC)": when(sim, a.minute), "Activity": a.activity, "Service": a.service,
          "Initiated by": a.initiator, "Target": a.target, "Role": a.role, "Resource": a.scope,
          "Justification": a.justification} for a in rows],
        columns=["#", "Date (UTC)", "Activity", "Service", "Initiated by", "Target", "Role", "Resource",
                 "Justification"])
