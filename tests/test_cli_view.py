"""`iprgraph view` and `iprgraph export` as processes, on the world of
tests/viz/conftest.py ingested through the CLI."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest

from tests.factories import write_ndjson
from tests.graph.test_networks import FRONT_B, pid
from tests.helpers import run_cli
from tests.viz.conftest import HOSTILE, world_records
from viz.i2 import ENTITY_COLUMNS

FRONT = pid(FRONT_B["name"])


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    data = tmp_path_factory.mktemp("data")
    feed = write_ndjson(data / "world.ndjson", world_records())
    ingested = run_cli("ingest", str(feed), data_dir=data, timeout=600)
    assert ingested.returncode == 0, ingested.stderr
    yield data
    run_cli("db", "stop", data_dir=data)


def test_view_writes_each_kind_of_page(data_dir: Path, tmp_path: Path) -> None:
    hostile = pid(HOSTILE, "US")
    for args in (
        ["network", FRONT],
        ["neighbourhood", hostile, "--depth", "2"],
        ["paths", hostile, FRONT, "--max-hops", "6"],
        ["entity", FRONT],
    ):
        out = tmp_path / f"{args[0]}.html"
        result = run_cli("view", *args, "--out", str(out), data_dir=data_dir)
        assert result.returncode == 0, result.stderr
        html = out.read_text(encoding="utf-8")
        assert "connect-src 'none'" in html
        assert 'id="iprgraph-data"' in html
        assert "<script>alert" not in html
    assert "TLP:RED" in (tmp_path / "network.html").read_text(encoding="utf-8")


def test_export_formats_of_a_network_and_an_entity(data_dir: Path, tmp_path: Path) -> None:
    graphml = tmp_path / "network.graphml"
    result = run_cli(
        "export", str(graphml), "--format", "graphml", "--network", FRONT, data_dir=data_dir
    )
    assert result.returncode == 0, result.stderr
    assert "TLP:RED" in result.stdout
    graph = nx.read_graphml(graphml)
    assert FRONT in graph and graph.graph["tlp"] == "RED"
    folder = tmp_path / "i2"
    result = run_cli("export", str(folder), "--format", "i2", "--entity", FRONT, data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    header = next(csv.reader(io.StringIO((folder / "entities.csv").read_text("utf-8-sig"))))
    assert tuple(header) == ENTITY_COLUMNS
    assert (folder / "links.csv").exists() and (folder / "README.txt").exists()


def test_export_without_a_scope_is_the_whole_graph_in_ndjson_only(
    data_dir: Path, tmp_path: Path
) -> None:
    refused = run_cli("export", str(tmp_path / "x.gexf"), "--format", "gexf", data_dir=data_dir)
    assert refused.returncode == 1
    assert "needs a scope" in refused.stderr
    records = tmp_path / "all.ndjson"
    result = run_cli("export", str(records), data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    assert len(records.read_text(encoding="utf-8").splitlines()) == len(world_records())
    two = run_cli(
        "export", str(tmp_path / "y"), "--network", FRONT, "--entity", FRONT, data_dir=data_dir
    )
    assert two.returncode == 1 and "Give one scope" in two.stderr
