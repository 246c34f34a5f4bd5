"""``personas templates``: list the packaged templates, or copy them to start a customisation."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from personas.cli.root import app

templates_app = typer.Typer(
    name="templates",
    help="The packaged templates: list them, or copy them to a folder for --templates.",
    no_args_is_help=True,
)
app.add_typer(templates_app)


@templates_app.command("list")
def list_templates() -> None:
    """List the packaged templates and what each one renders."""
    from personas.output.render import describe_templates

    for name, what in describe_templates():
        typer.echo(f"{name:<22} {what}")


@templates_app.command("copy")
def copy_templates(
    folder: Annotated[Path, typer.Argument(help="Folder to copy into (created if missing).")],
    names: Annotated[
        list[str] | None,
        typer.Argument(help="Only these templates, e.g. persona.md.j2 (default: all)."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite templates already in FOLDER.")
    ] = False,
) -> None:
    """Copy the packaged templates into FOLDER, to edit and use with --templates FOLDER.

    A copied template replaces the packaged one of its name; delete the ones you do
    not change, or replace a copy with {% extends "default:NAME" %} and only the
    blocks you change, so it keeps up with new versions.
    """
    from personas.output.render import copy_templates as copy

    for path in copy(folder, names or None, force):
        typer.echo(f"Copied {path}")
    typer.echo(f"Use them with: personas render OUT --templates {folder}")
