"""Connections and exposure: a connection attempt decided by the NSGs in processing order (and a firewall's
DNAT), the internet exposure of each VM port (standing, through JIT only, or closed), and the Defender for Cloud
recommendation each VM shows over time.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from pim_sim.core.clock import minutes

from . import facts
from . import records as rec
from .inventory import CONFIGURED, UNSUPPORTED, Inventory
from .network import (
    Access,
    CreatedBy,
    DnatRule,
    SecurityRule,
    VirtualMachine,
    evaluate,
    in_vnet,
    port_in,
    prefix_matches,
    protocol_matches,
)


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    decided_by: str
    rule: str
    rule_created_by: str
    reason: str
    via_jit: bool



class ConnectionRules(Inventory):
    """Decide connections, track exposure and the recommendation (a part of
    :class:`~pim_sim.features.jit_vm.service.JitVm`)."""

    def decide(self, source: str, vm_id: str, port: int, protocol: str = "TCP") -> Decision:
        """Would a new connection from ``source`` to the VM's port get through now? From outside the VNet the
        path is the VM's public IP, else a usable Azure Firewall's DNAT; then the subnet NSG and the NIC NSG
        in that order, each deciding by its first matching rule (facts.NSG_INBOUND_ORDER, NSG_PRIORITY_RANGE)."""
        vm = self.vm(vm_id)
        space = self._space(vm)
        seen_source = source
        via_jit = False
        if not in_vnet(source, space) and vm.public_ip is None:
            fw = self._usable_firewall(vm)
            if fw is None:
                return Decision(False, "", "", "", "the VM has no public IP and no firewall DNAT path", False)
            dnat = next((d for d in self.dnat[fw.id].values()
                         if d.translated_ip == vm.private_ip and d.translated_port == port
                         and protocol_matches(d.protocol, protocol)
                         and any(prefix_matches(s, source, space) for s in d.sources)), None)
            if dnat is None:
                return Decision(False, fw.id, "", "", "no DNAT rule on the firewall matches", False)
            via_jit = dnat.created_by is CreatedBy.JIT
            seen_source = fw.private_ip  # facts.FIREWALL_SNAT_SOURCE
        last = None
        for nsg in self.nsgs_of(vm):
            verdict = evaluate(nsg, self._in_order(nsg), seen_source, vm.private_ip, port, protocol, space)
            if verdict.access is Access.DENY:
                return Decision(False, nsg, verdict.rule.name, verdict.rule.created_by.value,
                                f"denied by {verdict.rule.name} (priority {verdict.rule.priority})", False)
            via_jit = via_jit or verdict.rule.created_by is CreatedBy.JIT
            last = verdict
        if last is None:
            return Decision(True, "", "", "", "no NSG filters this VM", via_jit)
        return Decision(True, last.nsg, last.rule.name, last.rule.created_by.value,
                        f"allowed by {last.rule.name} (priority {last.rule.priority})", via_jit)

    def connect(self, source: str, vm_id: str, port: int, *, protocol: str = "TCP",
                session_minutes: float | None = None) -> rec.Connection:
        """A connection attempt now. An allowed one opens a session that outlives the rule that let it in
        (facts.EXPIRY_RESTORES, NSG_EXISTING_CONNECTIONS)."""
        vm = self.vm(vm_id)
        d = self.decide(source, vm.id, port, protocol)
        end = None if not d.allowed or session_minutes is None else self.now + minutes(session_minutes)
        c = rec.Connection(len(self.connections), self.now, source, vm.id, port, protocol, d.allowed, d.decided_by,
                           d.rule, d.rule_created_by, d.reason, end, d.via_jit)
        self.connections.append(c)
        return c

    def sessions_open(self, at: float | None = None) -> tuple[rec.Connection, ...]:
        t = self.now if at is None else at
        return tuple(c for c in self.connections
                     if c.allowed and c.minute <= t and (c.session_end is None or t < c.session_end))

    # ------------------------------------------------------------------------------------- exposure, recommendation
    def _tracked_ports(self, vm: VirtualMachine) -> tuple[int, ...]:
        ports = set(facts.MANAGEMENT_PORTS.value)
        if self.policy_of(vm.id) is not None:
            ports.update(p.number for p in self.entry_of(vm.id).ports)
        return tuple(sorted(ports))

    def _internet_sources(self, vm: VirtualMachine, port: int) -> list[str]:
        """Internet addresses worth asking about: a representative one, and one inside each allow rule's source."""
        space = self._space(vm)
        found = {facts.INTERNET_PROBE.value}
        rules = [r for n in self.nsgs_of(vm) for r in self.nsgs[n].values() if r.access is Access.ALLOW]
        fw = self._usable_firewall(vm)
        dnats = list(self.dnat[fw.id].values()) if fw else []
        candidates: list[SecurityRule | DnatRule] = [*rules, *dnats]
        for r in candidates:
            ranges = r.ports if isinstance(r, SecurityRule) else ((r.translated_port, r.translated_port),)
            if not port_in(port, ranges):
                continue
            for s in r.sources:
                if s.casefold() in ("*", "any", "internet", "0.0.0.0/0", "virtualnetwork", "azureloadbalancer"):
                    continue
                addr = str(ipaddress.ip_network(s, strict=False).network_address)
                if not in_vnet(addr, space):
                    found.add(addr)
        return sorted(found)

    def exposure_state(self, vm_id: str, port: int) -> str:
        """'standing', 'jit' or 'closed': can the internet reach the port now, and only through JIT rules?"""
        vm = self.vm(vm_id)
        kinds = set()
        for src in self._internet_sources(vm, port):
            d = self.decide(src, vm.id, port, "TCP")
            if d.allowed:
                kinds.add("jit" if d.via_jit else "standing")
        return "standing" if "standing" in kinds else "jit" if "jit" in kinds else "closed"

    def recommendation_state(self, vm_id: str) -> rec.RecommendationState:
        """The recommendation for one VM now (facts.RECOMMENDATION_MAPPING)."""
        vm = self.vm(vm_id)
        state = self.jit_state(vm.id)
        open_ports = tuple(p for p in facts.MANAGEMENT_PORTS.value if self._exposure_now.get((vm.id, p)) == "standing")
        if state.status == CONFIGURED:
            value = "Healthy"
        elif state.status == UNSUPPORTED or not open_ports:
            value = "NotApplicable"
        else:
            value = "Unhealthy"
        return rec.RecommendationState(self.now, vm.id, value, state.status, open_ports)

    def _touch(self, vms, ports: tuple[int, ...] | None = None) -> None:
        """Re-evaluate exposure (of ``ports``, default all tracked) and the recommendation of the VMs."""
        for vm in vms:
            for port in self._tracked_ports(vm) if ports is None else ports:
                state = self.exposure_state(vm.id, port)
                if self._exposure_now.get((vm.id, port)) != state:
                    self._exposure_now[(vm.id, port)] = state
                    self.exposure.append(rec.Exposure(self.now, vm.id, port, state))
            r = self.recommendation_state(vm.id)
            key = (r.state, r.jit_state, r.open_ports)
            if self._rec_now.get(vm.id) != key:
                self._rec_now[vm.id] = key
                self.recommendations.append(r)

