"""Question templates on activation."""

from __future__ import annotations

from pim_sim import (
    SettingError,
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
    _hours,
    _records,
    entra_tenant,
    facts_activity,
    refused,
    span,
    span_range,
    template,
    when,
)


@template("activation-end", "activation", "entra")
def _activation_end(d: Draw) -> Generated:
    user, approver = d.people(2)
    role = d.rng.choice(ENTRA_ROLES)
    maximum = d.rng.choice([2, 4, 6, 10, 12]) * H
    asked = d.rng.choice([m for m in (1 * H, 2 * H, 3 * H, 5 * H, 9 * H) if m <= maximum])
    approval = d.rng.random() < 0.5
    sim = d.sim(entra_tenant([user, approver]))
    sim.assign(user, role)
    sim.set_settings(role, activation_max=maximum, require_approval=approval, approvers=(approver,) if approval else ())
    t0 = d.minute_of_day(8, 12)
    sim.run(t0)
    req = sim.activate(user, role, duration=asked, justification="change 4711")
    wait = float(d.rng.randrange(15, 180, 5)) if approval else 0.0
    if approval:
        sim.advance(wait)
        sim.approve(req.id, by=approver)
    sim.advance(2 * D)
    expired = _records(sim, req.id, [facts_activity("ACTIVATION_EXPIRED")])
    completed = _records(sim, req.id, [facts_activity("ACTIVATION_COMPLETED")])
    d.saw(sim, _records(sim, req.id))
    end = expired[0].minute
    flow = (f"The role requires approval; {approver} approves at {when(t0 + wait)}. Assume the activation's time "
            "counts from the approval (Microsoft Learn doesn't say whether it counts from the request or the approval)."
            if approval else "The role doesn't require approval.")
    stem = (f"{role} is set to an activation maximum of {_hours(maximum)}. {user} is eligible and, at {when(t0)}, "
            f"activates it for {_hours(asked)}. {flow} When does {user}'s activation end?")
    default = facts.DEFAULT_ACTIVATION_MAX_MINUTES
    wrong = [(when(t0 + default.value + (wait if approval else 0)),
              f"The requested duration applies, not the {span(default)} default.",
              f"every activation lasts the default {span(default)}"),
             (when(t0 + maximum + wait), "The user chose a duration below the maximum; PIM grants what was asked.",
              "an activation always lasts the role's maximum duration")]
    if approval:
        # Learn doesn't say whether the activation clock starts at the request or at the approval: no option
        # stands for the other reading (a request-based end), so the key never rests on the assumption alone,
        # and the stem states the assumption the run makes.
        d.exam_note = ("Undocumented timing: Microsoft Learn doesn't say whether an approved activation's time counts "
                       "from the request or from the approval. The simulation starts it at the approval, the stem "
                       "says so, and no option depends on the other reading.")
        wrong.append((when(t0 + maximum), "The activation starts at the approval and lasts what was asked, not the "
                                          "maximum counted from the request.",
                      "an activation always lasts the role's maximum duration"))
        wrong.append((when(t0 + asked + wait + 24 * H), "The activation ends the same day it was granted.",
                      "an activation takes effect the next day"))
    else:
        wrong.append((when(t0 + asked + 24 * H), "Activations without approval start at once; nothing waits a day.",
                      "an activation takes effect the next day"))
    distinct: dict[str, tuple[str, str, str]] = {}
    other_reading = when(t0 + asked) if approval else None  # the end if the time counted from the request
    for w in wrong:  # two mistakes can land on the same time; each option is shown once
        if w[0] not in (when(end), other_reading):
            distinct.setdefault(w[0], w)
    return d.single(stem, when(end), list(distinct.values())[:3],
                    f"The activation began at {when(completed[0].minute)} and lasts the {_hours(asked)} requested, "
                    f"so PIM removed it at {when(end)} ('Remove member from role (PIM activation expired)').",
                    [facts.DEFAULT_ACTIVATION_MAX_MINUTES.source, SRC["entra_settings"], APPROVAL_PAGE], 2)


@template("duration-over-maximum", "activation", "entra")
def _duration_over_maximum(d: Draw) -> Generated:
    user = d.people(1)[0]
    role = d.rng.choice(ENTRA_ROLES)
    maximum = d.rng.choice([1, 2, 3, 4, 6, 8]) * H
    asks = sorted(d.rng.sample([0.5 * H, 1 * H, 1.5 * H, 2 * H, 3 * H, 4 * H, 5 * H, 8 * H, 9 * H, 12 * H], 3))
    statements = []
    for ask in asks:
        sim = d.sim(entra_tenant([user]))
        sim.assign(user, role)
        sim.set_settings(role, activation_max=maximum)
        err = refused(lambda sim=sim, ask=ask: sim.activate(user, role, duration=ask, justification="work"))
        if err:
            d.saw_refusal(sim)
        else:
            d.saw(sim, _records(sim, activities=[facts_activity("ACTIVATION_COMPLETED")]))
        ok = err is None
        statements.append((f"A request for {_hours(ask)} is accepted.", ok,
                           f"{_hours(ask)} is {'within' if ok else 'above'} the {_hours(maximum)} maximum.",
                           "PIM silently shortens a request that is too long" if not ok
                           else f"the activation maximum is a fixed {span(facts.DEFAULT_ACTIVATION_MAX_MINUTES)}, "
                           "or requests must equal the maximum"))
    return d.yes_no(f"{role}'s activation maximum duration is set to {_hours(maximum)}. {user} is eligible. "
                    "For each request, is it accepted?", statements,
                    "A user may request any duration up to the role's activation maximum; a longer request is refused "
                    "(ExpirationRule), not shortened.",
                    [SRC["entra_settings"], facts.MIN_ASSIGNMENT_MINUTES.source], 1)


@template("activation-maximum-range", "settings", "entra")
def _activation_maximum_range(d: Draw) -> Generated:
    role = d.rng.choice(ENTRA_ROLES)
    values = sorted(d.rng.sample([0.5, 1, 2, 8, 12, 24, 25, 36, 48], 4))
    limits = facts.ACTIVATION_MAX_RANGE_MINUTES
    statements = []
    for hours in values:
        sim = d.sim(entra_tenant(["admin1"]))
        try:
            sim.set_settings(role, activation_max=hours * H)
            ok = True
            d.note(f"saved: activation maximum {hours:g} hours ({sim.audit[-1].activity})")
        except SettingError as e:
            ok = False
            d.note(f"refused setting: {e}")
        statements.append((f"An administrator can set the activation maximum duration to {hours:g} hours.", ok,
                           f"{hours:g} hours is {'inside' if ok else 'outside'} the {span_range(limits)} range.",
                           "older notes give a half hour as the lowest maximum" if hours < 1 and not ok else
                           "activation can last longer than a day" if not ok else
                           f"the maximum can't be changed from {span(facts.DEFAULT_ACTIVATION_MAX_MINUTES)}"))
    return d.yes_no(f"In PIM's settings for {role}, which activation maximum durations can be saved?", statements,
                    f"The Activation maximum duration slider runs from {span_range(limits)}.",
                    [facts.ACTIVATION_MAX_RANGE_MINUTES.source], 1)


@template("deactivate-window", "activation", "entra")
def _deactivate_window(d: Draw) -> Generated:
    user = d.people(1)[0]
    role = d.rng.choice(ENTRA_ROLES)
    t0 = d.minute_of_day()
    offsets = sorted(d.rng.sample([1, 2, 3, 4, 6, 8, 10, 15, 30], 3))  # not exactly 5: Learn doesn't say which side
    statements = []
    for k in offsets:
        sim = d.sim(entra_tenant([user]))
        sim.assign(user, role)
        sim.run(t0)
        sim.activate(user, role, duration="PT2H", justification="incident")
        sim.advance(k)
        err = refused(lambda sim=sim: sim.deactivate(user, role))
        d.outcome(sim, err, "DEACTIVATE_COMPLETED")
        ok = err is None
        statements.append((f"{user} can deactivate at {when(t0 + k)}.", ok,
                           f"That is {k} minutes after activation; deactivation is refused within "
                           f"{span(facts.NO_DEACTIVATE_WITHIN_MINUTES)}.",
                           "deactivation is possible at any moment" if not ok
                           else "an activation can't be ended early, or only after a longer wait"))
    return d.yes_no(f"{user} activates {role} for 2 hours at {when(t0)} and wants to end it early. "
                    f"Can {user} deactivate at each time?", statements,
                    f"PIM refuses to deactivate an activation within {span(facts.NO_DEACTIVATE_WITHIN_MINUTES)} after "
                    "it was activated (ActiveDurationTooShort); after that the user can deactivate at any time.",
                    [ACTIVATE_PAGE], 1)


@template("why-no-access", "activation", "entra")
def _why_no_access(d: Draw) -> Generated:
    from pim_sim import Reason

    user, approver = d.people(2)
    role = d.rng.choice(ENTRA_ROLES)
    case = d.rng.choice(["pending", "denied", "expired", "ended", "eligible"])
    sim = d.sim(entra_tenant([user, approver]))
    sim.assign(user, role)
    t0 = d.minute_of_day()
    if case in ("pending", "denied", "expired"):
        sim.set_settings(role, require_approval=True, approvers=(approver,))
    sim.run(t0)
    look = t0 + 60
    if case != "eligible":
        req = sim.activate(user, role, duration="PT2H", justification="fix")
        if case == "denied":
            sim.advance(20)
            sim.deny(req.id, by=approver, justification="not now")
        if case == "expired":
            look = t0 + facts.APPROVAL_WINDOW_MINUTES.value + H
        if case == "ended":
            look = t0 + 3 * H
    sim.run(look)
    why = sim.why_not(user, role)
    d.saw(sim, sim.audit)
    texts = {Reason.PENDING_APPROVAL: "The request is still waiting for an approver",
             Reason.REQUEST_DENIED: "The approver denied the request",
             Reason.REQUEST_EXPIRED: f"Nobody decided within {span(facts.APPROVAL_WINDOW_MINUTES)}, so the request "
                                     "expired",
             Reason.ACTIVATION_ENDED: "The activation has ended",
             Reason.ELIGIBLE_NOT_ACTIVATED: "The user is eligible but hasn't activated the role"}
    story = {"pending": f"At {when(t0)} {user} requests activation (approval by {approver} is required).",
             "denied": f"At {when(t0)} {user} requests activation; {approver} must approve.",
             "expired": f"At {when(t0)} {user} requests activation; {approver} must approve.",
             "ended": f"At {when(t0)} {user} activates the role for 2 hours.",
             "eligible": f"{user} was made eligible this morning."}[case]
    extra = {"denied": f" {approver} acted at {when(t0 + 20)}.", "expired": f" {approver} is on leave."}.get(case, "")
    right = texts[why.reason]
    mis = {Reason.PENDING_APPROVAL: "a request is approved automatically after a while",
           Reason.REQUEST_DENIED: "a denied request can be re-approved",
           Reason.REQUEST_EXPIRED: "a pending request waits indefinitely",
           Reason.ACTIVATION_ENDED: "an activation lasts until the user deactivates it",
           Reason.ELIGIBLE_NOT_ACTIVATED: "eligible means the role is usable"}
    wrong = [(t, "Not what the records show.", mis[r]) for r, t in texts.items() if r is not why.reason][:3]
    return d.single(f"{user} is eligible for {role}. {story}{extra} At {when(look)} {user} can't use the role. Why?",
                    right, wrong, f"The records show: {why.detail}", [ACTIVATE_PAGE, APPROVAL_PAGE], 2)
