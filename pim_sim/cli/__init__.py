"""The ``pim-sim`` command. Each area of the toolkit registers its own sub-commands here."""

from __future__ import annotations

import typer

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


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True}, add_help_option=False)
def quiz(ctx: typer.Context) -> None:
    """Practice, take a timed exam (--exam), verify the bank or see progress: pim-sim quiz --help."""
    from quizzes.cli import quiz_app  # imported here: pim_sim itself never imports quizzes

    typer.main.get_command(quiz_app)(ctx.args, prog_name="pim-sim quiz")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
