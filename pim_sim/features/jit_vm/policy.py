"""The JIT policy: ``Microsoft.Security/locations/jitNetworkAccessPolicies`` (facts.POLICY_TYPE).

One policy object holds many VMs (fact 32); each VM lists its ports with protocol, allowed source
prefix or prefixes and maximum request time (facts 12, 16, 17, 31). The objects are frozen; a
changed policy is a new object.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from pim_sim.core.clock import iso, minutes

from . import facts
from .errors import JitRefusal, RefusalReason
from .network import OsType, VirtualMachine, parse_prefixes


@dataclass(frozen=True, slots=True)
class JitPortRule:
    """One port of a VM in a JIT policy. ``sources`` holds one prefix when the policy gives
    ``allowedSourceAddressPrefix`` and the list when it gives ``allowedSourceAddressPrefixes``
    (``sources_as_list`` keeps which, so an export writes back what was read)."""

    number: int
    protocol: str = "*"
    sources: tuple[str, ...] = ("*",)
    max_minutes: float = facts.DEFAULT_MAX_MINUTES.value
    sources_as_list: bool = False

    @property
    def max_duration(self) -> str:
        return iso(self.max_minutes) or "PT0S"  # max_minutes is never None


@dataclass(frozen=True, slots=True)
class JitVmEntry:
    vm: str
    ports: tuple[JitPortRule, ...]
    public_ip_address: str | None = None  # the linked Azure Firewall's public IP (fact 30)

    def port(self, number: int) -> JitPortRule | None:
        return next((p for p in self.ports if p.number == number), None)


@dataclass(frozen=True, slots=True)
class JitPolicy:
    resource_group: str  # /subscriptions/S/resourceGroups/RG
    location: str
    name: str = facts.POLICY_DEFAULT_NAME.value
    vms: tuple[JitVmEntry, ...] = ()
    kind: str = facts.POLICY_KIND.value

    @property
    def id(self) -> str:
        return (f"{self.resource_group}/providers/Microsoft.Security/locations/{self.location}"
                f"/jitNetworkAccessPolicies/{self.name}")

    def entry(self, vm: str) -> JitVmEntry | None:
        return next((e for e in self.vms if e.vm == vm), None)

    def with_entry(self, entry: JitVmEntry) -> JitPolicy:
        """The policy with this VM's entry added or replaced (the portal's merge of one VM)."""
        others = tuple(e for e in self.vms if e.vm != entry.vm)
        return replace(self, vms=(*others, entry))


def _invalid(field: str, message: str, fact: object) -> JitRefusal:
    return JitRefusal(RefusalReason.INVALID_POLICY, f"{field}: {message}", fact=fact)


def port_rule(number: object, *, protocol: str = "*", sources=("*",), max_duration=None,
              sources_as_list: bool | None = None) -> JitPortRule:
    """A checked port rule: number 0-65535, protocol TCP/UDP/*, sources parsed, maximum between
    5 minutes and 1 day (facts.PORT_RANGE, PROTOCOLS, MAX_DURATION_RANGE_MINUTES)."""
    lo, hi = facts.PORT_RANGE.value
    if isinstance(number, bool) or not isinstance(number, int) or not lo <= number <= hi:
        raise _invalid("number", f"{number!r} is not a port number ({lo}-{hi})", facts.PORT_RANGE)
    if protocol not in facts.PROTOCOLS.value:
        raise _invalid("protocol", f"{protocol!r} is not one of {', '.join(facts.PROTOCOLS.value)}", facts.PROTOCOLS)
    given_list = not isinstance(sources, str)
    prefixes = parse_prefixes(sources)
    mx = facts.DEFAULT_MAX_MINUTES.value if max_duration is None else minutes(max_duration)
    low, high = facts.MAX_DURATION_RANGE_MINUTES.value
    if not low <= mx <= high:
        raise _invalid("maxRequestAccessDuration", f"{iso(mx)} is outside PT5M to P1D",
                       facts.MAX_DURATION_RANGE_MINUTES)
    as_list = (given_list and len(prefixes) > 1) if sources_as_list is None else sources_as_list
    return JitPortRule(number, protocol, prefixes, mx, as_list)


def check_name(policy_name: str, vm: VirtualMachine) -> None:
    """The policy name plus the VM name must not exceed 56 characters (facts.NAME_LIMIT)."""
    if len(policy_name) + len(vm.name) > facts.NAME_LIMIT.value:
        raise JitRefusal(RefusalReason.NAME_TOO_LONG,
                         f"the policy name {policy_name!r} and the VM name {vm.name!r} are "
                         f"{len(policy_name) + len(vm.name)} characters together; at most {facts.NAME_LIMIT.value}",
                         fact=facts.NAME_LIMIT)


def defender_proposal(vm: VirtualMachine) -> tuple[JitPortRule, ...]:
    """The ports 'Enable JIT on VMs' proposes (facts.PROPOSED_PORTS), PT3H, any source."""
    return tuple(port_rule(p, protocol=facts.PROPOSED_PROTOCOL.value) for p in facts.PROPOSED_PORTS.value)


def vm_blade_proposal(vm: VirtualMachine) -> tuple[JitPortRule, ...]:
    """The VM blade's hard-coded defaults: RDP 3389 on Windows, SSH 22 on Linux, 3 hours, Any
    (facts.VM_BLADE_PORT)."""
    port = facts.VM_BLADE_PORT.value[OsType(vm.os).value]
    return (port_rule(port, protocol=facts.PROPOSED_PROTOCOL.value, sources="*"),)
