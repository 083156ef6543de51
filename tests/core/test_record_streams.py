"""Nothing observable changes: a busy random year writes exactly the records of the golden file.

The golden (``tests/golden/busy-year-streams.json.gz``, made by ``tests/record_streams.py``) holds every
record of every stream: audit, status log, notifications, refusals, requests, schedules, licence
changes, access-review decisions, instances and outcomes, and alert incidents.
"""

from __future__ import annotations

import pytest
from record_streams import busy_year, digest, read_golden, streams


@pytest.fixture(scope="module")
def fresh() -> dict[str, list[str]]:
    return streams(busy_year())


@pytest.fixture(scope="module")
def golden() -> dict[str, list[str]]:
    return read_golden()


def test_the_same_streams_are_recorded(fresh, golden):
    assert sorted(fresh) == sorted(golden)


@pytest.mark.parametrize("stream", ["audit", "status_log", "notifications", "refusals", "requests", "schedules",
                                    "licence_log", "review_decisions", "review_instances", "review_outcomes",
                                    "alert_incidents"])
def test_every_record_of_a_busy_year_is_unchanged(fresh, golden, stream):
    got, want = fresh[stream], golden[stream]
    assert want, f"the golden {stream} stream is empty: the year is not busy enough to guard it"
    first = next((i for i, (a, b) in enumerate(zip(got, want, strict=False)) if a != b), min(len(got), len(want)))
    assert (len(got), digest(got)) == (len(want), digest(want)), (
        f"{stream} differs from record {first}: got {got[first:first + 1]}, expected {want[first:first + 1]}")
