"""The ``pim-sim jit`` commands: read and write ``Microsoft.Security/locations/jitNetworkAccessPolicies`` JSON as
Azure REST returns it (a policy, a list, or a ``{"value": [...]}`` page).

``import FILE`` reads a file named on the command line (the only path: a regular file up to the byte cap, UTF-8,
UTF-16 or UTF-32 by its byte-order mark) and prints what the model understood; ``export SCENARIO`` runs a
scenario's ``jit:`` section and prints its policies with ``requests[]`` as they stood. Bad input never shows a
traceback: one line names the file, the field path and the problem, and the exit code is 1, as for the Graph
import.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from pim_sim.errors import ModelError
from pim_sim.features.jit_vm import rest
from pim_sim.io import terminal, untrusted

jit_app = typer.Typer(name="jit", no_args_is_help=True, add_completion=False,
                      help="Just-in-time VM access: import and export jitNetworkAccessPolicies JSON.")


class Output(StrEnum):
    table = "table"
    json = "json"


def _fail(message: str) -> None:
    terminal.console(stderr=True, width=160).print(message, markup=False)
    raise typer.Exit(1)


def read_policy_file(path: Path, *, resource_group: str | None = None, location: str | None = None):
    """(policy, requests) pairs from a file named on the command line, or :class:`ModelError` in one line."""
    where = str(path)
    data = untrusted.parse_json(untrusted.read_file(path, rest.MAX_BYTES), where)
    return rest.read_policies(data, name=where, resource_group=resource_group, location=location)


def _rows(policy):
    for e in policy.vms:
        for p in e.ports:
            yield (e.vm.rsplit("/", 1)[-1], str(p.number), p.protocol, ", ".join(p.sources), p.max_duration)


@jit_app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="a jitNetworkAccessPolicies JSON file")],
    resource_group: Annotated[str | None, typer.Option(help="the resource group id of a policy without an id")] = None,
    location: Annotated[str | None, typer.Option(help="the location of a policy without an id")] = None,
    format: Annotated[Output, typer.Option("--format")] = Output.table,
) -> None:
    """Print the JIT policies understood from a REST export (VMs, ports, protocols, allowed sources, maximum
    request times) and how many requests each carries.

    Example:

      pim-sim jit import policy.json
    """
    try:
        found = read_policy_file(file, resource_group=resource_group, location=location)
    except ModelError as e:
        _fail(str(e))
    if format is Output.json:
        typer.echo(rest.dumps({"value": [{**rest.policy_json(p), "requests": len(r)} for p, r in found]}))
        return
    out = terminal.console(width=160)
    for policy, requests in found:
        table = Table(title=f"{policy.name} in {policy.resource_group} ({policy.location}): "
                            f"{len(policy.vms)} VM(s), {len(requests)} request(s)")
        for col in ("VM", "Port", "Protocol", "Allowed sources", "Max request time"):
            table.add_column(col)
        for row in _rows(policy):
            table.add_row(*row)
        out.print(table)


@jit_app.command("export")
def export_command(
    scenario: Annotated[Path, typer.Argument(help="a scenario file with a jit: section")],
    at: Annotated[str | None, typer.Option(help="the moment to export, e.g. PT2H (default: the horizon)")] = None,
    out: Annotated[Path | None, typer.Option(help="write to this file instead of printing")] = None,
) -> None:
    """Run a scenario's just-in-time VM access and print its policies as Azure REST returns them, with each
    request's ports and their status at that moment.

    Example:

      pim-sim jit export scenarios/jit-behind-pim-approval.yaml --at PT2H
    """
    from pim_sim.core.clock import minutes
    from pim_sim.scenario.model import ScenarioError, load_scenario

    try:
        s = load_scenario(scenario)
    except ScenarioError as e:
        _fail("\n".join(str(i) for i in e.issues))
    if s.spec.jit is None:
        _fail(f"{scenario}: the scenario has no jit: section")
    try:
        moment = s.horizon if at is None else minutes(at)
    except ModelError as e:
        _fail(f"--at: {e}")
    if not 0 <= moment <= s.horizon:
        _fail(f"--at: {at} is outside the scenario (0 to its horizon)")
    sim = s.simulation()
    sim.run(moment)
    text = rest.dumps({"value": [rest.policy_json(p, jit=sim.jit) for p in sim.jit.policies.values()]}) + "\n"
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text)


def register(app: typer.Typer) -> None:
    """Add ``pim-sim jit`` to the app."""
    app.add_typer(jit_app, name="jit")


__all__ = ["jit_app", "read_policy_file", "register"]
