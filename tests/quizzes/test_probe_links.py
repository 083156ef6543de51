"""More mutation tests: the probe-verified keys added in the audit follow the model, not their own text.

Each test changes one modelled behaviour and checks that exactly the questions built on it
disagree (the style of ``tests/test_mutation.py``).
"""

from __future__ import annotations

from dataclasses import replace

from test_mutation import bank, failing  # the module-scoped bank fixture and the subset verifier

from pim_sim import facts
from pim_sim.features.reviews import ReviewBook
from pim_sim.graph import writer as graph_export

__all__ = ["bank"]


def test_unmutated_the_questions_agree(bank):
    assert failing(bank, "approval_rules", "azure_group_review", "graph_policy_export") == set()


def test_allowing_self_approval_breaks_the_self_approval_questions(bank, monkeypatch):
    old = facts.SELF_APPROVAL_ALLOWED
    monkeypatch.setattr(facts, "SELF_APPROVAL_ALLOWED", facts.Fact(True, old.source, old.documented, "mutated"))
    assert {"apr-self-approval", "apr-own-request-deciders"} <= failing(bank, "approval_rules")


def test_a_review_that_removes_azure_group_members_breaks_the_group_member_question(bank, monkeypatch):
    real = ReviewBook._remove

    def remove_the_group_assignment(self, review, subject):
        return real(self, review, replace(subject, principal=subject.assigned_to))  # the group loses the role

    monkeypatch.setattr(ReviewBook, "_remove", remove_the_group_assignment)
    assert failing(bank, "azure_group_review") == {"rv-azure-group-member"}


def test_an_export_with_sixteen_rules_breaks_the_rule_count_question(bank, monkeypatch):
    monkeypatch.setattr(graph_export, "RULE_IDS", graph_export.RULE_IDS[:-1])
    assert failing(bank, "graph_policy_export") == {"gx-policy-rules"}
