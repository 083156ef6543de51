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
    Mutant("default-maximum-4h", "activation maximum 8 hours by default",
           lambda: fact("DEFAULT_ACTIVATION_MAX_MINUTES", 4 * H)),
    Mutant("maximum-range-to-48h", "activation maximum 1 to 24 hours",
           lambda: fact("ACTIVATION_MAX_RANGE_MINUTES", (30.0, 48 * H))),
    Mutant("self-approval", "no self-approval", lambda: fact("SELF_APPROVAL_ALLOWED", True)),
    Mutant("service-principal-eligible", "service principals can't be eligible",
           lambda: fact("SERVICE_PRINCIPAL_ELIGIBLE", True)),
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
    Mutant("pim-on-p1", "PIM needs P2 or ID Governance", lambda: fact("PIM_LICENCES", ("P1", "P2", "Governance"))),
    Mutant("review-monthly-30d", "a monthly review lasts 27 days at most",
           lambda: fact("REVIEW_MAX_DURATION_DAYS", {**facts.REVIEW_MAX_DURATION_DAYS.value, "monthly": 30})),
    Mutant("review-recommendation-90d", "recommendations look at 30 days of sign-ins",
           lambda: fact("RECOMMENDATION_WINDOW_DAYS", 90)),
    Mutant("review-azure-group-member-removed", "a denied group member keeps the Azure role",
           lambda: fact("REVIEW_AZURE_GROUP_MEMBER_KEPT", False)),
    Mutant("alert-unused-range-200", "unused-role threshold 0 to 100 days", lambda: _thresholds(unused_days=(0, 200))),
    Mutant("alert-outside-pim-7d", "the outside-PIM alert stays 30 days",
           lambda: fact("ALERT_OUTSIDE_PIM_WINDOW_MINUTES", 7 * D)),
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
