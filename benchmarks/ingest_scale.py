"""Ingest at scale: time and peak memory of reading a 1,000,000-row reviews CSV.

Run with ``.venv/bin/python benchmarks/ingest_scale.py`` (``--rows N`` for another
size, ``--keep`` to leave the generated file in place). The CSV is synthetic and
generated fresh (seeded): product handle, state, rating, title, author, email
(a third of the rows), location, body, reply, created_at, as a Shopify reviews
export has them.

Discover + ingest run in a fresh child process, as a build's do; the parent
reports the child's wall time and peak memory (max RSS), the memory of the
child's interpreter with its imports before reading (the floor), the file
size, records per second of ingest, and the peak's ratio to the file size.
The file is streamed and the records go into Arrow columns as they are read
(``personas.ingest.recordtable``): neither the rows nor the records are ever
all held as Python objects. ``--json PATH`` also writes the figures as JSON.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = """
import json, resource, sys, time
from pathlib import Path
from personas.config import Config
from personas.ingest.discover import discover
from personas.ingest import ingest
floor = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t0 = time.perf_counter()
folder = Path(sys.argv[1])
sources, _ = discover(folder, Config())
t1 = time.perf_counter()
result = ingest(folder, sources, Config())
t2 = time.perf_counter()
acc = result.accounts[0]
print(json.dumps({
    "discover_s": round(t1 - t0, 2), "ingest_s": round(t2 - t1, 2),
    "rows": acc.rows_total, "used": acc.rows_used, "skipped": acc.rows_skipped,
    "records": len(result.records), "floor_kb": floor,
}))
"""

WORDS = [
    *("boots", "jacket", "fleece", "socks", "tent", "zip", "seams", "sizing", "delivery"),
    *("refund", "colour", "fabric", "warm", "dry", "comfortable", "leaked", "broke", "perfect"),
    *("small", "large", "quick", "slow", "lovely", "cheap", "sturdy", "soft"),
]


def generate(path: Path, rows: int, seed: int = 7) -> None:
    """Write a synthetic Shopify-style reviews export with ``rows`` data rows."""
    rng = random.Random(seed)
    header = ["product_handle", "state", "rating", "title", "author", "email", "location"]
    header += ["body", "reply", "created_at"]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for n in range(rows):
            body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 40))).capitalize()
            writer.writerow(
                [
                    f"product-{n % 500}",
                    "published" if n % 50 else "spam",
                    rng.randint(1, 5),
                    " ".join(rng.choice(WORDS) for _ in range(3)).title(),
                    f"Reviewer {n % 9000}",
                    f"customer{n % 40000}@example.com" if n % 3 == 0 else "",
                    "York, UK",
                    body + ".",
                    "Thanks for the review!" if n % 7 == 0 else "",
                    f"2025-{1 + n % 12:02d}-{1 + n % 28:02d} 10:00:00 UTC",
                ]
            )


def main() -> None:
    """Generate the file, ingest it in a child process, print the measurements."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="keep the generated folder")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="personas-scale-"))
    path = folder / "reviews.csv"
    t0 = time.perf_counter()
    generate(path, args.rows)
    made = time.perf_counter() - t0
    t1 = time.perf_counter()
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(folder)], capture_output=True, text=True, check=True
    )
    wall = time.perf_counter() - t1
    got = json.loads(child.stdout.strip().splitlines()[-1])
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    size = path.stat().st_size / 2**20
    peak, floor = peak_kb / 1024, got["floor_kb"] / 1024
    per_second = got["records"] / got["ingest_s"] if got["ingest_s"] else 0.0
    print(f"file: {args.rows:,} rows, {size:.0f} MiB (generated in {made:.0f} s)")
    print(
        f"ingest: {got['rows']:,} rows, {got['used']:,} used, {got['skipped']:,} skipped, "
        f"{got['records']:,} records"
    )
    print(
        f"time: discover {got['discover_s']} s + ingest {got['ingest_s']} s "
        f"(child wall time incl. imports {wall:.1f} s)"
    )
    print(f"speed: {per_second:,.0f} records per second of ingest")
    print(
        f"peak memory (max RSS of the child): {peak:.0f} MiB "
        f"(interpreter and imports before reading: {floor:.0f} MiB); "
        f"peak / file size {peak / size:.2f}, above the floor {(peak - floor) / size:.2f}"
    )
    if args.json:
        figures = {
            **got,
            "file_mib": round(size, 1),
            "wall_s": round(wall, 1),
            "peak_mib": round(peak),
            "floor_mib": round(floor),
            "records_per_s": round(per_second),
            "peak_to_file": round(peak / size, 2),
        }
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    if args.keep:
        print(f"kept: {path}")
    else:
        path.unlink()
        folder.rmdir()


if __name__ == "__main__":
    main()
