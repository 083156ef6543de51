"""What results read of a run: the core's records and rules, and the features the run attached.

Results never import the composition root (:mod:`pim_sim.simulation`) that builds them: they read a
:data:`Run`, the core's rule stack, which any ``Simulation`` is. Features are attached on first use, so a
run that never used one has none; the accessors below say so with ``None`` instead of creating it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from pim_sim.core.updates import UpdateRules

if TYPE_CHECKING:
    from pim_sim.features.alerts import AlertCenter
    from pim_sim.features.jit_vm import JitVm
    from pim_sim.features.reviews import ReviewBook

Run = UpdateRules  # the kernel's records and PIM's rules: everything results read besides the features


def _attached(run: Run, name: str) -> object | None:
    return vars(run).get(name)  # a feature is a cached property: in the run's dict once it was used


def reviews(run: Run) -> ReviewBook | None:
    """The run's access reviews, or None when it ran none."""
    return cast("ReviewBook | None", _attached(run, "reviews"))


def alerts(run: Run) -> AlertCenter | None:
    """The run's PIM alerts, or None when it never monitored them."""
    return cast("AlertCenter | None", _attached(run, "alerts"))


def jit(run: Run) -> JitVm | None:
    """The run's just-in-time VM access, or None when it didn't use it."""
    return cast("JitVm | None", _attached(run, "jit"))
