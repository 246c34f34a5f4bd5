"""The embedded DuckDB file in the output folder.

It keeps the embedding cache across builds (keyed by model and text hash) and
the tables each build produces, so every figure in the report can be
recomputed with SQL, e.g.::

    SELECT persona_id, count(*) FROM assignments GROUP BY 1;
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from personas.errors import OutputError


class Store:
    """A thin wrapper over one DuckDB connection."""

    def __init__(self, path: Path) -> None:
        import duckdb

        self.path = path
        try:
            self.con = duckdb.connect(str(path))
        except duckdb.Error as exc:
            raise OutputError(f"{path}: cannot open the results database: {exc}") from None
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

    def write_table(self, name: str, rows: list[dict[str, Any]], columns: dict[str, str]) -> None:
        """Replace table ``name`` with ``rows`` (column name -> DuckDB type)."""
        import pandas as pd

        cols = ", ".join(f'"{c}" {t}' for c, t in columns.items())
        self.con.execute(f'CREATE OR REPLACE TABLE "{name}" ({cols})')
        if rows:
            frame = pd.DataFrame(
                [[row.get(c) for c in columns] for row in rows], columns=list(columns)
            )
            self.con.register("new_rows", frame)
            casts = ", ".join(f'CAST("{c}" AS {t})' for c, t in columns.items())
            self.con.execute(f'INSERT INTO "{name}" SELECT {casts} FROM new_rows')
            self.con.unregister("new_rows")
