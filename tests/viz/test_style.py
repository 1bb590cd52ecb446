"""How edges are classed and drawn, and where nodes start: pure functions."""

from __future__ import annotations

import json
import math
import re

from graph.analysis.subgraph import GraphEdge, GraphNode, Subgraph
from viz import render_page
from viz.layout import initial_positions
from viz.style import EDGE_KINDS, edge_kind


def _edge(type_: str, **properties: object) -> GraphEdge:
    return GraphEdge("a", "b", type_, properties=dict(properties))


def test_edge_kinds_follow_what_the_link_says() -> None:
    assert edge_kind(_edge("SAME_AS", status="auto")) == "same_as_auto"
    assert edge_kind(_edge("SAME_AS", status="confirmed")) == "same_as_auto"
    assert edge_kind(_edge("SAME_AS", status="suggested")) == "same_as_suggested"
    assert edge_kind(_edge("SAME_AS", status="unsure")) == "same_as_suggested"
    assert edge_kind(_edge("SAME_AS", status="rejected")) == "same_as_rejected"
    assert edge_kind(_edge("IDENTITY_LINK", kinds={"phone": 1, "co_seizure": 2})) == "identity"
    assert edge_kind(_edge("IDENTITY_LINK", kinds={"co_seizure": 2})) == "co_seizure"
    assert edge_kind(_edge("IDENTITY_LINK", kinds={"container": 1})) == "weak"
    assert edge_kind(_edge("HAS_PHONE")) == "identity"
    assert edge_kind(_edge("SHIPPED_BY")) == "co_seizure"
    assert edge_kind(_edge("IN_CONTAINER")) == "weak"
    assert edge_kind(_edge("SEIZED_AT")) == "context"
    assert EDGE_KINDS["same_as_suggested"].dashes and not EDGE_KINDS["same_as_auto"].dashes


def test_a_suggested_same_as_is_drawn_dashed() -> None:
    graph = Subgraph(
        nodes=[GraphNode("a", "Party", "A"), GraphNode("b", "Party", "B")],
        edges=[GraphEdge("a", "b", "SAME_AS", 0.8, {"status": "suggested"})],
    )
    html = render_page(graph, anchor="a")
    data = json.loads(re.search(r'id="iprgraph-data">(.*?)</script>', html, re.S).group(1))
    (edge,) = data["edges"]
    assert edge["dashes"] == EDGE_KINDS["same_as_suggested"].dashes
    assert edge["k"] == "same_as_suggested"


def test_every_node_gets_a_start_and_separate_groups_start_apart() -> None:
    nodes = [f"n{i}" for i in range(40)]
    edges = [(f"n{i}", f"n{i + 1}") for i in range(19)]
    edges += [(f"n{i}", f"n{i + 1}") for i in range(20, 39)]
    positions = initial_positions(nodes, edges, roots=["n0"])
    assert set(positions) == set(nodes)
    assert len(set(positions.values())) == len(nodes)

    def centre(members: list[str]) -> tuple[float, float]:
        xs, ys = zip(*(positions[n] for n in members), strict=True)
        return sum(xs) / len(xs), sum(ys) / len(ys)

    (ax, ay), (bx, by) = centre(nodes[:20]), centre(nodes[20:])
    assert math.dist((ax, ay), (bx, by)) > 100


def test_the_anchor_hubs_and_key_players_are_marked() -> None:
    graph = Subgraph(
        nodes=[
            GraphNode("a", "Party", "A", roles=["Shipper"]),
            GraphNode("HKHKG", "Port", "Hong Kong", hub=True),
            GraphNode("c", "Party", "C"),
        ],
        edges=[GraphEdge("a", "HKHKG", "SEIZED_AT"), GraphEdge("a", "c", "SAME_AS")],
    )
    html = render_page(graph, anchor="a")
    data = json.loads(re.search(r'id="iprgraph-data">(.*?)</script>', html, re.S).group(1))
    nodes = {node["id"]: node for node in data["nodes"]}
    assert nodes["a"]["color"]["border"] == "#000000"
    assert (
        nodes["a"]["color"]["background"]
        == data["options"]["groups"]["Shipper"]["color"]["background"]
    )
    assert nodes["HKHKG"]["shapeProperties"]["borderDashes"]
    assert nodes["HKHKG"]["label"].endswith("(hub)")
    assert "color" not in nodes["c"] and nodes["c"]["group"] == "Party"
