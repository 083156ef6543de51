"""What every export shares: keyed answers, plain text, line breaks, response and key wording."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any
from xml.etree import ElementTree as ET

from quizzes.errors import QuizError

PART = "\n\n» "  # separates a shared stem from the statement or blank a split question asks about


class ExportError(QuizError):
    """A set that can't be exported: names the question and the problem."""


@dataclass(frozen=True, slots=True)
class Keyed:
    """A question reduced to what an export must keep: id, type, stem and the key in words
    (option texts, not ids, because GIFT and Anki carry no option ids)."""

    id: str
    type: str
    stem: str
    key: Any


def keyed(question) -> Keyed:
    """What an export of ``question`` must keep."""
    q = question
    if q.type == "single":
        key: Any = _option(q.options, q.key).text
    elif q.type == "multiple":
        key = tuple(sorted(_option(q.options, k).text for k in q.key))
    elif q.type == "yes_no":
        key = tuple((s.text, s.key) for s in q.statements)
    elif q.type == "ordering":
        key = tuple(_option(q.items, k).text for k in q.key)
    elif q.type == "dropdown":
        key = tuple((b.id, _option(b.choices, b.key).text) for b in q.blanks)
    else:
        key = (float(q.key), float(q.tolerance))
    return Keyed(q.id, q.type, q.stem, key)


def _option(options, option_id: str):
    return next(o for o in options if o.id == option_id)


def _percent(value: float) -> str:
    return f"{value:.5f}".rstrip("0").rstrip(".")


def _number(value: float) -> str:
    return f"{value:g}"


def _feedback(question) -> str:
    sources = ", ".join(str(s) for s in question.sources)
    note = f"\n\nExam note: {question.exam_note}" if question.exam_note else ""
    return f"{question.explanation}{note}\n\nSources: {sources}"


def _wrong_note(option) -> str:
    return f"{option.explanation} (Misconception: {option.misconception})" if option.misconception else option.explanation


# =============================================================================== text from a set file
# A set's title comes from an uploaded quiz-set file and names the GIFT category and the Anki
# deck, each written on a header line of its own; question texts are written into lines, XML
# and HTML. So each format gets text it can hold: one line where a line is expected, line breaks
# in the form the format reads back, and no control characters (XML 1.0 forbids most of them:
# https://www.w3.org/TR/xml/#charsets).
LINE_BREAKS = re.compile(r"\r\n|[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]")


_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")


MAX_HEADER = 200  # characters of a category or deck name


def plain_text(text: str) -> str:
    """``text`` with every kind of line break as ``\\n`` and no other control character (tab kept)."""
    return _CONTROL.sub("", LINE_BREAKS.sub("\n", text))


def header_name(text: str, default: str = "pim-sim") -> str:
    """A name for a header line (GIFT ``$CATEGORY:``, Anki ``#deck:``): one line, spaces collapsed."""
    one = " ".join(plain_text(text).split())[:MAX_HEADER].strip()
    return one or default


def _xml_safe(root: ET.Element) -> ET.Element:
    """Every text, tail and attribute of the tree without characters XML 1.0 can't hold."""
    for el in root.iter():
        if el.text:
            el.text = plain_text(el.text)
        if el.tail:
            el.tail = plain_text(el.tail)
        for k, v in el.attrib.items():
            el.attrib[k] = plain_text(v)
    return root


# =============================================================================== answers as text
def response_text(question, response) -> str:
    """An answer in the one text form used by the CSV key and class answer sheets:
    ``b`` (single), ``a;c`` (multiple), ``s1=yes;s2=no`` (yes/no), ``c>a>b`` (ordering),
    ``when=b;who=a`` (dropdown), ``8`` (numeric)."""
    t = question.type
    if t == "single":
        return str(response)
    if t == "multiple":
        return ";".join(response)
    if t == "yes_no":
        return ";".join(f"{k}={'yes' if v else 'no'}" for k, v in dict(response).items())
    if t == "ordering":
        return ">".join(response)
    if t == "dropdown":
        return ";".join(f"{k}={v}" for k, v in dict(response).items())
    return _number(float(response))


def parse_response(question, text: str):
    """The text form of an answer back to what :func:`quizzes.grading.grade` takes. Malformed
    text raises ``ValueError`` naming the question and what was expected."""
    raw = (text or "").strip()
    t = question.type
    if not raw:
        raise ValueError(f"{question.id}: no answer")
    if t == "single":
        return raw
    if t == "multiple":
        return [p.strip() for p in raw.split(";") if p.strip()]
    if t == "ordering":
        return [p.strip() for p in raw.split(">")]
    if t in ("yes_no", "dropdown"):
        pairs = {}
        for part in raw.split(";"):
            name, eq, value = part.partition("=")
            if not eq:
                raise ValueError(f"{question.id}: write {'statement=yes' if t == 'yes_no' else 'blank=choice'} pairs "
                                 f"separated by ';', got {part.strip()!r}")
            pairs[name.strip()] = value.strip()
        if t == "dropdown":
            return pairs
        flags = {"yes": True, "y": True, "true": True, "no": False, "n": False, "false": False}
        bad = [v for v in pairs.values() if v.lower() not in flags]
        if bad:
            raise ValueError(f"{question.id}: answer yes or no for each statement, got {bad[0]!r}")
        return {k: flags[v.lower()] for k, v in pairs.items()}
    try:
        return float(raw)
    except ValueError:
        raise ValueError(f"{question.id}: a number in {question.unit} is expected, got {raw!r}") from None


def key_text(question) -> str:
    from quizzes.grading import key_of

    return response_text(question, key_of(question))


def response_in_words(q, response) -> str:
    """An answer, in the form :func:`quizzes.grading.grade` takes, as a learner reads it (texts, not ids)."""
    if q.type == "single":
        return _option(q.options, response).text
    if q.type == "multiple":
        return "; ".join(o.text for o in q.options if o.id in response)
    if q.type == "yes_no":
        return "; ".join(f"{s.text} {'Yes' if response[s.id] else 'No'}" for s in q.statements)
    if q.type == "ordering":
        return " → ".join(_option(q.items, k).text for k in response)
    if q.type == "dropdown":
        return "; ".join(f"[{b.id}] {_option(b.choices, response[b.id]).text}" for b in q.blanks)
    return f"{_number(float(response))} {q.unit}"


def key_in_words(q) -> str:
    """The right answer as a learner reads it (texts, not ids)."""
    from quizzes.grading import key_of

    tolerance = f" (± {_number(q.tolerance)})" if q.type == "numeric" and q.tolerance else ""
    return response_in_words(q, key_of(q)) + tolerance


@cache
def _cases() -> dict:
    from quizzes.bank import load_cases  # the bank's case studies, read once

    return load_cases()


def case_text(question) -> str:
    """The case study an item belongs to, as plain text (empty for an item of no case)."""
    case = _cases().get(getattr(question, "case", "") or "")
    return "" if case is None else case.text().replace("**", "")


def with_case(questions: Iterable) -> list:
    """The questions as an exam shows them: an item of a case study carries its case's text before
    its stem, since an exported item stands alone in the learning system that imports it."""
    out = []
    for q in questions:
        text = case_text(q)
        out.append(q.model_copy(update={"stem": f"{text}\n\n{q.stem}"}) if text else q)
    return out
