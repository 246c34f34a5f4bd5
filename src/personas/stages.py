"""How the pipeline reports its stages: a ``Progress`` hook and a timer per stage.

The library never prints; the CLI draws rich bars through ``Progress``
(``personas.cli.progress``) and every stage's seconds go to run.json, with the
process's peak memory when each stage ended (the stage where it rises set a new peak).
"""

from __future__ import annotations

import resource
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Protocol


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
            self.timings[name] = round(time.perf_counter() - t0, 3)
            self.peaks[name] = peak_memory_gib()
            self.progress.finish(name)
