"""Rich progress bars on stderr, one line per pipeline stage."""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

STAGE_TEXT = {
    "discover": "Finding files",
    "ingest": "Reading exports",
    "identity": "Joining people across sources",
    "prepare": "Cleaning, redacting, splitting",
    "classify": "Telling pains from motivations",
    "embed": "Embedding statements",
    "themes": "Discovering themes",
    "segment": "Segmenting people",
    "stability": "Checking the segments hold up",
    "review": "Applying reviewed edits",
    "stats": "Computing statistics",
    "synthesize": "Writing personas",
    "quality": "Measuring quality",
    "render": "Rendering documents",
    "bundle": "Saving the assignment model",
}


class RichProgress:
    """Implements ``personas.stages.Progress`` with rich bars on stderr."""

    def __init__(self, console: Console | None = None, enabled: bool = True) -> None:
        self.console = console or Console(stderr=True)
        self.bars = Progress(
            SpinnerColumn(),
            TextColumn("{task.description:<32}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=self.console,
            disable=not enabled,
            transient=False,
        )
        self.tasks: dict[str, TaskID] = {}

    def __enter__(self) -> RichProgress:
        self.bars.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.bars.stop()

    def start(self, stage: str, total: int | None = None) -> Callable[[int], None]:
        task = self.bars.add_task(STAGE_TEXT.get(stage, stage), total=total)
        self.tasks[stage] = task
        return lambda n: self.bars.advance(task, n)

    def finish(self, stage: str) -> None:
        task = self.tasks[stage]
        total = self.bars.tasks[task].total
        if total is None:
            self.bars.update(task, total=1, completed=1)
        else:
            self.bars.update(task, completed=total)
