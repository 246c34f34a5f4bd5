"""The build's statements in columns: what a million of them cost the driver.

A ``Statement`` object with its strings came to 0.4 to 0.65 KB; a million-statement
build held 0.66 GB of them from prepare to the documents, where every stage after
prepare needs only a few of their fields at a time. ``StatementTable`` keeps them as
columns instead (0.14 KB a statement: 135 MiB for the million):

- the texts and statement ids in one UTF-8 buffer each, with end offsets;
- what a statement shares with the other statements of its answer (record, source,
  locator, respondent, field, question) once per answer, in columns too;
- kind, confidence, sentiment, signals and theme as small numbers (the signal
  lists and theme ids once each).

It is a ``Sequence[Statement]``: indexing and iterating give ``Statement`` objects,
made when asked for and equal to the ones put in, so the stages read it as they read
a list. They are copies: the stages that set a statement's kind or theme set the
table's columns (``set_column``) instead.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TypeVar, overload

import numpy as np

from personas.models import STATEMENT_KINDS as KINDS
from personas.models import Statement, StatementKind

# the fields of one answer, shared by its statements (``Statement`` field names)
ORIGIN = ("record_id", "source", "source_kind", "locator", "respondent_key", "field", "question")
SETTABLE = ("kind", "kind_confidence", "kind_signals", "sentiment", "theme_id")


T = TypeVar("T")


class _Made(Sequence[T]):
    """A sequence whose items are made when asked for (``_item``): a slice gives a
    list, a negative index counts from the end, numpy integers index too."""

    __slots__ = ()

    @overload
    def __getitem__(self, i: int) -> T: ...
    @overload
    def __getitem__(self, i: slice) -> list[T]: ...
    def __getitem__(self, i: int | slice) -> T | list[T]:
        n = len(self)
        if isinstance(i, slice):
            return [self._item(j) for j in range(*i.indices(n))]
        j = int(i) + n if i < 0 else int(i)
        if not 0 <= j < n:
            raise IndexError(f"index {i} out of range for {n} items")
        return self._item(j)

    def _item(self, i: int) -> T:
        raise NotImplementedError


class Strings(_Made[str]):
    """Many strings in one UTF-8 buffer and the end offset of each."""

    __slots__ = ("_data", "_ends")

    def __init__(self, values: Iterable[str] = ()) -> None:
        self._data = bytearray()
        self._ends = array("q")
        for value in values:
            self.append(value)

    def append(self, value: str) -> None:
        self._data += value.encode("utf-8", "surrogatepass")
        self._ends.append(len(self._data))

    def __len__(self) -> int:
        return len(self._ends)

    def _item(self, i: int) -> str:
        start = self._ends[i - 1] if i > 0 else 0
        return self._data[start : self._ends[i]].decode("utf-8", "surrogatepass")

    def __iter__(self) -> Iterator[str]:
        data, start = self._data, 0
        for end in self._ends:
            yield data[start:end].decode("utf-8", "surrogatepass")
            start = end


class Picked(_Made[str]):
    """The strings at positions ``idx`` of ``strings``, read when asked for."""

    def __init__(self, strings: Sequence[str], idx: Sequence[int] | np.ndarray) -> None:
        self._strings, self._idx = strings, idx

    def __len__(self) -> int:
        return len(self._idx)

    def _item(self, i: int) -> str:
        return self._strings[self._idx[i]]

    def __iter__(self) -> Iterator[str]:
        return (self._strings[j] for j in self._idx)


def texts_of(statements: Sequence[Statement]) -> Sequence[str]:
    """The statements' texts: a table's own column (nothing made), else a list."""
    if isinstance(statements, StatementTable):
        return statements.texts()
    return [s.text for s in statements]


def ids_of(statements: Sequence[Statement]) -> Sequence[str]:
    """The statements' ids: a table's own column (nothing made), else a list."""
    if isinstance(statements, StatementTable):
        return statements.ids()
    return [s.statement_id for s in statements]


def same_strings(a: Sequence[str], b: Sequence[str]) -> bool:
    """Whether two sequences hold the same strings in the same order (two ``Strings``
    compare their buffers, nothing decoded)."""
    if isinstance(a, Strings) and isinstance(b, Strings):
        return a is b or (a._ends == b._ends and a._data == b._data)
    return len(a) == len(b) and all(x == y for x, y in zip(a, b, strict=True))


class _Numbered:
    """Distinct values, each once, known by their number."""

    __slots__ = ("_index", "values")

    def __init__(self) -> None:
        self.values: list[Any] = []
        self._index: dict[Any, int] = {}

    def number(self, value: Any) -> int:
        found = self._index.get(value)
        if found is None:
            found = self._index[value] = len(self.values)
            self.values.append(value)
        return found

    def __getstate__(self) -> list[Any]:
        return self.values

    def __setstate__(self, values: list[Any]) -> None:
        self.values = values
        self._index = {v: i for i, v in enumerate(values)}


class _Origins:
    """The ``ORIGIN`` fields of each answer, in columns: the ids, locators and
    respondent keys (distinct for nearly every answer) in buffers, the rest (a few
    sources, kinds, fields and questions) by number. A statement's answer is a new row
    unless it is the previous statement's: a build's statements come answer by answer.
    Tuples of strings taken from each record cost 0.3 KB an answer and pinned the
    memory they were made in."""

    def __init__(self) -> None:
        self._record_ids, self._locators, self._respondents = Strings(), Strings(), Strings()
        self._anonymous = bytearray()  # 1: no respondent key
        self._few = _Numbered()  # (source, source_kind, field, question) tuples
        self._of = array("i")
        self._last: tuple[Any, ...] | None = None

    def number(self, origin: tuple[Any, ...]) -> int:
        """The row of ``origin``: the last one again, or a new one."""
        if origin == self._last:
            return len(self._of) - 1
        record_id, source, source_kind, locator, respondent_key, field, question = origin
        self._record_ids.append(record_id)
        self._locators.append(locator)
        self._respondents.append(respondent_key or "")
        self._anonymous.append(respondent_key is None)
        self._of.append(self._few.number((source, source_kind, field, question)))
        self._last = origin
        return len(self._of) - 1

    def __getitem__(self, row: int) -> tuple[Any, ...]:
        source, source_kind, field, question = self._few.values[self._of[row]]
        respondent = None if self._anonymous[row] else self._respondents[row]
        return (
            self._record_ids[row],
            source,
            source_kind,
            self._locators[row],
            respondent,
            field,
            question,
        )

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in vars(self).items() if k != "_last"}

    def __setstate__(self, state: dict[str, Any]) -> None:
        vars(self).update(state)
        self._last = None


class StatementTable(_Made[Statement]):
    """Statements in columns (see the module docstring)."""

    def __init__(self, statements: Iterable[Statement] = ()) -> None:
        self._ids = Strings()
        self._texts = Strings()
        self._origins = _Origins()
        self._origin = array("i")  # each statement's answer: a row of ``_origins``
        self._kind = array("b")
        self._confidence = array("d")
        self._signal_sets = _Numbered()  # tuples of signal notes
        self._signals = array("i")
        self._sentiment = array("d")
        self._theme_ids = _Numbered()  # theme id strings
        self._theme = array("i")  # -1: no theme
        for statement in statements:
            self.append(statement)

    def append(self, s: Statement) -> None:
        self._ids.append(s.statement_id)
        self._texts.append(s.text)
        self._origin.append(self._origins.number(tuple(getattr(s, f) for f in ORIGIN)))
        self._kind.append(KINDS.index(s.kind))
        self._confidence.append(s.kind_confidence)
        self._signals.append(self._signal_sets.number(tuple(s.kind_signals)))
        self._sentiment.append(s.sentiment)
        self._theme.append(-1 if s.theme_id is None else self._theme_ids.number(s.theme_id))

    def __len__(self) -> int:
        return len(self._ids)

    def _item(self, i: int) -> Statement:
        return self._make(i, self._ids[i], self._texts[i])

    def __iter__(self) -> Iterator[Statement]:
        for i, (sid, text) in enumerate(zip(self._ids, self._texts, strict=True)):
            yield self._make(i, sid, text)

    def _make(self, i: int, sid: str, text: str) -> Statement:
        record_id, source, source_kind, locator, respondent_key, field, question = self._origins[
            self._origin[i]
        ]
        theme = self._theme[i]
        return Statement(
            statement_id=sid,
            record_id=record_id,
            source=source,
            source_kind=source_kind,
            locator=locator,
            respondent_key=respondent_key,
            field=field,
            question=question,
            text=text,
            kind=KINDS[self._kind[i]],
            kind_confidence=self._confidence[i],
            kind_signals=self._signal_sets.values[self._signals[i]],
            sentiment=self._sentiment[i],
            theme_id=None if theme < 0 else self._theme_ids.values[theme],
        )

    def ids(self) -> Strings:
        """Every statement's id, in order (a view: nothing is copied)."""
        return self._ids

    def texts(self) -> Strings:
        """Every statement's text, in order (a view: nothing is copied)."""
        return self._texts

    def kinds(self) -> list[StatementKind]:
        """Every statement's kind, in order."""
        return [KINDS[k] for k in self._kind]

    def set_column(self, name: str, values: Sequence[Any]) -> None:
        """Set one of the ``SETTABLE`` fields of every statement, in order."""
        if len(values) != len(self):
            raise ValueError(f"{len(values)} values for {len(self)} statements")
        if name == "kind":
            self._kind = array("b", (KINDS.index(v) for v in values))
        elif name == "kind_confidence":
            self._confidence = array("d", values)
        elif name == "sentiment":
            self._sentiment = array("d", values)
        elif name == "kind_signals":
            self._signals = array("i", (self._signal_sets.number(tuple(v)) for v in values))
        elif name == "theme_id":
            self._theme = array(
                "i", (-1 if v is None else self._theme_ids.number(v) for v in values)
            )
        else:
            raise ValueError(f"{name} is not one of {', '.join(SETTABLE)}")

    def __eq__(self, other: object) -> bool:
        """Equal to any sequence of the same statements in the same order."""
        if not isinstance(other, Sequence) or isinstance(other, str):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]  # mutable, compared by value

    def __repr__(self) -> str:
        return f"StatementTable({len(self)} statements)"


class RowIndex:
    """Each id's position in ``ids``, for many ids: the ids, encoded, in one sorted array
    (a dict of a million statement ids came to 0.1 GB)."""

    def __init__(self, ids: Sequence[str]) -> None:
        width = max((len(i.encode("utf-8", "surrogatepass")) for i in ids), default=1)
        keys = np.fromiter(
            (i.encode("utf-8", "surrogatepass") for i in ids), dtype=f"S{width}", count=len(ids)
        )
        self._order = np.argsort(keys, kind="stable")
        self._keys = keys[self._order]

    def get(self, key: str) -> int | None:
        """The position of ``key``, or None."""
        encoded = key.encode("utf-8", "surrogatepass")
        j = int(np.searchsorted(self._keys, encoded))
        if j < len(self._keys) and self._keys[j] == encoded:
            return int(self._order[j])
        return None

    def __getitem__(self, key: str) -> int:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found


def with_rows(
    statements: Sequence[Statement], ids: Sequence[str]
) -> Iterator[tuple[Statement, int]]:
    """Each statement with its row in ``ids`` (an ``Embeddings``' ids): its own position
    when ``statements`` is the table the ids came from, else looked up."""
    if isinstance(statements, StatementTable) and same_strings(statements.ids(), ids):
        yield from ((s, i) for i, s in enumerate(statements))
        return
    index = RowIndex(ids)
    for s in statements:
        yield s, index[s.statement_id]
