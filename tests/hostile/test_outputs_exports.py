"""Hostile input, output side: a quiz-set title or question text can't inject questions, notes or
markup into GIFT, Anki, Moodle XML or QTI, nor make them ill-formed."""

from __future__ import annotations

import io
import zipfile
from xml.etree import ElementTree as ET

import pytest

from quizzes import export as E
from quizzes.bank import load_bank

TITLES = [
    "Week 1\n::injected::What? {=yes}\n",
    "Quiz\r\n$CATEGORY: $course$/elsewhere",
    "Quiz\rsecond line",
    "Quiz\u2028#deck:other",
    "Quiz\u2029<img src=x onerror=alert(1)>",
    "Quiz\x85next",
    "Quiz\x00\x1b[2J\x07",
    "Quiz\v\f",
    "#html:false\n#separator:comma",
    "\n\n\n",
    "Quiz\ud800",  # a lone surrogate (not encodable)
    "Q" * 5000,
]


@pytest.fixture(scope="module")
def questions():
    bank = list(load_bank())
    by_type = {}
    for q in bank:
        by_type.setdefault(q.type, q)
    return list(by_type.values())


def one_line(text: str) -> bool:
    return not any(ch in text for ch in "\r\n\v\f\x85\u2028\u2029\x1c\x1d\x1e")


@pytest.mark.parametrize("title", TITLES)
def test_gift_category_is_one_line_and_the_questions_are_unchanged(questions, title):
    text = E.to_gift(questions, category=title)
    lines = text.split("\n")
    category = next(ln for ln in lines if ln.startswith("$CATEGORY:"))
    assert one_line(category) and len(category) < 300
    assert sum(ln.startswith("$CATEGORY:") for ln in lines) == 1  # nothing after the title made a second one
    assert not [ln for ln in lines if "::injected::" in ln and ln != category]  # only ever inside the category name
    assert E.parse_gift(text) == E.parse_gift(E.to_gift(questions))


@pytest.mark.parametrize("title", TITLES)
def test_anki_deck_is_one_header_and_every_note_is_kept(questions, title):
    text = E.to_anki(questions, deck=title)
    headers, notes = E.parse_anki_notes(text)
    assert [ln for ln in text.splitlines() if ln.startswith("#deck:")] == [f"#deck:{headers['deck']}"]
    assert headers["separator"] == "tab" and headers["html"] == "true"  # not overridden by the title
    assert len(notes) == len(questions) and len(text.splitlines()) == len(E.ANKI_HEADERS) + 1 + len(questions)
    assert "<img" not in headers["deck"] or "onerror" in headers["deck"]  # a header line is not HTML for Anki


@pytest.mark.parametrize("title", TITLES)
def test_moodle_xml_is_well_formed_whatever_the_title(questions, title):
    root = ET.fromstring(E.to_moodle_xml(questions, category=title).encode("utf-8"))
    category = root.find("question[@type='category']/category/text").text
    assert one_line(category.replace("\n", "")) and "\x00" not in category


@pytest.mark.parametrize("title", TITLES)
def test_qti_package_is_well_formed_whatever_the_title(questions, title):
    with zipfile.ZipFile(io.BytesIO(E.to_qti_zip(questions, title=title))) as z:
        for name in z.namelist():
            ET.fromstring(z.read(name))


CONTROL_TEXTS = ["a\x00b", "a\x1b]0;title\x07b", "a\x08\x0bb", "a\ufffeb", "a\r\nb\rc", "a\u2028b\u2029c", "tab\there"]


@pytest.mark.parametrize("text", CONTROL_TEXTS)
def test_question_text_with_control_characters_exports_to_every_format(questions, text):
    changed = [q.model_copy(update={"stem": text + " " + q.stem, "explanation": text}) for q in questions]
    ET.fromstring(E.to_moodle_xml(changed).encode("utf-8"))
    with zipfile.ZipFile(io.BytesIO(E.to_qti_zip(changed))) as z:
        for name in z.namelist():
            ET.fromstring(z.read(name))
    anki = E.to_anki(changed)
    assert len(E.parse_anki_notes(anki)[1]) == len(changed)  # CR and Unicode line separators don't split a note
    assert len(anki.splitlines()) == len(E.ANKI_HEADERS) + 1 + len(changed)
    gift = E.to_gift(changed)
    assert len(E.parse_gift(gift)) == len(E.parse_gift(E.to_gift(questions)))
    assert not any(ch in gift for ch in "\x00\x1b\x08\ufffe\r")


@pytest.mark.parametrize("item", ["start -> end", "a->b", "->"])
def test_an_ordering_item_with_an_arrow_is_refused_for_gift_and_kept_elsewhere(questions, item):
    q = next(q for q in questions if q.type == "ordering")
    items = (q.items[0].model_copy(update={"text": item}), *q.items[1:])
    bad = q.model_copy(update={"items": items})
    with pytest.raises(E.ExportError, match=rf"question {q.id}: ordering item .* contains '->', which GIFT can't escape"):
        E.to_gift([bad])
    ET.fromstring(E.to_moodle_xml([bad]).encode("utf-8"))  # Moodle XML and QTI hold it as text
    E.to_qti_zip([bad])
    assert E.parse_anki(E.to_anki([bad]))[0].key[q.key.index(q.items[0].id)] == item
