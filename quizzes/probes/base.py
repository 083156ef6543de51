"""Probes: small scenarios whose records decide answer keys (the registry, the lab and shared helpers).

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
from typing import Any, TypeVar

import pandas as pd

from pim_sim import PimRefusal, Simulation, Tenant
from pim_sim.errors import SettingError
from pim_sim.results import run as attached

T = TypeVar("T")

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
        jit = sim.__dict__.get("jit")  # just-in-time VM access: its Azure Activity Log entries are evidence too
        if jit is not None and jit.activity:
            frames.append(pd.DataFrame([{
                "run": label, "minute": e.minute, "activity": e.operation_name, "service": "Azure Activity Log",
                "category": "JIT VM access", "initiator": e.caller, "target": e.resource_id.rsplit("/", 1)[-1],
                "role": "", "scope": e.subscription, "result": e.status, "request_id": e.correlation_id,
                "status_reason": ""} for e in jit.activity]))
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
        jit = attached.jit(sim)
        if jit is not None:
            events += [(e.minute, 0, f"{e.operation_name} [Azure Activity Log] by {e.caller}: {e.status} "
                                     f"({e.resource_id.rsplit('/', 1)[-1]})") for e in jit.activity]
            events += [(f.minute, 1, f"REFUSED JIT {f.action} by {f.principal}: {f.reason}: {f.message}")
                       for f in jit.refusals]
        for minute, _, text in sorted(events, key=lambda e: (e[0], e[1])):
            lines.append(f"{label} | {_when(minute)} | {text}")
    return tuple(lines)


def _when(minute: float) -> str:
    days, rest = divmod(minute, DAY)
    hours, mins = divmod(rest, HOUR)
    return f"day {int(days)} {int(hours):02d}:{mins:04.1f}"


# --- helpers ---------------------------------------------------------------------------------
def must(value: T | None) -> T:
    """``value``, which the probe's own set-up guarantees (an assignment it just made); a missing one
    is a probe that broke, said so instead of an AttributeError on ``None``."""
    if value is None:
        raise LookupError("the probe's set-up did not make what it looks up")
    return value


def refusal(call: Callable[..., object]) -> PimRefusal | None:
    """The refusal a call raises, or None when PIM accepts it."""
    try:
        call()
    except PimRefusal as e:
        return e
    return None


def setting_refused(call: Callable[..., object]) -> bool:
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


