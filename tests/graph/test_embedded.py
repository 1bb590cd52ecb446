"""The embedded server's lifecycle, on servers of these tests' own."""

from __future__ import annotations

import os
import signal
import stat
import threading
from pathlib import Path

import psutil
import pytest

from graph.embedded import EmbeddedServer, ServerInfo
from graph.errors import EmbeddedServerError
from graph.schema import ensure_schema
from graph.store import GraphStore


def _listening_addresses(pid: int) -> set[str]:
    return {
        conn.laddr.ip
        for conn in psutil.Process(pid).net_connections(kind="inet")
        if conn.status == psutil.CONN_LISTEN
    }


def test_start_reuse_and_stop(tmp_path: Path) -> None:
    server = EmbeddedServer(tmp_path / "embedded", heap="1g")
    assert server.running() is None

    info = server.start()
    try:
        # A second start reuses the running server instead of starting another.
        assert server.start() == info
        assert server.running() == info

        # Credentials generated at first start, readable by the owner only.
        mode = stat.S_IMODE(server.layout.credentials_file.stat().st_mode)
        assert mode == 0o600
        assert stat.S_IMODE(server.layout.root.stat().st_mode) == 0o700
        credentials = server.credentials()
        assert len(credentials.password) >= 24

        # Every listener is on loopback only (Bolt, HTTP and whatever plugin).
        addresses = _listening_addresses(info.pid)
        assert addresses, "the server listens on nothing"
        assert {address.removeprefix("::ffff:") for address in addresses} == {"127.0.0.1"}

        # It speaks Bolt to the official driver.
        with GraphStore(info.uri, credentials.user, credentials.password, "iprgraph") as store:
            assert store.read("RETURN 1 AS ok") == [{"ok": 1}]
    finally:
        assert server.stop() is True
    assert server.running() is None
    # Adopted by init, so it is reaped: no zombie left behind.
    assert not psutil.pid_exists(info.pid)
    assert server.stop() is False


def test_restart_keeps_ports_credentials_and_data(tmp_path: Path) -> None:
    server = EmbeddedServer(tmp_path / "embedded", heap="1g")
    first = server.start()
    credentials = server.credentials()
    statement = "MATCH (s:Seizure {id: $id}) RETURN s.id AS id"
    # A store that lives through the restart, as the API's does, with retries long
    # enough to outlast it.
    survivor = GraphStore(
        first.uri,
        credentials.user,
        credentials.password,
        "iprgraph",
        max_transaction_retry_time_s=120,
    )
    with GraphStore(first.uri, credentials.user, credentials.password, "iprgraph") as store:
        ensure_schema(store)
        store.write("MERGE (s:Seizure {id: $id})", id="kept")
    assert survivor.read(statement, id="kept") == [{"id": "kept"}]
    # Killed, not stopped: the restart must cope with a stale server.json.
    os.kill(first.pid, signal.SIGKILL)
    psutil.Process(first.pid).wait(timeout=30)
    assert server.running() is None
    started: list[ServerInfo] = []
    restart = threading.Thread(target=lambda: started.append(server.start()))
    restart.start()
    try:
        # The server is down when this read is sent: the auto-committed read fails at
        # once, and the store runs it again in a managed transaction, which the
        # driver retries until the server is back.
        try:
            assert survivor.read(statement, id="kept") == [{"id": "kept"}]
        finally:
            restart.join(timeout=120)
            survivor.close()
        (second,) = started
        assert second.pid != first.pid
        assert (second.bolt_port, second.http_port) == (first.bolt_port, first.http_port)
        assert server.credentials() == credentials
        with GraphStore(second.uri, credentials.user, credentials.password, "iprgraph") as store:
            assert store.read(statement, id="kept") == [{"id": "kept"}]
    finally:
        server.stop()


def test_start_failure_reports_the_servers_log(tmp_path: Path) -> None:
    # A heap size the JVM refuses: the child process dies while starting.
    server = EmbeddedServer(tmp_path / "embedded", heap="lots", start_timeout_s=60)
    with pytest.raises(EmbeddedServerError, match="stopped while starting") as raised:
        server.start()
    assert "Last lines of" in raised.value.message
    assert server.running() is None


def test_credentials_before_first_start_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(EmbeddedServerError, match="never been started"):
        EmbeddedServer(tmp_path / "embedded").credentials()
