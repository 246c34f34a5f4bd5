"""Layouts recognised by their content, and people-less corpora (issue 14).

Every file here is written by the test itself (our own words, no real people);
real exports are checked in benchmarks/realdata.py.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from personas.config import Config
from personas.errors import NoUsableInput
from personas.ingest import ingest
from personas.ingest.dates import parse_datetime
from personas.ingest.discover import discover
from personas.ingest.identity import build_respondents
from personas.ingest.result import IngestResult
from personas.ingest.values import rating_scale, to_five
from personas.models import Record, Respondent, Statement, TextField
from personas.segment.features import FeatureMatrix
from personas.segment.fit import segment_respondents
from personas.understand.classify import classify_statements
from tests.conftest import SHARED_DATA, run_cli

PAINS = [
    "the room was far too noisy at night",
    "breakfast was cold and overpriced",
    "the shower barely worked",
    "check in took an hour",
    "the wifi kept dropping",
]
LIKES = [
    "the staff were friendly and helpful",
    "great location near the station",
    "the bed was really comfortable",
    "lovely view from the balcony",
    "spotless clean room",
]


def write(folder: Path, name: str, header: list[str], rows: list[list[str]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def read(folder: Path) -> IngestResult:
    sources, _ = discover(folder, Config())
    return ingest(folder, sources, Config())


def read_only(folder: Path, name: str) -> IngestResult:
    sources, _ = discover(folder, Config())
    return ingest(folder, [s for s in sources if s.path == name], Config())


def kinds(folder: Path) -> dict[str, tuple[str, str]]:
    sources, _ = discover(folder, Config())
    return {s.path: (s.kind, s.reason) for s in sources}


def roles(result: IngestResult) -> dict[str, str]:
    return {r.column: r.role for r in result.roles}


def booking_rows(n: int = 40) -> list[list[str]]:
    rows = []
    for i in range(n):
        pain = f"{PAINS[i % 5]} and {PAINS[(3 * i + 1) % 5]} in room {100 + i}"
        like = f"{LIKES[i % 5]}, {LIKES[(2 * i + 1) % 5]} on floor {i}"
        negative = "No Negative" if i % 4 == 0 else pain
        positive = "No Positive" if i % 7 == 0 else like
        score = f"{2.5 + (i * 7.5 / (n - 1)):.1f}"
        tags = f"[' Leisure trip ', ' Couple ', ' Double Room ', ' Stayed {i % 4 + 1} nights ']"
        nation = ("United Kingdom", "Germany", "France")[i % 3]
        rows.append([f"1{i % 9}/0{i % 9 + 1}/2017", nation, negative, positive, score, tags])
    return rows


BOOKING = [
    "Review_Date",
    "Reviewer_Nationality",
    "Negative_Review",
    "Positive_Review",
    "Reviewer_Score",
    "Tags",
]


def test_booking_site_layout_is_read_for_what_it_is(tmp_path: Path) -> None:
    """Split positive / negative fields lose their placeholders, the 10-point score is a
    rating read to 1-5, nationality is a region, the tag list is split into options and
    "Stayed N nights" becomes a number; with nothing identifying anyone each row is a person."""
    write(tmp_path, "hotel_export.csv", BOOKING, booking_rows())
    assert kinds(tmp_path)["hotel_export.csv"][0] == "reviews"
    result = read(tmp_path)
    found = roles(result)
    assert found["Reviewer_Score"] == "rating"
    assert found["Reviewer_Nationality"] == "region"
    assert found["Negative_Review"] == found["Positive_Review"] == "text"
    assert found["Tags"] == "category"
    score = next(r for r in result.roles if r.column == "Reviewer_Score")
    assert score.scale == (1.0, 10.0)
    rows = {r.locator: r for r in result.records}
    first = rows["row 2"]  # "No Negative" / "No Positive": both placeholders
    assert [t.field for t in first.texts] == []
    assert first.rating == 1.667  # 2.5 on 1-10
    assert rows["row 41"].rating == 5.0
    assert first.attributes["region"] == "United Kingdom"
    assert first.choices["Tags"] == ("Leisure trip", "Couple", "Double Room")
    assert first.attributes["stayed nights"] == "1"
    # the nationality describes each reviewer, so each row is a person already
    assert all(r.respondent_key == f"row:{r.record_id}" for r in result.records)


def test_people_less_rows_stay_anonymous_beside_a_file_that_identifies_people(
    tmp_path: Path,
) -> None:
    """Where another file names people, anonymous reviews stay anonymous voice."""
    plain = [row[:1] + row[2:] for row in booking_rows()]  # no nationality: nobody described
    write(tmp_path, "hotel_export.csv", BOOKING[:1] + BOOKING[2:], plain)
    write(
        tmp_path,
        "customers.csv",
        ["Email", "What could we do better?"],
        [[f"guest{i}@example.org", PAINS[i % 5]] for i in range(10)],
    )
    result = read(tmp_path)
    assert result.people is None
    hotel = [r for r in result.records if r.source == "hotel_export.csv"]
    assert hotel and all(r.respondent_key is None for r in hotel)
    alone = read_only(tmp_path, "hotel_export.csv")
    assert all(r.respondent_key == f"row:{r.record_id}" for r in alone.records)
    assert alone.people is not None and "40 records are one respondent each" in alone.people


def tweet_rows(n: int = 30) -> list[list[str]]:
    brands = ("SkyJet", "AirNorth", "BlueWing")
    rows = []
    for i in range(n):
        text = f"@{brands[i % 3]} {PAINS[i % 5]} #travel" if i % 2 else f"{LIKES[i % 5]}!"
        when = f"2015-02-{10 + i % 9} 11:{10 + i}:52 -0800"
        rows.append([str(5 * 10**17 + i), brands[i % 3], f"user_{i % 12}", "0", text, when])
    return rows


TWEETS = ["tweet_id", "airline", "name", "retweet_count", "text", "tweet_created"]


def test_tweets_export_is_social_and_handles_join_an_accounts_posts(tmp_path: Path) -> None:
    """tweet_* columns make it social; the brand column is a category; the handle joins
    one account's tweets into one respondent, not identified."""
    write(tmp_path, "export.csv", TWEETS, tweet_rows())
    kind, reason = kinds(tmp_path)["export.csv"]
    assert kind == "social" and "tweet" in reason
    result = read(tmp_path)
    found = roles(result)
    assert (found["name"], found["airline"], found["tweet_id"]) == ("author", "category", "ignore")
    keys = {r.respondent_key for r in result.records}
    assert keys == {f"author:user_{i}" for i in range(12)}
    people = build_respondents(result.records)
    assert len(people) == 12 and not any(p.identified for p in people)
    assert result.people is not None and "joined into 12 accounts" in result.people


def test_posts_are_recognised_by_their_mentions_and_hashtags(tmp_path: Path) -> None:
    """A plain "text" column full of @mentions and #hashtags is social, whatever the headers."""
    rows = [[f"@shop {PAINS[i % 5]} #fail", str(i % 3)] for i in range(12)]
    write(tmp_path, "data.csv", ["text", "label"], rows)
    kind, reason = kinds(tmp_path)["data.csv"]
    assert kind == "social" and "content sniffing" in reason


def test_complaint_export_is_support_with_channel_and_the_coarsest_place(tmp_path: Path) -> None:
    """A complaint column makes a support file; "Received Via" is the channel; of city,
    state and zip the state (fewest places) is the region."""
    rows = [
        [
            str(1000 + i),
            PAINS[i % 5],
            ("Customer Care Call", "Internet")[i % 2],
            f"Town {i}",
            ("Georgia", "Florida", "Ohio")[i % 3],
            f"3{i:04d}",
        ]
        for i in range(30)
    ]
    write(
        tmp_path,
        "c.csv",
        ["Ticket #", "Customer Complaint", "Received Via", "City", "State", "Zip code"],
        rows,
    )
    assert kinds(tmp_path)["c.csv"][0] == "support"
    found = roles(read(tmp_path))
    assert found["Received Via"] == "channel"
    assert (found["State"], found["City"]) == ("region", "category")


@pytest.mark.parametrize(
    ("values", "scale"),
    [
        (["1", "5", "3", "4"], (1.0, 5.0)),
        (["1", "5", "3", "6"], (1.0, 5.0)),  # one stray 6 is a typo, not a wider scale
        (["2.5", "7.9", "10", "9.2"], (1.0, 10.0)),
        (["0", "10", "7", "3"], (0.0, 10.0)),
        (["55", "90", "100", "20"], (0.0, 100.0)),
        (["4/5", "2/5", "5/5"], (1.0, 5.0)),
        (["★★★★☆", "★★☆☆☆"], (1.0, 5.0)),
        (["great", "bad", "ok"], None),
    ],
)
def test_rating_scales(values: list[str], scale: tuple[float, float] | None) -> None:
    """The scale is read from the values: 1-5, 1-10, 0-10, percentages, fractions, stars."""
    assert rating_scale(values) == scale


def test_ratings_are_read_to_one_to_five() -> None:
    """Every scale maps its ends to 1 and 5."""
    assert to_five("10", (1.0, 10.0)) == 5.0
    assert to_five("1", (1.0, 10.0)) == 1.0
    assert to_five("8/10", None) == pytest.approx(1 + 4 * 7 / 9, abs=1e-3)
    assert to_five("★★☆☆☆", None) == 2.0
    assert to_five("50%", (0.0, 100.0)) == 3.0
    assert to_five("11", (1.0, 10.0)) is None


def test_twitter_and_short_month_dates() -> None:
    """Twitter's "Mon Dec 01 19:30:03 +0000 2014" and "31-Jul-18" are dates."""
    assert str(parse_datetime("Mon Dec 01 19:30:03 +0000 2014")) == "2014-12-01 19:30:03"
    assert str(parse_datetime("31-Jul-18")) == "2018-07-31 00:00:00"
    assert parse_datetime("Jul-18") is None


def statement(text: str, question: str, kind: str = "support") -> Statement:
    return Statement(
        statement_id=f"s-{abs(hash(text + question))}",
        record_id="r#1",
        source="x.csv",
        source_kind=kind,  # type: ignore[arg-type]
        locator="row 2",
        respondent_key=None,
        field=question,
        question=question,
        text=text,
    )


def test_complaint_statements_are_pain_unless_strongly_otherwise() -> None:
    """In a complaint a mildly friendly sentence is the complaint's setting (pain); split
    review fields say which kind their statements are."""
    record = Record(
        record_id="r#1",
        source="x.csv",
        source_kind="support",
        locator="row 2",
        texts=(TextField(field="Complaint narrative", text="x"),),
    )
    out = classify_statements(
        [
            statement("I have always paid my bills on time.", "Complaint narrative"),
            statement("They charged me twice and never refunded it.", "Complaint narrative"),
            statement("Lovely breakfast", "Positive_Review", "reviews"),
            statement("The room was tiny", "Negative_Review", "reviews"),
        ],
        {"r#1": record},
    )
    assert [s.kind for s in out] == ["pain", "pain", "motivation", "pain"]


def test_no_respondents_is_one_clear_error() -> None:
    """Segmenting nobody says what is missing instead of failing inside numpy."""
    empty = FeatureMatrix(
        keys=(), names=(), matrix=np.zeros((0, 0)), blocks={}, known=np.zeros((0, 0), bool)
    )
    with pytest.raises(NoUsableInput, match="no respondents"):
        segment_respondents(empty, Config())


CLOTHING = SHARED_DATA / "reviews" / "womens_clothing_ecommerce_reviews.csv"


@pytest.mark.e2e
@pytest.mark.skipif(not CLOTHING.is_file(), reason="../shared/data is not beside the clone")
def test_people_less_real_reviews_build_personas(tmp_path: Path) -> None:
    """Real reviews with only a text and a rating (nothing names or describes anyone)
    build at least three personas through the real CLI, and run.json says how."""
    with CLOTHING.open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["Review Text"].strip()][:300]
    write(
        tmp_path / "in",
        "reviews.csv",
        ["Review Text", "Rating"],
        [[r["Review Text"], r["Rating"]] for r in rows],
    )
    out = tmp_path / "out"
    result = run_cli("build", str(tmp_path / "in"), "-o", str(out), "--quiet", "--seed", "7")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    document = json.loads((out / "personas.json").read_text(encoding="utf-8"))
    assert len(document["personas"]) >= 3
    assert document["corpus"]["respondents"] == 300
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert "300 records are one respondent each" in run["people"]


def test_tone_is_the_share_of_praise_where_people_chose_what_to_say() -> None:
    """With ``tone`` the numbers gain one column: motivations / (pains + motivations),
    unknown for someone who voiced neither; surveys that asked for both leave it off."""
    from collections import Counter

    from personas.segment.features import Profile, fit_encoder, wants_tone

    profiles = [
        Profile(key="a", themes=Counter({"pain-01": 3})),
        Profile(key="b", themes=Counter({"motivation-01": 1, "pain-01": 1})),
        Profile(key="c", themes=Counter({"motivation-01": 2})),
        Profile(key="d", themes=Counter({"goal-01": 1})),
    ]
    encoder = fit_encoder(profiles, tone=True)
    column = encoder.names.index("tone")
    assert [c.name for c in encoder.numeric] == ["tone"]
    features = encoder.transform(profiles)
    values = features.matrix[:3, column]
    assert values[0] < values[1] < values[2] and values[1] == pytest.approx(0.0)
    assert features.known[:, column].tolist() == [True, True, True, False]
    assert "tone" not in fit_encoder(profiles).names
    asked = statement("slow delivery", "What frustrates you most?", "survey")
    said = statement("slow delivery", "Review Text", "reviews")
    assert not wants_tone([asked, asked, said]) and wants_tone([asked, said, said])
    known = Respondent(key="email:a@b.example", identified=True, sources=[], record_ids=[])
    writer = Respondent(key="row:x#row 2", identified=False, sources=[], record_ids=[])
    assert wants_tone([said], [writer, writer, known])
    assert not wants_tone([said], [writer, known, known])


def test_a_post_without_feeling_of_its_own_is_no_feedback() -> None:
    """A social post that is news or chatter is "other"; one that says how it feels is not."""
    record = Record(record_id="r#1", source="x.csv", source_kind="social", locator="row 2")
    out = classify_statements(
        [
            statement("Apple opens a new store downtown on Friday", "text", "social"),
            statement("My new phone is brilliant, love it", "text", "social"),
            statement("The battery died again and I hate it", "text", "social"),
        ],
        {"r#1": record},
    )
    assert [s.kind for s in out] == ["other", "motivation", "pain"]


def test_inspect_says_who_the_people_of_a_people_less_corpus_are(tmp_path: Path) -> None:
    """`personas inspect` names the kind's reason and why each account is a respondent."""
    write(tmp_path, "export.csv", TWEETS, tweet_rows())
    result = run_cli("inspect", str(tmp_path))
    assert result.returncode == 0, result.stderr
    text = " ".join(result.stdout.split())
    assert "12 social accounts" in text
    assert "Why: no file names or describes the people who wrote" in text
    assert "joined into 12 accounts" in text
