"""Personas over time: stable ids, a planted shift and a planted new theme.

Usage: ``.venv/bin/python benchmarks/drift.py [--baseline OUT] [--json PATH]``

On the demo corpus (corpora/demo-shop) and a build of it (OUT, or a fresh one):

1. **Unchanged rebuild** with another seed (``--seed 7 --baseline OUT``): every
   persona id, name and theme label should be kept, and ``personas diff`` should
   report a drift of about 0 (the false drift).
2. **Planted change**: a copy of the corpus in which 20% of one persona's people
   (customers of its planted group who answered the survey and ordered) take on
   the survey answers, orders and reviews of people of another group (their own
   reviews and support mail removed; their email stays, so they are the same
   respondents), and 45 new reviews in the newest month voice a new pain nobody
   had before (the loyalty points page logs people out). Rebuilt with
   ``--baseline OUT``, ``personas diff OUT NEW --format json`` should find:
   the unchanged personas' ids kept (target 100%), the moved share within
   5 points of the planted one, and the new pain as a new theme (and as new in
   the newest month of the build's trends).

Every build copies OUT's embedding cache first, so only new texts are embedded.
``--json PATH`` also writes the figures.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DEMO = ROOT / "corpora" / "demo-shop"
TRUTH = ROOT / "corpora" / "demo-shop-truth.csv"
MOVE_SHARE = 0.20
TOLERANCE = 0.05
FROM_GROUP, TO_GROUP = "technical_hikers", "urban_style"
NEW_WORDS = {"loyalty", "points", "point", "rewards", "reward", "logging", "logs", "login"}
NEW_OPENERS = [
    "The new loyalty points page",
    "The loyalty rewards page on the website",
    "Your new rewards points page",
    "The points balance page",
    "The loyalty points section of my account",
]
NEW_PROBLEMS = [
    "keeps logging me out before I can redeem my points",
    "logs me out every time I try to spend my reward points",
    "signs me out halfway through redeeming my loyalty points",
    "kicks me out of my account whenever I try to use my points",
    "logs me out so I can never claim my rewards",
]
NEW_TAILS = [
    "",
    " Really frustrating.",
    " I have given up on the points.",
    " Please fix the login.",
]
N_NEW = 45


def personas(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "personas"), *args], capture_output=True, text=True, check=True
    )


def build(corpus: Path, out: Path, cache_from: Path | None, *extra: str) -> None:
    if cache_from is not None:
        out.mkdir(parents=True, exist_ok=True)
        shutil.copy(cache_from / "personas.duckdb", out / "personas.duckdb")
    personas("build", str(corpus), "-o", str(out), "--quiet", *extra)


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


def write_csv(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def diff(old: Path, new: Path) -> dict[str, Any]:
    return json.loads(personas("diff", str(old), str(new), "--format", "json").stdout)


def group_persona(out: Path, group: str) -> str:
    """The baseline persona most of a planted group's people are in."""
    _, truth = read_csv(TRUTH)
    _, rows = read_csv(out / "assignments.csv")
    persona_of = {r["respondent_key"]: r["persona_id"] for r in rows}
    found = Counter(persona_of.get("email:" + t["email"]) for t in truth if t["group"] == group)
    found.pop(None, None)
    return found.most_common(1)[0][0]  # type: ignore[return-value]


def plant_change(base: Path, corpus: Path, rng: random.Random) -> dict[str, Any]:
    """Copy the demo corpus to ``corpus`` with the planted shift and the new pain."""
    shutil.copytree(DEMO, corpus)
    _, truth = read_csv(TRUTH)
    group = {t["email"]: t["group"] for t in truth}
    s_head, survey = read_csv(corpus / "survey.csv")
    o_head, orders = read_csv(corpus / "orders.csv")
    r_head, reviews = read_csv(corpus / "reviews.csv")
    _, rows = read_csv(base / "assignments.csv")
    persona_of = {r["respondent_key"].removeprefix("email:"): r["persona_id"] for r in rows}
    p_from, p_to = group_persona(base, FROM_GROUP), group_persona(base, TO_GROUP)
    complete = {r["Email Address"].lower() for r in survey} & {r["Email"].lower() for r in orders}
    size = sum(1 for p in persona_of.values() if p == p_from)
    n_move = round(MOVE_SHARE * size)

    def pool(g: str, pid: str) -> list[str]:
        return sorted(e for e in complete if group.get(e) == g and persona_of.get(e) == pid)

    movers = rng.sample(pool(FROM_GROUP, p_from), n_move)
    donors = rng.sample(pool(TO_GROUP, p_to), n_move)
    donor_of = dict(zip(movers, donors, strict=True))
    by_email = {r["Email Address"].lower(): r for r in survey}
    for row in survey:
        donor = donor_of.get(row["Email Address"].lower())
        if donor:
            row.update({c: v for c, v in by_email[donor].items() if c not in s_head[:2]})
    orders = [r for r in orders if r["Email"].lower() not in donor_of] + [
        {**r, "Email": m, "Name": f"{r['Name']}-M"}
        for m, d in sorted(donor_of.items())
        for r in orders
        if r["Email"].lower() == d
    ]
    reviews = [r for r in reviews if r["email"].lower() not in donor_of] + [
        {**r, "email": m, "author": ""}
        for m, d in sorted(donor_of.items())
        for r in reviews
        if r["email"].lower() == d
    ]
    reviews += new_pain_reviews(reviews, rng)
    for mail in sorted((corpus / "support").glob("*.eml")):
        head = mail.read_text(encoding="utf-8", errors="replace").split("\n", 1)[0].lower()
        if any(m in head for m in donor_of):
            mail.unlink()
    write_csv(corpus / "survey.csv", s_head, survey)
    write_csv(corpus / "orders.csv", o_head, orders)
    write_csv(corpus / "reviews.csv", r_head, reviews)
    return {"from": p_from, "to": p_to, "persona_size": size, "moved": n_move}


def new_pain_reviews(reviews: list[dict[str, str]], rng: random.Random) -> list[dict[str, str]]:
    """Anonymous reviews in the newest month voicing a pain no one voiced before."""
    handles = sorted({r["product_handle"] for r in reviews})
    out = []
    for i in range(N_NEW):
        text = f"{rng.choice(NEW_OPENERS)} {rng.choice(NEW_PROBLEMS)}.{rng.choice(NEW_TAILS)}"
        out.append(
            {
                "product_handle": rng.choice(handles),
                "state": "published",
                "rating": "2",
                "title": "Logged out of my points",
                "author": "",
                "email": "",
                "location": "",
                "body": text,
                "reply": "",
                "created_at": f"2026-04-{1 + i % 19:02d} {8 + i % 12:02d}:{i % 60:02d}:00 UTC",
            }
        )
    return out


def identity_kept(old: Path, new: Path) -> dict[str, Any]:
    """Did every baseline persona keep its id and name, and every theme its label?"""
    a = json.loads((old / "personas.json").read_text(encoding="utf-8"))
    b = json.loads((new / "personas.json").read_text(encoding="utf-8"))
    names_b = {p["persona_id"]: p["name"] for p in b["personas"]}
    labels_b = {t["theme_id"]: t["label"] for t in b["themes"]}
    kept_p = sum(1 for p in a["personas"] if names_b.get(p["persona_id"]) == p["name"])
    kept_t = sum(1 for t in a["themes"] if labels_b.get(t["theme_id"]) == t["label"])
    return {
        "personas": len(a["personas"]),
        "personas_kept": kept_p,
        "themes": len(a["themes"]),
        "themes_kept": kept_t,
    }


def new_theme_found(d: dict[str, Any], out: Path) -> dict[str, Any]:
    """The planted pain among the diff's new themes, and in the trends' newest period."""
    hits = [
        t
        for t in d["themes"]["new"]
        if NEW_WORDS & set((t["label"] + " " + " ".join(t["keywords"])).lower().split())
    ]
    doc = json.loads((out / "personas.json").read_text(encoding="utf-8"))
    trends = {t["theme_id"]: t for t in (doc.get("trends") or {}).get("themes", [])}
    return {
        "found": bool(hits),
        "themes": [f"{t['theme_id']} {t['label']} ({t['statements']} statements)" for t in hits],
        "new_in_latest_period": any(
            trends.get(t["theme_id"], {}).get("new_in_latest") for t in hits
        ),
        "trend": [trends.get(t["theme_id"], {}).get("trend") for t in hits],
    }


def measure(base: Path, tmp: Path) -> dict[str, Any]:
    same = tmp / "same-seed7"
    build(DEMO, same, base, "--seed", "7", "--baseline", str(base))
    d_same = diff(base, same)
    corpus, changed = tmp / "demo-changed", tmp / "changed"
    planted = plant_change(base, corpus, random.Random(16))
    build(corpus, changed, base, "--baseline", str(base))
    d_change = diff(base, changed)
    row = next(p for p in d_change["personas"]["matched"] if p["baseline_id"] == planted["from"])
    moved = row["moved_out_to"].get(planted["to"], 0) / (row["stayed"] + row["moved_out"])
    planted_share = planted["moved"] / planted["persona_size"]
    others = {p["persona_id"] for p in d_same["personas"]["matched"]} - {
        planted["from"],
        planted["to"],
    }
    kept_ids = {p["baseline_id"] for p in d_change["personas"]["matched"]}
    return {
        "unchanged": {
            "drift": d_same["drift"],
            "identity": identity_kept(base, same),
            "new_themes": len(d_same["themes"]["new"]),
            "vanished_themes": len(d_same["themes"]["vanished"]),
        },
        "planted": {
            **planted,
            "planted_share": round(planted_share, 4),
            "moved_share": round(moved, 4),
            "moved_within_tolerance": abs(moved - planted_share) <= TOLERANCE,
            "drift": d_change["drift"],
            "unchanged_personas": len(others),
            "unchanged_ids_kept": sum(1 for p in others if p in kept_ids),
            "all_ids_kept": len(kept_ids),
            "baseline_personas": len(d_change["personas"]["matched"])
            + len(d_change["personas"]["gone"]),
            "new_personas": len(d_change["personas"]["new"]),
            "new_theme": new_theme_found(d_change, changed),
            "new_themes": len(d_change["themes"]["new"]),
            "vanished_themes": len(d_change["themes"]["vanished"]),
            "prevalence_changes": len(d_change["themes"]["changed"]),
        },
    }


def report(f: dict[str, Any]) -> str:
    u, p = f["unchanged"], f["planted"]
    ident = u["identity"]
    nt = p["new_theme"]
    return "\n".join(
        [
            f"unchanged rebuild (seed 7): drift {u['drift']:.1%}; persona ids+names kept "
            f"{ident['personas_kept']}/{ident['personas']}; theme labels kept "
            f"{ident['themes_kept']}/{ident['themes']}",
            f"planted change: {p['moved']} of {p['persona_size']} people of {p['from']} "
            f"({p['planted_share']:.1%}) given {TO_GROUP} data; diff finds "
            f"{p['moved_share']:.1%} moved to {p['to']} "
            f"({'within' if p['moved_within_tolerance'] else 'OUTSIDE'} ±5 points)",
            f"unchanged personas keeping their id: {p['unchanged_ids_kept']}/"
            f"{p['unchanged_personas']}; all baseline ids kept {p['all_ids_kept']}/"
            f"{p['baseline_personas']}; new personas {p['new_personas']}; drift {p['drift']:.1%}",
            f"new pain theme found: {nt['found']} {nt['themes']}; new in the newest period: "
            f"{nt['new_in_latest_period']}; trend {nt['trend']}",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=Path, help="a build of corpora/demo-shop to start from")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="personas-drift-") as tmp_name:
        tmp = Path(tmp_name)
        base = args.baseline
        if base is None or not (base / "personas.json").is_file():
            base = tmp / "baseline"
            build(DEMO, base, None)
        figures = measure(base, tmp)
    print(report(figures))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
