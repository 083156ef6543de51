"""The scenario commands of ``pim-sim``: run, validate, compare, sweep, schema and scenarios.

:func:`register` adds them to the typer app in :mod:`pim_sim.cli`. A bad file never shows a
traceback: every problem is printed with its file, line and field path, and the exit code is 1.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from pim_sim import runner
from pim_sim.cli import metric_tables
from pim_sim.io import csv_safe, terminal
from pim_sim.scenario import budget as budget_mod
from pim_sim.scenario.model import Scenario, ScenarioError, list_scenarios, load_scenario
from pim_sim.scenario.presets import PRESET_NAMES, preset
from pim_sim.scenario.spec import json_schema

LONG_RUN_DAYS = 30  # single runs longer than this show a progress bar over simulated time


class Format(StrEnum):
    csv = "csv"
    parquet = "parquet"
    json = "json"


def _console(stderr: bool = False) -> Console:
    return terminal.console(stderr=stderr)  # prints file text as typed: no markup, no escape codes


MAX_SHOWN = 20  # problems printed per file; the rest are counted
BudgetOption = Annotated[int | None, typer.Option("--budget", min=1, help="work budget in units of about one simulated "
                                                  f"activation (default {budget_mod.CLI_BUDGET:,}, or "
                                                  f"${budget_mod.ENV_VAR})")]
NoBudgetOption = Annotated[bool, typer.Option("--no-budget", help="run whatever the work (an instructor's big sweep)")]


def _budget(value: int | None, unlimited: bool) -> int | None:
    try:
        return budget_mod.cli_budget(value, unlimited=unlimited)
    except budget_mod.BudgetError as e:
        _console(stderr=True).print(str(e), markup=False)
        raise typer.Exit(1) from None


def _print_issues(issues, err: Console) -> None:
    """The first :data:`MAX_SHOWN` problems, then how many more there are."""
    for issue in issues[:MAX_SHOWN]:
        err.print(str(issue), markup=False)
    if len(issues) > MAX_SHOWN:
        err.print(f"... and {len(issues) - MAX_SHOWN:,} more problem(s) not shown", markup=False)


def _load(path: Path, budget: int | None = budget_mod.CLI_BUDGET) -> Scenario:
    try:
        return load_scenario(path, budget=budget)
    except ScenarioError as e:
        err = _console(stderr=True)
        _print_issues(e.issues, err)
        err.print(f"{len(e.issues)} problem(s) in {path}", markup=False)
        raise typer.Exit(1) from None


def _within(budget: int | None, *scenarios_and_runs: tuple[Scenario, int]) -> None:
    """Refuse runs whose replications together exceed the budget (each file passed on its own)."""
    work = sum(s.work.total * runs for s, runs in scenarios_and_runs)
    what = " + ".join(f"{s.name!r} x {runs:,} run(s)" for s, runs in scenarios_and_runs)
    try:
        budget_mod.check(work, budget, what)
    except budget_mod.BudgetError as e:
        _console(stderr=True).print(str(e), markup=False)
        raise typer.Exit(1) from None


def _progress(total: float, label: str) -> Progress:
    return Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                    console=_console(stderr=True), transient=True, disable=not _console(stderr=True).is_terminal)


def _write(frame: pd.DataFrame, path: Path, fmt: Format) -> Path:
    target = path.with_suffix(f".{fmt.value}")
    if fmt is Format.csv:
        csv_safe.frame_csv(frame, target)
    elif fmt is Format.json:
        target.write_text(frame.to_json(orient="records", date_format="iso", indent=1) + "\n")
    else:
        try:
            frame.to_parquet(target, index=False)
        except ImportError:
            raise typer.BadParameter("parquet needs pyarrow (pip install pyarrow); or use csv or json",
                                     param_hint="--format") from None
    return target


def _print_tables(tables: list[Table], notes: list[str]) -> None:
    """Metric tables (:mod:`pim_sim.cli.metric_tables`) and the notes that say how to read them."""
    console = _console()
    for table in tables:
        console.print(table)
    for note in notes:
        console.print(note, markup=False)


def run(
    file: Annotated[Path, typer.Argument(help="scenario file (YAML)")],
    seed: Annotated[int | None, typer.Option(help="seed (default: the file's)")] = None,
    replications: Annotated[int | None, typer.Option(min=1, max=1000, help="replications (default: the file's)")] = None,
    out: Annotated[Path | None, typer.Option(help="output folder (default: pim-sim-results/NAME)")] = None,
    fmt: Annotated[Format, typer.Option("--format", help="table format")] = Format.csv,
    workers: Annotated[int, typer.Option(min=1, help="local processes for replications")] = 1,
    budget: BudgetOption = None,
    no_budget: NoBudgetOption = False,
) -> None:
    """Run a scenario; write its audit log, requests, intervals, access, refusals and metrics.

    Examples:

      pim-sim run scenarios/jit-basics.yaml

      pim-sim run scenarios/standing-vs-jit.yaml --replications 20 --workers 2 --out results --format parquet
    """
    limit = _budget(budget, no_budget)
    scenario = _load(file, limit)
    n = replications or scenario.replications
    _within(limit, (scenario, n))
    folder = out or Path("pim-sim-results") / scenario.name
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise typer.BadParameter(f"can't create {folder}: {e.strerror}", param_hint="--out") from None
    if n == 1:  # one run with the scenario's own seed, exactly what run(scenario) gives
        days = round(scenario.horizon / 1440)
        with _progress(days, "simulating") as bar:
            task = bar.add_task("run", total=days, visible=scenario.horizon >= LONG_RUN_DAYS * 1440)
            results = scenario.run(seed, progress=lambda minute: bar.update(task, completed=round(minute / 1440)))
        output = runner.RunOutput(1, scenario.seed if seed is None else seed, results.metrics(),
                                  {name: getattr(results, name) for name in runner.FRAMES})
        reps = runner.Replications(scenario.name, (output,))
        observations = scenario.observe(results)
    else:
        observations = ()
        with _progress(n, "replications") as bar:
            task = bar.add_task("run", total=n)
            reps = runner.replicate(scenario, n, seed, workers=workers, frames=True,
                                    on_done=lambda done, _total: bar.update(task, completed=done))
    written = [_write(reps.frame(name), folder / name, fmt) for name in runner.FRAMES]
    written.append(_write(reps.metrics, folder / "metrics", fmt))
    summary = reps.summary()
    written.append(_write(summary, folder / "summary", fmt))
    _print_tables(*_one(metric_tables.summary_table(summary, f"{scenario.title}: {n} replication(s)")))
    console = _console()
    if observations:
        table = Table(title="What to observe")
        table.add_column("")
        table.add_column("observation")
        table.add_column("in this run")
        for o in observations:
            table.add_row("yes" if o.passed else "NO", o.text, o.actual)
        console.print(table)
    console.print("wrote " + ", ".join(str(p) for p in written), markup=False)


def validate(files: Annotated[list[Path], typer.Argument(help="scenario files")], budget: BudgetOption = None,
             no_budget: NoBudgetOption = False) -> None:
    """Check scenario files; exit 0 when all are valid, 1 with every problem otherwise.

    Example:

      pim-sim validate scenarios/*.yaml
    """
    err, console, failed = _console(stderr=True), _console(), 0
    limit = _budget(budget, no_budget)
    for file in files:
        try:
            s = load_scenario(file, budget=limit)
        except ScenarioError as e:
            failed += 1
            _print_issues(e.issues, err)
            continue
        console.print(f"ok  {file}  ({s.name}: {s.title})", markup=False)
    if failed:
        err.print(f"{failed} of {len(files)} file(s) have problems", markup=False)
        raise typer.Exit(1)


def compare(
    a: Annotated[Path, typer.Argument(help="first scenario")],
    b: Annotated[Path, typer.Argument(help="second scenario")],
    replications: Annotated[int | None, typer.Option(min=2, max=1000, help="replications of each")] = None,
    workers: Annotated[int, typer.Option(min=1, help="local processes")] = 1,
    budget: BudgetOption = None,
    no_budget: NoBudgetOption = False,
) -> None:
    """Run two scenarios and show their metrics side by side with 95% confidence intervals.

    Example:

      pim-sim compare scenarios/standing-vs-jit.yaml scenarios/jit-basics.yaml --replications 10
    """
    limit = _budget(budget, no_budget)
    left, right = _load(a, limit), _load(b, limit)
    n = replications or max(left.replications, right.replications, 2)
    _within(limit, (left, n), (right, n))
    with _progress(2 * n, "replications") as bar:
        task = bar.add_task("run", total=2 * n)
        table = runner.compare(left, right, n, workers=workers, on_done=lambda d, _t: bar.update(task, completed=d))
    names = [c.removeprefix("mean ") for c in table.columns if c.startswith("mean ")]
    _print_tables(*_one(metric_tables.compare_table(table, names, f"{left.name} vs {right.name} "
                                                                   f"({n} replications each)")))


def sweep(
    file: Annotated[Path, typer.Argument(help="scenario file")],
    setting: Annotated[str, typer.Option("--set", help="field path, e.g. settings[0].activation_max")],
    values: Annotated[str, typer.Option(help="comma-separated values, e.g. PT1H,PT4H,PT8H")],
    replications: Annotated[int | None, typer.Option(min=1, max=1000)] = None,
    workers: Annotated[int, typer.Option(min=1, help="local processes")] = 1,
    out: Annotated[Path | None, typer.Option("--out", "--csv", help="write the tidy table (one row per value and "
                                             "metric, unrounded) to this CSV file")] = None,
    budget: BudgetOption = None,
    no_budget: NoBudgetOption = False,
) -> None:
    """Run a scenario once per value of one field and print the metrics, one row per value, with 95% intervals.

    Example:

      pim-sim sweep scenarios/approval-expiry.yaml --set settings[0].require_approval --values true,false
    """
    limit = _budget(budget, no_budget)
    scenario = _load(file, limit)
    parsed = [_value(v) for v in values.split(",") if v.strip()]
    n = replications or scenario.replications
    try:  # each value is a scenario of its own: estimate each, as it will run
        variants = [(scenario.with_value(setting, v), n) for v in parsed]
    except ScenarioError as e:
        _print_issues(e.issues, _console(stderr=True))
        raise typer.Exit(1) from None
    _within(limit, *variants)
    try:
        table = runner.sweep(scenario, setting, parsed, replications, workers=workers)
    except ScenarioError as e:
        _print_issues(e.issues, _console(stderr=True))
        raise typer.Exit(1) from None
    if out is not None:  # the tidy frame, unrounded and unclipped, for a spreadsheet or a script
        csv_safe.frame_csv(table, out)
    _print_tables(*metric_tables.sweep_tables(table, f"{scenario.name}, {n} replication(s) per value"))


def _one(made: tuple[Table, list[str]]) -> tuple[list[Table], list[str]]:
    return [made[0]], made[1]


def _value(text: str):
    text = text.strip()
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    try:
        return float(text) if "." in text else int(text)
    except ValueError:
        return text


def schema(out: Annotated[Path | None, typer.Option(help="write to this file instead of printing")] = None) -> None:
    """Print the JSON Schema of scenario files (for editor autocompletion and checks).

    Example:

      pim-sim schema --out scenario.schema.json
    """
    text = json.dumps(json_schema(), indent=2) + "\n"
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text)


def scenarios(presets: Annotated[bool, typer.Option("--presets", help="list the preset tenants instead")] = False):
    """List the shipped classroom scenarios with their lessons.

    Example:

      pim-sim scenarios
    """
    table = Table(show_lines=True)
    table.add_column("name")
    table.add_column("title")
    table.add_column("lesson" if not presets else "description")
    if presets:
        for name in PRESET_NAMES:
            p = preset(name)
            table.add_row(p.name, p.title, p.description)
    else:
        for info in list_scenarios():
            table.add_row(info.name, info.title, info.lesson.strip())
    _console().print(table)


def register(app: typer.Typer) -> None:
    """Add the scenario commands to the ``pim-sim`` app."""
    for command in (run, validate, compare, sweep, schema, scenarios):
        app.command()(command)
