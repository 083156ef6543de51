"""Probes on Azure scopes and groups."""

from __future__ import annotations

from typing import Any

from pim_sim import Group
from pim_sim.errors import PimRefusal
from quizzes.probes.base import Lab, probe, refusal


# --- scopes --------------------------------------------------------------------------------------------
@probe("In a tree corp > prod > web (management group, subscription, resource group), alice is eligible for "
       "Contributor on prod and bob for Reader on web, erin for Reader on prod (she activates it on vm1 only); "
       "carol is User Administrator for an administrative unit; approval is required for Contributor on prod only.")
def scopes(lab: Lab) -> dict[str, Any]:
    mg = "/providers/Microsoft.Management/managementGroups/corp"
    sub, other = "/subscriptions/prod", "/subscriptions/dev"
    rg = f"{sub}/resourceGroups/web"
    vm = f"{rg}/providers/Microsoft.Compute/virtualMachines/vm1"
    au = "/administrativeUnits/sales"
    sim = lab.sim("scopes", users=("alice", "bob", "carol", "dave", "erin"), scopes=[(sub, mg), (other, mg), rg, vm, au])
    sim.assign("alice", "Contributor", sub, kind="eligible", duration="P90D")
    sim.assign("bob", "Reader", rg, kind="eligible", duration="P90D")
    sim.assign("dave", "Contributor", rg, kind="eligible", duration="P90D")
    sim.assign("carol", "User Administrator", au, kind="active", justification="sales helpdesk", duration="P90D")
    sim.assign("erin", "Reader", sub, kind="eligible", duration="P90D")
    sim.set_settings("Contributor", sub, require_approval=True, approvers=("carol",))
    sim.advance("PT10M")
    at_sub = sim.activate("alice", "Contributor", sub, duration="PT2H", justification="x")
    sim.approve(at_sub.id, by="carol")
    sim.activate("bob", "Reader", rg, duration="PT2H", justification="x")
    at_rg = sim.activate("dave", "Contributor", rg, duration="PT2H", justification="x")
    narrowed = refusal(lambda: sim.activate("erin", "Reader", vm, duration="PT2H", justification="only vm1"))
    sim.advance("PT1M")
    return {
        "subscription_activation_status": str(sim.requests[at_sub.id].status),
        "alice_holds_at_resource_group": sim.holds("alice", "Contributor", rg),
        "alice_holds_at_resource": sim.holds("alice", "Contributor", vm),
        "alice_holds_at_management_group": sim.holds("alice", "Contributor", mg),
        "alice_holds_at_sibling_subscription": sim.holds("alice", "Contributor", other),
        "bob_holds_at_subscription": sim.holds("bob", "Reader", sub),
        "bob_holds_at_resource_group": sim.holds("bob", "Reader", rg),
        "inherited_directions": sorted(
            d for d, ok in (("down to child scopes", sim.holds("alice", "Contributor", rg)),
                            ("up to parent scopes", sim.holds("alice", "Contributor", mg)),
                            ("across to sibling scopes", sim.holds("alice", "Contributor", other))) if ok),
        "resource_group_activation_status": str(sim.requests[at_rg.id].status),
        "settings_inherited_by_child": str(sim.requests[at_rg.id].status) != "Provisioned",
        "resource_group_settings_note": sim.why_not("dave", "Contributor", rg).settings_note,
        "narrowed_activation_allowed": narrowed is None,
        "narrowed_activation_covers_resource": sim.holds("erin", "Reader", vm),
        "narrowed_activation_covers_subscription": sim.holds("erin", "Reader", sub),
        "au_holder_has_directory_wide_role": sim.holds("carol", "User Administrator"),
        "au_holder_has_role_in_unit": sim.holds("carol", "User Administrator", au),
    }


@probe("tier0 is a role-assignable group with an active Global Administrator assignment; alice is an eligible "
       "member of tier0 and activates the membership. Other groups: a plain security group and a dynamic group.")
def groups(lab: Lab) -> dict[str, Any]:
    tier0 = Group("tier0", role_assignable=True)
    staff = Group("staff")
    dyn = Group("auto", dynamic=True)
    sub = "/subscriptions/prod"
    sim = lab.sim("pim-for-groups", groups=[tier0, staff, dyn], scopes=[sub])
    sim.assign("tier0", "Global Administrator", kind="active", justification="tier 0 admins")
    sim.assign("alice", "Member", "/groups/tier0", kind="eligible", duration="P30D")
    sim.set_settings("Member", "/groups/tier0", require_approval=True, approvers=("bob",))
    sim.assign("carol", "Owner", "/groups/tier0", kind="eligible", duration="P30D")
    sim.advance("PT10M")
    before = sim.holds("alice", "Global Administrator")
    req = sim.activate("alice", "Member", "/groups/tier0", duration="PT1H", justification="x")
    pending = str(req.status)
    sim.approve(req.id, by="bob")
    after = sim.why_not("alice", "Global Administrator")
    owner = sim.activate("carol", "Owner", "/groups/tier0", duration="PT1H", justification="x")
    plain = refusal(lambda: sim.assign("staff", "Security Reader", kind="eligible"))
    azure = refusal(lambda: sim.assign("staff", "Reader", sub, kind="eligible", duration="P30D"))
    dynamic = refusal(lambda: sim.assign("bob", "Member", "/groups/auto", kind="eligible", duration="P30D"))
    return {
        "eligible_member_holds_role_before": before,
        "activated_member_holds_role": after.reason == "has access",
        "holds_through": "group" if after.holdings and after.holdings[0].via_group else "direct",
        "member_activation_status": pending,
        "owner_activation_status": str(owner.status),
        "member_and_owner_settings_separate": pending != str(owner.status),
        "plain_group_entra_role_refused": plain is not None,
        "plain_group_entra_role_code": plain.code if plain else "",
        "plain_group_azure_role_allowed": azure is None,
        "dynamic_group_refused": dynamic is not None,
        "dynamic_group_accepted": dynamic is None,
        "plain_group_entra_role_accepted": plain is None,
        "owner_activation_waits": str(owner.status) == "PendingApproval",
        "group_roles": sorted({s.role for s in sim.schedules.values() if s.surface == "groups"}),
    }


@probe("In corp > prod > web, pat is Privileged Role Administrator, uma User Access Administrator on prod, owen "
       "Owner of prod, rita Owner of web only and cody Contributor on prod; each tries to make erin eligible for "
       "Reader on prod and on web. Then, with 'Too many owners' set to 2 and 'Too many permanent owners' to 1, "
       "three people get Owner on prod (two permanently) and a custom role is duplicated.")
def azure_management(lab: Lab) -> dict[str, Any]:
    mg = "/providers/Microsoft.Management/managementGroups/corp"
    sub = "/subscriptions/prod"
    rg = f"{sub}/resourceGroups/web"
    sim = lab.sim("azure-managers", users=("pat", "uma", "owen", "rita", "cody", "erin"),
                  scopes=[mg, (sub, mg), rg])
    sim.assign("pat", "Privileged Role Administrator", kind="active", justification="x")
    sim.assign("uma", "User Access Administrator", sub, kind="active", duration="P180D", justification="x")
    sim.assign("owen", "Owner", sub, kind="active", duration="P180D", justification="x")
    sim.assign("rita", "Owner", rg, kind="active", duration="P180D", justification="x")
    sim.assign("cody", "Contributor", sub, kind="active", duration="P180D", justification="x")
    sim.advance("PT10M")

    def manages(who: str, scope: str) -> bool:
        try:
            sim.assign("erin", "Reader", scope, kind="eligible", duration="P30D", by=who)
        except PimRefusal:
            return False
        return True

    at_sub = sorted(w for w in ("pat", "uma", "owen", "rita", "cody") if manages(w, sub))
    at_rg = sorted(w for w in ("pat", "uma", "owen", "rita", "cody") if manages(w, rg))
    sim.set_settings("Contributor", rg, require_approval=True, approvers=("owen",))
    sim.assign("erin", "Contributor", rg, kind="eligible", duration="P30D")
    sim.advance("PT10M")
    rg_request = sim.activate("erin", "Contributor", rg, duration="PT1H", justification="deploy")
    alerts = lab.sim("azure-alerts", users=("o1", "o2", "o3"), scopes=[sub])
    alerts.alerts.configure("azure.tooManyOwners", max_owners=2)
    alerts.alerts.configure("azure.tooManyPermanentOwners", max_permanent_owners=1)
    alerts.set_settings("Owner", sub, active_permanent_allowed=True)
    alerts.assign("o1", "Owner", sub, kind="active", justification="x")
    alerts.assign("o2", "Owner", sub, kind="active", justification="x")
    alerts.assign("o3", "Owner", sub, kind="active", duration="P30D", justification="x")
    alerts.alerts.add_custom_role("Ops reader", sub, ("Microsoft.Compute/*/read",))
    alerts.alerts.add_custom_role("Ops reader 2", sub, ("Microsoft.Compute/*/read",))
    raised = {i.name: str(i.severity) for i in alerts.alerts.history}
    return {
        "azure_managers_at_subscription": at_sub,
        "azure_managers_at_resource_group": at_rg,
        "pra_manages_azure": "pat" in at_sub or "pat" in at_rg,
        "resource_group_owner_manages_subscription": "rita" in at_sub,
        "resource_group_owner_limited_to_it": "rita" in at_rg and "rita" not in at_sub,
        "resource_group_setting_applies": str(rg_request.status) == "PendingApproval",
        "azure_alerts_raised": sorted(raised),
        "azure_alert_severities": sorted(set(raised.values())),
        "azure_alert_severity": ", ".join(sorted(set(raised.values()))),
        "permanent_owner_alert_raised": "Too many permanent owners assigned to a resource" in raised,
    }


@probe("The administrative unit sales holds dana's and sam's users; an approval is required for Helpdesk "
       "Administrator. dana is eligible for Helpdesk Administrator scoped to sales and activates it; hank is "
       "eligible for it tenant-wide; an administrator tries to scope Global Administrator to sales.")
def administrative_units(lab: Lab) -> dict[str, Any]:
    from pim_sim.errors import ModelError

    au = "/administrativeUnits/sales"
    sim = lab.sim("administrative-unit", users=("dana", "hank", "bob"), scopes=[au])
    sim.set_settings("Helpdesk Administrator", require_approval=True, approvers=("bob",))
    sim.assign("dana", "Helpdesk Administrator", au, kind="eligible")
    sim.assign("hank", "Helpdesk Administrator", kind="eligible")
    sim.advance("PT10M")
    req = sim.activate("dana", "Helpdesk Administrator", au, duration="PT1H", justification="password resets")
    waits = str(req.status) == "PendingApproval"
    sim.approve(req.id, by="bob")
    sim.advance("PT5M")
    hank = sim.activate("hank", "Helpdesk Administrator", duration="PT1H", justification="tenant-wide")
    sim.approve(hank.id, by="bob")
    sim.advance("PT5M")
    try:
        sim.assign("bob", "Global Administrator", au, kind="eligible")
        ga_scoped = True
    except (ModelError, PimRefusal):
        ga_scoped = False
    return {
        "au_activation_waits_for_role_approval": waits,
        "au_holder_in_unit": sim.holds("dana", "Helpdesk Administrator", au),
        "au_holder_tenant_wide": sim.holds("dana", "Helpdesk Administrator"),
        "au_scoped_eligible_works": sim.holds("dana", "Helpdesk Administrator", au)
        and not sim.holds("dana", "Helpdesk Administrator"),
        "tenant_wide_holder_in_unit": sim.holds("hank", "Helpdesk Administrator", au),
        "tenant_wide_limited_to_unit": not sim.holds("hank", "Helpdesk Administrator"),
        "global_admin_scopable_to_unit": ga_scoped,
    }
