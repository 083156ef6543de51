"""The inventory JIT works over (subscriptions and their Defender plan, networks, NSGs and their rules, Azure
Firewalls, VMs, Azure roles), the look-ups every rule uses, each VM's JIT state and the RBAC checks, and the
record-writing helpers the other rule modules share.

:class:`Inventory` is the first of :class:`~pim_sim.features.jit_vm.service.JitVm`'s parts; the rules that enable
JIT (:mod:`.enabling`), request access (:mod:`.requesting`) and decide connections (:mod:`.connections`) are the others.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pim_sim.errors import ModelError

from . import facts
from . import records as rec
from .errors import JitRefusal
from .host import Host
from .network import (
    AzureFirewall,
    DnatRule,
    Plan,
    SecurityRule,
    Subnet,
    Subscription,
    VirtualMachine,
    VirtualNetwork,
    ordered,
)
from .policy import JitPolicy, JitVmEntry
from .rbac import BUILT_IN, RoleDefinition, allows, missing

ADMIN = "admin"  # an unnamed administrator allowed everything (set-up scripts that don't care who)
DEFAULT_CALLER_IP = "198.51.100.20"  # the requester's address when a test or workload doesn't say (TEST-NET-2)
CONFIGURED, NOT_CONFIGURED, UNSUPPORTED = "Configured", "Not configured", "Unsupported"
PATHS = ("defender", "vm_blade", "powershell", "rest")


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
class JitState:
    """A VM's row on the Just-in-time VM access page (fact 82)."""

    status: str
    reason: str = ""
    documented: bool = True
    source: str = ""



class Inventory:
    """What JIT knows of the Azure side, and the records it writes (see the module docstring)."""

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
        self.grants: dict[tuple[str, int], Grant] = {}  # open grants (see .requesting)
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
        self._rec_now: dict[str, tuple[str, str, tuple[int, ...]]] = {}
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
            if c.target == nsg and isinstance(c.rule, SecurityRule):
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

    def entry_of(self, vm_id: str) -> JitVmEntry:
        """The VM's entry in its JIT policy (its ports), or :class:`ModelError` when JIT isn't enabled on it."""
        vm = self.vm(vm_id)
        policy = self.policy_of(vm.id)
        entry = None if policy is None else policy.entry(vm.id)
        if entry is None:
            raise ModelError(f"JIT is not enabled on {vm.name}")
        return entry

    def _space(self, vm: VirtualMachine) -> tuple[str, ...]:
        """The address space of the VM's virtual network (what counts as inside the VNet)."""
        return self.vnets[self.subnets[vm.subnet].vnet].address_space

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
        vm = self.vms.get(resource) or self.vms.get(str(props.get("vms", "")).split(";")[0])  # an NSG rule: its VM
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

    # ------------------------------------------------------------------------------------- the other parts
    # Defined by the rule modules JitVm puts together (:mod:`.enabling`, :mod:`.connections`); declared here so
    # each part can call the others.
    def _touch(self, vms, ports: tuple[int, ...] | None = None) -> None:
        raise NotImplementedError("ConnectionRules._touch")

    def _check_supported(self, vm: VirtualMachine) -> None:
        raise NotImplementedError("EnablingRules._check_supported")

    def _free_priority(self, nsg: str, start: int, below: int | None = None) -> int | None:
        raise NotImplementedError("EnablingRules._free_priority")

    def _deny_name(self, vm: VirtualMachine) -> str:
        raise NotImplementedError("EnablingRules._deny_name")
