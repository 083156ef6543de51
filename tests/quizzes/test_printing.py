"""Print-ready HTML papers: one per student, no answers and no internal ids; the key separate."""

from __future__ import annotations

import re
from html import escape

from quiz_samples import samples

from quizzes.bank import Bank, load_outlines
from quizzes.classroom import SetSpec, build_set, papers
from quizzes.export import key_in_words
from quizzes.printing import key_html, papers_html

OUTLINE = "SC-500-2026-05"
BANK = Bank(tuple(samples()), load_outlines())


def test_one_paper_per_student_without_ids_or_answers_and_a_separate_key():
    students = ["ana", "ben", "<script>alert(1)</script>"]
    ps = papers(build_set(BANK, SetSpec(OUTLINE, count=6, seed=2)), BANK.outlines[OUTLINE], students)
    made = papers_html("Week <1>", ps)
    assert len(made) == 3 and all(name.endswith(".html") for name in made)
    for html_text, paper in zip(made.values(), ps, strict=True):
        for it in paper.items:
            assert it.id not in html_text  # no internal question ids
        assert "<script>alert" not in html_text and "Week &lt;1&gt;" in html_text
        assert len(re.findall(r'<div class="q">', html_text)) == len(paper.items)
    key = key_html("Week 1", ps)
    for paper in ps:
        for it in paper.items:
            assert escape(key_in_words(it.question)) in key
