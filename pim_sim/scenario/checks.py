"""Cross-field checks that need the whole scenario: is 'carol' a user here, is the role one of
its scope's surface, are the settings in range, does PIM accept the starting assignments (a dry
run)? Every problem is collected with its field path, so a file's problems are reported at once."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Generic

from pim_sim.core.events import ADMIN
from pim_sim.core.policy import SettingsBook
from pim_sim.core.roles import AU_SCOPABLE, CATALOGUE, Surface
from pim_sim.core.roles import role as lookup_role
from pim_sim.core.tenant import Group, Licence, PrincipalKind, ScopeLevel, Tenant, User, scope_level
from pim_sim.errors import ModelError, PimRefusal, SettingError
from pim_sim.features.alerts import BY_ID
from pim_sim.scenario.budget import BudgetError, check_scenario
from pim_sim.scenario.built import Make, S
from pim_sim.scenario.jit import jit_problems
from pim_sim.scenario.observations import REASONS, alert_id, metric_names
from pim_sim.scenario.presets import Preset, preset
from pim_sim.scenario.reader import Document, Issue, ScenarioError
from pim_sim.scenario.spec import ScenarioSpec, SettingFields, TenantSpec
from pim_sim.scenario.timeline import make_assignment, review_definition
from pim_sim.simulation import Simulation

_SURFACE_NAMES = {Surface.ENTRA: "Microsoft Entra", Surface.AZURE: "Azure resource", Surface.GROUPS: "PIM for Groups"}
_SETTING_FIELD = {"Activation maximum duration": "activation_max", "On activation, require": "auth_context",
                  "Conditional Access authentication context": "auth_context",
                  "Require approval to activate": "approvers", "Expire eligible assignments after": "eligible_max",
                  "Expire active assignments after": "active_max"}


def unique(issues):
    return list(dict.fromkeys(issues))


class Checker(Generic[S]):
    """Cross-reference checks that need the whole scenario (is 'carol' a user here?)."""

    def __init__(self, doc: Document, make: Make[S], spec: ScenarioSpec,
                 kept: dict[tuple, list[int]] | None = None, folder: Path | None = None, budget: int | None = None):
        self.doc, self.make, self.spec, self.kept, self.folder, self.budget = doc, make, spec, kept or {}, folder, budget
        self.issues: list[Issue] = []
        self.book = SettingsBook()

    def fail(self, path, message: str) -> None:
        path = tuple(path)
        for prefix, indices in self.kept.items():  # back to the file's own list positions
            n = len(prefix)
            if path[:n] == prefix and len(path) > n and isinstance(path[n], int):
                path = (*prefix, indices[path[n]], *path[n + 1:])
        self.issues.append(self.doc.issue(path, message))

    def scenario(self) -> S:
        spec = self.spec
        base = self._preset()
        tenant = self._tenant(base)
        if tenant is None:
            raise ScenarioError(self.issues)
        settings = self.book = self._settings(tenant)
        own = list(enumerate(spec.assignments))
        unusable = set()
        for i, a in own:
            before = len(self.issues)
            self._assignment(tenant, ("assignments", i), a)
            if len(self.issues) > before:
                unusable.add(i)
        self._approvers(tenant)
        self._timeline(tenant)
        self._workload(tenant)
        self._observations(tenant)
        inherited = base.assignments if base else ()
        scenario = self.make(spec, tenant, settings, (*inherited, *spec.assignments), self.doc.file)
        try:  # before the dry run, which alone costs as much as the assignments it makes
            check_scenario(scenario, self.budget)
        except BudgetError as e:
            self.fail(("workload",) if spec.workload is not None else ("horizon",), str(e))
            raise ScenarioError(unique(self.issues)) from None
        # Made even when other parts failed, so PIM's refusals are reported with every other problem at once.
        self._dry_run(scenario, len(inherited), skip={len(inherited) + i for i in unusable})
        for path, problem in jit_problems(scenario):  # just-in-time VM access (pim_sim.scenario.jit)
            self.fail(path, problem)
        if self.issues:
            raise ScenarioError(unique(self.issues))
        return scenario

    # -- tenant ------------------------------------------------------------------------------
    def _preset(self) -> Preset | None:
        if self.spec.preset is None:
            return None
        try:
            return preset(self.spec.preset)
        except ValueError as e:
            self.fail(("preset",), str(e))
            return None

    def _tenant(self, base: Preset | None) -> Tenant | None:
        mine = self.spec.tenant
        theirs = base.tenant if base else TenantSpec()
        users = {u.name: u for u in theirs.users} | {u.name: u for u in mine.users}
        groups = {g.name: g for g in theirs.groups} | {g.name: g for g in mine.groups}
        sps = list(dict.fromkeys([*theirs.service_principals, *mine.service_principals]))
        scopes = {s.id: s for s in theirs.scopes} | {s.id: s for s in mine.scopes}
        names = set(users) | set(groups) | set(sps)
        seen: dict[str, str] = {}
        for kind, items in (("users", [u.name for u in mine.users]), ("groups", [g.name for g in mine.groups]),
                            ("service_principals", mine.service_principals)):
            for i, name in enumerate(items):
                path = ("tenant", kind, i) if kind == "service_principals" else ("tenant", kind, i, "name")
                if name in seen and (seen[name] != kind or items.count(name) > 1):
                    self.fail(path, f"{name!r} is named twice in this tenant; principal names must be unique")
                seen.setdefault(name, kind)
        for i, u in enumerate(mine.users):
            if u.manager is not None and u.manager not in users:
                self.fail(("tenant", "users", i, "manager"), f"{u.manager!r} is not a user in this scenario")
        for i, g in enumerate(mine.groups):
            for field in ("members", "owners"):
                for j, m in enumerate(getattr(g, field)):
                    if m not in names:
                        self.fail(("tenant", "groups", i, field, j), f"{m!r} is not a user, group or service "
                                                                    "principal in this scenario")
        bad_scopes = set()
        for i, s in enumerate(mine.scopes):
            for field, value in (("id", s.id), ("parent", s.parent)):
                if value is not None:
                    try:
                        scope_level(value)
                    except ModelError as e:
                        self.fail(("tenant", "scopes", i, field), str(e))
                        bad_scopes.add(s.id)
        # Build with the bad references left out, so the rest of the file is checked too.
        try:
            return Tenant.build(
                users=[User(u.name, kind=PrincipalKind(u.kind), manager=u.manager if u.manager in users else None,
                            last_sign_in=u.last_sign_in, display_name=u.display_name) for u in users.values()],
                service_principals=sps,
                groups=[Group(g.name, g.role_assignable, tuple(m for m in g.members if m in names),
                              tuple(o for o in g.owners if o in names), g.dynamic, g.synced) for g in groups.values()],
                scopes=[(s.id, s.parent) for s in scopes.values() if s.id not in bad_scopes],
                licence=mine.licence or theirs.licence or Licence.P2,
                name=mine.name or theirs.name or "contoso")
        except ModelError as e:
            self.fail(("tenant",), str(e))
            return None

    # -- references ----------------------------------------------------------------------------
    def _principal(self, tenant: Tenant, path, name: str | None, *, admin_ok: bool = False) -> None:
        if name is None or (admin_ok and name == ADMIN) or tenant.has_principal(name):
            return
        extra = " (or 'admin' for an unnamed administrator)" if admin_ok else ""
        self.fail(path, f"{name!r} is not a user, group or service principal in this scenario{extra}")

    def _approver(self, tenant: Tenant, path, name: str) -> None:
        """Approvers are users or groups of the tenant; service principals can't approve (pim-approval-workflow)."""
        if tenant.has_principal(name) and tenant.principal(name).kind is PrincipalKind.SERVICE_PRINCIPAL:
            self.fail(path, f"{name!r} is a service principal; approvers are users or groups (service principals "
                            "can't approve)")
        else:
            self._principal(tenant, path, name)

    def _role(self, tenant: Tenant, path, role: str, scope: str) -> bool:
        """Check the scope exists and the role belongs to its surface."""
        try:
            surface = tenant.scope(scope).surface
        except ModelError:
            self.fail((*path, "scope"), f"{scope!r} is not a scope in this scenario; add it under tenant.scopes")
            return False
        try:
            lookup_role(surface, role)
        except KeyError:
            close = difflib.get_close_matches(role, CATALOGUE[surface], n=1, cutoff=0.5)
            hint = f"; did you mean {close[0]!r}?" if close else f"; known roles: {', '.join(sorted(CATALOGUE[surface]))}"
            self.fail((*path, "role"), f"{role!r} is not a {_SURFACE_NAMES[surface]} role (scope {scope!r}){hint}")
            return False
        return True

    def _settings_from(self, tenant: Tenant) -> SettingsBook:
        """``settings_from``: role settings read from a policy export beside the scenario file."""
        src = self.spec.settings_from
        if src is None:
            return SettingsBook()
        from pim_sim.graph.reader import read_policies

        if Path(src.file).name != src.file or src.file in ("", ".", ".."):
            self.fail(("settings_from", "file"), "name a file beside the scenario file (a bare file name: no "
                                                 "folders, no '..', no absolute path)")
            return SettingsBook()
        if self.folder is None:
            # An uploaded or pasted scenario has no folder of its own and never reads the server's files.
            self.fail(("settings_from", "file"), "settings_from works only for a scenario file on disk; an uploaded "
                                                 "or pasted scenario can't read other files")
            return SettingsBook()
        target = (self.folder / src.file).resolve()  # a symlink is followed here, and must stay in the folder
        if target.parent != self.folder:
            self.fail(("settings_from", "file"), f"{src.file} leads outside the scenario's folder (a symbolic link?); "
                                                 "put the export itself beside the scenario file")
            return SettingsBook()
        try:
            got = read_policies(target, names=src.names, role=src.role)
        except (OSError, ModelError) as e:
            self.fail(("settings_from", "file"), f"can't use {src.file}: {e}")
            return SettingsBook()
        for (role, scope), s in got.settings.items():
            if scope not in {x.id for x in tenant.scopes}:
                self.fail(("settings_from", "file"), f"{src.file} has settings for {role} at {scope}, not a scope "
                                                     "of this tenant")
            for a in s.approvers:
                if not tenant.has_principal(a):
                    self.fail(("settings_from", "names"), f"approver {a!r} of {role} in {src.file} is not in this "
                                                          "tenant; map its id to a name under settings_from.names")
        return SettingsBook(dict(got.settings))

    def _settings(self, tenant: Tenant) -> SettingsBook:
        book = self._settings_from(tenant)
        seen = set()
        for i, s in enumerate(self.spec.settings):
            path = ("settings", i)
            if not self._role(tenant, path, s.role, s.scope):
                continue
            for j, a in enumerate(s.approvers or ()):
                self._approver(tenant, (*path, "approvers", j), a)
            surface = tenant.scope(s.scope).surface
            key = (s.role, "/" if surface is Surface.ENTRA else s.scope)
            if key in seen:
                self.fail((*path, "role"), f"settings for {s.role} at {key[1]} are given twice")
                continue
            seen.add(key)
            try:
                book = book.with_setting(s.role, s.scope, surface,
                                         book.lookup(s.role, s.scope, surface).with_changes(**s.changes()))
            except SettingError as e:
                self.fail((*path, _SETTING_FIELD.get(e.setting, "")), str(e))
        return book

    def _assignment(self, tenant: Tenant, path, a) -> None:
        self._principal(tenant, (*path, "principal"), a.principal)
        if (self._role(tenant, path, a.role, a.scope) and a.role not in AU_SCOPABLE
                and tenant.scope(a.scope).level is ScopeLevel.ADMINISTRATIVE_UNIT):
            self.fail((*path, "scope"), f"{a.role} can't be assigned with administrative unit scope; only "
                                        f"{', '.join(sorted(AU_SCOPABLE))} can (admin-units-assign-roles)")

    def _approvers(self, tenant: Tenant) -> None:
        for name in self.spec.approvers:
            if name != "*":
                self._principal(tenant, ("approvers", name), name)

    def _timeline(self, tenant: Tenant) -> None:
        horizon = self.spec.horizon
        reviews: set[str] = set()
        for i, step in enumerate(self.spec.timeline):
            path = ("timeline", i)
            if step.at >= horizon:
                self.fail((*path, "at"), f"this step is at or after the horizon ({_hours(step.at)} >= "
                                         f"{_hours(horizon)}); it would never happen")
            for field in ("principal", "requester"):
                self._principal(tenant, (*path, field), getattr(step, field, None))
            self._principal(tenant, (*path, "by"), getattr(step, "by", None), admin_ok=True)
            if step.do == "review":
                self._review(tenant, path, step)
                reviews.add(step.name)
            if step.do in ("review_decide", "review_apply") and step.review not in reviews:
                self.fail((*path, "review"), f"no earlier 'review' step is named {step.review!r}")
            if hasattr(step, "role"):
                ok = self._role(tenant, path, step.role, getattr(step, "scope", "/"))
                if ok and isinstance(step, SettingFields) and step.do == "set_settings":
                    surface = tenant.scope(step.scope).surface
                    for j, a in enumerate(step.approvers or ()):
                        self._approver(tenant, (*path, "approvers", j), a)
                    try:
                        self.book.lookup(step.role, step.scope, surface).with_changes(**step.changes()).validate(surface)
                    except SettingError as e:
                        self.fail((*path, _SETTING_FIELD.get(e.setting, "")), str(e))

    def _review(self, tenant: Tenant, path, step) -> None:
        for field in ("selected", "fallback"):
            for j, name in enumerate(getattr(step, field)):
                self._principal(tenant, (*path, field, j), name)
        try:
            review_definition(step)
        except ModelError as e:
            field, _, message = str(e).partition(": ")
            known = field in type(step).model_fields
            self.fail((*path, field) if known else path, message if known else str(e))

    def _workload(self, tenant: Tenant) -> None:
        wl = self.spec.workload
        if wl is None:
            return
        for j, u in enumerate(wl.users or ()):
            self._principal(tenant, ("workload", "users", j), u)
        for u in wl.rates:
            self._principal(tenant, ("workload", "rates", u), u)
        for j, r in enumerate(wl.roles or ()):
            if not any(r in roles for roles in CATALOGUE.values()):
                self.fail(("workload", "roles", j), f"{r!r} is not a known role")

    def _observations(self, tenant: Tenant) -> None:
        for i, o in enumerate(self.spec.observe):
            path = ("observe", i)
            if o.principal is not None:
                self._principal(tenant, (*path, "principal"), o.principal)
                if o.role is not None:
                    self._role(tenant, path, o.role, o.scope)
            if o.metric is not None and o.metric not in metric_names():
                self.fail((*path, "metric"), f"{o.metric!r} is not a metric; expected one of: "
                                             f"{', '.join(metric_names())}")
            if o.alert is not None and alert_id(o.alert) is None:
                self.fail((*path, "alert"), f"{o.alert!r} is not a PIM alert; expected one of: {', '.join(BY_ID)}")
            elif o.alert is not None and (self.spec.alerts is None or not self.spec.alerts.monitor):
                self.fail((*path, "alert"), "alerts are not monitored in this scenario; add 'alerts: {}' to watch them")
            if o.reason is not None and o.reason not in REASONS:
                self.fail((*path, "reason"), f"{o.reason!r} is not a reason; expected one of: {', '.join(REASONS)}")
            if o.at is not None and o.at > self.spec.horizon:
                self.fail((*path, "at"), "this observation is after the horizon")

    def _dry_run(self, scenario: S, inherited: int, skip: set[int]) -> None:
        """Make the starting assignments once: PIM's refusals (a permanent assignment a role's
        settings forbid, a service principal made eligible) become errors in the file."""
        sim = Simulation(scenario.tenant, scenario.settings, lag=False)
        alerts = self.spec.alerts.settings if self.spec.alerts is not None else {}
        for name, setting in alerts.items():
            try:
                sim.alerts.configure(name, enabled=setting.enabled, email=setting.email, **setting.thresholds())
            except (ModelError, PimRefusal) as e:
                self.fail(("alerts", "settings", name), getattr(e, "message", str(e)))
        for k, a in enumerate(scenario.assignments):
            if a.start > 0 or k in skip:
                continue
            try:
                make_assignment(sim, a)
            except PimRefusal as e:
                path = ("preset",) if k < inherited else ("assignments", k - inherited)
                self.fail(path, f"PIM refuses this assignment: {e.message}")


def _hours(mins: float) -> str:
    return f"{mins / 60:g} h"

