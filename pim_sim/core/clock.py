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


# --- the one set of duration and time formatters for messages ------------------------------------------
_UNITS = {"minute": 1.0, "hour": 60.0, "day": 1440.0}


def _unit(mins: float) -> str:
    """The largest unit a duration is a whole number of (days from two days up: "24 hours", "14 days")."""
    if mins >= 2 * _UNITS["day"] and mins % _UNITS["day"] == 0:
        return "day"
    if mins >= _UNITS["hour"] and mins % _UNITS["hour"] == 0:
        return "hour"
    return "minute"


def _num(n: float) -> str:
    return str(int(n)) if float(n).is_integer() else f"{n:g}"


def _count(n: float, unit: str) -> str:
    return f"{_num(n)} {unit}" + ("" if n == 1 else "s")


def span(mins: float, unit: str | None = None) -> str:
    """A duration for a message: ``span(5)`` is "5 minutes", ``span(1440)`` "24 hours", ``span(43200)``
    "30 days"; ``unit`` ("minute", "hour" or "day") forces one."""
    unit = unit or _unit(mins)
    return _count(mins / _UNITS[unit], unit)


def span_range(low: float, high: float) -> str:
    """A range of durations in one unit: ``span_range(60, 1440)`` is "1 to 24 hours"."""
    unit = _unit(low) if _unit(low) == _unit(high) else "minute"
    return f"{_num(low / _UNITS[unit])} to {_count(high / _UNITS[unit], unit)}"


def in_days(mins: float, digits: int = 1) -> str:
    """A measured duration in days, rounded: ``in_days(2880 + 144)`` is "2.1 days"."""
    return f"{mins / _UNITS['day']:.{digits}f} days"


def at_minute(minute: float) -> str:
    """A moment of the run in messages: "minute 90"."""
    return f"minute {_num(minute)}"
