"""Unit tests for persona synthesis, names and the output schema."""

from __future__ import annotations

import json

from personas.models import NumberSummary, SegmentStats, Share
from personas.output.tables import pseudonymiser
from personas.synthesize.document import UNKNOWN, json_schema
from personas.synthesize.names import pick_name
from personas.synthesize.personas import category_fact, number_fact, slugify
from tests.conftest import ROOT


def stats(**kw) -> SegmentStats:  # type: ignore[no-untyped-def]
    empty = NumberSummary(n=0)
    base = dict(
        segment_id=1,
        size=40,
        share=0.4,
        age=empty,
        categories={},
        category_known={},
        nps=empty,
        rating=empty,
        spend_total=empty,
        avg_order_value=empty,
        orders_per_year=empty,
        recency_days=empty,
        themes=[],
        sources={},
        statements=0,
    )
    base.update(kw)
    return SegmentStats(**base)


def test_shipped_schema_matches_the_models() -> None:
    """The JSON Schema in the package is the one the models generate (run `make schema`)."""
    shipped = json.loads(
        (ROOT / "src/personas/schema/personas.schema.json").read_text(encoding="utf-8")
    )
    assert shipped == json.loads(json.dumps(json_schema()))


def test_unknown_when_the_data_is_silent() -> None:
    """A field nobody answered is 'unknown' with a reason, not a guess."""
    fact = category_fact(stats(), "income", "")
    assert fact.value == UNKNOWN and "not in the data" in fact.basis
    few = category_fact(
        stats(
            categories={"gender": [Share(value="Woman", count=3, share=1.0)]},
            category_known={"gender": 3},
        ),
        "gender",
        "",
    )
    assert few.value == UNKNOWN and "only 3" in few.basis
    assert number_fact("Age", NumberSummary(n=2, median=30, q1=29, q3=31)).value == UNKNOWN


def test_dominant_value_or_top_three() -> None:
    """A majority value is stated with its share; otherwise the top three are listed."""
    shares = [
        Share(value="Mobile", count=30, share=0.75),
        Share(value="Desktop", count=10, share=0.25),
    ]
    assert (
        category_fact(
            stats(categories={"device": shares}, category_known={"device": 40}), "device", ""
        ).value
        == "Mobile (75%)"
    )


def test_names_fit_gender_and_age_and_avoid_customer_names() -> None:
    """A mostly-women older segment gets an older woman's name never carried by a customer."""
    st = stats(
        age=NumberSummary(n=30, median=66, q1=60, q3=70),
        categories={"gender": [Share(value="Woman", count=24, share=0.8)]},
        category_known={"gender": 30},
    )
    first = pick_name(1, st, set())
    assert first == "Margaret"
    assert pick_name(1, st, {"Margaret"}) != "Margaret"


def test_slug_is_file_safe() -> None:
    """Slugs are lowercase ASCII words joined by hyphens."""
    assert (
        slugify("20-somethings who value “city & colour”!") == "20-somethings-who-value-city-colour"
    )


def test_pseudonyms_are_stable_and_keyed() -> None:
    """The same key gives the same pseudonym; the raw key never appears in it."""
    from personas.models import Source

    src = [
        Source(
            path="a.csv", kind="survey", format="csv", sha256="ab" * 32, size_bytes=1, reason="x"
        )
    ]
    p = pseudonymiser(src)
    assert p("email:ann@example.com") == p("email:ann@example.com")
    assert "ann" not in p("email:ann@example.com") and p(None) == ""


def test_products_bought_are_behaviour_with_the_top_few() -> None:
    """Products show under Behaviour with several of them (people buy more than one
    thing), and a distinctive product reads as buying, not as an answer."""
    from personas.synthesize.personas import behaviour_facts, describe_feature

    st = stats(
        categories={
            "products": [
                Share(value="Trail Boot", count=30, share=0.75),
                Share(value="Hiking Poles", count=20, share=0.5),
                Share(value="Base Layer", count=12, share=0.3),
            ]
        },
        category_known={"products": 40},
    )
    fact = next(f for f in behaviour_facts(st) if f.name == "Products bought")
    assert fact.value == "Trail Boot 75%, Hiking Poles 50%, Base Layer 30%"
    assert "with orders" in fact.basis
    assert describe_feature("products=Trail Boot +0.80", {}) == (
        "buy Trail Boot more often than others"
    )
