"""Text encodings: how the bytes of an export become text.

Exports arrive as UTF-8 with or without a byte-order mark, UTF-16 (Excel's
"Unicode text"), or a legacy single-byte code page (cp1252 / latin-1 from
older Excel and Windows tools). :func:`detect_encoding` decides once per file
from its byte-order mark, a UTF-8 check, and charset-normalizer's best guess
for anything else; the note it returns tells the user what was assumed.

:func:`decode` is for files read whole (JSON, e-mail bodies); big delimited
files are opened with :func:`open_text` and streamed.
"""

from __future__ import annotations

import codecs
import io
from pathlib import Path
from typing import IO

from personas.errors import InputError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CHUNK = 1 << 20
_LEGACY = ("cp1252", "latin-1")
_TEXT_CONTROL = {9, 10, 12, 13, 27}


def detect_encoding(head: bytes, name: str, rest_is_utf8: bool = True) -> tuple[str, str | None]:
    """(Python codec, note for the user) for a file that starts with ``head``.

    ``rest_is_utf8`` is False when the whole file was checked and is not UTF-8.
    """
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding, ("UTF-16 text (Excel Unicode text)" if "16" in encoding else None)
    utf16 = _bomless_utf16(head)
    if utf16:
        return utf16, "UTF-16 text without a byte-order mark"
    if _binary(head):
        raise InputError(f"{name}: looks like a binary file, not text; export it as CSV")
    if rest_is_utf8 and _is_utf8(head):
        return "utf-8", None
    guess = _guess(head)
    return guess, f"not UTF-8; read as {guess} (check accented characters)"


def decode(data: bytes, name: str) -> tuple[str, str | None]:
    """Decode a whole file; return (text, note about the encoding or ``None``)."""
    if not data.strip():
        raise InputError(f"{name}: the file is empty")
    encoding, note = detect_encoding(data[:_CHUNK], name, _is_utf8(data, final=True))
    try:
        return data.decode(encoding), note
    except UnicodeDecodeError:
        return data.decode(encoding, errors="replace"), (
            f"{note or encoding}; some bytes could not be decoded and were replaced"
        )


def open_text(path: Path, name: str) -> tuple[io.TextIOWrapper, str | None]:
    """Open a file as text for streaming, with the encoding decided by a pass over its bytes."""
    try:
        with path.open("rb") as handle:
            head = handle.read(_CHUNK)
            utf8 = _stream_is_utf8(head, handle)
    except OSError as exc:
        raise InputError(f"{name}: cannot read the file: {exc.strerror}") from None
    if not head:
        raise InputError(f"{name}: the file is empty")
    encoding, note = detect_encoding(head, name, utf8)
    raw = path.open("rb")
    return io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline=""), note


def _stream_is_utf8(head: bytes, handle: IO[bytes]) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(head)
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _is_utf8(data: bytes, final: bool = False) -> bool:
    try:
        codecs.getincrementaldecoder("utf-8")().decode(data, final=final)
    except UnicodeDecodeError:
        return False
    return True


def _bomless_utf16(head: bytes) -> str | None:
    sample = head[:4096]
    if len(sample) < 8:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) >= 0.4 * len(odd) and even.count(0) == 0:
        return "utf-16-le"
    if even.count(0) >= 0.4 * len(even) and odd.count(0) == 0:
        return "utf-16-be"
    return None


def _binary(head: bytes) -> bool:
    sample = head[:8192]
    if b"\x00" in sample:
        return True
    control = sum(1 for b in sample if b < 32 and b not in _TEXT_CONTROL)
    return bool(sample) and control > 0.1 * len(sample)


def _guess(head: bytes) -> str:
    """A legacy code page: cp1252 for Latin text, else charset-normalizer's guess (e.g. cp1251).

    charset-normalizer tells scripts apart well but often picks the wrong Latin
    code page for short Western text (cp1250 for French), so Latin text stays cp1252.
    """
    from charset_normalizer import from_bytes

    best = from_bytes(head[:65536]).best()
    guess = best.encoding.replace("_", "-") if best is not None else None
    if guess and guess not in ("utf-8", "ascii") and _non_latin(head, guess):
        return guess
    try:
        head.decode("cp1252")
    except UnicodeDecodeError:
        return "latin-1"
    return "cp1252"


def _non_latin(head: bytes, encoding: str) -> bool:
    try:
        text = head.decode(encoding, errors="ignore")
    except LookupError:
        return False
    letters = [ch for ch in text if ch.isalpha() and ord(ch) > 0x24F]
    return len(letters) >= 3
