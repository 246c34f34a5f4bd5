"""Options shared by several commands, declared once."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

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
