"""The roles the model knows: the 20 it models in depth, backed by the full catalogues.

The 16 Microsoft Entra and 4 Azure roles the presets, the baseline checks, the Graph export and the Posture page
loop over (``ENTRA_ROLES``, ``AZURE_ROLES``, ``CATALOGUE``) are built from :mod:`pim_sim.catalogue` rows by name, so
their ids are the catalogue's (copied from Microsoft Learn:
https://learn.microsoft.com/en-us/entra/identity/role-based-access-control/permissions-reference and
https://learn.microsoft.com/en-us/azure/role-based-access-control/built-in-roles). Any other built-in role (123
Entra, 498 Azure) is found by :func:`role`, :func:`surface_of` and :func:`role_by_id` in the full catalogue, and a
run's custom roles are added with :func:`using` (``builtin_catalogue().with_custom(...)``).

Traits: ``privileged`` is Microsoft's PRIVILEGED label (Entra) or the "Privileged" category (Azure);
``highly_privileged`` is CISA SCuBA MS.AAD.7's list of eight Entra roles plus the model's choice of Owner and User
Access Administrator on Azure; ``au_scopable`` is Microsoft's list of roles assignable with administrative unit
scope (https://learn.microsoft.com/en-us/entra/identity/role-based-access-control/admin-units-assign-roles).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from enum import StrEnum

from pim_sim.catalogue import CustomRole, RoleCatalogue, UnknownRole, builtin_catalogue, is_guid, normalise_role_id

__all__ = [
    "AU_SCOPABLE", "AZURE_ROLES", "CATALOGUE", "ENTRA_ROLES", "GROUP_ROLES", "HIGHLY_PRIVILEGED_ENTRA", "CustomRole",
    "RoleDefinition", "Surface", "UnknownRole", "catalogue_in_use", "role", "role_by_id", "surface_of", "using",
]


class Surface(StrEnum):
    """The three places PIM manages: each has its own settings, audit category and blades."""

    ENTRA = "entra"
    AZURE = "azure"
    GROUPS = "groups"


@dataclass(frozen=True, slots=True)
class RoleDefinition:
    """A role as the model uses it. ``template_id`` is the Entra template id, the Azure role definition id, or
    ``member``/``owner`` for PIM for Groups."""

    name: str
    template_id: str
    surface: Surface
    highly_privileged: bool = False
    privileged: bool = False
    custom: bool = False
    au_scopable: bool = False


# The modelled roles, by display name, and whether each is highly privileged: for Entra, one of the eight roles of
# CISA SCuBA MS.AAD.7 (ScubaGear's default privileged roles); for Azure, the model's choice (Owner and User Access
# Administrator can grant access to others).
_ENTRA = (
    ("Global Administrator", True),
    ("Privileged Role Administrator", True),
    ("Security Administrator", False),
    ("Security Reader", False),
    ("Global Reader", False),
    ("User Administrator", True),
    ("Helpdesk Administrator", False),
    ("Exchange Administrator", True),
    ("SharePoint Administrator", True),
    ("Application Administrator", True),
    ("Cloud Application Administrator", True),
    ("Hybrid Identity Administrator", True),
    ("Reports Reader", False),
    ("Security Operator", False),
    ("Privileged Authentication Administrator", False),
    ("Conditional Access Administrator", False),
)
_AZURE = (("Owner", True), ("Contributor", False), ("Reader", False), ("User Access Administrator", True))

# PIM for Groups has two "roles" per group, each with its own policy (Graph accessId).
_GROUPS = (("Member", "member"), ("Owner", "owner"))


def _definition(found, surface: Surface, highly_privileged: bool = False) -> RoleDefinition:
    return RoleDefinition(found.name, found.id, surface, highly_privileged, found.privileged, found.custom,
                          bool(found.au_scopable))


def _modelled(rows, surface: Surface) -> dict[str, RoleDefinition]:
    cat = builtin_catalogue()
    return {name: _definition(cat.by_name(name, surface.value), surface, hp) for name, hp in rows}


ENTRA_ROLES = _modelled(_ENTRA, Surface.ENTRA)
AZURE_ROLES = _modelled(_AZURE, Surface.AZURE)
GROUP_ROLES = {n: RoleDefinition(n, t, Surface.GROUPS) for n, t in _GROUPS}
CATALOGUE = {Surface.ENTRA: ENTRA_ROLES, Surface.AZURE: AZURE_ROLES, Surface.GROUPS: GROUP_ROLES}

HIGHLY_PRIVILEGED_ENTRA = tuple(r.name for r in ENTRA_ROLES.values() if r.highly_privileged)

# Every Entra role Microsoft lists as assignable with administrative unit scope (12 roles); the others (Global
# Administrator among them) are directory-wide only.
AU_SCOPABLE = frozenset(r.name for r in builtin_catalogue().roles("entra") if r.au_scopable)

_A_SURFACE = {Surface.ENTRA: "a Microsoft Entra", Surface.AZURE: "an Azure", Surface.GROUPS: "a PIM for Groups"}

# The catalogue of the run in progress: the built-in roles plus the custom roles a scenario declares or an import
# meets. ``using`` sets it for a block; outside one, the built-in catalogue.
_IN_USE: ContextVar[RoleCatalogue | None] = ContextVar("pim_sim_role_catalogue", default=None)


def catalogue_in_use() -> RoleCatalogue:
    """The role catalogue lookups consult now: the built-in one unless :func:`using` set another."""
    return _IN_USE.get() or builtin_catalogue()


@contextmanager
def using(catalogue: RoleCatalogue | None) -> Iterator[RoleCatalogue]:
    """Look roles up in this catalogue (the built-in one plus custom roles) inside the block; ``None`` keeps the
    catalogue already in use."""
    token = _IN_USE.set(catalogue if catalogue is not None else _IN_USE.get())
    try:
        yield catalogue_in_use()
    finally:
        _IN_USE.reset(token)


def with_custom(*custom: CustomRole) -> RoleCatalogue:
    """The catalogue in use plus these custom roles (for :func:`using`)."""
    return catalogue_in_use().with_custom(*custom) if custom else catalogue_in_use()


def _extra(surface: Surface, name: str, catalogue: RoleCatalogue | None = None) -> RoleDefinition | None:
    if surface is Surface.GROUPS:
        return None
    found = (catalogue or catalogue_in_use()).find(name)
    for r in found:
        if r.surface == surface.value:
            return _definition(r, surface)
    return None


def role(surface: Surface, name: str, catalogue: RoleCatalogue | None = None) -> RoleDefinition:
    """Look a role up by surface and display name: a modelled role, else any built-in or custom role of
    ``catalogue`` (default: the catalogue in use; display names as Microsoft writes them, case-insensitive beyond
    the modelled 20). The error lists the modelled choices."""
    surface = Surface(surface)
    try:
        return CATALOGUE[surface][name]
    except KeyError:
        pass
    found = _extra(surface, str(name), catalogue)
    if found is not None:
        return found
    known = ", ".join(sorted(CATALOGUE[surface]))
    raise UnknownRole(f"{name!r} is not {_A_SURFACE[surface]} role; known roles: {known}")


def surface_of(name: str) -> Surface:
    """The surface a role name belongs to. The modelled names don't overlap ('Owner' is the Azure role; the group
    Owner is addressed with a group scope); beyond them, a name found on one surface only (several built-in names,
    such as Security Reader, are both an Entra and an Azure role: the Entra one is meant)."""
    for surface in (Surface.ENTRA, Surface.AZURE):
        if name in CATALOGUE[surface]:
            return surface
    if name in GROUP_ROLES:
        return Surface.GROUPS
    found = catalogue_in_use().find(str(name))
    if found:
        return Surface(found[0].surface)
    known = ", ".join(sorted([*ENTRA_ROLES, *AZURE_ROLES]))
    raise UnknownRole(f"{name!r} is not a known role; known roles: {known}")


_BY_ID = {r.template_id.casefold(): r for s in CATALOGUE.values() for r in s.values()}


def role_by_id(role_id: str, catalogue: RoleCatalogue | None = None) -> RoleDefinition:
    """The role a Graph ``roleDefinitionId`` names: a template id (Entra), a role definition id or its
    ``/providers/Microsoft.Authorization/roleDefinitions/{id}`` form (Azure), ``member`` or ``owner`` (PIM for
    Groups), or a custom role's id in the catalogue in use."""
    text = str(role_id).strip()
    key = normalise_role_id(text) if is_guid(normalise_role_id(text)) else text.casefold()
    if key in _BY_ID:
        return _BY_ID[key]
    try:
        found = (catalogue or catalogue_in_use()).by_id(key)
    except UnknownRole:
        raise UnknownRole(f"{role_id!r} is not the id of a known role (Microsoft Entra or Azure built-in role, or a "
                          "custom role declared in the scenario)") from None
    return CATALOGUE[Surface(found.surface)].get(found.name) or _definition(found, Surface(found.surface))
