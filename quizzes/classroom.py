"""The instructor's kit: quiz sets, one paper per student, the answer key, grading a class's
answer sheet, and the classroom scenario pack.

A set is described by a :class:`SetSpec` (topics, objectives, count, seed). Its bank questions
are the same for every student; its generated questions are *variants*: the same templates
(the same skills, in the same places) drawn with a seed derived from the set's seed and the
student's name, so a class of 30 gets 30 different but equivalent papers, and anyone holding
the spec and the roster can rebuild every paper (no paper needs storing).

Class answers come back as CSV (``student,question_id,response``, the response in the text form
of :func:`quizzes.export.response_text`). Rows that can't be graded are reported with their line
and field; the rest are graded with :func:`quizzes.grading.grade`.
"""

from __future__ import annotations

import csv
import io
import json
import random
import re
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import pandas as pd

from pim_sim.io.csv_safe import frame_csv, restore, rows_csv
from quizzes.errors import QuizError

from .export import key_text, parse_response, to_csv
from .grading import Grade, ResponseError, grade
from .session import Item, items, select

MAX_STUDENTS = 500
MAX_QUESTIONS = 200
MAX_UPLOAD_BYTES = 2 * 1024 * 1024  # the dashboard's upload limit, ui.uploads.MAX_UPLOAD_MB, in bytes
MAX_SHEET_ROWS = MAX_STUDENTS * MAX_QUESTIONS
MAX_NAME = 100  # characters in a student's name
MAX_TITLE = 200
ANSWER_COLUMNS = ("student", "question_id", "response")


class ClassroomError(QuizError):
    """Bad input to the instructor's kit: names the field (or CSV line) and the problem."""


@dataclass(frozen=True, slots=True)
class SetSpec:
    """What a quiz set is made of. ``objectives`` are outline tags or bullet ids."""

    outline: str
    count: int
    seed: int = 0
    topics: tuple[str, ...] | None = None
    objectives: tuple[str, ...] | None = None
    generated: int = 0  # how many of the ``count`` questions are generated variants
    title: str = "pim-sim quiz"

    def check(self) -> SetSpec:
        if not isinstance(self.count, int) or not 1 <= self.count <= MAX_QUESTIONS:
            raise ClassroomError(f"count: a whole number from 1 to {MAX_QUESTIONS}, got {self.count!r}")
        if not isinstance(self.generated, int) or not 0 <= self.generated <= self.count:
            raise ClassroomError(f"generated: a whole number from 0 to count ({self.count}), got {self.generated!r}")
        if not isinstance(self.seed, int) or self.seed < 0:
            raise ClassroomError(f"seed: a whole number >= 0, got {self.seed!r}")
        return self


@dataclass(frozen=True, slots=True)
class Paper:
    """One student's paper: the items in the order they are printed."""

    student: str
    items: tuple[Item, ...]

    def item(self, question_id: str) -> Item | None:
        return next((it for it in self.items if it.id == question_id), None)


@dataclass(frozen=True, slots=True)
class QuizSet:
    """The bank part (shared) and the template names of the generated part (varied per student)."""

    spec: SetSpec
    shared: tuple[Item, ...]
    templates: tuple[str, ...]


SET_FILE_VERSION = 1


def set_file(spec: SetSpec, students: Sequence[str]) -> str:
    """The set and its roster as JSON: everything needed to rebuild every paper later (to grade
    a class after the server restarted, or on another machine with the same bank)."""
    body = {"pim_sim_quiz_set": SET_FILE_VERSION, **asdict(spec), "students": list(_roster(students))}
    return json.dumps(body, indent=2)


def read_set_file(text: str | bytes) -> tuple[SetSpec, list[str]]:
    """A set file back to its spec and roster; a bad file raises naming the field."""
    if len(text) > MAX_UPLOAD_BYTES:
        raise ClassroomError(f"set file: larger than {MAX_UPLOAD_BYTES:,} bytes")
    try:
        raw = json.loads(text)
    except (ValueError, UnicodeDecodeError) as e:
        raise ClassroomError(f"set file: not JSON ({str(e)[:200]})") from None
    except RecursionError:  # the decoder recurses once per level of nesting
        raise ClassroomError("set file: lists or objects nested too deeply to be a quiz set") from None
    if not isinstance(raw, dict) or raw.get("pim_sim_quiz_set") != SET_FILE_VERSION:
        raise ClassroomError(f"set file: not a pim-sim quiz set (expected pim_sim_quiz_set: {SET_FILE_VERSION})")
    known = {f.name for f in fields(SetSpec)}
    unknown = sorted(set(raw) - known - {"pim_sim_quiz_set", "students"})
    if unknown:
        raise ClassroomError(f"set file: unknown field {', '.join(unknown)}")
    for name, kinds in (("outline", str), ("count", int), ("seed", int), ("generated", int), ("title", str)):
        if name in raw and (not isinstance(raw[name], kinds) or isinstance(raw[name], bool)):
            raise ClassroomError(f"set file: {name}: expected {kinds.__name__}, got {_shown(raw[name])}")
    if isinstance(raw.get("title"), str) and len(raw["title"]) > MAX_TITLE:
        raise ClassroomError(f"set file: title: at most {MAX_TITLE} characters, got {len(raw['title']):,}")
    if isinstance(raw.get("seed"), int) and not 0 <= raw["seed"] < 2**63:
        raise ClassroomError(f"set file: seed: a whole number from 0 to 2**63 - 1, got {_shown(raw['seed'])}")
    for name in ("topics", "objectives"):
        value = raw.get(name)
        if value is not None and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            raise ClassroomError(f"set file: {name}: expected a list of names or null, got {_shown(value)}")
    students = raw.get("students")
    if not isinstance(students, list) or not all(isinstance(s, str) for s in students):
        raise ClassroomError("set file: students: expected a list of names")
    try:
        values: dict[str, Any] = {k: (tuple(v) if k in ("topics", "objectives") and v is not None else v)
                                  for k, v in raw.items() if k in known}
        spec = SetSpec(**values)
    except TypeError as e:
        raise ClassroomError(f"set file: {e}") from None
    return spec.check(), _roster(students)


def _shown(value) -> str:
    """A value in a message: at most 60 characters, whatever its size."""
    try:
        text = repr(value)
    except (ValueError, RecursionError):  # an int over 4,300 digits; a list nested too deep
        return f"a {type(value).__name__} too large to show"
    return text if len(text) <= 60 else text[:60] + "..."


def _roster(students: Iterable[str]) -> list[str]:
    names = [str(s).strip() for s in students]
    if not names:
        raise ClassroomError("students: list at least one student")
    if len(names) > MAX_STUDENTS:
        raise ClassroomError(f"students: at most {MAX_STUDENTS}, got {len(names)}")
    for n, s in enumerate(names, 1):
        if len(s) > MAX_NAME:
            raise ClassroomError(f"students: name {n} has {len(s):,} characters; at most {MAX_NAME}")
        if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in s):
            raise ClassroomError(f"students: name {n} ({_shown(s)}) holds control characters; a name is one line of "
                                 "visible characters")
    empty = [n for n, s in enumerate(names, 1) if not s]
    if empty:
        raise ClassroomError(f"students: name {empty[0]} is empty")
    dupes = sorted(s for s, count in Counter(names).items() if count > 1)
    if dupes:
        raise ClassroomError(f"students: names must be unique; repeated: {', '.join(dupes)}")
    return names


def _templates_for(spec: SetSpec) -> list[str]:
    """Templates on the spec's topics whose skill is in the spec's outline (and among its objectives)."""
    from .generate import TEMPLATES

    out = []
    for name, t in sorted(TEMPLATES.items()):
        if spec.topics is not None and t.topic not in spec.topics:
            continue
        tags = [tag for tag in t.outline if tag.split(":", 1)[0] == spec.outline]
        if not tags:
            continue  # the template's skill isn't in this outline
        if spec.objectives is not None and not {x for tag in tags for x in (tag, tag.split(":", 1)[1])} & set(spec.objectives):
            continue
        out.append(name)
    return out


def build_set(bank, spec: SetSpec) -> QuizSet:
    """Choose the set's bank questions and templates, reproducibly from ``spec.seed``. Only
    questions tagged for the spec's outline are used, so results per objective stay in one outline."""
    spec.check()
    try:
        outline = bank.outlines[spec.outline]
    except KeyError:
        raise ClassroomError(f"outline: no outline {spec.outline!r} (known: {', '.join(sorted(bank.outlines))})") from None
    rng = random.Random(f"set:{spec.seed}")
    pool = select(items(bank.questions, outline, strict=True), topics=spec.topics, objectives=spec.objectives)
    wanted_bank = spec.count - spec.generated
    if len(pool) < wanted_bank:
        raise ClassroomError(f"count: only {len(pool)} bank questions match these topics and objectives; "
                             f"ask for at most {len(pool)} bank questions (or more generated ones)")
    shared = sorted(rng.sample(sorted(pool, key=lambda it: it.id), wanted_bank), key=lambda it: it.id)
    templates: list[str] = []
    if spec.generated:
        names = _templates_for(spec)
        if not names:
            raise ClassroomError("generated: no question template matches these topics and objectives")
        rng.shuffle(names)
        templates = [names[n % len(names)] for n in range(spec.generated)]
    return QuizSet(spec, tuple(shared), tuple(templates))


LABELS = "abcdefghijklmnopqrstuvwxyz"


def _relabel(parts, rng: random.Random, ids: str | None = None) -> tuple[tuple, dict[str, str]]:
    """The parts in a random order, renamed a, b, c (or ``ids`` + 1, 2, 3) in that order."""
    order = list(parts)
    rng.shuffle(order)
    names = [f"{ids}{n + 1}" if ids else LABELS[n] for n in range(len(order))]
    return tuple(p.model_copy(update={"id": name}) for p, name in zip(order, names, strict=True)), \
        {p.id: name for p, name in zip(order, names, strict=True)}


def shuffled(question, rng: random.Random):
    """The same question with its options (statements, items, choices) in a new order and renamed
    in that order, so on a printed paper the right answer isn't always the same letter."""
    q = question
    if q.type in ("single", "multiple"):
        options, names = _relabel(q.options, rng)
        key = names[q.key] if q.type == "single" else tuple(sorted(names[k] for k in q.key))
        return q.model_copy(update={"options": options, "key": key})
    if q.type == "yes_no":
        return q.model_copy(update={"statements": _relabel(q.statements, rng, "s")[0]})
    if q.type == "ordering":
        items_, names = _relabel(q.items, rng, "i")
        return q.model_copy(update={"items": items_, "key": tuple(names[k] for k in q.key)})
    if q.type == "dropdown":
        blanks = []
        for b in q.blanks:
            choices, names = _relabel(b.choices, rng)
            blanks.append(b.model_copy(update={"choices": choices, "key": names[b.key]}))
        return q.model_copy(update={"blanks": tuple(blanks)})
    return q


def student_seed(spec: SetSpec, student: str, slot: int) -> int:
    """The variant seed of one generated slot of one student's paper (stable across rosters)."""
    return random.Random(f"{spec.seed}\x1f{student}\x1f{slot}").randrange(1_000_000_000)


def papers(quiz: QuizSet, outline, students: Iterable[str]) -> list[Paper]:
    """One paper per student: the shared questions and this student's variants, in an order
    shuffled per student, each question's options shuffled and relettered per student too."""
    from .generate import generate

    out = []
    for student in _roster(students):
        generated = [generate(name, student_seed(quiz.spec, student, slot)) for slot, name in enumerate(quiz.templates)]
        paper = list(quiz.shared) + items(generated, outline)
        rng = random.Random(f"order\x1f{quiz.spec.seed}\x1f{student}")
        rng.shuffle(paper)
        paper = [replace(it, question=shuffled(it.question, rng)) for it in paper]
        out.append(Paper(student, tuple(paper)))
    return out


# ------------------------------------------------------------------------------ the answer key
def answer_key(class_papers: Sequence[Paper]) -> pd.DataFrame:
    """Every student's questions with their key, in the text form answer sheets use."""
    rows = [{"student": p.student, "number": n, "question_id": it.id, "type": it.question.type,
             "objective": it.objective.tag, "key": key_text(it.question)}
            for p in class_papers for n, it in enumerate(p.items, 1)]
    return pd.DataFrame(rows, columns=["student", "number", "question_id", "type", "objective", "key"])


def answer_key_csv(class_papers: Sequence[Paper]) -> str:
    """The answer key as CSV (student names and keys written so no cell runs as a formula)."""
    return frame_csv(answer_key(class_papers))


def answer_sheet_template(class_papers: Sequence[Paper]) -> str:
    """A CSV for the class's answers: one row per student and question, response empty. A name a
    spreadsheet would run as a formula is written as text (see :mod:`pim_sim.io.csv_safe`) and read
    back as the name by :func:`grade_class`."""
    return rows_csv(([p.student, it.id, ""] for p in class_papers for it in p.items), ANSWER_COLUMNS)


MAX_FILE_STEM = 60


def paper_file_name(student: str) -> str:
    """A zip entry name for a student's paper: letters, digits, ``.``, ``-`` and ``_`` only, so a
    name such as ``../../x`` or ``C:\\x`` can't become a path outside the archive's folder."""
    stem = re.sub(r"\.{2,}", ".", re.sub(r"[^\w.-]+", "_", unicodedata.normalize("NFKC", student))).strip("._-")
    return f"paper-{stem[:MAX_FILE_STEM] or 'student'}.csv"


def papers_csv(class_papers: Sequence[Paper]) -> dict[str, str]:
    """Each student's paper as question CSV without the answers (file name -> text), to hand out.
    Two names that give the same file name are told apart by a number."""
    out: dict[str, str] = {}
    for p in class_papers:
        name = base = paper_file_name(p.student)
        n = 1
        while name in out:
            n += 1
            name = f"{base.removesuffix('.csv')}-{n}.csv"
        out[name] = to_csv((it.question for it in p.items), with_key=False)
    return out


# ------------------------------------------------------------------------------ grading a class
@dataclass(frozen=True, slots=True)
class RowIssue:
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, {self.field}: {self.message}"


@dataclass(frozen=True)
class ClassResults:
    """A graded class: one row per student answer, and the views built from it."""

    answers: pd.DataFrame  # student, question_id, objective, domain, type, response, score, misconceptions
    issues: tuple[RowIssue, ...] = ()
    students: tuple[str, ...] = field(default=())

    def grades(self) -> pd.DataFrame:
        """Per student: points, questions on the paper, percent. Unanswered questions score 0."""
        df = self.answers.groupby("student", sort=True).agg(points=("score", "sum"), questions=("score", "size"),
                                                            answered=("answered", "sum")).reset_index()
        df["percent"] = (100 * df["points"] / df["questions"]).round(1)
        return df

    def objectives(self) -> pd.DataFrame:
        """Per objective: how many answers and the class's mean percent."""
        df = self.answers.groupby(["objective", "domain"], sort=True).agg(answers=("score", "size"),
                                                                          mean=("score", "mean")).reset_index()
        df["percent"] = (100 * df["mean"]).round(1)
        return df.drop(columns="mean")

    def student_objectives(self) -> pd.DataFrame:
        """Percent per student (rows) and objective (columns)."""
        return (100 * self.answers.pivot_table(index="student", columns="objective", values="score",
                                               aggfunc="mean")).round(1)

    def misconceptions(self) -> pd.DataFrame:
        """Long form: misconception, objective, students who showed it (for a heatmap)."""
        answers = self.answers
        rows = [{"misconception": m, "objective": objective, "student": student}
                for objective, student, slips in zip(answers["objective"], answers["student"], answers["misconceptions"],
                                                     strict=True) for m in slips]
        df = pd.DataFrame(rows, columns=["misconception", "objective", "student"])
        out = df.groupby(["misconception", "objective"]).agg(students=("student", "nunique")).reset_index()
        return out.sort_values(["students", "misconception"], ascending=[False, True], ignore_index=True)

    def heatmap(self) -> pd.DataFrame:
        """Misconceptions (rows) by objective (columns): how many students fell for each."""
        long = self.misconceptions()
        if long.empty:
            return pd.DataFrame()
        return long.pivot_table(index="misconception", columns="objective", values="students", fill_value=0,
                                aggfunc="sum")


def _read_sheet(text: str | bytes) -> list[tuple[int, dict[str, str]]]:
    if isinstance(text, bytes):
        if len(text) > MAX_UPLOAD_BYTES:
            raise ClassroomError(f"answers: the file is {len(text):,} bytes; the limit is {MAX_UPLOAD_BYTES:,}")
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ClassroomError("answers: not UTF-8 text; save the sheet as CSV UTF-8") from None
    if len(text) > MAX_UPLOAD_BYTES:
        raise ClassroomError(f"answers: the file is {len(text):,} characters; the limit is {MAX_UPLOAD_BYTES:,}")
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    try:
        header = [restore(h.strip()).lower() for h in next(reader, [])]
        missing = [c for c in ANSWER_COLUMNS if c not in header]
        if missing:
            found = ",".join(header) or "nothing"
            raise ClassroomError(f"answers: missing column {', '.join(missing)}; the header must be "
                                 f"{','.join(ANSWER_COLUMNS)} (found {found[:80]}{'...' if len(found) > 80 else ''})")
        at = {c: header.index(c) for c in ANSWER_COLUMNS}
        rows: list[tuple[int, dict[str, str]]] = []
        for cells in reader:
            if len(rows) >= MAX_SHEET_ROWS:
                raise ClassroomError(f"answers: more than {MAX_SHEET_ROWS:,} rows; a class of {MAX_STUDENTS} with "
                                     f"{MAX_QUESTIONS} questions each needs at most that many")
            if not any(c.strip() for c in cells):
                continue
            rows.append((reader.line_num, {c: restore(cells[i].strip()) if i < len(cells) else ""
                                           for c, i in at.items()}))
    except csv.Error as e:  # a cell over csv.field_size_limit() characters, a NUL in older Pythons, ...
        raise ClassroomError(f"answers: line {reader.line_num}: not readable as CSV ({e})") from None
    return rows


def _chosen(question, text: str) -> tuple[str, ...]:
    """The options a response picked, by their text (papers reletter options per student)."""
    if question.type not in ("single", "multiple"):
        return ()
    response = parse_response(question, text)
    picked = [response] if isinstance(response, str) else list(response)
    return tuple(o.text for o in question.options if o.id in picked)


def grade_class(class_papers: Sequence[Paper], sheet: str | bytes) -> ClassResults:
    """Grade a class's answer sheet against their papers. Every question on every paper gets
    a row (unanswered ones score 0); rows that can't be graded become issues."""
    by_student = {p.student: p for p in class_papers}
    given: dict[tuple[str, str], tuple[str, Grade | None]] = {}
    issues: list[RowIssue] = []
    for line, row in _read_sheet(sheet):
        student, qid, text = row.get("student", ""), row.get("question_id", ""), row.get("response", "")
        paper = by_student.get(student)
        if paper is None:
            issues.append(RowIssue(line, "student", f"{student!r} has no paper in this set"))
            continue
        it = paper.item(qid)
        if it is None:
            issues.append(RowIssue(line, "question_id", f"{qid!r} is not on {student}'s paper"))
            continue
        if not text:
            continue
        if (student, qid) in given:
            issues.append(RowIssue(line, "question_id", f"{student} answered {qid} twice; the first answer counts"))
            continue
        try:
            response = parse_response(it.question, text)
            result = grade(it.question, response)
        except (ValueError, ResponseError) as e:
            message = str(e)
            issues.append(RowIssue(line, "response", message if message.startswith(qid) else f"{qid}: {message}"))
            continue
        given[(student, qid)] = (text, result)
    rows = []
    for p in class_papers:
        for it in p.items:
            text, found = given.get((p.student, it.id), ("", None))
            rows.append({"student": p.student, "question_id": it.id, "item": it.template or it.id,
                         "chosen": _chosen(it.question, text) if found else (), "objective": it.objective.tag,
                         "domain": it.objective.domain, "type": it.question.type, "response": text,
                         "answered": found is not None, "score": found.score if found else 0.0,
                         "misconceptions": tuple(dict.fromkeys(s.misconception for s in found.slips if s.misconception))
                         if found else ()})
    return ClassResults(pd.DataFrame(rows), tuple(issues), tuple(by_student))


# ------------------------------------------------------------------------------ scenario pack
def lesson_notes(scenario) -> str:
    """Markdown notes for one classroom scenario: what it teaches and what to observe."""
    s = scenario.spec
    lines = [f"# {scenario.title}", "", f"Scenario file: `{scenario.name}.yaml` (seed {s.seed}).", ""]
    if s.lesson:
        lines += ["## What it teaches", "", s.lesson.strip(), ""]
    if s.observe:
        lines += ["## What to observe", ""] + [f"{n}. {o.text}" for n, o in enumerate(s.observe, 1)] + [""]
    lines += ["## Run it", "", f"- Dashboard: open **Scenario lab** and choose `{scenario.name}`.",
              f"- Command line, in the unzipped pack: `pim-sim run scenarios/{scenario.name}.yaml`", ""]
    return "\n".join(lines)


def scenario_pack(directory: str | Path | None = None) -> bytes:
    """A zip of the classroom scenarios, each with its lesson notes, the JSON Schema their first
    line names (so editors check them), and an index."""
    from pim_sim.scenario.model import json_schema, list_scenarios, load_scenario

    infos = list_scenarios(directory)
    if not infos:
        raise ClassroomError(f"scenarios: none found in {directory or 'the scenarios folder'}")
    index = ["# pim-sim classroom scenarios", "", "| Scenario | Title | Notes |", "|---|---|---|"]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for info in infos:
            scenario = load_scenario(info.path)
            z.writestr(f"scenarios/{info.path.name}", info.path.read_bytes())
            z.writestr(f"notes/{info.name}.md", lesson_notes(scenario))
            index.append(f"| `{info.path.name}` | {scenario.title} | notes/{info.name}.md |")
        z.writestr("scenarios/scenario.schema.json", json.dumps(json_schema(), indent=2) + "\n")
        z.writestr("README.md", "\n".join(index) + "\n")
    return buf.getvalue()
