"""JIT wired into the Simulation: ``sim.jit``, its own random stream, and its Activity Log entries in the same
"where can this record be seen, by whom, until when" answer as the PIM audit."""

from __future__ import annotations

import pytest
from jit_world import ME, RG, SUB, vm_id

from pim_sim import Simulation, Tenant
from pim_sim.features.jit_vm import JitVm, VirtualMachine
from pim_sim.features.jit_vm import facts as jf
from pim_sim.features.jit_vm.host import STREAM_NAME
from pim_sim.features.jit_vm.visibility import where_visible

WEB1 = vm_id("web1")


def _sim(seed=5):
    sim = Simulation(Tenant.build(users=["alice", "bob", "carol"], scopes=[SUB, RG]), seed=seed, lag=False)
    jit = sim.jit
    jit.add_subscription(SUB)
    jit.add_vnet("vnet1", ("10.0.0.0/16",))
    jit.add_subnet("sn1", "vnet1", "10.0.1.0/24", nsg="nsg-subnet")
    jit.add_vm(VirtualMachine(WEB1, "sn1", "10.0.1.4", public_ip="20.0.0.4"))
    jit.enable(WEB1, ports=[3389])
    return sim


def test_sim_jit_is_created_once_and_runs_on_the_simulations_clock():
    sim = Simulation(Tenant.build(users=["alice"], scopes=[SUB]), seed=1)
    assert "jit" not in sim.__dict__  # not created until asked for
    assert isinstance(sim.jit, JitVm) and sim.jit is sim.jit
    assert sim.jit.host.env is sim.env
    sim.run(90)
    assert sim.jit.now == 90


def test_jit_draws_from_the_kernels_named_stream_and_leaves_pims_streams_alone():
    a, b = _sim(seed=7), Simulation(Tenant.build(users=["alice"], scopes=[SUB]), seed=7)
    assert a.jit.host.rng is a.stream(STREAM_NAME)
    # the same seed gives the same JIT stream; asking for it doesn't move the kernel's own streams
    before = {k: r.getstate() for k, r in b.rng.items()}
    assert b.jit.host.rng.random() == Simulation(Tenant.build(users=["x"], scopes=[SUB]), seed=7).stream(
        STREAM_NAME).random()
    assert {k: r.getstate() for k, r in b.rng.items()} == before


def test_same_seed_same_activity_log_delays():
    def delays(seed):
        sim = _sim(seed)
        sim.jit.request("admin", WEB1, [3389], source=ME)
        return [e.delay for e in sim.jit.activity]

    assert delays(11) == delays(11)
    assert delays(11) != delays(12)


def test_activity_log_entries_appear_in_results_where_visible_after_their_delay_until_90_days():
    sim = _sim()
    sim.jit.assign_role("carol", "Reader", SUB)
    sim.jit.request("admin", WEB1, [3389], source=ME)
    initiated = [e for e in sim.jit.activity if e.operation_name == jf.INITIATE_OPERATION.value]
    assert initiated
    e = initiated[0]
    shown = sim.results().where_visible(e.minute + e.delay + 1)
    rows = shown[shown.seq == f"jit-{e.seq}"]
    assert set(rows.place) == {"Azure Activity Log",
                               "Defender for Cloud > Just-in-time VM access > Configured > (VM) > Activity Log"}
    assert (rows.visible_until == e.minute + jf.ACTIVITY_RETENTION_MINUTES.value).all()
    assert all("carol" in p.split(", ") for p in rows.people)
    assert "alice" not in ", ".join(rows.people)  # no role over the subscription
    # not yet visible before its delay, gone after the 90 days
    early = sim.results().where_visible(e.minute + e.delay - 0.001)
    assert f"jit-{e.seq}" not in set(early.seq)
    late = sim.results().where_visible(e.minute + jf.ACTIVITY_RETENTION_MINUTES.value)
    assert f"jit-{e.seq}" not in set(late.seq)


def test_a_reader_role_through_pim_counts_only_while_activated():
    sim = _sim()
    sim.assign("bob", "Reader", SUB, kind="eligible", duration="P30D")
    sim.jit.request("admin", WEB1, [3389], source=ME)
    e = sim.jit.activity[-1]
    t = e.minute + e.delay + 1
    sim.run(t)
    assert "bob" not in ", ".join(where_visible(sim.jit, t).people)
    sim.activate("bob", "Reader", SUB, duration="PT1H", justification="read the log")
    assert all("bob" in p for p in where_visible(sim.jit, sim.now).people)


def test_a_run_without_jit_keeps_the_pim_audit_answer_unchanged():
    sim = Simulation(Tenant.build(users=["alice"], scopes=[SUB]), seed=1)
    sim.assign("alice", "Reader", SUB, kind="eligible", duration="P30D")
    seen = sim.results().where_visible(sim.now + 60)
    assert not seen.empty and not seen.seq.astype(str).str.startswith("jit-").any()
    assert "jit" not in sim.__dict__


@pytest.mark.parametrize("exported", [False, True])
def test_a_workspace_export_adds_a_place_kept_longer(exported):
    sim = _sim()
    sim.jit.request("admin", WEB1, [3389], source=ME)
    e = sim.jit.activity[-1]
    t = e.minute + jf.ACTIVITY_RETENTION_MINUTES.value + 1  # past the Activity Log's 90 days
    frame = where_visible(sim.jit, t, exported_to_workspace=exported)
    assert (f"jit-{e.seq}" in set(frame.seq)) is exported


def test_nsg_rule_entries_belong_to_their_vms_subscription():
    sim = _sim()
    sim.jit.request("admin", WEB1, [3389], source=ME)
    rule_entries = [e for e in sim.jit.activity if e.operation_name == jf.NSG_RULE_OPERATION.value]
    assert rule_entries and {e.subscription for e in rule_entries} == {SUB}
