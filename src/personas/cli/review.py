"""``personas review``: review one build in the browser; edits go to INPUT/personas.toml."""

from __future__ import annotations

import getpass
import ipaddress
from pathlib import Path
from typing import Annotated

import typer

from personas.cli.options import ConfigOption
from personas.cli.root import app
from personas.errors import ConfigError, OutputError
from personas.output.folder import RUN_JSON, OutputFolder

LOOPBACK = ("localhost",)


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 or "localhost"."""
    if host in LOOPBACK:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def input_of(out: Path, given: Path | None) -> Path:
    """The input folder of the build in ``out``: ``--input``, else the one run.json names
    (as given to `personas build`, so relative to where it ran: tried from here and from
    OUT's parent)."""
    if given is not None:
        if not given.is_dir():
            raise ConfigError(f"{given}: input folder not found")
        return given
    try:
        named = Path(OutputFolder(out).run_data()["input_dir"])
    except (OSError, ValueError, KeyError, TypeError):
        raise OutputError(
            f"{out}: {RUN_JSON} is missing or unreadable; run `personas build` first"
        ) from None
    for candidate in (named, out.parent / named):
        if candidate.is_dir():
            return candidate
    raise ConfigError(
        f"{out}/{RUN_JSON}: its input folder {named} is not found from here; pass --input DIR"
    )


def reviewer_name(given: str | None) -> str:
    if given:
        return given
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "reviewer"


@app.command()
def review(
    out: Annotated[Path, typer.Argument(help="Output folder of a finished `personas build`.")],
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8765,
    host: Annotated[
        str, typer.Option(help="Address to listen on; anything but loopback needs --token.")
    ] = "127.0.0.1",
    no_browser: Annotated[
        bool, typer.Option("--no-browser", help="Do not open the page in a browser.")
    ] = False,
    reviewer: Annotated[
        str | None,
        typer.Option(help="Who is reviewing, saved with every edit (default: the OS user)."),
    ] = None,
    token: Annotated[
        str | None,
        typer.Option(
            help="Require this token on every API call (default: $PERSONAS_TOKEN, else none).",
            envvar="PERSONAS_TOKEN",
        ),
    ] = None,
    input_dir: Annotated[
        Path | None,
        typer.Option("--input", help=f"The build's input folder (default: the one in {RUN_JSON})."),
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Review the personas of OUT in the browser: rename, merge, split, hide or move
    themes, reject quotes, rename and approve personas, leave notes, and rebuild.

    Every edit is saved to the input folder's personas.toml ([review]), with who,
    when and why, and every version to personas.review-history.jsonl; the next
    `personas build` applies them.
    """
    import threading
    import webbrowser

    import uvicorn

    from personas.review.server import LOOPBACK_NAMES, create_review_app

    if not is_loopback(host) and not token:
        raise ConfigError(
            f"--host {host} would let other machines edit your personas: pass --token "
            "(or set PERSONAS_TOKEN), or keep the default 127.0.0.1"
        )
    folder = input_of(out, input_dir)
    application = create_review_app(
        out,
        folder,
        config or folder / "personas.toml",
        reviewer_name(reviewer),
        token=token,
        allowed_hosts=LOOPBACK_NAMES if is_loopback(host) else None,
    )
    shown = "localhost" if host in ("127.0.0.1", "::1") else host
    url = f"http://{shown}:{port}/" + (f"?token={token}" if token else "")
    typer.echo(f"Reviewing {out} (edits go to {config or folder / 'personas.toml'})", err=True)
    typer.echo(f"Open {url}  (Ctrl+C to stop)", err=True)
    if not no_browser:
        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    uvicorn.run(application, host=host, port=port, log_level="warning", access_log=False)
