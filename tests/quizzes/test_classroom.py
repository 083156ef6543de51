"""The instructor's kit: sets, per-student variants, the key, grading a class, the scenario pack."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from quiz_samples import samples

from quizzes.bank import Bank, load_outlines
from quizzes.classroom import (
    ClassroomError,
    SetSpec,
    answer_key,
    answer_sheet_template,
    build_set,
    grade_class,
    lesson_notes,
    papers,
    scenario_pack,
)
from quizzes.export import key_text, keyed, parse_response, response_text
from quizzes.grading import grade, key_of

OUTLINE = "SC-500-2026-05"
BANK = Bank(tuple(samples()), load_outlines())
CLASS = [f"student{n:02d}" for n in range(30)]


@pytest.fixture(scope="module")
def class_papers():
    quiz = build_set(BANK, SetSpec(OUTLINE, count=5, generated=2, seed=11))
    return papers(quiz, BANK.outlines[OUTLINE], CLASS)


def _content(question) -> tuple:
    return (question.stem, response_text(question, key_of(question)))


# ------------------------------------------------------------------------------ sets and papers
def test_a_set_is_reproducible_from_its_spec():
    spec = SetSpec(OUTLINE, count=4, generated=1, seed=3)
    a, b = build_set(BANK, spec), build_set(BANK, spec)
    assert [it.id for it in a.shared] == [it.id for it in b.shared] and a.templates == b.templates
    assert len(a.shared) == 3 and len(a.templates) == 1


def test_topics_and_objectives_filter_the_bank_part():
    quiz = build_set(BANK, SetSpec(OUTLINE, count=6, topics=("samples",), objectives=("1.1.1",)))
    assert sorted(it.id for it in quiz.shared) == sorted(q.id for q in BANK)
    with pytest.raises(ClassroomError, match="count: only 0 bank questions"):
        build_set(BANK, SetSpec(OUTLINE, count=1, objectives=("1.2.3",)))


def test_only_questions_and_templates_of_the_outline_are_used():
    other = samples()[0].model_copy(update={"id": "sample-sc300-only", "outline": ("SC-300:4.4.1",)})
    bank = Bank((*samples(), other), load_outlines())
    quiz = build_set(bank, SetSpec(OUTLINE, count=6, generated=4, seed=5))
    assert "sample-sc300-only" not in {it.id for it in quiz.shared}
    with pytest.raises(ClassroomError, match="count: only 6 bank questions"):
        build_set(bank, SetSpec(OUTLINE, count=7))
    from quizzes.generate import TEMPLATES

    assert all(any(t.startswith(OUTLINE + ":") for t in TEMPLATES[name].outline) for name in quiz.templates)


def test_a_class_of_30_gets_30_different_but_equivalent_papers(class_papers):
    assert len(class_papers) == 30
    contents = {frozenset(_content(it.question) for it in p.items) for p in class_papers}
    assert len(contents) == 30  # no two papers alike
    shared = {frozenset(it.id for it in p.items if it.seed is None) for p in class_papers}
    assert len(shared) == 1  # the bank questions are the same for everyone
    templates = {tuple(sorted(it.template for it in p.items if it.seed is not None)) for p in class_papers}
    assert len(templates) == 1  # the variants come from the same templates: the same skills
    assert {len(p.items) for p in class_papers} == {5}


def test_a_students_paper_does_not_depend_on_the_roster(class_papers):
    quiz = build_set(BANK, SetSpec(OUTLINE, count=5, generated=2, seed=11))
    alone = papers(quiz, BANK.outlines[OUTLINE], ["student07", "newcomer"])[0]
    assert [it.id for it in alone.items] == [it.id for it in class_papers[7].items]


@pytest.mark.parametrize(("spec", "problem"), [
    (SetSpec(OUTLINE, count=0), "count: a whole number from 1"),
    (SetSpec(OUTLINE, count=3, generated=4), "generated: a whole number from 0 to count"),
    (SetSpec(OUTLINE, count=3, seed=-1), "seed: a whole number"),
    (SetSpec("NOPE", count=3), "outline: no outline 'NOPE'"),
    (SetSpec(OUTLINE, count=2, generated=2, topics=("no-such-topic",)), "generated: no question template"),
])
def test_bad_specs_name_the_field(spec, problem):
    with pytest.raises(ClassroomError, match=problem):
        build_set(BANK, spec)


@pytest.mark.parametrize(("students", "problem"), [([], "at least one"), (["a", "a"], "repeated: a"), (["a", " "], "empty")])
def test_bad_rosters_are_refused(students, problem):
    quiz = build_set(BANK, SetSpec(OUTLINE, count=2))
    with pytest.raises(ClassroomError, match=f"students: .*{problem}"):
        papers(quiz, BANK.outlines[OUTLINE], students)


def test_a_set_file_rebuilds_every_paper(class_papers):
    from quizzes.classroom import read_set_file, set_file

    spec = SetSpec(OUTLINE, count=5, generated=2, seed=11)
    again_spec, roster = read_set_file(set_file(spec, CLASS).encode())
    assert again_spec == spec and roster == CLASS
    again = papers(build_set(BANK, again_spec), BANK.outlines[OUTLINE], roster)
    assert [[(it.id, key_text(it.question)) for it in p.items] for p in again] == \
        [[(it.id, key_text(it.question)) for it in p.items] for p in class_papers]


@pytest.mark.parametrize(("text", "problem"), [
    ("not json", "set file: not JSON"), ('{"count": 3}', "not a pim-sim quiz set"),
    ('{"pim_sim_quiz_set": 1, "outline": "X", "count": 3, "students": ["a"], "colour": 1}', "unknown field colour"),
    ('{"pim_sim_quiz_set": 1, "outline": "X", "count": "3", "students": ["a"]}', "count: expected int"),
    ('{"pim_sim_quiz_set": 1, "outline": "X", "count": 3, "topics": "a", "students": ["a"]}', "topics: expected a list"),
    ('{"pim_sim_quiz_set": 1, "outline": "X", "count": 3}', "students: expected a list"),
    ('{"pim_sim_quiz_set": 1, "count": 3, "students": ["a"]}', "outline"),
    ('{"pim_sim_quiz_set": 1, "outline": "X", "count": 0, "students": ["a"]}', "count: a whole number from 1"),
])
def test_a_bad_set_file_is_refused_naming_the_field(text, problem):
    from quizzes.classroom import read_set_file

    with pytest.raises(ClassroomError, match=problem):
        read_set_file(text)


# ------------------------------------------------------------------------------ key and grading
def test_the_answer_key_grades_every_paper_full(class_papers):
    key = answer_key(class_papers)
    assert len(key) == 30 * 5
    items = {(p.student, it.id): it for p in class_papers for it in p.items}
    for row in key.itertuples():
        q = items[(row.student, row.question_id)].question
        assert grade(q, parse_response(q, row.key)).score == 1.0


def _sheet(rows) -> str:
    return "student,question_id,response\n" + "\n".join(",".join(f'"{c}"' for c in r) for r in rows) + "\n"


def _wrong(paper, qid: str) -> str:
    q = paper.item(qid).question
    return next(o.id for o in q.options if o.id != q.key)


def test_grading_a_class_gives_grades_objectives_and_a_misconception_heatmap():
    quiz = build_set(BANK, SetSpec(OUTLINE, count=6, seed=1))
    ps = papers(quiz, BANK.outlines[OUTLINE], ["ana", "ben", "cleo"])
    key = answer_key(ps)
    rows = [(r.student, r.question_id, r.key) for r in key.itertuples() if r.student == "ana"]
    rows += [(r.student, r.question_id, _wrong(ps[1], r.question_id) if r.question_id == "sample-single" else r.key)
             for r in key.itertuples() if r.student == "ben"]
    rows += [("cleo", "sample-single", _wrong(ps[2], "sample-single")), ("cleo", "sample-numeric", "24")]  # rest blank
    res = grade_class(ps, _sheet(rows))
    assert res.issues == ()
    grades = res.grades().set_index("student")
    assert grades.loc["ana", "percent"] == 100.0 and grades.loc["ana", "answered"] == 6
    assert grades.loc["ben", "points"] == 5.0
    assert grades.loc["cleo", "points"] == 0.0 and grades.loc["cleo", "answered"] == 2
    heat = res.heatmap()
    assert heat.loc["thinks a = b", "SC-500-2026-05:1.1.1"] == 2  # students: ben, and cleo (twice, counted once)
    objectives = res.objectives().set_index("objective")
    assert objectives.loc["SC-500-2026-05:1.1.1", "answers"] == 18
    assert res.student_objectives().loc["ana"].tolist() == [100.0]


def test_a_wrong_number_the_question_does_not_name_adds_no_misconception_to_the_heatmap():
    quiz = build_set(BANK, SetSpec(OUTLINE, count=6, seed=1))
    ps = papers(quiz, BANK.outlines[OUTLINE], ["ana"])
    res = grade_class(ps, _sheet([("ana", "sample-numeric", "30")]))  # 30 hours: wrong, and not a listed wrong value
    assert res.grades().set_index("student").loc["ana", "points"] == 0.0
    assert res.misconceptions().empty and res.heatmap().empty


def test_rows_that_cannot_be_graded_are_reported_with_line_and_field():
    quiz = build_set(BANK, SetSpec(OUTLINE, count=6, seed=1))
    ps = papers(quiz, BANK.outlines[OUTLINE], ["ana"])
    multiple = ps[0].item("sample-multiple").question
    rows = [("zoe", "sample-single", "a"), ("ana", "no-such-question", "a"), ("ana", "sample-numeric", "eight"),
            ("ana", "sample-single", "z"), ("ana", "sample-multiple", key_text(multiple)), ("ana", "sample-multiple", "a")]
    res = grade_class(ps, _sheet(rows))
    assert [(i.line, i.field) for i in res.issues] == [(2, "student"), (3, "question_id"), (4, "response"), (5, "response"),
                                                       (7, "question_id")]
    assert "a number in hours" in str(res.issues[2]) and "choose from a, b, c" in str(res.issues[3])
    assert all("sample-" in str(i) for i in res.issues[2:4])  # the question is named
    assert res.grades().loc[0, "points"] == 1.0  # only the multiple-answer row counted


def test_a_sheet_without_the_required_columns_is_refused():
    with pytest.raises(ClassroomError, match="answers: missing column response"):
        grade_class([], "student,question_id\nana,x\n")
    with pytest.raises(ClassroomError, match="not UTF-8"):
        grade_class([], b"\xff\xfe\x00bad")


def test_a_sheet_saved_by_a_spreadsheet_with_a_bom_and_upper_case_header_is_read():
    quiz = build_set(BANK, SetSpec(OUTLINE, count=6, seed=1))
    ps = papers(quiz, BANK.outlines[OUTLINE], ["ana"])
    right = ps[0].item("sample-single").question.key
    res = grade_class(ps, f"\ufeffStudent,Question_ID,Response\r\nana,sample-single,{right}\r\n".encode())
    assert res.grades().loc[0, "points"] == 1.0


@pytest.mark.parametrize("q", samples(), ids=lambda q: q.type)
def test_a_shuffled_question_keeps_its_key_in_words(q):
    import random

    from quizzes.classroom import shuffled

    for seed in range(5):
        s = shuffled(q, random.Random(seed))
        a, b = keyed(q), keyed(s)
        assert (a.id, a.type, a.stem) == (b.id, b.type, b.stem)
        assert (sorted(a.key) == sorted(b.key)) if q.type == "yes_no" else (a.key == b.key)
        assert grade(s, key_of(s)).score == 1.0


def test_printed_papers_do_not_always_put_the_answer_at_the_same_letter(class_papers):
    keys = {p.item("sample-single").question.key for p in class_papers}
    assert len(keys) == 3  # a, b and c all occur among 30 papers


def test_papers_to_hand_out_carry_no_answers(class_papers):
    import csv

    from quizzes.classroom import papers_csv

    files = papers_csv(class_papers)
    assert sorted(files) == sorted(f"paper-{s}.csv" for s in CLASS)
    rows = list(csv.DictReader(io.StringIO(files["paper-student03.csv"])))
    assert [r["id"] for r in rows] == [it.id for it in class_papers[3].items]
    assert not {"key", "explanation", "sources"} & set(rows[0])


def test_the_answer_sheet_template_lists_every_question_of_every_paper(class_papers):
    lines = answer_sheet_template(class_papers).splitlines()
    # every text cell is quoted (pim_sim.io.csv_safe): the header reads back as the three column names
    assert next(csv.reader(lines[:1])) == ["student", "question_id", "response"] and len(lines) == 1 + 30 * 5
    assert grade_class(class_papers, "\n".join(lines)).grades()["answered"].sum() == 0


RESPONSES = {"single": st.sampled_from(["a", "b", "c"]), "multiple": st.sets(st.sampled_from("abcd"), min_size=1).map(sorted),
             "yes_no": st.fixed_dictionaries({f"s{n}": st.booleans() for n in (1, 2, 3)}),
             "ordering": st.permutations(["i1", "i2", "i3", "i4"]),
             "dropdown": st.fixed_dictionaries({"max": st.sampled_from("abc"), "window": st.sampled_from("ab")}),
             "numeric": st.sampled_from([8, 24, 1, 8.5, 3])}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.fixed_dictionaries({q.id: RESPONSES[q.type] for q in samples()}))
def test_class_grades_add_up_to_the_quiz_grades(answers):
    quiz = build_set(BANK, SetSpec(OUTLINE, count=6, seed=1))
    ps = papers(quiz, BANK.outlines[OUTLINE], ["ana"])
    by_id = {it.id: it.question for it in ps[0].items}  # the questions as printed on ana's paper
    res = grade_class(ps, _sheet([("ana", qid, response_text(by_id[qid], r)) for qid, r in answers.items()]))
    want = sum(grade(by_id[qid], r).score for qid, r in answers.items())
    assert res.grades().loc[0, "points"] == pytest.approx(want)


# ------------------------------------------------------------------------------ scenario pack
def test_the_scenario_pack_has_every_scenario_with_its_lesson_notes():
    from pim_sim.scenario.model import list_scenarios

    infos = list_scenarios()
    z = zipfile.ZipFile(io.BytesIO(scenario_pack()))
    names = set(z.namelist())
    assert "README.md" in names
    for info in infos:
        assert f"scenarios/{info.path.name}" in names
        assert yaml.safe_load(z.read(f"scenarios/{info.path.name}"))["name"] == info.name
        notes = z.read(f"notes/{info.name}.md").decode()
        assert notes.startswith(f"# {info.title}") and " ".join(info.lesson.split()[:5]) in " ".join(notes.split())
        command = notes.split("`pim-sim run ", 1)[1].split("`", 1)[0]
        assert command in names  # the notes' command names the file where the pack puts it
    from pim_sim.scenario.model import json_schema

    # the files name their schema in their first line; the pack carries it so editors can check them
    assert json.loads(z.read("scenarios/scenario.schema.json")) == json_schema()
    assert len(names) == 2 + 2 * len(infos)


def test_lesson_notes_list_what_to_observe():
    from pim_sim.scenario.model import load_scenario

    scenario = load_scenario(Path(__file__).resolve().parents[2] / "scenarios" / "jit-basics.yaml")
    notes = lesson_notes(scenario)
    assert "## What to observe" in notes and "1. Before activating, alice is eligible but holds nothing." in notes


def test_an_empty_scenario_folder_is_an_error(tmp_path):
    with pytest.raises(ClassroomError, match="scenarios: none found"):
        scenario_pack(tmp_path)
