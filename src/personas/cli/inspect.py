"""``personas inspect``: show what a build would read, without building."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from personas.cli import app


@app.command()
def inspect(
    input_dir: Annotated[Path, typer.Argument(help="Folder of exports to look at.")],
    config: Annotated[Path | None, typer.Option("--config", "-c", help="Settings file (default: DIR/personas.toml if present).")] = None,
    show_rows: Annotated[int, typer.Option("--problems", help="How many row problems to list per file.")] = 10,
) -> None:
    """Show the files found, their kinds, column roles and why, identity keys and problems."""
    from personas.config import load_config
    from personas.pipeline import inspect_inputs

    settings = load_config(input_dir, config)
    result = inspect_inputs(input_dir, settings)
    console = Console(width=max(Console().width, 120))

    files = Table(title=f"Files in {input_dir}", title_justify="left")
    for col in ("file", "kind", "format", "rows", "used", "skipped", "why this kind"):
        files.add_column(col, justify="right" if col in ("rows", "used", "skipped") else "left")
    accounts = {a.source: a for a in result.ingested.accounts}
    for s in result.sources:
        a = accounts.get(s.path)
        files.add_row(s.path, s.kind, s.format, *(str(x) for x in ((a.rows_total, a.rows_used, a.rows_skipped) if a else ("-", "-", "-"))), s.reason)
    console.print(files)

    roles = Table(title="Column roles", title_justify="left")
    for col in ("file", "column", "role", "conf.", "why"):
        roles.add_column(col)
    for r in result.ingested.roles:
        roles.add_row(r.source, r.column[:60], r.role, f"{r.confidence:.2f}", r.reason)
    console.print(roles)

    keys = Counter(k.key.split(":", 1)[0] for k in result.respondents)
    identified = sum(1 for r in result.respondents if r.identified)
    console.print(
        f"[bold]People:[/] {len(result.respondents)} respondents "
        f"({identified} identified by " + (", ".join(f"{k} {n}" for k, n in sorted(keys.items()) if k != "row") or "nothing")
        + f"; {keys.get('row', 0)} known only from one row)."
    )
    anonymous = sum(1 for r in result.ingested.records if r.respondent_key is None and r.texts)
    console.print(f"[bold]Anonymous texts:[/] {anonymous} records (they inform themes only).")

    problems = [*result.file_issues] + [i for a in result.ingested.accounts for i in a.issues]
    if problems:
        console.print(f"[bold]Problems:[/] {len(problems)}")
        per_file: Counter[str] = Counter()
        for i in problems:
            per_file[i.source] += 1
            if per_file[i.source] <= show_rows:
                where = ", ".join(x for x in (i.source, i.locator, f'column "{i.column}"' if i.column else None) if x)
                state = "skipped" if i.skipped else "value dropped"
                console.print(f"  {where}: {i.reason} ({state})", markup=False, highlight=False)
        for source, n in sorted(per_file.items()):
            if n > show_rows:
                console.print(f"  … and {n - show_rows} more in {source} (see --problems)")
    else:
        console.print("[bold]Problems:[/] none")
