"""Invariants over random scripts of PIM actions (hypothesis).

A script is a list of steps; each step tries one action (assign, activate, approve, deny,
cancel, deactivate, remove, extend, renew, admin update, change settings) and advances the
clock. Refusals are part of the game. After the script, the records must tell a consistent story.
"""

from engine_builders import GA, OTHER_RG, RG, SEC, SUB, VM, simulation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pim_sim import ModelError, PimRefusal, Reason
from pim_sim.core.audit import Activity, Service
from pim_sim.core.requests import Action, Status

USERS = ("alice", "bob", "carol", "dave", "admins")
AZURE_SCOPES = (SUB, RG, OTHER_RG, VM)
ROLES = (SEC, "Security Reader")
MAX = {SEC: 120.0, "Security Reader": 480.0}  # activation maximum per role, fixed for the whole script
APPROVERS = ("bob", "alice", "dave")
TERMINAL = {Status.PROVISIONED, Status.DENIED, Status.CANCELED, Status.REVOKED, Status.FAILED}

step = st.tuples(st.integers(0, 13), st.integers(0, 4), st.integers(0, 1), st.integers(0, 2000), st.integers(0, 600))
scripts = st.lists(step, min_size=1, max_size=30)


class _Forgetful(dict):
    """An engine cache that keeps nothing: every answer is worked out afresh."""

    def __setitem__(self, key, value):
        pass


def play(script, seed=0, lag=False, keep_answers=True):
    """Run a script; return the simulation. Refusals and impossible requests are swallowed. With
    ``keep_answers=False`` the engine keeps no eligibility answer between activations."""
    sim = simulation(seed=seed, lag=lag)
    if not keep_answers:
        sim._eligibility_rows = _Forgetful()
    sim.assign("bob", GA, kind="active", justification="standing")
    for role, top in MAX.items():
        sim.set_settings(role, activation_max=top, require_mfa=False, require_approval=role == SEC, approvers=("bob", "dave"))
        for who in ("alice", "admins", "dave"):
            sim.assign(who, role, kind="eligible", duration="P3D" if who == "dave" else None)
    sim.assign("alice", "Reader", SUB, kind="eligible", duration="P3D")
    sim.assign("admins", "Reader", RG, kind="eligible", duration="P2D")
    for op, who_i, role_i, n, wait in script:
        who, role = USERS[who_i], ROLES[role_i]
        pending = [r for r in sim.requests.values() if r.status in (Status.PENDING_APPROVAL, Status.PENDING_ADMIN_DECISION)]
        live = [s for s in sim.schedules.values() if s.holds_at(sim.now) and s.origin.value != "standing"]
        try:
            if op == 0:
                sim.assign(who, role, kind="eligible", duration=None if n % 3 == 0 else n * 30 + 5)
            elif op == 1:
                sim.assign(who, role, kind="active", duration=n + 5, justification="j", start=sim.now + (wait if n % 2 else 0))
            elif op in (2, 3):
                start = sim.now + wait if n % 4 == 0 else None
                requester = ("alice", "carol", "dave", "bob")[who_i % 4]
                sim.activate(requester, role, duration=5 + n % 150, justification="j", start=start)
            elif op == 4 and pending:
                r = pending[n % len(pending)]
                if r.status is Status.PENDING_APPROVAL:
                    (sim.approve if n % 3 else sim.deny)(r.id, by=APPROVERS[who_i % 3], justification="ok")
                else:
                    sim.decide_update(r.id, by=("bob", r.principal)[n % 2], approve=bool(n % 3), justification="ok")
            elif op == 5 and pending:
                sim.cancel(pending[n % len(pending)].id, by=(None, "bob", "dave")[who_i % 3])
            elif op == 6:
                sim.deactivate(who, role)
            elif op == 7 and live:
                sim.remove(live[n % len(live)].id, by=("bob", "alice")[n % 2])
            elif op == 8:
                sim.request_extend(who, role, kind=("eligible", "active")[n % 2], duration=n * 10 + 5, justification="j")
            elif op == 9:
                sim.request_renew(who, role, kind=("eligible", "active")[n % 2], duration=n * 10 + 5, justification="j")
            elif op == 10 and live:
                s = live[n % len(live)]
                sim.admin_update(s.id, end=sim.now + wait + 5 if n % 2 else None, by="bob", justification="j")
            elif op == 11:
                sim.set_settings(role, require_approval=bool(n % 2), approvers=("bob", "dave") if n % 3 else ())
            elif op == 12:  # an Azure assignment somewhere in the tree
                sim.assign(who, "Reader", AZURE_SCOPES[n % 3], kind=("eligible", "active")[role_i], duration=n * 30 + 5,
                           justification="j")
            elif op == 13:  # an Azure activation, possibly narrower than the eligibility
                sim.activate(who, "Reader", AZURE_SCOPES[n % 4], duration=5 + n % 480, justification="j")
        except (PimRefusal, ModelError):
            pass
        sim.advance(wait)
    sim.advance(3000)
    return sim


PROPS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _core_directory_holders(sim, t):
    """Who holds which role at t, replaying only Core Directory's add and remove records."""
    count: dict[tuple[str, str], int] = {}
    for a in sim.audit:
        if a.service == Service.CORE_DIRECTORY and a.minute <= t:
            delta = {Activity.CORE_ADD_MEMBER: 1, Activity.CORE_REMOVE_MEMBER: -1}.get(a.activity, 0)
            count[(a.target, a.role)] = count.get((a.target, a.role), 0) + delta
    return {k for k, v in count.items() if v > 0}


@PROPS
@given(scripts, st.lists(st.floats(0, 1), min_size=5, max_size=5))
def test_nobody_holds_access_outside_an_interval_the_directory_granted(script, fractions):
    sim = play(script)
    for t in sorted({0.0, sim.now, *(f * sim.now for f in fractions), *(a.minute for a in sim.audit)}):
        granted = _core_directory_holders(sim, t)
        for user in ("alice", "bob", "carol", "dave"):
            groups = {"admins"} if user == "carol" else set()
            for role in (*ROLES, GA):
                expected = any((who, role) in granted for who in (user, *groups))
                assert sim.holds(user, role, at=t) == expected, (user, role, t)
                assert (sim.why_not(user, role, at=t).reason is Reason.HAS_ACCESS) == expected, (user, role, t)


def _activity_log_holders(sim, t):
    """Who holds which Azure role where at t, replaying only the Activity Log's create and delete records."""
    count: dict[tuple[str, str, str], int] = {}
    for a in sim.audit:
        if a.service == Service.AZURE_RESOURCE_MANAGER and a.minute <= t:
            delta = 1 if a.activity == Activity.ARM_CREATE_ASSIGNMENT else -1
            count[(a.target, a.role, a.scope)] = count.get((a.target, a.role, a.scope), 0) + delta
    return {k for k, v in count.items() if v > 0}


@PROPS
@given(scripts, st.lists(st.floats(0, 1), min_size=5, max_size=5))
def test_azure_access_is_what_the_activity_log_granted_at_or_above_the_scope(script, fractions):
    sim = play(script)
    for t in sorted({0.0, sim.now, *(f * sim.now for f in fractions), *(a.minute for a in sim.audit)}):
        granted = _activity_log_holders(sim, t)
        for user in ("alice", "bob", "carol", "dave"):
            groups = {"admins"} if user == "carol" else set()
            for scope in AZURE_SCOPES:
                expected = any((who, "Reader", above) in granted for who in (user, *groups)
                               for above in sim.tenant.ancestors(scope))
                assert sim.holds(user, "Reader", scope, at=t) == expected, (user, scope, t)


@PROPS
@given(scripts)
def test_every_activation_leaves_its_requested_and_completed_records(script):
    sim = play(script)
    by_request: dict[str, list[str]] = {}
    for a in sim.audit:
        by_request.setdefault(a.request_id, []).append(a.activity)
    for r in sim.requests.values():
        if r.action is not Action.SELF_ACTIVATE:
            continue
        acts = by_request.get(r.id, [])
        assert acts.count(Activity.ACTIVATION_REQUESTED) == 1
        assert acts.count(Activity.ACTIVATION_COMPLETED) == (1 if r.status is Status.PROVISIONED else 0)
        if r.status is Status.PROVISIONED:
            assert acts.index(Activity.ACTIVATION_REQUESTED) < acts.index(Activity.ACTIVATION_COMPLETED)


@PROPS
@given(scripts)
def test_no_request_is_approved_by_its_requester(script):
    sim = play(script)
    assert all(r.approver != r.principal for r in sim.requests.values() if r.approver)
    decisions = (Activity.ACTIVATION_APPROVED, Activity.REVIEW_REQUEST_APPROVED, Activity.UPDATE_APPROVED_BY_ADMIN,
                 Activity.ACTIVATION_DENIED, Activity.UPDATE_DENIED_BY_ADMIN)
    for a in sim.audit:  # an administrator's own adminUpdate/adminExtend is not a decision on a request
        if a.activity in decisions and sim.requests[a.request_id].action.value.startswith("self"):
            assert a.initiator != a.target


@PROPS
@given(scripts)
def test_no_activation_exceeds_its_maximum_or_its_eligibility(script):
    sim = play(script)
    for s in sim.schedules.values():
        if s.origin.value != "activated":
            continue
        assert s.end - s.start <= MAX.get(s.role, 480.0) + 1e-9
        assert s.stop - s.start <= sim.requests[s.request_id].duration + 1e-9
        source = sim.schedules[s.activated_from]
        assert source.kind.value == "eligible" and source.start <= s.start
        assert source.removed is None or source.removed >= s.start  # the eligibility was in force when access began


@PROPS
@given(scripts)
def test_request_statuses_only_move_forward(script):
    sim = play(script)
    seen: dict[str, list[Status]] = {}
    for c in sim.status_log:
        seen.setdefault(c.request_id, []).append(c.status)
    for rid, chain in seen.items():
        assert all(s not in TERMINAL for s in chain[:-1]), (rid, chain)
        assert chain[-1] is sim.requests[rid].status
        assert len(set(chain)) == len(chain)


@settings(max_examples=20, deadline=None)
@given(scripts, st.integers(0, 2**32 - 1))
def test_same_seed_same_records(script, seed):
    a, b = play(script, seed, lag=True), play(script, seed, lag=True)
    assert repr(a.audit) == repr(b.audit)
    assert repr(a.status_log) == repr(b.status_log) and repr(a.requests) == repr(b.requests)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scripts)
def test_kept_eligibility_answers_change_no_record(script):
    kept, fresh = play(script), play(script, keep_answers=False)
    assert not fresh._eligibility_rows
    if any(r.action is Action.SELF_ACTIVATE for r in kept.requests.values()):
        assert kept._eligibility_rows  # the answers were kept, and used
    assert repr(kept.audit) == repr(fresh.audit) and repr(kept.refusals) == repr(fresh.refusals)
    assert repr(kept.status_log) == repr(fresh.status_log) and repr(kept.requests) == repr(fresh.requests)
