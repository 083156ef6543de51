"""Practice: choose topics or outline objectives, a number of questions and whether to mix in
generated variants; answer one question at a time and read the feedback right away: the key,
the explanation, the misconception behind a wrong choice, the sources and the simulation's
evidence."""

from __future__ import annotations

import streamlit as st

from ui import quiz_common as qc

SESSION = "practice_session"

st.header("Practice")
learner = qc.learner_picker()
if not learner:
    st.info("Create a learner profile in the sidebar first: your answers are kept under it.")
    st.stop()

with st.expander("Choose questions", expanded=SESSION not in st.session_state):
    outline = qc.outline_picker("practice_outline")
    st.caption("Only questions on this outline's objectives: study for the exam you are taking.")
    labels = qc.objective_labels(outline)
    topics = st.multiselect("Topics (none: all)", list(qc.bank().topics), key="practice_topics")
    objectives = st.multiselect("Outline objectives (none: all)", list(labels), format_func=labels.get,
                                key="practice_objectives")
    count = st.number_input("Number of questions", min_value=1, max_value=50, value=5, key="practice_count")
    variants = st.checkbox("Include generated variants (the seed picks the numbers and people)", key="practice_generated",
                           help="About half of the questions are then fresh variants made by running the simulation.")
    typed = st.number_input("Seed (empty: a new set every time)", min_value=0, value=None, key="practice_seed",
                            help="The same seed gives the same questions in the same order.")
    if st.button("Start practice", key="practice_start", type="primary"):
        seed = qc.fresh_seed() if typed is None else int(typed)
        st.session_state["practice_seed_used"] = seed
        chosen = qc.pool(outline, topics=topics or None, objectives=objectives or None,
                         generated_count=int(count) if variants else 0, seed=int(seed), strict=True)
        if not chosen:
            st.warning("No questions match these topics and objectives.")
        else:
            qc.start_practice(SESSION, qc.half_and_half(chosen, int(count), int(seed)), learner)
            st.rerun()

if SESSION not in st.session_state:
    st.info("Choose topics or objectives and start.")
    st.stop()
if "practice_seed_used" in st.session_state:
    st.caption(f"This set's seed: {st.session_state['practice_seed_used']} (type it to get the same set again).")
qc.practice(SESSION)
