"""Read an input folder the way a build does: discover, ingest, identity.

``personas inspect``, ``personas init`` and ``personas audit`` use this to see
what a build would read; the build itself runs the same three steps as timed
stages (``personas.pipeline``) and checks for reusable outputs in between.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from personas.config import Config
from personas.ingest import ingest
from personas.ingest.discover import discover
from personas.ingest.identity import build_respondents
from personas.ingest.result import IngestResult
from personas.models import Respondent, RowIssue, Source

if TYPE_CHECKING:
    from personas.ingest.recordtable import RecordTable


@dataclass(frozen=True)
class BuildInputs:
    """The input folder as read: its files, what was skipped, the records and people."""

    input_dir: Path
    sources: list[Source]
    file_issues: list[RowIssue]  # files ignored whole
    ingested: IngestResult
    respondents: list[Respondent]

    @property
    def records(self) -> RecordTable:
        return self.ingested.records


def read_inputs(input_dir: Path, config: Config) -> BuildInputs:
    """What a build would read: files, kinds, column roles, identity keys, problems."""
    sources, file_issues = discover(input_dir, config)
    ingested = ingest(input_dir, sources, config)
    return BuildInputs(
        input_dir, sources, file_issues, ingested, build_respondents(ingested.records)
    )
