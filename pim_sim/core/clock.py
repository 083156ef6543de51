"""Time: the SimPy clock counts minutes from the scenario's start; records also carry UTC.

Durations in files are ISO-8601 (``PT8H``, ``P30D``) as Microsoft Graph writes them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import isodate

from pim_sim.errors import ModelError

DEFAULT_START = datetime(2026, 1, 5, 0, 0, tzinfo=UTC)  # a Monday


def minutes(value) -> float:
    """Minutes in a duration given as ISO-8601 text, a timedelta or a number of minutes."""
    if isinstance(value, bool):
        raise ModelError(f"{value!r} is not a duration")
    if isinstance(value, int | float):
        try:
            found = float(value)
        except OverflowError:
            raise ModelError(f"a number of {len(str(abs(value))):,} digits is not a duration") from None
        if not math.isfinite(found):
            raise ModelError(f"{value!r} is not a duration: a duration is a finite number of minutes")
        return found
    if isinstance(value, timedelta):
        return value.total_seconds() / 60.0
    if isinstance(value, str):
        if len(value) > 64:
            raise ModelError(f"{value[:24]!r}... ({len(value):,} characters) is not an ISO-8601 duration such as PT8H")
        try:
            parsed = isodate.parse_duration(value.strip().upper())
        except (isodate.ISO8601Error, ValueError):
            raise ModelError(f"{value!r} is not an ISO-8601 duration such as PT8H, P1D or P1DT9H30M") from None
        except OverflowError:
            raise ModelError(f"{value!r} is too long a duration") from None
        if isinstance(parsed, isodate.Duration):  # years or months: not a fixed length
            raise ModelError(f"{value!r} uses months or years; write days instead, e.g. P90D")
        return parsed.total_seconds() / 60.0
    raise ModelError(f"{value!r} is not a duration")


def iso(mins: float | None) -> str | None:
    """An ISO-8601 duration for a number of minutes (``None`` stays ``None``)."""
    if mins is None:
        return None
    return isodate.duration_isoformat(timedelta(minutes=mins))


@dataclass(frozen=True, slots=True)
class Clock:
    """Converts between simulation minutes and UTC datetimes."""

    start: datetime = DEFAULT_START

    def at(self, mins: float) -> datetime:
        return self.start + timedelta(minutes=mins)

    def minute_of(self, when: datetime) -> float:
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return (when - self.start).total_seconds() / 60.0
