"""Run every benchmark and write benchmarks/RESULTS.md: ``make bench``.

Each benchmark runs as its own process, as a user would run it, with the
command recorded next to its figures; the machine (CPU, cores, RAM), the date,
the package versions and the load average before and after each step go in
too, because the machine may be shared and timings move with the load.

Sizes are chosen to fit 30 minutes on 2 cores; ``BENCH_FULL=1`` runs the big
ones in full (the 100,000-statement build, every clothing review in the
understanding benchmark, every row of the real labelled corpora and the extra
ones of benchmarks/realdata-corpora, a 1,000,000-row ingest), which takes hours;
``BENCH_100K=1`` adds only the 100,000-statement build and the 1,000,000-row
ingest (about 25 minutes more). The 100,000-statement build's figures are kept
in ``benchmarks/results/`` when measured, and later default runs report them
marked with their date.

A failing step does not stop the others: its error goes into RESULTS.md and
the driver exits 1 at the end. Everything collected is also kept in
``benchmarks/results/last-run.json``; ``--render`` writes RESULTS.md again
from it without running anything (after a template change of RESULTS.md, or
once a BENCH_FULL 100k figure has been kept), and ``--only STEP`` measures one
step again and writes RESULTS.md with it (that step says when it ran).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from results_md import render_results

ROOT = Path(__file__).resolve().parents[1]
HERE = ROOT / "benchmarks"
FULL = os.environ.get("BENCH_FULL", "") not in ("", "0")
BIG = FULL or os.environ.get("BENCH_100K", "") not in ("", "0")
STORED_100K = HERE / "results" / "scale-100k.json"
LAST_RUN = HERE / "results" / "last-run.json"


@dataclass
class Step:
    """One benchmark process: its command, and what it printed and measured."""

    name: str
    args: list[str]
    json_out: bool = True
    seconds: float = 0.0
    load_before: str = ""
    load_after: str = ""
    stdout: str = ""
    error: str = ""
    figures: dict[str, Any] = field(default_factory=dict)
    measured: str = ""  # when run again on its own (``--only``), after the whole run

    def command(self) -> str:
        """The command as typed from the repository root; OUT is the kept demo build."""
        temp = str(Path(tempfile.gettempdir()))
        return " ".join(
            [".venv/bin/python", *("OUT" if a.startswith(temp) else a for a in self.args)]
        )


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def run_step(step: Step, tmp: Path) -> None:
    """Run one benchmark in a fresh process; keep its output and its --json figures."""
    json_path = tmp / f"{step.name}.json"
    argv = [sys.executable, *step.args] + (["--json", str(json_path)] if step.json_out else [])
    step.load_before = load()
    t0 = time.perf_counter()
    proc = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=False)
    step.seconds = round(time.perf_counter() - t0, 1)
    step.load_after = load()
    step.stdout = proc.stdout
    if proc.returncode != 0:
        step.error = (proc.stderr or proc.stdout)[-3000:] or f"exit code {proc.returncode}"
    if step.json_out and json_path.is_file():  # a step may fail and still report (realdata)
        step.figures = json.loads(json_path.read_text(encoding="utf-8"))
    print(f"{step.name}: {step.seconds:.0f}s{' FAILED' if step.error else ''}", flush=True)


def steps(build: Path) -> list[Step]:
    """Every benchmark, in an order that lets later ones reuse the demo build."""
    sizes = ["1000", "10000"] + (["100000"] if BIG else [])
    return [
        Step("speed", ["benchmarks/build_speed.py", "--keep", str(build)]),
        Step("planted", ["benchmarks/planted.py", "--out", str(build)]),
        Step("drift", ["benchmarks/drift.py", "--baseline", str(build)]),
        Step("scale", ["benchmarks/build_scale.py", "--statements", *sizes]),
        Step("understanding", ["benchmarks/understanding.py", *(["--full"] if FULL else [])]),
        Step("privacy", ["benchmarks/privacy.py"]),
        Step(
            "realdata",
            ["benchmarks/realdata.py"]
            + (["--full", "--extra", "benchmarks/realdata-corpora"] if FULL else []),
        ),
        Step("assign_speed", ["benchmarks/assign_speed.py", str(build)], json_out=False),
        Step("assign_holdout", ["benchmarks/assign_holdout.py"], json_out=False),
        Step(
            "scale_out",
            ["benchmarks/scale_out.py", "--statements", "100000" if BIG else "3000"]
            + (["--million"] if FULL else []),
            json_out=False,
        ),
        Step(
            "ingest_scale",
            ["benchmarks/ingest_scale.py", "--rows", "1000000" if BIG else "200000"],
            json_out=False,
        ),
    ]


def machine() -> dict[str, Any]:
    """CPU model, cores, RAM, OS, Python, versions of the packages a build uses, commit."""
    cpu = "unknown"
    ram = 0.0
    try:
        info = Path("/proc/cpuinfo").read_text(encoding="utf-8")
        cpu = next(
            (
                ln.split(":", 1)[1].strip()
                for ln in info.splitlines()
                if ln.startswith("model name")
            ),
            cpu,
        )
        mem = Path("/proc/meminfo").read_text(encoding="utf-8").split()
        ram = int(mem[mem.index("MemTotal:") + 1]) / 1024 / 1024
    except (OSError, ValueError, StopIteration):
        pass
    versions = subprocess.run(
        [sys.executable, "-c", "import json; from personas.output.tables import versions; "
         "print(json.dumps(versions()))"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    )
    dirty = subprocess.run(
        ["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True
    )
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gib": round(ram, 1),
        "os": f"{platform.system()} {platform.release()}",
        "versions": json.loads(versions.stdout) if versions.returncode == 0 else {},
        "commit": (commit.stdout.strip() or "unknown")
        + (" (with uncommitted changes)" if dirty.stdout.strip() else ""),
    }


def stored_100k(scale: Step, today: str, machine_info: dict[str, Any]) -> None:
    """Keep the 100k build's figures when this run measured one (BENCH_100K=1 or BENCH_FULL=1)."""
    sizes = scale.figures.get("sizes", [])
    big = next((s for s in sizes if s["target"] == 100_000), None)
    if big is not None:
        record = {
            "measured": today,
            "load_before": scale.load_before,
            "load_after": scale.load_after,
            "cpu": machine_info["cpu"],
            "cores": machine_info["cores"],
            "command": scale.command(),
            "size": big,
        }
        STORED_100K.parent.mkdir(exist_ok=True)
        STORED_100K.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")


def _children_cpu() -> float:
    """User + system seconds of every finished child process and their descendants."""
    use = resource.getrusage(resource.RUSAGE_CHILDREN)
    return use.ru_utime + use.ru_stime


def run_everything() -> dict[str, Any]:
    """Run every step; return what RESULTS.md is written from."""
    started = dt.datetime.now(dt.UTC)
    t0 = time.perf_counter()
    info = machine()
    load_start = load()
    with tempfile.TemporaryDirectory(prefix="personas-bench-") as tmp:
        build = Path(tmp) / "demo-build"
        todo = steps(build)
        for step in todo:
            run_step(step, Path(tmp))
    stored_100k(next(s for s in todo if s.name == "scale"), started.date().isoformat(), info)
    return {
        "steps": [dataclasses.asdict(s) for s in todo],
        "machine": info,
        "started": started.strftime("%Y-%m-%d %H:%M UTC"),
        "total_s": round(time.perf_counter() - t0, 1),
        "cpu_s": round(_children_cpu(), 1),
        "load_start": load_start,
        "load_end": load(),
        "full": FULL,
        "big": BIG,  # the 100k build and the 1M-row ingest ran
    }


def write_results(run: dict[str, Any]) -> list[Step]:
    """RESULTS.md from one run's record (and the kept 100k build, if any)."""
    todo = [Step(**s) for s in run["steps"]]
    by_name = {s.name: s for s in todo}
    big = None
    if STORED_100K.is_file():
        big = json.loads(STORED_100K.read_text(encoding="utf-8"))
        big["fresh"] = any(
            s["target"] == 100_000 for s in by_name["scale"].figures.get("sizes", [])
        )
    text = render_results(
        steps=by_name,
        machine=run["machine"],
        started=run["started"],
        total_s=run["total_s"],
        cpu_s=run.get("cpu_s"),
        load_start=run["load_start"],
        load_end=run["load_end"],
        full=run.get("big", run["full"]),
        big=big,
    )
    (HERE / "RESULTS.md").write_text(text, encoding="utf-8")
    return todo


def rerun(run: dict[str, Any], name: str) -> dict[str, Any]:
    """The last run with step ``name`` measured again now (the others kept as they were)."""
    with tempfile.TemporaryDirectory(prefix="personas-bench-") as tmp:
        fresh = {s.name: s for s in steps(Path(tmp) / "demo-build")}
        if name not in fresh:
            sys.exit(f"no step {name!r}; the steps are: {', '.join(fresh)}")
        step = fresh[name]
        run_step(step, Path(tmp))
    step.measured = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    run["steps"] = [dataclasses.asdict(step) if s["name"] == name else s for s in run["steps"]]
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--render", action="store_true", help="only rewrite RESULTS.md")
    parser.add_argument(
        "--only",
        metavar="STEP",
        help="measure one step again (e.g. speed), keep the last run's other figures, "
        "and rewrite RESULTS.md (the step says when it was measured)",
    )
    args = parser.parse_args()
    if args.render:
        run = json.loads(LAST_RUN.read_text(encoding="utf-8"))
    elif args.only:
        run = rerun(json.loads(LAST_RUN.read_text(encoding="utf-8")), args.only)
        LAST_RUN.write_text(json.dumps(run, indent=1) + "\n", encoding="utf-8")
    else:
        run = run_everything()
        LAST_RUN.parent.mkdir(exist_ok=True)
        LAST_RUN.write_text(json.dumps(run, indent=1) + "\n", encoding="utf-8")
    todo = write_results(run)
    print(f"wrote {HERE / 'RESULTS.md'} (the run took {run['total_s'] / 60:.1f} min)")
    if any(s.error for s in todo):
        sys.exit(1)


if __name__ == "__main__":
    main()
