"""Shared fixtures: one embedded graph server for the session, a database per test.

Real database always: the session starts the embedded server (ArcadeDB over Bolt)
in a temporary data directory; each test that asks for `store` gets a database of
its own, created empty with the schema and dropped afterwards.

The session also records every statement sent through a GraphStore; when the whole
suite runs, a statement of `graph/queries.py` that no test ran fails the run.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from graph import queries
from graph.embedded import EmbeddedServer
from graph.schema import ensure_schema
from graph.store import GraphStore, Tx

_EXECUTED: set[str] = set()

# Property tests: the same examples on every run by default, so a run of the suite
# (and CI) is repeatable, and no per-example deadline, because a deadline is a
# timing assertion on a shared 2-core machine. `HYPOTHESIS_PROFILE=explore` draws
# fresh examples each run to hunt for new counterexamples.
settings.register_profile("repeatable", derandomize=True, deadline=None)
settings.register_profile("explore", deadline=None, max_examples=500)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

# The suite calls heavy routes (pictures, exports, paths) far faster than a person:
# the API's per-principal limits are out of its way, except where a test sets them
# (tests/api/test_limits.py). Processes of the CLI start without IPRGRAPH_ variables.
os.environ.setdefault("IPRGRAPH_API_HEAVY_CONCURRENT", "64")
os.environ.setdefault("IPRGRAPH_API_HEAVY_PER_MINUTE", "10000")


def _record(original):  # type: ignore[no-untyped-def]
    def wrapper(self, query, *args, **kwargs):  # type: ignore[no-untyped-def]
        _EXECUTED.add(query)
        return original(self, query, *args, **kwargs)

    return wrapper


# Observation only: the statements still run against the real server. `read` runs
# its statement itself (auto-committed); `write` goes through `_execute`.
GraphStore.read = _record(GraphStore.read)  # type: ignore[method-assign]
GraphStore._execute = _record(GraphStore._execute)  # type: ignore[method-assign]
Tx.run = _record(Tx.run)  # type: ignore[method-assign]


@pytest.fixture(scope="session")
def embedded_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedServer]:
    server = EmbeddedServer(tmp_path_factory.mktemp("data") / "embedded", heap="1g")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def database(embedded_server: EmbeddedServer) -> Iterator[str]:
    """A fresh, empty database on the session's server; dropped after the test."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    embedded_server.create_database(name)
    yield name
    embedded_server.drop_database(name)


def open_test_store(server: EmbeddedServer, database: str) -> GraphStore:
    info = server.running()
    assert info is not None, "the session's embedded server is not running"
    credentials = server.credentials()
    return GraphStore(info.uri, credentials.user, credentials.password, database)


@pytest.fixture
def store(embedded_server: EmbeddedServer, database: str) -> Iterator[GraphStore]:
    """A store on a database of this test's own, with the schema created."""
    with open_test_store(embedded_server, database) as graph_store:
        ensure_schema(graph_store)
        yield graph_store


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail a full run in which some statement of graph/queries.py never ran."""
    if exitstatus != 0 or session.config.option.keyword or session.config.option.markexpr:
        return
    args = [str(arg) for arg in session.config.args]
    if any(
        arg not in ("tests", "tests/", str(Path(session.config.rootpath) / "tests")) for arg in args
    ):
        return  # only part of the suite was asked for
    never_run = {name for name, text in queries.all_queries().items() if text not in _EXECUTED}
    if never_run:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(
                "These statements of graph/queries.py ran in no test: "
                + ", ".join(sorted(never_run)),
                red=True,
            )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


# Headless Chromium (Debian's, which `make test` installs), one for the session,
# started only by the tests that ask for it. Flags: no sandbox (root in CI), no GPU,
# and none of Chromium's own background requests, which this closed network refuses.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # A name that is not loopback-looking for the API under test (Swagger UI skips
    # its online validator only for localhost and 127.0.0.1).
    "--host-resolver-rules=MAP iprgraph.test 127.0.0.1",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    executable = os.environ.get("IPRGRAPH_CHROMIUM", "/usr/bin/chromium")
    if not Path(executable).exists():
        pytest.fail(
            f"The browser tests need Chromium at {executable}; 'make test' installs Debian's "
            "chromium (or set IPRGRAPH_CHROMIUM)."
        )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
