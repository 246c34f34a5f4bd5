"""Reading tables: CSV/TSV (any common encoding and delimiter), JSON and JSONL.

A :class:`Table` is the same shape whatever the format: named columns and rows
of string cells, each row with the locator a person would use to find it
(``row 5`` in a spreadsheet, ``line 3`` of a JSONL file, ``item 2`` of a JSON
list). Survey tools that write more than one header row (Qualtrics,
SurveyMonkey) are recognised, so the first data row keeps its spreadsheet row
number.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from personas.errors import InputError

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))

_DELIMITERS = (",", ";", "\t", "|")
_MONKEY_SUBS = {"response", "open-ended response"}


@dataclass(frozen=True)
class Column:
    """One column: ``name`` is what personas.toml uses; ``question`` the full wording."""

    name: str
    question: str
    sub: str = ""  # SurveyMonkey's second header row ("Response", an option label, ...)


@dataclass
class Table:
    columns: list[Column]
    rows: list[tuple[str, list[str]]]  # (locator, cells aligned with columns)
    bad_rows: list[tuple[str, str]] = field(default_factory=list)  # (locator, reason)
    notes: list[str] = field(default_factory=list)  # file-level remarks (encoding, layout)
    cell_notes: list[tuple[str, str]] = field(default_factory=list)  # (locator, remark)


def decode(data: bytes, name: str) -> tuple[str, str | None]:
    """Decode bytes as UTF-8 (BOM allowed), else cp1252, else latin-1; return (text, note)."""
    if b"\x00" in data[:8192]:
        raise InputError(f"{name}: looks like a binary file, not text; export it as CSV")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    for encoding in ("cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return text, f"not UTF-8; read as {encoding} (check accented characters)"
    raise InputError(f"{name}: cannot decode the file as text")  # pragma: no cover


def read_table(path: Path, fmt: str, name: str, max_bytes: int | None = None) -> Table:
    """Read a csv/tsv/json/jsonl file into a :class:`Table`; ``InputError`` if unreadable.

    ``max_bytes`` reads only the start of a CSV (for sniffing headers).
    """
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes) if max_bytes and fmt in ("csv", "tsv") else handle.read()
    except OSError as exc:
        raise InputError(f"{name}: cannot read the file: {exc.strerror}") from None
    text, note = decode(data, name)
    if fmt in ("csv", "tsv"):
        table = _read_delimited(text, fmt, name, truncated=bool(max_bytes))
    elif fmt == "json":
        table = _read_json(text, name)
    elif fmt == "jsonl":
        table = _read_jsonl(text, name)
    else:
        raise InputError(f"{name}: {fmt} is not a table format")
    if note:
        table.notes.insert(0, note)
    return table


def sniff_delimiter(text: str, fmt: str) -> str:
    """Pick the delimiter that splits the first records into the most consistent columns."""
    if fmt == "tsv":
        return "\t"
    sample = text[:65536]
    best, best_score = ",", (0.0, 0)
    for delim in _DELIMITERS:
        records = _first_records(sample, delim)
        if not records or len(records[0]) < 2:
            continue
        width = len(records[0])
        same = sum(len(r) == width for r in records[1:]) / max(1, len(records) - 1)
        if (same, width) > best_score:
            best, best_score = delim, (same, width)
    return best


def _first_records(sample: str, delim: str) -> list[list[str]]:
    reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delim)
    records: list[list[str]] = []
    try:
        for record in reader:
            if record:
                records.append(record)
            if len(records) >= 30:
                break
    except csv.Error:
        pass
    return records[:-1] if len(records) > 2 and len(sample) == 65536 else records


def _read_delimited(text: str, fmt: str, name: str, truncated: bool) -> Table:
    text = text.replace("\x00", "")
    delim = sniff_delimiter(text, fmt)
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delim))
    except csv.Error as exc:
        if not truncated:
            raise InputError(f"{name}: not a readable {fmt.upper()} file: {exc}") from None
        records = _first_records(text, delim)
    if not records or not any(cell.strip() for cell in records[0]):
        raise InputError(f"{name}: no header row; the first line must name the columns")
    header_rows, columns, layout = _header(records)
    table = Table(columns=columns, rows=[])
    if header_rows > 1:
        table.notes.append(f"{header_rows} header rows ({layout} export layout)")
    width = len(columns)
    for index, record in enumerate(records[header_rows:], start=header_rows + 1):
        locator = f"row {index}"
        extra = [cell for cell in record[width:] if cell.strip()]
        if extra:
            table.cell_notes.append(
                (locator, f"{len(record)} cells but {width} columns; extra cells ignored")
            )
        table.rows.append((locator, (record + [""] * width)[:width]))
    return table


def _header(records: list[list[str]]) -> tuple[int, list[Column], str]:
    """Recognise multi-row headers: Qualtrics (3 rows, or legacy V1..Vn + 2 rows), SurveyMonkey."""
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


def _columns(first: list[str], second: list[str], pick: Any) -> list[Column]:
    columns: list[Column] = []
    for i, top in enumerate(first):
        sub = second[i].strip() if i < len(second) else ""
        top = top.strip()
        label = pick(top, sub) or top or f"column {i + 1}"
        columns.append(Column(name=label, question=sub or top or label))
    return _unique(columns)


def _monkey_columns(first: list[str], second: list[str]) -> list[Column]:
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
        out.append(Column(name=name, question=col.question, sub=col.sub))
    return out


def _read_json(text: str, name: str) -> Table:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{name}: not valid JSON (line {exc.lineno}: {exc.msg})") from None
    items = data.get("data") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise InputError(f'{name}: expected a list of objects or {{"data": [...]}}')
    return _objects_table([(f"item {i}", item) for i, item in enumerate(items, start=1)], name)


def _read_jsonl(text: str, name: str) -> Table:
    pairs: list[tuple[str, Any]] = []
    bad: list[tuple[str, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            pairs.append((f"line {number}", json.loads(line)))
        except json.JSONDecodeError as exc:
            bad.append((f"line {number}", f"not valid JSON: {exc.msg}"))
    if not pairs and bad:
        raise InputError(f"{name}: no line is valid JSON ({bad[0][0]}: {bad[0][1]})")
    table = _objects_table(pairs, name)
    table.bad_rows.extend(bad)
    return table


def _objects_table(pairs: list[tuple[str, Any]], name: str) -> Table:
    flat: list[tuple[str, dict[str, str]]] = []
    bad: list[tuple[str, str]] = []
    keys: dict[str, None] = {}
    for locator, item in pairs:
        if not isinstance(item, dict):
            bad.append((locator, f"not a JSON object (found {type(item).__name__})"))
            continue
        row = flatten(item)
        keys.update(dict.fromkeys(row))
        flat.append((locator, row))
    if not keys:
        raise InputError(f"{name}: no JSON objects with fields found")
    columns = [Column(name=key, question=key) for key in keys]
    rows = [(loc, [row.get(key, "") for key in keys]) for loc, row in flat]
    return Table(columns=columns, rows=rows, bad_rows=bad)


def flatten(item: dict[str, Any], prefix: str = "") -> dict[str, str]:
    """Flatten nested objects to ``a.b`` keys; lists of scalars become ``"x, y"``."""
    out: dict[str, str] = {}
    for key, value in item.items():
        full = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten(value, f"{full}."))
        elif isinstance(value, list):
            scalars = all(not isinstance(v, dict | list) for v in value)
            out[full] = ", ".join(_cell(v) for v in value) if scalars else json.dumps(value)
        else:
            out[full] = _cell(value)
    return out


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
