"""Joining identity keys: records that share any key (email or id) belong to one person.

A row can name a person twice, an email and a customer id; another file may
know them only by the id. :func:`resolve_keys` puts every key and its aliases
into groups (union-find) and gives each record its group's key: the smallest
email key, else the smallest id key, so the choice never depends on input order.

It reads only the ``respondent_key`` and ``aliases`` columns of the record
table, a batch at a time, and writes a new ``respondent_key`` column: no
``Record`` objects are built, however many there are.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyarrow as pa
import pyarrow.compute as pc

from personas.ingest.recordtable import RecordTable
from personas.models import Record


def resolve_keys(records: RecordTable | Iterable[Record]) -> RecordTable:
    """Records with their respondent key replaced by the key of their group."""
    table = RecordTable.from_records(records)
    batches = table.batches
    if not any(pc.sum(pc.list_value_length(b.column("aliases"))).as_py() for b in batches):
        return table
    parent: dict[str, str] = {}

    def find(key: str) -> str:
        root = key
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(key, key) != root:
            parent[key], key = root, parent[key]
        return root

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            keep, drop = sorted((ra, rb), key=_rank)
            parent[drop] = keep

    for batch in batches:
        aliased = batch.filter(pc.greater(pc.list_value_length(batch.column("aliases")), 0))
        keys = aliased.column("respondent_key").to_pylist()
        for key, aliases in zip(keys, aliased.column("aliases").to_pylist(), strict=True):
            if key and not key.startswith("row:"):
                for alias in aliases:
                    union(key, alias)
    chunks = []
    for batch in batches:
        keys = batch.column("respondent_key").to_pylist()
        resolved = [find(k) if k and not k.startswith("row:") else k for k in keys]
        chunks.append(pa.array(resolved, type=pa.string()))
    return table.with_column("respondent_key", chunks)


def _rank(key: str) -> tuple[int, str]:
    return (0 if key.startswith("email:") else 1, key)
