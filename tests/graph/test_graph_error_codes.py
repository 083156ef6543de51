"""Graph error codes: the model uses Microsoft's where they are known and says so where it names its own.

Microsoft documents only a handful of PIM error codes; for the other refusals (self-approval, a
service principal made eligible, a decision on a settled request, ...) the model names its own
code. Those must never be passed off as Graph's: the Graph export labels them, and no quiz
question teaches one.
"""

import re
from pathlib import Path

import pytest

from pim_sim import PimRefusal, Simulation, Tenant
from pim_sim.errors import GRAPH_ERROR_CODES
from pim_sim.graph.writer import refusals_to_graph
from quizzes.bank import load_bank

PIM_SIM = Path(__file__).resolve().parents[2] / "pim_sim"


def _codes_the_model_raises() -> set[str]:
    return {m for path in PIM_SIM.rglob("*.py") for m in re.findall(r'code="([A-Za-z]+)"', path.read_text())}


def test_activating_without_eligibility_is_a_policy_validation_failure_naming_the_eligibility_rule():
    sim = Simulation(Tenant.build(users=["alice"]), seed=1)
    with pytest.raises(PimRefusal) as err:
        sim.activate("alice", "User Administrator", duration="PT1H", justification="x")
    assert (err.value.rule, err.value.code) == ("EligibilityRule", "RoleAssignmentRequestPolicyValidationFailed")
    (body,) = refusals_to_graph(sim)
    assert body["error"]["message"] == 'The following policy rules failed: ["EligibilityRule"]'
    assert body["error"]["innerError"]["codeSource"] == GRAPH_ERROR_CODES["RoleAssignmentRequestPolicyValidationFailed"]


def test_a_code_microsoft_does_not_document_is_labelled_as_the_models_own_in_the_export():
    sim = Simulation(Tenant.build(users=["alice", "bob"]), seed=1)
    sim.assign("alice", "Global Administrator", kind="eligible")
    sim.set_settings("Global Administrator", require_approval=True, approvers=("alice", "bob"))
    req = sim.activate("alice", "Global Administrator", duration="PT1H", justification="x")
    with pytest.raises(PimRefusal) as err:
        sim.approve(req.id, by="alice")
    assert err.value.code not in GRAPH_ERROR_CODES
    (body,) = refusals_to_graph(sim)
    assert body["error"]["code"] == err.value.code
    assert body["error"]["innerError"]["codeSource"].startswith("modelled")


def test_every_documented_code_names_where_it_was_seen():
    assert "RoleAssignmentRequestPolicyValidationFailed" in GRAPH_ERROR_CODES
    assert all(source.startswith("https://") for source in GRAPH_ERROR_CODES.values())


def _shown(node) -> str:
    """Every string of a question a learner can see: all fields but ``value``, ``verify`` and ``id``."""
    if isinstance(node, dict):
        return " ".join(_shown(v) for k, v in node.items() if k not in ("value", "verify", "id"))
    if isinstance(node, (list, tuple)):
        return " ".join(_shown(v) for v in node)
    return node if isinstance(node, str) else ""


def test_no_question_teaches_an_error_code_of_the_models_own():
    modelled = _codes_the_model_raises() - set(GRAPH_ERROR_CODES)
    assert {"SelfApprovalNotAllowed", "RequestNotPending"} <= modelled  # the scan finds the engine's codes
    # What a learner reads: every text of a question, not the hidden ``value`` tokens its probe compares.
    taught = {q.id: sorted(c for c in modelled if c in _shown(q.model_dump())) for q in load_bank()}
    assert {qid: codes for qid, codes in taught.items() if codes} == {}


def test_an_unmet_authentication_context_is_the_acrs_validation_failure_real_responses_show():
    sim = Simulation(Tenant.build(users=["alice"]), seed=1, auth_contexts=("c1",))
    sim.assign("alice", "Security Administrator", kind="eligible")
    sim.set_settings("Security Administrator", require_mfa=False, auth_context="c1")
    with pytest.raises(PimRefusal) as err:
        sim.activate("alice", "Security Administrator", duration="PT1H", justification="x", context_satisfied=False)
    assert err.value.code == "RoleAssignmentRequestAcrsValidationFailed" and err.value.code in GRAPH_ERROR_CODES
    (body,) = refusals_to_graph(sim)
    assert body["httpStatus"] == 400 and body["error"]["code"] == "RoleAssignmentRequestAcrsValidationFailed"
