"""Scenario files with a ``jit:`` section: the four JIT lessons (their observations and golden outcomes), located
errors, the JSON Schema, the work budget and confidence intervals over replications.

Regenerate the JIT golden files (tests/golden/jit/NAME.json) after an intended change of behaviour with
``PIM_SIM_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/scenario/test_jit_scenarios.py``.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import pytest

from pim_sim import load_scenario
from pim_sim.runner import replicate
from pim_sim.scenario.budget import JIT_REQUEST_UNITS, BudgetError
from pim_sim.scenario.model import SCENARIO_DIR, Scenario
from pim_sim.scenario.reader import ScenarioError
from pim_sim.scenario.spec import json_schema

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "jit"
LESSONS = ("jit-standing-rdp-vs-jit", "jit-user-rule-bypass", "jit-behind-pim-approval", "jit-unsupported-vm")
SUB = "/subscriptions/prod"
VM = f"{SUB}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/web1"


def jit_outcomes(results) -> dict:
    """What a JIT golden file pins: the JIT metrics, refusals by action and reason, Activity Log operations with
    their status, and each VM's final JIT state."""
    jit = results.sim.jit
    metrics = {k: round(v, 6) for k, v in results.jit_metrics().items()}
    refusals: dict[str, int] = {}
    for f in jit.refusals:
        refusals[f"{f.action}: {f.reason}"] = refusals.get(f"{f.action}: {f.reason}", 0) + 1
    ops: dict[str, int] = {}
    for e in jit.activity:
        ops[f"{e.operation_name} ({e.status})"] = ops.get(f"{e.operation_name} ({e.status})", 0) + 1
    states = {v.rsplit("/", 1)[-1]: f"{jit.jit_state(v).status} {jit.jit_state(v).reason}".strip() for v in jit.vms}
    return {"metrics": metrics, "refusals": refusals, "activity": ops, "states": states}


@pytest.mark.parametrize("name", LESSONS)
def test_each_jit_lesson_ships_with_observations_that_hold(name):
    scenario = load_scenario(SCENARIO_DIR / f"{name}.yaml")
    assert scenario.spec.jit is not None and len(scenario.spec.observe) >= 3
    failed = [o for o in scenario.observe(scenario.run()) if not o.passed]
    assert not failed, failed


@pytest.mark.parametrize("name", LESSONS)
def test_jit_outcomes_match_the_golden_file(name):
    outcomes = jit_outcomes(load_scenario(SCENARIO_DIR / f"{name}.yaml").run())
    golden = GOLDEN / f"{name}.json"
    if os.environ.get("PIM_SIM_UPDATE_GOLDEN"):
        golden.write_text(json.dumps(outcomes, indent=1, sort_keys=True) + "\n")
    assert outcomes == json.loads(golden.read_text())


def test_the_bypass_lesson_fails_without_the_user_rule():
    scenario = load_scenario(SCENARIO_DIR / "jit-user-rule-bypass.yaml")
    data = scenario.to_dict()
    data["jit"]["timeline"] = [s for s in data["jit"]["timeline"] if s["action"] not in ("add_rule", "remove_rule")]
    data["jit"]["nsgs"][1]["rules"] = []
    changed = Scenario.from_dict(data)
    passed = [o.passed for o in changed.observe(changed.run())]
    assert passed[:3] == [False, False, False]


def test_the_pim_lesson_fails_when_contributor_needs_no_approval():
    scenario = load_scenario(SCENARIO_DIR / "jit-behind-pim-approval.yaml")
    no_approval = scenario.with_value("settings[0].require_approval", False)
    results = no_approval.run()
    assert results.jit_metrics()["jit_refusals"] < 3  # the request while "pending" now works


def _jit_file(vm_extra: str = "", step: str = "") -> str:
    return f"""name: t
horizon: P1D
jit:
  subscriptions: [{{id: {SUB}}}]
  vnets: [{{id: vnet1}}]
  subnets: [{{id: sn1, vnet: vnet1, prefix: 10.0.1.0/24, nsg: nsg1}}]
  nsgs: [{{id: nsg1}}]
  vms:
    - {{id: {VM}, subnet: sn1, private_ip: 10.0.1.4{vm_extra}}}
  policies: [{{vms: [web1]}}]
  timeline:
    - {{at: PT1H, action: request, principal: admin, vm: web1, ports: [3389]{step}}}
"""


def test_a_valid_jit_file_loads():
    assert Scenario.from_yaml(_jit_file()).spec.jit.vms[0].private_ip == "10.0.1.4"


@pytest.mark.parametrize(("text", "where", "words"), [
    (_jit_file().replace("subnet: sn1, private_ip", "subnet: nowhere, private_ip"), "jit.vms", "not a subnet"),
    (_jit_file(", os: Solaris"), "jit.vms[0].os", "Windows"),
    (_jit_file(step=", duration: forever"), "jit.timeline[0]", "forever"),
    (_jit_file().replace("action: request", "action: reboot"), "jit.timeline[0].action", "enable"),
    (_jit_file().replace(", principal: admin", ""), "jit.timeline[0]", "principal"),
    (_jit_file().replace("vm: web1", "vm: web9"), "jit.timeline[0]", "'web9' is not a VM here"),
])
def test_jit_problems_are_located_errors(text, where, words):
    with pytest.raises(ScenarioError) as e:
        Scenario.from_yaml(text, "lab.yaml")
    message = str(e.value)
    assert message.startswith("lab.yaml, line ") and where in message and words in message, message


def test_the_published_schema_describes_the_jit_section():
    schema = json_schema()
    assert "jit" in schema["properties"]
    assert "JitSection" in schema["$defs"] and "AssignmentSpec" in schema["$defs"]  # PIM's keep their names
    published = json.loads((SCENARIO_DIR / "scenario.schema.json").read_text())
    assert published == schema


def test_the_work_budget_counts_jit_requests():
    base = Scenario.from_yaml(_jit_file())
    data = base.to_dict()
    data["jit"]["workload"] = {"users": ["u1", "u2"], "rate_per_day": 5.0, "until": "P1D"}
    busy = Scenario.from_dict(data)
    assert busy.work.jit - base.work.jit == pytest.approx(2 * 5.0 * 1 * JIT_REQUEST_UNITS)
    assert "just-in-time VM access" in busy.work.describe()
    data["jit"]["workload"] = {"users": [f"u{i}" for i in range(200)], "rate_per_day": 100.0, "until": "P30D"}
    data["horizon"] = "P30D"
    with pytest.raises(ScenarioError) as e:
        Scenario.from_dict(data, budget=100_000)
    assert "budget" in str(e.value) or isinstance(e.value, BudgetError)


def test_replications_give_jit_metrics_with_confidence_intervals():
    scenario = load_scenario(SCENARIO_DIR / "jit-standing-rdp-vs-jit.yaml")
    reps = replicate(scenario, 4)
    summary = reps.summary().set_index("metric")
    standing = summary.loc["jit_standing_exposure_minutes"]
    assert standing["mean"] == 10080 and standing["sd"] == 0  # the same in every replication
    jit = summary.loc["jit_exposure_minutes"]
    values = reps.metrics["jit_exposure_minutes"]
    assert values.nunique() > 1  # the workload differs between replications
    assert jit["ci_low"] < jit["mean"] < jit["ci_high"] and not math.isnan(jit["sd"])
    assert jit["ci_high"] < standing["mean"]
