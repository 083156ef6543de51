"""Metrics that tell a run's governance story, as DataFrames next to the audit log.

Standing vs just-in-time privilege and time to access come from :class:`~pim_sim.results.tables.Results`
(one implementation each); this module adds who approves how much, what reviews kept and removed,
and when alerts fired. ``Results`` exposes each frame (``results.review_outcomes`` ...).
"""

from __future__ import annotations

import pandas as pd

from pim_sim import facts
from pim_sim.core.records import frame
from pim_sim.core.requests import Action, Status
from pim_sim.results import run as attached
from pim_sim.results.run import Run

REVIEW_COLUMNS = ["review", "name", "instance", "number", "start", "ended", "status", "subjects", "approved",
                  "denied", "not_reviewed", "kept", "removed_by_decision", "removed_by_no_response", "kept_in_group",
                  "refused"]


def privilege_hours(effective_access: pd.DataFrame) -> pd.DataFrame:
    """Person-hours of usable privileged access per principal and role, from the effective-access
    frame: just in time (activated) vs standing (assigned active or outside PIM)."""
    from pim_sim.core.schedules import Origin

    df = effective_access
    jit = df["origin"] == str(Origin.ACTIVATED)
    out = df.assign(jit_hours=df["hours"].where(jit, 0.0), standing_hours=df["hours"].where(~jit, 0.0))
    out = out.groupby(["principal", "role", "scope"], as_index=False)[["jit_hours", "standing_hours"]].sum()
    return out.sort_values(["principal", "role", "scope"]).reset_index(drop=True)


def approvals_by_approver(sim: Run) -> pd.DataFrame:
    """Activation requests each approver settled (the first decision settles a request)."""
    rows: dict[str, dict[str, int]] = {}
    for r in sim.requests.values():
        if r.action is not Action.SELF_ACTIVATE or not r.approver:
            continue
        row = rows.setdefault(r.approver, {"approved": 0, "denied": 0})
        row["denied" if r.status is Status.DENIED else "approved"] += 1
    df = pd.DataFrame([{"approver": a, **c, "decided": c["approved"] + c["denied"]} for a, c in sorted(rows.items())],
                      columns=["approver", "approved", "denied", "decided"])
    return df


def expired_requests(sim: Run) -> pd.DataFrame:
    """Activation requests no approver decided within 24 hours."""
    rows = [{"request": r.id, "principal": r.principal, "role": r.role, "scope": r.scope, "created": r.created,
             "expired": r.completed} for r in sim.requests.values()
            if r.action is Action.SELF_ACTIVATE and r.status_reason == "ApprovalExpired"]
    return pd.DataFrame(rows, columns=["request", "principal", "role", "scope", "created", "expired"])


def review_outcomes(sim: Run) -> pd.DataFrame:
    """Per review instance: decisions, and what applying them did (kept, removed by a reviewer's
    decision, removed because reviewers didn't respond)."""
    book = attached.reviews(sim)
    if book is None:
        return pd.DataFrame(columns=REVIEW_COLUMNS)
    rows = []
    for inst in book.instances.values():
        review = book.series[inst.review_id]
        final = book.decisions(inst.id)
        principals = inst.principals()
        decisions = [final[p].decision.value if p in final else "NotReviewed" for p in principals]
        outcomes = [o for o in book.outcomes if o.instance_id == inst.id]
        removed = [o for o in outcomes if o.result == "removed"]
        rows.append({
            "review": review.id, "name": review.definition.name, "instance": inst.id, "number": inst.number,
            "start": inst.start, "ended": inst.ended, "status": inst.status.value, "subjects": len(inst.subjects),
            "approved": decisions.count("Approve"), "denied": decisions.count("Deny"),
            "not_reviewed": decisions.count("NotReviewed"),
            "kept": sum(o.result != "removed" for o in outcomes),
            "removed_by_decision": sum(o.source == "reviewer" for o in removed),
            "removed_by_no_response": sum(o.source == "noResponse" for o in removed),
            "kept_in_group": sum(o.result == "keptInGroup" for o in outcomes),
            "refused": sum(o.result == "refused" for o in outcomes),
        })
    return pd.DataFrame(rows, columns=REVIEW_COLUMNS)


def review_decisions(sim: Run) -> pd.DataFrame:
    """Every decision, reset and no-response default, in order."""
    from pim_sim.features.reviews import DecisionRecord

    book = attached.reviews(sim)
    records = book.history if book is not None else []
    df = frame(records, DecisionRecord)
    df["decision"] = df["decision"].astype(str)
    return df


def alert_incidents(sim: Run) -> pd.DataFrame:
    """Every alert incident with the principal, role and scope that caused it."""
    from pim_sim.features.alerts import Incident

    return frame(_incidents(sim), Incident)


def _incidents(sim: Run) -> list:
    center = attached.alerts(sim)
    return center.history if center is not None else []


def alert_timeline(sim: Run, step: float = facts.DAY, horizon: float | None = None) -> pd.DataFrame:
    """Open incidents per alert at each ``step`` (default daily) from the start to ``horizon``."""
    incidents = _incidents(sim)
    end = sim.now if horizon is None else horizon
    rows = []
    names = sorted({i.name for i in incidents})
    t = 0.0
    while t <= end:
        for name in names:
            rows.append({"minute": t, "alert": name,
                         "open": sum(1 for i in incidents if i.name == name and i.open_at(t))})
        t += step
    return pd.DataFrame(rows, columns=["minute", "alert", "open"])


def metrics(sim: Run) -> dict[str, float]:
    """Headline governance numbers (review outcomes and alert incidents)."""
    outcomes = review_outcomes(sim)
    incidents = alert_incidents(sim)
    total = {c: float(outcomes[c].sum()) if len(outcomes) else 0.0
             for c in ("kept", "removed_by_decision", "removed_by_no_response")}
    return {
        "review_instances": float(len(outcomes)),
        "review_kept": total["kept"],
        "review_removed_by_decision": total["removed_by_decision"],
        "review_removed_by_no_response": total["removed_by_no_response"],
        "alert_incidents": float(len(incidents)),
        "alert_incidents_open": float(incidents["resolved"].isna().sum()) if len(incidents) else 0.0,
    }
