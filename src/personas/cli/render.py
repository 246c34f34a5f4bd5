"""``personas render``: re-render a finished build from its personas.json alone."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from personas.cli.options import BriefFormat, TemplatesOption
from personas.cli.root import app
from personas.output.folder import BRIEF_DOCX, BRIEF_MD, OutputFolder


@app.command()
def render(
    out: Annotated[Path, typer.Argument(help="Output folder of a finished `personas build`.")],
    templates: TemplatesOption = None,
    brief_format: Annotated[
        BriefFormat | None,
        typer.Option(
            "--brief-format",
            help=f"md: {BRIEF_MD} only; docx: also {BRIEF_DOCX} (default: what the build used).",
        ),
    ] = None,
) -> None:
    """Render the report, persona documents and brief of OUT again, from OUT/personas.json.

    Nothing is recomputed and no model is loaded, so a template change shows in
    seconds. With the same templates the files are byte-identical to the build's.
    """
    from personas.output.render import rerender

    written = rerender(out, templates, brief_format.value if brief_format else None)
    typer.echo(f"Rendered {len(written)} files in {out}.")
    typer.echo(f"Report: {OutputFolder(out).index_html.resolve()}")
