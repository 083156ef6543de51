"""Import and export of jitNetworkAccessPolicies JSON as Azure REST returns it."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jit_world import ME, RG, vm_id, world

from pim_sim.features.jit_vm import JitPolicy, JitVmEntry, port_rule
from pim_sim.features.jit_vm.rest import JitImportError, dumps, list_json, policy_json, read_policies, read_policy

WEB1 = vm_id("web1")


def sample() -> dict:
    """The shape of the REST spec's CreateOrUpdate example response."""
    return {
        "id": f"{RG}/providers/Microsoft.Security/locations/westeurope/jitNetworkAccessPolicies/default",
        "name": "default", "type": "Microsoft.Security/locations/jitNetworkAccessPolicies", "kind": "Basic",
        "location": "westeurope",
        "properties": {
            "virtualMachines": [{"id": WEB1, "ports": [
                {"number": 22, "protocol": "*", "allowedSourceAddressPrefix": "*", "maxRequestAccessDuration": "PT3H"},
                {"number": 3389, "protocol": "*", "allowedSourceAddressPrefix": "*", "maxRequestAccessDuration": "PT3H"},
            ]}],
            "requests": [], "provisioningState": "Succeeded",
        },
    }


def test_read_the_rest_shape():
    policy = read_policy(json.dumps(sample()))
    assert (policy.resource_group, policy.location, policy.name, policy.kind) == (RG, "westeurope", "default", "Basic")
    assert [(p.number, p.max_minutes, p.sources) for p in policy.entry(WEB1).ports] == [(22, 180.0, ("*",)),
                                                                                          (3389, 180.0, ("*",))]


@pytest.mark.parametrize(("mutate", "field", "problem"), [
    (lambda d: d["properties"]["virtualMachines"][0]["ports"][1].update(maxRequestAccessDuration="P2D"),
     "properties.virtualMachines[0].ports[1].maxRequestAccessDuration", "PT5M to P1D"),
    (lambda d: d["properties"]["virtualMachines"][0]["ports"][0].update(protocol="ICMP"),
     "properties.virtualMachines[0].ports[0].protocol", "TCP"),
    (lambda d: d["properties"]["virtualMachines"][0]["ports"][0].update(allowedSourceAddressPrefixes=["1.2.3.4"]),
     "properties.virtualMachines[0].ports[0]", "mutually exclusive"),
    (lambda d: d["properties"]["virtualMachines"][0]["ports"][0].update(number=70000),
     "properties.virtualMachines[0].ports[0].number", "65535"),
    (lambda d: d["properties"]["virtualMachines"][0]["ports"][0].pop("maxRequestAccessDuration"),
     "properties.virtualMachines[0].ports[0].maxRequestAccessDuration", "required"),
    (lambda d: d["properties"]["virtualMachines"][0]["ports"][0].update(allowedSourceAddressPrefix="nope"),
     "properties.virtualMachines[0].ports", "not an IP address"),
    (lambda d: d.update(type="Microsoft.Compute/virtualMachines"), "type", "is not"),
    (lambda d: d.update(id="/subscriptions/x"), "id", "resource id"),
])
def test_errors_name_the_field(mutate, field, problem):
    data = sample()
    mutate(data)
    with pytest.raises(JitImportError) as e:
        read_policy(data, name="policy.json")
    assert e.value.where == "policy.json" and e.value.field == field and problem in e.value.problem


def test_text_is_content_never_a_path(tmp_path):
    f = tmp_path / "p.json"
    f.write_text(json.dumps(sample()))
    with pytest.raises(JitImportError, match="not JSON"):
        read_policy(str(f))
    assert read_policy(f.read_bytes()) == read_policy(sample())
    with pytest.raises(JitImportError, match="not JSON content"):
        read_policy(f)
    with pytest.raises(JitImportError, match="not JSON"):
        read_policy('{"a": NaN}')


def test_a_list_response_and_requests_are_read():
    jit = world()
    jit.enable(WEB1)
    jit.request("admin", WEB1, [3389], source=ME, justification="j")
    exported = policy_json(jit.policy_of(WEB1), jit=jit)
    (policy, requests), = read_policies({"value": [exported]})
    assert policy == jit.policy_of(WEB1)
    assert requests[0].requestor == "admin" and requests[0].virtualMachines[0].ports[0].status == "Initiated"
    assert read_policies(list_json([policy]))[0][0] == policy


def test_put_an_imported_policy():
    jit = world()
    jit.put_policy(read_policy(sample()))
    assert jit.jit_state(WEB1).status == "Configured"


sources = st.one_of(st.just("*"), st.sampled_from(["10.0.0.0/8", "203.0.113.0/24", "198.51.100.7"]))
ports = st.lists(st.integers(0, 65535), min_size=1, max_size=5, unique=True)


@st.composite
def policies(draw):
    vms = []
    for i in range(draw(st.integers(1, 3))):
        rules = []
        for n in draw(ports):
            as_list = draw(st.booleans())
            src = tuple(draw(st.lists(sources, min_size=1, max_size=3, unique=True))) if as_list else draw(sources)
            rules.append(port_rule(n, protocol=draw(st.sampled_from(["TCP", "UDP", "*"])), sources=src,
                                   max_duration=draw(st.integers(5, 1440)), sources_as_list=as_list))
        vms.append(JitVmEntry(vm_id(f"vm{i}"), tuple(rules), draw(st.one_of(st.none(), st.just("40.0.0.1")))))
    return JitPolicy(RG, draw(st.sampled_from(["westeurope", "eastus"])), draw(st.sampled_from(["default", "p2"])),
                     tuple(vms))


@settings(max_examples=60, deadline=None)
@given(policies())
def test_export_then_import_round_trips(policy):
    text = dumps(policy_json(policy))
    back = read_policy(text)
    assert back == policy
    assert policy_json(back) == json.loads(text)
