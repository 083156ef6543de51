"""JIT VM access as a discrete-event model: enabling JIT on VMs, requesting access, the NSG and firewall
rules it writes and removes, connections decided by the rules, and the records all of it leaves.

A :class:`JitVm` runs on a host (:mod:`.host`): a :class:`pim_sim.simulation.Simulation`, whose PIM holdings
decide who holds which Azure role when, or a standalone clock. Every rule it enforces names its fact in
:mod:`.facts`.
"""


from __future__ import annotations

from pim_sim.core.clock import minutes
from pim_sim.errors import ModelError

from . import records as rec
from .connections import ConnectionRules, Decision
from .enabling import EnablingRules
from .errors import JitRefusal
from .host import host_of
from .inventory import ADMIN, CONFIGURED, DEFAULT_CALLER_IP, NOT_CONFIGURED, PATHS, UNSUPPORTED, JitState
from .requesting import Grant, RequestRules

__all__ = ["ADMIN", "CONFIGURED", "DEFAULT_CALLER_IP", "NOT_CONFIGURED", "PATHS", "UNSUPPORTED", "Decision", "Grant",
           "JitState", "JitVm", "attach"]


class JitVm(EnablingRules, RequestRules, ConnectionRules):
    """The just-in-time VM access model of one replication. Build with :func:`pim_sim.features.jit_vm.attach`.

    Its parts, one module each: the inventory, look-ups, state and RBAC checks (:mod:`.inventory`), enabling
    (:mod:`.enabling`), requesting (:mod:`.requesting`), connections and exposure (:mod:`.connections`); the
    history views and the timeline live here."""

    # ------------------------------------------------------------------------------------- history
    def grant_intervals(self) -> list[tuple[str, str, int, str, float, float]]:
        """(request, vm, port, source, from, until) for every grant: open from the request until it expired or
        was superseded (``until`` is the planned end while it is still open)."""
        ended = {(s.request, s.vm, s.number): s.minute for s in self.port_status if s.status is rec.PortState.REVOKED}
        return [(r.id, p.vm, p.number, p.source, r.minute, ended.get((r.id, p.vm, p.number), p.end_minute))
                for r in self.requests for p in r.ports]

    def port_status_at(self, request: str, vm: str, number: int, at: float | None = None) -> rec.PortStatus | None:
        t = self.now if at is None else at
        found = None
        for s in self.port_status:
            if s.minute > t:
                break
            if s.request == request and s.vm == vm and s.number == number:
                found = s
        return found

    def recommendation_history(self, vm_id: str | None = None) -> list[rec.RecommendationState]:
        vid = None if vm_id is None else self.vm(vm_id).id
        return [r for r in self.recommendations if vid is None or r.vm == vid]

    def run(self, until) -> JitVm:
        """Advance the host's clock to an absolute minute (or ISO duration from the start)."""
        self.host.run(minutes(until))
        return self

    def at(self, when, action) -> None:
        """Run ``action`` at an absolute time; a refusal is recorded, not raised."""
        delay = minutes(when) - self.now
        if delay < 0:
            raise ModelError(f"can't schedule an action in the past (minute {minutes(when):g})")
        self.host.after(delay, _attempt, action)


def _attempt(action) -> None:
    try:
        action()
    except JitRefusal:
        pass  # already recorded




def attach(sim=None) -> JitVm:
    """JIT VM access on ``sim`` (a :class:`pim_sim.simulation.Simulation`, a host, or None for a standalone clock)."""
    return JitVm(host_of(sim))
