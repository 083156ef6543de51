"""The scenario commands of ``pim-sim``: run, validate, compare, sweep, schema, scenarios."""

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from pim_sim.cli import app
from pim_sim.scenario.model import SCENARIO_DIR

JIT = str(SCENARIO_DIR / "jit-basics.yaml")
BROKEN = str(Path(__file__).resolve().parents[1] / "broken_scenarios" / "many-problems.yaml")
TABLES = ("audit", "requests", "intervals", "effective_access", "refusals", "metrics", "summary")


def invoke(*args):
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "250"})


@pytest.mark.parametrize("fmt", ["csv", "json", "parquet"])
def test_run_writes_every_table_and_the_same_bytes_every_time(tmp_path, fmt):
    first, second = tmp_path / "a", tmp_path / "b"
    for out in (first, second):
        result = invoke("run", JIT, "--out", str(out), "--format", fmt)
        assert result.exit_code == 0, result.output
    for name in TABLES:
        assert (first / f"{name}.{fmt}").read_bytes() == (second / f"{name}.{fmt}").read_bytes()
    assert "activations_provisioned" in result.output and "Just-in-time basics" in result.output
    assert "What to observe" in result.output and "NO " not in result.output


def test_run_tables_hold_the_records(tmp_path):
    assert invoke("run", JIT, "--out", str(tmp_path)).exit_code == 0
    audit = pd.read_csv(tmp_path / "audit.csv")
    assert "Add member to role completed (PIM activation)" in set(audit["activity"])
    assert set(audit["replication"]) == {1}
    metrics = pd.read_csv(tmp_path / "metrics.csv")
    assert metrics.loc[0, "activations_provisioned"] == 2


def test_seed_changes_the_outputs(tmp_path):
    invoke("run", JIT, "--out", str(tmp_path / "a"))
    invoke("run", JIT, "--out", str(tmp_path / "b"), "--seed", "99")
    assert (tmp_path / "a" / "audit.csv").read_bytes() != (tmp_path / "b" / "audit.csv").read_bytes()


def test_replications_in_parallel_write_what_a_serial_run_writes(tmp_path):
    for out, workers in (("serial", "1"), ("parallel", "2")):
        result = invoke("run", JIT, "--replications", "3", "--workers", workers, "--out", str(tmp_path / out))
        assert result.exit_code == 0, result.output
    for name in TABLES:
        assert (tmp_path / "serial" / f"{name}.csv").read_bytes() == (tmp_path / "parallel" / f"{name}.csv").read_bytes()
    assert len(pd.read_csv(tmp_path / "serial" / "metrics.csv")) == 3


def test_run_of_a_broken_file_lists_its_problems_and_exits_1(tmp_path):
    result = invoke("run", BROKEN, "--out", str(tmp_path))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "line 10, tenant.users[1].manager: 'zoe' is not a user in this scenario" in result.output
    assert "3 problem(s)" in result.output


def test_validate_exit_codes():
    ok = invoke("validate", *map(str, sorted(SCENARIO_DIR.glob("*.yaml"))))
    assert ok.exit_code == 0 and ok.output.count("ok  ") >= 8
    bad = invoke("validate", JIT, BROKEN)
    assert bad.exit_code == 1 and "1 of 2 file(s) have problems" in bad.output


def test_compare_shows_both_scenarios_with_intervals():
    other = str(SCENARIO_DIR / "approval-expiry.yaml")
    result = invoke("compare", JIT, other, "--replications", "2")
    assert result.exit_code == 0, result.output
    assert "jit-basics" in result.output and "approval-expiry" in result.output and "–" in result.output


def test_sweep_prints_a_tidy_table(tmp_path):
    out = tmp_path / "sweep.csv"
    result = invoke("sweep", str(SCENARIO_DIR / "approval-expiry.yaml"), "--set", "settings[0].require_approval",
                    "--values", "true,false", "--replications", "1", "--out", str(out))
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out)
    expired = table[table["metric"] == "requests_expired"].set_index("value")["mean"]
    assert expired[True] == 1 and expired[False] == 0


def test_schema_is_json_schema():
    result = invoke("schema")
    schema = json.loads(result.output)
    assert schema["$schema"].endswith("2020-12/schema") and "timeline" in schema["properties"]


def test_scenarios_lists_the_lessons_and_the_presets():
    result = invoke("scenarios")
    for name in ("jit-basics", "approval-expiry", "licence-lapse", "outside-pim-alert"):
        assert name in result.output
    assert "contoso" in invoke("scenarios", "--presets").output


@pytest.mark.parametrize("command", ["run", "validate", "compare", "sweep", "schema", "scenarios"])
def test_every_command_has_help_with_an_example(command):
    result = invoke(command, "--help")
    assert result.exit_code == 0 and "Example" in result.output and "pim-sim " in result.output


@pytest.mark.parametrize(("name", "shown"), [("standing-vs-jit", True), ("jit-basics", False)])
def test_a_long_run_shows_a_progress_bar_on_a_terminal_and_a_short_one_does_not(tmp_path, monkeypatch, name, shown):
    from io import StringIO

    from rich.console import Console

    import pim_sim.cli.scenario as scenario_cli

    screen, plain = StringIO(), scenario_cli._console
    monkeypatch.setattr(scenario_cli, "_console", lambda stderr=False: Console(file=screen, force_terminal=True, width=120)
                        if stderr else plain(stderr))
    result = invoke("run", str(SCENARIO_DIR / f"{name}.yaml"), "--replications", "1", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert ("simulating" in screen.getvalue() and "30/30" in screen.getvalue()) is shown
