"""run.json as a RunRecord: the same keys, in the same order, with the same bytes as the
plain dict it replaced; older run.json files (fewer keys) still read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from personas.output.folder import OutputFolder
from personas.output.run import RunRecord


def _as_before(run: dict) -> str:  # type: ignore[type-arg]
    """How run.json was written when it was a dict."""
    return json.dumps(run, indent=2, ensure_ascii=False) + "\n"


@pytest.mark.e2e
def test_a_real_run_json_round_trips_byte_for_byte(demo_build: Path) -> None:
    folder = OutputFolder(demo_build)
    raw = folder.run_json.read_text(encoding="utf-8")
    record = folder.read_run()
    assert record.to_json() == raw
    assert list(record.to_data()) == list(json.loads(raw))
    assert record.reused is None and "reused" not in record.to_data()


def test_keys_set_later_go_where_the_dict_put_them() -> None:
    """write_outputs makes the record, the build adds its keys, a reuse adds "reused"."""
    first = {
        "run_schema_version": "1.0",
        "generator": "personas 0",
        "timings_seconds": {},
        "warnings": ["é ünïcode"],
    }
    as_dict = dict(first)
    record = RunRecord.model_validate(first)
    for key, value in (
        ("timings_seconds", {"discover": 0.25}),
        ("redaction_seconds", 0.125),
        ("quality", None),
        ("fingerprint", {"data": "d", "templates": ""}),
        ("outputs", {"index.html": "abc"}),
        ("review", {"applied": 1, "stale": 0, "outcomes": []}),
        ("reused", "everything"),
    ):
        as_dict[key] = value
        setattr(record, key, value)
        assert record.to_json() == _as_before(as_dict)


def test_a_rebuild_without_review_leaves_it_out() -> None:
    run = {"run_schema_version": "1.0", "quality": None, "fingerprint": {"data": "d"}}
    record = RunRecord.model_validate(run)
    record.outputs = {}
    assert record.to_json() == _as_before({**run, "outputs": {}})
    assert "review" not in record.to_data() and '"quality": null' in record.to_json()


def test_an_older_run_json_reads_with_defaults(tmp_path: Path) -> None:
    """A run.json from before some keys existed, or with a key this version does not know."""
    old = {"run_schema_version": "1.0", "config": {"brief_format": "md"}, "later": [1, 2]}
    (tmp_path / "run.json").write_text(_as_before(old), encoding="utf-8")
    record = OutputFolder(tmp_path).read_run()
    assert record.warnings == [] and record.review is None and record.fingerprint == {}
    assert record.to_json() == _as_before(old)


def test_what_is_not_a_run_record_is_a_value_error(tmp_path: Path) -> None:
    folder = OutputFolder(tmp_path)
    folder.run_json.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(ValueError):
        folder.read_run()
    folder.run_json.write_text('{"warnings": 3}', encoding="utf-8")
    with pytest.raises(ValueError):
        folder.read_run()
