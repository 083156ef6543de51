"""The scenario as a Python API: building in code, immutability, each timeline action reaching
the Simulation method it names, presets, the workload and the JSON Schema."""

import dataclasses
import json
from datetime import UTC, datetime

import jsonschema
import pytest
from pydantic import ValidationError

from pim_sim import Kind, Origin, Scenario, ScenarioError, Status, list_scenarios
from pim_sim.scenario.presets import MAX_USERS, preset
from pim_sim.scenario.reader import read
from pim_sim.scenario.spec import PresetSpec, json_schema

BASE = {"name": "t", "horizon": "P3D", "tenant": {"users": ["alice", "bob", "carol"]}, "lag": False}
GA = "Global Administrator"
SA = "Security Administrator"


def scenario(**changes) -> Scenario:
    return Scenario.from_dict({**BASE, **changes})


def step(at, do, **fields) -> dict:
    return {"at": at, "do": do, **fields}


def activation_status(results, principal="alice", role=SA) -> list[str]:
    df = results.requests
    return df[(df["action"] == "selfActivate") & (df["principal"] == principal) & (df["role"] == role)]["status"].tolist()


# ------------------------------------------------------------------------ building and immutability
def test_yaml_and_dict_give_the_same_scenario():
    text = "name: t\nhorizon: P3D\nlag: false\ntenant:\n  users: [alice, bob, carol]\n"
    assert Scenario.from_yaml(text).spec == scenario().spec


def test_to_dict_round_trips():
    s = scenario(assignments=[{"principal": "alice", "role": SA}], timeline=[step("P1D", "activate", principal="alice",
                                                                                   role=SA, justification="x")])
    assert Scenario.from_dict(s.to_dict()).spec == s.spec


def test_a_scenario_is_frozen_and_with_value_returns_a_validated_copy():
    s = scenario(settings=[{"role": SA, "activation_max": "PT4H"}])
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.file = "other"
    with pytest.raises(ValidationError):
        s.spec.seed = 3
    t = s.with_value("settings[0].activation_max", "PT2H")
    assert (s.spec.settings[0].activation_max, t.spec.settings[0].activation_max) == (240, 120)
    assert t.settings.lookup(SA, "/", s.tenant.scope("/").surface).activation_max == 120
    with pytest.raises(ScenarioError, match=r"settings\[0\].activation_max: Activation maximum duration"):
        s.with_value("settings[0].activation_max", "PT30M")
    with pytest.raises(ScenarioError, match="no field"):
        s.with_value("settings[5].activation_max", "PT2H")


def test_each_simulation_is_fresh_and_leaves_the_scenario_unchanged():
    s = scenario(assignments=[{"principal": "alice", "role": SA}],
                 timeline=[step("P1D", "activate", principal="alice", role=SA, justification="x")])
    before = s.to_dict()
    first = s.run()
    second = s.simulation()
    assert len(first.sim.requests) == 2 and len(second.requests) == 1  # the assignment, then the activation
    assert s.to_dict() == before


def test_start_sets_the_utc_time_of_minute_zero():
    s = scenario(start="2026-03-02T08:00:00Z")
    assert s.simulation().clock.at(60) == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_a_progress_callback_sees_the_clock_reach_the_horizon():
    seen = []
    scenario().run(progress=seen.append)
    assert seen == sorted(seen) and seen[-1] == pytest.approx(3 * 1440) and len(seen) == 100


# ------------------------------------------------------------------------ timeline actions
def test_approve_and_deny_decide_the_latest_pending_request():
    s = scenario(settings=[{"role": SA, "require_approval": True, "approvers": ["bob"]}],
                 assignments=[{"principal": "alice", "role": SA}],
                 timeline=[step("PT1H", "activate", principal="alice", role=SA, justification="a"),
                           step("PT2H", "deny", by="bob", requester="alice", role=SA),
                           step("PT3H", "activate", principal="alice", role=SA, justification="b"),
                           step("PT4H", "approve", by="bob", requester="alice", role=SA)])
    r = s.run()
    assert activation_status(r) == [str(Status.DENIED), str(Status.PROVISIONED)]
    assert r.sim.holds("alice", SA, at=5 * 60)


def test_a_decision_with_nothing_to_decide_is_recorded_not_raised():
    s = scenario(timeline=[step("PT1H", "approve", by="bob", requester="alice", role=SA)])
    refusal = s.run().sim.refusals[0]
    assert (refusal.code, refusal.rule, refusal.principal) == ("RequestNotFound", "ScenarioStep", "bob")


def test_cancel_and_deactivate():
    s = scenario(settings=[{"role": SA, "require_approval": True, "approvers": ["bob"]}],
                 assignments=[{"principal": "alice", "role": SA}, {"principal": "alice", "role": GA}],
                 timeline=[step("PT1H", "activate", principal="alice", role=SA, justification="a"),
                           step("PT2H", "cancel", requester="alice", role=SA),
                           step("PT1H", "activate", principal="alice", role=GA, justification="a"),
                           step("PT1H30M", "deactivate", principal="alice", role=GA)])
    r = s.run()
    assert activation_status(r) == [str(Status.CANCELED)]
    activated = [x for x in r.sim.schedules.values() if x.origin is Origin.ACTIVATED]
    assert [(x.role, x.removed) for x in activated] == [(GA, 90.0)]


def test_extend_requests_and_admin_decisions():
    s = scenario(assignments=[{"principal": "alice", "role": SA, "duration": "P10D"},
                              {"principal": "carol", "role": "Privileged Role Administrator", "kind": "active"}],
                 horizon="P20D",
                 timeline=[step("P1D", "request_extend", principal="alice", role=SA, duration="P30D",
                                justification="project runs longer"),
                           step("P2D", "decide_update", by="carol", requester="alice", role=SA, approve=True)])
    r = s.run()
    eligible = r.sim.find("alice", SA, "/", Kind.ELIGIBLE, at=19 * 1440)
    assert eligible is not None and eligible.end == pytest.approx(40 * 1440)


def test_renew_after_expiry():
    s = scenario(assignments=[{"principal": "alice", "role": SA, "duration": "P2D"},
                              {"principal": "carol", "role": "Privileged Role Administrator", "kind": "active"}],
                 horizon="P10D",
                 timeline=[step("P5D", "request_renew", principal="alice", role=SA, duration="P30D", justification="r"),
                           step("P5DT1H", "decide_update", by="carol", requester="alice", role=SA)])
    sim = s.run().sim
    assert sim.find("alice", SA, "/", Kind.ELIGIBLE, at=2 * 1440 + 1) is None
    assert sim.find("alice", SA, "/", Kind.ELIGIBLE, at=9 * 1440) is not None


def test_assign_remove_outside_pim_settings_licence_and_sign_in():
    s = scenario(assignments=[{"principal": "carol", "role": GA, "kind": "active"}],
                 timeline=[step("PT1H", "assign", principal="alice", role=SA, kind="active", duration="P1D"),
                           step("PT2H", "remove", principal="alice", role=SA),
                           step("PT3H", "assign_outside_pim", principal="bob", role="Exchange Administrator"),
                           step("PT4H", "set_settings", role=SA, activation_max="PT2H"),
                           step("PT5H", "sign_in", principal="bob"),
                           step("PT6H", "set_licence", licence="P1")])
    sim = s.run().sim
    assert sim.holds("alice", SA, at=90) and not sim.holds("alice", SA, at=150)
    assert sim.find("bob", "Exchange Administrator", origin=Origin.OUTSIDE_PIM) is not None
    assert [(c.minute, str(c.licence)) for c in sim.licence_log] == [(0.0, "P2"), (360.0, "P1")]
    assert sim.last_sign_in("bob") == 300
    assert "Update role setting in PIM" in set(a.activity for a in sim.audit)


def test_removing_what_does_not_exist_is_recorded():
    refusal = scenario(timeline=[step("PT1H", "remove", principal="alice", role=SA)]).run().sim.refusals[0]
    assert refusal.code == "AssignmentNotFound"


def test_review_steps_create_decide_and_apply():
    s = scenario(assignments=[{"principal": "alice", "role": SA}, {"principal": "bob", "role": SA}],
                 horizon="P10D",
                 timeline=[step("P1D", "review", name="q", role=SA, selected=["carol"], duration_days=3),
                           step("P2D", "review_decide", review="q", principal="alice", approve=False, by="carol"),
                           step("P5D", "review_apply", review="q")])
    sim = s.run().sim
    assert sim.find("alice", SA, kind=Kind.ELIGIBLE) is None
    assert sim.find("bob", SA, kind=Kind.ELIGIBLE) is not None


# ------------------------------------------------------------------------ workload and presets
def test_the_workload_activates_only_during_working_hours():
    s = scenario(horizon="P14D", assignments=[{"principal": u, "role": SA} for u in ("alice", "bob", "carol")],
                 workload={"rate_per_day": 3, "durations": ["PT1H"], "users": ["alice", "bob"],
                           "working_hours": {"days": ["Mon", "Tue"], "start_hour": 9, "end_hour": 12}})
    r = s.run()
    acts = r.requests[r.requests["action"] == "selfActivate"]
    assert len(acts) > 10 and set(acts["principal"]) == {"alice", "bob"}
    when = [r.sim.clock.at(m) for m in acts["created"]]
    assert all(w.weekday() in (0, 1) and 9 <= w.hour < 12 for w in when)


def test_a_preset_tenant_is_extended_and_overridden_by_the_file():
    s = scenario(preset="contoso", tenant={"users": ["zoe", {"name": "alice", "kind": "guest"}], "licence": "Governance"})
    assert s.tenant.principal("zoe") and s.tenant.principal("breakglass")
    assert s.tenant.principal("alice").is_guest and str(s.tenant.licence) == "Governance"
    assert len(s.assignments) == len(preset("contoso").assignments)
    assert s.simulation().holds("breakglass", GA)


def test_the_enterprise_preset_is_generated_at_the_asked_size():
    p = preset(PresetSpec(name="enterprise", users=200, privileged=20))
    assert len(p.tenant.users) == 200
    assert len({a.principal for a in p.assignments if a.kind == "eligible"}) == 20
    with pytest.raises(ValueError, match=f"{MAX_USERS:,}"):
        preset(PresetSpec(name="enterprise", users=MAX_USERS + 1))
    with pytest.raises(ValueError, match="not a preset"):
        preset("fabrikam")


# ------------------------------------------------------------------------ the JSON Schema
def test_the_schema_accepts_every_shipped_scenario_and_rejects_an_unknown_field():
    schema = json_schema()
    validator = jsonschema.Draft202012Validator(schema)
    for info in list_scenarios():
        data = json.loads(json.dumps(read(info.path.read_text()).data, default=str))
        assert list(validator.iter_errors(data)) == [], info.name
    assert list(validator.iter_errors({"name": "x", "horizon": "P1D", "colour": "red"}))
    assert list(validator.iter_errors({"name": "x", "horizon": "P1D", "timeline": [{"at": "P1D", "do": "fly"}]}))


def test_a_per_user_rate_replaces_the_common_rate():
    s = scenario(horizon="P28D", assignments=[{"principal": u, "role": SA} for u in ("alice", "bob")],
                 workload={"rate_per_day": 0.2, "rates": {"alice": 5}, "durations": ["PT1H"]})
    acts = s.run().requests.query("action == 'selfActivate'")
    counts = acts["principal"].value_counts()
    assert counts["alice"] > 5 * counts.get("bob", 0)
    with pytest.raises(ScenarioError, match=r"workload\.rates\.zoe: 'zoe' is not a user"):
        scenario(workload={"rates": {"zoe": 1}})


def test_the_published_schema_file_is_up_to_date():
    from pim_sim.scenario.model import SCENARIO_DIR

    published = json.loads((SCENARIO_DIR / "scenario.schema.json").read_text())
    assert published == json_schema(), "regenerate it: pim-sim schema --out scenarios/scenario.schema.json"


def test_workload_users_do_not_ask_for_a_role_that_is_already_active_and_a_zero_rate_asks_nothing():
    busy = scenario(horizon="P10D", assignments=[{"principal": "alice", "role": SA}],
                    workload={"rate_per_day": 20, "durations": ["PT8H"]})
    r = busy.run()
    assert len(r.requests.query("action == 'selfActivate'")) > 5
    assert "RoleAssignmentExists" not in set(r.refusals["code"])
    idle = busy.with_value("workload.rate_per_day", 0).run()
    assert idle.requests.query("action == 'selfActivate'").empty


def test_a_scenario_sets_the_activation_lag_ranges():
    s = scenario(lag={"provisioning_seconds": [60, 60], "token_refresh_minutes": [5, 5]},
                 assignments=[{"principal": "alice", "role": SA}],
                 timeline=[step("PT1H", "activate", principal="alice", role=SA, duration="PT1H", justification="j")])
    assert s.run().time_to_access().tolist() == [6.0]
    assert scenario(lag=True).simulation().lag and not scenario(lag=False).simulation().lag
    with pytest.raises(ScenarioError, match=r"lag.token_refresh_minutes: .*low <= high"):
        scenario(lag={"token_refresh_minutes": [5, 1]})


# ------------------------------------------------------------------------ role names as Microsoft writes them
def _unusual_role_names() -> list[str]:
    """Built-in role names with brackets, '/' or more than 80 characters (a plain-name pattern would refuse them)."""
    from pim_sim.catalogue import builtin_catalogue

    plain = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._@' -")
    return sorted(r.name for r in builtin_catalogue() if len(r.name) > 80 or not set(r.name) <= plain)


def test_the_catalogue_has_role_names_a_plain_pattern_refuses():
    names = _unusual_role_names()
    assert "SignalR/Web PubSub Contributor" in names and "Security Manager (Legacy)" in names
    assert any(len(n) > 80 for n in names)


@pytest.mark.parametrize("role", _unusual_role_names())
def test_every_azure_role_name_works_in_settings_assignments_steps_and_observations(role):
    sc = scenario(
        tenant={"users": ["alice", "bob", "carol"], "scopes": ["/subscriptions/prod"]},
        settings=[{"role": role, "scope": "/subscriptions/prod", "activation_max": "PT2H"}],
        assignments=[{"principal": "alice", "role": role, "scope": "/subscriptions/prod", "duration": "P30D"}],
        timeline=[step("PT1H", "activate", principal="alice", role=role, scope="/subscriptions/prod",
                       duration="PT2H", justification="fix")],
        observe=[{"text": "alice holds it", "at": "PT2H", "principal": "alice", "role": role,
                       "scope": "/subscriptions/prod", "holds": True}])
    results = sc.run()
    assert activation_status(results, role=role) == ["Provisioned"]
    assert all(o.passed for o in sc.observe(results))


@pytest.mark.parametrize("bad", ["Global Administrator\x1b[2J", "Global\u202eAdministrator", "Global\nAdministrator"])
def test_a_role_name_with_control_or_bidi_characters_is_refused_at_its_field(bad):
    with pytest.raises(ScenarioError) as err:
        scenario(assignments=[{"principal": "alice", "role": bad, "scope": "/"}])
    assert "assignments[0].role" in str(err.value) and "is not a role name" in str(err.value)
