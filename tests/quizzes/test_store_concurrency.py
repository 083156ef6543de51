"""One server, many learners: concurrent sessions in one process (as Streamlit runs them, one
thread per browser session) write to the progress store at once and lose or mix nothing, on
SQLite and on PostgreSQL. In CI (``CI=true`` or ``PIM_SIM_REQUIRE_PG=1``, which ``.ci/run`` sets)
PostgreSQL must be there: a missing or unreachable ``PIM_SIM_TEST_PG_URL`` fails instead of skipping."""

from __future__ import annotations

import os
import threading
from datetime import UTC, datetime, timedelta

import pytest
from progress_stores import PG_URL, _backend  # noqa: F401 - the shared backend fixture (SQLite and PostgreSQL)

from quizzes.progress import Actor, Answer, open_store

OWNER = Actor.instructor()  # the tests own the store, as the command line does
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes") or os.environ.get("PIM_SIM_REQUIRE_PG") == "1"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_postgresql_is_reachable_when_configured_and_required_in_ci():
    if not PG_URL:
        if IN_CI:
            pytest.fail("PostgreSQL is required here (CI) but PIM_SIM_TEST_PG_URL is not set: "
                        ".ci/run must start PostgreSQL and export it")
        pytest.skip("PIM_SIM_TEST_PG_URL is not set; CI sets it and starts PostgreSQL")
    import psycopg

    try:
        with psycopg.connect(PG_URL, connect_timeout=10) as conn:
            version = conn.execute("SHOW server_version").fetchone()[0]
    except psycopg.OperationalError as e:
        pytest.fail(f"PIM_SIM_TEST_PG_URL is set but PostgreSQL is unreachable: {e}")
    assert version.split(".")[0].isdigit()


def _learner_thread(where: str, learner: str, count: int, start: threading.Barrier, errors: list) -> None:
    try:
        store = open_store(where)  # one connection per browser session, as the pages do
        start.wait(timeout=30)
        try:
            for n in range(count):
                store.record(Answer(learner, f"{learner}-q{n}", f"SC-300:4.4.{n % 6 + 1}", "SC-300:4", (n % 3) / 2,
                                    T0 + timedelta(seconds=n), float(n), session=f"{learner}-session",
                                    response=f'"{learner}:{n}"'), actor=OWNER)
        finally:
            store.close()
    except BaseException as e:  # reported by the test, not lost in the thread
        errors.append(e)


def test_concurrent_learners_on_one_server_lose_and_mix_nothing(backend):
    location = backend
    with open_store(location):
        pass
    learners, count = [f"learner{n}" for n in range(6)], 30
    start, errors = threading.Barrier(len(learners)), []
    threads = [threading.Thread(target=_learner_thread, args=(location, who, count, start, errors)) for who in learners]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    with open_store(location) as store:
        assert store.learners(actor=OWNER) == sorted(learners)
        ids = []
        for who in learners:
            got = store.answers(who, actor=OWNER)
            assert [a.question_id for a in got] == [f"{who}-q{n}" for n in range(count)]
            assert {a.learner for a in got} == {who} and {a.session for a in got} == {f"{who}-session"}
            assert [a.response for a in got] == [f'"{who}:{n}"' for n in range(count)]
            assert [a.score for a in got] == [(n % 3) / 2 for n in range(count)]
            ids += [a.id for a in got]
        assert len(set(ids)) == len(learners) * count
