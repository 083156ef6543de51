"""What the P2 or ID Governance licence pays for: what a tenant without it can and cannot do (the seats
a tenant needs are counted from a run's records by :mod:`pim_sim.results.seats`).

What a lapse does is in :meth:`pim_sim.core.assignments.AssignmentRules.set_licence`, ``sim.reviews`` and
``sim.alerts``; :data:`CAPABILITIES` sums it up and the tests check each line against the engine.
"""

from __future__ import annotations

from dataclasses import dataclass

from pim_sim import facts
from pim_sim.core.tenant import Licence

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
