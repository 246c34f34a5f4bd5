"""What one stage of a build hands the next: typed, so a reader sees what flows where.

``BuildInputs`` (``personas.ingest.inputs``) is what reading the input folder
gives (discover, ingest, identity); ``BuildArtefacts`` adds what understanding
and segmentation make of it. Synthesis, the output folder and the assignment
bundle take these two instead of loose arguments; the build gives back a
``personas.output.result.BuildResult``. Nothing here computes anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from personas.ingest.inputs import BuildInputs
from personas.models import (
    EditOutcome,
    SegmentModel,
    SegmentStats,
    Statement,
    Theme,
)

if TYPE_CHECKING:
    from personas.segment.features import FeatureEncoder
    from personas.understand.embed import Embeddings


@dataclass
class BuildArtefacts:
    """Everything the middle stages made of the inputs, as the outputs need it.

    ``statements``, ``themes`` and ``model`` are after the reviewers' edits;
    ``found_themes`` / ``found_statements`` are the themes as discovered, which
    the segmentation's features (and so the assignment bundle) name."""

    inputs: BuildInputs
    statements: Sequence[Statement]
    themes: list[Theme]
    embeddings: Embeddings
    model: SegmentModel
    stats: list[SegmentStats]
    encoder: FeatureEncoder
    counts: dict[str, Any]  # run.json "texts": what prepare, embed and themes counted
    redaction_seconds: float = 0.0
    found_themes: list[Theme] = field(default_factory=list)
    found_statements: Sequence[Statement] = field(default_factory=list)
    rejected: frozenset[str] = frozenset()  # statement ids reviewers took out of quotes
    outcomes: list[EditOutcome] = field(default_factory=list)  # each theme edit: applied or stale
