"""``settings_from:`` in a scenario file: role settings imported from a Graph policy export."""

import shutil
from pathlib import Path

import pytest

from pim_sim.scenario.model import Scenario, ScenarioError, load_scenario

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "graph"
NAMES = {"0d2a1b90-1f2c-4f55-9d0e-6bd8c1f0b1aa": "mariam", "5c6e8a3f-93a4-4a0e-8f3e-1c2b7d9e0f11": "tier0"}


def scenario(tmp_path, settings_from: str, extra: str = "") -> Path:
    shutil.copy(FIX / "ga_exchange_v1.json", tmp_path / "policy.json")
    path = tmp_path / "imported.yaml"
    path.write_text(f"""name: imported
horizon: PT12H
tenant:
  users: [alice, mariam]
  groups: [{{name: tier0, members: [mariam]}}]
settings_from: {settings_from}
assignments:
  - {{principal: alice, role: Global Administrator, kind: eligible, duration: P30D}}
timeline:
  - {{at: PT1H, do: activate, principal: alice, role: Global Administrator, duration: PT1H, justification: patch,
     ticket: CHG-7}}
  - {{at: PT2H, do: activate, principal: alice, role: Exchange Administrator, duration: PT1H, justification: x}}
{extra}""")
    return path


def test_settings_from_a_graph_export_drive_the_run(tmp_path):
    names = "{" + ", ".join(f"'{k}': {v}" for k, v in NAMES.items()) + "}"
    s = load_scenario(scenario(tmp_path, f"{{file: policy.json, names: {names}}}"))
    ga = s.settings.lookup("Global Administrator", "/", s.tenant.scope("/").surface)
    assert ga.activation_max == 60 and ga.require_approval and ga.approvers == ("mariam", "tier0")
    results = s.run()
    req = results.requests
    statuses = list(req[(req["role"] == "Global Administrator") & (req["action"] == "selfActivate")]["status"])
    assert statuses == ["PendingApproval"]  # approval comes from the export


def test_settings_entries_apply_on_top_of_the_import(tmp_path):
    names = "{" + ", ".join(f"'{k}': {v}" for k, v in NAMES.items()) + "}"
    extra = "settings:\n  - {role: Global Administrator, require_approval: false}\n"
    s = load_scenario(scenario(tmp_path, f"{{file: policy.json, names: {names}}}", extra))
    ga = s.settings.lookup("Global Administrator", "/", s.tenant.scope("/").surface)
    assert not ga.require_approval and ga.activation_max == 60 and ga.require_ticket


def test_unmapped_approver_ids_are_reported(tmp_path):
    with pytest.raises(ScenarioError) as e:
        load_scenario(scenario(tmp_path, "policy.json"))
    text = str(e.value)
    assert "settings_from" in text and "0d2a1b90-1f2c-4f55-9d0e-6bd8c1f0b1aa" in text and "settings_from.names" in text


@pytest.mark.parametrize("value, problem", [("../policy.json", "no '..'"), ("missing.json", "can't use missing.json"),
                                            ("policy.yaml", "settings_from"), ("/tmp/policy.json", "settings_from.file"),
                                            ("sub/policy.json", "no folders")])
def test_bad_settings_from_paths(tmp_path, value, problem):
    with pytest.raises(ScenarioError, match=problem.replace("(", r"\(").replace(".", r"\.")):
        load_scenario(scenario(tmp_path, value))


def test_an_uploaded_scenario_never_reads_server_files(tmp_path, monkeypatch):
    shutil.copy(FIX / "ga_exchange_v1.json", tmp_path / "policy.json")
    monkeypatch.chdir(tmp_path)  # the file sits in the server's working directory
    text = scenario(tmp_path, "policy.json").read_text()
    with pytest.raises(ScenarioError, match="uploaded or pasted scenario can't read other files"):
        Scenario.from_yaml(text)


def test_a_malformed_export_names_the_rule(tmp_path):
    path = scenario(tmp_path, "policy.json")
    shutil.copy(FIX / "malformed" / "06_unknown_enablement.json", tmp_path / "policy.json")
    with pytest.raises(ScenarioError, match="Enablement_EndUser_Assignment: enabledRules"):
        load_scenario(path)
