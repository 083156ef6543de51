"""Enabling JIT: the proposals, the policy limits, the deny rules and their priority, permissions, overwrite, cleanup."""

import pytest
from jit_world import ME, RG, SUB, allow, open_everywhere, vm_id, world

from pim_sim.features.jit_vm import (
    CreatedBy,
    JitPolicy,
    JitRefusal,
    JitVmEntry,
    OsType,
    Plan,
    RefusalReason,
    SecurityRule,
    facts,
    port_rule,
)
from pim_sim.features.jit_vm.network import Access

WEB1 = vm_id("web1")


def _jit_rules(jit, nsg, access=None):
    return [r for r in jit.rules(nsg) if r.created_by is CreatedBy.JIT and (access is None or r.access is access)]


def test_defender_proposes_four_management_ports_for_three_hours_from_any_source():
    jit = world()
    policy = jit.enable(WEB1)
    entry = policy.entry(WEB1)
    assert [p.number for p in entry.ports] == [22, 3389, 5985, 5986]
    assert {(p.max_duration, p.sources) for p in entry.ports} == {("PT3H", ("*",))}
    assert policy.name == "default" and policy.resource_group == RG
    assert policy.id.endswith("/providers/Microsoft.Security/locations/westeurope/jitNetworkAccessPolicies/default")


@pytest.mark.parametrize(("os", "port"), [(OsType.WINDOWS, 3389), (OsType.LINUX, 22)])
def test_vm_blade_enables_one_port_by_os(os, port):
    jit = world(os=os)
    entry = jit.enable(WEB1, path="vm_blade").entry(WEB1)
    assert [(p.number, p.max_minutes, p.sources) for p in entry.ports] == [(port, 180.0, ("*",))]


def test_rest_and_powershell_need_ports():
    jit = world()
    with pytest.raises(JitRefusal) as e:
        jit.enable(WEB1, path="rest")
    assert e.value.reason is RefusalReason.INVALID_POLICY
    assert jit.enable(WEB1, path="rest", ports=[{"number": 22, "max_duration": "PT5M"}]).entry(WEB1).ports[0].number == 22


@pytest.mark.parametrize("duration", ["PT4M", "P1DT1M", "P2D"])
def test_max_request_duration_outside_5_minutes_to_1_day_is_refused(duration):
    with pytest.raises(JitRefusal, match="PT5M to P1D"):
        world().enable(WEB1, ports=[{"number": 22, "max_duration": duration}])


@pytest.mark.parametrize("duration", ["PT5M", "P1D", "PT3H"])
def test_max_request_duration_bounds_are_allowed(duration):
    assert world().enable(WEB1, ports=[{"number": 22, "max_duration": duration}])


def test_protocol_and_port_number_are_checked():
    with pytest.raises(JitRefusal, match="protocol"):
        port_rule(22, protocol="ICMP")
    with pytest.raises(JitRefusal, match="port number"):
        port_rule(70000)


def test_policy_and_vm_name_at_most_56_characters():
    jit = world(vms=("v" * 50,))
    with pytest.raises(JitRefusal) as e:
        jit.enable(vm_id("v" * 50), policy_name="toolong")
    assert e.value.reason is RefusalReason.NAME_TOO_LONG
    assert jit.enable(vm_id("v" * 50), policy_name="sixsix")


def test_one_deny_rule_per_vm_at_top_priority_when_no_rule_exists_for_the_ports():
    jit = world()
    jit.add_rule("nsg-web1", allow("web", 200, 443))  # another port: doesn't count
    jit.enable(WEB1)
    for nsg in ("nsg-subnet", "nsg-web1"):
        (deny,) = _jit_rules(jit, nsg)
        assert deny.access is Access.DENY and deny.priority == facts.DENY_PRIORITY_BASE.value
        assert deny.ports == ((22, 22), (3389, 3389), (5985, 5985), (5986, 5986))
        assert deny.destinations == ("10.0.1.4",) and deny.name.startswith(facts.RULE_NAME.value)
        assert deny.description.startswith(facts.RULE_DESCRIPTION.value)


def test_existing_rules_on_the_ports_keep_priority_over_the_deny_rule_and_are_untouched():
    jit = world()
    open_everywhere(jit, "rdp-any", 1500, 3389)
    before = [r for r in jit.rules("nsg-web1") if r.created_by is CreatedBy.USER]
    jit.enable(WEB1)
    (deny,) = _jit_rules(jit, "nsg-web1")
    assert deny.priority > 1500
    assert [r for r in jit.rules("nsg-web1") if r.created_by is CreatedBy.USER] == before
    assert jit.decide(ME, WEB1, 3389).allowed  # the port stays open (fact 104)
    assert not jit.decide(ME, WEB1, 22).allowed


def test_enable_needs_jit_write_and_vm_write():
    jit = world()
    jit.assign_role("sam", "Security Admin", SUB)
    jit.assign_role("carla", "Contributor", RG)
    with pytest.raises(JitRefusal) as e:
        jit.enable(WEB1, by="sam")
    assert e.value.reason is RefusalReason.NO_PERMISSION and "virtualMachines/write" in e.value.message
    assert _jit_rules(jit, "nsg-web1") == []
    assert jit.refusals[-1].action == "enable"
    jit.enable(WEB1, by="carla")
    assert jit.jit_state(WEB1).status == "Configured"


def test_enable_needs_plan_2_and_a_supported_vm():
    with pytest.raises(JitRefusal) as e:
        world(plan=Plan.PLAN_1).enable(WEB1)
    assert e.value.reason is RefusalReason.PLAN_MISSING
    with pytest.raises(JitRefusal) as e:
        world(subnet_nsg=False, nic_nsg=False).enable(WEB1)
    assert e.value.reason is RefusalReason.UNSUPPORTED_VM


def test_portal_merges_vms_into_one_policy_and_put_overwrites_it():
    jit = world(vms=("web1", "web2"))
    jit.enable(WEB1)
    policy = jit.enable(vm_id("web2"), path="vm_blade")
    assert [e.vm for e in policy.vms] == [WEB1, vm_id("web2")]
    assert len(jit.policies) == 1
    body = JitPolicy(RG, "westeurope", "default", (JitVmEntry(WEB1, (port_rule(22),)),))
    jit.put_policy(body)
    assert jit.jit_state(vm_id("web2")).status == "Not configured"  # facts.PUT_OVERWRITES
    assert _jit_rules(jit, "nsg-web2")  # its deny rule stays (facts.REMOVED_PORT_STAYS_BLOCKED)
    (deny,) = _jit_rules(jit, "nsg-web1")
    assert deny.ports == ((22, 22),)  # the VM's deny rule follows the new ports


def test_cleanup_removes_redundant_jit_rules_but_never_user_rules():
    jit = world()
    jit.enable(WEB1)
    (deny,) = _jit_rules(jit, "nsg-web1")
    copy = SecurityRule(deny.name + "-copy", 2000, Access.DENY, deny.sources, deny.destinations, deny.ports,
                        deny.protocol, created_by=CreatedBy.JIT, description=deny.description, vm=deny.vm)
    stray = SecurityRule("MicrosoftDefenderForCloud-JITRule_-stale", 2001, Access.DENY, ("*",), ("10.0.1.99",),
                         ((22, 22),), created_by=CreatedBy.JIT, vm=WEB1)
    user_dup = SecurityRule("my-deny", 2002, Access.DENY, deny.sources, deny.destinations, deny.ports)
    for r in (copy, stray, user_dup):
        jit.add_rule("nsg-web1", r)
    jit.enable(WEB1, ports=[22, 3389])  # a policy update runs the cleaner
    names = {r.name for r in jit.rules("nsg-web1")}
    assert copy.name not in names and stray.name not in names and "my-deny" in names


def test_policy_write_is_logged_as_a_model_choice():
    jit = world()
    jit.enable(WEB1)
    entry = jit.activity[-1]
    assert entry.operation_name == facts.WRITE_OPERATION.value and not entry.documented
    assert entry.operation_value.endswith("jitNetworkAccessPolicies/write") and entry.caller == "admin"
