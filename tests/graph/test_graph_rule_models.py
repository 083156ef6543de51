"""The rule models (pim_sim.graph.rules): keys and enum values in any case read alike; shapes refused by field."""

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pim_sim.graph.reader import GraphImportError, read_policies
from pim_sim.graph.rules import ApprovalMode, Enablement, NotificationLevel, parse_rule

FIX = Path(__file__).parents[1] / "fixtures" / "graph"
DOC = json.loads((FIX / "ga_exchange_v1.json").read_text())
ENUM_VALUES = {m.value for e in (ApprovalMode, Enablement, NotificationLevel) for m in e} | {"Email", "Admin", "EndUser",
                                                                                         "Eligibility", "Assignment"}


def _recase(obj, flips):
    """The same JSON with keys and enum values re-cased by the drawn flips (rule ids and odata types kept)."""
    if isinstance(obj, list):
        return [_recase(x, flips) for x in obj]
    if isinstance(obj, dict):
        return {(k if k in ("id", "@odata.type") else _flip(k, flips)): _recase(v, flips) for k, v in obj.items()}
    if isinstance(obj, str) and obj in ENUM_VALUES:
        return _flip(obj, flips)
    return obj


def _flip(text, flips):
    return "".join(c.swapcase() if flips[i % len(flips)] else c for i, c in enumerate(text))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.booleans(), min_size=1, max_size=7))
def test_keys_and_enum_values_in_any_case_read_alike(flips):
    assert read_policies(_recase(DOC, flips)).settings == read_policies(DOC).settings


@pytest.mark.parametrize(("rule", "field", "problem"), [
    ({"id": "Approval_EndUser_Assignment", "setting": {"approvalStages": [{"primaryApprovers": [{"description": "x"}]}]}},
     "setting.approvalStages[0].primaryApprovers[0]", "has no userId, groupId or id"),
    ({"id": "Approval_EndUser_Assignment", "Setting": {"ApprovalMode": "TwoStage"}}, "setting.approvalMode",
     "'TwoStage' is not SingleStage, Serial, Parallel or NoApproval"),
    ({"id": "Notification_Admin_Admin_Assignment", "NOTIFICATIONTYPE": "Sms"}, "notificationType",
     "'Sms'; the only notification type is Email"),
    ({"id": "Expiration_Admin_Eligibility", "target": "x"}, "target", "must be an object with caller and level"),
    ({"id": "Expiration_Admin_Eligibility", "isExpirationRequired": "maybe"}, "isExpirationRequired",
     "'maybe' is not true or false"),
])
def test_a_wrong_shape_names_the_field_as_graph_spells_it(rule, field, problem):
    with pytest.raises(GraphImportError) as e:
        parse_rule(rule["id"], rule, "here")
    assert (e.value.field, e.value.problem) == (field, problem)


def test_enum_values_are_read_in_any_case():
    assert Enablement("multifactorauthentication") is Enablement.MFA
    assert NotificationLevel(" CRITICAL ") is NotificationLevel.CRITICAL
    rule = parse_rule("Enablement_EndUser_Assignment", {"ID": "x", "EnabledRules": ["justification", "", None]}, "here")
    assert rule.enabledRules == (Enablement.JUSTIFICATION,)


def test_the_powershell_sdks_additional_properties_are_read():
    # ConvertTo-Json of Get-MgPolicyRoleManagementPolicyAssignment -ExpandProperty "policy($expand=rules)": a rule's
    # derived-type properties sit in AdditionalProperties, beside the base type's Id and Target.
    item = json.loads(json.dumps(DOC["value"][0]))
    rules = []
    for rule in item["policy"]["rules"]:
        base = {"Id": rule["id"], "Target": rule["target"]}
        rules.append({**base, "AdditionalProperties": {k: v for k, v in rule.items() if k not in ("id", "target")}})
    item["policy"]["rules"] = rules
    assert read_policies(item).settings[("Global Administrator", "/")] == read_policies(DOC).settings[
        ("Global Administrator", "/")]
