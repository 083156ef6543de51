"""The instructor's kit: build a quiz set (topics, objectives, count, seed), one paper per
student from generated variants, the answer key, exports to Moodle GIFT, Moodle XML, QTI 2.1,
Anki and CSV, grading a class's answer sheet, and the classroom scenario pack."""

from __future__ import annotations

import io
import zipfile

import altair as alt
import pandas as pd
import streamlit as st

from pim_sim.io.csv_safe import frame_csv
from quizzes import export, gradings, kit, printing, teacher
from quizzes.classroom import (
    ClassroomError,
    SetSpec,
    answer_key,
    answer_key_csv,
    answer_sheet_template,
    build_set,
    papers,
    papers_csv,
    read_set_file,
    scenario_pack,
    set_file,
)
from ui import access, uploads
from ui import quiz_common as qc
from ui.escape import markdown

MAX_ISSUES = 20  # rows of a class sheet that can't be graded, shown one by one; the rest are counted

PAPERS = "instructor_papers"
FORMATS = {label: (name, mime, make) for label, name, mime, make in kit.FORMATS.values()}  # the CLI's, same bytes


def build(outline: str) -> None:
    roster = [s.strip() for s in st.session_state["instructor_roster"].splitlines() if s.strip()]
    spec = SetSpec(outline, int(st.session_state["instructor_count"]), int(st.session_state["instructor_seed"]),
                   tuple(st.session_state["instructor_topics"]) or None,
                   tuple(st.session_state["instructor_objectives"]) or None,
                   int(st.session_state["instructor_generated"]), st.session_state["instructor_title"] or "pim-sim quiz")
    try:
        quiz = build_set(qc.bank(), spec)
        st.session_state[PAPERS] = (spec, papers(quiz, qc.bank().outlines[outline], roster))
    except ClassroomError as e:
        st.session_state["instructor_error"] = markdown(e)


@st.cache_data(show_spinner=False)
def pack() -> bytes:
    return scenario_pack()


def zipped(files: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            z.writestr(name, text)
    return buf.getvalue()


access.require_instructor()  # on the server, whatever link or address brought the session here
st.header("Instructor's kit")

# ---------------------------------------------------------------- 1. build a set
st.subheader("1. Build a quiz set")
outline = qc.outline_picker("instructor_outline")
labels = qc.objective_labels(outline)
c1, c2 = st.columns(2)
c1.text_input("Title", value="PIM quiz", key="instructor_title")
c1.multiselect("Topics (none: all)", list(qc.bank().topics), key="instructor_topics")
c1.multiselect("Outline objectives (none: all)", list(labels), format_func=labels.get, key="instructor_objectives")
c2.number_input("Questions per paper", min_value=1, max_value=200, value=6, key="instructor_count")
c2.number_input("Of which generated variants (different for each student)", min_value=0, max_value=200, value=2,
                key="instructor_generated")
c2.number_input("Seed", min_value=0, value=2026, key="instructor_seed")
st.text_area("Students, one per line", value="student01\nstudent02\nstudent03", key="instructor_roster", height=120)
st.button("Build the papers", key="instructor_build", type="primary", on_click=build, args=(outline,))
if "instructor_error" in st.session_state:
    st.error(st.session_state.pop("instructor_error"))
saved = uploads.uploader(st, "Or rebuild the papers from a quiz set file (JSON) built earlier", type=["json"],
                         key="instructor_set_file")
saved_bytes = uploads.content(saved)
if saved_bytes is not None:
    try:
        spec, roster = read_set_file(saved_bytes)
        st.session_state[PAPERS] = (spec, papers(build_set(qc.bank(), spec), qc.bank().outlines[spec.outline], roster))
    except ClassroomError as e:
        st.error(markdown(e))
    else:
        st.caption(f"Papers rebuilt from {markdown(saved.name)}: {markdown(spec.title)}, {len(roster)} students.")
st.subheader("2. Download")
if PAPERS not in st.session_state:
    st.info("Build a set (or upload its quiz set file) to get the papers, the key and the exports.")
else:
    spec, class_papers = st.session_state[PAPERS]
    key = answer_key(class_papers)
    distinct = {it.id: it.question for p in class_papers for it in p.items}
    st.success(f"{len(class_papers)} papers of {spec.count} questions ({spec.count - spec.generated} shared, "
               f"{spec.generated} varied per student); {len(distinct)} distinct questions.")
    st.dataframe(key, hide_index=True, width="stretch", key="instructor_key")

    d1, d2, d3 = st.columns(3)
    d1.download_button("Answer key (CSV)", answer_key_csv(class_papers).encode(), "answer-key.csv", "text/csv",
                       key="instructor_dl_key")
    d2.download_button("Answer sheet for the class (CSV)", answer_sheet_template(class_papers).encode(),
                       "answer-sheet.csv", "text/csv", key="instructor_dl_sheet")
    d3.download_button("Every paper, without answers (zip of CSV)", zipped(papers_csv(class_papers)), "papers.zip",
                       "application/zip", key="instructor_dl_papers")
    h1, h2 = st.columns(2)
    h1.download_button("Printable papers, one per student (zip of HTML)", zipped(printing.papers_html(
        spec.title, class_papers)), "papers-html.zip", "application/zip", key="instructor_dl_papers_html",
        on_click="ignore")
    h2.download_button("Printable answer key (HTML)", printing.key_html(spec.title, class_papers).encode(),
                       "answer-key.html", "text/html", key="instructor_dl_key_html", on_click="ignore")
    if printing.pdf_available():  # the same pages as PDF, laid out only when a button is clicked
        f1, f2 = st.columns(2)
        f1.download_button("Download papers (PDF)", lambda: printing.papers_pdf_zip(spec.title, class_papers),
                           "papers-pdf.zip", "application/zip", key="instructor_dl_papers_pdf", on_click="ignore")
        f2.download_button("Answer key (PDF)", lambda: printing.key_pdf(spec.title, class_papers), "answer-key.pdf",
                           "application/pdf", key="instructor_dl_key_pdf", on_click="ignore")
    else:
        st.caption(markdown(f"PDF papers: {printing.INSTALL}. Meanwhile a browser's Print on the HTML papers "
                            "saves a PDF."))
    st.download_button("Quiz set file (JSON): rebuilds every paper for grading later", set_file(spec, [p.student for p in
                       class_papers]).encode(), "quiz-set.json", "application/json", key="instructor_dl_set")
    fmt = st.selectbox("Export every question of the set to", list(FORMATS), key="instructor_format")
    name, mime, make = FORMATS[fmt]
    try:
        made = make(list(distinct.values()), spec.title)
    except export.ExportError as e:
        st.error(markdown(e))
    else:
        st.download_button(f"Download {fmt}", made, name, mime, key="instructor_dl_export")

# ---------------------------------------------------------------- 3. grade the class
st.subheader("3. Grade the class")
st.caption("Upload the answer sheet (student, question_id, response). Responses: `b` (one answer), `a;c` (several), "
           "`s1=yes;s2=no` (yes/no), `c>a>b` (order), `when=b;who=a` (dropdowns), `8` (numbers).")
upload = uploads.uploader(st, "Class answers (CSV)", type=["csv"], key="instructor_answers")
sheet = uploads.content(upload)
kept = gradings.saved()
if kept:
    reopen = st.selectbox("Or reopen a saved grading", ["", *kept], key="instructor_reopen",
                          format_func=lambda n: n or "(choose)")
    if reopen:
        try:
            old = gradings.load(reopen)
            st.session_state[PAPERS] = kit.class_of(old.set_file)
            sheet = old.sheet.encode("utf-8")
        except (gradings.GradingError, ClassroomError) as e:
            st.error(markdown(e))
if sheet is not None:
    if PAPERS not in st.session_state:
        st.warning("Build the set first, or upload its quiz set file: the papers are rebuilt from the set and the "
                   "students, so nothing else needs storing.")
    else:
        try:
            results, grades, analysis, shares = kit.graded(st.session_state[PAPERS][1], sheet)
        except ClassroomError as e:
            st.error(markdown(e))
        else:
            for issue in results.issues[:MAX_ISSUES]:
                st.warning(markdown(issue))
            if len(results.issues) > MAX_ISSUES:
                st.warning(f"... and {len(results.issues) - MAX_ISSUES:,} more rows that can't be graded.")
            spec = st.session_state[PAPERS][0]
            st.metric("Class mean", f"{grades['percent'].mean():.1f} %")
            st.dataframe(grades, hide_index=True, width="stretch", key="instructor_grades",
                         column_config={"points": st.column_config.NumberColumn(format="%.2f"),
                                        "percent": st.column_config.NumberColumn(format="%.1f %%")})
            g1, g2 = st.columns(2)
            g1.download_button("Download grades (CSV)", frame_csv(grades).encode(), "grades.csv", "text/csv",
                               key="instructor_dl_grades", on_click="ignore")
            if g2.button("Save this grading to reopen later", key="instructor_save_grading"):
                made = gradings.save(spec.title, set_file(spec, [p.student for p in st.session_state[PAPERS][1]]), sheet)
                st.success(f"Saved as {markdown(made.name)}.")
            st.markdown("**Item analysis** (difficulty p: share of the point earned; discrimination: point-biserial "
                        "correlation with the rest of the test)")
            st.dataframe(analysis, hide_index=True, width="stretch", key="instructor_item_analysis",
                         column_config={"difficulty_p": st.column_config.NumberColumn("difficulty p", format="%.2f"),
                                        "discrimination": st.column_config.NumberColumn(format="%.2f")})
            weak = analysis[analysis["flag"] != ""]
            if len(weak):
                st.warning(f"{len(weak)} item(s) to review: " + "; ".join(
                    f"{markdown(r.item)} ({markdown(r.flag)})" for r in weak.itertuples()))
            st.markdown("**Options chosen** (share of the students who chose each option)")
            st.dataframe(shares, hide_index=True, width="stretch", key="instructor_option_shares",
                         column_config={"share": st.column_config.NumberColumn(format="%.2f")})
            st.dataframe(results.objectives(), hide_index=True, width="stretch", key="instructor_objectives_table")
            heat = results.misconceptions()
            st.markdown("**Misconceptions in the class** (students who showed each, per objective)")
            if heat.empty:
                st.success("No misconception shown.")
            else:
                objective_names = qc.skill_labels(spec.outline)
                heat = heat.assign(objective=[objective_names.get(o, o) for o in heat["objective"]])
                st.altair_chart(alt.Chart(heat).mark_rect().encode(
                    x=alt.X("objective:N", title="Objective", axis=alt.Axis(labelLimit=260, labelAngle=-30)),
                    y=alt.Y("misconception:N", title=None, sort="-color", axis=alt.Axis(labelLimit=420)),
                    color=alt.Color("students:Q", title="Students", scale=alt.Scale(scheme="blues"),
                                    legend=alt.Legend(format="d", tickMinStep=1)),
                    tooltip=["misconception", "objective", "students"]).properties(
                        height=40 + 28 * heat["misconception"].nunique()), width="stretch")
                st.dataframe(pd.DataFrame(heat), hide_index=True, width="stretch", key="instructor_heatmap")

# ---------------------------------------------------------------- 4. scenario pack
st.subheader("4. Classroom scenarios")
st.download_button("Scenario pack with lesson notes (zip)", pack(), "pim-sim-scenarios.zip", "application/zip",
                   key="instructor_dl_scenarios")

# ---------------------------------------------------------------- 5. every learner
st.subheader("5. Learners")
st.caption("Everyone with a profile in this server's progress store: accuracy, last activity, exam attempts, "
           "readiness per domain and the fix-the-tenant exercises handed in (best and latest points, attempts); then "
           "accuracy per topic and per objective, the exam attempts and the exercises.")
names = qc.learners()  # the store refuses it unless this session is an instructor's (Classroom mode)
if not names:
    st.info("No learner has answered yet.")
else:
    everyone = {name: qc.history(name) for name in names}
    handed_in = {name: qc.exercise_history(name) for name in names}  # fix-the-tenant grades (Posture page)
    view_outline = qc.bank().outlines[outline]
    domains = {f"{view_outline.id}:{d.id}": d.name for d in view_outline.domains if d.sections}
    table = teacher.overview(everyone, domains, handed_in)
    st.dataframe(table, hide_index=True, width="stretch", key="instructor_learners")
    topic_of = {q.id: q.topic for q in qc.bank().questions}
    topics = teacher.per_group(everyone, lambda a: topic_of.get(a.question_id, a.question_id.removeprefix("gen-")
                                                                 .rsplit("-", 1)[0]), "topic")
    objective_names = qc.skill_labels(outline)
    objectives = teacher.per_group(everyone, lambda a: objective_names.get(a.skill, a.skill), "objective")
    exams = teacher.exam_attempts(everyone)
    fixes = teacher.exercise_grades(handed_in)
    t1, t2, t3, t4 = st.tabs(["Per topic", "Per objective", "Exam attempts", "Exercises"])
    t1.dataframe(topics, hide_index=True, width="stretch", key="instructor_learner_topics")
    t2.dataframe(objectives, hide_index=True, width="stretch", key="instructor_learner_objectives")
    t3.dataframe(exams, hide_index=True, width="stretch", key="instructor_learner_exams")
    t4.dataframe(fixes, hide_index=True, width="stretch", key="instructor_learner_exercises")
    (e1, e2), (e3, e4) = st.columns(2), st.columns(2)  # two a row: four labels don't fit one row at 1024 px
    e1.download_button("Learners (CSV)", frame_csv(table).encode(), "learners.csv", "text/csv",
                       key="instructor_dl_learners", on_click="ignore")
    e2.download_button("Per topic (CSV)", frame_csv(topics).encode(), "learners-topics.csv", "text/csv",
                       key="instructor_dl_learner_topics", on_click="ignore")
    e3.download_button("Exam attempts (CSV)", frame_csv(exams).encode(), "learners-exams.csv", "text/csv",
                       key="instructor_dl_learner_exams", on_click="ignore")
    e4.download_button("Exercises (CSV)", frame_csv(fixes).encode(), "learners-exercises.csv", "text/csv",
                       key="instructor_dl_learner_exercises", on_click="ignore")
