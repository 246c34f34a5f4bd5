"""The root ``personas`` command: the Typer app every command module registers on.

It lives apart from :mod:`personas.cli` so that a command module can import the app
without importing the package that imports every command (an import cycle).
"""

from __future__ import annotations

from typing import Annotated

import typer

from personas import __version__

app = typer.Typer(
    name="personas",
    help="Turn raw customer voice and customer numbers into evidence-backed personas.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"personas {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Turn raw customer voice and customer numbers into evidence-backed personas.

    Start with [bold]personas inspect DIR[/bold] to see what would be read, then
    [bold]personas build DIR -o OUT[/bold].
    """
