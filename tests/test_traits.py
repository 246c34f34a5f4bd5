"""Unit tests for what a persona is like beyond demographics: psychographics, journey
and BANT hints, the archetype label, names, and the order of claims."""

from __future__ import annotations

from personas.config import Config, NameLists
from personas.models import NumberSummary, Segment, SegmentStats, Share, ThemeStat
from personas.synthesize.document import UNKNOWN, Claim
from personas.synthesize.names import name_basis, pick_name
from personas.synthesize.personas import persona_name, rank_claims
from personas.synthesize.traits import (
    archetype,
    archetype_forms,
    bant,
    journey,
    plural,
    psychographics,
    vary_labels,
)

EMPTY = NumberSummary(n=0)
ACTIVITIES = "Which activities do you shop for?"


def stats(**kw) -> SegmentStats:  # type: ignore[no-untyped-def]
    base = dict(
        segment_id=1,
        size=40,
        share=0.4,
        age=EMPTY,
        categories={},
        category_known={},
        nps=EMPTY,
        rating=EMPTY,
        spend_total=EMPTY,
        avg_order_value=EMPTY,
        orders_per_year=EMPTY,
        recency_days=EMPTY,
        themes=[],
        sources={},
        statements=0,
    )
    base.update(kw)
    return SegmentStats(**base)


def claim(kind: str, label: str, share: float, lift: float | None) -> Claim:
    return Claim(
        theme_id=f"{kind}-01",
        kind=kind,  # type: ignore[arg-type]
        label=label,
        keywords=[],
        share=share,
        share_rest=share / lift if lift else 0.0,
        lift=lift,
        respondents=20,
        quotes=[],
        evidence_ids=["s-1"],
    )


def seg(*distinctive: str) -> Segment:
    return Segment(segment_id=1, respondent_keys=["a"], distinctive=list(distinctive))


def facts_by_name(facts):  # type: ignore[no-untyped-def]
    return {f.name: f for f in facts}


def test_interests_come_from_a_survey_question_and_hide_small_answers() -> None:
    """Interests are the answers to an activities question, each held by at least k people."""
    st = stats(
        categories={
            ACTIVITIES: [
                Share(value="Hiking", count=30, share=0.75),
                Share(value="Camping", count=12, share=0.3),
                Share(value="Kayaking", count=3, share=0.075),
            ]
        },
        category_known={ACTIVITIES: 40},
    )
    facts = facts_by_name(psychographics(st, seg(), [], 5))
    assert facts["Interests"].value == "Hiking 75%, Camping 30%"
    assert ACTIVITIES in facts["Interests"].basis and "40 of 40" in facts["Interests"].basis
    assert [s.value for s in facts["Interests"].shares] == ["Hiking", "Camping"]
    assert facts["Values"].value == UNKNOWN and facts["Lifestyle"].value == UNKNOWN


def test_psychographics_are_unknown_when_the_data_is_silent() -> None:
    """No interest or lifestyle question and no motivations: every field says unknown, why."""
    facts = facts_by_name(psychographics(stats(), seg(), [], 5))
    assert {f.value for f in facts.values()} == {UNKNOWN}
    assert "no survey question about interests" in facts["Interests"].basis


def test_values_are_the_top_motivations() -> None:
    """Values list the persona's motivation themes with their shares."""
    motivations = [
        claim("motivation", "Free returns", 0.4, 2.0),
        claim("motivation", "Fit", 0.2, 1.5),
    ]
    facts = facts_by_name(psychographics(stats(), seg(), motivations, 5))
    assert facts["Values"].value == "Free returns 40%, Fit 20%"


def test_other_questions_only_when_they_set_the_segment_apart() -> None:
    """A question that is neither interests nor lifestyle shows only if it is distinctive,
    even when its wording contains '='."""
    question = "Team? a=b"
    st = stats(
        categories={question: [Share(value="Blue", count=20, share=0.5)], "Size": []},
        category_known={question: 40, "Size": 40},
    )
    assert question not in facts_by_name(psychographics(st, seg(), [], 5))
    facts = facts_by_name(psychographics(st, seg(f"{question}=Blue +0.90"), [], 5))
    assert facts[question].value == "Blue 50%"


def test_journey_and_bant_from_orders_and_nps() -> None:
    """Orders, recency and NPS give the stage, activity, advocacy, budget and timing."""
    st = stats(
        customers_with_orders=30,
        orders_per_year=NumberSummary(n=30, median=4.0, q1=2.0, q3=6.0),
        recency_days=NumberSummary(n=30, median=200.0, q1=100.0, q3=300.0),
        avg_order_value=NumberSummary(n=30, median=50.0, q1=40.0, q3=60.0),
        spend_total=NumberSummary(n=30, median=200.0, q1=100.0, q3=300.0),
        nps=NumberSummary(n=20, median=9.0),
        nps_score=40.0,
        promoters=0.6,
        detractors=0.2,
    )
    stages = facts_by_name(journey(st, 5))
    assert stages["Buying stage"].value == "repeat buyers (median 4.0 orders a year)"
    assert stages["Activity"].value.startswith("lapsing: median 200 days since the last order")
    assert stages["Advocacy"].value.startswith("advocates: NPS +40")
    hints = facts_by_name(bant(st, [claim("pain", "Postage", 0.3, 2.5)], 5))
    assert hints["Budget"].value.startswith("typical order 50.00 (middle half 40.00–60.00)")
    assert hints["Need"].value == "Postage (30%, ×2.5 vs others)"
    assert hints["Timing"].value == "overdue: 109 days past their usual gap of 91 days"
    assert hints["Authority"].value == UNKNOWN


def test_hints_are_unknown_without_orders_nps_or_pains() -> None:
    """Without the data behind them, journey and BANT hints are unknown with a reason."""
    st = stats(orders_per_year=NumberSummary(n=3, median=2.0, q1=1.0, q3=3.0))
    for fact in journey(st, 5) + bant(st, [], 5):
        assert fact.value == UNKNOWN and fact.basis, fact.name
    assert "only 3 of them have dated orders" in journey(st, 5)[0].basis


def test_budget_falls_back_to_income() -> None:
    """Without order values, the budget hint is the income answers, if given by k people."""
    st = stats(
        categories={"income": [Share(value="£35k–£50k", count=20, share=0.5)]},
        category_known={"income": 40},
    )
    assert bant(st, [], 5)[0].value == "household income £35k–£50k 50%"


def test_archetype_from_distinctive_behaviour_age_gender_and_top_claim() -> None:
    """The label joins the strongest distinctive behaviour, age band, gender and top claim,
    and its basis names each figure."""
    st = stats(
        age=NumberSummary(n=30, median=34.0, q1=30.0, q3=40.0),
        categories={"gender": [Share(value="Woman", count=30, share=0.8)]},
        category_known={"gender": 37},
    )
    claims = {"motivation": [claim("motivation", "Kids clothes", 0.3, 4.0)], "pain": []}
    label, basis = archetype(st, seg("device=Mobile +1.2", "total_spend -0.9"), claims, "woman", 5)
    assert label == "Budget-minded 30-something women won over by kids clothes"
    assert basis.startswith("lower total spend than others (-0.9 SD); median age 34")
    assert "“Kids clothes” (30%, ×4.0 vs others)" in basis


def test_archetype_says_customer_when_nothing_is_known() -> None:
    """No distinctive behaviour, age, gender or claim: a plain label, and a basis saying so."""
    label, basis = archetype(stats(), seg(), {}, None, 5)
    assert label == "Customers"
    assert basis == "nothing in the data sets this persona apart"


def theme_stat(kind: str, prevalence: float) -> ThemeStat:
    return ThemeStat(
        theme_id=f"{kind}-01",
        kind=kind,  # type: ignore[arg-type]
        label=kind,
        respondents=20,
        prevalence=prevalence,
        prevalence_rest=0.1,
        lift=prevalence / 0.1,
        statements=20,
    )


def test_a_persona_nobody_describes_is_named_by_its_mood_and_pains() -> None:
    """No age, gender or occupation: pains outweighing praise make "Frustrated customers",
    and the label names their two top pains, never "Customer who values"."""
    st = stats(themes=[theme_stat("pain", 0.8), theme_stat("motivation", 0.2)])
    claims = {
        "pain": [claim("pain", "Cancelled flights", 0.5, 3.0), claim("pain", "Lost bags", 0.3, 2)],
        "motivation": [],
    }
    label, basis = archetype(st, seg(), claims, None, 5)
    assert label == "Frustrated customers put off by cancelled flights and lost bags"
    assert "pain themes outweigh their praise" in basis
    happy = stats(themes=[theme_stat("pain", 0.1), theme_stat("motivation", 0.7)])
    claims = {"motivation": [claim("motivation", "Friendly staff", 0.5, 2.0)]}
    assert (
        archetype(happy, seg(), claims, None, 5)[0] == "Happy customers won over by friendly staff"
    )


def test_a_distinctive_answer_names_the_group() -> None:
    """A short answer most of them share and that sets them apart joins the noun."""
    st = stats(
        categories={"Type of traveller": [Share(value="Business", count=30, share=0.75)]},
        category_known={"Type of traveller": 40},
    )
    claims = {"pain": [claim("pain", "Long hold times", 0.4, 2.0)]}
    label, basis = archetype(st, seg("Type of traveller=Business +1.1"), claims, None, 5)
    assert label == "Customers (Business) put off by long hold times"
    assert "Type of traveller: Business (75%)" in basis


def test_a_bad_theme_label_never_reaches_a_persona_label() -> None:
    """Claims labelled with a mask, profanity or a lone generic word are skipped."""
    claims = {
        "motivation": [
            claim("motivation", "Names", 0.6, 3.0),
            claim("motivation", "Xxxx payment", 0.5, 3.0),
            claim("motivation", "Shit", 0.5, 3.0),
            claim("motivation", "Theme 2", 0.5, 3.0),
            claim("motivation", "Fast delivery", 0.3, 2.0),
        ]
    }
    label, _ = archetype(stats(), seg(), claims, None, 5)
    assert label == "Customers won over by fast delivery"


def test_both_pains_and_motivations_reach_the_label() -> None:
    """A motivation-led persona also says what puts them off; a pain-led one what they like."""
    claims = {
        "motivation": [claim("motivation", "Kids clothes", 0.3, 4.0)],
        "pain": [claim("pain", "Postage costs", 0.4, 2.0)],
    }
    label, _ = archetype(stats(), seg(), claims, None, 5)
    assert label == "Customers won over by kids clothes, but put off by postage costs"


def test_persona_labels_of_one_build_differ_and_do_not_all_start_alike() -> None:
    """When every first label starts "Frustrated customers", the labels lead with their own
    themes; two identical labels never survive."""
    st = stats(themes=[theme_stat("pain", 0.9)])
    forms = [
        archetype_forms(st, seg(), {"pain": [claim("pain", lab, 0.5, 2.0)]}, None, 5)
        for lab in ("Billing errors", "Data caps", "Data caps")
    ]
    assert all(f[0][0].startswith("Frustrated customers") for f in forms)
    labels = [label for label, _ in vary_labels(forms)]
    assert len(set(labels)) == 3
    assert labels[0] == "Billing errors: frustrated customers"
    assert labels[1] == "Data caps: frustrated customers"
    assert len({" ".join(x.split()[:2]) for x in labels}) > 1
    varied = vary_labels([[("Slow refunds", "a")], [("Postage costs", "b")]])
    assert varied == [("Slow refunds", "a"), ("Postage costs", "b")]


def test_a_persona_label_says_a_theme_once_and_prefers_phrases() -> None:
    """The same label as pain and motivation is said once; a phrase among the top
    claims goes before a lone word; a date is no group."""
    claims = {
        "pain": [claim("pain", "Sound quality", 0.5, 2.0)],
        "motivation": [
            claim("motivation", "Sound quality", 0.5, 2.0),
            claim("motivation", "Wear", 0.4, 2.0),
            claim("motivation", "Soft fabric", 0.3, 2.0),
        ],
    }
    st = stats(
        categories={"date": [Share(value="30-Jul-18", count=30, share=0.75)]},
        category_known={"date": 40},
    )
    label, _ = archetype(st, seg("date=30-Jul-18 +1.1"), claims, None, 5)
    assert label == "Customers won over by soft fabric, but put off by sound quality"


def test_plural_nouns() -> None:
    """The group's noun reads in the plural."""
    assert plural("30-something woman") == "30-something women"
    assert plural("data scientist or analyst") == "data scientists or analysts"
    assert plural("retired") == "retired"
    assert plural("teen") == "teens"
    assert plural("60-something") == "60-somethings"


def test_claims_prefer_statistically_distinctive_themes() -> None:
    """Tested themes: distinctive ones rank first; untested: by prevalence x lift."""

    def ts(theme: str, prevalence: float, lift: float, distinctive: bool, p: float | None):
        return ThemeStat(
            theme_id=theme,
            kind="pain",
            label=theme,
            respondents=20,
            prevalence=prevalence,
            prevalence_rest=prevalence / lift,
            lift=lift,
            statements=20,
            p_adjusted=p,
            distinctive=distinctive,
        )

    tested = [ts("big", 0.6, 3.0, False, 0.2), ts("small", 0.2, 2.0, True, 0.001)]
    assert [t.theme_id for t in rank_claims(tested, "pain")] == ["small", "big"]
    untested = [ts("big", 0.6, 3.0, False, None), ts("small", 0.2, 2.0, False, None)]
    assert [t.theme_id for t in rank_claims(untested, "pain")] == ["big", "small"]


def test_names_can_be_turned_off_or_come_from_your_lists() -> None:
    """names = false gives "Persona N"; a [names] table replaces the packaged lists."""
    st = stats(
        categories={"gender": [Share(value="Man", count=30, share=0.9)]},
        category_known={"gender": 33},
    )
    assert persona_name(seg(), st, set(), False)[0] == "Persona 1"
    lists = NameLists(men=["Bram", "Joost"], neutral=["Kim"])
    assert pick_name(1, st, set(), lists) == "Bram"
    assert pick_name(1, st, {"bram"}, lists) == "Joost"
    assert "your [names] list" in name_basis(st, lists)
    assert pick_name(1, stats(), set(), lists) == "Kim"
    assert "neutral" in name_basis(stats(), lists) and "no gender in the data" in name_basis(
        stats(), lists
    )


def test_names_setting_reads_from_toml_values() -> None:
    """The names key takes true / false or a table of lists; anything else is an error."""
    assert Config(names=False).names is False
    assert Config.model_validate({"names": {"women": ["Ada"]}}).names == NameLists(women=["Ada"])
    assert Config().names is True and Config().brief_format == "md"


def test_a_yes_no_answer_never_names_the_group() -> None:
    """ "(FALSE)" or "(Yes)" says nothing without its question: no flag value in a label."""
    for flag in ("FALSE", "Yes", "1"):
        st = stats(
            categories={"Verified": [Share(value=flag, count=30, share=0.75)]},
            category_known={"Verified": 40},
        )
        claims = {"pain": [claim("pain", "Long hold times", 0.4, 2.0)]}
        label, _ = archetype(st, seg(f"Verified={flag} +1.1"), claims, None, 5)
        assert label == "Customers put off by long hold times"
