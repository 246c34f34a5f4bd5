"""``personas review OUT``: a local page to review one build (FastAPI, run by uvicorn).

- ``GET /``: the page (``static/``: plain HTML, CSS and JavaScript, no CDN);
- ``GET /api/state``: the build (personas, themes), the reviewed edits with what
  became of each, the reviewer and the rebuild job;
- ``POST /api/preview``: what an edit would change, without saving it;
- ``POST /api/edits``: validate and save an edit to INPUT/personas.toml ``[review]``;
- ``DELETE /api/edits/{id}``: revoke an edit (the history keeps it);
- ``POST /api/rebuild``, ``POST /api/render``, ``GET /api/job``: rebuild or re-render
  in the background and follow its progress.

Safety: the CLI binds to loopback unless given ``--token``; with a token every
``/api`` call needs ``Authorization: Bearer <token>`` (the page takes it from
``?token=`` in its address). Writes need the ``X-Personas-Review`` header (a page
on another site cannot send it without a CORS preflight, which is refused), and on
loopback the Host header must be a loopback name (no DNS rebinding).
"""

from __future__ import annotations

import contextlib
import hmac
import threading
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel

from personas.errors import PersonasError
from personas.realtime.serve import BodyLimit
from personas.review.edits import Edit
from personas.review.runner import Job, rebuild, rerender
from personas.review.store import ReviewStore
from personas.review.view import BuildView, EditError, build_mtime, check_edit, load_view

STATIC = Path(__file__).with_name("static")
MAX_BODY_BYTES = 100_000
LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})


class Saved(BaseModel):
    edit: dict[str, Any]
    changes: list[str]


class Session:
    """What the review server holds: the build (re-read when it changes), the store, the job."""

    def __init__(self, out_dir: Path, input_dir: Path, config_path: Path, reviewer: str) -> None:
        self.out_dir, self.input_dir, self.reviewer = out_dir, input_dir, reviewer
        self.store = ReviewStore(config_path)
        self.job = Job()
        self._lock = threading.Lock()
        self._view = load_view(out_dir)

    def view(self) -> BuildView:
        with self._lock:
            try:
                mtime = build_mtime(self.out_dir)
            except OSError:
                return self._view  # mid-rebuild: the last complete build
            if mtime != self._view.mtime and not self.job.state["running"]:
                with contextlib.suppress(PersonasError):  # half-written: keep the last
                    self._view = load_view(self.out_dir)
            return self._view

    def state(self) -> dict[str, Any]:
        view = self.view()
        outcomes = view.outcomes()
        edits = []
        for edit in self.store.read().edits:
            item = edit.model_dump(mode="json")
            done = outcomes.get(edit.id)
            item["status"] = done["status"] if done else "pending"
            item["outcome"] = done["message"] if done else "applies at the next rebuild"
            edits.append(item)
        return {
            "out_dir": str(self.out_dir),
            "input_dir": str(self.input_dir),
            "config": str(self.store.path),
            "reviewer": self.reviewer,
            "generator": view.document.get("generator"),
            "corpus": view.document.get("corpus"),
            "personas": view.document.get("personas", []),
            "themes": view.document.get("themes", []),
            "warnings": view.run.warnings,
            "edits": edits,
            "job": self.job.status(),
        }


def _guard(token: str | None, allowed_hosts: frozenset[str] | None) -> Any:
    def check(request: Request) -> None:
        host = (request.headers.get("host") or "").rsplit(":", 1)[0]
        if allowed_hosts is not None and host not in allowed_hosts:
            raise HTTPException(status_code=403, detail=f"host {host!r} is not served here")
        if request.method in ("POST", "DELETE") and not request.headers.get("x-personas-review"):
            raise HTTPException(status_code=403, detail="missing X-Personas-Review header")
        if token is not None:
            given = request.headers.get("authorization", "").removeprefix("Bearer ")
            if not hmac.compare_digest(given.encode(), token.encode()):
                raise HTTPException(status_code=401, detail="missing or wrong bearer token")

    return Depends(check)


def create_review_app(
    out_dir: Path,
    input_dir: Path,
    config_path: Path,
    reviewer: str,
    token: str | None = None,
    allowed_hosts: frozenset[str] | None = None,
) -> FastAPI:
    """The review page and its API over one build."""
    session = Session(out_dir, input_dir, config_path, reviewer)
    app = FastAPI(title="personas review", docs_url=None, redoc_url=None, openapi_url=None)
    app.add_middleware(BodyLimit, limit=MAX_BODY_BYTES)
    guard = _guard(token, allowed_hosts)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [
            ".".join(str(p) for p in e.get("loc", ()) if p != "body") + ": " + e.get("msg", "")
            for e in exc.errors()
        ]
        return JSONResponse(status_code=422, content={"detail": "; ".join(problems)})

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-store"})

    @app.get("/api/state", dependencies=[guard])
    def state() -> dict[str, Any]:
        return session.state()

    def checked(edit: Any) -> list[str]:
        try:
            return check_edit(edit, session.view(), session.store.read(), session.reviewer)
        except EditError as exc:
            raise HTTPException(status_code=409, detail=str(exc)) from None

    @app.post("/api/preview", dependencies=[guard])
    def preview(edit: Edit) -> dict[str, list[str]]:
        return {"changes": checked(edit)}

    @app.post("/api/edits", dependencies=[guard], response_model=Saved)
    def save(edit: Edit) -> Saved:
        changes = checked(edit)
        try:
            saved = session.store.add(edit, session.reviewer)
        except PersonasError as exc:
            raise HTTPException(status_code=500, detail=str(exc)) from None
        return Saved(edit=saved.model_dump(mode="json"), changes=changes)

    @app.delete("/api/edits/{number}", dependencies=[guard])
    def revoke(number: int) -> dict[str, int]:
        try:
            review = session.store.revoke(number, session.reviewer)
        except KeyError:
            raise HTTPException(status_code=404, detail=f"no edit #{number}") from None
        except PersonasError as exc:
            raise HTTPException(status_code=500, detail=str(exc)) from None
        return {"edits": len(review.edits)}

    _job_routes(app, session, guard)
    return app


def _job_routes(app: FastAPI, session: Session, guard: Any) -> None:
    def reload() -> None:
        session.view()

    @app.get("/api/job", dependencies=[guard])
    def job() -> dict[str, Any]:
        return session.job.status()

    @app.post("/api/rebuild", dependencies=[guard])
    def start_rebuild() -> dict[str, Any]:
        work = rebuild(session.input_dir, session.out_dir, session.store.path, session.view().run)
        if not session.job.launch("rebuild", work, reload):
            raise HTTPException(status_code=409, detail="a rebuild or re-render is running")
        return session.job.status()

    @app.post("/api/render", dependencies=[guard])
    def start_render() -> dict[str, Any]:
        if not session.job.launch("render", rerender(session.out_dir), reload):
            raise HTTPException(status_code=409, detail="a rebuild or re-render is running")
        return session.job.status()
