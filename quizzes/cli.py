"""``pim-sim quiz``: practice or take a timed exam in the terminal, verify the bank, see progress.

Answers typed at the prompt, by question type::

    single      b                 multiple    a,c
    yes_no      y,n,y (in order)  ordering    3,1,2,4 (item numbers, first to last)
    dropdown    b,a (per blank)   numeric     90
"""

from __future__ import annotations

import textwrap
from contextlib import contextmanager
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any

import typer

from pim_sim.io.terminal import clean

from .grading import ResponseError
from .session import DEFAULT_OUTLINE  # shared with the dashboard

quiz_app = typer.Typer(name="quiz", add_completion=False,
                       help="Practice (feedback after each answer) or take a timed exam (--exam); verify the bank; "
                            "see progress.")



class Source(StrEnum):
    BOTH = "both"
    BANK = "bank"
    GENERATED = "generated"
WIDTH = 100


def _echo(text: str = "", **kwargs) -> None:
    """Print to the terminal without the escape codes or control characters text may hold."""
    typer.echo(clean(text), **kwargs)


# Whoever runs the command owns the store it opens (their own file, or a class server's URL with
# its password): the command line acts as the instructor, never as one learner among others.
def _owner():
    from .progress import Actor

    return Actor.instructor()


@contextmanager
def _progress_store(location: str | None, *, readonly: bool = False):
    """The progress store, or one clear line and exit code 1 when it can't be used."""
    from .progress import ProgressError, open_store

    try:
        with open_store(location, readonly=readonly) as db:
            yield db
    except ProgressError as e:
        typer.echo(clean(e), err=True)
        raise typer.Exit(1) from None


# ------------------------------------------------------------------ parsing answers
def _parts(text: str) -> list[str]:
    return [p for p in text.replace(",", " ").split() if p]


def parse_response(question, text: str):
    """Turn what was typed into a response :func:`quizzes.grading.grade` accepts."""
    text = text.strip()
    if not text:
        raise ResponseError("response: empty; type an answer")
    kind = question.type
    if kind == "single":
        return text.lower()
    if kind == "multiple":
        return [p.lower() for p in _parts(text)]
    if kind == "yes_no":
        words = {"y": True, "yes": True, "true": True, "n": False, "no": False, "false": False}
        parts = _parts(text.lower())
        bad = [p for p in parts if p not in words]
        if bad:
            raise ResponseError(f"response: answer each statement with y or n, not {', '.join(bad)}")
        if len(parts) != len(question.statements):
            raise ResponseError(f"response: {len(question.statements)} statements need {len(question.statements)} "
                                f"answers, got {len(parts)}")
        return [words[p] for p in parts]
    if kind == "ordering":
        ids = [i.id for i in question.items]
        out = []
        for p in _parts(text):
            if p.isdigit() and 1 <= int(p) <= len(ids):
                out.append(ids[int(p) - 1])
            else:
                out.append(p)
        return out
    if kind == "dropdown":
        parts = [p.lower() for p in _parts(text)]
        if len(parts) != len(question.blanks):
            raise ResponseError(f"response: {len(question.blanks)} blanks need {len(question.blanks)} choices, "
                                f"got {len(parts)}")
        return {b.id: p for b, p in zip(question.blanks, parts, strict=True)}
    return text


def format_response(question, response) -> str:
    """What to type at the prompt for ``response`` (the inverse of :func:`parse_response`)."""
    kind = question.type
    if kind == "multiple":
        return ",".join(response)
    if kind == "yes_no":
        values = response.values() if isinstance(response, dict) else response
        return ",".join("y" if v else "n" for v in values)
    if kind == "ordering":
        number = {i.id: str(n) for n, i in enumerate(question.items, 1)}
        return ",".join(number[r] for r in response)
    if kind == "dropdown":
        return ",".join(response[b.id] for b in question.blanks)
    if kind == "numeric":
        return f"{response:g}"
    return str(response)


# ------------------------------------------------------------------ showing questions
def render(question, number: str = "") -> str:
    """A question as plain text for the terminal."""
    wrap = lambda s, indent="": textwrap.fill(s, WIDTH, initial_indent=indent, subsequent_indent=indent)  # noqa: E731
    from quizzes.export.common import case_text

    case = case_text(question)  # an item of a case study is shown after its case, as the exam shows it
    lines = [*(wrap(part) if part.strip() else "" for part in case.split("\n")), ""] if case else []
    lines.append(wrap(f"{number}{question.stem}"))
    if question.type in ("single", "multiple"):
        if question.type == "multiple":
            lines.append(f"  (choose {len(question.key)})")
        lines += [wrap(f"{o.id}) {o.text}", "  ") for o in question.options]
    elif question.type == "yes_no":
        lines += [wrap(f"{n}. {s.text}", "  ") for n, s in enumerate(question.statements, 1)]
        lines.append("  (answer y or n for each, in order)")
    elif question.type == "ordering":
        lines += [wrap(f"{n}. {i.text}", "  ") for n, i in enumerate(question.items, 1)]
        lines.append("  (type the numbers in the right order)")
    elif question.type == "dropdown":
        for b in question.blanks:
            lines.append(wrap(f"[[{b.id}]]: " + "  ".join(f"{c.id}) {c.text}" for c in b.choices), "  "))
    else:
        lines.append(f"  (a number, in {question.unit})")
    return "\n".join(lines)


def _key_text(question, key) -> str:
    if question.type == "yes_no":
        return ", ".join(f"{n}: {'yes' if key[s.id] else 'no'}" for n, s in enumerate(question.statements, 1))
    if question.type == "ordering":
        number = {i.id: str(n) for n, i in enumerate(question.items, 1)}
        return " > ".join(number[k] for k in key)
    if question.type == "dropdown":
        return ", ".join(f"{b}: {c}" for b, c in key.items())
    if question.type == "multiple":
        return ", ".join(key)
    if question.type == "numeric":
        return f"{key:g} {question.unit}"
    return str(key)


def show_feedback(fb, *, evidence: bool = True) -> None:
    q = fb.item.question
    verdict = "Right." if fb.grade.correct else ("Partly right" if fb.grade.score > 0 else "Not right.")
    _echo(f"{verdict} Score {fb.grade.score:.2f}. Key: {_key_text(q, fb.key)}")
    for slip in fb.grade.slips:
        named = f" (misconception: {slip.misconception})" if slip.misconception else ""
        _echo(textwrap.fill(f"- {slip.part}: {slip.explanation}{named}", WIDTH,
                                 subsequent_indent="  "))
    _echo(textwrap.fill("Why: " + fb.explanation, WIDTH))
    if fb.exam_note:
        _echo(textwrap.fill("Exam note: " + fb.exam_note, WIDTH))
    if evidence and fb.evidence:
        _echo("Evidence from the simulation:")
        for line in fb.evidence[:8]:
            _echo(textwrap.fill(line, WIDTH, initial_indent="  ", subsequent_indent="    "))
    _echo("Sources: " + " ".join(fb.sources))


# ------------------------------------------------------------------ building a quiz
def build_pool(outline_id: str, *, seed: int, bank: bool = True, generated: bool = True, strict: bool = False):
    import random
    from dataclasses import replace

    from .bank import load_bank
    from .classroom import shuffled
    from .generate import TEMPLATES, generate
    from .session import items

    loaded = load_bank()
    if outline_id not in loaded.outlines:
        raise typer.BadParameter(f"no outline {outline_id!r}; choose from {', '.join(sorted(loaded.outlines))}",
                                 param_hint="--outline")
    outline = loaded.outlines[outline_id]
    questions: list[Any] = list(loaded) if bank else []  # bank questions and generated ones
    if generated:
        questions += [generate(name, seed) for name in sorted(TEMPLATES)]
    # The bank lists each question's right answer first; every session shows the options in an
    # order of its own, relettered, so the answer is never "always a".
    rng = random.Random(f"options\x1f{seed}")
    return outline, [replace(it, question=shuffled(it.question, rng)) for it in items(questions, outline, strict=strict)]


def _ask(question, label: str, *, allow_skip: bool):
    """Prompt until the answer parses; returns (response, flag) or None when skipped."""
    from .grading import grade

    while True:
        text = typer.prompt(label, default="", show_default=False)
        flag = text.rstrip().endswith("?")
        text = text.rstrip().rstrip("?")
        if allow_skip and text.strip().lower() in ("", "skip", "s"):
            return None, flag
        try:
            response = parse_response(question, text)
            grade(question, response)  # validates the response without showing anything
            return response, flag
        except ResponseError as e:
            _echo(str(e))


@quiz_app.callback(invoke_without_command=True)
def quiz(ctx: typer.Context,
         exam: Annotated[bool, typer.Option("--exam", help="A timed exam: no feedback until the end, scaled score.")] = False,
         learner: Annotated[str, typer.Option(help="Learner profile to record progress under.")] = "default",
         count: Annotated[int, typer.Option(min=1, max=200, help="How many questions.")] = 10,
         topic: Annotated[list[str] | None, typer.Option(help="Only these topics (repeatable).")] = None,
         objective: Annotated[list[str] | None, typer.Option(help="Only these outline objectives, e.g. 4.4.4 "
                                                                  "(repeatable).")] = None,
         outline: Annotated[str, typer.Option(help="The exam outline that weights the exam and reports.")] = DEFAULT_OUTLINE,
         seed: Annotated[int | None, typer.Option(help="Seed of the generated variants and of the exam draw "
                                                       "(default: random).")] = None,
         minutes: Annotated[float | None, typer.Option(help="Exam time limit (default: 2 minutes a question).")] = None,
         source: Annotated[Source, typer.Option(help="Questions from the bank, generated variants, or both.")]
         = Source.BOTH,
         review: Annotated[bool, typer.Option("--review/--in-order",
                                              help="Serve missed and unseen questions first.")] = True,
         store: Annotated[str | None, typer.Option(help="Progress store: a path or postgresql:// URL (default: "
                                                        "$PIM_SIM_PROGRESS or ~/.pim-sim/progress.sqlite3).")] = None,
         ) -> None:
    """Practice in the terminal (or --exam)."""
    if ctx.invoked_subcommand is not None:
        return
    import random

    from .session import ExamSession, PracticeSession, review_order, select, weighted_exam, with_missed_variants

    seed = random.SystemRandom().randrange(1_000_000) if seed is None else seed
    the_outline, pool = build_pool(outline, seed=seed, bank=source is not Source.GENERATED,
                                   generated=source is not Source.BANK, strict=exam)
    from .progress import ProgressError, check_learner

    try:
        check_learner(learner)
    except ProgressError as e:
        raise typer.BadParameter(clean(e), param_hint="--learner") from None
    with _progress_store(store) as db:
        history = db.answers(learner, actor=_owner())
        if review and not exam and source is not Source.BANK:
            pool = with_missed_variants(pool, history, the_outline)
        if topic or objective:
            pool = select(pool, topics=topic or None, objectives=objective or None)
        if not pool:
            raise typer.BadParameter("no question matches those topics and objectives",
                                     param_hint="--topic/--objective")
        if exam:
            chosen = weighted_exam(pool, count, seed)
            _run_exam(ExamSession(chosen, learner, db.acting(_owner()), minutes=minutes or 2.0 * len(chosen)),
                      the_outline.title)
        else:
            ordered = review_order(pool, history, datetime.now(UTC)) if review else pool
            _run_practice(PracticeSession(ordered[:count], learner, db.acting(_owner())))
    _echo(f"(seed {seed}; progress kept for {learner})")


def _run_practice(session) -> None:
    n = len(session.items)
    while (item := session.current()) is not None:
        _echo("")
        _echo(render(item.question, f"[{session.position + 1}/{n}] "))
        response, _ = _ask(item.question, "Answer", allow_skip=False)
        show_feedback(session.answer(response))
    _echo(f"\nPractice done: {session.score:.2f} of {n} points.")


def _run_exam(session, title: str) -> None:
    n = len(session.items)
    _echo(f"Exam: {title}. {n} questions, {session.minutes:g} minutes. No feedback until the end. "
               "Type 'skip' to come back later; end an answer with '?' to flag it for review.")
    order = list(range(n))
    for round_ in range(2):
        for i in order:
            if session.timed_out:
                break
            item = session.show(i)
            _echo(f"\n({session.remaining_seconds() / 60:.0f} min left){' [flagged]' if i in session.flags else ''}")
            _echo(render(item.question, f"[{i + 1}/{n}] "))
            response, flag = _ask(item.question, "Answer", allow_skip=True)
            if response is not None and session.timed_out:
                _echo("Time is up: that answer came too late to count.")
            elif response is not None:
                session.answer(i, response)
            session.flag(i, flag)
        order = sorted(set(session.unanswered()) | session.flags)
        if round_ or not order or session.timed_out:
            break
        if not typer.confirm(f"\nReview {len(order)} flagged or unanswered question(s)?", default=True):
            break
    report = session.finish()
    print_exam_report(report)


def print_exam_report(report) -> None:
    _echo("")
    _echo(f"Score {report.scaled}/1000: {'PASS' if report.passed else 'FAIL'} (pass mark 700). "
               f"{report.points:.2f} of {report.questions} points; {report.answered} answered"
               f"{'; time ran out' if report.timed_out else ''}.")
    _echo("By domain:")
    for d in report.domains:
        _echo(f"  {d.domain:24} {d.percent:5.0f}%  ({d.points:.1f}/{d.questions})")
    _echo("By objective:")
    for o in report.objectives:
        _echo(f"  {o.tag:24} {o.percent:5.0f}%  ({o.points:.1f}/{o.questions})")
    for n, fb in enumerate(report.review, 1):
        if fb is not None and not fb.grade.correct:
            _echo(f"\nQuestion {n} ({fb.item.id}):")
            show_feedback(fb, evidence=False)


@quiz_app.command()
def verify(verbose: Annotated[bool, typer.Option("--verbose", help="List every question, not only "
                                                                  "disagreements.")] = False) -> None:
    """Run every probe and check each probe-verified key; the last line is the summary."""
    from .verify import print_report, verify_bank

    report = verify_bank()
    print_report(report, verbose=verbose)
    raise typer.Exit(1 if report.disagreements else 0)


@quiz_app.command()
def lint(variants: Annotated[int, typer.Option(help="Generated variants to measure besides the bank.")] = 1000,
         verbose: Annotated[bool, typer.Option("--verbose", help="Classify every item, not only the bad ones.")] = False
         ) -> None:
    """Classify every probe (run / constant / tautology) and print every giveaway figure."""
    from .bank import load_bank
    from .lint import lint as run_lint
    from .lint import print_report

    report = run_lint(load_bank(), variant_count=variants)
    print_report(report, verbose=verbose)
    raise typer.Exit(0 if report.ok else 1)


@quiz_app.command()
def stats(learner: Annotated[str | None, typer.Option(help="One learner (default: a summary of every learner).")] = None,
          outline: Annotated[str, typer.Option(help="The outline whose domains readiness is reported for.")] = DEFAULT_OUTLINE,
          store: Annotated[str | None, typer.Option(help="Progress store: a path or postgresql:// URL.")] = None) -> None:
    """Answers, accuracy, what is due for review and readiness per domain."""
    from .bank import load_outlines
    from .progress import due, effective, readiness

    outlines = load_outlines()
    if outline not in outlines:
        raise typer.BadParameter(f"no outline {outline!r}; choose from {', '.join(sorted(outlines))}",
                                 param_hint="--outline")
    now = datetime.now(UTC)
    with _progress_store(store, readonly=True) as db:
        names = [learner] if learner else db.learners(actor=_owner())
        if not names:
            _echo("No learners yet: run `pim-sim quiz` first.")
            return
        for name in names:
            answers = effective(db.answers(name, actor=_owner()))
            right = sum(a.score for a in answers)
            _echo(f"{name}: {len(answers)} answers, {right:.1f} points "
                       f"({100 * right / len(answers) if answers else 0:.0f}%)")
            if not learner:
                continue
            rows = due(answers, now)
            _echo("Skills (FSRS):")
            for row in rows:
                state = "due now" if row.overdue else f"next review {row.due:%Y-%m-%d %H:%M} UTC"
                _echo(f"  {row.skill:24} {state:36} recall {row.retrievability:.0%}")
            if not rows:
                _echo("  nothing practised yet")
            o = outlines[outline]
            _echo(f"Readiness per domain ({o.id}; mean and 90% interval of a Beta posterior):")
            for d, r in zip(o.domains, readiness(answers, [f"{o.id}:{d.id}" for d in o.domains]), strict=True):
                _echo(f"  {d.name[:40]:40} {r.mean:5.0%}  [{r.low:.0%} to {r.high:.0%}]  ({r.answered} answers)")
