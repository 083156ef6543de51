"""Question templates on groups."""

from __future__ import annotations

from pim_sim import (
    Group,
)
from quizzes.generate.base import ENTRA_ROLES, SRC, Draw, Generated, H, entra_tenant, template, when


@template("group-membership-access", "groups", "groups")
def _group_membership(d: Draw) -> Generated:
    user = d.people(1)[0]
    role = d.rng.choice(ENTRA_ROLES)
    group = d.rng.choice(["tier1-admins", "mail-admins", "sec-ops"])
    t0 = d.minute_of_day()
    tenant = entra_tenant([user], [Group(group, role_assignable=True)])
    sim = d.sim(tenant)
    sim.assign(group, role, kind="active", justification="group holds the role")
    sim.assign(user, "Member", f"/groups/{group}", duration="P90D")
    sim.run(t0)
    before = sim.holds(user, role)
    d.note(f"before activating: {sim.why_not(user, role).detail}")
    sim.activate(user, "Member", f"/groups/{group}", duration="PT2H", justification="mailbox move")
    sim.advance(30)
    during = sim.holds(user, role)
    d.note(f"30 minutes after activating membership: {sim.why_not(user, role).detail}")
    sim.advance(3 * H)
    after = sim.holds(user, role)
    d.note(f"3.5 hours after: {sim.why_not(user, role).detail}")
    group_text = f"The role-assignable group {group}"
    statements = [
        (f"Before activating, {user} has {role}.", before, "Eligible membership grants nothing until activated.",
         "eligible group membership already grants the group's roles"),
        (f"30 minutes after activating membership for 2 hours, {user} has {role}.", during,
         "Activated membership makes the user a member, and members hold the group's role.",
         "the user must also activate the role itself"),
        (f"3.5 hours after activating, {user} still has {role}.", after,
         "When the membership activation expires, the role goes with it.",
         "roles gained through a group stay after the membership ends"),
    ]
    return d.yes_no(f"{group_text} holds an active assignment of {role}. {user} is an eligible member of the group "
                    f"(PIM for Groups). At {when(t0)} {user} activates the membership for 2 hours.", statements,
                    "With PIM for Groups, an eligible member activates membership just in time and, while a member, "
                    "holds the roles assigned to the group.", [SRC["scope"], SRC["groups_api"]], 2)
