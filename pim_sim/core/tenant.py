"""Who and what exists in the simulated tenant: principals, groups, scopes and the licence.

A :class:`Tenant` is a frozen description. What changes during a run (assignments, the
licence after a lapse, sign-ins) lives in the :class:`~pim_sim.core.kernel.Kernel`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from pim_sim.core.roles import Surface
from pim_sim.errors import ModelError

DIRECTORY = "/"


class PrincipalKind(StrEnum):
    MEMBER = "member"
    GUEST = "guest"
    SERVICE_PRINCIPAL = "servicePrincipal"
    GROUP = "group"


@dataclass(frozen=True, slots=True)
class User:
    name: str
    kind: PrincipalKind = PrincipalKind.MEMBER
    manager: str | None = None
    last_sign_in: datetime | None = None
    display_name: str = ""

    @property
    def is_guest(self) -> bool:
        return self.kind is PrincipalKind.GUEST


@dataclass(frozen=True, slots=True)
class ServicePrincipal:
    name: str
    kind: PrincipalKind = PrincipalKind.SERVICE_PRINCIPAL
    last_sign_in: datetime | None = None


@dataclass(frozen=True, slots=True)
class Group:
    """A security group. Only role-assignable groups can hold Microsoft Entra roles
    (https://learn.microsoft.com/en-us/entra/id-governance/privileged-identity-management/pim-deployment-plan);
    dynamic and on-premises-synced groups can't be managed by PIM for Groups
    (https://learn.microsoft.com/en-us/entra/id-governance/privileged-identity-management/concept-pim-for-groups)."""

    name: str
    role_assignable: bool = False
    members: tuple[str, ...] = ()
    owners: tuple[str, ...] = ()
    dynamic: bool = False
    synced: bool = False
    kind: PrincipalKind = PrincipalKind.GROUP


class ScopeLevel(StrEnum):
    DIRECTORY = "directory"
    ADMINISTRATIVE_UNIT = "administrativeUnit"
    MANAGEMENT_GROUP = "managementGroup"
    SUBSCRIPTION = "subscription"
    RESOURCE_GROUP = "resourceGroup"
    RESOURCE = "resource"
    GROUP = "group"


@dataclass(frozen=True, slots=True)
class Scope:
    """A place a role can be held. Azure scopes form a tree (management group >
    subscription > resource group > resource); assignments inherit down it, role settings
    don't (https://learn.microsoft.com/en-us/entra/id-governance/privileged-identity-management/pim-resource-roles-configure-role-settings)."""

    id: str
    level: ScopeLevel
    parent: str | None = None

    @property
    def surface(self) -> Surface:
        if self.level in (ScopeLevel.DIRECTORY, ScopeLevel.ADMINISTRATIVE_UNIT):
            return Surface.ENTRA
        if self.level is ScopeLevel.GROUP:
            return Surface.GROUPS
        return Surface.AZURE

    @property
    def name(self) -> str:
        return self.id.rstrip("/").rsplit("/", 1)[-1] or "directory"


class Licence(StrEnum):
    """Tenant licence. PIM needs Microsoft Entra ID P2 or Microsoft Entra ID Governance
    (https://learn.microsoft.com/en-us/entra/id-governance/licensing-fundamentals)."""

    FREE = "Free"
    P1 = "P1"
    P2 = "P2"
    GOVERNANCE = "Governance"

    @classmethod
    def _missing_(cls, value):
        raise ModelError(f"licence: {value!r} is not a licence; expected one of "
                         f"{', '.join(repr(m.value) for m in cls)}")

    @property
    def has_pim(self) -> bool:
        return self in (Licence.P2, Licence.GOVERNANCE)

    @property
    def audit_tier(self) -> str:
        """The tier that sets Entra audit log retention (Governance includes P1 features)."""
        return "Free" if self is Licence.FREE else "P2" if self.has_pim else "P1"


def scope_level(scope_id: str) -> ScopeLevel:
    """Infer the level of a scope from its id, in Azure Resource Manager style."""
    if scope_id == DIRECTORY:
        return ScopeLevel.DIRECTORY
    parts = scope_id.strip("/").split("/")
    head = parts[0].lower()
    if head == "administrativeunits" and len(parts) == 2:
        return ScopeLevel.ADMINISTRATIVE_UNIT
    if head == "groups" and len(parts) == 2:
        return ScopeLevel.GROUP
    if head == "providers" and len(parts) == 4 and parts[2].lower() == "managementgroups":
        return ScopeLevel.MANAGEMENT_GROUP
    if head == "subscriptions":
        if len(parts) == 2:
            return ScopeLevel.SUBSCRIPTION
        if len(parts) == 4 and parts[2].lower() == "resourcegroups":
            return ScopeLevel.RESOURCE_GROUP
        if len(parts) >= 7 and parts[2].lower() == "resourcegroups" and parts[4].lower() == "providers":
            return ScopeLevel.RESOURCE
    raise ModelError(
        f"{scope_id!r} is not a scope id. Use '/', '/administrativeUnits/NAME', '/groups/NAME', "
        "'/providers/Microsoft.Management/managementGroups/NAME', '/subscriptions/NAME', "
        "'/subscriptions/S/resourceGroups/RG' or '/subscriptions/S/resourceGroups/RG/providers/TYPE/NAME'"
    )


def implied_parent(scope_id: str, level: ScopeLevel) -> str | None:
    """The parent a scope id names itself (a subscription's management group is declared)."""
    parts = scope_id.strip("/").split("/")
    if level is ScopeLevel.RESOURCE_GROUP:
        return "/" + "/".join(parts[:2])
    if level is ScopeLevel.RESOURCE:
        return "/" + "/".join(parts[:4])
    if level is ScopeLevel.ADMINISTRATIVE_UNIT:
        return DIRECTORY
    return None


@dataclass(frozen=True)
class Tenant:
    """The frozen description of a tenant. Build one with :meth:`build`."""

    users: tuple[User, ...] = ()
    service_principals: tuple[ServicePrincipal, ...] = ()
    groups: tuple[Group, ...] = ()
    scopes: tuple[Scope, ...] = (Scope(DIRECTORY, ScopeLevel.DIRECTORY),)
    licence: Licence = Licence.P2
    name: str = "contoso"
    _index: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def build(
        cls,
        users=(),
        service_principals=(),
        groups=(),
        scopes=(),
        licence: Licence | str = Licence.P2,
        name: str = "contoso",
    ) -> Tenant:
        """Make a tenant from plain names or objects; scopes' parents are filled in.

        ``users`` may hold names or :class:`User`; ``scopes`` may hold ids or
        ``(id, parent)`` pairs (a subscription names its management group this way)."""
        us = tuple(u if isinstance(u, User) else User(str(u)) for u in users)
        sps = tuple(s if isinstance(s, ServicePrincipal) else ServicePrincipal(str(s)) for s in service_principals)
        gs = tuple(g if isinstance(g, Group) else Group(str(g)) for g in groups)
        found: dict[str, Scope] = {DIRECTORY: Scope(DIRECTORY, ScopeLevel.DIRECTORY)}

        def add(scope_id: str, parent: str | None = None) -> None:
            level = scope_level(scope_id)
            parent = parent or implied_parent(scope_id, level)
            if parent is not None and parent not in found:
                add(parent)
            prior = found.get(scope_id)
            if prior is None or (prior.parent is None and parent is not None):
                found[scope_id] = Scope(scope_id, level, parent)

        for item in scopes:
            if isinstance(item, Scope):
                add(item.id, item.parent)
            elif isinstance(item, tuple):
                add(*item)
            else:
                add(item)
        for g in gs:
            add(f"/groups/{g.name}")
        tenant = cls(us, sps, gs, tuple(found.values()), Licence(licence), name)
        tenant.validate()
        return tenant

    def __post_init__(self) -> None:
        everyone: tuple[User | ServicePrincipal | Group, ...] = (*self.users, *self.service_principals, *self.groups)
        index = {p.name: p for p in everyone}
        self._index.update(principals=index, scopes={s.id: s for s in self.scopes},
                           groups={g.name: g for g in self.groups}, ancestors={})

    def validate(self) -> None:
        everyone: tuple[User | ServicePrincipal | Group, ...] = (*self.users, *self.service_principals, *self.groups)
        names = [p.name for p in everyone]
        dupes = sorted(n for n, k in Counter(names).items() if k > 1)
        if dupes:
            raise ModelError(f"principal names must be unique; repeated: {', '.join(dupes)}")
        for u in self.users:
            if u.manager is not None and not isinstance(self._index["principals"].get(u.manager), User):
                raise ModelError(f"user {u.name!r}: manager {u.manager!r} is not a user in this tenant")
        for g in self.groups:
            for m in (*g.members, *g.owners):
                if m not in self._index["principals"]:
                    raise ModelError(f"group {g.name!r}: {m!r} is not a principal in this tenant")

    # --- look-ups ---------------------------------------------------------------------------
    def principal(self, name: str) -> User | ServicePrincipal | Group:
        try:
            return self._index["principals"][name]
        except KeyError:
            raise ModelError(f"{name!r} is not a user, service principal or group in this tenant") from None

    def has_principal(self, name: str) -> bool:
        return name in self._index["principals"]

    def group(self, name: str) -> Group:
        try:
            return self._index["groups"][name]
        except KeyError:
            raise ModelError(f"{name!r} is not a group in this tenant") from None

    def scope(self, scope_id: str) -> Scope:
        try:
            return self._index["scopes"][scope_id]
        except KeyError:
            raise ModelError(f"{scope_id!r} is not a scope in this tenant") from None

    def ancestors(self, scope_id: str) -> tuple[str, ...]:
        """The scope and every scope above it, nearest first (worked out once per scope: the tenant is frozen)."""
        known = self._index["ancestors"]
        if scope_id not in known:
            chain = []
            current: str | None = scope_id
            while current is not None:
                chain.append(current)
                current = self.scope(current).parent
            known[scope_id] = tuple(chain)
        return known[scope_id]

    def groups_of(self, name: str) -> tuple[str, ...]:
        """Groups that list the principal as a standing member."""
        return tuple(g.name for g in self.groups if name in g.members)

    def members_of(self, group: str) -> tuple[str, ...]:
        return self.group(group).members
