"""CSV and JSON exports."""

from __future__ import annotations

import json
from collections.abc import Iterable

from pim_sim.io.csv_safe import rows_csv
from quizzes.export.common import _number, key_text, with_case

# =============================================================================== CSV
CSV_COLUMNS = ("id", "type", "topic", "outline", "difficulty", "stem", "choices", "key", "explanation", "sources")


def choices_text(q) -> str:
    """Every option, statement, item or blank choice as ``id: text`` lines."""
    if q.type in ("single", "multiple"):
        return "\n".join(f"{o.id}: {o.text}" for o in q.options)
    if q.type == "yes_no":
        return "\n".join(f"{s.id}: {s.text}" for s in q.statements)
    if q.type == "ordering":
        return "\n".join(f"{i.id}: {i.text}" for i in q.items)
    if q.type == "dropdown":
        return "\n".join(f"{b.id}.{c.id}: {c.text}" for b in q.blanks for c in b.choices)
    return f"number in {q.unit}, tolerance {_number(q.tolerance)}"


def to_csv(questions: Iterable, *, with_key: bool = True) -> str:
    """One row per question, the key in the same text form a class answer sheet uses. Without
    the key (a paper to hand out) the key, explanation and sources columns are left out."""
    questions = with_case(questions)
    columns = CSV_COLUMNS if with_key else CSV_COLUMNS[:CSV_COLUMNS.index("key")]
    rows = ([q.id, q.type, q.topic, " ".join(q.outline), q.difficulty, q.stem, choices_text(q), key_text(q),
             q.explanation, " ".join(str(s) for s in q.sources)][:len(columns)] for q in questions)
    return rows_csv(rows, columns)


def to_json(questions: Iterable) -> str:
    """The questions as JSON (what the bank holds, rendered), for tools without a format above."""
    return json.dumps([q.model_dump(mode="json") for q in questions], indent=2, ensure_ascii=False)
