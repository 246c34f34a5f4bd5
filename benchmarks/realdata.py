"""Real, labelled corpora built with their labels removed, then scored against those labels.

Run with ``.venv/bin/python benchmarks/realdata.py`` (about 10 minutes on 2
cores; ``--full`` builds every row of every corpus and takes far longer).

Corpora: every labelled real corpus under ../shared/data (``CORPORA`` below:
one entry per corpus), plus any ``--extra PATH`` (repeatable): a TOML manifest
or a folder of them (``benchmarks/realdata-corpora/`` describes the corpora
collected in /work/corpora-ext). A manifest has the fields of ``Corpus``::

    name = "restaurant-reviews"
    path = "../../../corpora-ext/restaurant-reviews/Restaurant_Reviews.tsv"  # from the manifest
    sep = "\\t"                      # delimiter, default ","
    encoding = "utf-8"              # read and written back in it, default utf-8
    drop = ["Liked"]                # label columns removed from the input
    categories = []                 # label columns for theme and persona NMI
    kind_column = "Liked"           # a row's kind from one of its values ...
    kind_values = {0 = "pain", 1 = "motivation"}
    # kind_questions = {"like best" = "motivation"}  # ... or from the column it answered
    # kind_constant = "pain"                          # ... or the same for every row
    sample = 1500                   # rows in the default run (seeded), all with --full

For each corpus, the needed rows (a seeded sample; ``--full``: all) and every
column but the label columns are copied into ``benchmarks/out/realdata/NAME/``
(gitignored; never into the tracked tree), in the source's delimiter and
encoding, and ``personas build`` runs on that folder as a user would run it.
Everything is scored from the build's outputs only (statements.csv, themes.csv,
assignments.csv, personas.json, personas.duckdb), never from internals:

- build: exit code and, when it is not 0 or a traceback was printed, the last
  line of its error; wall time of the build;
- kind accuracy: the share of statements whose kind is the row's labelled kind.
  A statement's row is its ``locator`` ("row N" of the copied file); for a
  survey, the question it answered is the labelled text column of that row
  sharing most of its words. Reviews: rating 1–2 = pain, 5 = motivation
  (every statement of the review; a weak label, since a 5-star review may say
  what went wrong); the rating and recommendation are dropped from the input,
  so the build judges the text alone. Surveys: "like least" = pain, "like
  best" = motivation; the question columns are the survey's own text and stay
  in the input, so the build sees the question wording (the upper figure;
  benchmarks/understanding.py measures text only);
- themes vs the category label (the first of ``categories`` in the table, all
  in the JSON): NMI and purity over themed statements whose row has one;
- the same for vanilla BERTopic (defaults: UMAP seeded with ``random_state``,
  HDBSCAN default) on the same statements of each themed kind, with the same
  embeddings (the build's personas.duckdb cache, through personas.understand.embed) and
  ``nr_topics`` = our number of themes of that kind (plus one: BERTopic counts
  its outlier topic among them), over the statements it put in a topic (its
  outlier share is in the JSON; leaving outliers out favours BERTopic);
- personas vs the label: NMI between each respondent's persona
  (assignments.csv) and the label of its row(s) (the category, else the kind
  label); a respondent's rows come from personas.duckdb's records, else from
  its statements;
- label hygiene: theme labels (themes.csv) and persona labels (personas.json)
  with a placeholder, a mask (XXXX, ***), profanity or a lone generic word
  (``label_problems``); must be 0.

Choices per corpus are in ``CORPORA``: clothing reviews drop Rating and
Recommended IND (kind labels) and Division / Department / Class Name (the
category labels: Department Name in the table, Class Name in the JSON); the R
surveys drop the work category and industry answers (category labels, and each
other's proxy), the Spanish survey its obstacle answer ("mayor obstáculo que
tuviste"). The held-out corpora of issue 14 (complaint narratives, airline
tweets, hotel reviews) are not in this benchmark.

``--only NAME`` runs one corpus, ``--rows N`` samples N rows of each instead
(quick checks), ``--rescore`` scores the kept builds again without building;
``--json PATH`` also writes the figures (``make bench`` collects them). The
builds stay in benchmarks/out/realdata/ for a look at their labels until the
next run.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from collections import Counter
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
OUT = ROOT / "benchmarks" / "out" / "realdata"
BIN = Path(sys.executable).parent
MATCHED = 0.5  # a survey statement answered the labelled column holding this share of its words
TEXT = "\x00text"  # key of a written row's kept cells, beside its label cells
HEADER = [
    *("corpus", "rows", "build", "time", "kind acc", "theme NMI / purity"),
    *("BERTopic theme NMI / purity", "persona NMI", "label problems"),
]


@dataclass(frozen=True)
class Corpus:
    """One labelled corpus: where it is, which columns are labels, how they map to kinds."""

    name: str
    path: Path
    drop: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    kind_column: str | None = None
    kind_values: dict[str, str] = field(default_factory=dict)
    kind_questions: dict[str, str] = field(default_factory=dict)  # words in the header -> kind
    kind_constant: str | None = None
    sample: int | None = None
    sep: str = ","
    encoding: str = "utf-8"
    note: str = ""


R_LIKES = {"like best": "motivation", "like least": "pain"}
R_WORK = "Which category best describes the work you do?"
R_INDUSTRY = "What industry do you work or participate in?"
CORPORA = [
    Corpus(
        "clothing reviews",
        DATA / "reviews" / "womens_clothing_ecommerce_reviews.csv",
        drop=("Rating", "Recommended IND", "Division Name", "Department Name", "Class Name"),
        categories=("Department Name", "Class Name"),
        kind_column="Rating",
        kind_values={"1": "pain", "2": "pain", "5": "motivation"},
        sample=1500,
        note="kinds from the text alone: Rating and Recommended IND dropped",
    ),
    Corpus(
        "R survey 2019 (English)",
        DATA / "surveys" / "r_community_survey_2019_english_responses.csv",
        drop=(R_WORK, R_INDUSTRY),
        categories=(R_WORK,),
        kind_questions=R_LIKES,
        sample=1000,
        note="kinds with the question wording in the input",
    ),
    Corpus(
        "R survey 2018 (English)",
        DATA / "realworld" / "r_survey_2018_english_google_forms.tsv",
        drop=(R_WORK, R_INDUSTRY),
        categories=(R_WORK,),
        kind_questions=R_LIKES,
        sample=1000,
        sep="\t",
        note="kinds with the question wording in the input",
    ),
    Corpus(
        "R survey 2019 (Spanish)",
        DATA / "realworld" / "r_community_survey_2019_spanish_responses.csv",
        drop=("¿Cuál crees que fue el mayor obstáculo",),
        categories=("¿Cuál crees que fue el mayor obstáculo",),
        kind_questions={"más te gusta": "motivation", "menos te gusta": "pain"},
        sample=1000,
        note="kinds with the question wording in the input",
    ),
]


# -- corpora -----------------------------------------------------------------------------------


def manifest(path: Path) -> Corpus:
    """A corpus from a TOML manifest; its ``path`` is relative to the manifest's folder."""
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    known = {f.name for f in fields(Corpus)}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ValueError(f"{path}: unknown fields {', '.join(unknown)}")
    raw["path"] = (path.parent / raw["path"]).resolve()
    for key in ("drop", "categories"):
        raw[key] = tuple(raw.get(key, ()))
    for key in ("kind_values", "kind_questions"):
        raw[key] = {str(k): v for k, v in raw.get(key, {}).items()}
    return Corpus(**raw)


def manifests(paths: list[Path]) -> list[Corpus]:
    """Corpora of every ``--extra``: a manifest, or a folder of ``*.toml`` manifests."""
    out = []
    for p in paths:
        for m in sorted(p.glob("*.toml")) if p.is_dir() else [p]:
            out.append(manifest(m))
    return out


def column(header: list[str], words: str) -> int | None:
    """The first column whose header is ``words``, else starts with them, else holds them."""
    for test in (str.__eq__, str.startswith, str.__contains__):
        found = next((i for i, name in enumerate(header) if test(name.strip(), words)), None)
        if found is not None:
            return found
    return None


def value(cell: str) -> str:
    """A label cell as compared: trimmed, numbers without a trailing ".0", "" for none."""
    text = cell.strip()
    try:
        number = float(text)
    except ValueError:
        return text
    return str(int(number)) if number.is_integer() else text


def read_rows(corpus: Corpus) -> tuple[list[str], list[list[str]]]:
    with corpus.path.open(encoding=corpus.encoding, errors="replace", newline="") as f:
        rows = list(csv.reader(f, delimiter=corpus.sep))
    width = len(rows[0])
    return rows[0], [r + [""] * (width - len(r)) for r in rows[1:] if any(c.strip() for c in r)]


def copy_input(
    corpus: Corpus, folder: Path, full: bool, seed: int, size: int | None = None
) -> list[dict[str, str]]:
    """Write the unlabelled input file into ``folder``; return each written row's labels.

    The written file has one header line and no blank rows, so "row N" of a
    build's locator is the (N - 1)-th entry of the returned list."""
    header, rows = read_rows(corpus)
    size = size or corpus.sample
    if size is not None and not full and len(rows) > size:
        keep = sorted(random.Random(seed).sample(range(len(rows)), size))
        rows = [rows[i] for i in keep]
    dropped = {i for i in (column(header, d) for d in corpus.drop) if i is not None}
    labels = [
        *corpus.categories,
        *([corpus.kind_column] if corpus.kind_column else []),
        *corpus.kind_questions,
    ]
    where = {name: column(header, name) for name in labels}
    missing = [name for name, i in where.items() if i is None]
    if missing:
        raise ValueError(f"{corpus.path.name}: no column {', '.join(missing)}")
    kept = [i for i in range(len(header)) if i not in dropped]
    folder.mkdir(parents=True)
    encoding = "utf-8-sig" if corpus.encoding.lower() == "utf-8-sig" else corpus.encoding
    with (folder / corpus.path.name).open(
        "w", encoding=encoding, errors="replace", newline=""
    ) as f:
        writer = csv.writer(f, delimiter=corpus.sep)
        writer.writerow([header[i] for i in kept])
        writer.writerows([row[i] for i in kept] for row in rows)
    return [
        {TEXT: " ".join(row[i] for i in kept)} | {name: row[i] for name, i in where.items()}  # type: ignore[index]
        for row in rows
    ]


def build(folder: Path, out: Path, seed: int) -> dict[str, Any]:
    """``personas build`` as a user runs it: exit code, the error's last line, wall time."""
    from personas.offline import force_offline

    force_offline()
    t0 = time.perf_counter()
    proc = subprocess.run(
        [
            str(BIN / "personas"),
            "build",
            str(folder),
            "-o",
            str(out),
            "--quiet",
            "--seed",
            f"{seed}",
        ],
        capture_output=True,
        text=True,
        check=False,
        env=os.environ.copy(),
    )
    seconds = round(time.perf_counter() - t0, 1)
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    traceback = "Traceback (most recent call last)" in proc.stderr
    error = lines[-1] if lines and (proc.returncode != 0 or traceback) else ""
    return {"rc": proc.returncode, "traceback": traceback, "error": error, "seconds": seconds}


# -- mapping statements and respondents back to their rows ---------------------------------------


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def row_of(locator: str) -> int | None:
    """The 0-based data row of a locator "row N" (the header is row 1)."""
    found = re.fullmatch(r"row (\d+)", locator.strip())
    return int(found.group(1)) - 2 if found else None


def words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def question_kind(text: str, row: dict[str, str], questions: dict[str, str]) -> str | None:
    """The kind of the labelled column that holds most of the statement's words, if enough."""
    mine = words(text)
    if not mine:
        return None
    best, share = None, 0.0
    for name, kind in questions.items():
        overlap = len(mine & words(row.get(name, ""))) / len(mine)
        if overlap > share:
            best, share = kind, overlap
    return best if share >= MATCHED else None


def truth_kind(corpus: Corpus, text: str, row: dict[str, str]) -> str | None:
    """The labelled kind of a statement from its row (None: no label)."""
    if corpus.kind_constant:
        return corpus.kind_constant
    if corpus.kind_column:
        return corpus.kind_values.get(value(row[corpus.kind_column]))
    if corpus.kind_questions:
        return question_kind(text, row, corpus.kind_questions)
    return None


def respondent_rows(out: Path, statements: list[dict[str, str]]) -> dict[str, list[int]]:
    """Respondent id -> the data rows of its records (personas.duckdb), else of its statements."""
    pairs: list[tuple[str, str]] = []
    try:
        import duckdb

        con = duckdb.connect(str(out / "personas.duckdb"), read_only=True)
        try:
            pairs = con.execute("SELECT respondent_id, locator FROM records").fetchall()
        finally:
            con.close()
    except Exception:  # an older or newer layout: fall back to statements.csv
        pairs = []
    if not pairs:
        pairs = [(s["respondent_key"], s["locator"]) for s in statements]
    rows: dict[str, list[int]] = {}
    for rid, locator in pairs:
        n = row_of(locator or "")
        if rid and n is not None:
            rows.setdefault(rid, []).append(n)
    return rows


# -- scores ---------------------------------------------------------------------------------------


def nmi(a: list[str], b: list[str]) -> float | None:
    from sklearn.metrics import normalized_mutual_info_score

    return round(float(normalized_mutual_info_score(a, b)), 3) if len(a) > 1 else None


def purity(clusters: list[str], labels: list[str]) -> float | None:
    """Share of items whose label is their cluster's most common label."""
    if not clusters:
        return None
    by: dict[str, Counter[str]] = {}
    for c, label in zip(clusters, labels, strict=True):
        by.setdefault(c, Counter())[label] += 1
    return round(sum(c.most_common(1)[0][1] for c in by.values()) / len(clusters), 3)


def agreement(clusters: list[str], labels: list[str]) -> dict[str, Any]:
    """NMI and purity of clusters vs labels over the items that have a label."""
    pairs = [(c, lab) for c, lab in zip(clusters, labels, strict=True) if lab]
    c, lab = [p[0] for p in pairs], [p[1] for p in pairs]
    return {"items": len(pairs), "nmi": nmi(c, lab), "purity": purity(c, lab)}


def label_problems(label: str) -> list[str]:
    """Why a theme or persona label is no label a marketer would write (empty: fine):
    the library's own check (``personas.understand.labels.label_problems``: mask or placeholder,
    profanity, lone generic word, place or brand alone)."""
    from personas.understand.labels import label_problems as check

    return list(check(label))


def hygiene(out: Path) -> dict[str, Any]:
    """Theme and persona labels with a problem, and what the problem is."""
    labels = [("theme", t["label"]) for t in read_csv(out / "themes.csv")]
    document = json.loads((out / "personas.json").read_text(encoding="utf-8"))
    labels += [("persona", p.get("label") or "") for p in document.get("personas", [])]
    bad = [
        {"what": what, "label": label, "problems": problems}
        for what, label in labels
        if (problems := label_problems(label))
    ]
    return {"labels": len(labels), "problems": len(bad), "bad": bad}


def bertopic_topics(
    out: Path, statements: list[dict[str, str]], ours: dict[str, int], seed: int
) -> tuple[list[str], dict[str, Any]]:
    """Vanilla BERTopic's topic per statement ("" = outlier), per themed kind, and its figures."""
    from bertopic import BERTopic
    from umap import UMAP

    from personas.output.store import Store
    from personas.understand.embed import embed_texts

    topics = [""] * len(statements)
    info: dict[str, Any] = {"cached": 0, "embedded": 0, "kinds": {}}
    cache = out / "bertopic-cache.duckdb"
    shutil.copy(out / "personas.duckdb", cache)  # the build's own file is left as it was
    store = Store(cache)
    try:
        for kind, n_ours in sorted(ours.items()):
            idx = [i for i, s in enumerate(statements) if s["kind"] == kind]
            docs = [statements[i]["text"] for i in idx]
            emb = embed_texts([statements[i]["statement_id"] for i in idx], docs, store)
            info["cached"] += emb.cached
            info["embedded"] += len(docs) - emb.cached
            t0 = time.perf_counter()
            try:
                umap = UMAP(
                    n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=seed
                )
                # BERTopic counts its outlier topic (-1) among nr_topics: one more gives it
                # as many real topics as we have themes
                model = BERTopic(umap_model=umap, nr_topics=n_ours + 1)
                found = model.fit_transform(docs, embeddings=emb.vectors)[0]
            except Exception as exc:  # too few statements for UMAP / HDBSCAN
                info["kinds"][kind] = {"error": f"{type(exc).__name__}: {exc}"[:200]}
                continue
            for i, t in zip(idx, found, strict=True):
                topics[i] = f"{kind}-{t}" if t >= 0 else ""
            info["kinds"][kind] = {
                "statements": len(docs),
                "ours": n_ours,
                "topics": len({t for t in found if t >= 0}),
                "outliers": round(float(np.mean(np.asarray(found) < 0)), 3),
                "seconds": round(time.perf_counter() - t0, 1),
            }
    finally:
        store.close()
        cache.unlink(missing_ok=True)
    return topics, info


def score(corpus: Corpus, out: Path, labels: list[dict[str, str]], seed: int) -> dict[str, Any]:
    """Every figure of one built corpus, from its outputs."""
    statements = read_csv(out / "statements.csv")
    themes = read_csv(out / "themes.csv")
    rows = [row_of(s["locator"]) for s in statements]
    row = [labels[n] if n is not None and 0 <= n < len(labels) else None for n in rows]
    aligned = [
        r is not None and len(words(s["text"]) & words(r[TEXT])) >= MATCHED * len(words(s["text"]))
        for s, r in zip(statements, row, strict=True)
    ]
    figures: dict[str, Any] = {
        "statements": len(statements),
        "mapped": sum(r is not None for r in row),
        "themes": len(themes),
        "themed": sum(bool(s["theme_id"]) for s in statements),
    }
    # share of statements whose words are mostly in the row their locator names: the
    # check that locators still map to rows (a redacted name or number is no word there)
    figures["aligned"] = round(sum(aligned) / max(len(aligned), 1), 3)
    truth = [
        truth_kind(corpus, s["text"], r) if r is not None else None
        for s, r in zip(statements, row, strict=True)
    ]
    scored = [(s["kind"], t) for s, t in zip(statements, truth, strict=True) if t]
    figures["kind"] = {
        "statements": len(scored),
        "accuracy": round(sum(k == t for k, t in scored) / len(scored), 3) if scored else None,
        "confusion": dict(Counter(f"{t} as {k}" for k, t in scored).most_common()),
    }
    themed = [i for i, s in enumerate(statements) if s["theme_id"] and row[i] is not None]
    ours = Counter(t["kind"] for t in themes)
    vanilla, figures["bertopic"] = bertopic_topics(out, statements, dict(ours), seed)
    in_topic = [i for i, t in enumerate(vanilla) if t and row[i] is not None]
    figures["categories"] = {}
    for name in corpus.categories:
        figures["categories"][name] = {
            "themes": agreement(
                [statements[i]["theme_id"] for i in themed],
                [value(row[i][name]).lower() for i in themed],  # type: ignore[index]
            ),
            "bertopic": agreement(
                [vanilla[i] for i in in_topic],
                [value(row[i][name]).lower() for i in in_topic],  # type: ignore[index]
            ),
        }
    figures["personas"] = persona_agreement(corpus, out, statements, labels)
    figures["hygiene"] = hygiene(out)
    return figures


def persona_agreement(
    corpus: Corpus, out: Path, statements: list[dict[str, str]], labels: list[dict[str, str]]
) -> dict[str, Any]:
    """NMI of each respondent's persona vs its rows' label (category, else the kind label)."""
    label = corpus.categories[0] if corpus.categories else corpus.kind_column
    assigned = {a["respondent_id"]: a["persona_id"] for a in read_csv(out / "assignments.csv")}
    if label is None:
        return {"label": None, "personas": len(set(assigned.values()))}
    rows = respondent_rows(out, statements)
    personas, truth = [], []
    for rid, persona in assigned.items():
        values = [value(labels[n][label]).lower() for n in rows.get(rid, []) if n < len(labels)]
        values = [v for v in values if v]
        if persona and values:
            personas.append(persona)
            truth.append(Counter(values).most_common(1)[0][0])
    return {
        "label": label,
        "personas": len(set(assigned.values())),
        "respondents": len(personas),
        "nmi": nmi(personas, truth),
    }


# -- the run --------------------------------------------------------------------------------------


def run_corpus(
    corpus: Corpus, full: bool, seed: int, size: int | None = None, rescore: bool = False
) -> dict[str, Any]:
    """Copy, build and score one corpus; a failed build is recorded, not raised.

    ``rescore``: score the build kept from an earlier run with the same rows again
    (its build figures are kept in build.json), without building."""
    folder = OUT / re.sub(r"[^a-z0-9]+", "-", corpus.name.lower()).strip("-")
    kept = folder / "build.json"
    if rescore and kept.is_file():
        with tempfile.TemporaryDirectory() as tmp:
            labels = copy_input(corpus, Path(tmp) / "input", full, seed, size)
        result = {"corpus": corpus.name, "rows": len(labels), "note": corpus.note}
        result["build"] = json.loads(kept.read_text(encoding="utf-8"))
        return scored(result, corpus, folder, labels, seed)
    shutil.rmtree(folder, ignore_errors=True)
    result = {"corpus": corpus.name, "rows": 0, "note": corpus.note}
    try:
        labels = copy_input(corpus, folder / "input", full, seed, size)
    except (OSError, ValueError, IndexError) as exc:  # a manifest naming no such file or column
        error = f"cannot copy the input: {exc}"[:300]
        result["build"] = {"rc": None, "traceback": False, "error": error, "seconds": 0.0}
        return result
    result["rows"] = len(labels)
    result["build"] = build(folder / "input", folder / "out", seed)
    kept.write_text(json.dumps(result["build"]) + "\n", encoding="utf-8")
    return scored(result, corpus, folder, labels, seed)


def scored(
    result: dict[str, Any], corpus: Corpus, folder: Path, labels: list[dict[str, str]], seed: int
) -> dict[str, Any]:
    """The result with the build's scores, or why it has none."""
    if result["build"]["rc"] == 0:
        try:
            result.update(score(corpus, folder / "out", labels, seed))
        except Exception as exc:  # an output missing or changed: say which, keep going
            result["score_error"] = f"{type(exc).__name__}: {exc}"[:300]
    result["output"] = str(folder / "out")
    return result


def _f(v: float | None) -> str:
    return "—" if v is None else f"{v:.2f}"


def table_row(r: dict[str, Any]) -> list[str]:
    """One line of the results table (the first category label)."""
    b = r["build"]
    ok = "yes" if b["rc"] == 0 and not b["traceback"] else f"**no** (rc {b['rc']}: {b['error']})"
    cats = list(r.get("categories", {}).values())
    first = cats[0] if cats else None
    theme = f"{_f(first['themes']['nmi'])} / {_f(first['themes']['purity'])}" if first else "—"
    vanilla = (
        f"{_f(first['bertopic']['nmi'])} / {_f(first['bertopic']['purity'])}" if first else "—"
    )
    kind = r.get("kind", {})
    acc = kind.get("accuracy")
    persona = r.get("personas", {})
    return [
        r["corpus"],
        f"{r['rows']:,}",
        ok if "score_error" not in r else f"yes, scoring failed: {r['score_error']}",
        f"{b['seconds']:.0f} s",
        "—" if acc is None else f"{acc:.1%} (n={kind['statements']:,})",
        theme,
        vanilla,
        f"{_f(persona.get('nmi'))} ({persona.get('personas', '—')} personas)",
        str(r.get("hygiene", {}).get("problems", "—")),
    ]


def markdown(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    return "\n".join(
        lines + ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in rows]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="every row of every corpus (slow)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--extra", type=Path, action="append", default=[], help="a corpus manifest (.toml) or a "
        "folder of them; repeatable",
    )  # fmt: skip
    parser.add_argument("--rows", type=int, help="rows per corpus instead of each one's sample")
    parser.add_argument("--only", action="append", default=[], help="run only corpora named so")
    parser.add_argument(
        "--rescore", action="store_true", help="score the builds kept in benchmarks/out/realdata "
        "by the last run with the same options again, without building",
    )  # fmt: skip
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    from personas.offline import force_offline

    force_offline()
    corpora = [c for c in CORPORA if c.path.is_file()] + manifests(args.extra)
    if args.only:
        corpora = [c for c in corpora if c.name in args.only]
    if not corpora:
        sys.exit(f"skipped: no corpus found ({DATA} is not beside the repository)")
    results = []
    for corpus in corpora:
        print(f"{corpus.name}: {'scoring' if args.rescore else 'building'} ...", file=sys.stderr)
        results.append(run_corpus(corpus, args.full, args.seed, args.rows, args.rescore))
    rows = [table_row(r) for r in results]
    print("Real labelled corpora, built without their labels\n")
    print(markdown(HEADER, rows))
    for r in results:
        bad = r.get("hygiene", {}).get("bad", [])
        if bad:
            print(f"\n{r['corpus']}: labels with a problem")
            for b in bad:
                print(f"  {b['what']}: {b['label']!r} ({', '.join(b['problems'])})")
    if args.json:
        payload = {
            "sampled": not args.full,
            "seed": args.seed,
            "header": HEADER,
            "rows": rows,
            "corpora": results,
        }
        args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    if any(r["build"]["rc"] != 0 or r["build"]["traceback"] for r in results):
        print("\nFAILED: a corpus did not build (see the build column)", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
