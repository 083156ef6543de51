"""Probes on Microsoft Defender for Cloud just-in-time (JIT) VM access, and on how it differs from PIM activation.

Each probe builds a small world on a simulation's ``sim.jit`` (subscription, VNet, NSGs, VMs), enables JIT and
requests access through the engine, and observes what it did: the rules it wrote and removed (from the NSGs and
the rule-change stream), the requests' port statuses, the refusals and their reasons, the Activity Log and where
it is visible. Keys are never read back from the action a probe made: a refusal's reason comes from the refusal
record, a rule's place from the NSG's rules in priority order, a retention from looking on day 89, 90 and 91.
"""

from __future__ import annotations

import itertools
from typing import Any

from pim_sim import Simulation
from pim_sim.errors import ModelError, PimRefusal
from pim_sim.features.jit_vm import Access, Deployment, JitRefusal, OsType, SecurityRule, VirtualMachine
from pim_sim.features.jit_vm.network import AzureFirewall
from pim_sim.scenario import load_scenario
from quizzes.probes.base import DAY, Lab, probe
from quizzes.probes.case_studies import _CASES

SUB = "/subscriptions/prod"
RG = f"{SUB}/resourceGroups/app-rg"
ME = "203.0.113.50"
ROLES = ("Owner", "Contributor", "Reader", "Security Reader", "JIT Access Role")


def vm_id(name: str, classic: bool = False) -> str:
    return f"{RG}/providers/{'Microsoft.ClassicCompute' if classic else 'Microsoft.Compute'}/virtualMachines/{name}"


def _world(lab: Lab, label: str, *, plan: str = "Plan 2", users=("alice", "bob", "carol", "dave")) -> Simulation:
    """A subscription with one VNet, a subnet NSG and web1 (Windows) and lin1 (Linux) with NIC NSGs."""
    sim = lab.sim(label, users=users, scopes=[SUB, RG])
    jit = sim.jit
    jit.add_subscription(SUB, plan)
    jit.add_vnet("vnet1", ("10.0.0.0/16",))
    jit.add_subnet("sn1", "vnet1", "10.0.1.0/24", nsg="nsg-subnet")
    # the subnet lets management ports through to the NICs, whose NSGs (and JIT) decide
    jit.add_rule("nsg-subnet", SecurityRule("allow-mgmt", 400, Access.ALLOW, ("*",), ("*",), ((22, 22), (3389, 3389)),
                                            "TCP"))
    jit.add_vm(VirtualMachine(vm_id("web1"), "sn1", "10.0.1.4", OsType.WINDOWS, nic_nsg="nsg-web1",
                              public_ip="20.0.0.4"))
    jit.add_vm(VirtualMachine(vm_id("lin1"), "sn1", "10.0.1.5", OsType.LINUX, nic_nsg="nsg-lin1",
                              public_ip="20.0.0.5"))
    return sim


def _refusal_reason(action) -> str:
    try:
        action()
    except JitRefusal as e:
        return e.reason.value
    return "accepted"


def _names(jit, nsg: str) -> list[str]:
    return [r.name for r in jit.rules(nsg)]


def _kind(rule) -> str:
    """What a rule is, read from the rule itself: who wrote it and what it does."""
    return f"{'JIT' if rule.created_by.value == 'jit' else 'user'} {rule.access.value.lower()}"


@probe("JIT is enabled on web1 from Defender for Cloud and on lin1 from the VM blade; alice (Contributor) requests "
       "RDP for an hour from her own address, connects, and the hour passes; requests for 4 hours, for port 80 "
       "and from a Security Reader are tried; policies with maximum request times of 4 minutes to 2 days are put.")
def jit_request_rules(lab: Lab) -> dict[str, Any]:
    sim = _world(lab, "jit-requests")
    jit = sim.jit
    jit.assign_role("alice", "Contributor", SUB)
    jit.assign_role("dave", "Security Reader", SUB)
    before = {n: _names(jit, n) for n in jit.nsgs}
    jit.enable(vm_id("web1"), path="defender")
    jit.enable(vm_id("lin1"), path="vm_blade")
    web_ports = sorted(p.number for p in jit.entry_of(vm_id("web1")).ports)
    lin_rules = jit.entry_of(vm_id("lin1")).ports
    enabled = {n: _names(jit, n) for n in jit.nsgs}
    written = sorted({_kind(r) for n in jit.nsgs for r in jit.rules(n) if r.name not in before[n]})
    refused_over = _refusal_reason(lambda: jit.request("alice", vm_id("web1"), [3389], source=ME, duration="PT4H"))
    refused_port = _refusal_reason(lambda: jit.request("alice", vm_id("web1"), [80], source=ME))
    refused_reader = _refusal_reason(lambda: jit.request("dave", vm_id("web1"), [3389], source=ME))
    after_refusals = {n: _names(jit, n) for n in jit.nsgs}
    start = sim.now
    jit.request("alice", vm_id("web1"), [3389], duration="PT1H", caller_ip=ME)
    opened_at = next(s.minute for s in jit.port_status if s.vm == vm_id("web1") and s.number == 3389)
    nic = jit.rules("nsg-web1")
    allow = next(r for r in nic if r.access is Access.ALLOW and r.created_by.value == "jit")
    deny = next(r for r in nic if r.access is Access.DENY and r.created_by.value == "jit")
    session = jit.connect(ME, vm_id("web1"), 3389, session_minutes=120)
    other = jit.decide("198.51.100.77", vm_id("web1"), 3389)
    sim.run(start + 61)
    status = next(s for s in reversed(jit.port_status) if s.vm == vm_id("web1") and s.number == 3389)
    accepted = []
    for duration in ("PT4M", "PT5M", "PT3H", "PT24H", "P2D"):
        try:
            jit.enable(vm_id("lin1"), path="powershell", ports=[{"number": 22, "max_duration": duration}])
            accepted.append(duration)
        except ModelError:  # a maximum outside 5 minutes to 1 day is refused
            continue
    return {
        "defender_proposed_ports": ", ".join(map(str, web_ports)),
        "vm_blade_port_linux": ", ".join(str(p.number) for p in lin_rules),
        "vm_blade_max_duration": lin_rules[0].max_duration,
        "vm_blade_sources": list(lin_rules[0].sources),
        "enabling_writes": written,
        "request_over_maximum": refused_over,
        "request_port_not_in_policy": refused_port,
        "request_by_security_reader": refused_reader,
        "refused_requests_change_rules": after_refusals != enabled,
        "minutes_to_open": opened_at - start,
        "allow_above_deny": allow.priority < deny.priority,
        "allow_rule_source": ", ".join(allow.sources),
        "other_address_allowed": other.allowed,
        "rules_after_end_as_before_request": {n: _names(jit, n) for n in jit.nsgs} == enabled,
        "session_open_after_end": session in jit.sessions_open(),
        "status_after_end": status.status.value,
        "status_reason_after_end": status.reason.value,
        "max_durations_accepted": accepted,
    }


@probe("Six people hold Owner, Contributor, Reader, Security Reader, the least-privileged JIT Access Role or no "
       "role on the subscription; each tries to view the JIT policy, to request RDP on web1 and to enable JIT on "
       "lin1.")
def jit_who_may(lab: Lab) -> dict[str, Any]:
    people = ("olga", "carl", "rita", "sam", "jake", "nora")
    sim = _world(lab, "jit-rbac", users=people)
    jit = sim.jit
    for who, role in zip(people, ROLES, strict=False):
        jit.assign_role(who, role, SUB)
    jit.enable(vm_id("web1"), path="defender")
    role_of = dict(zip(people, (*ROLES, "no role"), strict=True))
    can_request, can_view, can_configure = [], [], []
    for who in people:
        if jit.can_view(who, vm_id("web1")):
            can_view.append(role_of[who])
        try:
            jit.request(who, vm_id("web1"), [3389], source=ME, duration="PT30M")
            can_request.append(role_of[who])
        except JitRefusal:
            pass
        if not jit.missing_for_configure(who, vm_id("lin1")):
            can_configure.append(role_of[who])
    def request_only(role: str) -> bool:
        return role in can_request and role not in can_configure

    return {"roles_that_can_request": sorted(can_request), "roles_that_can_view": sorted(can_view),
            "roles_that_can_configure": sorted(can_configure),
            "jit_role_requests_without_configuring": request_only("JIT Access Role"),
            "contributor_requests_without_configuring": request_only("Contributor"),
            "security_reader_requests_without_configuring": request_only("Security Reader")}


@probe("A classic VM, a VM behind an Azure Firewall managed by Firewall Manager, a VM with no NSG or firewall, a "
       "Linux VM without a public IP and a VM in a Plan 1 subscription are listed; JIT is tried on each; the Plan 1 "
       "subscription then moves to Plan 2.")
def jit_unsupported(lab: Lab) -> dict[str, Any]:
    sim = _world(lab, "jit-support")
    jit = sim.jit
    jit.add_subscription("/subscriptions/dev", "Plan 1")
    jit.add_subnet("bare", "vnet1", "10.0.2.0/24")
    jit.add_firewall(AzureFirewall("fw-policy", "vnet1", "40.0.0.1", "10.0.0.4", firewall_manager=True))
    vms = {
        "Classic VM": VirtualMachine(vm_id("old1", classic=True), "sn1", "10.0.1.6", deployment=Deployment.CLASSIC,
                                     public_ip="20.0.0.6"),
        "Firewall Manager": VirtualMachine(vm_id("fw1"), "bare", "10.0.2.5", firewall="fw-policy"),
        "No NSG or firewall": VirtualMachine(vm_id("bare1"), "bare", "10.0.2.4", public_ip="20.0.0.7"),
        "Linux without a public IP": VirtualMachine(vm_id("lin2"), "sn1", "10.0.1.7", OsType.LINUX),
        "Plan 1 subscription": VirtualMachine("/subscriptions/dev/resourceGroups/dev-rg/providers/Microsoft.Compute/"
                                              "virtualMachines/dev1", "sn1", "10.0.1.8", public_ip="20.0.0.8"),
    }
    for vm in vms.values():
        jit.add_vm(vm)
    states = {k: jit.jit_state(v.id).status for k, v in vms.items()}
    reasons = {k: jit.jit_state(v.id).reason for k, v in vms.items()}
    enable = {k: _refusal_reason(lambda v=v: jit.enable(v.id)) for k, v in vms.items()}
    jit.set_plan("/subscriptions/dev", "Plan 2")
    dev = vms["Plan 1 subscription"].id
    return {
        "unsupported": sorted(k for k, s in states.items() if s == "Unsupported"),
        "supported": sorted(k for k, s in states.items() if s != "Unsupported"),
        "classic_reason": reasons["Classic VM"],
        "firewall_manager_reason": reasons["Firewall Manager"],
        "no_nsg_reason": reasons["No NSG or firewall"],
        "plan1_enable": enable["Plan 1 subscription"],
        "plan1_state": states["Plan 1 subscription"],
        "after_plan2_state": jit.jit_state(dev).status,
        "plan2_alone_configures": jit.jit_state(dev).status == "Configured",
    }


@probe("On vm-a JIT is enabled on RDP, then someone adds an allow rule for 3389 from any source at priority 200; "
       "vm-b already had such a rule at priority 400 when JIT was enabled. Internet connections are tried before, "
       "during and after; in a third run the team's rule is deleted after enabling JIT.")
def jit_user_rule(lab: Lab) -> dict[str, Any]:
    sim = _world(lab, "jit-bypass")
    jit = sim.jit
    jit.add_rule("nsg-lin1", SecurityRule("allow-ssh-any", 400, Access.ALLOW, ("*",), ("*",), ((22, 22),), "TCP"))
    jit.enable([vm_id("web1"), vm_id("lin1")], path="powershell", ports=[{"number": 3389}, {"number": 22}])
    before = jit.decide("198.51.100.9", vm_id("web1"), 3389)
    jit.add_rule("nsg-web1", SecurityRule("allow-rdp", 200, Access.ALLOW, ("*",), ("*",), ((3389, 3389),), "TCP"))
    during = jit.decide("198.51.100.9", vm_id("web1"), 3389)
    existing = jit.decide("198.51.100.9", vm_id("lin1"), 22)
    order = [r.name for r in jit.rules("nsg-lin1")]
    deny_at = next((i for i, n in enumerate(order) if n.startswith("MicrosoftDefenderForCloud-JITRule_")), None)
    result = []  # what enabling JIT over the team's rule left, read from the NSG and a connection attempt
    if deny_at is not None:
        result.append("deny written")
    if "allow-ssh-any" not in order:
        result.append("existing deleted")
    elif deny_at is not None and order.index("allow-ssh-any") < deny_at:
        result.append("existing above")
    if not existing.allowed:
        result.append("closed")
    jit.remove_rule("nsg-lin1", "allow-ssh-any")
    fixed = jit.decide("198.51.100.9", vm_id("lin1"), 22)
    return {
        "before_user_rule": "allowed" if before.allowed else "denied",
        "with_user_rule": "allowed" if during.allowed else "denied",
        "with_user_rule_decided_by": during.rule_created_by,
        "existing_rule_connection": "allowed" if existing.allowed else "denied",
        "existing_rule_above_jit_deny": order.index("allow-ssh-any") < next(
            i for i, n in enumerate(order) if n.startswith("MicrosoftDefenderForCloud-JITRule_")),
        "after_deleting_user_rule": "allowed" if fixed.allowed else "denied",
        "after_enabling_alone_closed": not existing.allowed,
        "after_deleting_closed": not fixed.allowed,
        "enabling_over_existing_rule": result,
        "vm_shows": jit.jit_state(vm_id("web1")).status,
    }


def _pim_jit(lab: Lab, label: str, approval: bool = True) -> Simulation:
    sim = _world(lab, label)
    if approval:
        sim.set_settings("Contributor", RG, require_approval=True, approvers=("bob",))
    sim.assign("alice", "Contributor", RG, kind="eligible", duration="P30D")
    sim.jit.enable(vm_id("web1"), path="defender")
    return sim


@probe("alice is eligible for Contributor on the resource group through PIM, with bob's approval required. She "
       "requests RDP through JIT before activating, while the activation waits for bob, after bob approves and "
       "after the activation ends; in another run a standing Contributor requests with no PIM at all.")
def jit_pim_contrast(lab: Lab) -> dict[str, Any]:
    sim = _pim_jit(lab, "jit-behind-pim")
    jit = sim.jit
    eligible = _refusal_reason(lambda: jit.request("alice", vm_id("web1"), [3389], source=ME))
    audit_before = len(sim.audit)
    req = sim.activate("alice", "Contributor", RG, duration="PT1H", justification="patch web1")
    pending = _refusal_reason(lambda: jit.request("alice", vm_id("web1"), [3389], source=ME))
    sim.advance("PT10M")
    sim.approve(req.id, by="bob")
    granted = _refusal_reason(lambda: jit.request("alice", vm_id("web1"), [3389], source=ME, duration="PT30M"))
    grant_seq = len(jit.activity)
    pim_records = sim.audit[audit_before:]
    sim.advance("PT2H")
    ended = _refusal_reason(lambda: jit.request("alice", vm_id("web1"), [3389], source=ME))
    plain = _world(lab, "jit-no-pim")
    plain.jit.assign_role("carol", "Contributor", SUB)
    plain.jit.enable(vm_id("web1"), path="powershell", ports=[{"number": 3389, "max_duration": "PT1H"}])
    t0 = plain.now
    plain.jit.request("carol", vm_id("web1"), [3389], source=ME)
    wait = next(s.minute for s in plain.jit.port_status) - t0
    jit_changes = sorted({f"{'NSG' if '/' not in c.target else 'firewall'} rule {c.op}" for c in plain.jit.rule_log
                          if c.minute >= t0})
    pim_changes = sorted({f"{s.origin.value} {s.role} assignment" for s in sim.schedules.values()
                          if s.request_id == req.id})
    policy = jit.requests[-1].policy
    request_entry = next(e for e in jit.activity[:grant_seq] if e.status == "Succeeded" and e.resource_id == policy
                         and e.correlation_id == jit.requests[-1].id)
    return {
        "pim_approval_gates_jit": (eligible, pending, granted) == ("no permission", "no permission", "accepted"),
        "shorter_maximum_needs_approval": wait > 0,
        "request_while_only_eligible": eligible,
        "request_while_activation_pending": pending,
        "request_after_approval": granted,
        "request_after_activation_ended": ended,
        "minutes_from_request_to_open_without_pim": wait,
        "jit_request_changes": ", ".join(jit_changes),
        "pim_activation_creates": ", ".join(pim_changes),
        "pim_activation_logged_in": sorted({p.place.value for p in _places(sim, pim_records)
                                            if p.place.value.startswith("PIM >")}),
        "jit_request_operation": request_entry.operation_name,
        "jit_request_logged_in": sorted({s.place.value for s in _jit_sightings(request_entry)}),
    }


def _places(sim: Simulation, records):
    from pim_sim.core.audit import sightings

    tier = sim.licence_at(sim.now).audit_tier
    return [s for r in records for s in sightings(r, tier)]


def _jit_sightings(entry):
    from pim_sim.features.jit_vm.records import sightings

    return sightings(entry)


@probe("alice (Contributor) requests RDP on web1 through JIT; what changed is read from the NSG rule stream, the "
       "role assignments and the Activity Log, and the Activity Log entry is looked for on days 1, 89, 90 and 91.")
def jit_activity_contrast(lab: Lab) -> dict[str, Any]:
    sim = _world(lab, "jit-activity", users=("alice", "rita", "nobody"))
    jit = sim.jit
    jit.assign_role("alice", "Contributor", SUB)
    jit.assign_role("rita", "Reader", SUB)
    jit.enable(vm_id("web1"), path="defender")
    rules_before, schedules_before, t0 = len(jit.rule_log), len(sim.schedules), sim.now
    jit.request("alice", vm_id("web1"), [3389], source=ME)
    rec = jit.requests[-1]
    opened = next(st.minute for st in jit.port_status if st.request == rec.id)
    did = []
    if any(c.op == "add" and isinstance(c.rule, SecurityRule) and c.rule.access is Access.ALLOW
           for c in jit.rule_log[rules_before:]):
        did.append("allow rule")
    if any(e.correlation_id == rec.id and e.status == "Succeeded" and e.resource_id == rec.policy
           for e in jit.activity):
        did.append("activity log")
    if len(sim.schedules) > schedules_before:
        did.append("role assignment")
    if opened > t0:
        did.append("waits")
    entry = next(e for e in jit.activity if e.correlation_id == rec.id and e.status == "Succeeded"
                 and e.resource_id == rec.policy)
    days = []
    for day in (1, 89, 90, 91):
        view = sim.results().where_visible(entry.minute + day * DAY - 1)
        rows = view[view["seq"] == f"jit-{entry.seq}"]
        if not rows.empty:
            days.append(day)
            people = set(", ".join(rows["people"]).split(", "))
    return {"activity_log_days": max(days), "initiate_entry_caller": entry.caller,
            "jit_request_operation": entry.operation_name, "what_a_request_does": did,
            "readers_of_request_entry": sorted(p for p in people if p)}


def _try_order(lab: Lab, order: tuple[str, ...]) -> bool:
    """Does this order of set-up steps end with alice connected over RDP?"""
    sim = _world(lab, "setup: " + " > ".join(order), plan="Plan 1")
    jit = sim.jit
    jit.assign_role("alice", "Contributor", SUB)
    steps = {"plan": lambda: jit.set_plan(SUB, "Plan 2"), "enable": lambda: jit.enable(vm_id("web1"), ports=[3389]),
             "request": lambda: jit.request("alice", vm_id("web1"), [3389], source=ME)}
    for step in order:
        try:
            steps[step]()
        except JitRefusal:
            return False
    return jit.connect(ME, vm_id("web1"), 3389).allowed


def _try_pim_order(lab: Lab, order: tuple[str, ...]) -> bool:
    sim = _pim_jit(lab, "pim + jit: " + " > ".join(order))
    jit = sim.jit
    found: dict[str, Any] = {}
    steps = {"activate": lambda: found.setdefault("req", sim.activate("alice", "Contributor", RG, duration="PT2H",
                                                                       justification="patch")),
             "approve": lambda: sim.approve(found["req"].id, by="bob"),
             "request": lambda: jit.request("alice", vm_id("web1"), [3389], source=ME),
             "connect": lambda: found.setdefault("conn", jit.connect(ME, vm_id("web1"), 3389))}
    for step in order:
        try:
            steps[step]()
        except (KeyError, ModelError, PimRefusal):  # a refused or impossible step (approve before activate) ends it
            return False
        sim.advance("PT5M")
    return bool(found.get("conn") and found["conn"].allowed)


@probe("The set-up steps (move the subscription to Defender for Servers Plan 2, enable JIT on web1, request access) "
       "are tried in all six orders, and PIM + JIT (activate Contributor, bob approves, request JIT access, connect "
       "over RDP) in all 24; only the orders that end with a working RDP connection are kept.")
def jit_sequences(lab: Lab) -> dict[str, Any]:
    setup = [list(o) for o in itertools.permutations(("plan", "enable", "request")) if _try_order(lab, o)]
    pim = [list(o) for o in itertools.permutations(("activate", "approve", "request", "connect")) if _try_pim_order(lab, o)]
    return {"setup_order": setup[0] if len(setup) == 1 else setup,
            "pim_jit_order": pim[0] if len(pim) == 1 else pim}


@probe("Woodgrove Bank's subscription (quizzes/cases/woodgrove-jit.yaml) runs for a day: JIT on app01, a team rule "
       "on sql01, a classic jump box and a VM behind a Firewall Manager policy; ops requests RDP, a Security Reader "
       "and a PIM-eligible engineer try too.")
def woodgrove_jit_case(lab: Lab) -> dict[str, Any]:
    scenario = load_scenario(_CASES / "woodgrove-jit.yaml")
    sim = scenario.simulation()
    lab.runs.append(("woodgrove-jit", sim))
    sim.run(scenario.horizon)
    jit = sim.jit
    name = {v: jit.vm(v).name for v in jit.vms}
    by_state: dict[str, list[str]] = {}
    for v in jit.vms:
        by_state.setdefault(jit.jit_state(v).status, []).append(name[v])
    refused = {f.principal: f.reason for f in jit.refusals if f.action == "request"}
    granted = sorted({r.requestor for r in jit.requests})
    exposure = sim.results().jit_metrics()
    sql = next(v for v in jit.vms if name[v] == "sql01")
    return {
        "unsupported_vms": sorted(by_state.get("Unsupported", [])),
        "configured_vms": sorted(by_state.get("Configured", [])),
        "jump01_reason": jit.jit_state(next(v for v in jit.vms if name[v] == "jump01")).reason,
        "web02_reason": jit.jit_state(next(v for v in jit.vms if name[v] == "web02")).reason,
        "granted_requesters": granted,
        "auditor_refusal": refused.get("audra", "none"),
        "engineer_refusal": refused.get("eli", "none"),
        "sql01_exposed_without_request": jit.exposure_state(sql, 3389) == "standing",
        "standing_exposure_hours": round(exposure["jit_standing_exposure_minutes"] / 60, 1),
    }
