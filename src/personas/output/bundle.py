"""The model bundle every build saves in ``OUT/model/``, for real-time assignment.

- ``model/bundle.json``: schema version, the embedding model's identity, the
  feature encoder (columns, centres, scales), the personas (id, name, label),
  the themes (id, kind, label), the data's reference date, the soft-membership
  temperature;
- ``model/arrays.safetensors``: the segment centres and the theme centroids
  (unit vectors in the embedding space), as plain tensors.

Loading it reads two local files and never touches the network.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ValidationError

from personas.errors import OutputError
from personas.models import SegmentModel, Statement, StatementKind, Theme
from personas.output.folder import BUNDLE_JSON, MODEL_DIR, OutputFolder
from personas.segment.features import FeatureEncoder
from personas.synthesize.document import PersonasDocument
from personas.understand.embed import Embeddings
from personas.understand.statementtable import with_rows
from personas.understand.vectorfile import mean_rows

BUNDLE_SCHEMA_VERSION = "1.0"
BUNDLE_DIR = MODEL_DIR


class PersonaRef(BaseModel):
    persona_id: str
    name: str
    label: str


class ThemeRef(BaseModel):
    theme_id: str
    kind: StatementKind
    label: str


class BundleMeta(BaseModel):
    schema_version: str = BUNDLE_SCHEMA_VERSION
    generator: str
    embedding_model: str
    encoder: FeatureEncoder
    personas: list[PersonaRef]
    themes: list[ThemeRef]
    reference_date: str | None  # the data's "today" for recency and order rates
    temperature: float
    seed: int


@dataclass(frozen=True)
class Bundle:
    meta: BundleMeta
    centres: np.ndarray  # (personas, features)
    theme_centroids: np.ndarray  # (themes, dim), unit rows, in meta.themes order

    def __post_init__(self) -> None:
        if self.centres.shape != (len(self.meta.personas), len(self.meta.encoder.names)):
            raise ValueError("bundle centres do not match its personas and features")
        if len(self.meta.themes) and self.theme_centroids.shape[0] != len(self.meta.themes):
            raise ValueError("bundle theme centroids do not match its themes")


def theme_centroids(
    themes: list[Theme], statements: Sequence[Statement], embeddings: Embeddings
) -> np.ndarray:
    """Unit-length mean vector of each theme's statements, in ``themes`` order."""
    members: dict[str, list[int]] = {}
    for s, row in with_rows(statements, embeddings.ids):
        if s.theme_id:
            members.setdefault(s.theme_id, []).append(row)
    dim = embeddings.vectors.shape[1] if embeddings.vectors.size else 384
    out = np.zeros((len(themes), dim), dtype=np.float32)
    for i, theme in enumerate(themes):
        idx = members.get(theme.theme_id, [])
        if idx:
            c = mean_rows(embeddings.vectors, idx)
            out[i] = c / (np.linalg.norm(c) or 1.0)
    return out


def save_bundle(
    out_dir: Path,
    *,
    document: PersonasDocument,
    encoder: FeatureEncoder,
    model: SegmentModel,
    themes: list[Theme],
    centroids: np.ndarray,
    embedding_model: str,
    reference_date: str | None,
) -> list[Path]:
    """Write ``OUT/model/`` and return the files written."""
    from safetensors.numpy import save_file

    output = OutputFolder(out_dir)
    output.model_dir.mkdir(parents=True, exist_ok=True)
    meta = BundleMeta(
        generator=document.generator,
        embedding_model=embedding_model,
        encoder=encoder,
        personas=[
            PersonaRef(persona_id=p.persona_id, name=p.name, label=p.label)
            for p in document.personas
        ],
        themes=[ThemeRef(theme_id=t.theme_id, kind=t.kind, label=t.label) for t in themes],
        reference_date=reference_date,
        temperature=model.temperature,
        seed=document.seed,
    )
    centres = np.array(model.centres, dtype=np.float64).reshape(len(document.personas), -1)
    if centres.shape[1] == 0:
        centres = np.zeros((len(document.personas), len(encoder.names)))
    output.bundle_json.write_text(meta.model_dump_json(indent=2) + "\n", encoding="utf-8")
    save_file(
        {
            "centres": np.ascontiguousarray(centres),
            "theme_centroids": np.ascontiguousarray(centroids),
        },
        str(output.bundle_arrays),
    )
    return [output.bundle_json, output.bundle_arrays]


def load_bundle(out_dir: Path) -> Bundle:
    """Read a build's bundle; a clear error if ``out_dir`` is not a personas output."""
    from safetensors.numpy import load_file

    output = OutputFolder(out_dir)
    meta_path, arrays_path = output.bundle_json, output.bundle_arrays
    if not out_dir.is_dir():
        raise OutputError(
            f"{out_dir}: folder not found; give the output folder of `personas build`"
        )
    if not meta_path.is_file() or not arrays_path.is_file():
        raise OutputError(
            f"{out_dir}: no model bundle ({MODEL_DIR}/{BUNDLE_JSON});"
            " rebuild with `personas build` to create one"
        )
    try:
        meta = BundleMeta.model_validate(json.loads(meta_path.read_text(encoding="utf-8")))
        arrays = load_file(str(arrays_path))
    except (ValidationError, json.JSONDecodeError, OSError, ValueError) as exc:
        raise OutputError(
            f"{meta_path}: unreadable model bundle ({type(exc).__name__}); rebuild it"
        ) from None
    if meta.schema_version.split(".")[0] != BUNDLE_SCHEMA_VERSION.split(".")[0]:
        raise OutputError(
            f"{meta_path}: bundle schema {meta.schema_version} is not supported by this version "
            f"(needs {BUNDLE_SCHEMA_VERSION}); rebuild with this version of personas"
        )
    return Bundle(meta=meta, centres=arrays["centres"], theme_centroids=arrays["theme_centroids"])
