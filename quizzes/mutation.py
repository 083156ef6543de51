"""Mutation score of the bank: change one rule of the engine and see whether an item notices.

Each :class:`Mutant` changes a fact in :mod:`pim_sim.facts` (the engine reads facts at call
time) or replaces one rule function, then the whole bank is verified. A mutant is **killed**
when at least one item disagrees; a **survivor** is a rule the bank doesn't test. The score is
killed / mutants; :func:`main` prints it and lists the survivors (``pim-sim`` has no command for
it yet: ``python -m quizzes.mutation``).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TextIO

from pim_sim import facts

H, D = 60.0, 24 * 60.0


@dataclass(frozen=True, slots=True)
class Mutant:
    name: str
    rule: str  # the rule it breaks, in words
    apply: Callable[[], Any]  # a context manager factory


@contextmanager
def fact(name: str, value: Any) -> Iterator[None]:
    """``facts.<name>`` holds ``value`` inside the block."""
    old = getattr(facts, name)
    setattr(facts, name, facts.Fact(value, old.source, old.documented, "mutated"))
    try:
        yield
    finally:
        setattr(facts, name, old)


@contextmanager
def attribute(module: Any, name: str, value: Any) -> Iterator[None]:
    old = getattr(module, name)
    setattr(module, name, value)
    try:
        yield
    finally:
        setattr(module, name, old)


def _audit_without_entra_log():
    from pim_sim.core import audit
    from pim_sim.core.audit import Place

    real = audit.places
    return attribute(audit, "places", lambda r: tuple(p for p in real(r) if p is not Place.ENTRA_AUDIT_PIM))


@contextmanager
def together(*managers: Any) -> Iterator[None]:
    """Several changes at once (a fact and the engine code that reads it when the model is built)."""
    from contextlib import ExitStack

    with ExitStack() as stack:
        for m in managers:
            stack.enter_context(m)
        yield


def _default_maximum(minutes: float):
    """The unmodified Entra policy's activation maximum: the fact and the default settings built from it."""
    from dataclasses import replace

    from pim_sim.core import policy
    from pim_sim.core.roles import Surface

    defaults = {**policy._DEFAULTS, Surface.ENTRA: replace(policy._DEFAULTS[Surface.ENTRA], activation_max=minutes)}
    return together(fact("DEFAULT_ACTIVATION_MAX_MINUTES", minutes), attribute(policy, "_DEFAULTS", defaults))


class _NoSuchPrincipal:
    """Stands in for ServicePrincipal in the assignment rules: no principal is one, so no rule fires."""


def _service_principals_unrestricted():
    from pim_sim.core import assignments

    return together(fact("SERVICE_PRINCIPAL_ELIGIBLE", True), attribute(assignments, "ServicePrincipal", _NoSuchPrincipal))


def _pim_on(*licences: str):
    from pim_sim.core import kernel
    from pim_sim.core.tenant import Licence

    has_pim = property(lambda self: self.value in licences)
    return together(fact("PIM_LICENCES", licences), attribute(Licence, "has_pim", has_pim),
                    attribute(kernel, "_PIM_LICENCES", frozenset(Licence(v) for v in licences)))  # the kernel's copy


def _review_rule(name: str, replacement: Callable[..., Any]):
    from pim_sim.features.reviews.book import ReviewBook

    return attribute(ReviewBook, name, replacement)


def _azure_group_member_removed():
    """Denied Azure members who hold the role through a group: the group's assignment is removed instead."""
    from pim_sim.core.events import ADMIN as admin
    from pim_sim.features.reviews.book import ReviewBook

    real = ReviewBook._remove

    def remove(self, review, s):
        if s.assigned_to != s.principal:
            self.sim.remove(s.schedule_id, by=admin, justification="mutant")
            return "removed", ""
        return real(self, review, s)

    return together(fact("REVIEW_AZURE_GROUP_MEMBER_KEPT", False), _review_rule("_remove", remove))


def _denials_not_applied():
    return _review_rule("_remove", lambda self, review, s: ("kept", "mutant"))


def _reset_keeps_decisions():
    from pim_sim.features.reviews.book import ReviewBook

    return _review_rule("reset", lambda self, instance_id, by="admin": ReviewBook.instance(self, instance_id))


def _fallback_reviews_everyone():
    from pim_sim.features.reviews.book import ReviewBook
    from pim_sim.features.reviews.definition import Reviewers

    real = ReviewBook._reviewers_of

    def reviewers_of(self, d, principal, kind):
        found = real(self, d, principal, kind)
        return tuple(dict.fromkeys((*found, *d.fallback))) if d.reviewers is Reviewers.MANAGER else found

    return _review_rule("_reviewers_of", reviewers_of)


def _group_reviews_on_p2():
    from types import SimpleNamespace

    from pim_sim.core.tenant import Licence
    from pim_sim.features.reviews import book

    return together(fact("REVIEW_GROUPS_LICENCE", ("P2",)), attribute(book, "Licence", SimpleNamespace(GOVERNANCE=Licence.P2)))


def _seats_without_reviewers():
    """Seat counting that forgets reviewers and reviewed users."""
    from dataclasses import replace

    from pim_sim.results import seats as licensing

    real = licensing.seats_needed

    def seats(sim, at=None):
        report = real(sim, at)
        return replace(report, reviewers=frozenset(), reviewed=frozenset())

    return attribute(licensing, "seats_needed", seats)


def _reviews_survive_lapse():
    return _review_rule("_on_event", lambda self, sim, kind, payload: None)


def _without(name: str, role: str):
    return fact(name, tuple(r for r in getattr(facts, name).value if r != role))


def _retention(**changes):
    return fact("ENTRA_AUDIT_RETENTION_MINUTES", {**facts.ENTRA_AUDIT_RETENTION_MINUTES.value, **changes})


def _thresholds(**changes):
    return fact("ALERT_THRESHOLD_RANGES", {**facts.ALERT_THRESHOLD_RANGES.value, **changes})


MUTANTS: tuple[Mutant, ...] = (
    Mutant("approval-window-48h", "approvers have 24 hours", lambda: fact("APPROVAL_WINDOW_MINUTES", 2 * D)),
    Mutant("extend-window-30d", "extend only within 14 days of the end", lambda: fact("EXTEND_WINDOW_MINUTES", 30 * D)),
    Mutant("renew-window-90d", "renew within 30 days after expiry", lambda: fact("RENEW_WINDOW_MINUTES", 90 * D)),
    Mutant("no-deactivation-guard", "no deactivation within 5 minutes",
           lambda: fact("NO_DEACTIVATE_WITHIN_MINUTES", 0.0)),
    Mutant("no-removal-guard", "no removal within 5 minutes", lambda: fact("NO_REMOVE_WITHIN_MINUTES", 0.0)),
    Mutant("minimum-assignment-1min", "assignments last 5 minutes at least",
           lambda: fact("MIN_ASSIGNMENT_MINUTES", 1.0)),
    Mutant("default-maximum-4h", "activation maximum 8 hours by default", lambda: _default_maximum(4 * H)),
    Mutant("maximum-range-to-48h", "activation maximum 1 to 24 hours",
           lambda: fact("ACTIVATION_MAX_RANGE_MINUTES", (30.0, 48 * H))),
    Mutant("self-approval", "no self-approval", lambda: fact("SELF_APPROVAL_ALLOWED", True)),
    Mutant("service-principal-eligible", "service principals can't be eligible (nor permanent)",
           _service_principals_unrestricted),
    Mutant("last-ga-unprotected", "the last Global Administrator can't be removed",
           lambda: fact("LAST_GLOBAL_ADMIN_PROTECTED", ())),
    Mutant("default-approvers-ga-only", "PRA and GA approve when no approver is chosen",
           lambda: fact("ENTRA_DEFAULT_APPROVER_ROLES", ("Global Administrator",))),
    Mutant("expiry-notices-7d", "notices 14 days and 1 day before expiry",
           lambda: fact("EXPIRY_NOTICE_MINUTES", (7 * D, D, 0.0))),
    Mutant("pim-audit-view-90d", "PIM's own audit shows 30 days", lambda: fact("PIM_AUDIT_VIEW_MINUTES", 90 * D)),
    Mutant("entra-audit-free-30d", "the Entra audit log keeps 7 days on Free", lambda: _retention(Free=30 * D)),
    Mutant("entra-audit-p2-90d", "the Entra audit log keeps 30 days on P2", lambda: _retention(P2=90 * D)),
    Mutant("entra-audit-without-pim", "PIM events are also in the Entra audit log", _audit_without_entra_log),
    Mutant("activity-log-60d", "the Activity Log keeps 90 days", lambda: fact("ACTIVITY_LOG_RETENTION_MINUTES", 60 * D)),
    Mutant("pim-on-p1", "PIM needs P2 or ID Governance", lambda: _pim_on("P1", "P2", "Governance")),
    Mutant("review-monthly-30d", "a monthly review lasts 27 days at most",
           lambda: fact("REVIEW_MAX_DURATION_DAYS", {**facts.REVIEW_MAX_DURATION_DAYS.value, "monthly": 30})),
    Mutant("review-recommendation-90d", "recommendations look at 30 days of sign-ins",
           lambda: fact("RECOMMENDATION_WINDOW_DAYS", 90)),
    Mutant("review-azure-group-member-removed", "a denied group member keeps the Azure role",
           _azure_group_member_removed),
    Mutant("review-denials-not-applied", "applying results removes denied users' assignments", _denials_not_applied),
    Mutant("review-reset-keeps-decisions", "Reset clears every decision of a review", _reset_keeps_decisions),
    Mutant("review-fallback-for-everyone", "the fallback reviewer reviews only users without a manager",
           _fallback_reviews_everyone),
    Mutant("review-inactive-365d", "the inactive-users filter takes up to 730 days",
           lambda: fact("REVIEW_INACTIVE_DAYS_MAX", 365)),
    Mutant("review-groups-on-p2", "reviews of PIM for Groups need ID Governance", _group_reviews_on_p2),
    Mutant("alert-unused-range-200", "unused-role threshold 0 to 100 days", lambda: _thresholds(unused_days=(0, 200))),
    Mutant("alert-outside-pim-7d", "the outside-PIM alert stays 30 days",
           lambda: fact("ALERT_OUTSIDE_PIM_WINDOW_MINUTES", 7 * D)),
    Mutant("alert-stale-range-730", "stale-account threshold 1 to 365 days", lambda: _thresholds(stale_days=(1, 730))),
    Mutant("alert-outside-pim-email-no-secadmin", "Security Administrators get the outside-PIM email",
           lambda: fact("ALERT_OUTSIDE_PIM_RECIPIENTS", {**facts.ALERT_OUTSIDE_PIM_RECIPIENTS.value,
                                                         "entra": ("Privileged Role Administrator",
                                                                   "Global Administrator")})),
    Mutant("pim-audit-readers-no-security-reader", "Security Reader opens PIM's Resource audit",
           lambda: _without("PIM_RESOURCE_AUDIT_READER_ROLES", "Security Reader")),
    Mutant("entra-audit-readers-no-reports-reader", "Reports Reader reads the Entra audit logs",
           lambda: _without("ENTRA_AUDIT_READER_ROLES", "Reports Reader")),
    Mutant("alert-min-global-admins-range-3", "the too-many-Global-Administrators minimum takes 2 to 100",
           lambda: _thresholds(min_global_admins=(3, 100))),
    Mutant("alert-renewals-range-1", "activation renewals threshold 2 to 100",
           lambda: _thresholds(activation_renewals=(1, 100))),
    Mutant("entra-audit-p1-7d", "the Entra audit log keeps 30 days on P1", lambda: _retention(P1=7 * D)),
    Mutant("seats-without-reviewers", "reviewers and reviewed users need seats", _seats_without_reviewers),
    Mutant("reviews-survive-lapse", "ongoing reviews of Entra roles end when the licence lapses",
           _reviews_survive_lapse),
    Mutant("approval-email-slow", "approval emails arrive within about 3 to 15 minutes",
           lambda: fact("APPROVAL_EMAIL_MINUTES", (30.0, 60.0, 90.0))),
    Mutant("notification-recipients-1", "up to 1000 recipients get each email",
           lambda: fact("MAX_NOTIFICATION_RECIPIENTS", 1)),
)


@dataclass(frozen=True, slots=True)
class Outcome:
    mutant: Mutant
    killed_by: tuple[str, ...]  # the items that disagree
    error: str = ""

    @property
    def killed(self) -> bool:
        return bool(self.killed_by)


def run(mutants: tuple[Mutant, ...] = MUTANTS, bank=None) -> list[Outcome]:
    from .bank import load_bank
    from .verify import verify_bank

    bank = bank or load_bank()
    out = []
    for m in mutants:
        try:
            with m.apply():
                failures = verify_bank(bank).failures
            out.append(Outcome(m, tuple(c.question_id for c in failures)))
        except Exception as e:
            out.append(Outcome(m, (), f"{type(e).__name__}: {e}"))
    return out


def print_report(outcomes: list[Outcome], out: TextIO | None = None) -> None:
    out = out or sys.stdout
    for o in outcomes:
        state = "killed " if o.killed else "SURVIVED"
        who = ", ".join(o.killed_by[:4]) + (" ..." if len(o.killed_by) > 4 else "")
        print(f"{state} {o.mutant.name:36} {o.mutant.rule}; {who or o.error}".rstrip("; "), file=out)
    killed = sum(o.killed for o in outcomes)
    print(f"mutation score={killed}/{len(outcomes)} survivors="
          + (",".join(o.mutant.name for o in outcomes if not o.killed) or "none"), file=out)


def main() -> int:
    outcomes = run()
    print_report(outcomes)
    return 0 if all(o.killed for o in outcomes) else 1


if __name__ == "__main__":
    raise SystemExit(main())
