"""`pim-sim quiz` in the terminal: practice, --exam, verify and stats."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pim_sim.cli import app
from quizzes.cli import build_pool, format_response, parse_response
from quizzes.generate import TEMPLATES, generate
from quizzes.grading import key_of
from quizzes.progress import Actor, open_store
from quizzes.session import review_order, weighted_exam

OWNER = Actor.instructor()  # the tests own the store, as the command line does
ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


@pytest.fixture
def store_path(tmp_path, monkeypatch):
    path = tmp_path / "progress.sqlite3"
    monkeypatch.setenv("PIM_SIM_PROGRESS", str(path))
    return path


def _wrong_text(q) -> str:
    if q.type == "single":
        return next(o.id for o in q.options if o.id != q.key)
    if q.type == "multiple":
        return next(o.id for o in q.options if o.id not in q.key)
    if q.type == "yes_no":
        return ",".join("n" if s.key else "y" for s in q.statements)
    if q.type == "dropdown":
        return ",".join(next(c.id for c in b.choices if c.id != b.key) for b in q.blanks)
    if q.type == "ordering":
        return ",".join(str(n) for n in range(len(q.items), 0, -1))
    return f"{q.key + q.tolerance + 999:g}"


def test_typed_answers_round_trip_for_every_generated_type():
    for name in TEMPLATES:
        q = generate(name, 1).question
        key = key_of(q)
        parsed = parse_response(q, format_response(q, key))
        assert parsed == (list(key.values()) if q.type == "yes_no" else key) or q.type == "numeric"


def test_practice_in_the_terminal_gives_feedback_and_keeps_answers(store_path):
    _, pool = build_pool("SC-300", seed=3)
    first, second = review_order(pool, [], datetime.now(UTC))[:2]
    typed = ["", "nonsense!", format_response(first.question, key_of(first.question)), _wrong_text(second.question)]
    result = runner.invoke(app, ["quiz", "--learner", "ann", "--count", "2", "--seed", "3"], input="\n".join(typed) + "\n")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "[1/2]" in out and "[2/2]" in out
    assert "response: empty" in out  # a blank line is refused, then re-asked
    assert out.count("Right.") == 1 and ("Not right." in out or "Partly right" in out)
    assert "misconception:" in out and "Why:" in out and "Sources:" in out
    assert "seed 3" in out
    with open_store(store_path) as store:
        kept = store.answers("ann", actor=OWNER)
    assert [a.question_id for a in kept] == [first.id, second.id]
    assert kept[0].score == 1.0 and kept[1].score < 1.0 and {a.mode for a in kept} == {"practice"}


def test_generated_questions_show_the_simulation_evidence(store_path):
    g = generate("approval-expiry", 9)
    result = runner.invoke(app, ["quiz", "--learner", "ann", "--count", "1", "--seed", "9", "--source", "generated",
                                 "--topic", "approval", "--outline", "SC-300", "--objective", "4.4.4", "--in-order"],
                           input="a\n" * 3)
    assert result.exit_code == 0, result.output
    assert f"[1/1] {g.question.stem[:40]}" in result.output
    assert "Evidence from the simulation:" in result.output
    expired = next(line for line in g.evidence if "PIM activation request expired" in line)
    assert expired[:60] in result.output.replace("\n    ", " ")


def test_exam_in_the_terminal_skips_flags_reviews_and_reports(store_path):
    _, pool = build_pool("SC-300", seed=4, strict=True)
    chosen = weighted_exam(pool, 4, 4)
    keys = [format_response(it.question, key_of(it.question)) for it in chosen]
    typed = ["skip", keys[1] + "?", _wrong_text(chosen[2].question), keys[3], "y", keys[0], keys[1]]
    result = runner.invoke(app, ["quiz", "--exam", "--learner", "bo", "--count", "4", "--seed", "4", "--minutes", "30",
                                 "--outline", "SC-300"], input="\n".join(typed) + "\n")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "No feedback until the end" in out
    before_report = out.split("Score ")[0]
    assert "Right." not in before_report and "Key:" not in before_report
    assert "Review 2 flagged or unanswered" in out and "[flagged]" in out
    assert re.search(r"Score (\d+)/1000: (PASS|FAIL)", out)
    assert "By domain:" in out and "By objective:" in out and "SC-300:4.4." in out
    assert f"Question 3 ({chosen[2].id})" in out  # the wrong one is explained at the end
    with open_store(store_path) as store:
        kept = store.answers("bo", actor=OWNER)
    assert {a.mode for a in kept} == {"exam"} and len(kept) == 5  # the flagged one was answered twice
    assert len({a.question_id for a in kept}) == 4


def test_stats_show_answers_due_skills_and_readiness(store_path):
    runner.invoke(app, ["quiz", "--learner", "ann", "--count", "1", "--seed", "1", "--outline", "SC-300"],
                  input="a\ny\n1\na\n0\na a\na a a\n" * 2)  # whatever the drawn item asks
    result = runner.invoke(app, ["quiz", "stats", "--learner", "ann", "--outline", "SC-300"])
    assert result.exit_code == 0, result.output
    assert re.search(r"ann: 1 answers", result.output)
    assert "Skills (FSRS):" in result.output and "SC-300:4.4." in result.output
    assert re.search(r"Plan and automate identity governance\s+\d+%\s+\[\d+% to \d+%\]\s+\(1 answers\)", result.output)
    listing = runner.invoke(app, ["quiz", "stats"])
    assert listing.exit_code == 0 and listing.output.startswith("ann: 1 answers")


def test_stats_with_no_learners_says_how_to_start(store_path):
    result = runner.invoke(app, ["quiz", "stats"])
    assert result.exit_code == 0 and "No learners yet" in result.output


def test_verify_prints_the_summary_line_last():
    result = runner.invoke(app, ["quiz", "verify"])
    last = result.output.strip().splitlines()[-1]
    m = re.fullmatch(r"questions=(\d+) probe_verified=(\d+) disagreements=(\d+)", last)
    assert m, last
    assert int(m.group(1)) >= int(m.group(2)) > 0
    assert result.exit_code == (1 if int(m.group(3)) else 0)


@pytest.mark.parametrize(("args", "message"), [
    (["quiz", "--outline", "NOPE"], "no outline 'NOPE'"),
    (["quiz", "--topic", "nothing-here"], "no question matches"),
    (["quiz", "stats", "--outline", "NOPE"], "no outline 'NOPE'"),
    (["quiz", "--count", "0"], "--count"),
])
def test_bad_options_are_refused_clearly(store_path, args, message):
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert message in result.output


def test_quiz_help_lists_the_commands():
    result = runner.invoke(app, ["quiz", "--help"])
    assert result.exit_code == 0
    for word in ("--exam", "verify", "stats", "--learner"):
        assert word in result.output


def test_the_command_line_module_of_pim_sim_does_not_import_quizzes():
    code = "import sys, pim_sim.cli; print('quizzes' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "False"


def test_an_exam_whose_time_is_up_is_marked_with_what_was_answered(store_path):
    result = runner.invoke(app, ["quiz", "--exam", "--learner", "cy", "--count", "3", "--seed", "1",
                                 "--minutes", "0.000001"], input="a\n" * 5)
    assert result.exit_code == 0, result.output
    assert "0 answered; time ran out" in result.output and "FAIL" in result.output


def test_the_right_answer_is_not_always_the_first_option():
    from quizzes.cli import build_pool
    from quizzes.grading import grade

    _, pool = build_pool("SC-300", seed=7, generated=False)
    singles = [it.question for it in pool if it.question.type == "single"]
    first = [q.options[0].id == q.key for q in singles]
    assert len(singles) > 50 and 0 < sum(first) < len(singles) / 2
    for q in singles:  # relettered consistently: the key still names the right text and grades right
        assert q.key in {o.id for o in q.options} and grade(q, q.key).correct


def test_an_item_of_a_case_study_is_shown_after_its_case():
    from quizzes.bank import load_bank
    from quizzes.cli import render

    item = next(q for q in load_bank().questions if q.case)
    shown = render(item)
    assert shown.startswith("Case study: ") and "Requirements" in shown
    assert shown.index("Requirements") < shown.index(item.stem.split()[0])
