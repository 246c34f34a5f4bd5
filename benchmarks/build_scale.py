"""How a build grows with the data: time and peak memory at 1k, 10k (and 100k) statements.

Run with ``.venv/bin/python benchmarks/build_scale.py [--statements 1000 10000 100000]``.

The inputs are real: the first N women's clothing reviews with text in
../shared/data/reviews (read at run time, never copied into the repository),
written to a temporary folder and built with the real CLI in a fresh process,
cold (empty output folder, so nothing is cached). A review gives about
``STATEMENTS_PER_REVIEW`` statements (title and text, split into clauses;
138,578 from the 22,641 reviews with text), which sets N for each target; the statement
counts reported are the build's own.

For each size: wall time, CPU time (user + system: the work done; other load
on a shared machine stretches the wall time far more than it), peak RSS (max
RSS of the build process), the per-stage timings from run.json. The growth
exponent b in time ≈ a·n^b is the least-squares slope of log(time) on
log(statements), for the whole build and per stage. Process start and model
loading are fixed costs that flatten the wall-clock exponent at small n, so
the exponent of the stage sum is printed too.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_speed import build_command, measure_command

ROOT = Path(__file__).resolve().parents[1]
REVIEWS = ROOT.parent / "shared" / "data" / "reviews" / "womens_clothing_ecommerce_reviews.csv"
STATEMENTS_PER_REVIEW = 6.1


def write_reviews(path: Path, rows: int) -> int:
    """Write the header and the first ``rows`` reviews that have text; return how many."""
    with REVIEWS.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        text = header.index("Review Text")
        kept = []
        for row in reader:
            if len(kept) >= rows:
                break
            if len(row) > text and row[text].strip():
                kept.append(row)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(kept)
    return len(kept)


def one_size(target: int, tmp: Path) -> dict[str, Any]:
    """Build about ``target`` statements of real reviews, cold, in a fresh process."""
    folder = tmp / f"in-{target}"
    folder.mkdir()
    reviews = write_reviews(folder / "reviews.csv", math.ceil(target / STATEMENTS_PER_REVIEW))
    out = tmp / f"out-{target}"
    m = measure_command(build_command(folder, out))
    run_json = json.loads((out / "run.json").read_text(encoding="utf-8"))
    return {
        "target": target,
        "reviews": reviews,
        "statements": run_json["texts"]["statements"],
        "wall_s": round(m.wall_s, 1),
        "cpu_s": round(m.cpu_s, 1),
        "peak_gib": round(m.peak_gib, 2),
        "stages": run_json["timings_seconds"],
        "quality": run_json.get("quality"),
    }


def exponent(points: list[tuple[float, float]]) -> float | None:
    """Least-squares slope of log(y) on log(x): b in y ≈ a·x^b (None below two points)."""
    pts = [(math.log(x), math.log(y)) for x, y in points if x > 0 and y > 0]
    if len(pts) < 2:
        return None
    mx = sum(x for x, _ in pts) / len(pts)
    my = sum(y for _, y in pts) / len(pts)
    sxx = sum((x - mx) ** 2 for x, _ in pts)
    return round(sum((x - mx) * (y - my) for x, y in pts) / sxx, 2) if sxx else None


def growth(sizes: list[dict[str, Any]]) -> dict[str, Any]:
    """Exponents of wall time, peak memory, the stage sum and each stage."""
    stages = sorted({s for size in sizes for s in size["stages"]})
    return {
        "wall": exponent([(s["statements"], s["wall_s"]) for s in sizes]),
        "cpu": exponent([(s["statements"], s.get("cpu_s", 0.0)) for s in sizes]),
        "peak_memory": exponent([(s["statements"], s["peak_gib"]) for s in sizes]),
        "stage_sum": exponent([(s["statements"], sum(s["stages"].values())) for s in sizes]),
        "by_stage": {
            name: exponent([(s["statements"], s["stages"].get(name, 0.0)) for s in sizes])
            for name in stages
        },
    }


def report(sizes: list[dict[str, Any]], g: dict[str, Any]) -> str:
    lines = [
        f"{'statements':>10} {'reviews':>8} {'wall s':>8} {'CPU s':>8} {'peak GiB':>9}  "
        "biggest stages"
    ]
    for s in sizes:
        top = sorted(s["stages"].items(), key=lambda kv: -kv[1])[:4]
        lines.append(
            f"{s['statements']:>10,} {s['reviews']:>8,} {s['wall_s']:>8.1f} "
            f"{s.get('cpu_s', 0):>8.1f} {s['peak_gib']:>9.2f}  "
            + ", ".join(f"{k} {v:.0f}s" for k, v in top)
        )
    lines.append(
        f"growth exponent (time ~ n^b): wall {g['wall']}, CPU {g['cpu']}, "
        f"stage sum {g['stage_sum']}, "
        f"peak memory {g['peak_memory']}"
    )
    lines.append("by stage: " + ", ".join(f"{k} {v}" for k, v in g["by_stage"].items()))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--statements", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    if not REVIEWS.is_file():
        sys.exit(f"skipped: {REVIEWS} not found (../shared/data beside the repository)")
    with tempfile.TemporaryDirectory() as tmp:
        sizes = [one_size(n, Path(tmp)) for n in args.statements]
    g = growth(sizes)
    print(report(sizes, g))
    if args.json:
        args.json.write_text(json.dumps({"sizes": sizes, "growth": g}, indent=2) + "\n")


if __name__ == "__main__":
    main()
