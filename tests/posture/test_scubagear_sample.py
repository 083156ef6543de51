"""ScubaGear's real sample export (ScubaGear 1.8.0, report fa5589b7-d528-4f80-8e7d-5c20eda7b6d8) through the Python
API, `pim-sim baseline`, `pim-sim import-policy` and the Posture page, compared with ScubaGear's published results.

The export is read from ../shared/data/scubagear/ (real data no one here wrote; never copied into the project). The
published results are the MS.AAD.7 ``OriginalDetails`` of ScubaGear's own report on the same tenant:
cisagov/ScubaGear, PowerShell/ScubaGear/Sample-Reports/ScubaResults_fa5589b7-d528-4f80.json.
"""

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from pim_sim.cli import app
from pim_sim.graph.reader import read_policies
from pim_sim.posture import baseline

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT.parent / "shared" / "data" / "scubagear" / "scubagear-sample-provider-export-pim.json"
pytestmark = pytest.mark.skipif(not SAMPLE.is_file(), reason="ScubaGear's sample export is not beside the project")

PUBLISHED = {  # control: (Result, OriginalDetails) as ScubaGear 1.8.0 reported them
    "MS.AAD.7.1v1": ("Pass", "2 global admin(s) found:<br/>Jane Doe, John Public"),
    "MS.AAD.7.2v1": ("Fail", "Requirement not met: Least Privilege Score = 2 (should be 1 or less)\nCalculated by 2 "
                             "global admins / 1 privileged users without global admin role"),
    "MS.AAD.7.3v1": ("Pass", "0 admin(s) that are not cloud-only found"),
    "MS.AAD.7.4v1": ("Fail", "6 role(s) that contain users with permanent active assignment:<br/>Application "
                             "Administrator, Cloud Application Administrator, Exchange Administrator, Global "
                             "Administrator, SharePoint Administrator, User Administrator"),
    "MS.AAD.7.5v1": ("Fail", "3 role(s) assigned to users outside of PIM:<br/>Global Administrator, SharePoint "
                             "Administrator, User Administrator"),
    "MS.AAD.7.6v1": ("Fail", "1 role(s) or group(s) allowing activation without approval found:<br/>Global "
                             "Administrator(Directory Role)"),
    "MS.AAD.7.7v1": ("Fail", "6 role(s) or group(s) without notification e-mail configured for role assignments "
                             "found:<br/>Cloud Application Administrator(Directory Role), Exchange Administrator"
                             "(Directory Role), Global Administrator(Directory Role), Hybrid Identity Administrator"
                             "(Directory Role), Privileged Role Administrator(Directory Role), SharePoint "
                             "Administrator(Directory Role)"),
    "MS.AAD.7.8v1": ("Pass", "0 role(s) or group(s) without notification e-mail configured for Global Administrator "
                             "activations found"),
    "MS.AAD.7.9v1": ("Warning", "5 role(s) or group(s) without notification e-mail configured for role activations "
                                "found:<br/>Cloud Application Administrator(Directory Role), Exchange Administrator"
                                "(Directory Role), Hybrid Identity Administrator(Directory Role), Privileged Role "
                                "Administrator(Directory Role), SharePoint Administrator(Directory Role)"),
}


def _plain(details: str) -> str:
    return details.replace(":<br/>", ": ").replace("<br/>", " ").replace("\n", " ")


def test_the_readme_and_the_published_report_agree():
    readme = (SAMPLE.parent / "README.md").read_text()
    for control, (result, _) in PUBLISHED.items():
        assert f"{control.removeprefix('MS.AAD.').removesuffix('v1')} {result}" in readme


@pytest.mark.parametrize("read", [
    lambda: baseline.posture_from_file(SAMPLE),
    lambda: baseline.posture_from_scubagear(json.loads(SAMPLE.read_text())),  # its scuba_config has no Aad part
    lambda: baseline.posture_from_scubagear(SAMPLE.read_bytes()),
], ids=["posture_from_file", "posture_from_scubagear-dict", "posture_from_scubagear-bytes"])
def test_the_python_api_gives_scubagears_results_word_for_word(read):
    checks = baseline.scuba(read())
    assert {c.control: (c.result, c.details) for c in checks} == PUBLISHED
    assert {c.control: c.text for c in checks} == {k: _plain(v) for k, (_, v) in PUBLISHED.items()}


def test_the_baseline_command_gives_scubagears_results():
    res = CliRunner().invoke(app, ["baseline", str(SAMPLE), "--format", "json"])
    assert res.exit_code == 0, res.output
    assert {c["control"]: (c["result"], c["details"]) for c in json.loads(res.output)["scuba"]} == PUBLISHED
    table = CliRunner().invoke(app, ["baseline", str(SAMPLE)])
    assert table.exit_code == 0 and "Calculated by 2 global admins / 1 privileged users" in table.output


def test_a_run_without_a_configuration_file_excludes_nobody():
    scuba_config = json.loads(SAMPLE.read_text())["scuba_config"]
    assert "Aad" not in scuba_config and baseline.exclusions_from_config(scuba_config) == {}
    config = {"Aad": {"MS.AAD.1.1v1": {"CapExclusions": {"Users": ["x"]}},
                      "MS.AAD.7.4v1": {"RoleExclusions": {"Users": ["u1", ""], "Groups": None}}}}
    assert baseline.exclusions_from_config(config) == {"MS.AAD.7.4v1": (frozenset({"u1"}), frozenset())}


def test_excluding_every_permanent_holder_of_a_role_clears_it_from_7_4():
    doc = json.loads(SAMPLE.read_text())
    app_admin = next(r for r in doc["privileged_roles"] if r["DisplayName"] == "Application Administrator")
    holders = [a["PrincipalId"] for a in app_admin["Assignments"] if a["EndDateTime"] is None]
    doc["scuba_config"]["Aad"] = {"MS.AAD.7.4v1": {"RoleExclusions": {"Users": holders}}}
    r74 = next(c for c in baseline.scuba(baseline.posture_from_scubagear(doc)) if c.control == "MS.AAD.7.4v1")
    assert r74.offenders == ("Cloud Application Administrator", "Exchange Administrator", "Global Administrator",
                             "SharePoint Administrator", "User Administrator")


def test_privileged_roles_name_their_role_and_import_without_role():
    got = read_policies(SAMPLE)
    doc = json.loads(SAMPLE.read_text())
    assert [p.role for p in got.policies if p.scope == "/"] == [r["DisplayName"] for r in doc["privileged_roles"]]
    # The PIM group holding Cloud Application Administrator brings its member policy ("PIM Group" rules).
    assert [p.scope for p in got.policies if p.role == "Member"] == ["/groups/Entra Developerss"]
    ga = got.settings[("Global Administrator", "/")]
    assert not ga.require_approval  # MS.AAD.7.6 fails on this tenant
    one = read_policies(doc["privileged_roles"][0])
    assert [p.role for p in one.policies] == ["Global Administrator"]
    res = CliRunner().invoke(app, ["import-policy", str(SAMPLE), "--format", "json"])
    assert res.exit_code == 0, res.output
    assert len(json.loads(res.output)["policies"]) == len(got.policies)


def test_the_posture_page_checks_an_uploaded_sample():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("ui/posture.py").run()
    at.radio(key="posture_source").set_value("A Graph or ScubaGear export").run()
    at.file_uploader(key="posture_upload").set_value((SAMPLE.name, SAMPLE.read_bytes(), "application/json")).run()
    assert not at.exception and not at.error
    frame = next(d.value for d in at.dataframe if "Control" in d.value.columns)
    assert dict(zip(frame["Control"], frame["Result"], strict=True)) == {k: r for k, (r, _) in PUBLISHED.items()}
