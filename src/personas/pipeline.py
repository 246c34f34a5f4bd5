"""Wire the stages together: one ``build()`` from input folder to output folder.

Stages are plain functions; this module only passes their typed outputs
along, times them, keeps the row accounting and reports progress through a
``Progress`` hook (the CLI draws bars with it; the library never prints).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from personas.artefacts import BuildArtefacts
from personas.config import Config
from personas.errors import NoUsableInput
from personas.history.baseline import carry_segments, carry_themes, load_baseline
from personas.ingest import ingest
from personas.ingest.accounting import refuse_skips
from personas.ingest.discover import discover
from personas.ingest.identity import build_respondents, link_rates
from personas.ingest.inputs import BuildInputs
from personas.models import EditOutcome, RowIssue, Source, Statement, Theme
from personas.offline import force_offline
from personas.output.folder import OutputFolder
from personas.output.render import render, write_brief_format
from personas.output.result import BuildResult
from personas.output.reuse import build_fingerprint, output_digests, reuse_build
from personas.output.store import Store
from personas.output.tables import run_record, write_tables
from personas.stages import NoProgress, Progress, StageTimer, steady_heap, usual_heap
from personas.synthesize.document import PersonasDocument
from personas.synthesize.quality import quality_section

if TYPE_CHECKING:
    from personas.engine import Engine
    from personas.history.baseline import Baseline
    from personas.understand.embed import Embeddings
    from personas.understand.prepare import PrepareResult


def build(
    input_dir: Path,
    out_dir: Path,
    config: Config,
    progress: Progress | None = None,
    templates_dir: Path | None = None,
    force: bool = False,
    baseline: Path | None = None,
) -> BuildResult:
    """Read every export under ``input_dir`` and write the personas to ``out_dir``.

    A rebuild whose inputs, settings and code are unchanged reuses the earlier
    outputs (re-rendering them if only the templates changed); ``force`` builds
    from scratch anyway. See ``personas.output.reuse``. With ``baseline`` (an earlier
    output folder) matched personas and themes keep its ids (``personas.history.baseline``)."""
    force_offline()
    if config.engine == "ray":  # a Ray driver runs no torch inference: steady from the start
        steady_heap()
    base = load_baseline(baseline) if baseline is not None else None
    timer = StageTimer(progress or NoProgress())
    with timer.stage("discover"):
        sources, file_issues = discover(input_dir, config)
    fingerprint = build_fingerprint(
        sources, file_issues, config, templates_dir, base.digest if base else None
    )
    if not force:
        reused = reuse_build(out_dir, fingerprint, templates_dir, config, timer)
        if reused is not None:
            return reused
    folder = OutputFolder(out_dir)
    folder.prepare()
    inputs = _read(input_dir, sources, file_issues, config, timer)
    store = Store(folder.database)
    try:
        artefacts = _understand(inputs, config, timer, store, base)
        with timer.stage("synthesize"):
            document = _synthesize(artefacts, config, base)
            review, stale = _review_personas(document, config, artefacts.outcomes)
        with timer.stage("quality"):  # before render: the report shows it
            records = artefacts.inputs.records
            document.quality = quality_section(
                artefacts.statements,
                artefacts.themes,
                artefacts.model,
                document.personas,
                link_rates(records),
            )
        warnings = document.quality.warnings + stale
        with timer.stage("render"):
            written = _write(out_dir, artefacts, document, config, store, templates_dir)
        with timer.stage("bundle"):
            written += _save_bundle(out_dir, document, artefacts)
    finally:
        store.close()
        usual_heap()  # set steady for the analysis (``_understand``)
    run = run_record(artefacts, config, document, timer, fingerprint, warnings, review)
    run.outputs = output_digests(out_dir, written)
    run.write(folder.run_json)
    return BuildResult(
        out_dir=out_dir, document=document, run=run, written=written, warnings=warnings
    )


def _synthesize(
    artefacts: BuildArtefacts, config: Config, base: Baseline | None
) -> PersonasDocument:
    """The personas document, with the baseline's names and link, and the trends. Imported
    here, not above: synthesis pulls in scikit-learn, which the engine's fork need not wait for."""
    from personas.history.baseline import carry_document, taken_names  # after the fork
    from personas.history.trends import theme_trends
    from personas.synthesize.assemble import assemble_document

    document = assemble_document(artefacts, config, taken_names(base) if base else None)
    if base is not None:
        carry_document(base, document, artefacts.model, config.names is not False)
    document.trends = theme_trends(artefacts.inputs.records, artefacts.statements, artefacts.themes)
    return document


def _read(
    input_dir: Path,
    sources: list[Source],
    file_issues: list[RowIssue],
    config: Config,
    timer: StageTimer,
) -> BuildInputs:
    """Ingest and identity: the records of every file, and the people behind them."""
    with timer.stage("ingest", len(sources)):
        ingested = ingest(input_dir, sources, config)
    if config.strict:
        refuse_skips(file_issues, ingested)
    if not any(r.texts for r in ingested.records):
        raise NoUsableInput(
            f"{input_dir}: no customer text found in {len(sources)} file(s); "
            "run `personas inspect` to see what was read and why rows were skipped"
        )
    with timer.stage("identity"):
        respondents = build_respondents(ingested.records)
    return BuildInputs(input_dir, sources, file_issues, ingested, respondents)


def _write(
    out_dir: Path,
    artefacts: BuildArtefacts,
    document: PersonasDocument,
    config: Config,
    store: Store,
    templates_dir: Path | None,
) -> list[Path]:
    """The documents, the report, the brief, personas.json, the CSVs and the database."""
    written = render(document, out_dir, templates_dir)
    written += write_tables(out_dir, artefacts, document, config, store)
    written.append(OutputFolder(out_dir).run_json)  # written last, once every timing is known
    return sorted(written + write_brief_format(out_dir, config.brief_format))


def _review_personas(
    document: PersonasDocument, config: Config, theme_outcomes: list[EditOutcome]
) -> tuple[dict[str, Any] | None, list[str]]:
    """Persona edits applied to ``document``; the run.json "review" section (None without
    edits) and a warning for each edit that no longer finds what it changed."""
    from personas.review.apply import apply_persona_edits, review_section, stale_warnings

    if not config.review.edits:
        return None, []
    document.personas, persona_outcomes = apply_persona_edits(document.personas, config.review)
    outcomes = theme_outcomes + persona_outcomes
    return review_section(outcomes), stale_warnings(outcomes)


def _understand(
    inputs: BuildInputs, config: Config, timer: StageTimer, store: Store, base: Baseline | None
) -> BuildArtefacts:
    """The engine's per-statement work (prepare, embed, themes' nearest centres) and the
    driver's: classification, fitting themes, then segments, reviewed edits, statistics."""
    from personas.engine import open_engine

    with open_engine(config, store.path.parent) as engine:
        prepared, pipeline_name, embeddings = _prepare_and_embed(engine, inputs, timer, store)
        steady_heap()  # from here on, big blocks go back to the system when freed
        from personas.understand.classify import classify_statements  # after the fork
        from personas.understand.labels import tidy
        from personas.understand.themes import THEMED_KINDS, fit_themes

        counts: dict[str, Any] = {**prepared.counts, "spacy_pipeline": pipeline_name}
        counts["embeddings_cached"] = embeddings.cached
        with timer.stage("classify", len(prepared.statements)):
            by_id = inputs.records.by_id()  # the record table's id index, not a dict
            statements = classify_statements(  # in place: the build's own statements
                prepared.statements, by_id, embeddings.vectors, seed=config.seed, in_place=True
            )
        with timer.stage("themes", len(THEMED_KINDS)) as advance:
            themes, statements, theme_counts = fit_themes(
                statements,
                embeddings,
                config.seed,
                advance,
                taxonomy=config.themes,
                sample=config.fit_sample_statements,
                assign=engine.nearest_themes,  # the Ray engine: on the workers
                in_place=True,
            )
    counts.update(theme_counts)
    if base is not None:
        seeded = {tidy(t.name) for t in config.themes}
        themes, statements = carry_themes(base, themes, statements, embeddings, seeded, counts)
    artefacts = _segment(inputs, statements, themes, embeddings, config, timer, counts, base)
    artefacts.redaction_seconds = round(prepared.redact_seconds, 3)
    return artefacts


def _segment(
    inputs: BuildInputs,
    statements: Sequence[Statement],
    themes: list[Theme],
    embeddings: Embeddings,
    config: Config,
    timer: StageTimer,
    counts: dict[str, Any],
    base: Baseline | None,
) -> BuildArtefacts:
    """People into segments, their stability, the reviewers' theme edits, the statistics."""
    from personas.review.apply import apply_theme_edits
    from personas.segment.features import encode_people
    from personas.segment.fit import attribute_anonymous, segment_respondents
    from personas.segment.stability import measure_stability
    from personas.segment.stats import segment_stats

    respondents = inputs.respondents
    with timer.stage("segment"):
        encoder, features = encode_people(respondents, statements)
        model = segment_respondents(features, config)
        model = attribute_anonymous(model, statements, embeddings)
    with timer.stage("stability"):
        model = measure_stability(model, features, config.seed, config.fit_sample_people)
    if len(features.keys) > config.fit_sample_people:  # run.json "texts": say so
        counts["segments_fitted_on_respondents"] = config.fit_sample_people
        counts["respondents_segmented"] = len(features.keys)
    if base is not None:
        model = carry_segments(base, model, respondents, statements)
    with timer.stage("review"):
        reviewed = apply_theme_edits(themes, statements, model, config.review)
    with timer.stage("stats"):
        kinds = {s.path: s.kind for s in inputs.sources}
        stats = segment_stats(respondents, reviewed.statements, reviewed.themes, model, kinds)
    return BuildArtefacts(
        inputs,
        reviewed.statements,
        reviewed.themes,
        embeddings,
        reviewed.model,
        stats,
        encoder,
        counts,
        found_themes=themes,
        found_statements=statements,
        rejected=reviewed.rejected,
        outcomes=reviewed.outcomes,
    )


def _prepare_and_embed(
    engine: Engine, inputs: BuildInputs, timer: StageTimer, store: Store
) -> tuple[PrepareResult, str, Embeddings]:
    """The engine's part of a build: statements, then their vectors."""
    n_texts = sum(len(r.texts) for r in inputs.records)
    with timer.stage("prepare", n_texts) as advance:
        prepared, pipeline_name = engine.prepare(inputs.records, advance)
        inputs.ingested.records = inputs.records.without_texts()  # in statements now
    if not prepared.statements:
        raise NoUsableInput(
            "no statements left after cleaning: every text was empty or boilerplate"
        )
    with timer.stage("embed", len(prepared.statements)) as advance:
        statements = prepared.statements  # a table: its columns, nothing copied
        embeddings = engine.embed(statements.ids(), statements.texts(), store, advance)
    return prepared, pipeline_name, embeddings


def _save_bundle(
    out_dir: Path, document: PersonasDocument, artefacts: BuildArtefacts
) -> list[Path]:
    from personas.ingest.identity import newest_order_date
    from personas.output.bundle import save_bundle, theme_centroids

    themes = artefacts.found_themes or artefacts.themes  # the segmentation's features name these
    newest = newest_order_date(artefacts.inputs.records)
    return save_bundle(
        out_dir,
        document=document,
        encoder=artefacts.encoder,
        model=artefacts.model,
        themes=themes,
        centroids=theme_centroids(
            themes, artefacts.found_statements or artefacts.statements, artefacts.embeddings
        ),
        embedding_model=artefacts.embeddings.model,
        reference_date=newest.isoformat() if newest else None,
    )
