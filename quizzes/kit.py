"""``pim-sim kit``: the instructor's tools from the command line.

``pim-sim kit roster add NAME [--instructor]`` issues a sign-in code for Classroom mode's roster
(printed once; only its hash is kept), ``roster remove NAME`` and ``roster list``.
"""

from __future__ import annotations

from typing import Annotated

import typer

from pim_sim.io.terminal import clean
from quizzes import roster

kit_app = typer.Typer(name="kit", add_completion=False, help="The instructor's kit: class roster codes.")
roster_app = typer.Typer(name="roster", add_completion=False,
                         help=f"Sign-in codes for Classroom mode (the roster file: --roster or {roster.ENV_VAR}).")
kit_app.add_typer(roster_app)

RosterPath = Annotated[str | None, typer.Option("--roster", help=f"the roster file (default: ${roster.ENV_VAR})")]


def _fail(error: Exception) -> None:
    typer.echo(clean(f"error: {error}"), err=True)
    raise typer.Exit(2)


@roster_app.command("add")
def add(name: str, instructor: Annotated[bool, typer.Option("--instructor", help="an instructor, not a learner")] = False,
        path: RosterPath = None) -> None:
    """Add NAME (or give them a new code) and print the code, once."""
    try:
        code = roster.issue(name, "instructor" if instructor else "learner", path)
    except (roster.RosterError, ValueError) as e:
        _fail(e)
    typer.echo(clean(f"{name}\t{code}"))


@roster_app.command("remove")
def remove(name: str, path: RosterPath = None) -> None:
    """Remove NAME: their code no longer signs in."""
    try:
        gone = roster.remove(name, path)
    except roster.RosterError as e:
        _fail(e)
    typer.echo(clean(f"{name} removed" if gone else f"{name} was not on the roster"))


@roster_app.command("list")
def list_people(path: RosterPath = None) -> None:
    """Everyone on the roster and their role (never a code: only hashes are kept)."""
    try:
        for person in roster.people(path):
            typer.echo(clean(f"{person.name}\t{person.role}"))
    except roster.RosterError as e:
        _fail(e)
