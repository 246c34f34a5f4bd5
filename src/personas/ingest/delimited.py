"""Delimited text (CSV, TSV, Excel "Unicode text"), streamed so big files are never held whole.

The encoding is decided once per file (:mod:`.encoding`), the delimiter is
sniffed from the first 64 KB (``,`` ``;`` tab ``|``, or Excel's ``sep=;`` first
line), and leading comment lines (``# ...`` as analytics exports write them)
and blank lines are passed over. The rows are a :class:`DelimitedRows`
stream that re-reads the file each time it is iterated; quoted newlines and
very long fields are read by the standard ``csv`` module.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterator
from pathlib import Path

from personas.errors import InputError
from personas.ingest.encoding import open_text
from personas.ingest.tables import Cells, Table, header_layout, header_notes

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))

_DELIMITERS = (",", ";", "\t", "|")
_SAMPLE_CHARS = 65536
_PREAMBLE_LIMIT = 50


class DelimitedRows:
    """The data rows of a delimited file, read afresh on every iteration."""

    def __init__(self, path: Path, encoding: str, delimiter: str, skip: int) -> None:
        self.path, self.encoding, self.delimiter, self.skip = path, encoding, delimiter, skip
        self.problems: list[tuple[str, str]] = []

    def __iter__(self) -> Iterator[tuple[str, Cells]]:
        self.problems = []
        with self.path.open(encoding=self.encoding, errors="replace", newline="") as handle:
            reader = csv.reader(_without_nul(handle), delimiter=self.delimiter)
            index = 0
            try:
                for index, record in enumerate(reader, start=1):
                    if index > self.skip:
                        yield f"row {index}", record
            except csv.Error as exc:
                reason = f"cannot read the file from this row on: {exc}"
                self.problems.append((f"row {index + 1}", reason))


def read_delimited(path: Path, name: str, limit: int | None = None) -> list[Table]:
    """One table from a CSV/TSV/TXT file; ``InputError`` if it has no header or no columns."""
    handle, note = open_text(path, name)
    with handle:
        encoding = handle.encoding
        sample = handle.read(_SAMPLE_CHARS)
    fmt = path.suffix.lower()
    delimiter, sep_line = _delimiter(sample, fmt)
    head = _first_records(sample, delimiter, 60)
    skip = _preamble(head) + sep_line
    head = head[skip:]
    if not head or not any(cell.strip() for cell in head[0]):
        raise InputError(f"{name}: no header row; the first line must name the columns")
    header_rows, columns, layout = header_layout(head)
    if len(head) > 1 and _prose(head[0]):
        raise InputError(
            f"{name}: not a table: the first line is running text, not column names; "
            "export the data as CSV"
        )
    table = Table(
        columns=columns, rows=DelimitedRows(path, encoding, delimiter, skip + header_rows)
    )
    if note:
        table.notes.append(note)
    if header_rows > 1:
        table.notes.append(f"{header_rows} header rows ({layout} export layout)")
    if skip > sep_line:
        table.notes.append(f"{skip - sep_line} line(s) before the header passed over")
    if header_rows == 1:
        table.notes.extend(header_notes(columns, head[0]))
    if limit is not None:
        table.rows = table.sample(limit)
    return [table]


def _delimiter(text: str, fmt: str) -> tuple[str, int]:
    """(delimiter, 1 if an Excel ``sep=X`` line names it else 0)."""
    first = text.split("\n", 1)[0].strip()
    if first.lower().startswith("sep=") and len(first) == 5:
        return first[4], 1
    if fmt in ("tsv", ".tsv"):
        return "\t", 0
    best, best_score = ",", (0.0, 0)
    for delim in _DELIMITERS:
        records = [r for r in _first_records(text, delim, 30) if any(c.strip() for c in r)]
        records = records[_preamble(records) :]
        if not records or len(records[0]) < 2:
            continue
        width = len(records[0])
        same = sum(len(r) == width for r in records[1:]) / max(1, len(records) - 1)
        if (same, width) > best_score:
            best, best_score = delim, (same, width)
    return best, 0


def _first_records(sample: str, delim: str, count: int) -> list[Cells]:
    reader = csv.reader(io.StringIO(sample.replace("\x00", ""), newline=""), delimiter=delim)
    records: list[Cells] = []
    try:
        for record in reader:
            records.append(record)
            if len(records) >= count:
                break
    except csv.Error:
        pass
    if len(sample) >= _SAMPLE_CHARS and len(records) > 2 and len(records) < count:
        records = records[:-1]  # the last record may be cut by the sample's end
    return records


def _preamble(records: list[Cells]) -> int:
    """Leading blank lines and ``# comment`` lines (analytics exports) before the header."""
    n = 0
    for record in records[:_PREAMBLE_LIMIT]:
        filled = [c for c in record if c.strip()]
        comment = filled and filled[0].lstrip().startswith("#") and filled[0].strip() != "#"
        if not filled or (comment and len(filled) <= 2):
            n += 1
            continue
        break
    return n


def _prose(header: Cells) -> bool:
    """A "header" of one to three long clauses ending a sentence: a text file, not an export."""
    filled = [c.strip() for c in header if c.strip()]
    if not filled or len(filled) > 3 or any(c.endswith(("?", ":")) for c in filled):
        return False
    return all(len(c.split()) >= 5 for c in filled) and filled[-1].endswith((".", "!"))


def _without_nul(lines: Iterator[str] | io.TextIOBase) -> Iterator[str]:
    for line in lines:
        yield line.replace("\x00", "") if "\x00" in line else line
