"""Probes: small scenarios whose records decide answer keys.

A probe builds one or more tiny tenants in a :class:`Lab`, drives the engine through its
public API and returns **observations** (named facts read from the records: an activity name,
a status, a number of hours). A question names a probe and one observation; the verifier
derives the key from it. The probe's evidence (the audit rows and a readable timeline of every
run) is kept so a learner can see what happened in the simulated tenant.

Probes never read a question, and never read a constant from :mod:`pim_sim.facts` to produce
an observation: they observe what the engine did. So when a modelled fact changes (the
approval window, where a record is visible), the affected observations change with it and the
verifier reports the questions whose keys no longer agree.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from pim_sim import Group, PimRefusal, Simulation, Tenant
from pim_sim.errors import SettingError

HOUR = 60.0
DAY = 24 * HOUR
AUDIT_COLUMNS = ["run", "minute", "activity", "service", "category", "initiator", "target", "role", "scope",
                 "result", "request_id", "status_reason"]


@dataclass(frozen=True, slots=True, eq=False)
class ProbeResult:
    """What a probe observed, and the evidence: every run's audit rows and a timeline."""

    probe: str
    story: str
    observations: Mapping[str, Any]
    evidence: pd.DataFrame
    timeline: tuple[str, ...]

    def observed(self, name: str) -> Any:
        try:
            return self.observations[name]
        except KeyError:
            known = ", ".join(sorted(self.observations))
            raise KeyError(f"probe {self.probe!r} observes no {name!r}; it observes: {known}") from None


@dataclass(slots=True)
class Lab:
    """The small simulations one probe runs. Each becomes part of the probe's evidence."""

    runs: list[tuple[str, Simulation]] = field(default_factory=list)

    def sim(self, label: str, users=("alice", "bob", "carol", "dave"), *, groups=(), scopes=(),
            service_principals=(), licence="P2", seed: int = 1, **kwargs) -> Simulation:
        tenant = Tenant.build(users=users, groups=groups, scopes=scopes, service_principals=service_principals,
                              licence=licence)
        sim = Simulation(tenant, seed=seed, lag=False, **kwargs)
        self.runs.append((label, sim))
        return sim


@dataclass(frozen=True, slots=True)
class Probe:
    name: str
    story: str
    fn: Callable[[Lab], dict[str, Any]]


PROBES: dict[str, Probe] = {}


def probe(story: str) -> Callable[[Callable[[Lab], dict[str, Any]]], Callable[[Lab], dict[str, Any]]]:
    """Register a probe under its function's name; ``story`` says what the scenario does."""

    def register(fn: Callable[[Lab], dict[str, Any]]) -> Callable[[Lab], dict[str, Any]]:
        if fn.__name__ in PROBES:
            raise ValueError(f"probe {fn.__name__!r} is registered twice")
        PROBES[fn.__name__] = Probe(fn.__name__, story, fn)
        return fn

    return register


def run_probe(name: str) -> ProbeResult:
    """Run one probe and gather its evidence."""
    try:
        p = PROBES[name]
    except KeyError:
        raise KeyError(f"no probe named {name!r}; known: {', '.join(sorted(PROBES))}") from None
    lab = Lab()
    observations = {k: _plain(v) for k, v in p.fn(lab).items()}
    return ProbeResult(name, p.story, observations, _evidence(lab), _timeline(lab))


def _plain(value: Any) -> Any:
    """Enum members become their plain values, so observations compare with YAML text."""
    if isinstance(value, str):
        return str(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted(_plain(v) for v in value)
    return value


def _evidence(lab: Lab) -> pd.DataFrame:
    frames = []
    for label, sim in lab.runs:
        df = sim.results().audit
        df.insert(0, "run", label)
        frames.append(df)
    if not frames:
        return pd.DataFrame(columns=AUDIT_COLUMNS)
    df = pd.concat(frames, ignore_index=True)
    return df[[c for c in AUDIT_COLUMNS if c in df.columns]]


def _timeline(lab: Lab) -> tuple[str, ...]:
    lines = []
    for label, sim in lab.runs:
        events = [(a.minute, 0, f"{a.activity} [{a.service}] by {a.initiator} for {a.target} ({a.role})")
                  for a in sim.audit]
        events += [(r.minute, 1, f"REFUSED {r.action} by {r.principal} ({r.role}): {r.rule} {r.code}: {r.message}")
                   for r in sim.refusals]
        for minute, _, text in sorted(events, key=lambda e: (e[0], e[1])):
            lines.append(f"{label} | {_when(minute)} | {text}")
    return tuple(lines)


def _when(minute: float) -> str:
    days, rest = divmod(minute, DAY)
    hours, mins = divmod(rest, HOUR)
    return f"day {int(days)} {int(hours):02d}:{mins:04.1f}"


# --- helpers ---------------------------------------------------------------------------------
def refusal(call: Callable[[], object]) -> PimRefusal | None:
    """The refusal a call raises, or None when PIM accepts it."""
    try:
        call()
    except PimRefusal as e:
        return e
    return None


def setting_refused(call: Callable[[], object]) -> bool:
    try:
        call()
    except SettingError:
        return True
    return False


def activities(sim: Simulation, service: str | None = None, request_id: str | None = None) -> list[str]:
    return [a.activity for a in sim.audit
            if (service is None or a.service == service) and (request_id is None or a.request_id == request_id)]


def first(sim: Simulation, activity_fragment: str):
    for a in sim.audit:
        if activity_fragment in a.activity:
            return a
    raise LookupError(f"no audit record containing {activity_fragment!r}")


def statuses(sim: Simulation, request_id: str) -> list[str]:
    out: list[str] = []
    for change in sim.status_log:
        if change.request_id == request_id and (not out or out[-1] != str(change.status)):
            out.append(str(change.status))
    return out


def eligible_alice(lab: Lab, label: str, role: str = "Global Administrator", **settings) -> Simulation:
    """alice eligible for a role (permanently); bob and carol hold nothing."""
    sim = lab.sim(label)
    sim.assign("alice", role, kind="eligible")
    if settings:
        sim.set_settings(role, **settings)
    return sim


# --- eligible and active ----------------------------------------------------------------------
@probe("alice is made eligible for Global Administrator and bob active; we ask who holds the role, then alice activates.")
def eligible_vs_active(lab: Lab) -> dict[str, Any]:
    sim = lab.sim("eligible-vs-active")
    sim.assign("alice", "Global Administrator", kind="eligible")
    sim.assign("bob", "Global Administrator", kind="active", justification="standing admin")
    sim.advance("PT10M")
    eligible_holds = sim.holds("alice", "Global Administrator")
    why = sim.why_not("alice", "Global Administrator").reason
    active_holds = sim.holds("bob", "Global Administrator")
    req = sim.activate("alice", "Global Administrator", duration="PT1H", justification="incident")
    sim.advance("PT5M")
    after = sim.holds("alice", "Global Administrator")
    activated = sim.find("alice", "Global Administrator", kind="active")
    sim.advance("PT2H")
    still_eligible = sim.find("alice", "Global Administrator", kind="eligible") is not None
    return {
        "eligible_grants_access": eligible_holds,
        "eligible_reason": str(why),
        "active_grants_access": active_holds,
        "activation_grants_access": after,
        "activation_is_timebound": activated is not None and activated.end is not None,
        "activation_request_status": str(sim.requests[req.id].status),
        "holds_after_activation_window": sim.holds("alice", "Global Administrator"),
        "eligibility_remains_after_activation": still_eligible,
        "eligible_assignment_activity": first(sim, "Add eligible member to role in PIM completed").activity,
        "active_assignment_activity": first(sim, "Add member to role in PIM completed").activity,
    }


@probe("Four assignments are made: permanent and time-bound, eligible and active; the time-bound ones run out.")
def permanent_vs_timebound(lab: Lab) -> dict[str, Any]:
    sim = lab.sim("permanent-vs-timebound")
    sim.assign("alice", "Security Administrator", kind="eligible")
    sim.assign("bob", "Security Administrator", kind="eligible", duration="P7D")
    sim.assign("carol", "Security Reader", kind="active", justification="audit", duration="P2D")
    sim.assign("dave", "Security Reader", kind="active", justification="audit")
    completed = activities(sim, "PIM")
    sim.advance("P8D")
    return {
        "permanent_eligible_activity": completed[1],
        "timebound_eligible_activity": completed[3],
        "timebound_active_activity": completed[5],
        "permanent_active_activity": completed[7],
        "timebound_eligible_remains_after_end": sim.find("bob", "Security Administrator", kind="eligible") is not None,
        "timebound_active_holds_after_end": sim.holds("carol", "Security Reader"),
        "permanent_active_holds_after_end": sim.holds("dave", "Security Reader"),
        "timebound_eligible_end_activity": first(sim, "Remove eligible member from role in PIM completed").activity,
        "timebound_end_reason": str(sim.why_not("carol", "Security Reader").reason),
        "kinds_of_assignment": sorted({f"{'permanent' if s.end is None else 'time-bound'} {s.kind}"
                                       for s in sim.schedules.values()}),
    }


# --- the activation flow ------------------------------------------------------------------------
@probe("Global Administrator requires approval by bob; alice activates for 2 hours, bob approves after 10 minutes, "
       "and the activation runs out.")
def activation_flow(lab: Lab) -> dict[str, Any]:
    sim = eligible_alice(lab, "activation-flow", require_approval=True, approvers=("bob",))
    sim.advance("PT10M")
    req = sim.activate("alice", "Global Administrator", duration="PT2H", justification="patch Tuesday",
                       ticket="CHG-1")
    pending_holds = sim.holds("alice", "Global Administrator")
    pending_reason = str(sim.why_not("alice", "Global Administrator").reason)
    sim.advance("PT10M")
    sim.approve(req.id, by="bob", justification="ok")
    sim.advance("PT3H")
    pim = activities(sim, "PIM", req.id)
    approved = first(sim, "request approved (PIM activation)")
    core = [a for a in sim.audit if a.service == "Core Directory" and a.target == "alice"
            and a.activity == "Add member to role"]
    return {
        "pim_activity_order": pim,
        "status_order": statuses(sim, req.id),
        "pending_grants_access": pending_holds,
        "pending_reason": pending_reason,
        "approver_in_audit": approved.initiator,
        "approval_also_logged_by_service": sorted({a.service for a in sim.audit
                                                   if a.request_id == req.id and a.initiator == "bob"}),
        "core_directory_initiator": core[0].initiator if core else "",
        "core_directory_activity": core[0].activity if core else "",
        "activation_duration_hours": (approved and (sim.schedules_of("alice")[-1].end
                                                    - sim.schedules_of("alice")[-1].start) / HOUR),
        "activation_starts_at": "approval" if sim.schedules_of("alice")[-1].start == approved.minute else "request",
        "end_activity": first(sim, "PIM activation expired").activity,
        "ticket_in_audit": first(sim, "requested (PIM activation)").ticket,
    }


@probe("alice tries to activate Global Administrator while missing one requirement at a time.")
def activation_requirements(lab: Lab) -> dict[str, Any]:
    sim = eligible_alice(lab, "requirements")
    no_just = refusal(lambda: sim.activate("alice", "Global Administrator", duration="PT1H", justification=""))
    no_mfa = refusal(lambda: sim.activate("alice", "Global Administrator", duration="PT1H", justification="x",
                                          mfa=False))
    sim.set_settings("Global Administrator", require_ticket=True)
    no_ticket = refusal(lambda: sim.activate("alice", "Global Administrator", duration="PT1H", justification="x"))
    any_ticket = refusal(lambda: sim.activate("alice", "Global Administrator", duration="PT1H", justification="x",
                                              ticket="not-a-real-ticket"))
    audited = {r.rule for r in sim.refusals} & {a.activity for a in sim.audit}
    # authentication context without any Conditional Access policy for it: MFA is the fallback
    ctx = eligible_alice(lab, "auth-context", role="Security Administrator")
    ctx.set_settings("Security Administrator", require_mfa=False, auth_context="c1")
    fallback = refusal(lambda: ctx.activate("alice", "Security Administrator", duration="PT1H", justification="x",
                                            mfa=False))
    both = setting_refused(lambda: ctx.set_settings("Security Administrator", require_mfa=True, auth_context="c1"))
    with_policy = lab.sim("auth-context-with-policy", auth_contexts=("c1",))
    with_policy.assign("alice", "Security Administrator", kind="eligible")
    with_policy.set_settings("Security Administrator", require_mfa=False, auth_context="c1")
    unmet = refusal(lambda: with_policy.activate("alice", "Security Administrator", duration="PT1H",
                                                 justification="x", context_satisfied=False))
    # no admin role is needed to activate one's own eligible role: alice holds nothing else
    plain = eligible_alice(lab, "no-admin-role-needed", role="User Administrator")
    own = refusal(lambda: plain.activate("alice", "User Administrator", duration="PT1H", justification="x"))
    other = refusal(lambda: plain.activate("bob", "User Administrator", duration="PT1H", justification="x"))
    return {
        "missing_justification_rule": no_just.rule if no_just else "accepted",
        "missing_mfa_rule": no_mfa.rule if no_mfa else "accepted",
        "missing_ticket_rule": no_ticket.rule if no_ticket else "accepted",
        "any_ticket_text_accepted": any_ticket is None,
        "refusals_written_to_audit_log": bool(audited) or any(a.result != "success" for a in sim.audit),
        "context_without_policy_rule": fallback.rule if fallback else "accepted",
        "mfa_and_context_together_allowed": not both,
        "context_policy_unmet_rule": unmet.rule if unmet else "accepted",
        "admin_role_needed_to_activate_own_role": own is not None,
        "not_eligible_rule": other.rule if other else "accepted",
        "not_eligible_code": other.code if other else "accepted",
    }


@probe("alice activates with no duration, too long and too short durations, and deactivates early; the "
       "administrator tries maximum durations from 30 minutes to 25 hours.")
def activation_limits(lab: Lab) -> dict[str, Any]:
    sim = eligible_alice(lab, "limits")
    req = sim.activate("alice", "Global Administrator", justification="default duration")
    s = sim.find("alice", "Global Administrator", kind="active")
    default_hours = (s.end - s.start) / HOUR
    early = {}
    for wait in (1, 2, 3, 4, 5, 6):
        sim.run(wait)
        if not refusal(lambda: sim.deactivate("alice", "Global Administrator")):
            early = {"earliest_deactivation_minutes": wait}
            break
    deactivate_codes = sorted({r.code for r in sim.refusals if r.action == "selfDeactivate"})
    sim.advance("PT10M")
    too_long = refusal(lambda: sim.activate("alice", "Global Administrator", duration="PT9H", justification="x"))
    accepted_minutes = [m for m in (1, 3, 4, 5, 10)
                        if refusal(lambda m=m: _fresh_activation(lab, m)) is None]
    allowed = []
    for hours in (0.5, 1, 2, 8, 12, 24, 25, 48):
        if not setting_refused(lambda h=hours: sim.set_settings("Security Reader", activation_max=h * HOUR)):
            allowed.append(hours)
    return {
        "default_activation_hours": default_hours,
        "default_request_status": str(sim.requests[req.id].status),
        **early,
        "early_deactivation_code": deactivate_codes[0] if deactivate_codes else "",
        "longer_than_maximum_rule": too_long.rule if too_long else "accepted",
        "shortest_activation_minutes": min(accepted_minutes),
        "activation_maximum_lowest_hours": min(allowed),
        "activation_maximum_highest_hours": max(allowed),
        "deactivate_activity": first(sim, "completed (PIM deactivate)").activity,
    }


def _fresh_activation(lab: Lab, mins: float) -> None:
    sim = Simulation(Tenant.build(users=["alice"]), seed=1, lag=False)
    sim.assign("alice", "Global Administrator", kind="eligible")
    sim.activate("alice", "Global Administrator", duration=mins, justification="x")


# --- approval --------------------------------------------------------------------------------
@probe("Global Administrator requires approval by bob and carol. In separate runs: bob approves then carol denies; "
       "alice tries to approve her own request; carol denies; alice cancels; nobody answers for 30 hours.")
def approval_rules(lab: Lab) -> dict[str, Any]:
    settings = {"require_approval": True, "approvers": ("alice", "bob", "carol")}
    first_wins = eligible_alice(lab, "first-decision-wins", **settings)
    r1 = first_wins.activate("alice", "Global Administrator", duration="PT1H", justification="x")
    first_wins.advance("PT5M")
    first_wins.approve(r1.id, by="bob")
    late = refusal(lambda: first_wins.deny(r1.id, by="carol"))
    own = eligible_alice(lab, "self-approval", **settings)
    r2 = own.activate("alice", "Global Administrator", duration="PT1H", justification="x")
    self_ = refusal(lambda: own.approve(r2.id, by="alice"))
    outsider = refusal(lambda: own.approve(r2.id, by="dave"))
    own_deciders = sorted(own.approvers_for(r2.id) - {"alice"})

    denied = eligible_alice(lab, "deny", **settings)
    r3 = denied.activate("alice", "Global Administrator", duration="PT1H", justification="x")
    denied.advance("PT5M")
    denied.deny(r3.id, by="carol", justification="not now")
    denied.advance("PT5M")
    retry = denied.activate("alice", "Global Administrator", duration="PT1H", justification="second try")

    canceled = eligible_alice(lab, "cancel", **settings)
    r4 = canceled.activate("alice", "Global Administrator", duration="PT1H", justification="x")
    canceled.advance("PT3M")
    canceled.cancel(r4.id)

    waiting = eligible_alice(lab, "no-answer", **settings)
    r5 = waiting.activate("alice", "Global Administrator", duration="PT1H", justification="x")
    waiting.run("P1DT6H")
    expiry = first(waiting, "PIM activation request expired")
    pending_just_before = str(waiting.status_at(r5.id, expiry.minute - 1))
    after = refusal(lambda: waiting.approve(r5.id, by="bob"))
    return {
        "first_decision_final_status": str(first_wins.requests[r1.id].status),
        "second_decision_refused": late is not None,
        "second_decision_code": late.code if late else "",
        "self_approval_refused": self_ is not None,
        "self_approval_code": self_.code if self_ else "",
        "non_approver_refused": outsider is not None,
        "deciders_exclude_requester": "alice" not in own_deciders,
        "approver_needs_a_role": any(first_wins.holds(a, r) for a in ("bob", "carol")
                                     for r in ("Global Administrator", "Privileged Role Administrator")),
        "denied_status": str(denied.requests[r3.id].status),
        "denied_activity": first(denied, "request denied (PIM activation)").activity,
        "denied_grants_access": denied.holds("alice", "Global Administrator", at=r3.created + 6),
        "after_deny": "new request" if retry.id != r3.id else "same request",
        "retry_status": str(retry.status),
        "canceled_status": str(canceled.requests[r4.id].status),
        "canceled_activity": first(canceled, "canceled (PIM activation)").activity,
        "canceled_by": first(canceled, "canceled (PIM activation)").initiator,
        "approval_window_hours": (expiry.minute - r5.created) / HOUR,
        "status_a_minute_before_expiry": pending_just_before,
        "expired_activity": expiry.activity,
        "expired_status": str(waiting.requests[r5.id].status),
        "expired_reason": str(waiting.why_not("alice", "Global Administrator").reason),
        "approve_after_expiry_refused": after is not None,
    }


@probe("Approval is required with no approvers chosen: for a Microsoft Entra role (bob is Privileged Role "
       "Administrator, carol Global Administrator), and for an Azure role and a group role.")
def default_approvers(lab: Lab) -> dict[str, Any]:
    sim = lab.sim("entra-default-approvers")
    sim.assign("bob", "Privileged Role Administrator", kind="active", justification="PIM admin")
    sim.assign("carol", "Global Administrator", kind="active", justification="GA")
    sim.assign("alice", "Security Administrator", kind="eligible")
    sim.set_settings("Security Administrator", require_approval=True)
    req = sim.activate("alice", "Security Administrator", duration="PT1H", justification="x")
    deciders = sim.approvers_for(req.id)
    roles = sorted({role for name in deciders for role in ("Privileged Role Administrator", "Global Administrator")
                    if sim.holds(name, role)})
    sub = "/subscriptions/prod"
    azure = lab.sim("azure-no-default-approvers", scopes=[sub])
    azure_refused = setting_refused(lambda: azure.set_settings("Contributor", sub, require_approval=True))
    grp = lab.sim("groups-no-default-approvers", groups=[Group("ops")])
    group_refused = setting_refused(lambda: grp.set_settings("Member", "/groups/ops", require_approval=True))
    return {
        "entra_default_approver_roles": roles,
        "azure_approval_without_approvers_allowed": not azure_refused,
        "groups_approval_without_approvers_allowed": not group_refused,
        "surfaces_with_default_approvers": sorted(
            name for name, refused in (("Microsoft Entra roles", False), ("Azure resource roles", azure_refused),
                                       ("Groups", group_refused)) if not refused),
    }
