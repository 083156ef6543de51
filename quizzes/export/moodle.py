"""Moodle XML."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import partial
from xml.etree import ElementTree as ET

from quizzes.export.common import PART, ExportError, _feedback, _number, _option, _percent, _wrong_note, _xml_safe, with_case
from quizzes.export.gift import gift_category
from quizzes.schema import BLANK


# =============================================================================== Moodle XML
def _text(parent: ET.Element, tag: str, text: str, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, tag, attrs)
    ET.SubElement(el, "text").text = text
    return el


def _slot(slots: dict[str, int], m: re.Match[str]) -> str:
    """A ``[[blank]]`` mark as Moodle's numbered ``[[n]]`` gap."""
    return f"[[{slots[m.group(1)]}]]"


def _moodle_question(quiz: ET.Element, qtype: str, name: str, stem: str, general: str) -> ET.Element:
    el = ET.SubElement(quiz, "question", {"type": qtype})
    _text(el, "name", name)
    _text(el, "questiontext", stem, format="markdown")
    _text(el, "generalfeedback", general, format="markdown")
    ET.SubElement(el, "defaultgrade").text = "1"
    ET.SubElement(el, "penalty").text = "0"
    ET.SubElement(el, "hidden").text = "0"
    return el


def _moodle_answer(parent: ET.Element, fraction: str, text: str, feedback: str, fmt: str = "markdown") -> ET.Element:
    ans = _text(parent, "answer", text, fraction=fraction, format=fmt)
    if feedback:
        _text(ans, "feedback", feedback, format="markdown")
    return ans


def to_moodle_xml(questions: Iterable, category: str = "pim-sim") -> str:
    """A Moodle XML question file (``<quiz>`` with a category and one ``<question>`` per item)."""
    questions = with_case(questions)
    quiz = ET.Element("quiz")
    cat = ET.SubElement(quiz, "question", {"type": "category"})
    _text(cat, "category", f"$course$/{gift_category(category)}")
    for q in questions:
        general = _feedback(q)
        if q.type in ("single", "multiple"):
            el = _moodle_question(quiz, "multichoice", q.id, q.stem, general)
            key = {q.key} if q.type == "single" else set(q.key)
            ET.SubElement(el, "single").text = "true" if q.type == "single" else "false"
            ET.SubElement(el, "shuffleanswers").text = "true"
            ET.SubElement(el, "answernumbering").text = "abc"
            share = 100 / len(key)
            for o in q.options:
                right = o.id in key
                fraction = _percent(share if right else (0 if q.type == "single" else -share))
                _moodle_answer(el, fraction, o.text, o.explanation if right else _wrong_note(o))
        elif q.type == "yes_no":
            for s in q.statements:
                el = _moodle_question(quiz, "truefalse", f"{q.id}/{s.id}", q.stem + PART + s.text, general)
                for value in (True, False):
                    right = value is s.key
                    _moodle_answer(el, "100" if right else "0", str(value).lower(), s.explanation if right else _wrong_note(s),
                                   "moodle_auto_format")
        elif q.type == "ordering":
            el = _moodle_question(quiz, "matching", q.id, q.stem, general + "\n\nUsual mistake: " + q.misconception)
            ET.SubElement(el, "shuffleanswers").text = "true"
            for n, k in enumerate(q.key, 1):
                sub = _text(el, "subquestion", _option(q.items, k).text, format="markdown")
                _text(sub, "answer", str(n))
        elif q.type == "dropdown":
            # gapselect: [[n]] is the n-th select option (1-based); a blank chooses among its group.
            options, slots = [], {}
            for group, b in enumerate(q.blanks, 1):
                for c in b.choices:
                    options.append((c.text, group))
                    if c.id == b.key:
                        slots[b.id] = len(options)
            stem = BLANK.sub(partial(_slot, slots), q.stem)
            notes = "".join(f"\n\n{b.id} = {c.text}: {_wrong_note(c)}" for b in q.blanks for c in b.choices if c.id != b.key)
            el = _moodle_question(quiz, "gapselect", q.id, stem, general + notes)
            ET.SubElement(el, "shuffleanswers").text = "0"
            for text, group in options:
                opt = _text(el, "selectoption", text)
                ET.SubElement(opt, "group").text = str(group)
        elif q.type == "numeric":
            el = _moodle_question(quiz, "numerical", q.id, f"{q.stem} (in {q.unit})", general)
            ans = _moodle_answer(el, "100", _number(q.key), q.explanation, "moodle_auto_format")
            ET.SubElement(ans, "tolerance").text = _number(q.tolerance)
            for w in q.wrong_values:
                ans = _moodle_answer(el, "0", _number(w.value), _wrong_note(w), "moodle_auto_format")
                ET.SubElement(ans, "tolerance").text = "0"
        else:
            raise ExportError(f"question {q.id}: type {q.type!r} has no Moodle XML form")
    _xml_safe(quiz)
    ET.indent(quiz)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(quiz, encoding="unicode") + "\n"
