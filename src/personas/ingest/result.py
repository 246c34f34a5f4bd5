"""What the ingest stage hands to identity: :class:`IngestResult`.

It is the one stage result not in :mod:`personas.models`: its records are a
:class:`~personas.ingest.recordtable.RecordTable`, which builds
:class:`~personas.models.Record` objects, so the table imports the models and this
result imports the table (defined in models, the two would import each other).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BaseModel, BeforeValidator, Field

from personas.ingest.recordtable import RecordTable
from personas.models import ColumnRole, ContextTable, SourceAccount

__all__ = ["IngestResult"]

if TYPE_CHECKING:
    Records = RecordTable
else:  # a list of records (tests, small callers) becomes a table; a table is kept as is
    Records = Annotated[Any, BeforeValidator(RecordTable.from_records)]


class IngestResult(BaseModel):
    """What ingest hands to identity: records, inferred roles, and the accounting.

    ``records`` is a :class:`~personas.ingest.recordtable.RecordTable`: a read-only
    ``Sequence[Record]`` kept as Arrow columns, so a big export is not held as
    Python objects (``benchmarks/ingest_scale.py``).
    """

    records: Records
    roles: list[ColumnRole]
    accounts: list[SourceAccount]
    context: list[ContextTable] = Field(default_factory=list)  # analytics kept for the report
    # How respondents were found when no file identifies anyone (ingest.people), else None.
    people: str | None = None
