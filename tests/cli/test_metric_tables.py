"""pim-sim sweep, compare and run print readable tables whose numbers are runner's numbers.

The tables are read back from the terminal output (Rich box characters) and every cell is compared
with the frame :mod:`pim_sim.runner` returns for the same scenario and replications: the mean and
the interval within the rounding shown, lower bounds clipped at 0, never a negative count.
"""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from pim_sim import runner
from pim_sim.cli import app
from pim_sim.cli.metric_tables import DASH, METRICS, Metric, estimate, metric, number
from pim_sim.io import csv_safe
from pim_sim.scenario.model import SCENARIO_DIR, load_scenario

EXPIRY = SCENARIO_DIR / "approval-expiry.yaml"
JIT = SCENARIO_DIR / "jit-basics.yaml"
SETTING = "settings[0].require_approval"
REPS = 3
CELL = re.compile(r"^(?P<mean>[-\d,.]+|–)(?: \((?P<low>[-\d,.]+)–(?P<high>[-\d,.]+)\))?(?: n=(?P<n>\d+))?$")


def invoke(*args):
    return CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": "250"})


def tables(output: str) -> list[tuple[str, list[str], list[list[str]]]]:
    """(title, headers, rows) of every Rich table in ``output``; a cell's lines joined with spaces."""
    found, lines = [], output.splitlines()
    for i, line in enumerate(lines):
        if not line.startswith("┏"):
            continue
        title = lines[i - 1].strip()
        j, head = i + 1, []
        while not lines[j].startswith("┡"):
            head.append([c.strip() for c in lines[j].strip("┃").split("┃")])
            j += 1
        headers = [" ".join(part for part in col if part) for col in zip(*head, strict=True)]
        rows: list[list[str]] = []
        for row_line in lines[j + 1:]:
            if row_line.startswith("└"):
                break
            cells = [c.strip() for c in row_line.strip("│").split("│")]
            if cells[0] or not rows:
                rows.append(cells)
            else:  # the next line of the same row
                rows[-1] = [f"{a} {b}".strip() for a, b in zip(rows[-1], cells, strict=True)]
        found.append((title, headers, rows))
    return found


def tolerance(text: str) -> float:
    """Half a unit of the last digit shown (3 significant figures for the smallest numbers)."""
    digits = text.split(".")[1] if "." in text else ""
    return 0.5 * 10 ** -len(digits) + 1e-9


def close(text: str, value: float) -> bool:
    if text == DASH:
        return math.isnan(value)
    shown = float(text.replace(",", ""))
    return abs(shown - value) <= max(tolerance(text), abs(value) * 0.005)


def check_cell(text: str, mean: float, low: float, high: float, m: Metric) -> bool:
    """The cell shows the mean and the interval; a bound below 0 shown as 0. Returns whether clipped."""
    parsed = CELL.match(text)
    assert parsed, text
    assert close(parsed["mean"], mean), (text, mean)
    clipped = m.nonnegative and low < 0
    if parsed["low"] is None:  # no interval: one replication, or every replication the same once rounded
        assert math.isnan(low) or number(max(low, 0) if clipped else low) == number(high) == parsed["mean"]
    else:
        assert close(parsed["low"], 0.0 if clipped else low), (text, low)
        assert close(parsed["high"], max(high, 0.0) if clipped else high), (text, high)
        assert not m.nonnegative or float(parsed["low"].replace(",", "")) >= 0
    return clipped


@pytest.fixture(scope="module")
def swept():
    frame = runner.sweep(load_scenario(EXPIRY), SETTING, [True, False], REPS)
    result = invoke("sweep", EXPIRY, "--set", SETTING, "--values", "true,false", "--replications", REPS)
    assert result.exit_code == 0, result.output
    return frame, result.output


def test_sweep_prints_one_row_per_value_with_the_numbers_of_runner_sweep(swept):
    frame, output = swept
    assert "dtype" not in output and "ci_low" not in output  # no raw pandas on the terminal
    printed = tables(output)
    assert printed, output
    labels = {m.header.replace("\n", " "): m for m in METRICS.values()}
    seen, clipped = set(), set()
    for _title, headers, rows in printed:
        assert headers[0] == SETTING
        assert [r[0] for r in rows] == list(dict.fromkeys(frame["value"]))  # one row per value, in order
        for column, header in enumerate(headers[1:], start=1):
            m = labels[header]  # a label and a unit, never the raw column name
            for row in rows:
                want = frame[(frame["value"] == row[0]) & (frame["metric"] == m.name)].iloc[0]
                if check_cell(row[column], want["mean"], want["ci_low"], want["ci_high"], m):
                    clipped.add(m.label)
                seen.add((row[0], m.name))
    assert seen == set(zip(frame["value"], frame["metric"], strict=True))  # every number of the frame is shown
    expected = {metric(n).label for n in frame.loc[frame["ci_low"] < 0, "metric"]}
    assert clipped == expected
    assert expected, "this sweep has an interval below 0, so the clipping is exercised"
    note = next(line for line in output.splitlines() if "shown from 0" in line)
    assert all(label in note for label in expected)


def test_sweep_writes_the_unrounded_frame_with_csv(tmp_path):
    out = tmp_path / "sweep.csv"
    result = invoke("sweep", EXPIRY, "--set", SETTING, "--values", "true,false", "--replications", 2, "--csv", out)
    assert result.exit_code == 0, result.output
    written = pd.read_csv(out)
    frame = runner.sweep(load_scenario(EXPIRY), SETTING, [True, False], 2)
    pd.testing.assert_frame_equal(written[["metric", "mean", "ci_low", "ci_high"]],
                                  frame[["metric", "mean", "ci_low", "ci_high"]], check_exact=False)


HOSTILE = ["\x1b]0;pwned\x07[bold]x[/bold] :smile:", "=HYPERLINK(\"http://evil\") \x1b[2J\u202eevil"]


def test_hostile_setting_values_are_printed_as_text_and_written_as_text(tmp_path):
    out = tmp_path / "sweep.csv"
    result = invoke("sweep", JIT, "--set", "title", "--values", ",".join(HOSTILE), "--replications", 1, "--csv", out)
    assert result.exit_code == 0, result.output
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]", result.output)  # no escape codes at all
    rows = [r[0] for _t, _h, rs in tables(result.output) for r in rs]
    assert "[bold]x[/bold] :smile:" in rows  # markup and emoji codes shown as typed; the window-title sequence gone
    assert "pwned" not in result.output
    assert '=HYPERLINK("http://evil") evil' in rows
    values = pd.read_csv(out)["value"]
    assert all(csv_safe.is_safe(v) for v in values) and values.map(csv_safe.restore).isin(HOSTILE).all()


def test_compare_shows_runner_compare_numbers_with_labels_and_clipped_bounds():
    a, b = load_scenario(JIT), load_scenario(EXPIRY)
    frame = runner.compare(a, b, 2)
    result = invoke("compare", JIT, EXPIRY, "--replications", 2)
    assert result.exit_code == 0, result.output
    [(_title, headers, rows)] = tables(result.output)
    assert headers == ["Metric", "Unit", a.name, b.name]
    by_label = {m.label: m for m in METRICS.values()}
    assert [by_label[r[0]].name for r in rows] == list(frame["metric"])
    for row, (_, want) in zip(rows, frame.iterrows(), strict=True):
        m = by_label[row[0]]
        assert row[1] == m.unit
        for cell, name in zip(row[2:], (a.name, b.name), strict=True):
            check_cell(cell, want[f"mean {name}"], want[f"ci_low {name}"], want[f"ci_high {name}"], m)


def test_run_prints_the_summary_it_writes(tmp_path):
    result = invoke("run", JIT, "--replications", 3, "--out", tmp_path)
    assert result.exit_code == 0, result.output
    summary = pd.read_csv(tmp_path / "summary.csv")
    _title, headers, rows = tables(result.output)[0]
    assert headers == ["Metric", "Unit", "Mean", "95% interval", "Replications"]
    by_label = {m.label: m for m in METRICS.values()}
    for row, (_, want) in zip(rows, summary.iterrows(), strict=True):
        m = by_label[row[0]]
        assert m.name == want["metric"] and row[1] == m.unit and int(row[4]) == want["n"]
        interval = "" if row[3] == DASH else f" ({row[3]})"
        check_cell(row[2] + interval, want["mean"], want["ci_low"], want["ci_high"], m)


finite = st.floats(min_value=-1e7, max_value=1e7, allow_nan=False)


@given(finite)
def test_a_number_reads_back_as_itself_within_its_rounding(value):
    text = number(value)
    assert close(text, value)
    assert len(text.replace(",", "").lstrip("-").replace(".", "").lstrip("0")) >= min(3, len(f"{abs(value):.0f}")) \
        or abs(value) < 1  # at least three significant figures (or every digit of the whole part)


@given(finite, finite, finite)
def test_a_count_interval_never_shows_a_negative_bound(mean, a, b):
    low, high = sorted((a, b))
    cell = estimate(abs(mean), low, high, METRICS["requests_expired"])
    assert cell.clipped is (low < 0)
    assert "-" not in cell.interval.replace("–", "")
    assert not cell.interval or close(cell.interval.split("–")[0], max(low, 0.0))
