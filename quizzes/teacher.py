"""The teacher's view of every learner in a progress store: answers, accuracy, last activity,
readiness per exam domain, accuracy per topic and per objective, exam attempts and the
misconceptions shown. Plain tables (pandas), shown by the Instructor's kit and exported as CSV."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import pandas as pd

from quizzes.progress import Answer, effective, readiness


def overview(answers: Mapping[str, Sequence[Answer]], domains: Mapping[str, str]) -> pd.DataFrame:
    """One row per learner: answers, accuracy, last activity, exam attempts, readiness per domain."""
    rows = []
    for learner, given in sorted(answers.items()):
        kept = effective(given)
        row = {"learner": learner, "answers": len(kept),
               "accuracy_percent": round(100 * sum(a.score for a in kept) / len(kept), 1) if kept else None,
               "last_activity_utc": max(a.answered_at for a in kept).strftime("%Y-%m-%d %H:%M") if kept else "",
               "exam_attempts": len({a.session for a in kept if a.mode == "exam" and a.session})}
        for r in readiness(kept, domains):
            row[f"ready_{domains[r.domain]}"] = round(100 * r.mean, 1)
        rows.append(row)
    return pd.DataFrame(rows)


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
