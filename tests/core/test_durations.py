"""The one set of duration formatters, and refusal messages that render their facts from pim_sim.facts."""

import dataclasses

import pytest
from engine_builders import tenant
from hypothesis import given
from hypothesis import strategies as st

from pim_sim import PimRefusal, Simulation, facts
from pim_sim.core.clock import at_minute, in_days, minutes, span, span_range


def test_spans_use_the_largest_whole_unit():
    assert span(5) == "5 minutes" and span(1) == "1 minute"
    assert span(60) == "1 hour" and span(24 * 60) == "24 hours"
    assert span(14 * facts.DAY) == "14 days" and span(30 * facts.DAY) == "30 days"
    assert span(90) == "90 minutes" and span(36 * 60) == "36 hours"
    assert span(facts.DAY, "day") == "1 day"
    assert span_range(60, 24 * 60) == "1 to 24 hours"
    assert in_days(2.5 * facts.DAY) == "2.5 days" and at_minute(90.0) == "minute 90"


@given(st.integers(1, 10_000_000))
def test_a_span_reads_back_as_the_same_number_of_minutes(mins):
    number, unit = span(mins).split()
    assert minutes(float(number) * {"minute": 1, "hour": 60, "day": 1440}[unit.rstrip("s")]) == mins


def test_refusals_render_the_facts_they_enforce(monkeypatch):
    sim = Simulation(tenant(), seed=1)
    s = sim.assign("alice", "Global Administrator", kind="eligible")
    longer = dataclasses.replace(facts.NO_REMOVE_WITHIN_MINUTES, value=3 * 60.0)
    monkeypatch.setattr(facts, "NO_REMOVE_WITHIN_MINUTES", longer)
    sim.advance(10)  # past the documented 5 minutes, inside the changed 3 hours
    with pytest.raises(PimRefusal, match="within 3 hours of being made"):
        sim.remove(s.target_schedule)
