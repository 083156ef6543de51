"""A review as it runs: its instances, the subjects under review, decisions and outcomes."""


from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pim_sim.core.events import ADMIN
from pim_sim.core.roles import Surface
from pim_sim.errors import ModelError

if TYPE_CHECKING:
    from pim_sim.features.reviews.book import ReviewBook


from pim_sim.features.reviews.definition import AccessReview, Decision, InstanceStatus


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


class Review:
    """A handle on one review series. ``instance_id`` defaults to the latest instance."""

    def __init__(self, book: ReviewBook, review_id: str, definition: AccessReview, created: float, first: float):
        self.book, self.id, self.definition, self.created, self.first_start = book, review_id, definition, created, first
        self.halted = False

    def __repr__(self) -> str:
        return f"Review({self.id!r}, {self.definition.name!r}, instances={len(self.instances)})"

    @property
    def surface(self) -> Surface:
        return self.book.sim.tenant.scope(self.definition.scope).surface

    @property
    def instances(self) -> list[Instance]:
        return [self.book.instances[i] for i in self.book._by_review.get(self.id, ())]

    def instance(self, instance_id: str | None = None) -> Instance:
        if instance_id is None:
            found = self.instances
            if not found:
                raise ModelError(f"review {self.id} has no instance yet (it starts at minute {self.first_start:g})")
            return found[-1]
        inst = self.book.instance(instance_id)
        if inst.review_id != self.id:
            raise ModelError(f"instance {instance_id} belongs to review {inst.review_id}, not {self.id}")
        return inst

    def decide(self, principal: str, approve: bool, *, by: str, reason: str = "", instance_id: str | None = None
               ) -> DecisionRecord:
        return self.book.decide(self.instance(instance_id).id, principal, approve, by=by, reason=reason)

    def decisions(self, instance_id: str | None = None) -> dict[str, DecisionRecord]:
        return self.book.decisions(self.instance(instance_id).id)

    def stop(self, instance_id: str | None = None, *, by: str = ADMIN) -> Instance:
        return self.book.stop(self.instance(instance_id).id, by=by)

    def reset(self, instance_id: str | None = None, *, by: str = ADMIN) -> Instance:
        return self.book.reset(self.instance(instance_id).id, by=by)

    def apply(self, instance_id: str | None = None, *, by: str = ADMIN) -> Instance:
        return self.book.apply(self.instance(instance_id).id, by=by)


