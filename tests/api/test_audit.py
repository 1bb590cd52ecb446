"""The audit: every call, refused ones too, in a hash chain that tells when it was
altered, cut or reordered, written by several API processes at once."""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.app import create_app
from api.audit import LOG_NAME, entries
from graph.config import Settings
from graph.store import GraphStore
from tests.factories import load_records, seizure_record
from tests.helpers import (
    auth,
    cli_key,
    free_port,
    new_key,
    run_cli,
    serve_in_thread,
    spawn_cli,
    wait_for_http,
)


@pytest.fixture
def served(store: GraphStore, tmp_path: Path) -> Iterator[tuple[str, Settings]]:
    load_records(store, tmp_path / "feeds", [seizure_record(record_id="A-1")])
    settings = Settings(data_dir=tmp_path / "data")
    with serve_in_thread(create_app(settings, store=store)) as base_url:
        yield base_url, settings


def logged(settings: Settings) -> list[dict[str, Any]]:
    found = [entry for _, entry in entries(settings.audit_dir)]
    assert all(entry is not None for entry in found)
    return [entry for entry in found if entry is not None]


def test_every_call_is_written_with_who_what_and_the_outcome(
    served: tuple[str, Settings], store: GraphStore
) -> None:
    base_url, settings = served
    key = new_key(store, agency="HK-CED", role="partner")
    with httpx.Client(base_url=base_url, timeout=30) as client:
        ok = client.post(
            "/v1/match", json={"queries": [{"name": "Huaxin", "country": "CN"}]}, headers=auth(key)
        )
        refused = client.get("/v1/seizures", headers=auth(key))
        unknown = client.get("/v1/seizures", headers=auth("ipr_" + "z" * 43))
        anonymous = client.get("/v1/seizures?limit=3")
        assert client.get("/healthz").status_code == 200  # a probe: not audited
    assert (ok.status_code, refused.status_code, unknown.status_code) == (200, 403, 401)
    found = logged(settings)
    assert [entry["request_id"] for entry in found] == [
        answer.headers["X-Request-Id"] for answer in (ok, refused, unknown, anonymous)
    ]
    first, second, third, fourth = found
    assert first["agency"] == "HK-CED" and first["role"] == "partner"
    assert first["principal"].startswith("prn:") and first["status"] == 200
    assert first["route"] == "/v1/match" and first["items"] == 1
    assert first["body"] == {"queries": [{"name": "Huaxin", "country": "CN"}]}
    assert second["status"] == 403 and "role partner" in second["reason"]
    assert third["status"] == 401 and third["principal"] is None
    assert third["key_prefix"] == "ipr_zzzzzzzz" and "z" * 20 not in json.dumps(third)
    assert fourth["query"] == {"limit": "3"} and fourth["status"] == 401
    assert [entry["seq"] for entry in found] == [1, 2, 3, 4]
    assert key not in settings.audit_dir.joinpath(LOG_NAME).read_text(encoding="utf-8")


def test_verify_names_the_first_altered_removed_or_reordered_entry(
    served: tuple[str, Settings], store: GraphStore, tmp_path: Path
) -> None:
    base_url, settings = served
    headers = auth(new_key(store, agency="HK-CED"))
    for number in range(6):
        httpx.get(f"{base_url}/v1/seizures", params={"limit": number + 1}, headers=headers)
    data_dir = settings.data_dir
    intact = run_cli("audit", "verify", "--json", data_dir=data_dir)
    assert intact.returncode == 0, intact.stdout
    assert json.loads(intact.stdout) == {
        "intact": True,
        "entries": 6,
        "problem": None,
        "line": None,
        "entry": None,
    }
    log = settings.audit_dir / LOG_NAME
    original = log.read_text(encoding="utf-8").splitlines(keepends=True)

    def tampered(lines: list[str]) -> dict[str, Any]:
        log.write_text("".join(lines), encoding="utf-8")
        answer = run_cli("audit", "verify", "--json", data_dir=data_dir)
        assert answer.returncode == 1, answer.stdout
        result: dict[str, Any] = json.loads(answer.stdout)
        return result

    edited = list(original)
    edited[2] = edited[2].replace('"status":200', '"status":404')
    assert "entry 3 (line 3) was altered" in tampered(edited)["problem"]
    assert "entry 4 was removed" in tampered(original[:3] + original[4:])["problem"]
    swapped = [original[0], original[2], original[1], *original[3:]]
    result = tampered(swapped)
    assert "entry 2 is out of place" in result["problem"] and "reordered" in result["problem"]
    assert "entries 6 to 6 were removed" in tampered(original[:5])["problem"]
    assert (
        "line 2 is not an audit entry"
        in tampered([original[0], "garbage\n", *original[2:]])["problem"]
    )
    log.write_text("".join(original), encoding="utf-8")
    assert run_cli("audit", "verify", data_dir=data_dir).returncode == 0


def test_show_filters_by_principal(served: tuple[str, Settings], store: GraphStore) -> None:
    base_url, settings = served
    one, two = new_key(store, agency="HK-CED"), new_key(store, agency="US-CBP")
    for key in (one, two, one):
        httpx.get(f"{base_url}/v1/seizures", headers=auth(key))
    principal = logged(settings)[0]["principal"]
    shown = run_cli("audit", "show", "--principal", principal, "--json", data_dir=settings.data_dir)
    assert shown.returncode == 0, shown.stderr
    lines = [json.loads(line) for line in shown.stdout.splitlines()]
    assert [line["seq"] for line in lines] == [1, 3]
    table = run_cli("audit", "show", data_dir=settings.data_dir)
    assert table.returncode == 0 and "GET /v1/seizures" in table.stdout


def test_a_call_whose_audit_cannot_be_written_gets_503_and_no_data(
    served: tuple[str, Settings], store: GraphStore
) -> None:
    base_url, settings = served
    headers = auth(new_key(store, agency="HK-CED"))
    seizure = f"{base_url}/v1/seizures/HK-CED:A-1"
    assert httpx.get(seizure, headers=headers).status_code == 200
    log = settings.audit_dir / LOG_NAME
    # The log's place taken by a directory: no process can append to it (root or not).
    shutil.move(log, settings.audit_dir / "moved")
    log.mkdir()
    answer = httpx.get(seizure, headers=headers)
    assert answer.status_code == 503, answer.text
    assert answer.json()["type"] == "urn:iprgraph:problem:audit-unavailable"
    assert "Huaxin" not in answer.text and "transport_mode" not in answer.text
    # A log emptied while its head says entries were written is not started again.
    log.rmdir()
    log.write_text("", encoding="utf-8")
    assert httpx.get(seizure, headers=headers).status_code == 503
    shutil.move(settings.audit_dir / "moved", log)
    assert httpx.get(seizure, headers=headers).status_code == 200


def test_two_worker_processes_write_one_intact_chain(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    key = cli_key(data_dir)
    port = free_port()
    api = spawn_cli("serve", "--port", str(port), "--workers", "2", data_dir=data_dir)
    base_url = f"http://127.0.0.1:{port}"
    statuses: list[int] = []
    try:
        wait_for_http(f"{base_url}/readyz", timeout_s=120)

        def fire(count: int) -> None:
            for number in range(count):
                # A new connection each time, so that both processes answer.
                with httpx.Client(base_url=base_url, timeout=30) as client:
                    answer = client.get(
                        "/v1/seizures", params={"limit": number % 5 + 1}, headers=auth(key)
                    )
                    statuses.append(answer.status_code)

        threads = [threading.Thread(target=fire, args=(25,)) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        api.terminate()
        api.wait(timeout=30)
        run_cli("db", "stop", data_dir=data_dir)
    assert statuses == [200] * 100
    verified = run_cli("audit", "verify", "--json", data_dir=data_dir)
    assert verified.returncode == 0, verified.stdout
    assert json.loads(verified.stdout)["entries"] == 100
    pids = {entry["pid"] for _, entry in entries(data_dir / "audit") if entry}
    assert len(pids) == 2, pids
