"""Property tests: every reader, fed random or damaged bytes, raises nothing but PersonasError."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from personas.config import Config
from personas.errors import PersonasError
from personas.ingest import ingest
from personas.ingest.eml import message_record, parse_message
from personas.ingest.mbox import read_mbox
from personas.ingest.replies import clean_body
from personas.ingest.roles import infer_roles
from personas.ingest.rows import read_records
from personas.ingest.tablefiles import read_tables
from personas.models import Source

FIXTURES = Path(__file__).parent / "fixtures" / "ingest" / "mixed"
SEEDS = {
    "csv": (FIXTURES / "surveys" / "google_forms.csv").read_bytes(),
    "tsv": (FIXTURES / "reviews" / "amazon.tsv").read_bytes(),
    "txt": (FIXTURES / "surveys" / "excel_unicode.txt").read_bytes(),
    "json": (FIXTURES / "support" / "zendesk.json").read_bytes(),
    "jsonl": (FIXTURES / "reviews" / "yotpo.jsonl").read_bytes(),
    "xlsx": (FIXTURES / "surveys" / "surveymonkey.xlsx").read_bytes(),
    "parquet": (FIXTURES / "surveys" / "panel.parquet").read_bytes(),
    "eml": (FIXTURES / "support" / "refund.eml").read_bytes(),
    "mbox": (FIXTURES / "support" / "inbox.mbox").read_bytes(),
}
FUZZ = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@st.composite
def damaged(draw: st.DrawFn, seed: bytes) -> bytes:
    """A seed file cut short, with bytes flipped or inserted, or plain random bytes."""
    how = draw(st.sampled_from(["cut", "flip", "insert", "random"]))
    if how == "random":
        return draw(st.binary(max_size=2048))
    data = bytearray(seed)
    if how == "cut":
        return bytes(data[: draw(st.integers(0, len(data)))])
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, max(0, len(data) - 1)))
        byte = draw(st.integers(0, 255))
        if how == "flip" and data:
            data[at] = byte
        else:
            data.insert(at, byte)
    return bytes(data)


def only_our_errors(action: Callable[[], object]) -> None:
    """Run ``action``; a PersonasError is an acceptable answer, anything else fails the test."""
    with contextlib.suppress(PersonasError):
        action()


def read_all(path: Path, fmt: str) -> None:
    """Read every table of a file, infer roles and read every row, as ingest does."""
    source = Source(path="f", kind="survey", format=fmt, sha256="0", size_bytes=0, reason="test")  # type: ignore[arg-type]
    for table in read_tables(path, fmt, "f"):
        roles, _ = infer_roles("f", "survey", table, Config())
        read_records(source, table, roles)


@pytest.mark.parametrize("fmt", ["csv", "tsv", "txt", "json", "jsonl", "xlsx", "parquet"])
def test_table_readers_raise_only_personas_errors(fmt: str) -> None:
    """Damaged CSV/TSV/TXT/JSON/JSONL/XLSX/Parquet bytes give a table or a PersonasError."""

    @FUZZ
    @given(data=damaged(SEEDS[fmt]))
    def check(data: bytes) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"f.{fmt}"
            path.write_bytes(data)
            only_our_errors(lambda: read_all(path, fmt))

    check()


@pytest.mark.parametrize("fmt", ["eml", "mbox"])
def test_mail_readers_raise_only_personas_errors(fmt: str) -> None:
    """Damaged .eml and .mbox bytes give messages and records, or a PersonasError."""
    source = Source(path="m", kind="support", format=fmt, sha256="0", size_bytes=0, reason="t")

    @FUZZ
    @given(data=damaged(SEEDS[fmt]))
    def check(data: bytes) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"m.{fmt}"
            path.write_bytes(data)

            def read() -> None:
                if fmt == "eml":
                    message_record(source, parse_message(path, "m"), set())
                    return
                for item in read_mbox(path, "m"):
                    if item.message is not None:
                        message_record(source, item.message, set(), item.locator)

            only_our_errors(read)

    check()


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_whole_ingest_never_raises(name: str) -> None:
    """Through discover and ingest, a damaged file becomes issues, never an exception."""
    from personas.ingest.discover import discover

    @FUZZ
    @given(data=damaged(SEEDS[name]))
    def check(data: bytes) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            (folder / f"x.{name}").write_bytes(data)
            (folder / "ok.csv").write_text("Email,Comment\nann.lee@example.com,The boots leak.\n")
            sources, _ = discover(folder, Config())
            result = ingest(folder, sources, Config())
            for acc in result.accounts:
                assert acc.rows_total == acc.rows_used + acc.rows_skipped, acc

    check()


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_clean_body_takes_any_text(text: str) -> None:
    """Reply, greeting and signature stripping accept any text and return text and names."""
    body, names = clean_body(text)
    assert isinstance(body, str) and all(isinstance(n, str) for n in names)
