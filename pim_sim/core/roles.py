"""The role catalogue: Microsoft Entra built-in roles and Azure built-in roles.

Template ids are Microsoft's fixed identifiers, the same in every tenant
(https://learn.microsoft.com/en-us/entra/identity/role-based-access-control/permissions-reference,
https://learn.microsoft.com/en-us/azure/role-based-access-control/built-in-roles).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Surface(StrEnum):
    """The three places PIM manages: each has its own settings, audit category and blades."""

    ENTRA = "entra"
    AZURE = "azure"
    GROUPS = "groups"


@dataclass(frozen=True, slots=True)
class RoleDefinition:
    name: str
    template_id: str
    surface: Surface
    highly_privileged: bool = False


_ENTRA = [
    # name, template id, one of the eight highly privileged roles of CISA SCuBA MS.AAD.7
    ("Global Administrator", "62e90394-69f5-4237-9190-012177145e10", True),
    ("Privileged Role Administrator", "e8611ab8-c189-46e8-94e1-60213ab1f814", True),
    ("Security Administrator", "194ae4cb-b126-40b2-bd5b-6091b380977d", False),
    ("Security Reader", "5d6b6bb7-de71-4623-b4af-96380a352509", False),
    ("Global Reader", "f2ef992c-3afb-46b9-b7cf-a126ee74c451", False),
    ("User Administrator", "fe930be7-5e62-47db-91af-98c3a49a38b1", True),
    ("Helpdesk Administrator", "729827e3-9c14-49f7-bb1b-9608f156bbb8", False),
    ("Exchange Administrator", "29232cdf-9323-42fd-ade2-1d097af3e4de", True),
    ("SharePoint Administrator", "f28a1f50-f6e7-4571-818b-6a12f2af6b6c", True),
    ("Application Administrator", "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3", True),
    ("Cloud Application Administrator", "158c047a-c907-4556-b7ef-446551a6b5f7", True),
    ("Hybrid Identity Administrator", "8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2", True),
    ("Reports Reader", "4a5d8f65-41da-4de4-8968-e035b65339cf", False),
    ("Security Operator", "5f2222b1-57c3-48ba-8ad5-d4759f1fde6f", False),
    ("Privileged Authentication Administrator", "7be44c8a-adaf-4e2a-84d6-ab2649e08a13", False),
    ("Conditional Access Administrator", "b1be1c3e-b65d-4f19-8427-f6fa0d97feb9", False),
]

_AZURE = [
    ("Owner", "8e3af657-a8ff-443c-a75c-2fe8c4bcb635", True),
    ("Contributor", "b24988ac-6180-42a0-ab88-20f7382dd24c", False),
    ("Reader", "acdd72a7-3385-48ef-bd42-f606fba81ae7", False),
    ("User Access Administrator", "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9", True),
]

# PIM for Groups has two "roles" per group, each with its own policy (Graph accessId).
_GROUPS = [("Member", "member", False), ("Owner", "owner", False)]

ENTRA_ROLES = {n: RoleDefinition(n, t, Surface.ENTRA, p) for n, t, p in _ENTRA}
AZURE_ROLES = {n: RoleDefinition(n, t, Surface.AZURE, p) for n, t, p in _AZURE}
GROUP_ROLES = {n: RoleDefinition(n, t, Surface.GROUPS, p) for n, t, p in _GROUPS}
CATALOGUE = {Surface.ENTRA: ENTRA_ROLES, Surface.AZURE: AZURE_ROLES, Surface.GROUPS: GROUP_ROLES}

HIGHLY_PRIVILEGED_ENTRA = tuple(r.name for r in ENTRA_ROLES.values() if r.highly_privileged)

# The catalogue's roles that can be assigned with administrative unit scope; the others (Global
# Administrator among them) are directory-wide only
# (https://learn.microsoft.com/en-us/entra/identity/role-based-access-control/admin-units-assign-roles).
AU_SCOPABLE = frozenset({"Helpdesk Administrator", "Privileged Authentication Administrator", "SharePoint Administrator",
                         "User Administrator"})


class UnknownRole(KeyError):
    """A role name the catalogue doesn't have: a KeyError whose text is the plain message."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


_A_SURFACE = {Surface.ENTRA: "a Microsoft Entra", Surface.AZURE: "an Azure", Surface.GROUPS: "a PIM for Groups"}


def role(surface: Surface, name: str) -> RoleDefinition:
    """Look a role up by surface and display name, with an error that lists the choices."""
    try:
        return CATALOGUE[surface][name]
    except KeyError:
        known = ", ".join(sorted(CATALOGUE[surface]))
        raise UnknownRole(f"{name!r} is not {_A_SURFACE[surface]} role; known roles: {known}") from None


def surface_of(name: str) -> Surface:
    """The surface a role name belongs to (Entra names and Azure names don't overlap;
    'Owner' is the Azure role, the group Owner is addressed with a group scope)."""
    for surface in (Surface.ENTRA, Surface.AZURE):
        if name in CATALOGUE[surface]:
            return surface
    if name in GROUP_ROLES:
        return Surface.GROUPS
    known = ", ".join(sorted([*ENTRA_ROLES, *AZURE_ROLES]))
    raise UnknownRole(f"{name!r} is not a known role; known roles: {known}")
