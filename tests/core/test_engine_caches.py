"""What the engine keeps to go faster answers like a fresh computation: record streams kept as rows read
back as the records written, and the approvers kept per (role, scope) and the eligibility kept per
(principal, role, scope) follow assignment and membership changes and time."""

from __future__ import annotations

from dataclasses import replace

import pytest
from engine_builders import GA, PRA, SEC, simulation
from hypothesis import given, settings
from hypothesis import strategies as st

from pim_sim import PimRefusal
from pim_sim.core import requests as requests_module
from pim_sim.core.events import Notification
from pim_sim.core.policy import NotificationEvent, Recipient
from pim_sim.core.records import field_names
from pim_sim.core.requests import Request, Status, StatusChange
from pim_sim.core.streams import AuditLog, Rows

changes = st.lists(st.tuples(st.text(max_size=8), st.floats(0, 1e6, allow_nan=False), st.sampled_from(Status),
                             st.text(max_size=8)), max_size=20)


@settings(deadline=None)
@given(changes, st.integers(-25, 25), st.integers(-25, 25))
def test_a_stream_of_rows_reads_back_the_records_written(values, i, j):
    stream: Rows[StatusChange] = Rows(StatusChange)
    records = [StatusChange(*v) for v in values]
    for k, v in enumerate(values):
        if k % 2:
            stream.add(*v)
        else:
            stream.append(records[k])
    assert list(stream) == records and stream == records and len(stream) == len(records)
    assert stream[i:j] == records[i:j]
    if records:
        assert stream[i % len(records)] == records[i % len(records)] and stream[-1] == records[-1]


@settings(deadline=None)
@given(changes, st.sampled_from([(2, 3), (0, 2), (1,), (0, 1, 2, 3), (3, 0)]), st.integers(-25, 25))
def test_a_stream_with_shared_heads_reads_back_the_records_written(values, shared, i):
    stream: Rows[StatusChange] = Rows(StatusChange, shared=shared)
    records = [StatusChange(*v) for v in values]
    for k, v in enumerate(values):
        stream.add(*v) if k % 2 else stream.append(records[k])
    assert list(stream) == records and len(stream) == len(records) and stream.rows == [tuple(v) for v in values]
    assert stream.rows_from(len(values) // 2) == [tuple(v) for v in values[len(values) // 2:]]
    assert len(stream.heads) <= len(values)  # one copy of each distinct head
    if records:
        assert stream[i % len(records)] == records[i % len(records)] and stream[-1] == records[-1]


@settings(deadline=None)
@given(st.lists(st.tuples(st.floats(0, 1e6, allow_nan=False), *[st.sampled_from(["", "a", "b"])] * 13), max_size=20),
       st.integers(-25, 25))
def test_the_audit_log_reads_back_the_records_written(rows, i):
    from pim_sim.core.audit import AuditRecord
    from pim_sim.core.clock import Clock

    clock = Clock()
    log = AuditLog(clock)
    for row in rows:
        log.add(*row)
    records = [AuditRecord(k, row[0], clock.at(row[0]), *row[1:]) for k, row in enumerate(rows)]
    assert list(log) == records and log[:] == records and log.rows == [tuple(r) for r in rows]
    assert len({id(h) for h in log.flat[1::4]}) == len(set(log.flat[1::4]))  # equal heads are one object
    if records:
        assert log[i % len(records)] == records[i % len(records)] and log[-1] == records[-1]


def test_a_stream_of_rows_takes_only_its_own_records():
    stream: Rows[StatusChange] = Rows(StatusChange)
    with pytest.raises(TypeError):
        stream.append(Notification(0.0, "rule", "a", "subject"))  # type: ignore[arg-type]
    with pytest.raises(IndexError):
        stream[0]


def _fresh(sim, request_id: str) -> frozenset[str]:
    sim._approvers.clear()
    return sim.approvers_for(request_id)


def test_kept_approvers_follow_group_membership_and_time():
    sim = simulation()
    sim.set_settings(SEC, require_approval=True, approvers=("helpdesk", "bob"))
    for who in ("alice", "erin"):
        sim.assign(who, SEC, kind="eligible")
    first = sim.activate("alice", SEC, duration="PT1H", justification="incident")
    assert sim.approvers_for(first.id) == _fresh(sim, first.id) == {"dave", "bob"}
    sim.advance(10)
    sim.assign("carol", "Member", "/groups/helpdesk", kind="active", duration="PT2H",  # a member for two hours
               justification="on call")
    seen = []
    for _ in range(30):
        kept = sim.approvers_for(first.id)
        assert kept == _fresh(sim, first.id)
        sim.approvers_for(first.id)  # the cache again, right after a fresh computation
        seen.append(kept)
        sim.advance(7)
    assert {"dave", "bob", "carol"} in seen and seen[-1] == {"dave", "bob"}  # carol's membership ended


def test_kept_approvers_follow_new_settings():
    sim = simulation()
    sim.set_settings(SEC, require_approval=True, approvers=("bob",))
    sim.assign("alice", SEC, kind="eligible")
    r = sim.activate("alice", SEC, duration="PT1H", justification="incident")
    assert sim.approvers_for(r.id) == {"bob"}
    sim.set_settings(SEC, approvers=("carol",))
    assert sim.approvers_for(r.id) == _fresh(sim, r.id) == {"carol"}


def test_kept_default_approvers_follow_the_approver_roles_and_only_them():
    sim = simulation()
    sim.set_settings(SEC, require_approval=True)  # no approvers chosen: an Entra role falls back to PRA and GA
    sim.assign("alice", SEC, kind="eligible")
    sim.assign("carol", PRA, kind="eligible")
    sim.assign("dave", "Member", "/groups/admins", kind="eligible", duration="P30D")  # dave, through admins (GA)
    sim.assign("admins", GA, kind="active", duration="P30D", justification="the admins group")
    r = sim.activate("alice", SEC, duration="PT1H", justification="incident")
    seen = [sim.approvers_for(r.id)]
    kept = sim._approvers[SEC, "/"]
    sim.assign("erin", "Reports Reader", kind="active", duration="P1D", justification="audit")  # kept
    assert sim.approvers_for(r.id) == seen[0] and sim._approvers[SEC, "/"] is kept
    sim.activate("carol", PRA, duration="PT1H", justification="approve")
    seen.append(sim.approvers_for(r.id))
    assert seen[-1] == _fresh(sim, r.id)
    sim.activate("dave", "Member", "/groups/admins", duration="PT1H", justification="approve")
    seen.append(sim.approvers_for(r.id))
    assert seen[-1] == _fresh(sim, r.id)
    sim.advance(70)
    seen.append(sim.approvers_for(r.id))
    assert seen[-1] == _fresh(sim, r.id)
    assert seen == [{"carol"}, {"carol"}, {"carol", "dave"}, {"carol"}]


@settings(deadline=None)
@given(st.lists(st.tuples(st.floats(0, 50, allow_nan=False), st.booleans()), max_size=30),
       st.lists(st.floats(0, 60, allow_nan=False), min_size=1, max_size=4))
def test_a_run_fires_timers_and_events_as_simpy_does(timers, targets):
    """run_until (timers fired directly) gives the order, times and final clock of SimPy's run(until) + step()."""
    import heapq

    import simpy
    import simpy.core

    from pim_sim.core.streams import Call, run_until

    def build():
        env, fired = simpy.Environment(), []
        for k, (delay, plain) in enumerate(timers):
            if plain:  # a kernel timer
                heapq.heappush(env._queue, (env._now + delay, simpy.core.NORMAL, next(env._eid),
                                            Call(fired.append, ((k, "call"),))))
            else:  # an ordinary SimPy event
                env.timeout(delay).callbacks.append(lambda e, k=k: fired.append((k, e.env.now)))
        return env, fired

    ours, theirs = build(), build()
    for target in sorted(targets):
        run_until(ours[0], target)
        env = theirs[0]
        if target > env.now:
            env.run(until=target)
        while env.peek() <= target:
            env.step()
        assert ours[0].now == env.now and type(ours[0].now) is type(env.now)
        assert ours[1] == theirs[1]


def test_a_request_is_a_row_of_its_fields_read_as_records_that_keep_their_moment():
    sim = simulation()
    sim.set_settings(SEC, require_approval=True, approvers=("bob",))
    sim.assign("alice", SEC, kind="eligible")
    pending = sim.activate("alice", SEC, duration="PT1H", justification="incident")
    names = field_names(Request)
    assert {name: getattr(requests_module, name.upper()) for name in names} == {n: i for i, n in enumerate(names)}
    assert sim.requests.rows[pending.id] == [getattr(pending, name) for name in names]
    sim.approve(pending.id, by="bob")
    now = sim.requests[pending.id]
    assert pending.status is Status.PENDING_APPROVAL and now.status is Status.PROVISIONED and now.approver == "bob"
    assert sim.requests[pending.id] == now and sim.requests[pending.id] is not now  # made afresh on every read
    everything = {rid: sim.requests[rid] for rid in sim.requests.rows}  # the assignment's request and this one
    assert repr(sim.requests) == repr(everything) and list(sim.requests.values()) == list(everything.values())
    with pytest.raises(TypeError, match="no field 'colour'"):
        sim.set_status(now, Status.CANCELED, "bob", colour="red")


def test_activation_emails_follow_new_notification_settings():
    sim = simulation()
    sim.assign("alice", SEC, kind="eligible")
    first = sim.activate("alice", SEC, duration="PT1H", justification="incident")
    sim.advance(61)
    quiet = tuple(replace(n, default_recipients=False, additional_recipients=())
                  if (n.event, n.recipient) == (NotificationEvent.ACTIVATED, Recipient.ADMIN) else n
                  for n in sim.settings_for(SEC, "/").notifications)
    sim.set_settings(SEC, notifications=quiet)
    second = sim.activate("alice", SEC, duration="PT1H", justification="incident")

    def sent(request_id):
        return sorted(n.rule_id for n in sim.notifications if n.request_id == request_id)

    admin, requestor = "Notification_Admin_EndUser_Assignment", "Notification_Requestor_EndUser_Assignment"
    assert sent(first.id) == [admin, requestor] and sent(second.id) == [requestor]
    sim.set_licence("Free")  # no PIM emails without the licence, whatever the kept heads
    emails = len(sim.notifications)
    sim.run(sim.now + 120)
    assert len(sim.notifications) == emails


def _fresh_eligibility(sim, principal: str, role: str, scope: str = "/"):
    """The eligibility answer computed afresh (the kept answers set aside, then put back)."""
    kept = dict(sim._eligibility_rows)
    sim._eligibility_rows.clear()
    try:
        return sim._eligibility(principal, role, scope, sim.tenant.ancestors(scope))
    finally:
        sim._eligibility_rows.clear()
        sim._eligibility_rows.update(kept)


def test_kept_eligibility_follows_assignments_memberships_and_time():
    sim = simulation()
    sim.assign("alice", SEC, kind="eligible", start=60, duration="PT3H")  # eligible from minute 60 to 240
    through_group = sim.assign("admins", SEC, kind="eligible", duration="P1D")  # carol, a member of admins
    sim.assign("dave", "Member", "/groups/admins", kind="active", start=100, duration="PT1H",
               justification="on call")  # dave in admins from minute 100 to 160
    covering = sim.tenant.ancestors("/")
    eligible_at: dict[str, list[int]] = {who: [] for who in ("alice", "bob", "carol", "dave")}
    for minute in range(0, 300, 5):
        if minute == 150:
            sim.assign("bob", "Member", "/groups/admins", kind="active", duration="PT30M",
                       justification="cover")  # bob in admins from minute 150 to 180
        if minute == 200:
            sim.remove(through_group.target_schedule)  # carol is no longer eligible
        for who, minutes in eligible_at.items():
            kept = sim._eligibility(who, SEC, "/", covering)
            assert kept == _fresh_eligibility(sim, who, SEC), (who, minute)
            assert sim._eligibility(who, SEC, "/", covering) == kept  # the kept answer, read again
            if kept is not None:
                minutes.append(minute)
        sim.advance(5)
    assert eligible_at == {"alice": list(range(60, 240, 5)), "bob": list(range(150, 180, 5)), "carol": list(range(0, 200, 5)),
                           "dave": list(range(100, 160, 5))}


def test_an_activation_after_the_eligibility_was_removed_is_refused():
    sim = simulation()
    eligible = sim.assign("alice", SEC, kind="eligible")
    sim.activate("alice", SEC, duration="PT1H", justification="first")  # the answer is kept
    sim.advance(90)
    sim.remove(eligible.target_schedule)
    with pytest.raises(PimRefusal, match="no eligible assignment"):
        sim.activate("alice", SEC, duration="PT1H", justification="second")
    sim.assign("alice", SEC, kind="eligible")  # eligible again: the kept refusal gives way
    assert sim.activate("alice", SEC, duration="PT1H", justification="third").status is Status.PROVISIONED
