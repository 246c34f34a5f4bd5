"""Rebuild or re-render from the review page, one job at a time, with its progress.

A rebuild runs ``personas.pipeline.build`` in a background thread of the review
server with the settings recorded in the build's run.json and the reviewed edits
now in personas.toml; the page polls ``Job.status()`` for the stage it is in.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from personas.errors import PersonasError
from personas.output.run import RunRecord

STAGES = (
    "discover",
    "ingest",
    "identity",
    "prepare",
    "embed",
    "classify",
    "themes",
    "segment",
    "stability",
    "review",
    "stats",
    "synthesize",
    "quality",
    "render",
    "bundle",
)


class Job:
    """The one rebuild or re-render that may run at a time, and what became of the last."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.state: dict[str, Any] = {"running": False, "kind": None, "stage": None, "done": []}

    def status(self) -> dict[str, Any]:
        with self._lock:
            state = dict(self.state, done=list(self.state["done"]))
        state["progress"] = round(len(state["done"]) / len(STAGES), 3)
        return state

    # the pipeline's Progress protocol
    def start(self, stage: str, total: int | None = None) -> Callable[[int], None]:
        with self._lock:
            self.state["stage"] = stage
        return lambda n: None

    def finish(self, stage: str) -> None:
        with self._lock:
            if stage not in self.state["done"]:
                self.state["done"].append(stage)

    def launch(
        self, kind: str, work: Callable[[Job], dict[str, Any]], after: Callable[[], None]
    ) -> bool:
        """Run ``work`` in a thread unless a job runs already (then False)."""
        with self._lock:
            if self.state["running"]:
                return False
            self.state = {
                "running": True,
                "kind": kind,
                "stage": None,
                "done": [],
                "started": time.time(),
            }
        threading.Thread(target=self._run, args=(work, after), daemon=True).start()
        return True

    def _run(self, work: Callable[[Job], dict[str, Any]], after: Callable[[], None]) -> None:
        result: dict[str, Any]
        try:
            result = {"ok": True, **work(self)}
        except PersonasError as exc:
            result = {"ok": False, "error": str(exc)}
        except Exception as exc:  # a bug: shown on the page, not lost in a thread
            result = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
        after()
        with self._lock:
            self.state.update(
                running=False,
                stage=None,
                result=result,
                seconds=round(time.time() - self.state["started"], 1),
            )
            if result["ok"]:
                self.state["done"] = list(STAGES)


def rebuild(
    input_dir: Path, out_dir: Path, config_path: Path, run: RunRecord
) -> Callable[[Job], dict[str, Any]]:
    """The work of a rebuild: the run's settings, the edits in ``config_path``."""

    def work(job: Job) -> dict[str, Any]:
        from personas.config import Config
        from personas.pipeline import build
        from personas.review.store import ReviewStore

        settings = Config.model_validate({**run.config, "review": ReviewStore(config_path).read()})
        result = build(input_dir, out_dir, settings, progress=job)
        return {
            "personas": len(result.document.personas),
            "warnings": result.warnings,
            "reused": result.run.reused,
            "review": result.run.review,
        }

    return work


def rerender(out_dir: Path) -> Callable[[Job], dict[str, Any]]:
    """The work of a re-render: the documents again from personas.json (no edits applied)."""

    def work(job: Job) -> dict[str, Any]:
        from personas.output.render import rerender as render_again

        job.start("render")
        written = render_again(out_dir, None, None)
        job.finish("render")
        return {"files": len(written)}

    return work
