"""Unit tests for identity: email normalisation and merging records into respondents."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from personas.config import Config
from personas.ingest import ingest
from personas.ingest.discover import discover
from personas.ingest.identity import build_respondents, normalise_email
from personas.models import Record

SHOP = Path(__file__).parent / "fixtures" / "ingest" / "shop"


def rec(rid: str, kind: str = "survey", key: str | None = "email:a@example.com", **kw) -> Record:
    """A record with just the fields a test needs."""
    source = kw.pop("source", f"{kind}.csv")
    return Record(
        record_id=f"{source}#{rid}",
        source=source,
        source_kind=kind,  # type: ignore[arg-type]
        locator=rid,
        respondent_key=key,
        **kw,
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ann@example.com", "ann@example.com"),
        ("  Ann.Lee@Example.COM ", "ann.lee@example.com"),
        ("Ann Lee <ann.lee@example.com>", "ann.lee@example.com"),
        ("mailto:bob@example.org", "bob@example.org"),
        ("not an email", None),
        ("[REDACTED]", None),
        ("", None),
    ],
)
def test_normalise_email(raw: str, expected: str | None) -> None:
    """Emails are stripped and lower-cased; non-emails give None."""
    assert normalise_email(raw) == expected


def test_same_email_joins_across_sources_despite_case_and_spaces(tmp_path: Path) -> None:
    """Survey, review, order and support records of one email become one respondent."""
    shutil.copytree(SHOP, tmp_path / "in")
    sources, _ = discover(tmp_path / "in", Config())
    result = ingest(tmp_path / "in", sources, Config())
    people = {p.key: p for p in build_respondents(result.records)}
    ann = people["email:ann.lee@example.com"]
    assert ann.identified
    assert ann.sources == ["orders.csv", "reviews.csv", "support/0001-quoted.eml", "survey.csv"]
    bob = people["email:bob.stone@example.com"]  # " Bob.Stone@Example.COM " in the survey
    assert {"survey.csv", "orders.csv"} <= set(bob.sources)
    assert list(people) == sorted(people)


def test_row_level_respondents_are_not_identified() -> None:
    """A "row:" key is a person we cannot name; anonymous records make no respondent."""
    people = build_respondents(
        [
            rec("row 2", key="row:survey.csv#row 2", attributes={"age": 30.0}),
            rec("c1", kind="social", key=None),
        ]
    )
    assert [(p.key, p.identified) for p in people] == [("row:survey.csv#row 2", False)]


def test_latest_attribute_and_nps_win_and_ratings_average() -> None:
    """Attributes and NPS take the most recent value; rating is the mean."""
    people = build_respondents(
        [
            rec("row 3", date="2026-02-01", nps=9, attributes={"region": "Leeds", "age": 40.0}),
            rec(
                "row 2", date="2026-01-01", nps=3, attributes={"region": "York", "gender": "Woman"}
            ),
            rec("row 5", kind="reviews", rating=2),
            rec("row 6", kind="reviews", rating=5),
        ]
    )
    (person,) = people
    assert person.attributes == {"age": 40.0, "gender": "Woman", "region": "Leeds"}
    assert person.nps == 9
    assert person.rating == pytest.approx(3.5)
    assert person.record_ids == [
        "reviews.csv#row 5",
        "reviews.csv#row 6",
        "survey.csv#row 2",
        "survey.csv#row 3",
    ]


def test_order_numbers_count_paid_orders_and_net_refunds() -> None:
    """Orders count paid orders; spend is net of refunds; recency runs to the newest order."""
    people = build_respondents(
        [
            rec("row 2", kind="orders", amount=100.0, date="2025-01-01"),
            rec("row 3", kind="orders", amount=50.0, date="2025-07-02"),
            rec("row 4", kind="orders", amount=-20.0, date="2025-07-10"),
            rec("row 5", kind="orders", key="email:b@example.com", amount=10.0, date="2026-01-01"),
        ]
    )
    a = next(p for p in people if p.key == "email:a@example.com")
    assert a.orders == 2
    assert a.total_spend == pytest.approx(130.0)
    assert a.avg_order_value == pytest.approx(75.0)
    assert a.recency_days == 183.0  # 2025-07-02 -> 2026-01-01
    assert a.orders_per_year == pytest.approx(2 / (365 / 365.25), rel=1e-3)
    b = next(p for p in people if p.key == "email:b@example.com")
    assert b.orders_per_year == pytest.approx(4.0)  # one order, floor of a quarter year
    assert b.recency_days == 0.0


def order(rid: str, when: str, products: tuple[str, ...] = (), **attributes: str) -> Record:
    """An order record with its products (as ingest folds them) and attributes."""
    if products:
        attributes["products"] = ", ".join(products)
    return rec(
        rid,
        kind="orders",
        amount=10.0,
        date=when,
        attributes=attributes,
        choices={"products": products} if products else {},
    )


def test_products_are_every_product_of_every_order_sorted() -> None:
    """A person's products are the set over all their orders, sorted, joined as a
    multi-select answer is (whatever the order of their orders)."""
    records = [
        order("row 4", "2025-06-01", ("Wool Socks", "Rain Jacket")),
        order("row 2", "2025-01-01", ("Trail Boot", "Wool Socks")),
        order("row 3", "2025-03-01"),  # an order whose products are not known
        rec("row 9", date="2025-07-01", attributes={"region": "Leeds"}),
    ]
    (person,) = build_respondents(records)
    assert person.attributes["products"] == "Rain Jacket, Trail Boot, Wool Socks"
    assert person.attributes["region"] == "Leeds"
    (again,) = build_respondents(records[::-1])
    assert again.attributes == person.attributes


def test_an_order_attribute_is_the_usual_value_ties_going_to_the_latest() -> None:
    """Shipping method (channel) is the most frequent over the orders, not the last
    order's; a tie goes to the most recent; a later survey answer still wins."""
    usual = [
        order("row 2", "2025-01-01", channel="Standard"),
        order("row 3", "2025-02-01", channel="Standard"),
        order("row 4", "2025-03-01", channel="Express"),
    ]
    assert build_respondents(usual)[0].attributes["channel"] == "Standard"
    tie = [order("row 2", "2025-01-01", channel="Standard"), usual[2]]
    assert build_respondents(tie)[0].attributes["channel"] == "Express"
    said = rec("row 5", date="2025-04-01", attributes={"channel": "A friend"})
    assert build_respondents([*usual, said])[0].attributes["channel"] == "A friend"


def test_assign_requests_from_records_carry_the_same_products() -> None:
    """``personas assign`` on order rows gives a customer the attributes the build
    would: all their products, their usual shipping method."""
    from personas.realtime.assign import customers_from_records

    records = [
        order("row 2", "2025-01-01", ("Trail Boot",), channel="Standard"),
        order("row 3", "2025-02-01", ("Wool Socks",), channel="Standard"),
        order("row 4", "2025-03-01", ("Trail Boot",), channel="Express"),
    ]
    (customer,) = customers_from_records(records)
    (person,) = build_respondents(records)
    assert customer.attributes == person.attributes
    assert customer.attributes["products"] == "Trail Boot, Wool Socks"
    assert len(customer.orders) == 3


def test_products_become_one_level_each_even_when_most_bought_one() -> None:
    """Features read products as multi-valued: a level per product, never per basket."""
    from personas.segment.features import fit_encoder, profile_of

    baskets = [("Trail Boot",)] * 6 + [("Wool Socks",)] * 6 + [("Trail Boot", "Wool Socks")]
    people = build_respondents(
        [
            order("row 2", "2025-01-01", basket).model_copy(update={"respondent_key": f"id:c:{i}"})
            for i, basket in enumerate(baskets)
        ]
    )
    encoder = fit_encoder([profile_of(p) for p in people])
    (column,) = [c for c in encoder.categories if c.attribute == "products"]
    assert column.multi and sorted(column.levels) == ["Trail Boot", "Wool Socks"]


def test_people_without_orders_have_no_order_numbers() -> None:
    """Survey-only respondents keep order numbers unknown (None), not zero spend."""
    (person,) = build_respondents([rec("row 2")])
    assert person.orders == 0
    assert person.total_spend is None and person.recency_days is None


@pytest.mark.parametrize(
    ("column", "value", "key"),
    [
        ("Customer ID", " #C-1001 ", "id:customer:c-1001"),
        ("customer_id", "1001.0", "id:customer:1001"),
        ("customerId", "1001", "id:customer:1001"),
        ("Respondent ID", "114", "id:respondent:114"),
        ("Member no", "77", "id:member:77"),
    ],
)
def test_ids_are_normalised_and_tied_to_their_kind(column: str, value: str, key: str) -> None:
    """An id key names the kind of id (from its column) and a normalised value."""
    from personas.ingest.values import id_namespace, normalise_id

    assert f"id:{id_namespace(column)}:{normalise_id(value)}" == key


def test_records_sharing_any_key_are_joined_under_the_email() -> None:
    """A row with an email and a customer id joins another file's row known only by the id."""
    from personas.ingest.keys import resolve_keys

    joined = resolve_keys(
        [
            rec("row 2", kind="orders", key="email:a@example.com", aliases=("id:customer:7",)),
            rec("row 3", kind="reviews", key="id:customer:7"),
            rec("row 4", kind="reviews", key="id:customer:8"),
            rec("row 5", key="row:survey.csv#row 5"),
        ]
    )
    assert [r.respondent_key for r in joined] == [
        "email:a@example.com",
        "email:a@example.com",
        "id:customer:8",
        "row:survey.csv#row 5",
    ]


def test_a_record_table_gives_the_respondents_a_list_gives() -> None:
    """Records are read once and each person is made at their last record: a person whose
    records lie far apart (first and last of the table, across Arrow batches), people of
    one record each, anonymous records and orders (the data's newest order date, read
    from the table's columns) come out as from a plain list, sorted by key."""
    from personas.ingest import recordtable
    from personas.ingest.recordtable import RecordTableBuilder

    records = [rec("row 1", "orders", key="id:c:9", date="2025-01-05", amount=20.0)]
    records += [
        rec(f"row {i}", "reviews", key=f"row:reviews.csv#row {i}", rating=float(i % 5 + 1))
        for i in range(2, 40)
    ]
    records.append(rec("row 40", "reviews", key=None, rating=2.0))
    records.append(rec("row 41", "orders", key="id:c:9", date="2025-03-01", amount=35.5))
    records.append(rec("row 42", "orders", key="id:c:1", date="2025-02-01", amount=5.0))
    builder = RecordTableBuilder(batch_size=8)
    builder.extend(records)
    table = builder.finish()
    assert len(table.batches) > 1 and recordtable.RecordTable is type(table)
    from_table = build_respondents(table)
    assert from_table == build_respondents(records)
    assert [r.key for r in from_table] == sorted(r.key for r in from_table)
    nine = next(r for r in from_table if r.key == "id:c:9")
    assert nine.record_ids == ["orders.csv#row 1", "orders.csv#row 41"]
    assert nine.orders == 2 and nine.total_spend == 55.5
    assert nine.recency_days == 0.0  # its last order is the data's newest
    assert len(from_table) == 40  # 38 reviewers, two customers; the anonymous review is none
