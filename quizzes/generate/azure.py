"""Question templates on azure."""

from __future__ import annotations

from pim_sim import (
    Status,
    facts,
)
from quizzes.generate.base import (
    AZURE_ROLES,
    MG,
    RES,
    RG,
    SCOPE_NAMES,
    SRC,
    SUB,
    Draw,
    Generated,
    _records,
    azure_tenant,
    template,
)


@template("inherited-access", "azure", "azure-rbac")
def _inherited_access(d: Draw) -> Generated:
    user = d.people(1)[0]
    role = d.rng.choice(AZURE_ROLES)
    at = d.rng.choice([MG, SUB, RG])
    sim = d.sim(azure_tenant([user]))
    sim.assign(user, role, at, kind="active", duration="P90D", justification="ops")
    sim.advance(30)
    statements = []
    for scope in (MG, SUB, RG, RES):
        if scope == at:
            continue
        held = sim.holds(user, role, scope)
        why = sim.why_not(user, role, scope)
        d.note(f"{user} at {scope}: {why.reason}: {why.detail}")
        statements.append((f"{user} has {role} on {SCOPE_NAMES[scope]}.", held,
                           "Assignments apply at their scope and every scope below it, never above.",
                           "Azure role assignments inherit upward" if not held
                           else "an assignment applies only at the exact scope where it was made"))
    return d.yes_no(f"{user} has an active PIM assignment of {role} on {SCOPE_NAMES[at]} (the tree is management "
                    "group corp > subscription prod > resource group rg-web > web app app1).", statements,
                    "Azure role assignments inherit down the scope tree: management group > subscription > resource "
                    "group > resource.", [SRC["scope"], facts.SOURCES["azure_settings"]], 1)


@template("settings-not-inherited", "azure", "azure")
def _settings_not_inherited(d: Draw) -> Generated:
    user, approver = d.people(2)
    role = d.rng.choice(["Contributor", "Owner"])
    strict_at_sub = d.rng.random() < 0.5
    approval = {SUB: strict_at_sub, RG: not strict_at_sub}
    where = {SUB: "subscription prod", RG: "resource group rg-web"}
    statements = []
    for scope in d.rng.sample([SUB, RG], 2):
        sim = d.sim(azure_tenant([user, approver]))
        # eligible at both scopes, activated where eligible: which scope's settings govern an activation narrowed
        # from an inherited eligibility isn't documented, so the question never turns on that
        for s in (SUB, RG):
            sim.assign(user, role, s, duration="P180D")
        for s, on in approval.items():
            sim.set_settings(role, s, require_approval=on, approvers=(approver,))
        sim.advance(30)
        req = sim.activate(user, role, scope, duration="PT1H", justification="release")
        d.saw(sim, _records(sim, req.id))
        pending = sim.requests[req.id].status is Status.PENDING_APPROVAL
        other = RG if scope == SUB else SUB
        mis = ("role settings are inherited from the parent scope" if scope == RG and approval[SUB] else
               "the strictest setting anywhere in the tree applies" if not pending else
               "an activation at a child scope skips the parent's approval, or settings never require approval")
        statements.append((f"When {user} activates {role} at {where[scope]} (where {user} is eligible), the request "
                           "waits for approval.", pending,
                           f"The settings of {where[scope]} apply; those of {where[other]} don't flow to it.", mis))

    def says(s: str) -> str:
        return "requires approval" if approval[s] else "doesn't require approval"

    return d.yes_no(f"{role}'s PIM settings are set explicitly at two scopes: on subscription prod it {says(SUB)}; on "
                    f"resource group rg-web (inside prod) it {says(RG)}. {user} is eligible for {role} at both scopes. "
                    "For each statement, select Yes if it is true.", statements,
                    "Azure role settings are per role per resource and aren't inherited: the settings made on the "
                    "subscription don't apply to its resource groups, whereas the assignment itself is inherited.",
                    [facts.SOURCES["azure_settings"]], 3)
