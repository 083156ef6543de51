"""Question templates on assignments."""

from __future__ import annotations

from pim_sim import (
    DIRECTORY,
    Licence,
    Tenant,
    facts,
)
from quizzes.generate.base import (
    AZURE_ROLES,
    AZURE_SCOPES,
    ENTRA_ROLES,
    RENEW_PAGE,
    RG,
    SCOPE_NAMES,
    SUB,
    D,
    Draw,
    Generated,
    entra_tenant,
    refused,
    span,
    template,
    when,
)


@template("extend-window", "assignments", "entra")
def _extend_window(d: Draw) -> Generated:
    user = d.people(1)[0]
    role = d.rng.choice(ENTRA_ROLES)
    length = d.rng.choice([30, 45, 60, 90])
    window = facts.EXTEND_WINDOW_MINUTES
    days = sorted(d.rng.sample([n for n in range(1, length) if (length - n) * D != window.value], 3))  # not on the edge
    statements = []
    for day in days:
        sim = d.sim(entra_tenant([user]))
        sim.assign(user, role, duration=length * D)
        sim.run(day * D)
        err = refused(lambda sim=sim: sim.request_extend(user, role, duration="P30D", justification="project"))
        d.outcome(sim, err, "UPDATE_ELIGIBLE_EXTEND_REQUESTED")
        ok = err is None
        left = length - day
        statements.append((f"On day {day} {user} can request an extension.", ok,
                           f"On day {day} the assignment ends in {left} days; Extend needs {span(window)} or fewer.",
                           "Extend is available at any time" if not ok else "Extend opens only in the last few days"))
    return d.yes_no(f"{user} gets a time-bound eligible assignment of {role} on day 0, ending on day {length}. "
                    "On which days can the user request an extension (Extend on My roles)?", statements,
                    f"Users can ask to extend when the assignment ends within {span(window)}; an administrator approves. "
                    "Earlier, the Extend link is inactive.", [RENEW_PAGE], 2)


@template("renew-window", "assignments", "entra")
def _renew_window(d: Draw) -> Generated:
    user = d.people(1)[0]
    role = d.rng.choice(ENTRA_ROLES)
    length = d.rng.choice([7, 14, 30])
    after = sorted(d.rng.sample([1, 5, 10, 20, 29, 31, 45, 60, 89, 95], 3))
    statements = []
    for k in after:
        sim = d.sim(entra_tenant([user]))
        sim.assign(user, role, duration=length * D)
        sim.run((length + k) * D)
        err = refused(lambda sim=sim: sim.request_renew(user, role, duration="P30D", justification="still needed"))
        d.outcome(sim, err, "ELIGIBLE_REQUESTED_RENEW")
        ok = err is None
        statements.append((f"{k} day{'s' if k != 1 else ''} after it expired, {user} can request a renewal.", ok,
                           f"Renewal is available for up to {span(facts.RENEW_WINDOW_MINUTES)} after expiry.",
                           "expired assignments can be renewed for 90 days" if not ok
                           else "an expired assignment can't be renewed; it must be assigned again"))
    return d.yes_no(f"{user}'s time-bound eligible assignment of {role} lasted {length} days and has expired. "
                    "When can the user ask to renew it?", statements,
                    f"Expired assignments stay on the Expired roles tab for up to {span(facts.RENEW_WINDOW_MINUTES)}; in "
                    "that time the user can ask "
                    "to renew (an administrator approves). The common '90 days' isn't what Microsoft Learn says.",
                    [facts.RENEW_WINDOW_MINUTES.source], 2)


@template("remove-within-5-minutes", "assignments", "entra")
def _remove_window(d: Draw) -> Generated:
    user = d.people(1)[0]
    role = d.rng.choice(ENTRA_ROLES)
    t0 = d.minute_of_day()
    offsets = sorted(d.rng.sample([1, 2, 3, 4, 6, 7, 10, 20], 3))  # not exactly 5: Learn doesn't say which side
    statements = []
    for k in offsets:
        sim = d.sim(entra_tenant([user]))
        sim.run(t0)
        sch = sim.assign(user, role, kind="active", duration="P30D", justification="project").target_schedule
        sim.advance(k)
        err = refused(lambda sim=sim, sch=sch: sim.remove(sch))
        d.outcome(sim, err, "REMOVE_ACTIVE_COMPLETED_TIMEBOUND")
        ok = err is None
        statements.append((f"The administrator can remove it at {when(t0 + k)}.", ok,
                           f"{k} minutes after it was made; removal is refused within "
                           f"{span(facts.NO_REMOVE_WITHIN_MINUTES)}.",
                           "an assignment can be removed at once" if not ok else "a fresh assignment is locked longer"))
    return d.yes_no(f"At {when(t0)} an administrator makes a 30-day active assignment of {role} to {user}, then "
                    "realises it was a mistake. Can it be removed at each time?", statements,
                    f"An assignment can't be made for less than {span(facts.MIN_ASSIGNMENT_MINUTES)}, and can't be "
                    f"removed within {span(facts.NO_REMOVE_WITHIN_MINUTES)} of being made.",
                    [facts.NO_REMOVE_WITHIN_MINUTES.source], 2)


@template("service-principal-assignment", "assignments", "entra")
def _service_principal(d: Draw) -> Generated:
    sp = d.rng.choice(["build-pipeline", "backup-agent", "sync-app", "deploy-bot"])
    azure = d.rng.random() < 0.5
    role = d.rng.choice(AZURE_ROLES if azure else ENTRA_ROLES)
    scope = d.rng.choice([SUB, RG]) if azure else DIRECTORY
    tries = [("eligible", None), ("eligible", "P90D"), ("active", "P90D")]
    statements = []
    for kind, dur in tries:
        sim = d.sim(Tenant.build(users=["admin1"], service_principals=[sp], scopes=AZURE_SCOPES))
        err = refused(lambda sim=sim, kind=kind, dur=dur: sim.assign(sp, role, scope, kind=kind, duration=dur or
                                                                    ("P180D" if azure else None), justification="automation"))
        d.outcome(sim, err, "ACTIVE_COMPLETED_TIMEBOUND")
        ok = err is None
        length = "for 90 days" if dur else ("for 180 days" if azure else "permanently")
        statements.append((f"PIM accepts an {kind} assignment {length}.", ok,
                           "Service principals can't be eligible: they can't activate." if kind == "eligible" else
                           "A time-limited active assignment is how PIM covers a service principal.",
                           "service principals can activate like users" if kind == "eligible"
                           else "PIM can't assign roles to service principals"))
    where = SCOPE_NAMES[scope] if azure else "the directory"
    return d.yes_no(f"An administrator wants to give the service principal {sp} the {role} role at {where} through "
                    "PIM. Which assignments does PIM accept?", statements,
                    "Service principals can't be made eligible (for Entra roles, Azure roles or groups); they can only "
                    "get a time-limited active assignment.", [facts.SERVICE_PRINCIPAL_ELIGIBLE.source], 2)


@template("last-global-administrator", "assignments", "emergency")
def _last_global_admin(d: Draw) -> Generated:
    names = d.people(3)
    n_active = d.rng.choice([1, 2, 3])
    sim = d.sim(entra_tenant(names))
    ids = [sim.assign(n, "Global Administrator", kind="active", justification="tier 0").target_schedule
           for n in names[:n_active]]
    for n in names[n_active:]:
        sim.assign(n, "Global Administrator")  # eligible, not active
    sim.advance(60)
    outcomes = []
    for n, sid in zip(names, ids, strict=False):
        err = refused(lambda sid=sid: sim.remove(sid))
        if err:
            d.saw_refusal(sim)
        outcomes.append((n, err is None))
    refused_name = next((n for n, ok in outcomes if not ok), None)
    eligible = ", ".join(names[n_active:]) or "nobody"
    order = ", then ".join(names[:n_active])
    right = f"Removing {refused_name} is refused" if refused_name else "Every removal succeeds"
    wrong = [(f"Removing {names[0]} is refused", "The first removals leave other active Global Administrators.",
              "PIM protects the first Global Administrator"),
             ("Every removal succeeds", "PIM keeps the last active Global Administrator assignment.",
              "nothing stops an administrator removing the last Global Administrator"),
             (f"Removing {refused_name or names[-1]} succeeds because eligible Global Administrators remain",
              "Eligible assignments don't count: the last *active* assignment is protected.",
              "an eligible Global Administrator is enough for lock-out protection")]
    wrong = [w for w in wrong if w[0] != right]
    verb = "holds an active Global Administrator assignment" if n_active == 1 else \
        "hold active Global Administrator assignments"
    return d.single(f"{order} {verb}; eligible only: {eligible}. An "
                    f"administrator removes the active assignments one by one in that order. What happens?", right,
                    wrong[:3], "PIM won't remove the last active Global Administrator assignment (lock-out protection); "
                    "keep emergency-access accounts for that reason.", [facts.LAST_GLOBAL_ADMIN_PROTECTED.source], 2)


@template("licence-lapse", "assignments", "entra")
def _licence_lapse(d: Draw) -> Generated:
    a, b, c, e = d.people(4)
    role = d.rng.choice(ENTRA_ROLES)
    end_b = d.rng.choice([10, 20, 40])
    lapse = d.rng.choice([3, 5, 8])
    look = lapse + d.rng.choice([1, 15, 45])
    sim = d.sim(entra_tenant([a, b, c, e]))
    sim.assign(a, role, kind="active", justification="standing")
    sim.assign(b, role, kind="active", duration=end_b * D, justification="project")
    sim.assign(c, role)
    sim.assign(e, role, duration=60 * D)
    sim.run(lapse * D)
    sim.set_licence(Licence.FREE)
    sim.run(look * D)
    rows = [(a, "a permanent active assignment"), (b, f"an active assignment ending on day {end_b}"),
            (c, "a permanent eligible assignment"), (e, "an eligible assignment ending on day 60")]
    statements = []
    for who, what in rows:
        held = sim.holds(who, role) or sim.find(who, role, kind="eligible") is not None
        d.note(f"day {look}: {who} {'still has' if held else 'has lost'} {role} ({sim.why_not(who, role).reason})")
        statements.append((f"{who} ({what}) still has an assignment of {role} on day {look}.", held,
                           "After a lapse, permanent active stays, time-bound active becomes permanent, eligible "
                           "assignments are removed.",
                           "a licence lapse removes every PIM assignment" if held
                           else "assignments continue unchanged without the licence"))
    return d.yes_no(f"The tenant's Microsoft Entra ID P2 licence lapses on day {lapse} (it becomes Free). Which "
                    f"assignments of {role} remain on day {look}?", statements,
                    "When P2 or ID Governance lapses: eligible assignments are removed, time-bound active assignments "
                    "become permanent active, permanent active assignments are unaffected and role settings are "
                    "removed.", [facts.SOURCES["licence_lapse"]], 3)
