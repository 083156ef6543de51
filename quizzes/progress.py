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
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import sqlite3
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from fsrs import Card, Rating, Scheduler

ENV_VAR = "PIM_SIM_PROGRESS"
DEFAULT_LOCATION = Path("~/.pim-sim/progress.sqlite3")
SCHEMA_VERSION = 1
MAX_NAME = 64
MAX_ID = 200  # question ids, skills, domains, modes and session ids
MAX_RESPONSE = 20_000


class ProgressError(ValueError):
    """Bad input to the progress store: names the field and the problem."""


@dataclass(frozen=True, slots=True)
class Answer:
    """One answer as given: what, by whom, when, how long it took and how well it scored."""

    learner: str
    question_id: str
    skill: str  # the outline objective the question trains; the unit of spaced repetition
    domain: str  # the exam domain the objective belongs to; the unit of readiness
    score: float  # 0..1, partial credit allowed
    answered_at: datetime  # tz-aware UTC
    seconds: float  # time taken
    mode: str = "practice"
    response: str = ""  # what was answered, as JSON text
    session: str = ""
    seed: int | None = None  # generated questions: the seed of the variant
    id: int | None = None  # assigned by the store

    @property
    def correct(self) -> bool:
        return self.score >= 1.0

    def validate(self) -> Answer:
        for name in ("learner", "question_id", "skill", "domain", "mode"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                raise ProgressError(f"answer.{name}: must be a non-empty string, got {value!r}")
        check_learner(self.learner)
        for name, limit in (("question_id", MAX_ID), ("skill", MAX_ID), ("domain", MAX_ID), ("mode", MAX_ID),
                            ("session", MAX_ID), ("response", MAX_RESPONSE)):
            value = getattr(self, name)
            if not isinstance(value, str) or len(value) > limit:
                raise ProgressError(f"answer.{name}: text of at most {limit} characters, got {str(value)[:40]!r}...")
        if self.seed is not None and (not isinstance(self.seed, int) or isinstance(self.seed, bool)
                                      or not 0 <= self.seed < 2**63):
            raise ProgressError(f"answer.seed: a whole number from 0, got {self.seed!r}")
        if not (isinstance(self.score, int | float) and 0.0 <= self.score <= 1.0):
            raise ProgressError(f"answer.score: must be between 0 and 1, got {self.score!r}")
        if not (isinstance(self.seconds, int | float) and self.seconds >= 0 and math.isfinite(self.seconds)):
            raise ProgressError(f"answer.seconds: must be a finite number of seconds >= 0, got {self.seconds!r}")
        if not isinstance(self.answered_at, datetime) or self.answered_at.tzinfo is None:
            raise ProgressError(f"answer.answered_at: must be a timezone-aware datetime, got {self.answered_at!r}")
        return self


def check_learner(name: str) -> str:
    if not isinstance(name, str) or not name.strip():
        raise ProgressError(f"learner: must be a non-empty name, got {name!r}")
    if len(name) > MAX_NAME:
        raise ProgressError(f"learner: at most {MAX_NAME} characters, got {len(name)}")
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in name):
        raise ProgressError(f"learner: a name is one line of visible characters; {name!r} holds control characters")
    return name


def _iso(when: datetime) -> str:
    """One text form for every backend; sorts in time order."""
    return when.astimezone(UTC).isoformat(timespec="microseconds")


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
        self._check_version()
        for table, wanted in (("learners", {"name", "created"}), ("answers", {"id", *_COLUMNS})):
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

    def _check_version(self) -> None:
        version = self._version()
        if version is not None and version != str(SCHEMA_VERSION):
            raise ProgressError(f"progress store {self.location}: schema version {version[:20]!r}; this pim-sim reads "
                                f"version {SCHEMA_VERSION}")

    def _foreign_tables(self) -> list[str]:
        """Tables that say the database belongs to another program (then no table is added to it)."""
        return []

    def _prepare(self) -> None:
        """Settings of a store this process writes to, made once it is known to be a pim-sim store."""

    def _create_schema(self) -> None:
        self._check_version()
        if not self._columns("pim_sim_meta"):
            foreign = self._foreign_tables()
            if foreign:
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
            self._execute("INSERT INTO pim_sim_meta (key, value) VALUES ('schema_version', ?) ON CONFLICT (key) DO NOTHING",
                          (str(SCHEMA_VERSION),))
        self._check_schema()  # a table of that name made by another program has other columns

    def _version(self) -> str | None:
        if not self._columns("pim_sim_meta"):
            return None
        row = self._execute("SELECT value FROM pim_sim_meta WHERE key = 'schema_version'").fetchone()
        return None if row is None else str(row[0])

    # ---------------------------------------------------------------- learners
    def add_learner(self, name: str, *, when: datetime | None = None) -> None:
        """Create a learner profile (nothing happens if it exists)."""
        check_learner(name)
        with self.problems(), self.transaction():
            self._insert_learner(name, when)

    def _insert_learner(self, name: str, when: datetime | None) -> None:
        self._execute("INSERT INTO learners (name, created) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
                      (name, _iso(when or datetime.now(UTC))))

    def learners(self) -> list[str]:
        with self.problems():
            return sorted(str(row[0]) for row in self._execute("SELECT name FROM learners").fetchall())  # one order everywhere

    # ---------------------------------------------------------------- answers
    def record(self, answer: Answer) -> Answer:
        """Keep one answer, committed before this returns (its own transaction)."""
        answer.validate()
        values = [getattr(answer, c) for c in _COLUMNS]
        values[_COLUMNS.index("answered_at")] = _iso(answer.answered_at)
        values[_COLUMNS.index("score")] = float(answer.score)
        values[_COLUMNS.index("seconds")] = float(answer.seconds)
        with self.problems(), self.transaction():
            self._insert_learner(answer.learner, answer.answered_at)
            row = self._execute(f"INSERT INTO answers ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))}) "
                                "RETURNING id", values).fetchone()
        return replace(answer, id=int(row[0]))

    def answers(self, learner: str, *, skill: str | None = None, domain: str | None = None) -> list[Answer]:
        """A learner's answers in the order they were given."""
        sql = f"SELECT id, {', '.join(_COLUMNS)} FROM answers WHERE learner = ?"
        params: list = [learner]
        for name, value in (("skill", skill), ("domain", domain)):
            if value is not None:
                sql += f" AND {name} = ?"
                params.append(value)
        with self.problems():
            rows = self._execute(sql + " ORDER BY answered_at, id", params).fetchall()
        return [self._answer(row) for row in rows]

    def _answer(self, row) -> Answer:
        """A stored row as an :class:`Answer`; a row another program wrote wrong is named, not guessed at."""
        fields = dict(zip(_COLUMNS, row[1:], strict=True))
        try:
            fields["answered_at"] = datetime.fromisoformat(fields["answered_at"])
            if isinstance(fields["score"], int) and not isinstance(fields["score"], bool):
                fields["score"] = float(fields["score"])
            return Answer(**fields, id=int(row[0])).validate()
        except (TypeError, ValueError, OverflowError) as e:
            message = str(e).splitlines()[0] if str(e) else type(e).__name__
            raise ProgressError(f"progress store {self.location}: answer {row[0]!r:.30}: {message[:200]}") from None

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class SqliteStore(Store):
    """SQLite in WAL mode with a busy timeout: several processes may write; each answer is its
    own ``BEGIN IMMEDIATE`` transaction, so a writer waits for the lock instead of failing."""

    BUSY_TIMEOUT_MS = 30_000

    def __init__(self, path: str | Path, *, readonly: bool = False):
        path = Path(path).expanduser()
        self.location = str(path)
        if path.is_dir():
            raise ProgressError(f"progress store {path}: is a folder; give the path of a file (it is created if missing)")
        if path.exists() and not path.is_file():
            raise ProgressError(f"progress store {path}: not a regular file")
        with self.problems():
            if readonly and not path.exists():
                conn = sqlite3.connect(":memory:", isolation_level=None)  # nothing kept yet: an empty store
                readonly = False
            elif readonly:  # no write lock, no schema change: mode=ro
                conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None,
                                       timeout=self.BUSY_TIMEOUT_MS / 1000)
                conn.execute(f"PRAGMA busy_timeout = {self.BUSY_TIMEOUT_MS}")
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(path, timeout=self.BUSY_TIMEOUT_MS / 1000, isolation_level=None)
                conn.execute(f"PRAGMA busy_timeout = {self.BUSY_TIMEOUT_MS}")
                conn.execute("PRAGMA foreign_keys = ON")
        try:
            super().__init__(conn, str(path), readonly=readonly)
        except BaseException:
            conn.close()
            raise

    def describe(self, error: BaseException) -> str | None:
        text = str(error).splitlines()[0] if str(error) else type(error).__name__
        if isinstance(error, sqlite3.DatabaseError):
            lowered = text.lower()
            if "not a database" in lowered or "malformed" in lowered or "disk i/o" in lowered:
                return "not a SQLite database, or a damaged one (truncated or overwritten); restore it from a backup or " \
                       "give another path"
            if "readonly" in lowered or "read-only" in lowered:
                return "read-only; answers can't be kept (make the file and its folder writable, or give another path)"
            if "locked" in lowered or "busy" in lowered:
                return f"locked by another program for more than {self.BUSY_TIMEOUT_MS // 1000} s; try again later"
            if "unable to open" in lowered:
                return "can't be opened (the folder doesn't exist or isn't writable)"
            if "no such table" in lowered or "no such column" in lowered or "has no column" in lowered:
                return f"not a pim-sim progress store ({text})"
            return f"SQLite error: {text}"
        if isinstance(error, OSError):
            return f"{error.strerror or text}{f' ({error.filename})' if error.filename else ''}"
        return None

    def _columns(self, table: str) -> set[str]:
        return {str(row[1]) for row in self.conn.execute(f"PRAGMA table_info({table})").fetchall()}

    def _prepare(self) -> None:
        self.conn.execute("PRAGMA journal_mode = WAL")  # rewrites the file's header: only on a store of ours

    def _foreign_tables(self) -> list[str]:  # a SQLite file is one program's: any table of another says so
        return sorted(str(r[0]) for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                                           "AND name NOT LIKE 'sqlite_%'").fetchall())

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")


class PostgresStore(Store):
    """PostgreSQL through psycopg 3 (``pip install 'psycopg[binary]'``)."""

    id_column = "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"
    placeholder = "%s"
    CONNECT_TIMEOUT_S = 10

    def __init__(self, url: str, *, readonly: bool = False):
        try:
            import psycopg
        except ImportError:  # pragma: no cover - depends on the installation
            raise ProgressError(f"{ENV_VAR}: a postgresql:// URL needs psycopg; pip install 'psycopg[binary]'") from None
        self.location = _redacted(url)
        with self.problems():
            conn = psycopg.connect(url, autocommit=True, connect_timeout=self.CONNECT_TIMEOUT_S)
        try:
            super().__init__(conn, self.location, readonly=readonly)
        except BaseException:
            conn.close()
            raise

    def describe(self, error: BaseException) -> str | None:
        import psycopg

        if isinstance(error, psycopg.OperationalError):
            return f"can't connect or lost the connection: {str(error).strip().splitlines()[0][:200] if str(error) else ''}"
        if isinstance(error, psycopg.errors.InsufficientPrivilege | psycopg.errors.ReadOnlySqlTransaction):
            return "read-only for this user; answers can't be kept"
        if isinstance(error, psycopg.Error):
            return f"PostgreSQL error: {str(error).strip().splitlines()[0][:200] if str(error) else type(error).__name__}"
        return None

    def _columns(self, table: str) -> set[str]:
        rows = self.conn.execute("SELECT column_name FROM information_schema.columns WHERE table_name = %s "
                                 "AND table_schema = current_schema()", (table,)).fetchall()
        return {str(r[0]) for r in rows}

    def _foreign_tables(self) -> list[str]:  # a database may hold other programs' tables, but not ours made by them
        return sorted(t for t in ("learners", "answers") if self._columns(t))

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self.conn.transaction():
            yield

    def _schema_lock(self) -> None:
        # Two processes creating the tables at once would race in PostgreSQL's catalogue;
        # a transaction-scoped advisory lock makes them take turns.
        self.conn.execute("SELECT pg_advisory_xact_lock(73755073)")


def _redacted(url: str) -> str:
    """A database URL without its password (it is shown in error messages)."""
    from urllib.parse import urlsplit, urlunsplit

    try:
        parts = urlsplit(url)
        if parts.password is None:
            return url
        netloc = f"{parts.username or ''}:***@{parts.hostname or ''}{f':{parts.port}' if parts.port else ''}"
        return urlunsplit(parts._replace(netloc=netloc))
    except ValueError:  # a port that isn't a number, ...
        return url.split("://", 1)[0] + "://***"


def open_store(location: str | Path | None = None, *, readonly: bool = False) -> Store:
    """Open the progress store at ``location``, ``$PIM_SIM_PROGRESS`` or the default path.

    ``readonly`` opens it to read only: no write lock and no schema change (a missing SQLite file
    reads as an empty store). Every problem (a folder, a damaged or foreign file, an unreachable
    server, a read-only or locked database) is a :class:`ProgressError` on one line."""
    where = str(location) if location is not None else os.environ.get(ENV_VAR) or str(DEFAULT_LOCATION)
    if not where.strip():
        raise ProgressError(f"{ENV_VAR}: empty location; give a file path or a postgresql:// URL")
    if where.startswith(("postgresql://", "postgres://")):
        return PostgresStore(where, readonly=readonly)
    if "://" in where and not where.startswith("sqlite:///"):
        raise ProgressError(f"{ENV_VAR}: {where.split('://')[0][:40]}:// is not supported; use a file path, "
                            "sqlite:///path or postgresql://user:password@host/db")
    if "\x00" in where:
        raise ProgressError(f"{ENV_VAR}: a path can't hold a NUL character")
    return SqliteStore(where.removeprefix("sqlite:///") if where.startswith("sqlite:///") else where, readonly=readonly)


# -------------------------------------------------------------------- spaced repetition
@dataclass(frozen=True, slots=True)
class RatingPolicy:
    """How a quiz answer becomes an FSRS rating (a quiz item is not a flashcard): wrong or
    partly right is Again; right but slow is Hard; right is Good; right and quick is Easy."""

    slow_seconds: float = 120.0
    quick_seconds: float = 20.0

    def rating(self, answer: Answer) -> Rating:
        if not answer.correct:
            return Rating.Again
        if answer.seconds > self.slow_seconds:
            return Rating.Hard
        if answer.seconds < self.quick_seconds:
            return Rating.Easy
        return Rating.Good


def scheduler() -> Scheduler:
    """FSRS with fuzzing off: the same answers always give the same schedule."""
    return Scheduler(enable_fuzzing=False)


def card_id(learner: str, skill: str) -> int:
    """A stable card id (FSRS's default id reads the wall clock)."""
    return int.from_bytes(hashlib.blake2b(f"{learner}\x1f{skill}".encode(), digest_size=6).digest(), "big")


def _in_order(answers: Iterable[Answer]) -> list[Answer]:
    return sorted(answers, key=lambda a: (a.answered_at, a.id or 0))


def effective(answers: Iterable[Answer]) -> list[Answer]:
    """The answers that count, in order: within one session a question answered twice (an
    exam answer changed before the end) counts once, with its last answer."""
    ordered = _in_order(answers)
    last = {(a.session, a.question_id): n for n, a in enumerate(ordered) if a.session}
    return [a for n, a in enumerate(ordered) if not a.session or last[(a.session, a.question_id)] == n]


def cards(answers: Iterable[Answer], policy: RatingPolicy = RatingPolicy()) -> dict[str, Card]:
    """Each skill's FSRS card after replaying the answers that count, in order."""
    sched = scheduler()
    out: dict[str, Card] = {}
    for a in effective(answers):
        when = a.answered_at.astimezone(UTC)
        card = out.get(a.skill) or Card(card_id=card_id(a.learner, a.skill), due=when)
        out[a.skill], _ = sched.review_card(card, policy.rating(a), review_datetime=when)
    return out


@dataclass(frozen=True, slots=True)
class Due:
    skill: str
    due: datetime
    retrievability: float  # FSRS's estimated chance of recalling the skill now
    overdue: bool


def due(answers: Iterable[Answer], now: datetime, policy: RatingPolicy = RatingPolicy()) -> list[Due]:
    """Every practised skill with its next review, the most urgent first."""
    if now.tzinfo is None:
        raise ProgressError("now: must be a timezone-aware datetime")
    now = now.astimezone(UTC)
    sched = scheduler()
    rows = [Due(skill, card.due, sched.get_card_retrievability(card, current_datetime=now), card.due <= now)
            for skill, card in cards(answers, policy).items()]
    return sorted(rows, key=lambda d: (d.due, d.skill))


# -------------------------------------------------------------------- readiness
@dataclass(frozen=True, slots=True)
class Readiness:
    """A domain's estimated chance of answering its next question right: the mean of a
    Beta(1 + credit, 1 + misses) posterior over the most recent answers, with a credible interval."""

    domain: str
    answered: int
    mean: float
    low: float
    high: float
    level: float


def readiness(answers: Iterable[Answer], domains: Iterable[str], *, window: int = 50,
              level: float = 0.9) -> list[Readiness]:
    """Readiness for each domain from its last ``window`` answers (partial credit counts as a
    fraction). A domain never answered gets the flat prior: mean 0.5, interval nearly 0 to 1."""
    if not 0 < level < 1:
        raise ProgressError(f"level: must be between 0 and 1, got {level!r}")
    by_domain: dict[str, list[Answer]] = {}
    for a in effective(answers):
        by_domain.setdefault(a.domain, []).append(a)
    out = []
    for domain in domains:
        recent = by_domain.get(domain, [])[-window:]
        credit = sum(a.score for a in recent)
        alpha, beta = 1.0 + credit, 1.0 + len(recent) - credit
        tail = (1 - level) / 2
        out.append(Readiness(domain, len(recent), alpha / (alpha + beta), beta_quantile(tail, alpha, beta),
                             beta_quantile(1 - tail, alpha, beta), level))
    return out


def beta_cdf(x: float, a: float, b: float) -> float:
    """The regularised incomplete beta function I_x(a, b) (scipy.special.betainc)."""
    from scipy.special import betainc  # imported on first use: scipy.special adds about half a second to startup

    return float(betainc(a, b, min(max(x, 0.0), 1.0)))


def beta_quantile(p: float, a: float, b: float) -> float:
    """The x with I_x(a, b) = p (scipy.special.betaincinv)."""
    from scipy.special import betaincinv

    return float(betaincinv(a, b, p))


def response_json(response) -> str:
    """A response as stable JSON text for the log."""
    return json.dumps(response, sort_keys=True, default=str)
