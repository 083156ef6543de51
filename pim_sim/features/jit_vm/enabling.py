"""Enabling JIT on VMs: the policy from Defender for Cloud, the VM blade, PowerShell or REST, the deny rules it
writes to each NSG with the priorities the facts give, the clean-up of redundant JIT rules, and deleting a policy.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from pim_sim.errors import ModelError

from . import facts
from .errors import JitRefusal, RefusalReason
from .inventory import ADMIN, PATHS, Inventory
from .network import (
    Access,
    CreatedBy,
    SecurityRule,
    VirtualMachine,
    ports_overlap,
    prefix_matches,
)
from .policy import JitPolicy, JitPortRule, JitVmEntry, check_name, defender_proposal, port_rule, vm_blade_proposal


class EnablingRules(Inventory):
    """Enable, replace and delete JIT policies (a part of :class:`~pim_sim.features.jit_vm.service.JitVm`)."""

    def enable(self, vms: str | Iterable[str], *, by: str = ADMIN, path: str = "defender",
               ports: Iterable[JitPortRule | Mapping | int] | None = None, policy_name: str | None = None,
               location: str = "westeurope") -> JitPolicy:
        """Enable JIT on VMs from Defender for Cloud ('defender': ports 22, 3389, 5985, 5986 proposed), the VM
        blade ('vm_blade': one port by OS, 3 hours, Any), PowerShell or REST (ports required). Each VM is merged
        into its resource group's policy (``default``)."""
        if path not in PATHS:
            raise ModelError(f"path {path!r} is not one of {', '.join(PATHS)}")
        names = [vms] if isinstance(vms, str) else list(vms)
        policy = None
        for name in names:
            vm = self.vm(name)
            try:
                entry = self._checked_entry(vm, by, path, ports, policy_name or facts.POLICY_DEFAULT_NAME.value)
            except JitRefusal as e:
                raise self._refuse(by, "enable", (vm.id,), (), e, vm.id) from None
            policy = self._store_entry(vm, entry, policy_name, location, by)
        if policy is None:
            raise ModelError("enable: no VM given")
        return policy

    def _checked_entry(self, vm: VirtualMachine, by: str, path: str, ports, policy_name: str) -> JitVmEntry:
        lacking = self.missing_for_configure(by, vm.id)
        if lacking:
            raise JitRefusal(RefusalReason.NO_PERMISSION, f"{by} lacks {', '.join(lacking)} on {vm.name}",
                             fact=facts.CONFIGURE_ACTIONS)
        self._check_supported(vm)
        check_name(policy_name, vm)
        if ports is None:
            if path in ("powershell", "rest"):
                raise JitRefusal(RefusalReason.INVALID_POLICY, "PowerShell and REST need the ports (ports[] is "
                                 "required)", fact=facts.POLICY_TYPE)
            rules = vm_blade_proposal(vm) if path == "vm_blade" else defender_proposal(vm)
        else:
            rules = tuple(_as_port_rule(p) for p in ports)
        numbers = [r.number for r in rules]
        if not rules or len(set(numbers)) != len(numbers):
            raise JitRefusal(RefusalReason.INVALID_POLICY, f"ports {numbers} must be given, each once",
                             fact=facts.POLICY_TYPE)
        fw = self._usable_firewall(vm)
        return JitVmEntry(vm.id, rules, fw.public_ip if fw else None)

    def _check_supported(self, vm: VirtualMachine) -> None:
        sub = self.subscriptions[vm.subscription]
        reason = self._unsupported(vm, sub)
        if reason is facts.PLAN_MISSING_STATE:
            raise JitRefusal(RefusalReason.PLAN_MISSING, f"{vm.subscription} has Defender for Servers "
                             f"{sub.plan.value}; JIT needs Plan 2", fact=facts.PLAN_REQUIRED)
        if reason is not None:
            raise JitRefusal(RefusalReason.UNSUPPORTED_VM, f"{vm.name}: {reason.value}", fact=reason)

    def _store_entry(self, vm: VirtualMachine, entry: JitVmEntry, policy_name: str | None, location: str,
                     by: str) -> JitPolicy:
        pid = self._policy_of_vm.get(vm.id)
        if pid is not None and policy_name in (None, self.policies[pid].name):
            policy = self.policies[pid]
        else:
            policy = JitPolicy(vm.resource_group, location, policy_name or facts.POLICY_DEFAULT_NAME.value)
            policy = self.policies.get(policy.id, policy)
        policy = policy.with_entry(entry)
        self._commit(policy, by)
        return policy

    def put_policy(self, policy: JitPolicy, *, by: str = ADMIN) -> JitPolicy:
        """REST CreateOrUpdate: the body replaces the named policy (facts.PUT_OVERWRITES). A VM left out is
        no longer configured; its rules stay as they were (facts.REMOVED_PORT_STAYS_BLOCKED)."""
        for entry in policy.vms:
            vm = self.vm(entry.vm)
            try:
                lacking = self.missing_for_configure(by, vm.id)
                if lacking:
                    raise JitRefusal(RefusalReason.NO_PERMISSION, f"{by} lacks {', '.join(lacking)} on {vm.name}",
                                     fact=facts.CONFIGURE_ACTIONS)
                self._check_supported(vm)
                check_name(policy.name, vm)
                if vm.resource_group != policy.resource_group:
                    raise JitRefusal(RefusalReason.INVALID_POLICY, f"{vm.name} is not in {policy.resource_group}",
                                     fact=facts.POLICY_TYPE)
            except JitRefusal as e:
                raise self._refuse(by, "enable", (vm.id,), (), e, policy.id) from None
        old = self.policies.get(policy.id)
        if old is not None:
            for kept in old.vms:
                if policy.entry(kept.vm) is None:
                    self._policy_of_vm.pop(kept.vm, None)
        self._commit(policy, by)
        return policy

    def _commit(self, policy: JitPolicy, by: str) -> None:
        self.policies[policy.id] = policy
        touched = []
        for entry in policy.vms:
            self._policy_of_vm[entry.vm] = policy.id
            vm = self.vms[entry.vm]
            for nsg in self.nsgs_of(vm):
                self._write_deny(nsg, vm, entry)
            touched.append(vm)
        for nsg in {n for vm in touched for n in self.nsgs_of(vm)}:
            self._cleanup(nsg)
        props = {"vms": ";".join(e.vm for e in policy.vms)}
        self._log(facts.WRITE_OPERATION, "Microsoft.Security/locations/jitNetworkAccessPolicies/write", by,
                  "Succeeded", policy.id, props, True)
        self._touch(touched)

    def _free_priority(self, nsg: str, start: int, below: int | None = None) -> int | None:
        taken = {r.priority for r in self.nsgs[nsg].values() if r.direction == "Inbound"}
        hi = facts.NSG_PRIORITY_RANGE.value[1] if below is None else below - 1
        return next((p for p in range(start, hi + 1) if p not in taken), None)

    def _deny_name(self, vm: VirtualMachine) -> str:
        return f"{facts.RULE_NAME.value}_-{vm.name}"  # facts.DENY_ALLOW_NAME_FORMS

    def _write_deny(self, nsg: str, vm: VirtualMachine, entry: JitVmEntry) -> None:
        """One deny rule for the VM's policy ports (facts.ONE_DENY_RULE_PER_VM). Existing rules on those ports
        keep their priority over it; with none it takes top priority among them (facts.EXISTING_RULES_KEEP_PRIORITY,
        DENY_PRIORITY_BASE)."""
        ports = tuple(sorted((p.number, p.number) for p in entry.ports))
        protocols = {p.protocol for p in entry.ports}
        protocol = protocols.pop() if len(protocols) == 1 else "*"
        name = self._deny_name(vm)
        current = self.nsgs[nsg].get(name)
        if current is not None and current.ports == ports and current.protocol == protocol:
            return
        if current is not None:
            self._drop_rule(nsg, name, facts.RESOURCE_PROVIDER_CALLER.value)
        existing = [r.priority for r in self.nsgs[nsg].values()
                    if r.direction == "Inbound" and r.created_by is CreatedBy.USER and ports_overlap(r.ports, ports)
                    and any(prefix_matches(d, vm.private_ip, self._space(vm)) for d in r.destinations)]
        start = max(existing) + 1 if existing else facts.DENY_PRIORITY_BASE.value
        priority = self._free_priority(nsg, start)
        if priority is None:
            raise ModelError(f"NSG {nsg}: no free priority below 4096 for the JIT deny rule of {vm.name}")
        rule = SecurityRule(name, priority, Access.DENY, ("*",), (vm.private_ip,), ports, protocol,
                            created_by=CreatedBy.JIT, description=f"{facts.RULE_DESCRIPTION.value} ({vm.name})",
                            vm=vm.id)
        self._put_rule(nsg, rule, facts.RESOURCE_PROVIDER_CALLER.value)

    def _cleanup(self, nsg: str) -> None:
        """Remove redundant built-in JIT rules: a duplicate at lower priority, or one whose VM doesn't match its
        destination. Rules people created are never touched (facts.CLEANUP)."""
        seen: set = set()
        jit_rules = [r for r in self.nsgs[nsg].values() if r.created_by is CreatedBy.JIT]
        vm_name = {r.vm: self.vms[r.vm].name for r in jit_rules if r.vm in self.vms}
        # the rule JIT maintains (its canonical name) first, then by priority: the others are the duplicates
        jit_rules.sort(key=lambda r: (r.name != f"{facts.RULE_NAME.value}_-{vm_name.get(r.vm, '')}", r.priority))
        for rule in jit_rules:
            vm = self.vms.get(rule.vm)
            # one deny rule per VM (facts.ONE_DENY_RULE_PER_VM); an allow rule is a duplicate of the same grant's
            key = (rule.vm, rule.access) if rule.access is Access.DENY else (
                rule.vm, rule.access, rule.ports, rule.sources, rule.protocol, rule.grant)
            if key in seen or vm is None or vm.private_ip not in rule.destinations:
                self._drop_rule(nsg, rule.name, facts.RESOURCE_PROVIDER_CALLER.value)
            else:
                seen.add(key)

    def delete_policy(self, policy_id: str, *, by: str = ADMIN) -> None:
        """Delete a policy; its VMs are no longer configured and their rules stay (facts.REMOVED_PORT_STAYS_BLOCKED)."""
        policy = self.policies.pop(policy_id, None)
        if policy is None:
            raise ModelError(f"{policy_id!r} is not a JIT policy here")
        for e in policy.vms:
            self._policy_of_vm.pop(e.vm, None)
        self._log(facts.DELETE_OPERATION, "Microsoft.Security/locations/jitNetworkAccessPolicies/delete", by,
                  "Succeeded", policy_id, {"vms": ";".join(e.vm for e in policy.vms)}, True)
        self._touch(self.vms[e.vm] for e in policy.vms)



def _as_port_rule(p) -> JitPortRule:
    if isinstance(p, JitPortRule):
        return p
    if isinstance(p, int) and not isinstance(p, bool):
        return port_rule(p)
    if isinstance(p, Mapping):
        known = {"number", "protocol", "sources", "max_duration"}
        extra = set(p) - known
        if extra:
            raise ModelError(f"port: unknown field(s) {', '.join(sorted(extra))}; known: {', '.join(sorted(known))}")
        return port_rule(p.get("number"), protocol=p.get("protocol", "*"), sources=p.get("sources", "*"),
                         max_duration=p.get("max_duration"))
    raise ModelError(f"port: {p!r} is not a port number, a mapping or a JitPortRule")

