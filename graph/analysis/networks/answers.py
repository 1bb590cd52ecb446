"""Answers about networks, as the viewer's agency sees them: the one an entity is
in, one network with its key players, communities and timeline, networks ranked.

Networks are stored per view (`build`); these read the viewer's: its agency's own
when some record names it, else the public one; the operator reads the whole
graph's. Members, names and seizures are read as the viewer may see them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import networkx as nx

from graph import queries
from graph.access import PUBLIC, Viewer
from graph.analysis.networks.build import node_id
from graph.analysis.networks.risk import RISK_KEY_PARAMS, Risk, RiskInput, risk_at, risk_of_row
from graph.analysis.networks.rules import COMMUNITY_MIN_ENTITIES, KEY_PLAYERS, LOUVAIN_SEED
from graph.analysis.subgraph import Evidence, GraphEdge, GraphNode, Subgraph
from graph.cursor import InvalidCursor, decode_cursor_parts, encode_cursor_parts
from graph.errors import NotFound
from graph.model import ROLE_LABELS, RelType
from graph.store import GraphStore, Row

_READ_ROWS = 1000


@dataclass(frozen=True)
class NetworkSummary:
    id: str
    label: str
    entities: int
    parties: int
    seizures: int
    value_usd: float
    jurisdictions: list[str]
    agencies: list[str]
    first_seizure: str | None
    last_seizure: str | None
    transport_modes: list[str]
    risk: float
    risk_explanation: str


@dataclass(frozen=True)
class Route:
    loading: str | None
    transit: list[str]
    seizure: str | None
    discharge: str | None
    seizures: int
    path: str


@dataclass
class NetworkView:
    summary: NetworkSummary
    risk_inputs: list[RiskInput]
    graph: Subgraph
    routes: list[Route]
    confirmed_entities: int


@dataclass(frozen=True)
class KeyPlayer:
    entity: str
    label: str
    betweenness: float
    pagerank: float


@dataclass(frozen=True)
class Community:
    index: int
    entities: list[str]
    labels: list[str]


@dataclass(frozen=True)
class MonthCount:
    month: str
    seizures: int
    value_usd: float


@dataclass
class NetworkDetail(NetworkView):
    key_players: list[KeyPlayer] = field(default_factory=list)
    communities: list[Community] = field(default_factory=list)
    timeline: list[MonthCount] = field(default_factory=list)


def _summary(props: Row, risk: Risk) -> NetworkSummary:
    shown = props.get("network") or props["id"]
    return NetworkSummary(
        id=shown,
        label=props.get("label") or shown,
        entities=int(props["entities"]),
        parties=int(props["parties"]),
        seizures=int(props["seizures"]),
        value_usd=float(props["value_usd"] or 0.0),
        jurisdictions=list(props["jurisdictions"] or []),
        agencies=list(props["agencies"] or []),
        first_seizure=props["first_seizure"],
        last_seizure=props["last_seizure"],
        transport_modes=list(props["transport_modes"] or []),
        risk=risk.risk,
        risk_explanation=risk.explanation,
    )


def _view_key(store: GraphStore, viewer: Viewer) -> str:
    """The view the viewer reads: "" the whole graph (the operator), its agency's own
    when some record names the agency, else the public one."""
    if viewer.agency is None:
        return ""
    [row] = store.read(queries.NETWORK_VIEW_QUERY, agency=viewer.agency)
    return viewer.agency if row["built"] else PUBLIC


def _view(
    store: GraphStore, viewer: Viewer, key: str, shown: str
) -> tuple[NetworkView, list[Row], nx.Graph]:
    """The network stored as the Network node `key`, as the viewer may see its
    parties and seizures; NotFound naming `shown` (the id the caller gave) when none."""
    found = store.read(queries.NETWORK_QUERY, id=key)
    if not found or "party_ids" not in found[0]["props"]:
        raise NotFound(f"No network has the id {shown!r}.")
    props = found[0]["props"]
    risk = risk_at(props.get("risk_inputs"), props.get("last_day"), found[0]["as_of"])
    party_ids = list(props["party_ids"])
    [packed] = store.read(queries.NETWORK_MEMBERS_QUERY, ids=party_ids, see=viewer.see)
    entity_of = {
        pid: entity
        for entity, pids in json.loads(props.get("entity_parties") or "{}").items()
        for pid in pids
    }
    members = [
        {"id": pid, "name": name, "country": country, "labels": labels, "cluster": entity_of[pid]}
        for pid, name, country, labels in packed["rows"]
        if pid in entity_of
    ]
    keys = ("seizure", "party", "agency", "record_id", "date", "value_usd", "tlp")
    mentions = [
        dict(zip(keys, item, strict=True))
        for row in store.read(queries.NETWORK_MEMBER_SEIZURES_QUERY, ids=party_ids, see=viewer.see)
        for item in row["rows"]
    ]
    seizures: dict[str, Row] = {}
    seizures_of_entity: dict[str, set[str]] = defaultdict(set)
    for row in mentions:
        seizures.setdefault(row["seizure"], row)
        if row["party"] in entity_of:
            seizures_of_entity[entity_of[row["party"]]].add(row["seizure"])

    def evidence(sid: str) -> Evidence:
        row = seizures.get(sid)
        if row is None:
            return Evidence(sid, None, None, None)
        return Evidence(sid, row["agency"], row["record_id"], row["date"], row["tlp"])

    by_entity: dict[str, list[Row]] = defaultdict(list)
    for row in members:
        by_entity[row["cluster"]].append(row)
    nodes = []
    for entity in sorted(by_entity):
        rows = by_entity[entity]
        head = next((r for r in rows if r["id"] == entity), rows[0])
        roles = sorted({label for r in rows for label in r["labels"] if label in ROLE_LABELS})
        nodes.append(
            GraphNode(
                id=entity,
                type="Entity",
                label=head["name"] or entity,
                jurisdiction=head["country"],
                properties={
                    "parties": [{"id": r["id"], "name": r["name"]} for r in rows],
                    "seizures": len(seizures_of_entity.get(entity, ())),
                },
                roles=roles,
                degree=None,
            )
        )
    graph = nx.Graph()
    graph.add_nodes_from(by_entity)
    edges = []
    for link in json.loads(props.get("links") or "[]"):
        kinds = link["kinds"]
        edges.append(
            GraphEdge(
                source=link["a"],
                target=link["b"],
                type="IDENTITY_LINK",
                weight=link["weight"],
                properties={
                    "kinds": kinds,
                    "binding": link["binding"],
                    "via": link["via"],
                    "why": ", ".join(f"{kind} x{n}" for kind, n in kinds.items()),
                },
                evidence=[evidence(sid) for sid in link["seizures"]],
                evidence_total=link["evidence_total"],
            )
        )
        graph.add_edge(link["a"], link["b"], weight=link["weight"], distance=1 / link["weight"])
    for node in nodes:
        node.degree = graph.degree(node.id)
    routes = _routes(store, sorted(seizures))
    subgraph = Subgraph(nodes=nodes, edges=edges)
    links_total = int(props.get("links_total") or len(edges))
    if links_total > len(edges):
        subgraph.truncated = True
        subgraph.notes.append(f"The {len(edges)} strongest of the {links_total} links are shown.")
    view = NetworkView(
        summary=_summary(props, risk),
        risk_inputs=risk.inputs,
        graph=subgraph,
        routes=routes,
        confirmed_entities=int(props.get("confirmed_entities") or 0),
    )
    return view, list(seizures.values()), graph


def _routes(store: GraphStore, seizure_ids: list[str]) -> list[Route]:
    legs: dict[str, dict[str, Any]] = defaultdict(lambda: {"transit": []})
    for start in range(0, len(seizure_ids), _READ_ROWS):
        rows = store.read(queries.NETWORK_ROUTES_QUERY, ids=seizure_ids[start : start + _READ_ROWS])
        for sid, rel, seq, port in (packed for row in rows for packed in row["rows"]):
            leg = legs[sid]
            if rel == RelType.TRANSITED:
                leg["transit"].append((seq or 0, port))
            else:
                leg[rel] = port
    counts: Counter[tuple[Any, ...]] = Counter()
    for leg in legs.values():
        transit = tuple(port for _, port in sorted(leg["transit"]))
        counts[
            (
                leg.get(RelType.LOADED_AT),
                transit,
                leg.get(RelType.SEIZED_AT),
                leg.get(RelType.DISCHARGED_AT),
            )
        ] += 1
    routes = []
    for (loading, transit, seized, discharge), n in sorted(
        counts.items(), key=lambda item: (-item[1], str(item[0]))
    ):
        stops = [loading or "?", *transit, seized or "?"]
        if discharge and discharge != seized:
            stops.append(discharge)
        routes.append(Route(loading, list(transit), seized, discharge, n, " -> ".join(stops)))
    return routes


def network_of(store: GraphStore, viewer: Viewer, entity_or_party_id: str) -> NetworkView:
    """The network the entity (or party) belongs to in the viewer's view; NotFound
    naming the id if the id is no party the viewer may see, or if the party is in no
    network in its view."""
    found = store.read(queries.PARTY_NETWORK_QUERY, id=entity_or_party_id, **viewer.params)
    if not found:
        raise NotFound(f"No entity or party has the id {entity_or_party_id!r}.")
    network = found[0]["network"]
    if not network:
        raise NotFound(
            f"The entity {entity_or_party_id!r} is in no network: no binding identity link "
            "ties it to another entity."
        )
    return _view(store, viewer, node_id(network, found[0]["view"]), network)[0]


def _pagerank(graph: nx.Graph, alpha: float = 0.85, rounds: int = 100) -> dict[str, float]:
    """Weighted PageRank by power iteration (networkx's own needs numpy, which
    iprgraph does not depend on; networks are small, so plain Python is enough)."""
    nodes = sorted(graph.nodes)
    if not nodes:
        return {}
    rank = dict.fromkeys(nodes, 1.0 / len(nodes))
    strength = {n: sum(w for _, _, w in graph.edges(n, data="weight")) for n in nodes}
    for _ in range(rounds):
        dangling = sum(rank[n] for n in nodes if not strength[n])
        base = (1 - alpha) / len(nodes) + alpha * dangling / len(nodes)
        new = dict.fromkeys(nodes, base)
        for n in nodes:
            if strength[n]:
                share = alpha * rank[n] / strength[n]
                for _, other, w in graph.edges(n, data="weight"):
                    new[other] += share * w
        delta = sum(abs(new[n] - rank[n]) for n in nodes)
        rank = new
        if delta < 1e-10 * len(nodes):
            break
    return rank


def get_network(store: GraphStore, viewer: Viewer, network: str) -> NetworkDetail:
    """A network of the viewer's view with its key players (betweenness and PageRank
    over its links), communities (Louvain, fixed seed) when it is large, and seizures
    per month."""
    if "@" in network or not network.startswith("net:"):
        raise NotFound(f"No network has the id {network!r}.")
    view, seizures, graph = _view(
        store, viewer, node_id(network, _view_key(store, viewer)), network
    )
    labels = {node.id: node.label for node in view.graph.nodes}
    betweenness = nx.betweenness_centrality(graph, weight="distance", normalized=True)
    pagerank = _pagerank(graph)
    players = sorted(
        (
            KeyPlayer(
                entity,
                labels.get(entity, entity),
                round(betweenness.get(entity, 0.0), 4),
                round(pagerank.get(entity, 0.0), 4),
            )
            for entity in graph.nodes
        ),
        key=lambda p: (-p.pagerank, -p.betweenness, p.entity),
    )[:KEY_PLAYERS]
    communities: list[Community] = []
    if graph.number_of_nodes() >= COMMUNITY_MIN_ENTITIES and graph.number_of_edges():
        found = nx.community.louvain_communities(graph, weight="weight", seed=LOUVAIN_SEED)
        ordered = sorted((sorted(c) for c in found), key=lambda c: (-len(c), c[0]))
        communities = [
            Community(index, members, [labels.get(m, m) for m in members])
            for index, members in enumerate(ordered)
        ]
    months: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])
    for row in seizures:
        if row["date"]:
            month = months[row["date"][:7]]
            month[0] += 1
            month[1] += row["value_usd"] or 0.0
    timeline = [
        MonthCount(month, int(n), round(value, 2)) for month, (n, value) in sorted(months.items())
    ]
    return NetworkDetail(
        **vars(view),
        key_players=players,
        communities=communities,
        timeline=timeline,
    )


# --- listing ----------------------------------------------------------------------------


class NetworkSort(StrEnum):
    RISK = "risk"
    VALUE = "value"
    SEIZURES = "seizures"
    RECENT = "recent"


@dataclass(frozen=True)
class NetworkPage:
    items: list[NetworkSummary]
    next_cursor: str | None
    limit: int
    sort: NetworkSort


def _encode_cursor(sort: NetworkSort, key: float, network: str) -> str:
    """The position after (key, id) in a listing sorted by `sort`, as opaque text."""
    return encode_cursor_parts(sort.value, key, network)


def _decode_cursor(cursor: str, sort: NetworkSort) -> tuple[float, str]:
    message = "this is not a cursor that a page of networks in this order handed out"
    order, key, network = decode_cursor_parts(cursor, 3, message)
    if not (
        order == sort.value
        and isinstance(key, int | float)
        and not isinstance(key, bool)
        and isinstance(network, str)
    ):
        raise InvalidCursor(message)
    return float(key), network


def list_networks(
    store: GraphStore,
    viewer: Viewer,
    *,
    min_jurisdictions: int = 1,
    since: dt.date | None = None,
    sort: NetworkSort = NetworkSort.RISK,
    limit: int = 50,
    cursor: str | None = None,
) -> NetworkPage:
    """A page of the viewer's networks spanning at least `min_jurisdictions`
    jurisdictions, with a seizure on or after `since`, in `sort` order (descending,
    then id)."""
    after_key, after_id = _decode_cursor(cursor, sort) if cursor else (None, None)
    rows = store.read(
        queries.LIST_NETWORKS_QUERY,
        sort=sort.value,
        min_jurisdictions=min_jurisdictions,
        since=since.isoformat() if since else None,
        after_key=after_key,
        after_id=after_id,
        limit=limit + 1,
        network_view=_view_key(store, viewer),
        **RISK_KEY_PARAMS,
    )
    items = [_summary(row, risk_of_row(row)) for row in rows[:limit]]
    next_cursor = None
    if len(rows) > limit:
        last = rows[limit - 1]
        next_cursor = _encode_cursor(sort, float(last["key"]), last["id"])
    return NetworkPage(items=items, next_cursor=next_cursor, limit=limit, sort=sort)
