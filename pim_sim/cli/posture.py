"""The posture commands of ``pim-sim``: baseline, import-policy, import-requests, export-graph and exercise.

:func:`register` adds them to the typer app in :mod:`pim_sim.cli`. Bad input never shows a
traceback: the problem is printed with the rule and field it concerns, and the exit code is 1.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
import yaml
from rich.console import Console
from rich.table import Table

from pim_sim.errors import ModelError
from pim_sim.graph import reader as graph_import
from pim_sim.graph import writer as graph_export
from pim_sim.io import terminal, untrusted
from pim_sim.posture import baseline, exercises


class Output(StrEnum):
    table = "table"
    json = "json"


def _console(stderr: bool = False) -> Console:
    return terminal.console(stderr=stderr, width=160)  # prints file text as typed: no markup, no escape codes


def _fail(message: str) -> None:
    _console(stderr=True).print(message, markup=False)
    raise typer.Exit(1)


def _scenario(path: Path):
    from pim_sim.scenario.model import ScenarioError, load_scenario

    try:
        return load_scenario(path)
    except ScenarioError as e:
        _fail("\n".join(str(i) for i in e.issues))


def posture_of(path: Path, exclude: list[str] | None = None) -> baseline.Posture:
    """A scenario file (the tenant as set up at minute 0; a snapshot is one), a ScubaGear provider export, a
    whole-tenant export (the snapshot script's output) or a Graph policy export."""
    # --exclude replaces the configuration; without it a ScubaGear export's own scuba_config is read.
    config = {"MS.AAD.7.4v1": {"RoleExclusions": {"Users": list(exclude)}}} if exclude else None
    if path.suffix.lower() in (".yaml", ".yml"):
        return baseline.posture_from_simulation(_scenario(path).simulation(), exclusions=config)
    data = graph_import.load_json(path)
    if baseline.is_scubagear_export(data):
        return baseline.posture_from_scubagear(data, exclusions=config)
    from pim_sim.graph.tenant_reader import is_tenant_export

    if is_tenant_export(data):  # a whole tenant (the snapshot script's output): checked through its snapshot
        from pim_sim.posture.snapshot import posture_from_export

        return posture_from_export(data)
    return baseline.posture_from_policies(graph_import.read_policies(data))


def baseline_command(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="scenario YAML, Graph policy export or "
                                                                          "ScubaGear ProviderSettingsExport.json")],
    format: Annotated[Output, typer.Option("--format", help="table or json")] = Output.table,
    exclude: Annotated[list[str] | None, typer.Option("--exclude", help="emergency access account exempt from "
                                                                        "MS.AAD.7.4 (repeatable)")] = None,
    compare: Annotated[Path | None, typer.Option(exists=True, dir_okay=False, help="ScubaGear's TestResults.json or "
                                                  "ScubaResults.json for the same tenant, to compare with")] = None,
) -> None:
    """Check a tenant against CISA SCuBA MS.AAD.7.1-7.9 (as ScubaGear does) and Microsoft's
    deployment-plan recommendations."""
    try:
        posture = posture_of(file, exclude)
    except ModelError as e:
        _fail(str(e))
    checks, tips = baseline.evaluate(posture)
    try:
        compared = baseline.compare(checks, compare) if compare is not None else ()
    except ModelError as e:
        _fail(f"{compare}: not a ScubaGear TestResults.json or ScubaResults.json ({e})")
    if format is Output.json:
        doc = {"source": posture.source, "scuba": [asdict(c) for c in checks], "advice": [asdict(a) for a in tips]}
        if compare is not None:
            doc["comparison"] = [{**asdict(c), "same": c.same} for c in compared]
        typer.echo(json.dumps(doc, indent=1))
        return
    out = _console()
    table = Table(title=f"CISA SCuBA MS.AAD.7 on the {posture.source}")
    for col in ("Control", "Result", "Details"):
        table.add_column(col)
    for c in checks:
        table.add_row(c.control, c.result, c.text)
    out.print(table)
    table = Table(title="Microsoft deployment-plan recommendations (advisory)")
    for col in ("Topic", "Role", "Result", "Details"):
        table.add_column(col)
    for a in tips:
        table.add_row(a.topic, a.role, a.result, a.details)
    out.print(table)
    if compare is not None:
        table = Table(title=f"Compared with ScubaGear's report ({sum(c.same for c in compared)} of {len(compared)} agree)")
        for col in ("Control", "pim-sim", "ScubaGear", "Agree"):
            table.add_column(col)
        for match in compared:
            table.add_row(match.control, match.ours, match.theirs, "yes" if match.same else "NO")
        out.print(table)


def _settings_row(s) -> dict:
    return {"activation max (h)": s.activation_max / 60, "MFA": s.require_mfa, "auth context": s.auth_context,
            "justification": s.require_justification, "ticket": s.require_ticket, "approval": s.require_approval,
            "approvers": list(s.approvers), "permanent eligible": s.eligible_permanent_allowed,
            "eligible max (d)": s.eligible_max / 1440, "permanent active": s.active_permanent_allowed,
            "active max (d)": s.active_max / 1440,
            "alerts": {n.rule_id: list(n.additional_recipients) for n in s.notifications if n.additional_recipients}}


def import_policy_command(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="Graph, PowerShell or ARM policy export")],
    role: Annotated[str | None, typer.Option(help="the role a bare policy governs (it doesn't say)")] = None,
    format: Annotated[Output, typer.Option("--format")] = Output.table,
) -> None:
    """Print the role settings understood from a policy export, and every decision the import made."""
    try:
        got = graph_import.read_policies(file, role=role)
    except ModelError as e:
        _fail(str(e))
    if format is Output.json:
        typer.echo(json.dumps({"policies": [{"role": p.role, "scope": p.scope, "surface": p.surface.value,
                                             "settings": _settings_row(p.settings)} for p in got.policies],
                               "notes": [asdict(n) for n in got.notes]}, indent=1))
        return
    out = _console()
    for p in got.policies:
        table = Table(title=f"{p.role} at {p.scope} ({p.surface.value})")
        table.add_column("Setting")
        table.add_column("Value")
        for k, v in _settings_row(p.settings).items():
            table.add_row(k, json.dumps(v) if isinstance(v, list | dict) else f"{v:g}" if isinstance(v, float) else str(v))
        out.print(table)
    for n in got.notes:
        out.print(f"note: {n.where}: {n.message}", markup=False)


def import_requests_command(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="roleAssignmentScheduleRequests or "
                                                                          "roleEligibilityScheduleRequests JSON")],
    start: Annotated[str | None, typer.Option(help="the scenario's start (UTC ISO date-time); default 2026-01-05")] = None,
    custom_role: Annotated[list[str] | None, typer.Option(help="a custom role the requests name: 'NAME=ID' "
                                                               "(repeatable)")] = None,
) -> None:
    """Print Graph schedule requests as a scenario timeline (YAML to paste under ``timeline:``), with the
    ``custom_roles:`` it needs."""
    from datetime import UTC, datetime

    from pim_sim.core.clock import DEFAULT_START

    try:
        begin = DEFAULT_START if start is None else datetime.fromisoformat(start.replace("Z", "+00:00"))
        if begin.tzinfo is None:
            begin = begin.replace(tzinfo=UTC)
        custom = [_custom_role(text) for text in custom_role or ()]
        steps = graph_import.timeline_from_requests(file, start=begin, custom_roles=custom)
    except ValueError as e:  # ModelError is a ValueError, and so is a bad --start or --custom-role
        _fail(str(e))
    doc: dict = {"timeline": steps}
    if custom:
        doc = {"custom_roles": [{"name": c.name, "id": c.id, "surface": c.surface} for c in custom], **doc}
    typer.echo(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), nl=False)


def _custom_role(text: str):
    from pim_sim.catalogue import CustomRole

    name, sep, role_id = text.rpartition("=")
    if not sep or not name.strip():
        raise ValueError(f"--custom-role: {text[:80]!r} is not NAME=ID")
    return CustomRole(name.strip(), role_id.strip(), "entra")


def export_graph_command(
    scenario: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="scenario YAML")],
    what: Annotated[str, typer.Option(help="policies, requests or errors")] = "policies",
) -> None:
    """Run a scenario and print what Microsoft Graph would show: policy assignments with their 17
    rules, schedule requests, or refused requests as Graph errors."""
    s = _scenario(scenario)
    if what not in ("policies", "requests", "errors"):
        _fail(f"--what: {what!r} is not policies, requests or errors")
    sim = s.simulation()
    sim.run(s.horizon)
    doc = {"policies": lambda: graph_export.policy_assignments(sim.settings, tenant=sim.tenant),
           "requests": lambda: graph_export.requests_to_graph(sim),
           "errors": lambda: graph_export.refusals_to_graph(sim)}[what]()
    typer.echo(json.dumps(doc, indent=1))


def snapshot_command(
    files: Annotated[list[Path], typer.Argument(exists=True, dir_okay=False, help="Graph JSON exports (or the output "
                                                "of the README's read-only PowerShell script), or ScubaGear's "
                                                "ProviderSettingsExport.json")],
    out: Annotated[Path, typer.Option("--out", help="the scenario file to write (its policies go beside it in "
                                                    "{stem}.policies.json)")],
    horizon: Annotated[str, typer.Option(help="how long the scenario runs, e.g. P30D")] = "P30D",
    at: Annotated[str | None, typer.Option(help="the snapshot's moment (UTC ISO date-time); default: the latest "
                                                "start in the export")] = None,
) -> None:
    """Read a whole tenant from read-only exports and write it as a scenario an instructor can edit."""
    from datetime import UTC, datetime

    from pim_sim.posture.snapshot import write_snapshot

    try:
        moment = None if at is None else datetime.fromisoformat(at.replace("Z", "+00:00"))
        if moment is not None and moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        written, notes = write_snapshot(files, out, horizon=horizon, at=moment)
    except ValueError as e:  # ModelError is a ValueError, and so is a bad --at
        _fail(str(e))
    out_console = _console()
    for n in notes:
        out_console.print(f"note: {n}", markup=False)
    out_console.print(f"wrote {written}", markup=False)


def exercise_command(
    name: Annotated[str | None, typer.Argument(help="exercise id; leave out to list them")] = None,
    fix: Annotated[Path | None, typer.Option(exists=True, dir_okay=False, help="YAML or JSON fix to grade")] = None,
    solution: Annotated[bool, typer.Option(help="grade the shipped solution (for instructors)")] = False,
    format: Annotated[Output, typer.Option("--format")] = Output.table,
) -> None:
    """List the fix-the-tenant exercises, show one, or grade a fix (--fix FILE)."""
    out = _console()
    try:
        if name is None:
            for ex in exercises.list_exercises():
                out.print(f"{ex.id}: {ex.title}", markup=False)
            return
        ex = exercises.get_exercise(name)
        if fix is None and not solution:
            out.print(f"{ex.title}\n\n{ex.goal}\n", markup=False)
            for r in ex.requirements:
                out.print(f"- [{r.points:g}] {r.text}", markup=False)
            out.print("\nGrade a fix with: pim-sim exercise " + ex.id + " --fix fix.yaml", markup=False)
            return
        chosen = ex.solution if solution or fix is None else exercises.Fix.from_dict(_fix_data(fix))
        g = exercises.grade(ex, chosen)
    except ModelError as e:
        _fail(str(e))
    except yaml.YAMLError as e:
        _fail(f"{fix}: not YAML or JSON ({e})")
    except RecursionError:  # PyYAML composes nested values recursively
        _fail(f"{fix}: lists or mappings nested too deeply")
    if format is Output.json:
        typer.echo(json.dumps({"exercise": g.exercise, "score": g.score, "max_score": g.max_score,
                               "results": [asdict(r) for r in g.results]}, indent=1))
        return
    table = Table(title=f"{ex.title}: {g.score:g} / {g.max_score:g}")
    for col in ("Requirement", "Points", "Result"):
        table.add_column(col)
    for res in g.results:
        table.add_row(res.text, f"{res.earned:g}/{res.points:g}", ("passed: " if res.passed else "not yet: ") + res.detail)
    out.print(table)


def _fix_data(path: Path):
    """A fix file: a regular file of at most 512 KB, read as a scenario file is (safe YAML or JSON,
    bounded in depth and in what aliases expand to)."""
    from pim_sim.scenario.reader import MAX_BYTES, read

    try:
        return read(untrusted.read_file(path, MAX_BYTES), file=str(path)).data
    except untrusted.InputError as e:
        raise ModelError(str(e)) from None


def register(app: typer.Typer) -> None:
    app.command("baseline")(baseline_command)
    app.command("import-policy")(import_policy_command)
    app.command("import-requests")(import_requests_command)
    app.command("export-graph")(export_graph_command)
    app.command("exercise")(exercise_command)
    app.command("snapshot")(snapshot_command)
