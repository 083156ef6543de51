"""Fast record construction (pim_sim.core.records): a record made slot by slot is the record its class
would make, as frozen, equal, hashable and printable; bad calls are refused by name."""

import dataclasses
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pim_sim.core.audit import AuditRecord
from pim_sim.core.events import Notification
from pim_sim.core.policy import RoleSettings
from pim_sim.core.records import evolve, field_names, maker, record
from pim_sim.core.requests import Action, Request, Status, StatusChange
from pim_sim.core.schedules import Kind, Origin, Schedule

text = st.text(max_size=12)
minute = st.floats(0, 1e6, allow_nan=False)
maybe_minute = st.none() | minute

audit_values = st.tuples(st.integers(0, 10**6), minute, st.datetimes(timezones=st.just(UTC)),
                         *[text] * 13)
request_values = st.tuples(text, st.sampled_from(Action), text, text, text, text, st.sampled_from(Kind),
                           st.sampled_from(Status), minute, minute, maybe_minute, text, text, text, text, text, text,
                           maybe_minute, text, text)
schedule_values = st.tuples(text, text, text, text, text, st.sampled_from(Kind), st.sampled_from(Origin), minute,
                            maybe_minute, minute, text, text, maybe_minute, maybe_minute)


def same(a, b) -> None:
    assert type(a) is type(b) and a == b and hash(a) == hash(b) and repr(a) == repr(b)
    assert dataclasses.astuple(a) == dataclasses.astuple(b)


@settings(deadline=None)
@given(audit_values)
def test_made_audit_record_is_the_one_the_class_makes(values):
    same(maker(AuditRecord)(*values), AuditRecord(*values))


@settings(deadline=None)
@given(request_values, schedule_values)
def test_every_hot_record_type_is_made_as_its_class_makes_it(req, sched):
    same(maker(Request)(*req), Request(*req))
    same(maker(Schedule)(*sched), Schedule(*sched))
    same(maker(StatusChange)(req[0], req[8], req[7], req[2]), StatusChange(req[0], req[8], req[7], req[2]))
    same(maker(Notification)(req[8], req[2], req[3], req[4], req[0]), Notification(req[8], req[2], req[3], req[4], req[0]))


@settings(deadline=None)
@given(request_values, st.sampled_from(Status), maybe_minute, text)
def test_evolve_is_dataclasses_replace(values, status, completed, approver):
    r = Request(*values)
    changes = dict(status=status, completed=completed, approver=approver)
    same(evolve(r, **changes), dataclasses.replace(r, **changes))
    same(evolve(r), r)
    assert evolve(r, status=status) is not r and r == Request(*values)  # the original is untouched


@settings(deadline=None)
@given(request_values, st.integers(11, 15))
def test_record_fills_defaults_like_the_constructor(values, given_count):
    named = {"approver": "bob", "status_reason": "why"}
    same(record(Request, *values[:given_count], **named), Request(*values[:given_count], **named))
    same(record(Request, *values), Request(*values))


def test_a_made_record_is_frozen():
    s = maker(StatusChange)("r1", 5.0, Status.GRANTED, "alice")
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.status = Status.DENIED
    assert not hasattr(s, "__dict__")  # slotted, like one its class makes


def test_bad_calls_are_refused_naming_the_problem():
    with pytest.raises(TypeError, match="StatusChange takes 4 values, 3 given"):
        maker(StatusChange)("r1", 5.0, Status.GRANTED)
    with pytest.raises(TypeError, match="Request has no field 'colour'"):
        evolve(Request(*["x"] * 11), colour="red")
    with pytest.raises(TypeError, match="Request needs its first 11 fields in order, 2 given"):
        record(Request, "r1", Action.SELF_ACTIVATE)
    with pytest.raises(TypeError, match="Request got 'ticket' both in order and by name"):
        record(Request, *["x"] * 13, ticket="t")
    with pytest.raises(TypeError, match="RoleSettings is not a plain slotted record"):
        maker(RoleSettings)  # its __post_init__ indexes the notification rules


def test_field_names_follow_the_declaration():
    assert field_names(AuditRecord)[:3] == ("seq", "minute", "time")
    assert len(field_names(AuditRecord)) == 16


def test_the_engine_records_are_instances_of_their_classes():
    from engine_builders import SEC, simulation

    sim = simulation()
    sim.assign("alice", SEC, kind="eligible")
    sim.activate("alice", SEC, duration="PT1H", justification="j")
    sim.advance("PT2H")
    assert sim.audit and all(type(a) is AuditRecord for a in sim.audit)
    assert all(type(n) is Notification for n in sim.notifications)
    assert all(type(c) is StatusChange for c in sim.status_log)
    assert [a.seq for a in sim.audit] == list(range(len(sim.audit)))
    assert sim.audit[0].time == datetime(2026, 1, 5, tzinfo=UTC)
