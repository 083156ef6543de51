"""Requesting access: the checks a request passes (RBAC, support, port, source, duration; no approval step),
the allow rules and DNAT rules a grant writes above the deny rules, and their removal at the end time or when a
newer request supersedes them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from pim_sim.core.clock import iso, minutes
from pim_sim.errors import ModelError

from . import facts
from . import records as rec
from .errors import JitRefusal, RefusalReason
from .inventory import DEFAULT_CALLER_IP, Grant, Inventory
from .network import (
    Access,
    CreatedBy,
    DnatRule,
    SecurityRule,
    VirtualMachine,
    prefix_within,
)
from .policy import JitPortRule


class RequestRules(Inventory):
    """Request, grant and expire access (a part of :class:`~pim_sim.features.jit_vm.service.JitVm`)."""

    def request(self, principal: str, vms: str | Mapping[str, Iterable], ports: Iterable | None = None, *,
                duration=None, source: str | None = None, caller_ip: str = DEFAULT_CALLER_IP,
                justification: str = "", strict: bool = False) -> rec.JitRequestRecord:
        """Request access (REST Initiate, Start-AzJitNetworkAccessPolicy, or the portal's Request access).

        ``vms`` is one VM (with ``ports``) or a mapping of VMs to their ports; a port is a number or a mapping
        with ``number`` and optional ``source`` and ``duration``. ``source`` None means the caller's IP ('My IP',
        facts.OMITTED_SOURCE_IS_CALLER); ``duration`` None means the port's maximum. There is no approval step
        (facts.NO_APPROVAL): the request opens the ports at once or is refused with a :class:`JitRefusal`."""
        asks = self._asks(vms, ports, duration, source, caller_ip)
        vm_ids = tuple(dict.fromkeys(a[0].id for a in asks))
        numbers = tuple(a[1] for a in asks)
        first = asks[0][0]
        policy_id = self._policy_of_vm.get(first.id, first.id)
        try:
            self._validate_request(principal, asks, strict)
        except JitRefusal as e:
            raise self._refuse(principal, "request", vm_ids, numbers, e, policy_id) from None
        return self._open(principal, asks, justification, caller_ip)

    def _asks(self, vms, ports, duration, source, caller_ip):
        if isinstance(vms, str):
            if ports is None:
                raise ModelError("request: give the ports to open")
            targets = {vms: ports}
        else:
            targets = vms
        asks = []
        for name, wanted in targets.items():
            vm = self.vm(name)
            for p in ([wanted] if isinstance(wanted, int | Mapping) else wanted):
                spec = p if isinstance(p, Mapping) else {"number": p}
                number = spec.get("number")
                if isinstance(number, bool) or not isinstance(number, int):
                    raise ModelError(f"request: port {number!r} is not a port number")
                src = spec.get("source", source) or caller_ip
                dur = spec.get("duration", duration)
                asks.append((vm, number, src, None if dur is None else minutes(dur)))
        if not asks:
            raise ModelError("request: no port given")
        return asks

    def _validate_request(self, principal: str, asks, strict: bool) -> None:
        for vm, number, src, dur in asks:
            lacking = self.missing_for_request(principal, vm.id, strict=strict)
            if lacking:
                fact = facts.REQUEST_ACTIONS if strict else facts.RBAC_CHECK
                raise JitRefusal(RefusalReason.NO_PERMISSION, f"{principal} lacks {', '.join(lacking)} on {vm.name} "
                                 "now", fact=fact)
            self._check_supported(vm)
            policy = self.policy_of(vm.id)
            if policy is None:
                raise JitRefusal(RefusalReason.NOT_CONFIGURED, f"JIT is not enabled on {vm.name}", fact=facts.NOT_CONFIGURED)
            rule = self.entry_of(vm.id).port(number)
            if rule is None:
                configured = ", ".join(str(p.number) for p in self.entry_of(vm.id).ports)
                raise JitRefusal(RefusalReason.PORT_NOT_IN_POLICY, f"port {number} is not in {vm.name}'s JIT policy "
                                 f"(configured: {configured})", fact=facts.PORTS_IN_POLICY)
            try:
                inside = any(prefix_within(src, allowed) for allowed in rule.sources)
            except ModelError as e:
                raise JitRefusal(RefusalReason.INVALID_REQUEST, str(e), fact=facts.OMITTED_SOURCE_IS_CALLER) from None
            if not inside:
                raise JitRefusal(RefusalReason.SOURCE_OUTSIDE_RANGE, f"source {src} is not inside port {number}'s "
                                 f"allowed sources ({', '.join(rule.sources)})", fact=facts.SOURCE_WITHIN_RANGE)
            mins = rule.max_minutes if dur is None else dur
            if mins <= 0:
                raise JitRefusal(RefusalReason.INVALID_REQUEST, f"the end time of port {number} must be after the "
                                 "start", fact=facts.PORTS_IN_POLICY)
            if mins > rule.max_minutes:
                raise JitRefusal(RefusalReason.DURATION_OVER_MAXIMUM, f"{iso(mins)} for port {number} is over its "
                                 f"maximum request time {rule.max_duration}", fact=facts.PORTS_IN_POLICY)

    def _open(self, principal: str, asks, justification: str, caller_ip: str) -> rec.JitRequestRecord:
        now = self.now
        rid = self._next("jitreq")
        opened = []
        for vm, number, src, dur in asks:
            rule = self.entry_of(vm.id).port(number)
            if rule is None:  # checked by _validate_request
                raise ModelError(f"port {number} is not in {vm.name}'s JIT policy")
            end = now + (rule.max_minutes if dur is None else dur)
            old = self.grants.get((vm.id, number))
            if old is not None:
                self._close(old, rec.StatusReason.NEWER_REQUEST)  # facts.NEWER_SUPERSEDES
            opened.append(self._grant(rid, vm, rule, src, now, end))
        record = rec.JitRequestRecord(rid, self._policy_of_vm[asks[0][0].id], now, self.host.time(now), principal,
                                      justification, tuple(rec.RequestedPort(g.vm, g.port, g.source, g.end,
                                                                            self._mapped_port(g)) for g in opened))
        self.requests.append(record)
        for g in opened:
            self.port_status.append(rec.PortStatus(now, rid, g.vm, g.port, rec.PortState.INITIATED,
                                                   rec.StatusReason.USER_REQUESTED))
            self.host.after(g.end - now, self._expire, g)
        props = {"vms": ";".join(dict.fromkeys(g.vm for g in opened)), "ports": ",".join(str(g.port) for g in opened),
                 "sources": ",".join(g.source for g in opened), "justification": justification, "callerIp": caller_ip}
        self._log(facts.INITIATE_OPERATION, facts.INITIATE_ACTION, principal, "Started", record.policy, props, True, rid)
        self._log(facts.INITIATE_OPERATION, facts.INITIATE_ACTION, principal, "Succeeded", record.policy, props,
                  facts.SUCCEEDED_FOLLOW_UP.documented, rid)
        for g in opened:
            self._touch((self.vms[g.vm],), (g.port,))
        return record

    def _mapped_port(self, g: Grant) -> int | None:
        if g.dnat is None:
            return None
        return self.dnat[g.dnat[0]][g.dnat[1]].port

    def _grant(self, rid: str, vm: VirtualMachine, rule: JitPortRule, source: str, start: float, end: float) -> Grant:
        """Allow rules above the deny rule in each NSG (facts.ALLOW_ABOVE_DENY, ALLOW_PRIORITY_BASE) and a DNAT rule
        on a usable Azure Firewall (fact 59)."""
        written = []
        caller = facts.RESOURCE_PROVIDER_CALLER.value
        for nsg in self.nsgs_of(vm):
            deny = self.nsgs[nsg].get(self._deny_name(vm))
            priority = self._free_priority(nsg, facts.ALLOW_PRIORITY_BASE.value, deny.priority if deny else None)
            if priority is None:
                raise ModelError(f"NSG {nsg}: no free priority above the JIT deny rule of {vm.name}")
            name = f"{facts.RULE_NAME.value}-{vm.name}-{rule.number}-{rid}"
            allow = SecurityRule(name, priority, Access.ALLOW, (source,), (vm.private_ip,),
                                 ((rule.number, rule.number),), rule.protocol, created_by=CreatedBy.JIT,
                                 description=f"{facts.RULE_DESCRIPTION.value} ({vm.name})", vm=vm.id, grant=rid)
            self._put_rule(nsg, allow, caller)
            self._log(facts.NSG_RULE_OPERATION, "Microsoft.Network/networkSecurityGroups/securityRules/write", caller,
                      "Succeeded", f"{nsg}/securityRules/{name}", {"vms": vm.id}, True, rid)
            written.append((nsg, name))
        dnat = None
        fw = self._usable_firewall(vm)
        if fw is not None:
            self._mapped += 1
            name = f"{facts.FIREWALL_COLLECTION.value}-{vm.name}-{rule.number}-{rid}"
            d = DnatRule(name, facts.FIREWALL_COLLECTION.value, (source,), self._mapped, vm.private_ip, rule.number,
                         "TCP" if rule.protocol == "*" else rule.protocol, CreatedBy.JIT, vm.id, rid)
            self.dnat[fw.id][name] = d
            self._log_rule(fw.id, "add", d, caller)
            dnat = (fw.id, name)
        g = Grant(rid, vm.id, rule.number, source, start, end, tuple(written), dnat)
        self.grants[(vm.id, rule.number)] = g
        return g

    def _close(self, g: Grant, reason: rec.StatusReason) -> None:
        """Remove the grant's rules: the NSG (and firewall) are as before the request (facts.EXPIRY_RESTORES)."""
        caller = facts.RESOURCE_PROVIDER_CALLER.value
        for nsg, name in g.rules:
            if name in self.nsgs[nsg]:
                self._drop_rule(nsg, name, caller)
                self._log(facts.NSG_RULE_OPERATION, "Microsoft.Network/networkSecurityGroups/securityRules/delete",
                          caller, "Succeeded", f"{nsg}/securityRules/{name}", {"vms": g.vm}, True, g.request)
        if g.dnat is not None and g.dnat[1] in self.dnat[g.dnat[0]]:
            self._log_rule(g.dnat[0], "remove", self.dnat[g.dnat[0]].pop(g.dnat[1]), caller)
        del self.grants[(g.vm, g.port)]
        self.port_status.append(rec.PortStatus(self.now, g.request, g.vm, g.port, rec.PortState.REVOKED, reason))

    def _expire(self, g: Grant) -> None:
        if self.grants.get((g.vm, g.port)) is g:
            self._close(g, rec.StatusReason.EXPIRED)
            self._touch((self.vms[g.vm],), (g.port,))

