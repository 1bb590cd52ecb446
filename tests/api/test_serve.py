"""`iprgraph serve` with several processes, run as a real process over a real graph."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import psutil

from api.workspace.sessions import SESSION_COOKIE
from tests.helpers import (
    auth,
    cli_key,
    form_token,
    free_port,
    run_cli,
    spawn_cli,
    wait_for_http,
    workspace_client,
)

HUAXIN = {"type": "party", "name": "Huaxin Trading (Shenzhen) Co Ltd", "country": "CN"}


def _workers(api: psutil.Process) -> list[psutil.Process]:
    """The processes uvicorn started to serve (not its resource tracker)."""
    return [child for child in api.children() if "spawn_main" in " ".join(child.cmdline())]


def test_two_workers_answer_from_the_graph_and_stop_with_the_command(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    loaded = run_cli("demo", "--no-serve", data_dir=data_dir)
    assert loaded.returncode == 0, loaded.stderr
    # Hong Kong sees its own record of Huaxin and those released to it.
    headers = auth(cli_key(data_dir, agency="HK-CED"))
    port = free_port()
    api = spawn_cli("serve", "--port", str(port), "--workers", "2", data_dir=data_dir)
    base_url = f"http://127.0.0.1:{port}"
    workers: list[psutil.Process] = []
    try:
        wait_for_http(f"{base_url}/readyz", timeout_s=120)
        workers = _workers(psutil.Process(api.pid))
        assert len(workers) == 2
        # A new connection per request, so that the processes share them; every
        # answer must find the party in the graph.
        answers = []
        for _ in range(20):
            with httpx.Client(base_url=base_url, timeout=30, headers=headers) as client:
                answer = client.post("/v1/match", json={"queries": [HUAXIN]})
            assert answer.status_code == 200, answer.text
            answers.append(answer.json()["results"][0]["candidates"][0])
        assert all(candidate["match"] for candidate in answers)
        assert len({candidate["entity_id"] for candidate in answers}) == 1
        # The demo's story holds in Hong Kong's view too: the network behind Huaxin,
        # bound by the email its Hong Kong consignee writes, over the records HK sees.
        with httpx.Client(base_url=base_url, timeout=30, headers=headers) as client:
            networks = client.get("/v1/networks").json()["items"]
        assert [n["label"] for n in networks] == ["Shenzhen Huaxin Trading Co., Ltd."]
        assert {"CN", "HK", "MO"} <= set(networks[0]["jurisdictions"])
        assert "US" not in networks[0]["jurisdictions"]  # CBP's record is not released to HK
        # A workspace session made in one process holds in the other (sessions are
        # files in the data directory), and signing out ends it in both.
        with workspace_client(base_url, headers["Authorization"].removeprefix("Bearer ")) as web:
            session = {SESSION_COOKIE: web.cookies[SESSION_COOKIE]}
            for _ in range(10):
                with httpx.Client(base_url=base_url, timeout=30, cookies=session) as client:
                    assert client.get("/").status_code == 200
            out = web.post("/signout", data={"csrf_token": form_token(web.get("/").text)})
            assert out.status_code == 303
            for _ in range(10):
                with httpx.Client(base_url=base_url, timeout=30, cookies=session) as client:
                    assert client.get("/").status_code == 303
    finally:
        api.terminate()
        api.wait(timeout=30)
        run_cli("db", "stop", data_dir=data_dir)
    assert api.returncode == 0, api.stderr.read() if api.stderr else ""
    assert "2 processes" in (api.stdout.read() if api.stdout else "")
    _, alive = psutil.wait_procs(workers, timeout=10)
    assert not alive, f"workers left running: {[p.pid for p in alive]}"


def test_a_revoked_key_stops_at_once_in_every_worker(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    key = cli_key(data_dir, agency="HK-CED")
    listed = run_cli("principals", "list", "--json", data_dir=data_dir)
    [principal] = json.loads(listed.stdout)
    assert "key" not in principal and key not in listed.stdout
    port = free_port()
    api = spawn_cli("serve", "--port", str(port), "--workers", "2", data_dir=data_dir)
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(f"{base_url}/readyz", timeout_s=120)

        def statuses() -> set[int]:
            found = set()
            for _ in range(12):  # new connections: both processes answer
                with httpx.Client(base_url=base_url, timeout=30, headers=auth(key)) as client:
                    found.add(client.get("/v1/seizures").status_code)
            return found

        assert statuses() == {200}
        revoked = run_cli("principals", "revoke", principal["id"], data_dir=data_dir)
        assert revoked.returncode == 0, revoked.stderr
        assert statuses() == {401}
    finally:
        api.terminate()
        api.wait(timeout=30)
        run_cli("db", "stop", data_dir=data_dir)
