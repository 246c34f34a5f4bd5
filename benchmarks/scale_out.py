"""Local engine against the Ray engine on the same statements, and what a cluster would buy.

Run with ``.venv/bin/python benchmarks/scale_out.py`` (``make bench`` runs it
with the small default size). ``--statements N`` sets the size (100000 for the
issue's comparison); ``--million`` (or ``BENCH_FULL=1``) adds a
1,000,000-statement Ray run. The big sizes take hours on 2 cores.

The corpus is real review text (../shared/data/reviews, read at run time,
never copied into the repository): the first reviews with text, as
``build_scale`` writes them; past the 22,641 reviews there are, further
reviews are made by recombining the sentences of real ones (seeded), so that
the reviews are new. Their statements are mostly sentences, though, and
those repeat: the million run embeds far fewer distinct texts than it has
statements (each distinct text is embedded once; the report gives both). Its
embedding time is therefore no guide (the throughput model comes from the
comparison run), but its driver memory is: the driver holds every statement,
repeated or not.

Both builds run cold with the real CLI, each in a fresh process: ``--engine
local`` and ``--engine ray`` (a local Ray cluster with this machine's cores,
started and stopped by the build). For each: wall time, CPU time of the
build process and the children it reaped (the local engine's prepare worker
counts; Ray's workers are not its children, so for Ray this is the driver's
CPU alone), the driver's own peak memory (max RSS of the build process
itself, not of the Ray workers), and the stage timings. Agreement: whether
assignments.csv is byte-identical, the adjusted Rand index of the persona ids,
and whether the theme labels are the same. What was fitted on a seeded sample
(segments above ``fit_sample_people`` respondents, a kind's themes above
``fit_sample_statements`` statements; run.json ``texts``) is reported for each
run (the million run's 164,000 reviews are above the default 100,000
people when each review is a respondent of its own).

The throughput model takes the Ray run's distributed part (prepare + embed;
the nearest-theme assignment also runs on the workers but sits inside the
"themes" stage with the fit, so it is counted as serial) as a per-worker rate
r (statements per second per worker, measured on this machine's W workers) and
the rest of the build (reading, classification, themes, segments, statistics,
documents on the driver) as a serial cost s per statement; with w workers,
statements per hour = 3600 / (s + 1 / (r·w)). It is linear: it ignores the
cluster's start-up and assumes the driver-side stages keep their per-statement
cost at larger sizes. At a small size the serial part is mostly fixed costs
(imports, model loads on the driver), so the model then understates what more
workers buy; use 100,000 statements or more.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_scale import REVIEWS, STATEMENTS_PER_REVIEW
from build_speed import BIN

FULL = os.environ.get("BENCH_FULL", "") not in ("", "0")
WORKERS = (8, 32, 128)
REAL_REVIEWS = 22_641  # reviews with text in the file; past them, recombined ones
# statements per recombined review: 163,934 reviews (22,641 real) gave 677,452 statements
RECOMBINED_STATEMENTS = 3.8
DISTRIBUTED = ("prepare", "embed")

# The build in this very process, so that its own peak RSS is the driver's (not a worker's).
DRIVER = """
import atexit, resource, sys, time
t0 = time.perf_counter()
figures = sys.argv[1]
def report():
    use = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = use.ru_utime + use.ru_stime + kids.ru_utime + kids.ru_stime
    with open(figures, "w") as f:
        f.write(f"{time.perf_counter() - t0} {use.ru_maxrss} {cpu} {kids.ru_maxrss}")
atexit.register(report)
sys.argv = ["personas", *sys.argv[2:]]
from personas.cli import main
main()
"""


def write_corpus(path: Path, reviews: int, seed: int = 7) -> int:
    """``reviews`` reviews with text: real ones first, then seeded recombinations."""
    with REVIEWS.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        text, title = header.index("Review Text"), header.index("Title")
        real = [row for row in reader if len(row) > text and row[text].strip()]
    rng = random.Random(seed)
    sentences = [s for row in real for s in re.split(r"(?<=[.!?])\s+", row[text]) if s.strip()]
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        for i in range(reviews):
            row = list(real[i % len(real)])
            if i >= len(real):
                row[text] = " ".join(rng.choice(sentences) for _ in range(rng.randint(2, 5)))
                row[0], row[title] = str(i), ""  # a new reviewer, no repeated title
            writer.writerow(row)
    return reviews


def build(corpus: Path, out: Path, engine: str) -> dict[str, Any]:
    """One cold build with ``engine`` in a fresh process: time, driver peak, CPU, stages."""
    figures = out.with_suffix(".figures")
    cmd = [str(BIN / "personas"), "build", str(corpus), "-o", str(out), "-q", "--engine", engine]
    proc = subprocess.run(
        [sys.executable, "-c", DRIVER, str(figures), *cmd[1:]],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{proc.stderr[-3000:]}")
    wall, peak_kib, cpu, child_kib = figures.read_text(encoding="utf-8").split()
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    return {
        "engine": engine,
        "statements": run["texts"]["statements"],
        "distinct_texts": distinct_texts(out),
        "wall_s": round(float(wall), 1),
        "cpu_s": round(float(cpu), 1),
        "driver_peak_gib": round(int(peak_kib) / 1024**2, 2),
        # the largest reaped child: the local engine's prepare worker, or a Ray process
        "largest_child_peak_gib": round(int(child_kib) / 1024**2, 2),
        "stages": run["timings_seconds"],
        # the driver's peak when each stage ended: where it rises, that stage set a new peak
        "peak_by_stage_gib": run.get("peak_memory_gib", {}),
        "samples": fit_samples(run["texts"]),
    }


def distinct_texts(out: Path) -> int:
    """How many different statement texts the build had to embed."""
    with (out / "statements.csv").open(encoding="utf-8", newline="") as f:
        return len({row["text"] for row in csv.DictReader(f)})


def fit_samples(texts: dict[str, Any]) -> dict[str, int]:
    """What was fitted on a seeded sample (run.json ``texts``): segments on
    ``fit_sample_people`` of the respondents, each kind's themes on
    ``fit_sample_statements``; empty when the corpus is below both caps."""
    keys = ("segments_fitted_on_respondents", "respondents_segmented")
    return {
        k: v for k, v in sorted(texts.items()) if k in keys or k.endswith("_fitted_on_statements")
    }


def sample_line(samples: dict[str, int]) -> str:
    """The samples in words, for the report."""
    if not samples:
        return "no fit on a sample (below fit_sample_people and fit_sample_statements)"
    parts = []
    if "segments_fitted_on_respondents" in samples:
        parts.append(
            f"segments fitted on {samples['segments_fitted_on_respondents']:,} of "
            f"{samples['respondents_segmented']:,} respondents"
        )
    kinds = [k.split("_")[0] for k in samples if k.endswith("_fitted_on_statements")]
    if kinds:
        cap = next(v for k, v in samples.items() if k.endswith("_fitted_on_statements"))
        parts.append(f"themes of {', '.join(kinds)} fitted on {cap:,} statements each")
    return "; ".join(parts) + " (everyone else joined the nearest centre)"


def persona_ids(out: Path) -> dict[str, str]:
    with (out / "assignments.csv").open(encoding="utf-8", newline="") as f:
        return {r["respondent_id"]: r["persona_id"] for r in csv.DictReader(f)}


def theme_labels(out: Path) -> list[str]:
    with (out / "themes.csv").open(encoding="utf-8", newline="") as f:
        return sorted(r["label"] for r in csv.DictReader(f))


def agreement(local: Path, ray: Path) -> dict[str, Any]:
    """How far the two builds agree: bytes, ARI of persona ids, theme labels."""
    from sklearn.metrics import adjusted_rand_score

    a, b = persona_ids(local), persona_ids(ray)
    keys = sorted(a.keys() & b.keys())
    return {
        "assignments_identical": (local / "assignments.csv").read_bytes()
        == (ray / "assignments.csv").read_bytes(),
        "ari": round(adjusted_rand_score([a[k] for k in keys], [b[k] for k in keys]), 4),
        "same_respondents": a.keys() == b.keys(),
        "same_theme_labels": theme_labels(local) == theme_labels(ray),
    }


def throughput(ray_run: dict[str, Any], workers_measured: int) -> dict[str, Any]:
    """Statements per hour for 8, 32 and 128 workers from the measured rates."""
    n = ray_run["statements"]
    stages = ray_run["stages"]
    parallel = sum(stages.get(s, 0.0) for s in DISTRIBUTED)
    serial = sum(stages.values()) - parallel
    rate = n / parallel / workers_measured  # statements per second per worker
    per_statement = serial / n
    return {
        "workers_measured": workers_measured,
        "per_worker_statements_per_s": round(rate, 1),
        "serial_s": round(serial, 1),
        "serial_ms_per_statement": round(1000 * per_statement, 3),
        "statements_per_hour": {
            str(w): round(3600 / (per_statement + 1 / (rate * w))) for w in WORKERS
        },
        "ceiling_statements_per_hour": round(3600 / per_statement),
    }


def compare(target: int, tmp: Path) -> dict[str, Any]:
    """Local and Ray builds of about ``target`` statements, and their agreement."""
    folder = tmp / f"in-{target}"
    folder.mkdir()
    write_corpus(folder / "reviews.csv", round(target / STATEMENTS_PER_REVIEW))
    local = build(folder, tmp / f"local-{target}", "local")
    ray = build(folder, tmp / f"ray-{target}", "ray")
    return {
        "target": target,
        "local": local,
        "ray": ray,
        "agreement": agreement(tmp / f"local-{target}", tmp / f"ray-{target}"),
        "model": throughput(ray, os.cpu_count() or 1),
    }


def reviews_for(target: int) -> int:
    """Reviews that give at least about ``target`` statements: the real ones split into
    ``STATEMENTS_PER_REVIEW`` each, the recombined ones (2 to 5 sentences) into fewer,
    ``RECOMBINED_STATEMENTS`` (measured), so a margin of 2% is added past the real ones."""
    real_statements = REAL_REVIEWS * STATEMENTS_PER_REVIEW
    if target <= real_statements:
        return round(target / STATEMENTS_PER_REVIEW)
    return REAL_REVIEWS + math.ceil((1.02 * target - real_statements) / RECOMBINED_STATEMENTS)


def ray_only(target: int, tmp: Path) -> dict[str, Any]:
    """A Ray build of at least about ``target`` statements (the million run)."""
    folder = tmp / f"in-{target}"
    folder.mkdir()
    write_corpus(folder / "reviews.csv", reviews_for(target))
    ray = build(folder, tmp / f"ray-{target}", "ray")
    return {"target": target, "ray": ray, "model": throughput(ray, os.cpu_count() or 1)}


def report(result: dict[str, Any]) -> str:
    c = result["compare"]
    lines = [f"Local vs Ray (local cluster, {os.cpu_count()} cores), {c['local']['statements']}"
             " statements, cold:"]  # fmt: skip
    for r in (c["local"], c["ray"]):
        lines.append(
            f"  {r['engine']:<6} wall {r['wall_s']:>7.1f} s   CPU* {r['cpu_s']:>7.1f} s   "
            f"driver peak {r['driver_peak_gib']:.2f} GiB (largest child "
            f"{r['largest_child_peak_gib']:.2f})   prepare {r['stages']['prepare']:.1f} s"
            f"   embed {r['stages']['embed']:.1f} s"
        )
    lines.append("  (* this process and the children it reaped: not Ray's workers)")
    lines.append(f"  ray {peak_line(c['ray'])}")
    lines.append(f"  {sample_line(c['ray']['samples'])}")
    a = c["agreement"]
    lines.append(
        f"  agreement: assignments.csv identical {a['assignments_identical']}, ARI {a['ari']}, "
        f"same theme labels {a['same_theme_labels']}"
    )
    big = result.get("million")
    if big:
        r = big["ray"]
        lines.append(
            f"Ray, {r['statements']} statements ({r.get('distinct_texts', '?'):,} distinct texts "
            f"embedded): wall {r['wall_s']:.0f} s, driver peak "
            f"{r['driver_peak_gib']:.2f} GiB "
            f"({r['driver_peak_gib'] / c['ray']['driver_peak_gib']:.2f}x the smaller run's)"
        )
        lines.append(f"  {sample_line(r['samples'])}")
        lines.append(f"  {peak_line(r)}")
    m = c["model"]  # the million run repeats texts: its embedding rate is no guide
    lines.append(
        f"Throughput model (per worker {m['per_worker_statements_per_s']} statements/s on "
        f"{m['workers_measured']} workers; serial part {m['serial_s']} s = "
        f"{m['serial_ms_per_statement']} ms/statement):"
    )
    for w, per_hour in m["statements_per_hour"].items():
        lines.append(f"  {w:>4} workers: {per_hour:>12,} statements/hour")
    lines.append(f"  ceiling (serial part alone): {m['ceiling_statements_per_hour']:,}/hour")
    if c["ray"]["statements"] < 100_000:
        lines.append(
            "  (a small run: its serial part is mostly fixed costs, so more workers buy more)"
        )
    return "\n".join(lines)


def peak_line(run: dict[str, Any]) -> str:
    """The stages where the driver's peak rose, and to what."""
    rises, last = [], 0.0
    for stage, peak in run.get("peak_by_stage_gib", {}).items():
        if peak > last + 0.05:
            rises.append(f"{stage} {peak:.2f}")
        last = max(last, peak)
    return "driver peak rose in: " + (", ".join(rises) or "(not recorded)") + " GiB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--statements", type=int, default=3000, help="size of the comparison")
    parser.add_argument("--million", action="store_true", help="add a 1,000,000-statement Ray run")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = parser.parse_args()
    t0 = time.perf_counter()
    result: dict[str, Any] = {}

    def keep() -> None:  # after each part: a long run stopped half-way keeps what it measured
        result["seconds"] = round(time.perf_counter() - t0, 1)
        if args.json:
            args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        if args.million or FULL:  # first: it is the one whose memory is in question
            result["million"] = ray_only(1_000_000, tmp)
            keep()
            shutil.rmtree(tmp / "in-1000000")
            shutil.rmtree(tmp / "ray-1000000")
        result["compare"] = compare(args.statements, tmp)
    keep()
    print(report(result))


if __name__ == "__main__":
    main()
