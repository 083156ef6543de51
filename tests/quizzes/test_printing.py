"""Print-ready HTML papers: one per student, no answers and no internal ids; the key separate."""

from __future__ import annotations

import io
import os
import re
import zipfile
from html import escape

import pytest
from quiz_samples import samples

from quizzes.bank import Bank, load_outlines
from quizzes.classroom import SetSpec, build_set, papers
from quizzes.export import key_in_words
from quizzes.printing import key_html, papers_html
from quizzes.schema import BLANK

OUTLINE = "SC-500-2026-05"
BANK = Bank(tuple(samples()), load_outlines())


def test_one_paper_per_student_without_ids_or_answers_and_a_separate_key():
    students = ["ana", "ben", "<script>alert(1)</script>"]
    ps = papers(build_set(BANK, SetSpec(OUTLINE, count=6, seed=2)), BANK.outlines[OUTLINE], students)
    made = papers_html("Week <1>", ps)
    assert len(made) == 3 and all(name.endswith(".html") for name in made)
    for html_text, paper in zip(made.values(), ps, strict=True):
        for it in paper.items:
            assert it.id not in html_text  # no internal question ids
        assert "<script>alert" not in html_text and "Week &lt;1&gt;" in html_text
        assert len(re.findall(r'<div class="q">', html_text)) == len(paper.items)
    key = key_html("Week 1", ps)
    for paper in ps:
        for it in paper.items:
            assert escape(key_in_words(it.question)) in key


# ------------------------------------------------------------------ PDF papers (WeasyPrint, the pdf extra)
def _pdf_or_skip():
    from quizzes import printing

    if not printing.pdf_available():
        if os.environ.get("CI") or os.environ.get("PIM_SIM_REQUIRE_PDF"):
            pytest.fail(printing.INSTALL)  # CI installs the pdf extra: a missing WeasyPrint is a failure there
        pytest.skip(printing.INSTALL)
    return printing


def pdf_text(document) -> str:
    """Every piece of text WeasyPrint laid out on the document's pages, in order."""
    from weasyprint.formatting_structure import boxes

    return " ".join(box.text for page in document.pages for box in page._page_box.descendants()
                    if isinstance(box, boxes.TextBox))


def squeeze(text: str) -> str:
    """Without whitespace: a line break in the PDF may fall anywhere a space was."""
    return re.sub(r"\s+", "", text)


def shown_stem(q) -> str:
    """The stem as a paper shows it: a dropdown's blanks as [id], code spans without their backticks."""
    return (BLANK.sub(lambda m: f"[{m.group(1)}]", q.stem) if q.type == "dropdown" else q.stem).replace("`", "")


def _class(students):
    return papers(build_set(BANK, SetSpec(OUTLINE, count=8, generated=3, seed=5)), BANK.outlines[OUTLINE], students)


def test_pdf_papers_hold_every_question_and_option_and_no_internal_ids():
    printing = _pdf_or_skip()
    ps = _class(["ana", "<b>ben</b> & co"])
    htmls = printing.papers_html("Week <1>", ps)
    made = printing.papers_pdf("Week <1>", ps)
    assert list(made) == [name.removesuffix(".html") + ".pdf" for name in htmls]  # one PDF per student
    for (name, html_text), paper in zip(htmls.items(), ps, strict=True):
        assert made[name.removesuffix(".html") + ".pdf"].startswith(b"%PDF-")
        document = printing.render(html_text)
        text = squeeze(pdf_text(document))
        assert squeeze(f"Name: {paper.student}") in text and squeeze("Week <1>") in text  # text, not markup
        for n, it in enumerate(paper.items, start=1):
            assert squeeze(f"{n}. {shown_stem(it.question)}") in text
            q = it.question
            for option in (*getattr(q, "options", ()), *getattr(q, "statements", ()), *getattr(q, "items", ())):
                assert squeeze(f"{option.id}) {option.text}") in text
            for blank in getattr(q, "blanks", ()):
                assert all(squeeze(f"{c.id}) {c.text}") in text for c in blank.choices)
            assert it.id not in pdf_text(document)  # no internal question ids
        assert "answer key" not in pdf_text(document).lower()


def test_the_pdf_key_is_a_separate_file_with_every_students_answers():
    printing = _pdf_or_skip()
    ps = _class(["ana", "ben"])
    assert printing.key_pdf("Week 1", ps).startswith(b"%PDF-")
    text = squeeze(pdf_text(printing.render(printing.key_html("Week 1", ps))))
    assert squeeze("Week 1: answer key") in text
    for paper in ps:
        assert squeeze(paper.student) in text
        for it in paper.items:
            assert squeeze(key_in_words(it.question)) in text and it.id not in text
    with zipfile.ZipFile(io.BytesIO(printing.papers_pdf_zip("Week 1", ps))) as z:  # the page's download
        assert sorted(z.namelist()) == sorted(printing.papers_pdf("Week 1", ps)) and "answer-key.pdf" not in z.namelist()


def test_the_pdf_renderer_fetches_no_file_and_no_address(tmp_path):
    printing = _pdf_or_skip()
    hide = tmp_path / "hide.css"
    hide.write_text("p { display: none }", encoding="utf-8")
    page = f'<html><head><link rel="stylesheet" href="{hide.as_uri()}"></head><body><p>still here</p></body></html>'
    assert "still here" in pdf_text(printing.render(page))  # the local stylesheet was not read


def test_kit_papers_pdf_writes_one_pdf_per_student_and_the_key(tmp_path, monkeypatch):
    printing = _pdf_or_skip()
    from typer.testing import CliRunner

    from quizzes.classroom import set_file
    from quizzes.kit import kit_app

    monkeypatch.setattr("quizzes.load_bank", lambda: BANK)
    spec, students = SetSpec(OUTLINE, count=5, seed=4, title="Week 1"), ["ann", "ben", "cleo"]
    (tmp_path / "set.json").write_text(set_file(spec, students), encoding="utf-8")
    out = CliRunner().invoke(kit_app, ["papers", str(tmp_path / "set.json"), "--out", str(tmp_path / "o"), "--pdf"])
    assert out.exit_code == 0, out.output
    written = sorted(p.name for p in (tmp_path / "o" / "papers").glob("*.pdf"))
    ps = papers(build_set(BANK, spec), BANK.outlines[OUTLINE], students)
    assert written == sorted(printing.papers_pdf(spec.title, ps))
    assert (tmp_path / "o" / "answer-key.pdf").read_bytes().startswith(b"%PDF-")
    without = CliRunner().invoke(kit_app, ["papers", str(tmp_path / "set.json"), "--out", str(tmp_path / "h")])
    assert without.exit_code == 0 and not list((tmp_path / "h").rglob("*.pdf"))
