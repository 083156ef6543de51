"""Azure RBAC for JIT: role definitions as action lists, and what a holder of them may do.

Built-in role actions are from "Azure built-in roles" (facts.BUILT_IN_ROLES; fact 45): Owner and
Contributor have ``*``, Reader ``*/read``, Security Admin ``Microsoft.Security/*`` (so the initiate
action, but no ``Microsoft.Compute`` read), Security Reader only ``Microsoft.Security/*/read``. The
least-privileged "JIT Access Role" is the one Microsoft's ``Set-JitLeastPrivilegedRole`` script
creates (fact 44). Which roles a person holds at a moment comes from the host: PIM's holdings
(an eligible role counts only while activated) and standing assignments made outside PIM.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pim_sim.errors import ModelError

from . import facts


@dataclass(frozen=True, slots=True)
class RoleDefinition:
    name: str
    actions: tuple[str, ...]
    not_actions: tuple[str, ...] = ()
    source: str = facts.BUILT_IN_ROLES


_CONTRIBUTOR_NOT = ("Microsoft.Authorization/*/Delete", "Microsoft.Authorization/*/Write",
                    "Microsoft.Authorization/elevateAccess/Action", "Microsoft.Blueprint/blueprintAssignments/write",
                    "Microsoft.Blueprint/blueprintAssignments/delete", "Microsoft.Compute/galleries/share/action")

BUILT_IN = {
    r.name: r for r in (
        RoleDefinition("Owner", ("*",)),
        RoleDefinition("Contributor", ("*",), _CONTRIBUTOR_NOT),
        RoleDefinition("Reader", ("*/read",)),
        RoleDefinition("Security Admin", (
            "Microsoft.Authorization/*/read", "Microsoft.Authorization/policyAssignments/*",
            "Microsoft.Authorization/policyDefinitions/*", "Microsoft.Authorization/policyExemptions/*",
            "Microsoft.Authorization/policySetDefinitions/*", "Microsoft.Insights/alertRules/*",
            "Microsoft.Management/managementGroups/read", "Microsoft.operationalInsights/workspaces/*/read",
            "Microsoft.Resources/deployments/*", "Microsoft.Resources/subscriptions/resourceGroups/read",
            "Microsoft.Security/*", "Microsoft.IoTSecurity/*", "Microsoft.Support/*")),
        RoleDefinition("Security Reader", (
            "Microsoft.Authorization/*/read", "Microsoft.Insights/alertRules/read",
            "Microsoft.operationalInsights/workspaces/*/read", "Microsoft.Resources/deployments/*/read",
            "Microsoft.Resources/subscriptions/resourceGroups/read", "Microsoft.Security/*/read",
            "Microsoft.IoTSecurity/*/read", "Microsoft.Support/*/read", "Microsoft.Management/managementGroups/read")),
        RoleDefinition("JIT Access Role", (
            # Set-JitLeastPrivilegedRole (fact 44): the JIT reads and initiate, policies and public IP reads, and,
            # unless -forApiOnly, the VM and network reads the portal needs.
            "Microsoft.Security/locations/jitNetworkAccessPolicies/read", facts.INITIATE_ACTION,
            "Microsoft.Security/policies/read", "Microsoft.Network/publicIPAddresses/read",
            "Microsoft.Compute/virtualMachines/read", "Microsoft.Network/*/read"), source=facts.LEAST_PRIVILEGE_SCRIPT),
    )
}


@lru_cache(maxsize=1024)
def _pattern(action: str) -> re.Pattern:
    """An RBAC action with wildcards as a case-insensitive regular expression (``*`` matches anything)."""
    return re.compile("^" + ".*".join(map(re.escape, action.split("*"))) + "$", re.IGNORECASE)


def permits(role: RoleDefinition, action: str) -> bool:
    """Does the role allow the action (matched by an action and by no notAction)?"""
    return (any(_pattern(a).match(action) for a in role.actions)
            and not any(_pattern(n).match(action) for n in role.not_actions))


def allows(roles, action: str) -> bool:
    return any(permits(r, action) for r in roles)


def missing(roles, actions) -> tuple[str, ...]:
    """The actions none of the roles allows. A wildcard action such as ``.../jitNetworkAccessPolicies/*/read`` is
    asked as the resource's own read (``.../jitNetworkAccessPolicies/read``), the one the least-privileged
    role grants (fact 44)."""
    concrete = (a.replace("/*/", "/") for a in actions)
    return tuple(a for a, c in zip(actions, concrete, strict=True) if not allows(roles, c))


def custom_role(name: str, actions, not_actions=()) -> RoleDefinition:
    if not name or name in BUILT_IN:
        raise ModelError(f"custom role name {name!r} is empty or the name of a built-in role")
    acts = tuple(actions)
    if not acts:
        raise ModelError(f"custom role {name!r} has no actions")
    return RoleDefinition(name, acts, tuple(not_actions), source="custom")
