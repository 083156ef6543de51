"""The progress store: answers kept the moment they are given, on SQLite and PostgreSQL; FSRS per
skill; the due list; readiness with a Beta posterior."""

from __future__ import annotations

import math
import signal
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fsrs import Rating
from hypothesis import given, settings
from hypothesis import strategies as st
from progress_stores import _backend  # noqa: F401 - the backend fixture

from quizzes.progress import (
    DEFAULT_LOCATION,
    ENV_VAR,
    Actor,
    Answer,
    PostgresStore,
    ProgressError,
    RatingPolicy,
    SqliteStore,
    beta_cdf,
    beta_quantile,
    card_id,
    cards,
    due,
    effective,
    open_store,
    readiness,
)

OWNER = Actor.instructor()  # the tests own the store, as the command line does
ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def answer(n: int = 0, *, learner: str = "ann", skill: str = "SC-300:4.4.4", domain: str = "SC-300:4", score: float = 1.0,
           seconds: float = 30.0, session: str = "", question: str | None = None, at: datetime | None = None) -> Answer:
    return Answer(learner, question or f"q-{n}", skill, domain, score, at or T0 + timedelta(minutes=n), seconds,
                  session=session)


# ------------------------------------------------------------------ backends
@pytest.fixture
def location(backend):
    """Where a fresh store lives, for each backend (tests/progress_stores.py)."""
    return backend


def test_an_answer_round_trips_with_its_time_and_time_taken(location):
    with open_store(location) as store:
        kept = store.record(answer(3, score=0.5, seconds=42.5), actor=OWNER)
        got = store.answers("ann", actor=OWNER)
    assert kept.id is not None
    assert got == [kept]
    assert got[0].answered_at == T0 + timedelta(minutes=3) and got[0].answered_at.tzinfo is not None
    assert got[0].seconds == 42.5 and got[0].score == 0.5


def test_answers_come_back_in_the_order_given_and_filter_by_skill_and_domain(location):
    with open_store(location) as store:
        store.record(answer(2, skill="b"), actor=OWNER)
        store.record(answer(1, skill="a", domain="d2"), actor=OWNER)
        store.record(answer(3, skill="a"), actor=OWNER)
        assert [a.question_id for a in store.answers("ann", actor=OWNER)] == ["q-1", "q-2", "q-3"]
        assert [a.question_id for a in store.answers("ann", skill="a", actor=OWNER)] == ["q-1", "q-3"]
        assert [a.question_id for a in store.answers("ann", domain="d2", actor=OWNER)] == ["q-1"]


def test_several_learner_profiles_are_kept_apart(location):
    with open_store(location) as store:
        store.add_learner("zoe", actor=OWNER)
        store.record(answer(1, learner="ann"), actor=OWNER)
        store.record(answer(2, learner="bo"), actor=OWNER)
        store.add_learner("ann", actor=OWNER)  # existing: nothing happens
        assert store.learners(actor=OWNER) == ["ann", "bo", "zoe"]
        assert [a.question_id for a in store.answers("bo", actor=OWNER)] == ["q-2"]
        assert store.answers("zoe", actor=OWNER) == []


def test_reopening_the_store_keeps_everything(location):
    with open_store(location) as store:
        store.record(answer(1), actor=OWNER)
    with open_store(location) as store:
        assert len(store.answers("ann", actor=OWNER)) == 1


@pytest.mark.parametrize(("change", "field"), [
    ({"learner": ""}, "answer.learner"), ({"learner": "x" * 65}, "learner"), ({"score": 1.5}, "answer.score"),
    ({"score": -0.1}, "answer.score"), ({"seconds": -1}, "answer.seconds"), ({"seconds": math.inf}, "answer.seconds"),
    ({"skill": " "}, "answer.skill"), ({"answered_at": datetime(2026, 1, 1)}, "answer.answered_at"),
    ({"question_id": "q" * 201}, "answer.question_id"), ({"response": "x" * 20_001}, "answer.response"),
    ({"mode": ""}, "answer.mode"), ({"seed": -1}, "answer.seed"), ({"seed": True}, "answer.seed"),
])
def test_bad_answers_are_refused_naming_the_field_and_nothing_is_stored(tmp_path, change, field):
    from dataclasses import replace

    with open_store(tmp_path / "p.sqlite3") as store:
        with pytest.raises(ProgressError, match=field.replace(".", r"\.")):
            store.record(replace(answer(1), **change), actor=OWNER)
        assert store.learners(actor=OWNER) == []


def test_location_comes_from_the_argument_then_the_environment_then_the_default(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "env.sqlite3"))
    with open_store() as store:
        assert isinstance(store, SqliteStore) and store.location.endswith("env.sqlite3")
    with open_store(f"sqlite:///{tmp_path / 'url.sqlite3'}") as store:
        assert store.location.endswith("url.sqlite3")
    monkeypatch.delenv(ENV_VAR)
    monkeypatch.setenv("HOME", str(tmp_path))
    with open_store() as store:
        assert Path(store.location) == DEFAULT_LOCATION.expanduser() == tmp_path / ".pim-sim" / "progress.sqlite3"
    with pytest.raises(ProgressError, match="mysql:// is not supported"):
        open_store("mysql://u@h/db")
    monkeypatch.setenv(ENV_VAR, "  ")
    with pytest.raises(ProgressError, match="empty location"):
        open_store()


def test_postgresql_urls_open_the_postgresql_store(location):
    with open_store(location) as store:
        assert isinstance(store, PostgresStore if location.startswith("postgresql") else SqliteStore)


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path):
    with open_store(tmp_path / "p.sqlite3") as store:
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000


# ------------------------------------------------------------------ crashes and concurrency
WRITER = textwrap.dedent("""
    import os, sys
    from datetime import UTC, datetime, timedelta
    from quizzes.progress import Actor, Answer, open_store
    OWNER = Actor.learner(sys.argv[2])  # each writer process writes its own learner's answers
    location, learner, count, mode = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    store = open_store(location)
    if len(sys.argv) > 5:                # wait at the starting line so the writers really overlap
        import pathlib, time
        print("ready", flush=True)
        while not pathlib.Path(sys.argv[5]).exists():
            time.sleep(0.01)
    t0 = datetime(2026, 3, 2, tzinfo=UTC)
    for n in range(count):
        store.record(Answer(learner, f"q-{n}", "SC-300:4.4.4", "SC-300:4", 1.0, t0 + timedelta(seconds=n), 1.0), actor=OWNER)
        if mode == "progress":
            print(n, flush=True)
    if mode == "crash":
        os._exit(1)          # no close, no clean-up: as if the program died
    if mode == "hang":
        import time
        print("done", flush=True)
        time.sleep(60)
""")


def _writer(location: str, learner: str, count: int, mode: str, go: Path | None = None) -> subprocess.Popen:
    extra = [str(go)] if go is not None else []
    return subprocess.Popen([sys.executable, "-c", WRITER, location, learner, str(count), mode, *extra], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True)


def test_an_answer_saved_before_a_crash_is_there_after_restart(location):
    proc = _writer(location, "ann", 1, "crash")
    assert proc.wait(timeout=60) == 1
    with open_store(location) as store:
        assert [a.question_id for a in store.answers("ann", actor=OWNER)] == ["q-0"]


def test_answers_survive_the_process_being_killed(location):
    proc = _writer(location, "ann", 3, "hang")
    try:
        assert proc.stdout.readline().strip() == "done"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        proc.kill()
    with open_store(location) as store:
        assert [a.question_id for a in store.answers("ann", actor=OWNER)] == ["q-0", "q-1", "q-2"]


def test_two_processes_writing_at_once_lose_nothing(location, tmp_path):
    with open_store(location):
        pass  # the schema exists before the race, as after the first run
    count = 80
    go = tmp_path / "go"
    procs = [_writer(location, learner, count, "quiet", go) for learner in ("ann", "bo")]
    for p in procs:
        assert p.stdout.readline().strip() == "ready"
    go.touch()
    for p in procs:
        assert p.wait(timeout=120) == 0
    with open_store(location) as store:
        for learner in ("ann", "bo"):
            assert [a.question_id for a in store.answers(learner, actor=OWNER)] == [f"q-{n}" for n in range(count)]
        ids = [a.id for who in ("ann", "bo") for a in store.answers(who, actor=OWNER)]
        assert len(set(ids)) == 2 * count


def test_processes_creating_a_new_store_at_once_all_succeed(location):
    procs = [_writer(location, learner, 5, "quiet") for learner in ("ann", "bo")]  # both create the tables
    for p in procs:
        assert p.wait(timeout=120) == 0
    with open_store(location) as store:
        assert store.learners(actor=OWNER) == ["ann", "bo"]


# ------------------------------------------------------------------ spaced repetition
def test_rating_policy_maps_answers_to_fsrs_ratings():
    policy = RatingPolicy(slow_seconds=100, quick_seconds=10)
    assert policy.rating(answer(score=0.0)) is Rating.Again
    assert policy.rating(answer(score=0.75)) is Rating.Again  # partial credit is not a recall
    assert policy.rating(answer(seconds=150)) is Rating.Hard
    assert policy.rating(answer(seconds=50)) is Rating.Good
    assert policy.rating(answer(seconds=5)) is Rating.Easy


def test_cards_are_per_skill_reproducible_and_carry_stable_ids():
    log = [answer(n, skill="s1" if n % 2 else "s2", score=float(n % 3 != 0), at=T0 + timedelta(days=n))
           for n in range(8)]
    first, second = cards(log), cards(list(reversed(log)))
    assert set(first) == {"s1", "s2"}
    assert {k: c.to_dict() for k, c in first.items()} == {k: c.to_dict() for k, c in second.items()}
    assert first["s1"].card_id == card_id("ann", "s1") != card_id("ann", "s2")
    assert card_id("ann", "s1") != card_id("bo", "s1")


def test_a_right_answer_pushes_the_next_review_later_than_a_wrong_one():
    right = cards([answer(1, score=1.0)])["SC-300:4.4.4"]
    wrong = cards([answer(1, score=0.0)])["SC-300:4.4.4"]
    assert right.due > wrong.due > T0


def test_due_list_shows_overdue_skills_first():
    log = [answer(1, skill="late", score=0.0), answer(2, skill="fresh", score=1.0, seconds=5)]
    now = T0 + timedelta(hours=1)
    rows = due(log, now)
    assert [r.skill for r in rows] == ["late", "fresh"]
    assert rows[0].overdue and not rows[1].overdue
    assert all(0.0 <= r.retrievability <= 1.0 for r in rows)
    with pytest.raises(ProgressError, match="now"):
        due(log, datetime(2026, 1, 1))


def test_an_answer_changed_within_a_session_counts_once_with_its_last_value():
    log = [answer(1, question="q", session="x", score=0.0), answer(2, question="q", session="x", score=1.0),
           answer(3, question="q", session="y", score=0.0), answer(4, question="q", score=1.0),
           answer(5, question="q", score=1.0)]
    kept = effective(log)
    assert [(a.session, a.score) for a in kept] == [("x", 1.0), ("y", 0.0), ("", 1.0), ("", 1.0)]


# ------------------------------------------------------------------ readiness
def test_readiness_is_a_beta_posterior_over_recent_answers():
    log = [answer(n, score=1.0 if n < 8 else 0.0) for n in range(10)] + [answer(20, domain="other", score=0.5)]
    ready = {r.domain: r for r in readiness(log, ["SC-300:4", "other", "never"], window=50, level=0.9)}
    r = ready["SC-300:4"]
    assert r.answered == 10 and r.mean == pytest.approx(9 / 12)
    assert beta_cdf(r.low, 9, 3) == pytest.approx(0.05, abs=1e-9)
    assert beta_cdf(r.high, 9, 3) == pytest.approx(0.95, abs=1e-9)
    assert ready["other"].mean == pytest.approx(1.5 / 3)
    assert (ready["never"].answered, ready["never"].low, ready["never"].high) == (0, pytest.approx(0.05), pytest.approx(0.95))
    recent = readiness(log, ["SC-300:4"], window=2)[0]
    assert recent.answered == 2 and recent.mean == pytest.approx(1 / 4)
    with pytest.raises(ProgressError, match="level"):
        readiness(log, ["x"], level=1.0)


def test_beta_cdf_matches_closed_forms():
    for x in (0.1, 0.37, 0.8):
        assert beta_cdf(x, 1, 1) == pytest.approx(x)
        assert beta_cdf(x, 2, 1) == pytest.approx(x**2)
        assert beta_cdf(x, 1, 3) == pytest.approx(1 - (1 - x) ** 3)
        assert beta_cdf(x, 2, 2) == pytest.approx(3 * x**2 - 2 * x**3)


@settings(max_examples=60, deadline=None)
@given(st.floats(0.5, 60), st.floats(0.5, 60), st.floats(0.01, 0.99))
def test_beta_quantile_inverts_the_cdf(a, b, p):
    x = beta_quantile(p, a, b)
    assert 0.0 <= x <= 1.0
    assert beta_cdf(x, a, b) == pytest.approx(p, abs=1e-6)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(0, 1), min_size=0, max_size=30))
def test_the_interval_always_holds_the_mean_and_narrows_with_evidence(scores):
    log = [answer(n, score=s) for n, s in enumerate(scores)]
    r = readiness(log, ["SC-300:4"])[0]
    assert 0 <= r.low <= r.mean <= r.high <= 1
    more = readiness(log * 4 if log else log, ["SC-300:4"], window=200)[0]
    assert (more.high - more.low) <= (r.high - r.low) + 1e-9

