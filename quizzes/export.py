"""Quiz sets out to the tools classrooms use: Moodle GIFT, Moodle XML, QTI 2.1, Anki and CSV.

Each format says what it can. Where a format has no matching question type the export picks
the nearest one that grades the same way and says so here:

============  ======================  =========================  =====================================
type          GIFT                    Moodle XML                 QTI 2.1
============  ======================  =========================  =====================================
single        multiple choice         multichoice, single        choiceInteraction, match_correct
multiple      ``~%50%`` weights       multichoice, fractions     choiceInteraction, map_response
yes_no        one true/false each     one truefalse each         matchInteraction (statement > yes/no)
ordering      matching to 1, 2, 3     matching to 1, 2, 3        orderInteraction (all or nothing)
dropdown      one choice per blank    gapselect                  inlineChoiceInteraction per blank
numeric       ``{#key:tolerance}``    numerical                  textEntryInteraction, tolerance
============  ======================  =========================  =====================================

Multiple-answer weights follow :mod:`quizzes.grading`: each right option is worth
``1/len(key)``, each wrong one costs as much, never below zero. GIFT's ``yes_no`` and
``dropdown`` parts are titled ``<question id>/<part id>`` so they group back into one question.

Formats: GIFT https://docs.moodle.org/en/GIFT_format, Moodle XML
https://docs.moodle.org/en/Moodle_XML_format, QTI 2.1
https://www.imsglobal.org/question/qtiv2p1/imsqti_infov2p1.html, Anki text files
https://docs.ankiweb.net/importing/text-files.html.

``parse_gift`` and ``parse_anki`` read back what these functions write (and GIFT's common
subset), so tests can prove an export keeps every question and its key.
"""

from __future__ import annotations

import html
import io
import json
import random
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree as ET

from pim_sim.io.csv_safe import rows_csv

from .schema import BLANK

GIFT_SPECIAL = "~=#{}:"
QTI_NS = "http://www.imsglobal.org/xsd/imsqti_v2p1"
QTI_XSD = "http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd"
CP_NS = "http://www.imsglobal.org/xsd/imscp_v1p1"
CP_XSD = "http://www.imsglobal.org/xsd/imscp_v1p1.xsd"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
RP_TEMPLATES = "http://www.imsglobal.org/question/qti_v2p1/rptemplates/"
PART = "\n\n» "  # separates a shared stem from the statement or blank a split question asks about
ANKI_HEADERS = ("#separator:tab", "#html:true", "#notetype:Basic", "#guid column:1", "#tags column:4")


class ExportError(ValueError):
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


# =============================================================================== GIFT
def gift_escape(text: str) -> str:
    out = plain_text(text).replace("\\", "\\\\")
    for ch in GIFT_SPECIAL:
        out = out.replace(ch, "\\" + ch)
    return out.replace("\n", "\\n")


def gift_category(title: str) -> str:
    """A set title as a GIFT category path below ``$course$`` (``/`` separates subcategories): one line."""
    return header_name(title)


def gift_unescape(text: str) -> str:
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            out.append("\n" if nxt == "n" else nxt)
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def _gift_question(title: str, text: str, answers: str, comment: str) -> str:
    return f"// {header_name(comment, '')}\n::{gift_escape(title)}::[markdown]{gift_escape(text)}{{\n{answers}\n}}\n"


def _gift_choices(options, marks: dict[str, str], general: str) -> str:
    """Answer lines: ``marks`` gives each right option its mark (``=`` or ``~%50%``); the rest get ``wrong``."""
    lines = []
    for o in options:
        right = o.id in marks
        note = o.explanation if right else _wrong_note(o)
        lines.append(f"\t{marks.get(o.id, marks.get('', '~'))}{gift_escape(o.text)}" + (f"#{gift_escape(note)}" if note else ""))
    lines.append(f"\t####{gift_escape(general)}")
    return "\n".join(lines)


def to_gift(questions: Iterable, category: str = "pim-sim") -> str:
    """A Moodle GIFT file (``$CATEGORY`` first, one blank line between questions)."""
    blocks = [f"// pim-sim quiz set\n$CATEGORY: $course$/{gift_category(category)}\n"]
    for q in questions:
        comment = f"{q.type}; topic {q.topic or '-'}; outline {' '.join(q.outline)}"
        general = _feedback(q)
        if q.type == "single":
            blocks.append(_gift_question(q.id, q.stem, _gift_choices(q.options, {q.key: "="}, general), comment))
        elif q.type == "multiple":
            share = _percent(100 / len(q.key))
            marks = {k: f"~%{share}%" for k in q.key} | {"": f"~%-{share}%"}
            blocks.append(_gift_question(q.id, q.stem, _gift_choices(q.options, marks, general), comment))
        elif q.type == "yes_no":
            for s in q.statements:
                truth = "TRUE" if s.key else "FALSE"  # then feedback for a wrong answer, then for a right one
                answer = f"\t{truth}#{gift_escape(_wrong_note(s))}#{gift_escape(s.explanation)}\n\t####{gift_escape(general)}"
                blocks.append(_gift_question(f"{q.id}/{s.id}", q.stem + PART + s.text, answer, comment))
        elif q.type == "ordering":
            arrows = [i.text for i in q.items if "->" in plain_text(i.text)]
            if arrows:  # Moodle splits a matching line at its first "->", and GIFT has no escape for it
                raise ExportError(f"question {q.id}: ordering item {arrows[0][:60]!r} contains '->', which GIFT can't "
                                  "escape; export this set as Moodle XML or QTI instead")
            pairs = [f"\t={gift_escape(_option(q.items, k).text)} -> {n}" for n, k in enumerate(q.key, 1)]
            pairs.append(f"\t####{gift_escape(general + ' Usual mistake: ' + q.misconception)}")
            blocks.append(_gift_question(q.id, q.stem, "\n".join(pairs), comment))
        elif q.type == "dropdown":
            for b in q.blanks:
                blocks.append(_gift_question(f"{q.id}/{b.id}", q.stem + PART + f"[[{b.id}]]",
                                             _gift_choices(b.choices, {b.key: "="}, general), comment))
        elif q.type == "numeric":
            lines = [f"\t={_number(q.key)}:{_number(q.tolerance)}#{gift_escape(q.explanation)}"]
            lines += [f"\t=%0%{_number(w.value)}:0#{gift_escape(_wrong_note(w))}" for w in q.wrong_values]
            lines.append(f"\t####{gift_escape(general)}")
            blocks.append(_gift_question(q.id, f"{q.stem} (in {q.unit})", "#\n" + "\n".join(lines), comment))
        else:
            raise ExportError(f"question {q.id}: type {q.type!r} has no GIFT form")
    return "\n".join(blocks)


@dataclass(frozen=True, slots=True)
class GiftAnswer:
    mark: str  # "=" right or "~" wrong
    weight: float | None  # the %n% weight, if written
    text: str
    feedback: str


@dataclass(frozen=True, slots=True)
class GiftQuestion:
    """One GIFT question as written: title, text, the kind of answer block and its answers."""

    title: str
    text: str
    kind: str  # "choice", "truefalse", "matching", "numeric", "essay"
    answers: tuple[GiftAnswer, ...]
    truth: bool | None = None
    general: str = ""


def _split_unescaped(text: str, chars: str) -> list[tuple[str, str]]:
    """Split at unescaped ``chars``; each piece with the char that started it ("" for the first)."""
    pieces, current, lead, i = [], [], "", 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            current.append(text[i:i + 2])
            i += 2
            continue
        if ch in chars:
            pieces.append((lead, "".join(current)))
            current, lead = [], ch
        else:
            current.append(ch)
        i += 1
    pieces.append((lead, "".join(current)))
    return pieces


def _find_unescaped(text: str, ch: str, start: int = 0) -> int:
    i = start
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == ch:
            return i
        i += 1
    return -1


def _gift_answers(block: str) -> tuple[str, tuple[GiftAnswer, ...], bool | None, str]:
    general = ""
    body = block.strip()
    cut = body.find("####")
    while cut > 0 and body[cut - 1] == "\\":
        cut = body.find("####", cut + 1)
    if cut >= 0:
        body, general = body[:cut].strip(), gift_unescape(body[cut + 4:].strip())
    if not body:
        return "essay", (), None, general
    head = body.split("#", 1)[0].strip().upper()
    if head in ("T", "TRUE", "F", "FALSE"):
        return "truefalse", (), head.startswith("T"), general
    numeric = body.startswith("#")
    if numeric:
        body = body[1:]
    answers = []
    for mark, piece in _split_unescaped(body, "=~"):
        if not mark:
            if piece.strip():
                raise ExportError(f"GIFT: text before the first answer: {piece.strip()[:40]!r}")
            continue
        weight = None
        m = re.match(r"\s*%(-?[0-9.]+)%", piece)
        if m:
            weight, piece = float(m.group(1)), piece[m.end():]
        cut_at = _find_unescaped(piece, "#")
        text_part, feedback = (piece[:cut_at], piece[cut_at + 1:]) if cut_at >= 0 else (piece, "")
        answers.append(GiftAnswer(mark, weight, gift_unescape(text_part.strip()), gift_unescape(feedback.strip())))
    kind = "numeric" if numeric else "matching" if answers and all(" -> " in a.text for a in answers) else "choice"
    return kind, tuple(answers), None, general


def parse_gift_questions(text: str) -> list[GiftQuestion]:
    """Every question of a GIFT file (comments and ``$CATEGORY`` lines are skipped)."""
    out = []
    for chunk in re.split(r"\n[ \t]*\n", text.replace("\r\n", "\n")):
        lines = [ln for ln in chunk.split("\n") if not ln.lstrip().startswith("//") and not ln.startswith("$CATEGORY:")]
        body = "\n".join(lines).strip()
        if not body:
            continue
        title = ""
        if body.startswith("::"):
            end = _find_unescaped(body, ":", 2)
            while end >= 0 and body[end + 1:end + 2] != ":":
                end = _find_unescaped(body, ":", end + 1)
            if end < 0:
                raise ExportError(f"GIFT: unclosed ::title:: in {body[:40]!r}")
            title, body = gift_unescape(body[2:end].strip()), body[end + 2:].strip()
        start = _find_unescaped(body, "{")
        stop = _find_unescaped(body, "}", start + 1) if start >= 0 else -1
        if start < 0 or stop < 0:
            raise ExportError(f"GIFT: question {title or body[:40]!r} has no {{answer block}}")
        stem = body[:start].strip()
        stem = re.sub(r"^\[(markdown|html|plain|moodle)\]", "", stem)
        kind, answers, truth, general = _gift_answers(body[start + 1:stop])
        out.append(GiftQuestion(title, gift_unescape(stem), kind, answers, truth, general))
    return out


def parse_gift(text: str) -> list[Keyed]:
    """A GIFT file back to questions and keys (split yes/no and dropdown parts grouped again)."""
    out: list[Keyed] = []
    for g in parse_gift_questions(text):
        qid, _, part = g.title.partition("/")
        stem, _, asked = g.text.partition(PART) if part else (g.text, "", "")
        if g.kind == "truefalse":
            _append_part(out, Keyed(qid, "yes_no", stem, ((asked, g.truth),)))
        elif g.kind == "choice" and part:
            right = next(a.text for a in g.answers if a.mark == "=")
            _append_part(out, Keyed(qid, "dropdown", stem, ((part, right),)))
        elif g.kind == "choice" and any(a.mark == "=" for a in g.answers):
            out.append(Keyed(qid, "single", stem, next(a.text for a in g.answers if a.mark == "=")))
        elif g.kind == "choice":
            out.append(Keyed(qid, "multiple", stem, tuple(sorted(a.text for a in g.answers if (a.weight or 0) > 0))))
        elif g.kind == "matching":
            pairs = [a.text.rsplit(" -> ", 1) for a in g.answers]
            out.append(Keyed(qid, "ordering", stem, tuple(t for t, _ in sorted(pairs, key=lambda p: int(p[1])))))
        elif g.kind == "numeric":
            value, _, tol = next(a.text for a in g.answers if a.weight is None).partition(":")
            stem = re.sub(r" \(in [^)]*\)$", "", stem)
            out.append(Keyed(qid, "numeric", stem, (float(value), float(tol or 0))))
        else:
            raise ExportError(f"GIFT: question {g.title!r}: a {g.kind} question has no pim-sim type")
    return out


def _append_part(out: list[Keyed], part: Keyed) -> None:
    if out and out[-1].id == part.id and out[-1].type == part.type:
        out[-1] = Keyed(part.id, part.type, part.stem, out[-1].key + part.key)
    else:
        out.append(part)


# =============================================================================== Moodle XML
def _text(parent: ET.Element, tag: str, text: str, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, tag, attrs)
    ET.SubElement(el, "text").text = text
    return el


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
            stem = BLANK.sub(lambda m, slots=slots: f"[[{slots[m.group(1)]}]]", q.stem)
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


# =============================================================================== QTI 2.1
def _root_attrs(namespace: str, schema: str) -> dict[str, str]:
    """Tags are written unqualified under a default ``xmlns`` on the root (ElementTree can't
    combine a default namespace with unqualified attributes)."""
    return {"xmlns": namespace, "xmlns:xsi": XSI_NS, "xsi:schemaLocation": f"{namespace} {schema}"}


def _qti_ident(raw: str) -> str:
    """QTI identifiers are NCNames: letters, digits, '-', '_' and '.', not starting with a digit."""
    ident = re.sub(r"[^A-Za-z0-9_.-]", "_", raw)
    return ident if re.match(r"[A-Za-z_]", ident) else "_" + ident


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, tag, attrs)
    if text is not None:
        el.text = text
    return el


def _declare(item: ET.Element, ident: str, cardinality: str, base: str, correct: Sequence[str],
             mapping: dict[str, float] | None = None) -> None:
    decl = _sub(item, "responseDeclaration", identifier=ident, cardinality=cardinality, baseType=base)
    cr = _sub(decl, "correctResponse")
    for v in correct:
        _sub(cr, "value", v)
    if mapping is not None:
        m = _sub(decl, "mapping", lowerBound="0", defaultValue="0")
        for key, value in mapping.items():
            _sub(m, "mapEntry", mapKey=key, mappedValue=repr(round(value, 6)))


def _set(parent: ET.Element, outcome: str) -> ET.Element:
    return _sub(parent, "setOutcomeValue", identifier=outcome)


def _score_if(rp: ET.Element, condition: ET.Element, amount: float) -> None:
    """``if condition: SCORE = SCORE + amount``."""
    branch = _sub(_sub(rp, "responseCondition"), "responseIf")
    branch.append(condition)
    total = _sub(_set(branch, "SCORE"), "sum")
    _sub(total, "variable", identifier="SCORE")
    _sub(total, "baseValue", repr(round(amount, 6)), baseType="float")


def _matches(ident: str) -> ET.Element:
    m = ET.Element("match")
    _sub(m, "variable", identifier=ident)
    _sub(m, "correct", identifier=ident)
    return m


def _paragraphs(body: ET.Element, text: str) -> None:
    for para in text.split("\n\n"):
        _sub(body, "p", para)


def qti_item(q) -> ET.Element:
    """One question as a QTI 2.1 ``assessmentItem`` with its own response processing, scored
    like :mod:`quizzes.grading` (ordering is all or nothing here), and the explanation as
    modal feedback shown after the attempt."""
    item = ET.Element("assessmentItem", {
        **_root_attrs(QTI_NS, QTI_XSD),
        "identifier": _qti_ident(q.id), "title": q.id, "adaptive": "false", "timeDependent": "false"})
    if q.type in ("single", "multiple"):
        key = [q.key] if q.type == "single" else list(q.key)
        share = 1 / len(key)
        mapping = None if q.type == "single" else {_qti_ident(o.id): share if o.id in key else -share for o in q.options}
        _declare(item, "RESPONSE", "single" if q.type == "single" else "multiple", "identifier",
                 [_qti_ident(k) for k in key], mapping)
    elif q.type == "yes_no":
        pairs = [f"{_qti_ident(s.id)} {'yes' if s.key else 'no'}" for s in q.statements]
        _declare(item, "RESPONSE", "multiple", "directedPair", pairs, dict.fromkeys(pairs, 1 / len(pairs)))
    elif q.type == "ordering":
        _declare(item, "RESPONSE", "ordered", "identifier", [_qti_ident(k) for k in q.key])
    elif q.type == "dropdown":
        for b in q.blanks:
            _declare(item, f"RESPONSE_{_qti_ident(b.id)}", "single", "identifier", [_qti_ident(b.key)])
    elif q.type == "numeric":
        _declare(item, "RESPONSE", "single", "float", [_number(q.key)])
    else:
        raise ExportError(f"question {q.id}: type {q.type!r} has no QTI form")
    _sub(_sub(_sub(item, "outcomeDeclaration", identifier="SCORE", cardinality="single", baseType="float"),
              "defaultValue"), "value", "0")
    _sub(item, "outcomeDeclaration", identifier="FEEDBACK", cardinality="single", baseType="identifier")

    body = _sub(item, "itemBody")
    if q.type in ("single", "multiple"):
        _paragraphs(body, q.stem)
        inter = _sub(body, "choiceInteraction", responseIdentifier="RESPONSE", shuffle="true",
                     maxChoices="1" if q.type == "single" else "0")
        _sub(inter, "prompt", "Choose one answer." if q.type == "single" else "Choose every right answer.")
        for o in q.options:
            _sub(inter, "simpleChoice", o.text, identifier=_qti_ident(o.id))
    elif q.type == "yes_no":
        _paragraphs(body, q.stem)
        inter = _sub(body, "matchInteraction", responseIdentifier="RESPONSE", shuffle="false",
                     maxAssociations=str(len(q.statements)))
        _sub(inter, "prompt", "Answer yes or no for each statement.")
        left, right = _sub(inter, "simpleMatchSet"), _sub(inter, "simpleMatchSet")
        for s in q.statements:
            _sub(left, "simpleAssociableChoice", s.text, identifier=_qti_ident(s.id), matchMax="1")
        for ident, label in (("yes", "Yes"), ("no", "No")):
            _sub(right, "simpleAssociableChoice", label, identifier=ident, matchMax=str(len(q.statements)))
    elif q.type == "ordering":
        _paragraphs(body, q.stem)
        inter = _sub(body, "orderInteraction", responseIdentifier="RESPONSE", shuffle="true")
        _sub(inter, "prompt", "Put the items in order.")
        for i in q.items:
            _sub(inter, "simpleChoice", i.text, identifier=_qti_ident(i.id))
    elif q.type == "dropdown":
        blanks = {b.id: b for b in q.blanks}
        for para in q.stem.split("\n\n"):
            pieces = BLANK.split(para)  # text, blank id, text, blank id, ..., text
            p = _sub(body, "p", pieces[0])
            for n in range(1, len(pieces), 2):
                b = blanks[pieces[n]]
                inter = _sub(p, "inlineChoiceInteraction", responseIdentifier=f"RESPONSE_{_qti_ident(b.id)}", shuffle="false")
                for c in b.choices:
                    _sub(inter, "inlineChoice", c.text, identifier=_qti_ident(c.id))
                inter.tail = pieces[n + 1]
    else:
        p = _sub(body, "p", q.stem + " ")
        _sub(p, "textEntryInteraction", responseIdentifier="RESPONSE", expectedLength="8").tail = f" {q.unit}"

    rp = _sub(item, "responseProcessing")
    if q.type in ("multiple", "yes_no"):
        _sub(_set(rp, "SCORE"), "mapResponse", identifier="RESPONSE")
    elif q.type == "dropdown":
        for b in q.blanks:
            _score_if(rp, _matches(f"RESPONSE_{_qti_ident(b.id)}"), 1 / len(q.blanks))
    elif q.type == "numeric":
        within = ET.Element("equal", toleranceMode="absolute", tolerance=f"{_number(q.tolerance)} {_number(q.tolerance)}")
        _sub(within, "variable", identifier="RESPONSE")
        _sub(within, "correct", identifier="RESPONSE")
        _score_if(rp, within, 1.0)
    else:
        _score_if(rp, _matches("RESPONSE"), 1.0)
    _sub(_set(rp, "FEEDBACK"), "baseValue", "EXPLANATION", baseType="identifier")
    _sub(item, "modalFeedback", _feedback(q), outcomeIdentifier="FEEDBACK", identifier="EXPLANATION", showHide="show",
         title="Explanation")
    return item


def _xml(el: ET.Element) -> bytes:
    _xml_safe(el)
    ET.indent(el)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(el, encoding="unicode").encode() + b"\n"


def qti_test(title: str, hrefs: Sequence[tuple[str, str]]) -> ET.Element:
    """An ``assessmentTest`` that presents the items in order, free navigation, submitted together."""
    test = ET.Element("assessmentTest", {**_root_attrs(QTI_NS, QTI_XSD), "identifier": "TEST", "title": title})
    part = _sub(test, "testPart", identifier="PART", navigationMode="nonlinear", submissionMode="simultaneous")
    section = _sub(part, "assessmentSection", identifier="SECTION", title=title, visible="true")
    for ident, href in hrefs:
        _sub(section, "assessmentItemRef", identifier=ident, href=href)
    return test


def qti_manifest(title: str, hrefs: Sequence[tuple[str, str]], test_href: str) -> ET.Element:
    """The IMS Content Packaging 1.1 manifest listing the test and every item file."""

    def c(parent: ET.Element | None, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        el = ET.Element(tag, attrs) if parent is None else ET.SubElement(parent, tag, attrs)
        if text is not None:
            el.text = text
        return el

    manifest = c(None, "manifest", **_root_attrs(CP_NS, CP_XSD), identifier="MANIFEST-" + _qti_ident(title))
    meta = c(manifest, "metadata")
    c(meta, "schema", "QTIv2.1 Package")
    c(meta, "schemaversion", "1.0.0")
    c(manifest, "organizations")
    resources = c(manifest, "resources")
    test = c(resources, "resource", identifier="RES-TEST", type="imsqti_test_xmlv2p1", href=test_href)
    c(test, "file", href=test_href)
    for ident, _ in hrefs:
        c(test, "dependency", identifierref=f"RES-{ident}")
    for ident, href in hrefs:
        c(c(resources, "resource", identifier=f"RES-{ident}", type="imsqti_item_xmlv2p1", href=href), "file", href=href)
    return manifest


def to_qti_zip(questions: Iterable, title: str = "pim-sim quiz") -> bytes:
    """A QTI 2.1 content package: ``imsmanifest.xml``, ``assessment.xml`` and ``items/<id>.xml``."""
    files: dict[str, bytes] = {}
    hrefs = []
    for q in questions:
        ident = _qti_ident(q.id)
        href = f"items/{ident}.xml"
        if href in files:
            raise ExportError(f"question {q.id}: id used twice in one set")
        files[href] = _xml(qti_item(q))
        hrefs.append((ident, href))
    files["assessment.xml"] = _xml(qti_test(title, hrefs))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("imsmanifest.xml", _xml(qti_manifest(title, hrefs, "assessment.xml")))
        for name, data in files.items():
            z.writestr(name, data)
    return buf.getvalue()


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
    from .grading import key_of

    return response_text(question, key_of(question))


# =============================================================================== CSV
CSV_COLUMNS = ("id", "type", "topic", "outline", "difficulty", "stem", "choices", "key", "explanation", "sources")


def choices_text(q) -> str:
    """Every option, statement, item or blank choice as ``id: text`` lines."""
    if q.type in ("single", "multiple"):
        return "\n".join(f"{o.id}: {o.text}" for o in q.options)
    if q.type == "yes_no":
        return "\n".join(f"{s.id}: {s.text}" for s in q.statements)
    if q.type == "ordering":
        return "\n".join(f"{i.id}: {i.text}" for i in q.items)
    if q.type == "dropdown":
        return "\n".join(f"{b.id}.{c.id}: {c.text}" for b in q.blanks for c in b.choices)
    return f"number in {q.unit}, tolerance {_number(q.tolerance)}"


def to_csv(questions: Iterable, *, with_key: bool = True) -> str:
    """One row per question, the key in the same text form a class answer sheet uses. Without
    the key (a paper to hand out) the key, explanation and sources columns are left out."""
    columns = CSV_COLUMNS if with_key else CSV_COLUMNS[:CSV_COLUMNS.index("key")]
    rows = ([q.id, q.type, q.topic, " ".join(q.outline), q.difficulty, q.stem, choices_text(q), key_text(q),
             q.explanation, " ".join(str(s) for s in q.sources)][:len(columns)] for q in questions)
    return rows_csv(rows, columns)


# =============================================================================== Anki
def _html(text: str) -> str:
    return html.escape(plain_text(text), quote=True).replace("\t", " ").replace("\n", "<br>")


def _anki_listed(rows, shuffle_by: str | None = None) -> str:
    """A list of options by text; with ``shuffle_by`` in an order of their own (the bank writes
    the right option first, and a card must not teach a position)."""
    rows = list(rows)
    if shuffle_by is not None:
        random.Random(shuffle_by).shuffle(rows)
    return "<ul>" + "".join(f'<li data-id="{_html(r.id)}">{_html(r.text)}</li>' for r in rows) + "</ul>"


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
    from .grading import key_of

    tolerance = f" (± {_number(q.tolerance)})" if q.type == "numeric" and q.tolerance else ""
    return response_in_words(q, key_of(q)) + tolerance


def _anki_front(q) -> str:
    if q.type == "numeric":
        stem, listed = _html(f"{q.stem} (in {q.unit})"), ""
    elif q.type == "dropdown":
        stem = BLANK.sub(lambda m: f"<b>[{m.group(1)}]</b>", _html(q.stem))
        listed = "".join(f'<div data-blank="{_html(b.id)}">[{_html(b.id)}]: {_anki_listed(b.choices, f"{q.id}/{b.id}")}</div>'
                         for b in q.blanks)
    else:
        rows = {"single": "options", "multiple": "options", "yes_no": "statements", "ordering": "items"}[q.type]
        stem, listed = _html(q.stem), _anki_listed(getattr(q, rows), None if q.type == "yes_no" else q.id)
    hint = {"multiple": "Choose every right answer.", "yes_no": "Yes or no for each statement.",
            "ordering": "Put the items in order."}.get(q.type, "")
    return f'<div class="stem" data-type="{q.type}">{stem}</div>{listed}' + (f"<p><i>{hint}</i></p>" if hint else "")


def _anki_back(q) -> str:
    sources = " ".join(f'<a href="{_html(str(s))}">{_html(str(s))}</a>' for s in q.sources)
    tolerance = ""
    if q.type == "numeric":
        tol = _number(q.tolerance)
        tolerance = f' <span class="tolerance" data-value="{tol}"></span>'
    return (f'<p class="key" data-key="{_html(key_text(q))}"><b>Answer:</b> {_html(key_in_words(q))}{tolerance}</p>'
            f"<p>{_html(q.explanation)}</p><p><small>{sources}</small></p>")


def anki_tag(text: str) -> str:
    return re.sub(r"\s+", "_", plain_text(text).strip())


def to_anki(questions: Iterable, deck: str = "pim-sim") -> str:
    """An Anki text file: ``#`` headers, then guid, front, back, tags separated by tabs."""
    lines = [*ANKI_HEADERS, f"#deck:{header_name(deck)}"]
    for q in questions:
        tags = " ".join(anki_tag(t) for t in ("pim-sim", q.topic, q.type, *q.outline) if t)
        lines.append("\t".join((_html(q.id), _anki_front(q), _anki_back(q), tags)))
    return "\n".join(lines) + "\n"


@dataclass(frozen=True, slots=True)
class AnkiNote:
    guid: str
    front: str
    back: str
    tags: tuple[str, ...]


def parse_anki_notes(text: str) -> tuple[dict[str, str], list[AnkiNote]]:
    """Headers and notes of an Anki text file (tab-separated, HTML fields)."""
    headers: dict[str, str] = {}
    notes = []
    for n, line in enumerate(text.splitlines(), 1):
        if line.startswith("#"):
            name, _, value = line[1:].partition(":")
            headers[name.strip()] = value.strip()
            continue
        if not line.strip():
            continue
        if headers.get("separator", "").lower() != "tab":
            raise ExportError(f"Anki line {n}: only #separator:tab files are read")
        fields = line.split("\t")
        if len(fields) != 4:
            raise ExportError(f"Anki line {n}: expected 4 fields (guid, front, back, tags), got {len(fields)}")
        notes.append(AnkiNote(fields[0], fields[1], fields[2], tuple(fields[3].split())))
    return headers, notes


_LISTED = re.compile(r'<li data-id="([^"]*)">(.*?)</li>')


def _listed(fragment: str) -> dict[str, str]:
    return {html.unescape(i): html.unescape(t) for i, t in _LISTED.findall(fragment)}


def parse_anki(text: str) -> list[Keyed]:
    """An Anki export back to questions and keys. Option ids in the key are mapped to their
    texts through the options listed on the front of the card."""
    _, notes = parse_anki_notes(text)
    out = []
    for note in notes:
        m = re.search(r'<div class="stem" data-type="([a-z_]+)">(.*?)</div>', note.front)
        k = re.search(r'<p class="key" data-key="([^"]*)">', note.back)
        if not m or not k:
            raise ExportError(f"Anki note {note.guid}: no stem or no answer")
        qtype, stem, key = m.group(1), m.group(2), html.unescape(k.group(1))
        listed = _listed(note.front)
        if qtype == "single":
            value: Any = listed[key]
        elif qtype == "multiple":
            value = tuple(sorted(listed[i] for i in key.split(";")))
        elif qtype == "yes_no":
            value = tuple((listed[s], v == "yes") for s, _, v in (p.partition("=") for p in key.split(";")))
        elif qtype == "ordering":
            value = tuple(listed[i] for i in key.split(">"))
        elif qtype == "dropdown":
            stem = re.sub(r"<b>\[([a-z0-9_]+)\]</b>", r"[[\1]]", stem)
            blanks = {html.unescape(b): _listed(body) for b, body in
                      re.findall(r'<div data-blank="([^"]*)">.*?(<ul>.*?</ul>)</div>', note.front)}
            value = tuple((b, blanks[b][c]) for b, _, c in (p.partition("=") for p in key.split(";")))
        else:
            tol = re.search(r'class="tolerance" data-value="([^"]*)"', note.back)
            stem = re.sub(r" \(in [^)]*\)$", "", stem)
            value = (float(key), float(tol.group(1)) if tol else 0.0)
        out.append(Keyed(note.guid, qtype, html.unescape(stem.replace("<br>", "\n")), value))
    return out


def to_json(questions: Iterable) -> str:
    """The questions as JSON (what the bank holds, rendered), for tools without a format above."""
    return json.dumps([q.model_dump(mode="json") for q in questions], indent=2, ensure_ascii=False)
