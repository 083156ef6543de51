"""Hostile input, output side: a progress store that can't be used is one clear line on
``pim-sim quiz`` and ``pim-sim quiz stats`` (exit code 1), never a traceback, and reading
progress takes no write lock."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pim_sim.cli import app
from quizzes.progress import Actor, Answer, ProgressError, SqliteStore, open_store

OWNER = Actor.instructor()  # the tests own the store, as the command line does
LEARNER = "amy"


def good(path: Path) -> Path:
    with open_store(path) as s:
        s.record(Answer(LEARNER, "q1", "SC-300:4.4.1", "SC-300:4", 1.0, datetime(2026, 1, 5, tzinfo=UTC), 10.0), actor=OWNER)
    return path


def sql(path: Path, *statements: str) -> Path:
    conn = sqlite3.connect(path)
    for s in statements:
        conn.execute(s)
    conn.commit()
    conn.close()
    return path


def corrupt(tmp: Path) -> str:
    p = tmp / "corrupt.db"
    p.write_bytes(b"not a database, just some text " * 50)
    return str(p)


def truncated(tmp: Path) -> str:
    data = good(tmp / "full.db").read_bytes()
    (tmp / "trunc.db").write_bytes(data[:100])
    return str(tmp / "trunc.db")


def folder(tmp: Path) -> str:
    (tmp / "adir").mkdir()
    return str(tmp / "adir")


def foreign_same_name(tmp: Path) -> str:
    return str(sql(tmp / "f1.db", "CREATE TABLE answers (x)"))


def foreign_other(tmp: Path) -> str:
    return str(sql(tmp / "f2.db", "CREATE TABLE invoices (n INTEGER)"))


def bad_date(tmp: Path) -> str:
    return str(sql(good(tmp / "b1.db"), "UPDATE answers SET answered_at = 'nope'"))


def naive_date(tmp: Path) -> str:
    return str(sql(good(tmp / "b2.db"), "UPDATE answers SET answered_at = '2026-01-05T10:00:00'"))


def text_score(tmp: Path) -> str:
    return str(sql(good(tmp / "b3.db"), "UPDATE answers SET score = 'abc'"))


def big_score(tmp: Path) -> str:
    return str(sql(good(tmp / "b4.db"), "UPDATE answers SET score = 7"))


def newer_version(tmp: Path) -> str:
    return str(sql(good(tmp / "v.db"), "UPDATE pim_sim_meta SET value = '9' WHERE key = 'schema_version'"))


STORES = {  # name -> (make, what the one line says)
    "corrupt": (corrupt, "not a SQLite database, or a damaged one"),
    "truncated": (truncated, "not a SQLite database, or a damaged one"),
    "folder": (folder, "is a folder; give the path of a file"),
    "foreign table of the same name": (foreign_same_name, "not a pim-sim progress store"),
    "another program's database": (foreign_other, "not a pim-sim progress store"),
    "a date that isn't one": (bad_date, "answer 1: Invalid isoformat string"),
    "a date without a time zone": (naive_date, "answer 1: answer.answered_at: must be a timezone-aware datetime"),
    "a score that is text": (text_score, "answer 1: answer.score: must be between 0 and 1"),
    "a score above 1": (big_score, "answer 1: answer.score: must be between 0 and 1"),
    "a newer schema": (newer_version, "schema version '9'; this pim-sim reads versions 1 and 2"),
    "mysql URL": (lambda tmp: "mysql://u@h/db", "mysql:// is not supported"),
    "http URL": (lambda tmp: "https://example.com/p.db", "https:// is not supported"),
    "unreachable PostgreSQL": (lambda tmp: "postgresql://u:secret@127.0.0.1:1/db", "can't connect"),
}
MALFORMED_ROWS = {"a date that isn't one", "a date without a time zone", "a score that is text", "a score above 1"}


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), input="\n")
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


@pytest.mark.parametrize("case", sorted(STORES))
def test_quiz_stats_says_what_is_wrong_with_the_store_in_one_line(tmp_path, case):
    make, says = STORES[case]
    code, out = run("quiz", "stats", "--learner", LEARNER, "--store", make(tmp_path))
    lines = [ln for ln in out.splitlines() if ln.strip()]
    assert code == 1 and len(lines) == 1 and says in lines[0] and lines[0].startswith(("progress store", "PIM_SIM"))
    assert "secret" not in out  # a password in a URL is never shown


@pytest.mark.parametrize("case", sorted(STORES))
def test_quiz_says_what_is_wrong_with_the_store_in_one_line(tmp_path, case):
    make, says = STORES[case]
    code, out = run("quiz", "--learner", LEARNER, "--store", make(tmp_path), "--count", "1", "--seed", "1")
    lines = [ln for ln in out.splitlines() if ln.strip()]
    assert code == 1 and len(lines) == 1 and says in lines[0]


def test_a_foreign_database_gets_no_tables_added(tmp_path):
    path = foreign_other(tmp_path)
    before = Path(path).read_bytes()
    with pytest.raises(ProgressError, match=r"not a pim-sim progress store .*invoices"):
        open_store(path)
    assert Path(path).read_bytes() == before


def test_a_missing_folder_that_cant_be_created_is_one_line(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, out = run("quiz", "--store", str(blocker / "sub" / "p.db"), "--count", "1")
    assert code == 1 and out.startswith(f"progress store {blocker / 'sub' / 'p.db'}:") and len(out.splitlines()) == 1


def test_a_read_only_database_is_one_line_when_writing(tmp_path):
    store = SqliteStore(good(tmp_path / "ro.db"))
    store.conn.execute("PRAGMA query_only = ON")  # SQLite refuses writes as it does on a read-only file
    with pytest.raises(ProgressError, match=r"read-only; answers can't be kept"):
        store.record(Answer(LEARNER, "q2", "s", "d", 1.0, datetime.now(UTC), 1.0), actor=OWNER)
    store.close()


@pytest.mark.skipif(not hasattr(__import__("os"), "geteuid") or __import__("os").geteuid() == 0,
                    reason="file permissions don't bind the root user")
def test_a_read_only_file_reads_and_refuses_writing_in_one_line(tmp_path):
    path = good(tmp_path / "ro.db")
    path.chmod(0o444)
    tmp_path.chmod(0o555)
    try:
        code, out = run("quiz", "stats", "--learner", LEARNER, "--store", str(path))
        assert code == 0 and f"{LEARNER}: 1 answers" in out
        code, out = run("quiz", "--learner", LEARNER, "--store", str(path), "--count", "1")
        assert code == 1 and ("read-only" in out or "can't be opened" in out)
    finally:
        tmp_path.chmod(0o755)


def test_reading_takes_no_write_lock_and_a_locked_store_is_one_line_when_writing(tmp_path, monkeypatch):
    path = good(tmp_path / "locked.db")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    try:
        code, out = run("quiz", "stats", "--learner", LEARNER, "--store", str(path))
        assert code == 0 and f"{LEARNER}: 1 answers" in out  # read while the lock is held
        monkeypatch.setattr(SqliteStore, "BUSY_TIMEOUT_MS", 50)
        with pytest.raises(ProgressError, match="locked by another program"), open_store(path) as store:
            store.record(Answer(LEARNER, "q2", "s", "d", 1.0, datetime.now(UTC), 1.0), actor=OWNER)
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_stats_on_a_missing_store_creates_nothing(tmp_path):
    path = tmp_path / "new" / "p.db"
    code, out = run("quiz", "stats", "--store", str(path))
    assert code == 0 and "No learners yet" in out and not path.exists() and not path.parent.exists()


def test_the_stored_answers_survive_every_failed_open(tmp_path):
    path = good(tmp_path / "keep.db")
    copy = tmp_path / "copy.db"
    shutil.copy(path, copy)
    with open_store(copy, readonly=True) as store:
        assert [a.question_id for a in store.answers(LEARNER, actor=OWNER)] == ["q1"]
    with pytest.raises(ProgressError), open_store(copy, readonly=True) as store:
        sql(copy, "UPDATE answers SET score = 'abc'")
        store.answers(LEARNER, actor=OWNER)
    sql(copy, "UPDATE answers SET score = 1.0")
    with open_store(copy) as store:
        assert len(store.answers(LEARNER, actor=OWNER)) == 1  # nothing was lost or changed by the failures
