"""Unit tests for the ingest stage: readers, column roles, records and row accounting."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from personas.config import Config, SourceOverride
from personas.ingest import ingest
from personas.ingest.cells import RowValues, read_cell
from personas.ingest.dates import parse_datetime
from personas.ingest.discover import discover
from personas.ingest.eml import clean_body
from personas.ingest.result import IngestResult
from personas.ingest.values import parse_money
from personas.models import ColumnRole, Record, SourceAccount

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
SHOP = FIXTURES / "shop"
TABLES = FIXTURES / "tables"


def build(folder: Path, config: Config | None = None) -> IngestResult:
    """Discover and ingest a folder."""
    config = config or Config()
    sources, _ = discover(folder, config)
    return ingest(folder, sources, config)


def only(folder: Path, name: str, tmp_path: Path, config: Config | None = None) -> IngestResult:
    """Ingest one fixture file on its own."""
    (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(folder / name, tmp_path / name)
    return build(tmp_path, config)


def account(result: IngestResult, source: str) -> SourceAccount:
    return next(a for a in result.accounts if a.source == source)


def records(result: IngestResult, source: str) -> dict[str, Record]:
    return {r.locator: r for r in result.records if r.source == source}


def roles(result: IngestResult, source: str) -> dict[str, str]:
    return {r.column: r.role for r in result.roles if r.source == source}


# --- accounting -------------------------------------------------------------------------


def test_every_row_of_the_shop_is_accounted_for() -> None:
    """For every source, rows_total equals rows_used plus rows_skipped."""
    result = build(SHOP)
    for acc in result.accounts:
        assert acc.rows_total == acc.rows_used + acc.rows_skipped, acc.source
    assert len({r.record_id for r in result.records}) == len(result.records)


def test_bad_rows_are_each_used_or_skipped_with_the_exact_reason(tmp_path: Path) -> None:
    """Empty, unusable and duplicate rows are skipped; unreadable values are dropped, row kept."""
    result = only(TABLES, "bad_rows.csv", tmp_path)
    acc = account(result, "bad_rows.csv")
    assert (acc.rows_total, acc.rows_used, acc.rows_skipped) == (9, 5, 4)
    got = {(i.locator, i.column, i.skipped, i.reason) for i in acc.issues}
    assert got == {
        ("row 3", None, True, "empty row"),
        ("row 4", "How old are you?", False, 'cannot read age "forty"'),
        (
            "row 5",
            "How likely are you to recommend us? (0-10)",
            False,
            'NPS "11" is outside 0-10; value dropped',
        ),
        ("row 6", None, True, "nothing usable: no text, rating, NPS, amount, identity or answers"),
        (
            "row 8",
            None,
            True,
            "duplicate submission: same respondent and answers as row 7, which is kept",
        ),
        ("row 10", None, True, "empty row"),
    }
    used = records(result, "bad_rows.csv")
    assert sorted(used) == ["row 2", "row 4", "row 5", "row 7", "row 9"]
    assert "age" not in used["row 4"].attributes and used["row 4"].texts
    assert used["row 5"].nps is None
    assert used["row 9"].respondent_key == "row:bad_rows.csv#row 9"


# --- surveys ----------------------------------------------------------------------------


def test_google_forms_export_roles(tmp_path: Path) -> None:
    """A Google Forms-like survey gets date, identity, demographic, category, text and NPS roles."""
    result = only(SHOP, "survey.csv", tmp_path)
    assert roles(result, "survey.csv") == {
        "Timestamp": "date",
        "Email Address": "identity",
        "How old are you?": "age",
        "What is your gender?": "gender",
        "In which country do you live?": "region",
        "Which activities do you shop for?": "category",
        "What do you like most about shopping with us?": "text",
        "What frustrates you most?": "text",
        "How likely are you to recommend us to a friend? (0-10)": "nps",
    }
    text_role = next(r for r in result.roles if r.column == "What frustrates you most?")
    assert text_role.question == "What frustrates you most?" and text_role.reason


def test_survey_rows_become_records(tmp_path: Path) -> None:
    """Survey answers land in the record: key, date, attributes, texts with their question, NPS."""
    rows = records(only(SHOP, "survey.csv", tmp_path), "survey.csv")
    bob = rows["row 3"]
    assert bob.respondent_key == "email:bob.stone@example.com"
    assert bob.date == "2026-03-14"
    assert bob.nps == 7
    assert bob.attributes == {
        "age": 51.0,
        "gender": "Man",
        "region": "Ireland",
        "Which activities do you shop for?": "Camping",
    }
    assert bob.texts[1].text == 'The website search never finds what I type, even "boots".'
    anon = rows["row 4"]  # no email: still one person, at row level
    assert anon.respondent_key == "row:survey.csv#row 4"
    assert anon.attributes["gender"] == "Prefer not to say"
    assert anon.texts[0].text == "Good prices\nand quick replies from support."
    assert anon.texts[0].question == "What do you like most about shopping with us?"


def test_birth_year_gives_age_from_the_row_date_or_the_newest_date(tmp_path: Path) -> None:
    """Age = year of the row's date minus birth year; undated rows use the file's newest date."""
    result = only(TABLES, "born.tsv", tmp_path)
    assert roles(result, "born.tsv")["What year were you born?"] == "birth_year"
    rows = records(result, "born.tsv")
    assert rows["row 2"].attributes["age"] == 36.0
    assert rows["row 2"].date == "2026-03-14"  # d/m/Y
    assert rows["row 4"].attributes["age"] == 56.0
    assert "age" not in rows["row 5"].attributes
    issues = [i.reason for i in account(result, "born.tsv").issues]
    assert 'cannot read birth year "nineteen"' in issues


def test_multi_row_qualtrics_header_keeps_spreadsheet_row_numbers(tmp_path: Path) -> None:
    """Three header rows: the first response is row 4; the question row gives the wording."""
    result = only(TABLES, "qualtrics.csv", tmp_path)
    rows = records(result, "qualtrics.csv")
    assert sorted(rows) == ["row 4", "row 5"]
    assert rows["row 4"].texts[0].question == "Tell us why"
    assert roles(result, "qualtrics.csv")["ResponseId"] == "ignore"


def test_config_overrides_a_column_role(tmp_path: Path) -> None:
    """personas.toml column roles win, with the reason "set in personas.toml"."""
    config = Config(
        sources={
            "survey.csv": SourceOverride(
                columns={"What frustrates you most?": "ignore", "No such column": "text"}
            )
        }
    )
    result = only(SHOP, "survey.csv", tmp_path, config)
    role = next(r for r in result.roles if r.column == "What frustrates you most?")
    assert (role.role, role.reason, role.confidence) == ("ignore", "set in personas.toml", 1.0)
    assert all(len(r.texts) == 1 for r in result.records)
    reasons = [i.reason for i in account(result, "survey.csv").issues]
    assert any('"No such column", which is not in the file' in r for r in reasons)


# --- reviews and orders -----------------------------------------------------------------


def test_reviews_skip_unpublished_strip_html_and_ignore_the_shop_reply(tmp_path: Path) -> None:
    """Spam/unpublished rows are skipped; HTML is stripped; the reply column is not voice."""
    result = only(SHOP, "reviews.csv", tmp_path)
    found = roles(result, "reviews.csv")
    assert (found["reply"], found["state"], found["author"]) == ("ignore", "ignore", "name")
    assert (found["body"], found["title"], found["rating"]) == ("text", "text", "rating")
    acc = account(result, "reviews.csv")
    skipped = {i.locator: i.reason for i in acc.issues if i.skipped}
    assert skipped == {
        "row 4": 'review state is "spam": not published, so not used',
        "row 5": 'review state is "unpublished": not published, so not used',
    }
    rows = records(result, "reviews.csv")
    assert [t.field for t in rows["row 2"].texts] == ["body"]  # "Great boots" adds no words
    assert (
        rows["row 3"].texts[1].text
        == "Water came in at the toe after a week of walking.\nDisappointed."
    )
    assert rows["row 3"].respondent_key is None  # anonymous, no person attributes
    assert rows["row 2"].names == ("Ann L.",)
    assert rows["row 6"].rating is None
    assert any(i.reason == 'rating "6" is outside 1-5; value dropped' for i in acc.issues)
    assert not any("Thanks Ann" in t.text for r in rows.values() for t in r.texts)


def test_orders_give_amounts_refunds_and_channel(tmp_path: Path) -> None:
    """Order rows carry amount (refunds negative), date, key and shipping method as channel."""
    result = only(SHOP, "orders.csv", tmp_path)
    assert roles(result, "orders.csv")["Name"] == "ignore"  # order numbers, not people
    rows = records(result, "orders.csv")
    assert rows["row 2"].amount == 120.0
    assert rows["row 2"].attributes["channel"] == "Standard"
    assert rows["row 3"].respondent_key == "email:ann.lee@example.com"
    assert rows["row 5"].amount == -45.5
    assert rows["row 6"].amount == 80.0
    assert rows["row 4"].amount is None and not rows["row 4"].texts
    reasons = [(i.locator, i.reason) for i in account(result, "orders.csv").issues]
    assert ("row 4", 'cannot read total "N/A"') in reasons


SHOPIFY_LINES = """\
Name,Email,Created at,Total,Shipping Method,Lineitem quantity,Lineitem name,Lineitem price,\
Lineitem sku,Lineitem properties,Notes,Billing Name
#2001,ann@example.com,2025-01-04 10:00:00 +0000,150.00,Standard,1,Trail Boot - Brown / 42,\
120.00,TB-42,Gift message: Happy birthday Sam,Leave with Mrs Green at no. 4,Ann Lee
#2001,,,,,2,Wool Socks - M,15.00,WS-M,,,
#2001,,,,,1,Trail Boot - Black / 43,120.00,TB-43,,,
#2002,bob@example.com,2025-02-01 10:00:00 +0000,45.00,Express,1,"Hat, wool",45.00,HT-1,,,Bob Stone
#2003,ann@example.com,2025-03-01 10:00:00 +0000,30.00,Standard,2,Wool Socks - L,15.00,WS-L,,,Ann Lee
"""


def write(tmp_path: Path, name: str, text: str) -> IngestResult:
    """Ingest one synthetic file written into an empty folder."""
    (tmp_path / name).write_text(text, encoding="utf-8")
    return build(tmp_path)


def role_of(result: IngestResult, column: str) -> ColumnRole:
    return next(r for r in result.roles if r.column == column)


def test_shopify_line_item_name_is_the_product_and_buyer_notes_are_not_read(
    tmp_path: Path,
) -> None:
    """The Shopify "Lineitem name" is the product (SKU the runner-up); notes are not read."""
    result = write(tmp_path, "orders.csv", SHOPIFY_LINES)
    product = role_of(result, "Lineitem name")
    assert (product.role, product.confidence) == ("product", 0.9)
    assert product.reason.startswith("product / line item name header")
    sku = role_of(result, "Lineitem sku")
    assert (sku.role, sku.reason) == (
        "ignore",
        'also looks like product, but "Lineitem name" is used for it',
    )
    for column in ("Lineitem properties", "Notes"):
        assert role_of(result, column).role == "ignore"
        assert "never read" in role_of(result, column).reason
    assert role_of(result, "Lineitem price").role == "ignore"


def test_line_items_of_an_order_keep_every_product_and_nothing_the_buyer_wrote(
    tmp_path: Path,
) -> None:
    """An order's record lists the products of all its rows, sizes dropped, once each;
    gift messages and notes appear nowhere; every row is still accounted for."""
    result = write(tmp_path, "orders.csv", SHOPIFY_LINES)
    rows = records(result, "orders.csv")
    assert sorted(rows) == ["row 2", "row 5", "row 6"]
    assert rows["row 2"].choices == {"products": ("Trail Boot", "Wool Socks")}
    assert rows["row 2"].attributes["products"] == "Trail Boot, Wool Socks"
    assert rows["row 2"].amount == 150.0  # the total, counted once
    assert rows["row 5"].choices == {"products": ("Hat; wool",)}  # ", " would split it
    acc = account(result, "orders.csv")
    assert (acc.rows_total, acc.rows_used, acc.rows_skipped) == (5, 5, 0)
    said = repr([(r.attributes, r.choices, r.texts) for r in result.records])
    assert "birthday" not in said and "Green" not in said


GENERIC_ORDERS = {
    # a line-item table: the name wins over the SKU (ignored), a gift message is not read
    "lines": (
        "order_id,customer_email,order_date,amount,product_name,product_sku,gift_message",
        "A-1,ann@example.com,2025-01-04,120.00,Trail Boot,TB-42,Love from Sam",
        "A-1,ann@example.com,2025-01-04,20.00,Wool Socks,WS-1,",
        "A-2,bob@example.com,2025-02-01,80.00,Rain Jacket,RJ-1,",
    ),
    # only a SKU: codes are still what was bought
    "codes": (
        "customer_id,order_date,order_total,sku",
        "C1,2025-01-04,120.00,TB-42",
        "C2,2025-02-01,80.00,RJ-1",
        "C1,2025-03-01,20.00,WS-1",
    ),
    # a plural column listing several products a row
    "lists": (
        "order_id,email,order_date,total,items",
        'A-1,ann@example.com,2025-01-04,120.00,"Trail Boot, Wool Socks"',
        'A-2,bob@example.com,2025-02-01,80.00,"Rain Jacket, Wool Socks"',
        'A-3,cara@example.com,2025-02-01,80.00,"Rain Jacket, Trail Boot"',
    ),
}


@pytest.mark.parametrize(
    ("table", "column", "confidence", "products"),
    [
        ("lines", "product_name", 0.9, {"Trail Boot", "Wool Socks", "Rain Jacket"}),
        ("codes", "sku", 0.7, {"TB-42", "RJ-1", "WS-1"}),
        ("lists", "items", 0.9, {"Trail Boot", "Wool Socks", "Rain Jacket"}),
    ],
)
def test_generic_order_tables_find_their_product_column(
    tmp_path: Path, table: str, column: str, confidence: float, products: set[str]
) -> None:
    """Product / item names (0.9), else SKUs (0.7), are what each order bought."""
    result = write(tmp_path, "orders.csv", "\n".join(GENERIC_ORDERS[table]) + "\n")
    assert account(result, "orders.csv").kind == "orders"
    found = role_of(result, column)
    assert (found.role, found.confidence) == ("product", confidence), found.reason
    assert [r.column for r in result.roles if r.role == "product"] == [column]
    assert {p for r in result.records for p in r.choices.get("products", ())} == products
    assert not any("Sam" in repr(r) for r in result.records)


def test_a_reviewed_product_is_not_the_reviewer_s_product(tmp_path: Path) -> None:
    """In reviews the product column names what was reviewed: ignored, not a product."""
    result = only(SHOP, "reviews.csv", tmp_path)
    assert "product" not in roles(result, "reviews.csv").values()


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("Trail Boot - Brown / 42", "Trail Boot"),
        ("T-Shirt - XL", "T-Shirt"),
        ("Walking Boot - UK 8", "Walking Boot"),
        ("Mug - Blue", "Mug - Blue"),  # a colour alone may be what sets buyers apart
        ("Kids' Thermal Socks (3 Pack)", "Kids' Thermal Socks (3 Pack)"),
        ("  Hat,  wool ", "Hat; wool"),
    ],
)
def test_product_names_drop_sizes_and_keep_one_product_per_name(raw: str, name: str) -> None:
    """Size / option variants are dropped; ", " inside a name cannot split it later."""
    from personas.ingest.orders import product_name

    assert product_name(raw) == name


# --- support email ----------------------------------------------------------------------


def test_email_quoted_reply_greeting_and_signature_are_stripped(tmp_path: Path) -> None:
    """Only the customer's own words remain; sender, greeted and signed names are captured."""
    result = only(SHOP, "support/0001-quoted.eml", tmp_path)
    (rec,) = result.records
    assert rec.locator == "Message-ID 0001"
    assert rec.respondent_key == "email:ann.lee@example.com"
    assert rec.date == "2026-01-05"
    assert [t.field for t in rec.texts] == ["subject", "body"]
    assert rec.texts[1].text == (
        "I sent the boots back two weeks ago and still have no refund.\n"
        "Please can you check what is happening?"
    )
    assert set(rec.names) == {"Ann Lee", "Sarah"}


def test_outlook_and_html_emails(tmp_path: Path) -> None:
    """Outlook "Original Message" blocks are cut; HTML-only mail is turned into text."""
    for name in ("support/0002-outlook.eml", "support/0003-html.eml"):
        shutil.copy(SHOP / name, tmp_path / Path(name).name)
    rows = {r.locator: r for r in build(tmp_path).records}
    outlook = rows["Message-ID 0002"]
    assert [t.text for t in outlook.texts] == ["The zip on my jacket broke after one week."]
    assert outlook.names == ("Bob",)
    html = rows["Message-ID 0003"]
    assert (
        html.texts[-1].text == "My parcel has not arrived & the tracking link says 'label created'."
    )
    assert html.names == ("Cara Moss", "Cara")


def test_unreadable_email_is_one_issue_and_the_rest_still_builds() -> None:
    """A broken .eml is skipped with a reason naming the problem; other files still give records."""
    result = build(SHOP)
    acc = account(result, "support/0004-broken.eml")
    assert (acc.rows_total, acc.rows_used, acc.rows_skipped) == (1, 0, 1)
    assert "not an email message" in acc.issues[0].reason
    assert any(r.source == "support/0001-quoted.eml" for r in result.records)


@pytest.mark.parametrize(
    ("body", "text", "names"),
    [
        (
            "Hiya\n\nMy order is late.\n\nthanks x\nHollie\n07700 900478",
            "My order is late.",
            ["Hollie"],
        ),
        (
            "Hi team,\nThanks for getting back to me.\nStill broken.\n\nBest,\nTom",
            "Thanks for getting back to me.\nStill broken.",
            ["Tom"],
        ),
        (
            "Dear Sir/Madam,\nIt leaks.\n--\nJo Bloggs\nSent from my phone",
            "It leaks.",
            ["Jo Bloggs"],
        ),
        (
            "The zip broke.\n\nOn Mon, 3 Mar 2025 at 10:00, Shop <help@shop.example>\nwrote:\n> hi",
            "The zip broke.",
            [],
        ),
    ],
)
def test_clean_body_cases(body: str, text: str, names: list[str]) -> None:
    """Greetings, sign-offs (with kisses) and wrapped "On … wrote:" lines are removed."""
    assert clean_body(body) == (text, names)


# --- social -----------------------------------------------------------------------------


def test_social_comments_and_replies_are_records_of_their_authors(tmp_path: Path) -> None:
    """Every customer comment and reply is a record; the page's own posts/replies are skipped;
    alone (nothing identifies anyone) each comment's author is a respondent."""
    result = only(SHOP, "social/comments.json", tmp_path)
    rows = records(result, "social/comments.json")
    assert sorted(rows) == ["post_1_comment_1", "post_1_reply_2"]
    assert all((r.respondent_key or "").startswith("author:") for r in rows.values())
    assert result.people is not None and "joined into 2 accounts" in result.people
    assert rows["post_1_reply_2"].names == ("Jo Walker",)
    assert rows["post_1_comment_1"].texts[0].field == "message"
    acc = account(result, "social/comments.json")
    assert (acc.rows_total, acc.rows_used, acc.rows_skipped) == (5, 2, 3)
    skipped = {i.locator: i.reason for i in acc.issues}
    assert skipped["post_1"] == "post by the page itself (Shop Outfitters), not customer voice"
    assert (
        skipped["post_1_reply_1"]
        == "reply by the page itself (Shop Outfitters), not customer voice"
    )
    assert skipped["post_1_comment_2"] == "comment has no text"


# --- table formats ----------------------------------------------------------------------


def test_json_and_jsonl_tables(tmp_path: Path) -> None:
    """JSON {"data": [...]} and JSONL are tables; bad items and lines are skipped with reasons."""
    shutil.copy(TABLES / "people.json", tmp_path / "people.json")
    shutil.copy(TABLES / "comments.jsonl", tmp_path / "comments.jsonl")
    result = build(tmp_path)
    people = records(result, "people.json")
    assert people["item 1"].respondent_key == "email:ann.lee@example.com"
    assert people["item 2"].respondent_key == "id:customer:c002"
    assert people["item 1"].attributes["plan.tier"] == "gold"
    acc = account(result, "people.json")
    assert (acc.rows_total, acc.rows_used, acc.rows_skipped) == (3, 2, 1)
    assert acc.issues[-1].reason == "not a JSON object (found str)"
    lines = account(result, "comments.jsonl")
    assert (lines.rows_total, lines.rows_used, lines.rows_skipped) == (3, 2, 1)
    assert [i.locator for i in lines.issues if i.skipped] == ["line 2"]
    assert records(result, "comments.jsonl")["line 4"].respondent_key == "id:user:u3"


def test_semicolon_crlf_bom_and_quoted_newlines(tmp_path: Path) -> None:
    """A UTF-8-with-BOM, CRLF, semicolon file with a multi-line cell keeps row numbers right."""
    text = (
        "\ufeffDate;Email;Comments\r\n"
        '2026-01-02;ann.lee@example.com;"First line of a long answer\r\nsecond line of it"\r\n'
        "2026-01-03;bob.stone@example.com;Another thoughtful answer about the shop\r\n"
    )
    (tmp_path / "s.csv").write_bytes(text.encode("utf-8"))
    result = build(tmp_path)
    rows = records(result, "s.csv")
    assert sorted(rows) == ["row 2", "row 3"]
    assert rows["row 2"].respondent_key == "email:ann.lee@example.com"
    assert rows["row 2"].texts[0].text == "First line of a long answer\nsecond line of it"


def test_cp1252_file_is_read_with_a_note(tmp_path: Path) -> None:
    """A Windows-1252 file is decoded, and the account notes the fallback."""
    text = (
        "Email,What did you think?\nann.lee@example.com,Café was lovely and the staff très kind\n"
    )
    (tmp_path / "w.csv").write_bytes(text.encode("cp1252"))
    result = build(tmp_path)
    assert "Café" in result.records[0].texts[0].text
    notes = [i.reason for i in account(result, "w.csv").issues]
    assert notes[0] == "not UTF-8; read as cp1252 (check accented characters)"


def test_unparseable_json_is_one_file_issue(tmp_path: Path) -> None:
    """A broken JSON file gives one skipped-file issue; the other files still build."""
    (tmp_path / "broken.json").write_text('{"data": [ {"a": 1,, ]}')
    shutil.copy(SHOP / "survey.csv", tmp_path / "survey.csv")
    result = build(tmp_path)
    acc = account(result, "broken.json")
    assert acc.rows_total == 0 and len(acc.issues) == 1
    assert acc.issues[0].reason.startswith("file skipped: not valid JSON (line 1")
    assert account(result, "survey.csv").rows_used == 4


# --- value parsers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "age", "reason"),
    [
        ("34", 34.0, None),
        ("34 years", 34.0, None),
        ("forty", None, 'cannot read age "forty"'),
        ("130", None, 'age "130" is not a plausible age; value dropped'),
        ("0", None, 'age "0" is not a plausible age; value dropped'),
    ],
)
def test_age_cells(raw: str, age: float | None, reason: str | None) -> None:
    """Ages read as numbers; words and impossible ages are dropped with a reason."""
    role = ColumnRole(source="s.csv", column="Age", role="age", confidence=1.0, reason="test")
    out, notes = RowValues(), []
    read_cell(out, role, None, raw, lambda column, why: notes.append(why))
    assert out.attributes.get("age") == age
    assert notes == ([reason] if reason else [])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026/03/14 10:22:31 AM GMT", datetime(2026, 3, 14, 10, 22, 31)),
        ("2026/03/14 10:22:31 PM GMT", datetime(2026, 3, 14, 22, 22, 31)),
        ("2025-06-03 11:20:45 +0100", datetime(2025, 6, 3, 11, 20, 45)),
        ("2025-06-03 11:20:45 UTC", datetime(2025, 6, 3, 11, 20, 45)),
        ("2025-06-03T11:20:45+0000", datetime(2025, 6, 3, 11, 20, 45)),
        ("2025-06-03", datetime(2025, 6, 3)),
        ("14/03/2026", datetime(2026, 3, 14)),
        ("Mon, 05 Jan 2026 08:40:13 +0000", datetime(2026, 1, 5, 8, 40, 13)),
        ("forty", None),
        ("2017", None),
    ],
)
def test_parse_datetime(text: str, expected: datetime | None) -> None:
    """Google Forms, ISO, Shopify, d/m/Y and RFC 2822 dates parse; other text does not."""
    assert parse_datetime(text) == expected


@given(
    st.decimals(
        min_value=-(10**6), max_value=10**6, places=2, allow_nan=False, allow_infinity=False
    )
)
def test_parse_money_reads_formatted_amounts(amount) -> None:
    """Any amount written with a currency sign and thousands separators reads back exactly."""
    sign = "-" if amount < 0 else ""
    written = f"{sign}£{abs(amount):,.2f}"
    assert parse_money(written) == pytest.approx(float(amount))


@pytest.mark.parametrize(
    ("body", "text"),
    [
        (
            "It broke again.\n\nOn Mon, 3 Mar 2025 at 10:00,\nShop Support\n<help@shop.example>\n"
            "wrote:\n\nHi there",
            "It broke again.",
        ),
        (
            "See below.\n\n---------- Forwarded message ---------\nFrom: Shop <a@example.com>\n"
            "Subject: x\n\nold",
            "See below.",
        ),
        (
            "The seams leak.\n\nThis email and any attachments are confidential and intended "
            "solely for the addressee.",
            "The seams leak.",
        ),
        ("Le colis est en retard.\n\nLe lun. 3 mars 2025 à 10:00, Shop a écrit :\n> bonjour", None),
    ],
)
def test_replies_forwards_and_disclaimers_are_cut(body: str, text: str | None) -> None:
    """Wrapped "On … wrote:" (4 lines), forwarded blocks, disclaimers and French quotes go."""
    got, _ = clean_body(body)
    assert got == (text or body.split("\n\n")[0])


def test_legacy_code_pages_are_detected(tmp_path: Path) -> None:
    """A cp1251 (Cyrillic) file is read as such, with a note naming the code page."""
    text = "Email,Отзыв\nann.lee@example.com,Доставка была быстрой и удобной\n"
    (tmp_path / "ru.csv").write_bytes(text.encode("cp1251"))
    result = build(tmp_path)
    assert result.records[0].texts[0].text == "Доставка была быстрой и удобной"
    assert account(result, "ru.csv").issues[0].reason.startswith("not UTF-8; read as cp1251")


def test_big_csv_is_streamed_not_held(tmp_path: Path) -> None:
    """A delimited table's rows are a re-readable stream, not a list held in memory."""
    from personas.ingest.delimited import DelimitedRows
    from personas.ingest.tablefiles import read_tables

    (tmp_path / "r.csv").write_text("a,b\n" + "".join(f"{n},x\n" for n in range(50)))
    (table,) = read_tables(tmp_path / "r.csv", "csv", "r.csv")
    assert isinstance(table.rows, DelimitedRows)
    assert sum(1 for _ in table.rows) == 50 == sum(1 for _ in table.rows)


def test_shopify_refunded_amount_is_subtracted_from_the_total(tmp_path: Path) -> None:
    """Shopify's "Refunded Amount" is its own role and the order counts net of it, so a
    customer who sent everything back does not look like a big spender."""
    text = """\
Name,Email,Created at,Total,Refunded Amount,Lineitem name
#3001,ann@example.com,2025-01-04 10:00:00 +0000,150.00,150.00,Trail Boot
#3002,bob@example.com,2025-02-01 10:00:00 +0000,80.00,20.50,Wool Socks
#3003,cat@example.com,2025-02-02 10:00:00 +0000,60.00,0.00,Hat
#3004,dan@example.com,2025-02-03 10:00:00 +0000,40.00,lots,Hat
#3005,eve@example.com,2025-02-04 10:00:00 +0000,40.00,0.00,Hat
#3006,fay@example.com,2025-02-05 10:00:00 +0000,40.00,0.00,Hat
"""
    result = write(tmp_path, "orders.csv", text)
    refund = role_of(result, "Refunded Amount")
    assert refund.role == "refund" and "subtracted" in refund.reason
    assert role_of(result, "Total").role == "money"
    rows = records(result, "orders.csv")
    assert [rows[f"row {i}"].amount for i in range(2, 6)] == [0.0, 59.5, 60.0, 40.0]
    reasons = [(i.locator, i.reason) for i in account(result, "orders.csv").issues]
    assert ("row 5", 'cannot read refund "lots"') in reasons
