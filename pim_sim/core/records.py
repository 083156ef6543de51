"""Immutable records: how the model makes one cheaply, changes one (a new version) and tabulates many.

Records are frozen slotted dataclasses. A frozen dataclass's own ``__init__`` sets every field
through ``object.__setattr__`` (a call per field); a run of a large tenant makes hundreds of
thousands of records, so the hot ones are built by :func:`maker`: a mutable twin class with the
same slots in the same order stores the fields (one plain attribute store each), then the new
object's class is set to the record's class (CPython allows it: the two layouts are the same).
The result is an ordinary instance of the class: equal, hashable, printable and as frozen as one
the class's ``__init__`` made.
"""

from __future__ import annotations

from collections import deque
from dataclasses import MISSING, fields, make_dataclass
from functools import cache
from itertools import repeat
from operator import attrgetter, call
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable

    import pandas as pd


@cache
def field_names(cls) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


@cache
def maker(cls):
    """A positional constructor for the frozen slotted dataclass ``cls`` that takes every field, in
    declaration order, and writes the slots directly. For plain records only: a class with a
    ``__post_init__`` or a field outside ``__init__`` is refused (its own constructor does more)."""
    if not all(f.init for f in fields(cls)) or hasattr(cls, "__post_init__") or "__slots__" not in vars(cls):
        raise TypeError(f"{cls.__name__} is not a plain slotted record; build it with its own constructor")
    names = field_names(cls)
    count = len(names)
    twin: type | None = make_dataclass(f"_{cls.__name__}Slots", names, slots=True, eq=False, repr=False, match_args=False)
    try:
        twin(*names).__class__ = cls  # type: ignore[misc]  # the same slots in the same order: the class can be set
    except TypeError:
        twin = None  # a layout CPython won't switch: each slot is written through its member descriptor
    setters = tuple(getattr(cls, name).__set__ for name in names)
    new = object.__new__

    def make(*values):
        if len(values) != count:
            raise TypeError(f"{cls.__name__} takes {count} values, {len(values)} given")
        if twin is not None:
            record = twin(*values)
            record.__class__ = cls
            return record
        record = new(cls)
        deque(map(call, setters, repeat(record), values), maxlen=0)  # setter(record, value) for each field, in C
        return record

    make.__doc__ = f"Make a {cls.__name__} from all {count} field values, in order."
    return make


@cache
def _defaults(cls) -> tuple:
    """The default values of the fields that have one (they come last), in order."""
    found = []
    for f in fields(cls):
        if f.default_factory is not MISSING:
            raise TypeError(f"{cls.__name__}.{f.name} has a default factory; build it with its own constructor")
        if f.default is not MISSING:
            found.append(f.default)
    return tuple(found)


@cache
def _reader(cls):
    names = field_names(cls)
    get = attrgetter(*names)
    return get if len(names) > 1 else lambda r: (get(r),)


@cache
def _positions(cls) -> dict[str, int]:
    return {name: i for i, name in enumerate(field_names(cls))}


def _made(cls, values: list, changes: dict):
    positions = _positions(cls)
    for name, value in changes.items():
        try:
            values[positions[name]] = value
        except KeyError:
            raise TypeError(f"{cls.__name__} has no field {name!r}") from None
    return maker(cls)(*values)


def record(cls, *values, **named):
    """A plain record from its leading fields in order and any others by name; the rest take their
    defaults (``record(Request, id, ...)`` is ``Request(id, ...)``, made by :func:`maker`)."""
    given = len(values)
    rest = _defaults(cls)
    missing = len(field_names(cls)) - len(rest)
    if given < missing:
        raise TypeError(f"{cls.__name__} needs its first {missing} fields in order, {given} given")
    positions = _positions(cls)
    for name in named:
        if positions.get(name, given) < given:
            raise TypeError(f"{cls.__name__} got {name!r} both in order and by name")
    return _made(cls, [*values, *rest[given - missing:]], named)


def evolve(record, **changes):
    """A new version of a frozen record with some fields changed (a fast ``dataclasses.replace``)."""
    cls: Any = type(record)
    return _made(cls, list(_reader(cls)(record)), changes)


def frame(records: Iterable, cls) -> pd.DataFrame:
    """A DataFrame from a list of slotted dataclass records (columns even when empty)."""
    import pandas as pd

    names = field_names(cls)
    return pd.DataFrame([[getattr(r, n) for n in names] for r in records], columns=list(names))
