"""What the P2 or ID Governance licence pays for: the seats a tenant needs and what a tenant
without it can and cannot do.

Seats (https://learn.microsoft.com/en-us/entra/id-governance/licensing-fundamentals): users with
eligible or time-bound assignments (Microsoft Entra roles, Azure roles, PIM for Groups members and
owners), approvers, reviewers and reviewed users each need a seat; 14 eligible users and 3
approvers need 17. Service principals need no P2 seat (reviews of them need Workload ID Premium).
What a lapse does is in :meth:`pim_sim.core.assignments.AssignmentRules.set_licence`, ``sim.reviews`` and
``sim.alerts``; :data:`CAPABILITIES` sums it up and the tests check each line against the engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pim_sim import facts
from pim_sim.core import access as access_mod
from pim_sim.core.roles import Surface
from pim_sim.core.schedules import Kind, Origin
from pim_sim.core.tenant import DIRECTORY, Licence, PrincipalKind

if TYPE_CHECKING:
    from pim_sim.core.kernel import Kernel

_LAPSE = facts.SOURCES["licence_lapse"]


@dataclass(frozen=True, slots=True)
class Capability:
    """Something a tenant does, and whether it needs P2 or ID Governance."""

    name: str
    needs_pim: bool
    source: str = _LAPSE
    note: str = ""

    def allowed(self, licence: Licence | str) -> bool:
        return Licence(licence).has_pim or not self.needs_pim


CAPABILITIES: tuple[Capability, ...] = (
    Capability("Make eligible assignments", True),
    Capability("Activate an eligible role", True),
    Capability("Make time-bound active assignments in PIM", True),
    Capability("Change PIM role settings", True),
    Capability("Create access reviews of privileged roles", True),
    Capability("Get PIM security alerts and emails", True, note="Only the licence alert stands after a lapse."),
    Capability("Open PIM's Resource audit and My audit", True),
    Capability("Keep permanent active assignments", False,
               note="Permanent active assignments survive a lapse; time-bound active ones become permanent."),
    Capability("Assign a role permanently outside PIM (Entra roles blade, Azure IAM)", False,
               source=f"{facts.PIM}/pim-how-to-configure-security-alerts"),
    Capability("Read the Microsoft Entra audit logs", False, source=facts.ENTRA_AUDIT_RETENTION_MINUTES.source,
               note="7 days on Free, 30 days with P1 or P2."),
)


def capabilities(licence: Licence | str) -> list[tuple[Capability, bool]]:
    """Each capability and whether a tenant with ``licence`` has it."""
    return [(c, c.allowed(licence)) for c in CAPABILITIES]


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


def _users(sim: Kernel, name: str, t: float) -> set[str]:
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


def seats_needed(sim: Kernel, at: float | None = None) -> SeatReport:
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
    if "reviews" in vars(sim):  # only when the run has access reviews
        who, what = vars(sim)["reviews"].reviewers_and_reviewed(t)
        reviewers = frozenset(u for name in who for u in _users(sim, name, t))
        reviewed = what
    return SeatReport(t, frozenset(assignees), frozenset(approvers), reviewers, reviewed)
