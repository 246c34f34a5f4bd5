"""What a build would read, without building: :func:`inspect_inputs`.

Discover, ingest and identity and nothing after them, for ``personas inspect``,
``personas init`` and the audit's check for names and keys from the inputs. It is
part of the ingest stage so that those callers need not import the pipeline.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from personas.config import Config
from personas.ingest import ingest
from personas.ingest.discover import discover
from personas.ingest.identity import build_respondents
from personas.ingest.result import IngestResult
from personas.models import Respondent, RowIssue, Source

__all__ = ["InspectResult", "inspect_inputs"]


@dataclass
class InspectResult:
    sources: list[Source]
    file_issues: list[RowIssue]
    ingested: IngestResult
    respondents: list[Respondent]


def inspect_inputs(input_dir: Path, config: Config) -> InspectResult:
    """What a build would read: files, kinds, column roles, identity keys, problems."""
    sources, file_issues = discover(input_dir, config)
    ingested = ingest(input_dir, sources, config)
    return InspectResult(sources, file_issues, ingested, build_respondents(ingested.records))
