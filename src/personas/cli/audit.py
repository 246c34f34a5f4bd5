"""``personas audit``: check an output folder for personal data before sharing it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from personas.cli.root import app
from personas.output.folder import RUN_JSON


@app.command()
def audit(
    out: Annotated[Path, typer.Argument(help="An output folder written by `personas build`.")],
    inputs: Annotated[
        bool,
        typer.Option(
            "--inputs/--no-inputs",
            help="Also look for the names and keys of the people in the input folder that "
            f"{RUN_JSON} records (when it still exists).",
        ),
    ] = True,
) -> None:
    """Scan every shareable file in OUT for anything that looks personal.

    Looks for emails, phone numbers, card numbers, IBANs, postal addresses,
    handles, order and account numbers, URLs with parameters, names after cue
    words ("my sister ...") and, from the input folder, the people's names and
    keys. assignments.csv, personas.duckdb and salt.txt are skipped: they hold
    keys by design and are not for sharing. Prints each finding as
    FILE:LINE: KIND: VALUE. Exit code 0 when clean, 1 when anything was found.
    """
    from personas.output.audit import audit_output

    report = audit_output(out, check_inputs=inputs)
    for f in report.findings:
        typer.echo(f"{f.path}:{f.line}: {f.kind}: {f.value}")
    skipped = ", ".join(f"{name} ({why})" for name, why in sorted(report.skipped.items()))
    typer.echo(f"Scanned {len(report.scanned)} files in {out}; skipped: {skipped or 'none'}.")
    if inputs:
        typer.echo(f"Inputs: {report.inputs_note}.")
    if report.clean:
        typer.echo("No personal data found.")
        return
    files = len({f.path for f in report.findings})
    typer.echo(
        f"Found {len(report.findings)} possible personal values in {files} files: "
        "remove or rebuild before sharing.",
        err=True,
    )
    raise typer.Exit(1)
