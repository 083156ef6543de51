"""NSG evaluation as Azure documents it: priority order, first match, default rules, subnet then NIC."""

import pytest
from jit_world import ME, allow, vm_id, world

from pim_sim.errors import ModelError
from pim_sim.features.jit_vm import Access, SecurityRule
from pim_sim.features.jit_vm.network import evaluate, parse_ports, prefix_matches, prefix_within

SPACE = ("10.0.0.0/16",)


def test_first_matching_rule_by_priority_decides():
    rules = [SecurityRule("deny-me", 200, Access.DENY, (ME,), ("*",), ((3389, 3389),)),
             allow("allow-all", 100, 3389)]
    assert evaluate("n", rules, ME, "10.0.1.4", 3389, "TCP", SPACE).rule.name == "allow-all"
    rules[1] = allow("allow-all", 300, 3389)
    assert evaluate("n", rules, ME, "10.0.1.4", 3389, "TCP", SPACE).access is Access.DENY


def test_default_rules_allow_the_vnet_and_deny_the_internet():
    assert evaluate("n", [], "10.0.2.9", "10.0.1.4", 22, "TCP", SPACE).rule.name == "AllowVnetInBound"
    assert evaluate("n", [], "168.63.129.16", "10.0.1.4", 22, "TCP", SPACE).rule.name == "AllowAzureLoadBalancerInBound"
    v = evaluate("n", [], ME, "10.0.1.4", 22, "TCP", SPACE)
    assert (v.rule.name, v.access) == ("DenyAllInBound", Access.DENY)


def test_subnet_nsg_is_processed_first_and_both_must_allow():
    jit = world()
    jit.add_rule("nsg-web1", allow("nic-allow", 100, 3389))
    d = jit.decide(ME, vm_id("web1"), 3389)
    assert (d.allowed, d.decided_by, d.rule) == (False, "nsg-subnet", "DenyAllInBound")
    jit.add_rule("nsg-subnet", allow("subnet-allow", 100, 3389))
    assert jit.decide(ME, vm_id("web1"), 3389).allowed
    jit.remove_rule("nsg-web1", "nic-allow")
    d = jit.decide(ME, vm_id("web1"), 3389)
    assert (d.allowed, d.decided_by) == (False, "nsg-web1")


def test_vm_without_nsg_receives_everything_and_without_public_ip_nothing_from_internet():
    assert world(subnet_nsg=False, nic_nsg=False).decide(ME, vm_id("web1"), 3389).allowed
    closed = world(subnet_nsg=False, nic_nsg=False, public_ip=False)
    assert not closed.decide(ME, vm_id("web1"), 3389).allowed
    assert closed.decide("10.0.3.3", vm_id("web1"), 3389).allowed  # from inside the VNet


def test_rule_priority_range_and_uniqueness():
    jit = world()
    with pytest.raises(ModelError, match="outside 100-4096"):
        jit.add_rule("nsg-web1", allow("low", 99, 22))
    jit.add_rule("nsg-web1", allow("a", 150, 22))
    with pytest.raises(ModelError, match="taken"):
        jit.add_rule("nsg-web1", allow("b", 150, 23))
    with pytest.raises(ModelError, match="exists"):
        jit.add_rule("nsg-web1", allow("a", 151, 23))


def test_prefixes_tags_and_containment():
    assert prefix_matches("Internet", ME, SPACE) and not prefix_matches("Internet", "10.0.0.9", SPACE)
    assert prefix_matches("VirtualNetwork", "10.0.0.9", SPACE)
    assert prefix_matches("203.0.113.0/24", ME, SPACE) and not prefix_matches("203.0.114.0/24", ME, SPACE)
    assert prefix_within("203.0.113.0/28", "203.0.113.0/24") and not prefix_within("203.0.113.0/23", "203.0.113.0/24")
    assert prefix_within(ME, "*") and not prefix_within("*", "203.0.113.0/24")
    assert parse_ports("80,1000-1002") == ((80, 80), (1000, 1002))
    with pytest.raises(ModelError):
        parse_ports("70000")
    with pytest.raises(ModelError):
        prefix_matches("not-an-ip", ME, SPACE)
