"""Graded classes kept so an instructor can reopen them: the quiz set file and the class's answer
sheet, as given (grading is deterministic, so the grades, the item analysis and the misconceptions
come back exactly). One JSON file per grading in ``PIM_SIM_GRADINGS`` (default
``~/.pim-sim/gradings``)."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from quizzes.errors import QuizError

ENV_VAR = "PIM_SIM_GRADINGS"
MAX_BYTES = 5 * 1024 * 1024
_SLUG = re.compile(r"[^A-Za-z0-9]+")


class GradingError(QuizError):
    """A kept grading that can't be read or written."""


@dataclass(frozen=True)
class Grading:
    name: str  # the file's stem: when and what
    title: str
    graded_at: str
    set_file: str
    sheet: str


def directory(where: str | os.PathLike | None = None) -> Path:
    return Path(where or os.environ.get(ENV_VAR) or Path.home() / ".pim-sim" / "gradings")


def save(title: str, set_file: str, sheet: str | bytes, where: str | os.PathLike | None = None,
         now: datetime | None = None) -> Grading:
    sheet_text = sheet.decode("utf-8-sig") if isinstance(sheet, bytes) else sheet
    if len(set_file) + len(sheet_text) > MAX_BYTES:
        raise GradingError(f"a grading is limited to {MAX_BYTES:,} bytes")
    now = now or datetime.now(UTC)
    name = f"{now:%Y%m%d-%H%M%S}-{_SLUG.sub('-', title).strip('-')[:40] or 'quiz'}"
    folder = directory(where)
    folder.mkdir(parents=True, exist_ok=True)
    graded_at = now.isoformat(timespec="seconds")
    body = {"pim_sim_grading": 1, "title": title, "graded_at": graded_at, "set_file": set_file, "sheet": sheet_text}
    (folder / f"{name}.json").write_text(json.dumps(body), encoding="utf-8")
    return Grading(name, title, graded_at, set_file, sheet_text)


def saved(where: str | os.PathLike | None = None) -> list[str]:
    """The saved gradings' names, newest first."""
    folder = directory(where)
    return sorted((p.stem for p in folder.glob("*.json")), reverse=True) if folder.is_dir() else []


def load(name: str, where: str | os.PathLike | None = None) -> Grading:
    if name not in saved(where):  # only a name listed in the folder: never a path typed by someone
        raise GradingError(f"no saved grading {name!r}")
    path = directory(where) / f"{name}.json"
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
        return Grading(name, str(body["title"]), str(body["graded_at"]), str(body["set_file"]), str(body["sheet"]))
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise GradingError(f"the saved grading {name!r} can't be read: {e}") from None
