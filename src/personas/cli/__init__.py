"""The ``personas`` command line. It parses arguments, calls the library once,
and turns ``PersonasError`` into one ``Error: ...`` line and a non-zero exit.

The app is declared in :mod:`.root`; importing each command module below registers
its commands on it. Heavy libraries (torch, sentence-transformers, bertopic, spaCy)
are imported only inside the commands that need them, so ``personas --help`` is
instant.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import sys
import threading
from typing import NoReturn

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
        leave(1)
    except SystemExit as exc:  # how Typer ends every command
        leave(exc.code)
    leave(0)


def leave(code: int | str | None) -> NoReturn:
    """End the process with ``code``, skipping the interpreter's teardown after a
    command that loaded torch.

    Freeing every module and object of torch, sentence-transformers and spaCy one at a
    time takes 1.5-2 s on the 2-core machine, after the outputs are written, and does
    nothing for the user. So when torch is loaded and no thread runs but this one and
    daemons (tqdm's monitor is one), the exit handlers run (``atexit``: the weakref
    finalizers that remove scratch files, logging's flush), the standard streams are
    flushed and the process ends at once. Otherwise it exits as usual."""
    others = [t for t in threading.enumerate() if t is not threading.main_thread()]
    if "torch" not in sys.modules or any(not t.daemon for t in others):
        sys.exit(code)
    if isinstance(code, str):
        print(code, file=sys.stderr)
        code = 1
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing more to say
            stream.flush()
    os._exit(code or 0)
