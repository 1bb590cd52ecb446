"""The API over real HTTP, on a database of the test's own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api.app import create_app
from graph.access import OPERATOR
from graph.config import Settings
from graph.embedded import EmbeddedServer
from graph.model import RECORD_LABELS
from graph.schema import ensure_schema
from graph.store import GraphStore
from graph.summary import summarise
from tests.conftest import open_test_store
from tests.factories import load_records, seizure_record
from tests.helpers import api_without_database, keyed_api


@pytest.fixture
def api(store: GraphStore, tmp_path: Path) -> Iterator[httpx.Client]:
    with keyed_api(create_app(Settings(data_dir=tmp_path), store=store), store) as client:
        yield client


def test_health_and_readiness(api: httpx.Client, store: GraphStore) -> None:
    assert api.get("/healthz").json() == {"status": "ok"}
    ready = api.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "database": store.uri}


def test_graph_summary_counts_what_the_caller_may_see(
    api: httpx.Client, store: GraphStore, embedded_server: EmbeddedServer, tmp_path: Path
) -> None:
    """US-CBP counts what the record released to it says and nothing of the one Macao
    kept (AMBER, released to nobody), not even the nodes both share: exactly what
    the graph of the released record alone holds."""
    released = seizure_record(record_id="R-1")
    kept = seizure_record(
        record_id="K-1",
        agency="MO-CS",
        handling={"tlp": "AMBER", "releasable_to": []},
        shipper={"name": "Kept Secret Trading Ltd", "country": "MO", "phone": "+853 2899 0000"},
    )
    load_records(store, tmp_path / "both", [released, kept])
    alone = "t_alone_" + store.database.removeprefix("t_")
    embedded_server.create_database(alone)
    try:
        with open_test_store(embedded_server, alone) as other:
            ensure_schema(other)
            load_records(other, tmp_path / "alone", [released])
            expected = summarise(other, OPERATOR)
    finally:
        embedded_server.drop_database(alone)
    # What the records of that graph hold (the operator counts iprgraph's own
    # bookkeeping too, such as the statistics' kept totals).
    records = {k: v for k, v in expected.labels.items() if k in {x.value for x in RECORD_LABELS}}
    body = api.get("/v1/graph/summary").json()
    assert (body["nodes"], body["relationships"]) == (sum(records.values()), expected.relationships)
    assert {row["label"]: row["count"] for row in body["labels"]} == records
    # The operator counts it all, and iprgraph's own nodes (the test's principal).
    everything = summarise(store, OPERATOR)
    assert everything.nodes > body["nodes"] and everything.labels["Principal"] == 1


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
