"""Every supported export format, read from the mixed fixture folder (fixtures/ingest/mixed)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from personas.config import Config, SourceOverride, load_config
from personas.ingest import ingest
from personas.ingest.discover import discover
from personas.ingest.identity import build_respondents, link_rates
from personas.ingest.result import IngestResult
from personas.ingest.settings import config_text
from personas.models import Record, SourceAccount

MIXED = Path(__file__).parent / "fixtures" / "ingest" / "mixed"


@pytest.fixture(scope="module")
def mixed() -> IngestResult:
    """The whole mixed folder, discovered and ingested once."""
    sources, _ = discover(MIXED, Config())
    return ingest(MIXED, sources, Config())


def rows(result: IngestResult, source: str) -> dict[str, Record]:
    """Records of one source by locator."""
    return {r.locator: r for r in result.records if r.source == source}


def account(result: IngestResult, source: str) -> SourceAccount:
    """The row accounting of one source."""
    return next(a for a in result.accounts if a.source == source)


def roles(result: IngestResult, source: str) -> dict[str, str]:
    """Column → role for one source."""
    return {r.column: r.role for r in result.roles if r.source == source}


def test_every_format_gets_its_kind_and_format() -> None:
    """Each fixture file is found with the kind and format its content says."""
    sources, issues = discover(MIXED, Config())
    found = {s.path: (s.kind, s.format) for s in sources}
    assert found == {
        "analytics/devices.csv": ("analytics", "csv"),
        "orders/shopify_orders.csv": ("orders", "csv"),
        "reviews/amazon.tsv": ("reviews", "tsv"),
        "reviews/judgeme.csv": ("reviews", "csv"),
        "reviews/okendo.json": ("reviews", "json"),
        "reviews/shopify_reviews.csv": ("reviews", "csv"),
        "reviews/trustpilot.csv": ("reviews", "csv"),
        "reviews/yotpo.jsonl": ("reviews", "jsonl"),
        "social/facebook.json": ("social", "json"),
        "social/x_posts.csv": ("social", "csv"),
        "support/freshdesk.json": ("support", "json"),
        "support/inbox.mbox": ("support", "mbox"),
        "support/refund.eml": ("support", "eml"),
        "support/zendesk.json": ("support", "json"),
        "support/zendesk_comments.csv": ("support", "csv"),
        "surveys/excel_unicode.txt": ("survey", "txt"),
        "surveys/google_forms.csv": ("survey", "csv"),
        "surveys/panel.parquet": ("survey", "parquet"),
        "surveys/qualtrics.csv": ("survey", "csv"),
        "surveys/surveymonkey.xlsx": ("survey", "xlsx"),
        "surveys/typeform.csv": ("survey", "csv"),
    }
    assert issues == []


def test_every_row_is_accounted_for(mixed: IngestResult) -> None:
    """rows_total == rows_used + rows_skipped for every source; record ids are unique."""
    for acc in mixed.accounts:
        assert acc.rows_total == acc.rows_used + acc.rows_skipped, acc.source
    assert len({r.record_id for r in mixed.records}) == len(mixed.records)


def test_surveymonkey_xlsx_is_one_row_per_respondent_with_grouped_questions(
    mixed: IngestResult,
) -> None:
    """Two header rows; option columns become one list; matrix columns keep their question."""
    got = rows(mixed, "surveys/surveymonkey.xlsx")
    assert sorted(got) == ["row 3", "row 4", "row 5", "row 6"]
    cara = got["row 3"]
    assert cara.respondent_key == "email:cara.moss@example.com"
    question = "Which do you own? (check all that apply)"
    assert cara.choices[question] == ("Jackets",)
    assert got["row 4"].choices[question] == ("Boots", "Jackets")
    assert got["row 4"].attributes[question] == "Boots, Jackets"
    matrix = [r for r in mixed.roles if r.group == "How satisfied are you with:"]
    assert [r.column for r in matrix] == [
        "How satisfied are you with: - Delivery",
        "How satisfied are you with: - Returns",
    ]
    assert cara.texts[0].question == "What would make you shop with us more often?"


def test_google_forms_multi_select_becomes_a_list(mixed: IngestResult) -> None:
    """ "Hiking, Camping" is the list ("Hiking", "Camping"); the joined text stays as attribute."""
    ann = rows(mixed, "surveys/google_forms.csv")["row 2"]
    question = "Which activities do you shop for? (check all that apply)"
    assert ann.choices[question] == ("Hiking", "Camping")
    assert ann.attributes[question] == "Hiking, Camping"


def test_qualtrics_preview_is_skipped_and_bom_read(mixed: IngestResult) -> None:
    """Three header rows, a BOM, and a Survey Preview response skipped with the reason."""
    acc = account(mixed, "surveys/qualtrics.csv")
    assert (acc.rows_total, acc.rows_used, acc.rows_skipped) == (4, 3, 1)
    skipped = {i.locator: i.reason for i in acc.issues if i.skipped}
    assert skipped == {
        "row 4": 'Qualtrics status "Survey Preview": a preview response, not a real respondent'
    }
    assert roles(mixed, "surveys/qualtrics.csv")["Q1"] == "age"


def test_parquet_utf16_and_typeform(mixed: IngestResult) -> None:
    """Parquet list columns are multi-select; UTF-16 text is read; Typeform ids are ignored."""
    panel = rows(mixed, "surveys/panel.parquet")["row 2"]
    assert panel.choices["favourite_activities"] == ("Hiking", "Running")
    assert panel.attributes["age"] == 34.0
    text = rows(mixed, "surveys/excel_unicode.txt")["row 2"]
    assert text.attributes["occupation"] == "Teacher"
    assert any("UTF-16" in i.reason for i in account(mixed, "surveys/excel_unicode.txt").issues)
    assert roles(mixed, "surveys/typeform.csv")["#"] == "ignore"


def test_review_platforms_drop_replies_and_unpublished(mixed: IngestResult) -> None:
    """Amazon, Trustpilot (cp1252), Judge.me, Yotpo, Okendo: reply columns are never voice."""
    for source, reply in [
        ("reviews/trustpilot.csv", "Reply Content"),
        ("reviews/yotpo.jsonl", "comment_content"),
        ("reviews/shopify_reviews.csv", "reply"),
    ]:
        assert roles(mixed, source)[reply] == "ignore"
    trust = rows(mixed, "reviews/trustpilot.csv")["row 2"]
    assert "Café-smooth" in trust.texts[-1].text and trust.rating == 5
    amazon = rows(mixed, "reviews/amazon.tsv")
    assert amazon["row 2"].respondent_key == "email:bob.stone@example.com"  # via C1002
    assert amazon["row 3"].respondent_key == "id:customer:c9999"
    okendo = rows(mixed, "reviews/okendo.json")["item 1"]
    assert okendo.names == ("Finn Cole",)


def test_social_handles_are_not_identities(mixed: IngestResult, tmp_path: Path) -> None:
    """X/Twitter handles redact names but make no respondent, unless personas.toml says so."""
    posts = rows(mixed, "social/x_posts.csv")
    assert all(r.respondent_key is None for r in posts.values())
    assert posts["row 2"].names == ("hikerhal",)
    shutil.copy(MIXED / "social" / "x_posts.csv", tmp_path / "x.csv")
    config = Config(sources={"x.csv": SourceOverride(columns={"username": "identity"})})
    sources, _ = discover(tmp_path, config)
    joined = ingest(tmp_path, sources, config)
    assert joined.records[0].respondent_key == "id:username:hikerhal"


def test_support_keeps_only_the_customers_words(mixed: IngestResult) -> None:
    """Agent replies and internal notes are skipped; quoted replies are cut; HTML becomes text."""
    zendesk = rows(mixed, "support/zendesk.json")
    assert sorted(zendesk) == ["ticket 101 comment 1", "ticket 101 comment 4"]
    assert zendesk["ticket 101 comment 1"].respondent_key == "email:dan.price@example.com"
    fresh = rows(mixed, "support/freshdesk.json")
    assert sorted(fresh) == ["ticket 7 comment 72", "ticket 7 description"]
    mbox = rows(mixed, "support/inbox.mbox")
    assert [t.text for t in mbox["Message-ID m0002"].texts] == [
        "The zip on my jacket broke after one week."
    ]
    html = mbox["Message-ID m0004"].texts[-1].text
    assert html == "My parcel has not arrived & the tracking link says label created."
    eml = rows(mixed, "support/refund.eml")["Message-ID m0001"]
    assert eml.texts[-1].text == "I sent the boots back two weeks ago and still have no refund."


def test_shopify_line_items_count_each_order_once(mixed: IngestResult) -> None:
    """Rows of one order fold into one record; a repeated total is counted once; voided skipped."""
    orders = rows(mixed, "orders/shopify_orders.csv")
    assert sorted(orders) == ["row 2", "row 4", "row 6"]
    assert orders["row 2"].amount == 120.0 and orders["row 6"].amount == 60.0
    acc = account(mixed, "orders/shopify_orders.csv")
    assert (acc.rows_total, acc.rows_used, acc.rows_skipped) == (6, 5, 1)
    people = {p.key: p for p in build_respondents(mixed.records)}
    finn = people["email:finn.cole@example.com"]
    assert (finn.orders, finn.total_spend) == (1, 60.0)


def test_identity_links_across_survey_reviews_support_and_orders(mixed: IngestResult) -> None:
    """One email joins a person's survey, review, email and order; link rates are per file."""
    people = {p.key: p for p in build_respondents(mixed.records)}
    ann = people["email:ann.lee@example.com"]
    assert {"surveys/google_forms.csv", "reviews/shopify_reviews.csv", "support/refund.eml"} <= set(
        ann.sources
    )
    assert "orders/shopify_orders.csv" in ann.sources
    rates = link_rates(mixed.records)
    assert rates["orders/shopify_orders.csv"]["link_rate"] == 1.0
    assert rates["reviews/amazon.tsv"] == {
        "records": 2,
        "identified": 2,
        "linked": 1,
        "link_rate": 0.5,
    }


def test_analytics_is_kept_as_context(mixed: IngestResult) -> None:
    """A device-share table names no one: its rows are kept as context, not as records."""
    (context,) = mixed.context
    assert context.columns == ["Device Category", "Users", "Sessions", "Bounce Rate"]
    assert context.rows[0] == ["mobile", "1200", "1800", "48%"]
    acc = account(mixed, "analytics/devices.csv")
    assert (acc.rows_total, acc.rows_used) == (2, 2)
    assert not rows(mixed, "analytics/devices.csv")


def test_init_text_reads_back_as_the_same_roles(mixed: IngestResult, tmp_path: Path) -> None:
    """The personas.toml that init writes is valid and sets every inferred kind and role."""
    sources, issues = discover(MIXED, Config())
    text = config_text("mixed", sources, mixed.roles, issues)
    (tmp_path / "personas.toml").write_text(text, encoding="utf-8")
    config = load_config(tmp_path)
    assert config.sources["surveys/qualtrics.csv"].kind == "survey"
    assert config.sources["surveys/qualtrics.csv"].columns["Q2"] == "text"
    assert len(text.splitlines()) > len(mixed.roles)
    assert all(
        line.startswith("#") or "#" in line or "=" in line or not line.strip() or "[" in line
        for line in text.splitlines()
    )


def test_init_cli_writes_a_config_and_refuses_to_overwrite(tmp_path: Path) -> None:
    """`personas init` writes personas.toml that inspect then reads; a second run needs --force."""
    from tests.conftest import run_cli

    folder = tmp_path / "in"
    shutil.copytree(MIXED / "reviews", folder)
    first = run_cli("init", str(folder))
    assert first.returncode == 0, first.stderr
    text = (folder / "personas.toml").read_text(encoding="utf-8")
    assert '[sources."amazon.tsv".columns]' in text and '"star_rating" = "rating"' in text
    again = run_cli("init", str(folder))
    assert again.returncode == 1 and "already exists; use --force" in again.stderr
    assert run_cli("inspect", str(folder)).returncode == 0


@pytest.mark.e2e
def test_mixed_folder_builds_end_to_end(tmp_path: Path) -> None:
    """Every format together builds with the real CLI; run.json has link rates per file."""
    import json

    from tests.conftest import run_cli

    out = tmp_path / "out"
    result = run_cli("build", str(MIXED), "-o", str(out), "--quiet")
    assert result.returncode == 0, result.stderr
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["link_rates"]["orders/shopify_orders.csv"]["link_rate"] == 1.0
    assert run["rows"]["total"] == run["rows"]["used"] + run["rows"]["skipped"]
    keys = (out / "assignments.csv").read_text(encoding="utf-8")
    assert "email:ann.lee@example.com" in keys
