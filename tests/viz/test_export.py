"""Exports read back by the tools' own readers: GraphML and GEXF by networkx, FtM by
the followthemoney model, i2's CSVs by the csv module against the documented
columns; every one carries the handling of the records it holds."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import networkx as nx
import pytest
from followthemoney import model as ftm_model

from graph.analysis.subgraph import Evidence, GraphEdge, GraphNode, Subgraph
from graph.answers import Answer
from ingest.csvsafe import csv_bytes, neutralise
from tests.viz.conftest import FORMULA, HOSTILE, World
from viz import ExportFormat, export, picture_of
from viz.i2 import ENTITY_COLUMNS, LINK_COLUMNS
from viz.style import edge_kind


def _nodes_and_edges(answer: Answer) -> tuple[set[str], int]:
    picture = picture_of(answer.model, **answer.picture_args)
    return {node.id for node in picture.graph.nodes}, len(picture.graph.edges)


@pytest.mark.parametrize("kind", ["network", "neighbourhood", "paths", "entity"])
def test_graphml_and_gexf_read_back_with_the_same_nodes_edges_and_attributes(
    answers: dict[str, Answer], kind: str
) -> None:
    answer = answers[kind]
    picture = picture_of(answer.model, **answer.picture_args)
    node_ids, edge_count = _nodes_and_edges(answer)
    assert node_ids, f"the {kind} answer of the world is empty"
    records = picture.records_of()
    for format_, read in (
        (ExportFormat.GRAPHML, lambda data: nx.read_graphml(io.BytesIO(data))),
        (ExportFormat.GEXF, lambda data: nx.read_gexf(io.BytesIO(data))),
    ):
        exported = export(answer.model, format_, **answer.picture_args)
        graph = read(exported.content())
        assert set(graph.nodes) == node_ids, format_
        assert graph.number_of_edges() == edge_count, format_
        for node in picture.graph.nodes:
            data = graph.nodes[node.id]
            assert data["node_type"] == node.type
            assert data["label"] == node.label
            assert data.get("jurisdiction") == node.jurisdiction
            assert int(data["seizures"]) == len(records[node.id])
        read_edges = sorted(
            (a, b, d["relationship"], round(float(d["weight"]), 6), d["kind"])
            for a, b, d in graph.edges(data=True)
        )
        model_edges = sorted(
            (e.source, e.target, e.type, round(e.weight, 6), edge_kind(e))
            for e in picture.graph.edges
        )
        assert read_edges == model_edges, format_
        assert exported.handling == picture.handling
    graphml = nx.read_graphml(
        io.BytesIO(export(answer.model, "graphml", **answer.picture_args).content())
    )
    assert graphml.graph["tlp"] == picture.handling


def test_gexf_spans_each_node_and_edge_over_its_seizure_dates(
    answers: dict[str, Answer],
) -> None:
    answer = answers["network"]
    text = export(answer.model, "gexf").content().decode("utf-8")
    assert 'mode="dynamic"' in text and 'timeformat="date"' in text
    assert "<keywords>TLP:RED</keywords>" in text
    graph = nx.read_gexf(io.BytesIO(text.encode("utf-8")))
    dated = [d for _, d in graph.nodes(data=True) if "start" in d]
    assert dated and all(d["start"] <= d["end"] for d in dated)
    assert all("start" in d for _, _, d in graph.edges(data=True))


def test_the_handling_is_the_most_restrictive_record_held(
    world: World, answers: dict[str, Answer]
) -> None:
    # The network holds the RED seizure; the hostile buyer's neighbourhood at one hop
    # holds only its own AMBER seizure.
    assert export(answers["network"].model, "ndjson").handling == "RED"
    one_hop = world.answers.neighbourhood(world.hostile, 1, None, 50, False)
    assert export(one_hop.model, "ndjson", **one_hop.picture_args).handling == "AMBER"
    exported = export(one_hop.model, "ndjson", **one_hop.picture_args)
    lines = [json.loads(line) for line in exported.content().splitlines()]
    assert lines[0]["kind"] == "meta" and lines[0]["tlp"] == "AMBER"
    assert {line["kind"] for line in lines[1:]} == {"node", "edge"}


def test_ftm_entities_are_valid_for_their_schemata(answers: dict[str, Answer]) -> None:
    for kind, answer in answers.items():
        exported = export(answer.model, "ftm", **answer.picture_args)
        entities = [json.loads(line) for line in exported.content().splitlines()]
        ids = {entity["id"] for entity in entities}
        assert entities[0]["schema"] == "Note"
        assert entities[0]["properties"]["name"] == [f"iprgraph export: TLP:{exported.handling}"]
        for data in entities:
            proxy = ftm_model.get_proxy(data, cleaned=False)
            proxy.schema.validate(data)
            for required in proxy.schema.required:
                assert proxy.get(required), (kind, data)
            for prop in proxy.schema.properties.values():
                if prop.type.name == "entity":
                    assert set(proxy.get(prop)) <= ids, (kind, prop.name, data)
        schemata = {entity["schema"] for entity in entities}
        if kind == "neighbourhood":
            assert {"LegalEntity", "Event", "UnknownLink"} <= schemata
            phones = [e for e in entities if e["properties"].get("phone")]
            assert phones, "the fronts' shared phone is a property of the parties"
        if kind == "network":
            assert "UnknownLink" in schemata
        if kind == "entity":
            assert "LegalEntity" in schemata


def test_i2_pair_has_the_documented_columns_and_no_live_formula(
    world: World, answers: dict[str, Answer]
) -> None:
    answer = world.answers.neighbourhood(world.formula, 2, None, 200, False)
    exported = export(answer.model, "i2", **answer.picture_args)
    assert exported.media_type == "application/zip"
    with zipfile.ZipFile(io.BytesIO(exported.content())) as archive:
        assert set(archive.namelist()) == {"entities.csv", "links.csv", "README.txt"}
        entities = list(csv.reader(io.StringIO(archive.read("entities.csv").decode("utf-8-sig"))))
        links = list(csv.reader(io.StringIO(archive.read("links.csv").decode("utf-8-sig"))))
        readme = archive.read("README.txt").decode("utf-8")
    assert tuple(entities[0]) == ENTITY_COLUMNS
    assert tuple(links[0]) == LINK_COLUMNS
    picture = picture_of(answer.model, **answer.picture_args)
    assert len(entities) - 1 == len(picture.graph.nodes)
    assert len(links) - 1 == len(picture.graph.edges)
    labels = {row[0]: row[2] for row in entities[1:]}
    assert labels[world.formula] == "'" + FORMULA
    assert not any(
        cell.startswith(("=", "+", "-", "@")) for row in entities + links for cell in row
    )
    assert f"TLP:{exported.handling}" in readme
    tlp = ENTITY_COLUMNS.index("TLP")
    assert {row[tlp] for row in entities[1:]} <= {"", "GREEN", "AMBER", "RED"}


def test_cytoscape_json_holds_every_element_and_the_handling(answers: dict[str, Answer]) -> None:
    answer = answers["network"]
    document = json.loads(export(answer.model, "cytoscape").content())
    node_ids, edge_count = _nodes_and_edges(answer)
    assert {n["data"]["id"] for n in document["elements"]["nodes"]} == node_ids
    assert len(document["elements"]["edges"]) == edge_count
    assert document["data"]["tlp"] == "RED"


def test_names_with_markup_and_control_characters_survive_xml() -> None:
    evidence = [Evidence("HK-CED:1", "HK-CED", "1", "2024-01-01", "AMBER")]
    graph = Subgraph(
        nodes=[
            GraphNode(id="party:a", type="Party", label=HOSTILE + "\x01\x1b"),
            GraphNode(id="HK-CED:1", type="Seizure", label="HK-CED 1", properties={}),
        ],
        edges=[GraphEdge("HK-CED:1", "party:a", "SHIPPED_BY", evidence=evidence)],
    )
    for format_ in ("graphml", "gexf"):
        data = export(graph, format_, anchor="party:a").content()
        read = nx.read_graphml if format_ == "graphml" else nx.read_gexf
        assert read(io.BytesIO(data)).nodes["party:a"]["label"] == HOSTILE


def test_a_cell_that_a_spreadsheet_reads_as_a_formula_is_quoted() -> None:
    for text in ("=1+1", "+86 755", "-2", "@SUM(A1)", "\tx", "\rx"):
        assert neutralise(text) == "'" + text
    assert neutralise("Acme =1") == "Acme =1"
    assert csv_bytes(["a", "b"], [[None, "=1"]]) == '\ufeff"a","b"\r\n"","\'=1"\r\n'.encode()


def test_an_entity_holds_every_seizure_of_its_members_read_page_by_page(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from graph import answers as view

    monkeypatch.setattr(view, "ENTITY_SEIZURES_PAGE", 1)
    answer = world.answers.entity(world.front_a)
    picture = picture_of(answer.model, **answer.picture_args)
    members = {row["id"] for row in answer.model.members}
    assert len(members) == 2, "the second spelling of the front joins its entity"
    records = picture.records_of()
    assert len(records[world.front_a]) == 2
    assert {r.tlp for r in picture.evidence()} == {"AMBER", "GREEN"}
    assert picture.handling == "AMBER"


def test_a_network_holds_every_seizure_of_its_entities(answers: dict[str, Answer]) -> None:
    answer = answers["network"]
    picture = picture_of(answer.model, **answer.picture_args)
    records = picture.records_of()
    seizures = answer.picture_args["seizures"]
    for node in picture.graph.nodes:
        # The service counts the seizures naming the entity's parties; the picture
        # holds each of them (not only the few its links cite), and its links' too.
        own = {s.id for party in node.properties["parties"] for s in seizures[party["id"]]}
        assert len(own) == node.properties["seizures"], node.label
        assert own <= {record.seizure_id for record in records[node.id]}, node.label
    bare = picture_of(answer.model)
    assert sum(map(len, bare.records_of().values())) < sum(map(len, records.values()))
