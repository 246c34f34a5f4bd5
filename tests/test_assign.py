"""Real-time assignment: the bundle, the Assigner, `personas assign`."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pytest

from personas.errors import OutputError
from personas.output.bundle import Bundle, BundleMeta, PersonaRef, load_bundle
from personas.realtime.assign import Assigner, CustomerIn, SessionIn, customers_from_records
from personas.segment.features import CategoryColumn, FeatureEncoder, NumericColumn
from tests.conftest import DEMO, run_cli


def tiny_bundle() -> Bundle:
    """Two personas: young mobile shoppers and older desktop shoppers; no themes."""
    encoder = FeatureEncoder(
        numeric=[NumericColumn(name="age", log=False, mean=45.0, std=15.0)],
        categories=[
            CategoryColumn(
                attribute="device", multi=False, levels=["Mobile", "Desktop"], means=[0.5, 0.5]
            )
        ],
        themes=[],
        voice_means=[],
        scales={"numbers": 1.0, "categories": 1.0, "voice": 1.0},
    )
    meta = BundleMeta(
        generator="test",
        embedding_model="none",
        encoder=encoder,
        personas=[
            PersonaRef(persona_id="p1", name="Maya", label="young"),
            PersonaRef(persona_id="p2", name="Graham", label="older"),
        ],
        themes=[],
        reference_date="2026-04-30",
        temperature=1.0,
        seed=1,
    )
    centres = np.array([[-1.0, 0.5, -0.5], [1.0, -0.5, 0.5]])
    return Bundle(meta=meta, centres=centres, theme_centroids=np.zeros((0, 384), dtype=np.float32))


def test_attributes_only_assignment_with_reasons() -> None:
    """Age and device alone place a customer, with the runner-up and reasons in words."""
    a = Assigner(tiny_bundle())
    young, old = a.assign(
        [
            CustomerIn(id="y", attributes={"age": 22, "device": "Mobile"}),
            CustomerIn(id="o", attributes={"age": 70, "device": "Desktop"}),
        ]
    )
    assert (young.persona_id, old.persona_id) == ("p1", "p2")
    assert young.runner_up is not None and young.runner_up.persona_id == "p2"
    assert young.confidence > young.runner_up.confidence
    assert {r.description for r in young.reasons} >= {"age 22", "device: Mobile"}
    assert young.used == ["history: attributes"]


def test_session_outweighs_history() -> None:
    """The device of the current session replaces the stored one, and the answer says so."""
    a = Assigner(tiny_bundle())
    [out] = a.assign(
        [CustomerIn(attributes={"device": "Desktop"}, session=SessionIn(device="Mobile"))]
    )
    assert out.persona_id == "p1"
    assert out.used == ["history: attributes", "session: device"]


def test_nothing_known_says_so() -> None:
    """An empty request still gets an answer, marked as based on nothing."""
    [out] = Assigner(tiny_bundle()).assign([CustomerIn()])
    assert out.used == ["nothing known: the largest persona"]


def test_validation_limits() -> None:
    """Out-of-range values and unknown fields are rejected at the boundary."""
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        CustomerIn(nps=11)
    with pytest.raises(ValidationError):
        CustomerIn.model_validate({"shoe": 9})


def test_missing_bundle_is_a_clean_error(tmp_path: Path) -> None:
    """A folder without model/ says how to make one."""
    with pytest.raises(OutputError, match="personas build"):
        load_bundle(tmp_path)


@pytest.mark.e2e
def test_bundle_written_and_loadable(demo_build: Path) -> None:
    """The build saves model/bundle.json and arrays.safetensors that load offline."""
    bundle = load_bundle(demo_build)
    doc = json.loads((demo_build / "personas.json").read_text(encoding="utf-8"))
    assert [p.persona_id for p in bundle.meta.personas] == [
        p["persona_id"] for p in doc["personas"]
    ]
    assert bundle.theme_centroids.shape[0] == len(doc["themes"])
    assert np.allclose(np.linalg.norm(bundle.theme_centroids, axis=1), 1.0, atol=1e-4)


@pytest.mark.e2e
def test_own_respondents_agree_with_the_build(demo_build: Path) -> None:
    """The build's own respondents, assigned from raw records, match assignments.csv (>= 95%)."""
    from personas.config import Config
    from personas.ingest import ingest
    from personas.ingest.discover import discover

    config = Config()
    sources, _ = discover(DEMO, config)
    records = [r for r in ingest(DEMO, sources, config).records if r.respondent_key]
    customers = customers_from_records(records)
    results = Assigner(load_bundle(demo_build)).assign(customers)
    with (demo_build / "assignments.csv").open(encoding="utf-8", newline="") as f:
        truth = {r["respondent_key"]: r["persona_id"] for r in csv.DictReader(f)}
    agree = sum(truth[r.id] == r.persona_id for r in results if r.id in truth)
    assert len(results) == len(truth)
    assert agree / len(truth) >= 0.95


@pytest.mark.e2e
def test_assign_cli_json_and_table(demo_build: Path, tmp_path: Path) -> None:
    """`personas assign` reads JSONL requests and raw CSV tables and writes CSV."""
    requests = tmp_path / "new.jsonl"
    requests.write_text(
        '{"id": "a", "attributes": {"age": 68, "device": "Desktop"},'
        ' "texts": ["The website text is far too small to read"]}\n'
        '{"id": "b", "attributes": {"age": 23, "gender": "Woman", "device": "Mobile"}}\n',
        encoding="utf-8",
    )
    result = run_cli("assign", str(demo_build), str(requests))
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["id"] for r in rows] == ["a", "b"] and all(
        r["persona_id"].startswith("p") for r in rows
    )
    table = tmp_path / "people.csv"
    table.write_text(
        "Email,How old are you?,What frustrates you most?\n"
        "x@example.com,70,Tiny labels I cannot read\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.json"
    result = run_cli("assign", str(demo_build), str(table), "-o", str(out))
    assert result.returncode == 0, result.stderr
    [answer] = json.loads(out.read_text(encoding="utf-8"))
    assert answer["id"] == "email:x@example.com" and answer["reasons"]


@pytest.mark.e2e
def test_assign_cli_bad_request_names_the_item(demo_build: Path, tmp_path: Path) -> None:
    """A request with an impossible value fails with the item and field named."""
    bad = tmp_path / "bad.json"
    bad.write_text('[{"id": "a"}, {"id": "b", "nps": 14}]', encoding="utf-8")
    result = run_cli("assign", str(demo_build), str(bad))
    assert result.returncode == 1
    assert "item 2" in result.stderr and "nps" in result.stderr and "Traceback" not in result.stderr


def test_fast_small_batch_encoding_matches_the_model() -> None:
    """The few-texts path gives the same unit vectors as sentence-transformers' encode."""
    from personas.understand.embed import encode, encode_few

    texts = [
        "Delivery charges on small orders",
        "Love the colours!",
        "a much longer sentence " * 20,
    ]
    assert np.allclose(encode_few(texts), encode(texts), atol=1e-5)


def test_light_statements_split_and_redact() -> None:
    """The serve path splits sentences and contrast clauses and redacts patterns without spaCy."""
    from personas.models import Record, TextField
    from personas.realtime.assign import light_statements

    record = Record(
        record_id="request#0",
        source="request",
        source_kind="survey",
        locator="0",
        texts=(
            TextField(
                field="t",
                text="Love the fabric but it shrinks in the wash. Mail me at a@example.com!",
            ),
        ),
    )
    texts = [s.text for s in light_statements([record])]
    assert texts == ["Love the fabric", "but it shrinks in the wash.", "Mail me at [EMAIL]!"]


@pytest.mark.e2e
def test_light_text_path_agrees_with_the_full_one(demo_build: Path) -> None:
    """Assignments from the serve path (no spaCy) match the full path for demo-like texts."""
    customers = [
        CustomerIn(texts=[text])
        for text in (
            "The delivery charge on small orders is a rip off",
            "Staff were lovely on the phone and sorted my return",
            "My shell jacket leaked on the first wet hill walk",
            "Kids wellies always sold out in their size",
            "I want to walk more this winter and keep warm",
        )
    ]
    bundle = load_bundle(demo_build)
    full = [a.persona_id for a in Assigner(bundle).assign(customers)]
    light = [a.persona_id for a in Assigner(bundle, light_text=True).assign(customers)]
    assert full == light
