"""Access reviews of privileged roles: Microsoft Entra roles, Azure resource roles and PIM for
Groups memberships.

Sources: https://learn.microsoft.com/en-us/entra/id-governance/privileged-identity-management/pim-create-roles-and-resource-roles-review
(options, recurrence, snapshot, upon-completion settings, recommendations, groups in reviews),
pim-complete-roles-and-resource-roles-review (Stop, Reset, Apply; Completed > Applying > Applied),
https://learn.microsoft.com/en-us/entra/id-governance/create-access-review-pim-for-groups (group
owners as reviewers, fallback mandatory, ID Governance licence) and the audit activity reference
(``facts.REVIEW_AUDIT_ACTIVITIES``).

A review is described by an :class:`AccessReview` (frozen, validated, expressible in a scenario
file) and started with ``sim.reviews.create(definition)``, which returns a :class:`Review` whose
instances start on their recurrence. A scenario line such as "at P30D an access review starts"
is either ``AccessReview(..., start="P30D")`` created at the start, or
``sim.at("P30D", lambda: sim.reviews.create(definition))``.

>>> from pim_sim import Simulation, Tenant
>>> from pim_sim.features.reviews import AccessReview
>>> sim = Simulation(Tenant.build(users=["alice", "bob", "rev"]), seed=1)
>>> _ = sim.assign("alice", "Security Administrator", kind="eligible")
>>> review = sim.reviews.create(AccessReview("Q1", "Security Administrator", selected=("rev",), duration_days=7))
>>> _ = review.decide("alice", approve=False, by="rev")
>>> _ = sim.advance("P8D"); review.apply().status.value
'Applied'
>>> sim.find("alice", "Security Administrator") is None
True
"""

from __future__ import annotations

import calendar
import math
import random
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from pim_sim import facts
from pim_sim.core import access as access_mod
from pim_sim.core.audit import Service
from pim_sim.core.clock import minutes
from pim_sim.core.events import ADMIN, MS_PIM, Notification
from pim_sim.core.roles import Surface
from pim_sim.core.schedules import Kind, Origin
from pim_sim.core.tenant import DIRECTORY, Licence, PrincipalKind, User
from pim_sim.errors import ModelError, PimRefusal

if TYPE_CHECKING:
    from pim_sim.core.updates import UpdateRules


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
            raise ModelError(f"inactive_days: {self.inactive_days!r} must be between 1 and 730 days")
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


def add_months(when: datetime, months: int) -> datetime:
    """The same day ``months`` calendar months later (clamped to the month's last day)."""
    y, m = divmod(when.month - 1 + months, 12)
    year, month = when.year + y, m + 1
    return when.replace(year=year, month=month, day=min(when.day, calendar.monthrange(year, month)[1]))


class ReviewBook:
    """Every access review of a simulation (``sim.reviews``): series, instances, decisions, outcomes."""

    def __init__(self, sim: UpdateRules):
        self.sim = sim
        self.series: dict[str, Review] = {}
        self.instances: dict[str, Instance] = {}
        self.history: list[DecisionRecord] = []  # every decision, reset and default, in order
        self.outcomes: list[Outcome] = []
        self._final: dict[str, dict[str, DecisionRecord]] = {}
        self._by_review: dict[str, list[str]] = {}
        self._count = 0
        sim.listeners.append(self._on_event)

    # ------------------------------------------------------------------ look-ups
    def instance(self, instance_id: str) -> Instance:
        try:
            return self.instances[instance_id]
        except KeyError:
            raise ModelError(f"{instance_id!r} is not an access review instance") from None

    def decisions(self, instance_id: str) -> dict[str, DecisionRecord]:
        """The standing decision per principal (the latest one counts)."""
        return dict(self._final.get(instance_id, {}))

    def _review(self, inst: Instance) -> Review:
        return self.series[inst.review_id]

    def _log(self, activity: ReviewActivity, review: Review, initiator: str, target: str, reason: str = "") -> None:
        d = review.definition
        category = "UserManagement" if activity in _USER_MANAGEMENT else "Policy"
        self.sim.log(activity, Service.ACCESS_REVIEWS, review.surface.value, initiator, target, d.role, d.scope,
                      reason=reason, category=category)

    def _refuse(self, by: str, action: str, review: Review, message: str, code: str) -> None:
        self.sim.refuse(by, action, review.definition.role, review.definition.scope,
                         PimRefusal(message, rule="AccessReviewRule", code=code, source=facts.REVIEWS))

    # ------------------------------------------------------------------ creating a series
    def create(self, definition: AccessReview) -> Review:
        """Create a review series: who may (Privileged Role Administrator for Microsoft Entra roles,
        Owner or User Access Administrator for Azure resources, Global or Privileged Role Administrator
        for groups), with which licence, and when its instances start."""
        sim, d = self.sim, definition
        surface = sim.surface_for(d.role, d.scope)
        sim.require_pim(d.created_by, "createAccessReview", d.role, d.scope)
        if surface is Surface.GROUPS and sim.licence is not Licence.GOVERNANCE:
            sim.refuse(d.created_by, "createAccessReview", d.role, d.scope, PimRefusal(
                "Access reviews of PIM for Groups memberships need Microsoft Entra ID Governance.",
                rule="LicenseRule", code="TenantNotLicensed", source=facts.REVIEW_GROUPS_LICENCE.source))
        sim.authorise(d.created_by, "createAccessReview", d.role, d.role, d.scope, surface)
        for name in (*d.selected, *d.fallback):
            sim.tenant.principal(name)
        first = sim.now if d.start is None else minutes(d.start)
        if first < sim.now:
            raise ModelError(f"start: minute {first:g} is in the past (now {sim.now:g})")
        self._count += 1
        review = Review(self, f"ar{self._count:04d}", d, sim.now, first)
        self.series[review.id] = review
        self._log(ReviewActivity.CREATE, review, d.created_by, d.name)
        self._at(first, self._start_instance, review.id, 0)
        return review

    def _at(self, when: float, fn, *args) -> None:
        if when <= self.sim.now:
            fn(*args)
        else:
            self.sim.after(when - self.sim.now, fn, *args)

    def _start_of(self, review: Review, k: int) -> float:
        f = review.definition.frequency
        if f is Frequency.WEEKLY:
            return review.first_start + k * 7 * facts.DAY
        clock = self.sim.clock
        return clock.minute_of(add_months(clock.at(review.first_start), k * _MONTHS[f]))

    def _start_instance(self, review_id: str, k: int) -> None:
        review, sim = self.series[review_id], self.sim
        d = review.definition
        if review.halted or (d.end_by is not None and sim.now > minutes(d.end_by)):
            return
        if d.occurrences is not None and k >= d.occurrences:
            return
        subjects = self._snapshot(review)
        inst = Instance(f"{review.id}-{k + 1:03d}", review.id, k + 1, sim.now, sim.now + d.duration_days * facts.DAY,
                        InstanceStatus.IN_PROGRESS, subjects)
        self.instances[inst.id] = inst
        self._by_review.setdefault(review.id, []).append(inst.id)
        self._final[inst.id] = {}
        if d.mail_notifications:
            self._mail(inst, "AccessReviewStarted", sorted({r for s in subjects for r in s.reviewers}),
                       f"Access review: please review access to {d.role}")
        if d.reminders:
            sim.after((inst.end - inst.start) / 2, self._remind, inst.id)
        if d.behaviour is not None:
            self._simulate_reviewers(review, inst)
        sim.after(inst.end - sim.now, self._complete, inst.id, MS_PIM, "ended")
        if d.frequency is not Frequency.ONE_TIME:
            self._at(self._start_of(review, k + 1), self._start_instance, review.id, k + 1)

    # ------------------------------------------------------------------ emails
    def _mail(self, inst: Instance, rule: str, recipients: list[str], subject: str) -> None:
        """"Mail notifications": reviewers when an instance starts, administrators when it completes."""
        if recipients:
            self.sim.notifications.append(Notification(self.sim.now, rule, ";".join(recipients), subject, inst.id))

    def _remind(self, instance_id: str) -> None:
        """"Reminders" go to reviewers who haven't decided. Learn gives no time for role reviews; the
        model sends them halfway through, as generic access reviews do
        (https://learn.microsoft.com/en-us/entra/id-governance/create-access-review)."""
        inst = self.instances[instance_id]
        if inst.status is not InstanceStatus.IN_PROGRESS:
            return
        decided = self._final[inst.id]
        pending = sorted({r for s in inst.subjects if s.principal not in decided for r in s.reviewers})
        self._mail(inst, "AccessReviewReminder", pending, f"Reminder: access review {self._review(inst).definition.name}")

    # ------------------------------------------------------------------ the snapshot
    def _snapshot(self, review: Review) -> tuple[Subject, ...]:
        """Access as it stands when the instance starts. Later changes show in the next instance."""
        sim, d = self.sim, review.definition
        t, surface = sim.now, review.surface
        kinds = {AssignmentType.ELIGIBLE: {Kind.ELIGIBLE}, AssignmentType.ACTIVE: {Kind.ACTIVE},
                 AssignmentType.ALL: {Kind.ELIGIBLE, Kind.ACTIVE}}[d.assignment_type]
        rows: list[tuple[str, PrincipalKind, object, str]] = []  # principal, kind, schedule, assigned_to
        for s in sorted(sim.schedules_with_role(d.role), key=lambda s: s.id):
            if s.scope != d.scope or s.kind not in kinds or s.origin is Origin.ACTIVATED or not s.holds_at(t):
                continue
            kind = sim.tenant.principal(s.principal).kind
            if kind is PrincipalKind.GROUP and surface is Surface.AZURE:
                if "users" in d.principal_types:  # expanded to the group's direct members
                    for m in sorted(set(access_mod.group_members(sim, s.principal, t))):
                        mk = sim.tenant.principal(m).kind
                        if mk in (PrincipalKind.MEMBER, PrincipalKind.GUEST):
                            rows.append((m, mk, s, s.principal))
            elif kind is PrincipalKind.GROUP:
                if "groups" in d.principal_types and d.reviewers is not Reviewers.SELF:
                    rows.append((s.principal, kind, s, s.principal))
            elif kind is PrincipalKind.SERVICE_PRINCIPAL:
                if "servicePrincipals" in d.principal_types:
                    rows.append((s.principal, kind, s, s.principal))
            elif "users" in d.principal_types:
                rows.append((s.principal, kind, s, s.principal))
        window = facts.RECOMMENDATION_WINDOW_DAYS.value * facts.DAY
        subjects = []
        for principal, kind, s, assigned_to in rows:
            last = None if kind is PrincipalKind.GROUP else sim.last_sign_in(principal)
            if d.inactive_days is not None:
                if kind not in (PrincipalKind.MEMBER, PrincipalKind.GUEST):
                    continue
                if last is not None and t - last <= d.inactive_days * facts.DAY:
                    continue
            if kind is PrincipalKind.GROUP:
                recommendation = ""
            else:
                recommendation = Decision.APPROVE if last is not None and t - last <= window else Decision.DENY
            subjects.append(Subject(principal, kind.value, s.id, s.kind.value, assigned_to,
                                    self._reviewers_of(d, principal, kind), str(recommendation), last))
        return tuple(subjects)

    def _reviewers_of(self, d: AccessReview, principal: str, kind: PrincipalKind) -> tuple[str, ...]:
        sim = self.sim
        if d.reviewers is Reviewers.SELECTED:
            return d.selected
        if d.reviewers is Reviewers.SELF:
            return (principal,)
        if d.reviewers is Reviewers.MANAGER:
            p = sim.tenant.principal(principal)
            manager = p.manager if isinstance(p, User) else None
            return (manager,) if manager else d.fallback
        owners = sorted({s.principal for s in sim.schedules_with_role("Owner")
                         if s.scope == d.scope and s.kind is Kind.ACTIVE and s.usable_at(sim.now)
                         and sim.tenant.principal(s.principal).kind is not PrincipalKind.GROUP})
        return tuple(owners) or d.fallback  # only active owners review; eligible owners don't

    def _simulate_reviewers(self, review: Review, inst: Instance) -> None:
        d, rng = review.definition, self.sim.rng["reviewers"]
        reviewers_of: dict[str, tuple[str, ...]] = {}
        recommendation: dict[str, str] = {}
        for s in inst.subjects:
            reviewers_of.setdefault(s.principal, s.reviewers)
            recommendation.setdefault(s.principal, s.recommendation)
        for principal in sorted(reviewers_of):
            for reviewer in sorted(set(reviewers_of[principal])):
                answer = d.behaviour.response(rng, recommendation[principal], d.recommendations)
                if answer is not None and answer[0] < inst.end - inst.start:
                    delay, yes = answer
                    self.sim.after(delay, self._auto_decide, inst.id, principal, reviewer, yes)

    def _auto_decide(self, instance_id: str, principal: str, reviewer: str, approve: bool) -> None:
        if self.instances[instance_id].status is not InstanceStatus.IN_PROGRESS:
            return
        reason = "Still needs this role" if approve else "No longer needs this role"
        try:
            self.decide(instance_id, principal, approve, by=reviewer, reason=reason)
        except PimRefusal:
            pass

    # ------------------------------------------------------------------ reviewing
    def decide(self, instance_id: str, principal: str, approve: bool, *, by: str, reason: str = "") -> DecisionRecord:
        """A reviewer approves or denies a principal's continued access. Any assigned reviewer may
        decide; a later decision replaces an earlier one. Nothing changes until results are applied."""
        inst = self.instance(instance_id)
        review = self._review(inst)
        action = "approveDecision" if approve else "denyDecision"
        if inst.status is not InstanceStatus.IN_PROGRESS:
            self._refuse(by, action, review, f"Review {inst.id} is {inst.status.value}; decisions are taken only "
                         "while it is in progress.", "AccessReviewNotInProgress")
        rows = [s for s in inst.subjects if s.principal == principal]
        if not rows:
            self._refuse(by, action, review, f"{principal} is not part of review {inst.id}: access is captured when "
                         "an instance starts, and later changes show in the next one.", "PrincipalNotInReview")
        if by not in rows[0].reviewers:
            self._refuse(by, action, review, f"{by} is not a reviewer of {principal} in review {inst.id}.",
                         "NotAReviewer")
        if approve and review.definition.require_reason and not reason.strip():
            self._refuse(by, action, review, "This review requires a reason on approval.", "ReasonRequired")
        rec = DecisionRecord(inst.id, principal, Decision.APPROVE if approve else Decision.DENY, by, reason,
                             self.sim.now, "reviewer")
        self.history.append(rec)
        self._final[inst.id][principal] = rec
        self._log(ReviewActivity.APPROVE if approve else ReviewActivity.DENY, review, by, principal, reason)
        return rec

    def reset(self, instance_id: str, *, by: str = ADMIN) -> Instance:
        """Reset: clear every decision of an instance in progress."""
        inst = self.instance(instance_id)
        review = self._review(inst)
        if inst.status is not InstanceStatus.IN_PROGRESS:
            self._refuse(by, "resetDecisions", review, f"Review {inst.id} is {inst.status.value}; only a review in "
                         "progress can be reset.", "AccessReviewNotInProgress")
        for principal in sorted(self._final[inst.id]):
            self.history.append(DecisionRecord(inst.id, principal, Decision.NOT_REVIEWED, by, "", self.sim.now, "reset"))
            self._log(ReviewActivity.RESET, review, by, principal)
        self._final[inst.id] = {}
        return inst

    def stop(self, instance_id: str, *, by: str = ADMIN) -> Instance:
        """Stop: end an instance now (it can't be restarted); auto-apply then runs if enabled."""
        inst = self.instance(instance_id)
        if inst.status is not InstanceStatus.IN_PROGRESS:
            self._refuse(by, "stopAccessReview", self._review(inst), f"Review {inst.id} is {inst.status.value}; "
                         "a stopped or completed review can't be stopped or restarted.", "AccessReviewNotInProgress")
        self._complete(inst.id, by, "stopped")
        return self.instances[inst.id]

    def _complete(self, instance_id: str, by: str, how: str) -> None:
        inst = self.instances[instance_id]
        if inst.status is not InstanceStatus.IN_PROGRESS:
            return
        review = self._review(inst)
        d = review.definition
        inst = self._set(inst, status=InstanceStatus.COMPLETED, ended=self.sim.now, ended_by=how)
        self._log(ReviewActivity.ENDED, review, by, d.name, how)
        if d.mail_notifications:
            self._mail(inst, "AccessReviewCompleted", [d.created_by], f"Access review {d.name} has completed")
        final = self._final[inst.id]
        defaulted = 0
        for principal in inst.principals():
            if principal in final or d.no_response is NoResponse.NO_CHANGE:
                continue
            if d.no_response is NoResponse.RECOMMENDATION:
                rec = next(s.recommendation for s in inst.subjects if s.principal == principal)
                if not rec:
                    continue
                decision = Decision(rec)
            else:
                decision = Decision.APPROVE if d.no_response is NoResponse.APPROVE else Decision.DENY
            record = DecisionRecord(inst.id, principal, decision, MS_PIM, d.no_response.value, self.sim.now, "noResponse")
            self.history.append(record)
            final[principal] = record
            defaulted += 1
        if defaulted:
            self._log(ReviewActivity.AUTO_REVIEW, review, MS_PIM, d.name, d.no_response.value)
        if d.auto_apply:
            self._apply(inst.id, MS_PIM, auto=True)

    # ------------------------------------------------------------------ applying results
    def apply(self, instance_id: str, *, by: str = ADMIN) -> Instance:
        """Apply a completed instance's results (the Apply button). Applying again changes nothing."""
        inst = self.instance(instance_id)
        if inst.status is InstanceStatus.IN_PROGRESS:
            self._refuse(by, "applyDecisions", self._review(inst), f"Review {inst.id} is still in progress; results "
                         "are applied after it ends or is stopped.", "AccessReviewNotCompleted")
        self._apply(inst.id, by, auto=False)
        return self.instances[inst.id]

    def _apply(self, instance_id: str, by: str, *, auto: bool) -> None:
        inst = self.instances[instance_id]
        if inst.status is not InstanceStatus.COMPLETED or inst.ended_by == "licence":
            return  # already applied (or applying), or ended by the licence lapse: nothing to do
        review = self._review(inst)
        sim = self.sim
        inst = self._set(inst, status=InstanceStatus.APPLYING)
        self._log(ReviewActivity.AUTO_APPLY if auto else ReviewActivity.APPLY_REVIEW, review, by, review.definition.name)
        final = self._final[inst.id]
        for s in inst.subjects:
            rec = final.get(s.principal)
            decision = rec.decision if rec else Decision.NOT_REVIEWED
            source = rec.source if rec else ""
            result, detail = "kept", ""
            if decision is Decision.DENY:
                result, detail = self._remove(review, s)
                self._log(ReviewActivity.APPLY_DECISION, review, by, s.principal, result)
            self.outcomes.append(Outcome(inst.id, review.id, s.principal, s.schedule_id, decision, source, result,
                                         sim.now, detail))
        self._set(inst, status=InstanceStatus.APPLIED, applied=sim.now)

    def _remove(self, review: Review, s: Subject) -> tuple[str, str]:
        """Remove a denied subject's eligible or active assignment, as PIM does when results apply."""
        sim = self.sim
        if review.surface is Surface.AZURE and s.assigned_to != s.principal:
            return "keptInGroup", (f"{s.principal} holds the role through group {s.assigned_to} and isn't removed "
                                   "from the group; an administrator must act.")
        schedule = sim.schedules[s.schedule_id]
        if not schedule.holds_at(sim.now):
            return "alreadyEnded", "the assignment ended before the results were applied"
        try:
            sim.remove(s.schedule_id, by=ADMIN, justification=f"Access review {review.definition.name}: denied")
        except PimRefusal as e:
            return "refused", e.message
        return "removed", ""

    def _set(self, inst: Instance, **changes) -> Instance:
        new = replace(inst, **changes)
        self.instances[inst.id] = new
        return new

    # ------------------------------------------------------------------ licence lapse
    def _on_event(self, sim: UpdateRules, kind: str, payload: object) -> None:
        """When P2 or ID Governance lapses, ongoing reviews of Microsoft Entra roles end and no new
        instance starts (https://learn.microsoft.com/en-us/entra/id-governance/licensing-fundamentals)."""
        if kind != "licence" or sim.licence.has_pim:
            return
        for review in self.series.values():
            if review.surface is not Surface.ENTRA:
                continue
            review.halted = True
            for inst in review.instances:
                if inst.status is InstanceStatus.IN_PROGRESS:
                    self._set(inst, status=InstanceStatus.COMPLETED, ended=sim.now, ended_by="licence")
                    self._log(ReviewActivity.ENDED, review, MS_PIM, review.definition.name, "licence lapsed")

    # ------------------------------------------------------------------ seats
    def reviewers_and_reviewed(self, at: float | None = None) -> tuple[frozenset[str], frozenset[str]]:
        """Reviewers and reviewed users of instances in progress at ``at`` (for seat counting)."""
        t = self.sim.now if at is None else at
        reviewers: set[str] = set()
        reviewed: set[str] = set()
        for inst in self.instances.values():
            if inst.start <= t < (inst.ended if inst.ended is not None else inst.end):
                for s in inst.subjects:
                    reviewers.update(s.reviewers)
                    if s.principal_kind in (PrincipalKind.MEMBER, PrincipalKind.GUEST):
                        reviewed.add(s.principal)
        return frozenset(reviewers), frozenset(reviewed)
