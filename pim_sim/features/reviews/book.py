"""The review book: creates reviews, starts their instances, collects decisions and applies results."""


from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from pim_sim import facts
from pim_sim.core import access as access_mod
from pim_sim.core.audit import Service
from pim_sim.core.clock import minutes
from pim_sim.core.events import ADMIN, MS_PIM, Notification
from pim_sim.core.roles import Surface
from pim_sim.core.schedules import Kind, Origin, Schedule
from pim_sim.core.tenant import Licence, PrincipalKind, User
from pim_sim.errors import ModelError, PimRefusal

if TYPE_CHECKING:
    from pim_sim.core.updates import UpdateRules


from pim_sim.features.reviews.definition import (
    _MONTHS,
    _USER_MANAGEMENT,
    AccessReview,
    AssignmentType,
    Decision,
    Frequency,
    InstanceStatus,
    NoResponse,
    ReviewActivity,
    Reviewers,
    add_months,
)
from pim_sim.features.reviews.review import DecisionRecord, Instance, Outcome, Subject


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
        rows: list[tuple[str, PrincipalKind, Schedule, str]] = []  # principal, kind, schedule, assigned_to
        for s in sorted(sim.holding_schedules(d.role), key=lambda s: s.id):  # activations are never reviewed
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
        assert d.behaviour is not None, "only reviews with a behaviour are simulated"
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
