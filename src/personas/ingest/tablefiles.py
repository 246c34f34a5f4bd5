"""Reading a table file: one reader per format, each returning :class:`~.tables.Table`.

Delimited text (:mod:`.delimited`), JSON / JSONL (:mod:`.jsontables`), XLSX and
Parquet (:mod:`.sheets`). The dispatch lives here, not in :mod:`.tables`, because
every reader imports the table shape from there: tables stays the bottom layer.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from personas.errors import InputError
from personas.ingest.delimited import read_delimited
from personas.ingest.jsontables import read_json, read_jsonl
from personas.ingest.sheets import read_parquet, read_xlsx
from personas.ingest.tables import Table

__all__ = ["read_table", "read_tables"]

_READERS: dict[str, Callable[[Path, str, int | None], list[Table]]] = {
    "csv": read_delimited,
    "tsv": read_delimited,
    "txt": read_delimited,
    "json": read_json,
    "jsonl": read_jsonl,
    "xlsx": read_xlsx,
    "parquet": read_parquet,
}


def read_tables(path: Path, fmt: str, name: str, limit: int | None = None) -> list[Table]:
    """Every table in a file (one, or one per sheet of a workbook); ``InputError`` if unreadable.

    ``limit`` reads only the first rows (for sniffing kinds in discover).
    """
    reader = _READERS.get(fmt)
    if reader is None:
        raise InputError(f"{name}: {fmt} is not a table format")
    return reader(path, name, limit)


def read_table(path: Path, fmt: str, name: str, max_bytes: int | None = None) -> Table:
    """The first table of a file (``max_bytes`` set = only the first rows, for sniffing)."""
    return read_tables(path, fmt, name, limit=200 if max_bytes else None)[0]
