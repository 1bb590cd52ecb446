"""A push during an ingest: `POST /v1/records` while `iprgraph ingest` loads, each
at its own retry budget (the API's is short), ends in the graph of the ingest and
the pushes run one after the other, and every push is answered 200."""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from graph.embedded import EmbeddedServer
from graph.schema import ensure_schema
from graph.store import GraphStore
from ingest.generate import generate
from tests.helpers import (
    api_store,
    assert_same_graph,
    auth,
    cli_env_on,
    database_of_its_own,
    graph_fingerprint,
    networks_state,
    new_key,
    seizure_count,
    served,
    spawn_cli,
    wait_until_partly_loaded,
)

# The agency that pushes; the command line ingests the other agencies' feeds.
PUSHER = "EU-BE"
# Generated records over the seven agencies: the ingest loads about 760 of them in
# some twenty batches (each file's first batches are small, `ingest.feed`), a push
# about 10.
RECORDS = 800
PUSHES = 4


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[bytes]]:
    """A generated world: the feeds of every agency but `PUSHER` (a folder with its
    manifest, for the CLI), and `PUSHER`'s records as NDJSON batches to push. The
    agencies' records name the same world's parties, ports and marks, so that the
    pushes and the ingest write the same nodes."""
    out = tmp_path_factory.mktemp("push-world")
    generate(RECORDS, 11, out / "all")
    manifest = yaml.safe_load((out / "all" / "manifest.yaml").read_text(encoding="utf-8"))
    pushed = next(feed for feed in manifest["feeds"] if feed["agency"] == PUSHER)
    lines = (out / "all" / pushed["file"]).read_bytes().splitlines(keepends=True)
    shutil.copytree(out / "all", out / "cli")
    (out / "cli" / pushed["file"]).unlink()
    manifest["feeds"].remove(pushed)
    (out / "cli" / "manifest.yaml").write_text(yaml.safe_dump(manifest), encoding="utf-8")
    batches = [b"".join(lines[i::PUSHES]) for i in range(PUSHES)]
    return out / "cli", batches


def _push(url: str, key: str, body: bytes) -> httpx.Response:
    with httpx.Client(base_url=url, timeout=600, headers=auth(key)) as client:
        return client.post(
            "/v1/records", content=body, headers={"Content-Type": "application/x-ndjson"}
        )


def _ingested(process: subprocess.Popen[str]) -> dict[str, Any]:
    """The JSON summary of `iprgraph ingest --json` running in `process`, once it
    has ended well and its files' accounting holds."""
    stdout, stderr = process.communicate(timeout=600)
    assert process.returncode == 0, stderr
    summary: dict[str, Any] = json.loads(stdout)
    for report in summary["files"]:
        assert report["read"] == report["loaded"] + report["quarantined"] + report["unchanged"]
        assert report["failed"] is None, report["failed"]
    return summary


# Two ingests of about 760 records with resolution and networks, and eight pushes:
# about a minute on an idle machine.
@pytest.mark.timeout(600)
def test_pushes_during_an_ingest_all_answer_and_give_the_graph_of_one_after_the_other(
    embedded_server: EmbeddedServer,
    database: str,
    tmp_path: Path,
    world: tuple[Path, list[bytes]],
) -> None:
    """`iprgraph ingest` runs as a process; while it loads, another agency pushes
    over HTTP to the API served at its own short retry budget, all pushes at once,
    records whose parties the ingest names too. Every push answers 200, the ingest
    ends well, and the graph equals that of the ingest, then the pushes, one after
    the other, in a database of its own."""
    feeds, batches = world

    # One after the other, in a database of its own.
    with database_of_its_own(embedded_server) as one_by_one:
        key = new_key(one_by_one, agency=PUSHER, role="feed")
        seq_dir = tmp_path / "seq"
        cli = cli_env_on(embedded_server, one_by_one.database)
        _ingested(spawn_cli("ingest", str(feeds), "--json", data_dir=seq_dir, **cli))
        ingested = {party for party, agencies in _party_agencies(one_by_one).items() if agencies}
        with served(one_by_one, seq_dir) as url:
            for body in batches:
                answer = _push(url, key, body)
                assert answer.status_code == 200, answer.text
        expected = (graph_fingerprint(one_by_one), networks_state(one_by_one))
        # The pushes wrote parties the ingest had written: they meet on nodes.
        shared = {
            party
            for party, agencies in _party_agencies(one_by_one).items()
            if PUSHER in agencies and party in ingested
        }
        assert len(shared) >= 5, shared

    # The same, at once: the pushes while the ingest loads.
    data_dir = tmp_path / "data"
    with api_store(embedded_server, database) as store:
        ensure_schema(store)
        key = new_key(store, agency=PUSHER, role="feed")
        with served(store, data_dir) as url:
            cli = cli_env_on(embedded_server, database)
            process = spawn_cli("ingest", str(feeds), "--json", data_dir=data_dir, **cli)
            try:
                wait_until_partly_loaded(store, process)
                answers: list[tuple[int, str, int]] = []
                start = threading.Barrier(len(batches))

                def push(body: bytes) -> None:
                    start.wait()
                    answer = _push(url, key, body)
                    # How far the ingest had come when this push was answered.
                    answers.append((answer.status_code, answer.text[:300], seizure_count(store)))

                threads = [threading.Thread(target=push, args=(body,)) for body in batches]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
                summary = _ingested(process)
            finally:
                if process.poll() is None:
                    process.kill()
                    process.wait()
        assert [code for code, _, _ in answers] == [200] * len(batches), answers
        assert summary["resolution"] is not None
        # A push waits for the batch being written, not for the whole ingest: the
        # first was answered before the ingest had loaded all its records.
        ingested = sum(report["loaded"] for report in summary["files"])
        assert min(count for _, _, count in answers) < ingested, (answers, ingested)
        got = (graph_fingerprint(store), networks_state(store))
    assert_same_graph(got, expected)


def _party_agencies(store: GraphStore) -> dict[str, frozenset[str]]:
    """Every party's id and the agencies that reported it."""
    fingerprint = graph_fingerprint(store)
    return {
        node: fingerprint["provenance"][node][1]
        for node, labels in fingerprint["nodes"].items()
        if "Party" in labels
    }
