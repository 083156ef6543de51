"""Learner progress: every answer kept the moment it is given, spaced repetition per skill, and
a readiness estimate per exam domain.

The store is an append-only log of answers, one row per answer, each written in its own
transaction. Everything else (FSRS cards, the due list, readiness) is *derived* from that log
on demand, so two processes answering at once can't overwrite each other's state: there is no
state to overwrite. The same plain SQL runs on SQLite (standard library ``sqlite3``, WAL mode,
busy timeout) and on PostgreSQL (``psycopg`` 3, for ``postgresql://`` URLs).

Where the store lives: ``PIM_SIM_PROGRESS`` (a file path or a ``postgresql://`` URL), else
``~/.pim-sim/progress.sqlite3``.

Spaced repetition uses the ``fsrs`` package (py-fsrs 6) per *skill* (an outline objective), not
per question, so a fresh generated variant of a skill continues that skill's schedule. Fuzzing
is off and card ids are derived from the learner and skill, so the schedule is reproducible.

Beside the answers the store keeps the grades of the fix-the-tenant exercises (``exercise_grades``:
the exercise, requirements met of all, points, the fix as JSON text, when), append-only too.

Who is asking is part of every call that reads or writes a learner's data (``actor``: an
:class:`Actor`, personal, instructor or learner); the store refuses a learner touching another
learner's data or listing the class with :class:`AccessDenied`.

One module per idea: ``answers`` (an answer and its limits), ``actor`` (who may read and write
what), ``exercise_grades`` (a graded fix, best and latest), ``store`` (the logs in plain SQL),
``backends`` (SQLite, PostgreSQL, :func:`open_store`), ``repetition`` (FSRS cards and the due
list) and ``readiness`` (the per-domain estimate).
"""

from quizzes.progress.actor import AccessDenied, Actor
from quizzes.progress.answers import (
    DEFAULT_LOCATION,
    ENV_VAR,
    MAX_ID,
    MAX_NAME,
    MAX_RESPONSE,
    SCHEMA_VERSION,
    Answer,
    ProgressError,
    check_learner,
    response_json,
)
from quizzes.progress.backends import PostgresStore, SqliteStore, open_store
from quizzes.progress.exercise_grades import ExerciseGrade, ExerciseSummary, exercise_grade, exercise_summary, fix_json
from quizzes.progress.readiness import Readiness, beta_cdf, beta_quantile, readiness
from quizzes.progress.repetition import Due, RatingPolicy, card_id, cards, due, effective, scheduler
from quizzes.progress.store import Acting, Recorder, Store

__all__ = ["DEFAULT_LOCATION", "ENV_VAR", "MAX_ID", "MAX_NAME", "MAX_RESPONSE", "SCHEMA_VERSION", "AccessDenied",
           "Acting", "Actor", "Answer", "Due", "ExerciseGrade", "ExerciseSummary", "PostgresStore", "ProgressError",
           "RatingPolicy", "Readiness", "Recorder", "SqliteStore", "Store", "beta_cdf", "beta_quantile", "card_id",
           "cards", "check_learner", "due", "effective", "exercise_grade", "exercise_summary", "fix_json", "open_store",
           "readiness", "response_json", "scheduler"]
