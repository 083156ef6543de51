"""Print-ready papers and answer key as HTML: one paper per student (no answers, no internal
question ids: questions are numbered, options lettered as on the answer sheet), and the key
separately. Every text from the bank or a roster is HTML-escaped. A browser's "Print" (or "Save
as PDF") gives the paper; each student's paper starts on a new page."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from quizzes.classroom import Paper, paper_file_name
from quizzes.export import key_in_words
from quizzes.schema import BLANK

STYLE = """<style>
body { font-family: system-ui, sans-serif; font-size: 11pt; margin: 2cm; }
h1 { font-size: 16pt; } .q { break-inside: avoid; margin-bottom: 1em; }
.paper { break-after: page; } ol.opts { list-style: none; padding-left: 1em; } .line { border-bottom: 1px solid #000;
 display: inline-block; min-width: 6em; } @media print { body { margin: 0; } }
</style>"""


def _question(n: int, q) -> str:
    stem = BLANK.sub(lambda m: f"[{m.group(1)}]", q.stem) if q.type == "dropdown" else q.stem
    out = [f'<div class="q"><p><b>{n}.</b> {escape(stem)}</p>']
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
    body = "\n".join(_question(n, it.question) for n, it in enumerate(paper.items, start=1))
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
