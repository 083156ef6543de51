"""Grading the six question types, with partial credit and the misconception behind each slip."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizzes.grading import ResponseError, grade, key_of
from quizzes.schema import (
    Blank,
    DocumentCheck,
    DropdownQuestion,
    Item,
    MultipleQuestion,
    NumericQuestion,
    Option,
    OrderingQuestion,
    SingleQuestion,
    Statement,
    WrongValue,
    YesNoQuestion,
)

BASE = dict(stem="A question stem for the tests.", explanation="Why the key is the key.",
            sources=("https://learn.microsoft.com/en-us/entra/id-governance/privileged-identity-management/pim-configure",),
            outline=("SC-300:4.4.1",), difficulty=1, last_verified=date(2026, 11, 1),
            verify=DocumentCheck(document="https://learn.microsoft.com/en-us/entra/"))


def wrong(id_: str, text: str) -> Option:
    return Option(id=id_, text=text, explanation=f"{text} is wrong.", misconception=f"believing {text}")


SINGLE = SingleQuestion(id="t-single", type="single", options=(Option(id="a", text="right"), wrong("b", "b"),
                                                                wrong("c", "c")), key="a", **BASE)
MULTIPLE = MultipleQuestion(id="t-multiple", type="multiple", key=("a", "b"),
                            options=(Option(id="a", text="A"), Option(id="b", text="B"), wrong("c", "C"), wrong("d", "D")),
                            **BASE)
YES_NO = YesNoQuestion(id="t-yes-no", type="yes_no", statements=tuple(
    Statement(id=f"s{n}", text=f"statement {n}", key=k, explanation="why", misconception=f"m{n}")
    for n, k in enumerate((True, False, True), 1)), **BASE)
ORDERING = OrderingQuestion(id="t-ordering", type="ordering", items=tuple(Item(id=i, text=i.upper()) for i in "wxyz"),
                            key=("w", "x", "y", "z"), misconception="the usual wrong order", **BASE)
DROPDOWN = DropdownQuestion(id="t-dropdown", type="dropdown", blanks=(
    Blank(id="one", choices=(Option(id="a", text="A"), wrong("b", "B")), key="a"),
    Blank(id="two", choices=(wrong("a", "A2"), Option(id="b", text="B2")), key="b")),
    **{**BASE, "stem": "Fill [[one]] and [[two]] in."})
NUMERIC = NumericQuestion(id="t-numeric", type="numeric", key=24.0, unit="hours", tolerance=0.5,
                          wrong_values=(WrongValue(value=8, explanation="8 is the activation default.",
                                                   misconception="the approval window equals the activation maximum"),),
                          **BASE)


def test_single_is_all_or_nothing_and_names_the_misconception():
    assert grade(SINGLE, "a").score == 1.0
    g = grade(SINGLE, "b")
    assert (g.score, g.correct) == (0.0, False)
    assert g.slips[0].part == "b" and g.slips[0].misconception == "believing b"


@pytest.mark.parametrize(("picked", "score"), [
    (["a", "b"], 1.0), (["a"], 0.5), (["b", "a"], 1.0), (["a", "c"], 0.0), (["a", "b", "c"], 0.5),
    (["a", "b", "c", "d"], 0.0), ([], 0.0), (["c"], 0.0),
])
def test_multiple_gives_credit_for_right_picks_less_wrong_ones(picked, score):
    assert grade(MULTIPLE, picked).score == score


def test_multiple_reports_wrong_and_missed_options():
    g = grade(MULTIPLE, ["a", "c"])
    assert [s.part for s in g.slips] == ["c", "b"]
    assert g.slips[0].misconception == "believing C" and g.slips[1].misconception == "missed a right option"


def test_yes_no_scores_each_statement():
    assert grade(YES_NO, {"s1": True, "s2": False, "s3": True}).score == 1.0
    g = grade(YES_NO, [True, True, False])
    assert g.score == pytest.approx(1 / 3)
    assert [s.misconception for s in g.slips] == ["m2", "m3"]


def test_ordering_credits_pairs_in_the_right_relative_order():
    assert grade(ORDERING, ["w", "x", "y", "z"]).score == 1.0
    assert grade(ORDERING, ["z", "y", "x", "w"]).score == 0.0
    one_swap = grade(ORDERING, ["w", "y", "x", "z"])
    assert one_swap.score == pytest.approx(5 / 6)
    assert one_swap.slips[0].misconception == "the usual wrong order"
    assert one_swap.slips[0].explanation == "The right order is W > X > Y > Z."  # the texts the learner saw, not ids


@settings(deadline=None, max_examples=50)
@given(st.permutations(["w", "x", "y", "z"]))
def test_ordering_score_is_between_zero_and_one_and_one_only_for_the_key(order):
    score = grade(ORDERING, list(order)).score
    assert 0.0 <= score <= 1.0
    assert (score == 1.0) == (list(order) == ["w", "x", "y", "z"])


@settings(deadline=None, max_examples=50)
@given(st.sets(st.sampled_from("abcd")))
def test_multiple_score_is_bounded_and_full_only_for_the_key(picked):
    score = grade(MULTIPLE, sorted(picked)).score
    assert 0.0 <= score <= 1.0
    assert (score == 1.0) == (picked == {"a", "b"})


def test_dropdown_scores_each_blank():
    assert grade(DROPDOWN, {"one": "a", "two": "b"}).score == 1.0
    g = grade(DROPDOWN, {"one": "b", "two": "b"})
    assert g.score == 0.5 and g.slips[0].part == "one=b" and g.slips[0].misconception == "believing B"


def test_numeric_accepts_the_tolerance_and_names_known_wrong_values():
    assert grade(NUMERIC, 24).correct and grade(NUMERIC, "23.5").correct and grade(NUMERIC, 24.4).correct
    g = grade(NUMERIC, 8)
    assert g.score == 0.0 and g.slips[0].misconception == "the approval window equals the activation maximum"
    off_list = grade(NUMERIC, 30).slips[0]  # a wrong value the question doesn't name shows no misconception
    assert off_list.misconception == "" and off_list.explanation == "The answer is 24 hours."


@pytest.mark.parametrize(("question", "response", "message"), [
    (SINGLE, "z", "z: not among this question's options"),
    (SINGLE, ["a"], "one option id"),
    (MULTIPLE, "ab", "list of ids"),
    (MULTIPLE, ["a", "a"], "repeated"),
    (YES_NO, [True, False], "one yes or no per statement"),
    (YES_NO, {"s1": True, "s2": False}, "no answer for statement s3"),
    (YES_NO, {"s1": "yes", "s2": False, "s3": True}, r"response\[s1\]"),
    (ORDERING, ["w", "x", "y"], "every item"),
    (ORDERING, ["w", "x", "y", "q"], "q: not among"),
    (DROPDOWN, {"one": "a"}, "no choice for blank 'two'"),
    (DROPDOWN, {"one": "a", "two": "z"}, "choices for blank 'two'"),
    (DROPDOWN, ["a", "b"], "a choice id per blank"),
    (NUMERIC, "soon", "a number in hours"),
    (NUMERIC, True, "a number in hours"),
    (NUMERIC, float("nan"), "not a number"),
])
def test_bad_responses_say_what_is_wrong(question, response, message):
    with pytest.raises(ResponseError, match=message):
        grade(question, response)


def test_the_key_in_response_form_always_scores_full_marks():
    for q in (SINGLE, MULTIPLE, YES_NO, ORDERING, DROPDOWN, NUMERIC):
        assert grade(q, key_of(q)).score == 1.0

