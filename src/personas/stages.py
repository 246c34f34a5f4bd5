"""How the pipeline reports its stages: a ``Progress`` hook and a timer per stage.

The library never prints; the CLI draws rich bars through ``Progress``
(``personas.cli.progress``) and every stage's seconds go to run.json, with the
process's peak memory when each stage ended (the stage where it rises set a new peak).
"""

from __future__ import annotations

import ctypes
import resource
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Protocol


class Progress(Protocol):
    def start(self, stage: str, total: int | None = None) -> Callable[[int], None]: ...
    def finish(self, stage: str) -> None: ...


class NoProgress:
    def start(self, stage: str, total: int | None = None) -> Callable[[int], None]:
        return lambda n: None

    def finish(self, stage: str) -> None:
        return None


def peak_memory_gib() -> float:
    """This process's peak resident memory so far, in GiB (``ru_maxrss``: KiB on
    Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024**3 if sys.platform == "darwin" else 1024**2), 3)


M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter (malloc.h)
MMAP_THRESHOLD = 128 * 1024  # the driver's analysis: blocks this big get their own mapping
USUAL_THRESHOLD = 32 * 1024 * 1024  # what glibc's own threshold rises to (64-bit)


@cache
def _libc() -> Any:
    """glibc, or None (another C library, or not Linux)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL("libc.so.6")
        return libc if hasattr(libc, "malloc_trim") and hasattr(libc, "mallopt") else None
    except OSError:
        return None


def steady_heap() -> None:
    """Give every block of ``MMAP_THRESHOLD`` and more its own mapping, returned to the
    system when freed. glibc raises that threshold each time such a block is freed (to
    32 MB), after which the growing arrays of a big build (a score log, a column, a
    list) are made and remade inside the heap, where the holes they leave stay the
    process's: the million-statement build kept 0.15 GB more after classification.
    Only for the driver's analysis (classification on): mapping every block costs
    torch's inference a quarter of its speed, so a build's embedding runs before it
    and ``usual_heap`` follows it. A Ray driver embeds nothing (its workers do), so
    there it holds for the whole build. A no-op where glibc is not the C library."""
    libc = _libc()
    if libc is not None:
        libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)


def usual_heap() -> None:
    """Undo ``steady_heap``: the threshold where glibc's own would have risen to
    (``USUAL_THRESHOLD``), so what the process runs next (another build's embedding,
    in tests or a long-lived process) runs at its usual speed."""
    libc = _libc()
    if libc is not None:
        libc.mallopt(M_MMAP_THRESHOLD, USUAL_THRESHOLD)


def release_free_memory() -> None:
    """Give the C heap's free pages back to the system. A stage of a big build frees
    millions of small objects (a score log, profiles, copies); glibc keeps their pages
    mapped, and the next stage then starts 0.2 GB higher than what is in use (measured
    on the million-statement build). Arrow's own pool (the record table's columns, Ray
    Data's blocks) keeps what it freed too, and gives it back here as well. The C heap's
    part is a no-op where glibc is not the C library."""
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)
    arrow = sys.modules.get("pyarrow")  # only if something loaded it
    if arrow is not None:
        arrow.default_memory_pool().release_unused()


@dataclass
class StageTimer:
    progress: Progress
    timings: dict[str, float] = field(default_factory=dict)
    peaks: dict[str, float] = field(default_factory=dict)  # GiB, when each stage ended

    @contextmanager
    def stage(self, name: str, total: int | None = None) -> Iterator[Callable[[int], None]]:
        t0 = time.perf_counter()
        advance = self.progress.start(name, total)
        try:
            yield advance
        finally:
            release_free_memory()
            self.timings[name] = round(time.perf_counter() - t0, 3)
            self.peaks[name] = peak_memory_gib()
            self.progress.finish(name)
