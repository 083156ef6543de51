"""Fix-the-tenant exercises: a misconfigured tenant, a goal in plain words, and a grader.

An exercise file (``exercises/*.yaml``, read with ``yaml.safe_load``) holds a scenario (the
tenant, its assignments, a seeded workload over a few days), the misconfiguration on top of it,
the goal, and requirements worth points. A student's fix changes role settings (the fields of
:class:`~pim_sim.RoleSettings`, durations in ISO-8601, plus ``alerts``: the additional
recipients of the three administrator notifications) and may turn standing assignments into
eligible ones. The grader applies the fix ten minutes into the run (assignments can't be
removed within 5 minutes of being made), checks the tenant with the baseline checks, replays the
seeded workload to the horizon and gives credit per requirement.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import yaml

from pim_sim.core.clock import minutes
from pim_sim.core.policy import NotificationEvent, NotificationRule, Recipient, RoleSettings
from pim_sim.core.requests import Action
from pim_sim.core.roles import surface_of
from pim_sim.core.schedules import Kind, Origin
from pim_sim.errors import ModelError, PimRefusal
from pim_sim.posture import baseline
from pim_sim.scenario.model import Scenario

EXERCISE_DIR = Path(__file__).resolve().parents[2] / "exercises"
MAX_BYTES = 200_000
FIX_MINUTE = 10.0
ALERT_EVENTS = {"eligibility": NotificationEvent.ELIGIBLE_ASSIGNED, "assignment": NotificationEvent.ACTIVE_ASSIGNED,
                "activation": NotificationEvent.ACTIVATED}
DURATION_FIELDS = ("activation_max", "eligible_max", "active_max")
SETTING_FIELDS = (*(f.name for f in fields(RoleSettings) if f.name != "notifications"), "alerts")
CHECKS = ("scuba", "advice", "setting", "access_rate", "approved_by_other", "alert_sent")


class ExerciseError(ModelError):
    """A malformed exercise or fix; names the field path and the problem."""

    def __init__(self, path: str, problem: str):
        self.path, self.problem = path, problem
        super().__init__(f"{path}: {problem}")


@dataclass(frozen=True, slots=True)
class Requirement:
    id: str
    text: str
    check: str
    params: tuple[tuple[str, object], ...]
    points: float = 1.0

    def get(self, name: str, default=None):
        return dict(self.params).get(name, default)


@dataclass(frozen=True, slots=True)
class Fix:
    """What a student changes: settings by role (``role`` or ``role@scope``) and standing
    assignments made eligible."""

    settings: tuple[tuple[str, tuple[tuple[str, object], ...]], ...] = ()
    make_eligible: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_dict(cls, data: Mapping | None, path: str = "fix") -> Fix:
        if data is not None and not isinstance(data, Mapping):
            raise ExerciseError(path, "a fix is a mapping with settings and make_eligible")
        data = dict(data or {})
        unknown = set(data) - {"settings", "make_eligible"}
        if unknown:
            raise ExerciseError(f"{path}.{sorted(unknown)[0]}", "unknown field; a fix has settings and make_eligible")
        settings = data.get("settings") or {}
        if not isinstance(settings, Mapping):
            raise ExerciseError(f"{path}.settings", "a mapping of role name to the settings to change")
        out = []
        for role, changes in settings.items():
            if not isinstance(changes, Mapping):
                raise ExerciseError(f"{path}.settings.{role}", "a mapping of setting name to value")
            for name in changes:
                if name not in SETTING_FIELDS:
                    raise ExerciseError(f"{path}.settings.{role}.{name}",
                                        f"not a role setting; choose from {', '.join(SETTING_FIELDS)}")
            out.append((str(role), tuple((str(k), _freeze(v)) for k, v in changes.items())))
        eligible = []
        listed = data.get("make_eligible") or ()
        if not isinstance(listed, list | tuple):
            raise ExerciseError(f"{path}.make_eligible", "a list of [principal, role] pairs")
        for i, item in enumerate(listed):
            if not (isinstance(item, list | tuple) and len(item) == 2 and all(isinstance(x, str) for x in item)):
                raise ExerciseError(f"{path}.make_eligible[{i}]", "write [principal, role]")
            eligible.append((item[0], item[1]))
        return cls(tuple(out), tuple(eligible))

    def to_dict(self) -> dict:
        return {"settings": {role: {k: _thaw(v) for k, v in changes} for role, changes in self.settings},
                "make_eligible": [list(p) for p in self.make_eligible]}


def _freeze(v):
    if isinstance(v, Mapping):
        return tuple((str(k), _freeze(x)) for k, x in v.items())
    if isinstance(v, list | tuple):
        return tuple(_freeze(x) for x in v)
    return v


def _thaw(v):
    if isinstance(v, tuple) and v and all(isinstance(x, tuple) and len(x) == 2 and isinstance(x[0], str) for x in v):
        return {k: _thaw(x) for k, x in v}
    if isinstance(v, tuple):
        return [_thaw(x) for x in v]
    return v


@dataclass(frozen=True)
class Exercise:
    id: str
    title: str
    goal: str
    scenario: Scenario
    misconfiguration: Fix
    requirements: tuple[Requirement, ...]
    exclusions: tuple[str, ...] = ()
    hint: str = ""
    solution: Fix = Fix()

    @property
    def max_points(self) -> float:
        return sum(r.points for r in self.requirements)


@dataclass(frozen=True, slots=True)
class RequirementResult:
    id: str
    text: str
    passed: bool
    detail: str
    points: float
    earned: float


@dataclass(frozen=True)
class Grade:
    exercise: str
    results: tuple[RequirementResult, ...]
    scuba: tuple[baseline.CheckResult, ...]
    advice: tuple[baseline.Advice, ...]

    @property
    def score(self) -> float:
        return sum(r.earned for r in self.results)

    @property
    def max_score(self) -> float:
        return sum(r.points for r in self.results)

    @property
    def solved(self) -> bool:
        return all(r.passed for r in self.results)


# ------------------------------------------------------------------------------- loading
def load_exercise(path) -> Exercise:
    p = Path(path)
    if p.stat().st_size > MAX_BYTES:
        raise ExerciseError(str(p), f"larger than {MAX_BYTES} bytes")
    data = yaml.safe_load(p.read_text())
    return exercise_from_dict(data, str(p))


def exercise_from_dict(data, file: str = "<exercise>") -> Exercise:
    if not isinstance(data, Mapping):
        raise ExerciseError(file, "an exercise is a mapping of fields")
    for key in ("id", "title", "goal", "scenario", "requirements"):
        if key not in data:
            raise ExerciseError(f"{file}: {key}", "missing")
    unknown = set(data) - {"id", "title", "goal", "scenario", "misconfiguration", "requirements", "exclusions", "hint",
                           "solution"}
    if unknown:
        raise ExerciseError(f"{file}: {sorted(unknown)[0]}", "unknown field")
    scenario = Scenario.from_dict(data["scenario"], file=f"{file}: scenario")
    reqs = []
    for i, r in enumerate(data["requirements"] or ()):
        path = f"{file}: requirements[{i}]"
        if not isinstance(r, Mapping) or not {"id", "text", "check"} <= set(r):
            raise ExerciseError(path, "needs id, text and check")
        if r["check"] not in CHECKS:
            raise ExerciseError(f"{path}.check", f"{r['check']!r} is not one of {', '.join(CHECKS)}")
        params = tuple((k, _freeze(v)) for k, v in r.items() if k not in ("id", "text", "check", "points"))
        reqs.append(Requirement(str(r["id"]), str(r["text"]), r["check"], params, float(r.get("points", 1))))
    return Exercise(str(data["id"]), str(data["title"]), str(data["goal"]).strip(), scenario,
                    Fix.from_dict(data.get("misconfiguration"), f"{file}: misconfiguration"), tuple(reqs),
                    tuple(data.get("exclusions") or ()), str(data.get("hint") or "").strip(),
                    Fix.from_dict(data.get("solution"), f"{file}: solution"))


def list_exercises(directory=None) -> list[Exercise]:
    folder = Path(directory) if directory is not None else EXERCISE_DIR
    return [load_exercise(p) for p in sorted(folder.glob("*.yaml"))]


def get_exercise(name: str, directory=None) -> Exercise:
    for ex in list_exercises(directory):
        if ex.id == name:
            return ex
    known = ", ".join(e.id for e in list_exercises(directory))
    raise ExerciseError("exercise", f"{name!r} is not a shipped exercise; choose from {known}")


# ------------------------------------------------------------------------------- applying a fix
def settings_changes(current: RoleSettings, changes, path: str) -> dict:
    """Keyword arguments for :meth:`RoleSettings.with_changes` from a fix's plain values."""
    out: dict[str, Any] = {}
    for name, value in dict(changes).items():
        where = f"{path}.{name}"
        try:
            if name in DURATION_FIELDS:
                out[name] = minutes(value)
            elif name == "approvers":
                if isinstance(value, str) or not isinstance(value, tuple | list | type(None)):
                    raise ExerciseError(where, f"{value!r} is not a list of approver names")
                out[name] = tuple(str(a) for a in (value or ()))
            elif name == "auth_context":
                if value is not None and not isinstance(value, str):
                    raise ExerciseError(where, f"{value!r} is not the name of an authentication context, e.g. c1")
                out[name] = value or None
            elif name == "alerts":
                alerts = _thaw(value) if value != () else {}
                if not isinstance(alerts, Mapping):
                    raise ExerciseError(where, "a mapping of eligibility, assignment or activation to e-mail addresses")
                out["notifications"] = _alerts(current, dict(alerts), where)
            else:
                if not isinstance(value, bool):
                    raise ExerciseError(where, f"{value!r} is not true or false")
                out[name] = value
        except ModelError as e:
            if isinstance(e, ExerciseError):
                raise
            raise ExerciseError(where, str(e)) from None
    return out


def _alerts(current: RoleSettings, alerts: dict, path: str) -> tuple[NotificationRule, ...]:
    for key in alerts:
        if key not in ALERT_EVENTS:
            raise ExerciseError(f"{path}.{key}", f"choose from {', '.join(ALERT_EVENTS)}")
    for key, value in alerts.items():
        if value is not None and (not isinstance(value, list | tuple) or not all(isinstance(x, str) for x in value)):
            raise ExerciseError(f"{path}.{key}", f"{value!r} is not a list of e-mail addresses")
    wanted = {ALERT_EVENTS[k]: tuple(x for x in (v or ()) if x) for k, v in alerts.items()}
    return tuple(NotificationRule(n.event, n.recipient, n.default_recipients, wanted[n.event], n.critical_only)
                 if n.recipient is Recipient.ADMIN and n.event in wanted else n for n in current.notifications)


def apply_fix(sim, fix: Fix, path: str = "fix") -> None:
    """Apply a fix to a running simulation (settings first, then standing assignments made eligible)."""
    for key, changes in fix.settings:
        role, _, scope = key.partition("@")
        scope = scope or "/"
        where = f"{path}.settings.{key}"
        try:
            surface_of(role)
        except KeyError as e:
            raise ExerciseError(where, str(e.args[0])) from None
        try:
            sim.set_settings(role, scope, **settings_changes(sim.settings_for(role, scope), changes, where))
        except KeyError as e:  # a role that doesn't exist at that scope, e.g. Owner at '/'
            raise ExerciseError(where, str(e.args[0])) from None
        except ModelError as e:
            if isinstance(e, ExerciseError):
                raise
            raise ExerciseError(where, str(e)) from None
    for principal, role in fix.make_eligible:
        where = f"{path}.make_eligible[{principal}, {role}]"
        standing = [s for s in sim.schedules_of(principal) if s.role == role and s.kind is Kind.ACTIVE
                    and s.origin in (Origin.ASSIGNED, Origin.OUTSIDE_PIM) and s.holds_at(sim.now)]
        if not standing:
            raise ExerciseError(where, f"{principal} has no standing active {role} assignment")
        try:
            for s in standing:
                sim.remove(s.id, justification="Made eligible: just-in-time access")
            sim.assign(principal, role, kind="eligible", duration="P180D", justification="Just-in-time access")
        except PimRefusal as e:
            raise ExerciseError(where, e.message) from None


def configured(exercise: Exercise, fix: Fix | None = None):
    """The exercise's simulation at minute 0 with the misconfiguration and the fix's settings applied
    (to read a role's current settings with ``settings_for``)."""
    sim = exercise.scenario.simulation()
    apply_fix(sim, exercise.misconfiguration, "misconfiguration")
    if fix is not None:
        apply_fix(sim, Fix(fix.settings))
    return sim


# ------------------------------------------------------------------------------- grading
def run(exercise: Exercise, fix: Fix | None = None, *, seed: int | None = None):
    """The exercise's simulation with the misconfiguration and the fix applied, run to the horizon.
    Returns (simulation, posture at the moment of the fix)."""
    sim = exercise.scenario.simulation(seed)
    apply_fix(sim, exercise.misconfiguration, "misconfiguration")
    sim.run(FIX_MINUTE)
    if fix is not None:
        apply_fix(sim, fix)
    posture = baseline.posture_from_simulation(
        sim, exclusions={"MS.AAD.7.4v1": {"RoleExclusions": {"Users": list(exercise.exclusions)}}})
    sim.run(exercise.scenario.horizon)
    return sim, posture


def grade(exercise: Exercise, fix: Fix | Mapping | None = None, *, seed: int | None = None) -> Grade:
    """Partial credit per requirement: baseline checks on the fixed tenant, then a seeded replay."""
    if not isinstance(fix, Fix):
        fix = Fix.from_dict(fix)
    sim, posture = run(exercise, fix, seed=seed)
    checks, tips = baseline.evaluate(posture)
    results = []
    for req in exercise.requirements:
        passed, detail = _check(req, sim, posture, checks, tips)
        results.append(RequirementResult(req.id, req.text, passed, detail, req.points, req.points if passed else 0.0))
    return Grade(exercise.id, tuple(results), checks, tips)


def _activations(sim, role: str):
    return [r for r in sim.requests.values() if r.action is Action.SELF_ACTIVATE and r.role == role
            and r.created >= FIX_MINUTE]


def _check(req: Requirement, sim, posture, checks, tips) -> tuple[bool, str]:
    if req.check == "scuba":
        found = next((c for c in checks if c.control == req.get("control")), None)
        if found is None:
            raise ExerciseError(f"requirement {req.id}.control", f"{req.get('control')!r} is not a SCuBA control")
        return found.passed, f"{found.result}: {found.text}"
    if req.check == "advice":
        found = next((a for a in tips if a.role == req.get("role") and a.topic == req.get("topic", "Role settings")), None)
        if found is None:
            return False, "no advice for this role"
        return found.passed, f"{found.result}: {found.details}"
    role = str(req.get("role"))
    if req.check == "setting":
        s = sim.settings_for(role, str(req.get("scope", "/")))
        name = str(req.get("field"))
        value = getattr(s, name)
        for op, test in (("at_most", lambda a, b: a <= b), ("at_least", lambda a, b: a >= b),
                         ("equals", lambda a, b: a == b)):
            if op in dict(req.params):
                want = req.get(op)
                want = minutes(want) if name in DURATION_FIELDS else want
                shown = f"{value / 60:g} h" if name in DURATION_FIELDS else repr(value)
                return bool(test(value, want)), f"{role} {name} is {shown}"
        raise ExerciseError(f"requirement {req.id}", "a setting check needs at_most, at_least or equals")
    acts = _activations(sim, role)
    # a refusal because the user already holds or awaits the role is not a lost attempt
    refused = [x for x in sim.refusals if x.action == Action.SELF_ACTIVATE.value and x.role == role
               and x.minute >= FIX_MINUTE and x.code not in ("RoleAssignmentExists", "PendingRoleAssignmentRequest")]
    activated = {s.request_id for s in sim.schedules.values() if s.origin is Origin.ACTIVATED}
    provisioned = [r for r in acts if r.id in activated]
    if req.check == "access_rate":
        attempts = len(acts) + len(refused)
        rate = len(provisioned) / attempts if attempts else 0.0
        want = float(req.get("at_least", 0.8))
        return attempts > 0 and rate >= want, f"{len(provisioned)} of {attempts} activation attempts got access ({rate:.0%})"
    if req.check == "approved_by_other":
        bad = [r.id for r in provisioned if not r.approver or r.approver == r.principal]
        if not provisioned:
            return False, "no activation got access, so none was approved"
        return not bad, (f"{len(bad)} of {len(provisioned)} activations had no approver" if bad
                         else f"all {len(provisioned)} activations were approved by someone else")
    if req.check == "alert_sent":
        to = str(req.get("to"))
        if req.get("event", "activation") == "activation":
            subjects = provisioned
            rule_id = "Notification_Admin_EndUser_Assignment"
        else:
            subjects = [r for r in sim.requests.values() if r.action is Action.ADMIN_ASSIGN and r.role == role
                        and r.created > FIX_MINUTE and r.kind == "eligible"]
            rule_id = "Notification_Admin_Admin_Eligibility"
        sent = {n.request_id for n in sim.notifications if n.rule_id == rule_id and to in n.recipients.split(";")}
        missing = [r.id for r in subjects if r.id not in sent]
        if not subjects:
            return False, "nothing happened that should have triggered the alert"
        return not missing, (f"{to} was told of {len(subjects) - len(missing)} of {len(subjects)} "
                             f"{req.get('event', 'activation')}s")
    raise ExerciseError(f"requirement {req.id}.check", f"{req.check!r} is not a known check")
