"""``personas build``: read a folder of exports, write a folder of personas."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

from personas.cli.options import (
    BaselineOption,
    BriefFormatOption,
    ConfigOption,
    DeviceOption,
    EngineOption,
    ForceOption,
    HashKeysOption,
    InputDirArgument,
    MinGroupOption,
    OutOption,
    PersonasOption,
    QuietOption,
    RayAddressOption,
    SaltOption,
    SeedOption,
    StrictOption,
    TemplatesOption,
)
from personas.cli.root import app
from personas.output.folder import RUN_JSON, OutputFolder
from personas.privacy.hashing import SALT_ENV

if TYPE_CHECKING:  # keep `personas --help` free of the library's imports
    from rich.console import Console

    from personas.output.result import BuildResult


@app.command()
def build(
    input_dir: InputDirArgument,
    out: OutOption = Path("personas-out"),
    personas: PersonasOption = None,
    seed: SeedOption = None,
    config: ConfigOption = None,
    templates: TemplatesOption = None,
    brief_format: BriefFormatOption = None,
    quiet: QuietOption = False,
    force: ForceOption = False,
    strict: StrictOption = False,
    min_group: MinGroupOption = None,
    hash_keys: HashKeysOption = False,
    salt: SaltOption = None,
    baseline: BaselineOption = None,
    engine: EngineOption = None,
    ray_address: RayAddressOption = None,
    device: DeviceOption = None,
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
    _print_summary(reporter.console, result, settings.hash_keys)


def _print_summary(console: Console, result: BuildResult, hash_keys: bool) -> None:
    """What was built or reused from how many rows, what changed, warnings, where to look."""
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
    if hash_keys and folder.salt.is_file():
        console.print(
            f"Salt of the hashed keys: {folder.salt.resolve()} "
            "(give it to the partner separately; never share it with the outputs)"
        )
