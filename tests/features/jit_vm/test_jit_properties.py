"""Invariants over random request sequences: no port reachable through a JIT rule outside a granted interval,
every grant removed at its end, no request over its port's maximum, a refused request writes no rule."""

from hypothesis import given, settings
from hypothesis import strategies as st
from jit_world import SUB, open_everywhere, vm_id, world

from pim_sim.features.jit_vm import CreatedBy, JitRefusal
from pim_sim.features.jit_vm.network import prefix_within

VMS = ("web1", "web2")
SOURCES = ("203.0.113.5", "203.0.113.0/28", "198.51.100.9", "*")

action = st.one_of(
    st.tuples(st.just("request"), st.sampled_from(VMS), st.sampled_from((22, 3389, 8080)), st.sampled_from(SOURCES),
              st.integers(-5, 200), st.sampled_from(("admin", "carl", "rita"))),
    st.tuples(st.just("connect"), st.sampled_from(VMS), st.sampled_from((22, 3389)),
              st.sampled_from(("203.0.113.5", "203.0.113.9", "198.51.100.9"))),
    st.tuples(st.just("wait"), st.integers(1, 120)),
    st.tuples(st.just("user_rule"), st.sampled_from((22, 3389))),
)


def scenario():
    jit = world(vms=VMS)
    jit.assign_role("carl", "Contributor", SUB)
    jit.assign_role("rita", "Security Reader", SUB)
    jit.enable([vm_id(v) for v in VMS], ports=[{"number": 22, "max_duration": "PT1H", "sources": "203.0.113.0/24"},
                                               {"number": 3389, "max_duration": "PT2H"}])
    return jit


@settings(max_examples=80, deadline=None)
@given(st.lists(action, max_size=30))
def test_invariants(actions):
    jit = scenario()
    maxima = {22: 60.0, 3389: 120.0}
    user_rules = 0
    for a in actions:
        if a[0] == "request":
            _, vm, port, source, duration, who = a
            before = len(jit.rule_log), len(jit.requests)
            try:
                jit.request(who, vm_id(vm), [port], source=source, duration=duration)
            except JitRefusal:
                assert (len(jit.rule_log), len(jit.requests)) == before  # a refused request writes no rule
        elif a[0] == "connect":
            jit.connect(a[3], vm_id(a[1]), a[2], session_minutes=30)
        elif a[0] == "wait":
            jit.run(jit.now + a[1])
        else:
            user_rules += 1
            open_everywhere(jit, f"user-{user_rules}", 200 + user_rules, a[1], source="198.51.100.0/24")
    jit.run(jit.now + 24 * 60)

    intervals = jit.grant_intervals()
    for request in jit.requests:  # no request exceeds its port's maximum
        for p in request.ports:
            assert 0 < p.end_minute - request.minute <= maxima[p.number]
    for c in jit.connections:  # reachable through JIT only inside a granted interval, from the granted source
        if c.allowed and c.via_jit:
            assert any(vm == c.vm and port == c.port and start <= c.minute < end and prefix_within(c.source, src)
                       for _, vm, port, src, start, end in intervals), c
    # every grant removed at its end: no JIT allow rule is left, and each was removed when its grant ended
    assert jit.grants == {}
    assert not [r for n in jit.nsgs for r in jit.rules(n) if r.created_by is CreatedBy.JIT and r.grant]
    removed = {(c.rule.grant, c.target): c.minute for c in jit.rule_log if c.op == "remove" and c.rule.grant}
    ended = {(rid, vm): end for rid, vm, _, _, _, end in intervals}
    for (rid, _nsg), minute in removed.items():
        assert any(minute == end for (r, _vm), end in ended.items() if r == rid)
    added = {(c.rule.grant, c.target) for c in jit.rule_log if c.op == "add" and c.rule.grant}
    assert added == set(removed)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 300), st.integers(1, 120)), max_size=12))
def test_rules_at_any_time_hold_only_open_grants(requests):
    jit = scenario()
    for start, duration in sorted(requests):
        jit.run(max(start, jit.now))
        try:
            jit.request("admin", vm_id("web1"), [3389], source="203.0.113.5", duration=duration)
        except JitRefusal:
            pass
    jit.run(jit.now + 200)
    intervals = jit.grant_intervals()
    for t in range(0, int(jit.now), 7):
        live = {r.grant for r in jit.rules_at("nsg-web1", t + 0.5) if r.grant}
        expected = {rid for rid, _, _, _, s, e in intervals if s <= t + 0.5 < e}
        assert live == expected
