"""The licence seats a tenant needs at one moment, counted from a run's assignments, approvers and reviews.

Seats (https://learn.microsoft.com/en-us/entra/id-governance/licensing-fundamentals): users with
eligible or time-bound assignments (Microsoft Entra roles, Azure roles, PIM for Groups members and
owners), approvers, reviewers and reviewed users each need a seat; 14 eligible users and 3
approvers need 17. Service principals need no P2 seat (reviews of them need Workload ID Premium).
What a tenant can do without the licence is :mod:`pim_sim.core.licensing`.
"""

from __future__ import annotations

from dataclasses import dataclass

from pim_sim import facts
from pim_sim.core import access as access_mod
from pim_sim.core.roles import Surface
from pim_sim.core.schedules import Kind, Origin
from pim_sim.core.tenant import DIRECTORY, PrincipalKind
from pim_sim.results import run as attached
from pim_sim.results.run import Run


@dataclass(frozen=True, slots=True)
class SeatReport:
    """Who needs a seat at one moment, by reason (a person counts once however many reasons apply)."""

    minute: float
    assignees: frozenset[str]
    approvers: frozenset[str]
    reviewers: frozenset[str]
    reviewed: frozenset[str]

    @property
    def people(self) -> frozenset[str]:
        return self.assignees | self.approvers | self.reviewers | self.reviewed

    @property
    def needed(self) -> int:
        return len(self.people)

    def by_reason(self) -> dict[str, int]:
        return {"eligible or time-bound assignees": len(self.assignees), "approvers": len(self.approvers),
                "reviewers": len(self.reviewers), "reviewed users": len(self.reviewed), "seats needed": self.needed}


def _users(sim: Run, name: str, t: float) -> set[str]:
    """The user behind a name: itself, or a group's members (nested groups expanded)."""
    kind = sim.tenant.principal(name).kind
    if kind in (PrincipalKind.MEMBER, PrincipalKind.GUEST):
        return {name}
    if kind is PrincipalKind.GROUP:
        found: set[str] = set()
        for m in access_mod.group_members(sim, name, t):
            if m != name:
                found |= _users(sim, m, t)
        return found
    return set()  # service principals need Workload ID Premium, not a P2 seat


def seats_needed(sim: Run, at: float | None = None) -> SeatReport:
    """The seats the tenant needs at ``at`` (default now)."""
    t = sim.now if at is None else at
    assignees: set[str] = set()
    for s in sim.schedules.values():
        if s.origin is not Origin.ASSIGNED or not s.holds_at(t):
            continue
        if s.kind is Kind.ELIGIBLE or s.end is not None:
            assignees |= _users(sim, s.principal, t)
    approvers: set[str] = set()
    for (_role, scope), settings in sim.settings.overrides.items():
        if not settings.require_approval:
            continue
        for a in settings.approvers:
            approvers |= _users(sim, a, t)
        if not settings.approvers and sim.tenant.scope(scope).surface is Surface.ENTRA:
            for fallback in facts.ENTRA_DEFAULT_APPROVER_ROLES.value:
                for h in access_mod.holders(sim, fallback, DIRECTORY, t):
                    approvers |= _users(sim, h.principal, t)
    reviewers: frozenset[str] = frozenset()
    reviewed: frozenset[str] = frozenset()
    book = attached.reviews(sim)
    if book is not None:  # only when the run has access reviews
        who, what = book.reviewers_and_reviewed(t)
        reviewers = frozenset(u for name in who for u in _users(sim, name, t))
        reviewed = what
    return SeatReport(t, frozenset(assignees), frozenset(approvers), reviewers, reviewed)
