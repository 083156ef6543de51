"""``pim-sim jit import`` and ``pim-sim jit export``: jitNetworkAccessPolicies JSON in the REST shape, a round trip
through a scenario's run, and one clear line (exit code 1) for every bad file."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from pim_sim.cli import app
from pim_sim.features.jit_vm import rest
from pim_sim.scenario.model import SCENARIO_DIR

PIM_LESSON = str(SCENARIO_DIR / "jit-behind-pim-approval.yaml")
VM = "/subscriptions/prod/resourceGroups/app-rg/providers/Microsoft.Compute/virtualMachines/web1"
POLICY_ID = ("/subscriptions/prod/resourceGroups/app-rg/providers/Microsoft.Security/locations/westeurope/"
             "jitNetworkAccessPolicies/default")


def invoke(*args):
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "250"})


def policy(**port) -> dict:
    p = {"number": 3389, "protocol": "TCP", "allowedSourceAddressPrefix": "203.0.113.0/24",
         "maxRequestAccessDuration": "PT2H", **port}
    return {"id": POLICY_ID, "name": "default", "kind": "Basic", "location": "westeurope",
            "properties": {"virtualMachines": [{"id": VM, "ports": [p]}]}}


def test_export_gives_the_rest_shape_with_the_request_and_its_status(tmp_path):
    out = tmp_path / "p.json"
    result = invoke("jit", "export", PIM_LESSON, "--at", "PT2H", "--out", str(out))
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text())
    (p,) = doc["value"]
    assert p["type"] == "Microsoft.Security/locations/jitNetworkAccessPolicies" and p["id"] == POLICY_ID
    (req,) = p["properties"]["requests"]  # only the request made while alice's role was active
    assert req["requestor"] == "alice" and req["justification"] == "Patch web1"
    port = req["virtualMachines"][0]["ports"][0]
    assert (port["number"], port["status"], port["allowedSourceAddressPrefix"]) == (3389, "Initiated", "203.0.113.50")
    later = json.loads(invoke("jit", "export", PIM_LESSON).output)  # at the horizon the grant has expired
    port = later["value"][0]["properties"]["requests"][0]["virtualMachines"][0]["ports"][0]
    assert (port["status"], port["statusReason"]) == ("Revoked", "Expired")


def test_an_export_imports_back_to_the_same_policy(tmp_path):
    out = tmp_path / "p.json"
    invoke("jit", "export", PIM_LESSON, "--out", str(out))
    exported = json.loads(out.read_text())["value"][0]
    ((read, requests),) = rest.read_policies(out.read_bytes())
    assert rest.policy_json(read)["properties"]["virtualMachines"] == exported["properties"]["virtualMachines"]
    assert len(requests) == 1
    result = invoke("jit", "import", str(out))
    assert result.exit_code == 0 and "1 request(s)" in result.output and "3389" in result.output


def test_import_prints_ports_sources_and_maximum(tmp_path):
    f = tmp_path / "one.json"
    f.write_text(json.dumps(policy()))
    result = invoke("jit", "import", str(f), "--format", "json")
    assert result.exit_code == 0, result.output
    port = json.loads(result.output)["value"][0]["properties"]["virtualMachines"][0]["ports"][0]
    assert port == {"number": 3389, "protocol": "TCP", "allowedSourceAddressPrefix": "203.0.113.0/24",
                    "maxRequestAccessDuration": "PT2H"}


def test_a_utf16_powershell_export_reads_like_utf8(tmp_path):
    f = tmp_path / "ps.json"
    f.write_bytes(b"\xff\xfe" + json.dumps({"value": [policy()]}).encode("utf-16-le"))
    assert invoke("jit", "import", str(f)).exit_code == 0


@pytest.mark.parametrize(("content", "words"), [
    (policy(maxRequestAccessDuration="P2D"), "maxRequestAccessDuration"),
    (policy(number=70000), "number"),
    (policy(protocol="ICMP"), "protocol"),
    (policy(allowedSourceAddressPrefixes=["10.0.0.0/8"]), "allowedSourceAddressPrefix"),
    ({**policy(), "id": "/subscriptions/prod/whatever"}, "not a jitNetworkAccessPolicies resource id"),
    ({"value": [{"id": POLICY_ID}]}, "properties"),
    ("[1, 2", "not valid JSON"),
    ('{"a": NaN}', "NaN"),
    ("", "not valid JSON"),
])
def test_bad_files_give_one_line_and_exit_1(tmp_path, content, words):
    f = tmp_path / "bad.json"
    f.write_text(content if isinstance(content, str) else json.dumps(content))
    result = invoke("jit", "import", str(f))
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(str(f)) and words in lines[0], result.output
    assert "Traceback" not in result.output


def test_only_a_regular_file_is_read(tmp_path):
    for target, words in ((tmp_path, "directory"), (tmp_path / "missing.json", "no such file")):
        result = invoke("jit", "import", str(target))
        assert result.exit_code == 1 and words in result.output and len(result.output.strip().splitlines()) == 1
    big = tmp_path / "big.json"
    big.write_bytes(b" " * (rest.MAX_BYTES + 1))
    assert "larger than" in invoke("jit", "import", str(big)).output


def test_export_refuses_a_scenario_without_jit_and_a_moment_outside_it():
    result = invoke("jit", "export", str(SCENARIO_DIR / "approval-expiry.yaml"))
    assert result.exit_code == 1 and "no jit: section" in result.output
    result = invoke("jit", "export", PIM_LESSON, "--at", "P9D")
    assert result.exit_code == 1 and "outside the scenario" in result.output
