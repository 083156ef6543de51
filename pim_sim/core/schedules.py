"""Eligible and active assignment schedules.

A schedule is immutable; a change (extension, removal) replaces it with a new version, so a
schedule object handed out earlier still tells what was true then.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pim_sim.errors import ModelError

_NEVER = float("inf")


class Kind(StrEnum):
    ELIGIBLE = "eligible"
    ACTIVE = "active"

    @classmethod
    def _missing_(cls, value):
        raise ModelError(f"kind: {value!r} is not an assignment kind; expected 'eligible' or 'active'")


class Origin(StrEnum):
    """How the schedule came to be."""

    ASSIGNED = "assigned"  # adminAssign in PIM
    ACTIVATED = "activated"  # selfActivate of an eligible assignment
    OUTSIDE_PIM = "outsidePim"  # made directly (IAM blade, ARM API, Entra roles blade)
    STANDING = "standing"  # a group's membership as the tenant lists it


@dataclass(frozen=True, slots=True)
class Schedule:
    id: str
    principal: str
    role: str
    scope: str
    surface: str
    kind: Kind
    origin: Origin
    start: float
    end: float | None  # None: permanent
    created: float
    request_id: str = ""
    activated_from: str = ""  # the eligible schedule an activation came from
    usable_from: float | None = None  # when a token carries the role (activation lag)
    removed: float | None = None  # when PIM removed it before its end

    @property
    def permanent(self) -> bool:
        return self.end is None

    @property
    def stop(self) -> float:
        """When the schedule stops counting: its removal, its end, or never."""
        removed, end = self.removed, self.end
        if removed is None:
            return _NEVER if end is None else end
        return removed if end is None or removed < end else end

    def holds_at(self, t: float) -> bool:
        """In force at minute t (start inclusive, stop exclusive: before both its removal and its end)."""
        if t < self.start:
            return False
        removed, end = self.removed, self.end
        return (removed is None or t < removed) and (end is None or t < end)

    def usable_at(self, t: float) -> bool:
        """In force and past its provisioning and token-refresh lag."""
        return self.holds_at(t) and (self.usable_from is None or t >= self.usable_from)
