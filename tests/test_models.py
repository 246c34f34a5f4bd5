"""The build's bulk objects (statements, respondents): plain slotted classes that keep
the pydantic methods the code used."""

from __future__ import annotations

import pickle

import pytest

from personas.models import Respondent, Statement


def _respondent() -> Respondent:
    return Respondent(
        key="row:r.csv#row 2",
        identified=False,
        sources=["r.csv"],
        record_ids=["r.csv#row 2"],
        attributes={"age": 31.0, "region": "Leeds"},
        rating=4.0,
    )


def _statement() -> Statement:
    return Statement(
        statement_id="r.csv#row 2:text:0",
        record_id="r.csv#row 2",
        source="r.csv",
        source_kind="reviews",
        locator="row 2",
        respondent_key=None,
        field="text",
        text="The zip broke.",
    )


@pytest.mark.parametrize("make", [_respondent, _statement])
def test_slotted_objects_copy_compare_and_pickle(make) -> None:  # type: ignore[no-untyped-def]
    """No instance dict (the point: memory), equality by value, a copy with updates,
    a pickle round trip (to the prepare child and Ray), unknown fields refused."""
    one = make()
    assert not hasattr(one, "__dict__")
    assert one == make() and one is not make()
    assert pickle.loads(pickle.dumps(one)) == one
    first = one.__slots__[0]
    changed = one.model_copy(update={first: "other"})
    assert getattr(changed, first) == "other" and getattr(one, first) != "other"
    assert type(one).model_validate(one.model_dump()) == one
    assert list(one.model_dump()) == list(one.__slots__)
    with pytest.raises(TypeError, match="no field"):
        one.model_copy(update={"nonsense": 1})
    with pytest.raises(AttributeError):
        one.nonsense = 1  # type: ignore[attr-defined]
    assert repr(one).startswith(f"{type(one).__name__}(")


def test_respondents_do_not_share_default_containers() -> None:
    """Each respondent made without attributes gets a dict of its own, and the defaults
    are what a respondent with no orders, NPS or rating has."""
    a = Respondent(key="id:c:1", identified=True, sources=[], record_ids=[])
    b = Respondent(key="id:c:2", identified=True, sources=[], record_ids=[])
    a.attributes["region"] = "York"
    assert b.attributes == {}
    assert (b.orders, b.nps, b.rating, b.total_spend, b.recency_days) == (0, None, None, None, None)
    assert a != b and _respondent() != _statement()


def test_interned_shares_equal_values_of_one_type_up_to_its_cap() -> None:
    """The first of equal values stands for the rest; a list never stands for a tuple nor
    a dict for a Counter; past the cap new values are their own; unhashable insides
    are never shared."""
    from collections import Counter

    from personas.models import Interned

    shared = Interned(cap=4)
    a, b = {"plan": "pro"}, {"plan": "pro"}
    assert shared(a) is a and shared(b) is a
    assert shared(Counter(plan=1)) is not shared({"plan": 1})  # same items, another type
    sources = ["x.csv"]
    assert shared(sources) is sources and shared(["x.csv"]) is sources
    assert shared(("x.csv",)) == ("x.csv",) and shared(("x.csv",)) is not sources
    late = {"plan": "team"}
    assert shared(late) is late and shared({"plan": "team"}) is not late  # the cap was met
    odd = {"tags": ["a"]}
    assert shared(odd) is odd
