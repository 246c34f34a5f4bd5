"""Unit tests for the discover stage: which files are read, and as what kind."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from personas.config import Config, SourceOverride
from personas.errors import InputError, NoUsableInput
from personas.ingest.discover import discover, table_kind
from personas.ingest.tables import Column, Table

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
SHOP = FIXTURES / "shop"


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("orders.csv", "orders"),
        ("reviews.csv", "reviews"),
        ("social/comments.json", "social"),
        ("support/0001-quoted.eml", "support"),
        ("survey.csv", "survey"),
    ],
)
def test_kind_is_sniffed_from_headers(path: str, kind: str) -> None:
    """Each sample file gets the kind its headers (or extension) say, with a reason."""
    sources, _ = discover(SHOP, Config())
    found = {s.path: s for s in sources}
    assert found[path].kind == kind
    assert found[path].reason


def test_sources_are_sorted_with_hashes_and_sizes() -> None:
    """Sources come sorted by posix path and carry the sha256 and size of their bytes."""
    sources, _ = discover(SHOP, Config())
    paths = [s.path for s in sources]
    assert paths == sorted(paths)
    orders = next(s for s in sources if s.path == "orders.csv")
    data = (SHOP / "orders.csv").read_bytes()
    assert orders.sha256 == hashlib.sha256(data).hexdigest()
    assert orders.size_bytes == len(data)
    assert orders.format == "csv"


def test_unsupported_files_are_reported_and_hidden_ones_passed_over(tmp_path: Path) -> None:
    """A .md file is reported as ignored; hidden files and folders are not read or reported."""
    shutil.copytree(SHOP, tmp_path / "in")
    (tmp_path / "in" / ".git").mkdir()
    (tmp_path / "in" / ".git" / "log.csv").write_text("a,b\n1,2\n")
    (tmp_path / "in" / ".~lock.survey.csv#").write_text("x")
    (tmp_path / "in" / "sheet.ods").write_bytes(b"PK")
    sources, issues = discover(tmp_path / "in", Config())
    assert [(i.source, i.locator, i.reason) for i in issues] == [
        ("notes.md", None, "ignored: unsupported file type .md"),
        (
            "sheet.ods",
            None,
            "ignored: unsupported file type .ods: an OpenDocument spreadsheet; "
            "save it as .xlsx or CSV to include it",
        ),
    ]
    assert not any(s.path.startswith(".") for s in sources)


def test_config_overrides_kind_and_skips_files(tmp_path: Path) -> None:
    """personas.toml can force a kind or skip a file; the reason says so."""
    shutil.copytree(SHOP, tmp_path / "in")
    config = Config(
        sources={
            "survey.csv": SourceOverride(kind="reviews"),
            "orders.csv": SourceOverride(skip=True),
            "missing.csv": SourceOverride(skip=True),
        }
    )
    sources, issues = discover(tmp_path / "in", config)
    found = {s.path: s for s in sources}
    assert found["survey.csv"].kind == "reviews"
    assert found["survey.csv"].reason.startswith("set in personas.toml")
    assert "orders.csv" not in found
    reasons = {i.source: i.reason for i in issues}
    assert reasons["orders.csv"] == "skipped: personas.toml sets skip = true"
    assert "not in the folder" in reasons["missing.csv"]


def test_personas_toml_and_output_folders_are_not_inputs(tmp_path: Path) -> None:
    """The config file and a previous build's output folder are never read as data."""
    (tmp_path / "survey.csv").write_text("Timestamp,Why?\n2026-01-01,Because it is good value\n")
    (tmp_path / "personas.toml").write_text("seed = 1\n")
    out = tmp_path / "out"
    out.mkdir()
    (out / "run.json").write_text("{}")
    (out / "personas.json").write_text("{}")
    (out / "themes.csv").write_text("theme_id,label\n")
    sources, issues = discover(tmp_path, Config())
    assert [s.path for s in sources] == ["survey.csv"]
    assert issues == []


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    """A folder that does not exist raises InputError naming it."""
    with pytest.raises(InputError, match="folder not found"):
        discover(tmp_path / "nope", Config())


def test_folder_without_supported_files_is_a_clear_error(tmp_path: Path) -> None:
    """A folder with only unsupported files raises NoUsableInput listing the formats."""
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(NoUsableInput, match=r"no supported files \(csv, tsv, txt, xlsx, json"):
        discover(tmp_path, Config())


@pytest.mark.parametrize(
    ("headers", "kind"),
    [
        (["Timestamp", "Email Address", "How old are you?"], "survey"),
        (["product_handle", "state", "rating", "title", "body"], "reviews"),
        (["Clothing ID", "Age", "Title", "Review Text", "Rating"], "reviews"),
        (["Name", "Email", "Created at", "Total", "Shipping Method"], "orders"),
        (["Order ID", "Customer Email", "Amount", "Why did you buy?"], "survey"),
        (["a", "b"], "survey"),
    ],
)
def test_table_kind_from_headers(headers: list[str], kind: str) -> None:
    """Reviews need rating + text, orders need amount + customer and no free text."""
    table = Table(columns=[Column(name=h, question=h) for h in headers], rows=[])
    assert table_kind(table)[0] == kind
