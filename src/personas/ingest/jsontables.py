"""JSON and JSONL tables: a list of objects (or ``{"data": [...]}``) becomes a table.

Nested objects are flattened to ``a.b`` columns; a list of plain values is a
multi-select answer, written as its items joined with ``", "``. Locators are
``item N`` (position in the JSON list) and ``line N`` (JSONL line).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from personas.errors import InputError
from personas.ingest.encoding import decode
from personas.ingest.tables import Column, Table, cell_text

_LIST_KEYS = ("data", "results", "items", "records", "rows", "responses", "reviews", "orders")


def load_json(path: Path, name: str) -> Any:
    """Parse a JSON file; ``InputError`` naming the line of the first mistake."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{name}: cannot read the file: {exc.strerror}") from None
    text, _ = decode(data, name)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        start = text.lstrip()[:1]
        hint = "" if start in ("[", "{") else "; it looks like delimited text: rename it to .csv"
        raise InputError(f"{name}: not valid JSON (line {exc.lineno}: {exc.msg}){hint}") from None
    except RecursionError:
        raise InputError(f"{name}: JSON nested too deeply to read") from None


def read_json(path: Path, name: str, limit: int | None = None) -> list[Table]:
    """A JSON list of objects, or an object holding one under a key such as ``data``."""
    data = load_json(path, name)
    items = object_list(data)
    if items is None:
        raise InputError(f'{name}: expected a list of objects or {{"data": [...]}}')
    items = items[:limit] if limit else items
    return [_objects_table([(f"item {i}", item) for i, item in enumerate(items, start=1)], name)]


def object_list(data: Any) -> list[Any] | None:
    """The list of items in parsed JSON: the value itself, or under a well-known key."""
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        for key in _LIST_KEYS:
            if isinstance(data.get(key), list):
                return data[key]
        lists = [v for v in data.values() if isinstance(v, list) and v]
        if len(lists) == 1:
            return lists[0]
    return None


def read_jsonl(path: Path, name: str, limit: int | None = None) -> list[Table]:
    """One JSON object per line; lines that are not valid JSON are skipped with a reason."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{name}: cannot read the file: {exc.strerror}") from None
    text, note = decode(data, name)
    pairs: list[tuple[str, Any]] = []
    bad: list[tuple[str, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        if limit and len(pairs) >= limit:
            break
        try:
            pairs.append((f"line {number}", json.loads(line)))
        except json.JSONDecodeError as exc:
            bad.append((f"line {number}", f"not valid JSON: {exc.msg}"))
        except RecursionError:
            bad.append((f"line {number}", "JSON nested too deeply to read"))
    if not pairs and bad:
        raise InputError(f"{name}: no line is valid JSON ({bad[0][0]}: {bad[0][1]})")
    table = _objects_table(pairs, name)
    table.bad_rows.extend(bad)
    if note:
        table.notes.append(note)
    return [table]


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


def flatten(item: dict[str, Any], prefix: str = "", depth: int = 0) -> dict[str, str]:
    """Flatten nested objects to ``a.b`` keys; lists of scalars become ``"x, y"``."""
    out: dict[str, str] = {}
    for key, value in item.items():
        full = f"{prefix}{key}"
        if isinstance(value, dict) and depth < 5:
            out.update(flatten(value, f"{full}.", depth + 1))
        elif isinstance(value, list):
            scalars = all(not isinstance(v, dict | list) for v in value)
            out[full] = ", ".join(cell_text(v) for v in value) if scalars else json.dumps(value)
        elif isinstance(value, dict):
            out[full] = json.dumps(value)
        else:
            out[full] = cell_text(value)
    return out
