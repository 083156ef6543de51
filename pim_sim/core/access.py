"""Effective access at a moment, and the first reason it is missing ("why not").

In the spirit of Conditional Access's What If tool: for a user, a role, a scope and a time,
say who holds what and how, or the first reason the access isn't there.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from pim_sim import facts
from pim_sim.core.clock import span
from pim_sim.core.policy import SettingsBook
from pim_sim.core.requests import Action, Request, Status
from pim_sim.core.roles import Surface
from pim_sim.core.schedules import Kind, Origin, Schedule
from pim_sim.core.tenant import Licence, PrincipalKind, Tenant


class State(Protocol):
    """What access questions read of a run (the kernel provides it; access never imports the kernel)."""

    tenant: Tenant

    @property
    def now(self) -> float: ...
    @property
    def settings(self) -> SettingsBook: ...
    def licence_at(self, t: float) -> Licence: ...
    def schedules_of(self, principal: str, role: str | None = None, kind: Kind | None = None) -> list[Schedule]: ...
    def schedules_with_role(self, role: str) -> list[Schedule]: ...
    def holding_schedules(self, role: str, scope: str | None = None) -> list[Schedule]: ...
    def latest_activations(self, role: str) -> list[Schedule]: ...
    def requests_of(self, principal: str, role: str) -> list[Request]: ...
    def status_at(self, request_id: str, t: float) -> Status | None: ...


class How(StrEnum):
    ASSIGNED_ACTIVE = "active assignment"
    ACTIVATED = "activated"
    OUTSIDE_PIM = "assigned outside PIM"
    STANDING = "standing membership"


@dataclass(frozen=True, slots=True)
class Holding:
    """One way a principal holds a role at a scope at a moment."""

    principal: str
    role: str
    scope: str  # the scope asked about
    how: How
    schedule_id: str
    assigned_scope: str  # where the schedule is; differs when inherited
    via_group: str = ""

    @property
    def inherited(self) -> bool:
        return self.assigned_scope != self.scope


class Reason(StrEnum):
    HAS_ACCESS = "has access"
    NOT_ELIGIBLE = "not eligible"
    ELIGIBLE_NOT_ACTIVATED = "eligible but not activated"
    PENDING_APPROVAL = "activation pending approval"
    REQUEST_DENIED = "activation request denied"
    REQUEST_EXPIRED = f"activation request expired (no approver decided within {span(facts.APPROVAL_WINDOW_MINUTES.value)})"
    REQUEST_CANCELED = "activation request canceled"
    ACTIVATION_NOT_STARTED = "activation scheduled for a later start"
    PROVISIONING_LAG = "activated, but not yet usable (provisioning and token refresh)"
    ACTIVATION_ENDED = "activation ended"
    ASSIGNMENT_NOT_STARTED = "assignment starts later"
    ASSIGNMENT_ENDED = "assignment ended"
    SCOPE_NOT_COVERED = "holds the role at a scope that doesn't cover this one"
    LICENCE = "PIM licence missing (P2 or ID Governance)"


@dataclass(frozen=True, slots=True)
class Explanation:
    reason: Reason
    detail: str
    holdings: tuple[Holding, ...] = ()
    settings_note: str = ""


def _covering(sim: State, scope: str) -> tuple[str, ...]:
    return sim.tenant.ancestors(scope)


def _how(s: Schedule) -> How:
    return {Origin.ACTIVATED: How.ACTIVATED, Origin.OUTSIDE_PIM: How.OUTSIDE_PIM,
            Origin.STANDING: How.STANDING}.get(s.origin, How.ASSIGNED_ACTIVE)


def member_groups(sim: State, principal: str, t: float, depth: int = 0) -> tuple[str, ...]:
    """Groups the principal is a usable member of at t (standing or through PIM for Groups),
    including groups reached through nested membership."""
    found = []
    for s in sim.schedules_of(principal, "Member", Kind.ACTIVE):
        if s.usable_at(t):
            found.append(s.scope.removeprefix("/groups/"))
    if not found:
        return ()  # most principals are in no group
    if depth < 4:
        for g in list(found):
            found.extend(member_groups(sim, g, t, depth + 1))
    return tuple(dict.fromkeys(found))


def holdings(sim: State, principal: str, role: str, scope: str, t: float) -> tuple[Holding, ...]:
    """Every way ``principal`` holds ``role`` at ``scope`` at minute ``t`` (usable access)."""
    covering = set(_covering(sim, scope))
    out = []
    for who, via in ((principal, ""), *((g, g) for g in member_groups(sim, principal, t))):
        for s in sim.schedules_of(who, role, Kind.ACTIVE):
            if s.scope in covering and s.usable_at(t):
                out.append(Holding(principal, role, scope, _how(s), s.id, s.scope, via))
    return tuple(out)


def group_members(sim: State, group: str, t: float) -> list[str]:
    """Usable members of a group at t: standing members and active PIM for Groups members."""
    scope = f"/groups/{group}"
    if t >= sim.now:  # only the latest activation per member can be in force (see holders)
        pool = sorted([*sim.holding_schedules("Member", scope),
                       *(s for s in sim.latest_activations("Member") if s.scope == scope)], key=_made_order)
    else:
        pool = sim.schedules_with_role("Member")
    return [s.principal for s in pool if s.scope == scope and s.kind is Kind.ACTIVE and s.usable_at(t)]


def holders(sim: State, role: str, scope: str, t: float) -> tuple[Holding, ...]:
    """Everyone who holds ``role`` at ``scope`` at ``t``: directly, inherited or through a group.

    Now (and later) only the latest activation per principal and scope can be in force, so the past
    activations are not read; a question about the past reads them all."""
    covering = set(_covering(sim, scope))
    if t >= sim.now:
        pool = sorted([*sim.holding_schedules(role), *sim.latest_activations(role)], key=_made_order)
    else:
        pool = sim.schedules_with_role(role)
    out: list[Holding] = []
    for s in pool:
        if s.kind is Kind.ACTIVE and s.scope in covering and s.usable_at(t):
            if sim.tenant.principal(s.principal).kind is PrincipalKind.GROUP:
                out.extend(Holding(m, role, scope, _how(s), s.id, s.scope, s.principal)
                           for m in group_members(sim, s.principal, t))
            else:
                out.append(Holding(s.principal, role, scope, _how(s), s.id, s.scope))
    return tuple(out)


def _made_order(s: Schedule) -> int:
    return int(s.id[1:])


def why_not(sim: State, principal: str, role: str, scope: str, t: float) -> Explanation:
    """The first reason ``principal`` lacks ``role`` at ``scope`` at ``t`` (or that they have it)."""
    sim.tenant.principal(principal)
    note = settings_note(sim, role, scope)
    found = holdings(sim, principal, role, scope, t)
    if found:
        first = found[0]
        where = f" inherited from {first.assigned_scope}" if first.inherited else ""
        via = f" through group {first.via_group}" if first.via_group else ""
        return Explanation(Reason.HAS_ACCESS, f"{principal} holds {role} ({first.how.value}{where}{via}).", found, note)
    covering = set(_covering(sim, scope))
    whos = {principal, *member_groups(sim, principal, t)}
    mine = [s for w in whos for s in sim.schedules_of(w, role) if s.created <= t]  # what existed at t
    here = [s for s in mine if s.scope in covering]
    requests = sorted((r for r in sim.requests_of(principal, role)
                       if r.scope in covering and r.action is Action.SELF_ACTIVATE and r.created <= t),
                      key=lambda r: r.created)
    if not sim.licence_at(t).has_pim and any(s.kind is Kind.ELIGIBLE for s in here):
        return Explanation(Reason.LICENCE, "Without P2 or ID Governance, eligible assignments are removed "
                           "and PIM can't be used.", settings_note=note)
    if requests:
        last = requests[-1]
        status = sim.status_at(last.id, t)
        if status is Status.PENDING_APPROVAL:
            return Explanation(Reason.PENDING_APPROVAL, f"Request {last.id} is waiting for an approver.", settings_note=note)
        if status is Status.DENIED:
            return Explanation(Reason.REQUEST_DENIED, f"Request {last.id} was denied by {last.approver}.", settings_note=note)
        if status is Status.CANCELED and last.status_reason == "ApprovalExpired":
            return Explanation(Reason.REQUEST_EXPIRED, f"Request {last.id} expired: approvers have "
                               f"{span(facts.APPROVAL_WINDOW_MINUTES.value)}, "
                               "then the user must submit a new request.", settings_note=note)
        if status is Status.CANCELED:
            return Explanation(Reason.REQUEST_CANCELED, f"Request {last.id} was canceled.", settings_note=note)
        if status is Status.GRANTED:
            return Explanation(Reason.ACTIVATION_NOT_STARTED, f"Request {last.id} starts at minute {last.start:g}.",
                               settings_note=note)
    activations = [s for s in here if s.origin is Origin.ACTIVATED and s.start <= t]
    for s in activations:
        if s.holds_at(t) and not s.usable_at(t):
            return Explanation(Reason.PROVISIONING_LAG, f"Usable from minute {s.usable_from:g}; signing out and "
                               "in again refreshes the token.", settings_note=note)
    eligible_now = [s for s in here if s.kind is Kind.ELIGIBLE and s.holds_at(t)]
    if activations and eligible_now:
        latest = max(activations, key=lambda s: s.stop)
        how = ("was deactivated" if latest.removed is not None and latest.removed < (latest.end or float("inf"))
               else "expired")
        return Explanation(Reason.ACTIVATION_ENDED, f"The activation {how} at minute {latest.stop:g}; activate again.",
                           settings_note=note)
    if eligible_now:
        return Explanation(Reason.ELIGIBLE_NOT_ACTIVATED, f"{principal} is eligible for {role}; eligible means "
                           "it must be activated before use.", settings_note=note)
    # A future-start adminAssign has no schedule until its start: read the granted request instead.
    later = [s.start for s in here if s.start > t] + [
        r.start for w in whos for r in sim.requests_of(w, role) if r.action is Action.ADMIN_ASSIGN
        and r.scope in covering and r.start > t and sim.status_at(r.id, t) is Status.GRANTED]
    if later:
        return Explanation(Reason.ASSIGNMENT_NOT_STARTED, f"An assignment starts at minute {min(later):g}.",
                           settings_note=note)
    ended = [s for s in here if s.origin is not Origin.ACTIVATED and s.stop <= t]
    if ended:
        return Explanation(Reason.ASSIGNMENT_ENDED, f"The {ended[-1].kind.value} assignment ended at minute "
                           f"{max(s.stop for s in ended):g}.", settings_note=note)
    elsewhere = [s for s in mine if s.scope not in covering and s.holds_at(t)]
    if elsewhere:
        return Explanation(Reason.SCOPE_NOT_COVERED, f"{principal} has {role} at {elsewhere[0].scope}; assignments "
                           "inherit down the scope tree, never up or sideways.", settings_note=note)
    return Explanation(Reason.NOT_ELIGIBLE, f"{principal} has no eligible or active assignment of {role} that "
                       f"covers {scope}.", settings_note=note)


def settings_note(sim: State, role: str, scope: str) -> str:
    """Where this role's settings at this scope come from; Azure settings are not inherited."""
    surface = sim.tenant.scope(scope).surface
    if surface is not Surface.AZURE:
        return ""
    own = (role, scope) in sim.settings.overrides
    parents = [p for p in sim.tenant.ancestors(scope)[1:] if (role, p) in sim.settings.overrides]
    if own:
        return f"{role} settings at {scope} are set on this scope."
    if parents:
        return (f"{role} settings at {scope} are the defaults: the settings made at {parents[0]} are not "
                "inherited by child scopes.")
    return f"{role} settings at {scope} are the defaults."


def audit_readers(sim: State, record, place, t: float,
                  known: dict[tuple[str, str], tuple[Holding, ...]] | None = None) -> tuple[str, ...]:
    """The people who can read ``record`` in ``place`` at minute ``t``: the persons involved for My
    audit, otherwise everyone holding a reader role there (Azure places read roles at the record's
    scope, inherited from above; group blades read the group's owners). ``known`` keeps the holders
    already found at ``t`` per (role, scope), for a caller asking about many records at one moment."""
    from pim_sim.core.audit import Place, readers, visible

    licence = sim.licence_at(t)
    if not visible(record, place, t, licence.audit_tier, licence.has_pim):
        return ()
    names = readers(record, place)
    if place in (Place.PIM_ENTRA_MY_AUDIT, Place.PIM_AZURE_MY_AUDIT, Place.PIM_GROUPS_MY_AUDIT):
        return tuple(n for n in names if sim.tenant.has_principal(n))
    people: list[str] = []
    for role in names:
        at_resource = place in (Place.PIM_AZURE_RESOURCE_AUDIT, Place.AZURE_ACTIVITY_LOG) or (
            place is Place.PIM_GROUPS_RESOURCE_AUDIT and role == "Owner")
        scope = record.scope if at_resource else "/"
        try:
            cached = None if known is None else known.get((role, scope))
            found = holders(sim, role, scope, t) if cached is None else cached
            if known is not None:
                known[role, scope] = found
            people.extend(h.principal for h in found)
        except KeyError:
            continue
    return tuple(sorted(set(people)))
