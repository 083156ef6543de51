"""The kernel: a SimPy environment over a tenant, and the surface PIM's rules and features use.

The kernel owns the clock (minutes since the start), the tenant's changing state (schedules,
requests, licence, settings), the randomness (one seed, independent named streams), the record
streams (audit, status changes, notifications, refusals) and their indexes. It knows no
feature: access reviews, alerts and JIT VM access (``pim_sim.features``) plug in from above
through the surface published here, and :mod:`pim_sim.simulation` composes them.

Published surface (what rules and features call; everything else is private):

- time: ``now``, ``run(until)``, ``advance(by)``, ``at(when, action)``, ``after(delay, fn, *args)``
- randomness: ``stream(name)`` (an independent ``random.Random`` per name, derived from the seed)
- records: ``log(...)`` (an audit record), ``notify(...)`` (an email by the role's notification
  rules), the same through heads made once (``audit_head`` and ``log_head``, ``notification_head`` and
  ``notify_head``), ``refuse(...)`` (record a refusal and raise it), ``emit(kind, payload)`` (tell listeners)
- state: ``add_schedule``, ``replace_schedule``, ``new_request``, ``set_status`` (and
  ``new_row``, ``move``: the same on a request's row),
  ``schedules_of``, ``schedules_with_role``, ``assignments_of``, ``holding_schedules``, ``last_use``,
  ``uses``, ``requests_of``, ``status_at``, ``settings``, ``settings_for``,
  ``set_settings``, ``licence``, ``licence_at``, ``sign_in``, ``last_sign_in``
- rules every feature shares: ``surface_for(role, scope)``, ``require_pim``, ``authorise``
- questions: ``holds``, ``why_not``
"""

from __future__ import annotations

import gc
import hashlib
import heapq
import itertools
import math
import random
from collections.abc import Callable, Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Any, NoReturn, Self

import simpy
from simpy.core import NORMAL  # the priority of a timer in SimPy's queue

from pim_sim import facts
from pim_sim.core import access as access_mod
from pim_sim.core import approvals, authority
from pim_sim.core.audit import CATEGORY, SERVICE_CATEGORY, Activity, Service
from pim_sim.core.clock import DEFAULT_START, Clock, minutes
from pim_sim.core.events import ADMIN, LicenceChange, Notification, Refusal
from pim_sim.core.lag import Lag
from pim_sim.core.policy import NotificationEvent, Recipient, RoleSettings, SettingsBook
from pim_sim.core.records import evolve, maker
from pim_sim.core.requests import ACTION, ID, Action, Request, RequestBook, Status, StatusChange, change_row, track_open
from pim_sim.core.roles import AU_SCOPABLE, Surface, catalogue_in_use
from pim_sim.core.roles import role as lookup_role
from pim_sim.core.schedules import Kind, Origin, Schedule
from pim_sim.core.streams import AuditLog, Call, Rows, run_until
from pim_sim.core.tenant import DIRECTORY, Licence, ScopeLevel, ServicePrincipal, Tenant
from pim_sim.errors import ModelError, PimRefusal, SettingError

_MAKE_SCHEDULE = maker(Schedule)  # every field in order, far fewer instructions than the classes' own __init__
_MAKE_REQUEST = maker(Request)
_PIM_LICENCES = frozenset(licence for licence in Licence if licence.has_pim)
_SELF_ACTIVATE = Action.SELF_ACTIVATE
_NO_CHANGES: Mapping[str, object] = MappingProxyType({})

_GC_YOUNG = 100_000  # allocations between young-generation collections during a run (CPython's default: 700)
_GC_NEVER = 2**30  # young collections between middle-generation ones during a run: none
STREAMS = ("provisioning", "approvers", "requesters", "reviewers", "workload", "spare")

class Kernel:
    """The state, clock, randomness and records of one replication, and the published surface."""

    def __init__(self, tenant: Tenant, settings: SettingsBook | None = None, *, seed: int = 0,
                 start: datetime = DEFAULT_START, approvers: dict[str, approvals.ApproverBehaviour] | None = None,
                 lag: bool | Lag = True, auth_contexts: tuple[str, ...] = ()):
        self.env = simpy.Environment()
        self.tenant = tenant
        self.role_catalogue = catalogue_in_use()  # built-in roles plus the run's custom roles (pim_sim.core.roles.using)
        self._surfaces = {s.id: s.surface for s in tenant.scopes}
        self.settings = settings or SettingsBook()
        self.clock = Clock(start)
        self.seed = seed
        self.lag = Lag() if lag is True else (lag or None)  # None: access is usable at once
        self.auth_contexts = frozenset(auth_contexts)
        self.behaviours = dict(approvers or {})
        import numpy as np  # only for the seed sequence; loaded with the first simulation, not with the package

        seqs = np.random.SeedSequence(seed).spawn(len(STREAMS))
        self.rng = {n: random.Random(int(s.generate_state(1, np.uint64)[0])) for n, s in zip(STREAMS, seqs, strict=True)}
        self._streams: dict[str, random.Random] = {}
        self._texts: dict[str, str] = {}  # one copy of each repeated notification text
        self.audit = AuditLog(self.clock)  # rows; AuditRecord objects are made when read
        self.status_log: Rows[StatusChange] = Rows(StatusChange, shared=(2, 3))  # (status, by): a shared head
        self.notifications: Rows[Notification] = Rows(Notification, shared=(1, 2, 3))  # (rule, recipients, subject)
        self._audit_add, self._audit_heads = self.audit.flat.extend, self.audit.heads  # the writers' fast paths
        self._status_add, self._status_heads = self.status_log.flat.extend, self.status_log.heads
        self._notification_add, self._notification_heads = self.notifications.flat.extend, self.notifications.heads
        self.refusals: list[Refusal] = []
        self.licence_log: list[LicenceChange] = [LicenceChange(0.0, tenant.licence)]
        self.schedules: dict[str, Schedule] = {}
        self.requests = RequestBook()  # rows, changed in place; Request records are made when read
        self._request_rows = self.requests.rows
        self.listeners: list[Callable[[Any, str, object], None]] = []  # (simulation, kind, payload)
        self.sign_ins: dict[str, float] = {}
        self._by_principal: dict[str, list[str]] = {}
        self._by_principal_role: dict[tuple[str, str, Kind], list[str]] = {}
        self._by_role: dict[str, list[str]] = {}
        self._assigned: dict[str, list[str]] = {"": []}  # role assignments ("" : everyone's), not uses
        self._held_by_role: dict[str, list[str]] = {}  # schedules of a role other than activations
        self._held_at: dict[tuple[str, str], list[str]] = {}  # the same per (role, scope)
        self._live_by_role: dict[str, dict[tuple[str, str], str]] = {}  # latest activation per (principal, scope)
        self._last_use: dict[tuple[str, str], float] = {}  # latest activation start per (principal, role)
        self._uses: dict[str, dict[tuple[str, str], list[float]]] = {}  # Entra activation starts per principal
        self._requests_by: dict[tuple[str, str], list[str]] = {}  # request ids per (principal, role)
        self._status_index: dict[str, list[tuple[float, Status]]] = {}
        self._status_indexed = 0  # status changes read into _status_index so far
        self._open_activations: dict[tuple[str, str, str], str] = {}
        self._activation_rows: dict[tuple[str, str, str], tuple] = {}  # see ActivationRules.activate
        self._live_activations: dict[tuple[str, str, str], str] = {}
        self._lifecycle_heads: dict[tuple[str, str, str, str], tuple] = {}  # see ActivationRules._heads
        self._activation_notices: dict[tuple[str, str, str], tuple] = {}  # (settings, two heads) per activation row
        self._schedule_numbers, self._request_numbers = itertools.count(1), itertools.count(1)
        self._surface_cache: dict[tuple[str, str], Surface] = {}  # surface_for per (role, scope): the tenant is frozen
        self._notify_rules: dict[int, tuple[RoleSettings, dict]] = {}  # per settings: (event, recipient, to) -> row
        # Approvers per (role, scope) with the epochs of the roles read and the minute they stay right until
        # (see approvers_for); a role's epoch moves on whenever one of its schedules is made or changed.
        self._approvers: dict[tuple[str, str], tuple[tuple[tuple[str, int], ...], float, frozenset[str]]] = {}
        self._epochs: dict[str, int] = {}
        self._eligible_epochs: dict[str, int] = {}  # per role, moved on only by its eligible schedules
        self._eligibility_rows: dict[tuple[str, str, str], tuple] = {}  # see ActivationRules._eligibility
        self._decider_lists: dict[tuple[frozenset[str], str], tuple[list[str], str]] = {}  # see _deciders
        for group in tenant.groups:
            for member in group.members:
                self.add_schedule(member, "Member", f"/groups/{group.name}", Kind.ACTIVE, Origin.STANDING, 0.0, None)
            for owner in group.owners:
                self.add_schedule(owner, "Owner", f"/groups/{group.name}", Kind.ACTIVE, Origin.STANDING, 0.0, None)

    # ------------------------------------------------------------------ clock and records
    @property
    def now(self) -> float:
        return self.env._now

    @property
    def licence(self) -> Licence:
        return self.licence_log[-1].licence

    def licence_at(self, t: float) -> Licence:
        current = self.licence_log[0].licence
        for change in self.licence_log:
            if change.minute <= t:
                current = change.licence
        return current

    def run(self, until) -> Self:
        """Advance the clock to an absolute time (minutes or an ISO duration from the start).

        Everything due at the target time happens too, so an activation ending at 10:00 has
        expired, with its audit records, once the clock is at 10:00."""
        target = minutes(until)
        if target < self.env._now:
            raise ModelError(f"can't run back in time: now is minute {self.env._now:g}, asked for {target:g}")
        # Many long-lived records, few cycles (those made, such as a refusal's traceback, die young): collect the
        # young generation less often and never the middle one while the run lasts, then move what survived to
        # the oldest generation without examining it (freeze and unfreeze); the thresholds are restored.
        threshold = gc.get_threshold()
        gc.set_threshold(max(threshold[0], _GC_YOUNG), _GC_NEVER, _GC_NEVER)
        try:
            run_until(self.env, target)
        finally:
            gc.set_threshold(*threshold)
            if gc.get_freeze_count() == 0:  # nothing else frozen: freeze and unfreeze only move objects
                gc.freeze()
                gc.unfreeze()
        return self

    def advance(self, by) -> Self:
        """Advance the clock by a duration (minutes or ISO-8601, e.g. 'PT5M', 'P1D')."""
        return self.run(self.env._now + minutes(by))

    def at(self, when, action: Callable[[], object]) -> None:
        """Run ``action`` at an absolute time. A refusal is recorded, not raised."""
        delay = minutes(when) - self.env._now
        if delay < 0:
            raise ModelError(f"can't schedule an action in the past (minute {minutes(when):g})")
        self.after(delay, self._attempt, action)

    def _attempt(self, action: Callable[[], object]) -> None:
        try:
            action()
        except PimRefusal:
            pass  # already recorded by the action itself

    def stream(self, name: str) -> random.Random:
        """An independent random stream for a feature, derived from the seed and the stream's name (the
        same object on every call). The kernel's own streams (``rng``) are not affected by asking."""
        found = self.rng.get(name) if name in STREAMS else self._streams.get(name)
        if found is None:
            digest = hashlib.sha256(f"pim-sim stream {self.seed} {name}".encode()).digest()
            found = self._streams[name] = random.Random(int.from_bytes(digest[:8], "big"))
        return found

    def after(self, delay: float, fn: Callable, *args) -> None:
        """Call ``fn(*args)`` after ``delay`` minutes (at the minute and in the order a SimPy timeout made now
        would fire, without making one)."""
        if delay < 0:
            raise ValueError(f"Negative delay {delay}")
        env = self.env
        queue: list = env._queue  # entries SimPy's step reads: (minute, priority, sequence, event)
        heapq.heappush(queue, (env._now + delay, NORMAL, next(env._eid), Call(fn, args)))

    def at_minute(self, when: float, fn: Callable, *args) -> None:
        """Call ``fn(*args)`` at exactly minute ``when`` (not before now): the time a timer set earlier with
        ``after`` would have fired at, without the rounding of working out a delay from a later moment."""
        env = self.env
        if when < env._now:
            raise ModelError(f"can't schedule an action in the past (minute {when:g})")
        queue: list = env._queue
        heapq.heappush(queue, (when, NORMAL, next(env._eid), Call(fn, args)))

    def log(self, activity: Activity | str, service: Service, surface: Surface | str, initiator: str, target: str, role: str,
             scope: str, *, justification: str = "", ticket: str = "", request_id: str = "", reason: str = "",
             result: str = "success", category: str = "") -> None:
        head = self.audit_head(activity, service, surface, initiator, target, role, scope, justification, reason, result,
                               category)
        self._audit_add((self.env._now, head, ticket, request_id))

    def audit_head(self, activity: Activity | str, service: Service, surface: Surface | str, initiator: str, target: str,
                   role: str, scope: str, justification: str = "", reason: str = "", result: str = "success",
                   category: str = "") -> tuple:
        """What an audit record shares with others (every field but its minute, ticket and request id), one copy
        of each: rules that write the same records again keep the head and append ``(minute, head, ticket,
        request id)`` with :meth:`log_head`."""
        category = category or SERVICE_CATEGORY.get(service) or CATEGORY[surface]  # type: ignore[index]  # str-valued
        head = (activity, service, category, surface, initiator, target, role, scope, result, justification, reason)
        return self._audit_heads.setdefault(head, head)

    def log_head(self, head: tuple, ticket: str = "", request_id: str = "") -> None:
        """An audit record from a head made by :meth:`audit_head`."""
        self._audit_add((self.env._now, head, ticket, request_id))

    def notify(self, settings: RoleSettings, event: NotificationEvent, recipient: Recipient, recipients: str,
                subject: str, request_id: str = "") -> None:
        if self.licence_log[-1].licence not in _PIM_LICENCES:
            return  # no PIM emails without the licence
        head = self.notification_head(settings, event, recipient, recipients, subject)
        if head is not None:
            self._notification_add((self.env._now, request_id, head))

    def notification_head(self, settings: RoleSettings, event: NotificationEvent, recipient: Recipient, recipients: str,
                          subject: str) -> tuple | None:
        """What an email of these settings' rule shares with others (rule, recipients, subject), one copy of each,
        or None when the rule sends none; :meth:`notify_head` sends it (if the licence allows emails)."""
        # The rule and the recipient list of each (settings, event, recipient kind, recipients) are worked out once.
        known = self._notify_rules.get(id(settings))
        if known is None or known[0] is not settings:
            known = self._notify_rules[id(settings)] = (settings, {})
        key = (event, recipient, recipients)
        found = known[1].get(key)
        if found is None:
            found = settings.email(event, recipient, recipients)
            if found:  # recipient lists repeat: one copy of each
                found = (found[0], self._texts.setdefault(found[1], found[1]))
            known[1][key] = found
        if not found:
            return None
        head = (*found, subject)  # heads repeat (subjects name the principal and role): one copy of each
        return self._notification_heads.setdefault(head, head)

    def notify_head(self, head: tuple | None, request_id: str = "") -> None:
        """An email from a head made by :meth:`notification_head` (none without the licence or the rule)."""
        if head is not None and self.licence_log[-1].licence in _PIM_LICENCES:
            self._notification_add((self.env._now, request_id, head))

    def refuse(self, principal: str, action: Action | str, role: str, scope: str, error: PimRefusal) -> NoReturn:
        self.refusals.append(Refusal(self.env._now, principal, str(action), role, scope, error.rule, error.code,
                                     error.message))
        raise error

    def emit(self, kind: str, payload: object) -> None:
        for listener in self.listeners:
            listener(self, kind, payload)

    # ------------------------------------------------------------------ state helpers
    def add_schedule(self, principal, role, scope, kind, origin, start, end, request_id: str = "",
                     activated_from: str = "", usable_from: float | None = None) -> Schedule:
        schedule_id = "s" + str(next(self._schedule_numbers)).zfill(6)  # f"s{n:06d}", in half the time
        s = _MAKE_SCHEDULE(schedule_id, principal, role, scope, self._surfaces.get(scope) or self._surface_of(scope),
                           kind, origin, start, end, self.env._now, request_id, activated_from, usable_from, None)
        self.schedules[schedule_id] = s
        self._by_principal.setdefault(principal, []).append(schedule_id)
        self._by_principal_role.setdefault((principal, role, kind), []).append(schedule_id)
        self._by_role.setdefault(role, []).append(schedule_id)
        self._epochs[role] = self._epochs.get(role, 0) + 1
        if kind is Kind.ELIGIBLE:
            self._eligible_epochs[role] = self._eligible_epochs.get(role, 0) + 1
        if origin is Origin.ACTIVATED:
            self._live_activations[principal, role, scope] = schedule_id  # the latest: the only one that can be in force
            self._live_by_role.setdefault(role, {})[principal, scope] = schedule_id
            if start > self._last_use.get((principal, role), -math.inf):
                self._last_use[principal, role] = start
            if s.surface is Surface.ENTRA:
                self._uses.setdefault(principal, {}).setdefault((role, scope), []).append(start)
        else:
            self._held_by_role.setdefault(role, []).append(schedule_id)
            self._held_at.setdefault((role, scope), []).append(schedule_id)
            if origin is not Origin.STANDING:
                self._assigned[""].append(schedule_id)
                self._assigned.setdefault(principal, []).append(schedule_id)
        return s

    def replace_schedule(self, s: Schedule, **changes) -> Schedule:
        new = evolve(s, **changes)
        self.schedules[s.id] = new
        self._epochs[s.role] = self._epochs.get(s.role, 0) + 1
        if Kind.ELIGIBLE in (s.kind, new.kind):
            self._eligible_epochs[s.role] = self._eligible_epochs.get(s.role, 0) + 1
        return new

    def set_status(self, r: Request, status: Status, by: str = "", **changes) -> Request:
        """Move a request to a new status (and change other fields), recording the change; its new version."""
        row = self._request_rows[r.id]
        self.move(row, status, by, changes)
        return _MAKE_REQUEST(*row)

    def move(self, row: list, status: Status, by: str = "", changes: Mapping[str, object] = _NO_CHANGES) -> None:
        """:meth:`set_status` on a request's row (``requests.rows[id]``), for rules that keep the row at hand."""
        now = self.env._now
        change_row(row, status, now, changes)
        head = (status, by)
        self._status_add((row[ID], now, self._status_heads.setdefault(head, head)))
        if row[ACTION] is _SELF_ACTIVATE:
            track_open(self._open_activations, row)

    def new_request(self, action: Action, principal: str, role: str, scope: str, kind: Kind, status: Status,
                     start: float, duration: float | None, by: str, justification: str = "", ticket: str = "",
                     target_schedule: str = "", ticket_system: str = "") -> Request:
        return _MAKE_REQUEST(*self.new_row(action, principal, role, scope, kind, status, start, duration, by,
                                           justification, ticket, target_schedule, ticket_system))

    def new_row(self, action: Action, principal: str, role: str, scope: str, kind: Kind, status: Status,
                start: float, duration: float | None, by: str, justification: str = "", ticket: str = "",
                target_schedule: str = "", ticket_system: str = "") -> list:
        """:meth:`new_request`, giving the request's row (``requests.rows[id]``)."""
        now, request_id = self.env._now, "r" + str(next(self._request_numbers)).zfill(6)  # as schedule ids
        row = [request_id, action, principal, role, scope, self._surfaces.get(scope) or self._surface_of(scope), kind,
               status, now, start, duration, justification, ticket, by, target_schedule, "", "", None, "", ticket_system]
        self._request_rows[request_id] = row
        self._requests_by.setdefault((principal, role), []).append(request_id)
        head = (status, by)
        self._status_add((request_id, now, self._status_heads.setdefault(head, head)))
        if action is _SELF_ACTIVATE:
            track_open(self._open_activations, row)
        return row

    def schedules_of(self, principal: str, role: str | None = None, kind: Kind | None = None) -> list[Schedule]:
        """A principal's schedules (every version's latest state), optionally of one role and kind."""
        if role is None:
            found = [self.schedules[i] for i in self._by_principal.get(principal, ())]
            return found if kind is None else [s for s in found if s.kind is kind]
        if kind is None:
            return [*self.schedules_of(principal, role, Kind.ELIGIBLE), *self.schedules_of(principal, role, Kind.ACTIVE)]
        return [self.schedules[i] for i in self._by_principal_role.get((principal, role, kind), ())]

    def schedules_with_role(self, role: str) -> list[Schedule]:
        return [self.schedules[i] for i in self._by_role.get(role, ())]

    def assignments_of(self, principal: str | None = None) -> list[Schedule]:
        """Role assignments (eligible or active, in or outside PIM; not activations, not standing group
        memberships) of one principal or of everyone, every one ever made, in the order they were made."""
        return [self.schedules[i] for i in self._assigned.get("" if principal is None else principal, ())]

    def holding_schedules(self, role: str, scope: str | None = None) -> list[Schedule]:
        """Schedules of a role (at one scope, or anywhere) that are not activations: assignments and
        standing memberships, in the order they were made."""
        ids = self._held_by_role.get(role, ()) if scope is None else self._held_at.get((role, scope), ())
        return [self.schedules[i] for i in ids]

    def latest_activations(self, role: str) -> list[Schedule]:
        """The latest activation of a role per (principal, scope): the only ones that can be in force now."""
        return [self.schedules[i] for i in self._live_by_role.get(role, {}).values()]

    def last_use(self, principal: str, role: str) -> float | None:
        """Start of the principal's latest activation of the role (any scope), or None."""
        return self._last_use.get((principal, role))

    def uses(self, principal: str | None = None) -> list[tuple[tuple[str, str, str], list[float]]]:
        """Start minutes of every activation of a Microsoft Entra role, per (principal, role, scope), in
        order; of one principal or of everyone."""
        who = self._uses.items() if principal is None else [(principal, self._uses.get(principal, {}))]
        return [((p, role, scope), starts) for p, mine in who for (role, scope), starts in mine.items()]

    def requests_of(self, principal: str, role: str) -> list[Request]:
        """The principal's requests for a role (latest versions), in the order they were made."""
        return [self.requests[i] for i in self._requests_by.get((principal, role), ())]

    def status_at(self, request_id: str, t: float) -> Status | None:
        index = self._status_index
        for request, minute, change, _ in self.status_log.rows_from(self._status_indexed):  # recorded since last asked
            index.setdefault(request, []).append((minute, change))
        self._status_indexed = len(self.status_log)
        status = None
        for minute, found in index.get(request_id, ()):
            if minute <= t:
                status = found
        return status

    @property
    def settings(self) -> SettingsBook:
        """The role settings in force; a new book clears the per-(role, scope) look-ups made from the old one."""
        return self._settings
    @settings.setter
    def settings(self, book: SettingsBook) -> None:
        self._settings = book
        self._settings_for: dict[tuple[str, str], RoleSettings] = {}
        self._approvers = {}

    def settings_for(self, role: str, scope: str) -> RoleSettings:
        try:
            return self._settings_for[role, scope]
        except KeyError:
            found = self._settings_for[role, scope] = self._settings.lookup(role, scope, self._surface_of(scope))
            return found

    def _surface_of(self, scope: str) -> Surface:
        """The surface of a scope of this (immutable) tenant; an unknown scope raises ModelError."""
        return self._surfaces.get(scope) or self.tenant.scope(scope).surface

    def surface_for(self, role: str, scope: str) -> Surface:
        found = self._surface_cache.get((role, scope))
        if found is None:
            found = self._surface_cache[role, scope] = self._surface_for(role, scope)
        return found

    def _surface_for(self, role: str, scope: str) -> Surface:
        where = self.tenant.scope(scope)
        found = lookup_role(where.surface, role, self.role_catalogue)
        if where.level is ScopeLevel.ADMINISTRATIVE_UNIT and not found.au_scopable:
            raise ModelError(f"{role} can't be assigned with administrative unit scope; of the modelled roles only "
                             f"{', '.join(sorted(AU_SCOPABLE))} can (admin-units-assign-roles)")
        return where.surface

    def require_pim(self, principal: str, action: Action | str, role: str, scope: str) -> None:
        if self.licence_log[-1].licence not in _PIM_LICENCES:
            self.refuse(principal, action, role, scope, PimRefusal(
                "PIM needs Microsoft Entra ID P2 or Microsoft Entra ID Governance; without it the PIM blades, "
                "API and PowerShell are unavailable.", rule="LicenseRule", code="TenantNotLicensed",
                source=facts.SOURCES["licence_lapse"]))

    def authorise(self, by: str, action: Action | str, principal: str, role: str, scope: str, surface: Surface) -> None:
        """Refuse ``by`` unless they may manage this surface's assignments (:func:`pim_sim.core.authority.authorise`)."""
        authority.authorise(self, by, action, principal, role, scope, surface)

    # ------------------------------------------------------------------ settings and licence
    def set_settings(self, role: str, scope: str = DIRECTORY, *, by: str = ADMIN, **changes) -> RoleSettings:
        """Change a role's settings (per role for Entra, per role per resource for Azure, per role per group
        for Groups). Refused values raise :class:`~pim_sim.errors.SettingError`."""
        surface = self.surface_for(role, scope)
        self.require_pim(by, "updateSettings", role, scope)
        if surface is not Surface.ENTRA:  # a group's owner may edit its settings (groups-role-settings)
            self.authorise(by, Action.ADMIN_UPDATE, by, role, scope, surface)
        elif by != ADMIN:
            self.authorise(by, Action.ADMIN_UPDATE, by, "Privileged Role Administrator", DIRECTORY, Surface.ENTRA)
        new = self.settings_for(role, scope).with_changes(**changes)
        for approver in new.approvers:  # approvers are users or groups of this tenant (pim-approval-workflow)
            if not self.tenant.has_principal(approver) or isinstance(self.tenant.principal(approver), ServicePrincipal):
                raise SettingError("Approvers", approver, "select users or groups of this tenant; service principals "
                                   "can't approve", facts.SELF_APPROVAL_ALLOWED.source)
        self.settings = self.settings.with_setting(role, scope, surface, new)
        self.log(Activity.UPDATE_ROLE_SETTING, Service.PIM, surface, by, role, role, scope)
        self.emit("settings", (role, scope))
        return new

    def sign_in(self, principal: str) -> None:
        """Record a sign-in (read by recommendations and stale-account alerts)."""
        self.tenant.principal(principal)
        self.sign_ins[principal] = self.env._now
        self.emit("sign_in", (principal, self.env._now))

    def last_sign_in(self, principal: str) -> float | None:
        """Minute of the principal's last sign-in: the latest in this run, else the tenant's starting
        value (``User.last_sign_in``, possibly before the start), else None (never signed in)."""
        if principal in self.sign_ins:
            return self.sign_ins[principal]
        when = getattr(self.tenant.principal(principal), "last_sign_in", None)
        return None if when is None else self.clock.minute_of(when)

    # ------------------------------------------------------------------ queries
    def holds(self, principal: str, role: str, scope: str = DIRECTORY, at=None) -> bool:
        """Does the principal hold usable access to the role at the scope at ``at`` (default now)?"""
        t = self.env._now if at is None else minutes(at)
        return bool(access_mod.holdings(self, principal, role, scope, t))

    def why_not(self, principal: str, role: str, scope: str = DIRECTORY, at=None) -> access_mod.Explanation:
        t = self.env._now if at is None else minutes(at)
        return access_mod.why_not(self, principal, role, scope, t)
