"""One customer's individual profile, read from a finished build (``personas profile``).

:func:`load_profile` reads only the output folder: ``assignments.csv`` (the
one file holding raw keys) finds the customer and their pseudonymous
``respondent_id``; ``personas.duckdb`` gives their attributes, order numbers,
records and statements; ``model/bundle.json`` names the personas. Nothing is
re-run and no model is loaded, so a look-up takes a fraction of a second.

How typical they are: the build stores each respondent's distance to their
persona's centre (``respondents.distance``, measured as segmentation measures
it: ``SegmentModel.distance``); the percentile is one SQL count
over the persona's members, so it costs the same for ten members or a million.
"""

from __future__ import annotations

import difflib
import json
import os
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from personas.errors import OutputError
from personas.ingest.values import normalise_email, normalise_id
from personas.models import STATEMENT_KINDS as KINDS
from personas.output.bundle import PersonaRef, load_bundle
from personas.output.folder import (
    ASSIGNMENTS_CSV,
    BUNDLE_JSON,
    DATABASE,
    MODEL_DIR,
    STATEMENTS_CSV,
    OutputFolder,
)
from personas.privacy.hashing import PREFIX as HASHED_PREFIX
from personas.privacy.hashing import SALT_ENV, hash_key

PROFILE_SCHEMA_VERSION = "1.0"
ASSIGNMENT_COLUMNS = ("respondent_key", "persona_id", "confidence", "respondent_id")
RESPONDENT_COLUMNS = (
    "respondent_id, identified, persona_id, age, nps, rating, orders, total_spend,"
    " avg_order_value, orders_per_year, recency_days, attributes, distance"
)


class OrdersSummary(BaseModel):
    """Behaviour from their orders, as the build computed it (``None`` = no orders known)."""

    orders: int
    total_spend: float | None
    avg_order_value: float | None
    orders_per_year: float | None
    recency_days: float | None = Field(
        description="days from their last order to the data's newest"
    )


class Typicality(BaseModel):
    """How close the customer sits to their persona's centre, among its members."""

    distance: float | None = Field(description="Euclidean, over the features known for them")
    percentile: float | None = Field(
        description="share (0-100) of the persona's members at most this far from its centre;"
        " low = typical"
    )
    members: int = Field(description="members of the persona with a distance")
    note: str = Field(description="how it was computed, or why it is unknown")


class SourceRecords(BaseModel):
    source: str
    kind: str
    records: int


class ThemeCount(BaseModel):
    theme_id: str
    kind: str
    label: str
    statements: int


class ProfileStatement(BaseModel):
    statement_id: str
    source: str
    locator: str
    kind: str
    theme_id: str | None
    theme: str | None = Field(description="the theme's label")
    text: str = Field(description="redacted, as stored by the build")


class CustomerProfile(BaseModel):
    """Everything the build knows about one respondent. Field order is the JSON shape."""

    schema_version: str = PROFILE_SCHEMA_VERSION
    key: str = Field(description=f"as written in {ASSIGNMENTS_CSV}")
    respondent_id: str = Field(description=f"pseudonym used in {STATEMENTS_CSV} and the database")
    identified: bool
    persona: PersonaRef
    confidence: float
    typicality: Typicality
    attributes: dict[str, Any]
    nps: float | None
    rating: float | None
    orders: OrdersSummary
    sources: list[SourceRecords]
    statements_by_kind: dict[str, int]
    themes: list[ThemeCount]
    statements: list[ProfileStatement]


@dataclass(frozen=True)
class Assignment:
    """One row of ``assignments.csv``."""

    key: str
    persona_id: str
    confidence: float
    respondent_id: str


def load_profile(out: Path, key: str) -> CustomerProfile:
    """The profile of the customer ``key`` (as in assignments.csv, an email, an id or ``r-…``)."""
    return load_profiles(out, [key])[0]


def load_profiles(out: Path, keys: Sequence[str]) -> list[CustomerProfile]:
    """Profiles of several customers, in ``keys`` order, from one pass over assignments.csv
    and one database connection (a tool looking up many customers pays for them once)."""
    _check_build(out)
    found = find_assignments(out, keys)
    personas = {p.persona_id: p for p in load_bundle(out).meta.personas}
    con = _connect(OutputFolder(out).database)
    try:
        return [_profile(con, personas, f) for f in found]
    finally:
        con.close()


def _check_build(out: Path) -> None:
    if not out.is_dir():
        raise OutputError(f"{out}: folder not found; give the output folder of `personas build`")
    folder = OutputFolder(out)
    for name, path in ((ASSIGNMENTS_CSV, folder.assignments_csv), (DATABASE, folder.database)):
        if not path.is_file():
            raise OutputError(
                f"{out}: not a personas build (no {name}); give the folder written by"
                " `personas build DIR -o OUT`"
            )


def _connect(path: Path) -> Any:
    import duckdb

    try:
        return duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise OutputError(f"{path}: cannot open the results database: {exc}") from None


# --- finding the customer -------------------------------------------------------------


def read_assignments(out: Path) -> Iterator[Assignment]:
    """The rows of assignments.csv, streamed; a clear error when its columns are not the
    build's or a confidence is not a number."""
    folder = OutputFolder(out)
    path, reader = folder.assignments_csv, folder.table_rows(ASSIGNMENTS_CSV)
    header = next(reader, [])
    missing = [c for c in ASSIGNMENT_COLUMNS if c not in header]
    if missing:
        raise OutputError(
            f"{path}: no column {', '.join(missing)}; rebuild with this version of personas"
        )
    at = [header.index(c) for c in ASSIGNMENT_COLUMNS]
    for line, row in enumerate(reader, start=2):
        key, persona_id, confidence, rid = (row[i] if i < len(row) else "" for i in at)
        try:
            value = float(confidence)
        except ValueError:
            raise OutputError(f'{path}, row {line}, column "confidence": not a number') from None
        yield Assignment(key, persona_id, value, rid)


def key_forms(given: str, salt: str | None) -> list[str]:
    """The ways ``given`` may be written in assignments.csv: as typed, normalised the
    way ingest normalises emails and ids, and salted-hashed when keys are hashed."""
    text = given.strip()
    forms = [given, text]
    prefix, _, rest = text.partition(":")
    if prefix.lower() == "email" or (not rest and "@" in text):
        email = normalise_email(rest if prefix.lower() == "email" else text)
        if email:
            forms.append(f"email:{email}")
    elif prefix.lower() == "id" and rest.count(":") >= 1:
        kind, _, value = rest.partition(":")
        ident = normalise_id(value)
        if ident:
            forms.append(f"id:{kind.strip().lower()}:{ident}")
    if salt:
        forms += [hash_key(salt, f) for f in list(forms) if not f.startswith(HASHED_PREFIX)]
    return list(dict.fromkeys(forms))


def _salt(out: Path) -> str | None:
    """The salt of a ``--hash-keys`` build: the environment's, else OUT/salt.txt."""
    if os.environ.get(SALT_ENV):
        return os.environ[SALT_ENV]
    path = OutputFolder(out).salt
    return path.read_text(encoding="utf-8").strip() if path.is_file() else None


def find_assignments(out: Path, givens: Sequence[str]) -> list[Assignment]:
    """The row of assignments.csv for each of ``givens``; otherwise an error that helps.

    The scan stops once every key has matched exactly. A respondent_id (``r-…``) or a
    bare id (``1001``) is a looser match: a bare id may name ids of several kinds
    (``id:customer:1001``, ``id:requester:1001``) and is an answer only when it names one.
    """
    salt = _salt(out)
    wanted: dict[str, list[int]] = defaultdict(list)
    for i, given in enumerate(givens):
        for form in key_forms(given, salt):
            wanted[form].append(i)
        ident = normalise_id(given) if ":" not in given and "@" not in given else None
        if ident:
            wanted[f"id-suffix:{ident}"].append(i)
    exact: dict[int, Assignment] = {}
    loose: dict[int, list[Assignment]] = defaultdict(list)
    keys: list[str] = []
    for row in read_assignments(out):
        for i in wanted.get(row.key, ()):
            exact.setdefault(i, row)
        if len(exact) == len(givens):
            break
        keys.append(row.key)
        suffix = f"id-suffix:{row.key.split(':', 2)[-1]}" if row.key.startswith("id:") else ""
        for i in {*wanted.get(row.respondent_id, ()), *wanted.get(suffix, ())}:
            loose[i].append(row)
    return [
        exact.get(i) or _loose(out, given, loose[i], keys, salt) for i, given in enumerate(givens)
    ]


def _loose(
    out: Path, given: str, matches: list[Assignment], keys: list[str], salt: str | None
) -> Assignment:
    if len(matches) == 1:
        return matches[0]
    if matches:
        names = ", ".join(r.key for r in matches)
        raise OutputError(f'"{given.strip()}" matches several respondents ({names}); give one')
    raise OutputError(_not_found(out, given, key_forms(given, None), keys, salt))


def _not_found(out: Path, given: str, forms: list[str], keys: list[str], salt: str | None) -> str:
    tried = [f for f in forms if f.strip() != given.strip()]
    message = f'no respondent "{given.strip()}" in {OutputFolder(out).assignments_csv}'
    if tried:
        message += f" (also tried {', '.join(tried)})"
    message += (
        f"; it lists {len(keys)} respondents by respondent_key (email:…, id:<kind>:…, row:…)"
        " or respondent_id (r-…)"
    )
    if keys and keys[0].startswith(HASHED_PREFIX):
        if salt is None:
            message += (
                f"; its keys are hashed (--hash-keys): set {SALT_ENV} to the build's salt"
                " or give the h-… key"
            )
        return message
    close = difflib.get_close_matches(forms[-1], keys, n=3, cutoff=0.88)
    if close:
        message += f"; did you mean {' or '.join(close)}?"
    return message


# --- reading the profile --------------------------------------------------------------


def _rows(con: Any, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    """Run a query; a database from another version of personas is a clean error."""
    import duckdb

    try:
        return con.execute(sql, params).fetchall()
    except duckdb.Error as exc:
        raise OutputError(
            f"{DATABASE}: not the tables this version writes ({type(exc).__name__}:"
            f" {str(exc).splitlines()[0]}); rebuild with this version of personas"
        ) from None


def _profile(con: Any, personas: dict[str, PersonaRef], found: Assignment) -> CustomerProfile:
    rid = found.respondent_id
    rows = _rows(
        con, f"SELECT {RESPONDENT_COLUMNS} FROM respondents WHERE respondent_id = ?", [rid]
    )
    if not rows or found.persona_id not in personas:
        raise OutputError(
            f"{found.key}: in {ASSIGNMENTS_CSV} but not in {DATABASE} or {MODEL_DIR}/{BUNDLE_JSON};"
            " the folder mixes two builds, rebuild it"
        )
    (_, identified, _, _, nps, rating, orders, spend, aov, per_year, recency, attrs, distance) = (
        rows[0]
    )
    statements = _statements(con, rid)
    sources = [
        SourceRecords(source=source, kind=kind, records=n)
        for source, kind, n in _rows(
            con,
            "SELECT source, source_kind, count(*) FROM records WHERE respondent_id = ?"
            " GROUP BY ALL ORDER BY source, source_kind",
            [rid],
        )
    ]
    return CustomerProfile(
        key=found.key,
        respondent_id=rid,
        identified=bool(identified),
        persona=personas[found.persona_id],
        confidence=found.confidence,
        typicality=typicality(con, found.persona_id, distance),
        attributes=json.loads(attrs) if attrs else {},
        nps=nps,
        rating=rating,
        orders=OrdersSummary(
            orders=orders or 0,
            total_spend=spend,
            avg_order_value=aov,
            orders_per_year=per_year,
            recency_days=recency,
        ),
        sources=sources,
        statements_by_kind={k: sum(1 for s in statements if s.kind == k) for k in KINDS},
        themes=_theme_counts(statements),
        statements=statements,
    )


def _statements(con: Any, rid: str) -> list[ProfileStatement]:
    """Their statements in the build's order (record by record, sentence by sentence)."""
    return [
        ProfileStatement(
            statement_id=sid,
            source=source,
            locator=locator,
            kind=kind,
            theme_id=theme_id,
            theme=label,
            text=text,
        )
        for sid, source, locator, kind, theme_id, label, text in _rows(
            con,
            "SELECT s.statement_id, s.source, s.locator, s.kind, s.theme_id, t.label, s.text"
            " FROM statements s LEFT JOIN themes t USING (theme_id)"
            " WHERE s.respondent_id = ? ORDER BY s.rowid",
            [rid],
        )
    ]


def _theme_counts(statements: list[ProfileStatement]) -> list[ThemeCount]:
    """Their themes, most voiced first (ties by kind order, then theme id)."""
    counts = Counter((s.theme_id, s.kind, s.theme or "") for s in statements if s.theme_id)
    ordered = sorted(counts.items(), key=lambda x: (-x[1], KINDS.index(x[0][1]), x[0][0]))
    return [
        ThemeCount(theme_id=t, kind=k, label=label, statements=n) for (t, k, label), n in ordered
    ]


# --- how typical ----------------------------------------------------------------------


def typicality(con: Any, persona_id: str, distance: float | None) -> Typicality:
    """Where the customer's distance to the centre (stored at build time) falls among
    the distances of the persona's members: a SQL count, whatever the persona's size."""
    [(at_most, members)] = _rows(
        con,
        "SELECT count(*) FILTER (WHERE distance <= ?), count(distance) FROM respondents"
        " WHERE persona_id = ?",
        [distance, persona_id],
    )
    if distance is None:
        return Typicality(
            distance=None,
            percentile=None,
            members=members,
            note="unknown: nothing the segmentation uses is known about them",
        )
    return Typicality(
        distance=round(distance, 4),
        percentile=round(100.0 * at_most / members, 1),
        members=members,
        note="Euclidean distance to the persona's centre over the features known for them,"
        " rescaled to all features, as segmentation measures it",
    )
