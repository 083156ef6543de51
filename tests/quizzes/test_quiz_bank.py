"""The question bank loads, validates and covers the outline; bad banks fail with clear errors."""

from __future__ import annotations

import textwrap
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from pim_sim import facts
from quizzes.bank import OUTLINE_DIR, BankError, load_bank, load_outlines
from quizzes.schema import QUESTION_TYPES, DocumentCheck, MultipleQuestion, ProbeCheck, SingleQuestion, render

LEARN = "https://learn.microsoft.com/"


@pytest.fixture(scope="module")
def bank():
    return load_bank()


# --- the real bank --------------------------------------------------------------------------------
def test_the_bank_has_at_least_150_questions_of_all_six_types(bank):
    assert len(bank) >= 150
    assert set(Counter(q.type for q in bank)) == set(QUESTION_TYPES)


def test_the_bank_covers_the_required_breadth(bank):
    assert {"eligible-active", "activation", "approval", "extend-renew", "assignments", "audit", "scopes",
            "who-manages", "licensing", "notifications", "graph", "reviews", "alerts", "good-practice"} <= set(bank.topics)
    for topic in bank.topics:
        assert len(bank.by_topic(topic)) >= 5, topic


def test_at_least_80_percent_are_probe_verified_and_the_rest_cite_a_learn_page(bank):
    probed = [q for q in bank if isinstance(q.verify, ProbeCheck)]
    assert len(probed) / len(bank) >= 0.8
    for q in bank:
        if isinstance(q.verify, DocumentCheck):
            assert str(q.verify.document).startswith(LEARN), q.id


def test_every_question_cites_microsoft_learn_and_was_verified_recently(bank):
    for q in bank:
        assert any(str(s).startswith(LEARN) for s in q.sources), q.id
        assert date(2026, 1, 1) <= q.last_verified <= date.today(), q.id


def test_every_wrong_answer_names_its_misconception(bank):
    for q in bank:
        if isinstance(q, SingleQuestion | MultipleQuestion):
            right = {q.key} if isinstance(q, SingleQuestion) else set(q.key)
            assert all(o.misconception for o in q.options if o.id not in right), q.id
        elif q.type == "yes_no":
            assert all(s.misconception for s in q.statements), q.id
        elif q.type == "dropdown":
            assert all(c.misconception for b in q.blanks for c in b.choices if c.id != b.key), q.id
        elif q.type == "numeric":
            assert all(w.misconception for w in q.wrong_values), q.id


def test_option_tokens_are_unique_so_an_observation_names_one_option(bank):
    for q in bank:
        groups = [q.options] if hasattr(q, "options") else [b.choices for b in getattr(q, "blanks", ())]
        for options in groups:
            tokens = [str(o.token).casefold() for o in options]
            assert len(tokens) == len(set(tokens)), q.id


def test_the_seed_question_teaches_both_the_exam_answer_and_the_model(bank):
    q = bank.get("au-where-it-lives")
    assert q.probe_verified and "separate" in q.exam_note and "Entra audit log" in q.exam_note


def test_outlines_are_data_with_the_az500_retirement(bank):
    outlines = bank.outlines
    assert set(outlines) == {"AZ-500-2026-01", "AZ-500-2023", "SC-300", "SC-500-2026-05"}
    az = outlines["AZ-500-2026-01"]
    assert az.outline_date == date(2026, 1, 22) and az.retired == date(2026, 8, 31)
    assert az.domains[0].weight == (15, 20) and az.domains[0].weight_midpoint == 17.5
    assert "Privileged Identity Management" in az.bullet("1.1.3").text
    for outline_id in outlines:
        assert bank.tagged(outline_id), outline_id


def test_access_reviews_are_tagged_with_the_older_outline_not_the_2026_one(bank):
    for q in bank.by_topic("reviews"):
        assert not any(t.startswith("AZ-500-2026-01:") for t in q.outline), q.id
        assert any(t.startswith(("AZ-500-2023:", "SC-300:")) for t in q.outline), q.id


def test_question_text_reads_constants_from_facts(bank, monkeypatch):
    assert "5 minutes" in bank.get("as-gs-four-minutes").explanation
    monkeypatch.setattr(facts, "MIN_ASSIGNMENT_MINUTES", facts.Fact(7.0, "https://example.invalid"))
    assert "7 minutes" in load_bank(check_probes=False).get("as-gs-four-minutes").explanation


def test_render_fills_units_parts_and_rejects_unknown_facts():
    assert render("{{APPROVAL_WINDOW_MINUTES|hours}} h") == f"{facts.APPROVAL_WINDOW_MINUTES.value / 60:g} h"
    assert render("{{ENTRA_AUDIT_RETENTION_MINUTES.Free|days}}") == "7"
    assert render("{{ACTIVATION_MAX_RANGE_MINUTES|hours}}") == "1 to 24"
    with pytest.raises(ValueError, match="NOT_A_FACT is not a fact"):
        render("{{NOT_A_FACT}}")
    with pytest.raises(ValueError, match="malformed placeholder"):
        render("{{ lower_case }}")


def test_placeholders_never_read_undocumented_facts():
    for path in (Path(__file__).resolve().parents[2] / "quizzes" / "bank").glob("*.yaml"):
        for name in __import__("re").findall(r"\{\{\s*([A-Z0-9_]+)", path.read_text()):
            assert getattr(facts, name).documented, f"{path.name} reads {name}, which is documented=False"


# --- validation of bad banks ---------------------------------------------------------------------
GOOD = """
- id: t-one
  type: single
  stem: Which answer is the right one here?
  options:
    - {id: a, text: Right}
    - {id: b, text: Wrong, explanation: Because., misconception: thinks wrong is right}
  key: a
  explanation: The first option is right.
  sources: ["https://learn.microsoft.com/en-us/entra/id-governance/privileged-identity-management/pim-configure"]
  outline: ["SC-300:4.4.1"]
  difficulty: 1
  last_verified: 2026-11-29
  verify: {probe: eligible_vs_active, observe: eligible_grants_access}
"""


def bank_dir(tmp_path: Path, questions: str, name: str = "t.yaml", header: str = "") -> Path:
    d = tmp_path / "bank"
    d.mkdir(exist_ok=True)
    body = textwrap.indent(textwrap.dedent(questions).strip("\n"), "  ")
    (d / name).write_text(f"topic: test\ntitle: Test topic\n{header}questions:\n{body}\n")
    return d


def load(tmp_path: Path, questions: str, **kw):
    return load_bank(bank_dir(tmp_path, questions, **kw), OUTLINE_DIR)


def test_a_valid_file_loads(tmp_path):
    b = load(tmp_path, GOOD)
    assert [q.id for q in b] == ["t-one"] and b.get("t-one").topic == "test"


@pytest.mark.parametrize(("change", "message"), [
    (("  key: a\n", "  key: a\n  colour: blue\n"), r"\(question t-one\): questions\.0\.colour: Extra inputs"),
    (("  key: a\n", ""), r"questions\.0\.key: Field required"),
    (("  key: a\n", "  key: z\n"), r"key 'z' names no option"),
    (('"SC-300:4.4.1"', '"SC-300:9.9.9"'), r"outline tag 'SC-300:9.9.9' names no bullet of SC-300"),
    (('"SC-300:4.4.1"', '"AZ-104:1.1"'), r"outline tag 'AZ-104:1.1' names no outline"),
    (("probe: eligible_vs_active", "probe: no_such_probe"), r"verify.probe 'no_such_probe' is not a registered probe"),
    ((", misconception: thinks wrong is right", ""), r"option 'b' is wrong, so it needs an explanation and a misconception"),
    (("Which answer", "Which {{NO_SUCH_FACT}} answer"), r"NO_SUCH_FACT is not a fact"),
    (("difficulty: 1", "difficulty: 5"), r"questions\.0\.difficulty"),
    ((", observe: eligible_grants_access", ""), r"verify.observe: name the probe's observation"),
])
def test_bad_questions_are_refused_with_the_field_named(tmp_path, change, message):
    old, new = change
    assert old in GOOD
    with pytest.raises(BankError, match=message):
        load(tmp_path, GOOD.replace(old, new))


def test_duplicate_ids_across_files_are_refused(tmp_path):
    bank_dir(tmp_path, GOOD, name="a.yaml")
    d = bank_dir(tmp_path, GOOD, name="b.yaml")
    with pytest.raises(BankError, match="duplicate question id t-one"):
        load_bank(d, OUTLINE_DIR)


def test_files_are_read_safely(tmp_path):
    d = tmp_path / "bank"
    d.mkdir()
    (d / "evil.yaml").write_text("topic: !!python/object/apply:os.system ['true']\n")
    with pytest.raises(BankError, match="not valid YAML"):
        load_bank(d, OUTLINE_DIR)
    (d / "evil.yaml").write_text("- just\n- a list\n")
    with pytest.raises(BankError, match="expected a mapping"):
        load_bank(d, OUTLINE_DIR)


def test_file_defaults_fill_questions_but_only_allowed_fields(tmp_path):
    trimmed = GOOD.replace("  last_verified: 2026-11-29\n", "")
    assert load(tmp_path, trimmed, header="defaults: {last_verified: 2026-11-01}\n").get("t-one").last_verified == \
        date(2026, 11, 1)
    with pytest.raises(BankError, match="defaults may set only"):
        load(tmp_path, GOOD, header="defaults: {key: b}\n")


def test_a_broken_outline_is_refused(tmp_path):
    d = tmp_path / "outlines"
    d.mkdir()
    (d / "x.yaml").write_text("id: X-1\nexam: X\ntitle: X\noutline_date: 2026-01-01\nsource: https://x.test\n"
                              "domains: [{id: '1', name: D, weight: [1, 2], sections: [{id: '1.1', name: S, "
                              "bullets: [{id: '1.1.1', text: Bullet, extra: 1}]}]}]\n")
    with pytest.raises(BankError, match=r"x.yaml: domains\.0\.sections\.0\.bullets\.0\.extra"):
        load_outlines(d)


# --- schema invariants ------------------------------------------------------------------------------
BASE = {"stem": "A question stem long enough.", "explanation": "An explanation long enough.",
        "sources": ["https://learn.microsoft.com/x"], "outline": ["SC-300:4.4.1"], "difficulty": 2,
        "last_verified": "2026-11-29", "verify": {"document": "https://learn.microsoft.com/x"}}
ids = st.lists(st.sampled_from("abcdefgh"), min_size=3, max_size=6, unique=True)


@settings(deadline=None, max_examples=60)
@given(ids, st.lists(st.sampled_from("abcdefghxyz"), min_size=1, max_size=4, unique=True))
def test_multiple_keys_must_name_options(option_ids, key):
    options = [{"id": i, "text": f"option {i}", "explanation": "why", "misconception": "what"} for i in option_ids]
    raw = {**BASE, "id": "h-multi", "type": "multiple", "options": options, "key": key}
    if set(key) <= set(option_ids):
        assert set(MultipleQuestion.model_validate(raw).key) == set(key)
    else:
        with pytest.raises(ValidationError, match="key names no option"):
            MultipleQuestion.model_validate(raw)


@settings(deadline=None, max_examples=60)
@given(ids, st.sampled_from("abcdefghxyz"))
def test_single_key_must_name_an_option(option_ids, key):
    options = [{"id": i, "text": f"option {i}", "explanation": "why", "misconception": "what"} for i in option_ids]
    raw = {**BASE, "id": "h-single", "type": "single", "options": options, "key": key}
    if key in option_ids:
        assert SingleQuestion.model_validate(raw).key == key
    else:
        with pytest.raises(ValidationError, match="names no option"):
            SingleQuestion.model_validate(raw)


def test_questions_are_immutable(bank):
    q = bank.questions[0]
    with pytest.raises(ValidationError):
        q.stem = "changed stem text"
