"""Role settings: documented defaults per surface, validated ranges, and where a setting applies."""

import pytest
from engine_builders import GA, RG, SEC, SUB, VM, activities, simulation, with_admin

from pim_sim import PimRefusal, RoleSettings, SettingError, SettingsBook, Surface, default_settings, facts
from pim_sim.core.policy import DEFAULT_PROVENANCE, NOTIFICATION_RULE_IDS, NotificationRule

DAY = 24 * 60


# --- defaults -------------------------------------------------------------------------------
def test_entra_defaults_are_the_unmodified_graph_policy():
    """Graph's example of an unmodified DirectoryRole policy (facts.SOURCES['graph_policy'])."""
    s = default_settings(Surface.ENTRA)
    assert (s.activation_max, s.require_mfa, s.auth_context, s.require_justification, s.require_ticket,
            s.require_approval, s.approvers, s.approver_justification_required) == (
        8 * 60, True, None, True, False, False, (), True)
    assert (s.eligible_permanent_allowed, s.eligible_max, s.active_permanent_allowed, s.active_max) == (
        True, 365 * DAY, True, 180 * DAY)
    assert (s.mfa_on_active_assignment, s.justification_on_active_assignment) == (False, True)
    assert all(n.default_recipients and not n.critical_only and not n.additional_recipients for n in s.notifications)


@pytest.mark.parametrize("surface", [Surface.AZURE, Surface.GROUPS])
def test_azure_and_groups_defaults_require_expiry_and_are_marked_undocumented(surface):
    s = default_settings(surface)
    assert (s.eligible_permanent_allowed, s.active_permanent_allowed, s.require_mfa) == (False, False, False)
    assert (s.eligible_max, s.active_max) == (365 * DAY, 180 * DAY)
    assert DEFAULT_PROVENANCE[surface].documented is False
    assert DEFAULT_PROVENANCE[Surface.ENTRA].documented is True


def test_the_default_activation_maximum_is_eight_hours():
    sim = simulation()
    sim.assign("alice", SEC, kind="eligible")
    r = sim.activate("alice", SEC, justification="audit")
    assert r.duration == facts.DEFAULT_ACTIVATION_MAX_MINUTES.value == 480


# --- ranges and conflicts ---------------------------------------------------------------------
@pytest.mark.parametrize("hours", [0.5, 24.5, 0, 48])
def test_activation_maximum_outside_one_to_24_hours_is_refused_naming_setting_value_and_range(hours):
    with pytest.raises(SettingError) as err:
        simulation().set_settings(SEC, activation_max=hours * 60)
    assert (err.value.setting, err.value.value) == ("Activation maximum duration", f"{hours:g} hours")
    assert str(err.value).startswith(f"Activation maximum duration: '{hours:g} hours' is not allowed; "
                                     "allowed range is 1 to 24 hours")
    assert err.value.source == facts.ACTIVATION_MAX_RANGE_MINUTES.source


@pytest.mark.parametrize("hours", [1, 1.75, 8, 24])
def test_activation_maximum_inside_the_range_is_accepted(hours):
    assert simulation().set_settings(SEC, activation_max=f"PT{hours * 60:g}M").activation_max == hours * 60


def test_mfa_and_authentication_context_together_are_refused():
    with pytest.raises(SettingError, match="not both \\(Graph error MfaAndAcrsConflict\\)"):
        simulation().set_settings(SEC, auth_context="c1")  # MFA is on by default
    assert simulation().set_settings(SEC, require_mfa=False, auth_context="c1").auth_context == "c1"


def test_a_blank_authentication_context_is_refused():
    with pytest.raises(SettingError, match="Conditional Access authentication context"):
        simulation().set_settings(SEC, require_mfa=False, auth_context="  ")


def test_an_unknown_setting_is_refused_by_name():
    with pytest.raises(SettingError, match=r"^require_mfaa: True is not allowed; no such role setting"):
        simulation().set_settings(SEC, require_mfaa=True)


@pytest.mark.parametrize("field", ["eligible_max", "active_max"])
def test_assignment_expiry_below_five_minutes_is_refused(field):
    with pytest.raises(SettingError, match="must be at least 5 minutes"):
        simulation().set_settings(SEC, **{field: 4})


def test_entra_approval_without_approvers_falls_back_to_pra_and_ga():
    sim = simulation()
    sim.set_settings(SEC, require_approval=True)
    sim.assign("bob", GA, kind="active", justification="x")
    sim.assign("carol", "Privileged Role Administrator", kind="active", justification="x")
    sim.assign("dave", "Security Reader", kind="active", justification="x")
    sim.assign("alice", SEC, kind="eligible")
    r = sim.activate("alice", SEC, duration="PT1H", justification="j")
    assert sim.approvers_for(r.id) == {"bob", "carol"}
    assert facts.ENTRA_DEFAULT_APPROVER_ROLES.value == ("Privileged Role Administrator", "Global Administrator")


@pytest.mark.parametrize(("role", "scope"), [("Owner", SUB), ("Member", "/groups/helpdesk")])
def test_azure_and_groups_have_no_default_approvers(role, scope):
    with pytest.raises(SettingError, match="have no default approvers; select at least one"):
        simulation().set_settings(role, scope, require_approval=True)
    assert simulation().set_settings(role, scope, require_approval=True, approvers=("bob",)).approvers == ("bob",)


def test_approvers_can_be_groups_expanded_to_their_members():
    sim = simulation()
    sim.set_settings(SEC, require_approval=True, approvers=("admins", "dave"))
    sim.assign("alice", SEC, kind="eligible")
    r = sim.activate("alice", SEC, duration="PT1H", justification="j")
    assert sim.approvers_for(r.id) == {"carol", "dave"}


# --- expiration rules on assignment -----------------------------------------------------------
@pytest.mark.parametrize("kind", ["eligible", "active"])
def test_permanent_assignments_refused_when_the_role_requires_expiry(kind):
    sim = simulation()
    sim.set_settings(SEC, **{f"{kind}_permanent_allowed": False, f"{kind}_max": "P90D"})
    with pytest.raises(PimRefusal, match=f"does not allow permanent {kind} assignments; set an end date within 90 days"):
        sim.assign("alice", SEC, kind=kind, justification="j")
    with pytest.raises(PimRefusal, match=f"{kind} assignments expire after at most 90 days"):
        sim.assign("alice", SEC, kind=kind, duration="P91D", justification="j")
    assert sim.assign("alice", SEC, kind=kind, duration="P90D", justification="j").status.value == "Provisioned"


def test_azure_default_refuses_a_permanent_eligible_assignment():
    with pytest.raises(PimRefusal, match="does not allow permanent eligible"):
        simulation().assign("alice", "Owner", SUB, kind="eligible")


def test_justification_on_active_assignment_is_required_by_default_and_can_be_turned_off():
    sim = simulation()
    with pytest.raises(PimRefusal, match="requires a justification on active assignment") as err:
        sim.assign("alice", SEC, kind="active")
    assert err.value.rule == "JustificationRule"
    sim.set_settings(SEC, justification_on_active_assignment=False)
    assert sim.assign("alice", SEC, kind="active").status.value == "Provisioned"


def test_mfa_on_active_assignment_binds_the_administrator_creating_it():
    sim = simulation()
    sim.set_settings(SEC, mfa_on_active_assignment=True)
    with pytest.raises(PimRefusal, match="administrator to complete multifactor authentication") as err:
        sim.assign("alice", SEC, kind="active", justification="j", mfa=False)
    assert err.value.rule == "MfaRule"
    assert sim.assign("alice", SEC, kind="eligible", mfa=False).status.value == "Provisioned"  # eligible: not checked
    assert sim.assign("bob", SEC, kind="active", justification="j", mfa=True).status.value == "Provisioned"


# --- where a setting applies -------------------------------------------------------------------
def test_entra_settings_are_per_role_tenant_wide():
    sim = simulation()
    sim.set_settings(SEC, activation_max="PT2H")
    assert [sim.settings_for(SEC, s).activation_max for s in ("/", "/administrativeUnits/paris")] == [120, 120]
    assert sim.settings_for("Security Reader", "/").activation_max == 480


def test_azure_settings_are_per_resource_and_not_inherited_by_child_scopes():
    sim = simulation()
    sim.set_settings("Owner", SUB, require_mfa=True, activation_max="PT1H")
    assert [sim.settings_for("Owner", s).activation_max for s in (SUB, RG, VM)] == [60, 480, 480]
    assert sim.why_not("alice", "Owner", RG).settings_note == (
        f"Owner settings at {RG} are the defaults: the settings made at {SUB} are not inherited by child scopes.")


def test_group_settings_are_per_role_per_group():
    sim = simulation()
    sim.set_settings("Member", "/groups/helpdesk", activation_max="PT2H")
    assert sim.settings_for("Member", "/groups/helpdesk").activation_max == 120
    assert sim.settings_for("Owner", "/groups/helpdesk").activation_max == 480
    assert sim.settings_for("Member", "/groups/admins").activation_max == 480


def test_settings_book_lookups_never_mutate_and_changes_make_new_books():
    book = SettingsBook()
    changed = book.with_setting(SEC, "/", Surface.ENTRA, RoleSettings(activation_max=60))
    assert (book.lookup(SEC, "/", Surface.ENTRA).activation_max, changed.lookup(SEC, "/", Surface.ENTRA).activation_max) == (
        480, 60)
    with pytest.raises(AttributeError):
        RoleSettings().require_mfa = False  # frozen


def test_changing_settings_is_audited_as_update_role_setting_in_pim():
    sim = simulation()
    sim.advance(3)
    sim.set_settings(SEC, require_ticket=True)
    assert activities(sim) == [("Update role setting in PIM", 3)]


def test_only_privileged_role_administrators_edit_entra_settings():
    sim = with_admin(simulation(), "bob", "Privileged Role Administrator")
    with pytest.raises(PimRefusal, match="alice can't do this") as err:
        sim.set_settings(SEC, require_ticket=True, by="alice")
    assert err.value.code == "AuthorizationFailed"
    assert sim.set_settings(SEC, require_ticket=True, by="bob").require_ticket


def test_only_owner_or_user_access_administrator_of_the_resource_edit_azure_settings():
    sim = simulation()
    sim.assign("bob", "User Access Administrator", RG, kind="active", duration="P30D", justification="j")
    with pytest.raises(PimRefusal, match="bob can't do this"):
        sim.set_settings("Owner", SUB, require_ticket=True, by="bob")
    assert sim.set_settings("Owner", VM, require_ticket=True, by="bob").require_ticket


def test_a_group_owner_edits_the_groups_settings():
    sim = simulation()
    sim.assign("dave", "Owner", "/groups/helpdesk", kind="active", duration="P30D", justification="owns it")
    assert sim.set_settings("Member", "/groups/helpdesk", activation_max="PT2H", by="dave").activation_max == 120
    with pytest.raises(PimRefusal, match="dave can't do this"):
        sim.set_settings("Member", "/groups/admins", activation_max="PT2H", by="dave")


@pytest.mark.parametrize("role", facts.GROUP_MANAGER_ROLES.value["other"])
def test_group_and_user_administrators_manage_a_group_that_is_not_role_assignable(role):
    sim = with_admin(simulation(), "bob", role)
    assert sim.set_settings("Member", "/groups/helpdesk", activation_max="PT2H", by="bob").activation_max == 120
    sim.assign("alice", "Member", "/groups/helpdesk", kind="eligible", duration="P30D", by="bob")
    assert sim.find("alice", "Member", "/groups/helpdesk")
    allowed_on_role_assignable = role in facts.GROUP_MANAGER_ROLES.value["role_assignable"]
    if allowed_on_role_assignable:
        assert sim.set_settings("Member", "/groups/admins", activation_max="PT2H", by="bob").activation_max == 120
    else:  # a role-assignable group needs Privileged Role Administrator (or Global Administrator) or an owner
        with pytest.raises(PimRefusal, match=r"bob can't do this.*Privileged Role Administrator") as err:
            sim.set_settings("Member", "/groups/admins", activation_max="PT2H", by="bob")
        assert err.value.source == facts.GROUP_MANAGER_ROLES.source
        with pytest.raises(PimRefusal, match="bob can't do this"):
            sim.assign("alice", "Member", "/groups/admins", kind="eligible", duration="P30D", by="bob")


def test_a_role_outside_the_group_managers_is_refused_on_any_group():
    sim = with_admin(simulation(), "bob", "Security Administrator")
    with pytest.raises(PimRefusal, match=r"Groups Administrator.*or an owner of the group"):
        sim.set_settings("Member", "/groups/helpdesk", activation_max="PT2H", by="bob")


# --- the nine notification rules -----------------------------------------------------------------
def test_there_are_nine_notification_rules_with_graph_ids():
    ids = sorted(n.rule_id for n in default_settings(Surface.ENTRA).notifications)
    assert ids == sorted(NOTIFICATION_RULE_IDS.values())
    assert len(ids) == 9 and all(i.startswith("Notification_") for i in ids)


def test_notification_rules_must_be_nine():
    rules = default_settings(Surface.ENTRA).notifications
    with pytest.raises(SettingError, match="exactly nine notification rules"):
        simulation().set_settings(SEC, notifications=rules[:8])


def test_at_most_1000_recipients_get_an_email_per_event_and_the_setting_is_accepted():
    rules = list(default_settings(Surface.ENTRA).notifications)
    i = next(k for k, n in enumerate(rules) if n.rule_id == "Notification_Admin_Admin_Eligibility")
    rules[i] = NotificationRule(rules[i].event, rules[i].recipient, default_recipients=False,
                                additional_recipients=tuple(f"u{k}@contoso.com" for k in range(1001)))
    sim = simulation()
    sim.set_settings(SEC, notifications=tuple(rules))
    sim.assign("alice", SEC, kind="eligible")
    sent = [n for n in sim.notifications if n.rule_id == "Notification_Admin_Admin_Eligibility"]
    assert len(sent) == 1
    to = sent[0].recipients.split(";")
    assert len(to) == 1000 and "u999@contoso.com" in to and "u1000@contoso.com" not in to


def _everything(sim):
    """One of each event: eligible assignment, active assignment, approved activation, extend request."""
    with_admin(sim)
    sim.set_settings(SEC, require_approval=True, approvers=("dave",))
    sim.assign("alice", SEC, kind="eligible", duration="P10D")
    sim.assign("carol", SEC, kind="active", duration="P10D", justification="j")
    r = sim.activate("alice", SEC, duration="PT1H", justification="j")
    sim.approve(r.id, by="dave")
    sim.request_extend("alice", SEC, kind="eligible", duration="P30D", justification="more")
    sim.request_extend("carol", SEC, kind="active", duration="P30D", justification="more")
    return sim


def test_each_of_the_nine_rules_sends_its_email():
    sim = _everything(simulation())
    sent = {n.rule_id for n in sim.notifications if sim.requests[n.request_id].role == SEC}
    assert sent == set(NOTIFICATION_RULE_IDS.values())


@pytest.mark.parametrize("rule_id", sorted(NOTIFICATION_RULE_IDS.values()))
def test_clearing_default_recipients_silences_a_rule_and_additional_recipients_still_get_it(rule_id):
    def configured(extra):
        rules = tuple(NotificationRule(n.event, n.recipient, default_recipients=False, additional_recipients=extra)
                      if n.rule_id == rule_id else n for n in default_settings(Surface.ENTRA).notifications)
        sim = simulation()
        sim.set_settings(SEC, notifications=rules)
        sim = _everything(sim)
        return [n.recipients for n in sim.notifications if n.rule_id == rule_id and sim.requests[n.request_id].role == SEC]

    assert configured(()) == []
    assert configured(("soc@contoso.com",)) and set(configured(("soc@contoso.com",))) == {"soc@contoso.com"}


# --- durations as Graph writes them -------------------------------------------------------------------
@pytest.mark.parametrize(("text", "mins"), [("PT8H", 480), ("P1D", 1440), ("PT1H45M", 105), ("P1DT9H30M", 2010), (90, 90)])
def test_durations_are_iso_8601_or_minutes(text, mins):
    from pim_sim import minutes

    assert minutes(text) == mins


@pytest.mark.parametrize(("bad", "message"), [
    ("P1M", "uses months or years; write days instead"), ("8 hours", "is not an ISO-8601 duration such as PT8H"),
    (True, "is not a duration")])
def test_a_bad_duration_says_what_is_wrong(bad, message):
    from pim_sim import ModelError

    with pytest.raises(ModelError, match=f"^activation_max: {bad!r} is not allowed; .*{message}"):
        simulation().set_settings(SEC, activation_max=bad)


@pytest.mark.parametrize(("change", "message"), [
    ({"require_mfa": "no"}, r"^require_mfa: 'no' is not allowed; must be true or false"),
    ({"approvers": "bob"}, r"^approvers: 'bob' is not allowed; give a list of user or group names"),
    ({"approvers": ["bob", 3]}, r"^approvers: \['bob', 3\] is not allowed"),
    ({"require_mfa": False, "auth_context": 1}, r"^auth_context: 1 is not allowed; name a Conditional Access")])
def test_a_setting_of_the_wrong_type_is_refused_by_name(change, message):
    with pytest.raises(SettingError, match=message):
        simulation().set_settings(SEC, **change)


def test_approvers_given_as_a_list_are_stored_immutably():
    assert simulation().set_settings(SEC, require_approval=True, approvers=["bob", "dave"]).approvers == ("bob", "dave")
