"""How the pipeline reports its stages: a ``Progress`` hook and a timer per stage.

The library never prints; the CLI draws rich bars through ``Progress``
(``personas.cli.progress``) and every stage's seconds go to run.json.
"""

from __future__ import annotations

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


@dataclass
class StageTimer:
    progress: Progress
    timings: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def stage(self, name: str, total: int | None = None) -> Iterator[Callable[[int], None]]:
        t0 = time.perf_counter()
        advance = self.progress.start(name, total)
        try:
            yield advance
        finally:
            self.timings[name] = round(time.perf_counter() - t0, 3)
            self.progress.finish(name)
