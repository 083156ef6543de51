"""The posture commands: pim-sim baseline, import-policy, export-graph and exercise."""

import json
from pathlib import Path

from typer.testing import CliRunner

from pim_sim.cli import app

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "graph"
ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_baseline_of_a_scubagear_export_as_json():
    res = invoke("baseline", FIX / "ProviderSettingsExport.json", "--format", "json")
    assert res.exit_code == 0, res.output
    doc = json.loads(res.output)
    assert doc["source"] == "ScubaGear provider export"
    assert [c["result"] for c in doc["scuba"]] == ["Pass", "Fail", "Fail", "Fail", "Fail", "Fail", "Fail", "Pass",
                                                   "Warning"]


def test_baseline_exclusions_from_the_command_line():
    res = invoke("baseline", FIX / "ProviderSettingsExport.json", "--format", "json",
                 "--exclude", "b1f0c2d3-0001-4000-8000-000000000001")
    r74 = json.loads(res.output)["scuba"][3]
    assert r74["control"] == "MS.AAD.7.4v1" and r74["offenders"] == ["Exchange Administrator"]


def test_baseline_of_a_graph_export_as_a_table_and_a_clear_error_for_a_bad_one():
    res = invoke("baseline", FIX / "ga_exchange_v1.json")
    assert res.exit_code == 0 and "MS.AAD.7.6v1" in res.output and "Not checked" in res.output
    res = invoke("baseline", FIX / "malformed" / "06_unknown_enablement.json")
    assert res.exit_code == 1 and "Enablement_EndUser_Assignment: enabledRules: 'Fingerprint'" in res.output


def test_baseline_of_a_scenario_file(tmp_path):
    path = tmp_path / "tenant.yaml"
    path.write_text("name: two-gas\nhorizon: P1D\ntenant: {users: [a, b]}\nassignments:\n"
                    "  - {principal: a, role: Global Administrator, kind: active}\n"
                    "  - {principal: b, role: Global Administrator, kind: eligible, duration: P30D}\n")
    doc = json.loads(invoke("baseline", path, "--format", "json", "--exclude", "a").output)
    results = {c["control"]: c["result"] for c in doc["scuba"]}
    assert results["MS.AAD.7.1v1"] == "Pass" and results["MS.AAD.7.4v1"] == "Pass"
    assert results["MS.AAD.7.6v1"] == "Fail"


def test_import_policy_prints_settings_and_notes():
    res = invoke("import-policy", FIX / "ga_exchange_v1.json", "--format", "json")
    doc = json.loads(res.output)
    assert [p["role"] for p in doc["policies"]] == ["Global Administrator", "Exchange Administrator"]
    assert doc["policies"][0]["settings"]["activation max (h)"] == 1
    assert len(doc["notes"]) == 13
    table = invoke("import-policy", FIX / "owner_arm.json", "--role", "Owner")
    assert table.exit_code == 0 and "Owner at /subscriptions/prod (azure)" in table.output


def test_export_graph_runs_a_scenario(tmp_path):
    res = invoke("export-graph", ROOT / "exercises" / "ga-wide-open.yaml")
    assert res.exit_code == 1  # an exercise is not a scenario file
    path = tmp_path / "s.yaml"
    path.write_text("name: s\nhorizon: PT1H\ntenant: {users: [a]}\nassignments:\n"
                    "  - {principal: a, role: Global Administrator, kind: eligible, duration: P30D}\n")
    doc = json.loads(invoke("export-graph", path).output)
    assert len(doc["value"]) >= 16
    reqs = json.loads(invoke("export-graph", path, "--what", "requests").output)
    assert reqs["roleEligibilityScheduleRequests"][0]["status"] == "Provisioned"


def test_exercise_list_show_and_grade(tmp_path):
    assert "ga-wide-open" in invoke("exercise").output
    assert "secops@contoso.com" in invoke("exercise", "ga-wide-open").output
    fix = tmp_path / "fix.yaml"
    fix.write_text("settings:\n  Global Administrator: {activation_max: PT1H, require_approval: true, "
                   "approvers: [mariam, olu]}\n")
    doc = json.loads(invoke("exercise", "ga-wide-open", "--fix", fix, "--format", "json").output)
    assert (doc["score"], doc["max_score"]) == (4, 7)
    assert "7 / 7" in invoke("exercise", "ga-wide-open", "--solution").output
    fix.write_text("settings:\n  Global Administrator: {activation_max: PT99H}\n")
    res = invoke("exercise", "ga-wide-open", "--fix", fix)
    assert res.exit_code == 1 and "fix.settings.Global Administrator" in res.output
    fix.write_text("settings: [unclosed\n")
    res = invoke("exercise", "ga-wide-open", "--fix", fix)
    assert res.exit_code == 1 and "not valid YAML" in res.output
    fix.write_text("settings: " + "[" * 20000 + "]" * 20000 + "\n")  # nested past Python's recursion limit
    res = invoke("exercise", "ga-wide-open", "--fix", fix)
    assert res.exit_code == 1 and "nested more than 40 levels deep" in res.output


def test_baseline_compared_with_scubagears_own_results():
    res = invoke("baseline", FIX / "ProviderSettingsExport.json", "--compare", FIX / "TestResults.json",
                 "--format", "json")
    doc = json.loads(res.output)
    assert [c["control"] for c in doc["comparison"]] == [f"MS.AAD.7.{i}v1" for i in range(1, 10)]
    assert all(c["same"] for c in doc["comparison"])
    assert all(c["our_details"] == c["their_details"] for c in doc["comparison"])  # ScubaGear's exact strings
    table = invoke("baseline", FIX / "ProviderSettingsExport.json", "--compare", FIX / "TestResults.json")
    assert "9 of 9 agree" in table.output
    bad = invoke("baseline", FIX / "ProviderSettingsExport.json", "--compare", FIX / "ga_exchange_v1.json")
    assert bad.exit_code == 1 and "not a ScubaGear" in bad.output


def test_import_requests_prints_a_timeline():
    import yaml

    res = invoke("import-requests", FIX / "requests.json")
    assert res.exit_code == 0, res.output
    steps = yaml.safe_load(res.output)["timeline"]
    assert [s["do"] for s in steps] == ["activate", "remove", "assign"]  # sorted by time; no start means minute 0
    assert steps[2]["at"] == "PT9H"
    late = invoke("import-requests", FIX / "requests.json", "--start", "2026-02-01T00:00:00Z")
    assert late.exit_code == 1 and "before the scenario's start" in late.output
