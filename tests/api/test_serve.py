"""`iprgraph serve` with several processes, run as a real process over a real graph."""

from __future__ import annotations

from pathlib import Path

import httpx
import psutil

from tests.helpers import free_port, run_cli, spawn_cli, wait_for_http

HUAXIN = {"type": "party", "name": "Huaxin Trading (Shenzhen) Co Ltd", "country": "CN"}


def _workers(api: psutil.Process) -> list[psutil.Process]:
    """The processes uvicorn started to serve (not its resource tracker)."""
    return [child for child in api.children() if "spawn_main" in " ".join(child.cmdline())]


def test_two_workers_answer_from_the_graph_and_stop_with_the_command(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    loaded = run_cli("demo", "--no-serve", data_dir=data_dir)
    assert loaded.returncode == 0, loaded.stderr
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
            with httpx.Client(base_url=base_url, timeout=30) as client:
                answer = client.post("/v1/match", json={"queries": [HUAXIN]})
            assert answer.status_code == 200, answer.text
            answers.append(answer.json()["results"][0]["candidates"][0])
        assert all(candidate["match"] for candidate in answers)
        assert len({candidate["entity_id"] for candidate in answers}) == 1
    finally:
        api.terminate()
        api.wait(timeout=30)
        run_cli("db", "stop", data_dir=data_dir)
    assert api.returncode == 0, api.stderr.read() if api.stderr else ""
    assert "2 processes" in (api.stdout.read() if api.stdout else "")
    _, alive = psutil.wait_procs(workers, timeout=10)
    assert not alive, f"workers left running: {[p.pid for p in alive]}"
