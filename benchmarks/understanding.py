"""Statement understanding on real, human-labelled data: kinds and themes.

Run with ``.venv/bin/python benchmarks/understanding.py`` (about 6–8 minutes
on 2 cores; ``--full`` uses every clothing review and takes far longer).

Data (read from ../shared/data beside the repository, never copied):

- the R community survey 2019: "What do you like best about using R?" answers
  are motivations, "What do you like least ...?" answers are pain points;
- women's clothing reviews with weak labels: statements of 1–2 star reviews
  that are not recommended are pain points, of 5 star recommended ones
  motivations (a seeded, balanced sample of ``--reviews`` reviews by default).

Statement kinds, accuracy against those labels:

- text only: question wording, field, source, rating and NPS hidden; the text
  of the statement (and of the rest of its answer) is all the classifier sees;
- text only + classifier: each fifth of the respondents in turn has its
  question/rating hidden, while the classifier trained at build time learns
  from the other four fifths (how statements without a question, such as social
  comments or support mail, are classified in a real build);
- all signals: what ``personas build`` does; its calibration error (ECE over ten
  bins) says whether a statement's ``kind_confidence`` can be read as the
  chance it is right.

Themes, on the same statements: NPMI coherence (top 10 words per theme, document
co-occurrence in these statements) and topic diversity (share of unique words
among all themes' top 10) for our themes, BERTopic with its defaults (UMAP +
HDBSCAN, seeded UMAP so the table is reproducible) and scikit-learn's LDA with
as many topics as ours; outlier share (statements left without a theme) and
seconds. Top words come from the same c-TF-IDF for every clustering method.
NPMI is ``personas.synthesize.quality.npmi`` (every pair judged, statements as documents:
the textbook measure, so the methods compare on the same footing), the same
code that scores a build's own themes in its quality section.

``--json PATH`` also writes the tables (``make bench`` collects them).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
SURVEY = DATA / "surveys"
REVIEWS = DATA / "reviews" / "womens_clothing_ecommerce_reviews.csv"
FOLDS = 5
TOP_WORDS = 10
THEME_HEADER = [
    *("data", "kind", "statements", "method", "themes"),
    *("NPMI", "diversity", "outliers", "seconds"),
]


def load(folder: Path, store_dir: Path):  # type: ignore[no-untyped-def]
    """Records, statements and embeddings of every file under ``folder``, as a build reads them."""
    from personas.config import Config
    from personas.ingest import ingest
    from personas.ingest.discover import discover
    from personas.output.store import Store
    from personas.understand.embed import embed_texts
    from personas.understand.prepare import load_nlp, prepare_statements

    sources, _ = discover(folder, Config())
    records = ingest(folder, sources, Config()).records
    nlp, name = load_nlp()
    statements = prepare_statements(records, nlp, name).statements
    store = Store(store_dir / f"{folder.name}.duckdb")
    try:
        ids = [s.statement_id for s in statements]
        embeddings = embed_texts(ids, [s.text for s in statements], store)
    finally:
        store.close()
    return {r.record_id: r for r in records}, statements, embeddings


def review_sample(n: int | None, seed: int, folder: Path) -> None:
    """Write a balanced, seeded sample of weakly labelled reviews (all reviews if n is None)."""
    import pandas as pd

    df = pd.read_csv(REVIEWS)
    df = df[df["Review Text"].notna()]
    if n is not None:
        neg = df[(df["Rating"] <= 2) & (df["Recommended IND"] == 0)]
        pos = df[(df["Rating"] == 5) & (df["Recommended IND"] == 1)]
        df = pd.concat(
            [neg.sample(n // 2, random_state=seed), pos.sample(n // 2, random_state=seed)]
        )
    df.sort_index().to_csv(folder / "reviews.csv", index=False)


def survey_truth(statement, record) -> str | None:  # type: ignore[no-untyped-def]
    question = (statement.question or "").lower()
    return "motivation" if "like best" in question else "pain" if "like least" in question else None


def review_truth(statement, record) -> str | None:  # type: ignore[no-untyped-def]
    recommended = str(record.attributes.get("Recommended IND", ""))
    if record.rating is not None and record.rating <= 2 and recommended == "0":
        return "pain"
    if record.rating == 5 and recommended == "1":
        return "motivation"
    return None


def hide(statement):  # type: ignore[no-untyped-def]
    """The statement as if its question, field, source and record were unknown."""
    field = "answer-" + hashlib.sha1(statement.field.encode()).hexdigest()[:8]
    return statement.model_copy(
        update={"question": None, "field": field, "record_id": "hidden:" + statement.record_id}
    )


def kind_accuracy(records, statements, vectors, truth, seed: int):  # type: ignore[no-untyped-def]
    """Accuracies of the three runs, and the statements as the full build classifies them."""
    from personas.understand.classify import classify_statements
    from personas.understand.embed import encode
    from personas.understand.kinds import embed_examples

    examples = embed_examples(encode)
    labels = [truth(s, records[s.record_id]) for s in statements]
    scored = [i for i, t in enumerate(labels) if t is not None]

    def accuracy(kinds: list[str]) -> float:
        return sum(kinds[i] == labels[i] for i in scored) / len(scored)

    hidden = [hide(s) for s in statements]
    text = classify_statements(hidden, {}, vectors, examples=examples, seed=seed, use="text")
    every = classify_statements(statements, records, vectors, examples=examples, seed=seed)
    fold = [int(hashlib.sha1(s.record_id.encode()).hexdigest(), 16) % FOLDS for s in statements]
    crossed = [""] * len(statements)
    for f in range(FOLDS):
        mixed = [hidden[i] if fold[i] == f else s for i, s in enumerate(statements)]
        out = classify_statements(mixed, records, vectors, examples=examples, seed=seed)
        for i, s in enumerate(out):
            if fold[i] == f:
                crossed[i] = s.kind
    return {
        "statements": len(scored),
        "text only": accuracy([s.kind for s in text]),
        "text only + classifier": accuracy(crossed),
        "all signals": accuracy([s.kind for s in every]),
        "calibration error (all signals)": calibration_error(
            [every[i].kind_confidence for i in scored], [every[i].kind == labels[i] for i in scored]
        ),
    }, every


def calibration_error(confidence: list[float], correct: list[bool], bins: int = 10) -> float:
    """Expected calibration error: over ten confidence bins, the gap between the
    mean confidence and the accuracy, weighted by the bin's share of statements.
    0 means a statement given confidence 0.8 is right 80% of the time."""
    conf, right = np.asarray(confidence, dtype=float), np.asarray(correct, dtype=float)
    which = np.minimum((conf * bins).astype(int), bins - 1)
    return float(
        sum(
            abs(right[which == b].mean() - conf[which == b].mean()) * np.mean(which == b)
            for b in range(bins)
            if np.any(which == b)
        )
    )


def _tokenizer():  # type: ignore[no-untyped-def]
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer

    from personas.understand.themes import EXTRA_STOP_WORDS

    stop = sorted(set(ENGLISH_STOP_WORDS) | set(EXTRA_STOP_WORDS))
    return CountVectorizer(stop_words=stop, token_pattern=r"(?u)\b[a-zA-Z][a-zA-Z'-]+\b", min_df=2)


def ctfidf_top(counts, vocab, labels: np.ndarray) -> list[list[str]]:  # type: ignore[no-untyped-def]
    """Top words per cluster by BERTopic's c-TF-IDF: tf(t, c) * log(1 + A / f(t))."""
    topics = sorted(t for t in set(labels.tolist()) if t >= 0)
    tf = np.vstack([np.asarray(counts[labels == t].sum(axis=0)).ravel() for t in topics])
    avg = tf.sum() / max(len(topics), 1)
    weights = tf * np.log1p(avg / np.maximum(tf.sum(axis=0), 1))
    return [[vocab[j] for j in np.argsort(-w, kind="stable")[:TOP_WORDS]] for w in weights]


def diversity(topics: list[list[str]]) -> float:
    words = [w for t in topics for w in t]
    return len(set(words)) / max(len(words), 1)


def theme_rows(name: str, statements, embeddings, seed: int) -> list[list[str]]:  # type: ignore[no-untyped-def]
    from bertopic import BERTopic
    from sklearn.decomposition import LatentDirichletAllocation
    from umap import UMAP

    from personas.synthesize.quality import npmi
    from personas.understand.embed import Embeddings
    from personas.understand.themes import fit_themes

    rows: list[list[str]] = []
    for kind in ("pain", "motivation"):
        idx = [i for i, s in enumerate(statements) if s.kind == kind]
        docs = [statements[i].text for i in idx]
        vecs = embeddings.vectors[idx]
        vec = _tokenizer()
        counts = vec.fit_transform(docs)
        vocab = vec.get_feature_names_out()
        binary = (counts > 0).astype(np.float64)
        index = {w: j for j, w in enumerate(vocab)}
        sub = [statements[i] for i in idx]
        emb = Embeddings(ids=tuple(s.statement_id for s in sub), vectors=vecs, model="", cached=0)
        t0 = time.perf_counter()
        themes, themed, _ = fit_themes(sub, emb, seed)
        ours_time = time.perf_counter() - t0
        order = {t.theme_id: j for j, t in enumerate(themes)}
        ours = np.array([order.get(s.theme_id, -1) if s.theme_id else -1 for s in themed])
        t0 = time.perf_counter()
        umap = UMAP(
            n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=seed
        )
        vanilla = np.array(BERTopic(umap_model=umap).fit_transform(docs, embeddings=vecs)[0])
        vanilla_time = time.perf_counter() - t0
        t0 = time.perf_counter()
        lda = LatentDirichletAllocation(n_components=max(len(themes), 2), random_state=seed)
        topic_words = lda.fit(counts).components_
        lda_time = time.perf_counter() - t0
        lda_top = [
            [vocab[j] for j in np.argsort(-w, kind="stable")[:TOP_WORDS]] for w in topic_words
        ]
        for method, labels, top, secs in (
            ("ours", ours, ctfidf_top(counts, vocab, ours), ours_time),
            ("BERTopic defaults", vanilla, ctfidf_top(counts, vocab, vanilla), vanilla_time),
            ("LDA (scikit-learn)", np.zeros(len(docs), int), lda_top, lda_time),
        ):
            rows.append(
                [
                    name,
                    kind,
                    str(len(docs)),
                    method,
                    str(len(top)),
                    f"{npmi(top, binary, index):+.3f}",
                    f"{diversity(top):.2f}",
                    f"{float(np.mean(labels < 0)):.1%}",
                    f"{secs:.1f}",
                ]
            )
    return rows


def table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(r: list[str]) -> str:
        return "| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)) + " |"

    return "\n".join(
        [line(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *map(line, rows)]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reviews", type=int, default=1000, help="balanced review sample size")
    parser.add_argument("--full", action="store_true", help="every review (slow)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--json", type=Path, help="also write the tables to this file")
    args = parser.parse_args()
    if not SURVEY.is_dir() or not REVIEWS.is_file():
        sys.exit(f"skipped: {DATA} is not beside the repository")
    from personas.offline import force_offline

    force_offline()
    kind_rows: list[list[str]] = []
    theme_table: list[list[str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        reviews = Path(tmp) / "reviews"
        reviews.mkdir()
        review_sample(None if args.full else args.reviews, args.seed, reviews)
        for name, folder, truth in (
            ("R survey 2019", SURVEY, survey_truth),
            ("clothing reviews", reviews, review_truth),
        ):
            records, statements, embeddings = load(folder, Path(tmp))
            acc, classified = kind_accuracy(
                records, statements, embeddings.vectors, truth, args.seed
            )
            kind_rows.append(
                [name, str(acc.pop("statements"))] + [f"{v:.3f}" for v in acc.values()]
            )
            theme_table += theme_rows(name, classified, embeddings, args.seed)
    kind_header = [
        *("data", "statements", "text only", "text only + classifier", "all signals"),
        "calibration error (all signals)",
    ]
    print("Statement kinds: accuracy against the human / weak labels\n")
    print(table(kind_header, kind_rows))
    print("\nThemes on the same statements (kinds from all signals)\n")
    print(table(THEME_HEADER, theme_table))
    if args.json:
        tables = {
            "reviews": "every review" if args.full else f"balanced sample of {args.reviews}",
            "kinds": [dict(zip(kind_header, r, strict=True)) for r in kind_rows],
            "themes": [dict(zip(THEME_HEADER, r, strict=True)) for r in theme_table],
        }
        args.json.write_text(json.dumps(tables, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
