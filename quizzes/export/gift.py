"""Moodle's GIFT format: write and parse back."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from quizzes.export.common import (
    PART,
    ExportError,
    Keyed,
    _feedback,
    _number,
    _option,
    _percent,
    _wrong_note,
    header_name,
    plain_text,
    with_case,
)

GIFT_SPECIAL = "~=#{}:"


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
    questions = with_case(questions)
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
