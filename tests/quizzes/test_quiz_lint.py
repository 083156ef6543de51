"""quizzes.lint: probes classified as run, constant or tautology; giveaway figures measured."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from pim_sim import facts
from quizzes import lint, probes
from quizzes.bank import load_bank
from quizzes.probes import Lab, first, logged, refusal


@pytest.fixture(scope="module")
def bank():
    return load_bank()


# --- synthetic probes, one of each class ---------------------------------------------------------
def _constant_probe(lab: Lab):
    window = facts.APPROVAL_WINDOW_MINUTES.value / 60
    return {"window_hours": window, "literal": "Provisioned"}


def _tautology_probe(lab: Lab):
    sim = lab.sim("t")
    sim.assign("alice", "Global Administrator", kind="eligible")
    req = sim.activate("alice", "Global Administrator", duration="PT1H", justification="x")
    return {"done": first(sim, "completed (PIM activation)").activity, "action": str(req.action)}


def _run_probe(lab: Lab):
    sim = lab.sim("r")
    sim.assign("alice", "Global Administrator", kind="eligible")
    req = sim.activate("alice", "Global Administrator", duration="PT1H", justification="x")
    ok = []
    for minutes in (1, 5, 10):
        if refusal(lambda m=minutes: sim.advance(m)) is None:
            ok.append(minutes)
    return {"done": logged(sim, req.id)[-1].activity, "accepted": max(ok)}


@pytest.fixture
def fake_probes(monkeypatch):
    for fn in (_constant_probe, _tautology_probe, _run_probe):
        monkeypatch.setitem(probes.PROBES, fn.__name__, probes.Probe(fn.__name__, "test", fn))
    lint.probe_sources.cache_clear()
    yield
    lint.probe_sources.cache_clear()


def _q(probe: str, observe: str, key_text: str):
    opts = (SimpleNamespace(id="a", text=key_text, token=key_text), SimpleNamespace(id="b", text="other", token="other"))
    return SimpleNamespace(id="x", verify=probes_check(probe, observe), options=opts, key="a", type="single")


def probes_check(probe: str, observe: str):
    from quizzes.schema import ProbeCheck

    return ProbeCheck(probe=probe, observe=observe)


def test_a_value_from_facts_or_literals_is_constant(fake_probes):
    src = lint.probe_sources("_constant_probe")
    assert lint.classify(src["window_hours"], [24])[0] == lint.CONSTANT
    assert lint.classify(src["literal"], ["Provisioned"])[0] == lint.CONSTANT


def test_a_record_found_by_the_keys_words_or_a_read_back_action_is_a_tautology(fake_probes):
    src = lint.probe_sources("_tautology_probe")
    kind, why = lint.classify(src["done"], ["Add member to role completed (PIM activation)"])
    assert kind == lint.TAUTOLOGY and "completed (PIM activation)" in why
    assert lint.classify(src["action"], ["selfActivate"])[0] == lint.TAUTOLOGY
    # the same lookup is no tautology for a key that doesn't contain the fragment
    assert lint.classify(src["done"], ["Remove member from role"])[0] == lint.RUN


def test_values_from_the_engine_are_runs_even_when_gathered_under_a_condition(fake_probes):
    src = lint.probe_sources("_run_probe")
    assert lint.classify(src["done"], ["Add member to role completed (PIM activation)"])[0] == lint.RUN
    assert lint.classify(src["accepted"], [10])[0] == lint.RUN  # appended only when the engine accepted


# --- the bank -----------------------------------------------------------------------------------
def test_no_item_claimed_verified_reads_a_constant_or_a_tautology(bank):
    report = lint.lint(bank, variant_count=0)
    assert [(i.question_id, i.why) for i in report.bad_probes] == []


def test_doc_cited_items_are_never_counted_as_run(bank):
    report = lint.lint(bank, variant_count=0)
    cited = {q.id for q in bank if not q.probe_verified}
    assert {i.question_id for i in report.items if i.kind == "doc-cited"} == cited


def test_giveaway_figures_catch_what_they_measure():
    from quizzes.schema import SingleQuestion

    def single(qid, texts, key="a", form="drill"):
        return SingleQuestion.model_validate({
            "id": qid, "type": "single", "form": form, "stem": "Which one is right here?",
            "options": [{"id": chr(97 + i), "text": t, **({} if i == 0 else {"explanation": "x", "misconception": "y"})}
                        for i, t in enumerate(texts)],
            "key": key, "explanation": "The first one.", "sources": ["https://learn.microsoft.com/x"],
            "outline": ["SC-300:4.4.1"], "difficulty": 1, "last_verified": "2026-11-29",
            "verify": {"document": "https://learn.microsoft.com/x"}})

    long_keys = [single(f"q-{i}", ["the rather long right answer", "short", "brief"]) for i in range(10)]
    figs = {f.name: f for f in lint.giveaways(long_keys)}
    assert figs["key_longest"].value == 1.0 and not figs["key_longest"].ok
    figs = {f.name: f for f in lint.giveaways([single("q-n", ["Right", "None of these", "Wrong"]),
                                               single("q-t", ["Right", "Wrong"])])}
    assert figs["none_or_all_of_these"].value == 1 and figs["two_option_items"].value == 1
    figs = {f.name: f for f in lint.giveaways([single("q-a", ["Right", "It always works", "It never works"])])}
    assert not figs["absolute_words"].ok


def test_the_cli_prints_every_figure():
    from typer.testing import CliRunner

    from pim_sim.cli import app

    result = CliRunner().invoke(app, ["quiz", "lint", "--variants", "0"])
    assert result.exit_code in (0, 1)
    out = result.output
    assert "items=" in out and "tautology=0" in out and "constant=0" in out
    for name in ("key_longest", "yes_share", "none_or_all_of_these", "absolute_words", "two_option_items",
                 "served_position"):
        assert name in out
    assert out.rstrip().endswith(("lint=ok", "lint=FAILED"))
    assert result.exit_code == (0 if out.rstrip().endswith("lint=ok") else 1)


def test_cli_and_dashboard_open_the_same_outline():
    import ui.quiz_common as qc
    from quizzes import cli, session

    assert cli.DEFAULT_OUTLINE == qc.DEFAULT_OUTLINE == session.DEFAULT_OUTLINE


def test_every_giveaway_figure_is_in_bounds_on_the_bank_and_1000_variants(bank):
    report = lint.lint(bank, variant_count=1000)
    assert [f.name for f in (*report.bank_figures, *report.variant_figures) if not f.ok] == []
    assert report.variant_errors == ()
