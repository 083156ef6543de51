"""The full role catalogues: every Microsoft Entra built-in role and every Azure built-in role, as data.

The rows live in ``entra_roles.csv`` and ``azure_roles.csv`` beside this module, copied from Microsoft Learn
("Microsoft Entra built-in roles" and "Azure built-in roles"); ``README.md`` in this folder names the page
sources (repository, path, commit) and the date they were read. Each trait carries its basis: ``microsoft``
where a Microsoft page states it, ``model`` where the page is silent and the value is this model's choice.

Custom roles (declared by a scenario or met in an import) are ``CustomRole`` records added to a catalogue with
``RoleCatalogue.with_custom``; the built-in data is never changed.

The files are read on the first lookup, not on import.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources

from pim_sim.errors import ModelError

__all__ = [
    "AZURE",
    "ENTRA",
    "SURFACES",
    "BuiltInRole",
    "CatalogueRole",
    "CustomRole",
    "RoleCatalogue",
    "UnknownRole",
    "builtin_catalogue",
    "is_guid",
    "normalise_role_id",
]

ENTRA = "entra"
AZURE = "azure"
# The surfaces whose roles are catalogued here (plain strings: pim_sim.core.roles.Surface is a StrEnum with the same
# values, so either can be passed). PIM for Groups has only 'member' and 'owner' and stays in pim_sim.core.roles.
SURFACES = (ENTRA, AZURE)

_GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_FILES = {ENTRA: "entra_roles.csv", AZURE: "azure_roles.csv"}
_COLUMNS = ("name", "id", "surface", "category", "privileged", "privileged_basis", "au_scopable",
            "au_scopable_basis", "source", "date_read")


def is_guid(text: str) -> bool:
    """True when text is a GUID in the 8-4-4-4-12 form (either case)."""
    return isinstance(text, str) and _GUID.fullmatch(text) is not None


def normalise_role_id(role_id: str) -> str:
    """The bare lower-case GUID of a role id.

    Accepts the template id Graph writes (``62e90394-...``) and the Azure resource form
    (``/subscriptions/{sub}/providers/Microsoft.Authorization/roleDefinitions/{guid}``), whose last path segment
    is the role's id.
    """
    text = str(role_id).strip()
    if "/" in text:
        text = text.rstrip("/").rsplit("/", 1)[-1]
    return text.lower()


class UnknownRole(ModelError, KeyError):
    """A role the catalogue doesn't have: a ModelError (the model was asked something impossible) that is also a
    KeyError, whose text is the plain message. ``pim_sim.core.roles.UnknownRole`` is this class."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


@dataclass(frozen=True, slots=True)
class BuiltInRole:
    """A Microsoft built-in role as its Learn page lists it.

    ``privileged``: Entra roles carry Microsoft's PRIVILEGED label in the permissions reference; Azure roles are
    privileged when Microsoft lists them under "Privileged" on the Azure built-in roles page.
    ``au_scopable``: whether an Entra role can be assigned with administrative unit scope (None for Azure roles,
    where administrative units don't apply). ``*_basis`` says whether the value is Microsoft's or a model choice.
    """

    name: str
    id: str
    surface: str
    category: str
    privileged: bool
    privileged_basis: str
    au_scopable: bool | None
    au_scopable_basis: str
    source: str
    date_read: str
    custom: bool = False


@dataclass(frozen=True, slots=True)
class CustomRole:
    """A tenant's own role definition, declared in a scenario or met in an import.

    Microsoft publishes nothing about a custom role, so its traits are all model choices: not privileged and not
    administrative-unit scopable unless the scenario says otherwise.
    """

    name: str
    id: str
    surface: str
    privileged: bool = False
    au_scopable: bool = False
    custom: bool = True

    def __post_init__(self) -> None:
        if self.surface not in SURFACES:
            raise ValueError(f"custom role {self.name!r}: surface must be one of {', '.join(SURFACES)}, not {self.surface!r}")
        if not self.name or not self.name.strip():
            raise ValueError("custom role: the name must not be empty")
        object.__setattr__(self, "id", normalise_role_id(self.id))
        if not is_guid(self.id):
            raise ValueError(f"custom role {self.name!r}: the id must be a GUID, not {self.id!r}")
        if self.surface == AZURE and self.au_scopable:
            raise ValueError(f"custom role {self.name!r}: administrative units apply to Microsoft Entra roles only")


CatalogueRole = BuiltInRole | CustomRole


def _parse_bool(value: str, where: str) -> bool | None:
    if value == "":
        return None
    if value in ("true", "false"):
        return value == "true"
    raise ValueError(f"{where}: expected true, false or empty, got {value!r}")


def _read(surface: str) -> tuple[BuiltInRole, ...]:
    text = resources.files(__package__).joinpath(_FILES[surface]).read_text(encoding="utf-8")
    reader = csv.reader(io.StringIO(text))
    header = tuple(next(reader))
    if header != _COLUMNS:
        raise ValueError(f"{_FILES[surface]}: unexpected columns {header}")
    rows = []
    for line, cells in enumerate(reader, start=2):
        where = f"{_FILES[surface]} line {line}"
        row = dict(zip(_COLUMNS, cells, strict=True))
        rows.append(BuiltInRole(
            name=row["name"], id=row["id"].lower(), surface=row["surface"], category=row["category"],
            privileged=bool(_parse_bool(row["privileged"], where)), privileged_basis=row["privileged_basis"],
            au_scopable=_parse_bool(row["au_scopable"], where), au_scopable_basis=row["au_scopable_basis"],
            source=row["source"], date_read=row["date_read"]))
    return tuple(rows)


class RoleCatalogue:
    """Built-in roles plus any custom roles, looked up by name (case-insensitive) or by id."""

    __slots__ = ("_by_id", "_by_name", "_roles")

    def __init__(self, roles: Iterable[CatalogueRole]) -> None:
        self._roles: tuple[CatalogueRole, ...] = tuple(roles)
        by_name: dict[tuple[str, str], CatalogueRole] = {}
        by_id: dict[str, CatalogueRole] = {}
        for r in self._roles:
            key = (r.surface, r.name.casefold())
            if key in by_name:
                raise ValueError(f"two {r.surface} roles are named {r.name!r}")
            if r.id in by_id:
                raise ValueError(f"roles {by_id[r.id].name!r} and {r.name!r} share the id {r.id}")
            by_name[key] = r
            by_id[r.id] = r
        self._by_name = by_name
        self._by_id = by_id

    def __iter__(self) -> Iterator[CatalogueRole]:
        return iter(self._roles)

    def __len__(self) -> int:
        return len(self._roles)

    def roles(self, surface: str | None = None, *, custom: bool | None = None) -> tuple[CatalogueRole, ...]:
        """The roles, optionally of one surface and/or only custom (True) or only built-in (False)."""
        return tuple(r for r in self._roles
                     if (surface is None or r.surface == surface) and (custom is None or r.custom == custom))

    def by_id(self, role_id: str) -> CatalogueRole:
        """The role with this id (any case; the Azure resource-id form is accepted too)."""
        try:
            return self._by_id[normalise_role_id(role_id)]
        except KeyError:
            raise UnknownRole(f"{role_id!r} is not the id of a known role") from None

    def find(self, name: str) -> tuple[CatalogueRole, ...]:
        """Every role of any surface with this name (case-insensitive): 'Security Reader' is both an Entra and an
        Azure role."""
        key = str(name).strip().casefold()
        return tuple(r for s in SURFACES if (r := self._by_name.get((s, key))) is not None)

    def by_name(self, name: str, surface: str | None = None) -> CatalogueRole:
        """The role with this display name (case-insensitive), on the given surface or, without one, on the only
        surface that has the name."""
        if surface is not None:
            found = self._by_name.get((surface, str(name).strip().casefold()))
            if found is None:
                raise UnknownRole(f"{name!r} is not a known {surface} role")
            return found
        matches = self.find(name)
        if not matches:
            raise UnknownRole(f"{name!r} is not a known role")
        if len(matches) > 1:
            raise UnknownRole(f"{name!r} names roles on several surfaces ({', '.join(r.surface for r in matches)}): "
                              "give the surface")
        return matches[0]

    def lookup(self, name_or_id: str, surface: str | None = None) -> CatalogueRole:
        """By id when the text is a role id, else by name."""
        if is_guid(normalise_role_id(name_or_id)):
            found = self.by_id(name_or_id)
            if surface is not None and found.surface != surface:
                raise UnknownRole(f"{name_or_id!r} is {found.name!r}, on the {found.surface} surface, not {surface}")
            return found
        return self.by_name(name_or_id, surface)

    def with_custom(self, *custom: CustomRole) -> RoleCatalogue:
        """A new catalogue with these custom roles added; a name or id already taken is an error."""
        for c in custom:
            if not isinstance(c, CustomRole):
                raise TypeError(f"expected CustomRole, got {type(c).__name__}")
        return RoleCatalogue((*self._roles, *custom))


@cache
def builtin_catalogue() -> RoleCatalogue:
    """Every Microsoft Entra and Azure built-in role; read from the data files on the first call."""
    return RoleCatalogue(role for surface in SURFACES for role in _read(surface))
