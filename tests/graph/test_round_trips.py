"""Round trips: a Graph policy export read and written back, and exported requests read back as a timeline that,
run again, exports the same timeline. Requests carry ticketInfo, targetScheduleId and startDateTime as Graph
writes them."""

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from pim_sim import SettingsBook, Simulation, Tenant
from pim_sim.cli import app
from pim_sim.core.policy import default_settings
from pim_sim.core.roles import Surface
from pim_sim.graph.reader import read_policies, timeline_from_requests
from pim_sim.graph.vocabulary import RULE_IDS
from pim_sim.graph.writer import policy_assignments, requests_to_graph
from pim_sim.scenario.model import Scenario

FIX = Path(__file__).parents[1] / "fixtures" / "graph"
# Microsoft's example: GET roleManagementPolicyAssignments ... $expand=policy($expand=rules), Global Administrator
# (https://learn.microsoft.com/en-us/graph/api/policyroot-list-rolemanagementpolicyassignments, Example 2).
LEARN_POLICY = json.loads((FIX / "learn_policy_assignment_ga.json").read_text())


def normalised(doc):
    """The documented normalisation of a policy export: object ids are the model's own (a deterministic GUID per
    tenant, policy and role), and ``target.operations`` is written ``["All"]`` as real tenants show it (Microsoft's
    example writes ``"all"``)."""
    out = json.loads(json.dumps(doc))
    for item in out["value"]:
        for holder in (item, item["policy"]):
            holder["id"] = "(id)"
        item["policyId"] = "(id)"
        for rule in item["policy"]["rules"]:
            rule["target"]["operations"] = [op.casefold() for op in rule["target"]["operations"]]
    return json.dumps(out, indent=1)  # a string: key order counts


def test_graph_rule_order_is_microsofts():
    assert [r["id"] for r in LEARN_POLICY["value"][0]["policy"]["rules"]] == list(RULE_IDS)
    assert [r["id"] for r in policy_assignments(SettingsBook())["value"][0]["policy"]["rules"]] == list(RULE_IDS)


def test_microsofts_policy_export_comes_back_the_same():
    imported = read_policies(LEARN_POLICY)
    assert imported.notes == ()
    again = policy_assignments(imported.settings, roles=("Global Administrator",))
    assert normalised(again) == normalised(LEARN_POLICY)


hours = st.integers(min_value=60, max_value=24 * 60).map(float)
days = st.integers(min_value=1, max_value=400).map(lambda d: d * 1440.0)


@st.composite
def settings_books(draw):
    book = SettingsBook()
    for role in draw(st.lists(st.sampled_from(["Global Administrator", "Groups Administrator", "User Administrator",
                                               "Attribute Definition Administrator"]), unique=True, max_size=3)):
        context = draw(st.sampled_from([None, "c1"]))
        changed = default_settings(Surface.ENTRA).with_changes(activation_max=draw(hours), auth_context=context,
                                 require_mfa=context is None and draw(st.booleans()),
                                 require_ticket=draw(st.booleans()), require_approval=draw(st.booleans()),
                                 approvers=tuple(draw(st.lists(st.sampled_from(["ann", "ben"]), unique=True))),
                                 eligible_permanent_allowed=draw(st.booleans()), eligible_max=draw(days))
        book = book.with_setting(role, "/", Surface.ENTRA, changed)
    return book


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(settings_books())
def test_policy_export_import_export_is_the_same_json(book):
    roles = ("Global Administrator", "Groups Administrator", "User Administrator", "Attribute Definition Administrator")
    first = json.dumps(policy_assignments(book, roles=roles))
    again = json.dumps(policy_assignments(read_policies(json.loads(first)).settings, roles=roles))
    assert again == first


# ------------------------------------------------------------------------------- requests
def test_requests_export_ticket_system_target_schedule_and_start_as_graph_does():
    sim = Simulation(Tenant.build(users=["admin", "alice", "bob"]), seed=1, lag=False)
    sim.assign("alice", "Groups Administrator", justification="set-up")
    sim.set_settings("Groups Administrator", require_approval=True, approvers=("bob",))
    pending = sim.activate("alice", "Groups Administrator", duration="PT1H", justification="j", ticket="CHG-7",
                           ticket_system="ServiceNow")
    sim.assign("bob", "Attribute Definition Administrator", kind="active", duration="P1D", start="PT2H",
               justification="project")
    sim.advance("PT3H")
    doc = requests_to_graph(sim)
    body = next(r for r in doc["roleAssignmentScheduleRequests"] if r["id"] == pending.id)
    assert body["status"] == "PendingApproval"
    assert body["ticketInfo"] == {"ticketNumber": "CHG-7", "ticketSystem": "ServiceNow"}
    # Not provisioned yet: it names the schedule it will create, which Graph gives the request's own id.
    assert body["targetScheduleId"] == pending.id != sim.requests[pending.id].target_schedule
    assert body["scheduleInfo"]["startDateTime"] is None  # made without a start time
    later = next(r for r in doc["roleAssignmentScheduleRequests"] if r["principalId"] == "bob")
    assert later["status"] == "Provisioned" and later["scheduleInfo"]["startDateTime"] == "2026-01-05T02:00:00Z"
    assert later["targetScheduleId"] in sim.schedules  # the schedule it created
    eligible = doc["roleEligibilityScheduleRequests"][0]
    assert eligible["scheduleInfo"]["startDateTime"] is None and eligible["targetScheduleId"] in sim.schedules


def test_microsofts_request_examples_keep_ticket_system_and_start():
    (assign, activate) = timeline_from_requests(FIX / "learn_request_examples.json",
                                                start=__import__("datetime").datetime.fromisoformat("2022-04-11T00:00Z"))
    assert activate["ticket"] == "CONTOSO:Normal-67890" and activate["ticket_system"] == "MS Project"
    assert activate["at"] == "P3D" and assign["at"].startswith("PT11H50M")


USERS = ["admin", "alice", "bob", "carol"]
ROLES = ["Global Administrator", "Groups Administrator", "Attribute Definition Administrator"]


@st.composite
def request_scenarios(draw):
    assignments = [{"principal": u, "role": r, "kind": draw(st.sampled_from(["eligible", "active"])),
                    **({"duration": draw(st.sampled_from(["P1D", "P3D"]))} if draw(st.booleans()) else {})}
                   for u in ("alice", "bob", "carol") for r in ROLES if draw(st.booleans())]
    timeline = []
    for _ in range(draw(st.integers(0, 6))):
        who, role = draw(st.sampled_from(["alice", "bob", "carol"])), draw(st.sampled_from(ROLES))
        at = f"PT{draw(st.integers(1, 40))}H"
        if draw(st.integers(0, 3)):
            step = {"at": at, "do": "activate", "principal": who, "role": role, "justification": "work",
                    "duration": draw(st.sampled_from(["PT1H", "PT2H"]))}
            if draw(st.booleans()):
                step |= {"ticket": f"CHG-{draw(st.integers(1, 99))}", "ticket_system": draw(st.sampled_from(
                    ["ServiceNow", "MS Project", "Jira"]))}
        else:
            step = {"at": at, "do": "deactivate", "principal": who, "role": role}
        timeline.append(step)
    approval = draw(st.booleans())
    data = {"name": "round-trip", "horizon": "P3D", "tenant": {"users": USERS},
            "settings": [{"role": "Groups Administrator", "require_approval": approval,
                          **({"approvers": ["admin"]} if approval else {})}],
            "assignments": assignments, "timeline": sorted(timeline, key=lambda s: int(s["at"][2:-1]))}
    return data


def _timeline(data):
    s = Scenario.from_dict(data)
    sim = s.simulation()
    sim.run(s.horizon)
    return timeline_from_requests(json.loads(json.dumps(requests_to_graph(sim))), start=s.spec.start)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(request_scenarios())
def test_exported_requests_read_back_and_run_again_give_the_same_timeline(data):
    first = _timeline(data)
    replay = {k: v for k, v in data.items() if k not in ("assignments", "timeline")} | {"timeline": first}
    assert _timeline(replay) == first


def test_export_graph_then_import_requests_on_the_command_line(tmp_path):
    data = {"name": "cli-round-trip", "horizon": "P2D", "tenant": {"users": USERS},
            "assignments": [{"principal": "alice", "role": "Groups Administrator"}],
            "timeline": [{"at": "PT9H", "do": "activate", "principal": "alice", "role": "Groups Administrator",
                          "duration": "PT2H", "justification": "j", "ticket": "INC-1", "ticket_system": "ServiceNow"}]}
    scenario = tmp_path / "s.yaml"
    scenario.write_text(json.dumps(data))
    runner = CliRunner()
    exported = runner.invoke(app, ["export-graph", str(scenario), "--what", "requests"])
    assert exported.exit_code == 0, exported.output
    (tmp_path / "requests.json").write_text(exported.output)
    back = runner.invoke(app, ["import-requests", str(tmp_path / "requests.json")])
    assert back.exit_code == 0, back.output
    import yaml

    steps = yaml.safe_load(back.output)["timeline"]
    assert steps == _timeline(data)
    assert steps[-1] | {} == {"at": "PT9H", "do": "activate", "principal": "alice", "role": "Groups Administrator",
                              "scope": "/", "duration": "PT2H", "justification": "j", "ticket": "INC-1",
                              "ticket_system": "ServiceNow"}
