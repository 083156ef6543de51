"""A JIT scenario section as plain data, validated, built and run."""

import pytest
from jit_world import ME, RG, SUB, vm_id

from pim_sim.features.jit_vm import metrics
from pim_sim.features.jit_vm.spec import JitSpecError, build

WEB1 = vm_id("web1")


def section(**changes):
    data = {
        "subscriptions": [{"id": SUB, "plan": "Plan 2"}],
        "vnets": [{"id": "vnet1", "address_space": ["10.0.0.0/16"]}],
        "nsgs": [{"id": "nsg1", "rules": [{"name": "rdp-any", "priority": 300, "access": "Allow", "ports": 3389}]}],
        "subnets": [{"id": "sn1", "vnet": "vnet1", "prefix": "10.0.1.0/24", "nsg": "nsg1"}],
        "vms": [{"id": WEB1, "subnet": "sn1", "private_ip": "10.0.1.4", "public_ip": "20.0.0.4"}],
        "assignments": [{"principal": "sam", "role": "Security Admin", "scope": SUB}],
        "policies": [{"vms": [WEB1], "path": "defender"}],
        "timeline": [
            {"at": "PT1H", "action": "request", "principal": "sam", "vm": WEB1, "ports": [22], "source": ME,
             "duration": "PT30M"},
            {"at": "PT1H5M", "action": "connect", "source": ME, "vm": WEB1, "port": 22},
            {"at": "PT2H", "action": "connect", "source": ME, "vm": WEB1, "port": 22},
            {"at": "PT2H", "action": "request", "principal": "nobody", "vm": WEB1, "ports": [22]},
        ],
    }
    data.update(changes)
    return data


def test_build_and_run_a_section():
    jit = build(section())
    jit.run("PT3H")
    assert [c.allowed for c in jit.connections] == [True, False]
    assert [r.reason for r in jit.refusals] == ["no permission"]
    assert jit.decide(ME, WEB1, 3389).allowed  # the user's rule is above the deny rule
    assert set(metrics.exposure_minutes(jit).query("minutes > 0").port) == {22, 3389}


@pytest.mark.parametrize(("changes", "field"), [
    ({"vms": [{"id": WEB1, "subnet": "sn1"}]}, "vms[0].private_ip"),
    ({"nsgs": [{"id": "n", "rules": [{"name": "x", "priority": 50, "access": "Allow"}]}]}, "nsgs[0].rules[0].priority"),
    ({"subscriptions": [{"id": SUB, "plan": "Plan 3"}]}, "subscriptions[0].plan"),
    ({"timeline": [{"at": "PT1H", "action": "request", "vm": WEB1, "ports": [22]}]}, "timeline[0]"),
    ({"vms": [{"id": WEB1, "subnet": "nowhere", "private_ip": "10.0.1.4"}]}, "vms"),
    ({"colour": "blue"}, "colour"),
])
def test_errors_name_the_field(changes, field):
    with pytest.raises(JitSpecError) as e:
        build(section(**changes))
    assert e.value.field == field


def test_a_workload_section():
    jit = build(section(workload={"users": ["sam"], "rate_per_day": 24, "until": "P1D"}))
    jit.run("P1D")
    assert len(jit.requests) > 5
    assert RG in jit.policy_of(WEB1).id
