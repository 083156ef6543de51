"""A scenario's ``jit:`` section checked once before any run: it is built on a throwaway simulation with the
starting PIM assignments made, so an unknown subnet, a refused policy (an unsupported VM, a plan without JIT)
or a bad time in its timeline becomes an error at its place in the file, like PIM's own problems."""

from __future__ import annotations

import re

from pim_sim.errors import ModelError, PimRefusal
from pim_sim.features.jit_vm.spec import JitSpecError, build
from pim_sim.scenario.built import Built
from pim_sim.scenario.timeline import make_assignment
from pim_sim.simulation import Simulation

_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def field_path(field: str) -> tuple:
    """``timeline[2].vm`` as ``("timeline", 2, "vm")``."""
    return tuple(int(i) if i else k for k, i in _PART.findall(field))


def jit_problems(scenario: Built) -> list[tuple[tuple, str]]:
    """(field path, message) for each problem of the scenario's ``jit:`` section (the first one the build meets)."""
    spec = scenario.spec
    if spec.jit is None:
        return []
    sim = Simulation(scenario.tenant, scenario.settings, lag=False)
    for a in scenario.assignments:
        if a.start == 0:
            try:
                make_assignment(sim, a)
            except (PimRefusal, ModelError):
                continue  # reported by the PIM checks
    try:
        build(spec.jit, sim.jit, until=spec.horizon)
    except JitSpecError as e:
        return [(("jit", *field_path(e.field)), e.problem)]
    except ModelError as e:
        return [(("jit",), str(e))]
    return []
