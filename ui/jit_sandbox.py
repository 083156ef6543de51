"""The Just-in-time VM access blade's built-in world: one subscription on Defender for Servers Plan 2, a VNet
whose subnet and NICs have network security groups, and four VMs, one in each state the blade sorts them into.

- web1 (Windows, public IP): JIT configured from Defender for Cloud (ports 22, 3389, 5985, 5986 proposed).
- db1 (Linux, public IP): not configured; its NIC's NSG has a user rule allowing SSH from anywhere, which stays
  above JIT's deny rule once JIT is enabled (existing rules keep their priority).
- legacy1: a classic VM (unsupported: only Resource Manager VMs are).
- bare1: no NSG and no Azure Firewall (unsupported).

People: alice holds Contributor on the subscription (she may enable JIT and request access), dave holds
Security Reader (he sees the page but may not request), erin is *eligible* for Contributor on the resource group
through PIM with bob's approval: her requests work only while that activation is in force.

Everything goes through the engine's public API (``sim.jit``), so every rule applies as in any run.
"""

from __future__ import annotations

from pim_sim import Simulation, Tenant
from pim_sim.features.jit_vm import Access, Deployment, OsType, SecurityRule, VirtualMachine

SUB = "/subscriptions/contoso-prod"
RG = f"{SUB}/resourceGroups/app-rg"
PERSONAS = {
    "alice": "Operator (Contributor)",
    "dave": "Auditor (Security Reader)",
    "erin": "PIM-eligible Contributor (approval by bob)",
}
MY_IP = {"alice": "203.0.113.50", "dave": "203.0.113.60", "erin": "203.0.113.70"}
PIM_ROLE = "Contributor"
SETUP = "JIT sandbox setup"


def vm_id(name: str, classic: bool = False) -> str:
    provider = "Microsoft.ClassicCompute" if classic else "Microsoft.Compute"
    return f"{RG}/providers/{provider}/virtualMachines/{name}"


def build(seed: int = 0) -> Simulation:
    """A fresh world at 09:00 UTC on its first day."""
    sim = Simulation(Tenant.build(users=[*PERSONAS, "bob"], scopes=[SUB, RG], name="contoso-jit"), seed=seed,
                     lag=False)
    sim.set_settings(PIM_ROLE, RG, require_approval=True, approvers=("bob",))
    sim.assign("erin", PIM_ROLE, RG, kind="eligible", duration="P90D", justification=SETUP)
    jit = sim.jit
    jit.add_subscription(SUB, "Plan 2")
    jit.add_vnet("vnet-prod", ("10.0.0.0/16",))
    jit.add_nsg("nsg-subnet")
    jit.add_subnet("snet-app", "vnet-prod", "10.0.1.0/24", nsg="nsg-subnet")
    jit.add_subnet("snet-bare", "vnet-prod", "10.0.2.0/24")
    jit.add_nsg("nsg-db1", [SecurityRule("allow-ssh-any", 300, Access.ALLOW, ("*",), ("*",), ((22, 22),), "TCP")])
    # the subnet lets management ports through to the NICs, whose NSGs (and JIT) decide
    jit.add_rule("nsg-subnet", SecurityRule("allow-mgmt", 400, Access.ALLOW, ("*",), ("*",),
                                            ((22, 22), (3389, 3389), (5985, 5986)), "TCP"))
    jit.add_vm(VirtualMachine(vm_id("web1"), "snet-app", "10.0.1.4", OsType.WINDOWS, nic_nsg="nsg-web1",
                              public_ip="20.50.0.4"))
    jit.add_vm(VirtualMachine(vm_id("db1"), "snet-app", "10.0.1.5", OsType.LINUX, nic_nsg="nsg-db1",
                              public_ip="20.50.0.5"))
    jit.add_vm(VirtualMachine(vm_id("legacy1", classic=True), "snet-app", "10.0.1.6", OsType.WINDOWS,
                              Deployment.CLASSIC, public_ip="20.50.0.6"))
    jit.add_vm(VirtualMachine(vm_id("bare1"), "snet-bare", "10.0.2.4", OsType.LINUX, public_ip="20.50.0.7"))
    jit.assign_role("alice", "Contributor", SUB)
    jit.assign_role("dave", "Security Reader", SUB)
    jit.enable(vm_id("web1"), path="defender")
    sim.advance("PT9H")
    return sim
