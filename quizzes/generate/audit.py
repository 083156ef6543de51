"""Question templates on audit."""

from __future__ import annotations

from pim_sim import (
    DIRECTORY,
    Licence,
    Place,
    facts,
)
from quizzes.generate.base import (
    AZURE_ROLES,
    ENTRA_ROLES,
    SUB,
    D,
    Draw,
    Generated,
    H,
    _records,
    azure_tenant,
    entra_tenant,
    facts_activity,
    span,
    template,
    when,
)


@template("audit-places", "audit", "audit")
def _audit_places(d: Draw) -> Generated:
    user = d.people(1)[0]
    azure = d.rng.random() < 0.5
    role = d.rng.choice(AZURE_ROLES) if azure else d.rng.choice(ENTRA_ROLES)
    scope = SUB if azure else DIRECTORY
    lapse = d.rng.random() < 0.35
    day = d.rng.choice([2, 5, 10, 20, 29, 45, 80, 100])
    sim = d.sim(azure_tenant([user]))
    sim.assign(user, role, scope, duration="P180D")
    sim.advance(60)
    before = len(sim.audit)
    req = sim.activate(user, role, scope, duration="PT1H", justification="change")
    rec = _records(sim, req.id, [facts_activity("ACTIVATION_COMPLETED")])[0]
    # the directory's own record of the change: written by the same activation, found by what happened
    directory = [r for r in sim.audit[before:] if r.service == "Core Directory" and r.target == user]
    if lapse:
        sim.run(1 * D)
        sim.set_licence(Licence.FREE)
    sim.run(rec.minute + day * D)
    frame = sim.results().where_visible(sim.now)
    seen = set(frame[frame["seq"] == rec.seq]["place"])
    d.saw(sim, [rec, *directory])
    d.note(f"on day {day}: the PIM record is visible in {sorted(seen) or 'nowhere'}")
    view, kept = facts.PIM_AUDIT_VIEW_MINUTES, facts.ENTRA_AUDIT_RETENTION_MINUTES
    pim_blade = Place.PIM_AZURE_RESOURCE_AUDIT if azure else Place.PIM_ENTRA_RESOURCE_AUDIT
    statements = []
    for p in (pim_blade, Place.ENTRA_AUDIT_PIM):
        ok = str(p) in seen
        statements.append((f"It can be seen in {p}.", ok, f"{p} {'still shows' if ok else 'no longer shows'} it on "
                           f"day {day}.", "the record is kept there longer" if not ok
                           else "audit records vanish after a few days everywhere"))
    if directory:
        core = set(frame[frame["seq"] == directory[0].seq]["place"])
        ok = str(Place.ENTRA_AUDIT_CORE_DIRECTORY) in core
        d.note(f"on day {day}: the directory's record is visible in {sorted(core) or 'nowhere'}")
        statements.append((f"The directory's own record of the change ('{directory[0].activity}', initiated by "
                           f"{directory[0].initiator}) can be seen under Service = Core Directory.", ok,
                           f"Core Directory records follow the Microsoft Entra audit log retention ({span(kept, 'Free')}"
                           f" on Free, {span(kept, 'P2')} with P1 or P2).",
                           "Core Directory keeps role changes longer than PIM's own records" if not ok
                           else "PIM writes no directory record of the role change"))
    tier = "Free (the P2 licence lapsed on day 1)" if lapse else "P2"
    kind = "an Azure resource" if azure else "a Microsoft Entra"
    return d.yes_no(f"On day 0 {user} activates {role} ({kind} role). The tenant's licence is {tier}. On day {day} an "
                    "auditor looks for the 'Add member to role completed (PIM activation)' record. For each statement, "
                    "select Yes if it is true.", statements,
                    f"PIM's Resource audit shows the past {span(view)} (and is gone without P2); the same events are in "
                    f"the Microsoft Entra audit logs with Service = PIM, kept {span(kept, 'Free')} on Free and "
                    f"{span(kept, 'P2')} with P1 or P2.",
                    [view.source, kept.source, facts.SOURCES["licence_lapse"]], 3)


@template("audit-order", "audit", "audit")
def _audit_order(d: Draw) -> Generated:
    user, approver = d.people(2)
    role = d.rng.choice(ENTRA_ROLES)
    ending = d.rng.choice(["expired", "deactivated"])
    sim = d.sim(entra_tenant([user, approver]))
    sim.assign(user, role)
    sim.set_settings(role, require_approval=True, approvers=(approver,))
    sim.advance(d.minute_of_day())
    req = sim.activate(user, role, duration="PT1H", justification="migration")
    sim.advance(d.rng.choice([10, 25, 40]))
    sim.approve(req.id, by=approver)
    if ending == "deactivated":
        sim.advance(d.rng.choice([10, 20, 30]))
        deact = sim.deactivate(user, role)
        ids = {req.id, deact.id}
    else:
        ids = {req.id}
    sim.advance(2 * H)
    end = "DEACTIVATE_COMPLETED" if ending == "deactivated" else "ACTIVATION_EXPIRED"
    wanted = [facts_activity(a) for a in ("ACTIVATION_APPROVAL_REQUESTED", "ACTIVATION_APPROVED",
                                          "ACTIVATION_COMPLETED", end)]
    recs = [r for r in sim.audit if r.request_id in ids and r.service == "PIM" and r.activity in wanted]
    d.saw(sim, recs)
    chosen = [r.activity for r in recs]
    return d.ordering(f"{user} requests {role} (approval required), {approver} approves and the activation is later "
                      f"{ending}. Put these PIM audit activities in the order they are recorded.", chosen,
                      "the approval is logged after the activation completes, or the end before the approval",
                      "PIM logs the approval request, then the approval, then the completed activation, then its end.",
                      [facts.SOURCES["activity_names"]], 2)


@template("audit-service-for-event", "audit", "audit")
def _audit_service(d: Draw) -> Generated:
    user, approver = d.people(2)
    role = d.rng.choice(ENTRA_ROLES)
    t0 = d.minute_of_day()
    ending = d.rng.choice(["deactivates", "lets it expire"])
    sim = d.sim(entra_tenant([user, approver]))
    sim.assign(user, role)
    sim.set_settings(role, require_approval=True, approvers=(approver,))
    sim.run(t0)
    start = len(sim.audit)
    req = sim.activate(user, role, duration="PT1H", justification="access review prep")
    sim.advance(d.rng.choice([5, 15, 25, 40]))
    sim.approve(req.id, by=approver)
    sim.advance(d.rng.choice([10, 20, 30]))
    if ending == "deactivates":
        sim.deactivate(user, role)
    sim.advance(2 * H)
    # every record the activation wrote, in order, found by when it was written and whom it is about
    recs = [r for r in sim.audit[start:] if r.target == user]
    d.saw(sim, recs)
    picked = sorted(d.rng.sample(range(len(recs)), 2))
    services = ["PIM", "Core Directory", "Access Reviews"]
    people = {user: "the requester", approver: "the approver"}
    blanks, lines = [], []
    for n, i in enumerate(picked, 1):
        rec = recs[i]
        wrong = [(s, f"The record is under Service = {rec.service}.",
                  "every PIM-related event is under Service = PIM" if s == "PIM" else
                  "approvals and role changes share one service") for s in services if s != rec.service]
        who = [(w, f"{rec.initiator} initiated it.",
                "the requester initiates every record of their request" if w == user else
                "the approver initiates the role change" if w == approver else
                "PIM's service principal writes every record") for w in (user, approver, "MS-PIM")
               if w != rec.initiator]
        blanks += [(f"service{n}", rec.service, wrong), (f"initiator{n}", rec.initiator, who)]
        lines.append(f"'{rec.activity}' at {when(rec.minute)} is under Service = [[service{n}]], initiated by "
                     f"[[initiator{n}]].")
    roles = ", ".join(f"{k} is {v}" for k, v in people.items())
    return d.dropdown(f"{role} requires approval. At {when(t0)} {user} requests it, {approver} approves and {user} "
                      f"later {ending}. ({roles}.) In the Microsoft Entra audit log, " + " ".join(lines), blanks,
                      "PIM logs its own activities under Service = PIM, the requester's requests initiated by the "
                      "requester and its own completions by MS-PIM; the approval also appears under Access Reviews "
                      "('Request approved') initiated by the approver; Core Directory logs the resulting role change, "
                      "initiated by MS-PIM.",
                      [facts.SOURCES["security_operations"], facts.MS_PIM.source, facts.SOURCES["activity_names"]], 3)
