"""``personas assign`` and ``personas serve``: put customers into personas."""

from __future__ import annotations

import csv
import io
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from personas.cli.root import app
from personas.output.folder import MODEL_DIR

if TYPE_CHECKING:  # the CLI starts fast: realtime (numpy, the model) loads when a command runs
    from personas.realtime.assign import CustomerIn


@app.command()
def assign(
    out_dir: Annotated[
        Path, typer.Argument(help=f"Output folder of `personas build` (holds {MODEL_DIR}/).")
    ],
    input_file: Annotated[
        Path,
        typer.Argument(
            help="New customers: JSON / JSONL requests, or a CSV, TSV or JSON table of raw rows."
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write here (.csv or .json) instead of CSV on stdout."),
    ] = None,
) -> None:
    """Assign each new customer to a persona, with confidence, runner-up and reasons.

    JSON / JSONL input holds requests like {"id": "c1", "attributes": {"age": 34},
    "texts": ["..."], "orders": [{"amount": 54.9, "date": "2026-03-01"}]}; any
    other table is read like a build input, one customer per identity (or row).
    """
    from personas.offline import force_offline
    from personas.output.bundle import load_bundle
    from personas.realtime.assign import Assigner

    force_offline()
    bundle = load_bundle(out_dir)
    customers = _read_customers(input_file)
    results = Assigner(bundle).assign(customers)
    if output is not None and output.suffix.lower() == ".json":
        text = json.dumps([r.model_dump() for r in results], indent=2, ensure_ascii=False) + "\n"
    else:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(
            [
                "id",
                "persona_id",
                "name",
                "confidence",
                "runner_up",
                "runner_up_confidence",
                "reasons",
                "used",
            ]
        )
        for r in results:
            writer.writerow(
                [
                    r.id or "",
                    r.persona_id,
                    r.name,
                    f"{r.confidence:.4f}",
                    r.runner_up.persona_id if r.runner_up else "",
                    f"{r.runner_up.confidence:.4f}" if r.runner_up else "",
                    "; ".join(x.description for x in r.reasons),
                    "; ".join(r.used),
                ]
            )
        text = buffer.getvalue()
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        typer.echo(f"Assigned {len(results)} customers: {output}", err=True)


def _read_customers(path: Path) -> list[CustomerIn]:
    from pydantic import ValidationError

    from personas.config import Config
    from personas.errors import InputError
    from personas.ingest import ingest
    from personas.ingest.discover import discover
    from personas.realtime.assign import CustomerIn, customers_from_records

    if not path.is_file():
        raise InputError(f"{path}: file not found")
    suffix = path.suffix.lower()
    if suffix in (".json", ".jsonl"):
        try:
            text = path.read_text(encoding="utf-8-sig")
            items = (
                [json.loads(line) for line in text.splitlines() if line.strip()]
                if suffix == ".jsonl"
                else json.loads(text)
            )
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError(f"{path}: not valid JSON: {exc}") from None
        if isinstance(items, dict):
            items = items.get("customers", [items])
        if (
            isinstance(items, list)
            and items
            and all(isinstance(i, dict) and set(i) <= set(CustomerIn.model_fields) for i in items)
        ):
            out = []
            for n, item in enumerate(items, start=1):
                try:
                    out.append(CustomerIn.model_validate(item))
                except ValidationError as exc:
                    first = exc.errors()[0]
                    where = ".".join(str(p) for p in first["loc"])
                    raise InputError(f"{path}, item {n}, field {where}: {first['msg']}") from None
            return out
    with tempfile.TemporaryDirectory() as tmp:
        link = Path(tmp) / path.name
        os.symlink(path.resolve(), link)
        config = Config()
        sources, _ = discover(Path(tmp), config)
        records = ingest(Path(tmp), sources, config).records
    if not records:
        raise InputError(f"{path}: no usable rows; run `personas inspect` on its folder to see why")
    return customers_from_records(records)


@app.command()
def serve(
    out_dir: Annotated[
        Path, typer.Argument(help=f"Output folder of `personas build` (holds {MODEL_DIR}/).")
    ],
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    token: Annotated[
        str | None,
        typer.Option(
            help="Require 'Authorization: Bearer TOKEN' (default: $PERSONAS_TOKEN, else none).",
            envvar="PERSONAS_TOKEN",
        ),
    ] = None,
    threads: Annotated[
        int,
        typer.Option(
            help="Torch threads for embedding (1 leaves a core to the web server; best p99 here).",
            min=1,
        ),
    ] = 1,
) -> None:
    """Serve real-time persona assignment over HTTP: POST /assign, GET /personas, /health, /docs."""
    import uvicorn

    from personas.offline import force_offline
    from personas.realtime.serve import create_app

    force_offline()
    import torch

    torch.set_num_threads(threads)
    application = create_app(out_dir, token)
    typer.echo(f"Serving {out_dir} on http://{host}:{port} (docs at /docs)", err=True)
    uvicorn.run(application, host=host, port=port, log_level="warning", access_log=False)
