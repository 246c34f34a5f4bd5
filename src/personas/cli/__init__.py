"""The ``personas`` command line. It parses arguments, calls the library once,
and turns ``PersonasError`` into one ``Error: ...`` line and a non-zero exit.

The app is declared in :mod:`.root`; importing each command module below registers
its commands on it. Heavy libraries (torch, sentence-transformers, bertopic, spaCy)
are imported only inside the commands that need them, so ``personas --help`` is
instant.
"""

from __future__ import annotations

import sys

from personas.cli import assign as _assign  # noqa: F401  (registers assign and serve)
from personas.cli import audit as _audit  # noqa: F401  (registers the command)
from personas.cli import build as _build  # noqa: F401  (registers the command)
from personas.cli import diff as _diff  # noqa: F401  (registers the command)
from personas.cli import init as _init  # noqa: F401
from personas.cli import inspect as _inspect  # noqa: F401
from personas.cli import profile as _profile  # noqa: F401
from personas.cli import render as _render  # noqa: F401  (registers the command)
from personas.cli import review as _review  # noqa: F401  (registers the command)
from personas.cli import templates as _templates  # noqa: F401  (templates list / copy)
from personas.cli.root import app

__all__ = ["app", "main"]


def main() -> None:
    """Console-script entry point."""
    from personas.errors import PersonasError

    try:
        app()
    except PersonasError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        sys.exit(1)
