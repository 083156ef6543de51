""""Why can't I connect to this VM on port 3389 now?" answered from the NSG verdict and JIT's records."""

from __future__ import annotations

import pytest
from jit_world import ME, allow, vm_id, world

from pim_sim.features.jit_vm import JitRefusal
from pim_sim.features.jit_vm.explain import why_connection

WEB1 = vm_id("web1")


def test_before_any_request_the_jit_deny_rule_is_the_answer():
    jit = world()
    jit.enable(WEB1, ports=[3389])
    a = why_connection(jit, ME, WEB1, 3389)
    assert not a.allowed and a.rule_created_by == "jit" and "JIT's deny rule" in a.headline
    assert any("No JIT request has opened port 3389" in line for line in a.lines)


def test_during_a_grant_the_jit_allow_rule_lets_the_requester_in_only():
    jit = world()
    jit.enable(WEB1, ports=[3389])
    jit.request("admin", WEB1, [3389], source=ME, duration="PT1H")
    yes = why_connection(jit, ME, WEB1, 3389)
    assert yes.allowed and "a rule JIT wrote" in yes.headline
    assert any(f"open for {ME}" in line and "PT1H" in line for line in yes.lines)
    other = why_connection(jit, "198.51.100.99", WEB1, 3389)
    assert not other.allowed  # the grant is for the requester's address only
    jit.run(61)
    after = why_connection(jit, ME, WEB1, 3389)
    assert not after.allowed and any("ended at minute 60 (Expired)" in line for line in after.lines)


def test_a_user_rule_above_the_deny_rule_is_named_as_the_bypass():
    jit = world(nic_nsg=False)
    jit.enable(WEB1, ports=[3389])
    jit.add_rule("nsg-subnet", allow("open-rdp", 200, 3389))
    a = why_connection(jit, ME, WEB1, 3389)
    assert a.allowed and "not JIT" in a.headline and a.rule == "open-rdp"
    assert any("bypasses JIT" in line for line in a.lines)


def test_a_port_outside_the_policy_and_the_askers_refusal_are_explained():
    jit = world()
    jit.enable(WEB1, ports=[3389])
    with pytest.raises(JitRefusal):
        jit.request("mallory", WEB1, [3389], source=ME)
    a = why_connection(jit, ME, WEB1, 22, principal="mallory")
    assert any("port 22 is not in web1's policy" in line for line in a.lines)
    b = why_connection(jit, ME, WEB1, 3389, principal="mallory")
    assert any("mallory's last request was refused (no permission)" in line for line in b.lines)


def test_unsupported_and_not_configured_vms_say_so():
    jit = world(plan="Plan 1")
    a = why_connection(jit, ME, WEB1, 3389)
    assert a.jit_state == "Unsupported" and any("Unsupported" in line for line in a.lines)
    jit2 = world()
    b = why_connection(jit2, ME, WEB1, 3389)
    assert b.jit_state == "Not configured" and any("not configured" in line for line in b.lines)
