"""Paths between two nodes, each hop with the seizure records that evidence it.

Breadth first from both ends at once, one statement per level
(`graph.analysis.expand`), then networkx over the part of the graph walked. Not
`shortestPath()` in Cypher: on ArcadeDB it has returned wrong results with type
alternation or filters on the way (../shared/ARCHITECTURE.md), and hubs must be
left out of the inside of a path, which a Python walk decides node by node.

Why this finds every path up to `max_hops`: the source side is walked `a` levels and
the target side `b`, with `a + b = max_hops` (or, for the shortest paths, until the
two sides meet). Every node closer than `a` to the source, or than `b` to the target,
was expanded, so on a path of length `L <= a + b` each hop starts at an expanded node
and was seen. Within the degree cap: a node with more than `PATH_DEGREE_CAP`
neighbours shows only that many, and the answer says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from itertools import islice, pairwise

import networkx as nx

from graph.analysis.expand import (
    Deadline,
    Expansion,
    attach_evidence,
    edge_key,
    expand,
    expand_anchors,
    make_edge,
    make_node,
    set_degree,
)
from graph.analysis.subgraph import GraphEdge, GraphNode, Subgraph
from graph.errors import IprgraphError
from graph.model import Label
from graph.store import GraphStore

MAX_HOPS = 8
MAX_K = 10
# Neighbours read per node while walking; more than the neighbourhood's cap, because
# a path may leave a node by any of its links.
PATH_DEGREE_CAP = 200
# Nodes a walk may reach before it stops and says so.
MAX_WALKED = 20_000
# Both ends are expanded in one statement while their frontiers hold this many
# nodes together, at most.
BOTH_ENDS_MAX_FRONTIER = 120
# `all_shortest` returns at most this many paths.
MAX_PATHS = 25

# What a path walks through unless `through_hubs`: the nodes of identity links (the
# parties of one seizure, shared addresses, phones, emails and registration numbers,
# transport documents, containers, cases; SAME_AS joins parties directly). Not
# ports, marks, agencies, jurisdictions or rights holders: infringing one famous
# mark, or passing one port, says nothing about who is behind a shipment.
PATH_LABELS: tuple[str, ...] = tuple(
    str(label)
    for label in (
        Label.PARTY,
        Label.SEIZURE,
        Label.ADDRESS,
        Label.PHONE,
        Label.EMAIL,
        Label.IDENTIFIER,
        Label.TRANSPORT_DOCUMENT,
        Label.CONTAINER,
        Label.CASE,
    )
)


class PathMode(StrEnum):
    SHORTEST = "shortest"  # one shortest path: fewest hops, then the strongest
    ALL_SHORTEST = "all_shortest"  # every path of the fewest hops (up to MAX_PATHS)
    K = "k"  # the k shortest simple paths up to max_hops, shortest first


class SameNode(IprgraphError):
    status_code = 422


@dataclass
class Path:
    nodes: list[str]  # node ids, source first
    hops: list[list[GraphEdge]]  # per hop, every relationship between its two nodes
    strength: float  # product over the hops of the strongest relationship's weight

    @property
    def length(self) -> int:
        return len(self.hops)


@dataclass
class PathsAnswer:
    source: str
    target: str
    mode: PathMode
    max_hops: int
    paths: list[Path]
    subgraph: Subgraph
    levels_walked: int
    nodes_walked: int
    truncated: bool = False
    notes: list[str] = field(default_factory=list)


class _Side:
    def __init__(self, eid: str) -> None:
        self.dist: dict[str, int] = {eid: 0}
        self.frontier: list[str] = [eid]
        self.radius = 0


def find_paths(
    store: GraphStore,
    source: str,
    target: str,
    *,
    max_hops: int = 4,
    mode: PathMode = PathMode.SHORTEST,
    k: int = 3,
    through_hubs: bool = False,
    time_limit_s: float = 10.0,
) -> PathsAnswer:
    if source == target:
        raise SameNode("source and target are the same node; a path needs two.")
    deadline = Deadline(time_limit_s)
    labels = None if through_hubs else list(PATH_LABELS)
    # Degrees are counted on the way, so that a hub is never entered: a node reached
    # from both sides is where two halves of a path meet, and it may not be a hub.
    # (Cheap here: the labels that are hubs by nature are not walked at all.)
    anchors = expand_anchors(
        store, [source, target], labels=labels, cap=PATH_DEGREE_CAP, degrees=True
    )
    source_eid, source_node = anchors[source].eid, anchors[source].node
    target_eid, target_node = anchors[target].eid, anchors[target].node
    from_source, from_target = anchors[source].expansion, anchors[target].expansion
    deadline.check("path search")
    by_eid: dict[str, GraphNode] = {source_eid: source_node, target_eid: target_node}
    edges: dict[tuple[str, str, str, object], GraphEdge] = {}
    sides = (_Side(source_eid), _Side(target_eid))
    ends = {source_eid, target_eid}
    capped = False
    walked_out = False
    hubs_skipped: set[str] = set()

    def absorb(side: _Side, expandable: list[str], expansions: dict[str, Expansion]) -> None:
        """Take one expanded level of `side` into the walk."""
        nonlocal capped, walked_out
        side.radius += 1
        next_frontier: list[str] = []
        for eid in expandable:
            expansion = expansions.get(eid)
            if expansion is None:
                continue
            here = by_eid[eid]
            set_degree(here, expansion.total)
            if here.hub and not through_hubs and eid not in ends:
                hubs_skipped.add(eid)
                continue  # more links than counted when it was reached
            if expansion.matching > len(expansion.steps):
                capped = True
            for step in expansion.steps:
                there = by_eid.get(step.eid)
                if there is None:
                    if len(by_eid) >= MAX_WALKED:
                        walked_out = True
                        continue
                    there = make_node(step.labels, step.props, step.degree)
                    by_eid[step.eid] = there
                if there.hub and not through_hubs and step.eid not in ends:
                    hubs_skipped.add(step.eid)
                    continue  # a hub is no step on the way
                edge = make_edge(step, here, there)
                edges.setdefault(edge_key(edge), edge)
                if step.eid not in side.dist:
                    side.dist[step.eid] = side.radius
                    next_frontier.append(step.eid)
        side.frontier = next_frontier

    absorb(sides[0], [source_eid], {source_eid: from_source})
    absorb(sides[1], [target_eid], {target_eid: from_target})
    met = any(eid in sides[1].dist for eid in sides[0].dist)
    while sides[0].radius + sides[1].radius < max_hops and not (met and mode != PathMode.K):
        open_sides = [side for side in sides if side.frontier]
        if not open_sides:
            break
        # Both ends a level further in one statement while their frontiers are small
        # (then the round trip costs more than the rows) and max_hops allows; else
        # the end with the smaller frontier, so a walk next to a busy node does not
        # expand it needlessly.
        small = sum(len(side.frontier) for side in open_sides) <= BOTH_ENDS_MAX_FRONTIER
        if small and len(open_sides) == 2 and sum(s.radius for s in sides) + 2 <= max_hops:
            chosen = open_sides
        else:
            chosen = [min(open_sides, key=lambda s: len(s.frontier))]
        expandable: dict[int, list[str]] = {}
        for index, side in enumerate(chosen):
            expandable[index] = []
            for eid in side.frontier:
                if by_eid[eid].hub and not through_hubs:
                    hubs_skipped.add(eid)
                    continue
                expandable[index].append(eid)
        eids = sorted({eid for group in expandable.values() for eid in group})
        expansions = expand(store, eids, labels=labels, cap=PATH_DEGREE_CAP, degrees=True)
        deadline.check("path search")
        for index, side in enumerate(chosen):
            absorb(side, expandable[index], expansions)
        met = any(eid in sides[1].dist for eid in sides[0].dist)
    levels = sides[0].radius + sides[1].radius

    graph = _projection(by_eid, edges)
    paths = _paths(graph, source_node.id, target_node.id, mode, k, max_hops)
    kept_ids = {node_id for path in paths for node_id in path.nodes}
    kept_edges = [
        edge for path in paths for hop in path.hops for edge in hop
    ]  # may repeat across paths
    unique_edges = {edge_key(edge): edge for edge in kept_edges}
    nodes_by_id = {node.id: node for node in by_eid.values()}
    attach_evidence(store, nodes_by_id, unique_edges.values())
    notes = []
    truncated = capped or walked_out
    if not paths:
        notes.append(
            f"No path of at most {max_hops} hops joins {source} and {target}"
            + ("" if through_hubs else " without passing through a hub")
            + "."
        )
    if capped:
        notes.append(
            f"Some nodes on the way have more than {PATH_DEGREE_CAP} neighbours; only that "
            "many of each were followed, so a path through the others may be missing."
        )
    if walked_out:
        notes.append(f"The walk stopped at {MAX_WALKED} nodes; paths beyond may be missing.")
    if not through_hubs:
        busy = (
            f" and neither were {len(hubs_skipped)} nodes with very many links"
            if hubs_skipped
            else ""
        )
        notes.append(
            "Paths follow identity links (parties of one seizure, shared addresses, phones, "
            "emails, registration numbers, documents, containers, cases, SAME_AS); ports, "
            f"marks, agencies and jurisdictions were not walked through{busy}. "
            "through_hubs=true walks everything."
        )
    if mode == PathMode.ALL_SHORTEST and len(paths) == MAX_PATHS:
        truncated = True
        notes.append(f"Only the first {MAX_PATHS} shortest paths are returned.")
    return PathsAnswer(
        source=source_node.id,
        target=target_node.id,
        mode=mode,
        max_hops=max_hops,
        paths=paths,
        subgraph=Subgraph(
            nodes=[nodes_by_id[node_id] for node_id in sorted(kept_ids)],
            edges=list(unique_edges.values()),
            truncated=truncated,
            omitted_nodes=0,
            notes=[],
        ),
        levels_walked=levels,
        nodes_walked=len(by_eid),
        truncated=truncated,
        notes=notes,
    )


def _projection(
    by_eid: dict[str, GraphNode], edges: dict[tuple[str, str, str, object], GraphEdge]
) -> nx.Graph:
    graph = nx.Graph()
    for edge in edges.values():
        pair = (edge.source, edge.target)
        if graph.has_edge(*pair):
            graph.edges[pair]["edges"].append(edge)
            graph.edges[pair]["weight"] = max(graph.edges[pair]["weight"], edge.weight)
        else:
            graph.add_edge(*pair, edges=[edge], weight=edge.weight)
    return graph


def _path(graph: nx.Graph, nodes: list[str]) -> Path:
    hops = []
    strength = 1.0
    for a, b in pairwise(nodes):
        data = graph.edges[a, b]
        hops.append(sorted(data["edges"], key=lambda e: -e.weight))
        strength *= data["weight"]
    return Path(nodes=nodes, hops=hops, strength=round(strength, 6))


def _paths(
    graph: nx.Graph, source: str, target: str, mode: PathMode, k: int, max_hops: int
) -> list[Path]:
    if source not in graph or target not in graph or not nx.has_path(graph, source, target):
        return []
    if mode == PathMode.K:
        found = []
        for nodes in islice(nx.shortest_simple_paths(graph, source, target), k):
            if len(nodes) - 1 > max_hops:
                break
            found.append(_path(graph, nodes))
        return sorted(found, key=lambda p: (p.length, -p.strength))
    shortest = islice(nx.all_shortest_paths(graph, source, target), MAX_PATHS * 4)
    found = sorted((_path(graph, nodes) for nodes in shortest), key=lambda p: -p.strength)
    found = [p for p in found if p.length <= max_hops]
    if mode == PathMode.SHORTEST:
        return found[:1]
    return found[:MAX_PATHS]
