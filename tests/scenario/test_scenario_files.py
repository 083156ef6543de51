"""The shipped classroom scenarios: each teaches a lesson whose observations hold when it runs,
and whose key outcomes match its golden file (tests/golden/NAME.json).

Regenerate the golden files after an intended change of behaviour with
``PIM_SIM_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_scenario_files.py``.
"""

import json
import math
import os
from pathlib import Path

import pytest

from pim_sim import default_scenario, list_scenarios, load_scenario

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
SHIPPED = list_scenarios()
LESSONS = {"jit-basics", "approval-expiry", "approver-holiday", "standing-vs-jit", "review-no-response",
           "outside-pim-alert", "azure-settings-not-inherited", "licence-lapse", "extend-and-renew"}


def key_outcomes(results) -> dict:
    """What a golden file pins: the metrics and how many times each audit activity happened."""
    metrics = {k: (None if math.isnan(v) else round(v, 6)) for k, v in results.metrics().items()}
    activities = results.audit["activity"].value_counts().sort_index()
    refusals = sorted(results.refusals["code"].tolist())
    return {"metrics": metrics, "activities": {k: int(v) for k, v in activities.items()}, "refusals": refusals}


def test_at_least_eight_lessons_ship_each_with_what_to_observe():
    names = {info.name for info in SHIPPED}
    assert names >= LESSONS
    for info in SHIPPED:
        scenario = load_scenario(info.path)
        assert info.path.stem == info.name
        assert len(info.lesson) > 200 and info.title
        assert len(scenario.spec.observe) >= 3


def test_the_default_scenario_is_a_shipped_one():
    assert default_scenario().name == "jit-basics"
    assert default_scenario().spec == load_scenario(next(i.path for i in SHIPPED if i.name == "jit-basics")).spec


@pytest.mark.parametrize("info", SHIPPED, ids=lambda i: i.name)
def test_every_observation_of_the_lesson_holds(info):
    scenario = load_scenario(info.path)
    failed = [o for o in scenario.observe(scenario.run()) if not o.passed]
    assert failed == []


@pytest.mark.parametrize("info", SHIPPED, ids=lambda i: i.name)
def test_key_outcomes_match_the_golden_file(info):
    scenario = load_scenario(info.path)
    outcomes = key_outcomes(scenario.run())
    golden = GOLDEN / f"{info.name}.json"
    if os.environ.get("PIM_SIM_UPDATE_GOLDEN"):
        golden.write_text(json.dumps(outcomes, indent=1, sort_keys=True) + "\n")
    assert outcomes == json.loads(golden.read_text())


def test_an_observation_fails_when_the_behaviour_it_checks_is_absent():
    scenario = load_scenario(next(i.path for i in SHIPPED if i.name == "approval-expiry"))
    no_approval = scenario.with_value("settings[0].require_approval", False)
    results = no_approval.observe(no_approval.run())
    assert [o.passed for o in results][:3] == [False, False, False]
