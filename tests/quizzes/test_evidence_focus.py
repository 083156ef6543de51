"""A bank question's evidence starts with the simulated run that shows its answer.

A probe often runs several small tenants (approve, deny, cancel, let 24 hours pass); the learner
should first see the run whose records carry the right answer, not the first run of the probe.
"""

from quizzes.bank import load_bank
from quizzes.session import bank_evidence


def _first_run(lines: tuple[str, ...]) -> str:
    return lines[1].split(" | ", 1)[0]  # lines[0] is the probe's story


def test_the_run_showing_the_key_comes_first():
    bank = load_bank()
    assert _first_run(bank_evidence(bank.get("apr-cancel"))) == "cancel"
    assert _first_run(bank_evidence(bank.get("apr-denied-activity"))) == "deny"


def test_nothing_is_dropped_and_the_story_stays_first():
    q = load_bank().get("apr-cancel")
    lines = bank_evidence(q)
    assert lines[0].startswith("Global Administrator requires approval")
    from quizzes.verify import evidence

    assert sorted(lines[1:]) == sorted(evidence(q).timeline)


def test_a_question_whose_key_names_no_record_keeps_the_probe_order():
    from quizzes.verify import evidence

    q = load_bank().get("apr-window")
    assert bank_evidence(q)[1:] == evidence(q).timeline
