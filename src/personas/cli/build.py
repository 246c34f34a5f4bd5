"""``personas build``: read a folder of exports, write a folder of personas."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Annotated

import typer

from personas.cli import app
from personas.cli.options import BriefFormat, ConfigOption, Device, Engine, TemplatesOption
from personas.output.folder import (
    ASSIGNMENTS_CSV,
    BRIEF_DOCX,
    BRIEF_MD,
    PERSONAS_JSON,
    RUN_JSON,
    SALT_TXT,
    OutputFolder,
)
from personas.privacy.hashing import SALT_ENV


@app.command()
def build(
    input_dir: Annotated[
        Path,
        typer.Argument(help="Folder of exports; every supported file in it is read, recursively."),
    ],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Output folder (created if missing).")
    ] = Path("personas-out"),
    personas: Annotated[
        int | None,
        typer.Option(
            "--personas",
            "-k",
            help="Force this many personas (default: chosen from the data, 3–8).",
            min=2,
            max=12,
        ),
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option("--seed", help="Random seed; the same input and seed give the same output."),
    ] = None,
    config: ConfigOption = None,
    templates: TemplatesOption = None,
    brief_format: Annotated[
        BriefFormat | None,
        typer.Option(
            "--brief-format",
            help=f"md: {BRIEF_MD} only (default); docx: also {BRIEF_DOCX} for Word / Google Docs.",
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars.")] = False,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Rebuild everything even when the inputs, settings and code are unchanged "
            "(by default such a rebuild reuses OUT, re-rendering it if only templates changed).",
        ),
    ] = False,
    strict: Annotated[
        bool,
        typer.Option("--strict", help="Stop with an error if any row or file would be skipped."),
    ] = False,
    min_group: Annotated[
        int | None,
        typer.Option(
            "--min-group",
            min=1,
            help="No persona, figure or quote rests on fewer respondents than this (default 5).",
        ),
    ] = None,
    hash_keys: Annotated[
        bool,
        typer.Option(
            "--hash-keys",
            help=f"Write salted hashes instead of raw respondent keys to {ASSIGNMENTS_CSV}, "
            "for sharing with partners. Salt: --salt, else $PERSONAS_SALT, else one derived "
            f"from the inputs and written to OUT/{SALT_TXT}.",
        ),
    ] = False,
    salt: Annotated[
        str | None,
        typer.Option("--salt", help="Salt for --hash-keys (implies it); at least 8 characters."),
    ] = None,
    baseline: Annotated[
        Path | None,
        typer.Option(
            "--baseline",
            help="An earlier build's output folder: personas and themes that match it keep "
            f"their ids, names and labels; {PERSONAS_JSON} and the report say what changed "
            "(compare two builds with `personas diff`).",
        ),
    ] = None,
    engine: Annotated[
        Engine | None,
        typer.Option(
            "--engine",
            envvar="PERSONAS_ENGINE",
            help="local: this machine (default); ray: prepare and embed on a Ray cluster "
            '(pip install "personas\\[ray]"), see README "Bigger than one machine".',
        ),
    ] = None,
    ray_address: Annotated[
        str | None,
        typer.Option(
            "--ray-address",
            envvar="RAY_ADDRESS",
            help="With --engine ray: the cluster to join (host:port or ray://host:10001); "
            "default: start a local one with this machine's cores.",
        ),
    ] = None,
    device: Annotated[
        Device | None,
        typer.Option(
            "--device",
            help="Where the embedding model runs: cpu (default), cuda, or auto (a GPU if "
            "torch sees one; needs a CUDA build of torch).",
        ),
    ] = None,
) -> None:
    """Build personas from every export under INPUT_DIR.

    Writes index.html (the report), personas/*.md and *.html, personas.json,
    brief.md (and brief.docx with --brief-format docx), assignments.csv,
    statements.csv, themes.csv and run.json to OUT.
    """
    from personas.cli.progress import RichProgress
    from personas.config import load_config
    from personas.pipeline import build as run_build

    logging.basicConfig(level=logging.WARNING, format="Warning: %(message)s")
    hashing = hash_keys or salt is not None
    settings = load_config(
        input_dir,
        config,
        personas=personas,
        seed=seed,
        strict=strict or None,
        min_group_size=min_group,
        hash_keys=hashing or None,
        salt=salt or os.environ.get(SALT_ENV) or None,
        brief_format=brief_format.value if brief_format else None,
        engine=engine.value if engine else None,
        ray_address=ray_address or None,
        device=device.value if device else None,
    )
    if settings.engine == "ray":  # before reading anything: the extra may be missing
        from personas.engine.ray import require_ray

        require_ray()
    reporter = RichProgress(enabled=not quiet)
    with reporter:
        result = run_build(
            input_dir,
            out,
            settings,
            progress=reporter,
            templates_dir=templates,
            force=force,
            baseline=baseline,
        )
    console = reporter.console
    rows = result.run.rows
    verb = "Reused" if result.run.reused else "Built"
    console.print(
        f"[bold green]{verb} {len(result.document.personas)} personas[/] from "
        f"{rows['used']} of {rows['total']} rows ({rows['skipped']} skipped, see {RUN_JSON}) "
        f"in {sum(result.run.timings_seconds.values()):.1f}s."
    )
    if result.run.reused:
        console.print(f"Nothing to recompute: reused {result.run.reused} (--force rebuilds).")
    if result.document.baseline is not None:
        for line in result.document.baseline.changes:
            console.print(f"Since the baseline: {line}")
    for warning in result.warnings:
        console.print(f"[yellow]Warning:[/] {warning}")
    folder = OutputFolder(result.out_dir)
    console.print(f"Report: {folder.index_html.resolve()}")
    if settings.hash_keys and folder.salt.is_file():
        console.print(
            f"Salt of the hashed keys: {folder.salt.resolve()} "
            "(give it to the partner separately; never share it with the outputs)"
        )
