"""Quizzing sessions: practice (feedback after each answer) and exam (timed, weighted by the
outline's domains, feedback only at the end), and how questions are chosen for them.

Both kinds hand each answer to the progress store the moment it is given (``mode`` says
which), so nothing is lost if the program stops. An exam answer changed before the end is
stored again; :func:`quizzes.progress.effective` keeps the last one per question and session.

The scaled score follows Microsoft's reporting (1 to 1,000, pass at 700) but not its method,
which isn't published: the raw share of points is mapped linearly so that ``cut`` (70 % by
default) lands on 700 (https://learn.microsoft.com/en-us/credentials/certifications/exam-scoring-reports).
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from quizzes.errors import QuizError

from .grading import Grade, grade, key_of
from .progress import Answer, Recorder, due, effective, response_json
from .schema import Outline, Question

Clock = Callable[[], datetime]
# The outline the CLI and the dashboard open with, so progress made in one shows in the other:
# SC-500, the successor of AZ-500, whose identity domain names PIM for every surface.
DEFAULT_OUTLINE = "SC-500-2026-05"
PASS_MARK = 700
MIN_SCORE, MAX_SCORE = 1, 1000  # "reported on a scale of 1 to 1,000"


def utc_now() -> datetime:
    return datetime.now(UTC)


class SessionError(QuizError):
    """A session was used the wrong way (answer after the end, an unknown question number)."""


# ------------------------------------------------------------------ items and objectives
@dataclass(frozen=True, slots=True)
class Objective:
    """Where a question sits in an outline: the bullet (the skill) and its domain."""

    tag: str  # "<outline id>:<bullet id>", the unit of spaced repetition
    domain: str  # "<outline id>:<domain id>", the unit of readiness and exam weighting
    domain_name: str
    weight: float  # the domain's weight midpoint, percent


def objective(question, outline: Outline) -> Objective | None:
    """The question's bullet in ``outline``, or None if the question isn't tagged for it."""
    for tag in question.outline:
        outline_id, bullet = tag.split(":", 1)
        if outline_id != outline.id:
            continue
        for d in outline.domains:
            if any(b.id == bullet for s in d.sections for b in s.bullets):
                return Objective(tag, f"{outline.id}:{d.id}", d.name, d.weight_midpoint)
    return None


@dataclass(frozen=True, slots=True)
class Item:
    """A question as served: the question, where it sits in the outline, and (for generated
    questions) the seed and the records that prove its key."""

    question: Question
    objective: Objective
    evidence: tuple[str, ...] = ()
    seed: int | None = None
    template: str = ""

    @property
    def id(self) -> str:
        return self.question.id


def items(questions: Iterable, outline: Outline, *, strict: bool = False) -> list[Item]:
    """Wrap bank questions and generated ones as items for ``outline``. Questions not tagged
    for the outline are dropped when ``strict`` (exams), else filed under their first tag."""
    out = []
    for q in questions:
        generated = hasattr(q, "template")
        question = q.question if generated else q
        obj = objective(question, outline)
        if obj is None:
            if strict:
                continue
            tag = question.outline[0]
            obj = Objective(tag, tag.split(":", 1)[0] + ":other", "Not in this outline", 0.0)
        out.append(Item(question, obj, q.evidence if generated else (), q.seed if generated else None,
                        q.template if generated else ""))
    return out


def select(pool: Sequence[Item], *, topics: Iterable[str] | None = None,
           objectives: Iterable[str] | None = None) -> list[Item]:
    """A custom quiz: the items on some topics and/or outline objectives (tags or bullet ids)."""
    topics = set(topics) if topics is not None else None
    wanted = set(objectives) if objectives is not None else None
    out = []
    for it in pool:
        if topics is not None and it.question.topic not in topics:
            continue
        if wanted is not None and not ({it.objective.tag, it.objective.tag.split(":", 1)[1]} & wanted):
            continue
        out.append(it)
    return out


def review_order(pool: Sequence[Item], history: Iterable[Answer], now: datetime) -> list[Item]:
    """Items to serve next: missed ones (last answer not fully right) first, then unseen ones,
    then items of skills FSRS says are due, most overdue first; items answered right and not
    due come last."""
    answers = effective(history)
    last: dict[str, Answer] = {}
    for a in answers:
        last[a.question_id] = a
    due_at = {d.skill: d.due for d in due(answers, now)}
    far = datetime.max.replace(tzinfo=UTC)

    def rank(it: Item):
        a = last.get(it.id)
        when = due_at.get(it.objective.tag, far)
        if a is not None and not a.correct:
            return (0, a.answered_at, it.id)
        if a is None:
            return (1, when, it.id)
        return (2 if when <= now else 3, when, it.id)

    return sorted(pool, key=rank)


def with_missed_variants(pool: Sequence[Item], history: Iterable[Answer], outline: Outline) -> list[Item]:
    """The pool plus every generated variant the learner last answered wrongly, rebuilt from its
    seed, so a missed variant comes back even when today's seed makes other ones."""
    from .generate import regenerate

    last: dict[str, Answer] = {}
    for a in effective(history):
        last[a.question_id] = a
    have = {it.id for it in pool}
    missed = [regenerate(qid) for qid, a in last.items() if not a.correct and qid not in have]
    return [*pool, *items([g for g in missed if g is not None], outline)]


DRILL_WEIGHT = 0.2  # an exam draws a drill (recall) item a fifth as readily as an exam-form item


def _drill_weighted(group: list[Item], rng: random.Random) -> None:
    """Order ``group`` in place so that :meth:`list.pop` serves exam-form items first, most of the
    time: weighted sampling without replacement (key u**(1/w), Efraimidis and Spirakis), drills
    weighing :data:`DRILL_WEIGHT`."""
    keys = {id(it): rng.random() ** (1.0 / (DRILL_WEIGHT if getattr(it.question, "form", "") == "drill" else 1.0))
            for it in group}
    group.sort(key=lambda it: keys[id(it)])


def weighted_exam(pool: Sequence[Item], count: int, seed: int) -> list[Item]:
    """``count`` items drawn so each domain's share follows its weight midpoint (largest
    remainder), among the domains that have items; within a domain, objectives take turns, and
    within an objective drill (recall) items weigh :data:`DRILL_WEIGHT` against exam forms."""
    domains: dict[str, list[Item]] = {}
    for it in pool:
        if it.objective.weight > 0:
            domains.setdefault(it.objective.domain, []).append(it)
    if not domains:
        raise SessionError("no questions in the pool are tagged for this outline")
    count = min(count, sum(len(v) for v in domains.values()))
    total = sum(v[0].objective.weight for v in domains.values())
    quota = {d: count * v[0].objective.weight / total for d, v in domains.items()}
    alloc = {d: min(int(q), len(domains[d])) for d, q in quota.items()}
    for d in sorted(quota, key=lambda d: (-(quota[d] - int(quota[d])), d)):
        if sum(alloc.values()) >= count:
            break
        if alloc[d] < len(domains[d]):
            alloc[d] += 1
    while sum(alloc.values()) < count:  # a small domain ran out: fill from the others
        d = max((d for d in domains if alloc[d] < len(domains[d])), key=lambda d: len(domains[d]) - alloc[d])
        alloc[d] += 1
    rng = random.Random(seed)
    chosen: list[Item] = []
    for d in sorted(domains):
        by_obj: dict[str, list[Item]] = {}
        for it in sorted(domains[d], key=lambda it: it.id):
            by_obj.setdefault(it.objective.tag, []).append(it)
        for group in by_obj.values():
            _drill_weighted(group, rng)
        queues = [by_obj[k] for k in sorted(by_obj)]
        rng.shuffle(queues)
        taken: list[Item] = []
        while len(taken) < alloc[d]:
            for q in queues:
                if q and len(taken) < alloc[d]:
                    taken.append(q.pop())
        chosen.extend(taken)
    rng.shuffle(chosen)
    return chosen


def display_order(parts: Sequence, question_id: str, prefix: str) -> list:
    """Options (or statements, items) in the order a learner sees them in one session: seeded by
    the session's ``prefix`` and the question, so the written order (the bank tends to write the
    key first) teaches nothing. The dashboard's quiz pages draw options in this order."""
    out = list(parts)
    random.Random(f"{prefix}\x1f{question_id}").shuffle(out)
    return out


# ------------------------------------------------------------------ feedback
@dataclass(frozen=True, slots=True)
class Feedback:
    """What a learner sees after answering (practice) or in the exam review."""

    item: Item
    response: object
    grade: Grade
    key: object
    explanation: str
    evidence: tuple[str, ...]
    sources: tuple[str, ...]
    exam_note: str = ""


def bank_evidence(question) -> tuple[str, ...]:
    """The probe's story and timeline for a bank question (empty when document-cited)."""
    from .verify import evidence

    try:
        result = evidence(question)
    except Exception as e:  # a broken probe must not break a quiz; say so instead
        return (f"(the probe could not be run: {type(e).__name__}: {e})",)
    if result is None:
        return tuple(f"cited: {s}" for s in question.sources)
    return (result.story, *_key_runs_first(question, result.timeline))


def _key_runs_first(question, timeline: Sequence[str]) -> list[str]:
    """The timeline with the runs whose records name the right answer first (a probe runs several
    small tenants; the learner should see the one that decides this question before the others)."""
    tokens = [str(t).casefold() for t in _key_tokens(question) if isinstance(t, str) and len(t) > 3]
    runs = [line.split(" | ", 1)[0] for line in timeline]
    shown = {run for run, line in zip(runs, timeline, strict=True) if any(t in line.casefold() for t in tokens)}
    return sorted(timeline, key=lambda line: line.split(" | ", 1)[0] not in shown)  # stable: order kept within


def _key_tokens(question) -> list:
    kind = question.type
    if kind == "single":
        return [o.token for o in question.options if o.id == question.key]
    if kind == "multiple":
        return [o.token for o in question.options if o.id in question.key]
    if kind == "ordering":
        return [i.token for i in question.items]
    if kind == "dropdown":
        return [c.token for b in question.blanks for c in b.choices if c.id == b.key]
    return []


def feedback(item: Item, response, result: Grade, *, with_evidence: bool = True) -> Feedback:
    q = item.question
    ev = item.evidence if item.seed is not None else (bank_evidence(q) if with_evidence else ())
    return Feedback(item, response, result, key_of(q), q.explanation, ev, tuple(str(s) for s in q.sources),
                    q.exam_note)


# ------------------------------------------------------------------ sessions
@dataclass
class _Base:
    items: list[Item]
    learner: str
    store: Recorder | None = None  # a store as someone (Store.acting), or the dashboard's per-call one
    clock: Clock = utc_now
    session_id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    mode: str = "practice"

    def _record(self, item: Item, response, result: Grade, seconds: float, when: datetime) -> Answer:
        answer = Answer(self.learner, item.id, item.objective.tag, item.objective.domain, result.score, when,
                        seconds, self.mode, response_json(response), self.session_id, item.seed)
        return self.store.record(answer) if self.store is not None else answer.validate()


@dataclass
class PracticeSession(_Base):
    """One question at a time; feedback, explanation and evidence right after each answer."""

    position: int = 0
    results: list[Feedback] = field(default_factory=list)
    _served_at: datetime | None = None

    def current(self) -> Item | None:
        if self.position >= len(self.items):
            return None
        if self._served_at is None:
            self._served_at = self.clock()
        return self.items[self.position]

    @property
    def finished(self) -> bool:
        return self.position >= len(self.items)

    def answer(self, response) -> Feedback:
        """Grade the current question, keep the answer, and move on."""
        item = self.current()
        if item is None:
            raise SessionError("the practice session is over; there is no question to answer")
        result = grade(item.question, response)  # raises ResponseError before anything is stored
        now = self.clock()
        seconds = max(0.0, (now - (self._served_at or now)).total_seconds())
        self._record(item, response, result, seconds, now)
        fb = feedback(item, response, result)
        self.results.append(fb)
        self.position += 1
        self._served_at = None
        return fb

    def skip(self) -> None:
        if self.finished:
            raise SessionError("the practice session is over")
        self.items.append(self.items.pop(self.position))
        self._served_at = None

    @property
    def score(self) -> float:
        return sum(f.grade.score for f in self.results)


@dataclass(frozen=True, slots=True)
class ObjectiveResult:
    tag: str
    domain: str
    questions: int
    points: float

    @property
    def percent(self) -> float:
        return 100.0 * self.points / self.questions if self.questions else 0.0


@dataclass(frozen=True, slots=True)
class ExamReport:
    scaled: int
    passed: bool
    points: float
    questions: int
    answered: int
    flagged: tuple[int, ...]
    timed_out: bool
    objectives: tuple[ObjectiveResult, ...]
    domains: tuple[ObjectiveResult, ...]
    review: tuple[Feedback | None, ...]  # per question; None where unanswered


def scaled_score(fraction: float, cut: float = 0.7) -> int:
    """Map the share of points to Microsoft's 1..1000 scale so that ``cut`` lands on the 700 pass mark."""
    if not 0 < cut < 1:
        raise SessionError(f"cut: must be between 0 and 1, got {cut!r}")
    f = min(1.0, max(0.0, fraction))
    raw = PASS_MARK * f / cut if f <= cut else PASS_MARK + (MAX_SCORE - PASS_MARK) * (f - cut) / (1 - cut)
    return max(MIN_SCORE, round(raw))


@dataclass
class ExamSession(_Base):
    """A timed set: answer in any order, change answers, flag for review; no feedback until
    :meth:`finish`. Once time is up no answer is accepted and the exam is marked."""

    minutes: float = 60.0
    cut: float = 0.7
    mode: str = "exam"
    started: datetime | None = None
    responses: dict[int, object] = field(default_factory=dict)
    grades: dict[int, Grade] = field(default_factory=dict)
    flags: set[int] = field(default_factory=set)
    report: ExamReport | None = None
    _shown_at: dict[int, datetime] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.items:
            raise SessionError("an exam needs at least one question")
        if self.minutes <= 0:
            raise SessionError(f"minutes: must be above 0, got {self.minutes!r}")
        self.started = self.started or self.clock()

    def remaining_seconds(self) -> float:
        assert self.started is not None  # set when the exam is made
        return max(0.0, self.minutes * 60 - (self.clock() - self.started).total_seconds())

    @property
    def timed_out(self) -> bool:
        return self.remaining_seconds() <= 0

    def _index(self, number: int) -> int:
        if not isinstance(number, int) or not 0 <= number < len(self.items):
            raise SessionError(f"question number: choose 0 to {len(self.items) - 1}, got {number!r}")
        return number

    def show(self, number: int) -> Item:
        """The question at ``number``, starting its clock."""
        i = self._index(number)
        self._shown_at.setdefault(i, self.clock())
        return self.items[i]

    def answer(self, number: int, response) -> None:
        """Keep an answer (it can be changed until the end). No feedback is given."""
        if self.report is not None:
            raise SessionError("the exam is over")
        if self.timed_out:
            self.finish()
            raise SessionError("time is up; the exam has been marked")
        i = self._index(number)
        result = grade(self.items[i].question, response)
        now = self.clock()
        seconds = max(0.0, (now - self._shown_at.get(i, now)).total_seconds())
        self._record(self.items[i], response, result, seconds, now)
        self.responses[i], self.grades[i] = response, result
        self._shown_at[i] = now

    def flag(self, number: int, on: bool = True) -> None:
        i = self._index(number)
        (self.flags.add if on else self.flags.discard)(i)

    def unanswered(self) -> list[int]:
        return [i for i in range(len(self.items)) if i not in self.responses]

    def finish(self) -> ExamReport:
        """Mark the exam: scaled score, pass or fail, and a result per objective and domain."""
        if self.report is not None:
            return self.report
        points = sum(g.score for g in self.grades.values())
        per_obj: dict[tuple[str, str], list[float]] = {}
        per_dom: dict[str, list[float]] = {}
        for i, it in enumerate(self.items):
            got = self.grades[i].score if i in self.grades else 0.0
            per_obj.setdefault((it.objective.tag, it.objective.domain), []).append(got)
            per_dom.setdefault(it.objective.domain, []).append(got)
        review = tuple(feedback(it, self.responses[i], self.grades[i], with_evidence=False) if i in self.grades else None
                       for i, it in enumerate(self.items))
        self.report = ExamReport(
            scaled_score(points / len(self.items), self.cut), scaled_score(points / len(self.items), self.cut) >= PASS_MARK,
            points, len(self.items), len(self.grades), tuple(sorted(self.flags)), self.timed_out,
            tuple(ObjectiveResult(t, d, len(v), sum(v)) for (t, d), v in sorted(per_obj.items())),
            tuple(ObjectiveResult(d, d, len(v), sum(v)) for d, v in sorted(per_dom.items())), review)
        return self.report
