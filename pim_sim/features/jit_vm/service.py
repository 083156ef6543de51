"""JIT VM access as a discrete-event model: enabling JIT on VMs, requesting access, the NSG and firewall
rules it writes and removes, connections decided by the rules, and the records all of it leaves.

A :class:`JitVm` runs on a host (:mod:`.host`): a :class:`pim_sim.simulation.Simulation`, whose PIM holdings
decide who holds which Azure role when, or a standalone clock. Every rule it enforces names its fact in
:mod:`.facts`.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pim_sim.core.clock import iso, minutes
from pim_sim.errors import ModelError

from . import facts
from . import records as rec
from .errors import JitRefusal, RefusalReason
from .host import Host, host_of
from .network import (
    Access,
    AzureFirewall,
    CreatedBy,
    DnatRule,
    Plan,
    SecurityRule,
    Subnet,
    Subscription,
    VirtualMachine,
    VirtualNetwork,
    evaluate,
    in_vnet,
    ordered,
    port_in,
    ports_overlap,
    prefix_matches,
    prefix_within,
    protocol_matches,
)
from .policy import JitPolicy, JitPortRule, JitVmEntry, check_name, defender_proposal, port_rule, vm_blade_proposal
from .rbac import BUILT_IN, RoleDefinition, allows, missing

ADMIN = "admin"  # an unnamed administrator allowed everything (set-up scripts that don't care who)
DEFAULT_CALLER_IP = "198.51.100.20"  # the requester's address when a test or workload doesn't say (TEST-NET-2)
CONFIGURED, NOT_CONFIGURED, UNSUPPORTED = "Configured", "Not configured", "Unsupported"
PATHS = ("defender", "vm_blade", "powershell", "rest")


@dataclass(frozen=True, slots=True)
class JitState:
    """A VM's row on the Just-in-time VM access page (fact 82)."""

    status: str
    reason: str = ""
    documented: bool = True
    source: str = ""


@dataclass(frozen=True, slots=True)
class Grant:
    """An open port: the request that opened it, its source, end and the rules written for it."""

    request: str
    vm: str
    port: int
    source: str
    start: float
    end: float
    rules: tuple[tuple[str, str], ...]  # (nsg id, rule name)
    dnat: tuple[str, str] | None  # (firewall id, rule name)


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    decided_by: str
    rule: str
    rule_created_by: str
    reason: str
    via_jit: bool


class JitVm:
    """The just-in-time VM access model of one replication. Build with :func:`pim_sim.features.jit_vm.attach`."""

    def __init__(self, host: Host):
        self.host = host
        self.subscriptions: dict[str, Subscription] = {}
        self.vnets: dict[str, VirtualNetwork] = {}
        self.subnets: dict[str, Subnet] = {}
        self.vms: dict[str, VirtualMachine] = {}
        self.firewalls: dict[str, AzureFirewall] = {}
        self.nsgs: dict[str, dict[str, SecurityRule]] = {}
        self.dnat: dict[str, dict[str, DnatRule]] = {}
        self.roles: dict[str, RoleDefinition] = dict(BUILT_IN)
        self.standing: list[tuple[str, str, str]] = []  # (principal, role, scope) assigned outside PIM
        self.policies: dict[str, JitPolicy] = {}
        self._policy_of_vm: dict[str, str] = {}
        self.grants: dict[tuple[str, int], Grant] = {}
        # record streams (append-only)
        self.rule_log: list[rec.RuleChange] = []
        self.requests: list[rec.JitRequestRecord] = []
        self.port_status: list[rec.PortStatus] = []
        self.activity: list[rec.ActivityEntry] = []
        self.refusals: list[rec.JitRefusalRecord] = []
        self.recommendations: list[rec.RecommendationState] = []
        self.connections: list[rec.Connection] = []
        self.exposure: list[rec.Exposure] = []
        self._plan_log: list[tuple[float, str, Plan]] = []
        self._rec_now: dict[str, str] = {}
        self._exposure_now: dict[tuple[str, int], str] = {}
        self._ordered: dict[str, tuple] = {}
        self._counter = 0
        self._mapped = facts.MAPPED_PORT_BASE.value

    # ------------------------------------------------------------------------------------- inventory
    @property
    def now(self) -> float:
        return self.host.now

    def add_subscription(self, sub_id: str, plan: Plan | str = Plan.PLAN_2, *,
                         jit_disabled_in_security_policy: bool = False) -> Subscription:
        s = Subscription(sub_id, Plan(plan), jit_disabled_in_security_policy)
        self.subscriptions[sub_id] = s
        self._plan_log.append((self.now, sub_id, s.plan))
        return s

    def set_plan(self, sub_id: str, plan: Plan | str) -> None:
        """Change the Defender for Servers plan. Plan 2 configures no VM by itself (facts.PLAN_DOESNT_ENABLE)."""
        old = self._subscription(sub_id)
        self.subscriptions[sub_id] = Subscription(sub_id, Plan(plan), old.jit_disabled_in_security_policy)
        self._plan_log.append((self.now, sub_id, Plan(plan)))
        self._touch(v for v in self.vms.values() if v.subscription == sub_id)

    def add_vnet(self, vnet_id: str, address_space=("10.0.0.0/16",)) -> VirtualNetwork:
        v = VirtualNetwork(vnet_id, tuple(address_space) if not isinstance(address_space, str) else (address_space,))
        self.vnets[vnet_id] = v
        return v

    def add_subnet(self, subnet_id: str, vnet: str, prefix: str, nsg: str | None = None) -> Subnet:
        if vnet not in self.vnets:
            raise ModelError(f"subnet {subnet_id!r}: {vnet!r} is not a virtual network here")
        if nsg is not None:
            self.nsgs.setdefault(nsg, {})
        s = Subnet(subnet_id, vnet, prefix, nsg)
        self.subnets[subnet_id] = s
        return s

    def add_nsg(self, nsg_id: str, rules: Iterable[SecurityRule] = (), *, by: str = ADMIN) -> None:
        self.nsgs.setdefault(nsg_id, {})
        for r in rules:
            self.add_rule(nsg_id, r, by=by)

    def add_firewall(self, fw: AzureFirewall) -> AzureFirewall:
        if fw.vnet not in self.vnets:
            raise ModelError(f"firewall {fw.id!r}: {fw.vnet!r} is not a virtual network here")
        self.firewalls[fw.id] = fw
        self.dnat.setdefault(fw.id, {})
        return fw

    def add_vm(self, vm: VirtualMachine) -> VirtualMachine:
        self._subscription(vm.subscription)
        if vm.subnet not in self.subnets:
            raise ModelError(f"VM {vm.name!r}: {vm.subnet!r} is not a subnet here")
        if vm.firewall is not None and vm.firewall not in self.firewalls:
            raise ModelError(f"VM {vm.name!r}: {vm.firewall!r} is not an Azure Firewall here")
        if vm.nic_nsg is not None:
            self.nsgs.setdefault(vm.nic_nsg, {})
        self.vms[vm.id] = vm
        self._touch((vm,))
        return vm

    def add_rule(self, nsg: str, rule: SecurityRule, *, by: str = ADMIN) -> SecurityRule:
        """Add a rule to an NSG (a person's edit, or a redeployment that copies a JIT rule back). Priorities are
        100-4096 and unique per direction; names unique (facts.NSG_PRIORITY_RANGE)."""
        rules = self._nsg(nsg)
        lo, hi = facts.NSG_PRIORITY_RANGE.value
        if not lo <= rule.priority <= hi:
            raise ModelError(f"NSG {nsg}: rule {rule.name!r} priority {rule.priority} is outside {lo}-{hi}")
        if rule.name in rules:
            raise ModelError(f"NSG {nsg}: a rule named {rule.name!r} exists already")
        clash = next((r for r in rules.values() if r.priority == rule.priority and r.direction == rule.direction), None)
        if clash is not None:
            raise ModelError(f"NSG {nsg}: priority {rule.priority} ({rule.direction}) is taken by {clash.name!r}")
        self._put_rule(nsg, rule, by)
        self._touch(self._vms_behind(nsg))
        return rule

    def remove_rule(self, nsg: str, name: str, *, by: str = ADMIN) -> None:
        rules = self._nsg(nsg)
        if name not in rules:
            raise ModelError(f"NSG {nsg}: no rule named {name!r}")
        self._drop_rule(nsg, name, by)
        self._touch(self._vms_behind(nsg))

    def add_dnat(self, firewall: str, rule: DnatRule, *, by: str = ADMIN) -> DnatRule:
        if firewall not in self.firewalls:
            raise ModelError(f"{firewall!r} is not an Azure Firewall here")
        self.dnat[firewall][rule.name] = rule
        self._log_rule(firewall, "add", rule, by)
        self._touch(v for v in self.vms.values() if v.firewall == firewall)
        return rule

    def define_role(self, role: RoleDefinition) -> None:
        self.roles[role.name] = role

    def assign_role(self, principal: str, role: str, scope: str) -> None:
        """A standing Azure role assignment made outside PIM (roles PIM's catalogue doesn't hold, such as
        Security Admin or a custom role, are given this way)."""
        if role not in self.roles:
            raise ModelError(f"{role!r} is not a role here; known: {', '.join(sorted(self.roles))}")
        self.standing.append((principal, role, scope))

    # ------------------------------------------------------------------------------------- look-ups
    def _subscription(self, sub_id: str) -> Subscription:
        try:
            return self.subscriptions[sub_id]
        except KeyError:
            raise ModelError(f"{sub_id!r} is not a subscription here") from None

    def vm(self, vm_id: str) -> VirtualMachine:
        try:
            return self.vms[vm_id]
        except KeyError:
            found = [v for v in self.vms.values() if v.name == vm_id]
            if len(found) == 1:
                return found[0]
            raise ModelError(f"{vm_id!r} is not a VM here") from None

    def _nsg(self, nsg: str) -> dict[str, SecurityRule]:
        try:
            return self.nsgs[nsg]
        except KeyError:
            raise ModelError(f"{nsg!r} is not a network security group here") from None

    def nsgs_of(self, vm: VirtualMachine) -> tuple[str, ...]:
        """The VM's NSGs in inbound processing order: the subnet's, then the NIC's (facts.NSG_INBOUND_ORDER)."""
        subnet = self.subnets[vm.subnet].nsg
        return tuple(n for n in (subnet, vm.nic_nsg) if n is not None)

    def rules(self, nsg: str) -> tuple[SecurityRule, ...]:
        """The NSG's custom rules now, by priority."""
        return tuple(sorted(self._nsg(nsg).values(), key=lambda r: r.priority))

    def rules_at(self, nsg: str, minute: float) -> tuple[SecurityRule, ...]:
        """The NSG's custom rules as they were at ``minute`` (rebuilt from the change stream)."""
        live: dict[str, SecurityRule] = {}
        for c in self.rule_log:
            if c.minute > minute:
                break
            if c.target == nsg:
                if c.op == "add":
                    live[c.rule.name] = c.rule
                else:
                    live.pop(c.rule.name, None)
        return tuple(sorted(live.values(), key=lambda r: r.priority))

    def _vms_behind(self, nsg: str):
        return [v for v in self.vms.values() if nsg in self.nsgs_of(v)]

    def _usable_firewall(self, vm: VirtualMachine) -> AzureFirewall | None:
        """The VM's firewall if JIT can use it: same VNet (facts.FIREWALL_SAME_VNET), classic rules
        (facts.FIREWALL_MANAGER_UNSUPPORTED)."""
        if vm.firewall is None:
            return None
        fw = self.firewalls[vm.firewall]
        if fw.firewall_manager or fw.vnet != self.subnets[vm.subnet].vnet:
            return None
        return fw

    def policy_of(self, vm_id: str) -> JitPolicy | None:
        pid = self._policy_of_vm.get(self.vm(vm_id).id)
        return None if pid is None else self.policies[pid]

    def plan_at(self, sub_id: str, minute: float) -> Plan | None:
        found = None
        for t, s, plan in self._plan_log:
            if t <= minute and s == sub_id:
                found = plan
        return found

    # ------------------------------------------------------------------------------------- state
    def jit_state(self, vm_id: str) -> JitState:
        """Configured, Not configured or Unsupported with the reason (fact 82)."""
        vm = self.vm(vm_id)
        sub = self.subscriptions[vm.subscription]
        unsupported = self._unsupported(vm, sub)
        if unsupported is not None:
            return JitState(UNSUPPORTED, unsupported.value, unsupported.documented, unsupported.source)
        if vm.id in self._policy_of_vm:
            return JitState(CONFIGURED, source=facts.USAGE)
        return JitState(NOT_CONFIGURED, source=facts.USAGE)

    def _unsupported(self, vm: VirtualMachine, sub: Subscription):
        if vm.deployment == "Classic":
            return facts.CLASSIC_UNSUPPORTED
        if vm.platform == "Azure Arc-enabled server":
            return facts.ARC_UNSUPPORTED
        if vm.firewall is not None and self.firewalls[vm.firewall].firewall_manager:
            return facts.FIREWALL_MANAGER_UNSUPPORTED
        if sub.plan is not Plan.PLAN_2:
            return facts.PLAN_MISSING_STATE
        if sub.jit_disabled_in_security_policy:
            return facts.DISABLED_IN_SECURITY_POLICY
        if not self.nsgs_of(vm) and self._usable_firewall(vm) is None:
            return facts.MISSING_NSG_OR_FIREWALL
        return None

    # ------------------------------------------------------------------------------------- RBAC
    def _scopes(self, vm: VirtualMachine) -> tuple[str, ...]:
        return (vm.id, vm.resource_group, vm.subscription)

    def roles_of(self, principal: str, vm_id: str, at: float | None = None) -> tuple[RoleDefinition, ...]:
        """The roles ``principal`` holds over the VM at ``at``: through PIM (an eligible role only while
        activated) or standing assignments at the VM, its resource group, subscription or root."""
        vm = self.vm(vm_id)
        t = self.now if at is None else at
        chain = self._scopes(vm)
        covering = {*chain, "/"}
        out = []
        for name, role in self.roles.items():
            if any(p == principal and r == name and s in covering for p, r, s in self.standing) \
                    or self.host.holds(principal, name, chain, t):
                out.append(role)
        return tuple(out)

    def can_view(self, principal: str, vm_id: str, at: float | None = None) -> bool:
        """Reader and Security Reader can view JIT status and parameters (facts.VIEW_ACTION)."""
        return principal == ADMIN or allows(self.roles_of(principal, vm_id, at), facts.VIEW_ACTION.value)

    def missing_for_request(self, principal: str, vm_id: str, *, strict: bool = False,
                            at: float | None = None) -> tuple[str, ...]:
        """The actions the principal lacks to request access to the VM: the initiate action
        (facts.RBAC_CHECK, INITIATE_ONLY_CHECK) or, with ``strict``, Learn's whole table (facts.REQUEST_ACTIONS)."""
        if principal == ADMIN:
            return ()
        needed = facts.REQUEST_ACTIONS.value if strict else (facts.INITIATE_ACTION,)
        return missing(self.roles_of(principal, vm_id, at), needed)

    def can_request(self, principal: str, vm_id: str, *, strict: bool = False, at: float | None = None) -> bool:
        return not self.missing_for_request(principal, vm_id, strict=strict, at=at)

    def missing_for_configure(self, principal: str, vm_id: str) -> tuple[str, ...]:
        """jitNetworkAccessPolicies/write and virtualMachines/write (facts.CONFIGURE_ACTIONS)."""
        if principal == ADMIN:
            return ()
        return missing(self.roles_of(principal, vm_id), facts.CONFIGURE_ACTIONS.value)

    # ------------------------------------------------------------------------------------- records
    def _next(self, prefix: str) -> str:
        self._counter += 1
        return f"{prefix}-{self._counter:05d}"

    def _log(self, operation: object, value: str, caller: str, status: str, resource: str, props: dict,
             documented: bool, correlation: str = "") -> None:
        low, high = facts.ACTIVITY_DELAY_MINUTES.value
        name = operation.value if hasattr(operation, "value") else str(operation)
        doc = documented and getattr(operation, "documented", True)
        vm = self.vms.get(resource)
        sub = vm.subscription if vm else "/" + "/".join(resource.strip("/").split("/")[:2])
        self.activity.append(rec.ActivityEntry(
            len(self.activity), self.now, self.host.time(self.now), name, value, caller, status, resource, sub,
            correlation, tuple((k, str(v)) for k, v in props.items()), self.host.rng.uniform(low, high), doc))

    def _refuse(self, principal: str, action: str, vms: tuple[str, ...], ports: tuple[int, ...],
                error: JitRefusal, resource: str) -> JitRefusal:
        self.refusals.append(rec.JitRefusalRecord(self.now, principal, action, vms, ports, error.reason.value,
                                                  error.message, error.documented, error.source))
        if action == "request":
            self._log(facts.INITIATE_OPERATION, facts.INITIATE_ACTION, principal, "Failed", resource,
                      {"vms": ";".join(vms), "ports": ",".join(map(str, ports)), "error": error.message},
                      facts.FAILED_REQUEST_LOGGED.documented)
        return error

    def _log_rule(self, target: str, op: str, rule, by: str) -> None:
        self.rule_log.append(rec.RuleChange(len(self.rule_log), self.now, target, op, rule, by))

    def _put_rule(self, nsg: str, rule: SecurityRule, by: str) -> None:
        self.nsgs[nsg][rule.name] = rule
        self._ordered.pop(nsg, None)
        self._log_rule(nsg, "add", rule, by)

    def _drop_rule(self, nsg: str, name: str, by: str) -> None:
        rule = self.nsgs[nsg].pop(name)
        self._ordered.pop(nsg, None)
        self._log_rule(nsg, "remove", rule, by)

    def _in_order(self, nsg: str):
        """The NSG's inbound rules in processing order, kept until the NSG changes."""
        found = self._ordered.get(nsg)
        if found is None:
            found = self._ordered[nsg] = ordered(self.nsgs[nsg].values())
        return found

    # ------------------------------------------------------------------------------------- enabling
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
            for e in old.vms:
                if policy.entry(e.vm) is None:
                    self._policy_of_vm.pop(e.vm, None)
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

    # ------------------------------------------------------------------------------------- requesting
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
            rule = policy.entry(vm.id).port(number)
            if rule is None:
                configured = ", ".join(str(p.number) for p in policy.entry(vm.id).ports)
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
            rule = self.policy_of(vm.id).entry(vm.id).port(number)
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

    # ------------------------------------------------------------------------------------- connections
    def _space(self, vm: VirtualMachine) -> tuple[str, ...]:
        return self.vnets[self.subnets[vm.subnet].vnet].address_space

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
        policy = self.policy_of(vm.id)
        if policy is not None:
            ports.update(p.number for p in policy.entry(vm.id).ports)
        return tuple(sorted(ports))

    def _internet_sources(self, vm: VirtualMachine, port: int) -> list[str]:
        """Internet addresses worth asking about: a representative one, and one inside each allow rule's source."""
        space = self._space(vm)
        found = {facts.INTERNET_PROBE.value}
        rules = [r for n in self.nsgs_of(vm) for r in self.nsgs[n].values() if r.access is Access.ALLOW]
        fw = self._usable_firewall(vm)
        dnats = list(self.dnat[fw.id].values()) if fw else []
        for r in [*rules, *dnats]:
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


def attach(sim=None) -> JitVm:
    """JIT VM access on ``sim`` (a :class:`pim_sim.simulation.Simulation`, a host, or None for a standalone clock)."""
    return JitVm(host_of(sim))
