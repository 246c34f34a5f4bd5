"""A planted-truth corpus unlike the demo shop, with two groups close to each other.

Usage: ``.venv/bin/python benchmarks/close_groups.py OUT [--seed 7] [--score BUILD]``

Writes ``OUT/corpus/`` (a coffee roaster's customer survey and order export) and
``OUT/truth.csv`` (email -> planted group) beside it, so a build never reads the
truth. Four groups of customers; the "weekday drip" and "cold brew" drinkers
share age, device, plan and most worries and differ in a few answers, what they
buy and what they praise, the way two real customer groups often do. The
generator is not ``corpora/make_demo_shop.py``: other products, US wording, age
bands instead of ages, a 1-5 satisfaction scale, a pick-all brewing question and
order totals in dollars. With ``--score BUILD`` it prints the ARI between the
build's personas (assignments.csv) and the planted groups, and the k chosen.

Python standard library only (sklearn for the score); the same seed writes the
same bytes.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
from datetime import date, timedelta
from pathlib import Path

GROUPS = {"home_barista": 80, "office_buyer": 70, "weekday_drip": 80, "cold_brew": 70}
AGE = {
    "home_barista": {"25-34": 40, "35-44": 40, "45-54": 20},
    "office_buyer": {"35-44": 35, "45-54": 45, "55-64": 20},
    "weekday_drip": {"18-24": 20, "25-34": 50, "35-44": 30},
    "cold_brew": {"18-24": 35, "25-34": 50, "35-44": 15},
}
DEVICE = {
    "home_barista": {"Laptop": 60, "Phone": 40},
    "office_buyer": {"Laptop": 85, "Phone": 15},
    "weekday_drip": {"Phone": 75, "Laptop": 25},
    "cold_brew": {"Phone": 80, "Laptop": 20},
}
PLAN = {
    "home_barista": {"Roaster's Reserve": 70, "Everyday": 30},
    "office_buyer": {"Team Pack": 90, "Everyday": 10},
    "weekday_drip": {"Everyday": 80, "Roaster's Reserve": 10, "No plan": 10},
    "cold_brew": {"Everyday": 70, "No plan": 30},
}
BREW = {  # pick all that apply: each option ticked with this probability
    "home_barista": {"Espresso machine": 0.95, "Pour over": 0.4, "French press": 0.2},
    "office_buyer": {"Batch brewer": 0.9, "Drip machine": 0.5},
    "weekday_drip": {"Drip machine": 0.8, "Pour over": 0.4, "French press": 0.3},
    "cold_brew": {"Cold brew jar": 0.75, "Drip machine": 0.5, "French press": 0.3},
}
SATISFIED = {  # 1-5
    "home_barista": [4, 5, 5, 4, 3],
    "office_buyer": [3, 4, 4, 3, 2],
    "weekday_drip": [4, 4, 3, 5, 4],
    "cold_brew": [4, 3, 4, 5, 3],
}
RECOMMEND = {
    "home_barista": (8, 10),
    "office_buyer": (5, 8),
    "weekday_drip": (6, 9),
    "cold_brew": (6, 9),
}
ITEMS = {  # (item, price in dollars)
    "home_barista": [
        ("Ethiopia Guji single origin 250g", 19.5),
        ("Espresso Blend No. 4 1kg", 42.0),
    ],
    "office_buyer": [("Office Blend 5lb bag", 78.0), ("Paper filters x500", 24.0)],
    "weekday_drip": [("Morning Medium Roast 12oz", 14.0), ("Ceramic pour-over cone", 22.0)],
    "cold_brew": [("Cold Brew Coarse Grind 2lb", 26.0), ("Vanilla syrup", 9.0)],
}
ORDERS_PER_YEAR = {
    "home_barista": (8, 14),
    "office_buyer": (3, 6),
    "weekday_drip": (5, 10),
    "cold_brew": (4, 9),
}
LIKES = {
    "home_barista": [
        "the roast date is always printed and the beans are days old, not months",
        "single origin lots with proper tasting notes, the Guji was like blueberries",
        "you can dial in a shot with these beans, consistent from bag to bag",
    ],
    "office_buyer": [
        "bulk pricing for the team, way cheaper per pound than the supermarket",
        "one invoice a month and it just shows up at the office",
        "everyone in the office drinks it without complaining",
    ],
    "weekday_drip": [
        "a smooth medium roast that tastes good out of a basic drip machine",
        "it makes my early weekday mornings bearable",
        "easy to brew before work, nothing fancy needed",
    ],
    "cold_brew": [
        "the coarse grind for cold brew saves me so much time",
        "a big jar of cold brew lasts me all week in the summer",
        "the syrups make it taste like the coffee shop for way less",
    ],
}
GRIPES = {
    "home_barista": [
        "decaf options are weak for espresso",
        "the 1kg bags have no resealable zip so they go stale",
        "grind size on pre-ground is useless for espresso",
    ],
    "office_buyer": [
        "the invoice never has our PO number on it",
        "deliveries come when the office is closed on Fridays",
        "no way to add a second admin to the company account",
    ],
    "shared": [
        "shipping is expensive on small orders",
        "the subscription skip button is hard to find in the app",
        "sometimes the order arrives a few days late",
    ],
}
GOALS = {
    "home_barista": "learn latte art and pull a better shot at home",
    "office_buyer": "keep the team caffeinated without me having to think about it",
    "weekday_drip": "stop buying coffee on the way to work and save money",
    "cold_brew": "make cold brew at home instead of buying it every day",
}


LEAD = [
    "",
    "",
    "Honestly ",
    "I'd say ",
    "Mostly that ",
    "For me ",
    "Really just that ",
    "Probably ",
]
TAIL = ["", "", ".", "!", " tbh", " to be fair", " and that's about it", " which matters to me"]
ASIDE = [  # group-neutral second sentences, so answers are free text rather than options
    "Been a customer for about a year.",
    "My partner agrees.",
    "Not much else to add.",
    "Keep it up.",
    "Thanks for asking.",
    "That's the main thing.",
    "Happy overall.",
    "I tell friends about you.",
    "Would be nice to see that sorted.",
    "Just my two cents.",
]


def say(rng: random.Random, core: str) -> str:
    """One free-text answer: a planted idea in a customer's own framing, rarely twice alike."""
    text = rng.choice(LEAD) + core + rng.choice(TAIL)
    text = text[0].upper() + text[1:] if rng.random() < 0.7 else text
    return f"{text.rstrip('.!')}. {rng.choice(ASIDE)}" if rng.random() < 0.6 else text


def pick(rng: random.Random, weighted: dict[str, int]) -> str:
    keys = sorted(weighted)
    return rng.choices(keys, weights=[weighted[k] for k in keys])[0]


def gripe(rng: random.Random, group: str) -> str:
    """Close groups share the same worries; the others mostly have their own."""
    own = GRIPES.get(group)
    pool = GRIPES["shared"] if own is None or rng.random() < 0.3 else own
    return rng.choice(pool)


def generate(out: Path, seed: int = 7) -> None:
    rng = random.Random(seed)
    corpus = out / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    truth, survey, orders = [], [], []
    start = date(2025, 3, 1)
    n = 0
    for group in sorted(GROUPS):
        for _ in range(GROUPS[group]):
            n += 1
            email = f"customer{n:04d}@example.org"
            truth.append({"email": email, "group": group})
            brew = [b for b, p in sorted(BREW[group].items()) if rng.random() < p]
            survey.append(
                {
                    "Submitted": (start + timedelta(days=rng.randrange(60))).isoformat(),
                    "Your e-mail": email,
                    "Age range": pick(rng, AGE[group]),
                    "What do you usually order on?": pick(rng, DEVICE[group]),
                    "Which plan are you on?": pick(rng, PLAN[group]),
                    "How do you brew at home or work? (tick all that apply)": ", ".join(brew),
                    "How satisfied are you with your coffee? (1-5)": rng.choice(SATISFIED[group]),
                    "What keeps you ordering from us?": say(rng, rng.choice(LIKES[group])),
                    "Anything we could do better?": say(rng, gripe(rng, group)),
                    "What would you like coffee to do for you this year?": say(rng, GOALS[group]),
                    "How likely are you to recommend us? (0-10)": rng.randint(*RECOMMEND[group]),
                }
            )
            for _ in range(rng.randint(*ORDERS_PER_YEAR[group])):
                item, price = rng.choice(ITEMS[group])
                qty = rng.randint(1, 3)
                orders.append(
                    {
                        "Order": f"CB{len(orders) + 50001}",
                        "Customer Email": email,
                        "Order Date": (start - timedelta(days=rng.randrange(365))).isoformat(),
                        "Order Total": f"{price * qty * rng.uniform(0.95, 1.1):.2f}",
                        "Currency": "USD",
                        "Item": item,
                    }
                )
    rng.shuffle(survey)
    write(corpus / "survey.csv", survey)
    write(corpus / "orders.csv", sorted(orders, key=lambda r: r["Order"]))
    write(out / "truth.csv", truth)


def write(path: Path, rows: list[dict[str, object]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)


def score(out: Path, build: Path) -> dict[str, object]:
    """ARI of the build's personas against the planted groups, and the k it chose."""
    from sklearn.metrics import adjusted_rand_score

    with (out / "truth.csv").open(encoding="utf-8") as f:
        truth = {"email:" + r["email"]: r["group"] for r in csv.DictReader(f)}
    with (build / "assignments.csv").open(encoding="utf-8") as f:
        found = {r["respondent_key"]: r["persona_id"] for r in csv.DictReader(f)}
    keys = sorted(k for k in found if k in truth)
    run = json.loads((build / "run.json").read_text(encoding="utf-8"))
    return {
        "people": len(keys),
        "ari": round(adjusted_rand_score([truth[k] for k in keys], [found[k] for k in keys]), 3),
        "k": run["segmentation"]["k"],
        "scores_by_k": run["segmentation"]["scores_by_k"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--score", type=Path, help="a build of OUT/corpus to score")
    args = parser.parse_args()
    if args.score:
        print(json.dumps(score(args.out, args.score), indent=1))
    else:
        generate(args.out, args.seed)


if __name__ == "__main__":
    main()
