"""Stochastic workload: eligible users activating their roles during working hours.

Each user with eligible roles is one process (timers in SimPy's queue, see ``start``). Activations
arrive as a Poisson process at a per-user rate during working hours (thinned outside them); each
picks one of the user's eligible roles and a requested duration; a user whose chosen role is
already active carries on under that activation instead of asking again. Draws come from the
simulation's ``requesters`` stream only.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass
from math import log as _log

import simpy.core

from pim_sim.core.schedules import Kind, Origin
from pim_sim.core.streams import Call
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
    env = sim.env
    tickets: dict[str, str] = {}  # ticket numbers repeat from user to user: one copy of each
    for user in sorted(by_user):
        # A user's process starts as a SimPy process would (an urgent entry now, in the same queue order) and
        # then waits on plain timers (Kernel.after): the same draws at the same minutes, without a generator,
        # a Process and a Timeout per arrival.
        heapq.heappush(env._queue, (env._now, simpy.core.URGENT, next(env._eid),
                                    Call(_Activations(sim, workload, user, by_user[user], until, tickets).next, ())))


class _Activations:
    """One user's activations: a Poisson arrival in working hours, a role, then an activation request."""

    __slots__ = ("days", "end_hour", "n", "random", "randrange", "rate", "roles", "sim", "start_hour",
                 "start_minute_of_day", "start_weekday", "t", "tickets", "until", "user", "workload")

    def __init__(self, sim, workload: ActivationWorkload, user: str, roles: list[tuple[str, str]], until: float,
                 tickets: dict[str, str]):
        hours = workload.hours
        self.sim, self.workload, self.user, self.roles, self.until = sim, workload, user, roles, until
        rng = sim.rng["requesters"]
        self.random, self.randrange = rng.random, rng.randrange
        day = (hours.end_hour - hours.start_hour) * HOUR
        self.rate = workload.rate_per_day / day if workload.rate_per_day > 0 else 0.0  # per working minute
        self.days, self.start_hour, self.end_hour = hours.days, hours.start_hour, hours.end_hour
        self.start_weekday = sim.clock.start.weekday()
        self.start_minute_of_day = sim.clock.start.hour * HOUR + sim.clock.start.minute
        self.t = 0.0
        self.n = 0
        self.tickets = tickets

    def next(self) -> None:
        """Draw the next arrival inside working hours and wait for it (nothing once past the horizon)."""
        if self.workload.rate_per_day <= 0:
            return
        self.t = now = self.sim.env._now
        self._wait(now)

    def _wait(self, now: float) -> None:
        rate, random, days, low, high = self.rate, self.random, self.days, self.start_hour, self.end_hour
        weekday, minute_of_day = self.start_weekday, self.start_minute_of_day
        t = self.t
        while True:  # thinning: keep only arrivals inside working hours (rng.expovariate, inlined)
            t += -_log(1.0 - random()) / rate
            absolute = minute_of_day + t
            if int(weekday + absolute // DAY) % 7 in days and low <= (absolute % DAY) / HOUR < high:
                break
        self.t = t
        if t >= self.until:
            return
        self.sim.after(t - now, self._arrive)

    def _arrive(self) -> None:
        sim, roles, user = self.sim, self.roles, self.user
        role, scope = roles[self.randrange(len(roles))] if len(roles) > 1 else roles[0]
        if sim.find(user, role, scope, Kind.ACTIVE, Origin.ACTIVATED) is None:
            # not active (otherwise the user works under the activation they have)
            self.n += 1
            workload = self.workload
            duration = workload.durations[self.randrange(len(workload.durations))]
            ticket = f"{workload.ticket_prefix}{self.n:05d}"
            try:
                sim.submit_activation(user, role, scope, duration=duration, justification=workload.justification,
                                       ticket=self.tickets.setdefault(ticket, ticket))
            except PimRefusal:
                pass  # recorded in sim.refusals (for example: a request for the role is still pending)
        self._wait(sim.env._now)
