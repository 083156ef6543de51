"""The instructor's workflow in a real browser, from papers to item analysis: build the papers,
download the set file and the key, grade a class's sheet, read the item analysis, download the
grades and reopen the saved grading; the page's numbers and files are those of `pim-sim kit`."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from test_browser import LONG, click, idle, shoot, visit

from pim_sim.io.csv_safe import frame_csv
from quizzes import kit

pytestmark = pytest.mark.browser
PIM_SIM = str(Path(sys.executable).with_name("pim-sim"))  # the installed command


def download(page: Page, key: str) -> bytes:
    with page.expect_download() as d:
        page.locator(f".st-key-{key} button").click()
    return Path(d.value.path()).read_bytes()


def sheet_from(key_csv: str) -> str:
    """A class where student01 answers all right, student02 half, student03 nothing right."""
    rows = list(csv.DictReader(io.StringIO(key_csv)))
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["student", "question_id", "response"])
    for n, r in enumerate(rows):
        right = r["student"] == "student01" or (r["student"] == "student02" and n % 2 == 0)
        if right:
            w.writerow([r["student"], r["question_id"], r["key"]])
        elif r["type"] == "single":
            w.writerow([r["student"], r["question_id"], "a" if r["key"] != "a" else "b"])
    return out.getvalue()


def test_papers_to_item_analysis_with_the_same_numbers_as_the_command_line(page: Page, app_url: str, shots, tmp_path):
    visit(page, app_url, "instructor", "Instructor's kit")
    click(page, "instructor_build")
    expect(page.get_by_test_id("stAlert").filter(has_text="3 papers")).to_be_visible(timeout=LONG)
    set_bytes = download(page, "instructor_dl_set")
    key_csv = download(page, "instructor_dl_key").decode("utf-8")
    gift = download(page, "instructor_dl_export")
    shoot(page, shots, "instructor-1-papers")

    # the same files from the command line
    (tmp_path / "set.json").write_bytes(set_bytes)
    subprocess.run([PIM_SIM, "kit", "export", str(tmp_path / "set.json"), "--format", "gift",
                    "--out", str(tmp_path / "quiz.gift.txt")], check=True, capture_output=True)
    subprocess.run([PIM_SIM, "kit", "papers", str(tmp_path / "set.json"), "--out",
                    str(tmp_path / "kit"), "--pdf"], check=True, capture_output=True)
    assert (tmp_path / "quiz.gift.txt").read_bytes() == gift
    assert (tmp_path / "kit" / "answer-key.csv").read_text(encoding="utf-8") == key_csv

    # PDF papers: one per student in the zip, the key a separate PDF, the same files the command writes
    with zipfile.ZipFile(io.BytesIO(download(page, "instructor_dl_papers_pdf"))) as z:
        pdfs = {name: z.read(name) for name in z.namelist()}
    key_pdf = download(page, "instructor_dl_key_pdf")
    assert len(pdfs) == 3 and set(pdfs) == {f.name for f in (tmp_path / "kit" / "papers").glob("*.pdf")}
    assert (tmp_path / "kit" / "answer-key.pdf").is_file()
    assert all(data.startswith(b"%PDF-") for data in (*pdfs.values(), key_pdf))

    sheet = tmp_path / "answers.csv"
    sheet.write_text(sheet_from(key_csv), encoding="utf-8")
    page.locator(".st-key-instructor_answers input[type=file]").set_input_files(str(sheet))
    idle(page)
    _, class_papers = kit.class_of(set_bytes)
    _, grades, analysis, _ = kit.graded(class_papers, sheet.read_bytes())
    expect(page.get_by_test_id("stMetric").filter(has_text="Class mean").get_by_test_id("stMetricValue")).to_have_text(
        f"{grades['percent'].mean():.1f} %", timeout=LONG)
    expect(page.get_by_text("Item analysis")).to_be_visible()
    weak = analysis[analysis["flag"] != ""]
    if len(weak):
        expect(page.get_by_test_id("stAlert").filter(has_text="to review")).to_contain_text(f"{len(weak)} item(s)")
    assert download(page, "instructor_dl_grades").decode("utf-8") == frame_csv(grades)
    cli = subprocess.run([PIM_SIM, "kit", "grade", str(tmp_path / "set.json"), str(sheet)],
                         check=True, capture_output=True, text=True).stdout
    assert f"class mean {grades['percent'].mean():.1f} %" in cli
    for row in analysis.itertuples():
        assert f"{row.difficulty_p:.3f}" in cli
    shoot(page, shots, "instructor-2-item-analysis")

    click(page, "instructor_save_grading")
    expect(page.get_by_test_id("stAlert").filter(has_text="Saved as")).to_be_visible()
    # a new session reopens it: the same grades
    visit(page, app_url, "instructor", "Instructor's kit")
    page.locator(".st-key-instructor_reopen input[role=combobox]").click()
    page.get_by_role("option").filter(has_not_text="(choose)").first.click()
    idle(page)
    expect(page.get_by_test_id("stMetric").filter(has_text="Class mean").get_by_test_id("stMetricValue")).to_have_text(
        f"{grades['percent'].mean():.1f} %", timeout=LONG)
    shoot(page, shots, "instructor-3-reopened")
