"""Load and validate the question bank and the exam outlines.

:func:`load_bank` reads ``quizzes/bank/*.yaml`` and ``quizzes/outlines/*.yaml`` with
a safe loader only (``yaml.CSafeLoader``, the C parser, when PyYAML has it), fills fact
placeholders from :mod:`pim_sim.facts`, validates every
question against :mod:`quizzes.schema` and then checks what no single question can: duplicate
ids, outline tags that name no outline or bullet, probes that don't exist, case studies that
name no case (or a case with fewer than 4 or more than 8 items). Any problem raises
:class:`BankError` naming the file, the question and the field.

Two forms are written in a shorter way and expanded here before validation:

- a ``goal_solution`` item gives ``series`` (an id of the file's ``series:`` list, which holds
  the shared ``context`` and ``goal``), its ``solution``, ``meets_goal`` (true or false) and the
  ``misconception`` of the wrong answer; the loader writes the stem ("You need to ensure that
  ... Solution: ... Does this meet the goal?") and the options ``yes`` and ``no``.
- a ``multi_part`` item gets "Each correct answer presents part of the solution. Choose two."
  appended to its stem (with its own ``choose`` and ``each_answer``).

Case studies live in ``quizzes/cases/<id>.case.yaml`` (:class:`quizzes.schema.CaseStudy`); the
scenario file each one names must load.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml
from pydantic import TypeAdapter, ValidationError

from quizzes.errors import QuizError

from .schema import BankFile, CaseStudy, Outline, ProbeCheck, Question, render

HERE = Path(__file__).resolve().parent
BANK_DIR = HERE / "bank"
OUTLINE_DIR = HERE / "outlines"
CASE_DIR = HERE / "cases"
REPO = HERE.parent
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C parser is several times faster
CASE_ITEMS = (4, 8)  # a case study carries 4 to 8 items
MAX_FILE_BYTES = 2_000_000
DEFAULTABLE = {"last_verified", "difficulty", "outline", "sources", "form", "case"}  # a file's ``defaults`` may set these
_NOT_RENDERED = {"id", "value", "key", "probe", "observe", "document", "type", "form", "case", "series"}
_COUNT = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five"}


class BankError(QuizError):
    """The bank or an outline is invalid. The message names the file, question and field."""


@dataclass(frozen=True, slots=True)
class Bank:
    """The validated bank: questions in file order, outlines by id."""

    questions: tuple[Question, ...]
    outlines: Mapping[str, Outline]
    cases: Mapping[str, CaseStudy] = field(default_factory=lambda: MappingProxyType({}))

    def __len__(self) -> int:
        return len(self.questions)

    def __iter__(self) -> Iterator[Question]:
        return iter(self.questions)

    def get(self, question_id: str) -> Question:
        for q in self.questions:
            if q.id == question_id:
                return q
        raise KeyError(f"no question {question_id!r} in the bank")

    def by_topic(self, topic: str) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.topic == topic)

    def tagged(self, outline_id: str) -> tuple[Question, ...]:
        """Questions tagged with any bullet of an outline (e.g. ``"SC-300-2026"``)."""
        return tuple(q for q in self.questions if any(t.split(":", 1)[0] == outline_id for t in q.outline))

    def case_items(self, case_id: str) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.case == case_id)

    @property
    def topics(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(q.topic for q in self.questions))


def _read_yaml(path: Path) -> Any:
    if path.stat().st_size > MAX_FILE_BYTES:
        raise BankError(f"{path.name}: larger than {MAX_FILE_BYTES} bytes")
    loader = SAFE_LOADER(path.read_text(encoding="utf-8"))  # a safe loader only: the one object built here
    try:
        return loader.get_single_data()
    except yaml.YAMLError as e:
        raise BankError(f"{path.name}: not valid YAML: {e}") from None
    finally:
        loader.dispose()


def _render_tree(node: Any, where: str) -> Any:
    if isinstance(node, dict):
        return {k: v if k in _NOT_RENDERED else _render_tree(v, f"{where}.{k}") for k, v in node.items()}
    if isinstance(node, list):
        return [_render_tree(v, f"{where}[{i}]") for i, v in enumerate(node)]
    if isinstance(node, str):
        try:
            return render(node)
        except ValueError as e:
            raise BankError(f"{where}: {e}") from None
    return node


def _describe(e: ValidationError, path: Path, raw: Any) -> str:
    lines = []
    for err in e.errors():
        loc = list(err["loc"])
        label = ""
        if len(loc) >= 2 and loc[0] == "questions" and isinstance(loc[1], int):
            try:
                label = f" (question {raw['questions'][loc[1]].get('id', '?')})"
            except (KeyError, IndexError, TypeError, AttributeError):
                pass
        field = ".".join(str(p) for p in loc if p not in ("single", "multiple", "yes_no", "ordering", "dropdown",
                                                          "numeric", "probe", "document"))
        lines.append(f"{path.name}{label}: {field or '(file)'}: {err['msg']}")
    return "\n".join(lines)


def load_outlines(directory: Path = OUTLINE_DIR) -> dict[str, Outline]:
    """Every outline in ``directory`` by id."""
    adapter = TypeAdapter(Outline)
    found: dict[str, Outline] = {}
    for path in sorted(directory.glob("*.yaml")):
        raw = _read_yaml(path)
        try:
            outline = adapter.validate_python(raw)
        except ValidationError as e:
            raise BankError(_describe(e, path, raw)) from None
        if outline.id in found:
            raise BankError(f"{path.name}: outline id {outline.id} is used twice")
        found[outline.id] = outline
    return found


def _expand_goal_solution(q: dict, series: Mapping[Any, dict], where: str) -> dict:
    if q.get("form") != "goal_solution":
        return q
    q = dict(q)
    sid = q.get("series")
    if sid not in series:
        raise BankError(f"{where} (question {q.get('id', '?')}): series {sid!r} is not in the file's series list")
    if not isinstance(q.get("meets_goal"), bool):
        raise BankError(f"{where} (question {q.get('id', '?')}): meets_goal: say true or false")
    meets = q.pop("meets_goal")
    wrong = {"explanation": q.get("explanation", ""), "misconception": q.pop("misconception", "")}
    s = series[sid]
    q["goal"] = s.get("goal", "")
    q.setdefault("type", "single")
    q.setdefault("stem", f"{s.get('context', '')}\n\nYou need to ensure that {s.get('goal', '')}\n\n"
                         f"Solution: {q.get('solution', '')}\n\nDoes this meet the goal?")
    q["options"] = [{"id": "yes", "text": "Yes", "value": True, **({} if meets else wrong)},
                    {"id": "no", "text": "No", "value": False, **(wrong if meets else {})}]
    q["key"] = "yes" if meets else "no"
    return q


def _expand_multi_part(q: dict) -> dict:
    if q.get("form") != "multi_part" or not isinstance(q.get("stem"), str):
        return q
    n: Any = q.get("choose")
    part = "a complete solution" if q.get("each_answer") == "complete" else "part of the solution"
    tail = f"Each correct answer presents {part}. Choose {_COUNT.get(n, n)}."
    return q if tail in q["stem"] else {**q, "stem": f"{q['stem'].rstrip()} {tail}"}


def load_file(path: Path) -> tuple[Question, ...]:
    """The questions of one bank file, validated and with their topic filled in."""
    raw = _read_yaml(path)
    if not isinstance(raw, dict):
        raise BankError(f"{path.name}: expected a mapping with 'topic', 'title' and 'questions'")
    defaults = raw.pop("defaults", None) or {}
    if not isinstance(defaults, dict) or set(defaults) - DEFAULTABLE:
        raise BankError(f"{path.name}: defaults may set only {', '.join(sorted(DEFAULTABLE))}")
    series = {s.get("id"): s for s in raw.get("series") or [] if isinstance(s, dict)}
    if isinstance(raw.get("questions"), list):
        raw["questions"] = [_expand_multi_part(_expand_goal_solution({**defaults, **q}, series, path.name))
                            if isinstance(q, dict) else q for q in raw["questions"]]
    rendered = _render_tree(raw, path.name)
    try:
        parsed = BankFile.model_validate(rendered)
    except ValidationError as e:
        raise BankError(_describe(e, path, raw)) from None
    return tuple(q.model_copy(update={"topic": parsed.topic}) for q in parsed.questions)


def load_cases(directory: Path = CASE_DIR) -> dict[str, CaseStudy]:
    """Every case study in ``directory`` (``*.case.yaml``) by id; each one's scenario file must load."""
    from pim_sim.scenario import load_scenario

    found: dict[str, CaseStudy] = {}
    for path in sorted(directory.glob("*.case.yaml")):
        raw = _read_yaml(path)
        try:
            case = CaseStudy.model_validate(raw)
        except ValidationError as e:
            raise BankError(_describe(e, path, raw)) from None
        if case.id in found:
            raise BankError(f"{path.name}: case id {case.id} is used twice")
        try:
            load_scenario(REPO / case.scenario)
        except Exception as e:  # any problem with the file is the case's problem, named with it
            raise BankError(f"{path.name}: scenario {case.scenario}: {e}") from None
        found[case.id] = case
    return found


def check_cases(questions: tuple[Question, ...], cases: Mapping[str, CaseStudy]) -> None:
    problems = []
    counts: dict[str, int] = {}
    for q in questions:
        if q.case:
            if q.case not in cases:
                problems.append(f"{q.topic} (question {q.id}): case {q.case!r} is not in quizzes/cases/")
            counts[q.case] = counts.get(q.case, 0) + 1
    low, high = CASE_ITEMS
    for cid in cases:
        if not low <= counts.get(cid, 0) <= high:
            problems.append(f"case {cid}: {counts.get(cid, 0)} items; a case study carries {low} to {high}")
    if problems:
        raise BankError("\n".join(problems))


def check_cross_references(questions: tuple[Question, ...], outlines: Mapping[str, Outline],
                           probe_names: set[str] | None) -> None:
    """Duplicate ids, broken outline tags and unknown probes, across the whole bank."""
    problems = []
    seen: dict[str, str] = {}
    bullets = {oid: o.bullet_ids() for oid, o in outlines.items()}
    for q in questions:
        if q.id in seen:
            problems.append(f"{q.topic}: duplicate question id {q.id} (also in {seen[q.id]})")
        seen.setdefault(q.id, q.topic)
        for tag in q.outline:
            outline_id, bullet = tag.split(":", 1)
            if outline_id not in bullets:
                problems.append(f"{q.topic} (question {q.id}): outline tag {tag!r} names no outline "
                                f"(known: {', '.join(sorted(bullets))})")
            elif bullet not in bullets[outline_id]:
                problems.append(f"{q.topic} (question {q.id}): outline tag {tag!r} names no bullet of {outline_id}")
        if probe_names is not None and isinstance(q.verify, ProbeCheck) and q.verify.probe not in probe_names:
            problems.append(f"{q.topic} (question {q.id}): verify.probe {q.verify.probe!r} is not a registered probe")
    if problems:
        raise BankError("\n".join(problems))


def load_bank(directory: Path = BANK_DIR, outline_dir: Path = OUTLINE_DIR, *, check_probes: bool = True,
              case_dir: Path | None = None) -> Bank:
    """Load, render and validate every bank file; raise :class:`BankError` on any problem. The case
    studies come from ``case_dir``: by default ``quizzes/cases/`` for the bank's own folder, and
    none for another folder (a test's bank names no case of the real one)."""
    if case_dir is None and Path(directory).resolve() == BANK_DIR:
        case_dir = CASE_DIR
    outlines = load_outlines(outline_dir)
    questions: list[Question] = []
    for path in sorted(directory.glob("*.yaml")):
        questions.extend(load_file(path))
    probe_names = None
    if check_probes:
        from .probes import PROBES

        probe_names = set(PROBES)
    check_cross_references(tuple(questions), outlines, probe_names)
    cases = load_cases(case_dir) if case_dir is not None else {}
    check_cases(tuple(questions), cases)
    return Bank(tuple(questions), outlines, MappingProxyType(cases))
