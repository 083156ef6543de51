"""A JIT scenario section as plain data: subscriptions, networks, NSGs, firewalls, VMs, roles, JIT policies,
a timeline of actions and a stochastic workload, validated with pydantic and built into a :class:`JitVm`.

A scenario file's ``jit:`` section is this mapping. Errors name the field path (``vms[2].private_ip``).
Times are ISO-8601 durations from the scenario's start (``PT2H``) or minutes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pim_sim.core.clock import minutes
from pim_sim.errors import ModelError

from .network import (
    Access,
    AzureFirewall,
    CreatedBy,
    Deployment,
    DnatRule,
    OsType,
    Plan,
    Platform,
    SecurityRule,
    VirtualMachine,
    parse_ports,
    parse_prefixes,
)
from .rbac import custom_role
from .service import ADMIN, DEFAULT_CALLER_IP, JitVm, attach
from .workload import RequestWorkload

When = str | float | int


class JitSpecError(ModelError):
    def __init__(self, field_name: str, problem: str):
        self.field, self.problem = field_name, problem
        super().__init__(f"jit.{field_name}: {problem}")


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class JitSubscriptionSpec(_Spec):
    id: str
    plan: Literal["Off", "Plan 1", "Plan 2"] = "Plan 2"
    jit_disabled_in_security_policy: bool = False


class JitVnetSpec(_Spec):
    id: str
    address_space: list[str] = ["10.0.0.0/16"]


class JitSubnetSpec(_Spec):
    id: str
    vnet: str
    prefix: str
    nsg: str | None = None


class JitRuleSpec(_Spec):
    name: str
    priority: int = Field(ge=100, le=4096)
    access: Literal["Allow", "Deny"]
    sources: str | list[str] = "*"
    destinations: str | list[str] = "*"
    ports: str | int | list[str | int] = "*"
    protocol: Literal["TCP", "UDP", "ICMP", "*"] = "*"

    def build(self) -> SecurityRule:
        return SecurityRule(self.name, self.priority, Access(self.access), parse_prefixes(self.sources),
                            parse_prefixes(self.destinations), parse_ports(self.ports), self.protocol)


class JitNsgSpec(_Spec):
    id: str
    rules: list[JitRuleSpec] = []


class JitFirewallSpec(_Spec):
    id: str
    vnet: str
    public_ip: str
    private_ip: str
    firewall_manager: bool = False


class JitDnatSpec(_Spec):
    firewall: str
    name: str
    sources: str | list[str] = "*"
    port: int = Field(ge=0, le=65535)
    translated_ip: str
    translated_port: int = Field(ge=0, le=65535)
    protocol: Literal["TCP", "UDP"] = "TCP"


class JitVmSpec(_Spec):
    id: str
    subnet: str
    private_ip: str
    os: Literal["Windows", "Linux"] = "Windows"
    deployment: Literal["ResourceManager", "Classic"] = "ResourceManager"
    platform: Literal["Azure VM", "VM Scale Set (Flexible)", "Azure Arc-enabled server"] = "Azure VM"
    nic_nsg: str | None = None
    public_ip: str | None = None
    firewall: str | None = None


class JitRoleSpec(_Spec):
    name: str
    actions: list[str]
    not_actions: list[str] = []


class JitAssignmentSpec(_Spec):
    principal: str
    role: str
    scope: str


class JitPortSpec(_Spec):
    number: int
    protocol: Literal["TCP", "UDP", "*"] = "*"
    sources: str | list[str] = "*"
    max_duration: str | float = "PT3H"


class JitEnableSpec(_Spec):
    vms: list[str]
    path: Literal["defender", "vm_blade", "powershell", "rest"] = "defender"
    ports: list[JitPortSpec] | None = None
    by: str = ADMIN
    name: str | None = None
    location: str = "westeurope"


class JitStepSpec(_Spec):
    """One timeline action at ``at``."""

    at: When
    action: Literal["enable", "request", "connect", "add_rule", "remove_rule", "set_plan"]
    principal: str | None = None
    vm: str | None = None
    vms: list[str] | None = None
    ports: list[int] | None = None
    port: int | None = None
    duration: str | float | None = None
    source: str | None = None
    caller_ip: str | None = None
    justification: str = ""
    session: str | float | None = None
    nsg: str | None = None
    rule: JitRuleSpec | None = None
    name: str | None = None
    subscription: str | None = None
    plan: Literal["Off", "Plan 1", "Plan 2"] | None = None
    path: Literal["defender", "vm_blade", "powershell", "rest"] = "defender"
    port_rules: list[JitPortSpec] | None = None


class JitWorkloadSpec(_Spec):
    users: list[str]
    vms: list[str] = []
    rate_per_day: float = Field(4.0, ge=0)
    durations: list[float] = [30.0, 60.0, 120.0, 180.0]
    connect_probability: float = Field(0.9, ge=0, le=1)
    until: str | float = "P7D"


class JitSection(_Spec):
    """A scenario's ``jit:`` section: the Azure side (subscriptions with their Defender for Servers plan, VNets,
    subnets, NSGs and their rules, Azure Firewalls and DNAT rules, VMs), Azure roles and standing assignments made
    outside PIM, JIT policies enabled at the start, a timeline of JIT actions (enable, request, connect, add_rule,
    remove_rule, set_plan) and a stochastic request workload. Times are ISO-8601 durations from the start or
    minutes."""

    subscriptions: list[JitSubscriptionSpec] = []
    vnets: list[JitVnetSpec] = []
    subnets: list[JitSubnetSpec] = []
    nsgs: list[JitNsgSpec] = []
    firewalls: list[JitFirewallSpec] = []
    dnat_rules: list[JitDnatSpec] = []
    vms: list[JitVmSpec] = []
    roles: list[JitRoleSpec] = []
    assignments: list[JitAssignmentSpec] = []
    policies: list[JitEnableSpec] = []
    timeline: list[JitStepSpec] = []
    workload: JitWorkloadSpec | None = None


def _loc(loc) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def parse(data: Mapping) -> JitSection:
    """The validated section, or :class:`JitSpecError` naming the first bad field."""
    try:
        return JitSection.model_validate(data)
    except ValidationError as e:
        err = e.errors()[0]
        raise JitSpecError(_loc(err["loc"]) or "(section)", err["msg"]) from None


def _ports(specs):
    return None if specs is None else [s.model_dump() for s in specs]


def build(data: Mapping | JitSection, sim=None, *, until: float | None = None) -> JitVm:
    """A :class:`JitVm` set up from the section, its timeline scheduled. ``sim`` is a Simulation, a host or None
    (a new JitVm on it), or an existing :class:`JitVm` to set up (a Simulation's ``sim.jit``). The workload stops
    at its own ``until`` or at ``until`` (a scenario's horizon), whichever is first."""
    section = data if isinstance(data, JitSection) else parse(data)
    jit = sim if isinstance(sim, JitVm) else attach(sim)
    where = "subscriptions"
    try:
        for s in section.subscriptions:
            jit.add_subscription(s.id, Plan(s.plan), jit_disabled_in_security_policy=s.jit_disabled_in_security_policy)
        where = "vnets"
        for vnet in section.vnets:
            jit.add_vnet(vnet.id, tuple(vnet.address_space))
        where = "nsgs"
        for n in section.nsgs:
            jit.add_nsg(n.id)
        where = "subnets"
        for sn in section.subnets:
            jit.add_subnet(sn.id, sn.vnet, sn.prefix, sn.nsg)
        where = "firewalls"
        for f in section.firewalls:
            jit.add_firewall(AzureFirewall(f.id, f.vnet, f.public_ip, f.private_ip, f.firewall_manager))
        where = "nsgs"
        for n in section.nsgs:
            for r in n.rules:
                jit.add_rule(n.id, r.build())
        where = "dnat_rules"
        for d in section.dnat_rules:
            jit.add_dnat(d.firewall, DnatRule(d.name, "user", parse_prefixes(d.sources), d.port, d.translated_ip,
                                              d.translated_port, d.protocol, CreatedBy.USER))
        where = "vms"
        for vm in section.vms:
            jit.add_vm(VirtualMachine(vm.id, vm.subnet, vm.private_ip, OsType(vm.os), Deployment(vm.deployment),
                                      Platform(vm.platform), "", vm.nic_nsg, vm.public_ip, vm.firewall))
        where = "roles"
        for role in section.roles:
            jit.define_role(custom_role(role.name, role.actions, role.not_actions))
        where = "assignments"
        for a in section.assignments:
            jit.assign_role(a.principal, a.role, a.scope)
        where = "policies"
        for p in section.policies:
            jit.enable(p.vms, by=p.by, path=p.path, ports=_ports(p.ports), policy_name=p.name, location=p.location)
        where = "timeline"
        for i, step in enumerate(section.timeline):
            where = f"timeline[{i}]"
            jit.at(minutes(step.at), _step(jit, step, where))
        if section.workload is not None:
            w = section.workload
            where = "workload"
            RequestWorkload(tuple(w.users), tuple(w.vms), w.rate_per_day, tuple(w.durations),
                            w.connect_probability).start(jit, minutes(w.until) if until is None
                                                         else min(minutes(w.until), until))
    except JitSpecError:
        raise
    except ModelError as e:
        raise JitSpecError(where, str(e)) from None
    return jit


def _need(step: JitStepSpec, where: str, *names: str) -> tuple[Any, ...]:
    """The step's values of ``names``, each given, or :class:`JitSpecError` naming the missing ones."""
    values = tuple(getattr(step, n) for n in names)
    lacking = [n for n, v in zip(names, values, strict=True) if v is None]
    if lacking:
        raise JitSpecError(where, f"action {step.action!r} needs {', '.join(lacking)}")
    return values


def _step(jit: JitVm, step: JitStepSpec, where: str):
    """The timeline step as a function to run at its time (its fields checked now)."""
    a = step.action
    try:  # durations are read now, so a bad one is an error in the file rather than a failure mid-run
        duration = None if step.duration is None else minutes(step.duration)
        session = None if step.session is None else minutes(step.session)
        for name in ([step.vm] if step.vm is not None else []) + list(step.vms or ()):
            jit.vm(name)  # a VM the section doesn't have is an error now, not mid-run
    except ModelError as e:
        raise JitSpecError(where, str(e)) from None
    if a == "request":
        principal, vm, ports = _need(step, where, "principal", "vm", "ports")
        caller_ip = step.caller_ip or DEFAULT_CALLER_IP
        return lambda: jit.request(principal, vm, ports, duration=duration, source=step.source,
                                   justification=step.justification, caller_ip=caller_ip)
    if a == "connect":
        source, vm, port = _need(step, where, "source", "vm", "port")
        return lambda: jit.connect(source, vm, port, session_minutes=session)
    if a == "enable":
        (vms,) = _need(step, where, "vms")
        return lambda: jit.enable(vms, by=step.principal or ADMIN, path=step.path, ports=_ports(step.port_rules))
    if a == "add_rule":
        nsg, rule = _need(step, where, "nsg", "rule")
        return lambda: jit.add_rule(nsg, rule.build())
    if a == "remove_rule":
        nsg, name = _need(step, where, "nsg", "name")
        return lambda: jit.remove_rule(nsg, name)
    subscription, plan = _need(step, where, "subscription", "plan")
    return lambda: jit.set_plan(subscription, Plan(plan))
