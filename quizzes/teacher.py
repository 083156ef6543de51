"""The teacher's view of every learner in a progress store: answers, accuracy, last activity,
readiness per exam domain, accuracy per topic and per objective, exam attempts and the
misconceptions shown, and the fix-the-tenant exercises (attempts, best and latest score). Plain
tables (pandas), shown by the Instructor's kit and exported as CSV."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC

import pandas as pd

from quizzes.progress import Answer, ExerciseGrade, effective, exercise_summary, readiness

EXERCISE_COLUMNS = ["learner", "exercise", "attempts", "best_points", "latest_points", "max_points",
                    "latest_requirements_met", "requirements", "last_graded_utc"]


def overview(answers: Mapping[str, Sequence[Answer]], domains: Mapping[str, str],
             grades: Mapping[str, Sequence[ExerciseGrade]] | None = None) -> pd.DataFrame:
    """One row per learner: answers, accuracy, last activity, exam attempts, readiness per domain,
    and for each exercise anyone handed in: best and latest points and attempts."""
    grades = grades or {}
    shown = sorted({g.exercise for kept in grades.values() for g in kept})
    rows = []
    for learner, given in sorted(answers.items()):
        kept = effective(given)
        row = {"learner": learner, "answers": len(kept),
               "accuracy_percent": round(100 * sum(a.score for a in kept) / len(kept), 1) if kept else None,
               "last_activity_utc": max(a.answered_at for a in kept).strftime("%Y-%m-%d %H:%M") if kept else "",
               "exam_attempts": len({a.session for a in kept if a.mode == "exam" and a.session})}
        for r in readiness(kept, domains):
            row[f"ready_{domains[r.domain]}"] = round(100 * r.mean, 1)
        standing = {s.exercise: s for s in exercise_summary(grades.get(learner, ()))}
        for name in shown:
            s = standing.get(name)
            row[f"exercise_{name}_best"] = s.best.score if s else None
            row[f"exercise_{name}_latest"] = s.latest.score if s else None
            row[f"exercise_{name}_attempts"] = s.attempts if s else 0
        rows.append(row)
    return pd.DataFrame(rows)


def exercise_grades(grades: Mapping[str, Sequence[ExerciseGrade]]) -> pd.DataFrame:
    """One row per learner and exercise: attempts, best and latest points of the maximum, the
    requirements the latest fix met, when it was graded."""
    rows = [{"learner": learner, "exercise": s.exercise, "attempts": s.attempts, "best_points": s.best.score,
             "latest_points": s.latest.score, "max_points": s.latest.max_score,
             "latest_requirements_met": s.latest.passed, "requirements": s.latest.total,
             "last_graded_utc": s.latest.graded_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M")}
            for learner, kept in sorted(grades.items()) for s in exercise_summary(kept)]
    return pd.DataFrame(rows, columns=EXERCISE_COLUMNS)


def per_group(answers: Mapping[str, Sequence[Answer]], group: Callable[[Answer], str], name: str) -> pd.DataFrame:
    """Accuracy (percent) per learner and group (a topic or an objective), long form."""
    rows = [{"learner": learner, name: group(a), "score": a.score} for learner, given in answers.items()
            for a in effective(given)]
    if not rows:
        return pd.DataFrame(columns=["learner", name, "answers", "accuracy_percent"])
    df = pd.DataFrame(rows).groupby(["learner", name]).agg(answers=("score", "size"), mean=("score", "mean"))
    df["accuracy_percent"] = (100 * df.pop("mean")).round(1)
    return df.reset_index()


def exam_attempts(answers: Mapping[str, Sequence[Answer]]) -> pd.DataFrame:
    """One row per learner and exam attempt: when, questions answered, percent."""
    rows = []
    for learner, given in answers.items():
        by_session: dict[str, list[Answer]] = {}
        for a in given:
            if a.mode == "exam" and a.session:
                by_session.setdefault(a.session, []).append(a)
        for session, attempt in by_session.items():
            rows.append({"learner": learner, "attempt": session,
                         "finished_utc": max(a.answered_at for a in attempt).strftime("%Y-%m-%d %H:%M"),
                         "answers": len(attempt), "percent": round(100 * sum(a.score for a in attempt) / len(attempt), 1)})
    return pd.DataFrame(rows, columns=["learner", "attempt", "finished_utc", "answers", "percent"])
