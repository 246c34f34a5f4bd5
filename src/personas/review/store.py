"""Read and write the ``[review]`` section of ``personas.toml``, and its history.

The rest of the file (the user's settings and comments) is kept byte for byte: only
the ``[review]`` and ``[[review.edits]]`` tables are rewritten, at the end of the
file. Every change is

- made under a lock (a hidden lock file beside the config), reading the file afresh,
  so two browser tabs saving at once both keep their edit;
- checked by parsing the new text back before it replaces the old one;
- written atomically (a temporary file renamed over the old one);
- appended to ``personas.review-history.jsonl`` with the whole list of edits after
  it, so every earlier version can be read back.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import tempfile
import threading
import tomllib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from personas.config import CONFIG_NAME, REVIEW_HISTORY_NAME
from personas.errors import ConfigError
from personas.review.edits import Edit, Review

_HEADER = re.compile(r"^\s*\[\[?\s*([^\]\s]+)\s*\]\]?\s*(?:#.*)?$")
_EDIT = TypeAdapter(Edit)
_THREAD_LOCK = threading.Lock()
PREAMBLE = (
    "# Reviewed edits from `personas review`; `personas build` applies them in order.\n"
    "# Every earlier version: personas.review-history.jsonl beside this file.\n"
)


def now() -> str:
    """The current time, UTC, to the second (ISO 8601)."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def toml_value(value: Any) -> str:
    """One TOML value: strings as basic strings (JSON escapes are valid TOML), numbers,
    booleans, arrays and inline tables."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def review_block(review: Review) -> str:
    """The ``[review]`` section as TOML: one ``[[review.edits]]`` table per edit."""
    out = ["[review]\n", PREAMBLE]
    for edit in review.edits:
        out.append("\n[[review.edits]]\n")
        data = edit.model_dump(mode="json")
        tail = ["who", "when", "why"]
        order = ["id", "action"] + [k for k in data if k not in ("id", "action", *tail)] + tail
        out += [f"{key} = {toml_value(data[key])}\n" for key in order]
    return "".join(out)


def _without_review(text: str) -> str:
    """``text`` with every ``[review]`` / ``[review.*]`` / ``[[review.*]]`` table removed."""
    kept: list[str] = []
    skipping = False
    for line in text.splitlines(keepends=True):
        match = _HEADER.match(line)
        if match:
            name = match.group(1).strip("\"'")
            skipping = name == "review" or name.startswith("review.")
        if not skipping:
            kept.append(line)
    return "".join(kept)


def replace_review(text: str, review: Review) -> str:
    """The config text with its review section replaced by ``review``."""
    rest = _without_review(text).rstrip("\n")
    return (rest + "\n\n" if rest else "") + review_block(review)


def parse(text: str, path: Path) -> tuple[dict[str, Any], Review]:
    """The whole TOML document and its review section."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    try:
        review = Review.model_validate(data.get("review", {}))
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"{path}: key 'review.{key}': {first['msg']}") from None
    return data, review


class ReviewStore:
    """The review section of one config file (``INPUT/personas.toml`` by default)."""

    def __init__(self, config_path: Path) -> None:
        self.path = Path(config_path)
        self.history = self.path.with_name(REVIEW_HISTORY_NAME)
        self.lock_path = self.path.with_name(f".{self.path.name}.lock")

    @classmethod
    def for_input(cls, input_dir: Path) -> ReviewStore:
        return cls(Path(input_dir) / CONFIG_NAME)

    def read(self) -> Review:
        """The edits in the file now (none when there is no file)."""
        if not self.path.is_file():
            return Review()
        return parse(self.path.read_text(encoding="utf-8"), self.path)[1]

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """The store to oneself: other threads wait on the lock, other processes on flock.
        A folder that cannot be written to is one clear ConfigError."""
        with _THREAD_LOCK:
            try:
                handle = self.lock_path.open("a")
            except OSError as exc:
                raise ConfigError(f"{self.path}: cannot save the review: {exc.strerror}") from None
            with handle:
                fcntl.flock(handle, fcntl.LOCK_EX)
                try:
                    yield
                except OSError as exc:
                    raise ConfigError(
                        f"{self.path}: cannot save the review: {exc.strerror}"
                    ) from None
                finally:
                    fcntl.flock(handle, fcntl.LOCK_UN)

    def add(self, edit: Any, who: str) -> Any:
        """Append ``edit`` (its id, who and when filled in); return it as saved."""
        with self._locked():
            text, review = self._current()
            number = max((e.id for e in review.edits), default=0) + 1
            saved = _EDIT.validate_python(
                {**edit.model_dump(mode="json"), "id": number, "who": who, "when": now()}
            )
            review = Review(edits=[*review.edits, saved])
            self._write(text, review, {"change": "add", "edit": number, "who": who})
        return saved

    def revoke(self, number: int, who: str) -> Review:
        """Remove edit ``number`` (the history keeps it); KeyError when there is none."""
        with self._locked():
            text, review = self._current()
            if not any(e.id == number for e in review.edits):
                raise KeyError(number)
            review = Review(edits=[e for e in review.edits if e.id != number])
            self._write(text, review, {"change": "revoke", "edit": number, "who": who})
        return review

    def _current(self) -> tuple[str, Review]:
        text = self.path.read_text(encoding="utf-8") if self.path.is_file() else ""
        return text, parse(text, self.path)[1]

    def _write(self, old: str, review: Review, event: dict[str, Any]) -> None:
        new = replace_review(old, review)
        before = parse(old, self.path)[0]
        after, check = parse(new, self.path)
        before.pop("review", None)
        after.pop("review", None)
        if before != after or check != review:
            raise ConfigError(
                f"{self.path}: the review section cannot be rewritten without changing "
                "other settings; move [review] to the end of the file"
            )
        _atomic_write(self.path, new)
        line = {"at": now(), **event, "edits": [e.model_dump(mode="json") for e in review.edits]}
        with self.history.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n")


def _atomic_write(path: Path, text: str) -> None:
    """Write ``text`` to a hidden temporary file beside ``path`` and rename it over ``path``."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
