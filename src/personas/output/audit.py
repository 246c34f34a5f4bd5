"""Check a finished output folder for anything that looks personal, before it is shared.

``audit_output(OUT)`` reads every file under OUT as text, line by line, except
the ones that hold personal data by design: ``assignments.csv`` (respondent
keys, to take personas back to the customer records), ``personas.duckdb``
(the tables behind it) and ``salt.txt`` (the secret of ``--hash-keys``). It
looks for:

- emails, phone numbers, payment cards, IBANs, postal addresses, handles,
  order and account numbers, and URLs that carry parameters (the detectors
  redaction uses, ``pii``);
- when ``run.json`` names an input folder that still exists, the people in
  it: the names ingest finds (name columns, email senders, signatures,
  greetings, review authors) and the respondents' keys (emails, customer ids).
  A name part that the inputs also use as an ordinary word ("Price", "Will")
  counts only inside a full name.

The tool's own markup is not personal and is left out: CSS colours ("#333")
and at-rules ("@media"), its own ids (statement ``s-…``, respondent ``r-…``,
hashed keys ``h-…``, sha256 digests), decimal numbers (weights, shares),
dates and the input files' names.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from personas.errors import OutputError
from personas.output.folder import (
    ASSIGNMENTS_CSV,
    DATABASE,
    PERSONAS_JSON,
    RUN_JSON,
    SALT_TXT,
    OutputFolder,
)
from personas.privacy.namefinder import NameFinder
from personas.privacy.pii import find_pii
from personas.understand.redact import name_parts

SKIPPED = {
    ASSIGNMENTS_CSV: "holds respondent keys by design; share it only with who may see them",
    DATABASE: "the database behind the report; holds respondent keys",
    f"{DATABASE}.wal": "the database's write-ahead log",
    SALT_TXT: "the secret salt of --hash-keys; never share it with the outputs",
}
OWN_IDS = re.compile(r"\b(?:[srh]-[0-9a-f]{12,64}|[0-9a-f]{32,64})\b")
# Not personal, but digit-rich: weights and shares ("0.816496580927726"), money, dates and
# the input files' names ("support/2026-01-30-0017.eml").
NOT_PERSONAL = re.compile(
    r"(?<![\d.])-?\d+\.\d{3,}(?:[eE][-+]?\d+)?(?![\d.])"
    r"|(?<![\d.])\d{1,3}(?:,\d{3})*\.\d{2}(?![\d.])"  # money: "1,299.00"
    r"|\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?"
    r"|[\w./-]+\.(?:eml|csv|tsv|json|jsonl|xlsx|parquet|txt|md|html)\b"
)
CSS_AT_RULES = frozenset(
    {"@media", "@font-face", "@keyframes", "@page", "@import", "@supports", "@charset"}
)
CSS_COLOUR = re.compile(r"#[0-9a-fA-F]{3,8}")
CUES = NameFinder()  # cue words only ("my sister Linda", "spoke to Karen"): no corpus
MIN_ID_LENGTH = 5  # shorter customer ids ("12") would match every number in a report


@dataclass(frozen=True)
class AuditFinding:
    """Something that looks personal, at ``path`` (relative to OUT), line ``line``."""

    path: str
    line: int
    kind: str
    value: str


@dataclass
class AuditReport:
    out_dir: Path
    scanned: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    findings: list[AuditFinding] = field(default_factory=list)
    inputs_checked: str | None = None  # input folder whose names and keys were looked for
    inputs_note: str = ""

    @property
    def clean(self) -> bool:
        return not self.findings


@dataclass(frozen=True)
class Known:
    """Personal values from the inputs: names and respondent keys."""

    full: re.Pattern[str] | None = None  # full names and key values, any case
    parts: re.Pattern[str] | None = None  # single name parts, as written


def _alternation(values: set[str], flags: int) -> re.Pattern[str] | None:
    if not values:
        return None
    words = "|".join(re.escape(v) for v in sorted(values, key=lambda v: (-len(v), v)))
    return re.compile(rf"(?<![\w@.])(?:{words})(?![\w@])", flags)


def known_values(run: dict[str, object], run_path: Path) -> tuple[Known, str | None, str]:
    """Names and keys from the input folder recorded in run.json, if it is still there."""
    from personas.config import Config
    from personas.ingest.inputs import read_inputs

    input_dir = Path(str(run.get("input_dir", "")))
    if not run.get("input_dir") or not input_dir.is_dir():
        return Known(), None, f"input folder {input_dir} not found: names were not checked"
    try:
        config = Config.model_validate(run.get("config") or {})
    except ValueError:
        config = Config()
    inspected = read_inputs(input_dir, config)
    names = {n.strip() for r in inspected.ingested.records for n in r.names if n.strip()}
    keys = {
        r.key.split(":", 1)[1]
        for r in inspected.respondents
        if r.identified and ":" in r.key and len(r.key.split(":", 1)[1]) >= MIN_ID_LENGTH
    }
    full = {n for n in names if len(n.split()) >= 2} | keys
    # A name that is also an ordinary word of this corpus ("Price", "Will") is looked for
    # only as part of a full name: alone it is a theme label or a sentence's first word.
    words = NameFinder(texts=(t.text for r in inspected.ingested.records for t in r.texts))
    parts = {p[0].upper() + p[1:] if p.isalpha() else p for p in name_parts(names)}
    parts = {p for p in parts if not words.ordinary(p)}
    known = Known(_alternation(full, re.IGNORECASE), _alternation(parts, 0))
    return known, str(input_dir), f"{len(names)} names and {len(keys)} keys from the inputs"


def scan_line(line: str, known: Known) -> list[tuple[str, str]]:
    """(kind, value) of everything personal-looking on one line."""
    blank = lambda m: " " * len(m.group(0))  # noqa: E731  (keeps offsets: values come from line)
    masked = NOT_PERSONAL.sub(blank, OWN_IDS.sub(blank, line))
    found: list[tuple[str, str]] = []
    for f in find_pii(masked):
        value = line[f.start : f.end]
        if f.kind == "handle" and value.lower() in CSS_AT_RULES:
            continue
        if f.kind == "id" and CSS_COLOUR.fullmatch(value.strip()):
            continue
        if f.kind == "url" and not re.search(r"[?&=]", value):
            continue  # a plain link is not personal; one with parameters may carry a token
        found.append((f.kind, value))
    found += [("name after a cue", masked[a:b]) for a, b in CUES.cue_spans(masked, weak=False)]
    for kind, pattern in (("known value", known.full), ("known name", known.parts)):
        if pattern is not None:
            found += [(kind, m.group(0)) for m in pattern.finditer(masked)]
    return found


def _load_run(out_dir: Path) -> dict[str, object]:
    folder = OutputFolder(out_dir)
    run_path = folder.run_json
    if not out_dir.is_dir():
        raise OutputError(f"{out_dir}: no such folder")
    if not run_path.is_file() or not folder.personas_json.is_file():
        raise OutputError(
            f"{out_dir}: not a personas output folder (no {RUN_JSON} and {PERSONAS_JSON}); "
            f"build one with `personas build DIR -o {out_dir}`"
        )
    try:
        run = folder.run_data()
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise OutputError(f"{run_path}: not valid JSON ({exc}); rebuild the output") from None
    if not isinstance(run, dict):
        raise OutputError(f"{run_path}: not a personas run record; rebuild the output")
    return run


def audit_output(out_dir: Path, check_inputs: bool = True) -> AuditReport:
    """Scan every shareable file under ``out_dir`` for personal data."""
    run = _load_run(out_dir)
    folder = OutputFolder(out_dir)
    report = AuditReport(out_dir=out_dir)
    known = Known()
    if check_inputs:
        known, report.inputs_checked, report.inputs_note = known_values(run, folder.run_json)
    for path in sorted(p for p in out_dir.rglob("*") if p.is_file()):
        rel = path.relative_to(out_dir).as_posix()
        if path.name in SKIPPED:
            report.skipped[rel] = SKIPPED[path.name]
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            report.skipped[rel] = "not a text file"
            continue
        report.scanned.append(rel)
        for number, line in enumerate(text.splitlines(), start=1):
            for kind, value in scan_line(line, known):
                report.findings.append(AuditFinding(rel, number, kind, value))
    return report
