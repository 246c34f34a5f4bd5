"""What one stage of a build hands the next: typed, so a reader sees what flows where.

``BuildInputs`` is what reading the input folder gives (discover, ingest,
identity); ``BuildArtefacts`` adds what understanding and segmentation make of
it. Synthesis, the output folder and the assignment bundle take these two
instead of loose arguments. Nothing here computes anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from personas.models import (
    IngestResult,
    Respondent,
    RowIssue,
    SegmentModel,
    SegmentStats,
    Source,
    Statement,
    Theme,
)

if TYPE_CHECKING:
    from personas.ingest.recordtable import RecordTable
    from personas.review.apply import Outcome
    from personas.segment.features import FeatureEncoder
    from personas.synthesize.document import PersonasDocument
    from personas.understand.embed import Embeddings


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


@dataclass
class BuildArtefacts:
    """Everything the middle stages made of the inputs, as the outputs need it.

    ``statements``, ``themes`` and ``model`` are after the reviewers' edits;
    ``found_themes`` / ``found_statements`` are the themes as discovered, which
    the segmentation's features (and so the assignment bundle) name."""

    inputs: BuildInputs
    statements: list[Statement]
    themes: list[Theme]
    embeddings: Embeddings
    model: SegmentModel
    stats: list[SegmentStats]
    encoder: FeatureEncoder
    counts: dict[str, Any]  # run.json "texts": what prepare, embed and themes counted
    redaction_seconds: float = 0.0
    found_themes: list[Theme] = field(default_factory=list)
    found_statements: list[Statement] = field(default_factory=list)
    rejected: frozenset[str] = frozenset()  # statement ids reviewers took out of quotes
    outcomes: list[Outcome] = field(default_factory=list)  # each theme edit: applied or stale


@dataclass
class BuildResult:
    """What ``personas.pipeline.build`` gives back: the document, the run record, the files."""

    out_dir: Path
    document: PersonasDocument
    run: dict[str, Any]
    written: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
