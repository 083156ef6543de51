"""The Azure side JIT acts on: subscriptions and their Defender for Servers plan, virtual networks,
subnets, VMs, network security groups (NSGs) with ordered rules, and Azure Firewall with DNAT rules.

Everything here is a frozen description or a pure function. What changes in a run (the rules in an
NSG, the DNAT rules of a firewall) lives in :class:`~pim_sim.features.jit_vm.service.JitVm`, which
writes every change to an append-only stream.

Inbound evaluation follows Azure's documented order (facts.NSG_INBOUND_ORDER): the subnet's NSG,
then the NIC's; within one NSG the rules in priority order, first match wins, default rules last
(facts.NSG_PRIORITY_RANGE, facts.NSG_DEFAULT_INBOUND).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from pim_sim.errors import ModelError

from . import facts


class Plan(StrEnum):
    """Microsoft Defender for Servers plan on a subscription (facts.PLAN_REQUIRED)."""

    OFF = "Off"
    PLAN_1 = "Plan 1"
    PLAN_2 = "Plan 2"


class Deployment(StrEnum):
    ARM = "ResourceManager"
    CLASSIC = "Classic"


class OsType(StrEnum):
    WINDOWS = "Windows"
    LINUX = "Linux"


class Platform(StrEnum):
    """What the machine is (facts.ARC_UNSUPPORTED)."""

    AZURE_VM = "Azure VM"
    VMSS_FLEX = "VM Scale Set (Flexible)"
    ARC = "Azure Arc-enabled server"


class Access(StrEnum):
    ALLOW = "Allow"
    DENY = "Deny"


class CreatedBy(StrEnum):
    USER = "user"
    JIT = "jit"
    DEFAULT = "default"


@dataclass(frozen=True, slots=True)
class Subscription:
    id: str  # "/subscriptions/NAME"
    plan: Plan = Plan.PLAN_2
    jit_disabled_in_security_policy: bool = False


@dataclass(frozen=True, slots=True)
class VirtualNetwork:
    id: str
    address_space: tuple[str, ...] = ("10.0.0.0/16",)


@dataclass(frozen=True, slots=True)
class Subnet:
    id: str
    vnet: str
    prefix: str
    nsg: str | None = None


@dataclass(frozen=True, slots=True)
class VirtualMachine:
    """A machine and its one NIC. ``firewall`` names the Azure Firewall its inbound traffic passes."""

    id: str  # /subscriptions/S/resourceGroups/RG/providers/Microsoft.Compute/virtualMachines/NAME
    subnet: str
    private_ip: str
    os: OsType = OsType.WINDOWS
    deployment: Deployment = Deployment.ARM
    platform: Platform = Platform.AZURE_VM
    nic: str = ""
    nic_nsg: str | None = None
    public_ip: str | None = None
    firewall: str | None = None

    @property
    def name(self) -> str:
        return self.id.rstrip("/").rsplit("/", 1)[-1]

    @property
    def subscription(self) -> str:
        return "/" + "/".join(self.id.strip("/").split("/")[:2])

    @property
    def resource_group(self) -> str:
        return "/" + "/".join(self.id.strip("/").split("/")[:4])


@dataclass(frozen=True, slots=True)
class AzureFirewall:
    """An Azure Firewall. ``firewall_manager`` is True when a Firewall Manager policy controls it
    rather than Rules (Classic) (facts.FIREWALL_MANAGER_UNSUPPORTED)."""

    id: str
    vnet: str
    public_ip: str
    private_ip: str
    firewall_manager: bool = False


@dataclass(frozen=True, slots=True)
class SecurityRule:
    """An NSG security rule. ``sources``/``destinations`` are prefixes ('*', an IP, a CIDR or a service tag
    VirtualNetwork, Internet, AzureLoadBalancer); ``ports`` are inclusive (low, high) ranges."""

    name: str
    priority: int
    access: Access
    sources: tuple[str, ...] = ("*",)
    destinations: tuple[str, ...] = ("*",)
    ports: tuple[tuple[int, int], ...] = ((0, 65535),)
    protocol: str = "*"
    direction: str = "Inbound"
    created_by: CreatedBy = CreatedBy.USER
    description: str = ""
    vm: str = ""  # for JIT rules: the VM the rule was written for
    grant: str = ""  # for JIT allow rules: the request id


@dataclass(frozen=True, slots=True)
class DnatRule:
    """A DNAT rule of an Azure Firewall (classic rules): traffic to the firewall's public IP on
    ``port`` from ``sources`` is translated to ``translated_ip:translated_port``."""

    name: str
    collection: str
    sources: tuple[str, ...]
    port: int
    translated_ip: str
    translated_port: int
    protocol: str = "TCP"
    created_by: CreatedBy = CreatedBy.USER
    vm: str = ""
    grant: str = ""


DEFAULT_RULES = tuple(
    SecurityRule(name, priority, Access(access), (source,), ("VirtualNetwork" if name == "AllowVnetInBound" else "*",),
                 created_by=CreatedBy.DEFAULT)
    for name, priority, source, access in facts.NSG_DEFAULT_INBOUND.value
)


# ---------------------------------------------------------------------------------------------- parsing
def parse_ports(spec) -> tuple[tuple[int, int], ...]:
    """Port ranges from '*', 3389, '3389', '1000-2000', '80,443' or a list of those."""
    items = spec if isinstance(spec, list | tuple) else [spec]
    out: list[tuple[int, int]] = []
    for item in items:
        for part in str(item).split(","):
            part = part.strip()
            if part in ("*", "Any", "any"):
                out.append((0, 65535))
                continue
            lo, _, hi = part.partition("-")
            try:
                low, high = int(lo), int(hi or lo)
            except ValueError:
                raise ModelError(f"port {part!r} is not a port, a range like 1000-2000, or '*'") from None
            lo_ok, hi_ok = facts.PORT_RANGE.value
            if not (lo_ok <= low <= high <= hi_ok):
                raise ModelError(f"port range {part!r} is outside {lo_ok}-{hi_ok}")
            out.append((low, high))
    return tuple(out)


def parse_prefixes(spec) -> tuple[str, ...]:
    """Address prefixes from one string, a comma list or a sequence; each is checked."""
    items = spec if isinstance(spec, list | tuple) else str(spec).split(",")
    out = tuple(str(p).strip() for p in items if str(p).strip())
    if not out:
        raise ModelError("an address prefix list is empty; use '*' for any source")
    for p in out:
        _prefix(p)
    return out


_TAGS = {"*", "any", "internet", "virtualnetwork", "azureloadbalancer"}


@lru_cache(maxsize=4096)
def _prefix(text: str):
    """A parsed prefix: an ip_network, or the lower-cased service tag."""
    folded = text.casefold()
    if folded in _TAGS:
        return "*" if folded == "any" else folded
    if folded == "0.0.0.0/0":
        return "*"
    try:
        return ipaddress.ip_network(text, strict=False)
    except ValueError:
        raise ModelError(f"{text!r} is not an IP address, a CIDR range, '*' or a service tag "
                         "(VirtualNetwork, Internet, AzureLoadBalancer)") from None


@lru_cache(maxsize=4096)
def _address(text: str):
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        raise ModelError(f"{text!r} is not an IP address") from None


def in_vnet(address: str, vnet_space: tuple[str, ...]) -> bool:
    ip = _address(address)
    return any(ip in _prefix(p) for p in vnet_space)


def prefix_matches(prefix: str, address: str, vnet_space: tuple[str, ...]) -> bool:
    """Does ``address`` fall in ``prefix`` (an IP, CIDR, '*' or service tag) for a VM in ``vnet_space``?"""
    p = _prefix(prefix)
    if type(p) is not str:  # an ip_network (its == against a str is slow)
        return _address(address) in p
    if p == "*":
        return True
    if p == "virtualnetwork":
        return in_vnet(address, vnet_space)
    if p == "azureloadbalancer":
        return address == facts.AZURE_LOAD_BALANCER_IP
    return not in_vnet(address, vnet_space) and address != facts.AZURE_LOAD_BALANCER_IP  # Internet


def prefix_within(inner: str, outer: str) -> bool:
    """Is every address of ``inner`` inside ``outer``? ('*' is inside only '*'; facts.SOURCE_WITHIN_RANGE)."""
    o, i = _prefix(outer), _prefix(inner)
    if isinstance(o, str) or isinstance(i, str):
        return o == "*" or (isinstance(o, str) and isinstance(i, str) and o == i)
    return i.version == o.version and i.subnet_of(o)


def port_in(port: int, ranges: tuple[tuple[int, int], ...]) -> bool:
    return any(lo <= port <= hi for lo, hi in ranges)


def protocol_matches(rule_protocol: str, protocol: str) -> bool:
    return rule_protocol in ("*", "Any") or rule_protocol.casefold() == protocol.casefold()


def ports_overlap(a: tuple[tuple[int, int], ...], b: tuple[tuple[int, int], ...]) -> bool:
    return any(alo <= bhi and blo <= ahi for alo, ahi in a for blo, bhi in b)


# ---------------------------------------------------------------------------------------------- evaluation
@dataclass(frozen=True, slots=True)
class Verdict:
    """How one NSG decided a flow: the access and the rule that matched first."""

    nsg: str
    access: Access
    rule: SecurityRule


class Ordered(tuple):
    """Inbound rules already in processing order."""


def ordered(rules) -> Ordered:
    """Inbound rules in processing order: custom rules by priority, then the default rules."""
    return Ordered((*sorted((r for r in rules if r.direction == "Inbound"), key=lambda r: r.priority), *DEFAULT_RULES))


def evaluate(nsg: str, rules, source: str, destination: str, port: int, protocol: str,
             vnet_space: tuple[str, ...]) -> Verdict:
    """The first inbound rule of an NSG that matches the flow decides it (facts.NSG_PRIORITY_RANGE). ``rules`` in
    any order, or a list already :func:`ordered`."""
    for rule in rules if isinstance(rules, Ordered) else ordered(rules):
        if (port_in(port, rule.ports) and protocol_matches(rule.protocol, protocol)
                and any(prefix_matches(p, source, vnet_space) for p in rule.sources)
                and any(prefix_matches(p, destination, vnet_space) for p in rule.destinations)):
            return Verdict(nsg, rule.access, rule)
    raise AssertionError("the default DenyAllInBound rule matches every flow")
