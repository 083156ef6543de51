"""The delay between an activation being granted and the access being usable.

PIM creates the active assignment "within seconds", and applications may cache role state, so
the new role reaches them a little later; signing out and in again helps
(https://learn.microsoft.com/en-us/entra/id-governance/privileged-identity-management/pim-how-to-activate-role).
Learn gives no numbers: the ranges are model choices (``facts.PROVISIONING_SECONDS`` and
``facts.TOKEN_REFRESH_MINUTES``, both ``documented=False``), and a lesson may set its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from pim_sim import facts
from pim_sim.errors import ModelError


@dataclass(frozen=True, slots=True)
class Lag:
    """Uniform ranges: seconds until PIM provisions the assignment, then minutes until tokens and
    applications pick it up. ``Simulation(lag=Lag(...))`` sets them; ``lag=False`` turns both off."""

    provisioning_seconds: tuple[float, float] = facts.PROVISIONING_SECONDS.value
    token_refresh_minutes: tuple[float, float] = facts.TOKEN_REFRESH_MINUTES.value

    def __post_init__(self) -> None:
        for name in ("provisioning_seconds", "token_refresh_minutes"):
            value = getattr(self, name)
            try:
                low, high = (float(v) for v in value)
            except (TypeError, ValueError):
                raise ModelError(f"lag.{name}: {value!r} is not a range; give [low, high]") from None
            if not 0 <= low <= high:
                raise ModelError(f"lag.{name}: {value!r} is not a range; give [low, high] with 0 <= low <= high")
            object.__setattr__(self, name, (low, high))
