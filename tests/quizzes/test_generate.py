"""Generated questions: seeded, varied, valid, keyed by the simulation (change the model and the
keys follow), with a named misconception behind every wrong option."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from pim_sim import facts
from quizzes.bank import load_outlines
from quizzes.generate import TEMPLATES, generate, generate_set, regenerate
from quizzes.grading import grade, key_of
from quizzes.schema import ID_PATTERN, QUESTION_TYPES

SEEDS = range(4)
NAMES = sorted(TEMPLATES)


def _dump(g):
    return g.question.model_dump(mode="json"), g.evidence


def _wrong_responses(q):
    """Each single wrong part as a response, with the key for the rest."""
    key = key_of(q)
    if q.type == "single":
        return [o.id for o in q.options if o.id != key]
    if q.type == "multiple":
        return [[*key[1:], o.id] for o in q.options if o.id not in key] + [[k for k in key if k != drop] for drop in key]
    if q.type == "yes_no":
        return [{**key, s.id: not key[s.id]} for s in q.statements]
    if q.type == "dropdown":
        return [{**key, b.id: c.id} for b in q.blanks for c in b.choices if c.id != b.key]
    if q.type == "ordering":
        return [list(reversed(key))]
    return [w.value for w in q.wrong_values]


def test_there_are_at_least_twenty_templates_covering_all_six_types():
    assert len(TEMPLATES) >= 20
    types = {generate(name, 0).question.type for name in NAMES}
    assert types == set(QUESTION_TYPES)


@pytest.mark.parametrize("name", NAMES)
def test_each_template_makes_valid_keyed_questions_with_evidence(name):
    outlines = load_outlines()
    for seed in SEEDS:
        g = generate(name, seed)
        q = g.question
        assert re.match(ID_PATTERN, q.id) and q.id == f"gen-{name}-{seed}"
        assert g.template == name and g.seed == seed and g.evidence, "the key must come with the records behind it"
        assert grade(q, key_of(q)).score == 1.0
        for wrong in _wrong_responses(q):
            result = grade(q, wrong)
            assert result.score < 1.0
            assert result.slips and all(s.misconception for s in result.slips)
        for tag in q.outline:
            outline_id, bullet = tag.split(":", 1)
            assert bullet in outlines[outline_id].bullet_ids(), tag
        assert all(str(s).startswith("https://") for s in q.sources)


@pytest.mark.parametrize("name", NAMES)
def test_same_seed_same_question_other_seeds_fresh_variants(name):
    assert _dump(generate(name, 11)) == _dump(generate(name, 11))
    variants = {(g.question.stem, str(key_of(g.question))) for g in (generate(name, s) for s in range(8))}
    assert len(variants) >= 2, f"{name} makes the same question for every seed"


def test_generated_ids_differ_across_templates_and_seeds():
    ids = [generate(name, seed).id for name in NAMES for seed in SEEDS]
    assert len(ids) == len(set(ids))


def test_generate_refuses_unknown_templates_and_bad_seeds():
    with pytest.raises(KeyError, match="activation-end"):
        generate("no-such-template", 1)
    with pytest.raises(ValueError, match="seed"):
        generate("activation-end", -1)


def test_a_generated_set_is_reproducible_filtered_and_varied():
    a = generate_set(7, 30)
    assert [_dump(g) for g in a] == [_dump(g) for g in generate_set(7, 30)]
    assert len(a) == 30 and {g.template for g in a} == set(TEMPLATES)
    audit = generate_set(7, 6, topics=["audit"])
    assert {g.template for g in audit} <= {n for n, t in TEMPLATES.items() if t.topic == "audit"}
    with pytest.raises(ValueError, match="no template"):
        generate_set(7, 3, topics=["nothing"])


# ------------------------------------------------------------------ the keys follow the model
def _patch(monkeypatch, name: str, value) -> None:
    monkeypatch.setattr(facts, name, replace(getattr(facts, name), value=value))


def _key_option_text(q) -> str:
    return next(o.text for o in q.options if o.id == q.key)


def test_approval_expiry_key_follows_the_models_approval_window(monkeypatch):
    def expiry(g) -> str:
        line = next(e for e in g.evidence if "PIM activation request expired" in e)
        return re.search(r"audit #\d+ (.+? UTC):", line).group(1)

    before = generate("approval-expiry", 4)
    assert _key_option_text(before.question) == expiry(before)
    _patch(monkeypatch, "APPROVAL_WINDOW_MINUTES", 12 * facts.HOUR)
    after = generate("approval-expiry", 4)
    assert _key_option_text(after.question) == expiry(after) != expiry(before)


@pytest.mark.parametrize(("template", "fact", "value", "pattern", "rule"), [
    ("deactivate-window", "NO_DEACTIVATE_WITHIN_MINUTES", 12.0, r"That is (\d+) minutes", lambda k: k >= 12),
    ("remove-within-5-minutes", "NO_REMOVE_WITHIN_MINUTES", 12.0, r"(\d+) minutes after", lambda k: k >= 12),
    ("renew-window", "RENEW_WINDOW_MINUTES", 90 * facts.DAY, r"^(\d+) days? after", lambda k: k <= 90),
])
def test_yes_no_keys_follow_a_changed_rule(monkeypatch, template, fact, value, pattern, rule):
    _patch(monkeypatch, fact, value)
    for seed in range(6):
        q = generate(template, seed).question
        for s in q.statements:
            k = int(re.search(pattern, s.explanation if "minutes" in pattern else s.text).group(1))
            assert s.key is rule(k), (seed, s.text)


def test_extend_keys_follow_a_changed_window(monkeypatch):
    _patch(monkeypatch, "EXTEND_WINDOW_MINUTES", 30 * facts.DAY)
    for seed in range(6):
        q = generate("extend-window", seed).question
        for s in q.statements:
            left = int(re.search(r"ends in (\d+) days", s.explanation).group(1))
            assert s.key is (left <= 30)


def test_activation_range_keys_follow_the_documented_range(monkeypatch):
    _patch(monkeypatch, "ACTIVATION_MAX_RANGE_MINUTES", (0.5 * facts.HOUR, 24 * facts.HOUR))
    for seed in range(6):
        for s in generate("activation-maximum-range", seed).question.statements:
            hours = float(re.search(r"to ([\d.]+) hours", s.text).group(1))
            assert s.key is (0.5 <= hours <= 24)


def test_a_generated_question_is_rebuilt_from_its_id():
    g = generate("who-may-approve", 12)
    assert _dump(regenerate(g.id)) == _dump(g)
    for other in ("eligible-vs-active-1", "gen-no-such-template-3", "gen-activation-end-x"):
        assert regenerate(other) is None


@pytest.mark.parametrize(("template", "fact", "value", "before", "after"), [
    ("approval-expiry", "APPROVAL_WINDOW_MINUTES", 12 * facts.HOUR, "24 hours", "12 hours"),
    ("extend-window", "EXTEND_WINDOW_MINUTES", 30 * facts.DAY, "14 days", "30 days"),
    ("renew-window", "RENEW_WINDOW_MINUTES", 90 * facts.DAY, "up to 30 days", "up to 90 days"),
    ("deactivate-window", "NO_DEACTIVATE_WITHIN_MINUTES", 12.0, "within 5 minutes", "within 12 minutes"),
    ("activation-maximum-range", "ACTIVATION_MAX_RANGE_MINUTES", (0.5 * facts.HOUR, 24 * facts.HOUR),
     "1 to 24 hours", "0.5 to 24 hours"),
])
def test_template_prose_reads_its_durations_from_the_facts(monkeypatch, template, fact, value, before, after):
    """The durations a template writes come from pim_sim.facts: change the fact and the words change too."""
    def words(q) -> str:
        return " ".join([q.stem, q.explanation, *(s.explanation for s in getattr(q, "statements", ()))])

    assert before in words(generate(template, 3).question)
    _patch(monkeypatch, fact, value)
    text = words(generate(template, 3).question)
    assert after in text and before not in text


def test_activation_end_says_when_it_assumes_the_clock_starts():
    """Learn doesn't say whether an approved activation counts from the request or the approval: the
    approval variants state the model's assumption, carry an exam note, and offer no option that would
    be right under the other reading."""
    from datetime import datetime, timedelta

    seen = 0
    for seed in range(40):
        g = generate("activation-end", seed)
        q = g.question
        if "requires approval" not in q.stem:
            assert not q.exam_note
            continue
        seen += 1
        assert "counts from the approval" in q.stem and "Undocumented" in q.exam_note
        asked = float(re.search(r"activates it for ([\d.]+) hour", q.stem).group(1))
        requested = re.search(r"at (\w{3} \d\d \w{3} \d\d:\d\d UTC), activates", q.stem).group(1)
        t = datetime.strptime(requested + " 2026", "%a %d %b %H:%M UTC %Y") + timedelta(hours=asked)
        assert all(o.text != t.strftime("%a %d %b %H:%M UTC") for o in q.options), (seed, "request-based end offered")
    assert seen >= 5


def test_audit_service_for_event_varies_and_keys_each_record_by_its_own_service_and_initiator():
    """Each blank's key is the service and initiator of the very record the stem names (the
    records are found by what happened, not by their words), and the asked records vary."""
    asked = set()
    for seed in range(30):
        g = generate("audit-service-for-event", seed)
        q = g.question
        key = {b.id: next(c.text for c in b.choices if c.id == b.key) for b in q.blanks}
        for n, (activity, at) in enumerate(re.findall(r"'([^']+)' at (\w{3} \d\d \w{3} \d\d:\d\d UTC)", q.stem), 1):
            asked.add(activity)
            line = next(e for e in g.evidence if f"{at}: {activity} [" in e)
            assert f"[Service = {key[f'service{n}']}]" in line, (seed, line)
            assert f"initiated by {key[f'initiator{n}']}," in line, (seed, line)
    assert len(asked) >= 5
