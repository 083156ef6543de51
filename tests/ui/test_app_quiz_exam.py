"""The Exam page: weighted by the outline's domains, a navigator, flags, no feedback until
submitted, then the score report per objective and a review of every answer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from quiz_app import OUTLINE, answer, open_page, quiz_store, store_location, texts  # noqa: F401 - quiz_store: a fixture
from quiz_samples import samples

from quizzes.bank import load_outlines
from quizzes.grading import key_of
from quizzes.progress import Actor, open_store
from quizzes.session import ExamSession, items
from ui.quiz_common import StorePerCall

OWNER = Actor.instructor()  # the tests own the store, as the command line does
PAGE = "ui/quiz_exam.py"
KEY = "exam_session"


def with_exam(at, questions, **kw) -> ExamSession:
    exam = ExamSession(items(questions, load_outlines()[OUTLINE]), "ann", StorePerCall(), **kw)
    at.session_state[KEY] = exam
    at.run()
    assert not at.exception
    return exam


def test_starting_an_exam_draws_questions_of_the_outline_only():
    at = open_page(PAGE)
    at.number_input(key="exam_count").set_value(4).run()
    at.button(key="exam_start").click().run()
    assert not at.exception
    exam = at.session_state[KEY]
    assert len(exam.items) == 4
    assert all(it.objective.domain.startswith(OUTLINE + ":") for it in exam.items)
    assert at.metric[0].label == "Time left"


def test_answers_are_saved_without_feedback_and_the_navigator_marks_them():
    at = open_page(PAGE)
    qs = samples()
    with_exam(at, qs)
    answer(at, "exam_q0", qs[0], "b")  # wrong, but nothing may say so
    at.button(key="exam_save").click().run()
    assert not at.exception and not at.success and not at.error
    assert at.radio(key="exam_nav").value == 1  # moved on to the next question
    at.radio(key="exam_nav").set_value(0).run()
    assert 'Saved answer: Nothing; "always" active' in texts(at)  # the option's text: the page shows no letters
    at.radio(key="exam_nav").set_value(1).run()
    at.checkbox(key="exam_flag_1").check().run()
    labels = [at.radio(key="exam_nav").format_func(i) for i in range(len(qs))]
    assert labels[:2] == ["1✓", "2⚑"]
    assert at.radio(key="exam_nav").options[:2] == ["1✓", "2⚑"]  # as drawn in this run, not one rerun late
    assert "Flagged for review: 2" in texts(at) and "Unanswered: 2, 3, 4, 5, 6" in texts(at)
    with open_store(store_location()) as store:
        assert [(a.question_id, a.mode, a.score) for a in store.answers("ann", actor=OWNER)] == [("sample-single", "exam", 0.0)]


def test_submitting_gives_the_report_per_objective_and_a_review_of_every_answer():
    at = open_page(PAGE)
    qs = samples()
    exam = with_exam(at, qs)
    for n, q in enumerate(qs[:-1]):
        at.radio(key="exam_nav").set_value(n).run()
        answer(at, f"exam_q{n}", q, key_of(q))
        at.button(key="exam_save").click().run()
    at.button(key="exam_submit").click().run()
    assert exam.report is None  # one question unanswered: the page asks first
    assert "1 question(s) are unanswered" in " ".join(w.value for w in at.warning)
    at.button(key="exam_submit_confirmed").click().run()
    assert not at.exception
    report = exam.report
    assert report.points == len(qs) - 1 and report.answered == len(qs) - 1
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Scaled score"] == f"{report.scaled} / 1000" and metrics["Points"] == f"{len(qs) - 1:g} of {len(qs)}"
    assert metrics["Result"] == ("Pass" if report.passed else "Fail")
    by_objective = at.dataframe[0].value
    assert list(by_objective["Questions"]) == [o.questions for o in report.objectives]
    assert list(by_objective["Objective"]) == ["1.1.1 Implement and configure Privileged Identity Management (PIM)"]
    assert list(at.dataframe[1].value["Domain"]) == ["1 Manage identity, access, and governance"]
    assert len(at.expander) >= len(qs)
    assert "Not answered. The answer: 8 hours (± 0.5)" in texts(at)


def test_when_time_is_up_the_exam_is_marked():
    at = open_page(PAGE)
    exam = with_exam(at, samples(), minutes=1, started=datetime.now(UTC) - timedelta(minutes=2))
    assert exam.report is not None and exam.report.timed_out
    assert "Time ran out" in texts(at)


def test_start_another_exam_clears_the_report():
    at = open_page(PAGE)
    exam = with_exam(at, samples()[:2])
    exam.finish()
    at.run()
    at.button(key="exam_again").click().run()
    assert KEY not in at.session_state and at.button(key="exam_start")


def test_exam_forms_are_drawn_as_the_exam_shows_them():
    """A case-study item beside its case's text, a goal-and-solution item as Yes then No, and the
    other items' options in the session's display order; the review's lab button opens the case."""
    from quizzes import load_bank
    from quizzes.session import display_order

    bank = load_bank()
    case_q, goal_q, single_q = bank.get("cs-northwind-lapse"), bank.get("apr-gs-ticket"), bank.get("act-too-long")
    at = open_page(PAGE)
    exam = with_exam(at, [case_q, goal_q, single_q])
    shown = texts(at)
    assert "**Case study: Northwind Traders**" in shown and "eva received a 30-day eligible assignment" in shown
    at.session_state["exam_nav"] = 1
    at.run()
    assert list(at.radio(key="exam_q1_single").options) == ["Yes", "No"]
    assert "Case study:" not in texts(at)
    at.session_state["exam_nav"] = 2
    at.run()
    labels = {o.id: o.text for o in single_q.options}
    assert list(at.radio(key="exam_q2_single").options) == [labels[o.id] for o in
                                                            display_order(single_q.options, single_q.id, "exam_q2")]
    for i, q in enumerate((case_q, goal_q, single_q)):
        exam.answer(i, key_of(q))
    exam.finish()
    review = open_page(PAGE, learner=None)
    review.session_state[KEY] = exam
    review.run()
    assert not review.exception
    lab = review.button(key="exam_review0_lab")
    assert "northwind" in lab.label
