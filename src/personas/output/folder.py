"""The output folder of one build: the name of every artefact in it, and their readers.

Every module that writes, reads or names a file of ``personas build -o OUT`` asks
an :class:`OutputFolder` for it, so the folder's contract (README "Output folder")
is spelled in one place: renaming a file is one edit here, and ``tests/test_layout.py``
checks that no module outside ``personas.output`` spells a name itself.

The readers only read: each caller keeps its own error message (a command that
needs a finished build says so differently from the review page), so they raise
what reading raises (``OSError``, ``ValueError``), except :meth:`OutputFolder.read_document`,
the checked reader of ``personas.json`` every command shares.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from personas.errors import OutputError

if TYPE_CHECKING:
    from personas.output.run import RunRecord
    from personas.synthesize.document import PersonasDocument

PERSONAS_JSON = "personas.json"
RUN_JSON = "run.json"
ASSIGNMENTS_CSV = "assignments.csv"
STATEMENTS_CSV = "statements.csv"
THEMES_CSV = "themes.csv"
DATABASE = "personas.duckdb"
INDEX_HTML = "index.html"
BRIEF_MD = "brief.md"
BRIEF_DOCX = "brief.docx"
SALT_TXT = "salt.txt"
MODEL_DIR = "model"  # the assignment bundle of ``personas assign`` / ``serve``
BUNDLE_JSON = "bundle.json"
BUNDLE_ARRAYS = "arrays.safetensors"
PERSONAS_DIR = "personas"  # one p1-slug.md and p1-slug.html per persona
EMBEDDING_SHARDS = "embedding-shards"  # the Ray engine's vectors, until the store has them
VECTOR_FILE = ".vectors.f32"  # the Ray engine's vectors in statement order, during a build

# A persona document a build wrote: a rebuild with fewer personas removes the others.
PERSONA_FILE = re.compile(r"^p\d+-[a-z0-9-]*\.(?:md|html)$")

# Every name above as it appears in a path or a message (folders with their slash, so
# the words "model" and "personas" stay free): what tests/test_layout.py looks for.
ARTEFACT_NAMES = (
    PERSONAS_JSON,
    RUN_JSON,
    ASSIGNMENTS_CSV,
    STATEMENTS_CSV,
    THEMES_CSV,
    DATABASE,
    INDEX_HTML,
    BRIEF_MD,
    BRIEF_DOCX,
    SALT_TXT,
    f"{MODEL_DIR}/",
    BUNDLE_JSON,
    BUNDLE_ARRAYS,
    f"{PERSONAS_DIR}/",
    EMBEDDING_SHARDS,
    VECTOR_FILE,
)


@dataclass(frozen=True)
class OutputFolder:
    """One build's output folder: where each artefact lives, and how it is read."""

    path: Path

    def __post_init__(self) -> None:
        object.__setattr__(self, "path", Path(self.path))

    # -- where things are ------------------------------------------------------------------

    @property
    def personas_json(self) -> Path:
        return self.path / PERSONAS_JSON

    @property
    def run_json(self) -> Path:
        return self.path / RUN_JSON

    @property
    def assignments_csv(self) -> Path:
        return self.path / ASSIGNMENTS_CSV

    @property
    def statements_csv(self) -> Path:
        return self.path / STATEMENTS_CSV

    @property
    def themes_csv(self) -> Path:
        return self.path / THEMES_CSV

    @property
    def database(self) -> Path:
        return self.path / DATABASE

    @property
    def index_html(self) -> Path:
        return self.path / INDEX_HTML

    @property
    def brief_md(self) -> Path:
        return self.path / BRIEF_MD

    @property
    def brief_docx(self) -> Path:
        return self.path / BRIEF_DOCX

    @property
    def salt(self) -> Path:
        return self.path / SALT_TXT

    @property
    def model_dir(self) -> Path:
        return self.path / MODEL_DIR

    @property
    def bundle_json(self) -> Path:
        return self.model_dir / BUNDLE_JSON

    @property
    def bundle_arrays(self) -> Path:
        return self.model_dir / BUNDLE_ARRAYS

    @property
    def personas_dir(self) -> Path:
        return self.path / PERSONAS_DIR

    @property
    def embedding_shards(self) -> Path:
        return self.path / EMBEDDING_SHARDS

    @property
    def vector_file(self) -> Path:
        return self.path / VECTOR_FILE

    def persona_document(self, file_name: str) -> Path:
        """``OUT/personas/<file_name>`` (``render.persona_file`` makes the name)."""
        return self.personas_dir / file_name

    def old_persona_documents(self) -> list[Path]:
        """The persona documents in ``OUT/personas/`` (a build's, by their name pattern)."""
        return [
            p
            for p in sorted(self.personas_dir.glob("p*"))
            if p.is_file() and PERSONA_FILE.match(p.name)
        ]

    def is_build(self) -> bool:
        """A finished build is here (how ingest skips an output folder inside its input)."""
        return self.run_json.exists() and self.personas_json.exists()

    # -- making it -------------------------------------------------------------------------

    def prepare(self) -> None:
        """Create OUT/personas/, and remove persona documents an earlier build left there
        (a rebuild with fewer personas must not leave stale ones behind)."""
        if self.path.exists() and not self.path.is_dir():
            raise OutputError(f"{self.path}: exists and is not a folder")
        try:
            self.personas_dir.mkdir(parents=True, exist_ok=True)
            self.vector_file.unlink(missing_ok=True)  # a killed build's
            for old in self.personas_dir.iterdir():
                if old.is_file() and PERSONA_FILE.match(old.name):
                    old.unlink()
        except OSError as exc:
            raise OutputError(
                f"{self.path}: cannot create the output folder: {exc.strerror}"
            ) from None

    # -- reading it ------------------------------------------------------------------------

    def document_bytes(self) -> bytes:
        """``personas.json`` as written (its sha256 identifies a baseline)."""
        return self.personas_json.read_bytes()

    def document_data(self) -> Any:
        """``personas.json`` parsed, unchecked; OSError or ValueError as reading raises."""
        return json.loads(self.personas_json.read_text(encoding="utf-8"))

    def read_document(self) -> PersonasDocument:
        """``OUT/personas.json``, checked: a build folder, the same schema_version, valid."""
        return _checked_document(self)

    def run_data(self) -> Any:
        """``run.json`` parsed, unchecked; OSError or ValueError as reading raises."""
        return json.loads(self.run_json.read_text(encoding="utf-8"))

    def read_run(self) -> RunRecord:
        """``run.json`` as a :class:`~personas.output.run.RunRecord`; OSError or ValueError
        (pydantic's ValidationError is one) when missing, not JSON or not a run record."""
        from personas.output.run import RunRecord

        return RunRecord.from_data(self.run_data())

    def table_rows(self, name: str) -> Iterator[list[str]]:
        """The rows of one of the CSV tables (header first), streamed."""
        with (self.path / name).open(encoding="utf-8", newline="") as handle:
            yield from csv.reader(handle)

    def table_records(self, name: str) -> list[dict[str, str]]:
        """The rows of one of the CSV tables as dicts by column name."""
        with (self.path / name).open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))


def _checked_document(folder: OutputFolder) -> PersonasDocument:
    # imported here: the document's models name this folder's files in their descriptions
    from personas.synthesize.document import SCHEMA_VERSION, PersonasDocument

    out_dir, path = folder.path, folder.personas_json
    if not out_dir.is_dir():
        raise OutputError(f"{out_dir}: not a folder; give the output folder of `personas build`")
    if not path.is_file():
        raise OutputError(
            f"{out_dir}: no {PERSONAS_JSON} here, so it is not a finished build;"
            f" run `personas build INPUT -o {out_dir}` first"
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise OutputError(f"{path}: cannot read ({exc})") from exc
    except json.JSONDecodeError as exc:
        raise OutputError(
            f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}"
        ) from exc
    version = data.get("schema_version") if isinstance(data, dict) else None
    if version != SCHEMA_VERSION:
        raise OutputError(
            f"{path}: schema_version {version!r}, but this version of personas renders"
            f" {SCHEMA_VERSION!r}; rebuild with `personas build`"
        )
    try:
        return PersonasDocument.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top level)"
        raise OutputError(
            f"{path}: {where}: {first['msg']} ({exc.error_count()} problem(s));"
            " was it edited by hand? rebuild with `personas build`"
        ) from exc


def read_document(out_dir: Path) -> PersonasDocument:
    """``OUT/personas.json``, checked (the reader every command shares)."""
    return OutputFolder(Path(out_dir)).read_document()
