"""Exam item forms: goal-and-solution series, multiple answer with partial credit, case studies,
and drills weighted low in exams."""

from __future__ import annotations

import textwrap
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizzes.bank import OUTLINE_DIR, BankError, load_bank
from quizzes.grading import grade
from quizzes.session import Item, Objective, weighted_exam

COMMON = """
  explanation: Approval holds the activation until an approver answers.
  sources: ["https://learn.microsoft.com/en-us/entra/id-governance/privileged-identity-management/pim-configure"]
  outline: ["SC-300:4.4.1"]
  difficulty: 2
  last_verified: 2026-11-29
"""

SERIES = """series:
  - id: approval-goal
    context: Contoso uses PIM. Alice is eligible for Global Administrator.
    goal: a second person agrees before alice can use Global Administrator.
"""


def write(tmp_path: Path, questions: str, header: str = "", cases: str | None = None) -> dict:
    d = tmp_path / "bank"
    d.mkdir(exist_ok=True)
    (d / "t.yaml").write_text(f"topic: test\ntitle: Test topic\n{header}questions:\n"
                              + textwrap.indent(textwrap.dedent(questions).strip("\n"), "  ") + "\n")
    kw = {}
    if cases is not None:
        c = tmp_path / "cases"
        c.mkdir(exist_ok=True)
        (c / "fabrikam.case.yaml").write_text(cases)
        kw["case_dir"] = c
    return {"directory": d, "outline_dir": OUTLINE_DIR, **kw}


GOAL = """
- id: gs-approval
  form: goal_solution
  series: approval-goal
  solution: You turn on "Require approval to activate" and choose bob as the approver.
  meets_goal: true
  misconception: thinks approval is only a notification
  verify: {probe: activation_flow, observe: pending_grants_access}
""" + COMMON


def test_a_goal_solution_item_is_written_short_and_expanded_to_yes_or_no(tmp_path):
    q = load_bank(**write(tmp_path, GOAL, SERIES)).get("gs-approval")
    assert q.type == "single" and q.form == "goal_solution" and q.key == "yes"
    assert [o.id for o in q.options] == ["yes", "no"]
    assert q.stem.startswith("Contoso uses PIM.") and "You need to ensure that a second person" in q.stem
    assert "Solution: You turn on" in q.stem and q.stem.endswith("Does this meet the goal?")
    wrong = q.options[1]
    assert wrong.misconception == "thinks approval is only a notification" and wrong.explanation
    assert grade(q, "yes").score == 1.0 and grade(q, "no").score == 0.0


@pytest.mark.parametrize(("change", "message"), [
    (("series: approval-goal", "series: other"), "series 'other' is not in the file's series list"),
    (("meets_goal: true", "meets_goal: maybe"), "meets_goal: say true or false"),
])
def test_goal_solution_mistakes_are_named(tmp_path, change, message):
    with pytest.raises(BankError, match=message):
        load_bank(**write(tmp_path, GOAL.replace(*change), SERIES))


def test_a_form_must_fit_its_type(tmp_path):
    single = """
- id: t-form
  type: single
  form: sequence
  stem: Which answer is the right one here?
  options:
    - {id: a, text: Right, value: true}
    - {id: b, text: Wrong, value: false, explanation: Because., misconception: thinks wrong is right}
  key: a
  verify: {probe: eligible_vs_active, observe: eligible_grants_access}
""" + COMMON
    with pytest.raises(BankError, match="form 'sequence' takes type ordering"):
        load_bank(**write(tmp_path, single))


MULTI = """
- id: mp-two
  type: multiple
  form: multi_part
  choose: 2
  stem: Which two settings make alice prove her identity again or ask someone before she uses the role?
  options:
    - {id: a, text: Require approval to activate}
    - {id: b, text: "On activation, require multifactor authentication"}
    - {id: c, text: Require ticket information, explanation: Ticket text is not checked.,
       misconception: thinks tickets are validated}
    - {id: d, text: Require justification, explanation: Free text only., misconception: thinks justification is a control}
  key: [a, b]
  verify: {probe: activation_requirements, observe: missing_mfa_rule}
""" + COMMON


def test_multi_part_stem_says_each_answer_is_part_of_the_solution_and_grades_per_pick(tmp_path):
    q = load_bank(**write(tmp_path, MULTI)).get("mp-two")
    assert q.stem.endswith("Each correct answer presents part of the solution. Choose two.")
    assert grade(q, ["a", "b"]).score == 1.0
    assert grade(q, ["a", "c"]).score == 0.5  # a wrong pick within the count costs only its point
    assert grade(q, ["a"]).score == 0.5
    assert grade(q, ["a", "b", "c"]).score == 0.5  # one pick too many cancels a right one
    assert grade(q, ["a", "b", "c", "d"]).score == 0.0  # ticking every box earns nothing
    with pytest.raises(BankError, match="choose to the number of right answers"):
        load_bank(**write(tmp_path, MULTI.replace("choose: 2", "choose: 3")))


@given(st.sets(st.sampled_from("abcd")))
def test_multi_part_score_is_bounded_and_full_only_for_the_key(picks):
    from quizzes.bank import load_file  # noqa: F401 - the model is built directly below
    from quizzes.schema import MultipleQuestion

    q = MultipleQuestion.model_validate({
        "id": "mp-prop", "type": "multiple", "form": "multi_part", "choose": 2, "stem": "Pick the two right ones.",
        "options": [{"id": i, "text": i.upper(), **({} if i in "ab" else {"explanation": "x", "misconception": "y"})}
                    for i in "abcd"],
        "key": ["a", "b"], "explanation": "a and b are right.", "sources": ["https://learn.microsoft.com/x"],
        "outline": ["SC-300:4.4.1"], "difficulty": 1, "last_verified": "2026-11-29",
        "verify": {"document": "https://learn.microsoft.com/x"}})
    score = grade(q, sorted(picks)).score
    assert 0.0 <= score <= 1.0
    assert (score == 1.0) == (picks == {"a", "b"})


CASE = """id: fabrikam
organisation: Fabrikam, Inc.
scenario: scenarios/approver-holiday.yaml
overview: Fabrikam is a manufacturer with one Microsoft Entra tenant and a small security team.
environment: [Bob is the only approver for Security Administrator.]
requirements: [Activation of Security Administrator must be approved.]
constraints: [Bob is away from Tuesday to Thursday.]
sources: ["https://learn.microsoft.com/en-us/entra/id-governance/privileged-identity-management/pim-approval-workflow"]
"""


def _case_items(n: int) -> str:
    return "".join(GOAL.replace("gs-approval", f"gs-case-{i}")
                   .replace("form: goal_solution", "form: goal_solution\n  case: fabrikam") for i in range(n))


def test_a_case_study_has_four_to_eight_items_and_a_scenario_that_loads(tmp_path):
    with pytest.raises(BankError, match="case study carries 4 to 8"):
        load_bank(**write(tmp_path, _case_items(3), SERIES, cases=CASE))
    bank = load_bank(**write(tmp_path, _case_items(4), SERIES, cases=CASE))
    assert len(bank.case_items("fabrikam")) == 4
    assert "**Requirements**" in bank.cases["fabrikam"].text()
    with pytest.raises(BankError, match=r"scenario scenarios/no-such-file\.yaml"):
        load_bank(**write(tmp_path, _case_items(4), SERIES,
                          cases=CASE.replace("approver-holiday", "no-such-file")))


def test_a_case_study_item_must_name_a_known_case(tmp_path):
    with pytest.raises(BankError, match="case 'fabrikam' is not in quizzes/cases/"):
        load_bank(**write(tmp_path, _case_items(4), SERIES, cases=CASE.replace("id: fabrikam", "id: other")))


def test_exams_draw_drills_less_often_than_exam_forms():
    pool = []
    for k in range(40):
        form = "drill" if k % 2 else "hotspot"
        q = SimpleNamespace(id=f"q{k}", topic="t", outline=("X:1.1",), form=form)
        pool.append(Item(q, Objective("X:1.1", "X:1", "X", 100.0)))
    drills = [sum(it.question.form == "drill" for it in weighted_exam(pool, 10, seed=s)) for s in range(200)]
    assert sum(drills) / (200 * 10) < 0.25  # half the pool, far less than half of the exam
    assert max(drills) <= 10
