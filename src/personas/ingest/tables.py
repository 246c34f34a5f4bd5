"""Tables: the one shape every tabular export is read into.

A :class:`Table` has named columns and rows of string cells, each row with the
locator a person would use to find it (``row 5`` in a spreadsheet, ``line 3``
of a JSONL file, ``item 2`` of a JSON list, ``Responses!row 5`` in the second
sheet of a workbook). Rows may be a list or a re-iterable stream (big CSV and
Parquet files are never held whole); a row's cells may be ragged, and the
reader of the rows pads or trims them (:func:`aligned`).

The readers of each format (:mod:`.tablefiles` dispatches to them) build tables
from the helpers here. Header layouts of survey tools that write more than one
header row (Qualtrics, SurveyMonkey) are recognised by :func:`header_layout`,
so the first data row keeps its spreadsheet row number.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

__all__ = ["Column", "Table", "aligned", "cell_text", "header_layout", "header_notes"]

ROW_SAMPLE = 20_000  # rows read to infer column roles in a big file
_MONKEY_SUBS = {"response", "open-ended response"}
Cells = list[str]


@dataclass(frozen=True)
class Column:
    """One column: ``name`` is what personas.toml uses; ``question`` the full wording."""

    name: str
    question: str
    sub: str = ""  # SurveyMonkey's second header row ("Response", an option label, ...)
    multi: bool = False  # the format says each value is a list (Parquet list columns)


@dataclass
class Table:
    columns: list[Column]
    rows: Iterable[tuple[str, Cells]]  # (locator, cells), a list or a re-iterable stream
    bad_rows: list[tuple[str, str]] = field(default_factory=list)  # (locator, reason)
    notes: list[str] = field(default_factory=list)  # file-level remarks (encoding, layout)
    sheet: str = ""  # the workbook sheet this table came from, if any

    def sample(self, limit: int = ROW_SAMPLE) -> list[tuple[str, Cells]]:
        """The rows (all of them for an in-memory table, the first ``limit`` of a stream)."""
        if isinstance(self.rows, list):
            return self.rows
        out: list[tuple[str, Cells]] = []
        for row in self.rows:
            out.append(row)
            if len(out) >= limit:
                break
        return out

    def problems(self) -> list[tuple[str, str]]:
        """Rows that could not be read, including those met while streaming."""
        return self.bad_rows + list(getattr(self.rows, "problems", []))


def aligned(cells: Cells, width: int) -> Cells:
    """Cells padded with blanks or cut to ``width``."""
    if len(cells) == width:
        return cells
    return (cells + [""] * width)[:width]


def header_layout(records: list[Cells]) -> tuple[int, list[Column], str]:
    """(header rows, columns, layout name) for Qualtrics (3 rows or legacy), SurveyMonkey, plain."""
    first = records[0]
    second = records[1] if len(records) > 1 else []
    third = records[2] if len(records) > 2 else []
    if third and sum(c.startswith('{"ImportId"') for c in third) >= len(third) // 2 > 0:
        return 3, _columns(first, second, lambda top, sub: top), "Qualtrics"
    legacy_ids = sum(bool(re.fullmatch(r"V\d+", c)) for c in first)  # V1..V10, then Q1..Qn
    if second and first[:1] == ["V1"] and legacy_ids >= 3:
        legacy = _columns(
            first, second, lambda top, sub: sub if re.fullmatch(r"V\d+", top) else top
        )
        return 2, legacy, "legacy Qualtrics"
    if second and not second[0].strip() and any(c.strip().lower() in _MONKEY_SUBS for c in second):
        return 2, _monkey_columns(first, second), "SurveyMonkey"
    return 1, _columns(first, [], lambda top, sub: top), ""


def header_notes(columns: list[Column], raw: Cells) -> list[str]:
    """Remarks on blank and repeated header names (trailing blank headers are not worth one)."""
    notes: list[str] = []
    last = max((i for i, c in enumerate(raw) if c.strip()), default=-1)
    blank = [columns[i].name for i, c in enumerate(raw[: last + 1]) if not c.strip()]
    if blank and len(raw) == len(columns):
        shown = ", ".join(f'"{b}"' for b in blank[:5])
        notes.append(f"{len(blank)} column(s) have no header; read as {shown}")
    repeated = [c.name for c in columns if re.search(r" \(\d+\)$", c.name)]
    if repeated:
        shown = ", ".join(f'"{r}"' for r in repeated[:5])
        notes.append(f"repeated column names; the repeats are read as {shown}")
    return notes


def _columns(first: Cells, second: Cells, pick: Callable[[str, str], str]) -> list[Column]:
    columns: list[Column] = []
    for i, top in enumerate(first):
        sub = second[i].strip() if i < len(second) else ""
        top = top.strip()
        label = pick(top, sub) or top or f"column {i + 1}"
        columns.append(Column(name=label, question=sub or top or label))
    return _unique(columns)


def _monkey_columns(first: Cells, second: Cells) -> list[Column]:
    columns: list[Column] = []
    question = ""
    for i, top in enumerate(first):
        sub = second[i].strip() if i < len(second) else ""
        question = top.strip() or question
        plain = not sub or sub.lower() in _MONKEY_SUBS
        label = question if plain else f"{question} - {sub}"
        columns.append(Column(name=label or f"column {i + 1}", question=question, sub=sub))
    return _unique(columns)


def _unique(columns: list[Column]) -> list[Column]:
    seen: dict[str, int] = {}
    out: list[Column] = []
    for col in columns:
        count = seen.get(col.name, 0) + 1
        seen[col.name] = count
        name = col.name if count == 1 else f"{col.name} ({count})"
        out.append(Column(name=name, question=col.question, sub=col.sub, multi=col.multi))
    return out


def cell_text(value: object) -> str:
    """A cell value from JSON, a workbook or Parquet as the text a CSV would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value != value:  # NaN: a missing value
            return ""
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if hasattr(value, "isoformat"):
        text = value.isoformat()
        return text.removesuffix("T00:00:00").removesuffix(" 00:00:00")
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)
