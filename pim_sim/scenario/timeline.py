"""The steps a run performs: the starting assignments, the approvers' response models and each
timeline step (``do: activate`` calls :meth:`Simulation.activate <pim_sim.Simulation.activate>`).
A step that finds nothing to act on is recorded beside PIM's refusals with rule ``ScenarioStep``."""

from __future__ import annotations

from pim_sim.core.approvals import ApproverBehaviour, Away
from pim_sim.core.events import ADMIN, Refusal
from pim_sim.core.requests import PENDING, Action, Request, Status
from pim_sim.core.schedules import Kind, Origin
from pim_sim.errors import ModelError, PimRefusal
from pim_sim.features.reviews import AccessReview, Review, ReviewerBehaviour
from pim_sim.scenario.spec import AssignmentSpec
from pim_sim.simulation import Simulation


def approver_behaviour(a) -> ApproverBehaviour:
    return ApproverBehaviour(a.respond_probability, a.median_delay, a.spread, a.approve_probability,
                             tuple(Away(w.from_, w.to) for w in a.away))


def make_assignment(sim: Simulation, a: AssignmentSpec) -> None:
    if a.outside_pim:
        sim.assign_outside_pim(a.principal, a.role, a.scope)
    else:
        sim.assign(a.principal, a.role, a.scope, kind=a.kind, duration=a.duration, justification=a.justification)


def _note(sim: Simulation, by: str, action: str, role: str, scope: str, code: str, message: str) -> None:
    """A scripted step that found nothing to act on is recorded beside PIM's refusals."""
    sim.refusals.append(Refusal(sim.now, by, action, role, scope, "ScenarioStep", code, message))


def _latest(sim: Simulation, requester: str, role: str, scope: str, actions, wanted) -> Request | None:
    """The latest request of ``requester`` for ``role`` at ``scope``: a ``wanted`` one if any."""
    found = [r for r in sim.requests.values()
             if r.principal == requester and r.role == role and r.scope == scope and r.action in actions]
    preferred = [r for r in found if wanted(r)]
    return (preferred or found)[-1] if found else None


def perform(sim: Simulation, step) -> None:
    """Carry out one timeline step now. PIM's refusals are recorded by the engine; a step that
    finds nothing to act on is recorded as a refusal with rule ``ScenarioStep``."""
    who = getattr(step, "by", None) or getattr(step, "principal", None) or getattr(step, "requester", "") or ADMIN
    try:
        _ACTIONS[step.do](sim, step)
    except PimRefusal:
        pass
    except (ModelError, KeyError) as e:
        _note(sim, who, step.do, getattr(step, "role", ""), getattr(step, "scope", ""), "ScenarioStepFailed",
              str(e).strip("\"'"))


def _decide(sim: Simulation, s, approve: bool) -> None:
    r = _latest(sim, s.requester, s.role, s.scope, {Action.SELF_ACTIVATE},
                lambda r: r.status is Status.PENDING_APPROVAL)
    if r is None:
        _note(sim, s.by, s.do, s.role, s.scope, "RequestNotFound",
              f"{s.by} found no activation request of {s.requester} for {s.role} to {s.do}.")
        return
    decide = sim.approve if approve else sim.deny
    decide(r.id, by=s.by, justification=s.justification if s.justification is not None
           else ("Approved" if approve else "Denied"))


def _cancel(sim: Simulation, s) -> None:
    r = _latest(sim, s.requester, s.role, s.scope, set(Action),
                lambda r: r.status in PENDING or (r.status is Status.GRANTED and r.start > sim.now))
    if r is None:
        _note(sim, s.by or s.requester, "cancel", s.role, s.scope, "RequestNotFound",
              f"{s.requester} has no request for {s.role} to cancel.")
        return
    sim.cancel(r.id, by=s.by)


def _decide_update(sim: Simulation, s) -> None:
    r = _latest(sim, s.requester, s.role, s.scope, {Action.SELF_EXTEND, Action.SELF_RENEW},
                lambda r: r.status is Status.PENDING_ADMIN_DECISION)
    if r is None:
        _note(sim, s.by, "decide_update", s.role, s.scope, "RequestNotFound",
              f"{s.by} found no extend or renew request of {s.requester} for {s.role}.")
        return
    sim.decide_update(r.id, by=s.by, approve=s.approve, justification=s.justification)


def _remove(sim: Simulation, s) -> None:
    now = sim.now
    for sched in reversed(sim.schedules_of(s.principal)):
        if (sched.role == s.role and sched.scope == s.scope and (s.kind is None or sched.kind is Kind(s.kind))
                and sched.origin in (Origin.ASSIGNED, Origin.OUTSIDE_PIM)
                and (sched.holds_at(now) or sched.start > now)):
            sim.remove(sched.id, by=s.by, justification=s.justification)
            return
    _note(sim, s.by, "remove", s.role, s.scope, "AssignmentNotFound",
          f"{s.principal} has no assignment of {s.role} at {s.scope} to remove.")


_ACTIONS = {
    "assign": lambda sim, s: sim.assign(s.principal, s.role, s.scope, kind=s.kind, duration=s.duration,
                                        justification=s.justification, by=s.by),
    "activate": lambda sim, s: sim.activate(s.principal, s.role, s.scope, duration=s.duration,
                                            justification=s.justification, ticket=s.ticket,
                                            ticket_system=s.ticket_system, mfa=s.mfa,
                                            context_satisfied=s.context_satisfied),
    "approve": lambda sim, s: _decide(sim, s, True),
    "deny": lambda sim, s: _decide(sim, s, False),
    "cancel": _cancel,
    "deactivate": lambda sim, s: sim.deactivate(s.principal, s.role, s.scope),
    "request_extend": lambda sim, s: sim.request_extend(s.principal, s.role, s.scope, kind=s.kind,
                                                        duration=s.duration, justification=s.justification),
    "request_renew": lambda sim, s: sim.request_renew(s.principal, s.role, s.scope, kind=s.kind,
                                                      duration=s.duration, justification=s.justification),
    "decide_update": _decide_update,
    "remove": _remove,
    "assign_outside_pim": lambda sim, s: sim.assign_outside_pim(s.principal, s.role, s.scope, by=s.by),
    "set_settings": lambda sim, s: sim.set_settings(s.role, s.scope, by=s.by, **s.changes()),
    "set_licence": lambda sim, s: sim.set_licence(s.licence),
    "sign_in": lambda sim, s: sim.sign_in(s.principal),
    "review": lambda sim, s: sim.reviews.create(review_definition(s)),
    "review_decide": lambda sim, s: _series(sim, s.review).decide(s.principal, s.approve, by=s.by, reason=s.reason),
    "review_apply": lambda sim, s: _series(sim, s.review).apply(by=s.by),
}


def review_definition(s) -> AccessReview:
    """The :class:`~pim_sim.features.reviews.AccessReview` a ``review`` step creates (starting now)."""
    behaviour = None if s.behaviour is None else ReviewerBehaviour(**s.behaviour.model_dump())
    return AccessReview(s.name, s.role, s.scope, assignment_type=s.assignment_type,
                        principal_types=tuple(s.principal_types), inactive_days=s.inactive_days, reviewers=s.reviewers,
                        selected=tuple(s.selected), fallback=tuple(s.fallback), frequency=s.frequency,
                        duration_days=s.duration_days, occurrences=s.occurrences, auto_apply=s.auto_apply,
                        no_response=s.no_response, recommendations=s.recommendations,
                        require_reason=s.require_reason, behaviour=behaviour, created_by=s.by)


def _series(sim: Simulation, name: str) -> Review:
    found = [r for r in sim.reviews.series.values() if r.definition.name == name]
    if not found:
        raise ModelError(f"no access review named {name!r} has been created yet")
    return found[-1]
