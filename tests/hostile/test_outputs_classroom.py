"""Hostile input, output side: class answer sheets, quiz-set files, answers and student names.
Each bad input is one line naming the line or field; names never become paths or markup."""

from __future__ import annotations

import io
import json
import tomllib
import zipfile
from pathlib import Path

import pytest

from quizzes.bank import load_bank
from quizzes.classroom import (
    MAX_UPLOAD_BYTES,
    ClassroomError,
    SetSpec,
    build_set,
    grade_class,
    paper_file_name,
    papers,
    papers_csv,
    read_set_file,
)
from quizzes.grading import ResponseError, grade

ROOT = Path(__file__).resolve().parents[2]
BASE = {"pim_sim_quiz_set": 1, "outline": "SC-300", "count": 2, "seed": 1, "students": ["amy", "bob"]}


@pytest.fixture(scope="module")
def class_papers():
    bank = load_bank()
    return papers(build_set(bank, SetSpec("SC-300", 2, seed=1)), bank.outlines["SC-300"], ["amy", "bob"])


SET_FILES = {
    "nested 100,000 deep": ("[" * 100_000, "set file: lists or objects nested too deeply"),
    "object nested 5,000 deep": ('{"a":' * 5_000, "set file: lists or objects nested too deeply"),
    "over the upload limit": (" " * (MAX_UPLOAD_BYTES + 1), "set file: larger than"),
    "an integer of 5,000 digits": ('{"seed": ' + "9" * 5000 + "}", "set file: not JSON (Exceeds the limit"),
    "not JSON": ("{nope", "set file: not JSON"),
    "not UTF-8": (b"\xff\xfe\x00{", "set file: not JSON"),
    "top level 42": ("42", "set file: not a pim-sim quiz set"),
    "top level null": ("null", "set file: not a pim-sim quiz set"),
    "top level text": ('"quiz-set.json"', "set file: not a pim-sim quiz set"),
    "unknown field": (json.dumps({**BASE, "evil": 1}), "set file: unknown field evil"),
    "count infinite": (json.dumps({**BASE, "count": 1e308 * 10}), "set file: count: expected int"),
    "count true": (json.dumps({**BASE, "count": True}), "set file: count: expected int"),
    "seed negative": (json.dumps({**BASE, "seed": -1}), "set file: seed: a whole number from 0"),
    "seed 2**64": (json.dumps({**BASE, "seed": 2**64}), "set file: seed: a whole number from 0"),
    "title 10,000 characters": (json.dumps({**BASE, "title": "t" * 10_000}), "set file: title: at most 200"),
    "topics nested": (json.dumps({**BASE, "topics": [[["x"]]]}), "set file: topics: expected a list of names"),
    "students not a list": (json.dumps({**BASE, "students": "amy"}), "set file: students: expected a list"),
    "no students": (json.dumps({**BASE, "students": []}), "students: list at least one student"),
    "501 students": (json.dumps({**BASE, "students": [f"s{n}" for n in range(501)]}), "students: at most 500"),
    "name with escape codes": (json.dumps({**BASE, "students": ["a\x1b[2Jb"]}), "students: name 1"),
    "name on two lines": (json.dumps({**BASE, "students": ["amy\nbob"]}), "holds control characters"),
    "name with a bidi override": (json.dumps({**BASE, "students": ["amy\u202e"]}), "holds control characters"),
    "name 1,000 characters": (json.dumps({**BASE, "students": ["n" * 1000]}), "students: name 1 has 1,000 characters"),
    "names repeated": (json.dumps({**BASE, "students": ["amy", "amy"]}), "students: names must be unique"),
}


@pytest.mark.parametrize("case", sorted(SET_FILES))
def test_a_hostile_quiz_set_file_is_one_line(case):
    data, says = SET_FILES[case]
    with pytest.raises(ClassroomError) as info:
        read_set_file(data)
    assert says in str(info.value) and "\n" not in str(info.value) and len(str(info.value)) < 400


SHEETS = {
    "a cell over the CSV field limit": ("student,question_id,response\namy,q," + "x" * 200_000 + "\n",
                                        "answers: line"),
    "an unterminated quote over the limit": ('student,question_id,response\n"' + "y" * 200_000, "answers: line"),
    "no header": ("", "answers: missing column student, question_id, response"),
    "another header": ("name,answer\nx,y\n", "answers: missing column"),
    "a header 10,000 columns wide": (",".join(f"c{n}" for n in range(10_000)) + "\n", "(found c0,c1,"),
    "Latin-1 bytes": ("student,question_id,response\nJosé,q,a\n".encode("latin-1"), "answers: not UTF-8"),
    "over the upload limit": (b"x" * (MAX_UPLOAD_BYTES + 1), "answers: the file is"),
}


@pytest.mark.parametrize("case", sorted(SHEETS))
def test_a_hostile_answer_sheet_is_one_line(class_papers, case):
    data, says = SHEETS[case]
    with pytest.raises(ClassroomError) as info:
        grade_class(class_papers, data)
    assert says in str(info.value) and "\n" not in str(info.value) and len(str(info.value)) < 400


def test_sixty_thousand_bad_rows_are_issues_not_a_crash(class_papers):
    sheet = "student,question_id,response\n" + "ghost,q,a\n" * 60_000
    results = grade_class(class_papers, sheet)
    assert len(results.issues) == 60_000 and str(results.issues[0]) == "line 2, student: 'ghost' has no paper in this set"


def test_a_nul_and_a_bom_in_a_sheet_are_read(class_papers):
    qid = class_papers[0].items[0].id
    results = grade_class(class_papers, f"\ufeffstudent,question_id,response\namy,{qid},a\x00\n".encode())
    assert len(results.answers) == sum(len(p.items) for p in class_papers)  # read, graded or reported
    assert all(str(i).startswith("line 2, response:") for i in results.issues)


NAMES = {
    "../../x.csv": "paper-x.csv.csv",
    "..\\..\\windows\\system32": "paper-windows_system32.csv",
    "/etc/passwd": "paper-etc_passwd.csv",
    "C:\\boot.ini": "paper-C_boot.ini.csv",
    "amy/../../bob": "paper-amy_._._bob.csv",
    "": "paper-student.csv",
    "...": "paper-student.csv",
    "Zoë Ågren": "paper-Zoë_Ågren.csv",
    "a\x00b": "paper-a_b.csv",
    "x" * 300: f"paper-{'x' * 60}.csv",
}


@pytest.mark.parametrize("name", sorted(NAMES))
def test_a_paper_file_name_stays_in_the_archive_folder(name):
    got = paper_file_name(name)
    assert "/" not in got and "\\" not in got and ".." not in got and got.startswith("paper-")
    assert got == NAMES[name]


def test_papers_zip_names_are_safe_and_distinct_for_names_that_clash():
    bank = load_bank()
    roster = ["../../x", "..\\x", "x", "/x"]
    class_papers = papers(build_set(bank, SetSpec("SC-300", 1, seed=2)), bank.outlines["SC-300"], roster)
    files = papers_csv(class_papers)
    assert sorted(files) == ["paper-x-2.csv", "paper-x-3.csv", "paper-x-4.csv", "paper-x.csv"]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for n, text in files.items():
            z.writestr(n, text)
    with zipfile.ZipFile(buf) as z:
        assert all(not Path(n).is_absolute() and ".." not in Path(n).parts for n in z.namelist())


@pytest.fixture(scope="module")
def numeric():
    return next(q for q in load_bank() if q.type == "numeric")


@pytest.mark.parametrize(("response", "says"), [
    (10**400, "is too large a number for a numeric question"),
    (-(10**400), "is too large a number for a numeric question"),
    (10**5000, "an integer of more than 4,300 digits is too large"),
    (float("inf"), "a finite number"),
    ("-inf", "a finite number"),
    (float("nan"), "not a number"),
    ("1e999", "a finite number"),
    ("x" * 100_000, "a numeric question takes a number"),
    (True, "a numeric question takes a number"),
    ([1], "a numeric question takes a number"),
], ids=["1e400", "-1e400", "1e5000", "inf", "-inf text", "nan", "1e999 text", "long text", "True", "a list"])
def test_a_hostile_numeric_answer_is_one_line(numeric, response, says):
    with pytest.raises(ResponseError) as info:
        grade(numeric, response)
    assert says in str(info.value) and len(str(info.value)) < 200


def test_the_upload_limit_is_stated_once_and_the_server_agrees():
    from ui import uploads

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] == uploads.MAX_UPLOAD_MB
    assert MAX_UPLOAD_BYTES == uploads.MAX_UPLOAD_BYTES == uploads.MAX_UPLOAD_MB * 1024 * 1024
    assert uploads.too_large(uploads.MAX_UPLOAD_BYTES) is None
    assert uploads.too_large(uploads.MAX_UPLOAD_BYTES + 1, "answers.csv") == \
        f"answers.csv is 2.0 MB; uploads are limited to {uploads.MAX_UPLOAD_MB} MB."


def test_every_upload_widget_uses_the_one_limit():
    """No page calls st.file_uploader itself: each goes through ui.uploads.uploader."""
    direct = [str(p.relative_to(ROOT)) for p in (ROOT / "ui").glob("*.py")
              if p.name != "uploads.py" and "file_uploader(" in p.read_text(encoding="utf-8")]
    assert direct == [] and "file_uploader(" not in (ROOT / "app.py").read_text(encoding="utf-8")
    used = [p.name for p in (ROOT / "ui").glob("*.py") if "uploads.uploader(" in p.read_text(encoding="utf-8")]
    assert {"instructor.py", "posture.py", "scenario_lab.py"} <= set(used)


MARKDOWN = {
    "**bold**": r"\*\*bold\*\*",
    "[click](http://evil.example)": r"\[click\]\(http\://evil.example\)",
    ":red[alarm] :smile:": r"\:red\[alarm\] \:smile:",
    "$x^2$": r"\$x^2\$",
    "<script>alert(1)</script>": r"\<script\>alert\(1\)\</script\>",
    "# heading": r"\# heading",
    "1. item": r"1\. item",
    "- item": r"\- item",
    "> quote": r"\> quote",
    "_emph_ snake_case": r"\_emph\_ snake_case",
    "two\nlines\r\u2028here": "two lines here",
    "`code`": r"\`code\`",
    "ann": "ann",
    "names must be unique; repeated: amy": "names must be unique; repeated: amy",
}


@pytest.mark.parametrize("text", sorted(MARKDOWN))
def test_user_text_in_page_markdown_is_escaped(text):
    from ui.escape import markdown

    assert markdown(text) == MARKDOWN[text]
