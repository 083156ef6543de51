"""Each VM's JIT state: Configured, Not configured, or Unsupported with the reason (fact 82)."""

from jit_world import SUB, firewall_world, vm_id, world

from pim_sim.features.jit_vm import Deployment, Plan, Platform, VirtualMachine, facts


def _add(jit, name, **kw):
    jit.add_vm(VirtualMachine(vm_id(name), "sn1", "10.0.1.40", **kw))
    return jit.jit_state(vm_id(name))


def test_supported_vm_is_not_configured_until_enabled_and_plan_2_enables_nothing():
    jit = world(plan="Plan 1")
    assert jit.jit_state(vm_id("web1")).status == "Unsupported"
    jit.set_plan(SUB, Plan.PLAN_2)
    assert jit.jit_state(vm_id("web1")).status == "Not configured"  # facts.PLAN_DOESNT_ENABLE
    jit.enable(vm_id("web1"))
    assert jit.jit_state(vm_id("web1")).status == "Configured"


def test_unsupported_reasons():
    jit = world()
    assert _add(jit, "old", deployment=Deployment.CLASSIC).reason == facts.CLASSIC_UNSUPPORTED.value
    assert _add(jit, "arc", platform=Platform.ARC).reason == facts.ARC_UNSUPPORTED.value
    assert _add(jit, "flex", platform=Platform.VMSS_FLEX).status == "Not configured"
    bare = world(subnet_nsg=False, nic_nsg=False)
    assert bare.jit_state(vm_id("web1")).reason == facts.MISSING_NSG_OR_FIREWALL.value
    off = world(plan="Off")
    state = off.jit_state(vm_id("web1"))
    assert (state.reason, state.documented) == (facts.PLAN_MISSING_STATE.value, False)


def test_disabled_in_security_policy():
    jit = world()
    jit.add_subscription(SUB, Plan.PLAN_2, jit_disabled_in_security_policy=True)
    assert jit.jit_state(vm_id("web1")).reason == facts.DISABLED_IN_SECURITY_POLICY.value


def test_firewall_support_depends_on_rules_mode_and_vnet():
    assert firewall_world().jit_state(vm_id("app1")).status == "Not configured"
    managed = firewall_world(firewall_manager=True).jit_state(vm_id("app1"))
    assert managed.reason == facts.FIREWALL_MANAGER_UNSUPPORTED.value
    peered = firewall_world(same_vnet=False).jit_state(vm_id("app1"))
    assert peered.reason == facts.MISSING_NSG_OR_FIREWALL.value  # a firewall in another VNet doesn't count
    assert firewall_world(same_vnet=False, nsg=True).jit_state(vm_id("app1")).status == "Not configured"
