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
from pim_sim.core.audit import Place
from pim_sim.errors import ModelError, SettingError

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


def logged(sim: Simulation, request_id: str | None = None, *, service: str | None = "PIM", target: str | None = None,
           since: int = 0, after_minute: float | None = None) -> list:
    """The audit records an action wrote, found by what happened (its request, its target, the
    records written since index ``since``), never by the words of an activity name: a question
    about which activity PIM writes must not find its record by the answer's own words."""
    return [a for a in sim.audit[since:]
            if (service is None or a.service == service) and (request_id is None or a.request_id == request_id)
            and (target is None or a.target == target) and (after_minute is None or a.minute >= after_minute)]


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
    eligible_record = logged(sim, target="alice")[-1]
    sim.assign("bob", "Global Administrator", kind="active", justification="standing admin")
    active_record = logged(sim, target="bob")[-1]
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
        "eligible_assignment_activity": eligible_record.activity,
        "active_assignment_activity": active_record.activity,
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
        "timebound_eligible_end_activity": logged(sim, target="bob", after_minute=7 * DAY)[-1].activity,
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
    before_approval = len(sim.audit)
    sim.approve(req.id, by="bob", justification="ok")
    sim.advance("PT3H")
    pim = activities(sim, "PIM", req.id)
    approved = logged(sim, req.id, since=before_approval)[0]
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
        "end_activity": logged(sim, target="alice")[-1].activity,
        "ticket_in_audit": logged(sim, req.id)[0].ticket,
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
        "ticket_kept_in_audit": any(a.ticket == "not-a-real-ticket" for a in sim.audit),
        "refusals_written_to_audit_log": bool(audited) or any(a.result != "success" for a in sim.audit),
        "context_without_policy_rule": fallback.rule if fallback else "accepted",
        "mfa_and_context_together_allowed": not both,
        "context_policy_unmet_rule": unmet.rule if unmet else "accepted",
        "context_policy_unmet_code": unmet.code if unmet else "accepted",
        "admin_role_needed_to_activate_own_role": own is not None,
        "not_eligible_rule": other.rule if other else "accepted",
    }


@probe("alice activates with no duration, too long and too short durations, and deactivates early; the "
       "administrator tries maximum durations from 30 minutes to 25 hours.")
def activation_limits(lab: Lab) -> dict[str, Any]:
    sim = eligible_alice(lab, "limits")
    req = sim.activate("alice", "Global Administrator", justification="default duration")
    s = sim.find("alice", "Global Administrator", kind="active")
    default_hours = (s.end - s.start) / HOUR
    early = {}
    before_deactivation = len(sim.audit)
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
        "deactivate_activity": logged(sim, target="alice", since=before_deactivation)[-1].activity,
    }


def _fresh_activation(lab: Lab, mins: float) -> None:
    sim = Simulation(Tenant.build(users=["alice"]), seed=1, lag=False)
    sim.assign("alice", "Global Administrator", kind="eligible")
    sim.activate("alice", "Global Administrator", duration=mins, justification="x")


# --- approval --------------------------------------------------------------------------------
@probe("Global Administrator requires approval by alice, bob or carol. In separate runs: bob approves then carol denies; "
       "alice tries to approve her own request; alice, bob, carol and dave (no approver) each try to approve it; "
       "carol denies; alice cancels; nobody answers for 30 hours.")
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
    deciders_of_own_request = []
    for who in ("alice", "bob", "carol", "dave"):  # each tries to approve alice's request in a fresh tenant
        t = eligible_alice(lab, f"{who}-decides", **settings)
        req = t.activate("alice", "Global Administrator", duration="PT1H", justification="x")
        if refusal(lambda t=t, req=req, who=who: t.approve(req.id, by=who)) is None:
            deciders_of_own_request.append(who)

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
    waiting.run("P3D")
    expiry = logged(waiting, r5.id)[-1]
    pending_just_before = str(waiting.status_at(r5.id, expiry.minute - 1))
    after = refusal(lambda: waiting.approve(r5.id, by="bob"))
    return {
        "first_decision_final_status": str(first_wins.requests[r1.id].status),
        "second_decision_refused": late is not None,
        "self_approval_refused": self_ is not None,
        "non_approver_refused": outsider is not None,
        "deciders_of_own_request": deciders_of_own_request,
        "approver_needs_a_role": any(first_wins.holds(a, r) for a in ("bob", "carol")
                                     for r in ("Global Administrator", "Privileged Role Administrator")),
        "denied_status": str(denied.requests[r3.id].status),
        "deny_activity_order": activities(denied, "PIM", r3.id),
        "denied_activity": logged(denied, r3.id)[-1].activity,
        "denied_grants_access": denied.holds("alice", "Global Administrator", at=r3.created + 6),
        "after_deny": "new request" if retry.id != r3.id else "same request",
        "retry_status": str(retry.status),
        "canceled_status": str(canceled.requests[r4.id].status),
        "canceled_activity": logged(canceled, r4.id)[-1].activity,
        "canceled_by": logged(canceled, r4.id)[-1].initiator,
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
            name for name, has_default in (("Microsoft Entra roles", bool(deciders)),
                                           ("Azure resource roles", not azure_refused),
                                           ("Groups", not group_refused)) if has_default),
    }


# --- extend and renew ------------------------------------------------------------------------------
@probe("alice has a 30-day eligible assignment of Security Administrator. She asks to extend it on several days, "
       "bob (Privileged Role Administrator) decides, and after it expires she asks to renew on several days.")
def extend_renew(lab: Lab) -> dict[str, Any]:
    def fresh(label: str) -> tuple[Simulation, str]:
        sim = lab.sim(label)
        sim.assign("bob", "Privileged Role Administrator", kind="active", justification="PIM admin")
        sim.assign("carol", "Security Reader", kind="active", justification="reader")
        sim.assign("alice", "Security Administrator", kind="eligible", duration="P30D")
        return sim, sim.find("alice", "Security Administrator", kind="eligible").id

    extend_ok = []
    for days_left in (30, 20, 15, 14, 10, 1):
        sim, _ = fresh(f"extend-{days_left}-days-left")
        sim.run((30 - days_left) * DAY + 1)
        if refusal(lambda s=sim: s.request_extend("alice", "Security Administrator", justification="x")) is None:
            extend_ok.append(days_left)
    sim, sid = fresh("extend-decided")
    sim.run(20 * DAY)
    req = sim.request_extend("alice", "Security Administrator", justification="project runs longer", duration="P30D")
    pending = str(req.status)
    still_ok = sim.holds("alice", "Security Administrator") or sim.find("alice", "Security Administrator") is not None
    self_ = refusal(lambda: sim.decide_update(req.id, by="alice"))
    reader = refusal(lambda: sim.decide_update(req.id, by="carol"))
    before_decision = len(sim.audit)
    decided = sim.decide_update(req.id, by="bob", justification="ok")
    decision_record = logged(sim, req.id, since=before_decision)[0]
    extend_statuses = statuses(sim, req.id)
    new_end = sim.schedules[sid].end
    renew_ok = []
    for days_after in (1, 7, 29, 30, 31, 60, 90):
        s2, _ = fresh(f"renew-{days_after}-days-after")
        s2.run(30 * DAY + days_after * DAY - 1)
        if refusal(lambda s=s2: s.request_renew("alice", "Security Administrator", justification="x")) is None:
            renew_ok.append(days_after)
    s3, _ = fresh("renew-decided")
    s3.run(35 * DAY)
    renew = s3.request_renew("alice", "Security Administrator", justification="back on the project", duration="P30D")
    s3.decide_update(renew.id, by="bob", justification="ok")
    s4, sid4 = fresh("admin-extend")
    s4.run(5 * DAY)
    admin = s4.admin_extend(sid4, "P30D", by="bob", justification="direct")
    return {
        "extend_allowed_days_before_end": extend_ok,
        "extend_window_days": max(extend_ok),
        "extend_allowed_far_from_end": 30 in extend_ok,
        "extend_request_status": pending,
        "extend_status_order": extend_statuses,
        "extend_run_activities": activities(sim, "PIM"),
        "renew_run_activities": activities(s3, "PIM"),
        "extend_needs_admin_decision": pending == "PendingAdminDecision",
        "extend_activity": logged(sim, req.id)[0].activity,
        "extend_self_approval_refused": self_ is not None,
        "extend_non_admin_refused": reader is not None,
        "extend_decided_status": str(decided.status),
        "extend_decision_activity": decision_record.activity,
        "extend_added_days": (new_end - 30 * DAY) / DAY,
        "renew_allowed_days_after_expiry": renew_ok,
        "renew_window_days": max(renew_ok),
        "renew_activity": logged(s3, renew.id)[0].activity,
        "renewed_holds_eligibility": s3.find("alice", "Security Administrator", kind="eligible") is not None,
        "admin_extend_status": str(s4.requests[admin.id].status),
        "admin_extend_needs_approval": s4.requests[admin.id].status.value in ("PendingAdminDecision",
                                                                              "PendingApproval"),
        "admin_extend_action": str(admin.action),
        "eligible_during_extend_request": still_ok,
    }


@probe("ops is a role-assignable group eligible for Security Administrator with alice as a member; alice tries "
       "to extend the assignment she inherits through the group.")
def extend_via_group(lab: Lab) -> dict[str, Any]:
    sim = lab.sim("extend-via-group", groups=[Group("ops", role_assignable=True, members=("alice",))])
    sim.assign("ops", "Security Administrator", kind="eligible", duration="P10D")
    sim.run(2 * DAY)
    own = refusal(lambda: sim.request_extend("alice", "Security Administrator", justification="x"))
    activated = refusal(lambda: sim.activate("alice", "Security Administrator", duration="PT1H", justification="x"))
    return {
        "member_can_extend_group_assignment": own is None,
        "member_can_activate_group_eligibility": activated is None,
    }


# --- assignments -------------------------------------------------------------------------------------
@probe("An administrator makes assignments of 4 and 5 minutes, removes one at once, tries to make a service "
       "principal eligible, removes the last active Global Administrator, and schedules one for tomorrow.")
def assignment_rules(lab: Lab) -> dict[str, Any]:
    sim = lab.sim("assignment-rules", service_principals=["deploy-app"])
    shortest = [m for m in (1, 4, 5, 10)
                if refusal(lambda m=m: sim.assign("alice", "Reports Reader", kind="eligible", duration=m)) is None]
    sim.assign("bob", "Security Reader", kind="eligible")
    sid = sim.find("bob", "Security Reader", kind="eligible").id
    removable_after = []
    for wait in (1, 2, 3, 4, 5, 6):
        sim.run(wait)  # the assignment was made at minute 0
        if refusal(lambda: sim.remove(sid)) is None:
            removable_after.append(wait)
            break
    sp_eligible = refusal(lambda: sim.assign("deploy-app", "Application Administrator", kind="eligible"))
    sp_active_timebound = refusal(lambda: sim.assign("deploy-app", "Application Administrator", kind="active",
                                                     duration="P30D", justification="pipeline"))
    ga = lab.sim("last-global-admin")
    ga.assign("alice", "Global Administrator", kind="active", justification="only GA")
    ga.advance("PT10M")
    last = refusal(lambda: ga.remove(ga.find("alice", "Global Administrator", kind="active").id))
    ga.assign("bob", "Global Administrator", kind="active", justification="second GA")
    ga.advance("PT10M")
    not_last = refusal(lambda: ga.remove(ga.find("alice", "Global Administrator", kind="active").id))
    later = lab.sim("future-start")
    later.assign("carol", "Security Reader", kind="active", justification="starts tomorrow", start="P1D")
    before = later.holds("carol", "Security Reader")
    later.run("P1DT1M")
    return {
        "shortest_assignment_minutes": min(shortest),
        "earliest_removal_minutes": removable_after[0] if removable_after else None,
        "service_principal_eligible_refused": sp_eligible is not None,
        "service_principal_timebound_active_allowed": sp_active_timebound is None,
        "last_global_admin_removal_refused": last is not None,
        "other_global_admin_removal_refused": not_last is not None,
        "future_assignment_holds_before_start": before,
        "future_assignment_holds_after_start": later.holds("carol", "Security Reader"),
        "remove_activity": logged(sim, target="bob")[-1].activity,
    }


# --- who manages what ---------------------------------------------------------------------------------
@probe("Security Administrator, Privileged Role Administrator, Global Reader, Owner and User Access Administrator "
       "holders each try to make an Entra role and an Azure role assignment.")
def who_manages(lab: Lab) -> dict[str, Any]:
    sub = "/subscriptions/prod"
    users = ("alice", "sam", "pat", "gina", "olga", "uma", "carl")
    sim = lab.sim("who-manages", users=users, scopes=[sub])
    sim.assign("sam", "Security Administrator", kind="active", justification="x")
    sim.assign("pat", "Privileged Role Administrator", kind="active", justification="x")
    sim.assign("gina", "Global Administrator", kind="active", justification="x")
    sim.assign("olga", "Owner", sub, kind="active", justification="x", duration="P30D")
    sim.assign("uma", "User Access Administrator", sub, kind="active", justification="x", duration="P30D")
    sim.assign("carl", "Contributor", sub, kind="active", justification="x", duration="P30D")
    sim.advance("PT10M")
    entra, azure = [], []
    for who in ("sam", "pat", "gina", "olga", "uma", "carl"):
        if refusal(lambda w=who: sim.assign("alice", "Helpdesk Administrator", kind="eligible", by=w)) is None:
            entra.append(who)
        if refusal(lambda w=who: sim.assign("alice", "Reader", sub, kind="eligible", duration="P30D", by=w)) is None:
            azure.append(who)
    role_of = {"sam": "Security Administrator", "pat": "Privileged Role Administrator", "gina": "Global Administrator",
               "olga": "Owner", "uma": "User Access Administrator", "carl": "Contributor"}
    settings_by = []
    for who in ("sam", "pat", "olga"):
        try:
            sim.set_settings("Helpdesk Administrator", by=who, require_ticket=True)
            settings_by.append(role_of[who])
        except PimRefusal:
            pass
    azure_settings_by = []
    for who in ("pat", "olga", "uma"):
        try:
            sim.set_settings("Reader", sub, by=who, require_ticket=True)
            azure_settings_by.append(role_of[who])
        except PimRefusal:
            pass
    return {
        "entra_assignment_managers": sorted(role_of[w] for w in entra),
        "azure_assignment_managers": sorted(role_of[w] for w in azure),
        "pra_manages_azure": "pat" in azure,
        "owner_manages_entra": "olga" in entra,
        "entra_settings_editors": sorted(settings_by),
        "azure_settings_editors": sorted(azure_settings_by),
    }


# --- audit ---------------------------------------------------------------------------------------------
_READER_ROLES = ("Reports Reader", "Security Reader", "Global Reader", "Helpdesk Administrator",
                 "Privileged Role Administrator")


def _visible_days(sim: Simulation, seq: int, days: tuple[int, ...]) -> dict[str, int]:
    """For each place, the last whole day (of ``days``) on which the record is still visible."""
    last: dict[str, int] = {}
    res = sim.results()
    for day in days:
        view = res.where_visible(sim.audit[seq].minute + day * DAY - 1)
        for place in view[view["seq"] == seq]["place"]:
            last[str(place)] = day
    return last


@probe("alice activates Global Administrator; readers holding Reports Reader, Security Reader, Global Reader, "
       "Helpdesk Administrator and Privileged Role Administrator look for the record over 90 days. In another run "
       "a role is assigned outside PIM, and in a third the licence lapses to Free the next day.")
def audit_trail(lab: Lab) -> dict[str, Any]:
    users = ("alice", "rita", "sue", "gwen", "hank", "pat", "bob")
    sim = lab.sim("audit-trail", users=users)
    for who, role in zip(users[1:6], _READER_ROLES, strict=True):
        sim.assign(who, role, kind="active", justification="reader")
    sim.assign("alice", "Global Administrator", kind="eligible")
    sim.advance("PT10M")
    req = sim.activate("alice", "Global Administrator", duration="PT1H", justification="audit demo")
    done = next(a for a in sim.audit if a.request_id == req.id and "completed (PIM activation)" in a.activity)
    core = logged(sim, service="Core Directory", target="alice", after_minute=done.minute)[0]
    sim.run(done.minute + 91 * DAY)
    res = sim.results()
    hour_later = res.where_visible(done.minute + 60)
    row = hour_later[hour_later["seq"] == done.seq]
    places = sorted(str(p) for p in row["place"])
    people = {str(p): str(n) for p, n in zip(row["place"], row["people"], strict=True)}
    role_of = dict(zip(users[1:6], _READER_ROLES, strict=True)) | {"alice": "the requester"}

    def roles_reading(place_fragment: str) -> list[str]:
        names = [n.strip() for p, ns in people.items() if place_fragment in p for n in ns.split(",") if n.strip()]
        return sorted({role_of.get(n, n) for n in names})

    days = (1, 6, 7, 8, 29, 30, 31, 89, 90, 91)
    windows = _visible_days(sim, done.seq, days)
    outside = lab.sim("outside-pim")
    outside.assign_outside_pim("bob", "Global Administrator", by="alice")
    outside_pim = [a for a in outside.audit if a.service == "PIM"]
    outside_core = [a for a in outside.audit if a.service == "Core Directory"]
    lapse = lab.sim("licence-lapse-audit")
    lapse.assign("alice", "Global Administrator", kind="eligible")
    lapse.advance("PT10M")
    lapse.activate("alice", "Global Administrator", duration="PT1H", justification="before lapse")
    rec = next(a for a in lapse.audit if "completed (PIM activation)" in a.activity)
    lapse.run("P1D")
    lapse.set_licence("Free")
    lapse_windows = _visible_days(lapse, rec.seq, (2, 6, 7, 8, 30))
    settings = lab.sim("settings-change")
    settings.set_settings("Security Administrator", require_ticket=True)
    return {
        "activation_places": places,
        "in_entra_audit_log": str(Place.ENTRA_AUDIT_PIM) in places,
        "pim_only": all(p.startswith("PIM >") for p in places),
        "pim_blade_days": windows.get(str(Place.PIM_ENTRA_RESOURCE_AUDIT), 0),
        "my_audit_days": windows.get(str(Place.PIM_ENTRA_MY_AUDIT), 0),
        "entra_audit_log_days_p2": windows.get(str(Place.ENTRA_AUDIT_PIM), 0),
        "entra_audit_log_days_free": lapse_windows.get(str(Place.ENTRA_AUDIT_PIM), 0),
        "pim_blade_after_lapse_days": lapse_windows.get(str(Place.PIM_ENTRA_RESOURCE_AUDIT), 0),
        "resource_audit_reader_roles": roles_reading("Resource audit"),
        "my_audit_readers": ", ".join(roles_reading("My audit")),
        "entra_log_reader_roles": roles_reading("Microsoft Entra audit logs"),
        "activation_service": done.service,
        "activation_category": done.category,
        "core_directory_activity": core.activity,
        "core_directory_initiator": core.initiator,
        "logged_twice": done.service != core.service,
        "outside_pim_activity": outside_pim[0].activity if outside_pim else "",
        "outside_pim_core_initiator": outside_core[0].initiator if outside_core else "",
        "settings_change_activity": logged(settings)[-1].activity,
        "requester_column": done.target,
        "justification_in_record": done.justification,
    }


@probe("alice activates a Microsoft Entra role, an Azure role on a subscription and the Member role of a group; "
       "we read each completion record's category and places.")
def audit_categories(lab: Lab) -> dict[str, Any]:
    sub = "/subscriptions/prod"
    sim = lab.sim("three-surfaces", scopes=[sub], groups=[Group("ops")])
    sim.assign("alice", "Security Reader", kind="eligible")
    sim.assign("alice", "Reader", sub, kind="eligible", duration="P30D")
    sim.assign("alice", "Member", "/groups/ops", kind="eligible", duration="P30D")
    sim.advance("PT10M")
    sim.activate("alice", "Security Reader", duration="PT1H", justification="x")
    sim.activate("alice", "Reader", sub, duration="PT1H", justification="x")
    sim.activate("alice", "Member", "/groups/ops", duration="PT1H", justification="x")
    done = {a.surface: a for a in sim.audit if "completed (PIM activation)" in a.activity}
    view = sim.results().where_visible(sim.now + 1)

    def places(surface: str) -> list[str]:
        return sorted(str(p) for p in view[view["seq"] == done[surface].seq]["place"])

    return {
        "entra_category": done["entra"].category,
        "azure_category": done["azure"].category,
        "groups_category": done["groups"].category,
        "entra_places": places("entra"),
        "azure_pim_places": [p for p in places("azure") if p.startswith("PIM >")],
        "groups_places": places("groups"),
    }


# --- scopes --------------------------------------------------------------------------------------------
@probe("In a tree corp > prod > web (management group, subscription, resource group), alice is eligible for "
       "Contributor on prod and bob for Reader on web, erin for Reader on prod (she activates it on vm1 only); "
       "carol is User Administrator for an administrative unit; approval is required for Contributor on prod only.")
def scopes(lab: Lab) -> dict[str, Any]:
    mg = "/providers/Microsoft.Management/managementGroups/corp"
    sub, other = "/subscriptions/prod", "/subscriptions/dev"
    rg = f"{sub}/resourceGroups/web"
    vm = f"{rg}/providers/Microsoft.Compute/virtualMachines/vm1"
    au = "/administrativeUnits/sales"
    sim = lab.sim("scopes", users=("alice", "bob", "carol", "dave", "erin"), scopes=[(sub, mg), (other, mg), rg, vm, au])
    sim.assign("alice", "Contributor", sub, kind="eligible", duration="P90D")
    sim.assign("bob", "Reader", rg, kind="eligible", duration="P90D")
    sim.assign("dave", "Contributor", rg, kind="eligible", duration="P90D")
    sim.assign("carol", "User Administrator", au, kind="active", justification="sales helpdesk", duration="P90D")
    sim.assign("erin", "Reader", sub, kind="eligible", duration="P90D")
    sim.set_settings("Contributor", sub, require_approval=True, approvers=("carol",))
    sim.advance("PT10M")
    at_sub = sim.activate("alice", "Contributor", sub, duration="PT2H", justification="x")
    sim.approve(at_sub.id, by="carol")
    sim.activate("bob", "Reader", rg, duration="PT2H", justification="x")
    at_rg = sim.activate("dave", "Contributor", rg, duration="PT2H", justification="x")
    narrowed = refusal(lambda: sim.activate("erin", "Reader", vm, duration="PT2H", justification="only vm1"))
    sim.advance("PT1M")
    return {
        "subscription_activation_status": str(sim.requests[at_sub.id].status),
        "alice_holds_at_resource_group": sim.holds("alice", "Contributor", rg),
        "alice_holds_at_resource": sim.holds("alice", "Contributor", vm),
        "alice_holds_at_management_group": sim.holds("alice", "Contributor", mg),
        "alice_holds_at_sibling_subscription": sim.holds("alice", "Contributor", other),
        "bob_holds_at_subscription": sim.holds("bob", "Reader", sub),
        "bob_holds_at_resource_group": sim.holds("bob", "Reader", rg),
        "inherited_directions": sorted(
            d for d, ok in (("down to child scopes", sim.holds("alice", "Contributor", rg)),
                            ("up to parent scopes", sim.holds("alice", "Contributor", mg)),
                            ("across to sibling scopes", sim.holds("alice", "Contributor", other))) if ok),
        "resource_group_activation_status": str(sim.requests[at_rg.id].status),
        "settings_inherited_by_child": str(sim.requests[at_rg.id].status) != "Provisioned",
        "resource_group_settings_note": sim.why_not("dave", "Contributor", rg).settings_note,
        "narrowed_activation_allowed": narrowed is None,
        "narrowed_activation_covers_resource": sim.holds("erin", "Reader", vm),
        "narrowed_activation_covers_subscription": sim.holds("erin", "Reader", sub),
        "au_holder_has_directory_wide_role": sim.holds("carol", "User Administrator"),
        "au_holder_has_role_in_unit": sim.holds("carol", "User Administrator", au),
    }


@probe("tier0 is a role-assignable group with an active Global Administrator assignment; alice is an eligible "
       "member of tier0 and activates the membership. Other groups: a plain security group and a dynamic group.")
def groups(lab: Lab) -> dict[str, Any]:
    tier0 = Group("tier0", role_assignable=True)
    staff = Group("staff")
    dyn = Group("auto", dynamic=True)
    sub = "/subscriptions/prod"
    sim = lab.sim("pim-for-groups", groups=[tier0, staff, dyn], scopes=[sub])
    sim.assign("tier0", "Global Administrator", kind="active", justification="tier 0 admins")
    sim.assign("alice", "Member", "/groups/tier0", kind="eligible", duration="P30D")
    sim.set_settings("Member", "/groups/tier0", require_approval=True, approvers=("bob",))
    sim.assign("carol", "Owner", "/groups/tier0", kind="eligible", duration="P30D")
    sim.advance("PT10M")
    before = sim.holds("alice", "Global Administrator")
    req = sim.activate("alice", "Member", "/groups/tier0", duration="PT1H", justification="x")
    pending = str(req.status)
    sim.approve(req.id, by="bob")
    after = sim.why_not("alice", "Global Administrator")
    owner = sim.activate("carol", "Owner", "/groups/tier0", duration="PT1H", justification="x")
    plain = refusal(lambda: sim.assign("staff", "Security Reader", kind="eligible"))
    azure = refusal(lambda: sim.assign("staff", "Reader", sub, kind="eligible", duration="P30D"))
    dynamic = refusal(lambda: sim.assign("bob", "Member", "/groups/auto", kind="eligible", duration="P30D"))
    return {
        "eligible_member_holds_role_before": before,
        "activated_member_holds_role": after.reason == "has access",
        "holds_through": "group" if after.holdings and after.holdings[0].via_group else "direct",
        "member_activation_status": pending,
        "owner_activation_status": str(owner.status),
        "member_and_owner_settings_separate": pending != str(owner.status),
        "plain_group_entra_role_refused": plain is not None,
        "plain_group_entra_role_code": plain.code if plain else "",
        "plain_group_azure_role_allowed": azure is None,
        "dynamic_group_refused": dynamic is not None,
        "group_roles": sorted({s.role for s in sim.schedules.values() if s.surface == "groups"}),
    }


# --- licences ------------------------------------------------------------------------------------------
@probe("A P2 tenant where alice is eligible for Global Administrator (approval by dave), bob has a 30-day active "
       "Security Reader assignment and carol a permanent Reports Reader one; on day 1 the licence lapses to Free.")
def licence_lapse(lab: Lab) -> dict[str, Any]:
    sim = lab.sim("licence-lapse")
    sim.assign("alice", "Global Administrator", kind="eligible")
    sim.assign("bob", "Security Reader", kind="active", justification="x", duration="P30D")
    sim.assign("carol", "Reports Reader", kind="active", justification="x")
    sim.set_settings("Global Administrator", require_approval=True, approvers=("dave",))
    sim.run("P1D")
    emails_before = len(sim.notifications)
    sim.set_licence("Free")
    activation = refusal(lambda: sim.activate("alice", "Global Administrator", duration="PT1H", justification="x"))
    sim.run("P40D")
    bob = sim.find("bob", "Security Reader", kind="active")
    return {
        "eligible_kept": sim.find("alice", "Global Administrator", kind="eligible") is not None,
        "timebound_active_after_lapse": ("permanent" if bob is not None and bob.end is None
                                         else "ended" if bob is None else "time-bound"),
        "bob_holds_after_original_end": sim.holds("bob", "Security Reader"),
        "permanent_active_kept": sim.holds("carol", "Reports Reader"),
        "approval_setting_kept": sim.settings_for("Global Administrator", "/").require_approval,
        "activation_after_lapse_rule": activation.rule if activation else "accepted",
        "emails_after_lapse": len(sim.notifications) > emails_before,
        "why_not_after_lapse": str(sim.why_not("alice", "Global Administrator").reason),
        "pim_licences": sorted(str(lic) for lic in ("Free", "P1", "P2", "Governance") if _has_pim(lab, lic)),
    }


def _has_pim(lab: Lab, licence: str) -> bool:
    """Can an administrator make an eligible assignment on this licence? Tried, not looked up."""
    sim = lab.sim(f"licence-{licence}", licence=licence)
    return refusal(lambda: sim.assign("alice", "Reports Reader", kind="eligible")) is None


# --- Microsoft Graph actions and statuses ----------------------------------------------------------------
@probe("Every request type is made once: admin assign, update, extend, renew and remove; self activate, "
       "deactivate, extend and renew; one activation waits for approval and one is denied.")
def graph_actions(lab: Lab) -> dict[str, Any]:
    sim = lab.sim("graph-actions")
    sim.assign("bob", "Privileged Role Administrator", kind="active", justification="x")
    assign = sim.assign("alice", "Security Administrator", kind="eligible", duration="P10D")
    sid = sim.find("alice", "Security Administrator", kind="eligible").id
    sim.advance("PT10M")
    act = sim.activate("alice", "Security Administrator", duration="PT1H", justification="x")
    sim.advance("PT10M")
    deact = sim.deactivate("alice", "Security Administrator")
    ext = sim.request_extend("alice", "Security Administrator", justification="x")
    ext_status = str(ext.status)
    sim.decide_update(ext.id, by="bob")
    adm_ext = sim.admin_extend(sid, "P1D", by="bob")
    upd = sim.admin_update(sid, end="P60D", by="bob", justification="x")
    sim.run("P61D")
    renew = sim.request_renew("alice", "Security Administrator", justification="x")
    sim.decide_update(renew.id, by="bob")
    new_sid = sim.find("alice", "Security Administrator", kind="eligible").id
    sim.run(sim.now + 10)
    remove = sim.remove(new_sid, by="bob")
    sim.assign("carol", "Security Reader", kind="eligible", duration="P5D")
    carol_sid = sim.find("carol", "Security Reader", kind="eligible").id
    sim.run(sim.now + 6 * DAY)
    adm_renew = sim.admin_renew(carol_sid, "P5D", by="bob")
    sim.set_settings("Reports Reader", require_approval=True, approvers=("bob",))
    sim.assign("dave", "Reports Reader", kind="eligible")
    sim.advance("PT10M")
    waiting = sim.activate("dave", "Reports Reader", duration="PT1H", justification="x")
    waiting_status = str(waiting.status)
    sim.deny(waiting.id, by="bob")
    return {
        "action_assign": str(assign.action),
        "action_activate": str(act.action),
        "action_deactivate": str(deact.action),
        "action_self_extend": str(ext.action),
        "action_self_renew": str(renew.action),
        "action_admin_extend": str(adm_ext.action),
        "action_admin_renew": str(adm_renew.action),
        "action_admin_update": str(upd.action),
        "action_remove": str(remove.action),
        "self_actions": sorted({str(r.action) for r in sim.requests.values() if str(r.action).startswith("self")}),
        "admin_actions": sorted({str(r.action) for r in sim.requests.values() if str(r.action).startswith("admin")}),
        "status_waiting_for_approver": waiting_status,
        "status_waiting_for_admin": ext_status,
        "status_denied": str(sim.requests[waiting.id].status),
        "status_deactivated": str(deact.status),
        "status_activated": str(sim.requests[act.id].status),
    }


# --- access reviews ------------------------------------------------------------------------------------
_REVIEWED = ("alice", "bob", "carol", "dave")


def _review_lab(lab: Lab, label: str, **definition) -> tuple[Simulation, Any]:
    """alice, bob, carol and dave are eligible for Security Administrator; only dave has signed in
    lately; rev reviews for 7 days."""
    from pim_sim.features.reviews import AccessReview

    sim = lab.sim(label, users=(*_REVIEWED, "rev", "erin"))
    for user in _REVIEWED:
        sim.assign(user, "Security Administrator", kind="eligible")
    sim.advance("PT10M")
    sim.sign_in("dave")
    options = {"selected": ("rev",), "duration_days": 7} | definition
    return sim, sim.reviews.create(AccessReview(label, "Security Administrator", **options))


def _still_eligible(sim: Simulation) -> list[str]:
    return [u for u in _REVIEWED if sim.find(u, "Security Administrator", kind="eligible") is not None]


@probe("alice, bob, carol and dave are eligible for Security Administrator and only dave signed in lately; rev "
       "reviews them for 7 days, approving alice and denying bob, and nobody reviews carol or dave. The review runs "
       "with each 'If reviewers don't respond' choice, with and without auto-apply.")
def access_reviews(lab: Lab) -> dict[str, Any]:
    from pim_sim.features.reviews import AccessReview

    outcomes: dict[str, list[str]] = {}
    for choice in ("No change", "Remove access", "Approve access", "Take recommendations"):
        sim, review = _review_lab(lab, f"no-response-{choice}", no_response=choice, auto_apply=True)
        review.decide("alice", True, by="rev")
        review.decide("bob", False, by="rev")
        sim.advance("P8D")
        outcomes[choice] = _still_eligible(sim)
    manual, review = _review_lab(lab, "manual-apply", no_response="No change", auto_apply=False)
    review.decide("bob", False, by="rev")
    manual.advance("P3D")
    during = _still_eligible(manual)
    manual.run("P8D")
    completed_status = str(review.instance().status)
    before_apply = _still_eligible(manual)
    applied = review.apply()
    recommendations = {s.principal: str(s.recommendation) for s in review.instance().subjects}
    manual.advance("PT10M")
    snap, snap_review = _review_lab(lab, "snapshot")
    snap.advance("P1D")
    snap.assign("erin", "Security Administrator", kind="eligible")
    in_snapshot = "erin" in snap_review.instance().principals()
    _, self_review = _review_lab(lab, "self-review", reviewers="self", selected=())
    own = refusal(lambda: self_review.decide("alice", True, by="alice"))

    def invalid(**definition) -> bool:
        try:
            AccessReview("x", "Security Administrator", **({"selected": ("rev",)} | definition))
        except ModelError:
            return True
        return False

    monthly_ok = [d for d in (20, 27, 28, 30) if not invalid(frequency="monthly", duration_days=d)]
    default = AccessReview("defaults", "Security Administrator", selected=("rev",))
    return {
        "kept_no_change": outcomes["No change"],
        "kept_remove_access": outcomes["Remove access"],
        "kept_approve_access": outcomes["Approve access"],
        "kept_take_recommendations": outcomes["Take recommendations"],
        "denied_user_kept": "bob" in outcomes["Approve access"],
        "denied_removed_before_apply": "bob" not in during,
        "status_after_end_without_auto_apply": completed_status,
        "denied_removed_before_manual_apply": "bob" not in before_apply,
        "status_after_apply": str(applied.status),
        "kept_after_manual_apply": _still_eligible(manual),
        "recommendation_signed_in": recommendations.get("dave", ""),
        "recommendation_never_signed_in": recommendations.get("carol", ""),
        "assignment_after_start_in_snapshot": in_snapshot,
        "self_review_allowed": own is None,
        "monthly_longest_days": max(monthly_ok),
        "default_frequency": str(default.frequency),
        "default_no_response": str(default.no_response),
        "group_owner_reviewers_for_role_refused": invalid(reviewers="groupOwners", selected=()),
        "review_activities": sorted({a.activity for run in (manual,) for a in run.audit
                                     if a.service == "Access Reviews"}),
    }


@probe("dan holds Contributor on a subscription only through the security group devs; in a review of that role "
       "rev denies dan and the results are applied.")
def azure_group_review(lab: Lab) -> dict[str, Any]:
    from pim_sim.core.access import group_members
    from pim_sim.features.reviews import AccessReview

    sub = "/subscriptions/prod"
    sim = lab.sim("azure-group-member-denied", users=("dan", "rev", "bob"), scopes=[sub],
                  groups=[Group("devs", members=("dan",))])
    sim.assign("bob", "Owner", sub, kind="active", justification="subscription owner", duration="P90D")
    sim.assign("devs", "Contributor", sub, kind="active", justification="developers", duration="P90D")
    review = sim.reviews.create(AccessReview("devs-contributors", "Contributor", sub, selected=("rev",),
                                             duration_days=3))
    reviewed = sorted(s.principal for s in review.instance().subjects)
    review.decide("dan", False, by="rev")
    sim.advance("P4D")
    review.apply()
    group_keeps_role = sim.find("devs", "Contributor", sub, kind="active") is not None
    still_member = "dan" in group_members(sim, "devs", sim.now)
    return {
        "reviewed_principals": reviewed,
        "denied_group_member_after_apply": ("group loses the role" if not group_keeps_role
                                            else "stays in the group" if still_member else "removed from the group"),
        "denied_group_member_holds_role": sim.holds("dan", "Contributor", sub),
    }


@probe("Global Administrator's settings are changed (approval by bob), then every role's settings are exported as "
       "Microsoft Graph role management policies.")
def graph_policy_export(lab: Lab) -> dict[str, Any]:
    from pim_sim.graph.writer import policy_assignments

    sim = eligible_alice(lab, "policy-export", require_approval=True, approvers=("bob",))
    doc = policy_assignments(sim.settings, tenant=sim.tenant)
    counts = sorted({len(a["policy"]["rules"]) for a in doc["value"]})
    return {
        "rules_per_policy": counts[0] if len(counts) == 1 else counts,
        "rule_kinds": sorted({r["@odata.type"].rsplit("Policy", 1)[-1].removesuffix("Rule")
                              for a in doc["value"] for r in a["policy"]["rules"]}),
    }


# --- alerts ---------------------------------------------------------------------------------------------
@probe("PIM alerts are watched while: bob is made Global Administrator outside PIM; a role with eligible users "
       "stops requiring MFA; eligible carol never activates nor signs in for 40 days; thresholds are set out of "
       "range; then the licence lapses.")
def alerts(lab: Lab) -> dict[str, Any]:
    sim = lab.sim("alerts", users=("alice", "bob", "carol", "pat", "sam", "gina"))
    sim.assign("pat", "Privileged Role Administrator", kind="active", justification="x")
    sim.assign("sam", "Security Administrator", kind="active", justification="x")
    sim.assign("gina", "Global Administrator", kind="active", justification="x")
    sim.assign("carol", "Exchange Administrator", kind="eligible")
    center = sim.alerts
    center.configure("redundantAssignment", unused_days=30)
    center.configure("staleSignIn", stale_days=30)
    sim.advance("PT10M")
    sim.assign_outside_pim("bob", "Global Administrator", by="alice")
    sim.set_settings("Exchange Administrator", require_mfa=False)
    sim.run("P40D")
    severity = {i.name: str(i.severity) for i in center.history}
    outside_resolved_after_days = [(i.resolved - i.raised) / DAY for i in center.history
                                   if i.alert == "rolesAssignedOutsidePrivilegedIdentityManagement" and i.resolved]
    outside = center.definition("rolesAssignedOutsidePrivilegedIdentityManagement").name
    emails = [n for n in sim.notifications if n.rule_id == "RoleAssignedOutsidePim"]
    recipients = sorted(set(emails[0].recipients.split(";"))) if emails else []
    role_of = {"pat": "Privileged Role Administrator", "sam": "Security Administrator", "gina": "Global Administrator"}
    ranges = {}
    for name, alert, values in (("unused_days", "redundantAssignment", (0, 100, 101)),
                                ("stale_days", "staleSignIn", (0, 1, 365, 366)),
                                ("min_global_admins", "tooManyGlobalAdminsAssignedToTenant", (1, 2, 100, 101)),
                                ("activation_renewals", "sequentialActivationRenewals", (1, 2, 100, 101))):
        ok = [v for v in values if not setting_refused(lambda a=alert, n=name, v=v: center.configure(a, **{n: v}))]
        ranges[name] = [min(ok), max(ok)]
    triggered = logged(sim, target=outside)[0].activity
    sim.set_licence("Free")
    sim.advance("P2D")
    return {
        "outside_pim_severity": severity.get(outside, ""),
        "no_mfa_severity": severity.get("Roles don't require multifactor authentication for activation", ""),
        "unused_severity": severity.get("Administrators aren't using their privileged roles", ""),
        "stale_severity": severity.get("Potential stale accounts in a privileged role", ""),
        "raised_alerts": sorted(severity),
        "outside_pim_alert_days": outside_resolved_after_days[0] if outside_resolved_after_days else 0,
        "outside_pim_email_roles": sorted({role_of[r] for r in recipients if r in role_of}),
        "unused_days_range": ranges["unused_days"],
        "stale_days_range": ranges["stale_days"],
        "min_global_admins_range": ranges["min_global_admins"],
        "min_global_admins_lowest": ranges["min_global_admins"][0],
        "activation_renewals_range": ranges["activation_renewals"],
        "alert_activity": triggered,
        "alerts_after_lapse": sorted(d.name for d in center.active()),
    }


@probe("Global Administrator alert thresholds are set to at least 3 Global Administrators making up at least 50% "
       "of role assignments; the tenant then gets 3 Global Administrators among 4 and among 8 assignments.")
def too_many_global_admins(lab: Lab) -> dict[str, Any]:
    def count(label: str, others: int) -> bool:
        users = ("g1", "g2", "g3", *(f"u{i}" for i in range(others)))
        sim = lab.sim(label, users=users)
        center = sim.alerts
        center.configure("tooManyGlobalAdminsAssignedToTenant", min_global_admins=3, global_admin_percent=50)
        for g in ("g1", "g2", "g3"):
            sim.assign(g, "Global Administrator", kind="active", justification="x")
        for i in range(others):
            sim.assign(f"u{i}", "Reports Reader", kind="active", justification="x")
        return bool(center.condition("tooManyGlobalAdminsAssignedToTenant"))

    share_high = count("3-of-4", 1)
    share_low = count("3-of-8", 5)
    return {
        "fires_when_both_met": share_high,
        "fires_on_count_alone": share_low,
        "condition": "both thresholds" if share_high and not share_low else "either threshold",
    }


# --- licence seats --------------------------------------------------------------------------------------
@probe("Fourteen users are eligible for Security Reader and approval needs one of three approvers; erin has a "
       "permanent active Reports Reader assignment, a service principal a time-bound active one, and rev reviews "
       "the role in an access review.")
def licence_seats(lab: Lab) -> dict[str, Any]:
    from pim_sim.core.licensing import seats_needed

    eligible = tuple(f"user{i:02d}" for i in range(1, 15))
    approvers = ("ann", "ben", "cat")
    sim = lab.sim("seats", users=(*eligible, *approvers, "erin", "rev"), service_principals=["deploy-app"])
    for u in eligible:
        sim.assign(u, "Security Reader", kind="eligible")
    sim.set_settings("Security Reader", require_approval=True, approvers=approvers)
    sim.assign("erin", "Reports Reader", kind="active", justification="x")
    sim.assign("deploy-app", "Application Administrator", kind="active", justification="pipeline", duration="P30D")
    from pim_sim.features.reviews import AccessReview

    sim.reviews.create(AccessReview("seats", "Security Reader", selected=("rev",), duration_days=7))
    report = seats_needed(sim)
    return {
        "reviewer_needs_seat": "rev" in report.people,
        "seats_needed": len(report.assignees | report.approvers),
        "seats_with_reviewer": report.needed,
        "approvers_need_seats": set(approvers) <= report.people,
        "permanent_active_needs_seat": "erin" in report.people,
        "service_principal_needs_p2_seat": "deploy-app" in report.people,
    }


# --- good practice ------------------------------------------------------------------------------------
@probe("For one week alice holds Global Administrator as a permanent active assignment while bob is eligible and "
       "activates it for two hours each working day.")
def standing_vs_jit(lab: Lab) -> dict[str, Any]:
    sim = lab.sim("standing-vs-jit")
    sim.assign("alice", "Global Administrator", kind="active", justification="standing admin")
    sim.assign("bob", "Global Administrator", kind="eligible")
    for day in range(5):
        sim.run(day * DAY + 9 * HOUR)
        sim.activate("bob", "Global Administrator", duration="PT2H", justification=f"change {day + 1}")
    sim.run(7 * DAY)
    access = sim.results().effective_access
    hours = access.groupby("principal")["hours"].sum()
    return {
        "standing_hours": float(hours.get("alice", 0.0)),
        "jit_hours": float(hours.get("bob", 0.0)),
    }


# --- notifications ----------------------------------------------------------------------------------
@probe("alice's 30-day eligible assignment runs out while we collect PIM's emails; in two more tenants Global "
       "Administrator requires approval, once by bob and once with no approver chosen, while pat is Privileged Role "
       "Administrator.")
def notifications(lab: Lab) -> dict[str, Any]:
    sim = lab.sim("expiry-notices")
    sim.assign("alice", "Security Reader", kind="eligible", duration="P30D")
    sim.run("P31D")
    end = 30 * DAY
    days_before = sorted({round((end - n.minute) / DAY) for n in sim.notifications
                          if n.rule_id == "ExpiryNotice" and n.minute <= end}, reverse=True)

    def approval_email(label: str, approvers: tuple[str, ...]) -> list[str]:
        t = lab.sim(label, users=("alice", "bob", "pat"))
        t.assign("pat", "Privileged Role Administrator", kind="active", justification="PIM admin")
        t.assign("alice", "Global Administrator", kind="eligible")
        t.set_settings("Global Administrator", require_approval=True, approvers=approvers)
        t.activate("alice", "Global Administrator", duration="PT1H", justification="x")
        sent = [n for n in t.notifications if n.rule_id == "Notification_Approver_EndUser_Assignment"]
        return sent[0].recipients.split(";") if sent else []

    explicit = approval_email("explicit-approver", ("bob",))
    default = approval_email("no-approver-chosen", ())
    return {
        "expiry_notice_days_before": days_before,
        "approval_email_recipients": sorted(explicit),
        "pra_emailed_with_explicit_approvers": "pat" in explicit,
        "pra_emailed_without_approvers": "pat" in default,
    }
