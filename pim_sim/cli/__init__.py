"""The ``pim-sim`` command. Each area of the toolkit registers its own sub-commands here."""

from __future__ import annotations

from importlib.metadata import EntryPoint, entry_points

import typer

from pim_sim.cli import jit as jit_cli
from pim_sim.cli import posture as posture_cli
from pim_sim.cli import scenario as scenario_cli

app = typer.Typer(
    name="pim-sim",
    help="Simulate Microsoft Entra Privileged Identity Management: scenarios, quizzes and baselines.",
    no_args_is_help=True,
    add_completion=False,
)


@app.command()
def version() -> None:
    """Print the version of pim-sim."""
    from pim_sim import __version__

    typer.echo(__version__)


# One line per area: each module adds its own commands.
scenario_cli.register(app)  # run, validate, compare, sweep, schema, scenarios
posture_cli.register(app)  # baseline, import-policy, import-requests, export-graph, exercise
jit_cli.register(app)  # jit import, jit export (just-in-time VM access policies)


def _runner(entry: EntryPoint):
    def run(ctx: typer.Context) -> None:
        typer.main.get_command(entry.load())(ctx.args, prog_name=f"pim-sim {entry.name}")

    return run


def _plug_in_commands() -> None:
    """Add the commands other packages register under the ``pim_sim.commands`` entry-point group
    (the quiz bank registers ``quiz``). Each is loaded only when it runs, so this package never
    imports them, and ``pim-sim run`` doesn't pay for the quiz bank's imports."""
    for entry in entry_points(group="pim_sim.commands"):
        app.command(name=entry.name, help=f"{entry.name.capitalize()} commands (installed by "
                    f"{entry.dist.name if entry.dist else 'a plug-in'}): pim-sim {entry.name} --help.",
                    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
                    add_help_option=False)(_runner(entry))


_plug_in_commands()


def main() -> None:
    app()


if __name__ == "__main__":
    main()
