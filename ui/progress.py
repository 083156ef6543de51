"""Progress: a learner's history, accuracy per objective over time, the misconceptions they keep
falling for, what is due, a readiness estimate per outline domain with its uncertainty, and the
fix-the-tenant exercises handed in (best and latest score, attempts). Everything is read from the
progress store, so it survives restarts of the app."""

from __future__ import annotations

from datetime import UTC, datetime

import altair as alt
import pandas as pd
import streamlit as st

from pim_sim.posture.exercises import list_exercises
from quizzes import teacher
from quizzes.grading import grade
from quizzes.progress import due, effective, exercise_summary, readiness
from ui import quiz_common as qc
from ui.charts import OKABE_ITO
from ui.escape import markdown


@st.cache_resource(max_entries=2048, show_spinner=False)
def generated_question(question_id: str, seed: int):
    from quizzes.generate import generate

    return generate(question_id.removeprefix("gen-").removesuffix(f"-{seed}"), seed).question


def question_of(answer):
    """The question an answer was given to (bank, or regenerated from its template and seed)."""
    try:
        if answer.seed is not None and answer.question_id.startswith("gen-"):
            return generated_question(answer.question_id, answer.seed)
        return qc.bank().get(answer.question_id)
    except (KeyError, ValueError):
        return None


def misconceptions(answers, labels: dict[str, str]) -> pd.DataFrame:
    rows = []
    for a in answers:
        q, response = question_of(a), qc.response_from_json(a.response)
        if q is None or response is None or a.correct:
            continue
        try:
            slips = grade(q, response).slips
        except (ValueError, TypeError):
            continue
        rows += [{"Misconception": s.misconception, "Objective": labels.get(a.skill, a.skill), "When": a.answered_at}
                 for s in slips
                 if s.misconception]
    df = pd.DataFrame(rows, columns=["Misconception", "Objective", "When"])
    return (df.groupby("Misconception").agg(Times=("When", "size"), Last=("When", "max"),
                                            Objectives=("Objective", lambda s: ", ".join(sorted(set(s)))))
            .reset_index().sort_values(["Times", "Last"], ascending=False, ignore_index=True))


@st.cache_resource(show_spinner=False)
def exercise_titles() -> dict[str, str]:
    return {ex.id: ex.title for ex in list_exercises()}


def show_exercises(grades) -> None:
    """The fix-the-tenant exercises handed in on the Posture page: attempts, best and latest points."""
    st.subheader("Fix-the-tenant exercises")
    rows = exercise_summary(grades)
    if not rows:
        st.caption("No exercise handed in yet: hand in a fix on the Posture page and its grade is kept here.")
        return
    titles = exercise_titles()
    table = pd.DataFrame([{"Exercise": titles.get(r.exercise, r.exercise), "Attempts": str(r.attempts),
                           "Best": f"{r.best.score:g}", "Latest": f"{r.latest.score:g}", "Out of": f"{r.latest.max_score:g}",
                           "Requirements met (latest)": f"{r.latest.passed} of {r.latest.total}",
                           "Last handed in (UTC)": f"{r.latest.graded_at:%a %d %b %Y %H:%M}"} for r in rows])
    with st.container(key="progress_exercises"):  # a handful of rows: a plain table, readable as text
        st.table(table.set_index("Exercise"))


st.header("Progress")
learner = qc.learner_picker()
if not learner:
    st.info("Create a learner profile in the sidebar first.")
    st.stop()
answers = effective(qc.history(learner))
graded = qc.exercise_history(learner)
if not answers:
    st.info(f"No answers yet for {markdown(learner)}. Practise or take an exam, and your progress appears here.")
    if graded:
        show_exercises(graded)
    st.stop()

outline = qc.outline_picker("progress_outline")
o = qc.bank().outlines[outline]
labels = qc.skill_labels(outline)
now = datetime.now(UTC)
c1, c2, c3 = st.columns(3)
c1.metric("Answers", len(answers))
c2.metric("Accuracy", f"{sum(a.score for a in answers) / len(answers):.0%}")
c3.metric("Skills due today", sum(1 for d in due(answers, now) if d.due <= qc.today_end(now)))

# ---------------------------------------------------------------- readiness per domain
st.subheader("Readiness per domain")
domains = {f"{o.id}:{d.id}": d.name for d in o.domains if d.sections}
ready = pd.DataFrame([{"Domain": domains[r.domain], "Answers": r.answered, "Estimate": r.mean, "Low": r.low,
                       "High": r.high} for r in readiness(answers, domains)])
base = alt.Chart(ready).encode(y=alt.Y("Domain:N", title=None, axis=alt.Axis(labelLimit=360)))
chart = (base.mark_rule(strokeWidth=3, color=OKABE_ITO[0]).encode(x=alt.X("Low:Q", title="Chance of answering the "
                                                                          "next question right (90 % interval)",
                                                                          scale=alt.Scale(domain=[0, 1]),
                                                                          axis=alt.Axis(format="%")), x2="High:Q")
         + base.mark_point(filled=True, size=90, color=OKABE_ITO[5]).encode(
             x="Estimate:Q", tooltip=["Domain", "Answers", alt.Tooltip("Estimate:Q", format=".0%"),
                                      alt.Tooltip("Low:Q", format=".0%"), alt.Tooltip("High:Q", format=".0%")]))
st.altair_chart(chart.properties(height=60 + 40 * len(ready)), width="stretch")
st.dataframe(ready.round(3), hide_index=True, width="stretch", key="progress_readiness")
st.caption("A Beta posterior over the domain's last 50 answers (partial credit counts as a fraction); few answers "
           "give a wide interval.")

# ---------------------------------------------------------------- accuracy per objective over time
st.subheader("Accuracy per objective over time")
hist = pd.DataFrame([{"When": a.answered_at, "Objective": labels.get(a.skill, a.skill), "Score": a.score,
                      "Question": a.question_id, "Mode": a.mode, "Seconds": round(a.seconds, 1)} for a in answers])
hist["Accuracy so far"] = hist.groupby("Objective")["Score"].transform(lambda s: s.expanding().mean())
line = (alt.Chart(hist).mark_line(point=True).encode(
    x=alt.X("When:T", title="Answered (UTC)", axis=alt.Axis(format="%d %b %H:%M")),
    y=alt.Y("Accuracy so far:Q", title="Accuracy so far (share of points)", scale=alt.Scale(domain=[0, 1]),
            axis=alt.Axis(format="%")),
    color=alt.Color("Objective:N", scale=alt.Scale(range=list(OKABE_ITO)),
                    legend=alt.Legend(orient="bottom", columns=1, labelLimit=600)),
    tooltip=["Objective", "Question", alt.Tooltip("Score:Q", format=".0%"), "When:T"]))
st.altair_chart(line, width="stretch")

# ---------------------------------------------------------------- misconceptions
st.subheader("Misconceptions you keep falling for")
mis = misconceptions(answers, labels)
if mis.empty:
    st.success("No misconception shown so far.")
else:
    st.altair_chart(alt.Chart(mis.head(15)).mark_bar(color=OKABE_ITO[5]).encode(
        x=alt.X("Times:Q", title="Wrong answers showing it (answers)", axis=alt.Axis(tickMinStep=1)),
        y=alt.Y("Misconception:N", title=None, sort="-x", axis=alt.Axis(labelLimit=420)),
        tooltip=["Misconception", "Times", alt.Tooltip("Last:T", format="%d %b %Y %H:%M"), "Objectives"]),
        width="stretch")
    st.dataframe(mis, hide_index=True, width="stretch", key="progress_misconceptions")

# ---------------------------------------------------------------- due and history
st.subheader("Due")
st.dataframe(pd.DataFrame([{"Objective": labels.get(d.skill, d.skill), "Due (UTC)": f"{d.due:%a %d %b %Y %H:%M}",
                            "Recall now": round(d.retrievability, 3), "Overdue": d.overdue} for d in due(answers, now)]),
             hide_index=True, width="stretch", key="progress_due")
# ---------------------------------------------------------------- per topic and past exams
st.subheader("Accuracy per topic")
topic_of = {q.id: q.topic for q in qc.bank().questions}
topics = teacher.per_group({learner: answers}, lambda a: topic_of.get(
    a.question_id, a.question_id.removeprefix("gen-").rsplit("-", 1)[0]), "topic").drop(columns="learner")
st.dataframe(topics.sort_values("accuracy_percent"), hide_index=True, width="stretch", key="progress_topics",
             column_config={"accuracy_percent": st.column_config.NumberColumn("accuracy", format="%.0f %%")})
st.subheader("Past exams")
exams = teacher.exam_attempts({learner: answers}).drop(columns="learner")
if exams.empty:
    st.caption("No exam taken yet.")
else:
    st.dataframe(exams.sort_values("finished_utc", ascending=False), hide_index=True, width="stretch",
                 key="progress_exams", column_config={"percent": st.column_config.NumberColumn(format="%.0f %%")})
show_exercises(graded)
st.subheader("History")
st.dataframe(hist.drop(columns="Accuracy so far").iloc[::-1], hide_index=True, width="stretch", key="progress_history")
