"""``personas diff OUT1 OUT2``: what changed between two builds.

Personas are matched by id when OUT2 was built with ``--baseline OUT1`` (the ids
were carried), else by the respondents they share (Hungarian matching, as
``personas.history.baseline`` does); themes by id, else by centroid similarity. For each
matched persona: its share then and now, how many respondents moved in and out
(counts only, never keys), the themes whose prevalence changed (two-proportion
z-test, Benjamini-Hochberg corrected over every persona x theme comparison and the
overall ones), and shifts in its numbers (medians, bootstrap 95% interval of the
difference) and answers (shares, Newcombe 95% interval). The overall drift is the
share of respondents in both builds whose persona changed.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from personas.errors import OutputError
from personas.history.baseline import PERSONA_MATCH, THEME_MATCH, hungarian, read_assignments
from personas.output.folder import DATABASE, OutputFolder
from personas.synthesize.document import PersonasDocument

ALPHA = 0.05
NUMBERS = {
    "age": "Age",
    "nps": "NPS (0-10)",
    "rating": "Rating (1-5)",
    "orders": "Orders",
    "total_spend": "Total spend",
    "avg_order_value": "Average order value",
    "orders_per_year": "Orders per year",
    "recency_days": "Days since last order",
}
BOOTSTRAP = 1000


@dataclass
class BuildData:
    """One build as the diff reads it: document, assignments and respondent table."""

    folder: Path
    document: PersonasDocument
    digest: str
    persona_of: dict[str, str]  # respondent key -> persona id
    people: list[dict[str, Any]]  # respondent rows of the DuckDB store
    voiced: dict[str, set[str]]  # respondent id -> theme ids they voiced ("" = any statement)
    min_group: int  # the build's min_group_size: no figure rests on fewer respondents


def load_build(folder: Path) -> BuildData:
    """Read a build's personas.json, assignments.csv and results database."""
    output = OutputFolder(folder)
    document = output.read_document()  # the checked reader every command uses
    if not output.database.is_file():
        raise OutputError(
            f"{folder}: no {DATABASE}, so not a complete build; "
            "give the folder written by `personas build DIR -o OUT`"
        )
    raw = output.document_bytes()
    people, voiced = _read_store(output.database)
    return BuildData(
        folder=folder,
        document=document,
        digest=hashlib.sha256(raw).hexdigest(),
        persona_of=read_assignments(folder, raw_only=False),
        people=people,
        voiced=voiced,
        min_group=_min_group(folder),
    )


def _min_group(folder: Path) -> int:
    """The build's min_group_size from run.json (5 when it cannot be read)."""
    try:
        return int(OutputFolder(folder).run_data()["config"]["min_group_size"])
    except (OSError, ValueError, KeyError, TypeError):
        return 5


def _read_store(path: Path) -> tuple[list[dict[str, Any]], dict[str, set[str]]]:
    import duckdb

    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise OutputError(f"{path}: cannot open the results database: {exc}") from None
    try:
        cols = ["respondent_id", "persona_id", *NUMBERS, "attributes"]
        rows = con.execute(f"SELECT {', '.join(cols)} FROM respondents").fetchall()
        said = con.execute(
            "SELECT respondent_id, coalesce(theme_id, '') FROM statements "
            "WHERE respondent_id IS NOT NULL AND respondent_id <> ''"
        ).fetchall()
    finally:
        con.close()
    people = [dict(zip(cols, r, strict=True)) for r in rows]
    voiced: dict[str, set[str]] = {}
    for rid, theme in said:
        voiced.setdefault(rid, {""}).add(theme)
    return people, voiced


# -- matching --------------------------------------------------------------------------


def match_personas(a: BuildData, b: BuildData) -> tuple[dict[str, str], str]:
    """Baseline persona id -> new persona id, and how they were matched."""
    link = b.document.baseline
    ids_a = [p.persona_id for p in a.document.personas]
    ids_b = [p.persona_id for p in b.document.personas]
    if link is not None and link.baseline_digest == a.digest:
        kept = {p.persona_id for p in link.personas if p.status == "kept"}
        return {pid: pid for pid in ids_a if pid in kept}, "ids carried by --baseline"
    table = np.zeros((len(ids_a), len(ids_b)))
    ia, ib = {p: i for i, p in enumerate(ids_a)}, {p: j for j, p in enumerate(ids_b)}
    for key, pa in a.persona_of.items():
        pb = b.persona_of.get(key)
        if pb in ib and pa in ia:
            table[ia[pa], ib[pb]] += 1
    if not table.sum():
        return {}, "no respondent is in both builds, so personas cannot be matched"
    rows, cols = table.sum(axis=1), table.sum(axis=0)
    out = {
        ids_a[r]: ids_b[c]
        for r, c in hungarian(table)
        if table[r, c] and table[r, c] >= PERSONA_MATCH * min(rows[r], cols[c])
    }
    return out, "shared respondents (Hungarian matching)"


def match_themes(a: BuildData, b: BuildData) -> tuple[dict[str, str], str]:
    """Baseline theme id -> new theme id, and how they were matched."""
    from personas.output.bundle import load_bundle

    link = b.document.baseline
    if link is not None and link.baseline_digest == a.digest:
        kept = {t.theme_id for t in link.themes if t.status == "kept"}
        return {t: t for t in kept}, "ids carried by --baseline"
    ba, bb = load_bundle(a.folder), load_bundle(b.folder)
    if ba.meta.embedding_model != bb.meta.embedding_model:
        return {}, "the builds used different embedding models; themes are not matched"
    out: dict[str, str] = {}
    for kind in ("pain", "motivation", "goal"):
        ra = [i for i, t in enumerate(ba.meta.themes) if t.kind == kind]
        rb = [j for j, t in enumerate(bb.meta.themes) if t.kind == kind]
        if ra and rb:
            sim = ba.theme_centroids[ra] @ bb.theme_centroids[rb].T
            for r, c in hungarian(sim):
                if sim[r, c] >= THEME_MATCH:
                    out[ba.meta.themes[ra[r]].theme_id] = bb.meta.themes[rb[c]].theme_id
    return out, f"centroid cosine similarity of at least {THEME_MATCH} (Hungarian matching)"


# -- figures ---------------------------------------------------------------------------


def two_proportion_p(x1: int, n1: int, x2: int, n2: int) -> float:
    """Two-sided p-value of the pooled two-proportion z-test of x1/n1 versus x2/n2."""
    if not n1 or not n2:
        return 1.0
    pooled = (x1 + x2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0:
        return 1.0
    z = (x2 / n2 - x1 / n1) / se
    return math.erfc(abs(z) / math.sqrt(2))


def _voicing(build: BuildData, persona: str | None, theme: str) -> tuple[int, int]:
    """(respondents who voiced ``theme``, respondents who said anything) in a persona
    (None: everyone)."""
    ids = [
        p["respondent_id"] for p in build.people if persona is None or p["persona_id"] == persona
    ]
    said = [build.voiced[i] for i in ids if i in build.voiced]
    return sum(1 for s in said if theme in s), len(said)


def theme_changes(
    a: BuildData, b: BuildData, personas: dict[str, str], themes: dict[str, str]
) -> tuple[list[dict[str, Any]], int]:
    """The persona x theme (and overall x theme) prevalence comparisons that are
    significant after Benjamini-Hochberg correction over all of them, and how many
    comparisons were made."""
    from personas.segment.stats import benjamini_hochberg, newcombe

    label = {t.theme_id: t.label for t in b.document.themes}
    pairs: list[tuple[str | None, str | None]] = [(None, None), *personas.items()]
    rows: list[dict[str, Any]] = []
    for pa, pb in pairs:
        for ta, tb in sorted(themes.items()):
            x1, n1 = _voicing(a, pa, ta)
            x2, n2 = _voicing(b, pb, tb)
            if n1 and n2 and (x1 or x2):
                rows.append(
                    {
                        "persona_id": pb,
                        "theme_id": tb,
                        "label": label.get(tb, tb),
                        "x1": x1,
                        "n1": n1,
                        "x2": x2,
                        "n2": n2,
                        "p": two_proportion_p(x1, n1, x2, n2),
                    }
                )
    adjusted = benjamini_hochberg([r["p"] for r in rows])
    out = []
    for r, p_adj in zip(rows, adjusted, strict=True):
        if p_adj < ALPHA:
            low, high = newcombe(r["x2"], r["n2"], r["x1"], r["n1"])
            out.append(
                {
                    "persona_id": r["persona_id"] or "all",
                    "theme_id": r["theme_id"],
                    "label": r["label"],
                    "then": round(r["x1"] / r["n1"], 4),
                    "now": round(r["x2"] / r["n2"], 4),
                    "change_low": round(low, 4),
                    "change_high": round(high, 4),
                    "p_adjusted": round(p_adj, 6),
                }
            )
    return out, len(rows)


def _median_shift(then: list[float], now: list[float], rng: np.random.Generator) -> dict[str, Any]:
    """Medians and a bootstrap 95% interval of their difference (now - then)."""
    x, y = np.asarray(then, dtype=float), np.asarray(now, dtype=float)
    bx = np.median(rng.choice(x, (BOOTSTRAP, len(x))), axis=1)
    by = np.median(rng.choice(y, (BOOTSTRAP, len(y))), axis=1)
    low, high = np.percentile(by - bx, [2.5, 97.5])
    return {
        "then": round(float(np.median(x)), 2),
        "now": round(float(np.median(y)), 2),
        "change_low": round(float(low), 2),
        "change_high": round(float(high), 2),
        "n_then": len(x),
        "n_now": len(y),
    }


def number_shifts(
    a_rows: list[dict[str, Any]], b_rows: list[dict[str, Any]], k: int
) -> list[dict[str, Any]]:
    """Median of each number then and now, for columns with ``k`` or more values in both."""
    rng = np.random.default_rng(0)
    out = []
    for col, name in NUMBERS.items():
        then = [r[col] for r in a_rows if r[col] is not None]
        now = [r[col] for r in b_rows if r[col] is not None]
        if len(then) >= k and len(now) >= k:
            shift = _median_shift(then, now, rng)
            shift["name"] = name
            shift["shifted"] = shift["change_low"] > 0 or shift["change_high"] < 0
            out.append(shift)
    return out


def _answers(rows: list[dict[str, Any]]) -> dict[str, tuple[int, dict[str, int]]]:
    """Attribute -> (respondents who answered, count per answer); multi-select split."""
    from personas.segment.features import split_multi

    out: dict[str, tuple[int, dict[str, int]]] = {}
    for r in rows:
        attributes = json.loads(r["attributes"] or "{}")
        for attr, value in attributes.items():
            if not isinstance(value, str) or attr in NUMBERS:
                continue
            n, counts = out.get(attr, (0, {}))
            for v in set(split_multi(value)):
                counts[v] = counts.get(v, 0) + 1
            out[attr] = (n + 1, counts)
    return out


def answer_shifts(
    a_rows: list[dict[str, Any]], b_rows: list[dict[str, Any]], k: int
) -> list[dict[str, Any]]:
    """Answers whose share moved (Newcombe 95% interval of the change excludes 0), for
    answers given by ``k`` or more respondents in both builds."""
    from personas.segment.stats import newcombe

    then, now = _answers(a_rows), _answers(b_rows)
    out = []
    for attr in sorted(set(then) & set(now)):
        (n1, c1), (n2, c2) = then[attr], now[attr]
        for value in sorted(set(c1) & set(c2)):
            if c1[value] < k or c2[value] < k:
                continue
            low, high = newcombe(c2[value], n2, c1[value], n1)
            if low > 0 or high < 0:
                out.append(
                    {
                        "name": attr,
                        "value": value,
                        "then": round(c1[value] / n1, 4),
                        "now": round(c2[value] / n2, 4),
                        "change_low": round(low, 4),
                        "change_high": round(high, 4),
                    }
                )
    return out


# -- the diff --------------------------------------------------------------------------


def diff_builds(old: Path, new: Path) -> dict[str, Any]:
    """Everything ``personas diff`` reports, as plain JSON-ready data."""
    a, b = load_build(old), load_build(new)
    personas, persona_basis = match_personas(a, b)
    themes, theme_basis = match_themes(a, b)
    back = {pb: pa for pa, pb in personas.items()}
    both = [k for k in a.persona_of if k in b.persona_of]
    changed = sum(1 for k in both if personas.get(a.persona_of[k]) != b.persona_of[k])
    k = max(a.min_group, b.min_group)
    changes, tested = theme_changes(a, b, personas, themes)
    old_p = {p.persona_id: p for p in a.document.personas}
    return {
        "baseline": str(old),
        "build": str(new),
        "matching": {"personas": persona_basis, "themes": theme_basis},
        "respondents": {
            "then": a.document.corpus.respondents,
            "now": b.document.corpus.respondents,
            "in_both": len(both),
        },
        "drift": round(changed / len(both), 4) if both else None,
        "drift_basis": f"share of the {len(both)} respondents in both builds whose persona "
        "changed (a respondent of a new or gone persona counts as changed)",
        "personas": {
            "matched": [
                _persona_row(a, b, old_p[back[p.persona_id]], p, both, personas, k)
                for p in b.document.personas
                if p.persona_id in back
            ],
            "new": [_brief(p) for p in b.document.personas if p.persona_id not in back],
            "gone": [_brief(p) for p in a.document.personas if p.persona_id not in personas],
        },
        "themes": {
            "matched": len(themes),
            "new": [_theme(t) for t in b.document.themes if t.theme_id not in themes.values()],
            "vanished": [_theme(t) for t in a.document.themes if t.theme_id not in themes],
            "comparisons": tested,
            "test": "two-proportion z-test of the share of respondents who voiced the theme, "
            f"Benjamini-Hochberg corrected over {tested} comparisons, p < {ALPHA}",
            "changed": changes,
        },
    }


def _brief(p: Any) -> dict[str, Any]:
    return {
        "persona_id": p.persona_id,
        "name": p.name,
        "label": p.label,
        "share": p.coverage.share,
        "respondents": p.coverage.respondents,
    }


def _theme(t: Any) -> dict[str, Any]:
    return {
        "theme_id": t.theme_id,
        "kind": t.kind,
        "label": t.label,
        "keywords": t.keywords,
        "statements": t.size,
    }


def _persona_row(
    a: BuildData,
    b: BuildData,
    then: Any,
    now: Any,
    both: list[str],
    personas: dict[str, str],
    k: int,
) -> dict[str, Any]:
    """Share then and now, moves in and out (counts), and shifts of one matched persona."""
    pa, pb = then.persona_id, now.persona_id
    moved_in = sum(1 for key in both if b.persona_of[key] == pb and a.persona_of[key] != pa)
    out_to: dict[str, int] = {}
    for key in both:
        if a.persona_of[key] == pa and b.persona_of[key] != pb:
            out_to[b.persona_of[key]] = out_to.get(b.persona_of[key], 0) + 1
    stayed = sum(1 for key in both if a.persona_of[key] == pa and b.persona_of[key] == pb)
    rows_a = [r for r in a.people if r["persona_id"] == pa]
    rows_b = [r for r in b.people if r["persona_id"] == pb]
    return {
        "persona_id": pb,
        "baseline_id": pa,
        "name": now.name,
        "label": now.label,
        "share_then": then.coverage.share,
        "share_now": now.coverage.share,
        "respondents_then": then.coverage.respondents,
        "respondents_now": now.coverage.respondents,
        "stayed": stayed,
        "moved_in": moved_in,
        "moved_out": sum(out_to.values()),
        "moved_out_to": dict(sorted(out_to.items())),
        "numbers": number_shifts(rows_a, rows_b, k),
        "answers": answer_shifts(rows_a, rows_b, k),
    }


# -- Markdown --------------------------------------------------------------------------


def _pct(x: float | None) -> str:
    return "unknown" if x is None else f"{100 * x:.0f}%"


def _pct1(x: float | None) -> str:
    return "unknown" if x is None else f"{100 * x:.1f}%"


def _points(low: float, high: float) -> str:
    return f"{100 * low:+.0f} to {100 * high:+.0f} points"


def to_markdown(d: dict[str, Any]) -> str:
    """The diff as a Markdown report (what ``personas diff`` prints)."""
    r = d["respondents"]
    lines = [
        f"# Personas diff: `{d['baseline']}` → `{d['build']}`",
        "",
        f"**Drift: {_pct1(d['drift'])}** — {d['drift_basis']}.",
        f"Respondents: {r['then']} then, {r['now']} now, {r['in_both']} in both. "
        f"Personas matched on {d['matching']['personas']}; themes on {d['matching']['themes']}.",
        "",
        "## Personas",
        "",
        "| Persona | Share then | Share now | Stayed | Moved in | Moved out |",
        "|---|---|---|---|---|---|",
    ]
    for p in d["personas"]["matched"]:
        where = ", ".join(f"{n} to {pid}" for pid, n in p["moved_out_to"].items())
        lines.append(
            f"| {p['persona_id']} {p['name']} — {p['label']} | {_pct(p['share_then'])} | "
            f"{_pct(p['share_now'])} | {p['stayed']} | {p['moved_in']} | {p['moved_out']}"
            f"{f' ({where})' if where else ''} |"
        )
    for p in d["personas"]["new"]:
        lines.append(
            f"| **new** {p['persona_id']} {p['name']} — {p['label']} | – | "
            f"{_pct(p['share'])} | – | – | – |"
        )
    for p in d["personas"]["gone"]:
        lines.append(
            f"| **gone** {p['persona_id']} {p['name']} — {p['label']} | "
            f"{_pct(p['share'])} | – | – | – | – |"
        )
    lines += _theme_lines(d["themes"]) + _shift_lines(d["personas"]["matched"])
    return "\n".join(lines) + "\n"


def _theme_lines(t: dict[str, Any]) -> list[str]:
    lines = ["", "## Themes", "", f"{t['matched']} themes matched."]
    for new in t["new"]:
        lines.append(
            f"- **New** {new['kind']} theme: {new['label']} ({new['statements']} statements)"
        )
    for gone in t["vanished"]:
        lines.append(
            f"- **Vanished** {gone['kind']} theme: {gone['label']} "
            f"({gone['statements']} statements then)"
        )
    lines += ["", f"Prevalence changes ({t['test']}):", ""]
    if not t["changed"]:
        return [*lines, "None: no theme's prevalence changed significantly."]
    lines += ["| Persona | Theme | Then | Now | Change (95% interval) |", "|---|---|---|---|---|"]
    for c in t["changed"]:
        lines.append(
            f"| {c['persona_id']} | {c['label']} | {_pct(c['then'])} | {_pct(c['now'])} | "
            f"{_points(c['change_low'], c['change_high'])} |"
        )
    return lines


def _shift_lines(matched: list[dict[str, Any]]) -> list[str]:
    lines = [
        "",
        "## Shifts in who they are and what they do",
        "",
        "Medians with a bootstrap 95% interval of the change; shares of answers with a "
        "Newcombe 95% interval. Only shifts whose interval excludes zero are listed.",
        "",
    ]
    found = False
    for p in matched:
        rows = [
            f"- {n['name']}: median {n['then']:g} → {n['now']:g} "
            f"(change {n['change_low']:+g} to {n['change_high']:+g})"
            for n in p["numbers"]
            if n["shifted"]
        ]
        rows += [
            f"- {a['name']} = {a['value']}: {_pct(a['then'])} → {_pct(a['now'])} "
            f"({_points(a['change_low'], a['change_high'])})"
            for a in p["answers"]
        ]
        if rows:
            found = True
            lines += [f"**{p['persona_id']} {p['name']}**", "", *rows, ""]
    return lines if found else [*lines, "None."]


def to_json(d: dict[str, Any]) -> str:
    return json.dumps(d, indent=2, ensure_ascii=False) + "\n"
