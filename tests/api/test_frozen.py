"""A frozen database (its process stopped, not dead) under a running API, and a
statement stopped by the database itself at its time limit.

A server of this module's own (the session's is not disturbed): SIGSTOP freezes it,
SIGCONT wakes it up. The statement timeout of this server is short (2 s) so that a
statement runs past it quickly.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest

from api.app import create_app
from graph.config import Settings
from graph.embedded import EmbeddedServer
from graph.errors import QueryTimeout
from graph.schema import ensure_schema
from graph.store import GraphStore
from tests.factories import load_records, seizure_record
from tests.helpers import auth, new_key, serve_in_thread

STATEMENT_TIMEOUT_S = 2.0
# The API's settings under test: a stalled call is checked after 1 s, and a check
# gives the database 1 s to answer a new connection.
STALL_CHECK_S = 1.0
CONNECT_S = 1.0
# A bound on a hang, not a benchmark (BENCHMARKS.md has the figures): with the
# settings above the API answers within about 2 s; without the check it waited on
# the frozen database until it woke up.
HANG_S = 15.0


@pytest.fixture(scope="module")
def own_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedServer]:
    server = EmbeddedServer(
        tmp_path_factory.mktemp("frozen") / "embedded",
        heap="1g",
        statement_timeout_s=STATEMENT_TIMEOUT_S,
    )
    server.start()
    yield server
    info = server.running()
    if info is not None:
        # Its data is thrown away: killed, not stopped (a clean stop after the
        # freeze waited out the 30 s of its shutdown).
        os.kill(info.pid, signal.SIGCONT)
        process = psutil.Process(info.pid)
        process.kill()
        process.wait(timeout=30)
    server.stop()


def _open(server: EmbeddedServer) -> GraphStore:
    info = server.running()
    assert info is not None
    credentials = server.credentials()
    return GraphStore(
        info.uri,
        credentials.user,
        credentials.password,
        server.database,
        max_transaction_retry_time_s=0.5,
        connection_timeout_s=CONNECT_S,
        query_timeout_s=STATEMENT_TIMEOUT_S,
    )


@pytest.fixture
def own_store(own_server: EmbeddedServer) -> Iterator[GraphStore]:
    with _open(own_server) as store:
        ensure_schema(store)
        yield store


def _requests(seizure: str, party: str) -> dict[tuple[str, str], dict[str, Any]]:
    """A request that reaches the graph for each route of the API, by (method, path
    template)."""
    return {
        ("get", "/readyz"): {"url": "/readyz"},
        ("get", "/v1/graph/summary"): {"url": "/v1/graph/summary"},
        ("get", "/v1/seizures"): {"url": "/v1/seizures"},
        ("get", "/v1/seizures/{seizure_id}"): {"url": f"/v1/seizures/{seizure}"},
        ("get", "/v1/seizures/{seizure_id}/history"): {"url": f"/v1/seizures/{seizure}/history"},
        ("get", "/v1/entities"): {"url": "/v1/entities", "params": {"q": "Huaxin"}},
        ("get", "/v1/entities/{entity_id}"): {"url": f"/v1/entities/{party}"},
        ("post", "/v1/match"): {"url": "/v1/match", "json": {"queries": [{"name": "Huaxin"}]}},
        ("get", "/v1/stats/seizures"): {"url": "/v1/stats/seizures"},
        ("get", "/v1/entities/{node_id}/neighborhood"): {
            "url": f"/v1/entities/{party}/neighborhood"
        },
        ("get", "/v1/paths"): {"url": "/v1/paths", "params": {"source": party, "target": seizure}},
        ("get", "/v1/entities/{entity_id}/network"): {"url": f"/v1/entities/{party}/network"},
        ("get", "/v1/networks"): {"url": "/v1/networks"},
        ("get", "/v1/networks/{network_id}"): {"url": "/v1/networks/net:x"},
    }


# Routes that a reader's key cannot reach past its role check (403 needs no database).
_OTHER_ROLES = {("post", "/v1/judgements"), ("get", "/v1/principals"), ("post", "/v1/principals")}
_OTHER_ROLES |= {("delete", "/v1/principals/{principal_id}")}
# Routes that never read the graph.
_NO_GRAPH = {"/healthz", "/docs", "/redoc", "/openapi.json"}


def test_a_statement_past_the_time_limit_is_stopped_by_the_database(
    own_store: GraphStore,
) -> None:
    """The embedded server stops a statement at its statement timeout by itself: a
    write that ran past it is rolled back, and nothing of it appears later (were it
    still running in the database, its nodes would)."""
    own_store.write("UNWIND range(1, 2000) AS i CREATE (:SlowProbe {i: i})")
    # No client deadline here: the error is the database's (TransactionTimedOut).
    with pytest.raises(QueryTimeout):
        own_store.write(
            "MATCH (a:SlowProbe), (b:SlowProbe) WHERE a.i < b.i CREATE (:SlowMade {a: a.i, b: b.i})"
        )
    assert own_store.read("MATCH (n:SlowMade) RETURN count(n) AS n") == [{"n": 0}]
    time.sleep(STATEMENT_TIMEOUT_S)
    assert own_store.read("MATCH (n:SlowMade) RETURN count(n) AS n") == [{"n": 0}]
    own_store.write("MATCH (n:SlowProbe) DELETE n")


def test_a_frozen_database_gives_503_on_every_route_and_the_api_recovers(
    own_server: EmbeddedServer, own_store: GraphStore, tmp_path: Path
) -> None:
    record = seizure_record()
    load_records(own_store, tmp_path / "feeds", [record])
    seizure = f"{record['agency']}:{record['record_id']}"
    settings = Settings(
        data_dir=tmp_path, api_stall_check_s=STALL_CHECK_S, connection_timeout_s=CONNECT_S
    )
    key = new_key(own_store, agency="HK-CED")
    with (
        serve_in_thread(create_app(settings, store=own_store)) as base_url,
        httpx.Client(base_url=base_url, timeout=HANG_S, headers=auth(key)) as client,
    ):
        found = client.get(f"/v1/seizures/{seizure}")
        assert found.status_code == 200, found.text
        party = found.json()["parties"]["shipper"]["id"]
        requests = _requests(seizure, party)
        spec = client.get("/openapi.json").json()
        routes = {(m, p) for p, item in spec["paths"].items() for m in item if p not in _NO_GRAPH}
        # Every route is asked: those of this table as it says, any other with its
        # path's parameters filled in (its answer may be a 403, 404 or 422 that needs
        # no database, but never a hang, a 200 or a 500).
        for method, path in sorted(routes - set(requests) - _OTHER_ROLES):
            requests[(method, path)] = {"url": path.replace("{", "x").replace("}", "")}

        pid = own_server.running().pid  # type: ignore[union-attr]
        with ThreadPoolExecutor(max_workers=len(requests)) as pool:
            # Connections of the pool in use just now: the driver checks one before
            # use only after it sat idle, so these are the ones that would wait.
            for (method, _), request in requests.items():
                pool.submit(client.request, method.upper(), **request)
        os.kill(pid, signal.SIGSTOP)
        try:
            # All at once, as callers would come.
            with ThreadPoolExecutor(max_workers=len(requests)) as pool:
                asked = {
                    path: pool.submit(client.request, method.upper(), **request)
                    for (method, path), request in requests.items()
                }
                answers = {path: future.result() for path, future in asked.items()}
            # A call that came in while earlier ones still wait on the database.
            again = client.get(f"/v1/seizures/{seizure}")
        finally:
            os.kill(pid, signal.SIGCONT)

        for method, path in sorted(requests):
            answer = answers[path]
            known = (method, path) in _requests(seizure, party)
            if known:
                assert answer.status_code == 503, (path, answer.status_code, answer.text)
                assert int(answer.headers["Retry-After"]) > 0
                # Said by the check, or by the driver's own bounds (a pooled
                # connection not had in time, a handshake not answered).
                assert answer.json()["detail"].startswith("The graph database at"), answer.text
            else:
                # Answers that need no database: a role refused, a bad parameter.
                assert answer.status_code in (503, 403, 404, 422), (path, answer.text)
        assert again.status_code == 503

        # Woken up, the same API answers again, without a restart.
        deadline = time.monotonic() + 60
        while client.get("/readyz").status_code != 200 and time.monotonic() < deadline:
            time.sleep(0.5)
        assert client.get("/readyz").status_code == 200
        back = client.get(f"/v1/seizures/{seizure}")
        assert back.status_code == 200 and back.json()["id"] == seizure
