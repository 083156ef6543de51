"""Exam: a timed set weighted by the outline's domains, a question navigator, flags for review
and no feedback until it is submitted; then the scaled score, a result per objective and domain,
and a review of every answer."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from quizzes.session import ExamSession, SessionError, weighted_exam
from ui import quiz_common as qc

SESSION = "exam_session"
OUTLINE = "exam_outline_of_session"


def start(learner: str) -> None:
    outline = st.session_state[OUTLINE] = st.session_state["exam_outline"]  # kept after the picker is gone
    count, minutes = int(st.session_state["exam_count"]), float(st.session_state["exam_minutes"])
    typed = st.session_state.get("exam_seed")
    seed = st.session_state["exam_seed_used"] = qc.fresh_seed() if typed is None else int(typed)  # a new exam each attempt
    generated = int(st.session_state["exam_generated"])
    try:
        chosen = weighted_exam(qc.pool(outline, generated_count=generated, seed=seed, strict=True), count, seed)
        st.session_state[SESSION] = ExamSession(chosen, learner, qc.StorePerCall(), minutes=minutes)
    except SessionError as e:
        st.session_state["exam_error"] = str(e)
    st.session_state["exam_nav"] = 0


def save(exam: ExamSession, i: int, response) -> None:
    """Keep the answer (no feedback) and move to the next question."""
    try:
        exam.answer(i, response)
    except SessionError as e:
        st.session_state["exam_error"] = str(e)
    else:
        st.session_state["exam_nav"] = min(i + 1, len(exam.items) - 1)


def flag(exam: ExamSession, i: int) -> None:
    """Flag or unflag before the page is drawn, so the navigator shows the mark in this run."""
    exam.flag(i, st.session_state[f"exam_flag_{i}"])


@st.fragment(run_every=15)
def clock(exam: ExamSession) -> None:
    """Time left, refreshed every 15 seconds; at zero the exam is marked."""
    left = exam.remaining_seconds()
    st.metric("Time left", f"{int(left // 60)}:{int(left % 60):02d}")
    if left <= 0 and exam.report is None:
        exam.finish()
        st.rerun()


def navigator_label(exam: ExamSession, i: int) -> str:
    marks = ("✓" if i in exam.responses else "") + ("⚑" if i in exam.flags else "")
    return f"{i + 1}{marks}"


def report_view(exam: ExamSession) -> None:
    r = exam.report
    cols = st.columns(4)
    cols[0].metric("Scaled score", f"{r.scaled} / 1000")
    cols[1].metric("Result", "Pass" if r.passed else "Fail")
    cols[2].metric("Points", f"{r.points:g} of {r.questions}")
    cols[3].metric("Answered", f"{r.answered} of {r.questions}")
    if r.timed_out:
        st.warning("Time ran out; unanswered questions score nothing.")
    st.caption("Pass mark 700. The scaled score maps 70 % of the points to 700 linearly; Microsoft doesn't publish "
               "its method ([exam scoring](https://learn.microsoft.com/en-us/credentials/support/exam-scoring-reports)).")
    outline = st.session_state.get(OUTLINE, qc.DEFAULT_OUTLINE)
    labels, domains = qc.objective_labels(outline), qc.domain_labels(outline)
    st.subheader("By objective")
    st.dataframe(pd.DataFrame([{"Objective": labels.get(o.tag, o.tag), "Domain": domains.get(o.domain, o.domain),
                                "Questions": o.questions,
                                "Points": o.points, "Percent": round(o.percent, 1)} for o in r.objectives]),
                 hide_index=True, width="stretch", key="exam_objectives")
    st.subheader("By domain")
    st.dataframe(pd.DataFrame([{"Domain": domains.get(d.domain, d.domain), "Questions": d.questions, "Points": d.points,
                                "Percent": round(d.percent, 1)} for d in r.domains]),
                 hide_index=True, width="stretch", key="exam_domains")
    st.subheader("Review")
    for i, (item, fb) in enumerate(zip(exam.items, r.review, strict=True)):
        mark = "unanswered" if fb is None else f"{fb.grade.score:.0%}"
        flag = " ⚑" if i in r.flagged else ""
        with st.expander(f"Question {i + 1}{flag}: {mark} · {labels.get(item.objective.tag, item.objective.tag)}"):
            st.markdown(item.question.stem)
            if fb is None:
                st.error(f"Not answered. The answer: {qc.key_in_words(item.question)}")
            else:
                st.caption(f"Your answer: {qc.response_summary(item.question, fb.response)}")
                qc.show_feedback(fb, f"exam_review{i}")
    if st.button("Start another exam", key="exam_again"):
        st.session_state.pop(SESSION)
        st.rerun()


st.header("Exam")
learner = qc.learner_picker()
if not learner:
    st.info("Create a learner profile in the sidebar first: your answers are kept under it.")
    st.stop()

exam: ExamSession | None = st.session_state.get(SESSION)
if exam is None:
    qc.outline_picker("exam_outline")
    c1, c2, c3, c4 = st.columns(4)
    c1.number_input("Questions", min_value=1, max_value=60, value=10, key="exam_count")
    c2.number_input("Minutes", min_value=1, max_value=180, value=20, key="exam_minutes")
    c3.number_input("Generated variants in the pool", min_value=0, max_value=60, value=0, key="exam_generated")
    c4.number_input("Seed (empty: a new exam)", min_value=0, value=None, key="exam_seed",
                    help="The same seed gives the same exam; left empty, each attempt is a different exam.")
    st.caption("Questions are drawn so each domain's share follows the midpoint of its weight in the outline.")
    st.button("Start the exam", key="exam_start", type="primary", on_click=start, args=(learner,))
    if "exam_error" in st.session_state:
        st.error(st.session_state.pop("exam_error"))
    st.stop()

if exam.report is not None:
    report_view(exam)
    st.stop()

clock(exam)
n = len(exam.items)
i = st.radio("Question", list(range(n)), format_func=lambda k: navigator_label(exam, k), horizontal=True, key="exam_nav")
item = exam.show(i)
st.caption(f"Question {i + 1} of {n} · {item.objective.domain_name}")
response = qc.ask(item.question, f"exam_q{i}")
if i in exam.responses:
    st.caption(f"Saved answer: {qc.response_summary(item.question, exam.responses[i])}")
st.checkbox("Flag for review", value=i in exam.flags, key=f"exam_flag_{i}", on_change=flag, args=(exam, i))
c1, c2 = st.columns(2)
c1.button("Save answer", key="exam_save", type="primary", disabled=response is None, on_click=save, args=(exam, i, response))
if "exam_error" in st.session_state:
    st.error(st.session_state.pop("exam_error"))
left = exam.unanswered()
if c2.button("Submit the exam", key="exam_submit"):
    if left:  # unanswered questions: ask first
        st.session_state["exam_confirm"] = True
    else:
        exam.finish()
        st.rerun()
if left and st.session_state.get("exam_confirm"):
    st.warning(f"{len(left)} question(s) are unanswered and will score 0. Submit anyway?")
    k1, k2 = st.columns(2)
    if k1.button("Yes, submit now", key="exam_submit_confirmed", type="primary"):
        st.session_state.pop("exam_confirm", None)
        exam.finish()
        st.rerun()
    if k2.button("No, keep answering", key="exam_submit_cancel"):
        st.session_state.pop("exam_confirm", None)
        st.rerun()
if left:
    st.caption(f"Unanswered: {', '.join(str(k + 1) for k in left)}")
if exam.flags:
    st.caption(f"Flagged for review: {', '.join(str(k + 1) for k in sorted(exam.flags))}")
