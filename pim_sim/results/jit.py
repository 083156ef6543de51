"""Headline numbers of a run's just-in-time VM access (``sim.jit``), beside PIM's :meth:`Results.metrics`.

Every name is present whether or not the run used JIT (zeros then), so a scenario's observations and the
dashboard can name them: internet exposure minutes of management ports, standing (a rule someone created)
and through JIT only, from :func:`pim_sim.features.jit_vm.metrics.exposure_minutes`; requests granted and
refused; connection attempts allowed and denied; VMs by JIT state at the horizon.
"""

from __future__ import annotations

from pim_sim.features.jit_vm import metrics as jit_tables
from pim_sim.features.jit_vm.inventory import CONFIGURED, UNSUPPORTED
from pim_sim.results import run as attached
from pim_sim.results.run import Run

NAMES = ("jit_standing_exposure_minutes", "jit_exposure_minutes", "jit_requests", "jit_refusals",
         "jit_connections_allowed", "jit_connections_denied", "jit_vms_configured", "jit_vms_unsupported")


def jit_metrics(sim: Run, horizon: float) -> dict[str, float]:
    jit = attached.jit(sim)
    if jit is None:
        return dict.fromkeys(NAMES, 0.0)
    exposure = jit_tables.exposure_minutes(jit, horizon)
    by_kind = exposure.groupby("kind")["minutes"].sum() if len(exposure) else {}
    states = [jit.jit_state(v).status for v in jit.vms]
    allowed = sum(1 for c in jit.connections if c.allowed)
    values = (float(by_kind.get("standing", 0.0)), float(by_kind.get("jit", 0.0)), len(jit.requests),
              sum(1 for f in jit.refusals if f.action == "request"), allowed, len(jit.connections) - allowed,
              states.count(CONFIGURED), states.count(UNSUPPORTED))
    return {name: float(v) for name, v in zip(NAMES, values, strict=True)}
