"""Outline tags stay within what a bullet covers.

The 22 January 2026 AZ-500 outline names PIM only for Azure resources ("Plan and manage Azure
resources in Microsoft Entra Privileged Identity Management", bullet 1.1.3); questions whose key
holds for Microsoft Entra roles only must not be drawn into that exam's PIM objective.
"""

import pytest

from quizzes.bank import load_bank

AZURE_PIM_BULLET = "AZ-500-2026-01:1.1.3"
ENTRA_ONLY = {
    "act-default-maximum": "the 8-hour default is documented for Microsoft Entra roles only",
    "act-justification": "the default settings asked about are the Microsoft Entra role's",
    "apr-default-approvers-entra": "Azure resource roles have no default approvers",
    "as-gs-remove-then-add": "the last-Global-Administrator guard protects a Microsoft Entra role",
    "as-gs-add-then-remove": "the same guard",
    "as-gs-eligible-successor": "the same guard",
    "ctx-gs-policy-and-setting": "an authentication context on a Microsoft Entra role's activation",
    "gp-gs-breakglass-permanent": "emergency access to Global Administrator, a Microsoft Entra role",
    "er-who-decides": "Global or Privileged Role Administrators decide for Microsoft Entra roles; Owners for Azure",
    "er-gs-admin-extends": "a Privileged Role Administrator acting on a Microsoft Entra role",
    "er-group-inherited": "role-assignable groups hold Microsoft Entra roles",
}


@pytest.fixture(scope="module")
def bank():
    return load_bank()


@pytest.mark.parametrize("question_id", sorted(ENTRA_ONLY))
def test_entra_only_keys_are_not_tagged_with_the_azure_resources_pim_bullet(bank, question_id):
    q = bank.get(question_id)
    assert AZURE_PIM_BULLET not in q.outline, ENTRA_ONLY[question_id]
    assert q.outline, "each question keeps the outlines it does fit"


def test_questions_about_default_microsoft_entra_settings_stay_off_the_azure_resources_bullet(bank):
    tagged = [q.id for q in bank if AZURE_PIM_BULLET in q.outline and "default Microsoft Entra role settings" in q.stem]
    assert tagged == []
