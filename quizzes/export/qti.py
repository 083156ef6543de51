"""IMS QTI 2.1 items, test and content package."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from xml.etree import ElementTree as ET

from quizzes.export.common import ExportError, _feedback, _number, _xml_safe, with_case
from quizzes.schema import BLANK

QTI_NS = "http://www.imsglobal.org/xsd/imsqti_v2p1"


QTI_XSD = "http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd"


CP_NS = "http://www.imsglobal.org/xsd/imscp_v1p1"


CP_XSD = "http://www.imsglobal.org/xsd/imscp_v1p1.xsd"


XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"


RP_TEMPLATES = "http://www.imsglobal.org/question/qti_v2p1/rptemplates/"


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
    questions = with_case(questions)
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
