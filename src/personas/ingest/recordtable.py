"""Records kept as Arrow columns, so a million-row export is not a million Python objects.

A :class:`~personas.models.Record` of a review costs about 1.9 KB as pydantic
objects (a dict of attributes, tuples of text fields, one ``str`` per value);
in Arrow columns it is about 290 bytes (``benchmarks/ingest_scale.py``). Ingest therefore appends
records to a :class:`RecordTableBuilder`, which turns every
:data:`BATCH_SIZE` of them into one ``pyarrow.RecordBatch``, and hands the
rest of the pipeline a :class:`RecordTable`: a read-only ``Sequence[Record]``
that builds ``Record`` objects one batch at a time while it is iterated.

Nested fields are stored so that they read back exactly: ``texts``,
``attributes`` and ``choices`` as lists of structs in their original order;
an attribute value as either ``text`` or ``number`` (the other null), so
``"3"`` stays a string and ``3.0`` a float; ``None`` and ``""`` stay apart
because Arrow keeps nulls. Repeated strings (source, kind, text field,
question, attribute keys and values) are dictionary-encoded per batch.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, Protocol, TypeVar, overload

import numpy as np
import pyarrow as pa
from pydantic import BaseModel

from personas.models import Record, TextField

__all__ = ["BATCH_SIZE", "RecordSink", "RecordTable", "RecordTableBuilder"]

BATCH_SIZE = 10_000  # records per Arrow batch: one batch of Records in memory at a time

_DICT = pa.dictionary(pa.int32(), pa.string())
_TEXT = pa.struct([("field", _DICT), ("question", _DICT), ("text", pa.string())])
_ATTRIBUTE = pa.struct([("key", _DICT), ("text", _DICT), ("number", pa.float64())])
_CHOICE = pa.struct([("key", _DICT), ("options", pa.list_(pa.string()))])
SCHEMA = pa.schema(
    [
        ("record_id", pa.string()),
        ("source", _DICT),
        ("source_kind", _DICT),
        ("locator", pa.string()),
        ("respondent_key", pa.string()),
        ("date", _DICT),
        ("texts", pa.list_(_TEXT)),
        ("rating", pa.float64()),
        ("nps", pa.float64()),
        ("amount", pa.float64()),
        ("attributes", pa.list_(_ATTRIBUTE)),
        ("names", pa.list_(pa.string())),
        ("aliases", pa.list_(pa.string())),
        ("choices", pa.list_(_CHOICE)),
    ]
)
_M = TypeVar("_M", bound=BaseModel)


class RecordSink(Protocol):
    """Where a reader puts its records: appended in order, and readable / replaceable by
    position, because duplicate submissions and order line items update a record
    already written."""

    def __len__(self) -> int: ...
    def append(self, record: Record) -> None: ...
    def __getitem__(self, index: int) -> Record: ...
    def __setitem__(self, index: int, record: Record) -> None: ...


def _strings(values: Sequence[str | None], dictionary: bool = False) -> pa.Array:
    try:
        array = pa.array(values, type=pa.string())
    except UnicodeEncodeError:  # a lone surrogate (JSON's "\ud800") is not UTF-8
        array = pa.array([_utf8(v) for v in values], type=pa.string())
    return array.dictionary_encode() if dictionary else array


def _utf8(value: str | None) -> str | None:
    """The value with unpaired surrogates as U+FFFD: Arrow (and every output file) needs
    UTF-8, and half a character carries nothing a person wrote."""
    if value is None:
        return None
    return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def _lists(offsets: list[int], values: pa.Array) -> pa.ListArray:
    return pa.ListArray.from_arrays(pa.array(offsets, type=pa.int32()), values)


def _encode(records: Sequence[Record]) -> pa.RecordBatch:
    """One Arrow batch from records, nested fields flattened into offsets and children."""
    t_off, t_field, t_question, t_text = [0], [], [], []
    a_off, a_key, a_text, a_number = [0], [], [], []
    c_off, c_key, o_off = [0], [], [0]
    n_off, al_off = [0], [0]
    o_value: list[str] = []
    names: list[str] = []
    aliases: list[str] = []
    for r in records:
        for t in r.texts:
            t_field.append(t.field)
            t_question.append(t.question)
            t_text.append(t.text)
        t_off.append(len(t_text))
        for key, value in r.attributes.items():
            a_key.append(key)
            a_text.append(value if isinstance(value, str) else None)
            a_number.append(None if isinstance(value, str) else float(value))
        a_off.append(len(a_key))
        for key, options in r.choices.items():
            c_key.append(key)
            o_value.extend(options)
            o_off.append(len(o_value))
        c_off.append(len(c_key))
        names.extend(r.names)
        n_off.append(len(names))
        aliases.extend(r.aliases)
        al_off.append(len(aliases))
    texts = pa.StructArray.from_arrays(
        [_strings(t_field, True), _strings(t_question, True), _strings(t_text)],
        fields=list(_TEXT),
    )
    attributes = pa.StructArray.from_arrays(
        [_strings(a_key, True), _strings(a_text, True), pa.array(a_number, pa.float64())],
        fields=list(_ATTRIBUTE),
    )
    choices = pa.StructArray.from_arrays(
        [_strings(c_key, True), _lists(o_off, pa.array(o_value, pa.string()))],
        fields=list(_CHOICE),
    )
    columns = [
        _strings([r.record_id for r in records]),
        _strings([r.source for r in records], True),
        _strings([r.source_kind for r in records], True),
        _strings([r.locator for r in records]),
        _strings([r.respondent_key for r in records]),
        _strings([r.date for r in records], True),
        _lists(t_off, texts),
        pa.array([r.rating for r in records], pa.float64()),
        pa.array([r.nps for r in records], pa.float64()),
        pa.array([r.amount for r in records], pa.float64()),
        _lists(a_off, attributes),
        _lists(n_off, pa.array(names, pa.string())),
        _lists(al_off, pa.array(aliases, pa.string())),
        _lists(c_off, choices),
    ]
    return pa.RecordBatch.from_arrays(columns, schema=SCHEMA)


def _spans(column: pa.ListArray) -> tuple[list[int], pa.Array]:
    """A list column's offsets (from 0) and its flattened values, slicing respected."""
    offsets = column.offsets.to_pylist()
    base = offsets[0]
    return [o - base for o in offsets], column.flatten()


def _children(column: pa.ListArray) -> tuple[list[int], list[list[Any]]]:
    offsets, flat = _spans(column)
    return offsets, [_python(child) for child in flat.flatten()]


def _python(array: pa.Array) -> list[Any]:
    """The array's values; a dictionary array's through its dictionary, which is much faster
    than ``to_pylist`` and gives one string object per distinct value."""
    if not pa.types.is_dictionary(array.type):
        return array.to_pylist()
    words = array.dictionary.to_pylist()
    return [None if i is None else words[i] for i in array.indices.to_pylist()]


def _trusted(model: type[_M]) -> Callable[[dict[str, Any]], _M]:
    """A constructor of ``model`` from a dict of already validated values in field order.

    What ``model_construct`` does for a model without aliases or ``model_post_init``,
    less its per-field loop: that loop was most of the time of reading a batch back,
    and the pipeline reads every record several times. Any other model gets
    ``model_construct`` itself.
    """
    fields = set(model.model_fields)
    plain = not model.__pydantic_post_init__ and all(
        f.alias is None and f.validation_alias is None for f in model.model_fields.values()
    )
    if not plain:
        return lambda values: model.model_construct(fields, **values)
    new, put = model.__new__, object.__setattr__

    def build(values: dict[str, Any]) -> _M:
        made = new(model)
        put(made, "__dict__", values)
        put(made, "__pydantic_fields_set__", fields)
        put(made, "__pydantic_extra__", None)
        put(made, "__pydantic_private__", None)
        return made

    return build


_record = _trusted(Record)
_text_field = _trusted(TextField)
_PLAIN = ("record_id", "source", "source_kind", "locator", "respondent_key", "date")
_NUMBERS = ("rating", "nps", "amount")


def _decode(batch: pa.RecordBatch) -> list[Record]:
    """The batch's records, built column by column without re-validation: the values were
    validated when they were first read, and a big file makes a million of these."""
    plain = zip(*(_python(batch.column(name)) for name in _PLAIN), strict=True)
    numbers = zip(*(batch.column(name).to_pylist() for name in _NUMBERS), strict=True)
    t_off, (t_field, t_question, t_text) = _children(batch.column("texts"))
    a_off, (a_key, a_text, a_number) = _children(batch.column("attributes"))
    c_off, (c_key, c_options) = _children(batch.column("choices"))
    n_off, names = _spans(batch.column("names"))
    al_off, aliases = _spans(batch.column("aliases"))
    name_list, alias_list = names.to_pylist(), aliases.to_pylist()
    out: list[Record] = []
    for i, ((rid, source, kind, locator, key, date), (rating, nps, amount)) in enumerate(
        zip(plain, numbers, strict=True)
    ):
        texts = tuple(
            _text_field({"field": t_field[j], "question": t_question[j], "text": t_text[j]})
            for j in range(t_off[i], t_off[i + 1])
        )
        attributes = {
            a_key[j]: a_number[j] if a_text[j] is None else a_text[j]
            for j in range(a_off[i], a_off[i + 1])
        }
        choices = {c_key[j]: tuple(c_options[j]) for j in range(c_off[i], c_off[i + 1])}
        values = {
            "record_id": rid,
            "source": source,
            "source_kind": kind,
            "locator": locator,
            "respondent_key": key,
            "date": date,
            "texts": texts,
            "rating": rating,
            "nps": nps,
            "amount": amount,
            "attributes": attributes,
            "names": tuple(name_list[n_off[i] : n_off[i + 1]]),
            "aliases": tuple(alias_list[al_off[i] : al_off[i + 1]]),
            "choices": choices,
        }
        out.append(_record(values))
    return out


class RecordTable(Sequence[Record]):
    """A read-only sequence of records stored as Arrow batches (see the module docstring).

    Iteration and index access build ``Record`` objects one batch at a time (the last
    batch read is kept, so reading in order or near one position stays cheap);
    :meth:`get` / :meth:`by_id` look records up by id through an index built on first use.
    """

    def __init__(self, batches: Iterable[pa.RecordBatch] = ()) -> None:
        self._batches = [b for b in batches if b.num_rows]
        self._starts: list[int] = []
        total = 0
        for batch in self._batches:
            self._starts.append(total)
            total += batch.num_rows
        self._len = total
        self._index: tuple[np.ndarray, np.ndarray] | None = None  # see ``get``
        self._last: tuple[str, int] | None = None  # the id ``get`` found last, and its row
        self._cached: tuple[int, list[Record]] | None = None

    @classmethod
    def from_records(cls, records: Iterable[Record]) -> RecordTable:
        """A table of ``records`` (a list from a test, a reader that is not streamed)."""
        if isinstance(records, RecordTable):
            return records
        builder = RecordTableBuilder()
        for record in records:
            builder.append(record)
        return builder.finish()

    @property
    def batches(self) -> list[pa.RecordBatch]:
        """The Arrow batches, for consumers that read a few columns without building Records."""
        return list(self._batches)

    def column(self, name: str) -> Iterator[Any]:
        """One field's values as Python objects, in record order, a batch at a time."""
        for batch in self._batches:
            yield from batch.column(name).to_pylist()

    def with_column(self, name: str, chunks: Sequence[pa.Array]) -> RecordTable:
        """A new table with one column replaced (one chunk per batch, same lengths)."""
        at = SCHEMA.get_field_index(name)
        field = SCHEMA.field(at)
        replaced = [
            b.set_column(at, field, chunk) for b, chunk in zip(self._batches, chunks, strict=True)
        ]
        return RecordTable(replaced)

    def without_texts(self) -> RecordTable:
        """A new table whose text fields keep their field and question but not their
        words (each text ``""``): what a build holds once its statements are made, as
        nothing after prepare reads a record's words again. At a million statements
        the words were 60 MB of the table's 115."""
        at = SCHEMA.get_field_index("texts")
        chunks = []
        for batch in self._batches:
            column = batch.column(at)
            fields = column.values  # the whole child: ``column.offsets`` index into it
            empty = pa.repeat(pa.scalar("", pa.string()), len(fields))
            words = pa.StructArray.from_arrays(
                [fields.field("field"), fields.field("question"), empty], fields=list(_TEXT)
            )
            chunks.append(pa.ListArray.from_arrays(column.offsets, words))
        return self.with_column("texts", chunks)

    def __len__(self) -> int:
        return self._len

    def __iter__(self) -> Iterator[Record]:
        for n, batch in enumerate(self._batches):
            cached = self._cached
            yield from cached[1] if cached is not None and cached[0] == n else _decode(batch)

    @overload
    def __getitem__(self, index: int) -> Record: ...
    @overload
    def __getitem__(self, index: slice) -> list[Record]: ...
    def __getitem__(self, index: int | slice) -> Record | list[Record]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._len))]
        if index < 0:
            index += self._len
        if not 0 <= index < self._len:
            raise IndexError(f"record {index} of {self._len}")
        n = bisect.bisect_right(self._starts, index) - 1
        return self._batch(n)[index - self._starts[n]]

    def _batch(self, n: int) -> list[Record]:
        if self._cached is None or self._cached[0] != n:
            self._cached = (n, _decode(self._batches[n]))
        return self._cached[1]

    def get(self, record_id: str, default: Record | None = None) -> Record | None:
        """The record with this id, else ``default`` (the id index is built on first use)."""
        if self._last is not None and self._last[0] == record_id:  # the statements of a
            return self[self._last[1]]  # record are asked for one after another
        if self._index is None:
            self._index = self._hash_index()
        hashes, rows = self._index
        key = hash(record_id)
        at = int(np.searchsorted(hashes, key, "right"))
        while at > 0 and hashes[at - 1] == key:  # the last row with that id
            at -= 1
            record = self[int(rows[at])]
            if record.record_id == record_id:
                self._last = (record_id, int(rows[at]))
                return record
        return default

    def _hash_index(self) -> tuple[np.ndarray, np.ndarray]:
        """Every record id's ``hash`` sorted, and the row of each (equal hashes in row
        order): 12 bytes a record, where a dict of the ids took 130 (34 MB for the
        254,718 records of a million-statement build). ``get`` checks the id itself."""
        hashes = np.fromiter(
            (hash(rid) for rid in self.column("record_id")), dtype=np.int64, count=self._len
        )
        rows = np.argsort(hashes, kind="stable").astype(np.int32)
        return hashes[rows], rows

    def by_id(self) -> Mapping[str, Record]:
        """A read-only ``record_id -> Record`` mapping backed by this table."""
        return _ById(self)

    def __repr__(self) -> str:
        return f"RecordTable({self._len} records in {len(self._batches)} batches)"


class _ById(Mapping[str, Record]):
    def __init__(self, table: RecordTable) -> None:
        self._table = table

    def __getitem__(self, record_id: str) -> Record:
        record = self._table.get(record_id)
        if record is None:
            raise KeyError(record_id)
        return record

    def __iter__(self) -> Iterator[str]:
        return self._table.column("record_id")

    def __len__(self) -> int:
        return len(self._table)


class RecordTableBuilder:
    """Collects records in order; every :data:`BATCH_SIZE` become one Arrow batch.

    A record already written can still be read and replaced by position (a later
    duplicate submission, an order's next line item): replacements of batched records
    are kept aside and folded into their batches by :meth:`finish`.
    """

    def __init__(self, batch_size: int = BATCH_SIZE) -> None:
        self._size = batch_size
        self._batches: list[pa.RecordBatch] = []
        self._written = 0  # records in self._batches
        self._pending: list[Record] = []
        self._replaced: dict[int, Record] = {}
        self._view: RecordTable | None = None  # reads of batched records, last batch kept

    def __len__(self) -> int:
        return self._written + len(self._pending)

    def append(self, record: Record) -> None:
        """Add a record at the end."""
        self._pending.append(record)
        if len(self._pending) >= self._size:
            self._flush()

    def extend(self, records: Iterable[Record]) -> None:
        """Add records at the end, in order."""
        for record in records:
            self.append(record)

    def __getitem__(self, index: int) -> Record:
        if not 0 <= index < len(self):
            raise IndexError(f"record {index} of {len(self)}")
        if index >= self._written:
            return self._pending[index - self._written]
        if index in self._replaced:
            return self._replaced[index]
        if self._view is None:
            self._view = RecordTable(self._batches)
        return self._view[index]

    def __setitem__(self, index: int, record: Record) -> None:
        if not 0 <= index < len(self):
            raise IndexError(f"record {index} of {len(self)}")
        if index >= self._written:
            self._pending[index - self._written] = record
        else:
            self._replaced[index] = record

    def truncate(self, size: int) -> None:
        """Drop every record from position ``size`` on (a file that failed half-way)."""
        if size >= len(self):
            return
        if size >= self._written:
            del self._pending[size - self._written :]
            return
        self._pending = []
        kept: list[pa.RecordBatch] = []
        total = 0
        for batch in self._batches:
            if total < size:
                kept.append(batch.slice(0, min(batch.num_rows, size - total)))
            total += batch.num_rows
        self._batches, self._written, self._view = kept, size, None
        self._replaced = {i: r for i, r in self._replaced.items() if i < size}

    def _flush(self) -> None:
        if self._pending:
            self._batches.append(_encode(self._pending))
            self._written += len(self._pending)
            self._pending, self._view = [], None

    def finish(self) -> RecordTable:
        """The table of every record added, replacements applied."""
        self._flush()
        batches, start = [], 0
        for batch in self._batches:
            end = start + batch.num_rows
            changed = {i - start: r for i, r in self._replaced.items() if start <= i < end}
            if changed:
                records = _decode(batch)
                for i, record in changed.items():
                    records[i] = record
                batch = _encode(records)
            batches.append(batch)
            start = end
        self._replaced = {}
        return RecordTable(batches)
