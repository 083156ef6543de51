""""Why can't I connect to this VM on port 3389 now?": the network's verdict (which NSG rule decided, in
processing order) put together with what JIT knows about the VM and port: its JIT state and the reason when
unsupported, whether the port is in the policy and its maximum request time, the grants open now and for which
source, when the last one ended, and the asker's last refused request with its reason.

The verdict is :meth:`JitVm.decide` (facts.NSG_INBOUND_ORDER, NSG_PRIORITY_RANGE); the rest reads the records. A
page or a quiz probe shows the lines as they are.
"""

from __future__ import annotations

from dataclasses import dataclass

from pim_sim.core.clock import iso

from . import facts
from .network import CreatedBy
from .service import CONFIGURED, UNSUPPORTED, JitVm


@dataclass(frozen=True, slots=True)
class ConnectionAnswer:
    allowed: bool
    headline: str
    lines: tuple[str, ...]
    decided_by: str
    rule: str
    rule_created_by: str
    jit_state: str
    documented: bool


def why_connection(jit: JitVm, source: str, vm_id: str, port: int, *, principal: str | None = None,
                   protocol: str = "TCP") -> ConnectionAnswer:
    """Can a new connection from ``source`` reach the VM's ``port`` now, and why (or why not)?"""
    vm = jit.vm(vm_id)
    d = jit.decide(source, vm.id, port, protocol)
    state = jit.jit_state(vm.id)
    lines = []
    if state.status == UNSUPPORTED:
        lines.append(f"JIT: {vm.name} is Unsupported ({state.reason}); JIT can't open or protect its ports.")
    elif state.status != CONFIGURED:
        lines.append(f"JIT: not configured on {vm.name}; nobody can request access to it yet.")
    else:
        rule = jit.entry_of(vm.id).port(port)
        if rule is None:
            ports = ", ".join(str(p.number) for p in jit.entry_of(vm.id).ports)
            lines.append(f"JIT: port {port} is not in {vm.name}'s policy (configured: {ports}); a request can open "
                         "only configured ports.")
        else:
            lines.append(f"JIT: port {port} is in the policy (allowed sources {', '.join(rule.sources)}, maximum "
                         f"request time {rule.max_duration}).")
    grant = jit.grants.get((vm.id, port))
    if grant is not None:
        left = grant.end - jit.now
        lines.append(f"A JIT request ({grant.request}) has port {port} open for {grant.source} for "
                     f"another {iso(left)}.")
    else:
        ended = [s for s in jit.port_status if s.vm == vm.id and s.number == port and s.status.value == "Revoked"]
        if ended:
            last = ended[-1]
            lines.append(f"The last JIT grant on port {port} ended at minute {last.minute:g} ({last.reason.value}); "
                         "request access again.")
        elif state.status == CONFIGURED:
            lines.append(f"No JIT request has opened port {port} yet.")
    if principal is not None:
        granted = [r.minute for r in jit.requests if r.requestor == principal and any(p.vm == vm.id for p in r.ports)]
        since = granted[-1] if granted else -1.0
        mine = [f for f in jit.refusals if f.principal == principal and f.action == "request" and vm.id in f.vms
                and f.minute >= since]
        if mine:  # refused since their last accepted request
            lines.append(f"{principal}'s last request was refused ({mine[-1].reason}): {mine[-1].message}.")
    if d.allowed:
        how = "a rule JIT wrote for an approved request" if d.via_jit else "a rule someone created, not JIT"
        headline = f"Yes: {d.reason}, {how}."
        if not d.via_jit and state.status == CONFIGURED:
            lines.append("A user allow rule with a higher priority than JIT's deny rule bypasses JIT "
                         f"({facts.EXISTING_RULES_KEEP_PRIORITY.source}).")
    else:
        headline = f"No: {d.reason}" + (f" in {d.decided_by}" if d.decided_by else "") + "."
        if d.rule_created_by == CreatedBy.JIT.value:
            headline = f"No: JIT's deny rule blocks it ({d.rule} in {d.decided_by})."
    documented = state.documented
    return ConnectionAnswer(d.allowed, headline, tuple(lines), d.decided_by, d.rule, d.rule_created_by, state.status,
                            documented)
