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
    activate_at = d.rng.choice([SUB, RG])
    sim = d.sim(azure_tenant([user, approver]))
    # eligible where it is activated: which scope's settings govern an activation narrowed to a child scope
    # isn't documented, so the question never turns on that
    sim.assign(user, role, activate_at, duration="P180D")
    sim.set_settings(role, SUB, require_approval=strict_at_sub, approvers=(approver,))
    sim.set_settings(role, RG, require_approval=not strict_at_sub, approvers=(approver,))
    sim.advance(30)
    req = sim.activate(user, role, activate_at, duration="PT1H", justification="release")
    d.saw(sim, _records(sim, req.id))
    pending = sim.requests[req.id].status is Status.PENDING_APPROVAL
    right = "It waits for approval" if pending else "It is activated without approval"
    other = "It is activated without approval" if pending else "It waits for approval"
    where = {SUB: "subscription prod", RG: "resource group rg-web"}
    return d.single(f"{role} on subscription prod requires approval: {'yes' if strict_at_sub else 'no'}. {role} on "
                    f"resource group rg-web (inside prod) requires approval: {'no' if strict_at_sub else 'yes'}. Both are "
                    f"set explicitly. {user} is eligible for {role} at {where[activate_at]} and activates it "
                    f"there. What happens?", right,
                    [(other, "The settings of the scope being activated apply; settings don't flow down the tree.",
                      "role settings are inherited from the parent scope" if activate_at == RG
                      else "the strictest setting anywhere in the tree applies"),
                     ("It needs two approvals, one for each scope's setting",
                      "Only the settings of the scope being activated apply; PIM doesn't combine the settings of "
                      "a scope and its parent.", "the settings of every scope in the path add up")],
                    "Azure role settings are per role per resource and aren't inherited: the settings made on the "
                    "subscription don't apply to its resource groups, whereas the assignment itself is inherited.",
                    [facts.SOURCES["azure_settings"]], 3)
