"""What every part of a scenario file shares: the limits, the field types (durations, offsets,
names, text, probabilities) and the :class:`Spec` base that forbids unknown fields."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, WithJsonSchema, field_validator

from pim_sim.core.clock import minutes
from pim_sim.errors import ModelError
from pim_sim.facts import DAY

MAX_HORIZON_DAYS = 5 * 365
MAX_REPLICATIONS = 1000
MAX_DURATION_DAYS = 36_500
START_RANGE = (datetime(1970, 1, 1, tzinfo=UTC), datetime(2200, 1, 1, tzinfo=UTC))
ISO_DURATION = r"^-?P(?!$)(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$"


def _duration(value, *, zero_ok: bool):
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError("expected an ISO-8601 duration such as PT8H, P1D or P1DT9H30M")
    try:
        mins = minutes(value)
    except ModelError as e:
        raise ValueError(str(e)) from None
    if mins < 0 or (mins == 0 and not zero_ok):
        raise ValueError(f"{value!r} must be {'zero or ' if zero_ok else ''}longer than zero")
    if mins > MAX_DURATION_DAYS * DAY:
        raise ValueError(f"{value!r} is longer than {MAX_DURATION_DAYS:,} days (100 years)")
    return mins


def _schema(description: str) -> WithJsonSchema:
    return WithJsonSchema({"anyOf": [{"type": "string", "pattern": ISO_DURATION}, {"type": "number", "minimum": 0}],
                           "description": description, "examples": ["PT8H", "P1DT9H"]})


# A length of time (> 0), in minutes once validated.
Duration = Annotated[float, BeforeValidator(lambda v: _duration(v, zero_ok=False)),
                     _schema("ISO-8601 duration such as PT8H or P30D (or a number of minutes)")]
# A moment as an offset from the scenario's start (>= 0), in minutes once validated.
Offset = Annotated[float, BeforeValidator(lambda v: _duration(v, zero_ok=True)),
                   _schema("offset from the scenario's start, ISO-8601, e.g. P1DT9H (day 1, 09:00)")]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80,
                                        pattern=r"^[A-Za-z0-9][A-Za-z0-9._@' -]*$")]
# A role's display name: Microsoft's own include brackets, '/' and up to 83 characters ("SignalR/Web PubSub
# Contributor", "Security Manager (Legacy)"), so any printable text; the catalogue decides whether it exists.
ROLE_NAME_PATTERN = r"^[^\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]+$"  # no control, no bidi
RoleName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=256,
                                            pattern=ROLE_NAME_PATTERN)]
Text = Annotated[str, StringConstraints(max_length=4000)]
Probability = Annotated[float, Field(ge=0.0, le=1.0)]
Weekday = Literal["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
LicenceName = Literal["Free", "P1", "P2", "Governance"]


def named(value):
    """A bare name is shorthand for ``{name: value}``."""
    return {"name": value} if isinstance(value, str) else value


# Every field that holds numbers (durations refuse booleans on their own); a test checks the list is whole.
NUMBER_FIELDS = ("seed", "replications", "users", "privileged", "spread", "start_hour", "end_hour", "provisioning_seconds",
                 "token_refresh_minutes", "rate_per_day", "rates", "median_days", "inactive_days", "duration_days",
                 "occurrences", "equals", "at_least", "at_most", "respond_probability", "approve_probability",
                 "follow_recommendation")


class Spec(BaseModel):
    """Every model forbids unknown fields and non-finite numbers (``.nan``, ``.inf``), and its
    number fields refuse ``true`` and ``false`` (pydantic would read them as 1 and 0)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False)

    @field_validator(*NUMBER_FIELDS, mode="before", check_fields=False)
    @classmethod
    def _numbers_are_not_booleans(cls, value):
        items = value.values() if isinstance(value, dict) else value if isinstance(value, list | tuple) else (value,)
        if any(isinstance(v, bool) for v in items):
            shown = str(value).lower() if isinstance(value, bool) else repr(value)
            raise ValueError(f"expected a number, not {shown}")
        return value
