"""Requesting access: the RBAC check, the policy limits, allow rules above the deny rule, expiry, supersession,
refusals with their reason, and the PIM pattern that adds an approval step."""

import pytest
from jit_world import ME, RG, SUB, firewall_world, vm_id, world

from pim_sim import Simulation, Tenant
from pim_sim.features.jit_vm import CreatedBy, JitRefusal, RefusalReason, attach, custom_role, facts
from pim_sim.features.jit_vm.network import Access, AzureFirewall

WEB1 = vm_id("web1")


def configured(**kw):
    jit = world(**kw)
    jit.enable(WEB1, ports=[{"number": 3389, "max_duration": "PT2H", "sources": "203.0.113.0/24"},
                            {"number": 22, "max_duration": "PT1H"}])
    return jit


def jit_rules(jit, nsg="nsg-web1"):
    return [(r.access.value, r.priority, r.sources, r.ports) for r in jit.rules(nsg) if r.created_by is CreatedBy.JIT]


def test_a_request_adds_allow_rules_above_the_deny_rule_in_every_nsg_and_opens_the_port():
    jit = configured()
    r = jit.request("admin", WEB1, [3389], duration="PT1H", source=ME, justification="patching")
    for nsg in ("nsg-subnet", "nsg-web1"):
        allow = [x for x in jit.rules(nsg) if x.grant == r.id]
        deny = [x for x in jit.rules(nsg) if x.created_by is CreatedBy.JIT and x.access is Access.DENY]
        assert len(allow) == 1 and allow[0].priority < deny[0].priority  # facts.ALLOW_ABOVE_DENY
        assert allow[0].sources == (ME,) and allow[0].destinations == ("10.0.1.4",)
    assert jit.decide(ME, WEB1, 3389).allowed
    assert not jit.decide("203.0.113.51", WEB1, 3389).allowed  # only the requested source
    assert not jit.decide(ME, WEB1, 22).allowed  # only the requested port
    assert [(s.status.value, s.reason.value) for s in jit.port_status] == [("Initiated", "UserRequested")]


def test_at_the_end_time_the_rules_go_and_the_nsg_is_as_before_but_sessions_keep_running():
    jit = configured()
    before = {n: jit.rules(n) for n in ("nsg-subnet", "nsg-web1")}
    jit.request("admin", WEB1, [3389], duration="PT1H", source=ME)
    session = jit.connect(ME, WEB1, 3389, session_minutes=180)
    jit.run(59.9)
    assert jit.decide(ME, WEB1, 3389).allowed
    jit.run(60)
    assert {n: jit.rules(n) for n in before} == before  # facts.EXPIRY_RESTORES
    assert not jit.connect(ME, WEB1, 3389).allowed
    assert session in jit.sessions_open(at=120)  # facts.NSG_EXISTING_CONNECTIONS
    assert [(s.minute, s.status.value, s.reason.value) for s in jit.port_status][-1] == (60, "Revoked", "Expired")


def test_omitted_source_is_the_callers_ip():
    jit = configured()
    r = jit.request("admin", WEB1, [3389], caller_ip="203.0.113.77")
    assert r.ports[0].source == "203.0.113.77"
    assert r.ports[0].end_minute == 120  # no duration: the port's maximum (model choice)


def test_a_newer_request_for_the_same_port_supersedes_the_older_one():
    jit = configured()
    first = jit.request("admin", WEB1, [3389], duration="PT2H", source=ME)
    jit.run(10)
    second = jit.request("admin", WEB1, [3389], duration="PT30M", source="203.0.113.60")
    assert (jit.port_status_at(first.id, WEB1, 3389).reason.value) == "NewerRequestInitiated"
    assert not jit.decide(ME, WEB1, 3389).allowed and jit.decide("203.0.113.60", WEB1, 3389).allowed
    jit.run(41)
    assert not jit.decide("203.0.113.60", WEB1, 3389).allowed
    jit.run(200)  # the first request's own end passes without a second status change
    assert [(s.request, s.reason.value) for s in jit.port_status if s.status.value == "Revoked"] == [
        (first.id, "NewerRequestInitiated"), (second.id, "Expired")]
    assert not facts.NEWER_SUPERSEDES.documented


def test_several_vms_and_ports_in_one_request():
    jit = world(vms=("web1", "web2"))
    jit.enable([WEB1, vm_id("web2")])
    r = jit.request("admin", {WEB1: [22, 3389], vm_id("web2"): [{"number": 5985, "duration": "PT10M"}]}, source=ME)
    assert [(p.vm.rsplit("/", 1)[1], p.number, p.end_minute) for p in r.ports] == [
        ("web1", 22, 180), ("web1", 3389, 180), ("web2", 5985, 10)]
    assert all(jit.decide(ME, p.vm, p.number).allowed for p in r.ports)


@pytest.mark.parametrize(("change", "kwargs", "reason"), [
    (None, {"ports": [8080]}, RefusalReason.PORT_NOT_IN_POLICY),
    (None, {"ports": [3389], "source": "198.51.100.1"}, RefusalReason.SOURCE_OUTSIDE_RANGE),
    (None, {"ports": [3389], "source": "203.0.112.0/23"}, RefusalReason.SOURCE_OUTSIDE_RANGE),
    (None, {"ports": [3389], "source": "*"}, RefusalReason.SOURCE_OUTSIDE_RANGE),
    (None, {"ports": [3389], "source": ME, "duration": "PT2H1M"}, RefusalReason.DURATION_OVER_MAXIMUM),
    (None, {"ports": [22, 3389], "source": ME, "duration": "PT90M"}, RefusalReason.DURATION_OVER_MAXIMUM),
    ("plan", {"ports": [22]}, RefusalReason.PLAN_MISSING),
    ("classic", {"ports": [22]}, RefusalReason.UNSUPPORTED_VM),
    ("user", {"ports": [22]}, RefusalReason.NO_PERMISSION),
])
def test_refusals_carry_their_reason_write_a_record_and_no_rule(change, kwargs, reason):
    jit = configured()
    principal = "admin"
    if change == "plan":
        jit.set_plan(SUB, "Plan 1")
    elif change == "classic":
        jit.add_subscription(SUB)  # keep plan 2
        from pim_sim.features.jit_vm import Deployment, VirtualMachine
        jit.vms[WEB1] = VirtualMachine(WEB1, "sn1", "10.0.1.4", deployment=Deployment.CLASSIC, nic_nsg="nsg-web1")
    elif change == "user":
        principal = "nobody"
    rules_before = len(jit.rule_log)
    with pytest.raises(JitRefusal) as e:
        jit.request(principal, WEB1, caller_ip=ME, **kwargs)
    assert e.value.reason is reason
    assert len(jit.rule_log) == rules_before and jit.requests == [] and jit.grants == {}
    refusal = jit.refusals[-1]
    assert (refusal.principal, refusal.reason, refusal.action) == (principal, reason.value, "request")
    failed = jit.activity[-1]
    assert (failed.operation_name, failed.status, failed.caller) == (facts.INITIATE_OPERATION.value, "Failed", principal)


def test_a_request_on_a_vm_without_jit_is_refused():
    jit = world()
    with pytest.raises(JitRefusal) as e:
        jit.request("admin", WEB1, [3389])
    assert e.value.reason is RefusalReason.NOT_CONFIGURED


def test_who_may_request_and_who_may_only_view():
    jit = configured()
    for who, role in [("olga", "Owner"), ("carl", "Contributor"), ("sam", "Security Admin"),
                      ("rita", "Security Reader"), ("ray", "Reader"), ("jay", "JIT Access Role")]:
        jit.assign_role(who, role, SUB if role != "JIT Access Role" else RG)
    may = {p for p in ("olga", "carl", "sam", "rita", "ray", "jay") if jit.can_request(p, WEB1)}
    assert may == {"olga", "carl", "sam", "jay"}
    assert jit.can_view("rita", WEB1) and jit.can_view("ray", WEB1) and not jit.can_view("nobody", WEB1)
    with pytest.raises(JitRefusal, match="initiate/action"):
        jit.request("rita", WEB1, [22], source=ME)
    assert jit.request("jay", WEB1, [22], source=ME).requestor == "jay"


def test_strict_check_applies_learns_whole_table():
    jit = configured()
    jit.assign_role("sam", "Security Admin", SUB)
    jit.assign_role("jay", "JIT Access Role", SUB)
    assert "Microsoft.Compute/virtualMachines/read" in jit.missing_for_request("sam", WEB1, strict=True)
    assert jit.can_request("jay", WEB1, strict=True)
    jit.define_role(custom_role("api-only", [facts.INITIATE_ACTION]))
    jit.assign_role("bot", "api-only", SUB)
    assert jit.can_request("bot", WEB1) and not jit.can_request("bot", WEB1, strict=True)


def test_a_firewall_vm_gets_a_dnat_rule_with_a_mapped_port_removed_at_the_end():
    jit = firewall_world()
    jit.enable(vm_id("app1"), ports=[{"number": 3389, "max_duration": "PT1H"}])
    assert jit.policy_of(vm_id("app1")).entry(vm_id("app1")).public_ip_address == "40.0.0.1"
    assert not jit.decide(ME, vm_id("app1"), 3389).allowed
    r = jit.request("admin", vm_id("app1"), [3389], source=ME)
    mapped = r.ports[0].mapped_port
    (dnat,) = jit.dnat["fw1"].values()
    assert (dnat.port, dnat.translated_ip, dnat.translated_port, dnat.sources) == (mapped, "10.0.1.4", 3389, (ME,))
    assert dnat.collection == facts.FIREWALL_COLLECTION.value
    assert jit.decide(ME, vm_id("app1"), 3389).allowed
    jit.run(60)
    assert jit.dnat["fw1"] == {} and not jit.decide(ME, vm_id("app1"), 3389).allowed


def test_behind_a_firewall_the_nsg_sees_the_firewall_address():
    jit = firewall_world(nsg=True)
    jit.enable(vm_id("app1"), ports=[3389])
    jit.request("admin", vm_id("app1"), [3389], source=ME)
    d = jit.decide(ME, vm_id("app1"), 3389)
    assert not d.allowed and d.decided_by == "nsg-subnet"  # facts.FIREWALL_SNAT_SOURCE (model choice)


def _pim_jit(approval=True):
    tenant = Tenant.build(users=["alice", "bob"], scopes=[SUB, RG])
    sim = Simulation(tenant, seed=3, lag=False)
    if approval:
        sim.set_settings("Contributor", RG, require_approval=True, approvers=("bob",))
    sim.assign("alice", "Contributor", RG, kind="eligible", duration="P30D")
    jit = attach(sim)
    jit.add_subscription(SUB)
    jit.add_vnet("vnet1", ("10.0.0.0/16",))
    jit.add_subnet("sn1", "vnet1", "10.0.1.0/24", nsg="nsg-subnet")
    from pim_sim.features.jit_vm import VirtualMachine
    jit.add_vm(VirtualMachine(WEB1, "sn1", "10.0.1.4", public_ip="20.0.0.4"))
    jit.enable(WEB1, ports=[3389])
    return sim, jit


def test_jit_behind_a_pim_eligible_role_with_approval_works_only_while_activated():
    sim, jit = _pim_jit()
    with pytest.raises(JitRefusal) as e:
        jit.request("alice", WEB1, [3389], source=ME)
    assert e.value.reason is RefusalReason.NO_PERMISSION  # eligible is not enough
    req = sim.activate("alice", "Contributor", RG, duration="PT1H", justification="maintenance")
    with pytest.raises(JitRefusal):
        jit.request("alice", WEB1, [3389], source=ME)  # pending approval in PIM
    sim.advance(15)
    sim.approve(req.id, by="bob")
    grant = jit.request("alice", WEB1, [3389], source=ME, duration="PT30M")
    assert grant.requestor == "alice" and jit.decide(ME, WEB1, 3389).allowed
    sim.run(15 + 60)
    with pytest.raises(JitRefusal):
        jit.request("alice", WEB1, [3389], source=ME)  # the activation has ended
    assert [f.reason for f in jit.refusals] == ["no permission"] * 3


def test_jit_itself_has_no_approval_step():
    sim, jit = _pim_jit(approval=False)
    sim.activate("alice", "Contributor", RG, duration="PT1H", justification="x")
    r = jit.request("alice", WEB1, [3389], source=ME)
    assert jit.port_status[-1].minute == r.minute == sim.now  # open at once (facts.NO_APPROVAL)


def test_unknown_firewall_or_subnet_is_a_model_error():
    from pim_sim.errors import ModelError
    jit = world()
    with pytest.raises(ModelError):
        jit.add_firewall(AzureFirewall("fw", "nowhere", "1.1.1.1", "10.0.0.4"))
