"""File formats: from the extension, checked against the file's first bytes.

Exports are often saved under the wrong extension: a workbook named ``.csv``,
a tab-separated file named ``.xls`` (many "Export to Excel" buttons write
one), an mbox archive with no extension at all. :func:`sniff_format` reads
the first bytes and returns the format the content has, with a remark when it
differs from the extension, or ``None`` and the reason the file is ignored.
"""

from __future__ import annotations

import re
from pathlib import Path

from personas.models import SourceFormat

FORMATS: dict[str, SourceFormat] = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".txt": "txt",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".eml": "eml",
    ".mbox": "mbox",
    ".mbx": "mbox",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".xls": "xlsx",  # checked below: an old binary workbook, or text under a spreadsheet name
}
SUPPORTED = "csv, tsv, txt, xlsx, json, jsonl, parquet, eml, mbox"
_MAGIC: tuple[tuple[bytes, SourceFormat, str], ...] = (
    (b"PK\x03\x04", "xlsx", "an XLSX workbook"),
    (b"PAR1", "parquet", "a Parquet file"),
    (b"From ", "mbox", "an mbox mail archive"),
)
_MBOX_FROM = re.compile(rb"From \S+ +\S.*\d\d:\d\d")  # "From a@b.c Mon Jan  5 08:40:13 2026"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_UNSUPPORTED = {
    ".ods": "an OpenDocument spreadsheet; save it as .xlsx or CSV to include it",
    ".numbers": "a Numbers spreadsheet; export it as .xlsx or CSV to include it",
}


def sniff_format(path: Path, by_extension: SourceFormat | None) -> tuple[SourceFormat | None, str]:
    """(format, remark) for a file: remark is ``""`` when the extension is right."""
    suffix = path.suffix.lower()
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError as exc:
        return None, f"cannot read the file: {exc.strerror}"
    if suffix in _UNSUPPORTED:
        return None, f"unsupported file type {suffix}: {_UNSUPPORTED[suffix]}"
    if head.startswith(_OLE):
        return None, (
            f"unsupported file type {suffix or '(no extension)'}: an old Excel 97-2003 workbook; "
            "save it as .xlsx or CSV to include it"
        )
    for magic, fmt, what in _MAGIC:
        if not head.startswith(magic) or by_extension == fmt:
            continue
        if fmt == "mbox" and not _MBOX_FROM.match(head.split(b"\n", 1)[0]):
            continue
        if by_extension is None and fmt != "mbox":
            continue
        return fmt, f"{_ext(suffix)} but the content is {what}; read as that"
    if by_extension in ("xlsx", "parquet") and head and _texty(head):
        return "csv", f"{_ext(suffix)} but the content is delimited text; read as CSV"
    if by_extension == "txt":
        return ("txt", "") if _tabular_text(head) else (None, "unsupported file type .txt")
    if by_extension is None:
        return None, f"unsupported file type {suffix or '(no extension)'}"
    return by_extension, ""


def _ext(suffix: str) -> str:
    return f"the file has a {suffix} extension" if suffix else "the file has no extension"


def _texty(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return True
    sample = head[:2048]
    return b"\x00" not in sample and sum(b < 9 for b in sample) == 0


def _tabular_text(head: bytes) -> bool:
    """Excel "Unicode text" (UTF-16, tab-separated) or other tab-separated text."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    lines = head.split(b"\n")[:5]
    return len(lines) >= 2 and all(line.count(b"\t") >= 1 for line in lines[:2])
