"""``personas inspect``: show what a build would read, without building."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from personas.cli.options import ConfigOption
from personas.cli.root import app

if TYPE_CHECKING:  # keep `personas --help` free of the library's imports
    from personas.ingest.inputs import BuildInputs
    from personas.models import Respondent, Source


def _people_per_file(respondents: list[Respondent]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for r in respondents:
        counts.update(set(r.sources))
    return counts


def _group_sources(sources: list[Source], limit: int = 5) -> list[tuple[str, list[Source]]]:
    """One table row per file, but one per folder for a folder of many files of one kind."""
    groups: dict[tuple[str, str, str], list[Source]] = {}
    for s in sources:
        folder = s.path.rsplit("/", 1)[0] + "/" if "/" in s.path else s.path
        groups.setdefault((folder, s.kind, s.format), []).append(s)
    out: list[tuple[str, list[Source]]] = []
    for (folder, _, fmt), group in groups.items():
        if len(group) > limit:
            out.append((f"{folder} ({len(group)} .{fmt} files)", group))
        else:
            out.extend((s.path, [s]) for s in group)
    return sorted(out, key=lambda x: x[0])


@app.command()
def inspect(
    input_dir: Annotated[Path, typer.Argument(help="Folder of exports to look at.")],
    config: ConfigOption = None,
    show_rows: Annotated[
        int, typer.Option("--problems", help="How many row problems to list per file.")
    ] = 10,
) -> None:
    """Show the files found, their kinds, column roles and why, identity keys and problems."""
    from personas.config import load_config
    from personas.ingest.inputs import read_inputs

    settings = load_config(input_dir, config)
    result = read_inputs(input_dir, settings)
    console = Console(width=max(Console().width, 120))
    console.print(_files_table(input_dir, result))
    console.print(
        "people = respondents with a record in the file; linked = share of its identified "
        "records whose email / id also appears in another file.",
        style="dim",
    )
    console.print(_roles_table(result))
    for table in result.ingested.context:
        console.print(
            f"[bold]Context:[/] {escape(table.source)}: {len(table.rows)} analytics rows "
            f"({escape(', '.join(table.columns[:6]))}) kept for the report; they name no one."
        )
    _print_people(console, result)
    _print_problems(console, result, show_rows)


def _files_table(input_dir: Path, result: BuildInputs) -> Table:
    """One row per file (or folder of files): kind, format, rows used and skipped, people."""
    from personas.ingest.identity import link_rates

    files = Table(title=f"Files in {input_dir}", title_justify="left")
    numbers = ("rows", "used", "skipped", "people", "linked")
    for col in ("file", "kind", "format", *numbers, "why this kind"):
        files.add_column(col, justify="right" if col in numbers else "left")
    accounts = {a.source: a for a in result.ingested.accounts}
    links = link_rates(result.ingested.records)
    people = _people_per_file(result.respondents)
    for label, group in _group_sources(result.sources):
        first = group[0]
        counts = [accounts[s.path] for s in group if s.path in accounts]
        totals = (
            sum(a.rows_total for a in counts),
            sum(a.rows_used for a in counts),
            sum(a.rows_skipped for a in counts),
            sum(people.get(s.path, 0) for s in group),
        )
        identified = sum(int(links.get(s.path, {}).get("identified", 0)) for s in group)
        linked = sum(int(links.get(s.path, {}).get("linked", 0)) for s in group)
        rate = f"{linked / identified:.0%}" if identified else "-"
        files.add_row(
            escape(label),
            first.kind,
            first.format,
            *(str(x) for x in totals),
            rate,
            escape(first.reason),
        )
    return files


def _roles_table(result: BuildInputs) -> Table:
    """Every column's role, with the question it asked and how sure ingest is, and why."""
    roles = Table(title="Column roles", title_justify="left")
    for col in ("file", "column", "role", "conf.", "why"):
        roles.add_column(col)
    for r in result.ingested.roles:
        column = escape(r.column[:60])
        if r.question and r.question != r.column and r.role == "text":
            column += f"\n[dim]asked: {escape(r.question[:80])}[/]"
        if r.group:
            column += f"\n[dim]part of: {escape(r.group[:60])}[/]"
        role = f"{r.role} (multi)" if r.multiple else r.role
        roles.add_row(escape(r.source), column, role, f"{r.confidence:.2f}", escape(r.reason))
    return roles


def _print_people(console: Console, result: BuildInputs) -> None:
    """How many respondents, identified by which key, and how many texts name no one."""
    keys = Counter(k.key.split(":", 1)[0] for k in result.respondents)
    identified = sum(1 for r in result.respondents if r.identified)
    by_key = (
        ", ".join(f"{n} by {k}" for k, n in sorted(keys.items()) if k not in ("row", "author"))
        or "none"
    )
    handles = f", {keys['author']} social accounts" if keys.get("author") else ""
    console.print(
        f"[bold]People:[/] {len(result.respondents)} respondents: "
        f"{identified} identified ({by_key}), "
        f"{keys.get('row', 0)} known only from one survey, review, post or ticket row{handles}."
    )
    if result.ingested.people:
        console.print(f"[bold]Why:[/] {escape(result.ingested.people)}.")
    anonymous = sum(1 for r in result.ingested.records if r.respondent_key is None and r.texts)
    console.print(f"[bold]Anonymous texts:[/] {anonymous} records (they inform themes only).")


def _print_problems(console: Console, result: BuildInputs, show_rows: int) -> None:
    """File and row problems, at most ``show_rows`` per file, then how many more."""
    problems = [*result.file_issues] + [i for a in result.ingested.accounts for i in a.issues]
    if not problems:
        console.print("[bold]Problems:[/] none")
        return
    console.print(f"[bold]Problems:[/] {len(problems)}")
    per_file: Counter[str] = Counter()
    for i in problems:
        per_file[i.source] += 1
        if per_file[i.source] <= show_rows:
            state = "skipped" if i.skipped else ("value dropped" if i.column else "note")
            console.print(f"  {i.text()} ({state})", markup=False, highlight=False)
    for source, n in sorted(per_file.items()):
        if n > show_rows:
            console.print(f"  … and {n - show_rows} more in {source} (see --problems)")
