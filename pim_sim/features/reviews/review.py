"""A review as it runs: its instances, the subjects under review, decisions and outcomes (the handle on a
series, :class:`Review`, lives with the book that drives it)."""


from __future__ import annotations

from dataclasses import dataclass

from pim_sim.features.reviews.definition import Decision, InstanceStatus


@dataclass(frozen=True, slots=True)
class Subject:
    """One line of a review instance: a principal and the assignment that gives them the role."""

    principal: str
    principal_kind: str
    schedule_id: str
    assignment: str  # eligible or active
    assigned_to: str  # the schedule's principal: a group when the user holds the role through it
    reviewers: tuple[str, ...]
    recommendation: str  # Approve, Deny, or "" when there is none (groups)
    last_sign_in: float | None


@dataclass(frozen=True, slots=True)
class Instance:
    """One occurrence of a review, with the snapshot taken when it started."""

    id: str
    review_id: str
    number: int
    start: float
    end: float
    status: InstanceStatus
    subjects: tuple[Subject, ...]
    ended: float | None = None
    applied: float | None = None
    ended_by: str = ""

    def principals(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s.principal for s in self.subjects))


@dataclass(frozen=True, slots=True)
class DecisionRecord:
    instance_id: str
    principal: str
    decision: Decision
    by: str
    reason: str
    minute: float
    source: str  # reviewer, noResponse, reset


@dataclass(frozen=True, slots=True)
class Outcome:
    """What applying an instance did to one subject."""

    instance_id: str
    review_id: str
    principal: str
    schedule_id: str
    decision: Decision
    source: str  # reviewer or noResponse ("" when nobody decided and nothing was defaulted)
    result: str  # kept, removed, keptInGroup, refused, alreadyEnded
    minute: float
    detail: str = ""
