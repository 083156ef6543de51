"""What an access review is: its scope, reviewers, recurrence and settings, validated and frozen."""


from __future__ import annotations

import calendar
import math
import random
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from pim_sim import facts
from pim_sim.core.clock import minutes, span
from pim_sim.core.events import ADMIN
from pim_sim.core.tenant import DIRECTORY
from pim_sim.errors import ModelError

if TYPE_CHECKING:
    pass



class Frequency(StrEnum):
    ONE_TIME = "oneTime"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    SEMI_ANNUALLY = "semiAnnually"
    ANNUALLY = "annually"


_MONTHS = {Frequency.MONTHLY: 1, Frequency.QUARTERLY: 3, Frequency.SEMI_ANNUALLY: 6, Frequency.ANNUALLY: 12}


class AssignmentType(StrEnum):
    """Which assignments are reviewed ("eligible assignments only", "active assignments only", "all")."""

    ELIGIBLE = "eligible"
    ACTIVE = "active"
    ALL = "all"


class Reviewers(StrEnum):
    SELECTED = "selectedUsers"
    SELF = "self"  # "Members (self)"
    MANAGER = "manager"
    GROUP_OWNERS = "groupOwners"  # PIM for Groups reviews only


class NoResponse(StrEnum):
    """"If reviewers don't respond"; it doesn't affect users who were reviewed."""

    NO_CHANGE = "No change"
    REMOVE = "Remove access"
    APPROVE = "Approve access"
    RECOMMENDATION = "Take recommendations"


class Decision(StrEnum):
    APPROVE = "Approve"
    DENY = "Deny"
    NOT_REVIEWED = "NotReviewed"


class InstanceStatus(StrEnum):
    IN_PROGRESS = "InProgress"
    COMPLETED = "Completed"
    APPLYING = "Applying"
    APPLIED = "Applied"


class ReviewActivity(StrEnum):
    """Access Reviews activity names (https://learn.microsoft.com/en-us/entra/identity/monitoring-health/reference-audit-activities)."""

    CREATE = "Create access review"
    ENDED = "Access review ended"
    APPROVE = "Approve decision"
    DENY = "Deny decision"
    RESET = "Reset decision"
    APPLY_DECISION = "Apply decision"
    APPLY_REVIEW = "Apply review"
    AUTO_APPLY = "Auto apply review"
    AUTO_REVIEW = "Auto review"


_USER_MANAGEMENT = {ReviewActivity.APPLY_REVIEW, ReviewActivity.AUTO_APPLY, ReviewActivity.AUTO_REVIEW}
PRINCIPAL_TYPES = ("users", "groups", "servicePrincipals")


@dataclass(frozen=True, slots=True)
class ReviewerBehaviour:
    """How simulated reviewers respond, drawn from ``sim.rng["reviewers"]`` only: each reviewer
    answers for each reviewed principal with some probability, after a log-normal delay (days);
    with recommendations shown they follow them with some probability, otherwise approve with
    ``approve_probability``. The numbers are model choices, not product facts."""

    respond_probability: float = 0.8
    median_days: float = 3.0
    spread: float = 1.0
    approve_probability: float = 0.9
    follow_recommendation: float = 0.7

    def __post_init__(self):
        for name in ("respond_probability", "approve_probability", "follow_recommendation"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ModelError(f"behaviour.{name}: {value!r} is not a probability between 0 and 1")
        if self.median_days <= 0 or self.spread < 0:
            raise ModelError("behaviour.median_days must be positive and behaviour.spread not negative")

    def response(self, rng: random.Random, recommendation: str, shown: bool) -> tuple[float, bool] | None:
        """(delay in minutes, approve) or None when this reviewer doesn't respond."""
        if rng.random() >= self.respond_probability:
            return None
        delay = rng.lognormvariate(math.log(self.median_days), self.spread) * facts.DAY
        if shown and recommendation and rng.random() < self.follow_recommendation:
            return delay, recommendation == Decision.APPROVE
        return delay, rng.random() < self.approve_probability


def _enum(cls, value, field: str):
    try:
        return cls(value)
    except ValueError:
        choices = ", ".join(repr(c.value) for c in cls)
        raise ModelError(f"{field}: {value!r} is not one of {choices}") from None


@dataclass(frozen=True, slots=True)
class AccessReview:
    """The definition of an access review series, as the PIM "New access review" blade sets it.

    ``scope`` is ``/`` (or an administrative unit) for a Microsoft Entra role, an Azure scope id for an
    Azure role, or ``/groups/NAME`` with role ``Member`` or ``Owner`` for PIM for Groups. ``start`` is
    an absolute time (minutes or ISO-8601 from the simulation start; None: at creation); the series
    ends never, at ``end_by`` or after ``occurrences``. ``behaviour`` simulates the reviewers; without
    it, reviewers decide only when a script calls :meth:`Review.decide`. Learn documents the one-time,
    one-month default; the other defaults (auto-apply off, no change, recommendations, mails and
    reminders on) are the model's choices.
    """

    name: str
    role: str
    scope: str = DIRECTORY
    assignment_type: AssignmentType = AssignmentType.ALL
    principal_types: tuple[str, ...] = ("users", "groups")
    inactive_days: int | None = None
    reviewers: Reviewers = Reviewers.SELECTED
    selected: tuple[str, ...] = ()
    fallback: tuple[str, ...] = ()
    frequency: Frequency = Frequency.ONE_TIME
    duration_days: int = facts.REVIEW_DEFAULT_DURATION_DAYS.value
    start: float | str | None = None
    end_by: float | str | None = None
    occurrences: int | None = None
    auto_apply: bool = False
    no_response: NoResponse = NoResponse.NO_CHANGE
    recommendations: bool = True
    require_reason: bool = False
    mail_notifications: bool = True
    reminders: bool = True
    behaviour: ReviewerBehaviour | None = None
    created_by: str = ADMIN

    def __post_init__(self):
        set_ = object.__setattr__
        set_(self, "assignment_type", _enum(AssignmentType, self.assignment_type, "assignment_type"))
        set_(self, "reviewers", _enum(Reviewers, self.reviewers, "reviewers"))
        set_(self, "frequency", _enum(Frequency, self.frequency, "frequency"))
        set_(self, "no_response", _enum(NoResponse, self.no_response, "no_response"))
        for name in ("principal_types", "selected", "fallback"):
            value = getattr(self, name)
            if isinstance(value, str):
                value = (value,)
            set_(self, name, tuple(value))
        if isinstance(self.behaviour, dict):
            set_(self, "behaviour", ReviewerBehaviour(**self.behaviour))
        self._validate()

    def _validate(self) -> None:
        if not str(self.name).strip():
            raise ModelError("name: an access review needs a name")
        unknown = [t for t in self.principal_types if t not in PRINCIPAL_TYPES]
        if unknown or not self.principal_types:
            raise ModelError(f"principal_types: {unknown or '()'} not allowed; choose from {', '.join(PRINCIPAL_TYPES)}")
        if not isinstance(self.duration_days, int) or isinstance(self.duration_days, bool) or self.duration_days < 1:
            raise ModelError(f"duration_days: {self.duration_days!r} must be a whole number of days, at least 1")
        if self.frequency is not Frequency.ONE_TIME:
            limit = facts.REVIEW_MAX_DURATION_DAYS.value[self.frequency.value]
            if self.duration_days > limit:
                why = (f"source: {facts.REVIEWS}" if self.frequency is Frequency.MONTHLY else
                       "Learn states only the monthly limit; the model applies the same rule, one day less than "
                       "the shortest interval")
                raise ModelError(f"duration_days: a {self.frequency.value} review lasts at most {limit} days so that "
                                 f"instances don't overlap (got {self.duration_days}; {why})")
        if self.inactive_days is not None and not 1 <= self.inactive_days <= facts.REVIEW_INACTIVE_DAYS_MAX.value:
            raise ModelError(f"inactive_days: {self.inactive_days!r} must be between 1 and "
                             f"{span(facts.REVIEW_INACTIVE_DAYS_MAX.value * facts.DAY)}")
        if self.reviewers is Reviewers.SELECTED and not self.selected:
            raise ModelError("selected: 'Selected users' reviews need at least one reviewer")
        if self.reviewers in (Reviewers.SELF, Reviewers.MANAGER) and "users" not in self.principal_types:
            raise ModelError(f"reviewers: {self.reviewers.value!r} is only available when the review scope includes users")
        if self.reviewers is Reviewers.GROUP_OWNERS:
            if not self.scope.startswith("/groups/"):
                raise ModelError("reviewers: group owners review only PIM for Groups memberships (scope '/groups/NAME')")
            if not self.fallback:
                raise ModelError("fallback: a fallback reviewer is mandatory when group owners review")
        if self.occurrences is not None and (not isinstance(self.occurrences, int) or self.occurrences < 1):
            raise ModelError(f"occurrences: {self.occurrences!r} must be a whole number, at least 1")
        if self.occurrences is not None and self.end_by is not None:
            raise ModelError("end_by, occurrences: a series ends by a date or after a number of occurrences, not both")
        for name in ("start", "end_by"):
            value = getattr(self, name)
            if value is not None:
                try:
                    minutes(value)
                except ModelError as e:
                    raise ModelError(f"{name}: {e}") from None


def add_months(when: datetime, months: int) -> datetime:
    """The same day ``months`` calendar months later (clamped to the month's last day)."""
    y, m = divmod(when.month - 1 + months, 12)
    year, month = when.year + y, m + 1
    return when.replace(year=year, month=month, day=min(when.day, calendar.monthrange(year, month)[1]))
