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
    template,
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
    req = sim.activate(user, role, scope, duration="PT1H", justification="change")
    rec = _records(sim, req.id, [facts_activity("ACTIVATION_COMPLETED")])[0]
    if lapse:
        sim.run(1 * D)
        sim.set_licence(Licence.FREE)
    sim.run(rec.minute + day * D)
    frame = sim.results().where_visible(sim.now)
    seen = set(frame[frame["seq"] == rec.seq]["place"])
    d.saw(sim, [rec])
    d.note(f"on day {day}: visible in {sorted(seen) or 'nowhere'}")
    pim_blade = Place.PIM_AZURE_RESOURCE_AUDIT if azure else Place.PIM_ENTRA_RESOURCE_AUDIT
    statements = []
    for p in (pim_blade, Place.ENTRA_AUDIT_PIM):
        ok = str(p) in seen
        statements.append((f"{p} still shows the record.", ok,
                           f"{p} {'still shows' if ok else 'no longer shows'} it on day {day}"
                           + (" (the P2 licence lapsed on day 1)." if lapse else "."),
                           "the record is kept there longer" if not ok else "PIM events stay only a few days there"))
    tier = "Free (the P2 licence lapsed on day 1)" if lapse else "P2"
    return d.yes_no(f"On day 0 {user} activates {role} ({'Azure resource' if azure else 'Microsoft Entra'} role). The "
                    f"tenant's licence is {tier}. On day {day} an auditor looks for the 'Add member to role completed "
                    "(PIM activation)' record. For each place, select Yes if the record can still be seen there.",
                    statements,
                    "PIM's Resource audit shows the past 30 days (and disappears without P2); the same events are in "
                    "the Microsoft Entra audit logs with Service = PIM, kept 7 days on Free and 30 days with P1 or P2.",
                    [facts.PIM_AUDIT_VIEW_MINUTES.source, facts.ENTRA_AUDIT_RETENTION_MINUTES.source,
                     facts.SOURCES["licence_lapse"]], 3)


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
    sim = d.sim(entra_tenant([user, approver]))
    sim.assign(user, role)
    sim.set_settings(role, require_approval=True, approvers=(approver,))
    sim.advance(60)
    req = sim.activate(user, role, duration="PT1H", justification="access review prep")
    sim.advance(15)
    sim.approve(req.id, by=approver)
    sim.advance(5)
    recs = _records(sim, req.id)
    core = [r for r in sim.audit if r.service == "Core Directory" and r.target == user and r.role == role]
    d.saw(sim, [*recs, *core])
    approved_review = next(r for r in recs if r.activity == facts_activity("REVIEW_REQUEST_APPROVED"))
    core_add = core[0]
    services = ["PIM", "Core Directory", "Access Reviews"]
    blanks = []
    for bid, rec in (("approval", approved_review), ("role_change", core_add)):
        wrong = [(s, f"The record is under Service = {rec.service}.",
                  "every PIM-related event is under Service = PIM" if s == "PIM" else
                  "role changes and approvals share one service") for s in services if s != rec.service]
        blanks.append((bid, rec.service, wrong))
    initiator_wrong = [(user, "The requester didn't write the directory change.", "the requester is the initiator"),
                       (approver, "The approver approved the request; PIM made the change.",
                        "the approver is the initiator of the role change")]
    blanks.append(("initiator", core_add.initiator, initiator_wrong))
    return d.dropdown("After an approved activation, the Microsoft Entra audit log shows the approval as 'Request "
                      "approved' under Service = [[approval]], and the role change 'Add member to role' under Service = "
                      "[[role_change]], initiated by [[initiator]].", blanks,
                      "PIM logs its own activities under Service = PIM; approvals also appear under Access Reviews "
                      "('Request approved'); Core Directory logs the resulting role change, initiated by MS-PIM.",
                      [facts.SOURCES["security_operations"], facts.MS_PIM.source, facts.SOURCES["activity_names"]], 3)
