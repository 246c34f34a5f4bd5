"""What a build gives back: the output folder, its document, run record and files."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from personas.output.run import RunRecord
from personas.synthesize.document import PersonasDocument


@dataclass
class BuildResult:
    """What ``personas.pipeline.build`` gives back: the document, the run record, the files."""

    out_dir: Path
    document: PersonasDocument
    run: RunRecord
    written: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
