"""What an agency watches, resolved in its own view of the graph, and the state of
networks: the parts of the alert rules that every trigger (a load, a judgement)
shares (`graph.live.alerts`, `graph.live.judged`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from graph.access import PUBLIC, visible_to
from graph.analysis.networks.build import node_id
from graph.analysis.networks.risk import risk_of_row
from graph.live import queries as live
from graph.live.watches import ARTEFACT_KINDS, Watch, WatchKind
from graph.queries import NETWORK_VIEW_QUERY
from graph.store import GraphStore

_BATCH = 1000


def chunks(ids: Iterable[str], size: int = _BATCH) -> Iterable[list[str]]:
    items = sorted(set(ids))
    for start in range(0, len(items), size):
        yield items[start : start + size]


def see(agency: str) -> list[str]:
    return [PUBLIC, agency]


def view_entry(entries: list[str] | None, view: str) -> str | None:
    """The value of `view` in `["<view>=<value>", ...]`; None when it has none."""
    for entry in entries or ():
        key, _, value = entry.partition("=")
        if key == view:
            return value
    return None


def view_entity(cluster: str | None, view_clusters: list[str] | None, pid: str, agency: str) -> str:
    """The entity of a party in the agency's view (`queries.view_cluster`)."""
    return view_entry(view_clusters, agency) or view_entry(view_clusters, PUBLIC) or cluster or pid


@dataclass
class Watched:
    """What one agency watches, resolved in its view: the watched parties (with the
    watches that cover each) and the networks they are in."""

    agency: str
    view: str
    watches: list[Watch]
    party_watches: dict[str, list[Watch]] = field(default_factory=lambda: defaultdict(list))
    items: dict[str, list[Watch]] = field(default_factory=lambda: defaultdict(list))
    networks: dict[str, list[Watch]] = field(default_factory=lambda: defaultdict(list))


def view_of(store: GraphStore, agency: str) -> str:
    [row] = store.read(NETWORK_VIEW_QUERY, agency=agency)
    return agency if row["built"] else PUBLIC


def network_nodes(store: GraphStore, party_ids: Iterable[str], view: str) -> dict[str, str]:
    """Party -> the Network node it is in, in `view`."""
    out: dict[str, str] = {}
    for chunk in chunks(party_ids):
        for row in store.read(live.PARTY_NETWORKS_QUERY, ids=chunk):
            network = view_entry(row["view_networks"], view)
            if network:
                out[row["id"]] = node_id(network, view)
    return out


def network_states(store: GraphStore, node_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The Network nodes `node_ids`: what the network rules compare, with the risk
    counted to their view's day now (`risk.risk_at`)."""
    out: dict[str, dict[str, Any]] = {}
    for chunk in chunks(node_ids):
        for row in store.read(live.NETWORK_STATES_QUERY, ids=chunk):
            risk = risk_of_row(row)
            kept = {k: v for k, v in row.items() if k not in ("risk_inputs", "last_day", "as_of")}
            out[row["id"]] = {**kept, "risk": risk.risk, "risk_explanation": risk.explanation}
    return out


def entity_parties(store: GraphStore, party_ids: Iterable[str], agency: str) -> dict[str, set[str]]:
    """Party -> the parties of its entity in the agency's view that it may see."""
    ids = sorted(set(party_ids))
    if not ids:
        return {}
    rows: dict[str, dict[str, Any]] = {}
    first: dict[str, dict[str, Any]] = {}
    for chunk in chunks(ids):
        for row in store.read(live.VISIBLE_PARTIES_QUERY, ids=chunk, see=see(agency)):
            first[row["id"]] = row
    clusters = {row["cluster"] or pid for pid, row in first.items()}
    for chunk in chunks(clusters):
        for row in store.read(live.ENTITY_PARTIES_QUERY, clusters=chunk):
            rows[row["id"]] = row
    by_cluster: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows.values():
        by_cluster[row["cluster"]].append(row)
    out: dict[str, set[str]] = {}
    for pid, row in first.items():
        entity = view_entity(row["cluster"], row["view_clusters"], pid, agency)
        out[pid] = {
            m["id"]
            for m in by_cluster.get(row["cluster"] or pid, [])
            if visible_to(m["vis"], agency)
            and view_entity(m["cluster"], m["view_clusters"], m["id"], agency) == entity
        } | {pid}
    return out


def resolve_watches(store: GraphStore, agency: str, watches: list[Watch]) -> Watched:
    """The agency's watches as parties, items and networks of its view, now."""
    watched = Watched(agency, view_of(store, agency), watches)
    entity_watches = [w for w in watches if w.kind == WatchKind.ENTITY]
    network_watches = [w for w in watches if w.kind == WatchKind.NETWORK]
    entities = entity_parties(store, [w.item for w in entity_watches], agency)
    for watch in entity_watches:
        for pid in entities.get(watch.item, ()):
            watched.party_watches[pid].append(watch)
    anchors = network_nodes(store, [w.item for w in network_watches], watched.view)
    states = network_states(store, anchors.values())
    for watch in network_watches:
        node = anchors.get(watch.item)
        if node is None or node not in states:
            watched.party_watches[watch.item].append(watch)  # in no network now
            continue
        watched.networks[node].append(watch)
        for pid in states[node]["parties"]:
            watched.party_watches[pid].append(watch)
    for watch in watches:
        if watch.kind in (WatchKind.CONTAINER, WatchKind.MARK, *ARTEFACT_KINDS):
            watched.items[watch.item].append(watch)
    artefact_watches = [w for w in watches if w.kind in ARTEFACT_KINDS]
    by_prefix: dict[str, list[Watch]] = defaultdict(list)
    for watch in artefact_watches:
        by_prefix[ARTEFACT_KINDS[watch.kind]].append(watch)
    for prefix, group in by_prefix.items():
        label, rel = live.ARTEFACTS[prefix]
        for chunk in chunks(w.item for w in group):
            for row in store.read(live.artefact_holders_query(label, rel), ids=chunk):
                if visible_to(row["vis"], agency) and visible_to(row["given_vis"], agency):
                    for watch in watched.items[row["node"]]:
                        watched.party_watches[row["party"]].append(watch)
    # The networks of the watched parties, with the watches that make them watched.
    for pid, node in network_nodes(store, watched.party_watches, watched.view).items():
        for watch in watched.party_watches[pid]:
            if watch not in watched.networks[node]:
                watched.networks[node].append(watch)
    return watched
