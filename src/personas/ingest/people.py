"""People-less corpora: when nothing names or describes anyone, each writer is a person.

Reviews, social comments and tickets usually come without an email or customer
id. Where *some* file of the build identifies people (a survey, an orders
export), such text stays anonymous voice: it informs the themes and is
attributed to personas only by similarity. Where *no* record has a respondent
key at all, that rule would leave no one to build personas of, so every
review, comment or ticket becomes a respondent of its own (``row:<record_id>``)
— each was written by one person — unless the file has an ``author`` column (a
social handle or account id), whose value joins that account's records into one
respondent (``author:<handle>``). Such respondents are not *identified*: their
keys name no customer record.

:func:`people_from_rows` does this on the record table's key and alias columns
(no ``Record`` objects are built), and says what it did in one sentence that
``personas inspect`` and ``run.json`` show.
"""

from __future__ import annotations

from collections import Counter

import pyarrow as pa

from personas.ingest.recordtable import RecordTable

VOICE_KINDS = ("reviews", "social", "support", "survey")
AUTHOR = "author:"


def people_from_rows(table: RecordTable) -> tuple[RecordTable, str | None]:
    """The table with a respondent key on every voice record, when none had one.

    Returns the table unchanged (and ``None``) when any record already names or
    describes a person; otherwise the new table and a sentence for the user."""
    batches = table.batches
    if not batches or any(b.column("respondent_key").null_count < b.num_rows for b in batches):
        return table, None
    chunks: list[pa.Array] = []
    per_file: dict[str, Counter[str]] = {}
    accounts: set[str] = set()
    for batch in batches:
        keys: list[str | None] = []
        kinds = batch.column("source_kind").to_pylist()
        sources = batch.column("source").to_pylist()
        ids = batch.column("record_id").to_pylist()
        aliases = batch.column("aliases").to_pylist()
        for kind, source, record_id, alias in zip(kinds, sources, ids, aliases, strict=True):
            if kind not in VOICE_KINDS:
                keys.append(None)
                continue
            author = next((a for a in alias or () if a.startswith(AUTHOR)), None)
            keys.append(author or f"row:{record_id}")
            if author:
                accounts.add(author)
            per_file.setdefault(source, Counter())["author" if author else "row"] += 1
        chunks.append(pa.array(keys, type=pa.string()))
    if not per_file:
        return table, None
    out = table.with_column("respondent_key", chunks)
    return out, _note(per_file, len(accounts))


def _note(per_file: dict[str, Counter[str]], accounts: int) -> str:
    rows = sum(c["row"] for c in per_file.values())
    authored = sum(c["author"] for c in per_file.values())
    parts = [
        "no file names or describes the people who wrote (no email, customer id, age, ...),"
        " so each writer is one respondent, not identified"
    ]
    if rows:
        parts.append(f"{rows} records are one respondent each")
    if authored:
        files = sorted(s for s, c in per_file.items() if c["author"])
        parts.append(
            f"{authored} records with a handle are joined into {accounts} accounts"
            f" ({', '.join(files)})"
        )
    return "; ".join(parts)
