"""Grading the six question types, with partial credit, and naming the misconception behind
each wrong part of an answer.

Microsoft's exam scoring gives one point for each correctly answered component and deducts
nothing for a wrong one; its multiple-answer questions say how many answers to choose
(https://learn.microsoft.com/en-us/credentials/certifications/exam-scoring-reports). Scores here
are shares of a question's points, 0 to 1:

- ``single``: all or nothing.
- ``multiple``: (right picks - wrong picks) / number of right options, never below zero (a
  model choice: the real exam stops you choosing more than it asks for; here a wrong pick
  cancels a right one instead, so ticking every box earns nothing). Exports to LMS formats use
  the same weights.
- ``multiple`` with ``choose`` (the exam's "Choose two"; every ``multi_part`` item): one point
  per right pick, out of ``choose``; a wrong pick within ``choose`` costs nothing but the point
  it didn't earn, as on the exam. Picks beyond ``choose`` (the exam wouldn't allow them) each
  cancel a right pick, so ticking every box earns nothing. "Each correct answer presents part of
  the solution" and "... a complete solution" are graded alike: each right pick is one point.
- ``yes_no``: the share of statements answered right (each statement is its own item).
- ``ordering``: the share of item pairs put in the right relative order (Kendall), so one
  item moved one place still earns most of the credit (a model choice: Microsoft doesn't say
  how it splits an ordering question into components).
- ``dropdown``: the share of blanks filled right.
- ``numeric``: all or nothing, within the question's tolerance.

The exam forms (:data:`quizzes.schema.EXAM_FORMS`) are graded by their type: a
``goal_solution`` item (Yes or No) all or nothing; a ``hotspot`` per statement or dropdown; a
``sequence`` by pairs in order; a ``multi_part`` item per right pick as above; a ``case_study``
item by its own type. ``drill`` items are graded like any other item and weigh less only in
how often an exam serves them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from quizzes.errors import QuizError

from .schema import (
    DropdownQuestion,
    MultipleQuestion,
    NumericQuestion,
    OrderingQuestion,
    SingleQuestion,
    YesNoQuestion,
)


class ResponseError(QuizError):
    """An answer that doesn't fit its question: names the field and the problem."""


@dataclass(frozen=True, slots=True)
class Slip:
    """One wrong part of an answer and the misconception it shows."""

    part: str  # the option, statement, blank or value that was wrong
    explanation: str
    misconception: str  # empty when the wrong value is not one the question names (an off-list number)


@dataclass(frozen=True, slots=True)
class Grade:
    score: float  # 0..1
    slips: tuple[Slip, ...] = ()

    @property
    def correct(self) -> bool:
        return self.score >= 1.0


def _ids(response, what: str) -> list[str]:
    if isinstance(response, str) or not isinstance(response, Sequence | set | frozenset):
        raise ResponseError(f"response: a {what} answer is a list of ids, got {response!r}")
    out = [str(r) for r in response]
    if len(set(out)) != len(out):
        raise ResponseError(f"response: ids repeated in {out}")
    return out


def _known(given: list[str], known: Sequence[str], what: str) -> None:
    unknown = [g for g in given if g not in known]
    if unknown:
        raise ResponseError(f"response: {', '.join(unknown)}: not among this question's {what} "
                            f"(choose from {', '.join(known)})")


def grade_single(q: SingleQuestion, response) -> Grade:
    if not isinstance(response, str):
        raise ResponseError(f"response: a single-answer question takes one option id, got {response!r}")
    _known([response], [o.id for o in q.options], "options")
    if response == q.key:
        return Grade(1.0)
    o = next(o for o in q.options if o.id == response)
    return Grade(0.0, (Slip(o.id, o.explanation, o.misconception),))


def grade_multiple(q: MultipleQuestion, response) -> Grade:
    picked = _ids(response, "multiple-answer")
    _known(picked, [o.id for o in q.options], "options")
    key = set(q.key)
    right = sum(1 for p in picked if p in key)
    wrong = [o for o in q.options if o.id in picked and o.id not in key]
    missed = [o for o in q.options if o.id in key and o.id not in picked]
    slips = [Slip(o.id, o.explanation, o.misconception) for o in wrong]
    slips += [Slip(o.id, f"{o.text} is also right. {o.explanation}".strip(), "missed a right option") for o in missed]
    if q.choose:
        over = max(0, len(picked) - q.choose)
        return Grade(max(0.0, (right - over) / q.choose), tuple(slips))
    return Grade(max(0.0, (right - len(wrong)) / len(key)), tuple(slips))


def grade_yes_no(q: YesNoQuestion, response) -> Grade:
    ids = [s.id for s in q.statements]
    if isinstance(response, Mapping):
        _known([str(k) for k in response], ids, "statements")
        answers = dict(response)
    elif isinstance(response, Sequence) and not isinstance(response, str) and len(response) == len(ids):
        answers = dict(zip(ids, response, strict=True))
    else:
        raise ResponseError(f"response: a yes/no series takes one yes or no per statement ({len(ids)}), got {response!r}")
    missing = [i for i in ids if i not in answers]
    if missing:
        raise ResponseError(f"response: no answer for statement {', '.join(missing)}")
    for sid, value in answers.items():
        if not isinstance(value, bool):
            raise ResponseError(f"response[{sid}]: answer yes (true) or no (false), got {value!r}")
    slips = tuple(Slip(s.id, s.explanation, s.misconception) for s in q.statements if answers[s.id] is not s.key)
    return Grade((len(ids) - len(slips)) / len(ids), slips)


def grade_ordering(q: OrderingQuestion, response) -> Grade:
    order = _ids(response, "ordering")
    ids = [i.id for i in q.items]
    _known(order, ids, "items")
    if sorted(order) != sorted(ids):
        raise ResponseError(f"response: put every item in order exactly once ({', '.join(ids)})")
    place = {item: n for n, item in enumerate(order)}
    pairs = list(combinations(q.key, 2))
    kept = sum(1 for a, b in pairs if place[a] < place[b])
    score = kept / len(pairs)
    texts = {i.id: i.text for i in q.items}
    slips = () if score == 1.0 else (Slip("order", "The right order is " + " > ".join(texts[k] for k in q.key) + ".",
                                          q.misconception),)
    return Grade(score, slips)


def grade_dropdown(q: DropdownQuestion, response) -> Grade:
    if not isinstance(response, Mapping):
        raise ResponseError(f"response: a dropdown question takes a choice id per blank, got {response!r}")
    _known([str(k) for k in response], [b.id for b in q.blanks], "blanks")
    slips = []
    for b in q.blanks:
        choice = response.get(b.id)
        if choice is None:
            raise ResponseError(f"response: no choice for blank {b.id!r}")
        _known([str(choice)], [c.id for c in b.choices], f"choices for blank {b.id!r}")
        if choice != b.key:
            c = next(c for c in b.choices if c.id == choice)
            slips.append(Slip(f"{b.id}={c.id}", c.explanation, c.misconception))
    return Grade((len(q.blanks) - len(slips)) / len(q.blanks), tuple(slips))


def _shown(response) -> str:
    """A response in a message: at most 40 characters (an int over Python's 4,300-digit limit has no text)."""
    try:
        text = repr(response)
    except ValueError:
        return "an integer of more than 4,300 digits"
    return f"{text[:40]}..." if len(text) > 40 else text


def grade_numeric(q: NumericQuestion, response) -> Grade:
    if isinstance(response, bool):
        raise ResponseError(f"response: a numeric question takes a number in {q.unit}, got {response!r}")
    shown = _shown(response)
    try:
        value = float(response)
    except OverflowError:  # an int such as 10**400 has no float
        raise ResponseError(f"response: {shown} is too large a number for a numeric question") from None
    except (TypeError, ValueError):
        raise ResponseError(f"response: a numeric question takes a number in {q.unit}, got {shown}") from None
    if value != value:
        raise ResponseError("response: not a number")
    if value in (float("inf"), float("-inf")):
        raise ResponseError(f"response: a finite number in {q.unit} is expected, got {value}")
    if q.accepts(value):
        return Grade(1.0)
    known = [w for w in q.wrong_values if abs(w.value - value) <= max(q.tolerance, 1e-9)]
    if known:
        return Grade(0.0, tuple(Slip(f"{value:g} {q.unit}", w.explanation, w.misconception) for w in known))
    return Grade(0.0, (Slip(f"{value:g} {q.unit}", f"The answer is {q.key:g} {q.unit}.", ""),))


_GRADERS: dict[str, Callable[[Any, Any], Grade]] = {
    "single": grade_single, "multiple": grade_multiple, "yes_no": grade_yes_no, "ordering": grade_ordering,
    "dropdown": grade_dropdown, "numeric": grade_numeric}


def grade(question, response) -> Grade:
    """Score a response to any question type."""
    return _GRADERS[question.type](question, response)


def key_of(question):
    """The right response, in the form :func:`grade` accepts."""
    if question.type == "yes_no":
        return {s.id: s.key for s in question.statements}
    if question.type in ("multiple", "ordering"):
        return list(question.key)
    return question.key
