"""Microsoft Defender for Cloud just-in-time (JIT) VM access.

Network ports opened on request: a JIT policy (``Microsoft.Security/locations/jitNetworkAccessPolicies``)
lists each VM's ports, protocol, allowed sources and maximum request time; enabling it writes deny rules
to the VM's network security groups; a request whose requester passes the Azure RBAC check (there is no
approval step) writes allow rules above them, and at the end time they are removed. Build one with
:func:`attach`::

    from pim_sim import Simulation, Tenant
    from pim_sim.features.jit_vm import attach

    jit = attach(Simulation(Tenant.build(users=["alice"], scopes=["/subscriptions/prod"]), seed=1))

Every rule cites its fact in :mod:`pim_sim.features.jit_vm.facts`.
"""

from .errors import JitRefusal, RefusalReason
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
)
from .policy import JitPolicy, JitPortRule, JitVmEntry, port_rule
from .rbac import RoleDefinition, custom_role
from .service import ADMIN, JitState, JitVm, attach

__all__ = [
    "ADMIN",
    "Access",
    "AzureFirewall",
    "CreatedBy",
    "Deployment",
    "DnatRule",
    "JitPolicy",
    "JitPortRule",
    "JitRefusal",
    "JitState",
    "JitVm",
    "JitVmEntry",
    "OsType",
    "Plan",
    "Platform",
    "RefusalReason",
    "RoleDefinition",
    "SecurityRule",
    "VirtualMachine",
    "attach",
    "custom_role",
    "port_rule",
]
