"""What the pages share: the portal sandbox in session state, cached scenario runs, and the one
way an action's outcome (success or PIM's refusal) is reported to the student."""

from __future__ import annotations

import re
import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime, timedelta
from threading import Lock

import streamlit as st
import yaml

from pim_sim import ModelError, PimRefusal, Results, Simulation, facts
from pim_sim.io.untrusted import InputError, decode
from pim_sim.runner import FRAMES, Replications, RunOutput, metrics_of, replication_seeds
from pim_sim.scenario.budget import DASHBOARD_BUDGET, DASHBOARD_SECONDS, BudgetError, check, run_bounded
from pim_sim.scenario.model import Scenario, ScenarioError, ScenarioInfo, default_scenario, list_scenarios
from pim_sim.scenario.reader import MAX_BYTES, Issue
from ui import sandbox
from ui.escape import code, markdown

SANDBOX = "sandbox"
FLASH = "flash"


def sandbox_sim() -> Simulation:
    """This browser session's portal sandbox (built on first use)."""
    if SANDBOX not in st.session_state:
        st.session_state[SANDBOX] = sandbox.build()
    return st.session_state[SANDBOX]


def reset_sandbox() -> None:
    st.session_state[SANDBOX] = sandbox.build()
    st.session_state[FLASH] = ("info", "The sandbox tenant was reset.")


def when(sim: Simulation, minute: float) -> str:
    """A simulation minute as a student reads it."""
    return f"{sim.clock.at(minute):%a %d %b %Y %H:%M} UTC"


def days(fact) -> str:
    """A duration fact (minutes) in days, as the text around it says it."""
    return f"{fact / (24 * 60):g} days"


def hours(fact) -> str:
    return f"{fact / 60:g} hours"


ACTIVATION_RANGE_HOURS = tuple(m / 60 for m in facts.ACTIVATION_MAX_RANGE_MINUTES.value)  # the portal slider's ends


def when_offset(scenario: Scenario, offset: float) -> str:
    """A moment given as minutes from a scenario's start."""
    return f"{scenario.spec.start + timedelta(minutes=offset):%a %d %b %Y %H:%M} UTC"


def when_opt(sim: Simulation, minute: float | None) -> str:
    return "permanent" if minute is None or minute == float("inf") else when(sim, minute)


def minute_of(sim: Simulation, moment: datetime) -> float:
    return sim.clock.minute_of(moment)


MINUTE = re.compile(r"\b(?:at |is |until |since |from )?minute (\d+(?:\.\d+)?)")


def readable(sim, text) -> str:
    """A model message with its simulation minutes ("expired at minute 3540.09") as the portal's
    dates and times ("expired at Wed 07 Jan 2026 11:00 UTC"); ``sim`` is anything on the run's clock
    (a Simulation, or the host of its just-in-time VM model)."""
    def date(m: re.Match) -> str:
        lead = m.group(0)[: m.group(0).index("minute")]
        return f"{lead if lead.strip() != 'is' else 'is '}{'on ' if not lead.strip() else ''}{when(sim, float(m.group(1)))}"
    return MINUTE.sub(date, str(text))


def attempt(action: Callable[[], object], success: Callable[[object], str], sim: Simulation | None = None) -> None:
    """Run a portal action; remember its outcome (or PIM's refusal, with the rule) for the next draw.
    Times in the model's messages are shown as dates and times of the sandbox (or ``sim``)."""
    sim = sim or sandbox_sim()
    try:
        outcome = action()
    except PimRefusal as refusal:
        source = f" [Source]({refusal.source})" if refusal.source else ""
        st.session_state[FLASH] = ("error", f"**Refused** ({refusal.rule}, {refusal.code}): "
                                            f"{readable(sim, refusal.message)}{source}")
    except ModelError as error:
        st.session_state[FLASH] = ("error", f"**Not possible:** {readable(sim, error)}")
    else:
        st.session_state[FLASH] = ("success", success(outcome))


def show_flash() -> None:
    """Draw the outcome of the last action, once, in a box that is always there (so the elements
    below keep their place, and their identity, whether or not there is a message)."""
    box = st.container()
    kind, text = st.session_state.pop(FLASH, (None, ""))
    if kind:
        {"error": box.error, "success": box.success, "info": box.info}[kind](text)


# ------------------------------------------------------------------ scenario runs, cached by text and seed
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml's safe dumper when present: same YAML, faster
LAB_TEXT = "lab_text"  # the Scenario lab's current scenario, as YAML text
LAB_SEED = "lab_seed_value"


def scenario_text(scenario: Scenario) -> str:
    """A scenario as YAML text: the cache key of its runs."""
    return yaml.dump(scenario.to_dict(), Dumper=DUMPER, sort_keys=False, allow_unicode=True)


@st.cache_resource(show_spinner=False)
def shipped() -> dict[str, ScenarioInfo]:
    """The classroom scenarios shipped in scenarios/, by name (read once per server)."""
    return {i.name: i for i in list_scenarios()}


@st.cache_resource(max_entries=1, show_spinner=False)
def default_text() -> str:
    return scenario_text(default_scenario())


DASHBOARD_LIMIT = "the dashboard's budget is fixed; run it from the command line with pim-sim run"
MAX_ISSUES = 20  # problems listed on a page; the rest are counted


@st.cache_resource(max_entries=64, show_spinner=False)
def parse(text: str) -> Scenario:
    """A validated scenario from YAML text (raises ScenarioError with lines and field paths),
    refused when one run of it is above the dashboard's work budget."""
    scenario = Scenario.from_yaml(text, file="scenario", budget=None)
    within_budget([scenario], 1)
    return scenario


def within_budget(scenarios: list[Scenario], runs: int) -> None:
    """Refuse (as a ScenarioError a page shows) ``runs`` replications of each scenario above the
    dashboard's budget: the What-if page's replications count, every one of them."""
    work = sum(s.work.total for s in scenarios) * runs
    what = " and ".join(f"{s.name!r}" for s in scenarios) + (f", {runs:,} replications each" if runs > 1 else "")
    parts = "; ".join(s.work.describe() for s in scenarios)
    try:
        check(work, DASHBOARD_BUDGET, f"{what} ({parts})", how_to_raise=DASHBOARD_LIMIT)
    except BudgetError as e:
        raise ScenarioError([Issue("scenario", None, "", str(e))]) from None


class Store:
    """Computed runs kept by key, least recently used dropped first. A plain store rather than a
    cached function, so a progress bar drawn while a run computes is never replayed."""

    def __init__(self, size: int = 32):
        self.size, self.items, self.lock = size, OrderedDict(), Lock()

    def get(self, key: tuple, compute: Callable[[], object]):
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key]
        value = compute()
        with self.lock:
            self.items[key] = value
            while len(self.items) > self.size:
                self.items.popitem(last=False)
        return value


@st.cache_resource(show_spinner=False)
def store() -> Store:
    """One store for the server: every page and session shares the runs."""
    return Store()


def cached(key: tuple | None, compute: Callable[[], object]):
    """A value derived from a run (its metrics, tables, chart specs), computed once per key for the
    whole server. ``key=None`` (the sandbox, which changes as it is used) computes every time."""
    return compute() if key is None else store().get(key, compute)


def set_role_settings(data: dict, role: str, scope: str, changes: dict) -> None:
    """Write settings changes for one role into a scenario's plain data (one entry per role and scope)."""
    entries = data.setdefault("settings", [])
    entry = next((e for e in entries if e["role"] == role and e.get("scope", "/") == scope), None)
    if entry is None:
        entries.append(entry := {"role": role, "scope": scope})
    entry.update({k: list(v) if isinstance(v, tuple) else v for k, v in changes.items()})


def variant(data: dict) -> tuple[Scenario, str]:
    """A scenario from plain data a page assembled, and its YAML text (validated once per content)."""
    raw = yaml.dump(data, Dumper=DUMPER, sort_keys=True, allow_unicode=True)
    scenario = parse(raw)
    return scenario, cached(("text", raw), lambda: scenario_text(scenario))


def run(text: str, seed: int, progress: Callable[[float], None] | None = None) -> Results:
    """One run of a scenario, keyed on its YAML text and seed, so moving between pages never runs it
    again. Pages read results and never change them."""
    return store().get(("run", text, seed), lambda: run_bounded(parse(text), seed, progress=progress))


def replications(text: str, n: int, progress: Callable[[int, int], None] | None = None) -> Replications:
    """``n`` replications of a scenario (seeds spawned from its own), keyed on its YAML text and ``n``."""
    return store().get(("replicate", text, n), lambda: _replicate(parse(text), n, progress))


def _replicate(scenario: Scenario, n: int, progress: Callable[[int, int], None] | None) -> Replications:
    """What :func:`pim_sim.runner.replicate` gives (the same seeds, tables kept), each replication
    bounded by the dashboard's record cap and all of them by its time limit."""
    began, outputs = time.monotonic(), []
    for i, seed in enumerate(replication_seeds(scenario.seed, n)):
        left = DASHBOARD_SECONDS - (time.monotonic() - began)
        results = run_bounded(scenario, seed, seconds=max(left, 0.0))
        outputs.append(RunOutput(i + 1, seed, metrics_of(scenario, results),
                                 {name: getattr(results, name) for name in FRAMES}))
        if progress is not None:
            progress(i + 1, n)
    return Replications(scenario.name, tuple(outputs))


def read_upload(name: str, data: bytes) -> str:
    """The text of an uploaded scenario file, refused before parsing when too big or not UTF-8."""
    if len(data) > MAX_BYTES:
        raise ScenarioError([Issue(name, None, "", f"the file is {len(data):,} bytes; scenario files are limited to "
                                                   f"{MAX_BYTES:,} bytes")])
    try:  # UTF-8, or UTF-16 with the byte-order mark Windows PowerShell writes
        return decode(data, name)
    except InputError as e:
        raise ScenarioError([Issue(name, None, "", e.problem)]) from None


def issues_markdown(error: ScenarioError) -> str:
    """Every problem of a scenario, one line each, with its line and field path."""
    shown = error.issues[:MAX_ISSUES]
    more = len(error.issues) - len(shown)
    return "This scenario can't be used:\n\n" + "\n".join(
        f"- {f'line {i.line}, ' if i.line else ''}{code(i.path or '(top level)')}: {markdown(i.message)}"
        for i in shown) + (
        f"\n\n... and {more:,} more problem(s) not shown" if more > 0 else "")


def current_text() -> str:
    return st.session_state.get(LAB_TEXT) or default_text()


def current_seed() -> int:
    seed = st.session_state.get(LAB_SEED)
    return parse(current_text()).seed if seed is None else int(seed)


def current_results() -> Results:
    """The Scenario lab's current run (the default scenario until the lab changes it)."""
    return run(current_text(), current_seed())


# ------------------------------------------------------------------ which tenant a page looks at
SCENARIO_RUN = "Scenario lab run"
SANDBOX_TENANT = "Portal sandbox"
SOURCES = (SCENARIO_RUN, SANDBOX_TENANT)


def run_key(source: str) -> tuple | None:
    """The cache key of what a page looks at: the lab's run, or None for the ever-changing sandbox."""
    return None if source == SANDBOX_TENANT else (current_text(), current_seed())


def simulation_for(source: str) -> Simulation:
    """The simulation a page explains: the Scenario lab's current run or this session's sandbox."""
    return sandbox_sim() if source == SANDBOX_TENANT else current_results().sim


def results_for(source: str) -> Results:
    """What a page explains: the Scenario lab's current run (cached) or this session's sandbox as it is now."""
    return sandbox_sim().results() if source == SANDBOX_TENANT else current_results()

