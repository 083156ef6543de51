"""pim_sim.core.roles backed by the full catalogue: the modelled 20, fallbacks, ids, custom roles per run."""

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pim_sim import catalogue as cat
from pim_sim.core import roles
from pim_sim.core.roles import (
    AU_SCOPABLE,
    AZURE_ROLES,
    CATALOGUE,
    ENTRA_ROLES,
    HIGHLY_PRIVILEGED_ENTRA,
    Surface,
    role,
    role_by_id,
    surface_of,
    using,
)
from pim_sim.errors import ModelError
from pim_sim.graph.reader import read_requests

FIX = Path(__file__).parents[1] / "fixtures" / "graph"
BUILTIN = cat.builtin_catalogue()
# Names that are both an Entra and an Azure role (Security Reader, ...): looked up with their surface.
SHARED_NAMES = {r.name.casefold() for r in BUILTIN.roles("entra")} & {r.name.casefold() for r in BUILTIN.roles("azure")}


def test_unknown_role_is_one_class_and_a_model_error():
    assert roles.UnknownRole is cat.UnknownRole
    assert issubclass(roles.UnknownRole, ModelError) and issubclass(roles.UnknownRole, KeyError)
    with pytest.raises(ModelError) as e:
        role(Surface.ENTRA, "Chief Button Presser")
    # The message format the CLI and the scenario checks show: the modelled choices listed.
    assert str(e.value).startswith("'Chief Button Presser' is not a Microsoft Entra role; known roles: Application ")
    with pytest.raises(KeyError, match="is not a known role; known roles: "):
        surface_of("Chief Button Presser")


def test_the_modelled_roles_are_catalogue_rows():
    assert len(ENTRA_ROLES) == 16 and len(AZURE_ROLES) == 4
    for surface, table in ((Surface.ENTRA, ENTRA_ROLES), (Surface.AZURE, AZURE_ROLES)):
        for name, definition in table.items():
            row = BUILTIN.by_name(name, surface.value)
            assert (definition.template_id, definition.privileged, definition.custom) == (row.id, row.privileged, False)
            assert definition.au_scopable == bool(row.au_scopable)
    # Highly privileged stays SCuBA's eight on Entra, a different notion from Microsoft's PRIVILEGED label.
    assert len(HIGHLY_PRIVILEGED_ENTRA) == 8
    assert ENTRA_ROLES["Exchange Administrator"].highly_privileged and not ENTRA_ROLES["Exchange Administrator"].privileged
    assert ENTRA_ROLES["Security Reader"].privileged and not ENTRA_ROLES["Security Reader"].highly_privileged
    assert {n for n, r in AZURE_ROLES.items() if r.highly_privileged} == {"Owner", "User Access Administrator"}


def test_au_scopable_is_microsofts_list_of_twelve():
    assert {r.name for r in BUILTIN.roles("entra") if r.au_scopable} == AU_SCOPABLE
    assert len(AU_SCOPABLE) == 12 and "Groups Administrator" in AU_SCOPABLE and "Global Administrator" not in AU_SCOPABLE


@given(st.sampled_from(BUILTIN.roles()))
def test_every_built_in_role_is_found_by_name_and_by_id(row):
    surface = Surface(row.surface)
    found = role(surface, row.name)
    assert (found.name, found.template_id, found.surface) == (row.name, row.id, surface)
    by_id = role_by_id(row.id.upper())
    assert (by_id.name, by_id.surface) == (row.name, surface)
    if row.name.casefold() not in SHARED_NAMES:
        assert surface_of(row.name) is surface


def test_azure_ids_in_their_resource_form():
    path = "/subscriptions/0000/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
    assert role_by_id(path) is AZURE_ROLES["Owner"]
    assert role_by_id("member") is CATALOGUE[Surface.GROUPS]["Member"]


def test_both_roles_of_microsofts_graph_request_examples_import():
    # The two responses of "Create roleAssignmentScheduleRequests" (Graph v1.0 docs, Examples 1 and 2).
    got = read_requests(FIX / "learn_request_examples.json")
    assert [(r.action, r.role) for r in got] == [("adminAssign", "Groups Administrator"),
                                                ("selfActivate", "Attribute Definition Administrator")]


def test_custom_roles_are_per_run():
    custom = cat.CustomRole("Contoso Helpdesk Tier 2", "a7b1c2d3-0000-4000-8000-00000000c0de", "entra", au_scopable=True)
    with pytest.raises(ModelError):
        role_by_id(custom.id)
    with using(BUILTIN.with_custom(custom)):
        found = role_by_id(custom.id.upper())
        assert (found.name, found.custom, found.au_scopable) == (custom.name, True, True)
        assert role(Surface.ENTRA, custom.name).template_id == custom.id
        assert surface_of(custom.name) is Surface.ENTRA
    with pytest.raises(ModelError, match="is not a Microsoft Entra role"):
        role(Surface.ENTRA, custom.name)


def test_a_scenario_declares_custom_roles_that_run_and_export_with_their_id():
    from pim_sim.graph.writer import requests_to_graph
    from pim_sim.scenario.model import Scenario, ScenarioError

    data = {"name": "custom", "horizon": "P1D", "tenant": {"users": ["admin", "alice"]},
            "custom_roles": [{"name": "Contoso Helpdesk Tier 2", "id": "1A2B3C4D-0000-4000-8000-00000000C0DE"}],
            "assignments": [{"principal": "alice", "role": "Contoso Helpdesk Tier 2"}],
            "timeline": [{"at": "PT1H", "do": "activate", "principal": "alice", "role": "Contoso Helpdesk Tier 2",
                          "justification": "queue"}]}
    s = Scenario.from_dict(data)
    sim = s.simulation()
    sim.run(s.horizon)
    assert sim.holds("alice", "Contoso Helpdesk Tier 2", at=90)
    ids = {r["roleDefinitionId"] for r in requests_to_graph(sim)["roleAssignmentScheduleRequests"]}
    assert ids == {"1a2b3c4d-0000-4000-8000-00000000c0de"}
    with pytest.raises(ScenarioError, match=r"custom_roles\[0\]\.id: 'nope' is not a GUID"):
        Scenario.from_dict({**data, "custom_roles": [{"name": "x", "id": "nope"}]})
    with pytest.raises(ScenarioError, match="'Contoso Helpdesk Tier 2' is not a Microsoft Entra role"):
        Scenario.from_dict({k: v for k, v in data.items() if k != "custom_roles"})
    with pytest.raises(ModelError):  # the scenario's roles stay with its runs
        role(Surface.ENTRA, "Contoso Helpdesk Tier 2")


def test_custom_roles_met_in_an_import(tmp_path):
    import json

    import yaml
    from typer.testing import CliRunner

    from pim_sim.cli import app
    from pim_sim.graph.reader import read_policies, timeline_from_requests

    custom = cat.CustomRole("Contoso Helpdesk Tier 2", "1a2b3c4d-0000-4000-8000-00000000c0de", "entra")
    doc = json.loads((FIX / "learn_request_examples.json").read_text())
    doc["value"][1]["roleDefinitionId"] = custom.id
    with pytest.raises(ModelError, match="is not a role template id"):
        read_requests(doc)
    assert [r.role for r in read_requests(doc, custom_roles=[custom])][1] == custom.name
    steps = timeline_from_requests(doc, custom_roles=[custom], start=__import__("datetime").datetime.fromisoformat(
        "2022-04-11T00:00Z"))
    assert steps[1]["role"] == custom.name
    policy = json.loads((FIX / "learn_policy_assignment_ga.json").read_text())
    policy["value"][0]["roleDefinitionId"] = custom.id
    assert [p.role for p in read_policies(policy, custom_roles=[custom]).policies] == [custom.name]
    path = tmp_path / "requests.json"
    path.write_text(json.dumps(doc))
    res = CliRunner().invoke(app, ["import-requests", str(path), "--start", "2022-04-11T00:00Z",
                                   "--custom-role", f"{custom.name}={custom.id}"])
    assert res.exit_code == 0, res.output
    out = yaml.safe_load(res.output)
    assert out["custom_roles"] == [{"name": custom.name, "id": custom.id, "surface": "entra"}]
    assert out["timeline"][1]["role"] == custom.name
    bad = CliRunner().invoke(app, ["import-requests", str(path), "--custom-role", "no-equals-sign"])
    assert bad.exit_code == 1 and "is not NAME=ID" in bad.output
