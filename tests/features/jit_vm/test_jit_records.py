"""Records: Activity Log entries and where they are seen, requests[] over time, the recommendation per VM,
and the metrics tables."""

import pytest
from jit_world import ME, RG, SUB, open_everywhere, vm_id, world

from pim_sim import Simulation, Tenant
from pim_sim.features.jit_vm import JitRefusal, facts
from pim_sim.features.jit_vm import metrics as m
from pim_sim.features.jit_vm.records import Place, sightings, visible
from pim_sim.features.jit_vm.rest import requests_json

WEB1 = vm_id("web1")
DAY = 1440.0


def test_a_request_logs_initiate_started_by_the_requestor_and_rule_writes_by_the_resource_provider():
    jit = world()
    jit.enable(WEB1)
    n = len(jit.activity)
    r = jit.request("admin", WEB1, [3389], source=ME, justification="patch Tuesday")
    new = jit.activity[n:]
    initiate = [e for e in new if e.operation_name == facts.INITIATE_OPERATION.value]
    assert [(e.status, e.caller, e.documented) for e in initiate] == [("Started", "admin", True),
                                                                      ("Succeeded", "admin", False)]
    assert initiate[0].operation_value == facts.INITIATE_ACTION and initiate[0].correlation_id == r.id
    assert dict(initiate[0].properties)["justification"] == "patch Tuesday"
    writes = [e for e in new if e.operation_name == facts.NSG_RULE_OPERATION.value]
    assert {e.caller for e in writes} == {facts.RESOURCE_PROVIDER_CALLER.value} and len(writes) == 2
    assert all(3 <= e.delay <= 20 for e in jit.activity)


def test_activity_log_entries_are_visible_90_days_after_their_delay():
    jit = world()
    jit.enable(WEB1)
    jit.request("admin", WEB1, [3389], source=ME)
    entry = next(e for e in jit.activity if e.status == "Started")
    (log, page) = sightings(entry)
    assert (log.place, page.place) == (Place.AZURE_ACTIVITY_LOG, Place.JIT_ACTIVITY_LOG)
    assert log.visible_from == entry.minute + entry.delay and log.visible_until == entry.minute + 90 * DAY
    assert not visible(entry, Place.AZURE_ACTIVITY_LOG, entry.minute)  # not yet ingested
    assert visible(entry, Place.AZURE_ACTIVITY_LOG, entry.minute + 20)
    assert not visible(entry, Place.AZURE_ACTIVITY_LOG, entry.minute + 90 * DAY)
    kept = sightings(entry, exported_to_workspace=True, workspace_retention_minutes=365 * DAY)[-1]
    assert kept.place is Place.LOG_ANALYTICS and kept.visible_until == entry.minute + 365 * DAY
    assert log.place.value == "Azure Activity Log"  # the same place name as the PIM audit's


def test_requests_history_shows_each_ports_status_at_a_time():
    jit = world()
    jit.enable(WEB1, ports=[{"number": 22, "max_duration": "PT1H"}])
    policy = jit.policy_of(WEB1).id
    jit.request("admin", WEB1, [22], source=ME, duration="PT1H")
    jit.run(30)
    jit.request("admin", WEB1, [22], source=ME, duration="PT10M")
    jit.run(100)
    def states(at):
        return [(r["requestor"], p["status"], p["statusReason"]) for r in requests_json(jit, policy, at)
                for v in r["virtualMachines"] for p in v["ports"]]
    assert states(10) == [("admin", "Initiated", "UserRequested")]
    assert states(35) == [("admin", "Revoked", "NewerRequestInitiated"), ("admin", "Initiated", "UserRequested")]
    assert states(100) == [("admin", "Revoked", "NewerRequestInitiated"), ("admin", "Revoked", "Expired")]
    first = requests_json(jit, policy, 100)[0]
    assert first["startTimeUtc"] == "2026-01-05T00:00:00Z"
    assert first["virtualMachines"][0]["ports"][0]["endTimeUtc"] == "2026-01-05T01:00:00Z"


def test_recommendation_per_vm_over_time():
    jit = world()
    assert jit.recommendation_history(WEB1)[-1].state == "NotApplicable"  # no open management port
    open_everywhere(jit, "rdp-any", 300, 3389)
    latest = jit.recommendation_history(WEB1)[-1]
    assert (latest.state, latest.open_ports) == ("Unhealthy", (3389,))
    jit.run(60)
    jit.enable(WEB1)
    assert jit.recommendation_history(WEB1)[-1].minute == 60
    assert jit.recommendation_history(WEB1)[-1].state == "Healthy"
    assert jit.recommendation_history(WEB1)[-1].jit_state == "Configured"
    unsupported = world(plan="Plan 1")
    open_everywhere(unsupported, "rdp-any", 300, 3389)
    assert unsupported.recommendation_history(WEB1)[-1].state == "NotApplicable"
    assert facts.RECOMMENDATION.value.startswith("Management ports of virtual machines")


def test_exposure_minutes_standing_versus_jit():
    jit = world()
    open_everywhere(jit, "ssh-any", 300, 22)  # standing exposure of 22 from minute 0
    jit.run(100)
    jit.enable(WEB1)  # 22 keeps its user rule above the deny rule: still standing
    jit.request("admin", WEB1, [3389], source=ME, duration="PT30M")
    jit.run(200)
    for nsg in list(jit.nsgs):
        jit.remove_rule(nsg, "ssh-any")
    jit.run(300)
    frame = m.exposure_minutes(jit)
    got = {(r.port, r.kind): r.minutes for r in frame.itertuples() if r.minutes}
    assert got == {(22, "standing"): 200.0, (3389, "jit"): 30.0}


def test_requests_per_user_refusals_by_reason_and_time_to_access_with_pim():
    tenant = Tenant.build(users=["alice", "bob"], scopes=[SUB, RG])
    sim = Simulation(tenant, seed=1, lag=False)
    sim.set_settings("Contributor", RG, require_approval=True, approvers=("bob",))
    sim.assign("alice", "Contributor", RG, kind="eligible", duration="P30D")
    jit = world(sim)
    jit.enable(WEB1)
    sim.advance(10)
    with pytest.raises(JitRefusal):
        jit.request("alice", WEB1, [3389], source=ME)
    req = sim.activate("alice", "Contributor", RG, duration="PT2H", justification="x")
    sim.advance(35)
    sim.approve(req.id, by="bob")
    jit.request("alice", WEB1, [3389], source=ME)
    with pytest.raises(JitRefusal):
        jit.request("alice", WEB1, [8080], source=ME)
    users = m.requests_per_user(jit)
    assert users.to_dict("records") == [{"requestor": "alice", "requests": 1, "ports": 1, "refused": 2}]
    reasons = m.refusals_by_reason(jit).set_index("reason")["count"].to_dict()
    assert reasons == {"no permission": 1, "port not in policy": 1}
    wait = m.time_to_access(jit)
    assert wait[["first_attempt", "granted", "minutes"]].values.tolist() == [[10.0, 45.0, 35.0]]


def test_exposure_summary_over_replications():
    frames = []
    for minutes_open in (30, 60, 90):
        jit = world()
        jit.enable(WEB1)
        jit.request("admin", WEB1, [3389], source=ME, duration=minutes_open)
        jit.run(200)
        frames.append(m.exposure_minutes(jit))
    row = m.exposure_summary(frames).query("port == 3389 and kind == 'jit'").iloc[0]
    assert (row["n"], row["mean"]) == (3, 60.0) and row["low"] < 60 < row["high"]


def test_same_seed_same_records():
    def run(seed):
        jit = world(Simulation(Tenant.build(users=["a"], scopes=[SUB]), seed=seed))
        jit.enable(WEB1)
        for i in range(5):
            jit.request("admin", WEB1, [3389], source=ME, duration=10 + i)
            jit.run(20 * (i + 1))
        return [(e.operation_name, e.status, e.delay) for e in jit.activity]
    assert run(7) == run(7) and run(7) != run(8)
