"""``pim-sim kit``: the instructor's tools from the command line, the same files and numbers as
the Instructor's kit page (which imports what it shares from here).

- ``pim-sim kit papers SET.json --out DIR [--pdf]``: one paper per student (CSV, HTML, and PDF with
  ``--pdf``), the answer key (the same formats), the class's answer sheet;
- ``pim-sim kit export SET.json --format gift|moodle|qti|anki|csv --out FILE``;
- ``pim-sim kit grade SET.json SHEET.csv [--grades FILE] [--save]``: grades and the item analysis;
- ``pim-sim kit roster add NAME [--instructor]`` issues a sign-in code for Classroom mode's roster
  (printed once; only its hash is kept), ``roster remove NAME`` and ``roster list``.
"""

from __future__ import annotations

import math
from typing import Annotated

import typer

from pim_sim.io.csv_safe import frame_csv
from pim_sim.io.terminal import clean
from quizzes import export, gradings, roster
from quizzes.analysis import item_analysis, option_shares

FORMATS = {  # name -> (label, file name, mime, maker(questions, title) -> bytes)
    "gift": ("Moodle GIFT", "quiz.gift.txt", "text/plain", lambda qs, t: export.to_gift(qs, category=t).encode()),
    "moodle": ("Moodle XML", "quiz.moodle.xml", "application/xml",
               lambda qs, t: export.to_moodle_xml(qs, category=t).encode()),
    "qti": ("QTI 2.1 (zip)", "quiz.qti21.zip", "application/zip", lambda qs, t: export.to_qti_zip(qs, title=t)),
    "anki": ("Anki text", "quiz.anki.txt", "text/plain", lambda qs, t: export.to_anki(qs, deck=t).encode()),
    "csv": ("CSV", "quiz.csv", "text/csv", lambda qs, t: export.to_csv(qs).encode()),
}

kit_app = typer.Typer(name="kit", add_completion=False,
                      help="The instructor's kit: papers, exports, grading with item analysis, class roster codes.")
roster_app = typer.Typer(name="roster", add_completion=False,
                         help=f"Sign-in codes for Classroom mode (the roster file: --roster or {roster.ENV_VAR}).")
kit_app.add_typer(roster_app)

RosterPath = Annotated[str | None, typer.Option("--roster", help=f"the roster file (default: ${roster.ENV_VAR})")]


def _fail(error: Exception) -> None:
    typer.echo(clean(f"error: {error}"), err=True)
    raise typer.Exit(2)


@roster_app.command("add")
def add(name: str, instructor: Annotated[bool, typer.Option("--instructor", help="an instructor, not a learner")] = False,
        path: RosterPath = None) -> None:
    """Add NAME (or give them a new code) and print the code, once."""
    try:
        code = roster.issue(name, "instructor" if instructor else "learner", path)
    except (roster.RosterError, ValueError) as e:
        _fail(e)
    typer.echo(clean(f"{name}\t{code}"))


@roster_app.command("remove")
def remove(name: str, path: RosterPath = None) -> None:
    """Remove NAME: their code no longer signs in."""
    try:
        gone = roster.remove(name, path)
    except roster.RosterError as e:
        _fail(e)
    typer.echo(clean(f"{name} removed" if gone else f"{name} was not on the roster"))


@roster_app.command("list")
def list_people(path: RosterPath = None) -> None:
    """Everyone on the roster and their role (never a code: only hashes are kept)."""
    try:
        for person in roster.people(path):
            typer.echo(clean(f"{person.name}\t{person.role}"))
    except roster.RosterError as e:
        _fail(e)


# ------------------------------------------------------------------ papers, exports, grading
def class_of(set_text: str | bytes):
    """(spec, papers) rebuilt from a quiz set file, with the shipped bank."""
    from quizzes import load_bank
    from quizzes.classroom import build_set, papers, read_set_file

    bank = load_bank()
    spec, students = read_set_file(set_text)
    return spec, papers(build_set(bank, spec), bank.outlines[spec.outline], students)


def questions_of(class_papers) -> list:
    return list({it.id: it.question for p in class_papers for it in p.items}.values())


def graded(class_papers, sheet: str | bytes):
    """(results, grades, item analysis, option shares) of a class's answer sheet."""
    from quizzes.classroom import grade_class

    results = grade_class(class_papers, sheet)
    return results, results.grades(), item_analysis(results.answers), option_shares(results.answers)


SetFile = Annotated[typer.FileBinaryRead, typer.Argument(help="the quiz set file (JSON) the page or this command wrote")]


def _read(file) -> bytes:
    data = file.read(gradings.MAX_BYTES + 1)
    if len(data) > gradings.MAX_BYTES:
        _fail(ValueError(f"the file is over {gradings.MAX_BYTES:,} bytes"))
    return data


@kit_app.command("papers")
def papers_cmd(set_file: SetFile, out: Annotated[str, typer.Option("--out", help="a folder to write into")],
               pdf: Annotated[bool, typer.Option("--pdf", help="also each paper and the key as PDF (the pdf extra: "
                                                 "pip install 'pim-sim[pdf]')")] = False) -> None:
    """One paper per student (CSV, and print-ready HTML; no answers), the answer key (CSV and HTML) and
    the class's answer sheet; with --pdf, each paper and the key as PDF too."""
    from pathlib import Path

    from quizzes import printing
    from quizzes.classroom import ClassroomError, answer_key_csv, answer_sheet_template, papers_csv

    try:
        spec, class_papers = class_of(_read(set_file))
    except ClassroomError as e:
        _fail(e)
    if pdf and not printing.pdf_available():  # before writing anything
        _fail(printing.PdfUnavailable(printing.INSTALL))
    folder = Path(out)
    (folder / "papers").mkdir(parents=True, exist_ok=True)
    for name, text in papers_csv(class_papers).items():
        (folder / "papers" / name).write_text(text, encoding="utf-8")
    (folder / "answer-key.csv").write_text(answer_key_csv(class_papers), encoding="utf-8")
    from quizzes.printing import key_html, papers_html

    for name, text in papers_html(spec.title, class_papers).items():  # print-ready, one per student
        (folder / "papers" / name).write_text(text, encoding="utf-8")
    (folder / "answer-key.html").write_text(key_html(spec.title, class_papers), encoding="utf-8")
    (folder / "answer-sheet.csv").write_text(answer_sheet_template(class_papers), encoding="utf-8")
    if pdf:  # the same pages as the HTML, laid out by WeasyPrint; the key a separate file
        for name, data in printing.papers_pdf(spec.title, class_papers).items():
            (folder / "papers" / name).write_bytes(data)
        (folder / "answer-key.pdf").write_bytes(printing.key_pdf(spec.title, class_papers))
    typer.echo(clean(f"{len(class_papers)} papers, the answer key and the answer sheet in {folder}"
                     + (" (CSV, HTML and PDF)" if pdf else " (CSV and HTML)")))


@kit_app.command("export")
def export_cmd(set_file: SetFile, fmt: Annotated[str, typer.Option("--format", help=", ".join(FORMATS))],
               out: Annotated[str, typer.Option("--out", help="the file to write")]) -> None:
    """Every question of the set in a quiz format (the same bytes as the page's download)."""
    from pathlib import Path

    from quizzes.classroom import ClassroomError

    if fmt not in FORMATS:
        _fail(ValueError(f"--format: one of {', '.join(FORMATS)}, not {fmt!r}"))
    try:
        spec, class_papers = class_of(_read(set_file))
        made = FORMATS[fmt][3](questions_of(class_papers), spec.title)
    except (ClassroomError, export.ExportError) as e:
        _fail(e)
    Path(out).write_bytes(made)
    typer.echo(clean(f"{FORMATS[fmt][0]}: {out} ({len(made):,} bytes)"))


def _cell(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, float):
        return "–" if math.isnan(value) else f"{value:,.3f}".rstrip("0").rstrip(".")
    return str(value)


def _show(frame, title: str) -> None:
    """``frame`` as a table on the terminal console (text as typed: no markup, no escape codes);
    printed whole, never cut to 80 columns, when the output is a file or a pipe."""
    from pandas.api.types import is_numeric_dtype
    from rich.measure import Measurement
    from rich.table import Table

    from pim_sim.io import terminal

    table = Table(title=title, title_justify="left")
    for column in frame.columns:
        numeric = is_numeric_dtype(frame[column]) and frame[column].dtype != bool
        table.add_column(str(column).replace("_", " "), justify="right" if numeric else "left", overflow="fold")
    for row in frame.itertuples(index=False):
        table.add_row(*(_cell(v) for v in row))
    console = terminal.console()
    if not console.is_terminal:  # as wide as the table wants: a file keeps every id and flag on one line
        console = terminal.console(width=max(80, Measurement.get(console, console.options.update_width(10_000),
                                                                 table).maximum))
    console.print(table)


@kit_app.command("grade")
def grade_cmd(set_file: SetFile,
              sheet: Annotated[typer.FileBinaryRead, typer.Argument(help="the class's answers (student, question_id, "
                                                                            "response)")],
              grades_out: Annotated[str | None, typer.Option("--grades", help="write the grades here (CSV)")] = None,
              save: Annotated[bool, typer.Option("--save", help=f"keep this grading to reopen (${gradings.ENV_VAR})")]
              = False) -> None:
    """Grade a class: grades per student, then the item analysis (difficulty p, point-biserial
    discrimination, flags) and the share of students choosing each option."""
    from quizzes.classroom import ClassroomError

    set_bytes, sheet_bytes = _read(set_file), _read(sheet)
    try:
        spec, class_papers = class_of(set_bytes)
        results, grades, analysis, shares = graded(class_papers, sheet_bytes)
    except ClassroomError as e:
        _fail(e)
    for issue in results.issues:
        typer.echo(clean(f"warning: {issue}"), err=True)
    typer.echo(clean(f"{spec.title}: {len(grades)} students, class mean {grades['percent'].mean():.1f} %\n"))
    _show(grades, "Grades")
    _show(analysis, "Item analysis")
    _show(shares, "Options chosen")
    if grades_out:
        frame_csv(grades, grades_out)
    if save:
        kept = gradings.save(spec.title, set_bytes.decode("utf-8-sig"), sheet_bytes)
        typer.echo(clean(f"\nSaved as {kept.name}"))
