"""Practice and exam sessions: answers kept as given, feedback only where it belongs, the exam
timer, flags, the weighted draw, the scaled score and the per-objective report."""

from __future__ import annotations

import functools
import json
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizzes.bank import load_bank
from quizzes.generate import generate
from quizzes.grading import ResponseError, key_of
from quizzes.progress import Actor, Answer, effective, open_store
from quizzes.session import (
    ExamSession,
    Item,
    Objective,
    PracticeSession,
    SessionError,
    items,
    objective,
    review_order,
    scaled_score,
    select,
    weighted_exam,
    with_missed_variants,
)

OWNER = Actor.instructor()  # the tests own the store, as the command line does
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self):
        self.now = T0

    def __call__(self) -> datetime:
        return self.now

    def tick(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture(scope="module")
def bank():
    return load_bank()


@pytest.fixture(scope="module")
def outline(bank):
    return bank.outlines["SC-300"]


@pytest.fixture
def store(tmp_path):
    with open_store(tmp_path / "progress.sqlite3") as s:
        yield s


def _generated(outline, *names, seed=3):
    return items([generate(n, seed) for n in names], outline)


def _wrong(q):
    if q.type == "single":
        return next(o.id for o in q.options if o.id != q.key)
    if q.type == "yes_no":
        return {s.id: not s.key for s in q.statements}
    if q.type == "numeric":
        return q.key + q.tolerance + 1000
    raise AssertionError(q.type)


# ------------------------------------------------------------------ items and objectives
def test_objective_finds_the_bullet_and_its_domain(outline):
    q = generate("approval-expiry", 1).question
    assert objective(q, outline) == Objective("SC-300:4.4.4", "SC-300:4", "Plan and automate identity governance", 27.5)


def test_items_keep_generated_evidence_and_drop_untagged_questions_in_strict_mode(bank, outline):
    untagged = next((q for q in bank if objective(q, outline) is None), None)
    g = generate("audit-order", 2)
    wrapped = items([g, *([untagged] if untagged else [])], outline)
    assert wrapped[0].evidence == g.evidence and wrapped[0].seed == 2 and wrapped[0].template == "audit-order"
    if untagged is not None:
        assert wrapped[1].objective.domain.endswith(":other") and wrapped[1].objective.weight == 0
        assert [it.id for it in items([g, untagged], outline, strict=True)] == [g.id]


def test_custom_quizzes_by_topic_or_objective(outline):
    pool = _generated(outline, "approval-expiry", "extend-window", "audit-order")
    assert {it.question.topic for it in select(pool, topics=["audit"])} == {"audit"}
    by_bullet = select(pool, objectives=["4.4.4"])
    assert [it.id for it in by_bullet] == [it.id for it in select(pool, objectives=["SC-300:4.4.4"])]
    assert {it.objective.tag for it in by_bullet} == {"SC-300:4.4.4"}
    assert select(pool, topics=["audit"], objectives=["4.4.4"]) == []


# ------------------------------------------------------------------ practice
def test_practice_keeps_each_answer_the_moment_it_is_given_with_time_taken(outline, store):
    clock = FakeClock()
    pool = _generated(outline, "approval-expiry", "deactivate-window")
    session = PracticeSession(list(pool), "ann", store.acting(OWNER), clock)
    first = session.current()
    clock.tick(42)
    fb = session.answer(key_of(first.question))
    kept = store.answers("ann", actor=OWNER)
    assert len(kept) == 1, "stored before the session ends"
    a = kept[0]
    assert (a.question_id, a.score, a.seconds, a.mode, a.seed) == (first.id, 1.0, 42.0, "practice", 3)
    assert a.skill == first.objective.tag and a.domain == "SC-300:4" and a.session == session.session_id
    assert json.loads(a.response) == json.loads(json.dumps(key_of(first.question), sort_keys=True))
    assert fb.grade.correct and fb.key == key_of(first.question) and fb.explanation == first.question.explanation
    assert fb.evidence == first.evidence and fb.sources


def test_practice_feedback_names_the_misconception_of_a_wrong_answer(outline, store):
    session = PracticeSession(_generated(outline, "approval-expiry"), "ann", store.acting(OWNER), FakeClock())
    fb = session.answer(_wrong(session.current().question))
    assert not fb.grade.correct and fb.grade.slips[0].misconception
    assert store.answers("ann", actor=OWNER)[0].score == 0.0
    assert session.finished and session.current() is None
    with pytest.raises(SessionError, match="over"):
        session.answer("a")


def test_a_malformed_answer_is_refused_and_not_stored(outline, store):
    session = PracticeSession(_generated(outline, "approval-expiry"), "ann", store.acting(OWNER), FakeClock())
    with pytest.raises(ResponseError):
        session.answer("zz")
    assert store.answers("ann", actor=OWNER) == [] and session.position == 0


def test_skip_moves_the_question_to_the_end(outline):
    session = PracticeSession(_generated(outline, "approval-expiry", "extend-window"), "ann", None, FakeClock())
    first = session.current().id
    session.skip()
    assert session.current().id != first and session.items[-1].id == first


# ------------------------------------------------------------------ exam
def test_exam_gives_no_feedback_stores_every_answer_and_keeps_the_last(outline, store):
    clock = FakeClock()
    pool = _generated(outline, "approval-expiry", "self-approval", "extend-window", "deactivate-window")
    exam = ExamSession(pool, "ann", store.acting(OWNER), clock, minutes=30)
    q0 = exam.show(0).question
    clock.tick(20)
    assert exam.answer(0, _wrong(q0)) is None
    clock.tick(10)
    exam.answer(0, key_of(q0))  # changed before the end
    exam.answer(1, key_of(exam.show(1).question))
    exam.flag(2)
    exam.flag(1)
    exam.flag(1, on=False)
    assert exam.unanswered() == [2, 3] and exam.flags == {2}
    stored = store.answers("ann", actor=OWNER)
    assert [a.mode for a in stored] == ["exam"] * 3 and [a.seconds for a in stored] == [20.0, 10.0, 0.0]
    counted = effective(stored)
    assert [(a.question_id, a.score) for a in counted] == [(pool[0].id, 1.0), (pool[1].id, 1.0)]
    report = exam.finish()
    assert (report.points, report.answered, report.questions, report.flagged) == (2.0, 2, 4, (2,))
    assert report.scaled == scaled_score(0.5) and not report.passed and not report.timed_out
    assert report.review[0].grade.correct and report.review[2] is None
    by_tag = {o.tag: o for o in report.objectives}
    assert sum(o.questions for o in report.objectives) == 4
    assert by_tag["SC-300:4.4.4"].points == 2.0 and by_tag["SC-300:4.4.1"].points == 0.0
    assert [(d.domain, d.questions, d.points) for d in report.domains] == [("SC-300:4", 4, 2.0)]
    assert exam.finish() is report
    with pytest.raises(SessionError, match="over"):
        exam.answer(3, "a")


def test_all_right_passes_with_a_thousand(outline):
    pool = _generated(outline, "approval-expiry", "self-approval")
    exam = ExamSession(pool, "ann", None, FakeClock(), minutes=5)
    for i, it in enumerate(pool):
        exam.answer(i, key_of(it.question))
    report = exam.finish()
    assert (report.scaled, report.passed) == (1000, True)


def test_when_time_is_up_no_answer_is_accepted_and_the_exam_is_marked(outline, store):
    clock = FakeClock()
    pool = _generated(outline, "approval-expiry", "self-approval")
    exam = ExamSession(pool, "ann", store.acting(OWNER), clock, minutes=1)
    exam.answer(0, key_of(pool[0].question))
    clock.tick(61)
    assert exam.timed_out and exam.remaining_seconds() == 0
    with pytest.raises(SessionError, match="time is up"):
        exam.answer(1, key_of(pool[1].question))
    assert exam.report is not None and exam.report.timed_out and exam.report.answered == 1
    assert len(store.answers("ann", actor=OWNER)) == 1


def test_exam_input_errors_name_the_problem(outline):
    pool = _generated(outline, "approval-expiry")
    with pytest.raises(SessionError, match="at least one question"):
        ExamSession([], "ann")
    with pytest.raises(SessionError, match="minutes"):
        ExamSession(pool, "ann", minutes=0)
    exam = ExamSession(pool, "ann", None, FakeClock())
    with pytest.raises(SessionError, match="question number"):
        exam.answer(5, "a")


@pytest.mark.parametrize(("fraction", "expected"), [(0.0, 1), (0.35, 350), (0.7, 700), (0.85, 850), (1.0, 1000)])
def test_scaled_score_puts_the_cut_on_700(fraction, expected):
    assert scaled_score(fraction) == expected


def test_a_harder_cut_needs_more_points():
    assert scaled_score(0.7, cut=0.8) < 700 <= scaled_score(0.8, cut=0.8)
    with pytest.raises(SessionError, match="cut"):
        scaled_score(0.5, cut=1.0)


@settings(deadline=None, max_examples=50)
@given(st.floats(0, 1), st.floats(0, 1), st.floats(0.05, 0.95))
def test_scaled_score_is_monotone_and_bounded(a, b, cut):
    lo, hi = sorted((a, b))
    assert 1 <= scaled_score(lo, cut) <= scaled_score(hi, cut) <= 1000  # Microsoft reports 1 to 1,000
    if hi >= cut:
        assert scaled_score(hi, cut) >= 700
    if hi <= cut - 0.01:
        assert scaled_score(hi, cut) < 700


# ------------------------------------------------------------------ the weighted draw
def _fake_pool(spec: dict[tuple[str, float], dict[str, int]]) -> list[Item]:
    pool = []
    for (domain, weight), objectives in spec.items():
        for tag, n in objectives.items():
            for k in range(n):
                q = SimpleNamespace(id=f"{tag}-{k}", topic="t", outline=(tag,))
                pool.append(Item(q, Objective(tag, domain, domain, weight)))
    return pool


def test_exam_draw_follows_domain_weights_and_rotates_objectives():
    pool = _fake_pool({("X:1", 25.0): {"X:1.1": 10, "X:1.2": 10}, ("X:2", 75.0): {"X:2.1": 40}})
    drawn = weighted_exam(pool, 20, seed=5)
    domains = [it.objective.domain for it in drawn]
    assert domains.count("X:1") == 5 and domains.count("X:2") == 15
    small = [it.objective.tag for it in drawn if it.objective.domain == "X:1"]
    assert sorted(small.count(t) for t in ("X:1.1", "X:1.2")) == [2, 3]
    assert len({it.id for it in drawn}) == 20
    assert [it.id for it in drawn] == [it.id for it in weighted_exam(pool, 20, seed=5)]
    assert [it.id for it in drawn] != [it.id for it in weighted_exam(pool, 20, seed=6)]


def test_exam_draw_fills_from_other_domains_when_one_runs_out_and_ignores_untagged():
    pool = _fake_pool({("X:1", 50.0): {"X:1.1": 2}, ("X:2", 50.0): {"X:2.1": 30}, ("X:other", 0.0): {"Y:9": 5}})
    drawn = weighted_exam(pool, 10, seed=1)
    assert [it.objective.domain for it in drawn].count("X:1") == 2 and len(drawn) == 10
    assert all(it.objective.weight > 0 for it in drawn)
    assert len(weighted_exam(pool, 500, seed=1)) == 32
    with pytest.raises(SessionError, match="no questions"):
        weighted_exam(_fake_pool({("X:other", 0.0): {"Y:9": 3}}), 3, seed=1)


# ------------------------------------------------------------------ what to serve next
def test_review_serves_missed_then_unseen_then_due_then_the_rest():
    pool = _fake_pool({("X:1", 50.0): {"A": 2, "B": 1, "C": 1}})
    ids = {it.id: it for it in pool}
    history = [
        Answer("ann", "A-0", "A", "X:1", 0.0, T0, 10.0),  # missed
        Answer("ann", "B-0", "B", "X:1", 1.0, T0, 10.0),  # right, skill B due again soon
        Answer("ann", "C-0", "C", "X:1", 1.0, T0 - timedelta(days=30), 10.0),  # long ago: due
        Answer("ann", "C-0", "C", "X:1", 1.0, T0 - timedelta(days=29), 10.0),
    ]
    now = T0 + timedelta(minutes=30)
    order = [it.id for it in review_order(list(ids.values()), history, now)]
    assert order == ["A-0", "A-1", "C-0", "B-0"]  # missed, unseen, due (C), not yet due (B)


def test_a_missed_generated_variant_comes_back_even_with_another_seed(outline):
    missed = generate("approval-expiry", 77)
    history = [Answer("ann", missed.id, "SC-300:4.4.4", "SC-300:4", 0.0, T0, 10.0),
               Answer("ann", "gen-extend-window-77", "SC-300:4.4.1", "SC-300:4", 1.0, T0, 10.0),
               Answer("ann", "some-bank-question", "SC-300:4.4.1", "SC-300:4", 0.0, T0, 10.0)]
    pool = _generated(outline, "approval-expiry", "extend-window", seed=5)
    grown = with_missed_variants(pool, history, outline)
    assert [it.id for it in grown] == [*(it.id for it in pool), missed.id]
    assert grown[-1].evidence == missed.evidence and grown[-1].seed == 77
    assert review_order(grown, history, T0 + timedelta(hours=1))[0].id == missed.id
    assert with_missed_variants(grown, history, outline) == grown


@settings(deadline=None, max_examples=50)
@given(st.lists(st.sampled_from(["right", "wrong", "skip"]), min_size=1, max_size=6))
def test_an_exam_report_adds_up(choices):
    pool = _six_items()[: len(choices)]
    exam = ExamSession(list(pool), "ann", None, FakeClock(), minutes=30)
    for i, (it, choice) in enumerate(zip(pool, choices, strict=True)):
        if choice != "skip":
            exam.answer(i, key_of(it.question) if choice == "right" else _wrong(it.question))
    report = exam.finish()
    assert report.points == sum(c == "right" for c in choices)
    assert report.answered == sum(c != "skip" for c in choices)
    assert sum(o.points for o in report.objectives) == sum(d.points for d in report.domains) == report.points
    assert sum(o.questions for o in report.objectives) == report.questions == len(choices)
    assert report.scaled == scaled_score(report.points / report.questions)
    assert report.passed is (report.scaled >= 700)
    assert [fb is None for fb in report.review] == [c == "skip" for c in choices]


@functools.cache
def _six_items() -> list[Item]:
    names = ("approval-expiry", "self-approval", "extend-window", "deactivate-window", "time-to-access",
             "first-decision-wins")
    return items([generate(n, 2) for n in names], load_bank().outlines["SC-300"])
