"""Who may manage PIM assignments and settings on each surface.

Only Privileged Role Administrators or Global Administrators manage Microsoft Entra assignments;
only Owners or User Access Administrators manage Azure ones; a PIM for Groups group's owners and the
directory roles of :func:`group_managers` manage a group's
(https://learn.microsoft.com/en-us/entra/id-governance/privileged-identity-management/groups-role-settings).
"""

from __future__ import annotations

from typing import NoReturn, Protocol

from pim_sim import facts
from pim_sim.core import access as access_mod
from pim_sim.core.events import ADMIN
from pim_sim.core.roles import Surface
from pim_sim.core.tenant import DIRECTORY, Tenant
from pim_sim.errors import PimRefusal

_MANAGERS = {
    # who may manage assignments, approve extend/renew and cancel others' requests
    Surface.ENTRA: ("Global Administrator", "Privileged Role Administrator"),
    Surface.AZURE: ("Owner", "User Access Administrator"),
}  # a group's managers depend on the group: group_managers()


class Run(access_mod.State, Protocol):
    """What the check reads of a run: access questions, and the refusal record."""

    def refuse(self, principal: str, action: str, role: str, scope: str, error: PimRefusal) -> NoReturn: ...


def group_managers(tenant: Tenant, scope: str) -> tuple[str, ...]:
    """The directory roles that manage the assignments and settings of a PIM for Groups group (its scope,
    ``/groups/NAME``) besides its owners: fewer for a role-assignable group (``facts.GROUP_MANAGER_ROLES``)."""
    kind = "role_assignable" if tenant.group(scope.removeprefix("/groups/")).role_assignable else "other"
    return facts.GROUP_MANAGER_ROLES.value[kind]


def authorise(sim: Run, by: str, action: str, principal: str, role: str, scope: str, surface: Surface) -> None:
    """Refuse (``sim.refuse``) unless ``by`` holds, now, a role that manages this surface's assignments at the
    scope (a group's owner first, then its managers' directory roles)."""
    if by == ADMIN:
        return
    sim.tenant.principal(by)
    t = sim.now
    if surface is Surface.GROUPS and access_mod.holdings(sim, by, "Owner", scope, t):
        return
    roles = group_managers(sim.tenant, scope) if surface is Surface.GROUPS else _MANAGERS[surface]
    where = scope if surface is Surface.AZURE else DIRECTORY  # Entra and group managers hold directory roles
    if not any(access_mod.holdings(sim, by, r, where, t) for r in roles):
        names = [*roles, "an owner of the group"] if surface is Surface.GROUPS else list(roles)
        who = ", ".join(names[:-1]) + " or " + names[-1]
        source = facts.GROUP_MANAGER_ROLES.source if surface is Surface.GROUPS else facts.SOURCES["scope"]
        sim.refuse(by, action, role, scope, PimRefusal(
            f"{by} can't do this: managing {surface.value} assignments needs an active {who}.",
            rule="AuthorizationRule", code="AuthorizationFailed", source=source))
