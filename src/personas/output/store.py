"""The embedded DuckDB file in the output folder.

It keeps the embedding cache across builds (keyed by model and text hash) and
the tables each build produces, so every figure in the report can be
recomputed with SQL, e.g.::

    SELECT persona_id, count(*) FROM assignments GROUP BY 1;
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import Any

import numpy as np

from personas.errors import OutputError

log = logging.getLogger(__name__)
TABLE_CHUNK = 50_000  # rows per insert of write_table
MEMORY_LIMIT = "1GB"  # DuckDB's own buffers: a big query spills to disk beyond this
SCAN_MEMORY = "64MB"  # ... while the Ray engine's driver fills or scans the embedding cache
SCAN_BATCH = 4096  # rows per batch of that scan (each may stand for many statements)


class Store:
    """A thin wrapper over one DuckDB connection."""

    def __init__(self, path: Path) -> None:
        import duckdb

        self.path = path
        try:
            self.con = duckdb.connect(str(path))
        except duckdb.Error as exc:
            raise OutputError(f"{path}: cannot open the results database: {exc}") from None
        self.con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
        self.con.execute(
            "CREATE TABLE IF NOT EXISTS embeddings ("
            " model VARCHAR, text_hash VARCHAR, dim INTEGER, vector BLOB,"
            " PRIMARY KEY (model, text_hash))"
        )

    def close(self) -> None:
        self.con.close()

    def cached_vectors(self, model: str, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        """Vectors already computed for these text hashes with this model."""
        if not hashes:
            return {}
        import pandas as pd

        self.con.register("wanted", pd.DataFrame({"text_hash": sorted(set(hashes))}))
        rows = self.con.execute(
            "SELECT e.text_hash, e.vector FROM embeddings e JOIN wanted w USING (text_hash)"
            " WHERE e.model = ?",
            [model],
        ).fetchall()
        self.con.unregister("wanted")
        return {h: np.frombuffer(blob, dtype=np.float32) for h, blob in rows}

    def known_hashes(self, model: str, hashes: Sequence[str]) -> set[str]:
        """Which of these text hashes have a vector for this model (see ``known_keys``)."""
        keys = np.unique(np.asarray(hashes, dtype="S64"))
        return {k.decode() for k in keys[self.known_keys(model, keys)]}

    def known_keys(self, model: str, keys: np.ndarray) -> np.ndarray:
        """Which of ``keys`` (sha256 hex as ``S64``, sorted, each once) have a vector for
        this model, as a boolean mask: one scan of the cache's hashes (the vectors stay
        put), each batch looked up in the sorted keys."""
        found = np.zeros(len(keys), dtype=bool)
        if not len(keys):
            return found
        for names, _ in self._scan(model, vectors=False):
            probe = np.array(names, dtype="S64")
            at = np.minimum(np.searchsorted(keys, probe), len(keys) - 1)
            found[at[keys[at] == probe]] = True
        return found

    def add_shards(self, model: str, folder: Path) -> int:
        """Copy the Parquet shards under ``folder`` (text_hash, vector) into the cache,
        inside DuckDB: the vectors never pass through Python. Returns the number of
        shards read; an unreadable one (a half-written file of a killed run) is skipped.

        DuckDB is held to ``SCAN_MEMORY`` meanwhile (it writes what it inserted out to
        the file instead of keeping it): at ``MEMORY_LIMIT`` the inserts of a million
        statements' shards kept 0.4 GB of buffers and peaked 0.6 GB above that. Should
        the cache's own index outgrow that limit, the rest go in at ``MEMORY_LIMIT``."""
        import duckdb

        done = 0
        limit = SCAN_MEMORY
        for path in sorted(folder.glob("*.parquet")) if folder.is_dir() else []:
            while True:
                try:
                    with self._memory(limit):
                        self.con.execute(
                            "INSERT OR IGNORE INTO embeddings"
                            " SELECT ?, text_hash, octet_length(vector) // 4, vector::BLOB"
                            " FROM read_parquet(?)",
                            [model, str(path)],
                        )
                except duckdb.OutOfMemoryException:
                    if limit == MEMORY_LIMIT:
                        raise
                    limit = MEMORY_LIMIT
                    continue
                except duckdb.Error as exc:
                    log.warning("%s: unreadable embedding shard skipped (%s)", path, exc)
                else:
                    done += 1
                break
        return done

    def vector_rows(
        self, model: str, hashes: Sequence[str] | np.ndarray
    ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """(rows, vectors) in batches: for every row, the vector of ``hashes[row]`` (sha256
        hex, 64 characters), in no particular order. One scan of the cache, each batch
        matched against the hashes sorted once: a join would have DuckDB build (and keep)
        a hash table as big as the corpus."""
        keys = np.asarray(hashes, dtype="S64")
        order = np.argsort(keys, kind="stable")
        keys = keys[order]
        for names, blobs in self._scan(model, vectors=True):
            probe = np.array(names, dtype="S64")
            lo = np.searchsorted(keys, probe, "left")
            hi = np.searchsorted(keys, probe, "right")
            hit = np.nonzero(hi > lo)[0]
            if not len(hit):
                continue
            counts = (hi - lo)[hit]  # statements with this text
            first = np.repeat(lo[hit] - (np.cumsum(counts) - counts), counts)
            rows = order[first + np.arange(int(counts.sum()))]
            flat = np.frombuffer(b"".join(blobs.take(hit).to_pylist()), dtype=np.float32)
            yield rows, flat.reshape(len(hit), -1)[np.repeat(np.arange(len(hit)), counts)]

    def _scan(self, model: str, vectors: bool) -> Iterator[tuple[list[str], Any]]:
        """The cache's hashes (and vector blobs) for ``model``, ``SCAN_BATCH`` at a time,
        with DuckDB held to ``SCAN_MEMORY`` meanwhile: lowering the limit afterwards
        makes it let go of the buffers the scan filled."""
        columns = "text_hash, vector" if vectors else "text_hash"
        with self._memory(SCAN_MEMORY):
            reader = self.con.sql(
                f"SELECT {columns} FROM embeddings WHERE model = ?", params=[model]
            ).to_arrow_reader(SCAN_BATCH)
            for part in reader:
                yield part.column(0).to_pylist(), part.column(1) if vectors else None

    @contextmanager
    def _memory(self, limit: str) -> Iterator[None]:
        """DuckDB held to ``limit`` for a while; back at ``MEMORY_LIMIT`` after (lowering
        the limit is what makes it let go of buffers it filled)."""
        self.con.execute(f"SET memory_limit = '{limit}'")
        try:
            yield
        finally:
            self.con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")

    def add_vectors(self, model: str, hashes: Sequence[str], vectors: np.ndarray) -> None:
        import pandas as pd

        frame = pd.DataFrame(
            {
                "model": model,
                "text_hash": list(hashes),
                "dim": vectors.shape[1],
                "vector": [v.astype(np.float32).tobytes() for v in vectors],
            }
        )
        self.con.register("new_vectors", frame)
        self.con.execute(
            "INSERT OR REPLACE INTO embeddings"
            " SELECT model, text_hash, dim, vector::BLOB FROM new_vectors"
        )
        self.con.unregister("new_vectors")

    def write_table(
        self, name: str, rows: Iterable[dict[str, Any]], columns: dict[str, str]
    ) -> None:
        """Replace table ``name`` with ``rows`` (column name -> DuckDB type), inserted
        ``TABLE_CHUNK`` rows at a time: a million statements never sit in one frame."""
        cols = ", ".join(f'"{c}" {t}' for c, t in columns.items())
        self.con.execute(f'CREATE OR REPLACE TABLE "{name}" ({cols})')
        it = iter(rows)
        while chunk := list(islice(it, TABLE_CHUNK)):
            self._insert(name, chunk, columns)

    def _insert(self, name: str, rows: list[dict[str, Any]], columns: dict[str, str]) -> None:
        import pandas as pd

        frame = pd.DataFrame([[row.get(c) for c in columns] for row in rows], columns=list(columns))
        self.con.register("new_rows", frame)
        casts = ", ".join(f'CAST("{c}" AS {t})' for c, t in columns.items())
        self.con.execute(f'INSERT INTO "{name}" SELECT {casts} FROM new_rows')
        self.con.unregister("new_rows")
