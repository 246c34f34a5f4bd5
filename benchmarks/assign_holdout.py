"""Does assignment generalise? Build on 80% of the demo's people, assign the other 20%.

Usage: ``.venv/bin/python benchmarks/assign_holdout.py [--seed N]``

1. Build the full demo corpus.
2. Hold out a seeded 20% of the identified respondents: copy the corpus without
   any row, message or review that carries their email, and build that.
3. Assign the held-out people with the 80% build's bundle, from their records
   in the full corpus.
4. Match the two builds' personas by the overlap of the people they share
   (the best one-to-one matching), and report how often a held-out person gets
   the persona the full build gave them. Also reports the self-agreement of the
   full build (assigning its own respondents through ``assign``).
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
import subprocess
import sys
import tempfile
from email import policy
from email.parser import BytesParser
from itertools import permutations
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "corpora" / "demo-shop"
BIN = Path(sys.executable).parent


def build(corpus: Path, out: Path) -> None:
    subprocess.run(
        [str(BIN / "personas"), "build", str(corpus), "-o", str(out), "--quiet"], check=True
    )


def assignments(out: Path) -> dict[str, str]:
    with (out / "assignments.csv").open(encoding="utf-8", newline="") as f:
        return {r["respondent_key"]: r["persona_id"] for r in csv.DictReader(f)}


def without(emails: set[str], target: Path) -> None:
    """Copy the demo corpus leaving out everything that carries one of ``emails``."""
    shutil.copytree(DEMO, target)
    for path in target.rglob("*.csv"):
        with path.open(encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        header = [h.lower() for h in rows[0]]
        cols = [i for i, h in enumerate(header) if "email" in h]
        kept = [rows[0]] + [
            r
            for r in rows[1:]
            if not any(r[i].strip().lower() in emails for i in cols if i < len(r))
        ]
        with path.open("w", encoding="utf-8", newline="") as f:
            csv.writer(f, lineterminator="\n").writerows(kept)
    for path in target.rglob("*.eml"):
        try:
            sender = BytesParser(policy=policy.default).parsebytes(path.read_bytes())["from"]
            address = sender.addresses[0].addr_spec.lower() if sender else ""
        except Exception:
            continue
        if address in emails:
            path.unlink()


def best_matching(a: dict[str, str], b: dict[str, str]) -> dict[str, str]:
    """Persona id in b -> persona id in a, maximising shared people (exhaustive; k <= 8)."""
    shared = [k for k in a if k in b]
    ids_a, ids_b = sorted(set(a.values())), sorted(set(b.values()))
    best, best_score = {}, -1
    for perm in permutations(ids_a, min(len(ids_a), len(ids_b))):
        mapping = dict(zip(ids_b, perm, strict=False))
        score = sum(mapping.get(b[k]) == a[k] for k in shared)
        if score > best_score:
            best, best_score = mapping, score
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    from personas.config import Config
    from personas.ingest import ingest
    from personas.ingest.discover import discover
    from personas.output.bundle import load_bundle
    from personas.realtime.assign import Assigner, customers_from_records

    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        full_out = tmp_path / "full"
        build(DEMO, full_out)
        full = assignments(full_out)
        identified = sorted(k for k in full if k.startswith("email:"))
        held = set(random.Random(args.seed).sample(identified, k=len(identified) // 5))
        corpus80 = tmp_path / "corpus80"
        without({k.split(":", 1)[1] for k in held}, corpus80)
        out80 = tmp_path / "out80"
        build(corpus80, out80)
        part = assignments(out80)
        leaked = held & set(part)
        config = Config()
        sources, _ = discover(DEMO, config)
        records = [r for r in ingest(DEMO, sources, config).records if r.respondent_key]
        customers = customers_from_records(records)
        self_results = Assigner(load_bundle(full_out)).assign(customers)
        self_agree = sum(full.get(r.id or "") == r.persona_id for r in self_results) / len(
            self_results
        )
        held_customers = [c for c in customers if c.id in held]
        results = Assigner(load_bundle(out80)).assign(held_customers)
        mapping = best_matching(full, part)
        agree = sum(mapping.get(r.persona_id) == full[r.id or ""] for r in results)
    print(
        f"full build: {len(full)} respondents; held out {len(held)} identified (seed {args.seed}); "
        f"{len(leaked)} of them still in the 80% build"
    )
    print(f"self-agreement (assign vs assignments.csv):       {self_agree:.3f}")
    print(
        f"held-out agreement (80% build vs full build):     {agree / len(results):.3f}"
        f"  ({agree}/{len(results)})"
    )
    print(f"persona matching (80% -> full): {mapping}")


if __name__ == "__main__":
    main()
