"""Mutation tests: change one modelled fact and the questions that depend on it must disagree.

This proves the keys are checked against the simulation, not against themselves: the probes
read what the engine did, so a different product (a 48-hour approval window, PIM events kept
out of the Entra audit log) yields different observations while the bank's keys stay put.
"""

from __future__ import annotations

import pytest

from pim_sim import facts
from pim_sim.core import audit
from pim_sim.core.audit import Place
from quizzes.bank import Bank, load_bank
from quizzes.schema import ProbeCheck
from quizzes.verify import verify_bank

DAY = 24 * 60.0


@pytest.fixture(scope="module")
def bank():
    return load_bank()


def failing(bank: Bank, *probes: str) -> set[str]:
    """Verify only the questions that use these probes; return the ids that disagree."""
    subset = Bank(tuple(q for q in bank if isinstance(q.verify, ProbeCheck) and q.verify.probe in probes),
                  bank.outlines)
    assert len(subset) > 0
    return {c.question_id for c in verify_bank(subset).failures}


def mutate(monkeypatch, name: str, value) -> None:
    old = getattr(facts, name)
    monkeypatch.setattr(facts, name, facts.Fact(value, old.source, old.documented, "mutated for a test"))


def test_unmutated_the_affected_questions_agree(bank):
    assert failing(bank, "approval_rules", "audit_trail", "audit_categories", "extend_renew", "activation_limits") == set()


def test_a_48_hour_approval_window_breaks_the_window_question(bank, monkeypatch):
    mutate(monkeypatch, "APPROVAL_WINDOW_MINUTES", 2 * DAY)
    assert "apr-window" in failing(bank, "approval_rules")


def test_dropping_the_entra_audit_log_breaks_the_where_it_lives_questions(bank, monkeypatch):
    real = audit.places

    def without_entra_log(record):
        return tuple(p for p in real(record) if p is not Place.ENTRA_AUDIT_PIM)

    monkeypatch.setattr(audit, "places", without_entra_log)
    broken = failing(bank, "audit_trail", "audit_categories")
    assert {"au-where-it-lives", "au-separate-claim", "au-entra-retention-p2", "au-entra-retention-free",
            "au-after-lapse", "au-groups-places"} <= broken
    assert "au-pim-window" not in broken  # PIM's own blades are untouched by this mutation


def test_a_90_day_renew_window_breaks_the_renew_question(bank, monkeypatch):
    mutate(monkeypatch, "RENEW_WINDOW_MINUTES", 90 * DAY)
    assert "er-renew-window" in failing(bank, "extend_renew")


def test_a_30_day_extend_window_breaks_the_extend_questions(bank, monkeypatch):
    mutate(monkeypatch, "EXTEND_WINDOW_MINUTES", 30 * DAY)
    assert {"er-extend-window", "er-extend-when"} <= failing(bank, "extend_renew")


def test_no_deactivation_guard_breaks_the_deactivation_questions(bank, monkeypatch):
    mutate(monkeypatch, "NO_DEACTIVATE_WITHIN_MINUTES", 0.0)
    assert {"act-deactivate-early", "act-deactivate-code"} <= failing(bank, "activation_limits")


def test_the_mutation_score_kills_rule_mutants_and_spares_a_mutant_that_changes_nothing(bank):
    from contextlib import nullcontext

    from quizzes import mutation

    chosen = tuple(m for m in mutation.MUTANTS if m.name in ("approval-window-48h", "entra-audit-without-pim",
                                                             "self-approval"))
    no_op = mutation.Mutant("no-op", "changes nothing", nullcontext)
    outcomes = mutation.run((*chosen, no_op), bank)
    assert [o.killed for o in outcomes] == [True, True, True, False]
    assert "apr-window" in outcomes[0].killed_by
    assert facts.APPROVAL_WINDOW_MINUTES.value == DAY  # every mutant is undone
