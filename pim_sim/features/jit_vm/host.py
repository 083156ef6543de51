"""The one place JIT touches the simulation it runs in.

JIT needs five things from its host: the SimPy environment and the current minute, the UTC time of
a minute, a random stream of its own, a way to run a function later, and the Azure roles a
principal holds at a scope at a moment. :class:`SimulationHost` gets them from a
:class:`pim_sim.simulation.Simulation` through its public surface (``env``, ``now``, ``clock``, ``seed``,
``stream``, ``holds``); :class:`StandaloneHost` provides them without PIM (no one holds a role through PIM),
for JIT-only runs and benchmarks. When the kernel publishes its surface, only this module changes.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime

import simpy

from pim_sim.core.clock import DEFAULT_START, Clock
from pim_sim.errors import ModelError

STREAM_KEY = 0x4A49_5456  # "JITV": a standalone host's stream, from its seed alone
STREAM_NAME = "jit_vm"  # the kernel's named stream JIT draws from on a Simulation (Kernel.stream)


def _stream(seed: int) -> random.Random:
    import numpy as np  # a standalone host only; a Simulation host uses the kernel's named stream

    state = np.random.SeedSequence([int(seed), STREAM_KEY]).generate_state(1, np.uint64)[0]
    return random.Random(int(state))


class Host:
    """What JIT uses of its host (see the module docstring)."""

    env: simpy.Environment
    clock: Clock
    rng: random.Random

    @property
    def now(self) -> float:
        return self.env.now

    def time(self, minute: float) -> datetime:
        return self.clock.at(minute)

    def after(self, delay: float, fn: Callable, *args) -> None:
        """Call ``fn(*args)`` ``delay`` minutes from now (a SimPy timeout with a callback)."""
        ev = self.env.timeout(delay)
        ev.callbacks.append(lambda _ev: fn(*args))

    def run(self, until: float) -> None:
        """Advance to minute ``until``, with everything due at that minute done."""
        if until > self.env.now:
            self.env.run(until=until)
        while self.env.peek() <= until:
            self.env.step()

    def holds(self, principal: str, role: str, scopes: tuple[str, ...], at: float) -> bool:
        return False


class StandaloneHost(Host):
    """A host with its own clock and seed and no PIM."""

    def __init__(self, *, seed: int = 0, start: datetime = DEFAULT_START):
        self.env = simpy.Environment()
        self.clock = Clock(start)
        self.seed = seed
        self.rng = _stream(seed)


class SimulationHost(Host):
    """A :class:`pim_sim.simulation.Simulation` as JIT's host: its clock, its seed and PIM's Azure role holdings."""

    def __init__(self, sim):
        self.sim = sim
        self.env = sim.env
        self.clock = sim.clock
        self.seed = sim.seed
        self.rng = sim.stream(STREAM_NAME)  # independent of PIM's own streams: asking for it changes none of them

    def holds(self, principal: str, role: str, scopes: tuple[str, ...], at: float) -> bool:
        """Does PIM give ``principal`` usable ``role`` at the most specific of ``scopes`` (narrowest first)
        that the tenant knows? An eligible role counts only while activated (that is ``Simulation.holds``)."""
        for scope in scopes:
            try:
                return self.sim.holds(principal, role, scope, at=at)
            except ModelError:
                continue  # a scope (or principal) the tenant doesn't have: try the next one up
        return False


def host_of(sim) -> Host:
    """The host for ``sim``: a Simulation, an existing host, or None for a standalone one."""
    if sim is None:
        return StandaloneHost()
    if isinstance(sim, Host):
        return sim
    return SimulationHost(sim)
