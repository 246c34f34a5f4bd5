"""The assignment API: ``personas serve OUT`` (FastAPI, run by uvicorn).

- ``POST /assign``: one customer, or ``{"customers": [...]}`` (at most
  ``MAX_BATCH``) → persona, confidence, runner-up, reasons, what was used;
- ``GET /personas`` and ``GET /personas/{persona_id}``: the build's personas;
- ``GET /health``: liveness and what is loaded;
- ``/docs`` and ``/openapi.json``: the OpenAPI description.

The bundle is loaded once at start. Request bodies above ``MAX_BODY_BYTES``
are refused with 413; invalid requests get 422 with one readable message per
problem. With a token (``--token`` or ``PERSONAS_TOKEN``) every endpoint but
``/health`` and the docs needs ``Authorization: Bearer <token>``.
"""

from __future__ import annotations

import gc
import hmac
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field

from personas import __version__
from personas.errors import OutputError
from personas.output.bundle import Bundle, load_bundle
from personas.output.folder import PERSONAS_JSON, OutputFolder
from personas.realtime.assign import Assigner, AssignmentOut, CustomerIn

MAX_BODY_BYTES = 1_000_000
MAX_BATCH = 500


class BatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    customers: list[CustomerIn] = Field(min_length=1, max_length=MAX_BATCH)


class BatchOut(BaseModel):
    assignments: list[AssignmentOut]


class PersonaSummary(BaseModel):
    persona_id: str
    name: str
    label: str
    summary: str
    respondents: int
    share: float


class Health(BaseModel):
    status: str
    version: str
    personas: int
    themes: int
    embedding_model: str


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes with 413: by their Content-Length,
    or, for a chunked body, by reading it (at most ``limit`` bytes) before the app does.

    A plain ASGI middleware rather than ``@app.middleware("http")``: Starlette's
    ``BaseHTTPMiddleware`` adds a task and a memory stream to every request, which
    shows in the p99 of a service that answers in milliseconds.
    """

    def __init__(self, app: Any, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None:
            if not length.isdigit() or int(length) > self.limit:
                await self._refuse(send)
            else:
                await self.app(scope, receive, send)
            return
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > self.limit:
                await self._refuse(send)
                return
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay() -> Any:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": b"".join(chunks), "more_body": False}

        await self.app(scope, replay, send)

    async def _refuse(self, send: Any) -> None:
        body = json.dumps({"detail": f"request body over {self.limit} bytes"}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


def _problems(exc: RequestValidationError) -> list[str]:
    out = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err.get("loc", ()) if p != "body") or "body"
        out.append(f"{where}: {err.get('msg', 'invalid')}")
    return out


def create_app(out_dir: Path, token: str | None = None, light_text: bool = True) -> FastAPI:
    """The API over one build's output folder (bundle and personas.json loaded once)."""
    bundle = load_bundle(out_dir)
    personas = _read_personas(out_dir)
    assigner = Assigner(bundle, light_text=light_text)
    assigner.warm_up()
    # Everything loaded so far (torch, the model, the bundle) lives as long as the
    # server: moving it out of the collector's reach keeps full collections, and the
    # pauses they add to the slowest requests, small.
    gc.collect()
    gc.freeze()

    app = FastAPI(
        title="personas",
        version=__version__,
        description="Assign customers to the personas of one build, in real time.",
    )

    app.add_middleware(BodyLimit, limit=MAX_BODY_BYTES)

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = _problems(exc)
        return JSONResponse(
            status_code=422, content={"detail": "; ".join(problems), "problems": problems}
        )

    authorised = _authorisation(token)
    _add_assignment_routes(app, bundle, assigner, authorised)
    _add_persona_routes(app, personas, authorised)
    return app


def _read_personas(out_dir: Path) -> dict[str, dict[str, Any]]:
    """The build's personas by id, as personas.json has them (served as they are)."""
    try:
        document = OutputFolder(out_dir).document_data()
    except (OSError, json.JSONDecodeError):
        raise OutputError(f"{out_dir}: {PERSONAS_JSON} is missing or unreadable; rebuild") from None
    return {p["persona_id"]: p for p in document["personas"]}


def _authorisation(token: str | None) -> Callable[..., None]:
    """The dependency that checks the bearer token (none needed without a token)."""
    bearer = Depends(HTTPBearer(auto_error=False))

    def authorised(credentials: HTTPAuthorizationCredentials | None = bearer) -> None:
        if token is None:
            return
        given = credentials.credentials if credentials else ""
        if not hmac.compare_digest(given.encode(), token.encode()):
            raise HTTPException(status_code=401, detail="missing or wrong bearer token")

    return authorised


def _add_assignment_routes(
    app: FastAPI, bundle: Bundle, assigner: Assigner, authorised: Callable[..., None]
) -> None:
    """``GET /health`` (open to all) and ``POST /assign``."""

    @app.get("/health", response_model=Health)
    def health() -> Health:
        return Health(
            status="ok",
            version=__version__,
            personas=len(bundle.meta.personas),
            themes=len(bundle.meta.themes),
            embedding_model=bundle.meta.embedding_model,
        )

    @app.post(
        "/assign",
        response_model=AssignmentOut | BatchOut,
        dependencies=[Depends(authorised)],
        responses={
            401: {"description": "missing or wrong bearer token"},
            413: {"description": "body too large"},
        },
    )
    def assign(body: CustomerIn | BatchIn) -> AssignmentOut | BatchOut:
        """Assign one customer, or a batch given as {"customers": [...]}."""
        if isinstance(body, BatchIn):
            return BatchOut(assignments=assigner.assign(body.customers))
        return assigner.assign([body])[0]


def _add_persona_routes(
    app: FastAPI, personas: dict[str, dict[str, Any]], authorised: Callable[..., None]
) -> None:
    """``GET /personas`` (summaries) and ``GET /personas/{persona_id}`` (in full)."""

    @app.get("/personas", response_model=list[PersonaSummary], dependencies=[Depends(authorised)])
    def list_personas() -> list[PersonaSummary]:
        return [
            PersonaSummary(
                persona_id=p["persona_id"],
                name=p["name"],
                label=p["label"],
                summary=p["summary"],
                respondents=p["coverage"]["respondents"],
                share=p["coverage"]["share"],
            )
            for p in personas.values()
        ]

    @app.get(
        "/personas/{persona_id}",
        dependencies=[Depends(authorised)],
        responses={404: {"description": "no such persona"}},
    )
    def get_persona(persona_id: str) -> dict[str, Any]:
        """The full persona, as in personas.json."""
        if persona_id not in personas:
            raise HTTPException(
                status_code=404, detail=f"no persona {persona_id!r}; see GET /personas"
            )
        return personas[persona_id]
