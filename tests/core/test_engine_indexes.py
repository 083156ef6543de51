"""The engine's look-up shortcuts give the answers a full scan gives (hypothesis over random scripts).

- ``find(..., origin=ACTIVATED)`` reads the latest activation per (principal, role, scope) instead of
  scanning every past one: correct because at most one activation of a role at a scope is ever in
  force at a time. Both the invariant and the answers are checked.
- ``settings_for`` keeps its look-ups until the settings book changes.
- ``Tenant.ancestors`` works a scope's chain out once.
"""

from engine_builders import GA, SEC, SUB, VM, simulation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_properties import AZURE_SCOPES, ROLES, USERS, play, scripts

from pim_sim import SettingsBook
from pim_sim.core.policy import RoleSettings
from pim_sim.core.roles import Surface
from pim_sim.core.schedules import Kind, Origin

PROPS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _scan(sim, principal, role, scope, t):
    """The answer ``find`` gave before it had an index: the newest activation in force at t."""
    for s in reversed(sim.schedules_of(principal, role, Kind.ACTIVE)):
        if s.scope == scope and s.origin is Origin.ACTIVATED and s.holds_at(t):
            return s
    return None


@PROPS
@given(scripts, st.lists(st.floats(0, 1), min_size=3, max_size=3))
def test_at_most_one_activation_of_a_role_at_a_scope_holds_at_any_time(script, fractions):
    sim = play(script)
    activations = [s for s in sim.schedules.values() if s.origin is Origin.ACTIVATED]
    moments = {sim.now, *(f * sim.now for f in fractions)}
    for s in activations:
        moments.update((s.start, s.stop - 1e-6) if s.stop != float("inf") else (s.start,))
    for t in moments:
        keys = [(s.principal, s.role, s.scope) for s in activations if s.holds_at(t)]
        assert len(keys) == len(set(keys)), t


@PROPS
@given(scripts, st.integers(0, 600))
def test_find_of_an_activation_answers_as_a_full_scan(script, later):
    sim = play(script)
    for when in (sim.now, sim.now + later):
        sim.run(when)
        for who in USERS:
            for role in (*ROLES, "Reader"):
                for scope in ("/", *AZURE_SCOPES):
                    expected = _scan(sim, who, role, scope, sim.now)
                    assert sim.find(who, role, scope, Kind.ACTIVE, Origin.ACTIVATED) == expected
                    assert sim.find(who, role, scope, "active", Origin.ACTIVATED) == expected
                    assert sim.find(who, role, scope, None, Origin.ACTIVATED) == expected
                    assert sim.find(who, role, scope, Kind.ELIGIBLE, Origin.ACTIVATED) is None


def test_find_of_an_activation_after_it_ends_and_after_deactivation():
    sim = simulation()
    sim.assign("alice", SEC, kind="eligible")
    sim.set_settings(SEC, require_mfa=False)
    first = sim.activate("alice", SEC, duration="PT1H", justification="j")
    assert sim.find("alice", SEC, kind="active", origin=Origin.ACTIVATED).request_id == first.id
    sim.advance("PT1H")
    assert sim.find("alice", SEC, kind="active", origin=Origin.ACTIVATED) is None  # expired on the hour
    second = sim.activate("alice", SEC, duration="PT2H", justification="j")
    sim.advance("PT10M")
    assert sim.find("alice", SEC, kind="active", origin=Origin.ACTIVATED).request_id == second.id
    sim.deactivate("alice", SEC)
    assert sim.find("alice", SEC, kind="active", origin=Origin.ACTIVATED) is None
    assert sim.find("alice", SEC, kind="active", origin=Origin.ACTIVATED, at=sim.now - 1).request_id == second.id


def test_settings_for_follows_every_change_of_the_book():
    sim = simulation()
    assert sim.settings_for(SEC, "/").activation_max == 480
    sim.set_settings(SEC, activation_max="PT2H")
    assert sim.settings_for(SEC, "/").activation_max == 120
    sim.settings = SettingsBook()  # a whole new book, as a licence lapse sets
    assert sim.settings_for(SEC, "/").activation_max == 480
    sim.settings = SettingsBook().with_setting(SEC, "/", Surface.ENTRA, RoleSettings(activation_max=60))
    assert sim.settings_for(SEC, "/").activation_max == 60
    sim.set_licence("Free")
    assert sim.settings_for(SEC, "/") == RoleSettings()


def test_azure_settings_stay_per_scope_once_looked_up():
    sim = simulation()
    sim.set_settings("Reader", SUB, activation_max="PT2H")
    assert sim.settings_for("Reader", SUB).activation_max == 120
    assert sim.settings_for("Reader", VM).activation_max == 480  # not inherited
    assert sim.settings_for(GA, "/") is sim.settings_for(GA, "/")


def test_ancestors_are_the_chain_to_the_root_every_time():
    t = simulation().tenant
    chain = ("/subscriptions/prod/resourceGroups/app/providers/Microsoft.Compute/virtualMachines/vm1",
             "/subscriptions/prod/resourceGroups/app", "/subscriptions/prod",
             "/providers/Microsoft.Management/managementGroups/corp")
    assert t.ancestors(VM) == chain
    assert t.ancestors(VM) == chain
    assert t.ancestors("/") == ("/",)


# ---------------------------------------------------------------------------------------------------------
# Indexes that replace history scans: holders, group members, status_at, requests, alert conditions.
def _holders_scan(sim, role, scope, t):
    from pim_sim.core import access
    covering = set(sim.tenant.ancestors(scope))
    out = []
    for s in sim.schedules_with_role(role):
        if s.kind is Kind.ACTIVE and s.scope in covering and s.usable_at(t):
            if s.principal in {g.name for g in sim.tenant.groups}:
                out.extend((m, s.id) for m in access.group_members(sim, s.principal, t))
            else:
                out.append((s.principal, s.id))
    return out


@PROPS
@given(scripts)
def test_holders_and_group_members_now_match_a_full_scan(script):
    from pim_sim.core import access
    sim = play(script)
    for role in {*ROLES, "Member", "Owner"}:
        for scope in ["/", *AZURE_SCOPES, *(f"/groups/{g.name}" for g in sim.tenant.groups)]:
            try:
                found = [(h.principal, h.schedule_id) for h in access.holders(sim, role, scope, sim.now)]
            except Exception:  # a role that doesn't exist at this scope's surface
                continue
            assert found == _holders_scan(sim, role, scope, sim.now)
    for g in sim.tenant.groups:
        scan = [s.principal for s in sim.schedules_with_role("Member")
                if s.scope == f"/groups/{g.name}" and s.kind is Kind.ACTIVE and s.usable_at(sim.now)]
        assert access.group_members(sim, g.name, sim.now) == scan


@PROPS
@given(scripts, st.lists(st.floats(0, 1), min_size=3, max_size=3))
def test_status_at_and_requests_of_match_a_scan_of_the_logs(script, fractions):
    sim = play(script)
    for rid in sim.requests:
        for t in {sim.now, *(f * sim.now for f in fractions)}:
            scan = None
            for change in sim.status_log:
                if change.request_id == rid and change.minute <= t:
                    scan = change.status
            assert sim.status_at(rid, t) == scan
    for principal in USERS:
        for role in ROLES:
            assert sim.requests_of(principal, role) == [r for r in sim.requests.values()
                                                        if r.principal == principal and r.role == role]


def test_alert_indexes_match_a_scan_of_every_schedule():
    from record_streams import busy_year
    sim = busy_year(days=45)
    assignments = [s for s in sim.schedules.values() if s.origin in (Origin.ASSIGNED, Origin.OUTSIDE_PIM)]
    assert sim.assignments_of() == assignments
    roles = {s.role for s in sim.schedules.values()}
    for p in {s.principal for s in sim.schedules.values()}:
        assert sim.assignments_of(p) == [s for s in assignments if s.principal == p]
        for role in roles:
            starts = [a.start for a in sim.schedules_of(p, role, Kind.ACTIVE) if a.origin is Origin.ACTIVATED]
            assert sim.last_use(p, role) == (max(starts) if starts else None)
    uses: dict = {}
    for s in sim.schedules.values():
        if s.origin is Origin.ACTIVATED and s.surface == Surface.ENTRA:
            uses.setdefault((s.principal, s.role, s.scope), []).append(s.start)
    assert dict(sim.uses()) == uses and len(sim.uses()) == len(uses)
    assert uses and any(sim.last_use(s.principal, s.role) for s in assignments)
