"""`pim-sim kit`: roster codes, papers, exports and grading with the item analysis, and the saved
gradings it can reopen."""

from __future__ import annotations

import pytest
from quiz_samples import samples
from typer.testing import CliRunner

from quizzes import gradings, roster
from quizzes.analysis import item_analysis
from quizzes.bank import Bank, load_outlines
from quizzes.classroom import SetSpec, answer_key, build_set, grade_class, papers, set_file
from quizzes.kit import kit_app

RUN = CliRunner()


def test_roster_codes_are_printed_once_and_listed_without_them(tmp_path):
    path = str(tmp_path / "roster.json")
    out = RUN.invoke(kit_app, ["roster", "add", "ann", "--roster", path])
    assert out.exit_code == 0
    name, code = out.stdout.strip().split("\t")
    assert name == "ann" and roster.check("ann", code, path)
    listed = RUN.invoke(kit_app, ["roster", "list", "--roster", path]).stdout
    assert listed.strip() == "ann\tlearner" and code not in listed
    assert RUN.invoke(kit_app, ["roster", "add", "", "--roster", path]).exit_code == 2


def test_grading_prints_the_grades_and_the_item_analysis(tmp_path, monkeypatch):
    monkeypatch.setattr("quizzes.load_bank", lambda: Bank(tuple(samples()), load_outlines()))
    spec = SetSpec("SC-500-2026-05", count=5, seed=4, title="Week 1")
    bank = Bank(tuple(samples()), load_outlines())
    ps = papers(build_set(bank, spec), bank.outlines[spec.outline], ["ann", "ben", "cleo"])
    key = answer_key(ps)
    rows = [f"{r.student},{r.question_id},\"{r.key}\"" for n, r in enumerate(key.itertuples()) if n % 3]
    (tmp_path / "set.json").write_text(set_file(spec, ["ann", "ben", "cleo"]), encoding="utf-8")
    (tmp_path / "sheet.csv").write_text("student,question_id,response\n" + "\n".join(rows) + "\n", encoding="utf-8")
    monkeypatch.setenv(gradings.ENV_VAR, str(tmp_path / "g"))
    out = RUN.invoke(kit_app, ["grade", str(tmp_path / "set.json"), str(tmp_path / "sheet.csv"), "--grades",
                               str(tmp_path / "grades.csv"), "--save"])
    assert out.exit_code == 0, out.output
    results = grade_class(ps, (tmp_path / "sheet.csv").read_text())
    mean = results.grades()["percent"].mean()
    assert f"class mean {mean:.1f} %" in out.stdout and "Item analysis" in out.stdout
    for row in item_analysis(results.answers).itertuples():
        assert row.item in out.stdout
    assert (tmp_path / "grades.csv").read_text().startswith('"student"')
    [saved] = gradings.saved()
    assert gradings.load(saved).title == "Week 1"


def test_a_saved_grading_is_opened_only_by_its_listed_name(tmp_path):
    gradings.save("T", "{}", "student,question_id,response\n", where=tmp_path)
    with pytest.raises(gradings.GradingError):
        gradings.load("../../etc/passwd", where=tmp_path)
