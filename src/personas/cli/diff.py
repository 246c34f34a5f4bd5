"""``personas diff OUT1 OUT2``: what changed between two builds."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from personas.cli.root import app


class DiffFormat(StrEnum):
    md = "md"
    json = "json"


@app.command()
def diff(
    old: Annotated[Path, typer.Argument(help="The earlier build's output folder (the baseline).")],
    new: Annotated[Path, typer.Argument(help="The later build's output folder.")],
    fmt: Annotated[
        DiffFormat, typer.Option("--format", "-f", help="md: a Markdown report; json: the figures.")
    ] = DiffFormat.md,
    fail_over: Annotated[
        float | None,
        typer.Option(
            "--fail-over",
            min=0.0,
            max=1.0,
            help="Exit with code 1 when the drift (0-1) is above this, for scheduled jobs.",
        ),
    ] = None,
) -> None:
    """Compare two builds: personas matched, new and gone, who moved, which themes rose
    or fell (corrected tests), shifts in numbers and answers, and the overall drift.

    Matching uses the ids when NEW was built with --baseline OLD, else the respondents
    both builds share. Prints counts only, never respondent keys. Exit code 0, or 1
    with --fail-over when the drift exceeds it.
    """
    from personas.history.drift import diff_builds, to_json, to_markdown

    result = diff_builds(old, new)
    typer.echo(to_json(result) if fmt == DiffFormat.json else to_markdown(result), nl=False)
    drift = result["drift"]
    if fail_over is not None and drift is not None and drift > fail_over:
        typer.echo(f"Drift {drift:.1%} is above --fail-over {fail_over:.1%}.", err=True)
        raise typer.Exit(1)
