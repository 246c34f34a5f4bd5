"""The build's statements in columns: a sequence that gives back the statements put in."""

from __future__ import annotations

import pickle

import pytest

from personas.models import Statement
from personas.understand.statementtable import (
    RowIndex,
    StatementTable,
    Strings,
    same_strings,
    with_rows,
)

SIGNALS = ("rating 1", "complaint wording")


def _statements() -> list[Statement]:
    """Two answers' statements: shared origins, every settable field varied, a lone
    surrogate and non-ASCII text, no respondent, a question, a theme and none."""
    out = []
    for n, text in enumerate(["The zip broke.", "Café staff were lovely ☕", "odd \udc80 byte"]):
        out.append(
            Statement(
                statement_id=f"s-{n:012x}",
                record_id="r.csv#row 2" if n < 2 else "s.csv#row 9",
                source="r.csv" if n < 2 else "s.csv",
                source_kind="reviews" if n < 2 else "survey",
                locator="row 2" if n < 2 else "row 9",
                respondent_key=None if n < 2 else "email:x",
                field="text" if n < 2 else "Q3",
                question=None if n < 2 else "What frustrates you?",
                text=text,
                kind=("pain", "motivation", "other")[n],
                kind_confidence=(0.91, 0.5, 0.0)[n],
                kind_signals=(
                    ("rating 1", "complaint wording"),
                    (),
                    ("rating 1", "complaint wording"),
                )[n],
                sentiment=(-0.4767, 0.6, -0.0)[n],
                theme_id=("pain-01", None, "pain-01")[n],
            )
        )
    return out


def test_the_table_gives_back_the_statements_put_in() -> None:
    """Indexing, negative indexing, slices and iteration give equal statements; the
    ids and texts columns are the statements' own; equality with a list and a pickle
    round trip (the prepare child sends its table to the build)."""
    given = _statements()
    table = StatementTable(given)
    assert len(table) == 3 and list(table) == given and table == given
    assert table[1] == given[1] and table[-1] == given[2] and table[1:] == given[1:]
    assert str(table[2].sentiment) == "-0.0"  # the sign of a zero is kept
    assert list(table.ids()) == [s.statement_id for s in given]
    assert list(table.texts()) == [s.text for s in given] and table.texts()[-1] == given[2].text
    assert table.kinds() == ["pain", "motivation", "other"]
    assert pickle.loads(pickle.dumps(table)) == given
    with pytest.raises(IndexError):
        table[3]
    assert StatementTable() == [] and not StatementTable()
    again = [*given, given[0]]  # an answer met again after another: still the same fields
    assert StatementTable(again) == again


def test_settable_columns_change_every_statement() -> None:
    """Classification and themes set whole columns; other fields cannot be set, and a
    column of the wrong length is refused."""
    table = StatementTable(_statements())
    table.set_column("kind", ["goal", "goal", "pain"])
    table.set_column("kind_confidence", [0.7, 0.8, 0.9])
    table.set_column("kind_signals", [("goal wording",), (), ("goal wording",)])
    table.set_column("sentiment", [0.1, 0.2, 0.3])
    table.set_column("theme_id", [None, "goal-02", "goal-02"])
    first, second = table[0], table[1]
    assert (first.kind, first.kind_confidence, first.kind_signals) == (
        "goal",
        0.7,
        ("goal wording",),
    )
    assert (first.sentiment, first.theme_id, second.theme_id) == (0.1, None, "goal-02")
    assert first.text == "The zip broke." and first.record_id == "r.csv#row 2"
    with pytest.raises(ValueError, match="not one of"):
        table.set_column("text", ["a", "b", "c"])
    with pytest.raises(ValueError, match="2 values for 3"):
        table.set_column("kind", ["pain", "pain"])


def test_strings_compare_by_their_buffers() -> None:
    """Two string columns with the same strings are the same; a list compares by value."""
    a, b = Strings(["x", "yz", ""]), Strings(["x", "yz", ""])
    assert (
        same_strings(a, b) and same_strings(a, ["x", "yz", ""]) and same_strings(a, ("x", "yz", ""))
    )
    assert not same_strings(a, Strings(["x", "y", "z"])) and not same_strings(a, ["x", "yz"])
    assert a[1:] == ["yz", ""] and len(a) == 3


def test_rows_are_found_by_id_or_by_position() -> None:
    """The row index finds every id (non-ASCII too) and refuses an unknown one; a table
    aligned with the ids gives its own positions, anything else is looked up."""
    ids = ["s-b", "s-a", "café-3", "s-c"]
    index = RowIndex(ids)
    assert [index[i] for i in ids] == [0, 1, 2, 3] and index.get("s-z") is None
    with pytest.raises(KeyError):
        index["s-"]
    given = _statements()
    table = StatementTable(given)
    shuffled = [table.ids()[2], table.ids()[0], table.ids()[1]]
    assert [r for _, r in with_rows(table, table.ids())] == [0, 1, 2]
    assert [r for _, r in with_rows(table, shuffled)] == [1, 2, 0]
    assert list(with_rows(given, shuffled)) == list(zip(given, [1, 2, 0], strict=True))


def test_indexes_out_of_range_are_refused_both_ways() -> None:
    """A negative index past the start is an IndexError, as for a list, not a wrap."""
    strings, table = Strings(["a", "b"]), StatementTable(_statements())
    assert strings[-2] == "a" and table[-3] == _statements()[0]
    for seq, n in ((strings, 2), (table, 3)):
        for bad in (n, -n - 1):
            with pytest.raises(IndexError):
                seq[bad]
