"""Item analysis (classical test theory) of a graded class: difficulty, corrected point-biserial
discrimination, option shares and flags, checked against a direct computation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from quiz_samples import samples

from quizzes.analysis import item_analysis, option_shares
from quizzes.bank import Bank, load_outlines
from quizzes.classroom import SetSpec, answer_key, build_set, grade_class, papers

OUTLINE = "SC-500-2026-05"
BANK = Bank(tuple(samples()), load_outlines())


def _sheet(rows) -> str:
    return "student,question_id,response\n" + "\n".join(",".join(f'"{c}"' for c in r) for r in rows) + "\n"


def graded_class(right: dict[str, set[int]], count: int = 6):
    """Students answer the items whose position is in their set right and the single-choice ones
    wrong otherwise (others left blank)."""
    quiz = build_set(BANK, SetSpec(OUTLINE, count=count, seed=3))
    ps = papers(quiz, BANK.outlines[OUTLINE], list(right))
    key = answer_key(ps)
    rows = []
    for p in ps:
        keys = key[key["student"] == p.student].set_index("question_id")["key"]
        for n, it in enumerate(p.items):
            if n in right[p.student]:
                rows.append((p.student, it.id, keys[it.id]))
            elif it.question.type == "single":
                rows.append((p.student, it.id, next(o.id for o in it.question.options if o.id != it.question.key)))
    return grade_class(ps, _sheet(rows))


def test_difficulty_and_discrimination_are_those_of_classical_test_theory():
    right = {"s1": set(), "s2": {0}, "s3": {0, 1}, "s4": {0, 1, 2}, "s5": {0, 1, 2, 3}, "s6": {0, 1, 2, 3, 4, 5},
             "s7": {1, 2, 3, 4, 5}, "s8": {0, 2, 4}}
    results = graded_class(right)
    table = item_analysis(results.answers).set_index("item")
    answers = results.answers
    totals = answers.groupby("student")["score"].sum()
    for item, group in answers.groupby("item"):
        scores = group.set_index("student")["score"]
        assert table.loc[item, "difficulty_p"] == pytest.approx(scores.mean(), abs=1e-3)
        x = (scores >= 1).astype(float).to_numpy()
        y = (totals.loc[scores.index] - scores).to_numpy()
        expected = np.corrcoef(x, y)[0, 1]  # Pearson's r on a 0/1 variable is the point-biserial r
        assert table.loc[item, "discrimination"] == pytest.approx(expected, abs=1e-3)
        assert table.loc[item, "students"] == len(right)


def test_items_that_fail_to_tell_students_apart_are_flagged():
    # item 0: the weakest students get it, the strongest don't (negative); the others follow ability
    right = {"a": {0}, "b": {0, 1}, "c": {0, 1, 2}, "d": {1, 2, 3, 4}, "e": {1, 2, 3, 4, 5}, "f": {1, 2, 3, 4, 5}}
    results = graded_class(right)
    table = item_analysis(results.answers)
    first = results.answers[results.answers["student"] == "a"]["item"].iloc[0]
    row = table.set_index("item").loc[first]
    assert row["discrimination"] < 0 and "negative discrimination" in row["flag"]


def test_option_shares_count_each_students_choice_by_its_text():
    right = {"a": {0, 1, 2, 3, 4, 5}, "b": set(), "c": set()}
    results = graded_class(right)
    shares = option_shares(results.answers)
    single = results.answers[results.answers["type"] == "single"]
    for item, group in single.groupby("item"):
        mine = shares[shares["item"] == item]
        assert mine["students"].sum() == len(group)  # each student chose one option (or none)
        assert mine["share"].sum() == pytest.approx(1.0, abs=0.01)


@settings(max_examples=20, deadline=None)
@given(st.lists(st.lists(st.sampled_from([0.0, 0.5, 1.0]), min_size=4, max_size=4), min_size=2, max_size=12))
def test_p_is_within_0_and_1_and_r_within_minus_1_and_1(matrix):
    answers = pd.DataFrame([{"student": f"s{i}", "item": f"q{j}", "objective": "o", "type": "single", "score": v,
                             "answered": True, "chosen": ()} for i, row in enumerate(matrix) for j, v in enumerate(row)])
    table = item_analysis(answers)
    assert table["difficulty_p"].between(0, 1).all()
    assert table["discrimination"].dropna().between(-1, 1).all()
    assert len(table) == 4
