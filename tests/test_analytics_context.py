"""Analytics exports as report context: scrubbed, capped, measured, rendered, built.

The analytics fixtures (fixtures/ingest/analytics) are synthetic: traffic by source,
users by region and device, and landing pages, one of them carrying an email, a
phone number and a card number in URL parameters as real page reports can.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest

from personas.config import Config
from personas.ingest import ingest
from personas.ingest.discover import discover
from personas.models import ContextTable, SourceAccount
from personas.output.render import render
from personas.synthesize.document import (
    CONTEXT_ROWS,
    AnalyticsTable,
    PersonasDocument,
    analytics_context,
)

HERE = Path(__file__).parent
ANALYTICS = HERE / "fixtures" / "ingest" / "analytics"
TYPEFORM = HERE / "fixtures" / "ingest" / "typeform"
MIXED = HERE / "fixtures" / "ingest" / "mixed"
SAMPLE = HERE / "fixtures" / "sample_document.json"
SCHEMA = HERE.parent / "src" / "personas" / "schema" / "personas.schema.json"
PERSONAL = ("jo.walker@example.com", "07700 900123", "4111 1111 1111 1111")


@pytest.fixture(scope="module")
def context() -> list[AnalyticsTable]:
    sources, _ = discover(ANALYTICS, Config())
    result = ingest(ANALYTICS, sources, Config())
    return analytics_context(result.context, result.accounts)


def _doc(context: list[AnalyticsTable]) -> PersonasDocument:
    doc = PersonasDocument.model_validate_json(SAMPLE.read_text(encoding="utf-8"))
    doc.context = context
    return doc


def test_tables_are_ordered_capped_and_counted(context: list[AnalyticsTable]) -> None:
    """Sorted by source; rows in file order, at most CONTEXT_ROWS, with the true total."""
    assert [t.source for t in context] == [
        "landing_pages.csv",
        "regions.csv",
        "traffic_sources.csv",
    ]
    pages, regions, traffic = context
    assert (len(pages.rows), pages.rows_total) == (CONTEXT_ROWS, 22)
    assert pages.rows[0] == ["/", "5120", "2.1%"]
    assert (len(traffic.rows), traffic.rows_total) == (8, 8)
    assert traffic.rows[1] == ["(direct) / (none)", "1875", "2540", "19.5%", "37.8%"]
    assert regions.rows[-1] == ["Northern Ireland", "mobile", "395", "0.099"]


def test_personal_data_in_cells_is_scrubbed(context: list[AnalyticsTable]) -> None:
    """An email, phone or card in a cell never reaches the document."""
    pages = context[0]
    assert pages.rows[3][0] == "/account/reset?email=[EMAIL]"
    assert pages.rows[4][0] == "/help/contact?phone=[PHONE]"
    assert pages.rows[5][0] == "/checkout/thank-you?card=[CARD]"
    dumped = json.dumps([t.model_dump() for t in context])
    assert not any(p in dumped for p in PERSONAL)


def test_shares_and_numbers_get_bars(context: list[AnalyticsTable]) -> None:
    """Percentages and share fractions are shares of 1; counts scale to the largest shown."""
    traffic = {c.name: c for c in context[2].columns}
    assert traffic["Source / Medium"].measure == "label" and not traffic["Source / Medium"].values
    assert traffic["Share of sessions"].measure == "share"
    assert traffic["Share of sessions"].values[:2] == [0.464, 0.195]
    assert traffic["Share of sessions"].scale == 1.0
    assert (traffic["Users"].measure, traffic["Users"].scale) == ("number", 4210.0)
    assert traffic["Users"].values[-1] == 178.0
    regions = {c.name: c for c in context[1].columns}
    assert regions["Device Category"].measure == "label"
    assert (regions["Share of users"].measure, regions["Share of users"].values[0]) == (
        "share",
        0.31,
    )
    pages = {c.name: c for c in context[0].columns}
    assert len(pages["Sessions"].values) == CONTEXT_ROWS


@pytest.mark.parametrize(
    ("header", "cells", "measure"),
    [
        ("Change", ["+12%", "-3%"], "label"),  # growth: no bar could show it
        ("Share", ["120%", "40%"], "label"),  # above 100% is not a share
        ("Year", ["2024", "2025"], "label"),  # a number, not an amount
        ("Revenue", ["£1,234.50", "£980.00"], "number"),
        ("Conversion rate", ["2.5", "4"], "share"),  # a rate in percent points
        ("Sessions", ["1,200", "n/a"], "label"),  # a value that is not a number
    ],
)
def test_what_a_column_measures(header: str, cells: list[str], measure: str) -> None:
    """Only non-negative amounts and shares within 100% get bars."""
    table = ContextTable(source="a.csv", columns=["Device", header], rows=[["x", c] for c in cells])
    (got,) = analytics_context([table], [])
    assert got.columns[0].measure == "label"
    assert got.columns[1].measure == measure
    if measure == "share":
        assert got.columns[1].values == [0.025, 0.04]


def test_a_source_of_several_tables_counts_each_table_alone() -> None:
    """Two sheets of one workbook: each shows its own row count, not the file's."""
    sheets = [
        ContextTable(source="ga.xlsx", columns=["Device", "Users"], rows=[["mobile", "3"]]),
        ContextTable(source="ga.xlsx", columns=["Region", "Users"], rows=[["Wales", "2"]] * 2),
    ]
    account = SourceAccount(source="ga.xlsx", kind="analytics", rows_total=3, rows_used=3)
    got = analytics_context(sheets, [account])
    assert [t.rows_total for t in got] == [1, 2]


def test_report_and_brief_show_the_context_escaped(
    context: list[AnalyticsTable], tmp_path: Path
) -> None:
    """index.html and brief.md get the section; markup in a cell is shown, never run."""
    hostile = ContextTable(
        source="zz_devices.csv",
        columns=["Device", "Share"],
        rows=[["<script>alert(1)</script>", "60%"], ["desktop | laptop", "40%"]],
    )
    doc = _doc([*context, *analytics_context([hostile], [])])
    jsonschema.validate(json.loads(doc.model_dump_json()), json.loads(SCHEMA.read_text()))
    render(doc, tmp_path)
    html = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert 'id="context"' in html and "Context from analytics" in html
    assert '<a href="#context">' in html
    assert "22 rows; the first 20 shown" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html
    assert "/account/reset?email=[EMAIL]" in html
    assert '<td class="m"><div class="mv"><span>46.4%</span>' in html
    brief = (tmp_path / "brief.md").read_text(encoding="utf-8")
    assert "## Context from analytics" in brief
    assert "**`landing_pages.csv`** — 22 rows, the first 10 shown" in brief
    assert "| google / organic | 4210 | 6032 | 46.4% | 41.2% |" in brief
    assert "| desktop \\| laptop | 40% |" in brief
    assert not any(p in html + brief for p in PERSONAL)


def test_nothing_is_added_without_analytics(tmp_path: Path) -> None:
    """No context: no section, no link, no style (tests/test_golden.py holds the bytes)."""
    render(_doc([]), tmp_path)
    html = (tmp_path / "index.html").read_text(encoding="utf-8")
    brief = (tmp_path / "brief.md").read_text(encoding="utf-8")
    assert "context" not in html.lower() and "analytics" not in brief.lower()


@pytest.mark.e2e
def test_mixed_folder_with_typeform_options_and_analytics_builds(tmp_path: Path) -> None:
    """The real CLI: option columns become one answer list, analytics reach every document."""
    from tests.conftest import run_cli

    folder = tmp_path / "in"
    shutil.copytree(MIXED, folder)
    shutil.copy(TYPEFORM / "typeform_multiselect.csv", folder / "surveys")
    for path in sorted(ANALYTICS.glob("*.csv")):
        shutil.copy(path, folder / "analytics")
    out = tmp_path / "out"
    result = run_cli("build", str(folder), "-o", str(out), "--quiet")
    assert result.returncode == 0, result.stderr

    doc = json.loads((out / "personas.json").read_text(encoding="utf-8"))
    jsonschema.validate(doc, json.loads(SCHEMA.read_text(encoding="utf-8")))
    sources = [t["source"] for t in doc["context"]]
    assert sources == [
        "analytics/devices.csv",
        "analytics/landing_pages.csv",
        "analytics/regions.csv",
        "analytics/traffic_sources.csv",
    ]
    traffic = doc["context"][3]
    assert traffic["rows"][0] == ["google / organic", "4210", "6032", "46.4%", "41.2%"]
    html = (out / "index.html").read_text(encoding="utf-8")
    brief = (out / "brief.md").read_text(encoding="utf-8")
    assert "Context from analytics" in html and "## Context from analytics" in brief
    for shown in ("google / organic", "North West England", "/collections/waterproofs"):
        assert shown in html and shown in brief
    everything = "".join(
        p.read_text(encoding="utf-8", errors="replace")
        for p in out.rglob("*")
        if p.is_file() and p.suffix in (".html", ".md", ".json")
    )
    assert not any(p in everything for p in PERSONAL)

    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    accounts = {a["source"]: a for a in run["rows"]["by_source"]}
    for name, total in (("landing_pages", 22), ("regions", 6), ("traffic_sources", 8)):
        account = accounts[f"analytics/{name}.csv"]
        assert (account["rows_total"], account["rows_used"]) == (total, total)
    assert run["rows"]["total"] == run["rows"]["used"] + run["rows"]["skipped"]
    roles = [r for r in run["column_roles"] if r["source"] == "surveys/typeform_multiselect.csv"]
    grouped = {r["column"] for r in roles if r["group"] == "Choices: Hiking / Camping / Climbing…"}
    assert grouped == {"Hiking", "Camping", "Climbing", "Mountaineering", "Trail running"}


def test_inspect_prints_analytics_headers_as_written(tmp_path: Path) -> None:
    """A header that looks like console markup ("[bold]Users") is printed as it is."""
    import os
    import subprocess
    import sys

    folder = tmp_path / "in"
    shutil.copytree(MIXED, folder)
    (folder / "traffic.csv").write_text(
        "Source / Medium,[bold]Users,Sessions\ngoogle / organic,4210,6032\n"
        "(direct) / (none),1875,2540\n",
        encoding="utf-8",
    )
    exe = Path(sys.executable).with_name("personas")
    result = subprocess.run(
        [str(exe), "inspect", str(folder)],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "240"},
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    [context] = [line for line in result.stdout.splitlines() if "Context: traffic.csv" in line]
    assert "[bold]Users" in context
