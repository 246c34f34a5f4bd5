"""The record table: records stored as Arrow columns read back exactly as they went in."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from personas.ingest.keys import resolve_keys
from personas.ingest.recordtable import RecordTable, RecordTableBuilder
from personas.ingest.result import IngestResult
from personas.models import Record, TextField


def rec(n: int, **values: object) -> Record:
    return Record(
        record_id=f"f.csv#row {n}",
        source="f.csv",
        source_kind="survey",
        locator=f"row {n}",
        **values,
    )


TRICKY = [
    rec(
        2,
        respondent_key="email:zoë@example.com",
        date="2025-03-01",
        texts=(
            TextField(field="Why?", question=None, text="Größe passt 😀 — 很好"),
            TextField(field="Why?", question="", text=""),
            TextField(field="body", question="What did you like?", text='a\nb\t"c"'),
        ),
        rating=4.0,
        nps=0.0,
        amount=-0.0,
        attributes={"region": "3", "age": 3.0, "empty": "", "big": 1e300, "tiny": -5e-324},
        names=("Zoë", ""),
        aliases=("id:customer:7", "id:customer:7"),
        choices={"colours": ("red", ""), "none": ()},
    ),
    rec(3, respondent_key="", date="", texts=(), attributes={}, names=(), choices={}),
    rec(4, respondent_key=None, date=None, rating=None, nps=None, amount=None),
    rec(5, attributes={"z": "last", "a": 1.5, "m": "x"}, choices={"b": ("2",), "a": ("1",)}),
]


def table_of(records: list[Record], batch_size: int) -> RecordTable:
    builder = RecordTableBuilder(batch_size)
    builder.extend(records)
    return builder.finish()


def same(a: Record, b: Record) -> bool:
    """Equal, with the same types and the same order of keys (repr shows both)."""
    return a == b and repr(a) == repr(b)


@pytest.mark.parametrize("batch_size", [1, 2, 3, 100])
def test_tricky_records_round_trip_exactly(batch_size: int) -> None:
    """None vs "", floats vs numeric strings, unicode, empty tuples and key order survive."""
    table = table_of(TRICKY, batch_size)
    assert len(table) == len(TRICKY)
    back = list(table)
    assert all(same(a, b) for a, b in zip(back, TRICKY, strict=True))
    first = back[0]
    assert isinstance(first.attributes["region"], str)
    assert isinstance(first.attributes["age"], float)
    assert first.amount is not None and math.copysign(1.0, first.amount) == -1.0  # -0.0
    assert first.texts[0].question is None and first.texts[1].question == ""
    assert back[1].respondent_key == "" and back[2].respondent_key is None
    assert list(back[3].attributes) == ["z", "a", "m"]
    assert list(back[3].choices) == ["b", "a"]


def test_index_slice_and_lookup_by_id() -> None:
    table = table_of(TRICKY, 2)
    assert same(table[0], TRICKY[0])
    assert same(table[-1], TRICKY[-1])
    assert [r.locator for r in table[1:3]] == ["row 3", "row 4"]
    with pytest.raises(IndexError):
        table[len(TRICKY)]
    by_id = table.by_id()
    assert same(by_id["f.csv#row 4"], TRICKY[2])
    assert table.get("f.csv#row 99") is None
    assert "f.csv#row 2" in by_id and "nope" not in by_id
    assert list(by_id) == [r.record_id for r in TRICKY]


@pytest.mark.parametrize("batch_size", [1, 3])
def test_without_texts_keeps_everything_but_the_words(batch_size: int) -> None:
    """A build's records after prepare: every field, text field and question as before,
    each text empty; the table it came from is untouched. A batch sliced from a bigger
    one (not at offset 0) too."""
    table = table_of(TRICKY, batch_size)
    before = rec(9, texts=(TextField(field="x", question="q", text="words before"),))
    (whole,) = table_of([before, *TRICKY], 100).batches
    sliced = RecordTable([whole.slice(1, 2)])  # its texts start past the first record's
    for source, records in ((table, TRICKY), (sliced, TRICKY[:2])):
        bare = source.without_texts()
        assert len(bare) == len(records)
        for a, b in zip(bare, records, strict=True):
            assert same(a.model_copy(update={"texts": b.texts}), b)
            assert [(t.field, t.question, t.text) for t in a.texts] == [
                (t.field, t.question, "") for t in b.texts
            ]
    assert all(same(a, b) for a, b in zip(table, TRICKY, strict=True))


def test_lookup_by_id_finds_the_last_record_with_it_whatever_the_hashes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Ids are looked up by their hash, then checked: with every hash the same, each id
    still finds its record; an id twice finds the later record, as a dict of ids did."""
    import personas.ingest.recordtable as recordtable

    records = [rec(2), rec(3), rec(4, rating=1.0), rec(4, rating=5.0), rec(5)]
    for collide in (False, True):
        if collide:
            monkeypatch.setattr(recordtable, "hash", lambda value: 7, raising=False)
        table = table_of(records, 2)
        assert [table.get(f"f.csv#row {n}").locator for n in (5, 2, 3, 2)] == [
            "row 5",
            "row 2",
            "row 3",
            "row 2",
        ]
        assert table.get("f.csv#row 4").rating == 5.0
        assert table.get("f.csv#row 99") is None and table.get("") is None


def test_nan_attribute_reads_back_as_nan() -> None:
    (back,) = table_of([rec(2, attributes={"score": float("nan")})], 10)
    value = back.attributes["score"]
    assert isinstance(value, float) and math.isnan(value)


def test_lone_surrogate_becomes_replacement_character() -> None:
    """JSON can carry half a character ("\\ud800"); Arrow needs UTF-8, so it reads as U+FFFD."""
    text = TextField(field="review", text="warm \ud800 boots")
    (back,) = table_of([rec(2, texts=(text,), attributes={"city": "York"})], 10)
    assert back.texts[0].text == "warm \ufffd boots"
    assert back.attributes == {"city": "York"}


def test_builder_replaces_records_already_batched_and_pending() -> None:
    """A later duplicate / line item updates an earlier record, wherever it is stored."""
    builder = RecordTableBuilder(batch_size=2)
    records = [rec(n) for n in range(2, 9)]
    builder.extend(records)
    assert len(builder) == 7 and builder[1] == records[1]
    builder[1] = records[1].model_copy(update={"rating": 5.0})  # in a written batch
    builder[6] = records[6].model_copy(update={"nps": 9.0})  # still pending
    assert builder[1].rating == 5.0
    table = builder.finish()
    assert [r.rating for r in table][:3] == [None, 5.0, None]
    assert table[6].nps == 9.0
    with pytest.raises(IndexError):
        builder[7] = records[0]


@pytest.mark.parametrize("keep", [0, 1, 3, 4, 5])
def test_truncate_drops_a_failed_files_records(keep: int) -> None:
    builder = RecordTableBuilder(batch_size=2)
    builder.extend(rec(n) for n in range(2, 8))
    builder[5] = rec(7, rating=1.0)
    builder.truncate(keep)
    assert len(builder) == keep
    builder.append(rec(50))
    table = builder.finish()
    assert [r.locator for r in table] == [f"row {n}" for n in range(2, 2 + keep)] + ["row 50"]
    assert all(r.rating is None for r in table)


def test_resolve_keys_joins_aliases_across_batches() -> None:
    """The key column is rewritten batch by batch; an alias in a later batch still joins."""
    records = [
        rec(2, respondent_key="id:customer:7"),
        rec(3, respondent_key="id:customer:8"),
        rec(4, respondent_key="row:f.csv#row 4"),
        rec(5, respondent_key="email:a@example.com", aliases=("id:customer:7",)),
        rec(6, respondent_key=None, texts=(TextField(field="t", text="hi"),)),
    ]
    joined = resolve_keys(table_of(records, 2))
    assert [r.respondent_key for r in joined] == [
        "email:a@example.com",
        "id:customer:8",
        "row:f.csv#row 4",
        "email:a@example.com",
        None,
    ]
    assert joined[4].texts == records[4].texts


def test_ingest_result_accepts_a_list() -> None:
    result = IngestResult(records=TRICKY, roles=[], accounts=[])
    assert isinstance(result.records, RecordTable)
    assert list(result.records) == TRICKY


_text = st.text(max_size=12)  # any code point but lone surrogates (Arrow needs UTF-8)
_maybe = st.none() | _text
_number = st.none() | st.floats(allow_nan=False)
_fields = st.builds(TextField, field=_text, question=_maybe, text=_text)
_records = st.builds(
    Record,
    record_id=_text,
    source=_text,
    source_kind=st.sampled_from(["survey", "reviews", "social", "support", "orders"]),
    locator=_text,
    respondent_key=_maybe,
    date=_maybe,
    texts=st.lists(_fields, max_size=3).map(tuple),
    rating=_number,
    nps=_number,
    amount=_number,
    attributes=st.dictionaries(_text, _text | st.floats(allow_nan=False), max_size=4),
    names=st.lists(_text, max_size=3).map(tuple),
    aliases=st.lists(_text, max_size=2).map(tuple),
    choices=st.dictionaries(_text, st.lists(_text, max_size=3).map(tuple), max_size=3),
)


@settings(max_examples=150, deadline=None)
@given(records=st.lists(_records, max_size=12), batch_size=st.integers(1, 5))
def test_any_records_round_trip(records: list[Record], batch_size: int) -> None:
    """Whatever the records hold, the table gives back equal records with the same repr."""
    table = table_of(records, batch_size)
    assert len(table) == len(records)
    assert all(same(a, b) for a, b in zip(table, records, strict=True))
    if records:
        assert same(table[len(records) - 1], records[-1])
