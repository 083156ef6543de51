"""The Progress page: history, accuracy per objective over time, misconceptions, what is due and
readiness per domain with its interval, all read back from the store."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from quiz_app import OUTLINE, open_page, quiz_store, store_location, texts  # noqa: F401 - quiz_store: a fixture

from quizzes.grading import grade, key_of
from quizzes.progress import Actor, Answer, open_store, readiness

OWNER = Actor.instructor()  # the tests own the store, as the command line does
PAGE = "ui/progress.py"


def record(q, response, when: datetime, learner: str = "ann") -> Answer:
    tag = next(t for t in q.outline if t.startswith(OUTLINE + ":"))
    with open_store(store_location()) as store:
        return store.record(Answer(learner, q.id, tag, f"{OUTLINE}:{tag.split(':')[1].split('.')[0]}",
                                   grade(q, response).score, when, 20.0, response=json.dumps(response)), actor=OWNER)


def single_questions():
    from ui.quiz_common import _load_bank

    return [q for q in _load_bank() if q.type == "single" and any(t.startswith(OUTLINE + ":") for t in q.outline)]


def test_no_answers_yet():
    at = open_page(PAGE)
    assert "No answers yet for ann" in texts(at)


def test_progress_is_read_back_from_the_store():
    qs = single_questions()[:3]
    t0 = datetime.now(UTC) - timedelta(days=2)
    wrong = next(o for o in qs[0].options if o.id != qs[0].key)
    history = [record(qs[0], wrong.id, t0), record(qs[0], key_of(qs[0]), t0 + timedelta(hours=1))]
    history += [record(q, key_of(q), t0 + timedelta(hours=2 + n)) for n, q in enumerate(qs[1:])]
    at = open_page(PAGE)  # a fresh app: everything comes from the store
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Answers"] == str(len(history))
    assert metrics["Accuracy"] == f"{sum(a.score for a in history) / len(history):.0%}"
    frames = {tuple(d.value.columns): d.value for d in at.dataframe}
    ready = next(v for k, v in frames.items() if "Estimate" in k)
    want = readiness(history, [f"{OUTLINE}:1"])[0]
    assert ready.loc[0, "Answers"] == want.answered and abs(ready.loc[0, "Estimate"] - want.mean) < 1e-3
    assert ready.loc[0, "Low"] < ready.loc[0, "Estimate"] < ready.loc[0, "High"]
    mis = next(v for k, v in frames.items() if "Misconception" in k)
    assert list(mis["Misconception"]) == [wrong.misconception] and list(mis["Times"]) == [1]
    history_table = next(v for k, v in frames.items() if "Question" in k and "Mode" in k)
    assert len(history_table) == len(history)
    specs = [json.loads(c.proto.spec) for c in at.get("arrow_vega_lite_chart")] or \
        [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    assert len(specs) == 3  # readiness, accuracy over time, misconceptions
    over_time = next(s for s in specs if "Accuracy so far" in json.dumps(s))
    assert '"format": "%d %b %H:%M"' in json.dumps(over_time)  # dates a learner reads, not raw milliseconds
    bars = next(s for s in specs if s.get("encoding", {}).get("y", {}).get("field") == "Misconception")
    assert bars["encoding"]["x"]["field"] == "Times" and "(answers)" in bars["encoding"]["x"]["title"]
    assert list(mis["Objectives"]) == [objective_label(history[0].skill)]


def objective_label(tag: str) -> str:
    from ui.quiz_common import objective_labels

    return objective_labels(OUTLINE)[tag]


def test_misconceptions_of_generated_questions_come_from_the_rebuilt_variant():
    from quizzes.generate import generate

    g = next(g for g in (generate("self-approval", seed) for seed in range(50)) if g.question.type == "single")
    q = g.question
    wrong = next(o for o in q.options if o.id != q.key)
    tag = next(t for t in q.outline if t.startswith(OUTLINE + ":"))
    with open_store(store_location()) as store:
        store.record(Answer("ann", q.id, tag, f"{OUTLINE}:1", 0.0, datetime.now(UTC) - timedelta(hours=1), 12.0,
                            response=json.dumps(wrong.id), seed=g.seed), actor=OWNER)
    at = open_page(PAGE)
    mis = next(d.value for d in at.dataframe if "Misconception" in d.value.columns)
    assert list(mis["Misconception"]) == [wrong.misconception]


def test_a_wrong_number_the_question_does_not_name_is_not_listed_as_a_misconception():
    q = _numeric_questions()[0]
    off = q.key + 1000  # wrong, and not one of the question's known wrong values
    record(q, off, datetime.now(UTC) - timedelta(hours=1))
    at = open_page(PAGE)
    assert not at.exception
    assert not any("Misconception" in d.value.columns for d in at.dataframe)
    assert "No misconception shown so far." in texts(at)


def _numeric_questions():
    from ui.quiz_common import _load_bank

    return [q for q in _load_bank() if q.type == "numeric" and any(t.startswith(OUTLINE + ":") for t in q.outline)]
