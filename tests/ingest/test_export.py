"""Export writes canonical records back; ingesting them into an empty graph
reproduces the graph (same node and relationship counts, same ids)."""

from __future__ import annotations

from pathlib import Path

from graph.access import OPERATOR
from graph.embedded import EmbeddedServer
from graph.export import canonical_records, node_ids
from graph.load import Loader
from graph.schema import ensure_schema
from graph.store import GraphStore
from graph.summary import summarise
from ingest.generate import generate
from ingest.manifest import read_manifest
from tests.conftest import open_test_store


def test_export_then_ingest_reproduces_the_graph(
    store: GraphStore, embedded_server: EmbeddedServer, tmp_path: Path
) -> None:
    feeds = tmp_path / "feeds"
    generate(400, 5, feeds)
    loader = Loader(store, tmp_path / "q")
    for feed in read_manifest(feeds):
        loader.load_file(feed.path, feed.profile, agency=feed.agency)
    exported = tmp_path / "export.ndjson"
    # More than one page of the export query.
    records = list(canonical_records(store))
    exported.write_text("".join(record + "\n" for record in records), encoding="utf-8")
    assert len(records) == summarise(store, OPERATOR).labels["Seizure"]

    copy = "t_copy_" + store.database.removeprefix("t_")
    embedded_server.create_database(copy)
    try:
        with open_test_store(embedded_server, copy) as rebuilt:
            ensure_schema(rebuilt)
            report = Loader(rebuilt, tmp_path / "q2").load_file(exported)
            assert (report.loaded, report.quarantined) == (len(records), 0)
            assert summarise(rebuilt, OPERATOR) == summarise(store, OPERATOR)
            assert node_ids(rebuilt) == node_ids(store)
    finally:
        embedded_server.drop_database(copy)
