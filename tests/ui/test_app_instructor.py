"""The Instructor's kit page: papers for a class, the key, exports, grading an uploaded answer
sheet with a misconception heatmap, and the scenario pack."""

from __future__ import annotations

from quiz_app import open_page, quiz_store, store_location, texts  # noqa: F401 - quiz_store: a fixture

PAGE = "ui/instructor.py"


def frame(at, column: str):
    """The first table on the page with this column."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def build(at, students=("amy", "bo", "cy"), count=4, generated=1):
    at.text_area(key="instructor_roster").set_value("\n".join(students)).run()
    at.number_input(key="instructor_count").set_value(count).run()
    at.number_input(key="instructor_generated").set_value(generated).run()
    at.button(key="instructor_build").click().run()
    assert not at.exception


def test_building_papers_shows_the_key_and_the_downloads():
    at = open_page(PAGE, learner=None)
    build(at)
    _, papers = at.session_state["instructor_papers"]
    assert [p.student for p in papers] == ["amy", "bo", "cy"]
    key = frame(at, "key")
    assert len(key) == 3 * 4 and set(key["student"]) == {"amy", "bo", "cy"}
    labels = {b.label for b in at.get("download_button")}
    assert {"Answer key (CSV)", "Answer sheet for the class (CSV)", "Every paper, without answers (zip of CSV)",
            "Download Moodle GIFT", "Scenario pack with lesson notes (zip)"} <= labels
    at.selectbox(key="instructor_format").set_value("QTI 2.1 (zip)").run()
    assert "Download QTI 2.1 (zip)" in {b.label for b in at.get("download_button")}


def test_bad_input_is_reported_naming_the_field():
    at = open_page(PAGE, learner=None)
    build(at, students=("amy", "amy"))
    assert "students: names must be unique; repeated: amy" in at.error[0].value
    build(at, count=2, generated=3)
    assert "generated: a whole number from 0 to count" in at.error[0].value


def test_an_uploaded_answer_sheet_is_graded_with_a_heatmap():
    at = open_page(PAGE, learner=None)
    build(at, generated=0)
    key = frame(at, "key")
    _, papers = at.session_state["instructor_papers"]
    rows = ["student,question_id,response"]
    for r in key.itertuples():
        if r.student == "amy":
            rows.append(f"{r.student},{r.question_id},{r.key}")
    bo = papers[1].items[0].question
    wrong = next(o.id for o in bo.options if o.id != bo.key) if bo.type == "single" else None
    if wrong:
        rows.append(f"bo,{bo.id},{wrong}")
    rows.append("nobody,x,a")
    at.file_uploader(key="instructor_answers").set_value(("answers.csv", "\n".join(rows).encode(), "text/csv")).run()
    assert not at.exception
    assert "'nobody' has no paper in this set" in texts(at)
    grades = frame(at, "percent").set_index("student")
    assert grades.loc["amy", "percent"] == 100.0 and grades.loc["cy", "points"] == 0.0
    if wrong:
        heat = frame(at, "misconception")
        assert heat["students"].sum() >= 1


def test_a_sheet_with_the_wrong_columns_is_refused():
    at = open_page(PAGE, learner=None)
    build(at, generated=0)
    at.file_uploader(key="instructor_answers").set_value(("a.csv", b"name,answer\nx,y\n", "text/csv")).run()
    assert "answers: missing column student, question_id, response" in at.error[0].value


def test_a_set_file_rebuilds_the_papers_in_a_new_session_for_grading():
    from quizzes.classroom import SetSpec, set_file

    spec = SetSpec("SC-500-2026-05", count=3, seed=9)
    at = open_page(PAGE, learner=None)  # a fresh session: nothing built here
    at.file_uploader(key="instructor_set_file").set_value(("quiz-set.json", set_file(spec, ["amy", "bo"]).encode(),
                                                           "application/json")).run()
    _, papers = at.session_state["instructor_papers"]
    rows = ["student,question_id,response"] + [f"amy,{it.id},{export_key(it.question)}" for it in papers[0].items]
    at.file_uploader(key="instructor_answers").set_value(("answers.csv", "\n".join(rows).encode(), "text/csv")).run()
    assert not at.exception
    grades = frame(at, "percent").set_index("student")
    assert grades.loc["amy", "percent"] == 100.0 and grades.loc["bo", "answered"] == 0


def export_key(question) -> str:
    from quizzes.export import key_text

    return key_text(question)
