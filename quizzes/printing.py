"""Print-ready papers and answer key as HTML, and as PDF: one paper per student (no answers, no
internal question ids: questions are numbered, options lettered as on the answer sheet), and the
key separately. Every text from the bank or a roster is HTML-escaped. A browser's "Print" (or "Save
as PDF") gives the paper; each student's paper starts on a new page.

The PDFs are the same HTML laid out by WeasyPrint (HTML and CSS to PDF; the ``pdf`` extra, and
Pango on the system: ``apt install libpango-1.0-0 libpangoft2-1.0-0``). WeasyPrint is imported on
first use, and it fetches nothing: the papers reference no file or address, and the fetcher given
to it refuses every URL, so text in a question can't make it read a local file or call a server.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from functools import cache
from html import escape

from quizzes.classroom import Paper, paper_file_name
from quizzes.errors import QuizError
from quizzes.export import case_text, key_in_words
from quizzes.schema import BLANK

STYLE = """<style>
body { font-family: system-ui, sans-serif; font-size: 11pt; margin: 2cm; }
h1 { font-size: 16pt; } .q { break-inside: avoid; margin-bottom: 1em; } .paper { break-after: page; }
.case { border: 1px solid #888; padding: 0 1em; margin-bottom: 1em; } code { font-size: 10pt; }
ol.opts { list-style: none; padding-left: 1em; }
.line { border-bottom: 1px solid #000; display: inline-block; min-width: 6em; } @media print { body { margin: 0; } }
</style>"""


def _inline(text: str) -> str:
    """Escaped text; a `code` span in the bank's text is set as code, a line break kept."""
    return re.sub(r"`([^`\n]+)`", r"<code>\1</code>", escape(text)).replace("\n", "<br>")


def _blocks(text: str, number: str = "") -> str:
    """Paragraphs (blank-line separated) and ``- `` lists, the way the bank writes them; ``number``
    (already HTML) starts the first paragraph."""
    out = []
    for block in (b.strip("\n") for b in re.split(r"\n\s*\n", text.strip())):
        lines = block.splitlines()
        if lines and all(line.startswith("- ") for line in lines):
            out.append("<ul>" + "".join(f"<li>{_inline(line[2:])}</li>" for line in lines) + "</ul>")
        else:
            out.append(f"<p>{number}{_inline(block)}</p>")
        number = ""
    return "".join(out)


def _case(q) -> str:
    """The case study before its first item on a paper, as the exam shows it."""
    text = case_text(q)
    return f'<div class="case">{_blocks(text)}</div>' if text else ""


def _question(n: int, q) -> str:
    stem = BLANK.sub(lambda m: f"[{m.group(1)}]", q.stem) if q.type == "dropdown" else q.stem
    out = [f'<div class="q">{_blocks(stem, f"<b>{n}.</b> ")}']
    if q.type in ("single", "multiple"):
        hint = "Choose one." if q.type == "single" else "Choose every right answer."
        out.append(f"<p><i>{hint}</i></p><ol class=\"opts\">")
        out += [f"<li>{escape(o.id)}) {escape(o.text)}</li>" for o in q.options]
        out.append("</ol>")
    elif q.type == "yes_no":
        out.append("<ol class=\"opts\">")
        out += [f"<li>{escape(s.id)}) {escape(s.text)} &nbsp; Yes / No</li>" for s in q.statements]
        out.append("</ol>")
    elif q.type == "ordering":
        out.append("<p><i>Write the letters in order, first to last.</i></p><ol class=\"opts\">")
        out += [f"<li>{escape(i.id)}) {escape(i.text)}</li>" for i in q.items]
        out.append("</ol>")
    elif q.type == "dropdown":
        for b in q.blanks:
            out.append(f"<p>[{escape(b.id)}]: " + " / ".join(f"{escape(c.id)}) {escape(c.text)}" for c in b.choices)
                       + "</p>")
    else:
        out.append(f'<p>Answer (in {escape(q.unit)}): <span class="line">&nbsp;</span></p>')
    out.append("</div>")
    return "\n".join(out)


def _page(title: str, body: str) -> str:
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>{STYLE}'
            f"</head><body>{body}</body></html>")


def paper_html(title: str, paper: Paper) -> str:
    parts, shown_case = [], ""
    for n, it in enumerate(paper.items, start=1):
        case = getattr(it.question, "case", "") or ""
        if case and case != shown_case:  # a case's text once, before the first of its items in a row
            parts.append(_case(it.question))
        shown_case = case
        parts.append(_question(n, it.question))
    body = "\n".join(parts)
    return _page(f"{title} · {paper.student}", f'<div class="paper"><h1>{escape(title)}</h1>'
                                                f"<p>Name: {escape(paper.student)}</p>{body}</div>")


def papers_html(title: str, class_papers: Sequence[Paper]) -> dict[str, str]:
    """File name -> one student's paper (the same names as the CSV papers, ending .html)."""
    out: dict[str, str] = {}
    for p in class_papers:
        name = base = paper_file_name(p.student).removesuffix(".csv") + ".html"
        n = 1
        while name in out:
            n += 1
            name = f"{base.removesuffix('.html')}-{n}.html"
        out[name] = paper_html(title, p)
    return out


def key_html(title: str, class_papers: Sequence[Paper]) -> str:
    """The key for every paper, student by student: number, the answer in words."""
    parts = [f"<h1>{escape(title)}: answer key</h1>"]
    for p in class_papers:
        rows = "".join(f"<tr><td>{n}</td><td>{escape(key_in_words(it.question))}</td></tr>"
                       for n, it in enumerate(p.items, start=1))
        parts.append(f'<div class="paper"><h2>{escape(p.student)}</h2><table><tr><th>#</th><th>Answer</th></tr>'
                     f"{rows}</table></div>")
    return _page(f"{title}: answer key", "\n".join(parts))


# ------------------------------------------------------------------ PDF (WeasyPrint, the pdf extra)
class PdfUnavailable(QuizError):
    """WeasyPrint (or the Pango library it lays text out with) isn't installed."""


INSTALL = ("PDF papers need WeasyPrint: pip install 'pim-sim[pdf]' (and Pango on the system, e.g. "
           "apt install libpango-1.0-0 libpangoft2-1.0-0)")


@cache
def _weasyprint():
    try:
        import weasyprint
    except (ImportError, OSError) as e:  # OSError: the package is there but Pango isn't
        raise PdfUnavailable(f"{INSTALL}; {type(e).__name__}: {e}") from None
    return weasyprint


def pdf_available() -> bool:
    """True when :func:`to_pdf` can run here."""
    try:
        _weasyprint()
    except PdfUnavailable:
        return False
    return True


def _no_fetching():
    """A URL fetcher that refuses every URL (no file, no network): the papers need none."""
    return _weasyprint().URLFetcher(allowed_protocols=(), fail_on_errors=False, allow_redirects=False)


def render(html_text: str):
    """The laid-out document (its pages) of one of this module's HTML pages."""
    return _weasyprint().HTML(string=html_text, url_fetcher=_no_fetching()).render()


def to_pdf(html_text: str) -> bytes:
    """One of this module's HTML pages as PDF bytes."""
    return render(html_text).write_pdf()


def papers_pdf(title: str, class_papers: Sequence[Paper]) -> dict[str, bytes]:
    """File name -> one student's paper as PDF (the HTML papers' names, ending .pdf)."""
    return {name.removesuffix(".html") + ".pdf": to_pdf(text) for name, text in papers_html(title, class_papers).items()}


def papers_pdf_zip(title: str, class_papers: Sequence[Paper]) -> bytes:
    """Every student's paper as PDF, in one zip (the page's "Download papers (PDF)")."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in papers_pdf(title, class_papers).items():
            z.writestr(name, data)
    return buf.getvalue()


def key_pdf(title: str, class_papers: Sequence[Paper]) -> bytes:
    """The answer key for every paper as one PDF (a separate file from the papers)."""
    return to_pdf(key_html(title, class_papers))
