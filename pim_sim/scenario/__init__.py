"""Scenarios: what should happen in a run. A YAML reader with line marks, the validated spec,
presets, the stochastic workload, the timeline of steps and the observations a lesson checks.

``from pim_sim.scenario import Scenario, load_scenario`` is the usual entry point."""

from pim_sim.scenario.model import (
    DEFAULT_SCENARIO,
    SCENARIO_DIR,
    Scenario,
    ScenarioError,
    ScenarioInfo,
    default_scenario,
    list_scenarios,
    load_scenario,
)

__all__ = ["DEFAULT_SCENARIO", "SCENARIO_DIR", "Scenario", "ScenarioError", "ScenarioInfo", "default_scenario",
           "list_scenarios", "load_scenario"]
