"""``personas profile``: one customer's individual profile from a finished build."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from personas.cli.root import app
from personas.output.folder import ASSIGNMENTS_CSV, STATEMENTS_CSV

if TYPE_CHECKING:  # keep `personas --help` free of the library's imports
    from personas.realtime.profile import CustomerProfile

UNKNOWN = "unknown"


class Format(StrEnum):
    text = "text"
    json = "json"


@app.command()
def profile(
    out: Annotated[Path, typer.Argument(help="An output folder written by `personas build`.")],
    keys: Annotated[
        list[str],
        typer.Argument(
            help=f"The customer: a respondent_key of {ASSIGNMENTS_CSV}, an email in any case, "
            f"a customer id, or a respondent_id (r-…) from {STATEMENTS_CSV}. Several may be given.",
            show_default=False,
        ),
    ],
    output_format: Annotated[
        Format,
        typer.Option(
            "--format",
            "-f",
            help="text (tables) or json (for tools: one object; an array for several keys).",
        ),
    ] = Format.text,
) -> None:
    """Show one customer: attributes, orders, every statement, themes, persona and typicality.

    Reads only the build's output folder (assignments.csv, personas.duckdb,
    model/bundle.json); nothing is re-run. Statement texts are the redacted
    ones the build stored. Typicality is the customer's distance to their
    persona's centre and its percentile among the persona's members (low =
    typical). The output names the customer: it is for the shop's own staff,
    like assignments.csv.
    """
    from personas.realtime.profile import load_profiles

    found = load_profiles(out, keys)
    if output_format is Format.json:
        dumped = [p.model_dump(mode="json") for p in found]
        text = json.dumps(dumped[0] if len(dumped) == 1 else dumped, indent=2, ensure_ascii=False)
        typer.echo(text)
        return
    for p in found:
        _print(p)


def _number(value: float | None, digits: int = 2) -> str:
    return UNKNOWN if value is None else f"{value:,.{digits}f}"


def _print(p: CustomerProfile) -> None:
    """Rich panels and tables; every value from the data is escaped, never read as markup."""
    from rich.console import Console
    from rich.markup import escape
    from rich.panel import Panel
    from rich.table import Table

    console = Console(highlight=False, width=max(Console().width, 100))
    t = p.typicality
    typical = (
        f"distance {t.distance:.3f} to the centre; percentile {t.percentile:g} of its "
        f"{t.members} members (low = typical)"
        if t.distance is not None and t.percentile is not None
        else t.note
    )
    sources = ", ".join(f"{s.source} ({s.kind}, {s.records})" for s in p.sources) or "none"
    kinds = ", ".join(f"{k} {n}" for k, n in p.statements_by_kind.items())
    lines = [
        f"[bold]Persona:[/] {p.persona.persona_id} {escape(p.persona.name)}"
        f" — {escape(p.persona.label)}",
        f"[bold]Confidence:[/] {p.confidence:.2f}",
        f"[bold]Typicality:[/] {escape(typical)}",
        f"[bold]Respondent id:[/] {p.respondent_id}"
        f" ({'identified' if p.identified else 'known from one row only'})",
        f"[bold]Records:[/] {escape(sources)}",
        f"[bold]Statements:[/] {len(p.statements)} ({kinds})",
    ]
    console.print(Panel("\n".join(lines), title=escape(p.key), title_align="left"))

    facts = Table(title="Attributes and scores", title_justify="left", show_header=False)
    for name, value in [*p.attributes.items(), ("NPS", p.nps), ("mean rating", p.rating)]:
        shown = UNKNOWN if value is None else f"{value:g}" if isinstance(value, float) else value
        facts.add_row(escape(str(name)), escape(str(shown)))
    console.print(facts)
    o = p.orders
    orders = Table(title="Orders", title_justify="left", show_header=False)
    for name, shown in (
        ("orders", str(o.orders) if o.total_spend is not None else "none on record"),
        ("total spend", _number(o.total_spend)),
        ("average order value", _number(o.avg_order_value)),
        ("orders per year", _number(o.orders_per_year)),
        ("days since last order", _number(o.recency_days, 0)),
    ):
        orders.add_row(name, shown)
    console.print(orders)

    themes = Table(title="Themes", title_justify="left")
    for col in ("kind", "theme", "statements"):
        themes.add_column(col, justify="right" if col == "statements" else "left")
    for theme in p.themes:
        themes.add_row(theme.kind, escape(theme.label), str(theme.statements))
    console.print(themes)

    said = Table(title="Statements", title_justify="left")
    said.add_column("source, locator", ratio=2, overflow="fold")
    said.add_column("kind")
    said.add_column("theme", ratio=2)
    said.add_column("text", ratio=5)
    for s in p.statements:
        said.add_row(
            f"{escape(s.source)}\n[dim]{escape(s.locator)}[/]",
            s.kind,
            escape(s.theme or "-"),
            escape(s.text),
        )
    console.print(said)
