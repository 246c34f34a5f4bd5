"""The local engine: prepare the texts in a forked child while this process loads the model.

Preparing (spaCy sentences and names) and loading the sentence-transformers
model are both single-threaded and each takes seconds; threads cannot overlap
them (both hold the GIL), a forked process can. While it waits, this process
also loads what the themes stage needs (BERTopic, the spaCy tagger). The child
runs the very same ``prepare_statements`` on the same records, so the
statements are identical to a serial run. The child is used only when forking
is safe and worth it: the ``fork`` start method exists and torch is not
imported yet (so the model is not loaded either) and this is the main thread,
as in a fresh ``personas build``. Otherwise, or when the child dies, this process
prepares the texts.
The child runs without torch (spaCy's thinc would import it, 0.9 s, for nothing).
With BERTopic imported without UMAP (``themes.import_bertopic``) and the process
ending without the interpreter's teardown (``personas.cli.leave``), a cold demo build
takes 1.3x the time of loading the model and embedding alone, 1.5x when that floor
also ends without teardown (``benchmarks/build_speed.py``; 2.0x with no overlap).
"""

from __future__ import annotations

import logging
import multiprocessing
import sys
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from personas.understand.prepare import (
    PrepareResult,
    load_nlp,
    prepare_statements,
    without_torch,
)

log = logging.getLogger(__name__)

REPORT_EVERY = 64  # texts between progress reports from the child


def prepare_serially(
    records: Any, progress: Callable[[int], None] | None = None
) -> tuple[PrepareResult, str]:
    """Statements of ``records`` prepared in this process, and the spaCy pipeline's name."""
    nlp, pipeline_name = load_nlp()
    return prepare_statements(records, nlp, pipeline_name, progress), pipeline_name


def can_overlap() -> bool:
    """Whether a forked child may prepare while this process loads the model."""
    return (
        "fork" in multiprocessing.get_all_start_methods()
        and "torch" not in sys.modules
        # a build run from a worker thread (the review page's rebuild) does not fork
        and threading.current_thread() is threading.main_thread()
    )


def _child(records: Any, conn: Connection, done: Any) -> None:
    """Forked child: prepare everything, send ``("ok", (result, name))`` or ``("error", exc)``.
    It never embeds, so spaCy runs without torch (``prepare.without_torch``)."""
    without_torch()
    seen = 0

    def advance(n: int) -> None:
        nonlocal seen
        seen += n
        if seen % REPORT_EVERY == 0:
            done.value = seen

    try:
        payload: tuple[str, Any] = ("ok", prepare_serially(records, advance))
    except BaseException as exc:  # handed to the parent, which raises it
        payload = ("error", exc)
    done.value = seen
    conn.send(payload)
    conn.close()


def prepare_while_loading(
    records: Any, progress: Callable[[int], None] | None = None, device: str = "cpu"
) -> tuple[PrepareResult, str]:
    """Prepared statements (as :func:`prepare_serially`), with the embedding model
    loaded meanwhile when that can overlap (see :func:`load_ahead`)."""
    if not can_overlap():
        return prepare_serially(records, progress)
    ctx = multiprocessing.get_context("fork")
    done = ctx.Value("q", 0, lock=False)
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child, args=(records, send, done), daemon=True)
    child.start()
    send.close()
    try:
        load_ahead(device)
        status, payload = _collect(receive, done, progress)
    except EOFError:
        log.warning("the prepare worker stopped early; preparing in this process instead")
        return prepare_serially(records, _rest(progress, done.value))
    finally:
        receive.close()
        child.join(timeout=5)
        if child.is_alive():
            child.kill()
    if status == "error":
        raise payload
    return payload


def load_ahead(device: str = "cpu") -> None:
    """What later stages load anyway, loaded while the child prepares: the embedding
    model, BERTopic and the spaCy tagger that labels themes (each cached or imported once)."""
    from personas.understand.embed import load_model
    from personas.understand.themes import import_bertopic, load_tagger

    load_model(device)
    import_bertopic()  # here, so that ``themes`` does not wait for it

    load_tagger()


def _collect(receive: Connection, done: Any, progress: Callable[[int], None] | None) -> Any:
    """Wait for the child's answer, passing its progress on."""
    shown = 0
    while not receive.poll(0.1):
        if progress is not None and done.value > shown:
            progress(done.value - shown)
            shown = done.value
    answer = receive.recv()
    if progress is not None and done.value > shown:
        progress(done.value - shown)
    return answer


def _rest(progress: Callable[[int], None] | None, already: int) -> Callable[[int], None] | None:
    """A progress callback that skips the ``already`` texts the bar has shown."""
    if progress is None:
        return None
    skip = already

    def advance(n: int) -> None:
        nonlocal skip
        take = min(skip, n)
        skip -= take
        if n - take:
            progress(n - take)

    return advance


class LocalEngine:
    """Everything in this process (with the forked prepare of :func:`prepare_while_loading`)."""

    name = "local"

    def __init__(self, device: str = "cpu") -> None:
        self.device = device

    def prepare(
        self, records: Any, progress: Callable[[int], None] | None = None
    ) -> tuple[PrepareResult, str]:
        return prepare_while_loading(records, progress, self.device)

    def embed(self, ids: Any, texts: Any, store: Any, progress: Any = None) -> Any:
        from personas.understand.embed import embed_texts

        return embed_texts(ids, texts, store, progress, self.device)

    def nearest_themes(self, vectors: Any, centres: Any) -> Any:
        from personas.understand.clusters import nearest_themes

        return nearest_themes(vectors, centres)
