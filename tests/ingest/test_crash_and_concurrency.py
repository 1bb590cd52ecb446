"""Crash safety and concurrent loaders: both end in the graph of one clean load."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import psutil
import pytest

from graph.analysis.networks import build_networks
from graph.config import Settings
from graph.embedded import EmbeddedServer
from graph.load import Loader
from graph.resolve.service import resolve
from graph.schema import ensure_schema
from graph.store import GraphStore
from ingest.generate import generate
from ingest.manifest import read_manifest
from tests.conftest import open_test_store
from tests.factories import seizure_record, write_ndjson
from tests.helpers import (
    graph_fingerprint,
    run_cli,
    seizure_count,
    spawn_cli,
    wait_until_partly_loaded,
)


@pytest.fixture(scope="module")
def feeds(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("crash-feeds")
    generate(1500, 3, out)
    return out


def _load_in_background(feeds: Path, data_dir: Path) -> subprocess.Popen[str]:
    return spawn_cli("ingest", str(feeds), "--json", data_dir=data_dir)


# Four loads of the corpus (the reference, two interrupted runs, the final one), each
# with entity resolution and the networks build: about 3 minutes on an idle machine.
@pytest.mark.timeout(600)
def test_killing_the_loader_or_the_database_then_rerunning_gives_the_clean_graph(
    feeds: Path, tmp_path: Path, store: GraphStore
) -> None:
    # The reference: one clean load into a database of its own, then entity
    # resolution and the networks build, as `iprgraph ingest` does (its BlockKey,
    # SAME_AS and Network nodes, their holders and links must come out the same too).
    loader = Loader(store, tmp_path / "q")
    for feed in read_manifest(feeds):
        loader.load_file(feed.path, feed.profile, agency=feed.agency)
    resolve(store)
    build_networks(store)
    clean = graph_fingerprint(store)

    data_dir = tmp_path / "data"
    assert run_cli("db", "start", data_dir=data_dir).returncode == 0
    settings = Settings(data_dir=data_dir)
    server = EmbeddedServer.from_settings(settings)
    try:
        # 1. Kill the loader in the middle of the load.
        with GraphStore.open(settings) as crashed:
            process = _load_in_background(feeds, data_dir)
            partial = wait_until_partly_loaded(crashed, process)
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
            assert partial < clean["summary"].labels["Seizure"]

        # 2. Kill the database in the middle of the next run.
        with GraphStore.open(settings) as crashed:
            before = seizure_count(crashed)
            process = _load_in_background(feeds, data_dir)
            info = server.running()
            assert info is not None
            deadline = time.monotonic() + 300
            while seizure_count(crashed) <= before + 20 and time.monotonic() < deadline:
                time.sleep(0.05)
            os.kill(info.pid, signal.SIGKILL)
            psutil.Process(info.pid).wait(timeout=30)
            _, stderr = process.communicate(timeout=120)
            assert process.returncode == 1
            assert "cannot be reached" in stderr or "error:" in stderr

        # 3. Run it again to the end: it starts the database and completes the load.
        final = run_cli("ingest", str(feeds), "--json", data_dir=data_dir, timeout=600)
        assert final.returncode == 0, final.stderr
        for report in json.loads(final.stdout)["files"]:
            assert report["read"] == report["loaded"] + report["quarantined"] + report["unchanged"]
        with GraphStore.open(settings) as recovered:
            assert graph_fingerprint(recovered) == clean
    finally:
        server.stop()


def test_two_loaders_on_overlapping_files_give_the_graph_of_one_after_the_other(
    store: GraphStore, embedded_server: EmbeddedServer, tmp_path: Path
) -> None:
    # The same records (and the same shippers, ports, marks) in both files.
    records = [
        seizure_record(
            record_id=f"OV-{i}",
            shipper={"name": f"Shenzhen Trader {i % 7} Co., Ltd.", "country": "CN"},
            consignee={"name": f"Importer {i % 5} LLC", "country": "US"},
        )
        for i in range(400)
    ]
    first = write_ndjson(tmp_path / "first.ndjson", records[:260])
    second = write_ndjson(tmp_path / "second.ndjson", records[140:])

    sequential = "t_seq_" + store.database.removeprefix("t_")
    embedded_server.create_database(sequential)
    try:
        with open_test_store(embedded_server, sequential) as one_by_one:
            ensure_schema(one_by_one)
            loader = Loader(one_by_one, tmp_path / "q1", batch_size=50)
            loader.load_file(first)
            loader.load_file(second)
            expected = graph_fingerprint(one_by_one)

        errors: list[BaseException] = []

        def load(path: Path) -> None:
            try:
                with open_test_store(embedded_server, store.database) as own:
                    Loader(own, tmp_path / "q2", batch_size=50).load_file(path)
            except BaseException as exc:  # reported below, not swallowed
                errors.append(exc)

        threads = [threading.Thread(target=load, args=(path,)) for path in (second, first)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
        assert not errors, errors
        assert graph_fingerprint(store) == expected
    finally:
        embedded_server.drop_database(sequential)
