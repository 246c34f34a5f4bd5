"""The HTTP API over a real build: endpoints, limits, auth, and a schemathesis run."""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings

from personas.realtime.serve import MAX_BODY_BYTES, create_app

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def client(demo_build: Path) -> TestClient:
    return TestClient(create_app(demo_build))


def test_health_and_personas(client: TestClient) -> None:
    """/health says what is loaded; /personas lists them; /personas/{id} gives one, else 404."""
    health = client.get("/health").json()
    assert health["status"] == "ok" and health["personas"] >= 3
    listed = client.get("/personas").json()
    assert len(listed) == health["personas"]
    one = client.get(f"/personas/{listed[0]['persona_id']}").json()
    assert one["persona_id"] == listed[0]["persona_id"] and "pains" in one
    assert client.get("/personas/p999").status_code == 404


def test_assign_one_and_a_batch(client: TestClient) -> None:
    """POST /assign takes one customer or {"customers": [...]}."""
    one = client.post(
        "/assign",
        json={"attributes": {"age": 70, "device": "Desktop"}, "texts": ["Labels too small"]},
    )
    assert one.status_code == 200 and one.json()["persona_id"].startswith("p")
    batch = client.post("/assign", json={"customers": [{"attributes": {"age": 25}}, {"nps": 9}]})
    assert batch.status_code == 200 and len(batch.json()["assignments"]) == 2


def test_invalid_request_is_422_with_a_message(client: TestClient) -> None:
    """A value out of range gets 422 naming the field."""
    response = client.post("/assign", json={"nps": 11})
    assert response.status_code == 422
    assert "nps" in response.json()["detail"]


def test_body_size_limit(client: TestClient) -> None:
    """A body over the limit is refused with 413 before it is parsed."""
    response = client.post(
        "/assign", content=b"x" * (MAX_BODY_BYTES + 1), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413


def test_chunked_body_size_limit(client: TestClient) -> None:
    """A body without Content-Length (chunked) is measured as it arrives: over the limit
    gets 413, under it is served as usual."""

    def chunks(total: int):  # type: ignore[no-untyped-def]
        sent = 0
        while sent < total:
            part = min(65_536, total - sent)
            sent += part
            yield b" " * part

    big = client.post(
        "/assign", content=chunks(MAX_BODY_BYTES + 1), headers={"content-type": "application/json"}
    )
    assert big.status_code == 413
    small = client.post(
        "/assign",
        content=iter([b'{"nps": ', b"9}"]),
        headers={"content-type": "application/json"},
    )
    assert small.status_code == 200, small.text
    assert small.json()["persona_id"]


def test_bearer_token(demo_build: Path) -> None:
    """With a token, requests without it get 401; /health stays open."""
    secured = TestClient(create_app(demo_build, token="s3cret"))
    assert secured.get("/personas").status_code == 401
    assert secured.get("/personas", headers={"Authorization": "Bearer s3cret"}).status_code == 200
    assert secured.get("/health").status_code == 200


def test_openapi_fuzz_finds_no_server_error(demo_build: Path) -> None:
    """Schemathesis-generated requests for every operation of the served spec never get a 5xx."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(demo_build))
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.path for op in operations} >= {
        "/assign",
        "/personas",
        "/personas/{persona_id}",
        "/health",
    }
    for op in operations:

        @settings(
            max_examples=20, deadline=None, suppress_health_check=list(HealthCheck), database=None
        )
        @given(case=op.as_strategy())
        def check(case) -> None:  # type: ignore[no-untyped-def]
            response = case.call()
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path}: {response.status_code}")

        check()
    assert not failures, failures[:5]
