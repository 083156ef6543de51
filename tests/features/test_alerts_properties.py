"""An alert is raised exactly when its condition holds, whatever the sequence of changes."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pim_sim import PimRefusal, Simulation, Tenant
from pim_sim.features.alerts import DEFINITIONS

USERS = ["a", "b", "c", "d"]
SUB = "/subscriptions/s1"
ENTRA_ROLES = ["Global Administrator", "Security Administrator", "Helpdesk Administrator"]

step = st.one_of(
    st.tuples(st.just("eligible"), st.sampled_from(USERS), st.sampled_from(ENTRA_ROLES)),
    st.tuples(st.just("active"), st.sampled_from(USERS), st.sampled_from(ENTRA_ROLES)),
    st.tuples(st.just("outside"), st.sampled_from(USERS), st.sampled_from([*ENTRA_ROLES, "Owner"])),
    st.tuples(st.just("owner"), st.sampled_from(USERS), st.booleans()),
    st.tuples(st.just("remove"), st.integers(0, 30), st.none()),
    st.tuples(st.just("mfa"), st.sampled_from(ENTRA_ROLES), st.booleans()),
    st.tuples(st.just("activate"), st.sampled_from(USERS), st.sampled_from(ENTRA_ROLES)),
    st.tuples(st.just("sign_in"), st.sampled_from(USERS), st.none()),
    st.tuples(st.just("role"), st.sampled_from(["R1", "R2", "R3"]), st.sampled_from(["read", "write"])),
    st.tuples(st.just("licence"), st.sampled_from(["Free", "P2", "Governance"]), st.none()),
    st.tuples(st.just("wait"), st.integers(1, 30), st.none()),
)


def apply(sim: Simulation, op) -> None:
    kind, x, y = op
    if kind == "eligible":
        sim.assign(x, y, kind="eligible")
    elif kind == "active":
        sim.assign(x, y, kind="active", justification="j")
    elif kind == "outside":
        sim.assign_outside_pim(x, y, SUB if y == "Owner" else "/")
    elif kind == "owner":
        sim.assign(x, "Owner", SUB, kind="active", duration=None if y else "P30D", justification="j")
    elif kind == "remove":
        live = [s for s in sim.schedules.values() if s.holds_at(sim.now)]
        if live:
            sim.remove(live[x % len(live)].id)
    elif kind == "mfa":
        sim.set_settings(x, require_mfa=y)
    elif kind == "activate":
        sim.activate(x, y, duration="PT1H", justification="j")
    elif kind == "sign_in":
        sim.sign_in(x)
    elif kind == "role":
        sim.alerts.add_custom_role(x, SUB, {y})
    elif kind == "licence":
        sim.set_licence(x)
    else:
        sim.advance(x)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=st.lists(step, max_size=25))
def test_open_incidents_equal_the_condition_after_every_change(ops):
    sim = Simulation(Tenant.build(users=USERS, scopes=[SUB]), seed=0, lag=False)
    alerts = sim.alerts
    # thresholds that no wait in this short run can cross, so every change is the only cause
    alerts.configure("sequentialActivationRenewals", activation_renewals=2, activation_window_minutes=10_000)
    alerts.configure("tooManyGlobalAdminsAssignedToTenant", min_global_admins=2, global_admin_percent=30)
    alerts.configure("azure.tooManyOwners", max_owners=2)
    alerts.configure("azure.tooManyPermanentOwners", max_permanent_owners=1)
    lapses = []  # audit positions where the licence lapsed: PIM closes every alert silently there
    for op in ops:
        if op[0] == "licence" and sim.licence.has_pim and op[1] == "Free":
            lapses.append(len(sim.audit))
        try:
            apply(sim, op)
        except PimRefusal:
            pass
        for d in DEFINITIONS:
            open_now = {(i.principal, i.role, i.scope) for i in alerts.incidents(d.id, open_only=True)}
            assert open_now == alerts.condition(d.id), (d.id, op)
    # and the audit trail says the same: between lapses, "Triggered" and "Resolve" alternate
    for d in DEFINITIONS:
        bounds = [0, *lapses, len(sim.audit)]
        for lo, hi in itertools.pairwise(bounds):
            trail = [r.activity for r in sim.audit[lo:hi] if r.target == d.name and r.surface == d.surface
                     and r.activity in ("Triggered PIM alert", "Resolve PIM alert")]
            assert all(a != b for a, b in itertools.pairwise(trail)), (d.id, trail)
            assert not trail or trail[0] == "Triggered PIM alert", (d.id, trail)
