"""Quality on the planted-truth corpus: does a build find the groups and ideas we planted?

Usage: ``.venv/bin/python benchmarks/planted.py [--out OUT] [--seeds 1 2]``

corpora/demo-shop is generated with every customer in one of four groups
(corpora/demo-shop-truth.csv, outside the corpus so the tool never reads it).
On a build of it (OUT, or a fresh one):

- segment recovery: adjusted Rand index (ARI) and normalised mutual information
  between the personas in assignments.csv and the planted groups, over every
  respondent the truth file names, and over survey respondents only (the
  people with demographics and voice; the rest are order-only customers);
- theme recall, when corpora/demo-shop-truth-themes.csv exists: the share of
  planted ideas whose statements mostly land in a theme of their own (see
  ``theme_recall``), and kind accuracy on those statements;
- stability: the build's own bootstrap figure (run.json "quality"), and the ARI
  between the build's personas and rebuilds with other seeds (the embedding
  cache is copied over, so a rebuild embeds nothing);
- the quality section of run.json as the build reported it.

``--json PATH`` also writes the figures.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from itertools import combinations
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DEMO = ROOT / "corpora" / "demo-shop"
TRUTH = ROOT / "corpora" / "demo-shop-truth.csv"
TRUTH_THEMES = ROOT / "corpora" / "demo-shop-truth-themes.csv"
MAJORITY = 0.5  # an idea is recovered when more than this share of its statements share a theme
MATCHED = 0.6  # a statement comes from a planted wording holding this share of its words


def build(out: Path, *extra: str) -> None:
    subprocess.run(
        [str(BIN / "personas"), "build", str(DEMO), "-o", str(out), "--quiet", *extra],
        check=True,
        capture_output=True,
    )


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def personas_of(out: Path) -> dict[str, str]:
    """Respondent key -> persona id from a build's assignments.csv (raw keys)."""
    return {r["respondent_key"]: r["persona_id"] for r in read_csv(out / "assignments.csv")}


def survey_keys() -> set[str]:
    rows = read_csv(DEMO / "survey.csv")
    return {"email:" + r["Email Address"].strip().lower() for r in rows if r["Email Address"]}


def agreement(a: dict[str, str], b: dict[str, str], keys: set[str] | None = None) -> dict[str, Any]:
    """ARI and NMI of two labellings over the keys both have (and ``keys``, if given)."""
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    shared = sorted(k for k in a if k in b and (keys is None or k in keys))
    x, y = [a[k] for k in shared], [b[k] for k in shared]
    return {
        "people": len(shared),
        "ari": round(float(adjusted_rand_score(x, y)), 3),
        "nmi": round(float(normalized_mutual_info_score(x, y)), 3),
    }


def segment_recovery(out: Path) -> dict[str, Any]:
    truth = {"email:" + r["email"]: r["group"] for r in read_csv(TRUTH)}
    found = personas_of(out)
    return {
        "groups": len(set(truth.values())),
        "personas": len(set(found.values())),
        "all": agreement(found, truth),
        "survey": agreement(found, truth, survey_keys()),
    }


def words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9']+", text.lower()))


def planted_ideas(out: Path) -> list[tuple[dict[str, str], dict[str, str]]]:
    """(statement, planted truth row) pairs: each statement of statements.csv matched to
    the planted wording at its place (source, locator) that holds most of its words."""
    places: dict[tuple[str, str], list[dict[str, str]]] = {}
    for row in read_csv(TRUTH_THEMES):
        places.setdefault((row["source"], row["locator"]), []).append(row)
    pairs = []
    for s in read_csv(out / "statements.csv"):
        mine = words(s["text"])
        candidates = places.get((s["source"], s["locator"]), [])
        if not mine or not candidates:
            continue
        best = max(candidates, key=lambda r: len(mine & words(r["wording"])))
        if len(mine & words(best["wording"])) / len(mine) >= MATCHED:
            pairs.append((s, best))
    return pairs


def theme_recall(out: Path) -> dict[str, Any]:
    """Planted ideas recovered as themes, from corpora/demo-shop-truth-themes.csv.

    That file lists each planted idea's wording with its place (source, locator),
    kind and group; each statement is matched to the wording it came from
    (``planted_ideas``). An idea is recovered when more than half of its
    statements fall in one theme and no other idea has that theme as its own
    majority (two ideas merged into one theme are not both recovered). Also: the
    share of those statements whose kind is the planted one. Absent file: not
    measured.
    """
    if not TRUTH_THEMES.is_file():
        return {"measured": False, "why": f"{TRUTH_THEMES.relative_to(ROOT)} does not exist"}
    pairs = planted_ideas(out)
    themes_by_idea: dict[str, Counter[str]] = {}
    for s, truth in pairs:
        themes_by_idea.setdefault(truth["idea"], Counter())[s["theme_id"] or "-"] += 1
    majority = {}
    for idea, counts in themes_by_idea.items():
        theme, n = counts.most_common(1)[0]
        if theme != "-" and n / sum(counts.values()) > MAJORITY:
            majority[idea] = theme
    shared = Counter(majority.values())
    recovered = [idea for idea, theme in majority.items() if shared[theme] == 1]
    ideas = len({r["idea"] for r in read_csv(TRUTH_THEMES)})
    return {
        "measured": True,
        "ideas": ideas,
        "statements_matched": len(pairs),
        "with_majority_theme": len(majority),
        "recovered": len(recovered),
        "recall": round(len(recovered) / ideas, 3),
        "merged": sorted(i for i, t in majority.items() if shared[t] > 1),
        "kind_accuracy": round(sum(s["kind"] == t["kind"] for s, t in pairs) / len(pairs), 3)
        if pairs
        else None,
    }


def seed_stability(out: Path, seeds: list[int]) -> dict[str, Any]:
    """ARI between the build's personas and rebuilds with other seeds (cache copied)."""
    labellings = {"default": personas_of(out)}
    with tempfile.TemporaryDirectory() as tmp:
        for seed in seeds:
            other = Path(tmp) / f"seed-{seed}"
            other.mkdir()
            shutil.copy(out / "personas.duckdb", other / "personas.duckdb")
            build(other, "--seed", str(seed))
            labellings[f"seed {seed}"] = personas_of(other)
    pairs = {
        f"{a} vs {b}": agreement(labellings[a], labellings[b])["ari"]
        for a, b in combinations(labellings, 2)
    }
    values = list(pairs.values())
    return {"pairs": pairs, "mean_ari": round(sum(values) / len(values), 3) if values else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="an existing build of corpora/demo-shop")
    parser.add_argument("--seeds", type=int, nargs="*", default=[1, 2])
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = args.out
        if out is None:
            out = Path(tmp) / "out"
            build(out)
        quality = json.loads((out / "run.json").read_text(encoding="utf-8")).get("quality")
        figures = {
            "segments": segment_recovery(out),
            "themes": theme_recall(out),
            "seeds": seed_stability(out, args.seeds),
            "quality": quality,
        }
    seg, themes, seeds = figures["segments"], figures["themes"], figures["seeds"]
    print(f"segment recovery: {seg['personas']} personas vs {seg['groups']} planted groups")
    for name in ("all", "survey"):
        a = seg[name]
        print(f"  {name:<7} {a['people']:>4} people  ARI {a['ari']:.3f}  NMI {a['nmi']:.3f}")
    if themes["measured"]:
        print(
            f"theme recall: {themes['recovered']}/{themes['ideas']} planted ideas = "
            f"{themes['recall']:.0%} ({themes['statements_matched']} statements matched; "
            f"merged: {', '.join(themes['merged']) or 'none'}); "
            f"kind accuracy {themes['kind_accuracy']}"
        )
    else:
        print(f"theme recall: not measured ({themes['why']})")
    print(f"bootstrap stability (run.json): {(quality or {}).get('stability')}")
    print(f"ARI across seeds: {seeds['pairs']} (mean {seeds['mean_ari']})")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
