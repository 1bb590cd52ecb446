"""The API over real HTTP, on a database of the test's own."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from api.app import create_app
from graph.config import Settings
from graph.store import GraphStore
from tests.helpers import api_without_database, serve_in_thread


@pytest.fixture
def api(store: GraphStore) -> Iterator[httpx.Client]:
    with (
        serve_in_thread(create_app(Settings(), store=store)) as base_url,
        httpx.Client(base_url=base_url, timeout=30) as client,
    ):
        yield client


def test_health_and_readiness(api: httpx.Client, store: GraphStore) -> None:
    assert api.get("/healthz").json() == {"status": "ok"}
    ready = api.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "database": store.uri}


def test_graph_summary_counts(api: httpx.Client, store: GraphStore) -> None:
    store.write("MERGE (s:Seizure {id: $id})", id="HK-CED:1")
    store.write("MERGE (a:Agency {id: $id})", id="HK-CED")
    body = api.get("/v1/graph/summary").json()
    assert body["nodes"] == 2
    assert body["relationships"] == 0
    assert {row["label"]: row["count"] for row in body["labels"]} == {"Seizure": 1, "Agency": 1}


def test_openapi_documents_the_routes(api: httpx.Client) -> None:
    spec = api.get("/openapi.json").json()
    assert {"/healthz", "/readyz", "/v1/graph/summary"} <= set(spec["paths"])
    assert "503" in spec["paths"]["/readyz"]["get"]["responses"]
    docs = api.get("/docs")
    assert docs.status_code == 200
    assert "swagger" in docs.text.lower()


def test_unreachable_database_gives_503_with_retry_after() -> None:
    with api_without_database() as client:
        for path in ("/readyz", "/v1/graph/summary"):
            answer = client.get(path)
            assert answer.status_code == 503, path
            assert answer.headers["Retry-After"] == "5"
            assert answer.json()["detail"].startswith("The graph database at bolt://127.0.0.1:")
        assert client.get("/healthz").status_code == 200
