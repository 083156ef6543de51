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
