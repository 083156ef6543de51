"""Question templates on approval."""

from __future__ import annotations

from pim_sim import (
    Simulation,
    Status,
    facts,
)
from quizzes.generate.base import (
    ACTIVATE_PAGE,
    APPROVAL_PAGE,
    ENTRA_ROLES,
    SRC,
    D,
    Draw,
    Generated,
    H,
    _records,
    entra_tenant,
    facts_activity,
    refused,
    span,
    template,
    when,
)


@template("scheduled-start-and-approval", "approval", "approval")
def _scheduled_start(d: Draw) -> Generated:
    user, approver = d.people(2)
    role = d.rng.choice(ENTRA_ROLES)
    t0 = d.minute_of_day(8, 10)
    start = t0 + d.rng.choice([30, 60, 90, 120])
    decided = t0 + d.rng.choice([10, 20, 45, 100, 150, 200])
    sim = d.sim(entra_tenant([user, approver]))
    sim.assign(user, role)
    sim.set_settings(role, require_approval=True, approvers=(approver,))
    sim.run(t0)
    req = sim.activate(user, role, duration="PT4H", justification="maintenance", start=start)
    sim.run(decided)
    sim.approve(req.id, by=approver)
    sim.advance(6 * H)
    done = _records(sim, req.id, [facts_activity("ACTIVATION_COMPLETED")])[0]
    d.saw(sim, _records(sim, req.id))
    key = done.minute - t0
    return d.numeric(
        f"At {when(t0)} {user} requests {role} with a custom start time of {when(start)}. The role requires approval "
        f"and {approver} approves at {when(decided)}. How many minutes after the request does the activation begin?",
        key, "minutes",
        [(start - t0, "The start time can't beat the approval: nothing is active while the request waits.",
          "a scheduled activation starts at its start time even before it is approved"),
         (decided - t0, "An approved request still waits for the start time the user chose.",
          "approval activates the role at once, ignoring the requested start"),
         (0.0, "The request needs approval first.", "activation is immediate even when approval is required")],
        "The activation begins at the later of the requested start and the approval: "
        f"{when(done.minute)} here.", [ACTIVATE_PAGE, APPROVAL_PAGE], 3)


@template("approval-expiry", "approval", "approval")
def _approval_expiry(d: Draw) -> Generated:
    user, a1, a2 = d.people(3)
    role = d.rng.choice(ENTRA_ROLES)
    maximum = d.rng.choice([2, 4, 8, 12])
    t0 = d.minute_of_day(6, 20) + d.rng.randrange(0, 3) * D
    sim = d.sim(entra_tenant([user, a1, a2]))
    sim.assign(user, role)
    sim.set_settings(role, require_approval=True, approvers=(a1, a2), activation_max=maximum * H)
    sim.run(t0)
    req = sim.activate(user, role, duration=maximum * H, justification="on call")
    sim.advance(5 * D)
    rec = _records(sim, req.id, [facts_activity("ACTIVATION_REQUEST_EXPIRED")])[0]
    d.saw(sim, _records(sim, req.id))
    window = span(facts.APPROVAL_WINDOW_MINUTES)
    wrong = [(when(t0 + maximum * H), "The activation maximum limits the role's active time, not the approval wait.",
              "a pending request expires after the activation maximum duration"),
             (when(t0 + 72 * H), f"Approvers have {window}, not three days.", "approvers have three days"),
             (when(t0 + 7 * D), f"The window is {window} and can't be configured.",
              "a pending request waits a week (or until someone acts)")]
    return d.single(f"{role} requires approval by {a1} or {a2}. {user} requests activation at {when(t0)} and neither "
                    "approver acts. When does the request expire?", when(rec.minute),
                    [w for w in wrong if w[0] != when(rec.minute)],
                    f"Approvers have {window} to decide; the window isn't configurable. Then the request expires "
                    "('PIM activation request expired') and the user must submit a new one.", [APPROVAL_PAGE], 1)


@template("first-decision-wins", "approval", "approval")
def _first_decision(d: Draw) -> Generated:
    user, a1, a2 = d.people(3)
    role = d.rng.choice(ENTRA_ROLES)
    t0 = d.minute_of_day()
    first_approves = d.rng.random() < 0.5
    gaps = sorted(d.rng.sample(range(5, 120, 5), 2))
    sim = d.sim(entra_tenant([user, a1, a2]))
    sim.assign(user, role)
    sim.set_settings(role, require_approval=True, approvers=(a1, a2))
    sim.run(t0)
    req = sim.activate(user, role, duration="PT1H", justification="rollout")
    sim.run(t0 + gaps[0])
    (sim.approve if first_approves else sim.deny)(req.id, by=a1)
    sim.run(t0 + gaps[1])
    err = refused(lambda: (sim.deny if first_approves else sim.approve)(req.id, by=a2))
    d.saw(sim, _records(sim, req.id))
    if err:
        d.saw_refusal(sim)
    status = sim.requests[req.id].status
    status_text = {Status.PROVISIONED: "Approved: the role is activated", Status.DENIED: "Denied: no access"}[status]
    second = "denies" if first_approves else "approves"
    other = ("Denied: no access" if status is not Status.DENIED else "Approved: the role is activated")
    return d.single(f"{role} requires approval by {a1} or {a2}. {user} requests at {when(t0)}. {a1} "
                    f"{'approves' if first_approves else 'denies'} at {when(t0 + gaps[0])}; {a2} tries to {second[:-1]} "
                    f"at {when(t0 + gaps[1])}. What is the outcome?", status_text,
                    [(other, "The first approver's decision settles the request; later decisions are refused.",
                      "the last decision wins"),
                     ("Still pending: both approvers must agree", "One decision is enough; PIM approval is single-stage.",
                      "every approver must approve"),
                     ("Escalated to a Global Administrator", "PIM doesn't escalate; a split decision can't happen.",
                      "conflicting decisions escalate")],
                    "The request is resolved by the first approver who approves or denies; the others are told.",
                    [APPROVAL_PAGE], 2)


@template("who-may-approve", "approval", "approval")
def _who_may_approve(d: Draw) -> Generated:
    user, ga, pra, helpdesk, named = d.people(5)
    role = d.rng.choice(ENTRA_ROLES)
    explicit = d.rng.random() < 0.5
    listed = (named, user) if explicit else ()

    def build() -> tuple[Simulation, str]:
        sim = d.sim(entra_tenant([user, ga, pra, helpdesk, named]))
        sim.assign(ga, "Global Administrator", kind="active", justification="tier 0")
        sim.assign(pra, "Privileged Role Administrator", kind="active", justification="PIM admin")
        sim.assign(helpdesk, "Helpdesk Administrator", kind="active", justification="support")
        sim.assign(user, role)
        sim.set_settings(role, require_approval=True, approvers=listed)
        sim.advance(10)
        return sim, sim.activate(user, role, duration="PT1H", justification="audit fix").id

    choices = []
    for who, what in ((ga, "an active Global Administrator"), (pra, "an active Privileged Role Administrator"),
                      (helpdesk, "an active Helpdesk Administrator"), (named, "a user with no admin role"),
                      (user, "the requester")):
        sim, rid = build()
        sim.advance(5)
        err = refused(lambda sim=sim, rid=rid, who=who: sim.approve(rid, by=who))
        if err:
            d.saw_refusal(sim)
        else:
            d.note(f"{who} approved request {rid}")
        ok = err is None
        mis = ("the requester can approve their own request" if who == user else
               "admins can always approve" if who in (ga, pra) else
               "any administrator can approve" if who == helpdesk else
               "approvers need an admin role")
        choices.append((f"{who} ({what})", ok, err.message if err else f"{who} may approve.", mis))
    setup = (f"The approvers selected are {named} and {user}." if explicit else "No specific approvers are selected.")
    return d.multiple(f"{role} requires approval. {setup} {user} requests activation. Who may approve it?", choices,
                      "Selected approvers need no role; nobody approves their own request. With no approvers selected, "
                      "Microsoft Entra roles fall back to Privileged Role Administrators and Global Administrators.",
                      [APPROVAL_PAGE, facts.ENTRA_DEFAULT_APPROVER_ROLES.source], 3)


@template("cancel-then-approve", "approval", "approval")
def _cancel_then_approve(d: Draw) -> Generated:
    user, approver = d.people(2)
    role = d.rng.choice(ENTRA_ROLES)
    t0 = d.minute_of_day()
    c, a = sorted(d.rng.sample(range(5, 200, 5), 2))
    sim = d.sim(entra_tenant([user, approver]))
    sim.assign(user, role)
    sim.set_settings(role, require_approval=True, approvers=(approver,))
    sim.run(t0)
    req = sim.activate(user, role, duration="PT2H", justification="deploy")
    sim.run(t0 + c)
    sim.cancel(req.id)
    sim.run(t0 + a)
    err = refused(lambda: sim.approve(req.id, by=approver))
    d.saw(sim, _records(sim, req.id))
    if err:
        d.saw_refusal(sim)
    active = sim.holds(user, role)
    right = ("The approval is refused and the request stays canceled" if not active
             else "The approval activates the role for the two hours that were requested")
    return d.single(f"{user} requests {role} (approval required) at {when(t0)} and cancels the request at "
                    f"{when(t0 + c)}. At {when(t0 + a)} {approver} opens the request and clicks Approve. What happens?",
                    right,
                    [("The approval activates the role for the two hours that were requested",
                      "A canceled request can't be approved.", "a canceled request can still be approved"),
                     ("The request is reopened and waits for a second approver to confirm it",
                      "Nothing reopens a canceled request.", "canceling pauses a request"),
                     (f"{user} gets the role for the rest of the {span(facts.APPROVAL_WINDOW_MINUTES)} approval window",
                      f"The {span(facts.APPROVAL_WINDOW_MINUTES)} window is for deciding, not for access.",
                      "the approval window is an access window")],
                    "A pending request can be canceled by the requester; it can't then be approved. A new request is "
                    "needed.", [ACTIVATE_PAGE, SRC["graph_request"]], 1)


@template("self-approval", "approval", "approval")
def _self_approval(d: Draw) -> Generated:
    user, other = d.people(2)
    role = d.rng.choice(ENTRA_ROLES)
    sim = d.sim(entra_tenant([user, other]))
    sim.assign(user, "Global Administrator", kind="active", justification="tier 0")
    sim.assign(user, role)
    sim.set_settings(role, require_approval=True, approvers=(user, other))
    sim.advance(30)
    req = sim.activate(user, role, duration="PT1H", justification="hotfix")
    err = refused(lambda: sim.approve(req.id, by=user))
    d.saw_refusal(sim)
    status = sim.requests[req.id].status
    right = f"Refused; the request stays {status.value}"
    assert err is not None
    return d.single(f"{user} is an active Global Administrator and one of the two selected approvers ({user}, {other}) "
                    f"of {role}. {user} requests {role} and then tries to approve it. What happens?", right,
                    [("Approved: a Global Administrator can approve any request", "No role lets anyone approve their own "
                      "activation.", "Global Administrators can approve their own requests"),
                     ("Approved, because the user is a selected approver", "Being an approver doesn't cover one's own "
                      "request.", "approvers can approve their own requests"),
                     (f"Approved once {other}, the second selected approver, agrees as well",
                      "One decision settles a request; the requester's isn't valid.", "approval needs every approver")],
                    "Approvers aren't able to approve their own role activation requests, whatever roles they hold.",
                    [facts.SELF_APPROVAL_ALLOWED.source], 1)


@template("time-to-access", "approval", "approval")
def _time_to_access(d: Draw) -> Generated:
    user, approver = d.people(2)
    role = d.rng.choice(ENTRA_ROLES)
    t0 = d.minute_of_day()
    waits = [float(d.rng.randrange(5, 240, 5)) for _ in range(2)]
    sim = d.sim(entra_tenant([user, approver]))
    sim.assign(user, role)
    sim.set_settings(role, require_approval=True, approvers=(approver,))
    sim.run(t0)
    first = sim.activate(user, role, duration="PT1H", justification="first try")
    sim.advance(waits[0])
    sim.deny(first.id, by=approver, justification="use a ticket")
    sim.advance(10)
    second = sim.activate(user, role, duration="PT1H", justification="ticket 88")
    sim.advance(waits[1])
    sim.approve(second.id, by=approver)
    sim.advance(2 * H)
    d.saw(sim, [*_records(sim, first.id), *_records(sim, second.id)])
    done = _records(sim, second.id, [facts_activity("ACTIVATION_COMPLETED")])[0]
    key = done.minute - t0
    return d.numeric(
        f"At {when(t0)} {user} requests {role} (approval by {approver} required). {approver} denies it "
        f"{waits[0]:g} minutes later; {user} submits a new request 10 minutes after the denial, which {approver} "
        f"approves {waits[1]:g} minutes after it was made. How many minutes after the first request does the "
        "activation begin?", key, "minutes",
        [(waits[1], "The clock started with the first request; the denial didn't reset it.",
          "only the last request's wait counts"),
         (waits[0] + waits[1], "The user waited 10 more minutes before resubmitting.", "a denied request is resubmitted "
          "automatically"),
         (waits[0], "A denied request ends; a new request is needed, and waits for its own approval.",
          "a denied request can be approved later")],
        f"The first request was denied (a denied request ends), the second was approved at {when(done.minute)}, when "
        "the activation began.", [APPROVAL_PAGE], 2)
