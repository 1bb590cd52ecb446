"""Kill the embedded server under a running API, then bring it back.

Everything is a real process: the server, the API (`iprgraph serve`), and the CLI
that restarts the server. The API is not restarted.
"""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest

from tests.helpers import auth, cli_key, free_port, run_cli, spawn_cli, wait_for_http


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    data_dir = tmp_path / "data"
    port = free_port()
    api = spawn_cli("serve", "--port", str(port), data_dir=data_dir)
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(f"{base_url}/readyz", timeout_s=120)
        yield base_url, data_dir
    finally:
        api.terminate()
        api.wait(timeout=30)
        run_cli("db", "stop", data_dir=data_dir)


def _server_pid(data_dir: Path) -> int:
    status = run_cli("db", "status", "--json", data_dir=data_dir)
    assert status.returncode == 0, status.stderr
    uri = json.loads(status.stdout)["uri"]
    port = int(uri.rsplit(":", 1)[1])
    for conn in psutil.net_connections(kind="inet"):
        if conn.status == psutil.CONN_LISTEN and conn.laddr.port == port and conn.pid:
            return int(conn.pid)
    raise AssertionError(f"no process listens on {uri}")


def test_killed_server_gives_503_and_recovers_without_restarting_the_api(
    served: tuple[str, Path],
) -> None:
    base_url, data_dir = served
    headers = auth(cli_key(data_dir))
    with httpx.Client(base_url=base_url, timeout=30, headers=headers) as client:
        assert client.get("/readyz").status_code == 200
        assert client.get("/v1/graph/summary").status_code == 200

        pid = _server_pid(data_dir)
        os.kill(pid, signal.SIGKILL)
        psutil.Process(pid).wait(timeout=30)

        for path in ("/readyz", "/v1/graph/summary"):
            # A bound on a hang, not a benchmark: the API's retry budget is 2 s.
            answer = client.get(path, timeout=20)
            assert answer.status_code == 503, (path, answer.text)
            assert int(answer.headers["Retry-After"]) > 0
            assert "cannot be reached" in answer.json()["detail"]

        started = run_cli("db", "start", data_dir=data_dir)
        assert started.returncode == 0, started.stderr

        assert client.get("/readyz").status_code == 200
        summary = client.get("/v1/graph/summary")
        assert summary.status_code == 200
        assert summary.json()["nodes"] == 0
