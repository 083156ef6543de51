"""Immutable records: how the model changes one (a new version) and tabulates many."""

from __future__ import annotations

from dataclasses import fields
from functools import cache

import pandas as pd


@cache
def field_names(cls) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


def evolve(record, **changes):
    """A new version of a frozen record with some fields changed (a fast ``dataclasses.replace``)."""
    return type(record)(*[changes[n] if n in changes else getattr(record, n) for n in field_names(type(record))])


def frame(records: list, cls) -> pd.DataFrame:
    """A DataFrame from a list of slotted dataclass records (columns even when empty)."""
    names = field_names(cls)
    return pd.DataFrame([[getattr(r, n) for n in names] for r in records], columns=list(names))
