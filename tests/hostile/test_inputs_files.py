"""Hostile input, reading side: only a ``pathlib.Path`` is ever opened.

A JSON document whose value is a file name, a pasted path or an uploaded string is content: it is
parsed once and never followed to a file, on the command line, in the Python API and on the
Posture page. A file is read only when it is a regular file, up to a byte cap; /dev/zero, a FIFO,
a directory and a missing file each give one clear line."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from pim_sim.cli import app
from pim_sim.errors import ModelError
from pim_sim.graph import reader as graph_import
from pim_sim.io import untrusted
from pim_sim.posture import baseline
from pim_sim.scenario import Scenario, ScenarioError, load_scenario

ROOT = Path(__file__).resolve().parents[2]
FIX = ROOT / "tests" / "fixtures" / "graph"
SECRET = "MS.AAD.7.1v1"  # what the followed file would reveal: a ScubaGear export's checks


@pytest.fixture
def target(tmp_path) -> Path:
    """A real export on disk that a followed string would reveal."""
    path = tmp_path / "secret.json"
    path.write_bytes((FIX / "ProviderSettingsExport.json").read_bytes())
    return path


def invoke(*args, env=None):
    return CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": "250", **(env or {})})


def one_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    assert len(lines) == 1, text
    assert "Traceback" not in text
    return lines[0]


# ------------------------------------------------------------------ a JSON string is never a path
@pytest.mark.parametrize("command", ["baseline", "import-policy", "import-requests"])
def test_the_cli_never_follows_a_json_string_to_a_file(tmp_path, target, command):
    pointer = tmp_path / "pointer.json"
    pointer.write_text(json.dumps(str(target)))
    res = invoke(command, pointer)
    assert res.exit_code == 1
    line = one_line(res.output)
    assert "the top level is a string" in line and str(pointer) in line and SECRET not in res.output


@pytest.mark.parametrize("reader", [graph_import.load_json, graph_import.read_policies, graph_import.read_requests,
                                    baseline.posture_from_file, baseline.posture_from_scubagear,
                                    baseline.scubagear_results])
@pytest.mark.parametrize("form", ["text", "bytes", "json-string"])
def test_the_api_reads_strings_as_content_never_as_paths(target, reader, form):
    source = {"text": str(target), "bytes": str(target).encode(), "json-string": json.dumps(str(target))}[form]
    with pytest.raises(ModelError) as e:
        reader(source)
    assert "not valid JSON" in str(e.value) or "the top level is a string" in str(e.value)


def test_a_path_object_is_read_and_a_parsed_document_is_never_read_again(target):
    assert baseline.is_scubagear_export(graph_import.load_json(target))
    doc = graph_import.load_json(target)
    assert graph_import.load_json(doc) is doc  # parsed once


def open_posture() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("ui/posture.py").run()
    at.radio(key="posture_source").set_value("A Graph or ScubaGear export").run()
    assert not at.exception
    return at


def test_the_posture_page_never_follows_a_pasted_path(target):
    at = open_posture()
    for pasted in (str(target), json.dumps(str(target)), f"  {target}  ", "/etc/passwd", "/dev/zero"):
        at.text_area(key="posture_json").set_value(pasted).run()
        assert not at.exception
        assert len(at.error) == 1 and "Can't read this export" in at.error[0].value
        assert SECRET not in str([m.value for m in at.markdown]) and not at.dataframe


class Upload:
    """What st.file_uploader hands a page: a name and the bytes."""

    def __init__(self, name: str, data: bytes):
        self.name, self.data = name, data

    def getvalue(self) -> bytes:
        return self.data


@pytest.mark.parametrize("data", [json.dumps("/etc/passwd").encode(), b"/etc/passwd",
                                  b"\xff\xfe" + "/dev/zero".encode("utf-16-le")])
def test_the_posture_page_never_follows_an_uploaded_string(monkeypatch, target, data):
    import streamlit as st

    at = open_posture()
    real = st.file_uploader

    def uploaded(label, *args, **kwargs):  # AppTest can't drive an uploader: hand the page the bytes
        return Upload("x.json", data) if kwargs.get("key") == "posture_upload" else real(label, *args, **kwargs)

    monkeypatch.setattr(st, "file_uploader", uploaded)
    at.run()
    assert not at.exception
    assert len(at.error) == 1 and "Can't read this export" in at.error[0].value and not at.dataframe


# ------------------------------------------------------------------ only regular files, up to a cap
def fifo(tmp_path) -> Path:
    path = tmp_path / "pipe.json"
    os.mkfifo(path)
    return path


def specials(tmp_path):
    folder = tmp_path / "folder.json"
    folder.mkdir()
    return {"/dev/zero": (Path("/dev/zero"), "a character device"), "fifo": (fifo(tmp_path), "a FIFO"),
            "directory": (folder, "a directory"), "missing": (tmp_path / "nope.json", "no such file")}


@pytest.mark.parametrize("kind", ["/dev/zero", "fifo", "directory", "missing"])
def test_read_file_refuses_anything_but_a_regular_file_without_blocking(tmp_path, kind):
    path, expected = specials(tmp_path)[kind]
    done = []
    worker = threading.Thread(target=lambda: done.append(_refusal(path)), daemon=True)
    worker.start()
    worker.join(10)
    assert done, f"reading {kind} hung"
    assert expected in done[0] and str(path) in done[0]


def _refusal(path: Path) -> str:
    try:
        untrusted.read_file(path, 1000)
    except untrusted.InputError as e:
        return str(e)
    return "read"


def test_a_file_is_read_up_to_its_cap_and_no_further(tmp_path):
    path = tmp_path / "big.json"
    path.write_bytes(b"[" + b" " * 100 + b"]")
    assert untrusted.read_file(path, 102) == path.read_bytes()
    with pytest.raises(untrusted.InputError, match="larger than 101 bytes"):
        untrusted.read_file(path, 101)


@pytest.mark.parametrize("kind", ["/dev/zero", "fifo", "directory", "missing"])
@pytest.mark.parametrize("command", ["baseline", "import-policy", "import-requests", "run", "validate"])
def test_each_command_gives_one_line_for_a_file_that_is_not_a_regular_file(tmp_path, kind, command):
    path, expected = specials(tmp_path)[kind]
    if command in ("run", "validate"):
        path = path.with_suffix(".yaml") if kind in ("missing",) else path
    res = invoke(command, path)
    assert res.exit_code in (1, 2)
    text = res.output
    assert ("Traceback" not in text and res.exception is None) or isinstance(res.exception, SystemExit)
    # typer refuses a missing file or a directory itself (exit 2); the readers refuse the rest
    assert expected in text or "does not exist" in text or "is a directory" in text, text


@pytest.mark.parametrize("kind", ["/dev/zero", "fifo", "directory", "missing"])
def test_the_api_gives_one_line_for_a_file_that_is_not_a_regular_file(tmp_path, kind):
    path, expected = specials(tmp_path)[kind]
    for read in (graph_import.load_json, baseline.posture_from_file, graph_import.read_requests):
        with pytest.raises(ModelError) as e:
            read(path)
        assert expected in one_line(str(e.value))
    with pytest.raises(ScenarioError) as e:
        load_scenario(path)
    assert expected in one_line(str(e.value))


def test_exercise_fix_files_are_read_only_when_regular(tmp_path):
    found = specials(tmp_path)
    for kind in ("/dev/zero", "fifo"):
        path, expected = found[kind]
        res = invoke("exercise", "ga-wide-open", "--fix", path)
        assert res.exit_code == 1 and expected in one_line(res.output)


# ------------------------------------------------------------------ settings_from stays in its folder
def scenario_with_settings_from(folder: Path, name: str) -> Path:
    path = folder / "s.yaml"
    path.write_text(f"name: s\nhorizon: P1D\nsettings_from: {name}\ntenant: {{users: [alice]}}\n")
    return path


def test_settings_from_follows_no_symlink_out_of_the_scenarios_folder(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "policy.json").write_bytes((FIX / "ga_exchange_v1.json").read_bytes())
    here = tmp_path / "here"
    here.mkdir()
    (here / "policy.json").symlink_to(outside / "policy.json")
    with pytest.raises(ScenarioError, match="leads outside the scenario's folder"):
        load_scenario(scenario_with_settings_from(here, "policy.json"))


def test_settings_from_reads_a_link_inside_the_folder_and_refuses_special_files(tmp_path):
    (tmp_path / "real.json").write_bytes((FIX / "ga_exchange_v1.json").read_bytes())
    (tmp_path / "policy.json").symlink_to(tmp_path / "real.json")
    path = scenario_with_settings_from(tmp_path, "policy.json")
    with pytest.raises(ScenarioError) as e:  # read, then its approvers are not in this tenant
        load_scenario(path)
    assert "leads outside" not in str(e.value) and "approver" in str(e.value)
    os.mkfifo(tmp_path / "pipe.json")
    with pytest.raises(ScenarioError, match="a FIFO"):
        load_scenario(scenario_with_settings_from(tmp_path, "pipe.json"))


def test_an_uploaded_scenario_never_reads_settings_from_even_beside_a_file_of_its_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "scenario").write_text("name: s\nhorizon: P1D\n")  # the name the dashboard gives uploads
    (tmp_path / "policy.json").write_bytes((FIX / "ga_exchange_v1.json").read_bytes())
    with pytest.raises(ScenarioError, match="works only for a scenario file on disk"):
        Scenario.from_yaml("name: s\nhorizon: P1D\nsettings_from: policy.json\n", file="scenario")
