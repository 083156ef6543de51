"""The quiz exports checked by something other than our own parsers: QTI 2.1 against a schema written from the IMS
specification's published structure (xmlschema), Moodle GIFT and Moodle XML against golden files built from
Moodle's documented examples, and Anki packages opened as Anki stores them (a zip holding a SQLite collection)."""

from __future__ import annotations

import io
import re
import sqlite3
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from moodle_examples import moodle_examples
from quiz_samples import samples

from quizzes import export as E

HERE = Path(__file__).parent
GOLDEN = HERE / "golden"


@pytest.fixture(scope="module")
def schemas():
    """(QTI 2.1, Content Packaging 1.1) schemas; xmlschema comes with the test extra."""
    xmlschema = pytest.importorskip("xmlschema")
    return (xmlschema.XMLSchema(HERE / "schemas" / "qti_v2p1_subset.xsd"),
            xmlschema.XMLSchema(HERE / "schemas" / "imscp_v1p1_subset.xsd"))


def _package(questions):
    return zipfile.ZipFile(io.BytesIO(E.to_qti_zip(questions, title="PIM set")))


def _bank_and_generated():
    out = list(samples())
    try:
        from quizzes import load_bank
        from quizzes.generate import generate_set

        out += [g.question for g in generate_set(7, 6)] + list(load_bank())
    except Exception as e:  # pragma: no cover - only while the bank is being built
        pytest.skip(f"bank unavailable: {e}")
    return out


# ------------------------------------------------------------------------------- QTI 2.1
def test_every_file_of_a_qti_package_is_valid(schemas):
    qti_schema, cp_schema = schemas
    z = _package(_bank_and_generated())
    names = z.namelist()
    assert "imsmanifest.xml" in names and "assessment.xml" in names
    for name in names:
        schema = cp_schema if name == "imsmanifest.xml" else qti_schema
        errors = list(schema.iter_errors(z.read(name).decode("utf-8")))
        assert errors == [], (name, str(errors[0])[:400] if errors else "")


@pytest.mark.parametrize("break_it", [
    lambda x: x.replace('shuffle="true"', "", 1),  # a required attribute
    lambda x: x.replace("<responseProcessing>", "<responseProcessing><exitResponse/>", 1),  # an element not written
    lambda x: x.replace('cardinality="single"', 'cardinality="one"', 1),  # a value outside the enumeration
    lambda x: re.sub(r"(<responseDeclaration.*?</responseDeclaration>)(\s*)(<outcomeDeclaration.*?</outcomeDeclaration>)",
                     r"\3\2\1", x, count=1, flags=re.S),  # declarations out of the specification's order
])
def test_the_schema_refuses_what_the_specification_refuses(schemas, break_it):
    qti_schema = schemas[0]
    z = _package(samples())
    item = z.read("items/sample-single.xml").decode()
    assert qti_schema.is_valid(item)
    broken = break_it(item)
    assert broken != item and not qti_schema.is_valid(broken)


# ------------------------------------------------------------------------------- Moodle
def _answers(block: str) -> list[str]:
    """A GIFT answer block's answers without their feedback (``#...``) or the general feedback (``####...``)."""
    out = []
    for line in block.splitlines():
        line = line.strip()
        if not line or line.startswith("####") or line == "#":
            continue
        out.append(re.split(r"(?<!\\)#", line, maxsplit=1)[0])
    return out


def test_gift_of_moodles_examples_is_the_golden_file():
    text = E.to_gift(moodle_examples(), category="Moodle examples")
    assert text == (GOLDEN / "moodle_examples.gift").read_text(encoding="utf-8")


def test_the_gift_golden_file_writes_moodles_documented_answers():
    text = (GOLDEN / "moodle_examples.gift").read_text(encoding="utf-8")
    blocks = dict(re.findall(r"::([^:]+)::\[markdown\][^{]*\{\n(.*?)\n\}", text, flags=re.S))
    # {~Grant ~Jefferson =no one} and {~buried =entombed ~living}, as the GIFT help writes them
    assert _answers(blocks["grants-tomb"]) == ["~Grant", "~Jefferson", "=no one"]
    assert _answers(blocks["grant-missing-word/w"]) == ["~buried", "=entombed", "~living"]
    # Grant is buried in Grant's tomb.{FALSE}
    assert _answers(blocks["grants-tomb-tf/s1"])[0] == "FALSE"
    # {#1822:5}: a numerical answer with its margin (the multiple-answer form {#=1822:5 =%0%1865:0})
    assert _answers(blocks["grant-born"]) == ["=1822:5", "=%0%1865:0"]
    # {~%-100%No one ~%50%Grant ~%50%Grant's wife ~%-100%Grant's father}: the same marks and weights for the right
    # answers; this project's wrong answers take back what one right answer gives (-50%)
    assert _answers(blocks["grants-tomb-two"]) == ["~%-50%No one", "~%50%Grant", "~%50%Grant's wife",
                                                    "~%-50%Grant's father"]
    assert text.splitlines()[1] == "$CATEGORY: $course$/Moodle examples"


def test_moodle_xml_of_moodles_examples_is_the_golden_file():
    text = E.to_moodle_xml(moodle_examples(), category="Moodle examples")
    assert text == (GOLDEN / "moodle_examples.xml").read_text(encoding="utf-8")


def test_the_moodle_xml_golden_file_has_the_documented_structure():
    root = ET.fromstring((GOLDEN / "moodle_examples.xml").read_bytes())
    assert root.tag == "quiz" and root[0].get("type") == "category"
    assert root[0].findtext("category/text") == "$course$/Moodle examples"
    by_name = {q.findtext("name/text"): q for q in root.findall("question")[1:]}
    mc = by_name["grants-tomb"]
    assert mc.get("type") == "multichoice" and mc.findtext("single") == "true"
    assert [(a.get("fraction"), a.findtext("text")) for a in mc.findall("answer")] == [
        ("0", "Grant"), ("0", "Jefferson"), ("100", "no one")]
    assert mc.findtext("questiontext/text") == "Who's buried in Grant's tomb?"
    tf = by_name["grants-tomb-tf/s1"]
    assert tf.get("type") == "truefalse"
    assert {a.findtext("text"): a.get("fraction") for a in tf.findall("answer")} == {"true": "0", "false": "100"}
    num = by_name["grant-born"]
    right = num.findall("answer")[0]
    assert (num.get("type"), right.get("fraction"), right.findtext("text"), right.findtext("tolerance")) == (
        "numerical", "100", "1822", "5")
    multi = by_name["grants-tomb-two"]
    assert multi.findtext("single") == "false"
    assert [a.get("fraction") for a in multi.findall("answer")] == ["-50", "50", "50", "-50"]
    gap = by_name["grant-missing-word"]
    assert gap.get("type") == "gapselect" and gap.findtext("questiontext/text") == "Grant is [[2]] in Grant's tomb."
    assert [o.findtext("text") for o in gap.findall("selectoption")] == ["buried", "entombed", "living"]


# ------------------------------------------------------------------------------- Anki
def test_an_apkg_opens_as_anki_stores_it(tmp_path):
    pytest.importorskip("genanki")
    from quizzes.export.apkg import FIELDS, MODEL_NAME, to_apkg

    questions = samples()
    data = to_apkg(questions, "PIM deck", timestamp=1_700_000_000)
    z = zipfile.ZipFile(io.BytesIO(data))
    assert "collection.anki2" in z.namelist()
    path = tmp_path / "collection.anki2"
    path.write_bytes(z.read("collection.anki2"))
    db = sqlite3.connect(path)
    try:
        notes = db.execute("SELECT guid, flds, tags FROM notes ORDER BY id").fetchall()
        cards = db.execute("SELECT count(*) FROM cards").fetchone()[0]
        models = db.execute("SELECT models, decks FROM col").fetchone()
    finally:
        db.close()
    assert len(notes) == cards == len(questions)
    assert MODEL_NAME in models[0] and "PIM deck" in models[1]
    text_notes = {n.guid: n for n in E.parse_anki_notes(E.to_anki(questions, deck="PIM deck"))[1]}
    assert len({guid for guid, _, _ in notes}) == len(notes)  # one GUID per question
    for (_, flds, tags), q in zip(notes, questions, strict=True):
        fields = flds.split("\x1f")
        assert len(fields) == len(FIELDS)
        ident, front, back = fields
        assert ident == q.id and (front, back) == (text_notes[q.id].front, text_notes[q.id].back)
        assert set(tags.split()) == set(text_notes[q.id].tags) and "pim-sim" in tags.split()
    assert to_apkg(questions, "PIM deck", timestamp=1_700_000_000) == data  # the same deck, the same bytes
