"""Due reviews: the skills spaced repetition (FSRS) says are due today, and a practice queue
of questions on them: missed ones first, then the most overdue."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import streamlit as st

from quizzes.generate import TEMPLATES
from quizzes.progress import due
from quizzes.session import review_order
from ui import quiz_common as qc

SESSION = "due_session"

st.header("Due reviews")
learner = qc.learner_picker()
if not learner:
    st.info("Create a learner profile in the sidebar first: your answers are kept under it.")
    st.stop()

now = datetime.now(UTC)
answers = qc.history(learner)
outline = qc.outline_picker("due_outline")
labels = qc.skill_labels(outline)
schedule = due(answers, now)
today = [d for d in schedule if d.due <= qc.today_end(now)]
if not schedule:
    st.info("Nothing to review yet: practise first, and the skills you answered come back here when they are due.")
    st.stop()

st.metric("Skills due today", len(today))
st.dataframe(pd.DataFrame([{"Objective": labels.get(d.skill, d.skill), "Due (UTC)": f"{d.due:%a %d %b %Y %H:%M}",
                            "Recall now": f"{d.retrievability:.0%}", "Overdue": d.overdue} for d in schedule]),
             hide_index=True, width="stretch", key="due_table")
st.caption("Recall now is FSRS's estimate of the chance you remember the skill today; a review is due when it "
           "drops to 90 %.")

if today and SESSION not in st.session_state:
    wanted = {d.skill for d in today}
    # bank questions and one fresh variant per template (new variants each day) on the due skills
    fresh = len(TEMPLATES)
    queue = [it for it in review_order(qc.pool(outline, generated_count=fresh, seed=now.toordinal()), answers, now)
             if it.objective.tag in wanted]
    count = st.number_input("Questions to review", min_value=1, max_value=max(1, len(queue)), value=min(10, max(1, len(queue))),
                            key="due_count")
    if not queue:
        st.warning("The due skills belong to another outline; choose the outline you practised with.")
    elif st.button("Review now", key="due_start", type="primary"):
        qc.start_practice(SESSION, queue[: int(count)], learner)
        st.rerun()
qc.practice(SESSION)
if SESSION in st.session_state and st.session_state[SESSION].finished and st.button("Close this review", key="due_close"):
    st.session_state.pop(SESSION)
    st.rerun()
