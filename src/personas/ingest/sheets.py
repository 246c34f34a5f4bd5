"""Workbooks (XLSX) and Parquet files as tables.

XLSX: every sheet is considered. A sheet whose first filled row names at least
two columns and has rows below it is a table; others (an empty sheet, a
title-and-totals report, a chart) are passed over with a note saying why. When
a workbook holds more than one table, each keeps its sheet name: locators read
``Sheet!row N`` and column names ``Sheet!Column``. SurveyMonkey's two header
rows are recognised as in CSV.

Parquet is streamed in record batches; a list column is a multi-select answer.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from personas.errors import InputError
from personas.ingest.tables import Cells, Column, Table, cell_text, header_layout, header_notes

_BATCH = 10_000


def read_xlsx(path: Path, name: str, limit: int | None = None) -> list[Table]:
    """One table per data sheet; ``InputError`` if the workbook is corrupt or holds no table."""
    try:
        sheets = _load_sheets(path, limit)
    except InputError:
        raise
    # openpyxl raises many kinds of errors on damaged files (zip, XML, KeyError, ...):
    # any of them means the same thing to the user.
    except Exception as exc:
        reason = str(exc).strip().rstrip(".") or type(exc).__name__
        raise InputError(
            f"{name}: not a readable XLSX workbook ({reason}); "
            "open it in Excel and save it again, or export it as CSV"
        ) from None
    tables: list[Table] = []
    notes: list[str] = []
    for title, records in sheets:
        table, why = _sheet_table(title, records)
        if table is None:
            notes.append(f'sheet "{title}" passed over: {why}')
        else:
            tables.append(table)
    if not tables:
        detail = "; ".join(notes) or "the workbook has no sheets"
        raise InputError(f"{name}: not an export: no sheet holds a table ({detail})")
    if len(tables) > 1:
        tables = [_named(t) for t in tables]
    else:
        tables[0].sheet = ""
    tables[0].notes.extend(notes)
    return tables


def _load_sheets(path: Path, limit: int | None) -> list[tuple[str, list[Cells]]]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        out: list[tuple[str, list[Cells]]] = []
        for sheet in workbook.worksheets:
            records: list[Cells] = []
            for values in sheet.iter_rows(values_only=True):
                records.append([cell_text(v) for v in values])
                if limit is not None and len(records) >= limit + 3:
                    break
            out.append((str(sheet.title), records))
        return out
    finally:
        workbook.close()


def _sheet_table(title: str, records: list[Cells]) -> tuple[Table | None, str]:
    records = [_trim(r) for r in records]
    first = next((i for i, r in enumerate(records) if any(c.strip() for c in r)), None)
    if first is None:
        return None, "empty"
    head = records[first]
    filled = [c for c in head if c.strip()]
    if len(filled) < 2:
        return None, (
            f'its first filled row holds only "{filled[0][:40]}", not column names; '
            "the first row of an export names the columns"
        )
    header_rows, columns, layout = header_layout(records[first:])
    start = first + header_rows
    rows = [(f"row {n}", cells) for n, cells in enumerate(records[start:], start=start + 1)]
    while rows and not any(c.strip() for c in rows[-1][1]):
        rows.pop()
    if not rows:
        return None, "column names but no rows below them"
    table = Table(columns=columns, rows=rows, sheet=title)  # sheet kept only if several
    if header_rows > 1:
        table.notes.append(f"{header_rows} header rows ({layout} export layout)")
    if header_rows == 1:
        table.notes.extend(header_notes(columns, head))
    return table, ""


def _named(table: Table) -> Table:
    prefix = table.sheet
    rows = [(f"{prefix}!{loc}", cells) for loc, cells in table.rows]
    notes = [f'sheet "{prefix}": {n}' for n in table.notes]
    return Table(columns=table.columns, rows=rows, notes=notes, sheet=prefix)


def _trim(cells: Cells) -> Cells:
    end = len(cells)
    while end and not cells[end - 1].strip():
        end -= 1
    return cells[:end]


class ParquetRows:
    """The rows of a Parquet file, read batch by batch on every iteration."""

    def __init__(self, path: Path, columns: list[str]) -> None:
        self.path, self.columns = path, columns
        self.problems: list[tuple[str, str]] = []

    def __iter__(self) -> Iterator[tuple[str, Cells]]:
        import pyarrow.parquet as pq

        self.problems = []
        n = 1
        try:
            reader = pq.ParquetFile(self.path)
            for batch in reader.iter_batches(batch_size=_BATCH):
                for item in batch.to_pylist():
                    n += 1
                    yield f"row {n}", [_parquet_cell(item.get(c)) for c in self.columns]
        except Exception as exc:  # pyarrow's errors on a damaged file; see read_xlsx
            self.problems.append((f"row {n + 1}", f"cannot read the file from this row on: {exc}"))


def read_parquet(path: Path, name: str, limit: int | None = None) -> list[Table]:
    """A Parquet file as one streamed table; ``InputError`` if it is not readable."""
    try:
        import pyarrow.parquet as pq

        schema = pq.ParquetFile(path).schema_arrow
    except Exception as exc:  # pyarrow's errors on a damaged file; see read_xlsx
        raise InputError(f"{name}: not a readable Parquet file ({exc})") from None
    names = [str(n) for n in schema.names]
    if not names:
        raise InputError(f"{name}: the Parquet file has no columns")
    lists = {str(f.name) for f in schema if str(f.type).startswith(("list", "large_list"))}
    columns = [Column(name=n, question=n, multi=n in lists) for n in names]
    table = Table(columns=columns, rows=ParquetRows(path, names))
    if limit is not None:
        table.rows = table.sample(limit)
    return [table]


def _parquet_cell(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(_parquet_cell(v) for v in value if v is not None)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_parquet_cell(v)}" for k, v in value.items())
    return cell_text(value)
