"""A scenario's custom roles: the tenant's own role definitions, looked up beside Microsoft's built-in roles."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pydantic import Field, field_validator

from pim_sim.catalogue import CustomRole, RoleCatalogue, builtin_catalogue, is_guid, normalise_role_id
from pim_sim.scenario.spec.base import RoleName, Spec


class CustomRoleSpec(Spec):
    """``{name: Contoso Helpdesk Tier 2, id: 1a2b...-..., surface: entra}``: a custom role (its Graph
    ``roleDefinitionId``); Microsoft publishes nothing about it, so ``privileged`` and ``au_scopable`` are the
    scenario's choice (default false)."""

    name: RoleName = Field(description="the role's display name")
    id: str = Field(description="its role definition id (a GUID), as Graph names it in roleDefinitionId")
    surface: Literal["entra", "azure"] = "entra"
    privileged: bool = False
    au_scopable: bool = Field(False, description="can be assigned with administrative unit scope (Entra only)")

    @field_validator("id")
    @classmethod
    def _guid(cls, value: str) -> str:
        if not is_guid(normalise_role_id(value)):
            raise ValueError(f"{value[:60]!r} is not a GUID such as 1a2b3c4d-0000-4000-8000-00000000c0de")
        return normalise_role_id(value)

    def role(self) -> CustomRole:
        return CustomRole(self.name, self.id, self.surface, self.privileged, self.au_scopable)


def catalogue_of(custom: Sequence[CustomRoleSpec]) -> RoleCatalogue | None:
    """The built-in catalogue plus these custom roles (None: the built-in catalogue alone)."""
    return builtin_catalogue().with_custom(*(c.role() for c in custom)) if custom else None
