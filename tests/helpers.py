"""Test helpers: the API served over real HTTP, the CLI run as a real process."""

from __future__ import annotations

import contextlib
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import uvicorn
from fastapi import FastAPI

if TYPE_CHECKING:
    from graph.embedded import EmbeddedServer
    from graph.store import GraphStore

REPO = Path(__file__).resolve().parent.parent
IPRGRAPH = [sys.executable, "-m", "api.cli"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def serve_in_thread(app: FastAPI) -> Iterator[str]:
    """Serve `app` with uvicorn on a free loopback port; yield its base URL."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base_url = f"http://127.0.0.1:{port}"
    wait_for_http(f"{base_url}/healthz")
    try:
        yield base_url
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def new_key(store: Any, *, agency: str = "US-CBP", role: str = "investigator") -> str:
    """A fresh principal's key (a real principal, stored in the test's graph)."""
    from graph.principals import create_principal

    return create_principal(store, name=f"test {role} of {agency}", agency=agency, role=role).key


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@contextlib.contextmanager
def keyed_api(
    app: FastAPI, store: Any, *, agency: str = "US-CBP", role: str = "investigator"
) -> Iterator[httpx.Client]:
    """`app` served over HTTP, and a client holding the key of a new principal of
    `agency` and `role` (US-CBP: the default test records are releasable to it)."""
    key = new_key(store, agency=agency, role=role)
    with (
        serve_in_thread(app) as base_url,
        httpx.Client(base_url=base_url, timeout=30, headers=auth(key)) as client,
    ):
        yield client


def form_token(html: str) -> str:
    """The cross-site token a workspace page's form carries."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None, html
    return found.group(1)


@contextlib.contextmanager
def workspace_client(base_url: str, key: str) -> Iterator[httpx.Client]:
    """A client signed in to the web workspace at `base_url` with `key`, through its
    sign-in form (its cross-site token and cookie), as a browser signs in."""
    with httpx.Client(base_url=base_url, timeout=60) as client:
        form = client.get("/signin")
        assert form.status_code == 200, form.text
        signed = client.post("/signin", data={"key": key, "csrf_token": form_token(form.text)})
        assert signed.status_code == 303 and signed.headers["location"] == "/", signed.text
        yield client


def wait_for_http(url: str, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(url, timeout=2.0).status_code < 500:
                return
        time.sleep(0.1)
    raise AssertionError(f"{url} did not answer within {timeout_s} s")


def cli_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IPRGRAPH_")}
    env["IPRGRAPH_DATA_DIR"] = str(data_dir)
    # The tests' servers are small; keep the JVM heap small too.
    env["IPRGRAPH_EMBEDDED_HEAP"] = "1g"
    env["COLUMNS"] = "200"
    env.update(extra)
    return env


def run_cli(
    *args: str, data_dir: Path, timeout: float = 180.0, **extra_env: str
) -> subprocess.CompletedProcess[str]:
    """Run `iprgraph ARGS` as a process, the way a person or a script does."""
    return subprocess.run(
        [*IPRGRAPH, *args],
        cwd=REPO,
        env=cli_env(data_dir, **extra_env),
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        check=False,
    )


def cli_key(data_dir: Path, *, agency: str = "HK-CED", role: str = "investigator") -> str:
    """A new principal's key, made by `iprgraph principals create` as an operator would."""
    made = run_cli(
        "principals",
        "create",
        "--agency",
        agency,
        "--role",
        role,
        "--name",
        f"test {role}",
        "--json",
        data_dir=data_dir,
    )
    assert made.returncode == 0, made.stderr
    key: str = json.loads(made.stdout)["key"]
    return key


def spawn_cli(*args: str, data_dir: Path, **extra_env: str) -> subprocess.Popen[str]:
    """Start `iprgraph ARGS` as a background process (output captured)."""
    return subprocess.Popen(
        [*IPRGRAPH, *args],
        cwd=REPO,
        env=cli_env(data_dir, **extra_env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def cli_env_on(server: EmbeddedServer, database: str) -> dict[str, str]:
    """The variables that point a process of the CLI at `database` of the running
    embedded `server` (the test session's), as at a Neo4j server: its data directory
    (quarantine, the pipeline's lock file) stays its own."""
    info = server.running()
    assert info is not None, "the embedded server is not running"
    credentials = server.credentials()
    return {
        "IPRGRAPH_NEO4J_URI": info.uri,
        "IPRGRAPH_NEO4J_USER": credentials.user,
        "IPRGRAPH_NEO4J_PASSWORD": credentials.password,
        "IPRGRAPH_NEO4J_DATABASE": database,
    }


@contextlib.contextmanager
def api_without_database() -> Iterator[httpx.Client]:
    """A client of the API served over a store whose database is not there."""
    from api.app import create_app
    from graph.config import Settings
    from graph.store import GraphStore

    store = GraphStore(
        f"bolt://127.0.0.1:{free_port()}",
        "root",
        "x",
        "iprgraph",
        max_transaction_retry_time_s=0.5,
        connection_timeout_s=1.0,
    )
    # A key that looks like one: checking it needs the database, which is away.
    headers = auth("ipr_" + "x" * 43)
    try:
        with (
            tempfile.TemporaryDirectory() as data_dir,
            serve_in_thread(create_app(Settings(data_dir=Path(data_dir)), store=store)) as base_url,
            httpx.Client(base_url=base_url, timeout=30, headers=headers) as client,
        ):
            yield client
    finally:
        store.close()


def generate_and_ingest(data_dir: Path, records: int, seed: int) -> tuple[Path, dict[str, Any]]:
    """Generate a corpus into `data_dir/feeds` and ingest it through the CLI (with
    resolution and the networks build); the feeds folder and ingest's JSON summary."""
    feeds = data_dir / "feeds"
    generated = run_cli(
        "generate",
        "--records",
        str(records),
        "--seed",
        str(seed),
        "--out",
        str(feeds),
        data_dir=data_dir,
    )
    assert generated.returncode == 0, generated.stderr
    ingested = run_cli("ingest", str(feeds), "--json", data_dir=data_dir, timeout=600)
    assert ingested.returncode == 0, ingested.stderr
    summary: dict[str, Any] = json.loads(ingested.stdout)
    return feeds, summary


def api_store(server: EmbeddedServer, database: str) -> GraphStore:
    """A store on `database` of the embedded `server` with the API's own retry budget
    (`api_transaction_retry_time_s`, shorter than the loader's), as `iprgraph serve`
    opens it: what pushes met beside other loads at scale."""
    from graph.config import Settings
    from graph.store import GraphStore

    info = server.running()
    assert info is not None, "the embedded server is not running"
    credentials = server.credentials()
    return GraphStore(
        info.uri,
        credentials.user,
        credentials.password,
        database,
        max_transaction_retry_time_s=Settings().api_transaction_retry_time_s,
    )


@contextlib.contextmanager
def database_of_its_own(server: EmbeddedServer) -> Iterator[GraphStore]:
    """A database of the session's `server` for one run alone, with its schema, as
    the API opens one (`api_store`); dropped after."""
    from graph.schema import ensure_schema

    name = "t_seq_" + uuid.uuid4().hex[:10]
    server.create_database(name)
    try:
        with api_store(server, name) as store:
            ensure_schema(store)
            yield store
    finally:
        server.drop_database(name)


def served(store: GraphStore, data_dir: Path) -> contextlib.AbstractContextManager[str]:
    """The API on `store`, with `data_dir` its own, served in a thread; its base URL."""
    from api.app import create_app
    from graph.config import Settings

    return serve_in_thread(create_app(Settings(data_dir=data_dir), store=store))


# --- Comparing graphs: concurrent runs against the same runs one after the other ---


def graph_fingerprint(store: GraphStore) -> dict[str, Any]:
    """What two graphs must share to be the same: counts, every node with its labels,
    every relationship, every node's provenance, and the entity-resolution block keys
    with their holders."""
    from graph.access import OPERATOR
    from graph.export import node_ids, node_provenance, relationship_keys
    from graph.resolve.service import key_holders
    from graph.summary import summarise

    nodes = node_ids(store)
    keys = key_holders(store, [node for node, labels in nodes.items() if "BlockKey" in labels])
    return {
        "summary": summarise(store, OPERATOR),
        "nodes": nodes,
        "relationships": relationship_keys(store),
        "provenance": node_provenance(store),
        "block_keys": {key: (count, sorted(holders)) for key, (count, holders) in keys.items()},
    }


def assert_same_graph(got: tuple[Any, Any], expected: tuple[Any, Any]) -> None:
    """Two graphs, each as (`graph_fingerprint`, `networks_state`), are the same but
    for their principals (each graph holds keys of its own); a failure names the
    part that differs and a few of its differences."""
    fingerprints = [dict(got[0]), dict(expected[0])]
    for fingerprint in fingerprints:
        for part in ("nodes", "provenance"):
            fingerprint[part] = {
                node: value
                for node, value in fingerprint[part].items()
                if not node.startswith("prn:")
            }
    mine, theirs = fingerprints
    for part, value in mine.items():
        assert value == theirs[part], (part, differences(value, theirs[part]))
    assert got[1] == expected[1], ("networks", differences(got[1], expected[1]))


def networks_state(store: GraphStore) -> dict[str, Any]:
    """Every party's network and the views it is in."""
    from graph.analysis.networks.projection import pull

    return {pid: (row["network"], row["views"]) for pid, row in pull(store).parties.items()}


def differences(got: Any, expected: Any) -> Any:
    """What differs between two parts of a fingerprint: for mappings, the keys whose
    values differ (a few), with both values."""
    if isinstance(got, dict) and isinstance(expected, dict):
        keys = sorted(k for k in {*got, *expected} if got.get(k) != expected.get(k))
        return {k: (got.get(k), expected.get(k)) for k in keys[:5]}
    return (got, expected)


def seizure_count(store: GraphStore) -> int:
    from graph.access import OPERATOR
    from graph.summary import summarise

    count: int = summarise(store, OPERATOR).labels.get("Seizure", 0)
    return count


def wait_until_partly_loaded(
    store: GraphStore, process: subprocess.Popen[str], at_least: int = 50
) -> int:
    """Wait until a load running in `process` has `at_least` seizures in the graph
    (and has not ended); their number."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        count = seizure_count(store)
        if count >= at_least:
            return count
        assert process.poll() is None, "the load ended before it was partly done"
        time.sleep(0.05)
    raise AssertionError("the load did not start")
