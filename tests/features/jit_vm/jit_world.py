"""Small JIT worlds the tests build on: one subscription, one VNet, a subnet NSG and VMs with NIC NSGs."""

from __future__ import annotations

from pim_sim.features.jit_vm import Access, SecurityRule, VirtualMachine, attach
from pim_sim.features.jit_vm.network import AzureFirewall

SUB = "/subscriptions/prod"
RG = f"{SUB}/resourceGroups/rg1"
VM_PREFIX = f"{RG}/providers/Microsoft.Compute/virtualMachines/"
ME = "203.0.113.50"  # a requester's public address


def vm_id(name: str) -> str:
    return VM_PREFIX + name


def world(sim=None, *, plan="Plan 2", vms=("web1",), subnet_nsg=True, nic_nsg=True, public_ip=True, os="Windows"):
    """A JitVm with the given VMs (10.0.1.4, .5, ...) in subnet sn1 of vnet1 (10.0.0.0/16)."""
    jit = attach(sim)
    jit.add_subscription(SUB, plan)
    jit.add_vnet("vnet1", ("10.0.0.0/16",))
    jit.add_subnet("sn1", "vnet1", "10.0.1.0/24", nsg="nsg-subnet" if subnet_nsg else None)
    for i, name in enumerate(vms):
        jit.add_vm(VirtualMachine(vm_id(name), "sn1", f"10.0.1.{4 + i}", os=os,
                                  nic_nsg=f"nsg-{name}" if nic_nsg else None,
                                  public_ip=f"20.0.0.{4 + i}" if public_ip else None))
    return jit


def allow(name: str, priority: int, port, source="*") -> SecurityRule:
    ports = ((port, port),) if isinstance(port, int) else port
    return SecurityRule(name, priority, Access.ALLOW, (source,), ("*",), ports)


def open_everywhere(jit, name: str, priority: int, port, source="*") -> None:
    """The same user allow rule in the subnet NSG and in every NIC NSG."""
    for nsg in list(jit.nsgs):
        jit.add_rule(nsg, allow(name, priority, port, source))


def firewall_world(*, firewall_manager=False, same_vnet=True, nsg=False):
    jit = attach()
    jit.add_subscription(SUB)
    jit.add_vnet("vnet1", ("10.0.0.0/16",))
    jit.add_vnet("hub", ("10.9.0.0/16",))
    jit.add_subnet("sn1", "vnet1", "10.0.1.0/24", nsg="nsg-subnet" if nsg else None)
    jit.add_firewall(AzureFirewall("fw1", "vnet1" if same_vnet else "hub", "40.0.0.1", "10.0.0.4", firewall_manager))
    jit.add_vm(VirtualMachine(vm_id("app1"), "sn1", "10.0.1.4", firewall="fw1"))
    return jit
