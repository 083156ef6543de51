"""The generic shape of an export: read it (bounded, from a file, bytes, text or parsed), fold its keys, find its
items, and refuse what isn't an object or a list with an error naming where and which field."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pim_sim.errors import ModelError
from pim_sim.graph.vocabulary import GRAPH_DOCS
from pim_sim.io import untrusted

MAX_BYTES = 10_000_000  # uploads are bounded; a whole-tenant export is well under this


class GraphImportError(ModelError):
    """An export the model can't read. Names where (policy, rule, field) and what is wrong."""

    def __init__(self, where: str, field_name: str, problem: str, source: str = GRAPH_DOCS):
        self.where, self.field, self.problem, self.source = where, field_name, problem, source
        super().__init__(f"{where}: {field_name}: {problem}" + (f" (see {source})" if source else ""))


@dataclass(frozen=True, slots=True)
class ImportNote:
    """Something the import decided on the reader's behalf (a default used, a rule skipped)."""

    where: str
    message: str


# ------------------------------------------------------------------------------- generic shape
def fold(obj):
    """The same JSON with every key case-folded, so ``Setting.ApprovalStages`` and
    ``setting.approvalStages`` read alike. ARM's ``properties`` envelope is merged up, and so is the Microsoft
    Graph PowerShell SDK's ``AdditionalProperties`` (where ``ConvertTo-Json`` puts a derived type's own properties,
    such as a rule's ``isExpirationRequired``), without replacing a key the object has."""
    if isinstance(obj, list):
        return [fold(x) for x in obj]
    if not isinstance(obj, dict):
        return obj
    out = {str(k).casefold(): fold(v) for k, v in obj.items()}
    props = out.get("properties")
    if isinstance(props, dict) and ("rules" in props or "effectiverules" in props or "roledefinitionid" in props
                                    or "requesttype" in props):
        out = {**{k: v for k, v in out.items() if k != "properties"}, **props}
    extra = out.get("additionalproperties")
    if isinstance(extra, dict):
        out = {**extra, **{k: v for k, v in out.items() if k != "additionalproperties"}}
    return out


def load_json(source, *, name: str | None = None) -> dict | list:
    """A parsed export: a JSON object or list read from a :class:`~pathlib.Path` (a regular file
    of at most :data:`MAX_BYTES`), from uploaded bytes or pasted text, or given already parsed.

    Only a ``Path`` is ever opened: a ``str`` is JSON text, never a file name, and what a parse
    returns is never read again. ``name`` says where the content came from in errors (default:
    the file's path, "upload" for bytes, "pasted text" for text)."""
    if isinstance(source, dict | list):
        return source
    try:
        if isinstance(source, Path):
            where = name or str(source)
            return untrusted.parse_json(untrusted.read_file(source, MAX_BYTES), where)
        if isinstance(source, bytes | bytearray | memoryview):
            where = name or "upload"
            if len(source) > MAX_BYTES:
                raise untrusted.InputError(where, f"larger than {MAX_BYTES:,} bytes")
            return untrusted.parse_json(bytes(source), where)
        if isinstance(source, str):
            where = name or "pasted text"
            if len(source) > MAX_BYTES:
                raise untrusted.InputError(where, f"larger than {MAX_BYTES:,} characters")
            return untrusted.parse_json(source, where)
    except untrusted.InputError as e:
        raise GraphImportError(e.where, e.field or "(top level)", e.problem, source="") from None
    raise GraphImportError(name or "input", "(top level)", f"a {type(source).__name__} is not an export: give a "
                           "pathlib.Path, bytes, JSON text or a parsed object or list", source="")


def items_of(data, where: str = "export") -> list:
    """The objects of an export: a ``value`` wrapper, a bare list or one bare object."""
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        if "value" in data:
            if not isinstance(data["value"], list):
                raise GraphImportError(where, "value", "must be a list of objects")
            return data["value"]
        return [data]
    raise GraphImportError(where, "(top level)", "expected a JSON object or a list of objects")


def as_object(value, where: str, name: str) -> dict:
    """A JSON object (``null`` reads as empty), or an error naming the field."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise GraphImportError(where, name, f"must be an object, not {type(value).__name__} {value!r:.40}")
    return value


def as_list(value, where: str, name: str, of: type | tuple = object) -> list:
    """A JSON array (``null`` reads as empty) whose items are of type ``of``, or an error naming the field."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise GraphImportError(where, name, f"must be a list, not {type(value).__name__} {value!r:.40}")
    for i, item in enumerate(value):
        if not isinstance(item, of):
            raise GraphImportError(where, f"{name}[{i}]", f"{item!r:.40} is not {getattr(of, '__name__', 'valid')}")
    return value
