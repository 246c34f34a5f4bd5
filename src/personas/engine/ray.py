"""The Ray engine: the spaCy pass, embedding and theme assignment run on a Ray cluster.

``personas build DIR --engine ray`` joins the cluster at ``--ray-address`` (or
``$RAY_ADDRESS``), or starts a local one with this machine's cores and a small
object store, and shuts down what it started when the work is done.

What runs on the workers (Ray Data, in ordered blocks):

- the spaCy pass of prepare (sentences, NER names, contrast splits), one
  pipeline load per actor, in blocks of whole spaCy batches;
- embedding, in an actor pool (one model load per actor; ``num_gpus=1`` per
  actor with ``--device cuda``), in the very chunks the local engine encodes
  (the missing texts sorted by hash, ``embed.CHUNK`` at a time), so the vectors
  are the same.

Each embedding actor writes the vectors it made as a Parquet shard under
``OUT/embedding-shards/`` (written to a temporary name, then renamed, so many
writers never see half a file) and sends back only how many it made. DuckDB
copies the shards into its cache when the pool is done (the vectors never pass
through Python) and they are removed; a run that was killed leaves its shards
behind, and the rerun embeds only the texts no shard or cache holds. The
driver's vectors are then a ``VectorFile`` (``understand.vectorfile``): every
statement's vector in statement order, streamed out of the cache into a file
under OUT that is read a block of rows at a time and removed after the build.

- nearest-theme assignment: once each kind's themes are fitted (on the driver,
  on a seeded sample of at most ``fit_sample_statements``), the centres go to
  the object store once and Ray tasks label the statements in the very blocks
  the local engine uses (``clusters.ASSIGN_CHUNK`` rows), so the labels are the
  same; at most two blocks per CPU are read and in flight at a time.

What stays on the driver: reading the exports, the corpus-wide name
vocabulary of the redactor (which words this corpus uses as ordinary words),
classification (its self-trained classifier is fitted on every statement),
fitting the themes on their sample, segments (fitted on a seeded sample of at
most ``fit_sample_people`` respondents), statistics and documents, exactly as
the local engine does.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from personas.errors import PersonasError
from personas.output.folder import OutputFolder
from personas.understand.prepare import SPACY_BATCH, PrepareResult, assemble, redact_texts

log = logging.getLogger(__name__)

INSTALL = 'pip install "personas[ray]"'
# a local cluster's object store: blocks are small, and every page of it the driver
# writes a block into stays in its resident memory (0.25 GB at 256 MB, at 1M statements)
OBJECT_STORE_BYTES = 128 * 1024**2
PREPARE_BLOCK = SPACY_BATCH * 16  # texts per prepare block: whole spaCy batches


def require_ray() -> Any:
    """The ``ray`` module (with Ray Data), or a one-line error naming the install command."""
    try:
        import ray
        import ray.data  # Ray Data is part of the extra
    except ImportError:
        raise PersonasError(f"--engine ray needs Ray, which is not installed: {INSTALL}") from None
    return ray


@contextmanager
def ray_session(address: str | None = None) -> Iterator[int]:
    """Ray, connected: the cluster at ``address``, the one already joined, or a
    local one started here (and shut down at the end). Yields its CPU count."""
    ray = require_ray()
    for name in ("ray", "ray.data"):  # its notices (token auth on, datasets done) are not ours
        logging.getLogger(name).setLevel(logging.ERROR)
    started = not ray.is_initialized()
    if started:
        _init(ray, address)
    try:
        _quiet_data(ray)
        yield max(1, int(ray.cluster_resources().get("CPU", 1)))
    finally:
        if started:
            ray.shutdown()


def _init(ray: Any, address: str | None) -> None:
    """Join ``address`` or start a local cluster with this machine's cores."""
    common: dict[str, Any] = {"log_to_driver": False, "configure_logging": False}
    try:
        if address:
            ray.init(address=address, **common)
        else:
            ray.init(
                address="local",
                num_cpus=os.cpu_count() or 1,
                object_store_memory=OBJECT_STORE_BYTES,
                include_dashboard=False,
                **common,
            )
    except (ConnectionError, RuntimeError, ValueError) as exc:
        where = f"the Ray cluster at {address}" if address else "a local Ray cluster"
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise PersonasError(f"cannot start or join {where}: {first}") from None


def _quiet_data(ray: Any) -> None:
    """Blocks come back in order; Ray Data draws no bars of its own (the CLI has its own)."""
    context = ray.data.DataContext.get_current()
    context.execution_options.preserve_order = True
    context.enable_progress_bars = False
    context.enable_operator_progress_bars = False
    context.print_on_execution_start = False


@contextmanager
def cluster_failures(what: str) -> Iterator[None]:
    """A failure inside the cluster (a worker lost, a node gone) as one ``Error:`` line."""
    import ray

    try:
        yield
    except ray.exceptions.RayError as exc:
        lines = [ln for ln in str(exc).splitlines() if ln.strip()]
        raise PersonasError(
            f"{what} failed on the Ray cluster: {lines[-1] if lines else type(exc).__name__}"
        ) from None


class _Splitter:
    """Ray actor: the spaCy pass of prepare for blocks of redacted texts."""

    def __init__(self, names: list[Any]) -> None:
        import ray

        from personas.understand.prepare import load_nlp, without_torch

        without_torch()  # this actor only splits (Ray gives each actor a process of its own)
        self.nlp, self.pipeline = load_nlp()
        self.names = ray.get(names[0])  # a reference in a list: fetched here, once per actor

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        from personas.understand.prepare import split_texts

        pieces = [
            json.dumps(split_texts([str(t) for t in texts], self.nlp, self.names))
            for texts in batch["texts"]
        ]
        return {
            "block": batch["block"],
            "pieces": pieces,
            "pipeline": [self.pipeline] * len(pieces),
        }


class _Embedder:
    """Ray actor: embeds chunks of texts with one model load, writes each chunk's shard."""

    def __init__(self, device: str, shard_dir: str) -> None:
        from personas.understand.embed import load_model

        self.device = device
        self.shard_dir = Path(shard_dir)
        load_model(device)

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        from personas.understand.embed import encode

        done = []
        for hashes, texts in zip(batch["hashes"], batch["texts"], strict=True):
            vectors = encode([str(t) for t in texts], device=self.device)
            write_shard(self.shard_dir, [str(h) for h in hashes], vectors)
            done.append(len(texts))
        return {"chunk": batch["chunk"], "texts": done}


def write_shard(folder: Path, hashes: Sequence[str], vectors: np.ndarray) -> Path:
    """One Parquet shard of (text_hash, vector), written whole or not at all."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{hashes[0]}-{len(hashes)}.parquet"
    table = pa.table(
        {
            "text_hash": pa.array(list(hashes), pa.string()),
            "vector": pa.array([v.astype(np.float32).tobytes() for v in vectors], pa.binary()),
        }
    )
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    pq.write_table(table, partial)
    os.replace(partial, path)
    return path


def aligned_file(store: Any, model: str, hashes: Sequence[str] | np.ndarray, path: Path) -> Any:
    """The vector of every hash, in order, in a ``VectorFile`` at ``path`` (removed
    when the build lets go of it), copied out of the cache a batch at a time."""
    from personas.understand.vectorfile import VectorFile

    if not len(hashes):
        return np.zeros((0, 384), dtype=np.float32)
    filled = 0
    vectors: VectorFile | None = None
    for rows, block in store.vector_rows(model, hashes):
        if vectors is None:
            vectors = VectorFile.create(path, len(hashes), block.shape[1])
        vectors.write(rows, block)
        filled += len(rows)
    if vectors is None or filled != len(hashes):
        raise PersonasError(f"the embedding cache lacks {len(hashes) - filled} vectors")
    return vectors


def shard_folder(out_dir: Path, model: str) -> Path:
    """Where this model's shards live under OUT."""
    name = re.sub(r"[^A-Za-z0-9.-]+", "_", model).strip("_")
    return OutputFolder(out_dir).embedding_shards / name


class RayEngine:
    """Prepare and embed on Ray; see the module docstring."""

    name = "ray"

    def __init__(self, out_dir: Path, device: str = "cpu", workers: int = 1) -> None:
        self.out_dir = out_dir
        self.device = device
        self.workers = workers

    def prepare(
        self, records: Any, progress: Callable[[int], None] | None = None
    ) -> tuple[PrepareResult, str]:
        import ray

        pending = redact_texts(records)
        texts = pending.texts
        blocks = [
            {"block": k, "texts": texts[i : i + PREPARE_BLOCK]}
            for k, i in enumerate(range(0, len(texts), PREPARE_BLOCK))
        ]
        if not blocks:
            return assemble(pending, [], "", progress), ""
        done = ray.data.from_items(blocks, override_num_blocks=len(blocks)).map_batches(
            _Splitter,
            fn_constructor_kwargs={"names": [ray.put(pending.names)]},
            batch_size=1,
            compute=ray.data.ActorPoolStrategy(size=min(self.workers, len(blocks))),
            num_cpus=1,
        )
        pipeline: list[str] = []

        def pieces() -> Iterator[tuple[list[str], int]]:
            for row in done.iter_rows():
                pipeline[:] = [row["pipeline"]]
                yield from json.loads(row["pieces"])

        with cluster_failures("preparing the texts"):
            result = assemble(pending, pieces(), "", progress)
        result.pipeline = pipeline[0] if pipeline else ""
        return result, result.pipeline

    def embed(
        self,
        ids: Sequence[str],
        texts: Sequence[str],
        store: Any,
        progress: Callable[[int], None] | None = None,
    ) -> Any:
        """Vectors for ``texts``: a killed run's shards and the cache first, the rest
        from the actor pool; the driver never holds them all (see ``aligned_file``)."""
        from personas.understand.embed import Embeddings, kept, model_identity, text_hash

        model = model_identity()
        # hashes as 64-byte keys in one array: a list of str cost twice that a statement
        hashes = np.fromiter((text_hash(t) for t in texts), dtype="S64", count=len(texts))
        shards = shard_folder(self.out_dir, model)
        store.add_shards(model, shards)  # a killed run's work
        keys, first, inverse = np.unique(hashes, return_index=True, return_inverse=True)
        known = store.known_keys(model, keys)
        from_cache = int(np.count_nonzero(known[inverse]))
        del inverse
        if progress is not None and from_cache:
            progress(from_cache)
        # (hash, text) of each text still to embed, by hash (the local engine's order)
        missing = [(keys[j].decode(), texts[first[j]]) for j in np.flatnonzero(~known)]
        del keys, first, known
        if missing:
            self._embed_missing(missing, shards, progress)
            del missing
            store.add_shards(model, shards)
        # all in the store now
        shutil.rmtree(OutputFolder(self.out_dir).embedding_shards, ignore_errors=True)
        vectors = aligned_file(store, model, hashes, OutputFolder(self.out_dir).vector_file)
        return Embeddings(ids=kept(ids), vectors=vectors, model=model, cached=from_cache)

    def nearest_themes(self, vectors: Any, centres: np.ndarray) -> np.ndarray:
        """Every statement's nearest theme, on the workers (see ``nearest_on_ray``)."""
        from personas.understand.clusters import ASSIGN_CHUNK

        return nearest_on_ray(vectors, centres, ASSIGN_CHUNK)

    def _embed_missing(
        self,
        missing: list[tuple[str, str]],
        shards: Path,
        progress: Callable[[int], None] | None,
    ) -> None:
        """Embed ``missing`` (hash, text) pairs in the actor pool, each chunk's vectors
        into a shard under ``shards`` (the driver reads them from there, inside DuckDB)."""
        import ray

        from personas.understand.embed import CHUNK

        chunks = [missing[i : i + CHUNK] for i in range(0, len(missing), CHUNK)]
        rows = [
            {"chunk": k, "hashes": [h for h, _ in c], "texts": [t for _, t in c]}
            for k, c in enumerate(chunks)
        ]
        gpus = int(ray.cluster_resources().get("GPU", 0))
        device = "cuda" if self.device == "auto" and gpus else resolve_cpu(self.device)
        actors = min(self.workers, len(rows))
        if device == "cuda":
            if not gpus:
                raise PersonasError("--device cuda: the Ray cluster has no GPUs")
            actors = min(actors, gpus)
        done = ray.data.from_items(rows, override_num_blocks=len(rows)).map_batches(
            _Embedder,
            fn_constructor_kwargs={"device": device, "shard_dir": str(shards)},
            batch_size=1,
            compute=ray.data.ActorPoolStrategy(size=actors),
            num_cpus=1,
            num_gpus=1 if device == "cuda" else 0,
        )
        with cluster_failures("embedding"):
            for row in done.iter_rows():
                if progress is not None:
                    progress(int(row["texts"]))


def _nearest(vectors: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """Ray task: the nearest theme of each row of one block."""
    from personas.understand.clusters import nearest_block

    return nearest_block(vectors, centres)


def nearest_on_ray(vectors: Any, centres: np.ndarray, chunk: int) -> np.ndarray:
    """``clusters.nearest_themes`` on the workers: the same blocks of ``chunk`` rows,
    each read (from memory or the vector file) only when a worker is free for it, the
    fitted centres put in the object store once, the labels back in order. At most two
    blocks per CPU are in flight, so neither the driver nor the object store ever holds
    more than those, whatever the corpus."""
    import ray

    n = len(vectors)
    out = np.empty(n, dtype=np.int64)
    if not n:
        return out
    task = ray.remote(num_cpus=1)(_nearest)
    shared = ray.put(np.asarray(centres))
    window = 2 * max(1, int(ray.cluster_resources().get("CPU", 1)))
    pending: dict[Any, int] = {}  # a running task -> the first row of its block
    with cluster_failures("assigning themes"):
        for start in range(0, n, chunk):
            block = np.ascontiguousarray(vectors[start : start + chunk])
            pending[task.remote(block, shared)] = start
            if len(pending) >= window:
                _collect(pending, out, chunk)
        while pending:
            _collect(pending, out, chunk)
    return out


def _collect(pending: dict[Any, int], out: np.ndarray, chunk: int) -> None:
    """Wait for one of the ``pending`` blocks and put its labels in place."""
    import ray

    (ready,), _ = ray.wait(list(pending), num_returns=1)
    start = pending.pop(ready)
    out[start : start + chunk] = ray.get(ready)


def resolve_cpu(device: str) -> str:
    """``auto`` on a cluster without GPUs is the CPU; ``cpu`` and ``cuda`` stay as asked."""
    return "cpu" if device == "auto" else device
