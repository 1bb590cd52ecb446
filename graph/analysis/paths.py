"""Paths between two nodes, each hop with the seizure records that evidence it.

Breadth first from both ends at once, one statement per level
(`graph.analysis.expand.walk`), then networkx over the part of the graph walked. The
walk decides on element ids, relationship types, labels and degrees alone; the
properties of nodes and relationships are read once, for the paths found
(`hop_details`): a walk sees a hundred neighbours or more, a path has a handful. Not
`shortestPath()` in Cypher: on ArcadeDB it has returned wrong results with type
alternation or filters on the way (docs/architecture.md), and hubs must be
left out of the inside of a path, which a Python walk decides node by node.

Why this finds every path up to `max_hops`: the source side is walked `a` levels and
the target side `b`, with `a + b = max_hops` (or, for the shortest paths, until the
two sides meet). Every node closer than `a` to the source, or than `b` to the target,
was expanded, so on a path of length `L <= a + b` each hop starts at an expanded node
and was seen. Within the degree cap: a node with more than `PATH_DEGREE_CAP`
neighbours shows only that many, and the answer says so.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import islice, pairwise
from typing import Any, NamedTuple

import networkx as nx

from graph.access import Viewer
from graph.analysis.expand import (
    Deadline,
    WalkExpansion,
    attach_evidence,
    edge_weight,
    hop_details,
    is_hub,
    make_node,
    present,
    type_of,
    walk,
    walk_anchors,
)
from graph.analysis.subgraph import GraphEdge, GraphNode, Subgraph
from graph.errors import InvalidInput
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
# A level whose nodes have at most this many relationships together (their degrees,
# all known) is expanded by the faster statement (`path_step_query(bounded=True)`).
BOUNDED_ROWS = 10_000
# A level does not count the degrees of the nodes the walk has seen, while they are
# at most this many (the statement is sent the element ids of all of them).
KNOWN_MAX = 2_000

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


class SameNode(InvalidInput):
    def __init__(self, message: str) -> None:
        super().__init__(message, parameter="target")


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


class _Walked:
    """A node the walk reached: what deciding needs (its type, degree, whether a hub)."""

    __slots__ = ("degree", "hub", "id", "type")

    def __init__(self, node_id: str, node_type: str, degree: int | None) -> None:
        self.id = node_id
        self.type = node_type
        self.degree = degree
        self.hub = is_hub(node_type, degree)

    def set_degree(self, degree: int | None) -> None:
        self.degree = degree
        self.hub = is_hub(self.type, degree)


class _Link(NamedTuple):
    """A relationship the walk followed; its properties are read if a path keeps it."""

    source: str  # node ids, in the relationship's direction
    target: str
    type: str
    weight: float
    seq: Any
    rid: str  # element ids: the relationship's, of the node expanded, of the other
    here: str
    there: str


def _link_key(link: _Link) -> tuple[str, str, str, Any]:
    return (link.source, link.type, link.target, link.seq)


def _hop(link: _Link, by_eid: dict[str, _Walked]) -> tuple[str, str, str]:
    """The ends and the relationship of `link` (element ids) for `hop_details`, which
    looks the relationship up among those of the first end: the one with fewer."""
    here, there = by_eid[link.here].degree, by_eid[link.there].degree
    if here is not None and (there is None or here <= there):
        return (link.here, link.there, link.rid)
    return (link.there, link.here, link.rid)


_TYPES: dict[tuple[str, ...], str] = {}


def _type_of(labels: list[str]) -> str:
    """`type_of`, remembered per set of labels (a walk sees a few, many times)."""
    key = tuple(labels)
    found = _TYPES.get(key)
    if found is None:
        found = _TYPES[key] = type_of(labels)
    return found


@dataclass
class _Route:
    nodes: list[str]
    hops: list[list[_Link]]
    strength: float


def find_paths(
    store: GraphStore,
    viewer: Viewer,
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
    anchors = walk_anchors(store, viewer, [source, target], labels=labels, cap=PATH_DEGREE_CAP)
    source_eid, target_eid = anchors[source].eid, anchors[target].eid
    from_source, from_target = anchors[source].expansion, anchors[target].expansion
    deadline.check("path search")
    by_eid: dict[str, _Walked] = {
        anchor.eid: _Walked(node_id, type_of(anchor.labels), anchor.expansion.total)
        for node_id, anchor in ((source, anchors[source]), (target, anchors[target]))
    }
    links: dict[tuple[str, str, str, Any], _Link] = {}
    sides = (_Side(source_eid), _Side(target_eid))
    ends = {source_eid, target_eid}
    capped = False
    walked_out = False
    hubs_skipped: set[str] = set()

    def absorb(side: _Side, expandable: list[str], expansions: dict[str, WalkExpansion]) -> None:
        """Take one expanded level of `side` into the walk."""
        nonlocal capped, walked_out
        side.radius += 1
        next_frontier: list[str] = []
        for eid in expandable:
            expansion = expansions.get(eid)
            if expansion is None:
                continue
            here = by_eid[eid]
            here.set_degree(expansion.total)
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
                    there = _Walked(step.id, _type_of(step.labels), step.degree)
                    by_eid[step.eid] = there
                if there.hub and not through_hubs and step.eid not in ends:
                    hubs_skipped.add(step.eid)
                    continue  # a hub is no step on the way
                source_id, target_id = (here.id, there.id) if step.outgoing else (there.id, here.id)
                key = (source_id, step.type, target_id, step.seq)
                if key not in links:
                    links[key] = _Link(
                        source_id,
                        target_id,
                        step.type,
                        edge_weight(step.type, step.score, step.status),
                        step.seq,
                        step.rid,
                        eid,
                        step.eid,
                    )
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
        degrees = [by_eid[eid].degree for eid in eids]
        bounded = sum(d if d is not None else BOUNDED_ROWS + 1 for d in degrees) <= BOUNDED_ROWS
        expansions = walk(
            store,
            viewer,
            eids,
            labels=labels,
            cap=PATH_DEGREE_CAP,
            bounded=bounded,
            known=by_eid if len(by_eid) <= KNOWN_MAX else (),
        )
        deadline.check("path search")
        for index, side in enumerate(chosen):
            absorb(side, expandable[index], expansions)
        met = any(eid in sides[1].dist for eid in sides[0].dist)
    levels = sides[0].radius + sides[1].radius

    graph = _projection(links.values())
    routes = _paths(graph, source, target, mode, k, max_hops)
    # Only now the properties, of the nodes and relationships the paths keep.
    kept_links = {_link_key(link): link for route in routes for hop in route.hops for link in hop}
    # Node id -> the element id of the last node walked with that id, as a dict by id
    # kept it before (ids are unique per label; a seizure and a case may share one).
    eid_of = {walked.id: eid for eid, walked in by_eid.items()}
    kept_ids = sorted({node_id for route in routes for node_id in route.nodes})
    details = hop_details(
        store,
        viewer,
        [eid_of[node_id] for node_id in kept_ids],
        [_hop(link, by_eid) for link in kept_links.values()],
    )
    nodes_by_id: dict[str, GraphNode] = {}
    for node_id in kept_ids:
        walked = by_eid[eid_of[node_id]]
        node_labels, props, degree = details.nodes.get(
            eid_of[node_id], ([walked.type], {"id": node_id}, None)
        )
        nodes_by_id[node_id] = make_node(node_labels, props, degree)
    edges: dict[tuple[str, str, str, Any], GraphEdge] = {}
    for key, link in kept_links.items():
        properties = details.rels.get(link.rid)
        if properties is None:  # gone since the walk: what the walk saw of it
            properties = {} if link.seq is None else {"seq": link.seq}
        edges[key] = GraphEdge(
            source=link.source,
            target=link.target,
            type=link.type,
            weight=link.weight,
            properties=properties,
        )
    paths = [
        Path(
            nodes=route.nodes,
            hops=[[edges[_link_key(link)] for link in hop] for hop in route.hops],
            strength=route.strength,
        )
        for route in routes
    ]
    present(store, viewer, nodes_by_id.values())
    attach_evidence(store, viewer, nodes_by_id, edges.values())
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
        source=source,
        target=target,
        mode=mode,
        max_hops=max_hops,
        paths=paths,
        subgraph=Subgraph(
            nodes=[nodes_by_id[node_id] for node_id in kept_ids],
            edges=list(edges.values()),
            truncated=truncated,
            omitted_nodes=0,
            notes=[],
        ),
        levels_walked=levels,
        nodes_walked=len(by_eid),
        truncated=truncated,
        notes=notes,
    )


def _projection(links: Iterable[_Link]) -> nx.Graph:
    """The walked part of the graph, one edge per pair of nodes holding its links
    and the strongest weight. Gathered first and added at once: the same graph, its
    nodes and neighbours in the same order, as adding one link at a time."""
    pairs: dict[tuple[str, str], dict[str, Any]] = {}
    for link in links:
        data = pairs.get((link.source, link.target)) or pairs.get((link.target, link.source))
        if data is None:
            pairs[(link.source, link.target)] = {"edges": [link], "weight": link.weight}
        else:
            data["edges"].append(link)
            data["weight"] = max(data["weight"], link.weight)
    graph = nx.Graph()
    graph.add_edges_from((a, b, data) for (a, b), data in pairs.items())
    return graph


def _path(graph: nx.Graph, nodes: list[str]) -> _Route:
    hops = []
    strength = 1.0
    for a, b in pairwise(nodes):
        data = graph.edges[a, b]
        hops.append(sorted(data["edges"], key=lambda link: -link.weight))
        strength *= data["weight"]
    return _Route(nodes=nodes, hops=hops, strength=round(strength, 6))


def _paths(
    graph: nx.Graph, source: str, target: str, mode: PathMode, k: int, max_hops: int
) -> list[_Route]:
    if source not in graph or target not in graph or not nx.has_path(graph, source, target):
        return []
    if mode == PathMode.K:
        found = []
        for nodes in islice(nx.shortest_simple_paths(graph, source, target), k):
            if len(nodes) - 1 > max_hops:
                break
            found.append(_path(graph, nodes))
        return sorted(found, key=lambda p: (len(p.hops), -p.strength))
    shortest = islice(nx.all_shortest_paths(graph, source, target), MAX_PATHS * 4)
    found = sorted((_path(graph, nodes) for nodes in shortest), key=lambda p: -p.strength)
    found = [p for p in found if len(p.hops) <= max_hops]
    if mode == PathMode.SHORTEST:
        return found[:1]
    return found[:MAX_PATHS]
