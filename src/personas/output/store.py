"""The embedded DuckDB file in the output folder.

It keeps the embedding cache across builds (keyed by model and text hash) and
the tables each build produces, so every figure in the report can be
recomputed with SQL, e.g.::

    SELECT persona_id, count(*) FROM assignments GROUP BY 1;
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from pathlib import Path
from typing import Any

import numpy as np

from personas.errors import OutputError

log = logging.getLogger(__name__)
TABLE_CHUNK = 50_000  # rows per insert of write_table
MEMORY_LIMIT = "1GB"  # DuckDB's own buffers: a big query spills to disk beyond this
SCAN_MEMORY = "64MB"  # ... and while the embedding cache is scanned (the Ray engine's driver)
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
        """Which of these text hashes have a vector for this model: one scan of the
        cache's hashes (the vectors stay put)."""
        wanted = set(hashes)
        found: set[str] = set()
        for names, _ in self._scan(model, vectors=False):
            found.update(h for h in names if h in wanted)
        return found

    def add_shards(self, model: str, folder: Path) -> int:
        """Copy the Parquet shards under ``folder`` (text_hash, vector) into the cache,
        inside DuckDB: the vectors never pass through Python. Returns the number of
        shards read; an unreadable one (a half-written file of a killed run) is skipped."""
        import duckdb

        done = 0
        for path in sorted(folder.glob("*.parquet")) if folder.is_dir() else []:
            try:
                self.con.execute(
                    "INSERT OR IGNORE INTO embeddings"
                    " SELECT ?, text_hash, octet_length(vector) // 4, vector::BLOB"
                    " FROM read_parquet(?)",
                    [model, str(path)],
                )
            except duckdb.Error as exc:
                log.warning("%s: unreadable embedding shard skipped (%s)", path, exc)
                continue
            done += 1
        return done

    def vector_rows(
        self, model: str, hashes: Sequence[str]
    ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """(rows, vectors) in batches: for every row, the vector of ``hashes[row]`` (sha256
        hex, 64 characters), in no particular order. One scan of the cache, each batch
        matched against the hashes sorted once: a join would have DuckDB build (and keep)
        a hash table as big as the corpus."""
        keys = np.array(hashes, dtype="S64")
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
        self.con.execute(f"SET memory_limit = '{SCAN_MEMORY}'")
        try:
            reader = self.con.sql(
                f"SELECT {columns} FROM embeddings WHERE model = ?", params=[model]
            ).to_arrow_reader(SCAN_BATCH)
            for part in reader:
                yield part.column(0).to_pylist(), part.column(1) if vectors else None
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
