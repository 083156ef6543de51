"""Scenarios: the one way into the model for files, the CLI, the dashboard and the quiz probes.

A :class:`Scenario` is frozen and validated. It is read from YAML (:func:`load_scenario`,
:meth:`Scenario.from_yaml`) or built from a dict in code (:meth:`Scenario.from_dict`); both go
through the same checks, and every problem is reported at once with its file, line and field
path (:class:`ScenarioError`). :meth:`Scenario.simulation` builds a fresh
:class:`~pim_sim.Simulation` with the timeline and workload scheduled; :meth:`Scenario.run`
runs it to the horizon. Replications and sweeps live in :mod:`pim_sim.runner`.
"""

from __future__ import annotations

import copy
import difflib
import itertools
import re
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from pim_sim.core.access import Reason
from pim_sim.core.approvals import ApproverBehaviour, Away
from pim_sim.core.events import ADMIN, Refusal
from pim_sim.core.policy import SettingsBook
from pim_sim.core.requests import PENDING, Action, Request, Status
from pim_sim.core.roles import AU_SCOPABLE, CATALOGUE, Surface
from pim_sim.core.roles import role as lookup_role
from pim_sim.core.schedules import Kind, Origin
from pim_sim.core.tenant import Group, Licence, PrincipalKind, ScopeLevel, Tenant, User, scope_level
from pim_sim.errors import ModelError, PimRefusal, SettingError
from pim_sim.features.alerts import BY_ID, DEFINITIONS
from pim_sim.features.reviews import AccessReview, Review, ReviewerBehaviour
from pim_sim.io.untrusted import InputError, check_depth, read_file
from pim_sim.results.tables import Results
from pim_sim.scenario import workload as workload_mod
from pim_sim.scenario.budget import CLI_BUDGET, BudgetError, Estimate, check_scenario, estimate
from pim_sim.scenario.presets import Preset, preset
from pim_sim.scenario.reader import MAX_BYTES, MAX_DEPTH, Document, Issue, ScenarioError, read
from pim_sim.scenario.spec import (
    WEEKDAYS,
    AssignmentSpec,
    ObservationSpec,
    ScenarioSpec,
    SettingFields,
    TenantSpec,
    json_schema,
)
from pim_sim.simulation import Simulation

SCENARIO_DIR = Path(__file__).resolve().parents[2] / "scenarios"
DEFAULT_SCENARIO = "jit-basics"
REASONS = {r.name.lower(): r for r in Reason}
_SURFACE_NAMES = {Surface.ENTRA: "Microsoft Entra", Surface.AZURE: "Azure resource", Surface.GROUPS: "PIM for Groups"}

__all__ = ["Observation", "Scenario", "ScenarioError", "ScenarioInfo", "default_scenario", "json_schema",
           "list_scenarios", "load_scenario"]


@cache
def metric_names() -> tuple[str, ...]:
    """The names of :meth:`Results.metrics`, read from an empty run (so new metrics appear here)."""
    return tuple(Results(Simulation(Tenant.build())).metrics())


@dataclass(frozen=True, slots=True)
class Observation:
    """One observation of a scenario checked against a run."""

    text: str
    passed: bool
    expected: str
    actual: str


@dataclass(frozen=True, slots=True)
class ScenarioInfo:
    name: str
    title: str
    lesson: str
    path: Path


@dataclass(frozen=True)
class Scenario:
    """A validated scenario. Build one with :meth:`from_yaml`, :meth:`from_dict` or :func:`load_scenario`."""

    spec: ScenarioSpec
    tenant: Tenant
    settings: SettingsBook
    assignments: tuple[AssignmentSpec, ...]
    file: str = "<scenario>"

    # ------------------------------------------------------------------ building
    @classmethod
    def from_yaml(cls, text: str | bytes, file: str = "<text>", *, budget: int | None = CLI_BUDGET) -> Scenario:
        """Parse and validate YAML text (safely: plain data only, bounded in size). A scenario
        whose estimated work (:mod:`pim_sim.scenario.budget`) is above ``budget`` is refused; ``None``
        lifts the budget."""
        return _validate(read(text, file), budget)

    @classmethod
    def from_dict(cls, data: dict[str, Any], file: str = "<dict>", *, budget: int | None = CLI_BUDGET) -> Scenario:
        """Validate a scenario given as plain data (the same shape as a file)."""
        if not isinstance(data, dict):
            raise ScenarioError([Issue(file, None, "", "a scenario is a mapping of fields")])
        try:
            check_depth(data, file, MAX_DEPTH + 1)
        except InputError as e:
            raise ScenarioError([Issue(file, None, "", e.problem + " (a dict or list that contains itself?)")]) from None
        data = copy.deepcopy(data)
        return _validate(Document(data, dict.fromkeys(_paths(data)), file), budget)

    def to_dict(self) -> dict[str, Any]:
        """The scenario as plain data (durations in minutes) that :meth:`from_dict` accepts."""
        return self.spec.model_dump(mode="json", by_alias=True, exclude_defaults=True)

    def with_value(self, path: str, value) -> Scenario:
        """A copy with one field changed, e.g. ``with_value("settings[0].activation_max", "PT4H")``;
        the copy is validated again."""
        data = self.to_dict()
        set_path(data, path, value)
        return Scenario.from_dict(data, file=self.file, budget=None)

    # ------------------------------------------------------------------ facts
    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def title(self) -> str:
        return self.spec.title or self.spec.name

    @property
    def lesson(self) -> str:
        return self.spec.lesson

    @property
    def horizon(self) -> float:
        """Minutes to simulate."""
        return self.spec.horizon

    @property
    def seed(self) -> int:
        return self.spec.seed

    @property
    def replications(self) -> int:
        return self.spec.replications

    @property
    def work(self) -> Estimate:
        """The estimated work of one run (see :mod:`pim_sim.scenario.budget`)."""
        return estimate(self)

    # ------------------------------------------------------------------ running
    def simulation(self, seed: int | None = None) -> Simulation:
        """A fresh simulation at minute 0 with the assignments made and the timeline and workload
        scheduled. Nothing in the scenario is shared with it or changed by it."""
        spec = self.spec
        behaviours = {name: _behaviour(a) for name, a in spec.approvers.items()}
        sim = Simulation(self.tenant, self.settings, seed=spec.seed if seed is None else seed, start=spec.start,
                         approvers=behaviours, lag=False if spec.lag is None else spec.lag.lag(),
                         auth_contexts=tuple(spec.tenant.auth_contexts))
        for a in self.assignments:
            if a.start > 0:
                sim.at(a.start, partial(_assign, sim, a))
            else:
                _assign(sim, a)
        if spec.alerts is not None and spec.alerts.monitor:
            for name, setting in spec.alerts.settings.items():
                sim.alerts.configure(name, enabled=setting.enabled, email=setting.email, **setting.thresholds())
            sim.alerts.scan()
        for step in spec.timeline:
            sim.at(step.at, partial(perform, sim, step))
        if spec.workload is not None:
            wl = spec.workload
            hours = workload_mod.WorkingHours(tuple(WEEKDAYS.index(d) for d in wl.working_hours.days),
                                              wl.working_hours.start_hour, wl.working_hours.end_hour)
            triples = self.workload_triples()
            for rate in sorted({wl.rates.get(user, wl.rate_per_day) for user, _, _ in triples}):
                activation = workload_mod.ActivationWorkload(rate, tuple(wl.durations), hours, wl.justification)
                mine = [t for t in triples if wl.rates.get(t[0], wl.rate_per_day) == rate]
                workload_mod.start(sim, activation, mine, spec.horizon)
        return sim

    def workload_triples(self) -> list[tuple[str, str, str]]:
        """(user, role, scope) of the eligible assignments the workload activates."""
        wl = self.spec.workload
        if wl is None:
            return []
        users = set(wl.users) if wl.users is not None else None
        roles = set(wl.roles) if wl.roles is not None else None
        out = []
        for a in self.assignments:
            if (a.kind == "eligible" and isinstance(self.tenant.principal(a.principal), User)
                    and (users is None or a.principal in users) and (roles is None or a.role in roles)):
                out.append((a.principal, a.role, a.scope))
        return list(dict.fromkeys(out))

    def run(self, seed: int | None = None, *, progress=None, check=None) -> Results:
        """Run one replication to the horizon and return its results. ``progress(minute)`` is
        called as the clock advances (for progress bars), and ``check(sim)`` after each step of
        it (to stop a run by raising, as :func:`pim_sim.scenario.budget.run_bounded` does)."""
        sim = self.simulation(seed)
        if progress is None and check is None:
            sim.run(self.horizon)
        else:
            steps = 100
            for i in range(1, steps + 1):
                sim.run(self.horizon * i / steps)
                if progress is not None:
                    progress(sim.now)
                if check is not None:
                    check(sim)
        return Results(sim, self.horizon)

    def observe(self, results: Results) -> tuple[Observation, ...]:
        """Check the scenario's observations against a run."""
        return tuple(_check(o, results) for o in self.spec.observe)


# ---------------------------------------------------------------------- loading and listing
def load_scenario(path: str | Path, *, budget: int | None = CLI_BUDGET) -> Scenario:
    """Read and validate a scenario file (a regular file of at most ``MAX_BYTES``), or raise
    :class:`ScenarioError` with every problem. ``path`` is a file name given by the caller; text
    read from a file or an upload goes to :meth:`Scenario.from_yaml` instead."""
    try:
        data = read_file(Path(path), MAX_BYTES)
    except InputError as e:
        problem = (f"the file is larger than {MAX_BYTES:,} bytes; scenario files are limited to that"
                   if e.problem.startswith("larger than") else f"can't read the file: {e.problem}")
        raise ScenarioError([Issue(str(path), None, "", problem)]) from None
    return _validate(read(data, str(path)), budget, folder=Path(path).resolve().parent)


def list_scenarios(directory: str | Path | None = None) -> list[ScenarioInfo]:
    """The shipped classroom scenarios (name, title, lesson, path), sorted by name."""
    folder = Path(directory) if directory is not None else SCENARIO_DIR
    out = []
    for path in sorted(folder.glob("*.yaml")):
        s = load_scenario(path)
        out.append(ScenarioInfo(s.name, s.title, s.lesson, path))
    return out


def default_scenario() -> Scenario:
    """The scenario the dashboard opens with (just-in-time basics)."""
    return load_scenario(SCENARIO_DIR / f"{DEFAULT_SCENARIO}.yaml")


def _paths(data, prefix=()):
    """Every field path in plain data (data built in code has paths but no lines)."""
    yield prefix
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for key, value in items:
        yield from _paths(value, (*prefix, key))


_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def set_path(data: dict, path: str, value) -> None:
    """Set ``value`` at a field path such as ``settings[0].activation_max`` in plain data."""
    parts = [int(i) if i else k for k, i in _PART.findall(path)]
    if not parts:
        raise ScenarioError([Issue("", None, path, "an empty field path")])
    target = data
    for here, nxt in itertools.pairwise(parts):
        try:
            if isinstance(here, int):
                target = target[here]
            else:
                target = target.setdefault(here, [] if isinstance(nxt, int) else {})
        except (IndexError, KeyError, TypeError, AttributeError):
            raise ScenarioError([Issue("", None, path, f"no field {here!r} on the way to {path!r}")]) from None
    try:
        target[parts[-1]] = value
    except (IndexError, TypeError):
        raise ScenarioError([Issue("", None, path, f"can't set {path!r}")]) from None


# ---------------------------------------------------------------------- validation
_SETTING_FIELD = {"Activation maximum duration": "activation_max", "On activation, require": "auth_context",
                  "Conditional Access authentication context": "auth_context",
                  "Require approval to activate": "approvers", "Expire eligible assignments after": "eligible_max",
                  "Expire active assignments after": "active_max"}


def _shown(value) -> str:
    """A value as the file wrote it, cut short: an error line stays one line."""
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:50]}... ({len(text):,} characters)"


def _pydantic_message(err: dict) -> str:
    kind, msg, ctx = err["type"], err["msg"], err.get("ctx") or {}
    err = {**err, "input": _Shown(_shown(err.get("input")))}
    if kind == "extra_forbidden":
        return "unknown field; check its spelling against `pim-sim schema`"
    if kind == "missing":
        return "this field is required"
    if kind == "union_tag_invalid":
        return f"{ctx.get('tag')!r} is not an action; expected one of: {ctx.get('expected_tags')}"
    if kind == "union_tag_not_found":
        return "a timeline step needs 'do:' naming its action (activate, approve, ...)"
    if kind == "literal_error":
        return f"{err.get('input')!r} is not allowed; expected {ctx.get('expected')}"
    if kind == "string_pattern_mismatch":
        if tuple(err["loc"]) == ("name",):
            return f"{err.get('input')!r} is not a scenario name: use lower case letters, digits and dashes, e.g. jit-basics"
        return f"{err.get('input')!r} is not a valid name: use letters, digits, spaces and . _ @ ' -"
    if kind == "value_error":
        return str(ctx.get("error", msg))
    if kind.endswith("_type") or kind.endswith("_parsing"):
        return f"{msg.replace('Input should be', 'expected')} (got {err.get('input')!r})"
    return msg.replace("Value error, ", "")


def _validate(doc: Document, budget: int | None = CLI_BUDGET, folder: Path | None = None) -> Scenario:
    """Validate a document; ``folder`` is the folder of a scenario file read from disk (the only
    kind whose ``settings_from`` may read a file)."""
    try:
        spec = ScenarioSpec.model_validate(doc.data)
    except ValidationError as e:
        issues = [doc.issue(err["loc"], _pydantic_message(err)) for err in e.errors()]
        # Check the rest too, so every problem is reported at once: drop what failed and validate again.
        pruned, kept = _prune(doc.data, [err["loc"] for err in e.errors()])
        try:
            rest = ScenarioSpec.model_validate(pruned)
            _Checker(doc, rest, kept, folder).scenario()
        except ValidationError:
            pass
        except ScenarioError as more:
            issues.extend(more.issues)
        raise ScenarioError(sorted(_unique(issues), key=lambda i: i.line or 0)) from None
    return _Checker(doc, spec, folder=folder, budget=budget).scenario()


class _Shown(str):
    """A value already shown (``repr`` gives it back unquoted)."""

    def __repr__(self) -> str:
        return str(self)


_PLACEHOLDERS = {"name": "unnamed", "horizon": 1.0}


def _prune(data: dict, locs) -> tuple[dict, dict]:
    """A copy of ``data`` without the parts that failed validation (list items, mapping entries,
    required fields replaced by placeholders), and for each list the original index of each kept item."""
    pruned = copy.deepcopy(data)
    doomed: dict[tuple, set[int]] = {}
    for loc in locs:
        cut = next((k for k, part in enumerate(loc) if isinstance(part, int)), None)
        if cut is not None:
            doomed.setdefault(tuple(loc[:cut]), set()).add(loc[cut])
            continue
        head = loc[:2] if len(loc) > 1 and loc[0] in ("tenant", "approvers", "workload", "preset") else loc[:1]
        if not head:
            continue
        parent = pruned
        for part in head[:-1]:
            parent = parent.get(part) if isinstance(parent, dict) else None
        if isinstance(parent, dict):
            if len(head) == 1 and head[0] in _PLACEHOLDERS:
                parent[head[0]] = _PLACEHOLDERS[head[0]]
            else:
                parent.pop(head[-1], None)
    kept: dict[tuple, list[int]] = {}
    for path, bad in doomed.items():
        parent = pruned
        for part in path:
            parent = parent.get(part) if isinstance(parent, dict) else None
        if isinstance(parent, list):
            kept[path] = [i for i in range(len(parent)) if i not in bad]
            parent[:] = [item for i, item in enumerate(parent) if i not in bad]
    return pruned, kept


def _unique(issues):
    return list(dict.fromkeys(issues))


class _Checker:
    """Cross-reference checks that need the whole scenario (is 'carol' a user here?)."""

    def __init__(self, doc: Document, spec: ScenarioSpec, kept: dict[tuple, list[int]] | None = None,
                 folder: Path | None = None, budget: int | None = None):
        self.doc, self.spec, self.kept, self.folder, self.budget = doc, spec, kept or {}, folder, budget
        self.issues: list[Issue] = []
        self.book = SettingsBook()

    def fail(self, path, message: str) -> None:
        path = tuple(path)
        for prefix, indices in self.kept.items():  # back to the file's own list positions
            n = len(prefix)
            if path[:n] == prefix and len(path) > n and isinstance(path[n], int):
                path = (*prefix, indices[path[n]], *path[n + 1:])
        self.issues.append(self.doc.issue(path, message))

    def scenario(self) -> Scenario:
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
        scenario = Scenario(spec, tenant, settings, (*inherited, *spec.assignments), self.doc.file)
        try:  # before the dry run, which alone costs as much as the assignments it makes
            check_scenario(scenario, self.budget)
        except BudgetError as e:
            self.fail(("workload",) if spec.workload is not None else ("horizon",), str(e))
            raise ScenarioError(_unique(self.issues)) from None
        # Made even when other parts failed, so PIM's refusals are reported with every other problem at once.
        self._dry_run(scenario, len(inherited), skip={len(inherited) + i for i in unusable})
        if self.issues:
            raise ScenarioError(_unique(self.issues))
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
                ok = self._role(tenant, path, step.role, step.scope)
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
                self._role(tenant, path, o.role, o.scope)
            if o.metric is not None and o.metric not in metric_names():
                self.fail((*path, "metric"), f"{o.metric!r} is not a metric; expected one of: "
                                             f"{', '.join(metric_names())}")
            if o.alert is not None and _alert_id(o.alert) is None:
                self.fail((*path, "alert"), f"{o.alert!r} is not a PIM alert; expected one of: {', '.join(BY_ID)}")
            elif o.alert is not None and (self.spec.alerts is None or not self.spec.alerts.monitor):
                self.fail((*path, "alert"), "alerts are not monitored in this scenario; add 'alerts: {}' to watch them")
            if o.reason is not None and o.reason not in REASONS:
                self.fail((*path, "reason"), f"{o.reason!r} is not a reason; expected one of: {', '.join(REASONS)}")
            if o.at is not None and o.at > self.spec.horizon:
                self.fail((*path, "at"), "this observation is after the horizon")

    def _dry_run(self, scenario: Scenario, inherited: int, skip: set[int]) -> None:
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
                _assign(sim, a)
            except PimRefusal as e:
                path = ("preset",) if k < inherited else ("assignments", k - inherited)
                self.fail(path, f"PIM refuses this assignment: {e.message}")


def _hours(mins: float) -> str:
    return f"{mins / 60:g} h"


# ---------------------------------------------------------------------- the timeline at run time
def _behaviour(a) -> ApproverBehaviour:
    return ApproverBehaviour(a.respond_probability, a.median_delay, a.spread, a.approve_probability,
                             tuple(Away(w.from_, w.to) for w in a.away))


def _assign(sim: Simulation, a: AssignmentSpec) -> None:
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
    return (preferred or found or [None])[-1]


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
                                            justification=s.justification, ticket=s.ticket, mfa=s.mfa,
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


def _alert_id(name: str) -> str | None:
    if name in BY_ID:
        return name
    return next((d.id for d in DEFINITIONS if d.name == name), None)


# ---------------------------------------------------------------------- observations
def _check(o: ObservationSpec, results: Results) -> Observation:
    sim = results.sim
    if o.metric is not None:
        value = results.metrics()[o.metric]
        tests = [(o.equals, lambda b: value == b, "="), (o.at_least, lambda b: value >= b, ">="),
                 (o.at_most, lambda b: value <= b, "<=")]
        parts = [(f"{o.metric} {sign} {bound:g}", test(bound)) for bound, test, sign in tests if bound is not None]
        return Observation(o.text, all(ok for _, ok in parts), " and ".join(p for p, _ in parts),
                           f"{o.metric} = {value:g}")
    when = f"at minute {o.at:g}"
    if o.alert is not None:
        incidents = [i for i in sim.alerts.history if i.alert == _alert_id(o.alert) and i.open_at(o.at)]
        actual = "; ".join(f"{i.name}: {i.principal} {i.role} {i.scope}".strip() for i in incidents) or "no open incident"
        return Observation(o.text, bool(incidents) == o.open, f"{o.alert} {'open' if o.open else 'not open'} {when}",
                           actual)
    explanation = sim.why_not(o.principal, o.role, o.scope, at=o.at)
    if o.holds is not None:
        held = explanation.reason is Reason.HAS_ACCESS
        expected = f"{o.principal} {'holds' if o.holds else 'lacks'} {o.role} {when}"
        return Observation(o.text, held == o.holds, expected, explanation.detail)
    wanted = REASONS[o.reason]
    return Observation(o.text, explanation.reason is wanted, f"{wanted.value} {when}",
                       f"{explanation.reason.value}: {explanation.detail}")
