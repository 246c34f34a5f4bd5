"""Place a customer into the persona that fits them now.

A request carries whatever is known: attributes, free texts, orders, a rating
or NPS, and optionally the current ``session`` (what they typed or searched,
their device, categories viewed, cart). It is encoded exactly as the build
encoded its respondents (the bundle's ``FeatureEncoder``), texts go through
the same cleaning, redaction, splitting and classification and are given the
nearest theme of their kind, and the persona is the nearest segment centre
over the features the request actually has (missing stays missing).

The current session weighs more than history (``SESSION_WEIGHT``): its texts
count several times over, and its device and browsed categories replace the
stored ones. Each answer says what it used.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from personas.ingest.identity import build_respondents, chronological, merge_attributes
from personas.models import Record, SourceKind, Statement, StatementKind, TextField
from personas.output.bundle import Bundle
from personas.segment.features import Profile, profile_of
from personas.segment.fit import membership
from personas.segment.masked import distances_to_centres
from personas.synthesize.describe import describe_value

SESSION_WEIGHT = 3  # a statement typed now counts this many times a historical one
MAX_TEXTS = 50
MAX_TEXT_CHARS = 5_000


class TextIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(max_length=MAX_TEXT_CHARS)
    question: str | None = Field(
        default=None, max_length=1_000, description="the question it answered, if any"
    )
    source: SourceKind = Field(default="survey", description="where it was said")
    rating: float | None = Field(
        default=None, ge=1, le=5, description="the rating of a review text"
    )


class OrderIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    amount: float = Field(ge=-1e7, le=1e7)
    date: dt.date | None = None


class SessionIn(BaseModel):
    """What the customer is doing now; weighs more than their history."""

    model_config = ConfigDict(extra="forbid")

    texts: list[str] = Field(
        default_factory=list, max_length=MAX_TEXTS, description="typed or searched now"
    )
    device: str | None = Field(default=None, max_length=100)
    referrer: str | None = Field(default=None, max_length=500)
    categories_viewed: list[str] = Field(default_factory=list, max_length=100)
    cart: list[str] = Field(default_factory=list, max_length=100)


class CustomerIn(BaseModel):
    """One customer, with any subset of what a build knows about people."""

    model_config = ConfigDict(extra="forbid")

    id: str | None = Field(default=None, max_length=200, description="echoed back; never stored")
    attributes: dict[str, str | float] = Field(
        default_factory=dict, description='e.g. {"age": 34, "gender": "Woman", "device": "Mobile"}'
    )
    texts: list[TextIn | str] = Field(default_factory=list, max_length=MAX_TEXTS)
    orders: list[OrderIn] = Field(default_factory=list, max_length=1_000)
    rating: float | None = Field(default=None, ge=1, le=5)
    nps: float | None = Field(default=None, ge=0, le=10)
    session: SessionIn | None = None


class Alternative(BaseModel):
    persona_id: str
    name: str
    confidence: float


class Reason(BaseModel):
    feature: str
    description: str
    weight: float = Field(
        description="how much this feature favoured the chosen persona over the runner-up"
    )


class AssignmentOut(BaseModel):
    id: str | None
    persona_id: str
    name: str
    label: str
    confidence: float
    runner_up: Alternative | None
    reasons: list[Reason]
    used: list[str] = Field(
        description="which parts of the request decided it: history and/or session"
    )


class TextThemes:
    """The themes a request's texts voice, found as a build finds them: the texts are
    prepared into statements, embedded, classified by kind and given the nearest theme
    of their kind. Loads the text models lazily, once; safe to share between threads."""

    def __init__(self, bundle: Bundle, light_text: bool = False) -> None:
        self.bundle = bundle
        self.light_text = light_text
        # All spaCy and torch work runs on this one thread: they share state across
        # threads, and torch's OpenMP pool is per calling thread, so a web server's
        # many worker threads would each start their own pool.
        self._text_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="personas-text")
        self._nlp: Any = None
        self._examples: Any = None
        kinds = [t.kind for t in bundle.meta.themes]
        self._kind_rows = {
            k: np.array([i for i, x in enumerate(kinds) if x == k]) for k in set(kinds)
        }

    def warm_up(self) -> None:
        """Load the text models now rather than on the first text-bearing request."""
        if len(self.bundle.meta.themes):
            from personas.understand.embed import encode

            def warm() -> None:
                if not self.light_text:
                    self._text_models()
                encode(["warm up"])
                self._kind_examples()

            self._text_thread.submit(warm).result()

    def _kind_examples(self) -> Any:
        """The embedded kind examples, computed once (on the text thread)."""
        if self._examples is None:
            from personas.understand.embed import encode
            from personas.understand.kinds import embed_examples

            self._examples = embed_examples(encode)
        return self._examples

    def _text_models(self) -> Any:
        if self._nlp is None:
            from personas.understand.prepare import load_nlp

            self._nlp = load_nlp()[0]
        return self._nlp

    def themes_of(
        self, texts: list[TextField], kinds: list[SourceKind], ratings: list[float | None]
    ) -> list[list[str]]:
        """For each text, the theme ids of its statements (one per themed statement)."""
        out: list[list[str]] = [[] for _ in texts]
        if not texts or not len(self.bundle.meta.themes):
            return out
        records = [
            Record(
                record_id=f"request#{i}",
                source="request",
                source_kind=kind,
                locator=str(i),
                texts=(t,),
                rating=rating,
            )
            for i, (t, kind, rating) in enumerate(zip(texts, kinds, ratings, strict=True))
        ]
        statements, vectors = self._text_thread.submit(self._understand, records).result()
        for statement, vector in zip(statements, vectors, strict=True):
            theme = self._nearest_theme(statement.kind, vector)
            if theme is not None:
                out[int(statement.record_id.split("#", 1)[1])].append(theme)
        return out

    def _understand(self, records: list[Record]) -> tuple[list[Statement], np.ndarray]:
        """The records' statements and their vectors (run on the text thread)."""
        from personas.understand.classify import classify_statements
        from personas.understand.embed import encode, encode_few
        from personas.understand.prepare import prepare_statements

        if self.light_text:
            prepared = light_statements(records)
        else:
            prepared = list(prepare_statements(records, self._text_models()).statements)
        if not prepared:
            return [], np.zeros((0, 0), dtype=np.float32)
        texts = [s.text for s in prepared]
        vectors = encode_few(texts) if len(texts) <= 16 else encode(texts)
        # The vectors switch on the meaning signals, as in a build; a request is too
        # small for the build-time classifier, which needs tens of examples per kind.
        by_id = {r.record_id: r for r in records}
        statements = list(
            classify_statements(prepared, by_id, vectors, examples=self._kind_examples())
        )
        return statements, vectors

    def _nearest_theme(self, kind: StatementKind, vector: np.ndarray) -> str | None:
        """The bundle's theme of this kind nearest the vector; None when it has none."""
        rows = self._kind_rows.get(kind)
        if rows is None or not len(rows):
            return None
        sims = self.bundle.theme_centroids[rows] @ vector
        return self.bundle.meta.themes[int(rows[int(np.argmax(sims))])].theme_id


class Assigner:
    """Places customers into the bundle's personas: their profile (texts through
    ``TextThemes``), encoded as the build encoded its respondents, goes to the nearest
    segment centre. Safe to share between threads."""

    def __init__(self, bundle: Bundle, light_text: bool = False) -> None:
        """``light_text`` splits texts with a regex instead of spaCy (no NER): the
        statements only pick themes and never leave the process, so names need no
        redaction beyond the build's patterns and known or cued names; ``personas
        serve`` uses it to save ~7 ms a text."""
        self.bundle = bundle
        self.light_text = light_text
        self.texts = TextThemes(bundle, light_text)
        self.reference = (
            dt.date.fromisoformat(bundle.meta.reference_date)
            if bundle.meta.reference_date
            else None
        )

    def warm_up(self) -> None:
        """Load the text models now rather than on the first text-bearing request."""
        self.texts.warm_up()

    def themes_of(
        self, texts: list[TextField], kinds: list[SourceKind], ratings: list[float | None]
    ) -> list[list[str]]:
        """For each text, the theme ids of its statements (see ``TextThemes``)."""
        return self.texts.themes_of(texts, kinds, ratings)

    def profiles(self, customers: list[CustomerIn]) -> list[tuple[Profile, list[str]]]:
        """Each customer's profile and which parts of the request it used.

        All texts of all customers go through the text models in one batch."""
        jobs = _text_jobs(customers)
        themes = self.themes_of([j[2] for j in jobs], [j[3] for j in jobs], [j[4] for j in jobs])
        counts: list[Counter[str]] = [Counter() for _ in customers]
        session_hits = [0] * len(customers)
        for (owner, weight, *_), found in zip(jobs, themes, strict=True):
            for theme_id in found:
                counts[owner][theme_id] += weight
            if weight == SESSION_WEIGHT:
                session_hits[owner] += len(found)
        return [
            self._profile(c, i, counts[i], session_hits[i] > 0) for i, c in enumerate(customers)
        ]

    def _profile(
        self, customer: CustomerIn, index: int, themes: Counter[str], session_texts: bool
    ) -> tuple[Profile, list[str]]:
        """The profile of one customer, as the build profiles a respondent, with the
        current session laid over it."""
        records = _history_records(customer, f"request:{index}")
        profile = profile_of(build_respondents(records, self.reference)[0], themes)
        parts = []
        if customer.attributes or customer.nps is not None or customer.rating is not None:
            parts.append("attributes")
        if customer.texts:
            parts.append("texts")
        if customer.orders:
            parts.append("orders")
        used = [f"history: {', '.join(parts)}"] if parts else []
        if customer.session is not None:
            now = self._apply_session(profile, customer.session, session_texts)
            if now:
                used.append(f"session: {', '.join(now)}")
        return profile, used

    def _apply_session(self, profile: Profile, session: SessionIn, texts: bool) -> list[str]:
        """The session's device and browsed categories replace the stored ones; the
        parts of the session that counted (its ``texts`` when they voiced a theme)."""
        now = ["texts"] if texts else []
        if session.device:
            profile.attributes["device"] = session.device
            now.append("device")
        viewed = [*session.categories_viewed, *session.cart]
        if viewed and self._apply_categories(profile, viewed):
            now.append("categories viewed")
        return now

    def _apply_categories(self, profile: Profile, viewed: list[str]) -> bool:
        """Browsed categories set the levels of any category column that has them."""
        applied = False
        lowered = {v.strip().lower() for v in viewed}
        for column in self.bundle.meta.encoder.categories:
            hits = [lv for lv in column.levels if lv.lower() in lowered]
            if hits:
                profile.attributes[column.attribute] = ", ".join(hits) if column.multi else hits[0]
                applied = True
        return applied

    def assign(self, customers: list[CustomerIn]) -> list[AssignmentOut]:
        """The persona, confidence, runner-up and reasons for each customer."""
        built = self.profiles(customers)
        features = self.bundle.meta.encoder.transform([p for p, _ in built])
        d2 = distances_to_centres(features.matrix, features.known, self.bundle.centres)
        probs = membership(d2, self.bundle.meta.temperature)
        out = []
        for i, customer in enumerate(customers):
            order = np.argsort(-probs[i], kind="stable")
            best = int(order[0])
            second = int(order[1]) if len(order) > 1 else None
            persona = self.bundle.meta.personas[best]
            runner = None
            if second is not None:
                ref = self.bundle.meta.personas[second]
                runner = Alternative(
                    persona_id=ref.persona_id,
                    name=ref.name,
                    confidence=round(float(probs[i, second]), 4),
                )
            out.append(
                AssignmentOut(
                    id=customer.id,
                    persona_id=persona.persona_id,
                    name=persona.name,
                    label=persona.label,
                    confidence=round(float(probs[i, best]), 4),
                    runner_up=runner,
                    reasons=self.reasons(
                        features.matrix[i], features.known[i], best, second, built[i][0]
                    ),
                    used=built[i][1] or ["nothing known: the largest persona"],
                )
            )
        return out

    def reasons(
        self,
        x: np.ndarray,
        known: np.ndarray,
        best: int,
        second: int | None,
        profile: Profile,
        top: int = 3,
    ) -> list[Reason]:
        """Features that favoured the chosen persona over the runner-up most."""
        if second is None or not known.any():
            return []
        c1, c2 = self.bundle.centres[best], self.bundle.centres[second]
        gain = np.where(known, (x - c2) ** 2 - (x - c1) ** 2, 0.0)
        grouped: dict[str, float] = {}
        for name, g in zip(self.bundle.meta.encoder.names, gain, strict=True):
            group = name.split("=", 1)[0]
            grouped[group] = grouped.get(group, 0.0) + float(g)
        themes = {t.theme_id: t for t in self.bundle.meta.themes}
        ranked = sorted(((g, n) for n, g in grouped.items() if g > 0), key=lambda x: (-x[0], x[1]))
        return [
            Reason(feature=n, description=describe_value(n, themes, profile), weight=round(g, 4))
            for g, n in ranked[:top]
        ]


def _text_jobs(
    customers: list[CustomerIn],
) -> list[tuple[int, int, TextField, SourceKind, float | None]]:
    """Every text of every customer as (owner, weight, text, source kind, rating); the
    session's texts weigh ``SESSION_WEIGHT``."""
    jobs: list[tuple[int, int, TextField, SourceKind, float | None]] = []
    for i, c in enumerate(customers):
        for t in c.texts:
            t = TextIn(text=t) if isinstance(t, str) else t
            jobs.append(
                (
                    i,
                    1,
                    TextField(field="text", question=t.question, text=t.text),
                    t.source,
                    t.rating,
                )
            )
        for t in c.session.texts if c.session else []:
            jobs.append((i, SESSION_WEIGHT, TextField(field="session", text=t), "social", None))
    return jobs


def _history_records(customer: CustomerIn, key: str) -> list[Record]:
    """The customer's orders and answers as the records a build would have read."""
    records = [
        Record(
            record_id=f"{key}#order{i}",
            source="request",
            source_kind="orders",
            locator=str(i),
            respondent_key=key,
            amount=o.amount,
            date=o.date.isoformat() if o.date else None,
        )
        for i, o in enumerate(customer.orders)
    ]
    records.append(
        Record(
            record_id=f"{key}#about",
            source="request",
            source_kind="survey",
            locator="about",
            respondent_key=key,
            attributes=dict(customer.attributes),
            nps=customer.nps,
            rating=customer.rating,
        )
    )
    return records


SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def light_statements(records: list[Record]) -> list[Statement]:
    """Statements without spaCy, cut and kept by the build's own steps: cleaning, the
    non-answer filter and redaction of patterns and known or cued names
    (``prepare.redact_texts``), contrast clauses and too-short pieces
    (``prepare.statement_pieces``). Only the sentences are split by a regex, and no
    NER looks for further names."""
    from personas.understand.prepare import assemble, redact_texts, statement_pieces

    pending = redact_texts(records)
    pieces = [statement_pieces(SENTENCE_END.split(text)) for text in pending.texts]
    return list(assemble(pending, pieces).statements)


def customers_from_records(records: Iterable[Record]) -> list[CustomerIn]:
    """Requests from ingested rows: one per respondent key, or per anonymous row.

    Attributes are merged as the build merges them (``identity.merge_attributes``):
    the products of all of a customer's orders, their usual shipping method."""
    groups: dict[str, list[Record]] = {}
    for r in records:
        groups.setdefault(r.respondent_key or r.record_id, []).append(r)
    out = []
    for key in sorted(groups):
        ordered = chronological(groups[key])
        attributes = merge_attributes(ordered)
        texts: list[TextIn | str] = []
        orders: list[OrderIn] = []
        nps: float | None = None
        ratings: list[float] = []
        for r in ordered:
            nps = r.nps if r.nps is not None else nps
            if r.source_kind == "orders" and r.amount is not None:
                orders.append(
                    OrderIn(amount=r.amount, date=dt.date.fromisoformat(r.date) if r.date else None)
                )
            if r.rating is not None:
                ratings.append(r.rating)
            texts += [
                TextIn(
                    text=t.text[:MAX_TEXT_CHARS],
                    question=t.question,
                    source=r.source_kind,
                    rating=r.rating,
                )
                for t in r.texts
            ]
        out.append(
            CustomerIn(
                id=key,
                attributes=attributes,
                texts=texts[:MAX_TEXTS],
                orders=orders[:1000],
                nps=nps,
                rating=sum(ratings) / len(ratings) if ratings else None,
            )
        )
    return out
