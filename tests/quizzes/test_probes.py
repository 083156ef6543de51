"""Probes run the engine and decide keys; verify_bank checks every key against them."""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizzes.bank import load_bank
from quizzes.probes import AUDIT_COLUMNS, PROBES, ProbeResult, run_probe
from quizzes.schema import MultipleQuestion, OrderingQuestion, ProbeCheck, SingleQuestion
from quizzes.verify import Disagreement, check_question, derive_key, evidence, print_report, same, verify_bank


@pytest.fixture(scope="module")
def bank():
    return load_bank()


@pytest.fixture(scope="module")
def report(bank):
    return verify_bank(bank)


@pytest.fixture(scope="module")
def results():
    return {name: run_probe(name) for name in PROBES}


def test_every_key_agrees_with_the_simulation(report):
    assert [(c.question_id, c.detail) for c in report.failures] == []
    assert report.disagreements == 0


def test_at_least_80_percent_of_the_bank_is_checked_by_probes(report):
    assert report.questions >= 150
    assert report.probe_verified / report.questions >= 0.8


def test_the_report_ends_with_the_summary_line(report):
    out = io.StringIO()
    print_report(report, out, verbose=True)
    lines = out.getvalue().splitlines()
    assert re.fullmatch(r"questions=\d+ probe_verified=\d+ disagreements=\d+", lines[-1])
    assert lines[-1] == f"questions={report.questions} probe_verified={report.probe_verified} disagreements=0"
    assert report.counts() == {"questions": report.questions, "probe_verified": report.probe_verified,
                               "disagreements": 0}
    assert len(lines) == report.questions + 1  # verbose: one line per question


def test_the_readme_shows_the_bank_as_it_is(report):
    """The README's example of the verify line is the line the bank gives today (it drifts when questions change)."""
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    shown = re.findall(r"# (questions=\d+ probe_verified=\d+ disagreements=\d+)", readme)
    assert shown == [f"questions={report.questions} probe_verified={report.probe_verified} disagreements=0"]


def test_every_probe_keeps_its_evidence(results):
    for name, result in results.items():
        assert result.observations, name
        assert list(result.evidence.columns) == AUDIT_COLUMNS, name
        assert len(result.evidence) > 0 and len(result.timeline) >= len(result.evidence), name
        assert result.story, name


def test_every_probe_is_used_by_a_question(bank):
    used = {q.verify.probe for q in bank if isinstance(q.verify, ProbeCheck)}
    assert used == set(PROBES)


def test_probes_are_deterministic():
    a, b = run_probe("approval_rules"), run_probe("approval_rules")
    assert a.observations == b.observations and a.timeline == b.timeline
    assert a.evidence.equals(b.evidence)


def test_the_evidence_shows_why(bank):
    seed = evidence(bank.get("au-where-it-lives"))
    assert "Microsoft Entra audit logs (Service = PIM)" in seed.observed("activation_places")
    assert any("Add member to role completed (PIM activation) [PIM]" in line for line in seed.timeline)
    window = evidence(bank.get("apr-window"))
    expired = window.evidence[window.evidence["activity"] == "PIM activation request expired"]
    assert len(expired) == 1 and expired["minute"].iloc[0] == 24 * 60
    assert any("REFUSED" in line and "SelfApprovalNotAllowed" in line for line in window.timeline)
    assert evidence(bank.get("apr-window-configurable")) is None  # document-cited


def test_an_unknown_observation_is_a_disagreement_not_a_crash(bank, results):
    q = bank.get("apr-window")
    broken = q.model_copy(update={"verify": ProbeCheck(probe="approval_rules", observe="no_such_thing")})
    check = check_question(broken, results["approval_rules"])
    assert check.agrees is False and "observes no 'no_such_thing'" in check.detail


def test_a_failing_probe_is_reported_as_a_disagreement(bank):
    check = check_question(bank.get("apr-window"), RuntimeError("boom"))
    assert check.agrees is False and "probe failed: RuntimeError: boom" in check.detail


# A wrong key of every type is caught: the verifier really compares.
WRONG_KEYS = {
    "apr-first-decision": {"key": "b"},  # single
    "apr-default-approvers-entra": {"key": ("a",)},  # multiple: one right option missing
    "act-flow-order": {"key": ("requested", "approved", "approval", "completed", "expired")},  # ordering
    "apr-window": {"key": 48.0},  # numeric
}


@pytest.mark.parametrize("question_id", sorted(WRONG_KEYS))
def test_a_wrong_key_disagrees(bank, results, question_id):
    q = bank.get(question_id)
    assert check_question(q, results[q.verify.probe]).agrees is True
    wrong = q.model_copy(update=WRONG_KEYS[question_id])
    check = check_question(wrong, results[q.verify.probe])
    assert check.agrees is False and "the simulation implies" in check.detail


def test_a_wrong_yes_no_statement_or_dropdown_blank_disagrees(bank, results):
    q = bank.get("apr-deny")
    flipped = q.statements[1].model_copy(update={"key": not q.statements[1].key})
    wrong = q.model_copy(update={"statements": (q.statements[0], flipped, *q.statements[2:])})
    assert check_question(wrong, results["approval_rules"]).agrees is False
    d = bank.get("au-categories")
    swapped = d.blanks[0].model_copy(update={"key": "res"})
    wrong_d = d.model_copy(update={"blanks": (swapped, *d.blanks[1:])})
    assert check_question(wrong_d, results["audit_categories"]).agrees is False


def test_derive_key_needs_exactly_one_matching_option(bank, results):
    q = bank.get("apr-first-decision")
    ambiguous = q.model_copy(update={"options": tuple(o.model_copy(update={"value": "Provisioned"})
                                                      for o in q.options)})
    with pytest.raises(Disagreement, match="matches 3 options"):
        derive_key(ambiguous, results["approval_rules"])


@pytest.mark.parametrize(("a", "b", "equal"), [
    ("Denied", " denied ", True), (24, 24.0, True), (True, 1, False), (False, "false", False), ("7", 7, False),
])
def test_same_compares_as_the_bank_means(a, b, equal):
    assert same(a, b) is equal and same(b, a) is equal


def test_the_readme_quotes_the_current_verify_line(report):
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert f"# {report.summary_line()}" in readme


# --- invariants of key derivation -------------------------------------------------------------------
tokens = st.lists(st.text(alphabet="abcdefghij ", min_size=1, max_size=8).map(str.strip).filter(bool),
                  min_size=3, max_size=6, unique_by=str.casefold)


def _result(**observations) -> ProbeResult:
    return ProbeResult("synthetic", "a synthetic probe", observations, pd.DataFrame(columns=AUDIT_COLUMNS), ())


def _base(kind: str) -> dict:
    return {"id": f"h-{kind}", "type": kind, "stem": "A generated question stem.", "explanation": "Generated here.",
            "sources": ["https://learn.microsoft.com/x"], "outline": ["SC-300:4.4.1"], "difficulty": 2,
            "last_verified": "2026-11-29", "verify": {"probe": "synthetic", "observe": "seen"}}


@settings(deadline=None, max_examples=60)
@given(tokens, st.randoms(use_true_random=False))
def test_an_ordering_key_follows_the_observed_order(texts, rnd):
    items = [{"id": f"i{n}", "text": t} for n, t in enumerate(texts)]
    q = OrderingQuestion.model_validate({**_base("ordering"), "items": items, "key": [i["id"] for i in items],
                                         "misconception": "any"})
    observed = list(texts)
    rnd.shuffle(observed)
    derived = derive_key(q, _result(seen=observed))
    assert [texts[int(i[1:])] for i in derived] == observed


@settings(deadline=None, max_examples=60)
@given(tokens, st.data())
def test_a_single_key_is_the_option_the_simulation_names(texts, data):
    options = [{"id": f"o{n}", "text": t, "explanation": "e", "misconception": "m"} for n, t in enumerate(texts)]
    q = SingleQuestion.model_validate({**_base("single"), "options": options, "key": "o0"})
    pick = data.draw(st.integers(0, len(texts) - 1))
    assert derive_key(q, _result(seen=texts[pick].upper())) == f"o{pick}"
    assert check_question(q, _result(seen=texts[pick])).agrees is (pick == 0)


@settings(deadline=None, max_examples=60)
@given(tokens, st.data())
def test_a_multiple_key_is_the_set_of_options_observed(texts, data):
    options = [{"id": f"o{n}", "text": t, "explanation": "e", "misconception": "m"} for n, t in enumerate(texts)]
    q = MultipleQuestion.model_validate({**_base("multiple"), "options": options, "key": ["o0"]})
    chosen = data.draw(st.sets(st.integers(0, len(texts) - 1), min_size=1))
    observed = [texts[i] for i in chosen] + ["something never offered"]
    assert set(derive_key(q, _result(seen=observed))) == {f"o{i}" for i in chosen}
