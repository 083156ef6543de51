"""The Practice page: every question type answered through its widgets, immediate feedback with
the key, explanation, misconception, sources and evidence, and answers kept in the store."""

from __future__ import annotations

import pytest
from page_widgets import widget
from quiz_app import OUTLINE, answer, open_page, quiz_store, store_location, texts  # noqa: F401 - quiz_store: a fixture
from quiz_samples import samples
from streamlit.testing.v1 import AppTest

from quizzes import load_bank
from quizzes.grading import grade, key_of
from quizzes.progress import Actor, open_store
from quizzes.session import items
from ui.quiz_common import PracticeSession, StorePerCall

OWNER = Actor.instructor()  # the tests own the store, as the command line does
PAGE = "ui/quiz_practice.py"
KEY = "practice_session"


def with_session(at: AppTest, questions, learner: str = "ann") -> PracticeSession:
    outline = load_bank().outlines[OUTLINE]
    session = PracticeSession(items(questions, outline), learner, StorePerCall())
    at.session_state[KEY] = session
    at.run()
    assert not at.exception
    return session


def test_without_a_profile_the_page_asks_for_one():
    at = open_page(PAGE, learner=None)
    assert "Create a learner profile" in at.info[0].value
    assert KEY not in at.session_state


def test_an_empty_profile_name_is_refused():
    at = open_page(PAGE, learner=None)
    at.button(key="quiz_create_profile").click().run()
    assert "learner: must be a non-empty name" in at.sidebar.error[0].value


def test_every_question_type_answered_right_scores_and_is_stored():
    at = open_page(PAGE)
    qs = samples()
    with_session(at, qs)
    for n, q in enumerate(qs):
        assert at.button(key=f"{KEY}_check").disabled  # nothing answered yet
        answer(at, f"{KEY}_q{n}", q, key_of(q))
        at.button(key=f"{KEY}_check").click().run()
        assert not at.exception
        assert at.success[0].value.startswith("**Right.**")
        assert q.explanation in texts(at)
        assert "Sources: [" in texts(at)
        if n < len(qs) - 1:
            at.button(key=f"{KEY}_next").click().run()
    assert f"Done: {len(qs)} of {len(qs)} points." in texts(at)
    with open_store(store_location()) as store:
        got = store.answers("ann", actor=OWNER)
    assert [a.question_id for a in got] == [q.id for q in qs] and all(a.score == 1.0 for a in got)
    assert {a.mode for a in got} == {"practice"}


def test_a_wrong_answer_shows_the_key_and_the_misconception():
    at = open_page(PAGE)
    q = samples()[0]
    with_session(at, [q])
    answer(at, f"{KEY}_q0", q, "b")
    at.button(key=f"{KEY}_check").click().run()
    assert at.error[0].value == "**Not right.** The answer: Activate the role"
    assert q.stem in texts(at)  # the question stays on screen beside its feedback
    assert 'Your answer: Nothing; "always" active' in texts(at)  # in the words the learner saw, not an option id
    assert "*Misconception: thinks a = b.*" in texts(at)
    assert '- **Nothing; "always" active**: Not so' in texts(at)  # the option as the learner saw it, not its id
    with open_store(store_location()) as store:
        assert [a.score for a in store.answers("ann", actor=OWNER)] == [0.0]


def test_a_wrong_number_the_question_does_not_name_shows_the_key_without_an_empty_misconception():
    at = open_page(PAGE)
    q = next(q for q in samples() if q.type == "numeric")
    with_session(at, [q])
    answer(at, f"{KEY}_q0", q, 30)
    at.button(key=f"{KEY}_check").click().run()
    assert at.error[0].value == "**Not right.** The answer: 8 hours (± 0.5)"
    assert "- **30 hours**: The answer is 8 hours." in texts(at) and "Misconception" not in texts(at)


def test_partial_credit_is_shown_as_such():
    at = open_page(PAGE)
    q = samples()[1]  # multiple: a and c are right
    with_session(at, [q])
    answer(at, f"{KEY}_q0", q, ["a"])
    at.button(key=f"{KEY}_check").click().run()
    assert at.warning[0].value.startswith(f"**Partly right ({grade(q, ['a']).score:.0%}).**")


def test_a_probe_question_shows_the_observation_behind_each_option_not_every_record():
    """The evidence names the observation that proves the key and the one that refutes each
    distractor (the verifier's verdicts), instead of listing every record of the run."""
    bank = load_bank()
    q = bank.get("act-too-long")
    at = open_page(PAGE)
    with_session(at, [q])
    answer(at, f"{KEY}_q0", q, key_of(q))
    at.button(key=f"{KEY}_check").click().run()
    assert any(e.label == "The simulation's evidence" for e in at.expander)
    from quizzes.verify import check_question, evidence
    from ui.escape import markdown

    result = evidence(q)
    shown = texts(at)
    assert result.story in shown
    check = check_question(q, result)
    for v in check.verdicts:
        verb = "proves the answer" if v.is_key else "refutes"
        assert f"{verb} **{markdown(v.text)}**" in shown and v.shown_by in shown, v
    assert shown.count("proves the answer") == 1 and shown.count("refutes") == len(q.options) - 1
    assert not at.dataframe  # no table of every record of the run


def test_an_eligible_vs_active_question_opens_its_own_scenario_not_a_word_match():
    """Once, the words of an eligible-vs-active item led to the licence-lapse scenario."""
    q = load_bank().get("ea-gs-permanent-eligible")
    at = open_page(PAGE)
    with_session(at, [q])
    answer(at, f"{KEY}_q0", q, key_of(q))
    at.button(key=f"{KEY}_check").click().run()
    lab = at.button(key=f"{KEY}_fb1_lab")
    assert "standing-vs-jit" in lab.label and "licence-lapse" not in lab.label
    lab.click().run()
    assert not at.exception
    assert at.session_state["model:lab"]["values"]["scenario"] == "standing-vs-jit"
    assert at.header[0].value == "Scenario lab"


def test_a_case_study_item_shows_the_case_beside_it_and_opens_the_cases_own_tenant():
    q = load_bank().get("cs-contoso-carol")
    at = open_page(PAGE)
    with_session(at, [q])
    shown = texts(at)
    assert "**Case study: Contoso Pharmaceuticals**" in shown
    assert "carol must not hold any Microsoft Entra role" in shown
    answer(at, f"{KEY}_q0", q, key_of(q))
    at.button(key=f"{KEY}_check").click().run()
    assert any(e.label == "The case study" for e in at.expander)  # still at hand beside the feedback
    lab = at.button(key=f"{KEY}_fb1_lab")
    assert "contoso" in lab.label
    lab.click().run()
    assert not at.exception
    values = at.session_state["model:lab"]["values"]
    assert values["origin"] == "Upload a YAML file" and values["upload_name"] == "contoso.yaml"
    assert "Contoso Pharmaceuticals" in values["upload_text"]
    assert at.header[0].value == "Scenario lab" and "Contoso Pharmaceuticals" in at.subheader[0].value


def test_a_generated_variant_opens_its_topics_scenario_with_its_own_seed():
    from quizzes.generate import generate

    g = generate("approval-expiry", 4321)
    at = open_page(PAGE)
    at.session_state[KEY] = PracticeSession(items([g], load_bank().outlines[OUTLINE]), "ann", StorePerCall())
    at.run()
    answer(at, f"{KEY}_q0", g.question, key_of(g.question))
    at.button(key=f"{KEY}_check").click().run()
    lab = at.button(key=f"{KEY}_fb1_lab")
    assert "approval-expiry (seed 4321)" in lab.label
    lab.click().run()
    assert not at.exception
    assert at.session_state["model:lab"]["values"]["scenario"] == "approval-expiry"
    from ui import state

    assert at.session_state[state.LAB_SEED] == 4321  # the lab ran the scenario with the variant's seed


def test_goal_and_solution_items_show_yes_then_no():
    q = load_bank().get("apr-gs-approval-by-bob")
    for learner in ("ann", "bea", "cy"):  # three sessions, three prefixes: the order stays Yes, No
        at = open_page(PAGE, learner=learner)
        with_session(at, [q], learner=learner)
        radio = at.radio(key=f"{KEY}_q0_single")
        assert list(radio.options) == ["Yes", "No"]


def test_options_are_served_in_the_sessions_display_order():
    from quizzes.session import display_order

    q = load_bank().get("act-blade-first-step")
    at = open_page(PAGE)
    with_session(at, [q])
    radio = at.radio(key=f"{KEY}_q0_single")
    labels = {o.id: o.text for o in q.options}
    assert list(radio.options) == [labels[o.id] for o in display_order(q.options, q.id, f"{KEY}_q0")]


def test_choosing_questions_builds_a_session_from_the_bank():
    at = open_page(PAGE)
    at.number_input(key="practice_count").set_value(3).run()
    at.button(key="practice_start").click().run()
    session = at.session_state[KEY]
    assert len(session.items) == 3 and all(it.seed is None for it in session.items)
    at2 = open_page(PAGE, learner=None)
    at2.number_input(key="practice_count").set_value(2).run()
    at2.checkbox(key="practice_generated").check().run()
    at2.button(key="practice_start").click().run()
    assert len(at2.session_state[KEY].items) == 2
    at2.number_input(key="practice_count").set_value(4).run()
    at2.button(key="practice_start").click().run()
    drawn = at2.session_state[KEY].items
    assert sum(it.seed is not None for it in drawn) == 2 and sum(it.seed is None for it in drawn) == 2  # half variants


def test_practice_serves_only_questions_of_the_chosen_outline():
    at = open_page(PAGE)
    at.number_input(key="practice_count").set_value(50).run()
    at.button(key="practice_start").click().run()
    drawn = at.session_state[KEY].items
    assert len(drawn) == 50 and all(it.objective.domain.startswith(OUTLINE + ":") for it in drawn)
    assert all(it.objective.weight > 0 for it in drawn)  # filed under a real domain of the outline, not "other"


def test_topics_and_objectives_choose_the_questions():
    at = open_page(PAGE)
    at.multiselect(key="practice_topics").set_value(["approval"]).run()
    at.number_input(key="practice_count").set_value(6).run()
    at.button(key="practice_start").click().run()
    assert {it.question.topic for it in at.session_state[KEY].items} == {"approval"}
    at.multiselect(key="practice_topics").set_value([]).run()
    at.multiselect(key="practice_objectives").set_value([f"{OUTLINE}:1.1.2"]).run()
    at.button(key="practice_start").click().run()
    assert {it.objective.tag for it in at.session_state[KEY].items} == {f"{OUTLINE}:1.1.2"}


def test_profiles_persist_across_restarts_of_the_app():
    open_page(PAGE, learner="zoe")
    at = AppTest.from_file(open_page.__globals__["APP"], default_timeout=60).run()
    at.switch_page(PAGE).run()
    assert "zoe" in widget(at.sidebar, "selectbox", "learner", "profile").options


@pytest.mark.parametrize("qtype", ["ordering", "dropdown", "numeric", "yes_no"])
def test_incomplete_answers_can_not_be_checked(qtype):
    at = open_page(PAGE)
    q = next(q for q in samples() if q.type == qtype)
    with_session(at, [q])
    if qtype == "ordering":
        at.multiselect(key=f"{KEY}_q0_order").set_value(["i1"]).run()
    elif qtype == "dropdown":
        at.selectbox(key=f"{KEY}_q0_blank_max").set_value("b").run()
    elif qtype == "yes_no":
        at.radio(key=f"{KEY}_q0_yn_s1").set_value("Yes").run()
    assert at.button(key=f"{KEY}_check").disabled


def test_options_are_shown_by_text_in_an_order_that_does_not_give_the_key_away():
    from ui.quiz_common import _in_display_order

    singles = [q for q in load_bank() if q.type == "single"]
    positions = [[o.id for o in _in_display_order(q.options, q, "p")].index(q.key) for q in singles]
    assert len(set(positions)) > 1  # the bank writes the key first; the page doesn't show it first every time
    at = open_page(PAGE)
    q = samples()[0]
    with_session(at, [q])
    radio = at.radio(key=f"{KEY}_q0_single")
    assert sorted(radio.options) == sorted(o.text for o in q.options)  # texts only, no letters


def test_a_store_that_cannot_be_opened_is_reported_not_crashed(monkeypatch):
    monkeypatch.setenv("PIM_SIM_PROGRESS", "mysql://nowhere/db")
    at = AppTest.from_file(open_page.__globals__["APP"], default_timeout=60).run()
    at.switch_page(PAGE).run()
    assert not at.exception
    assert "PIM_SIM_PROGRESS = mysql://nowhere/db" in at.error[0].value and "mysql:// is not supported" in at.error[0].value
