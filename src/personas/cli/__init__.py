"""The ``personas`` command line. It parses arguments, calls the library once,
and turns ``PersonasError`` into one ``Error: ...`` line and a non-zero exit.

Heavy libraries (torch, sentence-transformers, bertopic, spaCy) are imported
only inside the commands that need them, so ``personas --help`` is instant.
"""

from __future__ import annotations

import sys
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


from personas.cli import assign as _assign  # noqa: E402,F401  (registers assign and serve)
from personas.cli import audit as _audit  # noqa: E402,F401  (registers the command)
from personas.cli import build as _build  # noqa: E402,F401  (registers the command)
from personas.cli import diff as _diff  # noqa: E402,F401  (registers the command)
from personas.cli import init as _init  # noqa: E402,F401
from personas.cli import inspect as _inspect  # noqa: E402,F401
from personas.cli import profile as _profile  # noqa: E402,F401
from personas.cli import render as _render  # noqa: E402,F401  (registers the command)
from personas.cli import review as _review  # noqa: E402,F401  (registers the command)
from personas.cli import templates as _templates  # noqa: E402,F401  (templates list / copy)


def main() -> None:
    """Console-script entry point."""
    from personas.errors import PersonasError

    try:
        app()
    except PersonasError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        sys.exit(1)
