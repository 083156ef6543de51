"""The full role catalogues (pim_sim.catalogue): counts, ids, the model's 16 roles, lookups and custom roles."""

import csv
import re
import uuid
from importlib import resources

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pim_sim import catalogue as cat
from pim_sim.catalogue import AZURE, ENTRA, CustomRole, RoleCatalogue, UnknownRole, builtin_catalogue
from pim_sim.core.roles import AU_SCOPABLE, AZURE_ROLES, ENTRA_ROLES

GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
CAT = builtin_catalogue()


def _rows(filename):
    text = resources.files("pim_sim.catalogue").joinpath(filename).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


ENTRA_ROWS = _rows("entra_roles.csv")
AZURE_ROWS = _rows("azure_roles.csv")


def test_counts_match_the_pages_read():
    # Microsoft Entra built-in roles, "All roles" table (ms.date 01/20/2026): 123 rows, 29 with the PRIVILEGED label.
    # Azure built-in roles (ms.date 04/09/2026): 498 rows, 5 under "Privileged". See pim_sim/catalogue/README.md.
    assert len(CAT.roles(ENTRA)) == len(ENTRA_ROWS) == 123
    assert len(CAT.roles(AZURE)) == len(AZURE_ROWS) == 498
    assert len(CAT) == 621
    assert sum(r.privileged for r in CAT.roles(ENTRA)) == 29
    assert sorted(r.name for r in CAT.roles(AZURE) if r.privileged) == [
        "Contributor", "Owner", "Reservations Administrator", "Role Based Access Control Administrator",
        "User Access Administrator"]


def test_every_id_is_a_lower_case_guid():
    for r in CAT:
        assert GUID.fullmatch(r.id), r
        assert str(uuid.UUID(r.id)) == r.id


def test_no_duplicate_names_or_ids():
    for rows in (ENTRA_ROWS, AZURE_ROWS):
        names = [row["name"].casefold() for row in rows]
        assert len(names) == len(set(names))
    ids = [row["id"].lower() for row in ENTRA_ROWS + AZURE_ROWS]
    assert len(ids) == len(set(ids))


def test_every_row_is_sourced_and_dated():
    for row in ENTRA_ROWS + AZURE_ROWS:
        assert row["source"].startswith("https://learn.microsoft.com/"), row
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["date_read"]), row
        assert row["privileged_basis"] == "microsoft", row
    for row in ENTRA_ROWS:
        assert row["au_scopable_basis"] == ("microsoft" if row["au_scopable"] == "true" else "model"), row
    for row in AZURE_ROWS:
        assert row["au_scopable"] == row["au_scopable_basis"] == "", row
        assert row["privileged"] == ("true" if row["category"] == "Privileged" else "false"), row


def test_the_models_sixteen_roles_are_present_with_the_same_ids_and_au_scope():
    for name, definition in ENTRA_ROLES.items():
        found = CAT.by_name(name, ENTRA)
        assert found.name == name
        assert found.id == definition.template_id
        assert found.au_scopable == (name in AU_SCOPABLE), name
    for name, definition in AZURE_ROLES.items():
        found = CAT.by_name(name, AZURE)
        assert found.id == definition.template_id
    assert len(ENTRA_ROLES) + len(AZURE_ROLES) == 20


def test_microsofts_administrative_unit_list():
    # admin-units-assign-roles.md, "Roles that can be assigned with administrative unit scope".
    assert {r.name for r in CAT.roles(ENTRA) if r.au_scopable} == {
        "Authentication Administrator", "Cloud Device Administrator", "Groups Administrator",
        "Helpdesk Administrator", "License Administrator", "Password Administrator", "Printer Administrator",
        "Privileged Authentication Administrator", "SharePoint Administrator", "Teams Administrator",
        "Teams Devices Administrator", "User Administrator"}
    assert CAT.by_name("Global Administrator", ENTRA).au_scopable is False
    assert CAT.by_name("Owner", AZURE).au_scopable is None


def test_the_roles_of_microsofts_graph_request_examples_are_present():
    # rbacapplication-post-roleassignmentschedulerequests.md: Example 1 assigns Groups Administrator,
    # Example 2 activates the role 8424c6f0-... ("Attribute Administrator" in its justification text).
    assert CAT.by_id("fdd7a751-b60b-444a-984c-02652fe8fa1c").name == "Groups Administrator"
    assert CAT.by_id("8424c6f0-a189-499e-bbd0-26c1753c96d4").name == "Attribute Definition Administrator"
    assert all(r.surface == ENTRA for r in (CAT.by_id("fdd7a751-b60b-444a-984c-02652fe8fa1c"),
                                            CAT.by_id("8424c6f0-a189-499e-bbd0-26c1753c96d4")))


def test_privileged_label_is_microsofts_not_scubas():
    assert CAT.by_name("Global Administrator", ENTRA).privileged
    assert CAT.by_name("Security Reader", ENTRA).privileged
    assert not CAT.by_name("Exchange Administrator", ENTRA).privileged
    assert not CAT.by_name("Directory Readers", ENTRA).privileged


@given(st.sampled_from(CAT.roles()), st.data())
def test_lookups_ignore_case_and_round_trip(role, data):
    flips = data.draw(st.lists(st.booleans(), min_size=len(role.name), max_size=len(role.name)))
    name = "".join(c.upper() if f else c.lower() for c, f in zip(role.name, flips, strict=True))
    assert CAT.by_name(name, role.surface) is role
    assert CAT.by_name(f"  {name} ", role.surface) is role
    assert CAT.by_id(role.id.upper()) is role
    assert CAT.lookup(role.id, role.surface) is role
    assert role in CAT.find(name)


def test_azure_resource_form_of_an_id():
    owner = CAT.by_id("/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Authorization/"
                      "roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635")
    assert (owner.name, owner.surface) == ("Owner", AZURE)


def test_a_name_on_two_surfaces_needs_the_surface():
    assert {r.surface for r in CAT.find("security reader")} == {ENTRA, AZURE}
    with pytest.raises(UnknownRole, match="several surfaces"):
        CAT.by_name("Security Reader")
    assert CAT.by_name("security reader", AZURE).id == "39bc4728-0917-49c7-9d2c-d95423bc2eb4"
    assert CAT.by_name("global administrator").surface == ENTRA


def test_unknown_roles_are_key_errors_with_plain_text():
    with pytest.raises(KeyError) as err:
        CAT.by_name("Galactic Administrator", ENTRA)
    assert str(err.value) == "'Galactic Administrator' is not a known entra role"
    with pytest.raises(UnknownRole):
        CAT.by_id("00000000-0000-0000-0000-000000000000")
    with pytest.raises(UnknownRole, match="on the azure surface, not entra"):
        CAT.lookup("8e3af657-a8ff-443c-a75c-2fe8c4bcb635", ENTRA)


def test_custom_roles_are_added_marked_and_looked_up():
    helpdesk_tier2 = CustomRole("Helpdesk Tier 2", "1D5F7C0A-2B4E-4C6A-9E8F-0A1B2C3D4E5F", ENTRA, au_scopable=True)
    vm_ops = CustomRole("VM Operator", "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/"
                        "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a", AZURE)
    with_custom = CAT.with_custom(helpdesk_tier2, vm_ops)
    assert len(with_custom) == len(CAT) + 2
    assert with_custom.by_name("helpdesk tier 2").custom is True
    assert with_custom.by_id("9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a") is vm_ops
    assert with_custom.roles(custom=True) == (helpdesk_tier2, vm_ops)
    assert all(not r.custom for r in with_custom.roles(custom=False))
    # The built-in catalogue itself is unchanged.
    with pytest.raises(UnknownRole):
        CAT.by_name("Helpdesk Tier 2")


def test_custom_roles_cannot_shadow_or_be_malformed():
    with pytest.raises(ValueError, match="named"):
        CAT.with_custom(CustomRole("global administrator", str(uuid.uuid4()), ENTRA))
    with pytest.raises(ValueError, match="share the id"):
        CAT.with_custom(CustomRole("My Owner", "8e3af657-a8ff-443c-a75c-2fe8c4bcb635", AZURE))
    with pytest.raises(ValueError, match="GUID"):
        CustomRole("X", "not-a-guid", ENTRA)
    with pytest.raises(ValueError, match="surface"):
        CustomRole("X", str(uuid.uuid4()), "groups")
    with pytest.raises(ValueError, match="administrative units"):
        CustomRole("X", str(uuid.uuid4()), AZURE, au_scopable=True)
    with pytest.raises(TypeError):
        CAT.with_custom(CAT.by_name("Owner", AZURE))


def test_a_custom_role_may_share_a_name_across_surfaces():
    # Entra and Azure are separate role systems: 'Security Reader' exists in both.
    both = RoleCatalogue([]).with_custom(CustomRole("Ops", str(uuid.uuid4()), ENTRA),
                                         CustomRole("Ops", str(uuid.uuid4()), AZURE))
    assert len(both.find("OPS")) == 2


def test_loading_is_lazy_and_cached(monkeypatch):
    calls = []
    real = cat._read
    monkeypatch.setattr(cat, "_read", lambda surface: calls.append(surface) or real(surface))
    cat.builtin_catalogue.cache_clear()
    try:
        assert calls == []
        first = cat.builtin_catalogue()
        assert cat.builtin_catalogue() is first
        assert calls == [ENTRA, AZURE]
    finally:
        cat.builtin_catalogue.cache_clear()
