"""Anki text notes: write and parse back."""

from __future__ import annotations

import html
import random
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from quizzes.export.common import ExportError, Keyed, _number, header_name, key_in_words, key_text, plain_text, with_case
from quizzes.schema import BLANK

ANKI_HEADERS = ("#separator:tab", "#html:true", "#notetype:Basic", "#guid column:1", "#tags column:4")


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
    questions = with_case(questions)
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
