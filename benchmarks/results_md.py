"""Turn the figures ``run_all.py`` collected into benchmarks/RESULTS.md.

Only formatting lives here: every number comes from a benchmark's ``--json``
output or its printed report, and every section names the command behind it.
A step that failed or was not run shows that instead of figures.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

GOAL_GROWTH = 1.15  # "near-linear": time grows at most as n^1.15


def table(header: list[str], rows: list[list[Any]]) -> str:
    def cell(v: Any) -> str:
        return str(v).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def ran(step: Any) -> str:
    """The command line and how the run went."""
    measured = getattr(step, "measured", "")
    when = f" Measured again on its own, {measured}." if measured else ""
    return (
        f"Command: `{step.command()}` — {step.seconds / 60:.1f} min, "
        f"load average {step.load_before} before, {step.load_after} after.{when}"
    )


def failed(step: Any) -> str | None:
    if step.error:
        return f"**Failed** (`{step.command()}`):\n\n```\n{step.error.strip()}\n```"
    if not step.figures and step.json_out:
        return f"No figures (`{step.command()}` wrote none)."
    return None


def minutes(seconds: float | None) -> str:
    return "—" if seconds is None else f"{seconds / 60:.1f} min"


def status(ok: bool | None) -> str:
    return "not measured" if ok is None else ("met" if ok else "**not met**")


# -- sections ----------------------------------------------------------------------------------


def header(
    machine: dict[str, Any],
    started: str,
    times: tuple[float, float | None],
    loads: tuple[str, str],
) -> str:
    total_s, cpu_s = times
    cpu = "" if cpu_s is None else f" wall time, {cpu_s / 60:.1f} min of CPU time"
    versions = ", ".join(f"{k} {v}" for k, v in machine["versions"].items())
    return "\n".join(
        [
            "# Benchmark results",
            "",
            f"Written by `make bench` (`benchmarks/run_all.py`) on {started}; the run took "
            f"{total_s / 60:.1f} min{cpu}. Regenerate with `make bench`; `BENCH_FULL=1 make "
            "bench` adds the full-size runs (hours).",
            "",
            f"- Machine: {machine['cpu']}, {machine['cores']} cores, {machine['ram_gib']} GiB RAM, "
            f"{machine['os']}.",
            f"- Code: commit {machine['commit']}.",
            f"- Versions: {versions}.",
            f"- Load average (1, 5, 15 min) at the start {loads[0]}, at the end {loads[1]}. "
            "On a shared machine every timing below is inflated by the other work; each "
            "section gives the load around its own step.",
        ]
    )


def goals(
    steps: dict[str, Any], big: dict[str, Any] | None, times: tuple[float, float | None]
) -> str:
    total_s, cpu_s = times
    speed = steps["speed"].figures
    growth = steps["scale"].figures.get("growth", {})
    leaks = privacy_leaks(steps["privacy"].figures)
    cold, warm = speed.get("cold_over_floor"), speed.get("warm_over_cold")
    cold_cpu, warm_cpu = speed.get("cold_over_floor_cpu"), speed.get("warm_over_cold_cpu")
    big_size = big["size"] if big else None
    big_note = "" if not big or big.get("fresh") else f" (measured once, {big['measured']})"
    exponent = best_exponent(growth, steps["scale"].figures, big)
    rows = [
        [
            "cold demo build vs the embedding floor",
            "≤ 1.5×",
            f"{_x(cold)} wall, {_x(cold_cpu)} CPU",
            status(_le(cold, 1.5)),
        ],
        [
            "warm rebuild (nothing changed) vs cold",
            "≤ 10%",
            f"{_pct(warm)} wall, {_pct(warm_cpu)} CPU",
            status(_le(warm, 0.10)),
        ],
        [
            "100,000 statements: time",
            "≤ 15 min",
            (f"{minutes(big_size['wall_s'])} wall, {minutes(big_size.get('cpu_s'))} CPU{big_note}")
            if big_size
            else "not run (BENCH_100K=1)",
            status(_le(big_size["wall_s"], 900) if big_size else None),
        ],
        [
            "100,000 statements: peak memory",
            "≤ 4 GiB",
            f"{big_size['peak_gib']:.2f} GiB{big_note}" if big_size else "not run",
            status(_le(big_size["peak_gib"], 4.0) if big_size else None),
        ],
        [
            "near-linear growth (time ~ n^b)",
            f"b ≤ {GOAL_GROWTH}",
            exponent[1] if exponent[0] is not None else "—",
            status(_le(exponent[0], GOAL_GROWTH)),
        ],
        ["privacy: planted values in shareable outputs", "0", leaks, status(_eq0(leaks))],
        *drift_goals(steps.get("drift")),
        *scale_out_goals(),
        [
            "real labelled corpora: builds failed or with a traceback",
            "0",
            realdata_crashes(steps.get("realdata")),
            status(_eq0(realdata_crashes(steps.get("realdata")))),
        ],
        [
            "real labelled corpora: theme and persona labels with a problem",
            "0",
            realdata_hygiene(steps.get("realdata")),
            status(_eq0(realdata_hygiene(steps.get("realdata")))),
        ],
        [
            "`make bench` on 2 cores",
            "≤ 30 min",
            minutes(total_s) + ("" if cpu_s is None else f" wall, {minutes(cpu_s)} CPU"),
            status(total_s <= 1800),
        ],
    ]
    return "## Goals\n\n" + table(["goal", "target", "today", ""], rows)


def _x(v: float | None) -> str:
    return "—" if v is None else f"{v:.2f}×"


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{v:.0%}"


def _le(v: float | None, limit: float) -> bool | None:
    return None if v is None else v <= limit


def _eq0(v: Any) -> bool | None:
    return v == 0 if isinstance(v, int) else None


def privacy_leaks(figures: dict[str, Any]) -> int | str:
    corpora = figures.get("corpora", {})
    if not corpora:
        return "not measured"
    return sum(c["end_to_end"]["leaks"] for c in corpora.values())


def best_exponent(
    growth: dict[str, Any], scale: dict[str, Any], big: dict[str, Any] | None
) -> tuple[float | None, str]:
    """The growth exponent between the two largest sizes (the kept 100k point included).

    Fixed costs (process start, model loading) flatten the slope at small sizes,
    so the pair of largest builds is the honest estimate of how time grows.
    """
    from build_scale import exponent

    sizes = list(scale.get("sizes", []))
    if big and not big.get("fresh"):
        sizes.append(big["size"])
    sizes.sort(key=lambda s: s["statements"])
    b = exponent([(s["statements"], s["wall_s"]) for s in sizes[-2:]])
    if b is None:
        return None, "—"
    span = " → ".join(f"{s['statements']:,}" for s in sizes[-2:])
    kept = " (100k measured once)" if big and not big.get("fresh") else ""
    return b, f"{b} (wall, {span} statements{kept}; stage sum today: {growth.get('stage_sum')})"


def speed_section(step: Any) -> str:
    problem = failed(step)
    if problem:
        return "## Speed: the demo build\n\n" + problem
    m = step.figures
    rows = [
        [
            "cold build, empty output folder",
            f"{m['cold_s']:.1f}",
            f"{m['cold_cpu_s']:.1f}",
            f"{m['cold_peak_gib']:.2f}",
            "",
        ],
        [
            "warm rebuild, nothing changed (outputs reused)",
            f"{m['warm_s']:.1f}",
            f"{m['warm_cpu_s']:.1f}",
            f"{m['warm_peak_gib']:.2f}",
            f"{m['warm_over_cold']:.0%} of cold (CPU {m['warm_over_cold_cpu']:.0%})",
        ],
        *(
            [
                [
                    "forced rebuild (`--force`: everything recomputed, embedding cache hit)",
                    f"{m['forced_s']:.1f}",
                    f"{m['forced_cpu_s']:.1f}",
                    f"{m['forced_peak_gib']:.2f}",
                    f"{m['forced_over_cold']:.0%} of cold",
                ]
            ]
            if "forced_s" in m
            else []
        ),
        [
            "rebuild after one template change (`--templates`)",
            f"{m['template_s']:.1f}",
            "",
            "",
            f"{m['template_over_cold']:.0%} of cold",
        ],
    ]
    if m.get("render_s") is not None:
        rows.append(
            [
                "`personas render OUT --templates DIR` after that change",
                f"{m['render_s']:.1f}",
                "",
                "",
                f"{m['render_over_cold']:.0%} of cold",
            ]
        )
    rows.append(
        [
            "floor: load the model and embed the statements, nothing else",
            f"{m['floor_s']:.1f}",
            f"{m['floor_cpu_s']:.1f}",
            f"{m['floor_peak_gib']:.2f}",
            f"cold = {m['cold_over_floor']:.2f}× floor (CPU {m['cold_over_floor_cpu']:.2f}×)",
        ]
    )
    stages = ", ".join(f"{k} {v:.1f}" for k, v in m["cold_stages"].items())
    warm = ", ".join(f"{k} {v:.1f}" for k, v in m["warm_stages"].items())
    return "\n\n".join(
        [
            "## Speed: the demo build",
            f"{m['corpus']}, {m['statements']:,} statements; every figure is a fresh process; "
            "CPU = user + system seconds, which other load changes far less than wall time.",
            table(["measure", "wall s", "CPU s", "peak RSS GiB", ""], rows),
            f"Cold build stages (s): {stages}.\n\nWarm rebuild stages (s): {warm}.",
            ran(step),
        ]
    )


def scale_section(step: Any, big: dict[str, Any] | None) -> str:
    problem = failed(step)
    if problem:
        return "## Scaling: real reviews at 1k, 10k, 100k statements\n\n" + problem
    sizes = list(step.figures["sizes"])
    rows = [_size_row(s, "this run") for s in sizes]
    if big and not big.get("fresh"):
        note = (
            f"measured once on {big['measured']} (load {big['load_before']} → {big['load_after']})"
        )
        rows.append(_size_row(big["size"], note))
        notes = " ".join(big.get(k, "") for k in ("load_note", "cpu_note")).strip()
        rows_note = (
            f"The 100k row was measured once (`BENCH_100K=1 make bench` runs it): "
            f"`{big['command']}`. {notes}"
        )
    else:
        rows_note = ""
    g = step.figures["growth"]
    by_stage = ", ".join(f"{k} {v}" for k, v in g["by_stage"].items() if v is not None)
    parts = [
        "## Scaling: real reviews at 1k, 10k, 100k statements",
        "The first N clothing reviews with text (../shared/data/reviews), built cold in a "
        "fresh process. 100k statements run only with `BENCH_100K=1` (or `BENCH_FULL=1`).",
        table(
            ["statements", "reviews", "wall", "CPU", "peak RSS GiB", "wall s per 1k", "run"], rows
        ),
        f"Growth exponent b (time ≈ a·n^b, least squares on log-log) over this run's sizes: "
        f"wall {g['wall']}, CPU {g.get('cpu')}, stage sum {g['stage_sum']}, peak memory "
        f"{g['peak_memory']}. "
        f"Per stage: {by_stage}. Process start and model loading are fixed costs, so the "
        "wall exponent between small sizes understates the growth at large ones.",
    ]
    if rows_note:
        parts.insert(3, rows_note)
    if big is None:
        parts.append("100,000 statements: not measured yet (`BENCH_100K=1 make bench`).")
    parts.append(ran(step))
    return "\n\n".join(parts)


def _size_row(s: dict[str, Any], note: str) -> list[Any]:
    return [
        f"{s['statements']:,}",
        f"{s['reviews']:,}",
        minutes(s["wall_s"]),
        minutes(s.get("cpu_s")),
        f"{s['peak_gib']:.2f}",
        f"{s['wall_s'] / s['statements'] * 1000:.1f}",
        note,
    ]


def time_section(scale: Any, big: dict[str, Any] | None) -> str:
    """Per-stage shares of the biggest builds: what to speed up first."""
    sizes = [s for s in scale.figures.get("sizes", []) if s["statements"] >= 5000]
    if big and not big.get("fresh"):
        sizes.append(big["size"])
    if not sizes:
        return "## Where the time goes\n\nNo build of 10k statements or more in this run."
    names = sorted(
        {k for s in sizes for k in s["stages"]}, key=lambda k: -sizes[-1]["stages"].get(k, 0)
    )
    rows = []
    for name in names:
        row = [name]
        for s in sizes:
            total = sum(s["stages"].values()) or 1.0
            v = s["stages"].get(name, 0.0)
            row.append(f"{v:.1f} s ({v / total:.0%})")
        rows.append(row)
    top = sizes[-1]["stages"]
    total = sum(top.values()) or 1.0
    ranked = sorted(top.items(), key=lambda kv: -kv[1])[:3]
    lead = "; ".join(f"{k} {v / total:.0%}" for k, v in ranked)
    rates = ", ".join(
        f"{s['statements'] / s['stages']['embed']:.0f} statements/s at {s['statements']:,}"
        for s in sizes
        if s["stages"].get("embed")
    )
    return "\n\n".join(
        [
            "## Where the time goes",
            "Stage timings from run.json (seconds, share of the stage sum).",
            table(["stage", *(f"{s['statements']:,} statements" for s in sizes)], rows),
            f"Biggest costs at {sizes[-1]['statements']:,} statements: {lead}. Embedding "
            f"throughput (the embed stage, model loading included): {rates}.",
        ]
    )


def understanding_sections(step: Any) -> str:
    problem = failed(step)
    if problem:
        return "## Peers and quality on real data\n\n" + problem
    f = step.figures
    kinds = f["kinds"]
    themes = f["themes"]
    kind_rows = [list(r.values()) for r in kinds]
    theme_rows = [list(r.values()) for r in themes]
    return "\n\n".join(
        [
            "## Peers: themes on the same statements",
            "Our themes, vanilla BERTopic (defaults: UMAP + HDBSCAN, UMAP seeded) and "
            "scikit-learn LDA (as many topics as ours) on the same statements of the real R "
            f"community survey and clothing reviews ({f['reviews']}), in one run. NPMI over "
            "statements, every top-10 pair judged; diversity = unique share of top words; "
            "outliers = statements in no topic.",
            table(list(themes[0]) if themes else [], theme_rows),
            "## Quality on real data: statement kinds",
            "Accuracy of pain / motivation against human labels (R survey: the question "
            "answered) and weak labels (reviews: 1–2 stars not recommended = pain, 5 stars "
            "recommended = motivation). Calibration error: over ten confidence bins, the gap "
            "between a statement's kind confidence and how often it is right (0 = confidence "
            "is the chance of being right; the weak review labels are themselves noisy).",
            table(list(kinds[0]) if kinds else [], kind_rows),
            ran(step),
        ]
    )


def quality_lines(q: dict[str, Any] | None) -> str:
    """A build's quality section as a table, warnings under it."""
    if not q:
        return "No quality section in run.json."
    kc = q.get("kind_confidence") or {}
    rows = [
        ["statements in a theme", f"{q['statements_themed_share']:.1%}"],
        ["theme coherence (NPMI, records as documents)", _num(q.get("coherence_npmi"), "+.3f")],
        ["kind confidence median (q1–q3), share < 0.5", _kind(kc)],
        ["identity link rate", _num(q.get("link_rate"), ".1%")],
        ["silhouette", _num(q.get("silhouette"), ".3f")],
        ["bootstrap stability", _num(q.get("stability"), ".3f")],
        [
            "stability by persona",
            ", ".join(f"{k} {_num(v, '.2f')}" for k, v in q["stability_by_persona"].items()),
        ],
        ["statements behind a claim (min, median)", f"{q['evidence_min']}, {q['evidence_median']}"],
    ]
    warnings = "\n".join(f"- {w}" for w in q.get("warnings", [])) or "- (none)"
    return table(["figure", "value"], rows) + "\n\nWarnings:\n\n" + warnings


def _num(v: float | None, spec: str) -> str:
    return "not measured" if v is None else format(v, spec)


def _kind(kc: dict[str, float]) -> str:
    if not kc:
        return "—"
    return f"{kc['median']:.2f} ({kc['q1']:.2f}–{kc['q3']:.2f}), {kc['low_share']:.1%}"


def real_build_section(scale: Any) -> str:
    sizes = scale.figures.get("sizes", [])
    if not sizes:
        return ""
    biggest = sizes[-1]
    return "\n\n".join(
        [
            f"## Quality section of a real build ({biggest['statements']:,} review statements)",
            "The quality section the build wrote into run.json, for the largest scaling build.",
            quality_lines(biggest.get("quality")),
        ]
    )


def planted_section(step: Any) -> str:
    problem = failed(step)
    if problem:
        return "## Quality on the planted corpus\n\n" + problem
    f = step.figures
    seg, themes, seeds = f["segments"], f["themes"], f["seeds"]
    rows = [
        [name, seg[name]["people"], f"{seg[name]['ari']:.3f}", f"{seg[name]['nmi']:.3f}"]
        for name in ("all", "survey")
    ]
    recall = (
        f"{themes['recovered']}/{themes['ideas']} planted ideas = {themes['recall']:.0%} "
        f"recovered as a theme of their own (corpora/demo-shop-truth-themes.csv; "
        f"{themes['statements_matched']:,} statements matched to their planted wording; "
        f"{themes['with_majority_theme']} ideas have a majority theme, of which these share "
        f"one with another idea: {', '.join(themes['merged']) or 'none'}). Kind accuracy on "
        f"the same statements: {themes['kind_accuracy']:.1%}"
        if themes["measured"]
        else f"not measured: {themes['why']}"
    )
    pairs = ", ".join(f"{k}: {v:.3f}" for k, v in seeds["pairs"].items())
    return "\n\n".join(
        [
            "## Quality on the planted corpus (corpora/demo-shop)",
            f"Segment recovery: {seg['personas']} personas found vs {seg['groups']} planted "
            'groups (corpora/demo-shop-truth.csv); "survey" = respondents with demographics '
            'and voice, "all" adds order-only customers.',
            table(["respondents", "people", "ARI", "NMI"], rows),
            f"Theme recall: {recall}.",
            f"Stability across seeds (ARI of personas, rebuilds with the cache): {pairs} "
            f"(mean {seeds['mean_ari']}).",
            "The demo build's own quality section:",
            quality_lines(f.get("quality")),
            ran(step),
        ]
    )


def drift_goals(step: Any) -> list[list[Any]]:
    """Goal rows of benchmarks/drift.py (none when this run has no drift step)."""
    if step is None:
        return []
    f = step.figures
    if not f:
        return [["personas over time (benchmarks/drift.py)", "—", "no figures", status(None)]]
    u, p = f["unchanged"], f["planted"]
    ident, new = u["identity"], p["new_theme"]
    kept = ident["personas_kept"] + ident["themes_kept"]
    total = ident["personas"] + ident["themes"]
    return [
        [
            "rebuild with --baseline: persona ids+names and theme labels kept",
            "100%",
            f"{ident['personas_kept']}/{ident['personas']} personas, "
            f"{ident['themes_kept']}/{ident['themes']} themes",
            status(kept == total),
        ],
        [
            "false drift: unchanged rebuild, other seed",
            "≈ 0 (≤ 2%)",
            f"{u['drift']:.1%}",
            status(_le(u["drift"], 0.02)),
        ],
        [
            "planted shift: moved share found by `personas diff`",
            f"{p['planted_share']:.1%} ± 5 points",
            f"{p['moved_share']:.1%}",
            status(p["moved_within_tolerance"]),
        ],
        [
            "planted shift: unchanged personas keep their id",
            "100%",
            f"{p['unchanged_ids_kept']}/{p['unchanged_personas']}",
            status(p["unchanged_ids_kept"] == p["unchanged_personas"]),
        ],
        [
            "planted new pain theme found as new",
            "yes",
            "yes" if new["found"] else "no",
            status(new["found"]),
        ],
    ]


def drift_section(step: Any) -> str:
    if step is None:
        return ""
    problem = failed(step)
    if problem:
        return "## Personas over time (benchmarks/drift.py)\n\n" + problem
    u, p = step.figures["unchanged"], step.figures["planted"]
    ident, new = u["identity"], p["new_theme"]
    rows = [
        [
            "unchanged (seed 7)",
            f"{ident['personas_kept']}/{ident['personas']}",
            f"{ident['themes_kept']}/{ident['themes']}",
            f"{u['drift']:.1%}",
            f"{u['new_themes']} / {u['vanished_themes']}",
        ],
        [
            "planted change",
            f"{p['all_ids_kept']}/{p['baseline_personas']} (+{p['new_personas']} new)",
            "—",
            f"{p['drift']:.1%}",
            f"{p.get('new_themes', len(new['themes']))} / {p.get('vanished_themes', '—')}",
        ],
    ]
    return "\n\n".join(
        [
            "## Personas over time (benchmarks/drift.py)",
            "The demo build is the baseline. *Unchanged*: the same corpus rebuilt with "
            "`--seed 7 --baseline OUT`. *Planted change*: a copy in which "
            f"{p['moved']} of the {p['persona_size']} people of persona {p['from']} "
            f"({p['planted_share']:.1%}) take on the survey answers, orders and reviews of "
            "another group's people, plus 45 anonymous reviews in the newest month about a "
            "new pain (the loyalty points page logs people out); rebuilt with "
            "`--baseline OUT` and compared with `personas diff OUT NEW --format json`.",
            table(
                [
                    "rebuild",
                    "persona ids kept",
                    "theme labels kept",
                    "drift",
                    "new / vanished themes",
                ],
                rows,
            ),
            f"Moved share found by the diff: {p['moved_share']:.1%} of {p['from']}'s "
            f"respondents moved to {p['to']} (planted {p['planted_share']:.1%}; "
            f"{'within' if p['moved_within_tolerance'] else '**outside**'} ±5 points). "
            f"New pain theme: {', '.join(new['themes']) or 'not found'}; new in the newest "
            f"period of the build's trends: {'yes' if new['new_in_latest_period'] else 'no'} "
            f"(trend: {', '.join(str(t) for t in new['trend']) or '—'}). Theme prevalence "
            f"changes the diff found significant: {p['prevalence_changes']}.",
            ran(step),
        ]
    )


def privacy_section(step: Any) -> str:
    problem = failed(step)
    if problem:
        return "## Privacy\n\n" + problem
    f = step.figures
    rows = []
    for name, c in f["corpora"].items():
        e2e = c["end_to_end"]
        recall = c["recall"]
        planted = sum(v["planted"] for k, v in recall.items() if not k.startswith("name:"))
        found = sum(v["found"] for k, v in recall.items() if not k.startswith("name:"))
        rows.append(
            [
                name,
                e2e["planted"],
                e2e["files"],
                e2e["leaks"],
                e2e["audit_exit"],
                f"{found}/{planted}",
            ]
        )
    fr = f.get("false_redaction") or {}
    parts = [
        "## Privacy",
        "Planted-PII corpora (tests/fixtures/pii/make_corpus.py; seed 7 is the test fixture, "
        "seed 11 has names the redaction never saw), built with the real CLI; every planted "
        "value searched for in every shareable output (all but assignments.csv and salt.txt).",
        table(
            [
                "corpus",
                "planted values",
                "files searched",
                "leaks",
                "`personas audit` exit",
                "values in text redacted by prepare",
            ],
            rows,
        ),
    ]
    if fr:
        parts.append(
            f"False redaction on {fr['reviews']:,} real reviews ({fr['words']:,} words): "
            f"[NAME] {fr['names_per_10k_words']} per 10k words, of which not a real name "
            f"{fr['false_names_per_10k_words']}; patterns {fr['patterns_per_10k_words']} per 10k "
            "words. Presidio comparison: "
            + (
                f"{fr['presidio_spans_per_10k_words']} spans per 10k words."
                if "presidio_spans_per_10k_words" in fr
                else "skipped (presidio-analyzer not installed; `pip install -e '.[bench]'`)."
            )
        )
    if f.get("timing"):
        t = f["timing"]
        parts.append(
            f"Cost: prepare on the demo corpus {t['prepare_with_redaction_s']} s with redaction, "
            f"{t['prepare_without_redaction_s']} s without ({t['ms_per_statement']} ms per "
            "statement)."
        )
    parts.append(ran(step))
    return "\n\n".join(parts)


def realdata_section(step: Any) -> str:
    title = "## Real labelled corpora, built without their labels"
    if step is None:
        return f"{title}\n\nNot run (benchmarks/realdata.py)."
    problem = failed(step)
    if problem and not step.figures:
        return f"{title}\n\n{problem}"
    f = step.figures
    notes = "; ".join(f"{c['corpus']}: {c['note']}" for c in f["corpora"] if c.get("note"))
    bad = [
        f"{c['corpus']}: {b['what']} “{b['label']}” ({', '.join(b['problems'])})"
        for c in f["corpora"]
        for b in c.get("hygiene", {}).get("bad", [])
    ]
    parts = [
        title,
        "Every labelled real corpus under ../shared/data, "
        + ("a seeded sample of each" if f["sampled"] else "every row")
        + ", copied without its label columns and built with `personas build`, then scored "
        "from the outputs against those labels. Kind accuracy: statements whose kind is the "
        "row's labelled kind (reviews: rating 1–2 pain, 5 motivation; surveys: “like least” "
        "pain, “like best” motivation). Theme NMI / purity: themes vs the category label over "
        "themed statements; BERTopic: vanilla BERTopic (seeded UMAP, HDBSCAN) on the same "
        "statements and embeddings, `nr_topics` set for as many topics as our themes of that "
        "kind. Persona NMI: "
        "each respondent's persona vs its row's label. Label problems: theme and persona labels "
        "with a placeholder, mask, profanity or a lone generic word (target 0).",
        table(f["header"], f["rows"]),
        f"Notes: {notes}." if notes else "",
        ("Labels with a problem:\n\n" + "\n".join(f"- {b}" for b in bad)) if bad else "",
        problem or "",
        ran(step),
    ]
    return "\n\n".join(x for x in parts if x)


def realdata_hygiene(step: Any) -> int | str:
    if step is None or not step.figures:
        return "not measured"
    return sum(c.get("hygiene", {}).get("problems", 0) for c in step.figures["corpora"])


def realdata_crashes(step: Any) -> int | str:
    if step is None or not step.figures:
        return "not measured"
    return sum(c["build"]["rc"] != 0 or c["build"]["traceback"] for c in step.figures["corpora"])


def verbatim_section(title: str, step: Any, note: str) -> str:
    body = f"**Failed:**\n\n```\n{step.error.strip()}\n```" if step.error else ""
    out = step.stdout.strip()
    return "\n\n".join(
        x for x in [f"## {title}", note, f"```\n{out}\n```" if out else "", body, ran(step)] if x
    )


SCALE_OUT_TXT = Path(__file__).resolve().parent / "results" / "scale-out.txt"
SCALE_OUT_JSON = SCALE_OUT_TXT.with_suffix(".json")


def stored_scale_out(full: bool) -> str:
    """The 100,000-statement local-vs-Ray run and the 1,000,000-statement Ray run,
    measured once and kept (together they take about an hour)."""
    if full or not SCALE_OUT_TXT.is_file():
        return ""
    return "\n\n".join(
        [
            "## Scale out at 100,000 and 1,000,000 statements (measured once)",
            "`benchmarks/results/scale-out.txt`, kept from one run (`.venv/bin/python "
            "benchmarks/scale_out.py --statements 100000 --million` measures it again; "
            "`BENCH_FULL=1 make bench` runs the same), printed as is.",
            f"```\n{SCALE_OUT_TXT.read_text(encoding='utf-8').strip()}\n```",
        ]
    )


def scale_out_goals() -> list[list[str]]:
    """Issue 15's memory goals, from the stored scale-out run (``stored_scale_out``)."""
    if not SCALE_OUT_JSON.is_file():
        return []
    result = json.loads(SCALE_OUT_JSON.read_text(encoding="utf-8"))
    compare, big = result.get("compare"), result.get("million")
    rows = []
    if compare:
        ray, local = compare["ray"]["driver_peak_gib"], compare["local"]["driver_peak_gib"]
        rows.append(
            [
                f"{compare['ray']['statements']:,} statements: Ray driver peak below local",
                "< local",
                f"{ray:.2f} GiB vs {local:.2f} GiB (stored run)",
                status(ray < local),
            ]
        )
    if compare and big:
        ratio = big["ray"]["driver_peak_gib"] / compare["ray"]["driver_peak_gib"]
        rows.append(
            [
                f"{big['ray']['statements']:,} statements on Ray: driver peak vs the smaller run",
                "≤ 1.5×",
                f"{ratio:.2f}× ({big['ray']['driver_peak_gib']:.2f} GiB, stored run)",
                status(ratio <= 1.5),
            ]
        )
    return rows


def render_results(
    *,
    steps: dict[str, Any],
    machine: dict[str, Any],
    started: str,
    total_s: float,
    cpu_s: float | None = None,
    load_start: str,
    load_end: str,
    full: bool,
    big: dict[str, Any] | None,
) -> str:
    """RESULTS.md: header, goals, then one section per benchmark."""
    sections = [
        header(machine, started, (total_s, cpu_s), (load_start, load_end)),
        goals(steps, big, (total_s, cpu_s)),
        speed_section(steps["speed"]),
        scale_section(steps["scale"], big),
        time_section(steps["scale"], big),
        understanding_sections(steps["understanding"]),
        realdata_section(steps.get("realdata")),
        real_build_section(steps["scale"]),
        planted_section(steps["planted"]),
        drift_section(steps.get("drift")),
        privacy_section(steps["privacy"]),
        verbatim_section(
            "Assignment speed",
            steps["assign_speed"],
            "benchmarks/assign_speed.py on the demo build (OUT), printed as is.",
        ),
        verbatim_section(
            "Assignment of held-out people",
            steps["assign_holdout"],
            "benchmarks/assign_holdout.py, printed as is.",
        ),
        verbatim_section(
            "Scale out: local engine against Ray",
            steps["scale_out"],
            f"benchmarks/scale_out.py, {'100,000' if full else '3,000'} statements "
            "(100,000 with BENCH_100K=1; a 1,000,000-statement Ray run with BENCH_FULL=1), "
            "printed as is.",
        )
        if "scale_out" in steps
        else "",
        stored_scale_out(full),
        verbatim_section(
            "Ingest at scale",
            steps["ingest_scale"],
            f"benchmarks/ingest_scale.py, {'1,000,000' if full else '200,000'} synthetic rows "
            "(1,000,000 with BENCH_FULL=1 or BENCH_100K=1), printed as is.",
        ),
    ]
    return "\n\n".join(s for s in sections if s) + "\n"
