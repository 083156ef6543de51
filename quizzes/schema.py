"""The question schema: what a question in ``quizzes/bank/*.yaml`` may and must say.

Every question has an ``id``, a ``type``, a ``stem``, an ``explanation`` of the right answer,
``sources`` (Microsoft Learn URLs), ``outline`` tags (``<outline id>:<bullet id>``, see
``quizzes/outlines/``), a ``difficulty`` (1 easy, 2 medium, 3 hard), the date the fact was
``last_verified`` and how the key is verified (``verify``): a **probe** that runs the
simulation, or a cited **document**.

Six types, chosen by ``type``:

``single``      options, one ``key`` (an option id)
``multiple``    options, ``key`` a list of option ids
``yes_no``      a series of ``statements``, each with its own ``key`` (true or false)
``ordering``    ``items`` and ``key``, the item ids in the right order
``dropdown``    a stem with ``[[blank]]`` marks and ``blanks``, each with ``choices`` and a ``key``
``numeric``     a number ``key`` with a ``unit`` and a ``tolerance``; ``wrong_values`` name the
                common wrong numbers and the misconception behind each

Every wrong option (and wrong choice, and every statement) carries an ``explanation`` and the
``misconception`` it represents. Options, statements, items and choices may carry a ``value``:
the domain token a probe observes in the records (an activity name, a status, a place). When
it is absent the option's text is the token. A probe-verified question names the probe and the
``observe``d observation; the verifier derives the key from that observation, never from the
question's own text.

A yes/no statement or a dropdown blank may name its own ``observe`` (the statement is true when
that observation equals its ``value``, true by default); otherwise the question's observation
is a list of tokens (statements true when listed) or, for dropdowns, a list or mapping with one
part per blank. A bank file may set ``defaults`` for its questions (see :mod:`quizzes.bank`).

**Item forms** (``form``) say how the item reads, as Microsoft's exams write them; the
``type`` stays one of the six above, so every surface that draws a type draws every form:

``drill``          a recall item (a string, a number, a name). Served in practice, weighted low
                   in exams (:func:`quizzes.session.weighted_exam`). The default.
``scenario``       a single- or multiple-answer item set in a tenant ("You have ... You need to
                   ... What should you do?").
``case_study``     a single- or multiple-answer item on a case (``case``: an id of
                   ``quizzes/cases/*.case.yaml``): a named organisation whose tenant is a
                   scenario file, its requirements and constraints in prose
                   (:class:`CaseStudy`). A case carries 4 to 8 items; items of the other exam
                   forms may name a ``case`` too.
``goal_solution``  one item of a series sharing a goal ("You need to ensure that ... Solution:
                   ... Does this meet the goal?"), answered Yes or No: a ``single`` item with
                   the options ``yes`` and ``no``, written in a bank file as ``series``,
                   ``solution`` and ``meets_goal`` (see :mod:`quizzes.bank`).
``hotspot``        statements answered Yes or No each (``yes_no``) or dropdowns in a sentence
                   (``dropdown``).
``sequence``       drag-and-drop: the admin steps (portal or Graph) in the order to perform
                   them (``ordering``).
``multi_part``     multiple answer, "Each correct answer presents part of the solution" (or
                   ``each_answer: complete``, "... a complete solution"), with ``choose`` equal
                   to the number of right answers (graded per :mod:`quizzes.grading`).

:data:`EXAM_FORMS` are the five forms of the exam; ``drill`` and ``scenario`` are not counted
among them.

Text may read product constants from :mod:`pim_sim.facts` with placeholders such as
``{{APPROVAL_WINDOW_MINUTES|hours}}`` or ``{{ENTRA_AUDIT_RETENTION_MINUTES.Free|days}}``
(:func:`render`), so a changed fact changes the question text too.

Unknown fields are errors (``extra="forbid"``); every model is frozen.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, HttpUrl, Tag, model_validator

from pim_sim import facts

ID_PATTERN = r"^[a-z][a-z0-9]*(-[a-z0-9]+)+$"
TAG_PATTERN = r"^[A-Z0-9-]+:[0-9A-Za-z.]+$"
BLANK = re.compile(r"\[\[([a-z0-9_]+)\]\]")
PLACEHOLDER = re.compile(r"\{\{\s*([A-Z0-9_]+)((?:\.[A-Za-z0-9_]+)*)\s*(?:\|\s*(minutes|hours|days))?\s*\}\}")
UNITS = {"minutes": 1.0, "hours": facts.HOUR, "days": facts.DAY}

Scalar = str | int | float | bool
FORMS = ("drill", "scenario", "case_study", "goal_solution", "hotspot", "sequence", "multi_part")
EXAM_FORMS = ("case_study", "goal_solution", "hotspot", "sequence", "multi_part")
Form = Literal["drill", "scenario", "case_study", "goal_solution", "hotspot", "sequence", "multi_part"]
# the types each form may take
FORM_TYPES = {
    "drill": ("single", "multiple", "yes_no", "ordering", "dropdown", "numeric"),
    "scenario": ("single", "multiple"),
    "case_study": ("single", "multiple", "yes_no", "ordering", "dropdown"),
    "goal_solution": ("single",),
    "hotspot": ("yes_no", "dropdown"),
    "sequence": ("ordering",),
    "multi_part": ("multiple",),
}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


# --- how a key is verified -----------------------------------------------------------------
class ProbeCheck(Strict):
    """The key is checked by running a probe (``quizzes.probes``) and reading one observation."""

    probe: str = Field(min_length=1)
    observe: str = ""  # the observation; yes/no statements and dropdown blanks may name their own


class DocumentCheck(Strict):
    """The key rests on a cited document (for facts the model doesn't simulate)."""

    document: HttpUrl
    note: str = ""


def _check_kind(v: Any) -> str:
    if isinstance(v, dict):
        return "probe" if "probe" in v else "document"
    return "probe" if isinstance(v, ProbeCheck) else "document"


Verification = Annotated[
    Annotated[ProbeCheck, Tag("probe")] | Annotated[DocumentCheck, Tag("document")],
    Discriminator(_check_kind),
]


# --- parts of a question -------------------------------------------------------------------
class Option(Strict):
    """An answer option. A wrong one must explain itself and name its misconception."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    text: str = Field(min_length=1)
    value: Scalar | None = None
    explanation: str = ""
    misconception: str = ""

    @property
    def token(self) -> Scalar:
        return self.text if self.value is None else self.value


class Statement(Strict):
    """One statement of a yes/no series: its key, why, and the misconception of getting it wrong."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    text: str = Field(min_length=1)
    key: bool
    value: Scalar | None = None
    observe: str = ""  # an observation of the question's probe; the statement is true when it equals value
    explanation: str = Field(min_length=1)
    misconception: str = Field(min_length=1)

    @property
    def token(self) -> Scalar:
        return self.text if self.value is None else self.value

    @property
    def expected(self) -> Scalar:
        """With its own ``observe``: the observed value that makes the statement true."""
        return True if self.value is None else self.value


class Item(Strict):
    """An item to put in order."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    text: str = Field(min_length=1)
    value: Scalar | None = None

    @property
    def token(self) -> Scalar:
        return self.text if self.value is None else self.value


class Blank(Strict):
    """A dropdown in a hotspot-style stem, marked ``[[id]]`` in the stem."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    choices: tuple[Option, ...] = Field(min_length=2)
    key: str
    observe: str = ""  # an observation of the question's probe that names this blank's choice


class WrongValue(Strict):
    """A common wrong number for a numeric question."""

    value: float
    explanation: str = Field(min_length=1)
    misconception: str = Field(min_length=1)


def _unique(ids: list[str], what: str) -> None:
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ValueError(f"{what} ids must be unique; repeated: {', '.join(dupes)}")


def _wrong_options_explained(options: tuple[Option, ...], right: set[str], where: str) -> None:
    for o in options:
        if o.id not in right and not (o.explanation and o.misconception):
            raise ValueError(f"{where} {o.id!r} is wrong, so it needs an explanation and a misconception")


# --- the question types --------------------------------------------------------------------
class QuestionBase(Strict):
    id: str = Field(pattern=ID_PATTERN)
    stem: str = Field(min_length=10)
    explanation: str = Field(min_length=10)
    sources: tuple[HttpUrl, ...] = Field(min_length=1)
    outline: tuple[Annotated[str, Field(pattern=TAG_PATTERN)], ...] = Field(min_length=1)
    difficulty: Literal[1, 2, 3]
    last_verified: date
    verify: Verification
    exam_note: str = ""  # where a popular exam summary simplifies: what it says, and what is true
    topic: str = ""  # filled from the bank file
    form: Form = "drill"
    case: str = ""  # case_study: the id of a quizzes/cases/*.yaml case
    series: str = ""  # goal_solution: the id of the series (items sharing one goal)
    goal: str = ""  # goal_solution: "You need to ensure that ..." (filled from the file's series)
    solution: str = ""  # goal_solution: the one proposed solution this item evaluates

    @property
    def probe_verified(self) -> bool:
        return isinstance(self.verify, ProbeCheck)

    @property
    def exam_form(self) -> bool:
        """One of the exam's five forms (an item of a case study is one, whatever its own form)."""
        return self.form in EXAM_FORMS or bool(self.case)

    @property
    def drill(self) -> bool:
        return self.form == "drill"

    @model_validator(mode="after")
    def _check_form(self) -> QuestionBase:
        qtype = getattr(self, "type", None)
        if qtype not in FORM_TYPES[self.form]:
            raise ValueError(f"form {self.form!r} takes type {' or '.join(FORM_TYPES[self.form])}, not {qtype!r}")
        if self.form == "case_study" and not self.case:
            raise ValueError("case: a case_study item names its case")
        if self.case and self.form in ("drill", "scenario"):
            raise ValueError(f"case: an item of a case study takes an exam form, not {self.form!r}")
        if self.form == "goal_solution":
            if not (self.series and self.goal and self.solution):
                raise ValueError("a goal_solution item needs series, goal and solution")
            options = getattr(self, "options", ())
            if sorted((o.id, o.value) for o in options) != [("no", False), ("yes", True)]:
                raise ValueError("a goal_solution item has exactly the options yes (value true) and no (value false)")
        elif self.series or self.goal or self.solution:
            raise ValueError("series, goal and solution belong to goal_solution items only")
        if self.form == "multi_part" and getattr(self, "choose", None) != len(getattr(self, "key", ())):
            raise ValueError("a multi_part item sets choose to the number of right answers")
        return self

    @model_validator(mode="after")
    def _check_observation(self) -> QuestionBase:
        if not isinstance(self.verify, ProbeCheck) or self.verify.observe:
            return self
        parts = getattr(self, "statements", None) or getattr(self, "blanks", None)
        if not parts or any(not p.observe for p in parts):
            raise ValueError("verify.observe: name the probe's observation that decides the key "
                             "(yes/no statements and dropdown blanks may each name their own instead)")
        return self


class SingleQuestion(QuestionBase):
    type: Literal["single"]
    options: tuple[Option, ...] = Field(min_length=2)
    key: str

    @model_validator(mode="after")
    def _check(self) -> SingleQuestion:
        _unique([o.id for o in self.options], "option")
        if self.key not in {o.id for o in self.options}:
            raise ValueError(f"key {self.key!r} names no option (options: {', '.join(o.id for o in self.options)})")
        _wrong_options_explained(self.options, {self.key}, "option")
        return self


class MultipleQuestion(QuestionBase):
    type: Literal["multiple"]
    options: tuple[Option, ...] = Field(min_length=3)
    key: tuple[str, ...] = Field(min_length=1)
    choose: int | None = Field(default=None, ge=1)  # "Choose two": how many answers the learner picks
    each_answer: Literal["part", "complete"] = "part"  # each right answer is part of / a complete solution

    @model_validator(mode="after")
    def _check(self) -> MultipleQuestion:
        ids = [o.id for o in self.options]
        _unique(ids, "option")
        _unique(list(self.key), "key")
        unknown = [k for k in self.key if k not in ids]
        if unknown:
            raise ValueError(f"key names no option: {', '.join(unknown)}")
        _wrong_options_explained(self.options, set(self.key), "option")
        return self


class YesNoQuestion(QuestionBase):
    type: Literal["yes_no"]
    statements: tuple[Statement, ...] = Field(min_length=2)

    @model_validator(mode="after")
    def _check(self) -> YesNoQuestion:
        _unique([s.id for s in self.statements], "statement")
        return self

    @property
    def key(self) -> tuple[bool, ...]:
        return tuple(s.key for s in self.statements)


class OrderingQuestion(QuestionBase):
    type: Literal["ordering"]
    items: tuple[Item, ...] = Field(min_length=3)
    key: tuple[str, ...]
    misconception: str = Field(min_length=1)  # the usual wrong order and why

    @model_validator(mode="after")
    def _check(self) -> OrderingQuestion:
        ids = [i.id for i in self.items]
        _unique(ids, "item")
        if sorted(self.key) != sorted(ids):
            raise ValueError(f"key must list every item id exactly once (items: {', '.join(ids)})")
        return self


class DropdownQuestion(QuestionBase):
    type: Literal["dropdown"]
    blanks: tuple[Blank, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> DropdownQuestion:
        ids = [b.id for b in self.blanks]
        _unique(ids, "blank")
        marked = BLANK.findall(self.stem)
        if sorted(marked) != sorted(ids):
            raise ValueError(f"the stem marks blanks {marked} but blanks are {ids}; mark each once as [[id]]")
        for b in self.blanks:
            _unique([c.id for c in b.choices], f"blank {b.id!r} choice")
            if b.key not in {c.id for c in b.choices}:
                raise ValueError(f"blank {b.id!r}: key {b.key!r} names no choice")
            _wrong_options_explained(b.choices, {b.key}, f"blank {b.id!r} choice")
        return self

    @property
    def key(self) -> dict[str, str]:
        return {b.id: b.key for b in self.blanks}


class NumericQuestion(QuestionBase):
    type: Literal["numeric"]
    key: float
    unit: str = Field(min_length=1)
    tolerance: float = Field(default=0.0, ge=0)
    wrong_values: tuple[WrongValue, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> NumericQuestion:
        for w in self.wrong_values:
            if abs(w.value - self.key) <= self.tolerance:
                raise ValueError(f"wrong value {w.value:g} is within tolerance of the key {self.key:g}")
        return self

    def accepts(self, answer: float) -> bool:
        return abs(float(answer) - self.key) <= self.tolerance


Question = Annotated[
    SingleQuestion | MultipleQuestion | YesNoQuestion | OrderingQuestion | DropdownQuestion | NumericQuestion,
    Field(discriminator="type"),
]
QUESTION_TYPES = ("single", "multiple", "yes_no", "ordering", "dropdown", "numeric")


class Series(Strict):
    """A goal shared by the items of a goal-and-solution series."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    context: str = Field(min_length=10)  # the tenant and the situation, the same for every item
    goal: str = Field(min_length=10)  # "You need to ensure that ..." (without those words)


class BankFile(Strict):
    """One file of ``quizzes/bank/``: a topic and its questions."""

    topic: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")
    title: str = Field(min_length=3)
    series: tuple[Series, ...] = ()
    questions: tuple[Question, ...] = Field(min_length=1)


class CaseStudy(Strict):
    """A case study: a named organisation whose tenant is a scenario file, its requirements and
    constraints in prose. 4 to 8 bank items name it in ``case``."""

    id: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    organisation: str = Field(min_length=2)
    scenario: str = Field(pattern=r"^(scenarios|quizzes/cases)/[a-z0-9-]+\.yaml$")  # a scenario file, repo-relative
    overview: str = Field(min_length=20)
    environment: tuple[str, ...] = Field(min_length=1)  # the existing tenant, in prose
    requirements: tuple[str, ...] = Field(min_length=1)
    constraints: tuple[str, ...] = ()
    sources: tuple[HttpUrl, ...] = Field(min_length=1)

    def text(self) -> str:
        """The case as the exam shows it, in Markdown."""
        parts = [f"**Case study: {self.organisation}**", "", "**Overview**", "", self.overview, "",
                 "**Existing environment**", "", *[f"- {e}" for e in self.environment], "",
                 "**Requirements**", "", *[f"- {r}" for r in self.requirements]]
        if self.constraints:
            parts += ["", "**Constraints**", "", *[f"- {c}" for c in self.constraints]]
        return "\n".join(parts)


# --- outlines ------------------------------------------------------------------------------
class Bullet(Strict):
    id: str = Field(pattern=r"^[0-9A-Za-z.]+$")
    text: str = Field(min_length=3)


class Section(Strict):
    id: str
    name: str
    bullets: tuple[Bullet, ...] = Field(min_length=1)


class Domain(Strict):
    id: str
    name: str
    weight: tuple[int, int]
    sections: tuple[Section, ...] = ()  # empty for domains with nothing on PIM

    @property
    def weight_midpoint(self) -> float:
        return sum(self.weight) / 2


class Outline(Strict):
    """An exam's skills outline as data: exam code, outline date, domains, bullet ids."""

    id: str = Field(pattern=r"^[A-Z0-9-]+$")
    exam: str
    title: str
    outline_date: date | None  # None when no dated official copy was available
    retired: date | None = None
    source: HttpUrl
    documented: bool = True  # False when only third-party copies of the outline were available
    note: str = ""
    domains: tuple[Domain, ...] = Field(min_length=1)

    def bullet_ids(self) -> set[str]:
        return {b.id for d in self.domains for s in d.sections for b in s.bullets}

    def bullet(self, bullet_id: str) -> Bullet:
        for d in self.domains:
            for s in d.sections:
                for b in s.bullets:
                    if b.id == bullet_id:
                        return b
        raise KeyError(f"{self.id} has no bullet {bullet_id!r}")


# --- fact placeholders ---------------------------------------------------------------------
def _format(value: Any, unit: str | None) -> str:
    if isinstance(value, tuple | list):
        return " to ".join(_format(v, unit) for v in value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value / UNITS[unit]:g}" if unit else f"{value:g}"
    return str(value)


def render(text: str) -> str:
    """Fill ``{{FACT.path|unit}}`` placeholders from :mod:`pim_sim.facts` (read at call time)."""

    def fill(match: re.Match) -> str:
        name, path, unit = match.group(1), match.group(2), match.group(3)
        fact = getattr(facts, name, None)
        if not isinstance(fact, facts.Fact):
            raise ValueError(f"placeholder {match.group(0)!r}: {name} is not a fact in pim_sim.facts")
        value = fact.value
        for part in filter(None, path.split(".")):
            try:
                value = value[int(part)] if isinstance(value, tuple | list) else value[part]
            except (KeyError, IndexError, ValueError, TypeError):
                raise ValueError(f"placeholder {match.group(0)!r}: {name} has no part {part!r}") from None
        return _format(value, unit)

    leftover = re.sub(PLACEHOLDER, "", text)
    if "{{" in leftover or "}}" in leftover:
        raise ValueError(f"malformed placeholder in {text[:60]!r}; write {{{{FACT_NAME|hours}}}}")
    return PLACEHOLDER.sub(fill, text)


def placeholder_facts(text: str) -> list[str]:
    """The fact names a text reads."""
    return [m.group(1) for m in PLACEHOLDER.finditer(text)]
