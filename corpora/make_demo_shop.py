#!/usr/bin/env python3
"""Generate the synthetic "Ridgeline Outfitters" demo corpus.

    python corpora/make_demo_shop.py

writes ``corpora/demo-shop/`` (survey, reviews, support mail, social comments,
orders) and the planted truth beside it: ``corpora/demo-shop-truth.csv`` (email ->
group) and ``corpora/demo-shop-truth-themes.csv`` (which planted idea each survey
answer and review voices, with the group the idea was planted for). Everything is
made up: names come from generic name lists, email addresses are at
example.com/.org/.net, phone numbers are in the UK Ofcom drama range
(07700 900000-900999) or the US 555-01xx fictional range.

Python standard library only. The output is byte-identical on every run: one
fixed seed, a separate random stream per part, sorted iteration, no clock.
``demo-shop/README.md`` is hand-written and is left alone.
"""

from __future__ import annotations

import csv
import html
import json
import random
import re
import textwrap
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

SEED = 20260314
HERE = Path(__file__).resolve().parent
OUT = HERE / "demo-shop"
TRUTH = HERE / "demo-shop-truth.csv"
TRUTH_THEMES = HERE / "demo-shop-truth-themes.csv"
SHOP = "Ridgeline Outfitters"
SUPPORT_ADDR = "help@ridgeline.example"


def stream(name: str) -> random.Random:
    """An independent, reproducible random stream (str seeds hash with SHA-512)."""
    return random.Random(f"{SEED}:{name}")


def pick(rng: random.Random, weighted: dict[str, float]) -> str:
    keys = list(weighted)
    return rng.choices(keys, weights=[weighted[k] for k in keys])[0]


# --------------------------------------------------------------------------------------
# Groups (planted truth)
# --------------------------------------------------------------------------------------

GROUPS = {
    "budget_families": 126,
    "technical_hikers": 105,
    "urban_style": 105,
    "loyal_comfort": 84,
}
GROUP_LABEL = {
    "budget_families": "Budget families",
    "technical_hikers": "Technical hikers",
    "urban_style": "Urban style shoppers",
    "loyal_comfort": "Loyal comfort seekers",
}
N_CUSTOMERS = sum(GROUPS.values())
N_NO_ORDERS = 22  # customers who never ordered in the export window

AGE = {
    "budget_families": (30, 46),
    "technical_hikers": (24, 42),
    "urban_style": (18, 30),
    "loyal_comfort": (55, 76),
}
GENDER = {
    "budget_families": {"Woman": 55, "Man": 42, "Non-binary": 2, "Prefer not to say": 1},
    "technical_hikers": {"Man": 74, "Woman": 22, "Non-binary": 2, "Prefer not to say": 2},
    "urban_style": {"Woman": 72, "Man": 20, "Non-binary": 6, "Prefer not to say": 2},
    "loyal_comfort": {"Woman": 56, "Man": 42, "Prefer not to say": 2},
}
U20, B20, B35, B50, B75 = (
    "Under £20k",
    "£20k\u2013£35k",
    "£35k\u2013£50k",
    "£50k\u2013£75k",
    "£75k+",
)
PNTS = "Prefer not to say"
INCOME = {
    "budget_families": {B20: 45, B35: 35, U20: 8, B50: 5, PNTS: 7},
    "technical_hikers": {B50: 45, B75: 35, B35: 12, PNTS: 8},
    "urban_style": {U20: 35, B20: 35, B35: 15, B50: 5, PNTS: 10},
    "loyal_comfort": {B35: 40, B20: 30, B50: 12, U20: 8, PNTS: 10},
}
DEVICE = {
    "budget_families": {"Mobile": 80, "Desktop": 12, "Tablet": 8},
    "technical_hikers": {"Desktop": 70, "Mobile": 25, "Tablet": 5},
    "urban_style": {"Mobile": 90, "Desktop": 7, "Tablet": 3},
    "loyal_comfort": {"Desktop": 50, "Tablet": 40, "Mobile": 10},
}
REGIONS = [
    "London",
    "South East",
    "South West",
    "Midlands",
    "North West",
    "North East",
    "Scotland",
    "Wales",
]
REGION = {
    "budget_families": {
        "London": 8,
        "South East": 16,
        "South West": 12,
        "Midlands": 18,
        "North West": 15,
        "North East": 14,
        "Scotland": 9,
        "Wales": 8,
    },
    "technical_hikers": {
        "London": 12,
        "South East": 10,
        "South West": 8,
        "Midlands": 8,
        "North West": 20,
        "North East": 10,
        "Scotland": 20,
        "Wales": 12,
    },
    "urban_style": {
        "London": 45,
        "North West": 35,
        "South East": 5,
        "Midlands": 5,
        "North East": 4,
        "Scotland": 3,
        "South West": 2,
        "Wales": 1,
    },
    "loyal_comfort": {
        "London": 4,
        "South East": 18,
        "South West": 22,
        "Midlands": 16,
        "North West": 10,
        "North East": 10,
        "Scotland": 10,
        "Wales": 10,
    },
}
TOWNS = {
    "London": ["London", "Islington, London", "Croydon", "Walthamstow", "Hackney", "Brixton"],
    "South East": ["Brighton", "Reading", "Guildford", "Oxford", "Canterbury", "Maidstone"],
    "South West": ["Bristol", "Exeter", "Bath", "Plymouth", "Truro", "Taunton"],
    "Midlands": ["Birmingham", "Nottingham", "Leicester", "Derby", "Worcester", "Coventry"],
    "North West": ["Manchester", "Liverpool", "Preston", "Kendal", "Chester", "Lancaster"],
    "North East": ["Leeds", "Newcastle", "York", "Durham", "Sheffield", "Sunderland"],
    "Scotland": ["Edinburgh", "Glasgow", "Aberdeen", "Inverness", "Fort William", "Perth"],
    "Wales": ["Cardiff", "Swansea", "Bangor", "Aberystwyth", "Betws-y-Coed", "Newport"],
}
ACTIVITY_ORDER = [
    "Hiking",
    "Camping",
    "Walking",
    "Running",
    "Climbing",
    "Cycling",
    "Family days out",
    "Festivals",
    "Everyday wear",
    "Travel",
]
ACTIVITIES = {
    "budget_families": {
        "Family days out": 0.9,
        "Camping": 0.6,
        "Walking": 0.5,
        "Everyday wear": 0.3,
        "Cycling": 0.15,
    },
    "technical_hikers": {
        "Hiking": 0.95,
        "Camping": 0.7,
        "Climbing": 0.35,
        "Running": 0.3,
        "Travel": 0.2,
        "Cycling": 0.15,
    },
    "urban_style": {
        "Everyday wear": 0.9,
        "Festivals": 0.5,
        "Travel": 0.45,
        "Walking": 0.25,
        "Running": 0.15,
        "Hiking": 0.1,
    },
    "loyal_comfort": {
        "Walking": 0.95,
        "Everyday wear": 0.4,
        "Travel": 0.2,
        "Hiking": 0.1,
        "Cycling": 0.05,
    },
}
NPS = {
    "budget_families": {5: 20, 6: 25, 7: 30, 8: 20, 4: 3, 9: 2},
    "technical_hikers": {7: 15, 8: 28, 9: 27, 10: 18, 2: 3, 4: 4, 5: 3, 6: 2},
    "urban_style": {3: 8, 4: 8, 5: 12, 6: 14, 7: 18, 8: 20, 9: 15, 10: 3, 2: 2},
    "loyal_comfort": {8: 30, 9: 35, 10: 30, 7: 5},
}
# orders per year, order value (GBP), shipping mix, preferred hours of day
ORDER_RATE = {
    "budget_families": (6, 12),
    "technical_hikers": (2, 4),
    "urban_style": (3, 6),
    "loyal_comfort": (4, 8),
}
ORDER_VALUE = {
    "budget_families": (25, 60),
    "technical_hikers": (150, 450),
    "urban_style": (40, 120),
    "loyal_comfort": (60, 140),
}
SHIPPING = {
    "budget_families": {"Standard": 60, "Click & Collect": 35, "Express": 5},
    "technical_hikers": {"Standard": 55, "Express": 40, "Click & Collect": 5},
    "urban_style": {"Express": 50, "Standard": 40, "Click & Collect": 10},
    "loyal_comfort": {"Standard": 80, "Click & Collect": 15, "Express": 5},
}
HOURS = {
    "budget_families": [6, 7, 12, 13, 20, 20, 21, 21, 21, 22],
    "technical_hikers": [8, 12, 13, 18, 19, 20, 20, 21, 21, 22],
    "urban_style": [8, 12, 17, 19, 21, 22, 22, 23, 23, 0],
    "loyal_comfort": [8, 9, 9, 10, 10, 11, 11, 14, 15, 16],
}

# --------------------------------------------------------------------------------------
# Catalogue
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Product:
    handle: str
    title: str
    noun: str
    price: float
    group: str  # who mostly buys it ("" = everyone)


CATALOGUE = [
    Product("kids-puddle-suit", "Kids' Puddle Suit", "puddle suit", 24.0, "budget_families"),
    Product(
        "kids-campfire-fleece-hoodie",
        "Kids' Campfire Fleece Hoodie",
        "hoodie",
        18.0,
        "budget_families",
    ),
    Product("kids-splash-wellies", "Kids' Splash Wellies", "wellies", 16.0, "budget_families"),
    Product("kids-trail-shoes", "Kids' Trail Shoes", "shoes", 29.0, "budget_families"),
    Product("packable-rain-jacket", "Packable Rain Jacket", "jacket", 35.0, "budget_families"),
    Product(
        "kids-thermal-socks-3-pack", "Kids' Thermal Socks (3 Pack)", "socks", 9.0, "budget_families"
    ),
    Product(
        "waterproof-picnic-blanket", "Waterproof Picnic Blanket", "blanket", 22.0, "budget_families"
    ),
    Product(
        "trailblazer-waterproof-jacket",
        "Trailblazer Waterproof Jacket",
        "jacket",
        220.0,
        "technical_hikers",
    ),
    Product("merino-base-layer", "Merino Base Layer Crew", "base layer", 65.0, "technical_hikers"),
    Product("summit-45l-backpack", "Summit 45L Backpack", "pack", 160.0, "technical_hikers"),
    Product(
        "ultralight-down-jacket", "Ultralight Down Jacket", "down jacket", 240.0, "technical_hikers"
    ),
    Product(
        "alpine-carbon-trekking-poles",
        "Alpine Carbon Trekking Poles",
        "poles",
        95.0,
        "technical_hikers",
    ),
    Product("ridge-gtx-hiking-boots", "Ridge GTX Hiking Boots", "boots", 185.0, "technical_hikers"),
    Product("featherlight-1p-tent", "Featherlight 1P Tent", "tent", 310.0, "technical_hikers"),
    Product("city-parka", "City Parka", "parka", 110.0, "urban_style"),
    Product("recycled-puffer-gilet", "Recycled Puffer Gilet", "gilet", 65.0, "urban_style"),
    Product("oversized-sherpa-fleece", "Oversized Sherpa Fleece", "fleece", 55.0, "urban_style"),
    Product("crossbody-sling-bag", "Crossbody Sling Bag", "bag", 28.0, "urban_style"),
    Product("wide-leg-cargo-trousers", "Wide Leg Cargo Trousers", "trousers", 48.0, "urban_style"),
    Product("cropped-windbreaker", "Cropped Windbreaker", "windbreaker", 45.0, "urban_style"),
    Product("classic-quilted-jacket", "Classic Quilted Jacket", "jacket", 95.0, "loyal_comfort"),
    Product(
        "wool-blend-walking-trousers",
        "Wool Blend Walking Trousers",
        "trousers",
        58.0,
        "loyal_comfort",
    ),
    Product(
        "fleece-lined-walking-shoes", "Fleece Lined Walking Shoes", "shoes", 79.0, "loyal_comfort"
    ),
    Product(
        "heritage-cable-knit-jumper", "Heritage Cable Knit Jumper", "jumper", 68.0, "loyal_comfort"
    ),
    Product("thermal-touch-gloves", "Thermal Touch Gloves", "gloves", 22.0, "loyal_comfort"),
    Product("folding-walking-pole", "Folding Walking Pole", "walking pole", 35.0, "loyal_comfort"),
    Product("wool-hiking-socks", "Wool Hiking Socks", "socks", 14.0, ""),
]
BY_TITLE = {p.title: p for p in CATALOGUE}


def products_for(group: str) -> list[Product]:
    return [p for p in CATALOGUE if p.group == group]


# --------------------------------------------------------------------------------------
# Names and contact details (all fictional)
# --------------------------------------------------------------------------------------

FIRST = {
    ("old", "F"): "Margaret Susan Patricia Linda Christine Janet Carol Pauline Brenda Jean Elaine "
    "Gillian Maureen Sandra Valerie Ann Barbara Judith Angela Hilary Rosemary "
    "Wendy Sheila Lesley Kathleen Yvonne Jennifer Anne Irene Marion",
    ("old", "M"): "David John Michael Peter Robert Alan Brian Keith Graham Roger Colin Malcolm "
    "Trevor Barry Geoffrey Derek Kenneth Raymond Terry Philip Dennis Clive Nigel "
    "Stephen Tony Bernard Ian Gordon",
    ("mid", "F"): "Sarah Emma Claire Rachel Laura Gemma Kate Nicola Helen Lisa Joanne Amy "
    "Hannah Zoe Priya Aisha Vicky Natalie Kirsty Rebecca Jenny Becky Louise "
    "Stacey Donna Leanne Charlotte Fiona Nadia Ruth Katie Jo",
    ("mid", "M"): "James Mark Paul Daniel Chris Matthew Andrew Richard Ben Tom Lee Stuart "
    "Craig Gareth Imran Rob Dan Adam Simon Neil Jamie Martin Owen Rhys Sanjay "
    "Tariq Luke Dave Pete Ross Euan Steve",
    ("young", "F"): "Chloe Olivia Jess Megan Sophie Ellie Lucy Grace Amelia Mia Holly Freya "
    "Leah Zara Aaliyah Maya Niamh Isla Poppy Lily Imogen Tilly Amber Georgia "
    "Millie Sienna Eve Ruby Hollie Yasmin",
    ("young", "M"): "Jack Harry Callum Josh Liam Ryan Kieran Connor Ethan Jordan Alfie Kai "
    "Reece Tyler Finn Oscar Aaron Zain Brandon Lewis",
    ("any", "X"): "Alex Sam Charlie Jordan Robin Frankie Jamie Ash Riley Morgan Jude Rowan",
}
LAST = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Wood",
    "Jackson",
    "Clarke",
    "Patel",
    "Khan",
    "Lewis",
    "James",
    "Phillips",
    "Mason",
    "Mitchell",
    "Rose",
    "Cox",
    "Morgan",
    "Moore",
    "Hughes",
    "Edwards",
    "Hill",
    "Harris",
    "Clark",
    "Ward",
    "Baker",
    "Turner",
    "Cooper",
    "Parker",
    "Campbell",
    "Young",
    "Allen",
    "King",
    "Scott",
    "Martin",
    "Bell",
    "Murphy",
    "Kelly",
    "Ali",
    "Hussain",
    "Begum",
    "Shah",
    "Singh",
    "Chen",
    "Nowak",
    "Okafor",
    "Mensah",
    "Adeyemi",
    "Ahmed",
    "Fraser",
    "Reid",
    "Stewart",
    "Macdonald",
    "Jenkins",
    "Price",
    "Lloyd",
    "Owen",
    "Griffiths",
    "Marsh",
    "Fletcher",
    "Barker",
    "Holmes",
    "Lamb",
    "Pearce",
    "Dixon",
    "Hunt",
    "Palmer",
    "Shaw",
    "Lee",
    "Gray",
    "Knight",
    "Webb",
    "Ellis",
    "Russell",
    "Harvey",
    "Chapman",
    "Grant",
    "Burns",
    "Kerr",
    "Doyle",
    "Lynch",
    "Quinn",
    "Byrne",
    "Wallace",
    "Nash",
    "Doherty",
    "Ferguson",
    "Kaur",
    "Gill",
    "Sharma",
    "Nguyen",
    "Kowalski",
    "Ibrahim",
    "Osei",
    "Brennan",
    "Carter",
    "Bailey",
    "Foster",
    "Howard",
    "Cole",
]

DOMAINS = {"example.com": 60, "example.org": 22, "example.net": 18}


@dataclass
class Person:
    cid: str
    group: str
    first: str
    last: str
    gender: str
    age: int
    region: str
    town: str
    income: str
    device: str
    activities: list[str]
    email: str
    phone: str
    alt_email: str = ""  # Google-account address some use in the survey
    has_orders: bool = True
    cross: str = ""  # another group whose idea this person also voices
    prefs: dict[str, list[str]] = field(default_factory=dict)
    orders: list[dict] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"


def cohort(group: str) -> str:
    return {
        "budget_families": "mid",
        "technical_hikers": "mid",
        "urban_style": "young",
        "loyal_comfort": "old",
    }[group]


def make_email(rng: random.Random, first: str, last: str, taken: set[str]) -> str:
    f, l_ = first.lower(), last.lower().replace("'", "")
    for _ in range(100):
        yy = rng.randint(60, 99) if rng.random() < 0.5 else rng.randint(1, 30)
        pattern = rng.choice(
            [
                f"{f}.{l_}",
                f"{f}{l_}",
                f"{f[0]}.{l_}",
                f"{f}.{l_}{yy}",
                f"{f}_{l_}",
                f"{f}{l_[0]}{yy}",
                f"{l_}.{f}",
                f"{f}{yy}",
                f"{f[0]}{l_}",
                f"{f}.{l_[0]}",
            ]
        )
        addr = f"{pattern}@{pick(rng, DOMAINS)}"
        if addr not in taken:
            taken.add(addr)
            return addr
    raise RuntimeError("email space exhausted")


def uk_mobile(n: int) -> str:
    return f"07700 900{n:03d}"


def make_people() -> list[Person]:
    rng = stream("people")
    groups = [g for g, n in GROUPS.items() for _ in range(n)]
    rng.shuffle(groups)
    taken: set[str] = set()
    used_names: set[tuple[str, str]] = set()
    phone_slots = list(range(1000))
    rng.shuffle(phone_slots)
    us_slots = list(range(100))
    rng.shuffle(us_slots)
    people: list[Person] = []
    for i, g in enumerate(groups):
        gender = pick(rng, GENDER[g])
        lo, hi = AGE[g]
        age = rng.randint(lo, hi)
        key_g = {"Woman": "F", "Man": "M"}.get(gender)
        if key_g is None:  # non-binary / prefer not to say: any name
            pool_key = ("any", "X") if rng.random() < 0.6 else (cohort(g), rng.choice("FM"))
        else:
            pool_key = (cohort(g), key_g)
        while True:
            first = rng.choice(FIRST[pool_key].split())
            last = rng.choice(LAST)
            if (first, last) not in used_names:
                used_names.add((first, last))
                break
        region = pick(rng, REGION[g])
        acts = [a for a in ACTIVITY_ORDER if rng.random() < ACTIVITIES[g].get(a, 0.0)]
        if not acts:
            acts = [max(ACTIVITIES[g], key=ACTIVITIES[g].get)]
        if rng.random() < 0.04:  # a few expats with US numbers, 555-01xx range
            phone = f"(202) 555-01{us_slots.pop():02d}"
        else:
            phone = uk_mobile(phone_slots.pop())
        people.append(
            Person(
                cid=f"C{i + 1:03d}",
                group=g,
                first=first,
                last=last,
                gender=gender,
                age=age,
                region=region,
                town=rng.choice(TOWNS[region]),
                income=pick(rng, INCOME[g]),
                device=pick(rng, DEVICE[g]),
                activities=acts,
                email=make_email(rng, first, last, taken),
                phone=phone,
            )
        )
    # who never ordered in the window (they still answer things)
    for p in rng.sample(people, N_NO_ORDERS):
        p.has_orders = False
    # 5% also voice one idea from another group
    for p in rng.sample(people, round(0.05 * len(people))):
        p.cross = rng.choice([g for g in GROUPS if g != p.group])
    for p in people:
        p.prefs = {}
        for kind, ideas in VOICE[p.group].items():
            keys = list(ideas)
            rng.shuffle(keys)
            p.prefs[kind] = keys
    return people


# --------------------------------------------------------------------------------------
# Voice. Each idea: many natural phrasings; lines starting "~" are terse forms.
# --------------------------------------------------------------------------------------


def bank(text: str) -> dict[str, list[str]]:
    """Parse a phrase bank: one phrasing a line, "~" marks a terse form, "| " continues."""
    long_: list[str] = []
    short: list[str] = []
    last = long_
    for line in text.strip().splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("| "):
            last[-1] += " " + line[2:]
            continue
        last = short if line.startswith("~") else long_
        last.append(line.lstrip("~").strip())
    return {"long": long_, "short": short}


VOICE_TEXT: dict[str, dict[str, dict[str, str]]] = {
    "budget_families": {
        "motivation": {
            "discounts": """
                The sales! I wait for the 20% off codes and stock up then.
                Discount codes in the newsletter, I never buy anything full price.
                Honestly the sales. With three kids I can't pay full price for everything.
                The half term sale is brilliant, got all the school coats in one go.
                You send decent discount codes, not the 5% rubbish other shops do.
                Good deals if you time it right, the end of season sale especially.
                Prices are fair and there's nearly always a code going.
                I like the bundle offers on kids stuff, 3 for 2 on the socks etc.
                The clearance section. Found a kids' fleece for £8 last month.
                A money off code on the kids' birthdays, that's a nice touch.
                Affordable compared to the big outdoor brands, especially in the sale.
                Sale prices that are actually worth waiting for.
                The 15% code when you sign up and then regular offers after.
                Cheaper than the high street for the same sort of thing if you catch a sale
                ~Sales
                ~discount codes
                ~The offers
                ~Deals!
            """,
            "durable_kids": """
                Kids' stuff that actually survives {kids}.
                The puddle suits last long enough to hand down to the next one.
                Kids gear is tough, my daughter's fleece has been through two winters.
                Good quality kids kit that doesn't fall apart after one muddy walk.
                Their wellies are the only ones that have lasted more than a term.
                The youngest is on her third puddle suit from her brothers and it's still fine.
                Sturdy kids clothes, the knees don't go straight away like supermarket ones.
                Stuff for the kids that can take a beating at the park.
                Well made children's waterproofs for the price.
                The kids' coats wash well and still keep them dry.
                Things I can hand down from one child to the next.
                Tough kids clothes that cope with climbing trees and sliding down muddy banks
                ~hard wearing kids clothes
                ~Durable kids gear
                ~stuff that lasts
            """,
            "free_returns": """
                Free returns, which is a lifesaver when you're guessing kids' sizes.
                Being able to send things back for free.
                Returns are free and easy, I just drop it at the post office on the school run.
                No-quibble returns. I order two sizes and send one back.
                The free returns mean I'll take a chance on a size.
                Easy returns, printed the label at home, no hassle.
                Returning stuff doesn't cost me anything, which matters.
                Free returns! Other places charge £3.99 now.
                That I can return stuff for free if it doesn't fit the kids.
                Returns are painless, refund was back in a few days.
                Knowing I can send it back without paying postage
                ~Free returns
                ~easy returns
                ~free returns!!
            """,
        },
        "pain": {
            "shipping_cost": """
                Paying £4.95 delivery on a £12 order is a bit much.
                Shipping costs on small orders. I don't always need £50 worth of stuff.
                The free delivery threshold is too high, I end up adding things I don't need.
                Postage! It's nearly the price of a pair of kids' socks.
                Delivery charges when you only want one thing.
                Having to spend £50 to get free shipping, that's too much for us.
                I get stung on postage every time I just need a replacement hat or gloves.
                Shipping is expensive for small bits, wish there was a cheaper slower option.
                Delivery cost. Would happily wait a week if it was free.
                £4.95 postage on a pair of gloves, come on.
                The postage charges put me off ordering little things.
                Small orders cost a fortune to send, so I wait and bulk buy which isn't ideal
                ~Postage costs
                ~delivery charges
                ~Shipping fees on small orders
                ~postage!!
            """,
            "kids_sizes": """
                Kids' sizes sell out so fast, especially {kidsize}.
                Can never get the right size for my son, it's always the middle sizes that go.
                Everything in {kidsize} is out of stock by the time I look.
                Kids sizes are gone within days of the sale starting.
                Sizes for the little ones run out and don't come back in.
                By the time I get paid the kids' size I need has gone.
                Out of stock in children's sizes, every single time.
                The puddle suit in {kidsize} has been sold out for weeks.
                My daughter is between sizes and you never have either of them.
                Restock the kids' wellies please! Size 11 has been gone forever.
                The popular kids sizes disappear the minute there's a sale on.
                Never any stock in the size {kid} needs
                ~Kids sizes out of stock
                ~sold out sizes
                ~kids sizes selling out
            """,
            "wears_out": """
                Some things wear out too quickly, the knees went on my son's trousers in a month.
                The kids' wellies split after a few weeks.
                The fleece goes bobbly after a couple of washes.
                Stitching came undone on the puddle suit after one season.
                For the price I'd expect the zips to last longer than a term.
                Things don't always last, we had a hoodie go thin at the elbows really fast.
                The socks get holes in them far too quickly.
                The cheaper kids' stuff doesn't hold up to proper use.
                Velcro on the kids shoes stopped sticking after 6 weeks.
                Colours fade quickly in the wash.
                Had a rain jacket where the seams gave up after a few months.
                Some items just aren't as hard wearing as they used to be
                ~things wearing out
                ~Quality on some kids items
                ~stuff falling apart
            """,
        },
        "goal": {
            "kids_outdoors": """
                Get the kids outside more and off their screens.
                Take the kids camping for the first time this summer.
                More weekends out in the woods with the family, whatever the weather.
                Just want the children warm and dry so they actually enjoy walks.
                Doing the 52 walks challenge with {kids}.
                Get through forest school without ruining all their clothes.
                A few family camping trips this year without it costing a fortune.
                Keep {kids} dry at the park so we can stay out longer.
                Make days outdoors the cheap option for the holidays instead of soft play.
                A week camping in Cornwall with the kids, fingers crossed for the weather.
                Get my two to love the outdoors like I did as a kid.
                Beach walks and rock pooling without anyone moaning about being cold.
                Get out every weekend as a family, rain or shine
                ~More family walks
                ~camping with the kids
            """,
            "budget_kit": """
                Kit the whole family out without spending a fortune.
                Get decent waterproofs for all of us for under £100.
                Not having to buy new coats every single winter.
                Spend less on kit that lasts and can be handed down.
                Stay within budget, everything's gone up so much.
                Buy once for the kids and hand it down.
                Make the money go further.
                Get everything the kids need in the sale rather than panic buying in October.
                Find stuff that's cheap enough that I don't cry when it gets wrecked.
                Sort the kids' winter gear before prices go up again
                ~Saving money
                ~sticking to a budget
            """,
        },
    },
    "technical_hikers": {
        "motivation": {
            "build_quality": """
                Build quality. Seams, zips, everything is properly finished.
                The kit is well constructed, taped seams and decent YKK zips.
                Gear that holds up on multi-day trips, my pack has done 800km and still looks new.
                Construction quality is on par with the premium brands for less money.
                Stuff is built to last, not fashion outdoor gear.
                Solid build quality on the packs and poles.
                Robust kit. My trekking poles have survived a fall on Crib Goch.
                Durable, well-made gear that I can trust in bad conditions.
                Attention to detail: pit zips, helmet-compatible hoods, proper cuffs.
                Everything feels over-engineered in a good way.
                Reinforced stress points and bar-tacking where it matters.
                The boots have done two full seasons and the stitching is still perfect
                ~Build quality
                ~well made kit
                ~Quality of construction
            """,
            "technical_fabrics": """
                Good technical fabrics - the merino is genuinely 150gsm and doesn't stink
                | after 4 days.
                The merino base layers are excellent, breathable and warm when damp.
                Proper technical materials, Pertex shell and 800 fill power down.
                Fabric choices are spot on for UK conditions.
                The 3-layer shell breathes better than my old Gore-Tex.
                Lightweight fabrics that still feel durable, the 20D ripstop on the down
                | jacket is great.
                I like that you use recycled nylon without compromising on performance.
                The softshell fabric is stretchy and really breathable on steep ascents.
                A decent DWR that actually beads water.
                Technical fabrics at a fair price.
                The base layer wicks really well and dries overnight in a tent
                ~Technical fabrics
                ~the merino
                ~fabric quality
            """,
            "expert_advice": """
                The expert reviews and gear guides are genuinely useful.
                Your staff actually know their stuff when I ask about layering systems.
                Detailed buying guides, the one on choosing a shell jacket was excellent.
                Honest advice, the chat agent told me not to buy the heavier tent for my trip.
                The long-form reviews from people who've used the kit in the Cairngorms.
                Expert advice on fit, the boot fitting guide saved me a blister or two.
                Gear tests written by people who actually hike.
                I like the field-tested reviews rather than marketing fluff.
                Knowledgeable customer service, they answered a question about hydrostatic
                | head in detail.
                Good advice content, I read the layering guide before my winter skills course.
                The comparison articles helped me pick between two packs
                ~Expert advice
                ~the gear guides
                ~honest reviews
            """,
        },
        "pain": {
            "missing_specs": """
                Missing technical specs. I need the weight in grams and the hydrostatic head,
                | not "lightweight and waterproof".
                Product pages don't list weights. That's the first thing I check.
                No waterproof rating on half the jackets, so I end up buying elsewhere.
                Specs are vague - what denier is the fabric? What's the fill power?
                Please add packed dimensions and actual weights (per size!).
                The listings lack basic info like breathability ratings (RET or g/m2/24h).
                Hard to compare products when the specs aren't there.
                I had to email to find out the weight of the 45L pack. Should be on the page.
                Specs are inconsistent between products, some have weights, some don't.
                Give me a proper spec table. Weight, materials, HH, MVTR.
                The product descriptions are all marketing and no numbers
                ~Lack of specs
                ~no weights listed
                ~Missing specs/weights
            """,
            "jacket_leaking": """
                My Trailblazer jacket started leaking at the shoulders after about 6 months.
                The waterproof jacket wetted out in the first proper storm on the Glyders.
                The shell leaks at the seams under a pack, not good enough at that price.
                Jacket let water in through the hood after a day of rain in Snowdonia.
                The DWR gave up quickly and then the jacket felt clammy and wet inside.
                Waterproof isn't waterproof. Soaked through on the West Highland Way.
                Leaking zips on the waterproof. Had to send it back twice.
                My waterproof started seeping at the cuffs within a season.
                For £220 I expect a jacket that doesn't leak under the hip belt.
                Had water coming in on the shoulders where the pack straps sit.
                Rain jacket failed on day two of a wet week in the Lakes
                ~Leaky jacket
                ~waterproofs that aren't
                ~jacket leaking
            """,
            "slow_restock": """
                Restocks of technical items are slow, the down jacket in M has been out
                | since November.
                Waited two months for the 1P tent to come back in.
                The technical gear sells out and takes forever to restock.
                Slow restock on the base layers, I had to buy another brand before my trip.
                Boots in my size have been "coming soon" for weeks.
                No restock dates - just tell me when it's back so I can plan.
                The good stuff is always out of stock, and the back-in-stock emails never come.
                Restocking of core technical kit is too slow.
                Tried to buy poles before the Alps and they'd been out for 6 weeks.
                Core sizes of the shell jacket sold out all autumn
                ~Slow restocks
                ~stock availability
                ~out of stock technical gear
            """,
        },
        "goal": {
            "thru_hike": """
                Thru-hike the Pennine Way in June.
                Finally do the West Highland Way in one go, wild camping.
                Train for the Cape Wrath Trail in September.
                Complete the GR20 in Corsica.
                A 10-day self-supported hike in Scotland.
                Do the Coast to Coast in 12 days.
                Walk the South West Coast Path in sections, about 200 miles this year.
                A long-distance trail this summer, ideally the Pennine Way.
                Tour du Mont Blanc in August.
                Through-hike Offa's Dyke Path.
                Finish the Cambrian Way before I turn 40
                ~Long distance hike
                ~A thru-hike
            """,
            "summit": """
                Summit Ben Nevis via the CMD arête.
                Tick off another 20 Munros.
                Climb Scafell Pike in winter conditions.
                Do the Welsh 3000s in a day.
                Summit Kilimanjaro in October.
                A winter ascent of Helvellyn via Striding Edge.
                Finish the Wainwrights.
                Get up Mont Blanc du Tacul if the weather plays ball.
                Complete the National Three Peaks.
                Bag my first 4000m peak in the Alps
                ~Munro bagging
                ~Summits
            """,
            "lighter_pack": """
                Get my base weight under 6kg.
                Lighten my pack weight for multi-day trips.
                Go ultralight, swapping out my old heavy kit.
                Shave a kilo off my pack, mainly the shelter and sleep system.
                Cut pack weight so my knees survive the descents.
                Build a lighter setup for fastpacking.
                Replace my 2kg tent with something under 1kg.
                Lighter, more packable layers so I can move faster.
                Get the full kit list under 8kg including water
                ~Lighter pack
                ~Go lighter
                ~cut weight
            """,
        },
    },
    "urban_style": {
        "motivation": {
            "stylish": """
                The designs are actually cute, not just boring hiking stuff.
                Stylish pieces I can wear in the city, not just on a mountain lol.
                Love the colours this season, the sage green parka is everything.
                Your stuff looks good! Gorpcore without looking like I'm off to climb Everest.
                The cropped windbreaker is such a vibe.
                Cool modern cuts, the oversized fleece is my fave thing I own.
                It's outdoor gear that actually looks fashionable.
                Nice aesthetic, clean and minimal.
                Obsessed with the new colourways.
                Good looking jackets that go with everything.
                The fits are so good, I get asked where my parka is from all the time
                ~The style
                ~cute designs
                ~the colours!
                ~Aesthetic
            """,
            "sustainable": """
                That a lot of it is made from recycled materials.
                Sustainability - I like that the puffer is recycled polyester.
                The recycled fabrics and the repair scheme.
                You're more transparent about where stuff is made than most brands.
                Eco-friendly materials, I try not to buy fast fashion.
                Love that the packaging is plastic free.
                Sustainable options that don't look crunchy.
                Recycled and organic fabrics, feels better than buying from the fast fashion sites.
                The take-back scheme for old clothes.
                Knowing my jacket is made from recycled bottles tbh.
                Ethical brand, at least compared to most of what's out there
                ~Sustainability
                ~recycled materials
                ~eco stuff
            """,
            "insta_drops": """
                The Instagram drops! I set an alarm for them.
                Limited drops on insta, it makes it feel a bit special.
                Seeing new collabs on your Instagram first.
                The drops you tease on stories, so fun.
                Following you on insta and getting early access codes.
                The limited edition colour drops, got the lilac fleece before it sold out.
                Your TikTok and insta content is really good, that's how I found you.
                Early access to drops for followers.
                The influencer collabs are fun.
                The hype around each new drop, it's like trainers
                ~The drops
                ~insta drops
                ~collabs
            """,
        },
        "pain": {
            "sizing": """
                Sizing is all over the place, I'm a 10 in one jacket and a 14 in another.
                Inconsistent sizing. Had to return the parka twice.
                The fit guide is useless, the trousers came up huge.
                Sizes are so inconsistent between products, I always order two and send one back.
                Women's sizing runs really small in the fleeces.
                Why is a medium in the gilet completely different to a medium in the windbreaker??
                Sizing! Please add measurements for the actual garment.
                The cropped styles are cut weirdly, sleeves way too long.
                Never know what size to get, so I end up returning loads.
                The size chart doesn't match the clothes at all.
                Every order I have to send something back because of the fit
                ~Sizing
                ~inconsistent sizes
                ~the sizing!!
            """,
            "slow_refunds": """
                Refunds take forever, still waiting on one from {wait} ago.
                Returns are slow to process, my money took nearly a month to come back.
                It takes ages for returns to be processed.
                Waited 19 days for a refund, not ok.
                Slow refunds mean I can't afford to reorder the right size.
                No updates on my return, just silence until the refund randomly appears.
                The refund process is painfully slow.
                You take my money instantly but refunds take weeks?
                Returned a parka {wait} ago and still no refund.
                The returns portal never updates, had to chase twice.
                Waiting so long for refunds when I'm a student is actually stressful
                ~slow refunds
                ~Refunds
                ~returns taking ages
            """,
            "app_crash": """
                The app crashes at checkout, literally every time I use Apple Pay.
                App keeps crashing when I try to pay.
                Checkout on the app freezes and then I don't know if I've been charged.
                Lost my basket twice because the app crashed.
                The app is so buggy, crashed right as the drop went live.
                Promo codes don't work in the app and then it crashes.
                App crashed at payment and I got charged twice.
                Checkout is glitchy on mobile.
                Your app logs me out at checkout every single time.
                The app just spins at the payment page until it gives up
                ~the app
                ~App crashing
                ~checkout bugs
            """,
        },
        "goal": {
            "capsule": """
                Build a capsule wardrobe with fewer, better pieces.
                Buy less but better, working on a capsule wardrobe.
                Put together a small wardrobe that works for the city and the odd weekend hike.
                A capsule wardrobe of pieces that all go together.
                Stop buying fast fashion and invest in some staples.
                Find 3-4 outerwear pieces that go with everything.
                Have a few good jackets that last me years instead of buying new each season.
                A minimalist wardrobe, quality basics.
                Get my wardrobe down to things I actually wear
                ~Capsule wardrobe
                ~buy less, better
            """,
            "city_weekends": """
                Look good on city weekends, brunch, markets, that kind of thing.
                Stay warm but cute at festivals this summer.
                Outfits for a weekend in Copenhagen that actually cope with rain.
                Look put together on weekends out, even when it's raining.
                Be comfy and stylish for city breaks.
                Not freeze on nights out without wearing a boring coat.
                Have something nice for weekend walks along the canal with friends.
                Dress for Manchester weather without looking like a hiker lol.
                Cute fits for gigs and festivals.
                Survive Glastonbury looking decent
                ~City weekends
                ~festival fits
                ~looking good lol
            """,
        },
    },
    "loyal_comfort": {
        "motivation": {
            "comfort_warmth": """
                Comfort. The fleece lined shoes are the most comfortable I have ever owned.
                Your clothes are warm and comfortable, which is what matters at my age.
                Warmth without weight. The quilted jacket keeps me cosy all winter.
                I find the trousers very comfortable, with a proper elasticated waist.
                Everything is soft and warm, and nothing scratches.
                The jumpers are lovely and warm.
                Comfortable walking shoes that don't need breaking in.
                Good, warm clothing for the winter months.
                The gloves are the warmest I've found, and I feel the cold terribly.
                A comfortable fit, not cut too slim like so many places nowadays.
                Clothes that are warm enough for standing about on a cold touchline with
                | the grandchildren
                ~Comfort
                ~Warmth and comfort
                ~Very comfortable clothes
            """,
            "friendly_service": """
                Friendly customer service. The lady on the phone was so patient with me.
                The staff are always polite and helpful when I ring up.
                Excellent customer service, they sorted out my exchange without any fuss.
                You treat your customers well, which is rare these days.
                The personal touch, there was a handwritten note in my parcel once.
                Helpful people on the telephone who explain things clearly.
                Courteous service, they rang me back as promised.
                They remember me when I call, which is nice.
                Good old fashioned service.
                Always a friendly voice on the end of the phone
                ~Friendly staff
                ~The customer service
                ~Service
            """,
            "reliable_quality": """
                Reliable quality. I have been buying from you for over ten years.
                Consistent quality year after year, I know what I am getting.
                My quilted jacket is eight years old and still going strong.
                I have always been happy with the quality, that's why I keep coming back.
                Things last. My husband's walking trousers have done years of wear.
                Dependable, well made clothing.
                You have never let me down in all the years I have shopped with you.
                The quality has stayed the same while other shops have gone downhill.
                I trust the brand, I've been a customer since the catalogue days.
                Well made clothes that wash well and keep their shape.
                Buying the same trousers every few years and they are always just as good
                ~Reliable quality
                ~Quality
                ~Consistency
            """,
        },
        "pain": {
            "website_hard": """
                The website is hard to read, the writing is very small and grey.
                I find the website confusing to navigate.
                Too much going on on the website, I cannot find the menu.
                The text on your website is too small for my eyes.
                Hard to find things on the website, my granddaughter has to help me.
                The website keeps changing and I get lost.
                Pop-ups cover the page and I do not know how to close them.
                I struggle with the website, it was easier when there was a catalogue.
                The light grey text on white is very hard to read.
                Navigation is confusing, too many categories.
                Logging in is a nightmare, it keeps asking me for codes
                ~The website
                ~Website difficult to use
                ~hard to read website
            """,
            "phone_waits": """
                Long waits on the phone, I was on hold for {hold} last time.
                It takes too long to get through on the telephone.
                Waiting on hold with the music for ages.
                The phone line is always busy in the mornings.
                I prefer to ring but the wait times are getting longer.
                Held in a queue for over half an hour before giving up.
                Telephone waiting times are far too long.
                It is hard to speak to a real person nowadays.
                The automated phone menu goes round in circles.
                Nobody answers the phone after 4 o'clock
                ~Phone waits
                ~Waiting on the phone
                ~hold times
            """,
            "small_print": """
                The print on the labels is too small to read the washing instructions.
                Care labels are tiny, I need a magnifying glass.
                Small print on the size labels, I can't tell if it's a 14 or 16.
                The writing on the labels is very faint and small.
                Could you make the size labels bigger please.
                Tiny print on the swing tags and the packing slip.
                I can't read the washing labels without my glasses.
                The small print on the returns form is hard to read.
                Labels printed in pale grey on black that nobody over 60 can read
                ~Small print
                ~tiny labels
            """,
        },
        "goal": {
            "active_daily": """
                Keep active, I walk every day with the dog.
                Stay mobile and keep up my daily walks.
                My doctor says walk more, so I aim for 10,000 steps.
                Keep walking with my rambling group every Wednesday.
                Stay fit and healthy in retirement.
                Keep going on my morning walks, rain or shine.
                Walk a little further each week.
                Keep up with the grandchildren on days out.
                Walk the coast path near us a bit at a time.
                Keep my knees going for as long as possible
                ~Staying active
                ~Daily walks
            """,
            "warm_winter": """
                Keep warm on my winter walks.
                Stay warm and dry through the winter.
                Not feel the cold so much when I'm out in January.
                Keep warm at the football on Saturdays and on walks.
                Get a warmer coat for the winter mornings.
                Be comfortable out walking whatever the weather.
                Warm hands and feet, that's all I ask.
                Stay cosy on frosty walks with my husband.
                Have something warm enough for the Christmas market trip
                ~Keeping warm
                ~Warmth in winter
            """,
        },
    },
}
VOICE = {
    g: {k: {i: bank(t) for i, t in ideas.items()} for k, ideas in kinds.items()}
    for g, kinds in VOICE_TEXT.items()
}

MIXED = {
    "budget_families": [
        "Love the puddle suits but the kids' sizes are always sold out.",
        "Great prices in the sale, shame about the postage on small orders.",
        "the fleece is lovely and soft but it went bobbly after a few washes",
        "Good value, but some stuff doesn't last as long as I'd like.",
        "Free returns are great, but I wouldn't need them if the sizes were in stock lol",
        "Kids wellies are cute but split at the ankle by Christmas.",
        "Decent quality for the money, although delivery costs add up.",
        "Really like the discount codes but they never seem to work on kids' stuff.",
        "Love the fabric but it shrinks in the wash.",
    ],
    "technical_hikers": [
        "Love the merino but it's impossible to find the weight on the product page.",
        "Great build quality overall, but my shell leaked at the shoulders.",
        "The pack is superb. Shame it took 2 months to restock.",
        "Good fabrics, poor spec information.",
        "Boots are excellent, the waterproof less so.",
        "The down jacket is brilliant when you can actually get one in stock.",
        "Quality is up there with the big names, the specs on the website are not.",
        "Expert guides are great, shame the product pages don't have half the numbers.",
    ],
    "urban_style": [
        "love the designs but the sizing makes no sense",
        "Obsessed with the parka but returning stuff takes forever",
        "cute stuff, terrible app 😭",
        "Love that it's recycled but the fleece shrank in the wash",
        "The drops are fun but the app crashed every time I tried to check out",
        "great colours, sizing all over the place",
        "Really like the brand but the refunds are so slow.",
        "love the fabric but it shrinks in the wash",
    ],
    "loyal_comfort": [
        "The clothes are lovely and warm but I find the website very difficult.",
        "Always good quality, although the phone wait is getting longer.",
        "Very comfortable shoes, but the size labels are too small to read.",
        "Excellent service when you get through, but it takes a long time to get through.",
        "Lovely warm jumper but it shrank a little in the wash.",
        "I have always liked your clothes, but the new website is confusing.",
        "Good quality, but the print on the labels is so small.",
    ],
}

SLOTS = {
    "kids": [
        "the kids",
        "my two",
        "my three",
        "my boys",
        "my girls",
        "the little ones",
        "our two",
        "the children",
    ],
    "kid": [
        "my son",
        "my daughter",
        "my youngest",
        "my eldest",
        "my little boy",
        "my little girl",
        "our middle one",
    ],
    "kidsize": ["age 3-4", "age 5-6", "age 7-8", "age 9-10", "4-5 years", "6-7", "age 11-12"],
    "wait": ["three weeks", "a month", "nearly a month", "over two weeks", "18 days", "ten days"],
    "hold": ["forty minutes", "half an hour", "45 minutes", "over an hour", "twenty-five minutes"],
}

BOILERPLATE = [
    "n/a",
    "N/A",
    "nothing",
    "Nothing",
    "no comment",
    "-",
    "none",
    ".",
    "na",
    "Not sure",
    "idk",
    "No",
    "?",
    "nothing to add",
]
NOTHING_PAIN = {
    "budget_families": ["Nothing really", "can't think of anything", "Not much tbh"],
    "technical_hikers": ["Nothing major.", "Not much, generally happy."],
    "urban_style": ["nothing rly", "hmm not much"],
    "loyal_comfort": [
        "Nothing, I am always very happy.",
        "Nothing at all, keep it up.",
        "I have no complaints.",
        "Nothing really, you are very good.",
        "Can't think of anything, always a pleasure.",
    ],
}
OFF_TOPIC = [
    "Also your delivery driver is lovely.",
    "PS the dog loves the boxes your parcels come in 😂",
    "The weather's been awful this year.",
    "Keep up the good work.",
    "This survey is a bit long btw.",
    "Bring back the orange colour!",
    "Any chance of a shop in Bristol?",
    "Please stop sending so many emails.",
    "hi to whoever reads these",
    "My neighbour recommended you.",
    "Sorry this is so long!",
    "Do I get a discount for doing this survey?",
    "Also the cardboard boxes are great for the recycling.",
    "By the way the link in your last email didn't work.",
]
LOYAL_EXTRA = [
    "I have been a customer for many years.",
    "I am {age} and still walking most days.",
    "My wife and I both shop with you.",
    "I used to order from the catalogue.",
    "I don't really use the internet much.",
    "Thank you for asking.",
]

GOAL_VERBS = {
    "get",
    "take",
    "keep",
    "do",
    "doing",
    "finally",
    "complete",
    "summit",
    "climb",
    "tick",
    "build",
    "put",
    "stop",
    "find",
    "have",
    "look",
    "stay",
    "be",
    "walk",
    "lighten",
    "shave",
    "cut",
    "replace",
    "go",
    "make",
    "spend",
    "buy",
    "kit",
    "thru-hike",
    "through-hike",
    "finish",
    "bag",
    "sort",
    "survive",
    "dress",
    "train",
}
GOAL_PREFIX = [
    "Hoping to ",
    "I want to ",
    "I'd like to ",
    "Trying to ",
    "Aiming to ",
    "Mainly to ",
    "Would love to ",
    "Want to ",
    "To ",
    "Really want to ",
]
MOTIVATION_PREFIX = [
    "Honestly, ",
    "For me, ",
    "I think ",
    "Hmm, ",
    "Well, ",
    "Easy - ",
    "Ooh, ",
    "tbh ",
]
PAIN_PREFIX = [
    "Mainly ",
    "Biggest thing is ",
    "Only thing is ",
    "If I'm honest, ",
    "Not a lot but ",
    "Generally happy, but ",
    "To be honest ",
    "One thing: ",
    "Where to start... ",
]
PROPER = {
    "I",
    "I'm",
    "I've",
    "I'd",
    "I'll",
    "Ben",
    "Scafell",
    "Kilimanjaro",
    "Mont",
    "Tour",
    "Ridgeline",
    "Trailblazer",
    "Instagram",
    "TikTok",
    "Pennine",
    "West",
    "Cape",
    "GR20",
    "Welsh",
    "Coast",
    "South",
    "Offa's",
    "Helvellyn",
    "National",
    "Copenhagen",
    "Manchester",
    "Glastonbury",
    "Munro",
    "Munros",
    "Cambrian",
    "Apple",
    "Royal",
    "YKK",
    "HH",
    "Pertex",
    "Gore-Tex",
    "DWR",
    "Ridge",
    "Summit",
    "City",
    "Ultralight",
    "Featherlight",
    "Alpine",
    "Velcro",
    "Kids'",
}

STYLE = {
    "budget_families": dict(
        lower=0.15,
        typo=0.10,
        emoji=0.07,
        exclaim=0.10,
        nostop=0.30,
        dblspace=0.0,
        terse=0.2,
        emojis=["👍", "😊", "🙏", "😂"],
        sad=["😩", "🙈", "🙄", "😤"],
    ),
    "technical_hikers": dict(
        lower=0.05,
        typo=0.05,
        emoji=0.02,
        exclaim=0.04,
        nostop=0.15,
        dblspace=0.0,
        terse=0.12,
        emojis=["👍", "⛰️", "🏔️"],
        sad=["👎", "🙄"],
    ),
    "urban_style": dict(
        lower=0.35,
        typo=0.10,
        emoji=0.25,
        exclaim=0.14,
        nostop=0.45,
        dblspace=0.0,
        terse=0.25,
        emojis=["😍", "✨", "💚", "🙏", "💜", "🔥", "🥰"],
        sad=["😭", "🙃", "😤", "💀", "🫠"],
    ),
    "loyal_comfort": dict(
        lower=0.02,
        typo=0.04,
        emoji=0.01,
        exclaim=0.05,
        nostop=0.05,
        dblspace=0.25,
        terse=0.08,
        emojis=["🙂"],
        sad=["🙁"],
    ),
}
NEG_CUES = (
    "n't",
    "not ",
    "never",
    "sold out",
    "crash",
    "leak",
    "slow",
    "wait",
    "broke",
    "split",
    "too small",
    "came up small",
    "refund",
    "postage",
    "worn",
    "wears out",
    "hard to",
    "out of stock",
    "confus",
    "forever",
    "ages",
    "bobbl",
    "shrank",
    "shrinks",
    "fell apart",
    "disappoint",
    "missing",
    "lack",
    "expensive",
    "charge",
    "faulty",
    "wrong",
    "useless",
    "vague",
    "nightmare",
    "struggle",
    "tiny",
    "fade",
    "failed",
    "soaked",
    "wetted",
    "buggy",
    "glitch",
    "stung",
    "huge",
    "weird",
    "seep",
    "peel",
    "nothing like",
    "pricey",
    "?",
)


def sad(text: str) -> bool:
    t = text.lower()
    return any(c in t for c in NEG_CUES)


N_IDEAS = {  # weights for 1, 2, 3 ideas in one answer
    "budget_families": [55, 35, 10],
    "technical_hikers": [50, 38, 12],
    "urban_style": [68, 27, 5],
    "loyal_comfort": [45, 40, 15],
}

MISSPELL = {
    "definitely": "definately",
    "receive": "recieve",
    "received": "recieved",
    "separate": "seperate",
    "because": "becuase",
    "their": "thier",
    "really": "realy",
    "weird": "wierd",
    "until": "untill",
    "jacket": "jakcet",
    "waterproof": "waterpoof",
    "which": "wich",
    "comfortable": "comfortible",
    "quality": "qaulity",
    "though": "tho",
    "it's": "its",
    "you're": "your",
    "too": "to",
    "sizes": "sizez",
    "always": "allways",
    "there": "their",
    "weeks": "weaks",
    "brilliant": "brillant",
    "expensive": "expensve",
}


def fill(rng: random.Random, s: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: rng.choice(SLOTS[m.group(1)]), s)


def decap(s: str) -> str:
    """Lower-case the first letter unless it starts a name or "I"."""
    if not s:
        return s
    first = s.split(" ", 1)[0]
    if first in PROPER or first.rstrip(",.!?:") in PROPER:
        return s
    core = first.strip("\"'(")
    if len(core) > 1 and core[1:].lower() != core[1:]:
        return s  # acronym or CamelCase
    return s[0].lower() + s[1:]


def ends(s: str) -> bool:
    return s.rstrip()[-1:] in ".!?)" if s.strip() else True


def stop(s: str) -> str:
    s = s.rstrip()
    return s if ends(s) else s + "."


def unstop(s: str) -> str:
    s = s.rstrip()
    while s and s[-1] == ".":
        s = s[:-1]
    return s


def join_parts(rng: random.Random, parts: list[str]) -> str:
    out = parts[0]
    for p in parts[1:]:
        r = rng.random()
        if r < 0.55 or out.rstrip()[-1:] in "!?":
            out = stop(out) + " " + p
        elif r < 0.68:
            out = unstop(out) + " and " + decap(p)
        elif r < 0.78:
            out = unstop(out) + ", also " + decap(p)
        elif r < 0.88:
            out = unstop(out) + " - " + decap(p)
        elif r < 0.94:
            out = stop(out) + " Also " + decap(p)
        else:
            out = stop(out) + "\n" + p  # typed on two lines
    return out


def typo(rng: random.Random, s: str) -> str:
    words = list(re.finditer(r"[A-Za-z']+", s))
    known = [m for m in words if m.group(0).lower() in MISSPELL]
    if known and rng.random() < 0.6:
        m = rng.choice(known)
        rep = MISSPELL[m.group(0).lower()]
        if m.group(0)[0].isupper():
            rep = rep[0].upper() + rep[1:]
        return s[: m.start()] + rep + s[m.end() :]
    long_words = [m for m in words if len(m.group(0)) >= 5]
    if not long_words:
        return s
    m = rng.choice(long_words)
    w = m.group(0)
    i = rng.randint(1, len(w) - 2)
    kind = rng.random()
    if kind < 0.5:
        w2 = w[:i] + w[i + 1] + w[i] + w[i + 2 :]  # swap
    elif kind < 0.8:
        w2 = w[:i] + w[i + 1 :]  # drop
    else:
        w2 = w[:i] + w[i] + w[i:]  # double
    return s[: m.start()] + w2 + s[m.end() :]


def style(
    rng: random.Random, group: str, s: str, *, allow_lower: bool = True, mood: str = ""
) -> str:
    st = STYLE[group]
    if not s:
        return s
    if rng.random() < st["typo"]:
        s = typo(rng, s)
    if rng.random() < st["exclaim"]:
        s = unstop(s) + rng.choice(["!", "!", "!!", "!!!"])
    elif rng.random() < st["nostop"]:
        s = unstop(s)
    if rng.random() < st["emoji"]:
        neg = mood == "neg" or (not mood and sad(s))
        s = s + " " + rng.choice(st["sad"] if neg else st["emojis"])
    if allow_lower and rng.random() < st["lower"]:
        s = s.lower()
    if st["dblspace"] and rng.random() < st["dblspace"]:
        s = s.replace(". ", ".  ")
    return s


# Every idea rendered since the last take_voiced(): (group, kind, idea, wording). Only
# read by the truth writer; it draws nothing from the random streams, so recording
# leaves the corpus byte-identical.
_VOICED: list[tuple[str, str, str, str]] = []


def take_voiced() -> list[tuple[str, str, str, str]]:
    out = list(_VOICED)
    _VOICED.clear()
    return out


def render_idea(rng: random.Random, group: str, kind: str, key: str, *, terse: float) -> str:
    b = VOICE[group][kind][key]
    if b["short"] and rng.random() < terse:
        text = rng.choice(b["short"])
    else:
        text = fill(rng, rng.choice(b["long"]))
    _VOICED.append((group, kind, key, text))
    return text


def choose_keys(rng: random.Random, p: Person, kind: str, n: int) -> list[str]:
    keys = p.prefs[kind]
    weights = [0.6, 0.3, 0.1, 0.05][: len(keys)]
    chosen: list[str] = []
    while len(chosen) < min(n, len(keys)):
        k = rng.choices(keys, weights=weights)[0]
        if k not in chosen:
            chosen.append(k)
    return chosen


def idea_key(rng: random.Random, p: Person, kind: str) -> str:
    return choose_keys(rng, p, kind, 1)[0]


def spouse(text: str, p: Person) -> str:
    """Make partner mentions fit the speaker ("my husband" from a man -> "my wife")."""
    word = {"Woman": "husband", "Man": "wife"}.get(p.gender, "partner")
    text = re.sub(r"\b(husband|wife)\b", word, text)
    return re.sub(r"\b(Husband|Wife)\b", word.capitalize(), text)


def compose(
    rng: random.Random, p: Person, kind: str, *, cross: bool = False, terse: float | None = None
) -> str:
    """One open answer: 1-3 ideas of `kind` in this person's voice."""
    g = p.group
    terse = STYLE[g]["terse"] if terse is None else terse
    n = rng.choices([1, 2, 3], weights=N_IDEAS[g])[0]
    parts = [
        render_idea(rng, g, kind, k, terse=terse if n == 1 else terse / 3)
        for k in choose_keys(rng, p, kind, n)
    ]
    if cross and p.cross:
        other = rng.choice(list(VOICE[p.cross][kind]))
        parts.insert(rng.randint(0, len(parts)), render_idea(rng, p.cross, kind, other, terse=0))
    if kind == "goal" and rng.random() < 0.45:
        first = parts[0]
        if first.split(" ", 1)[0].lower() in GOAL_VERBS:
            parts[0] = rng.choice(GOAL_PREFIX) + decap(first)
    elif kind == "motivation" and rng.random() < 0.15:
        parts[0] = rng.choice(MOTIVATION_PREFIX) + decap(parts[0])
    elif kind == "pain" and rng.random() < 0.18:
        parts[0] = rng.choice(PAIN_PREFIX) + decap(parts[0])
    text = join_parts(rng, parts)
    if g == "loyal_comfort" and rng.random() < 0.12:
        text = stop(text) + " " + rng.choice(LOYAL_EXTRA).format(age=p.age)
    if rng.random() < 0.05:
        text = stop(text) + " " + rng.choice(OFF_TOPIC)
    return style(rng, g, spouse(text, p), mood="neg" if kind == "pain" else "pos")


# --------------------------------------------------------------------------------------
# Time helpers (UK local time; no wall clock anywhere)
# --------------------------------------------------------------------------------------


def last_sunday(year: int, month: int) -> date:
    d = date(year, month, 31)
    return d - timedelta(days=(d.weekday() + 1) % 7)


def is_bst(dt: datetime) -> bool:
    start = datetime.combine(last_sunday(dt.year, 3), datetime.min.time()) + timedelta(hours=1)
    end = datetime.combine(last_sunday(dt.year, 10), datetime.min.time()) + timedelta(hours=1)
    return start <= dt < end


def uk_tz(dt: datetime) -> timezone:
    return timezone(timedelta(hours=1 if is_bst(dt) else 0))


def at_hour(rng: random.Random, day: datetime, group: str) -> datetime:
    h = rng.choice(HOURS[group])
    return day.replace(hour=h, minute=rng.randint(0, 59), second=rng.randint(0, 59))


NOISE: list[str] = []  # human-readable list of planted noise, printed at the end


def note(msg: str) -> None:
    NOISE.append(msg)


# --------------------------------------------------------------------------------------
# orders.csv
# --------------------------------------------------------------------------------------

ORDER_START = datetime(2025, 1, 1)
ORDER_END = datetime(2026, 4, 15)


def price_total(rng: random.Random, lo: float, hi: float) -> float:
    v = rng.triangular(lo, hi, lo + (hi - lo) * 0.35)
    return int(v) + rng.choice([0, 0, 50, 90, 95, 99, 45, 49]) / 100


def order_product(rng: random.Random, group: str, total: float) -> Product:
    r = rng.random()
    if r < 0.07:
        return BY_TITLE["Wool Hiking Socks"]
    if r < 0.18:
        pool = [p for p in CATALOGUE if p.group not in (group, "") and p.price <= total]
    else:
        pool = [p for p in products_for(group) if p.price <= total]
    return rng.choice(pool or products_for(group))


def make_orders(people: list[Person]) -> list[dict]:
    rng = stream("orders")
    span = (ORDER_END - ORDER_START).days
    raw: list[dict] = []
    for p in people:
        if not p.has_orders:
            continue
        g = p.group
        rate = rng.uniform(*ORDER_RATE[g]) / 365.0
        if g == "loyal_comfort":  # long-standing: active across the whole window
            t, stop_at = rng.uniform(0, 30), span
            first_at_start = False
        else:
            t = rng.uniform(0, 0.9) * span
            stop_at = min(span, t + rng.uniform(90, 360))
            first_at_start = True
        days: list[float] = [t] if first_at_start else []
        while True:
            t += rng.expovariate(rate)
            if t >= stop_at:
                break
            days.append(t)
        if not days:
            days = [rng.uniform(0, span)]
        for d in days:
            day = ORDER_START + timedelta(days=int(d))
            total = price_total(rng, *ORDER_VALUE[g])
            raw.append(
                {
                    "person": p,
                    "dt": at_hour(rng, day, g),
                    "total": total,
                    "product": order_product(rng, g, total),
                    "ship": pick(rng, SHIPPING[g]),
                    "refund": False,
                }
            )
    # a few refunds as their own negative rows
    for o in rng.sample(
        [o for o in raw if o["person"].group in ("budget_families", "urban_style")], 3
    ):
        raw.append(
            {
                **o,
                "dt": o["dt"] + timedelta(days=rng.randint(10, 25), hours=2),
                "total": -o["total"],
                "ship": "Standard",
                "refund": True,
            }
        )
    raw = [o for o in raw if o["dt"] < ORDER_END]
    raw.sort(key=lambda o: (o["dt"], o["person"].email))
    for i, o in enumerate(raw):
        o["name"] = f"#RL-{10001 + i}"
        o["email"] = o["person"].email
        o["total_s"] = f"{o['total']:.2f}"
        if not o["refund"]:
            o["person"].orders.append(o)
    # noise
    idx = sorted(rng.sample(range(50, len(raw) - 50), 4))
    for i in idx[:2]:
        raw[i]["total_s"] = "N/A"
        note(f"orders.csv line {i + 2} ({raw[i]['name']}): Total is 'N/A'")
    for i in idx[2:]:
        raw[i]["email"] = ""
        note(
            f"orders.csv line {i + 2} ({raw[i]['name']}): Email blank "
            f"(really {raw[i]['person'].email})"
        )
    for i, o in enumerate(raw):
        if o["refund"]:
            note(f"orders.csv line {i + 2} ({o['name']}): refund row, Total {o['total_s']}")
    with (OUT / "orders.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(
            ["Name", "Email", "Created at", "Total", "Currency", "Shipping Method", "Lineitem name"]
        )
        for o in raw:
            dt = o["dt"]
            off = "+0100" if is_bst(dt) else "+0000"
            w.writerow(
                [
                    o["name"],
                    o["email"],
                    f"{dt:%Y-%m-%d %H:%M:%S} {off}",
                    o["total_s"],
                    "GBP",
                    o["ship"],
                    o["product"].title,
                ]
            )
    return raw


# --------------------------------------------------------------------------------------
# survey.csv (Google Forms export)
# --------------------------------------------------------------------------------------

SURVEY_COLS = [
    "Timestamp",
    "Email Address",
    "How old are you?",
    "What is your gender?",
    "Which region do you live in?",
    "What is your household income?",
    "Which device do you mostly shop on?",
    "Which activities do you shop for?",
    "What do you like most about shopping with Ridgeline?",
    "What frustrates you most when shopping with us?",
    "What are you hoping to achieve with your outdoor gear this year?",
    "How likely are you to recommend Ridgeline to a friend or colleague? (0-10)",
]
SURVEY_LAUNCH = datetime(2026, 2, 9)
SURVEY_REMINDER = datetime(2026, 3, 9)
SURVEY_CLOSE = datetime(2026, 4, 24)
N_SURVEY = 258  # distinct respondents (+1 duplicate submission, +1 empty row)
ALT_EMAIL_SHARE = 0.36


def gforms_ts(dt: datetime) -> str:
    h = dt.hour % 12 or 12
    ampm = "AM" if dt.hour < 12 else "PM"
    tz = "GMT+1" if is_bst(dt) else "GMT"
    return f"{dt:%Y/%m/%d} {h}:{dt:%M:%S} {ampm} {tz}"


def weighted_sample(rng: random.Random, items: list, weights: list[float], k: int) -> list:
    keyed = sorted(((rng.random() ** (1.0 / w), i) for i, w in enumerate(weights)), reverse=True)
    return [items[i] for _, i in keyed[:k]]


def survey_answer(rng: random.Random, p: Person, kind: str, cross: bool) -> str:
    r = rng.random()
    if r < 0.035:
        return ""
    if r < 0.085:
        return rng.choice(BOILERPLATE)
    if kind == "pain" and rng.random() < (0.18 if p.group == "loyal_comfort" else 0.04):
        return rng.choice(NOTHING_PAIN[p.group])
    if kind == "motivation" and rng.random() < 0.12:
        text = rng.choice(MIXED[p.group])
        if rng.random() < 0.4:
            text = (
                stop(text)
                + " "
                + render_idea(rng, p.group, "motivation", idea_key(rng, p, "motivation"), terse=0)
            )
        return style(rng, p.group, spouse(text, p), mood="neg")
    return compose(rng, p, kind, cross=cross)


def make_survey(people: list[Person]) -> list[dict]:
    rng = stream("survey")
    taken = {p.email for p in people}
    never = [p for p in people if not p.has_orders]
    buyers = [p for p in people if p.has_orders]
    propensity = {
        "budget_families": 0.6,
        "technical_hikers": 0.6,
        "urban_style": 0.5,
        "loyal_comfort": 0.85,
    }
    chosen = rng.sample(never, 18)
    chosen += weighted_sample(
        rng, buyers, [propensity[p.group] for p in buyers], N_SURVEY - len(chosen)
    )
    rows: list[dict] = []
    for p in chosen:
        if p.has_orders and rng.random() < ALT_EMAIL_SHARE:
            p.alt_email = make_email(rng, p.first, p.last, taken)
        w = rng.random()
        if w < 0.5:
            day = SURVEY_LAUNCH + timedelta(days=min(rng.expovariate(1 / 3), 25))
        elif w < 0.8:
            day = SURVEY_REMINDER + timedelta(days=min(rng.expovariate(1 / 2.5), 20))
        else:
            day = SURVEY_LAUNCH + timedelta(days=rng.uniform(0, 70))
        ts = at_hour(rng, day.replace(hour=0, minute=0, second=0), p.group)
        cross_kind = rng.choice(["motivation", "pain", "goal"]) if p.cross else ""
        take_voiced()
        answers, voiced = {}, {}
        for col, kind in zip(SURVEY_COLS[8:11], ("motivation", "pain", "goal"), strict=True):
            answers[col] = survey_answer(rng, p, kind, cross_kind == kind)
            voiced[col] = take_voiced() if answers[col] else []
        rows.append(
            {
                "person": p,
                "dt": ts,
                "Email Address": p.alt_email or p.email,
                "How old are you?": str(p.age),
                "What is your gender?": p.gender,
                "Which region do you live in?": p.region,
                "What is your household income?": p.income,
                "Which device do you mostly shop on?": p.device,
                "Which activities do you shop for?": ", ".join(p.activities),
                **answers,
                SURVEY_COLS[11]: str(pick(rng, {str(k): v for k, v in NPS[p.group].items()})),
                "voiced": voiced,
            }
        )
    rows = [r for r in rows if r["dt"] < SURVEY_CLOSE]
    # ---- planted noise (distinct respondents) ----
    pool = list(range(len(rows)))
    rng.shuffle(pool)

    def take(cond=lambda r: True) -> dict:
        for j, i in enumerate(pool):
            if cond(rows[i]):
                pool.pop(j)
                return rows[i]
        raise RuntimeError("no row for noise")

    def linked(r: dict) -> bool:
        return r["person"].has_orders and not r["person"].alt_email

    marks: list[tuple[dict, str]] = []
    for text, cond in [
        ("forty", lambda r: 36 <= r["person"].age <= 44),
        ("35-40", lambda r: 35 <= r["person"].age <= 40),
        ("sixty eight", lambda r: r["person"].age == 68),
    ]:
        r = take(cond)
        r["How old are you?"] = text
        marks.append((r, f"age written as text {text!r}"))
    for bad in ("0", "130"):
        r = take()
        r["How old are you?"] = bad
        marks.append((r, f"impossible age {bad}"))
    r = take()
    r[SURVEY_COLS[11]] = "11"
    marks.append((r, "NPS '11' (out of range)"))
    for _ in range(2):
        r = take()
        r[SURVEY_COLS[11]] = ""
        marks.append((r, "NPS blank"))
    for _ in range(3):
        r = take()
        marks.append((r, f"Email Address blank (really {r['Email Address']})"))
        r["Email Address"] = ""
    for _ in range(3):
        r = take(linked)
        local, dom = r["Email Address"].split("@")
        local = ".".join(s[:1].upper() + s[1:] for s in local.split("."))
        r["Email Address"] = f" {local}@{dom[:1].upper()}{dom[1:]} "
        marks.append((r, f"email case/whitespace differs from orders: {r['Email Address']!r}"))
    r = take(lambda r: r["person"].group == "technical_hikers")
    r[SURVEY_COLS[9]] = (
        'The "waterproof" jacket, sadly, isn\'t. Leaked on day two of the WHW, '
        'and the "lifetime guarantee" page is, frankly, useless.'
    )
    r["voiced"][SURVEY_COLS[9]] = [
        ("technical_hikers", "pain", "jacket_leaking", r[SURVEY_COLS[9]])
    ]
    marks.append((r, "frustration answer contains commas and double quotes"))
    r = take(lambda r: r["person"].phone.startswith("07700") and len(r[SURVEY_COLS[9]]) > 30)
    r[SURVEY_COLS[9]] = (
        stop(r[SURVEY_COLS[9]]) + f" Happy to explain, call me on {r['person'].phone}"
    )
    marks.append((r, f"frustration answer contains own phone number {r['person'].phone}"))
    r = take(lambda r: linked(r) and len(r[SURVEY_COLS[8]]) > 30)
    r[SURVEY_COLS[8]] = (
        stop(r[SURVEY_COLS[8]]) + f" If you want more feedback email me at {r['person'].email}"
    )
    marks.append((r, f"'like most' answer contains own email {r['person'].email}"))
    # duplicate submission and an empty row
    r = take(lambda r: bool(r[SURVEY_COLS[9]]))
    dup = {**r, "dt": r["dt"] + timedelta(minutes=rng.randint(2, 6), seconds=rng.randint(0, 59))}
    rows.append(dup)
    marks.append((r, "first of a duplicated submission"))
    marks.append((dup, "duplicate submission (same answers, later timestamp)"))
    empty = {"person": None, "dt": datetime(2026, 3, 17, 21, 4, 51)}
    rows.append(empty)
    marks.append((empty, "empty row: only a timestamp"))
    rows.sort(key=lambda r: r["dt"])
    line_of = {id(r): i + 2 for i, r in enumerate(rows)}
    for r, msg in sorted(marks, key=lambda m: line_of[id(m[0])]):
        note(f"survey.csv line {line_of[id(r)]}: {msg}")
    with (OUT / "survey.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(SURVEY_COLS)
        for r in rows:
            w.writerow([gforms_ts(r["dt"])] + [r.get(c, "") for c in SURVEY_COLS[1:]])
    return rows


# --------------------------------------------------------------------------------------
# reviews.csv (Shopify product reviews export)
# --------------------------------------------------------------------------------------

# Lines may start with "[tag,tag]": only used for products carrying one of those tags.
PRODUCT_TAGS = {
    "kids-puddle-suit": "kids clothing wp zip knees",
    "kids-campfire-fleece-hoodie": "kids clothing top zip fleece",
    "kids-splash-wellies": "kids footwear wp",
    "kids-trail-shoes": "kids footwear",
    "packable-rain-jacket": "clothing top wp zip packable",
    "kids-thermal-socks-3-pack": "kids footwear socks",
    "waterproof-picnic-blanket": "gear blanket",
    "trailblazer-waterproof-jacket": "clothing top wp shell zip packable",
    "merino-base-layer": "clothing top base",
    "summit-45l-backpack": "gear pack zip",
    "ultralight-down-jacket": "clothing top insulated zip packable",
    "alpine-carbon-trekking-poles": "gear poles packable",
    "ridge-gtx-hiking-boots": "footwear wp boots",
    "featherlight-1p-tent": "gear tent zip packable",
    "city-parka": "clothing top wp zip recycled",
    "recycled-puffer-gilet": "clothing top insulated zip recycled",
    "oversized-sherpa-fleece": "clothing top fleece recycled",
    "crossbody-sling-bag": "gear bag zip",
    "wide-leg-cargo-trousers": "clothing legs knees",
    "cropped-windbreaker": "clothing top zip recycled",
    "classic-quilted-jacket": "clothing top insulated buttons",
    "wool-blend-walking-trousers": "clothing legs knees",
    "fleece-lined-walking-shoes": "footwear",
    "heritage-cable-knit-jumper": "clothing top knit",
    "thermal-touch-gloves": "clothing hands",
    "folding-walking-pole": "gear poles",
    "wool-hiking-socks": "footwear socks",
}
# survey ideas that only make sense in a review of certain products
IDEA_TAGS = {
    "durable_kids": "kids",
    "kids_sizes": "kids",
    "jacket_leaking": "wp",
    "sizing": "clothing",
    "small_print": "clothing footwear",
    "technical_fabrics": "clothing",
}


def fits(line: str, tags: set[str]) -> str | None:
    """The line without its tag prefix if it suits a product with `tags`, else None."""
    m = re.match(r"\[([\w,]+)\]\s*", line)
    if not m:
        return line
    return line[m.end() :] if tags & set(m.group(1).split(",")) else None


REVIEW_TEXT = {
    "budget_families": {
        "pos": """
            [kids] Bought the {noun} for {kid} and it's been brilliant.
            Really good value, especially with the discount code.
            [kids,clothing] Survived a whole term of forest school and it's still going.
            [clothing,footwear] Fits true to size with a bit of room to grow.
            [kids,clothing] {Kid} lives in it, it's been washed a hundred times and still
            | looks fine.
            [wp] Kept them dry all through a very wet camping weekend.
            [kids] Good quality for the price, will buy the next size up when needed.
            Got it in the sale and so glad I did.
            [wp,blanket] Easy to wipe clean after muddy walks!
            [kids] No complaints from the kids, which is a first.
            [kids] Handed down from my eldest and still going strong.
            [kids] Bright colour so I can spot them at the park, which is a bonus.
            [blanket] Perfect for picnics on damp grass and folds up small.
            [packable] Packs into its own pocket so it lives in my bag for surprise showers.
            [socks,fleece] Lovely and warm, and they've washed really well.
        """,
        "neg": """
            [clothing,footwear] Split at the seam after three weeks.
            [clothing,footwear] The {noun} came up really small, had to send it back.
            [knees] Not as hard wearing as I'd hoped, holes in the knees already.
            [clothing,socks] The colour ran in the first wash.
            [zip] The zip broke within a month.
            Fine for the price but it won't last another winter.
            [kids] Wanted the next size up but it's sold out everywhere.
            The postage cost nearly as much as the {noun}.
            [fleece,socks] Started going bobbly after two washes.
            [wp] Not waterproof at all, came home soaked.
            [blanket] The backing started peeling off after a few uses.
            [footwear] The soles are wearing through already.
        """,
        "title_pos": [
            "Great value",
            "Brilliant for kids",
            "Love it",
            "Does the job",
            "Really pleased",
            "Bargain!",
            "Tough as anything",
            "5 stars",
            "Great for muddy days",
            "would buy again",
        ],
        "title_neg": [
            "Fell apart",
            "Disappointed",
            "Didn't last",
            "Not worth it",
            "poor quality",
            "Not great",
            "Gave up quickly",
        ],
        "title_mixed": [
            "OK for the price",
            "Good but...",
            "Decent",
            "Fine, not amazing",
            "Mixed feelings",
        ],
    },
    "technical_hikers": {
        "pos": """
            Used the {noun} on a 5-day trip in the Cairngorms, performed brilliantly.
            [zip,clothing,pack] Excellent build quality, seams and zips all feel bombproof.
            [packable] Packs down small and weighs less than my old one.
            [top] Breathes well on steep climbs, no clamminess.
            [pack,boots] Great fit, no pressure points even after 25km days.
            Worth every penny. Comparable to kit twice the price.
            [wp] Took it up Ben Nevis in sideways rain and stayed bone dry.
            Really well thought out design, the small details are spot on.
            Three months of weekly use in the Peaks and it still looks new.
            [shell,insulated] Fits well over a base layer and a midlayer, good length in the arms.
            [tent] Pitched it in 40mph gusts on Rannoch Moor, rock solid.
            [poles] Light, stiff, and the locks don't slip.
            [base,socks] No smell after four days on the trail, amazing.
        """,
        "neg": """
            [shell] Started leaking at the shoulders within two months of use.
            [wp] Wetted out completely on the second day of rain.
            No weight listed on the page, and it turned out heavier than I expected.
            [wp] Seam tape started peeling after a handful of trips.
            [wp] Fine on dry days, but not waterproof enough for Scottish weather.
            [zip] Waited 7 weeks for a restock, then it arrived with a faulty zip.
            [pack] The hip belt padding is too thin for heavy loads.
            The spec sheet is missing key info, I had to email to ask.
            [pack] Stitching on the shoulder strap pulled out on my first multi-day.
            [base,socks] Holes appeared after a few washes, not great for merino at this price.
            [poles] One of the locks started slipping on the second trip.
            [boots] Heel lift on descents, and the sizing runs small.
        """,
        "title_pos": [
            "Excellent",
            "Bombproof",
            "Superb bit of kit",
            "Worth it",
            "Great performance",
            "Light and tough",
            "Top quality",
        ],
        "title_neg": [
            "Not good enough at this price",
            "Disappointing",
            "Failed on the hill",
            "Specs missing",
            "Poor durability",
        ],
        "title_mixed": [
            "Good but not great",
            "Nearly there",
            "Solid, with caveats",
            "Good kit, bad product page",
            "3/5",
        ],
    },
    "urban_style": {
        "pos": """
            Obsessed with this {noun}, I get compliments every time I wear it.
            [clothing] So cute and actually warm!
            The colour is even nicer in real life
            Goes with literally everything in my wardrobe.
            [recycled] Love that it's made from recycled stuff.
            Perfect for city weekends.
            [top] The oversized fit is exactly what I wanted.
            Snagged it in the drop and no regrets.
            [wp] Wore it all weekend in Manchester and stayed dry and looked good.
            Looks way more expensive than it was.
            [clothing] Soft and comfy, wearing it constantly.
            [bag] Fits my phone, keys, lip balm and a water bottle, perfect for festivals.
        """,
        "neg": """
            [clothing] Sizing is way off, ordered my usual 10 and it's huge.
            [top] Had to return it, the sleeves were ridiculously long.
            Sent it back {wait} ago and still no refund.
            Looks nothing like the photos tbh.
            [clothing] Shrank in the wash, now it's cropped in a bad way.
            The app crashed at checkout so I paid twice.
            Fabric feels cheaper than I expected for the price.
            [clothing] Size chart said M, it fits like an XS.
            [legs] The waist is tiny but the legs are massive??
            [bag] The strap buckle snapped after a week.
        """,
        "title_pos": [
            "obsessed",
            "Love it!!",
            "So cute",
            "Perfect",
            "new fave",
            "Gorgeous colour",
            "10/10",
            "Compliments everywhere",
        ],
        "title_neg": ["Returned", "disappointed", "not it", "Not like the pics", "meh", "Nope"],
        "title_mixed": ["cute but...", "Nice but", "Love/hate", "Almost perfect", "ok"],
    },
    "loyal_comfort": {
        "pos": """
            [clothing,footwear] Very comfortable and warm, exactly as described.
            This is my third one of these, they last for years.
            Lovely quality, just like the last one I bought.
            [clothing,footwear] Kept me warm on my morning walks all through January.
            [clothing,footwear] Fits well and is easy to get on and off.
            My husband has one too and we are both very pleased.
            [footwear] Comfortable from the first wear, no breaking in needed.
            Good solid quality as always from Ridgeline.
            [clothing] Washes well and keeps its shape.
            I use it every day walking the dog and it has been excellent.
            [poles] Folds up small enough for my handbag and is very sturdy.
            [hands] My fingers stay warm even on the frostiest mornings.
        """,
        "neg": """
            [clothing,footwear] Not as warm as my old one, the quality seems to have changed.
            [clothing,footwear] The size label is so small I ordered the wrong size.
            I found it difficult to order on the website.
            [legs,top] Slightly tight around the middle compared to previous years.
            Had to wait on the phone for ages to arrange an exchange.
            [buttons] The buttons came loose fairly quickly.
            [clothing] The instructions on the label are too small to read.
            [poles] The catch is stiff and hard for my hands to open.
        """,
        "title_pos": [
            "Excellent quality",
            "Very comfortable",
            "Lovely and warm",
            "As good as ever",
            "Very pleased",
            "Highly recommend",
            "Superb",
        ],
        "title_neg": ["Not as good as before", "Disappointed", "Not what I expected", "Poor"],
        "title_mixed": [
            "Good but",
            "Satisfactory",
            "Nearly as good as before",
            "Fine, with reservations",
        ],
    },
}
REVIEW = {
    g: {k: (bank(v)["long"] if isinstance(v, str) else v) for k, v in d.items()}
    for g, d in REVIEW_TEXT.items()
}
GOAL_FRAMES = [
    "Bought it because I want to {g}",
    "Getting kitted out to {g}",
    "All part of the plan to {g}",
    "Hoping it'll help me {g}",
    "Got it so I can {g}",
]
SENTIMENT = {
    "budget_families": {"pos": 55, "mixed": 25, "neg": 20},
    "technical_hikers": {"pos": 55, "mixed": 25, "neg": 20},
    "urban_style": {"pos": 45, "mixed": 25, "neg": 30},
    "loyal_comfort": {"pos": 75, "mixed": 15, "neg": 10},
}
STAFF = ["Jess", "Tom", "Amira", "Callum", "Priya", "Hannah"]
REPLY_POS = [
    "Hi {first}, thanks so much for taking the time to leave a review! We're really glad the "
    "{noun} is working out for you. Happy adventures! {staff} at Ridgeline",
    "Thanks {first}! Lovely to hear this, we'll pass it on to the product team. - {staff}",
    "Hi {first}, thank you for the kind words, it made our day. {staff}, Ridgeline Customer Care",
    "Hi {first}, so pleased you're happy with it. Enjoy it! {staff} @ Ridgeline",
]
REPLY_NEG = [
    "Hi {first}, we're really sorry to hear this - it's not the experience we want you to "
    "have. Please email help@ridgeline.example with your order number and we'll put it right. "
    "{staff}, Ridgeline Customer Care",
    "Hi {first}, sorry the {noun} let you down. Our team will be in touch by email to arrange "
    "a replacement or refund. Thanks for letting us know. - {staff}",
    "Hi {first}, thank you for the honest feedback. We've shared it with our product team. "
    "If you'd like to return it, just reply to your order confirmation. {staff} at Ridgeline",
    "Sorry to hear this {first}. We've flagged it with the warehouse and will email you "
    "shortly. {staff}",
]
SPAM = [
    (
        "Best prices online!!!",
        "Cheap designer bags at http://deals.example.net/bags best prices buy now",
    ),
    ("Nice site", "Nice website. Check out my page for crypto tips www.example.org/earn"),
    ("hello", "I made £5000 working from home last month, see my profile"),
    ("Great", "great great great great great great great"),
]


def display_name(rng: random.Random, p: Person) -> str:
    r = rng.random()
    if r < 0.5:
        return f"{p.first} {p.last[0]}."
    if r < 0.8:
        return p.name
    if r < 0.9:
        return p.first
    return f"{p.first.lower()}{p.last[0].lower()}{rng.randint(1, 99)}"


PLURAL_FIXES = [
    (r"\bit's been\b", "they've been"),
    (r"\bit's\b", "they're"),
    (r"\bit has\b", "they have"),
    (r"\bit fits\b", "they fit"),
    (r"\bit still looks\b", "they still look"),
    (r"\bit (turned|arrived|won't|'ll|came|keeps)\b", r"they \1"),
    (r"\bit'll\b", "they'll"),
    (r"\bIt\b", "They"),
    (r"\bit\b", "them"),
    (r"\bits shape\b", "their shape"),
    (r"\bthem looks\b", "they look"),
    (r"\bthem is\b", "they are"),
    (r"^Washes well and keeps", "Wash well and keep"),
    (r"^Fits well and is", "Fit well and are"),
    (r"^Fits true", "Fit true"),
    (r"^Packs down small and weighs", "Pack down small and weigh"),
    (r"^Goes with", "Go with"),
    (r"^Looks ", "Look "),
    (r"^Folds up", "Fold up"),
    (r" and is very sturdy", " and are very sturdy"),
]


def pluralise(text: str) -> str:
    for pat, new in PLURAL_FIXES:
        text = re.sub(pat, new, text)
    return text


def review_idea(rng: random.Random, p: Person, kind: str, prod: Product) -> str:
    """A survey-style idea that suits this product, framed for a review; "" if none fits."""
    tags = set(PRODUCT_TAGS[prod.handle].split())
    keys = [k for k in p.prefs[kind] if k not in IDEA_TAGS or tags & set(IDEA_TAGS[k].split())]
    if not keys:
        return ""
    key = keys[0] if rng.random() < 0.6 else rng.choice(keys)
    text = render_idea(rng, p.group, kind, key, terse=0)
    if kind == "goal":
        if text.split(" ", 1)[0].lower() in GOAL_VERBS:
            frame = rng.choice(GOAL_FRAMES)
            return (pluralise(frame) if prod.noun.endswith("s") else frame).format(g=decap(text))
        _VOICED.pop()  # not used: no verb to frame it with
        return ""
    return text


def review_text(rng: random.Random, p: Person, prod: Product, sentiment: str) -> str:
    g = p.group
    R = REVIEW[g]
    tags = set(PRODUCT_TAGS[prod.handle].split())
    kid = rng.choice(SLOTS["kid"])

    def line(kind: str, avoid: str = "") -> str:
        options = [t for t in (fits(x, tags) for x in R[kind]) if t and t != avoid]
        s = rng.choice(options)
        s = s.replace("{Kid}", kid[0].upper() + kid[1:]).replace("{kid}", kid)
        if prod.noun.endswith("s"):  # socks, wellies, poles, trousers...
            s = pluralise(s)
        return fill(rng, s.replace("{noun}", prod.noun))

    if sentiment == "pos":
        parts = [line("pos")]
        if rng.random() < 0.45:
            parts.append(line("pos", avoid=parts[0]))
        if rng.random() < 0.45:
            parts.append(
                review_idea(rng, p, rng.choice(["motivation", "motivation", "goal"]), prod)
            )
    elif sentiment == "neg":
        parts = [line("neg")]
        if rng.random() < 0.35:
            parts.append(line("neg", avoid=parts[0]))
        if rng.random() < 0.3:
            parts.append(review_idea(rng, p, "pain", prod))
    else:
        a, b = line("pos"), line("neg")
        joiner = rng.choice(
            [" But ", " However, ", " Only downside: ", " Shame that ", " That said, ", "\n\nBut "]
        )
        parts = [stop(a) + joiner + decap(b)]
        if rng.random() < 0.25:
            parts.append(review_idea(rng, p, "pain", prod))
    parts = list(dict.fromkeys(x for x in parts if x))
    return style(
        rng, g, spouse(join_parts(rng, parts), p), mood="pos" if sentiment == "pos" else "neg"
    )


def make_reviews(people: list[Person]) -> list[dict]:
    rng = stream("reviews")
    propensity = {
        "budget_families": 1.0,
        "technical_hikers": 1.3,
        "urban_style": 0.8,
        "loyal_comfort": 1.0,
    }
    latest = datetime(2026, 4, 20)
    seen: set[tuple[str, str]] = set()
    rows: list[dict] = []
    buyers = [p for p in people if p.has_orders]
    never = [p for p in people if not p.has_orders]
    while len(rows) < 326:
        if rng.random() < 0.04:
            p = rng.choice(never)
            prod = rng.choice(products_for(p.group))
            dt = datetime(2025, 2, 1) + timedelta(days=rng.uniform(0, 440))
        else:
            p = rng.choices(buyers, weights=[propensity[b.group] for b in buyers])[0]
            own = [o for o in p.orders if o["product"].group == p.group] or p.orders
            o = rng.choice(own)
            prod = o["product"]
            dt = o["dt"] + timedelta(days=rng.uniform(4, 40))
        if dt > latest or (p.cid, prod.handle) in seen:
            continue
        seen.add((p.cid, prod.handle))
        dt = at_hour(rng, dt.replace(hour=0), p.group)
        sentiment = pick(rng, SENTIMENT[p.group])
        if sentiment == "pos":
            rating = "5" if rng.random() < 0.7 else "4"
        elif sentiment == "mixed":
            rating = pick(rng, {"3": 50, "4": 35, "2": 15})
        else:
            rating = "1" if rng.random() < 0.55 else "2"
        R = REVIEW[p.group]
        title = rng.choice(R["title_" + sentiment])
        if rng.random() < 0.1:
            title = ""
        elif rng.random() < STYLE[p.group]["lower"]:
            title = title.lower()
        reply = ""
        if rng.random() < {"neg": 0.28, "mixed": 0.12, "pos": 0.06}[sentiment]:
            tpl = rng.choice(REPLY_POS if sentiment == "pos" else REPLY_NEG)
            reply = tpl.format(first=p.first, noun=prod.noun, staff=rng.choice(STAFF))
        loc = ""
        if rng.random() < 0.6:
            loc = rng.choice(
                [f"{p.town}, UK", f"{p.town}, UK", p.town, f"{p.town}, United Kingdom"]
            )
        rows.append(
            {
                "person": p,
                "dt": dt,
                "product_handle": prod.handle,
                "state": "published",
                "rating": rating,
                "title": title,
                "author": display_name(rng, p),
                "email": p.email if rng.random() < 0.5 else "",
                "location": loc,
                "body": review_text(rng, p, prod, sentiment),
                "reply": reply,
                "product": prod,
                "voiced": take_voiced(),
            }
        )
    for title, body in SPAM:
        rows.append(
            {
                "person": None,
                "dt": datetime(2025, 3, 1)
                + timedelta(days=rng.uniform(0, 400), seconds=rng.randint(0, 86399)),
                "product_handle": rng.choice(CATALOGUE).handle,
                "state": "spam",
                "rating": "5",
                "title": title,
                "author": rng.choice(["BestDeals", "seo_guru", "Mike", "winner2025"]),
                "email": rng.choice(["", "promo@example.net"]),
                "location": "",
                "body": body,
                "reply": "",
            }
        )
    rows.sort(key=lambda r: r["dt"])
    # ---- planted noise ----
    pool = [i for i, r in enumerate(rows) if r["state"] == "published"]
    rng.shuffle(pool)
    marks: list[tuple[int, str]] = []
    for _ in range(8):
        i = pool.pop()
        rows[i]["state"] = "unpublished"
        marks.append((i, "state unpublished"))
    i = pool.pop()
    marks.append((i, f"rating blank (body sentiment would give {rows[i]['rating']})"))
    rows[i]["rating"] = ""
    i = pool.pop()
    marks.append((i, f"rating '6' (out of range; body sentiment would give {rows[i]['rating']})"))
    rows[i]["rating"] = "6"
    i = pool.pop()
    rows[i]["body"] = ""
    rows[i]["voiced"] = []
    marks.append((i, "empty body"))
    i = next(j for j in pool if rows[j]["rating"] == "5")
    pool.remove(i)
    rows[i]["body"] = "<b>great</b> " + rows[i]["body"] + "<br><br>would buy again"
    marks.append((i, "body contains HTML <b>/<br>"))
    i = pool.pop()
    rows[i]["body"] = rows[i]["body"] + " <script>alert(1)</script>"
    marks.append((i, "body contains <script>alert(1)</script>"))
    i = next(
        j
        for j in pool
        if rows[j]["person"].group == "loyal_comfort" and int(rows[j]["rating"]) >= 4
    )
    pool.remove(i)
    rows[i]["body"] = (
        stop(rows[i]["body"]) + " Bought a second one for my sister Linda Marsh "
        "and Karen on the phone line was very helpful with the order."
    )
    marks.append((i, "body mentions people by name (Linda Marsh, Karen)"))
    for i, r in enumerate(rows):
        if r["state"] == "spam":
            marks.append((i, "state spam (not customer voice)"))
    for i, msg in sorted(marks):
        note(f"reviews.csv line {i + 2}: {msg}")
    cols = [
        "product_handle",
        "state",
        "rating",
        "title",
        "author",
        "email",
        "location",
        "body",
        "reply",
        "created_at",
    ]
    with (OUT / "reviews.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(cols)
        for r in rows:
            utc = r["dt"] - (timedelta(hours=1) if is_bst(r["dt"]) else timedelta(0))
            w.writerow([r[c] for c in cols[:-1]] + [f"{utc:%Y-%m-%d %H:%M:%S} UTC"])
    return rows


# --------------------------------------------------------------------------------------
# support/*.eml
# --------------------------------------------------------------------------------------

SUPPORT_TOPICS = {
    "late_delivery": {
        "subject": [
            "Where is my order?",
            "Order not arrived",
            "Late delivery",
            "Delivery - order {order}",
            "parcel still not here",
            "Missing parcel",
            "{order} not delivered",
        ],
        "body": [
            "My order hasn't arrived yet and it's been over a week.",
            "The tracking hasn't updated since Monday.",
            "I paid for Express delivery but the parcel still isn't here.",
            "Can you tell me where my parcel is please?",
            "The courier says it was delivered but there is nothing here, I've checked with "
            "the neighbours.",
            "It was supposed to arrive on Friday and it's now Wednesday.",
            "The tracking link just says 'label created'.",
            "We're going away at the weekend and I really need it before then.",
        ],
        "ask": [
            "Can you look into it please?",
            "Please can you chase this up.",
            "Could you let me know what's happening?",
            "Any update would be appreciated.",
        ],
    },
    "wrong_size": {
        "subject": [
            "Wrong size sent",
            "Wrong item in my parcel",
            "Exchange",
            "Wrong size!!",
            "Incorrect item - {order}",
        ],
        "body": [
            "You've sent me a size 12 instead of the 14 I ordered.",
            "The trousers in the parcel are an M but the packing slip says L.",
            "I received the wrong size, the label says small and I ordered a medium.",
            "The item I got isn't what I ordered, it's a different colour and size.",
            "The size on the label doesn't match the size on my order confirmation.",
        ],
        "ask": [
            "How do I swap it for the right one?",
            "Can you send the correct size?",
            "Do I need to pay to send it back?",
            "Please advise.",
        ],
    },
    "refund": {
        "subject": [
            "Refund not received",
            "Where is my refund?",
            "Refund for return",
            "Still waiting for my refund",
            "Return {order}",
        ],
        "body": [
            "I sent my return back on the 2nd and still haven't had my refund.",
            "The Royal Mail tracking shows you received my return {wait} ago but no refund yet.",
            "I returned the parka and haven't been refunded.",
            "It's been {wait} since you got my return.",
            "Your returns page says 5-7 working days and it's been much longer than that.",
            "I need the money back before I can reorder the right size.",
        ],
        "ask": [
            "When will I get my money back?",
            "Please can you process this asap.",
            "Can you confirm the refund has been issued?",
            "Can someone check please.",
        ],
    },
    "login": {
        "subject": [
            "Can't log in",
            "Password reset not working",
            "Account locked",
            "Problem with my account",
            "login",
        ],
        "body": [
            "I can't log in to my account, it says my password is wrong but I've reset it twice.",
            "The verification code never arrives so I can't get into my account.",
            "The reset password email link says it has expired.",
            "Every time I try to log in the page just goes back to the start.",
            "I have been locked out of my account and I can't see my orders.",
        ],
        "ask": [
            "Can you help?",
            "Please could you reset it for me.",
            "Is there someone I can speak to?",
            "What should I do?",
        ],
    },
    "shipping_cost": {
        "subject": [
            "Delivery charge",
            "Postage question",
            "Free delivery?",
            "Shipping cost on small order",
        ],
        "body": [
            "I only need one pair of kids' gloves and the postage is nearly as much as the gloves.",
            "Is there any way to get free delivery on a small order?",
            "The delivery charge on my last order was £4.95 for a pair of socks.",
            "I used to get free delivery on everything, when did that change?",
            "Could you add a cheaper slow delivery option? I don't mind waiting.",
        ],
        "ask": [
            "Is there a code I could use?",
            "Can you do anything about the postage?",
            "Would be great if you could look at this.",
        ],
    },
    "kids_restock": {
        "subject": [
            "Restock?",
            "Kids puddle suit {kidsize}",
            "When will kids sizes be back",
            "Out of stock",
            "Kids wellies back in stock?",
        ],
        "body": [
            "Do you know when the puddle suit will be back in {kidsize}?",
            "The kids' wellies in size 11 have been out of stock for weeks.",
            "I've signed up for the back in stock email but nothing yet.",
            "My son has grown out of his and every size near his is sold out.",
            "Are you getting any more of the kids' fleece hoodies in {kidsize}?",
        ],
        "ask": [
            "Please let me know.",
            "Can you tell me roughly when?",
            "Could you put one aside for me?",
        ],
    },
    "worn_out": {
        "subject": [
            "Faulty item",
            "Wellies split",
            "Quality complaint",
            "Zip broken",
            "Puddle suit falling apart",
        ],
        "body": [
            "The wellies I bought in October have split along the side.",
            "The zip on {kid}'s coat has broken after a couple of months.",
            "The knees on the kids' trousers have worn through already.",
            "The seam on the puddle suit has come apart after one season.",
            "The fleece has gone bobbly and thin after a handful of washes.",
        ],
        "ask": [
            "Is this covered by any guarantee?",
            "Can I get a replacement?",
            "I don't think this is acceptable for a few months' use.",
            "What are my options?",
        ],
    },
    "leaking": {
        "subject": [
            "Trailblazer jacket leaking",
            "Warranty claim",
            "Waterproof failure",
            "Jacket leaking - {order}",
            "Leak at shoulders",
        ],
        "body": [
            "My Trailblazer jacket has started leaking at the shoulders where the pack straps sit.",
            "I wore it for two days of steady rain in Snowdonia and the inside was soaked.",
            "I've re-proofed it as per the care label and it still wets out.",
            "Water is getting in at the hood seam, it's not condensation.",
            "It's about 6 months old and has done maybe 15 days of use.",
            "The seam tape on the inside is starting to lift near the zip.",
        ],
        "ask": [
            "I'd like to make a warranty claim.",
            "Can you advise on a repair or replacement?",
            "Is this a known issue with this batch?",
            "Where should I send it?",
        ],
    },
    "specs": {
        "subject": [
            "Product question",
            "Weight of Summit 45L?",
            "Spec question",
            "HH rating?",
            "Question about the down jacket",
        ],
        "body": [
            "Could you tell me the packed weight and hydrostatic head of the Trailblazer jacket?",
            "What's the actual weight of the Summit 45L in size M/L? It isn't on the page.",
            "What fill power and fill weight is the Ultralight Down Jacket?",
            "What denier is the floor of the Featherlight 1P?",
            "Is the merino base layer 150gsm or 200gsm? The page doesn't say.",
        ],
        "ask": [
            "Thanks in advance.",
            "It would help to have this on the product page too.",
            "I'm comparing it with two other options so a quick reply would be great.",
        ],
    },
    "restock": {
        "subject": [
            "Restock date?",
            "Back in stock?",
            "Featherlight 1P availability",
            "Down jacket size M",
        ],
        "body": [
            "The Ultralight Down Jacket in M has been out of stock since November.",
            "Is the Featherlight 1P coming back before June? I'm planning a trip.",
            "The Ridge GTX boots in size 10 have said 'coming soon' for six weeks.",
            "I need a base layer before a trip at the end of the month.",
        ],
        "ask": [
            "Do you have a date?",
            "Is it worth waiting or should I look elsewhere?",
            "Can you let me know when it's back?",
        ],
    },
    "app_charge": {
        "subject": [
            "Charged twice",
            "App crashed at checkout",
            "double payment??",
            "app problem",
            "Payment taken but no order",
        ],
        "body": [
            "The app crashed at checkout and I've been charged twice.",
            "I paid with Apple Pay, the app froze, and now there are two payments on my card.",
            "The app crashed during the drop and I don't know if my order went through.",
            "Money has left my account but I didn't get an order confirmation.",
            "Promo code wouldn't apply in the app and then it crashed.",
        ],
        "ask": [
            "Can you refund the duplicate payment?",
            "Please sort this asap, I'm skint lol",
            "Can you check if the order exists?",
        ],
    },
    "sizing": {
        "subject": [
            "Sizing help",
            "Exchange for smaller size",
            "What size should I get?",
            "Parka sizing",
        ],
        "body": [
            "I'm usually a size 10 but the City Parka in S is huge on me.",
            "The size guide says M but the fleece fits like an XS.",
            "Your sizes are different on every product so I never know what to order.",
            "Can you give me the actual chest measurement of the gilet in S and M?",
        ],
        "ask": [
            "Could you swap it for the smaller size?",
            "What would you recommend?",
            "Can I exchange it without paying for postage again?",
        ],
    },
    "website": {
        "subject": [
            "Difficulty with website",
            "Ordering",
            "Help with ordering please",
            "Your new website",
            "Can't find the trousers",
        ],
        "body": [
            "I am finding your new website very difficult to use.",
            "I cannot find the walking trousers I usually buy on the website.",
            "The writing is very small and I cannot read it even with my glasses.",
            "A box keeps popping up and I do not know how to close it.",
            "My granddaughter usually orders for me but she is away.",
        ],
        "ask": [
            "Could someone telephone me to take my order?",
            "Is there a catalogue you can post to me?",
            "Please could you help me place an order.",
            "What am I doing wrong?",
        ],
    },
    "phone_wait": {
        "subject": [
            "Unable to get through on the phone",
            "Complaint about telephone waiting",
            "Phone line",
            "Tried to ring",
        ],
        "body": [
            "I tried to ring this morning but was on hold for {hold} so I am writing instead.",
            "Your telephone line seems to be permanently engaged.",
            "I waited on the line for a long time and was then cut off.",
            "The automated menu does not give an option for my problem.",
        ],
        "ask": [
            "Could somebody please ring me back?",
            "Please reply at your earliest convenience.",
            "I would be grateful for a call back.",
        ],
    },
    "praise": {
        "subject": ["Thank you", "Thank you to your staff", "Excellent service", "A big thank you"],
        "body": [
            "I just wanted to say thank you to the lady who helped me on the phone on Tuesday.",
            "My jacket arrived this morning and it is lovely, just like my old one.",
            "I have been a customer for many years and the service is always excellent.",
            "Thank you for sorting out my exchange so quickly.",
            "The fleece lined shoes are the most comfortable I have ever worn.",
        ],
        "ask": [
            "Please pass on my thanks.",
            "Keep up the good work.",
            "I will certainly be ordering again.",
        ],
    },
    "small_print": {
        "subject": ["Washing instructions", "Size label", "Care label question"],
        "body": [
            "I cannot read the washing instructions on the label of my jumper, the print is "
            "too small.",
            "The size on the label is so faint I cannot tell which size it is.",
            "Could you tell me what temperature to wash the quilted jacket at?",
        ],
        "ask": [
            "Please could you let me know.",
            "Perhaps the labels could be made bigger?",
            "Thank you in advance.",
        ],
    },
}
SUPPORT_MIX = {
    "budget_families": {
        "late_delivery": 15,
        "wrong_size": 10,
        "refund": 10,
        "shipping_cost": 20,
        "kids_restock": 20,
        "worn_out": 25,
    },
    "technical_hikers": {
        "leaking": 35,
        "specs": 25,
        "restock": 20,
        "late_delivery": 10,
        "login": 10,
    },
    "urban_style": {
        "app_charge": 25,
        "refund": 30,
        "sizing": 25,
        "late_delivery": 10,
        "wrong_size": 10,
    },
    "loyal_comfort": {
        "website": 20,
        "login": 10,
        "phone_wait": 20,
        "praise": 25,
        "small_print": 10,
        "late_delivery": 10,
        "wrong_size": 5,
    },
}
GREETING = {
    "budget_families": ["Hi there,", "Hi,", "Hello,", "Hiya,", "Hi Ridgeline,"],
    "technical_hikers": ["Hi there,", "Hello,", "Hi,", "Hello Ridgeline team,", "Hi team,"],
    "urban_style": ["Hi!", "hi,", "Hey,", "Hi there,", "Hiya"],
    "loyal_comfort": [
        "Dear Sir/Madam,",
        "Dear Ridgeline,",
        "Hello Ridgeline team,",
        "Dear Customer Services,",
        "Good morning,",
    ],
}
SIGNOFF = {
    "budget_families": ["Thanks,", "Thanks", "Cheers,", "Many thanks,", "Thank you"],
    "technical_hikers": ["Cheers,", "Thanks,", "Best,", "Regards,", "Many thanks,"],
    "urban_style": ["Thanks!", "thanks x", "Thank you x", "Thanks,", "x"],
    "loyal_comfort": [
        "Kind regards,",
        "Yours faithfully,",
        "Many thanks,",
        "Best wishes,",
        "Regards,",
    ],
}
# the shop's earlier reply (quoted) and what a customer might say back to it
SHOP_REPLY = [
    (
        "Hi {first},\n\nThanks for getting in touch and sorry for the trouble. Could you send "
        "us a photo and your order number so we can look into this?\n\nBest wishes,\n{staff}\n"
        "Ridgeline Customer Care",
        [
            "Thanks, I've attached the photos you asked for.",
            "Photos attached as requested.",
            "Here you go, photos attached, sorry they're a bit blurry.",
            "I've attached a picture. The order number is in the subject line.",
        ],
    ),
    (
        "Hi {first},\n\nThank you for your email. I've raised this with our warehouse team and "
        "will update you within 2 working days.\n\nKind regards,\n{staff}\nRidgeline Support",
        [
            "It's been more than 2 working days and I haven't heard anything.",
            "Following up on this as I haven't had the update you promised.",
            "Sorry to chase again but there's still no news.",
            "Any news? It's been nearly a week now.",
        ],
    ),
    (
        "Hello {first},\n\nSorry to hear about this. I've checked your account and can see the "
        "order. I've escalated it and someone will be in touch shortly.\n\nThanks,\n{staff}",
        [
            "Thanks for the reply, but nobody has been in touch.",
            "Thanks for getting back to me. Is there any update?",
            "I still haven't heard from anyone about this.",
            "Thank you, I'll wait to hear back. Just to add, it's quite urgent.",
        ],
    ),
]


def phone_variants(rng: random.Random, phone: str) -> str:
    if phone.startswith("07700"):
        num = phone[6:]
        return rng.choice(
            [phone, f"07700{num}", f"Tel: +44 7700 {num}", f"Mob: {phone}", f"+44 (0)7700 {num}"]
        )
    return rng.choice([phone, f"Tel: {phone}", f"+1 {phone}"])


def email_date(dt: datetime) -> str:
    return format_datetime(dt.replace(tzinfo=uk_tz(dt)))


def quote_header(rng: random.Random, dt: datetime) -> str:
    return (
        f"On {dt:%a}, {dt.day} {dt:%b %Y} at {dt:%H:%M}, Ridgeline Support <{SUPPORT_ADDR}> wrote:"
    )


def wrap(text: str, prefix: str = "") -> list[str]:
    """Hard-wrap each paragraph at 72 columns like a mail client, optionally quoted."""
    out: list[str] = []
    for para in text.split("\n"):
        lines = textwrap.wrap(para, 72 - len(prefix), break_on_hyphens=False) or [""]
        out += [(prefix + ln).rstrip() if prefix else ln for ln in lines]
    return out


def support_body(
    rng: random.Random, p: Person, topic: str, order: dict | None, n: int | None = None
) -> list[str]:
    g = p.group
    T = SUPPORT_TOPICS[topic]
    n = n or rng.choices([1, 2, 3], weights=[35, 45, 20])[0]
    sents = [fill(rng, s) for s in rng.sample(T["body"], min(n, len(T["body"])))]
    if order and rng.random() < 0.6:
        intro = rng.choice(
            [
                "I ordered the {t} on {d} (order {o}).",
                "Order {o}.",
                "This is about order {o}.",
                "My order number is {o}.",
                "I bought the {t} on {d}.",
            ]
        ).format(t=order["product"].title, d=f"{order['dt'].day} {order['dt']:%B}", o=order["name"])
        sents.insert(0, intro)
    if rng.random() < 0.2 and topic != "praise":
        extra = render_idea(rng, g, "pain", idea_key(rng, p, "pain"), terse=0)
        sents.append(
            rng.choice(["Also, ", "And while I'm here, ", "On another note, ", "Also "])
            + decap(extra)
        )
    sents.append(rng.choice(T["ask"]))
    para = spouse(" ".join(stop(s) for s in sents), p)
    para = style(
        rng, g, para, allow_lower=g == "urban_style", mood="pos" if topic == "praise" else "neg"
    )
    return [rng.choice(GREETING[g]), "", *wrap(para)]


def make_support(people: list[Person]) -> None:
    rng = stream("support")
    sup = OUT / "support"
    sup.mkdir(parents=True, exist_ok=True)
    for old in sorted(sup.glob("*.eml")):
        old.unlink()
    weight = {
        "budget_families": 1.0,
        "technical_hikers": 0.9,
        "urban_style": 1.1,
        "loyal_comfort": 1.2,
    }
    buyers = [p for p in people if p.has_orders]
    senders: list[tuple[Person, str]] = []
    for p in weighted_sample(rng, buyers, [weight[b.group] for b in buyers], 52):
        senders.append((p, p.email))
    for p in rng.sample(senders, 2):  # a couple of people write twice
        senders.append(p)
    alts = [p for p in people if p.alt_email]
    for p in rng.sample(alts, 3):
        senders.append((p, p.alt_email))
    for p in rng.sample([p for p in people if not p.has_orders], 2):
        senders.append((p, p.email))
    mails = []
    for p, addr in senders:
        day = datetime(2026, 1, 5) + timedelta(days=rng.uniform(0, 108))
        dt = at_hour(rng, day.replace(hour=0), p.group)
        mails.append((dt, p, addr))
    mails.sort(key=lambda m: (m[0], m[2]))
    invalid_at = rng.randint(15, 45)
    html_idx = set(rng.sample([i for i in range(len(mails)) if i != invalid_at], 6))
    reply_idx = set(rng.sample([i for i in range(len(mails)) if i != invalid_at], 20))
    outlook_at = sorted(reply_idx)[7]
    case_idx = sorted(
        rng.sample(
            [
                i
                for i in range(len(mails))
                if i not in (invalid_at,) and mails[i][2] == mails[i][1].email
            ],
            2,
        )
    )
    seq = 0
    for i, (dt, p, addr) in enumerate(mails):
        seq += 1
        path = sup / f"{dt:%Y-%m-%d}-{seq:04d}.eml"
        if i == invalid_at:  # noise: not an email at all; then the real one gets the next number
            path.write_bytes(stream("junk").randbytes(384))
            note(f"support/{path.name}: not a valid email (384 random bytes)")
            seq += 1
            path = sup / f"{dt:%Y-%m-%d}-{seq:04d}.eml"
        topic = pick(rng, SUPPORT_MIX[p.group])
        past = [o for o in p.orders if o["dt"] < dt]
        order = past[-1] if past else None
        T = SUPPORT_TOPICS[topic]
        subject = rng.choice(T["subject"])
        subject = fill(rng, subject.replace("{order}", order["name"] if order else "my order"))
        is_reply = i in reply_idx
        lines = support_body(rng, p, topic, order)
        sign = [rng.choice(SIGNOFF[p.group])]
        sign.append(rng.choice([p.first, p.name, p.name, f"{p.first} {p.last[0]}"]))
        if rng.random() < 0.4:
            sign.append(phone_variants(rng, p.phone))
        if order and rng.random() < 0.15:
            sign.append(f"Order #{order['name'].lstrip('#')}")
        text_lines = [*lines, "", *sign]
        if is_reply:
            before = dt - timedelta(days=rng.randint(1, 4), hours=rng.randint(0, 5))
            before = before.replace(hour=rng.randint(9, 16), minute=rng.randint(0, 59))
            shop_tpl, follows = rng.choice(SHOP_REPLY)
            shop = shop_tpl.format(first=p.first, staff=rng.choice(STAFF))
            follow = rng.choice(follows)
            if rng.random() < 0.6:  # restate one detail of the problem
                follow += " " + stop(fill(rng, rng.choice(T["body"])))
            follow = style(rng, p.group, follow, allow_lower=False, mood="neg")
            greet = lines[0] if rng.random() < 0.7 else f"Hi {rng.choice(STAFF)},"
            text_lines = [greet, "", *wrap(follow), "", *sign]
            if i == outlook_at:
                text_lines += [
                    "",
                    "-----Original Message-----",
                    f"From: Ridgeline Support <{SUPPORT_ADDR}>",
                    f"Sent: {before:%d %B %Y %H:%M}",
                    f"To: {addr}",
                    f"Subject: RE: {subject}",
                    "",
                    *wrap(shop),
                ]
                note(
                    f"support/{path.name}: Outlook-style quoted reply "
                    "('-----Original Message-----', no '> ' prefixes)"
                )
            else:
                text_lines += ["", quote_header(rng, before)]
                text_lines += wrap(shop, "> ")
                if rng.random() < 0.5:  # their own first message, quoted twice
                    text_lines += [
                        ">",
                        "> "
                        + quote_header(rng, before - timedelta(days=1)).replace(
                            "Ridgeline Support <" + SUPPORT_ADDR + ">", f"{p.name} <{addr}>"
                        ),
                    ]
                    text_lines += [("> > " + q).rstrip() for q in [*lines, "", *sign]]
            subject = "Re: " + subject
        body = "\n".join(text_lines) + "\n"
        msg = EmailMessage()
        shown = addr
        if i in case_idx:
            local, dom = addr.split("@")
            shown = local.title() + "@" + dom.title()
            note(f"support/{path.name}: From address in mixed case {shown!r}")
        r = rng.random()
        if r < 0.8:
            msg["From"] = f'"{p.name}" <{shown}>'
        elif r < 0.9:
            msg["From"] = f'"{p.name.lower()}" <{shown}>'
        else:
            msg["From"] = shown
        msg["To"] = SUPPORT_ADDR
        msg["Subject"] = subject
        msg["Date"] = email_date(dt)
        msg["Message-ID"] = f"<{rng.getrandbits(64):016x}.{seq:04d}@mail.example.net>"
        if is_reply:
            ref = f"<{rng.getrandbits(48):012x}@ridgeline.example>"
            msg["In-Reply-To"] = ref
            msg["References"] = ref
        cte = None
        if not body.isascii() and rng.random() < 0.35:
            cte = "quoted-printable"
        msg.set_content(body, cte=cte)
        if i in html_idx:
            paras = body.strip().split("\n\n")
            html_body = (
                "<html><body>"
                + "".join(
                    "<p>" + html.escape(para).replace("\n", "<br>") + "</p>" for para in paras
                )
                + "</body></html>\n"
            )
            msg.add_alternative(html_body, subtype="html")
            msg.set_boundary(f"===============rl{seq:04d}{rng.getrandbits(32):08x}==")
            note(f"support/{path.name}: multipart/alternative (text + HTML)")
        if addr != p.email:
            note(
                f"support/{path.name}: sender {addr} is not in orders.csv "
                f"(alt address of {p.email})"
            )
        elif not p.has_orders:
            note(f"support/{path.name}: sender {addr} has no orders")
        path.write_bytes(msg.as_bytes(policy=policy.SMTP))


# --------------------------------------------------------------------------------------
# social/comments.json (Facebook page export)
# --------------------------------------------------------------------------------------

POSTS = [
    {
        "message": "New drop alert ✨ The City Parka is back in sage green and lilac, "
        "made from 100% recycled shell fabric. Which colour are you going for?",
        "time": datetime(2026, 2, 1, 9, 0),
        "n": 22,
        "kind": "motivation",
        "groups": {
            "urban_style": 75,
            "budget_families": 10,
            "technical_hikers": 5,
            "loyal_comfort": 10,
        },
        "lines": {
            "urban_style": [
                "Sage!! 😍",
                "lilac all the way 💜",
                "need this",
                "want both tbh",
                "is the sizing the same as last year's? mine was huge",
                "just ordered!!",
                "app crashed as soon as it went live 🙃",
                "sold out already??",
                "the lilac is giving spring",
                "finally!!! been waiting since November",
                "does it come in petite?",
                "obsessed",
            ],
            "budget_families": [
                "Any chance of these in kids sizes?",
                "Lovely but a bit out of my budget",
            ],
            "technical_hikers": ["What's the HH rating on the shell?"],
            "loyal_comfort": [
                "Is there a longer length version?",
                "Lovely colours. Does it have a warm lining?",
            ],
        },
    },
    {
        "message": "Half term is nearly here! 🌧️ Our Kids' Puddle Suits are 25% off all "
        "week with code SPLASH25. Muddy puddles, here we come.",
        "time": datetime(2026, 2, 9, 12, 30),
        "n": 20,
        "kind": "pain",
        "groups": {"budget_families": 85, "loyal_comfort": 10, "urban_style": 5},
        "lines": {
            "budget_families": [
                "Does the code work on the wellies too?",
                "sold out in 4-5 already 😩",
                "bought two last year, still going",
                "wish postage was free on these",
                "Perfect timing, my youngest has grown out of hers",
                "Any chance of age 9-10?",
                "Great price! thanks",
                "Ours lasted through 3 kids!",
                "code didn't work for me?",
                "just ordered 2, thank you!!",
                "Hoping the 7-8 comes back in",
            ],
            "loyal_comfort": [
                "Just bought one for my granddaughter, thank you.",
                "Are they available in the shops?",
            ],
            "urban_style": ["omg tiny puddle suits 😭"],
        },
    },
    {
        "message": "We tested the Trailblazer Waterproof Jacket on 400km of the Cape Wrath "
        "Trail. Ask us anything about it below 👇",
        "time": datetime(2026, 2, 17, 18, 0),
        "n": 19,
        "kind": "pain",
        "groups": {
            "technical_hikers": 85,
            "budget_families": 5,
            "loyal_comfort": 5,
            "urban_style": 5,
        },
        "lines": {
            "technical_hikers": [
                "What's the hydrostatic head?",
                "Weight in a size L?",
                "Mine leaked at the shoulders after 6 months, is that a known issue?",
                "Is it 3L or 2.5L?",
                "Used mine on the WHW, bone dry 👍",
                "Pit zips?",
                "Any word on a restock in M?",
                "Put the specs on the product page please!",
                "Helmet compatible hood?",
                "How's the DWR after a season?",
                "Great write up, more of these please",
            ],
            "budget_families": ["Do you do a kids version?"],
            "loyal_comfort": ["Is it warm enough for winter walking?"],
            "urban_style": ["does it come in any other colours"],
        },
    },
    {
        "message": "Winter walks are better when you're warm ❄️ Tell us about your favourite "
        "winter walk!",
        "time": datetime(2026, 2, 24, 10, 0),
        "n": 18,
        "kind": "goal",
        "groups": {
            "loyal_comfort": 65,
            "budget_families": 15,
            "technical_hikers": 15,
            "urban_style": 5,
        },
        "lines": {
            "loyal_comfort": [
                "Along the seafront every morning with my dog Bess.",
                "Round the reservoir, it's lovely in the frost.",
                "My husband and I walk up to the church and back every day.",
                "My quilted jacket keeps me toasty.",
                "Walk with my group on Wednesdays, rain or shine.",
                "The Malvern Hills in the snow, beautiful.",
                "The fleece lined shoes are wonderful on icy mornings.",
                "Down by the canal to the pub and back!",
            ],
            "budget_families": [
                "Forest walk with the kids and a flask of hot chocolate",
                "Anywhere with puddles for the little ones!",
            ],
            "technical_hikers": [
                "Helvellyn via Striding Edge in full winter conditions.",
                "Cairngorm plateau on a blue sky day.",
            ],
            "urban_style": ["hampstead heath then a pub 😂"],
        },
    },
    {
        "message": "We're working on a new website and app 🛠️ What would make shopping with "
        "us easier? Be honest, we're listening.",
        "time": datetime(2026, 3, 3, 11, 15),
        "n": 21,
        "kind": "pain",
        "groups": {
            "loyal_comfort": 28,
            "technical_hikers": 25,
            "urban_style": 27,
            "budget_families": 20,
        },
        "lines": {
            "loyal_comfort": [
                "Bigger writing please.",
                "Make the menu simpler.",
                "Bring back the catalogue!",
                "A phone number that gets answered.",
                "Fewer pop ups please, I can never close them.",
            ],
            "technical_hikers": [
                "Add weights and HH ratings to every product.",
                "A proper spec comparison table.",
                "Restock dates on out of stock items.",
            ],
            "urban_style": [
                "fix the app checkout pls",
                "size guide with actual measurements!!",
                "faster refunds",
                "apple pay that works",
            ],
            "budget_families": [
                "Lower the free delivery threshold!!",
                "Filter by kids size that's actually in stock",
            ],
        },
    },
    {
        "message": "Spring Sale starts Friday 🌱 Up to 40% off across kids, outerwear and "
        "walking. Set your alarms!",
        "time": datetime(2026, 3, 12, 8, 0),
        "n": 17,
        "kind": "motivation",
        "groups": {
            "budget_families": 55,
            "urban_style": 25,
            "technical_hikers": 10,
            "loyal_comfort": 10,
        },
        "lines": {
            "budget_families": [
                "Does it include kids' stuff?",
                "Free delivery during the sale?",
                "yesss been waiting for this",
                "Hope the puddle suits are in it",
                "Will the 7-8s be restocked for the sale?",
            ],
            "urban_style": [
                "code not working in the app",
                "pls say the parka is included",
                "my bank account is scared",
            ],
            "technical_hikers": ["Hopefully the merino is included."],
            "loyal_comfort": ["Will the walking trousers be in the sale?"],
        },
    },
    {
        "message": "Our new Recycled Puffer Gilet is made from 28 recycled bottles 💚 "
        "What do you think?",
        "time": datetime(2026, 3, 24, 17, 45),
        "n": 16,
        "kind": "motivation",
        "groups": {
            "urban_style": 55,
            "technical_hikers": 25,
            "budget_families": 10,
            "loyal_comfort": 10,
        },
        "lines": {
            "urban_style": [
                "love that it's recycled 💚",
                "how does it wash?",
                "mine's lasted 2 years",
                "need the black one",
                "sizing runs small fyi",
            ],
            "technical_hikers": [
                "What's the fill weight?",
                "How warm is it compared to down?",
                "Is the insulation recycled too or just the shell?",
            ],
            "budget_families": ["Bit pricey for a gilet"],
            "loyal_comfort": ["Does it come in a longer length?"],
        },
    },
    {
        "message": "Happy Easter from all of us at Ridgeline 🐣 Where are you heading this "
        "bank holiday?",
        "time": datetime(2026, 4, 3, 9, 30),
        "n": 17,
        "kind": "goal",
        "groups": {
            "budget_families": 30,
            "technical_hikers": 30,
            "urban_style": 20,
            "loyal_comfort": 20,
        },
        "lines": {
            "budget_families": [
                "Taking the kids camping in the Peaks 🏕️",
                "Easter egg hunt in the woods then home for tea",
            ],
            "technical_hikers": [
                "Pennine Way day 1!",
                "Snowdon if the weather holds",
                "Wild camping in the Cairngorms",
            ],
            "urban_style": ["city break in Edinburgh 🥰", "festival prep lol"],
            "loyal_comfort": [
                "Coast path walk with my husband.",
                "Visiting the grandchildren in Devon.",
            ],
        },
    },
]
PAGE_REPLIES = {  # post number -> the page's answer to the first question asked
    2: "Hi {h}, yes! SPLASH25 works on all kids' waterproofs including wellies 🙌",
    3: "Hi {h}, it's 20,000mm HH and 20,000 g/m²/24h breathability, 410g in a size M. "
    "We'll get that added to the product page!",
    5: "Thanks {h}, really useful. We've passed this on to the team building the new site.",
    6: "Hi {h}, most of the range is included, and kids' waterproofs are in there too 😊",
}
FRIENDS = ["Emma Clarke", "Jo B", "Dan Webb", "Sophie Hunt", "Laura Grant", "Mike Doyle"]
TAG_LINES = [
    "{f} 👀",
    "{f} we need these",
    "{f} look!",
    "{f} for the kids?",
    "{f} this is the one I told you about",
    "{f} 😍😍",
]
OFF_TOPIC_LEAD = [
    "Off topic but ",
    "While I have you, ",
    "Not about this post but ",
    "Slightly unrelated but ",
    "Can I just say, ",
]


def handle(rng: random.Random, p: Person) -> str:
    f, l_ = p.first.lower(), p.last.lower()
    nn = rng.randint(1, 99)
    if p.group == "loyal_comfort":
        return p.name if rng.random() < 0.85 else f"{p.first} {p.last[0]}"
    parent = "mum" if p.gender == "Woman" else "dad"
    options = {
        "budget_families": [
            f"{p.first} {p.last[0]}",
            p.name,
            p.name,
            f"{p.first} {p.last}",
            f"{parent}of{rng.randint(2, 4)}_{f}",
            f"trail{parent}_{nn}",
            f"{f}.{l_}",
            f"{f}_and_the_kids",
            f"{f}{l_[0]}{nn}",
            f"the{l_}family",
        ],
        "technical_hikers": [
            f"{f}_hikes",
            f"{f}.on.the.hill",
            f"{f}{l_[0]}_outdoors",
            f"summit{f}",
            p.name,
            p.name,
            f"{f}{l_}{nn}",
            f"{f}_walks_{nn}",
            f"{p.first} {p.last[0]}",
        ],
        "urban_style": [
            f"{f}.x",
            f"{f}{l_}__",
            f"its{f}",
            f"{f}_styles",
            f"{f}.{l_[:3]}",
            f"{p.first} {p.last[0]}",
            f"{f}{nn}",
            f"{f}_{l_}_x",
            p.name,
        ],
    }[p.group]
    return rng.choice(options)


def social_text(rng: random.Random, p: Person, post: dict, used: set[str]) -> str:
    g = p.group
    lines = [x for x in post["lines"].get(g, []) if x not in used]
    r = rng.random()
    if r < 0.06 and post["kind"] == "motivation":
        text = rng.choice(TAG_LINES).format(f=rng.choice(FRIENDS))
        used.add(text)
        return text
    mood = ""
    if lines and r < 0.6:
        text = rng.choice(lines)
        used.add(text)
    else:
        on_topic = rng.random() < 0.8
        kind = post["kind"] if on_topic else rng.choice(["motivation", "pain", "goal"])
        text = render_idea(
            rng,
            g,
            kind,
            idea_key(rng, p, kind),
            terse=0.3 if post["kind"] == "pain" and on_topic else 0,
        )
        if kind == "goal" and post["kind"] != "goal":
            text = (
                "Hoping to " + decap(text) if text.split(" ", 1)[0].lower() in GOAL_VERBS else text
            )
        if not on_topic and kind == "pain":
            text = rng.choice(OFF_TOPIC_LEAD) + decap(text)
        mood = "neg" if kind == "pain" else "pos"
    text = spouse(text, p)
    st = STYLE[g]
    if rng.random() < st["lower"] * 1.5:
        text = text.lower()
    if rng.random() < 0.4:
        text = unstop(text)
    if rng.random() < st["emoji"] * 1.4 and not text.endswith("?"):
        neg = mood == "neg" or (not mood and sad(text))
        text += " " + rng.choice(st["sad"] if neg else st["emojis"])
    if rng.random() < st["typo"] * 0.5:
        text = typo(rng, text)
    return text


def fb_time(dt: datetime) -> str:
    utc = dt - (timedelta(hours=1) if is_bst(dt) else timedelta(0))
    return f"{utc:%Y-%m-%dT%H:%M:%S}+0000"


def make_social(people: list[Person]) -> None:
    rng = stream("social")
    (OUT / "social").mkdir(parents=True, exist_ok=True)
    ids: dict[str, str] = {}
    names: dict[str, str] = {}
    by_group = {g: [p for p in people if p.group == g] for g in GROUPS}
    data = []
    for n, post in enumerate(POSTS, 1):
        comments = []
        used_people: set[str] = set()
        used_lines: set[str] = set()
        for _ in range(post["n"]):
            g = pick(rng, post["groups"])
            p = rng.choice([q for q in by_group[g] if q.cid not in used_people])
            used_people.add(p.cid)
            if p.cid not in names:
                names[p.cid] = handle(rng, p)
                ids[p.cid] = str(10_000_000_000 + rng.getrandbits(32))
            dt = post["time"] + timedelta(
                minutes=int(rng.expovariate(1 / 400)) + 3, seconds=rng.randint(0, 59)
            )
            comments.append((dt, p, social_text(rng, p, post, used_lines)))
        comments.sort(key=lambda c: (c[0], c[1].cid))
        final = []
        replied = n not in PAGE_REPLIES
        for j, (dt, p, text) in enumerate(comments, 1):
            final.append(
                {
                    "id": f"post_{n}_comment_{j}",
                    "message": text,
                    "created_time": fb_time(dt),
                    "from": {"name": names[p.cid], "id": ids[p.cid]},
                }
            )
            if not replied and text.rstrip(" " + "".join(STYLE[p.group]["sad"])).endswith("?"):
                replied = True
                first = names[p.cid].split()[0] if " " in names[p.cid] else names[p.cid]
                final.append(
                    {
                        "id": f"post_{n}_reply_1",
                        "message": PAGE_REPLIES[n].format(h=first),
                        "created_time": fb_time(dt + timedelta(minutes=47)),
                        "from": {"name": SHOP, "id": "page_1"},
                    }
                )
                note(
                    f"social/comments.json post_{n}: comment post_{n}_reply_1 is the "
                    "page's own reply (from page_1), not customer voice"
                )
        data.append(
            {
                "id": f"post_{n}",
                "message": post["message"],
                "created_time": fb_time(post["time"]),
                "from": {"name": SHOP, "id": "page_1"},
                "comments": {"data": final},
            }
        )
    text = json.dumps({"data": data}, ensure_ascii=False, indent=2) + "\n"
    (OUT / "social" / "comments.json").write_text(text, encoding="utf-8")


# --------------------------------------------------------------------------------------
# truth + main
# --------------------------------------------------------------------------------------


def write_truth(people: list[Person]) -> None:
    rows = []
    for p in people:
        rows.append((p.email, p.group, p.cid))
        if p.alt_email:
            rows.append((p.alt_email, p.group, p.cid))
    rows.sort()
    with TRUTH.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["email", "group", "customer_id"])
        w.writerows(rows)


def write_truth_themes(survey: list[dict], reviews: list[dict]) -> None:
    """One row per planted idea voiced in a survey answer or a published review.

    ``group`` is the group the idea was planted for (a few people also voice
    another group's idea); ``wording`` is the phrasing as generated, before
    style (typos, case, emoji) was applied to the whole answer. ``source`` and
    ``locator`` are what statements.csv shows for that answer ("row N" = CSV
    record N, the header being record 1); ``field`` is the column.
    """
    rows = []
    for n, r in enumerate(survey, start=2):
        for col, voiced in r.get("voiced", {}).items():
            rows += [("survey.csv", n, col, *v) for v in voiced]
    for n, r in enumerate(reviews, start=2):
        if r["state"] == "published":
            rows += [("reviews.csv", n, "body", *v) for v in r.get("voiced", [])]
    with TRUTH_THEMES.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["source", "locator", "field", "group", "kind", "idea", "wording"])
        for source, n, col, group, kind, idea, wording in rows:
            w.writerow([source, f"row {n}", col, group, kind, idea, wording])


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    people = make_people()
    orders = make_orders(people)
    survey = make_survey(people)
    reviews = make_reviews(people)
    make_support(people)
    make_social(people)
    write_truth(people)
    write_truth_themes(survey, reviews)
    sizes = {g: sum(p.group == g for p in people) for g in GROUPS}
    print(f"customers: {len(people)} {sizes}")
    print(f"orders.csv: {len(orders)} rows, {len({o['person'].cid for o in orders})} customers")
    print(f"survey.csv: {len(survey)} rows")
    print(f"reviews.csv: {len(reviews)} rows")
    print(f"support/: {len(list((OUT / 'support').glob('*.eml')))} files")
    print("planted noise:")
    for n in NOISE:
        print("  " + n)


if __name__ == "__main__":
    main()
