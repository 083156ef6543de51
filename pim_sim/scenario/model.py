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
import itertools
import re
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from pim_sim.core.policy import SettingsBook
from pim_sim.core.roles import using
from pim_sim.core.tenant import Tenant, User
from pim_sim.features.jit_vm.spec import build as build_jit
from pim_sim.io.untrusted import InputError, check_depth, read_file
from pim_sim.results.tables import Results
from pim_sim.scenario import workload as workload_mod
from pim_sim.scenario.budget import CLI_BUDGET, Estimate, estimate
from pim_sim.scenario.observations import Observation, check_observation
from pim_sim.scenario.reader import MAX_BYTES, MAX_DEPTH, Document, Issue, ScenarioError, read
from pim_sim.scenario.spec import WEEKDAYS, AssignmentSpec, ScenarioSpec, json_schema
from pim_sim.scenario.spec.roles import catalogue_of
from pim_sim.scenario.timeline import approver_behaviour, make_assignment, perform
from pim_sim.scenario.validation import validate
from pim_sim.simulation import Simulation

SCENARIO_DIR = Path(__file__).resolve().parents[2] / "scenarios"
DEFAULT_SCENARIO = "jit-basics"

__all__ = ["Observation", "Scenario", "ScenarioError", "ScenarioInfo", "default_scenario", "json_schema",
           "list_scenarios", "load_scenario"]


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
        return validate(read(text, file), cls, budget)

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
        return validate(Document(data, dict.fromkeys(_paths(data)), file), cls, budget)

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
        behaviours = {name: approver_behaviour(a) for name, a in spec.approvers.items()}
        with using(catalogue_of(spec.custom_roles)):  # the simulation keeps the scenario's custom roles
            sim = Simulation(self.tenant, self.settings, seed=spec.seed if seed is None else seed, start=spec.start,
                             approvers=behaviours, lag=False if spec.lag is None else spec.lag.lag(),
                             auth_contexts=tuple(spec.tenant.auth_contexts))
        for a in self.assignments:
            if a.start > 0:
                sim.at(a.start, partial(make_assignment, sim, a))
            else:
                make_assignment(sim, a)
        if spec.alerts is not None and spec.alerts.monitor:
            for name, setting in spec.alerts.settings.items():
                sim.alerts.configure(name, enabled=setting.enabled, email=setting.email, **setting.thresholds())
            sim.alerts.scan()
        for step in spec.timeline:
            sim.at(step.at, partial(perform, sim, step))
        if spec.jit is not None:  # just-in-time VM access: set up now, its timeline and workload scheduled
            build_jit(spec.jit, sim.jit, until=spec.horizon)
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
        return tuple(check_observation(o, results) for o in self.spec.observe)


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
    return validate(read(data, str(path)), Scenario, budget, folder=Path(path).resolve().parent)


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

