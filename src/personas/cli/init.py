"""``personas init``: write a commented personas.toml with what was inferred."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from personas.cli.root import app


@app.command()
def init(
    input_dir: Annotated[Path, typer.Argument(help="Folder of exports to describe.")],
    force: Annotated[
        bool, typer.Option("--force", help="Replace an existing personas.toml.")
    ] = False,
) -> None:
    """Write DIR/personas.toml: every file's kind and every column's role, with reasons.

    Edit it to correct a guess; `personas build` and `personas inspect` read it.
    """
    from personas.config import CONFIG_NAME, Config, load_config
    from personas.errors import ConfigError
    from personas.ingest.inputs import read_inputs
    from personas.ingest.settings import config_text

    target = input_dir / CONFIG_NAME
    if target.exists() and not force:
        raise ConfigError(f"{target}: already exists; use --force to replace it")
    result = read_inputs(input_dir, Config())
    text = config_text(str(input_dir), result.sources, result.ingested.roles, result.file_issues)
    try:
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{target}: cannot write the file: {exc.strerror}") from None
    load_config(input_dir)  # what was written must read back
    typer.echo(
        f"Wrote {target}: {len(result.sources)} file(s), {len(result.ingested.roles)} column roles."
    )
