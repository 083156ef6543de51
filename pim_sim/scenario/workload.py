"""Stochastic workload: eligible users activating their roles during working hours.

Each user with eligible roles is one SimPy process. Activations arrive as a Poisson process at a
per-user rate during working hours (thinned outside them); each picks one of the user's eligible
roles and a requested duration; a user whose chosen role is already active carries on under that
activation instead of asking again. Draws come from the simulation's ``requesters`` stream only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pim_sim.core.schedules import Kind, Origin
from pim_sim.errors import PimRefusal
from pim_sim.facts import DAY, HOUR


@dataclass(frozen=True, slots=True)
class WorkingHours:
    """Working days (0 = Monday) and hours in UTC during which users activate."""

    days: tuple[int, ...] = (0, 1, 2, 3, 4)
    start_hour: float = 8.0
    end_hour: float = 18.0

    def contains(self, weekday: int, hour: float) -> bool:
        return weekday in self.days and self.start_hour <= hour < self.end_hour

    @property
    def hours_per_week(self) -> float:
        return len(self.days) * (self.end_hour - self.start_hour)


@dataclass(frozen=True, slots=True)
class ActivationWorkload:
    """How often and for how long eligible users activate.

    ``rate_per_day`` is activations per user per working day; ``durations`` are requested
    durations in minutes, drawn uniformly."""

    rate_per_day: float = 1.0
    durations: tuple[float, ...] = (1 * HOUR, 2 * HOUR, 4 * HOUR)
    hours: WorkingHours = WorkingHours()
    justification: str = "Scheduled administrative work"
    ticket_prefix: str = "INC"


def start(sim, workload: ActivationWorkload, eligible: Iterable[tuple[str, str, str]], until: float) -> None:
    """Start one activation process per user over their eligible (user, role, scope) triples."""
    by_user: dict[str, list[tuple[str, str]]] = {}
    for user, role, scope in eligible:
        by_user.setdefault(user, []).append((role, scope))
    for user in sorted(by_user):
        sim.env.process(_activations(sim, workload, user, by_user[user], until))


def _activations(sim, workload: ActivationWorkload, user: str, roles: list[tuple[str, str]], until: float):
    if workload.rate_per_day <= 0:
        return
    rng = sim.rng["requesters"]
    hours = workload.hours
    working_day_minutes = (hours.end_hour - hours.start_hour) * HOUR
    rate = workload.rate_per_day / working_day_minutes  # per working minute
    start_weekday = sim.clock.start.weekday()
    start_minute_of_day = sim.clock.start.hour * HOUR + sim.clock.start.minute
    t = sim.now
    n = 0
    while True:
        while True:  # thinning: keep only arrivals inside working hours
            t += rng.expovariate(rate)
            absolute = start_minute_of_day + t
            if hours.contains(int(start_weekday + absolute // DAY) % 7, (absolute % DAY) / HOUR):
                break
        if t >= until:
            return
        yield sim.env.timeout(t - sim.now)
        role, scope = roles[rng.randrange(len(roles))] if len(roles) > 1 else roles[0]
        if sim.find(user, role, scope, Kind.ACTIVE, Origin.ACTIVATED) is not None:
            continue  # the role is active: the user works under the activation they have
        n += 1
        try:
            sim.activate(user, role, scope, duration=workload.durations[rng.randrange(len(workload.durations))],
                         justification=workload.justification, ticket=f"{workload.ticket_prefix}{n:05d}")
        except PimRefusal:
            pass  # recorded in sim.refusals (for example: a request for the role is still pending)
