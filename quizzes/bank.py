"""Load and validate the question bank and the exam outlines.

:func:`load_bank` reads ``quizzes/bank/*.yaml`` and ``quizzes/outlines/*.yaml`` with
``yaml.safe_load`` only, fills fact placeholders from :mod:`pim_sim.facts`, validates every
question against :mod:`quizzes.schema` and then checks what no single question can: duplicate
ids, outline tags that name no outline or bullet, and probes that don't exist. Any problem
raises :class:`BankError` naming the file, the question and the field.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import TypeAdapter, ValidationError

from .schema import BankFile, Outline, ProbeCheck, Question, render

HERE = Path(__file__).resolve().parent
BANK_DIR = HERE / "bank"
OUTLINE_DIR = HERE / "outlines"
MAX_FILE_BYTES = 2_000_000
DEFAULTABLE = {"last_verified", "difficulty", "outline", "sources"}  # a file's ``defaults`` may set these
_NOT_RENDERED = {"id", "value", "key", "probe", "observe", "document", "type"}


class BankError(ValueError):
    """The bank or an outline is invalid. The message names the file, question and field."""


@dataclass(frozen=True, slots=True)
class Bank:
    """The validated bank: questions in file order, outlines by id."""

    questions: tuple[Question, ...]
    outlines: Mapping[str, Outline]

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

    @property
    def topics(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(q.topic for q in self.questions))


def _read_yaml(path: Path) -> Any:
    if path.stat().st_size > MAX_FILE_BYTES:
        raise BankError(f"{path.name}: larger than {MAX_FILE_BYTES} bytes")
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        raise BankError(f"{path.name}: not valid YAML: {e}") from None


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


def load_file(path: Path) -> tuple[Question, ...]:
    """The questions of one bank file, validated and with their topic filled in."""
    raw = _read_yaml(path)
    if not isinstance(raw, dict):
        raise BankError(f"{path.name}: expected a mapping with 'topic', 'title' and 'questions'")
    defaults = raw.pop("defaults", None) or {}
    if not isinstance(defaults, dict) or set(defaults) - DEFAULTABLE:
        raise BankError(f"{path.name}: defaults may set only {', '.join(sorted(DEFAULTABLE))}")
    if isinstance(raw.get("questions"), list):
        raw["questions"] = [{**defaults, **q} if isinstance(q, dict) else q for q in raw["questions"]]
    rendered = _render_tree(raw, path.name)
    try:
        parsed = BankFile.model_validate(rendered)
    except ValidationError as e:
        raise BankError(_describe(e, path, raw)) from None
    return tuple(q.model_copy(update={"topic": parsed.topic}) for q in parsed.questions)


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


def load_bank(directory: Path = BANK_DIR, outline_dir: Path = OUTLINE_DIR, *, check_probes: bool = True) -> Bank:
    """Load, render and validate every bank file; raise :class:`BankError` on any problem."""
    outlines = load_outlines(outline_dir)
    questions: list[Question] = []
    for path in sorted(directory.glob("*.yaml")):
        questions.extend(load_file(path))
    probe_names = None
    if check_probes:
        from .probes import PROBES

        probe_names = set(PROBES)
    check_cross_references(tuple(questions), outlines, probe_names)
    return Bank(tuple(questions), outlines)
