"""`pim-sim kit grade` prints its grades and item analysis as tables of the graded frames, text as typed."""

from __future__ import annotations

import math
import re

from quiz_samples import samples
from typer.testing import CliRunner

from quizzes.bank import Bank, load_outlines
from quizzes.classroom import SetSpec, answer_key, build_set, grade_class, papers, set_file
from quizzes.kit import kit_app

BANK = Bank(tuple(samples()), load_outlines())
STUDENTS = ["ann", "[bold]ben[/bold] :smile:", "[link=http://evil.example]cleo[/link]"]  # names hold no control characters


def test_grades_and_item_analysis_are_tables_of_the_graded_frames_with_names_as_typed(tmp_path, monkeypatch):
    monkeypatch.setattr("quizzes.load_bank", lambda: BANK)
    spec = SetSpec("SC-500-2026-05", count=5, seed=4, title="Week 1")
    ps = papers(build_set(BANK, spec), BANK.outlines[spec.outline], STUDENTS)
    rows = ["student,question_id,response"] + [f'"{r.student}",{r.question_id},"{r.key}"'
                                               for n, r in enumerate(answer_key(ps).itertuples()) if n % 2]
    (tmp_path / "set.json").write_text(set_file(spec, STUDENTS), encoding="utf-8")
    (tmp_path / "sheet.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = CliRunner().invoke(kit_app, ["grade", str(tmp_path / "set.json"), str(tmp_path / "sheet.csv")])
    assert out.exit_code == 0, out.output
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", out.stdout)  # no escape codes (no styles, no links)
    lines = {line.strip("│").split("│")[0].strip(): [c.strip() for c in line.strip("│").split("│")]
             for line in out.stdout.splitlines() if line.startswith("│")}
    grades = grade_class(ps, (tmp_path / "sheet.csv").read_text()).grades()
    for row in grades.itertuples(index=False):
        shown = lines[row.student]  # a row per student, the name as typed
        assert [float(c) for c in shown[1:]] == [row.points, row.questions, row.answered,
                                                 float(f"{row.percent:.3f}")]
        assert not math.isnan(row.percent)
    assert set(STUDENTS) <= set(lines)  # markup, links and emoji codes printed as typed
