"""The progress store: append-only logs of answers and of fix-the-tenant exercise grades in plain SQL
shared by SQLite and PostgreSQL. Each backend (:mod:`quizzes.progress.backends`) supplies its
connection and a few words of SQL.

Every call that reads or writes a learner's data takes ``actor`` (:class:`~quizzes.progress.actor.Actor`,
keyword only and required): the store refuses a learner touching another learner's data or listing
the class (:class:`~quizzes.progress.actor.AccessDenied`) before it opens a transaction."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Protocol

from quizzes.progress.actor import Actor, check_actor
from quizzes.progress.answers import SCHEMA_VERSION, Answer, ProgressError, check_learner
from quizzes.progress.exercise_grades import GRADE_COLUMNS, ExerciseGrade

READABLE_VERSIONS = ("1", str(SCHEMA_VERSION))  # version 1 had no exercise grades; opening it to write upgrades it


def _iso(when: datetime) -> str:
    """One text form for every backend; sorts in time order."""
    return when.astimezone(UTC).isoformat(timespec="microseconds")


_ANSWER_FLOATS, _GRADE_FLOATS = ("score", "seconds"), ("score", "max_score")  # REAL columns, kept as floats
_COLUMNS = ("learner", "question_id", "skill", "domain", "score", "answered_at", "seconds", "mode", "response",
            "session", "seed")


class Store:
    """The progress store: learners and their answers. Subclasses supply the connection and
    the few words of SQL that differ between SQLite and PostgreSQL."""

    id_column = "INTEGER PRIMARY KEY"
    placeholder = "?"

    def __init__(self, conn, location: str, *, readonly: bool = False):
        self.conn = conn
        self.location = location
        self.readonly = readonly
        with self.problems():
            if readonly:
                self._check_schema()
            else:
                self._create_schema()

    # ---------------------------------------------------------------- errors
    def describe(self, error: BaseException) -> str | None:
        """One line for a database error of this backend, or None for an error not its own."""
        return None

    @contextmanager
    def problems(self) -> Iterator[None]:
        """Turn what the database or the file system raises into a :class:`ProgressError` on one
        line that names the store (so the CLI and the pages show a sentence, not a traceback)."""
        try:
            yield
        except ProgressError:
            raise
        except Exception as e:
            line = self.describe(e)
            if line is None:
                raise
            raise ProgressError(f"progress store {self.location}: {line}") from None

    def _check_schema(self) -> None:
        """A store opened only to read must already be one (reading takes no write lock, so it
        can't create the tables)."""
        version = self._check_version()
        tables = [("learners", {"name", "created"}), ("answers", {"id", *_COLUMNS})]
        if version == str(SCHEMA_VERSION):
            tables.append(("exercise_grades", {"id", *GRADE_COLUMNS}))
        for table, wanted in tables:
            have = self._columns(table)
            if not have:
                raise ProgressError(f"progress store {self.location}: not a pim-sim progress store (no {table} table)")
            if not wanted <= have:
                raise ProgressError(f"progress store {self.location}: not a pim-sim progress store (table {table} "
                                    f"lacks {', '.join(sorted(wanted - have))})")

    def _columns(self, table: str) -> set[str]:  # pragma: no cover - each backend overrides
        raise NotImplementedError

    # ---------------------------------------------------------------- backend hooks
    @contextmanager
    def transaction(self) -> Iterator[None]:  # pragma: no cover - each backend overrides
        raise NotImplementedError
        yield

    def _sql(self, sql: str) -> str:
        return sql if self.placeholder == "?" else sql.replace("?", self.placeholder)

    def _execute(self, sql: str, params: Sequence = ()):
        return self.conn.execute(self._sql(sql), tuple(params))

    def _schema_lock(self) -> None:
        """Serialise concurrent schema creation where the backend needs it."""

    def _check_version(self) -> str | None:
        version = self._version()
        if version is not None and version not in READABLE_VERSIONS:
            raise ProgressError(f"progress store {self.location}: schema version {version[:20]!r}; this pim-sim reads "
                                f"versions {' and '.join(READABLE_VERSIONS)}")
        return version

    def _foreign_tables(self) -> list[str]:
        """Tables that say the database belongs to another program (then no table is added to it)."""
        return []

    def _prepare(self) -> None:
        """Settings of a store this process writes to, made once it is known to be a pim-sim store."""

    def _create_schema(self) -> None:
        self._check_version()
        if not self._columns("pim_sim_meta"):
            foreign = self._foreign_tables()
            # another process may have created the store between the two looks: its tables and
            # pim_sim_meta are committed together, so a second look at pim_sim_meta tells them apart
            if foreign and not self._columns("pim_sim_meta"):
                raise ProgressError(f"progress store {self.location}: not a pim-sim progress store (it holds the "
                                    f"tables {', '.join(foreign[:5])[:120]}); give another path")
        self._prepare()
        with self.transaction():
            self._schema_lock()
            self._execute("CREATE TABLE IF NOT EXISTS pim_sim_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            self._execute("CREATE TABLE IF NOT EXISTS learners (name TEXT PRIMARY KEY, created TEXT NOT NULL)")
            self._execute(f"""CREATE TABLE IF NOT EXISTS answers (
                id {self.id_column},
                learner TEXT NOT NULL REFERENCES learners(name),
                question_id TEXT NOT NULL,
                skill TEXT NOT NULL,
                domain TEXT NOT NULL,
                score REAL NOT NULL,
                answered_at TEXT NOT NULL,
                seconds REAL NOT NULL,
                mode TEXT NOT NULL,
                response TEXT NOT NULL,
                session TEXT NOT NULL,
                seed BIGINT)""")
            self._execute("CREATE INDEX IF NOT EXISTS answers_by_learner ON answers (learner, answered_at)")
            # version 2: the grades of the fix-the-tenant exercises (a version 1 store gains the table and
            # keeps every answer; the upgrade is one transaction, so it happens entirely or not at all)
            self._execute(f"""CREATE TABLE IF NOT EXISTS exercise_grades (
                id {self.id_column},
                learner TEXT NOT NULL REFERENCES learners(name),
                exercise TEXT NOT NULL,
                passed INTEGER NOT NULL,
                total INTEGER NOT NULL,
                score REAL NOT NULL,
                max_score REAL NOT NULL,
                fix TEXT NOT NULL,
                graded_at TEXT NOT NULL)""")
            self._execute("CREATE INDEX IF NOT EXISTS exercise_grades_by_learner ON exercise_grades (learner, graded_at)")
            self._execute("INSERT INTO pim_sim_meta (key, value) VALUES ('schema_version', ?) ON CONFLICT (key) DO NOTHING",
                          (str(SCHEMA_VERSION),))
            self._execute("UPDATE pim_sim_meta SET value = ? WHERE key = 'schema_version' AND value = '1'",
                          (str(SCHEMA_VERSION),))
        self._check_schema()  # a table of that name made by another program has other columns

    def _version(self) -> str | None:
        if not self._columns("pim_sim_meta"):
            return None
        row = self._execute("SELECT value FROM pim_sim_meta WHERE key = 'schema_version'").fetchone()
        return None if row is None else str(row[0])

    # ---------------------------------------------------------------- learners
    def add_learner(self, name: str, *, actor: Actor, when: datetime | None = None) -> None:
        """Create a learner profile (nothing happens if it exists)."""
        check_learner(name)
        check_actor(actor, "add_learner").check_learner(name, "add_learner")
        with self.problems(), self.transaction():
            self._insert_learner(name, when)

    def _insert_learner(self, name: str, when: datetime | None) -> None:
        self._execute("INSERT INTO learners (name, created) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
                      (name, _iso(when or datetime.now(UTC))))

    def learners(self, *, actor: Actor) -> list[str]:
        """Every learner's name; refused to a learner (names are never listed to other learners)."""
        check_actor(actor, "learners").check_list("learners")
        with self.problems():
            return sorted(str(row[0]) for row in self._execute("SELECT name FROM learners").fetchall())  # one order everywhere

    # ---------------------------------------------------------------- answers
    def _keep(self, item, table: str, columns: Sequence[str], when: datetime, floats: tuple[str, ...]):
        """Insert one row of ``item``'s fields (times as ISO text, ``floats`` as floats) and its learner, in one
        transaction committed before this returns; ``item`` back with the row's id."""
        values = [getattr(item, c) for c in columns]
        values = [_iso(v) if isinstance(v, datetime) else float(v) if c in floats else v
                  for c, v in zip(columns, values, strict=True)]
        with self.problems(), self.transaction():
            self._insert_learner(item.learner, when)
            row = self._execute(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) "
                                "RETURNING id", values).fetchone()
        return replace(item, id=int(row[0]))

    def record(self, answer: Answer, *, actor: Actor) -> Answer:
        """Keep one answer, committed before this returns (its own transaction)."""
        answer.validate()
        check_actor(actor, "record").check_learner(answer.learner, "record")
        return self._keep(answer, "answers", _COLUMNS, answer.answered_at, floats=_ANSWER_FLOATS)

    def answers(self, learner: str, *, actor: Actor, skill: str | None = None,
                domain: str | None = None) -> list[Answer]:
        """A learner's answers in the order they were given."""
        check_actor(actor, "answers").check_learner(learner, "answers")
        return self._read(Answer, "answer", "answers", _COLUMNS, "answered_at", _ANSWER_FLOATS, learner,
                          skill=skill, domain=domain)

    def _read(self, cls, what: str, table: str, columns: Sequence[str], when: str, floats: tuple[str, ...],
              learner: str, **filters: str | None):
        """A learner's rows of ``table`` (those given ``filters`` match) in the order ``when`` they were kept, as
        ``cls`` records: what :meth:`_keep` wrote, read back. A row another program wrote wrong is named, not
        guessed at."""
        sql = f"SELECT id, {', '.join(columns)} FROM {table} WHERE learner = ?"
        params: list = [learner]
        for name, value in filters.items():
            if value is not None:
                sql += f" AND {name} = ?"
                params.append(value)
        with self.problems():
            rows = self._execute(sql + f" ORDER BY {when}, id", params).fetchall()
        found = []
        for row in rows:
            fields = dict(zip(columns, row[1:], strict=True))
            try:
                fields[when] = datetime.fromisoformat(fields[when])
                for name in floats:
                    if isinstance(fields[name], int) and not isinstance(fields[name], bool):
                        fields[name] = float(fields[name])
                found.append(cls(**fields, id=int(row[0])).validate())
            except (TypeError, ValueError, OverflowError) as e:
                message = str(e).splitlines()[0] if str(e) else type(e).__name__
                raise ProgressError(f"progress store {self.location}: {what} {row[0]!r:.30}: {message[:200]}") from None
        return found

    # ---------------------------------------------------------------- fix-the-tenant exercise grades
    def record_exercise(self, grade: ExerciseGrade, *, actor: Actor) -> ExerciseGrade:
        """Keep one exercise grade, committed before this returns (its own transaction, as an answer)."""
        grade.validate()
        check_actor(actor, "record_exercise").check_learner(grade.learner, "record_exercise")
        return self._keep(grade, "exercise_grades", GRADE_COLUMNS, grade.graded_at, floats=_GRADE_FLOATS)

    def exercise_grades(self, learner: str, *, actor: Actor, exercise: str | None = None) -> list[ExerciseGrade]:
        """A learner's exercise grades in the order they were given (none in a version 1 store read as it is)."""
        check_actor(actor, "exercise_grades").check_learner(learner, "exercise_grades")
        with self.problems():
            if not self._columns("exercise_grades"):
                return []
        return self._read(ExerciseGrade, "exercise grade", "exercise_grades", GRADE_COLUMNS, "graded_at", _GRADE_FLOATS,
                          learner, exercise=exercise)

    def acting(self, actor: Actor) -> Acting:
        """This store as ``actor`` writes answers to it (what a quiz session holds)."""
        return Acting(self, check_actor(actor, "acting"))

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class Recorder(Protocol):
    """What a quiz session hands each answer to: it keeps the answer and returns it with its id."""

    def record(self, answer: Answer) -> Answer: ...


@dataclass(frozen=True)
class Acting:
    """A store and who is asking, so a session records answers without knowing about access."""

    store: Store
    actor: Actor

    def record(self, answer: Answer) -> Answer:
        return self.store.record(answer, actor=self.actor)
