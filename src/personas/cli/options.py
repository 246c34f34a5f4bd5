"""Command-line options declared once, as named types: first those shared by several
commands, then those of ``personas build`` (so its signature reads as a list of names)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from personas.output.folder import ASSIGNMENTS_CSV, BRIEF_DOCX, BRIEF_MD, PERSONAS_JSON, SALT_TXT

ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", "-c", help="Settings file (default: DIR/personas.toml if present)."),
]

TemplatesOption = Annotated[
    Path | None,
    typer.Option("--templates", help="Folder of templates that override the packaged ones."),
]


class BriefFormat(StrEnum):
    """Formats of the marketing brief: Markdown always, Word on request."""

    md = "md"
    docx = "docx"


class Engine(StrEnum):
    """Where a build's per-statement work runs."""

    local = "local"
    ray = "ray"


class Device(StrEnum):
    """Where the embedding model runs."""

    auto = "auto"
    cpu = "cpu"
    cuda = "cuda"


# Options of `personas build`.

InputDirArgument = Annotated[
    Path,
    typer.Argument(help="Folder of exports; every supported file in it is read, recursively."),
]

OutOption = Annotated[Path, typer.Option("--out", "-o", help="Output folder (created if missing).")]

PersonasOption = Annotated[
    int | None,
    typer.Option(
        "--personas",
        "-k",
        help="Force this many personas (default: chosen from the data, 3–8).",
        min=2,
        max=12,
    ),
]

SeedOption = Annotated[
    int | None,
    typer.Option("--seed", help="Random seed; the same input and seed give the same output."),
]

BriefFormatOption = Annotated[
    BriefFormat | None,
    typer.Option(
        "--brief-format",
        help=f"md: {BRIEF_MD} only (default); docx: also {BRIEF_DOCX} for Word / Google Docs.",
    ),
]

QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars.")]

ForceOption = Annotated[
    bool,
    typer.Option(
        "--force",
        help="Rebuild everything even when the inputs, settings and code are unchanged "
        "(by default such a rebuild reuses OUT, re-rendering it if only templates changed).",
    ),
]

StrictOption = Annotated[
    bool,
    typer.Option("--strict", help="Stop with an error if any row or file would be skipped."),
]

MinGroupOption = Annotated[
    int | None,
    typer.Option(
        "--min-group",
        min=1,
        help="No persona, figure or quote rests on fewer respondents than this (default 5).",
    ),
]

HashKeysOption = Annotated[
    bool,
    typer.Option(
        "--hash-keys",
        help=f"Write salted hashes instead of raw respondent keys to {ASSIGNMENTS_CSV}, "
        "for sharing with partners. Salt: --salt, else $PERSONAS_SALT, else one derived "
        f"from the inputs and written to OUT/{SALT_TXT}.",
    ),
]

SaltOption = Annotated[
    str | None,
    typer.Option("--salt", help="Salt for --hash-keys (implies it); at least 8 characters."),
]

BaselineOption = Annotated[
    Path | None,
    typer.Option(
        "--baseline",
        help="An earlier build's output folder: personas and themes that match it keep "
        f"their ids, names and labels; {PERSONAS_JSON} and the report say what changed "
        "(compare two builds with `personas diff`).",
    ),
]

EngineOption = Annotated[
    Engine | None,
    typer.Option(
        "--engine",
        envvar="PERSONAS_ENGINE",
        help="local: this machine (default); ray: prepare and embed on a Ray cluster "
        '(pip install "personas\\[ray]"), see README "Bigger than one machine".',
    ),
]

RayAddressOption = Annotated[
    str | None,
    typer.Option(
        "--ray-address",
        envvar="RAY_ADDRESS",
        help="With --engine ray: the cluster to join (host:port or ray://host:10001); "
        "default: start a local one with this machine's cores.",
    ),
]

DeviceOption = Annotated[
    Device | None,
    typer.Option(
        "--device",
        help="Where the embedding model runs: cpu (default), cuda, or auto (a GPU if "
        "torch sees one; needs a CUDA build of torch).",
    ),
]
