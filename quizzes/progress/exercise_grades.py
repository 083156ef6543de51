"""The grade of a fix-the-tenant exercise as the progress store keeps it, and what a learner and an
instructor read from those grades (best and latest score per exercise, attempts).

A grade is kept each time a learner grades a fix (append-only, like the answers): the exercise,
the requirements met out of all of them, the points, the fix itself as plain data (JSON text,
never a pickled object) and when. Best, latest and attempts are derived from that log.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from quizzes.progress.answers import MAX_ID, MAX_RESPONSE, ProgressError, check_learner

GRADE_COLUMNS = ("learner", "exercise", "passed", "total", "score", "max_score", "fix", "graded_at")


@dataclass(frozen=True, slots=True)
class ExerciseGrade:
    """One graded fix: who, which exercise, requirements met of all, points of the maximum, the fix, when."""

    learner: str
    exercise: str
    passed: int  # requirements met
    total: int  # requirements in the exercise
    score: float  # points earned (partial credit per requirement)
    max_score: float
    fix: str  # the fix as JSON text: {"settings": {...}, "make_eligible": [[principal, role], ...]}
    graded_at: datetime  # tz-aware UTC
    id: int | None = None  # assigned by the store

    @property
    def percent(self) -> float:
        return 100.0 * self.score / self.max_score if self.max_score else 0.0

    @property
    def solved(self) -> bool:
        return self.total > 0 and self.passed == self.total

    def fix_data(self) -> dict:
        """The fix as the plain data it was given as."""
        return json.loads(self.fix)

    def validate(self) -> ExerciseGrade:
        check_learner(self.learner)
        if not isinstance(self.exercise, str) or not self.exercise.strip() or len(self.exercise) > MAX_ID:
            raise ProgressError(f"exercise grade.exercise: a non-empty id of at most {MAX_ID} characters, "
                                f"got {str(self.exercise)[:40]!r}")
        for name in ("passed", "total"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ProgressError(f"exercise grade.{name}: a whole number from 0, got {value!r:.40}")
        if self.passed > self.total:
            raise ProgressError(f"exercise grade.passed: {self.passed} requirements met of {self.total}")
        for name in ("score", "max_score"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
                raise ProgressError(f"exercise grade.{name}: a finite number of points from 0, got {value!r:.40}")
        if self.score > self.max_score:
            raise ProgressError(f"exercise grade.score: {self.score:g} points of {self.max_score:g}")
        if not isinstance(self.fix, str) or len(self.fix) > MAX_RESPONSE:
            raise ProgressError(f"exercise grade.fix: JSON text of at most {MAX_RESPONSE} characters")
        try:
            data = json.loads(self.fix)
        except ValueError:
            raise ProgressError("exercise grade.fix: not JSON text") from None
        if not isinstance(data, dict):
            raise ProgressError("exercise grade.fix: a JSON object with settings and make_eligible")
        if not isinstance(self.graded_at, datetime) or self.graded_at.tzinfo is None:
            raise ProgressError(f"exercise grade.graded_at: a timezone-aware datetime, got {self.graded_at!r:.60}")
        return self


def fix_json(fix) -> str:
    """A fix (an object with ``to_dict``, or a mapping) as stable JSON text; plain data only."""
    data = fix.to_dict() if hasattr(fix, "to_dict") else fix
    if not isinstance(data, Mapping):
        raise ProgressError("exercise grade.fix: a mapping with settings and make_eligible")
    try:
        return json.dumps(data, sort_keys=True, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as e:
        raise ProgressError(f"exercise grade.fix: only plain data (text, numbers, lists, mappings) ({e})") from None


def exercise_grade(learner: str, grade, fix, when: datetime | None = None) -> ExerciseGrade:
    """The record of a grade from :func:`pim_sim.posture.exercises.grade` (its ``results``, ``score``
    and ``max_score``) and the fix that earned it."""
    return ExerciseGrade(learner, grade.exercise, sum(1 for r in grade.results if r.passed), len(grade.results),
                         float(grade.score), float(grade.max_score), fix_json(fix),
                         when or datetime.now(UTC)).validate()


@dataclass(frozen=True, slots=True)
class ExerciseSummary:
    """A learner's standing on one exercise: attempts, the best and the latest grade."""

    exercise: str
    attempts: int
    best: ExerciseGrade
    latest: ExerciseGrade


def exercise_summary(grades: Iterable[ExerciseGrade]) -> list[ExerciseSummary]:
    """Per exercise (in id order): attempts, the best grade (the earliest of equal scores) and the latest."""
    by_exercise: dict[str, list[ExerciseGrade]] = {}
    for g in sorted(grades, key=lambda g: (g.graded_at, g.id or 0)):
        by_exercise.setdefault(g.exercise, []).append(g)
    return [ExerciseSummary(name, len(kept), max(enumerate(kept), key=lambda p: (p[1].score, -p[0]))[1], kept[-1])
            for name, kept in sorted(by_exercise.items())]
