"""Hostile input, output side: text from files reaches the terminal as the characters it holds:
no Rich markup (a stray ``[/bold]`` used to crash ``pim-sim run``), no escape codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pim_sim.cli import app
from pim_sim.io import terminal

ROOT = Path(__file__).resolve().parents[2]

CLEANED = [
    ("window \x1b]0;pwned\x07title", "window title"),
    ("osc st \x1b]0;pwned\x1b\\end", "osc st end"),
    ("clear \x1b[2J\x1b[Hscreen", "clear screen"),
    ("colour \x1b[31;1mred\x1b[0m", "colour red"),
    ("link \x1b]8;;http://evil\x1b\\text\x1b]8;;\x1b\\", "link text"),
    ("8-bit \x9b2Jcsi", "8-bit csi"),
    ("8-bit \x9d0;t\x9cosc", "8-bit osc"),
    ("dcs \x1bPq#0\x1b\\done", "dcs done"),
    ("bell\x07 backspace\x08 nul\x00", "bell backspace nul"),
    ("carriage\rreturn", "carriagereturn"),
    ("bidi \u202egnp.exe", "bidi gnp.exe"),
    ("keeps\ttab and\nline", "keeps\ttab and\nline"),
    ("lone escape \x1b", "lone escape "),
    ("[/bold] [link=http://x]y[/link] :smile:", "[/bold] [link=http://x]y[/link] :smile:"),
]


@pytest.mark.parametrize(("raw", "shown"), CLEANED)
def test_clean_removes_escape_sequences_and_controls(raw, shown):
    assert terminal.clean(raw) == shown


@pytest.mark.parametrize("raw", [r for r, _ in CLEANED])
def test_the_console_prints_markup_as_text_and_no_escape_code(raw, capsys):
    from rich.table import Table

    table = Table(title=raw)
    table.add_column(raw)
    table.add_row(raw)
    terminal.console().print(table)
    terminal.console().print(raw)
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x9b" not in out and "\x07" not in out


EVIL_TITLES = ["[/bold] closing tag", "[link=http://evil.example]click[/link]", "\x1b]0;pwned\x07\x1b[2J title",
               "[bold red]loud[/]", ":warning: emoji code"]


def evil_scenario(tmp_path: Path, title: str) -> Path:
    text = (ROOT / "scenarios" / "jit-basics.yaml").read_text(encoding="utf-8")
    path = tmp_path / "evil.yaml"
    path.write_text(text.replace("title: Just-in-time basics", f"title: {json.dumps(title)}", 1), encoding="utf-8")
    return path


@pytest.mark.parametrize("title", EVIL_TITLES)
def test_pim_sim_run_prints_a_hostile_title_as_typed(tmp_path, title):
    result = CliRunner().invoke(app, ["run", str(evil_scenario(tmp_path, title)), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert terminal.clean(title) in result.output and "\x1b" not in result.output


@pytest.mark.parametrize("title", EVIL_TITLES)
def test_pim_sim_validate_prints_a_hostile_title_as_typed(tmp_path, title):
    result = CliRunner().invoke(app, ["validate", str(evil_scenario(tmp_path, title))])
    assert result.exit_code == 0, result.output
    assert terminal.clean(title) in result.output and "\x1b" not in result.output


def test_an_unknown_key_with_escape_codes_is_reported_without_them(tmp_path):
    text = (ROOT / "scenarios" / "jit-basics.yaml").read_text(encoding="utf-8")
    path = tmp_path / "keys.yaml"
    path.write_text(text + '"\\e]0;pwned\\a[/bold]": 1\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 1 and "\x1b" not in result.output and "\x07" not in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("learner", ["\x1b]0;pwned\x07ann", "ann\nbob", "x" * 65])
def test_a_hostile_learner_name_is_refused_on_one_line(tmp_path, learner):
    result = CliRunner().invoke(app, ["quiz", "--learner", learner, "--store", str(tmp_path / "p.db"), "--count", "1"])
    assert result.exit_code == 2 and "learner:" in result.output
    assert "\x1b" not in result.output and "\x07" not in result.output
