"""``run.json``: the record of how one build ran, typed.

Three places write it (the table writer, then the build once every stage's timing
is known, then a reuse of an earlier build) and several read it (reuse, audit,
review, history, the CLI); one model keeps them agreeing on its keys.

The bytes stay what they were when run.json was a plain dict: the keys in the order
below, ``json.dumps(..., indent=2, ensure_ascii=False)``. Sections built from other
models stay JSON values here (they are already typed where they are made). A key
that was never set is left out, so a run record without ``review`` or ``reused``
has none, and an older run.json without some of the later keys still reads.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

RUN_SCHEMA_VERSION = "1.0"


class RunRecord(BaseModel):
    """The keys of run.json, in the order they are written."""

    # an unknown key (a newer or hand-edited run.json) is kept, after the known ones
    model_config = ConfigDict(extra="allow")

    run_schema_version: str = RUN_SCHEMA_VERSION
    generator: str = ""
    input_dir: str = ""
    inputs: list[dict[str, Any]] = []
    ignored_files: list[dict[str, Any]] = []
    config: dict[str, Any] = {}
    versions: dict[str, str] = {}
    models: dict[str, Any] = {}
    timings_seconds: dict[str, Any] = {}
    # the build process's peak memory when each stage ended (not its workers')
    peak_memory_gib: dict[str, Any] = {}
    rows: dict[str, Any] = {}
    texts: dict[str, Any] = {}
    column_roles: list[dict[str, Any]] = []
    link_rates: dict[str, Any] = {}
    people: Any = None
    segmentation: dict[str, Any] = {}
    warnings: list[str] = []
    # set by the build once every stage has run
    redaction_seconds: Any = None  # part of "prepare": patterns, known and cued names
    quality: dict[str, Any] | None = None
    fingerprint: dict[str, str] = {}  # see personas.output.reuse
    outputs: dict[str, str] = {}  # sha256 of every output, by its path in the folder
    review: dict[str, Any] | None = None  # only with reviewed edits
    reused: str | None = None  # only when an earlier build was reused

    @classmethod
    def from_data(cls, data: Any) -> RunRecord:
        """A parsed run.json; ValueError (a ValidationError) when it is not a run record."""
        if not isinstance(data, dict):
            raise ValueError("not a run record (a JSON object)")
        return cls.model_validate(data)

    def to_data(self) -> dict[str, Any]:
        """The JSON value, only the keys that were set, in the order above."""
        return self.model_dump(exclude_unset=True)

    def to_json(self) -> str:
        return json.dumps(self.to_data(), indent=2, ensure_ascii=False) + "\n"

    def write(self, path: Path) -> None:
        """Write run.json (last of a build, once every stage's timing is known)."""
        path.write_text(self.to_json(), encoding="utf-8")
