"""The identity-link projection: what networks are formed from, pulled from the store
once, and restricted to what one view sees.

`pull` reads every party, seizure, mention, shared container, document and case,
and confirmed link, each with who may see it (`vis`), in a few whole-graph
statements (never one per node). `project` then gives the projection of one view:
the whole graph (the operator's), the public one (what is CLEAR or GREEN), or an
agency's (what its records and those released to it say), with each party in the
entity it belongs to in that view (`graph.resolve.views`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from graph import queries
from graph.access import PUBLIC, PUBLIC_VIEWER, visible_to
from graph.analysis.networks.rules import FORWARDER_CAP, PRINCIPAL_RELS
from graph.analysis.subgraph import Evidence
from graph.model import LinkStatus, RelType
from graph.resolve.profile import several_written
from graph.store import GraphStore, Row

__all__ = ["Projection", "Pulled", "Seizure", "party_networks", "project", "pull"]

# The kind of an artefact, by the prefix of its id (`ingest.normalised`).
_KIND_OF_PREFIX = {"addr": "address", "tel": "phone", "mail": "email", "id": "identifier"}


@dataclass
class Seizure:
    id: str
    agency: str | None
    record_id: str | None
    date: str | None
    value_usd: float | None
    mode: str | None
    tlp: str | None
    principals: set[str] = field(default_factory=set)  # entity ids
    forwarders: set[str] = field(default_factory=set)
    containers: list[str] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    cases: list[str] = field(default_factory=list)

    def evidence(self) -> Evidence:
        return Evidence(self.id, self.agency, self.record_id, self.date, self.tlp)


@dataclass
class Projection:
    parties: dict[str, Row]
    entity_of: dict[str, str]
    seizures: dict[str, Seizure]
    # artefact id -> (kind, entity -> the earliest seizure whose record gave it)
    artefacts: dict[str, tuple[str, dict[str, str | None]]]
    confirmed: set[str]
    jurisdiction_of_agency: dict[str, str]
    seizures_of_entity: dict[str, set[str]] = field(default_factory=dict)
    hubs: Counter[str] = field(default_factory=Counter)
    # Entities named as shipper, consignee or manufacturer somewhere.
    principals: set[str] = field(default_factory=set)
    # Forwarders seen with more than FORWARDER_CAP entities: in no link at all.
    hub_forwarders: set[str] = field(default_factory=set)
    # Entities holding a Party that may be several companies or persons: bind nothing.
    several: set[str] = field(default_factory=set)
    # Party -> the name the view may see (the kept one, or a visible record's).
    names: dict[str, str] = field(default_factory=dict)
    # Entities present only for what they share with others (an incremental
    # update's context, `incremental`): held out of every core and network.
    fixed_out: set[str] = field(default_factory=set)
    # Of those, the ones in a network whose state is known: entity -> (the network's
    # id, the pendant round it joined in, 0 for a core). They count as members of
    # that network from that round on, for the free entities' joining.
    fixed_state: dict[str, tuple[str, int]] = field(default_factory=dict)


# The columns of a party row (`queries.NETWORK_PARTIES_QUERY`).
PARTY_KEYS = (
    "id",
    "cluster",
    "name",
    "network",
    "vis",
    "view_clusters",
    "label_vis",
    "views",
    "rounds",
)


@dataclass
class Pulled:
    """Everything networks are formed from, with who may see each piece."""

    parties: dict[str, Row]
    # sid -> [id, agency, record_id, date, value_usd, mode, tlp, vis]
    seizures: dict[str, list[Any]]
    # (seizure, role, party, ((artefact id, kind), ...), name as written), oldest
    # seizure first; role is `_FORWARDER`, `_PRINCIPAL` or `_OTHER`
    mentions: list[tuple[str, int, str, tuple[tuple[str, str], ...], str | None]]
    # [seizure, relationship, node]
    shared: list[list[Any]]
    # [a, b, vis]
    confirmed: list[tuple[str, str, list[str]]]
    jurisdiction_of_agency: dict[str, str]

    def views(self) -> list[str]:
        """The agencies some token names: each has a view of its own; every other
        agency sees the public view."""
        named: set[str] = set()
        for row in self.parties.values():
            named.update(row["vis"] or ())
        for item in self.seizures.values():
            named.update(item[7] or ())
        named.discard(PUBLIC)
        return sorted(named)


def _packed(store: GraphStore, query: str) -> Iterator[list[Any]]:
    """The rows of a statement that returns them packed in lists (`rows`) per bucket."""
    for bucket in store.read(query):
        yield from bucket["rows"]


def party_networks(store: GraphStore) -> dict[str, str | None]:
    """Party id -> the network it is in over the whole graph (None: in none)."""
    return {item[0]: item[3] for item in _packed(store, queries.NETWORK_PARTIES_QUERY)}


def pull(store: GraphStore) -> Pulled:
    parties = {
        item[0]: dict(zip(PARTY_KEYS, item, strict=True))
        for item in _packed(store, queries.NETWORK_PARTIES_QUERY)
    }
    seizures = {item[0]: item for item in _packed(store, queries.NETWORK_SEIZURES_QUERY)}
    mentions = _prepared(_packed(store, queries.NETWORK_MENTIONS_QUERY), seizures)
    shared = list(_packed(store, queries.NETWORK_SHARED_QUERY))
    confirmed = [
        (row["a"], row["b"], row["vis"] or [])
        for row in store.read(queries.NETWORK_CONFIRMED_LINKS_QUERY, status=LinkStatus.CONFIRMED)
    ]
    jurisdiction_of_agency = {
        row["agency"]: row["jurisdiction"]
        for row in store.read(queries.AGENCY_JURISDICTIONS_QUERY)
        if row["jurisdiction"]
    }
    return Pulled(parties, seizures, mentions, shared, confirmed, jurisdiction_of_agency)


_FORWARDER, _PRINCIPAL, _OTHER = 0, 1, 2


def _prepared(
    rows: Iterator[list[Any]], seizures: dict[str, list[Any]]
) -> list[tuple[str, int, str, tuple[tuple[str, str], ...], str | None]]:
    """Mentions as every view reads them, worked out once: the role as a number, each
    artefact with its kind, oldest seizure first (so the first a view keeps of a
    party's spelling or of an artefact's record is the earliest it sees)."""
    prepared = []
    for sid, rel, pid, given, name in rows:
        role = (
            _FORWARDER
            if rel == RelType.FORWARDED_BY
            else (_PRINCIPAL if rel in PRINCIPAL_RELS else _OTHER)
        )
        kinds = tuple(
            (artefact, kind)
            for artefact in given
            if (kind := _KIND_OF_PREFIX.get(str(artefact).split(":", 1)[0])) is not None
        )
        prepared.append((sid, role, pid, kinds, name))
    prepared.sort(key=lambda m: ((seizures.get(m[0]) or [None] * 4)[3] or "", m[0]))
    return prepared


def _entity_in(row: Row, view: str | None) -> str:
    """The entity a party belongs to in `view` (as `queries.view_cluster` reads it)."""
    entries = row["view_clusters"] if view is not None else None
    if entries:
        for prefix in (f"{view}=", f"{PUBLIC}="):
            for entry in entries:
                if entry.startswith(prefix):
                    return str(entry[len(prefix) :])
    return str(row["cluster"] or row["id"])


def project(pulled: Pulled, view: str | None) -> Projection:
    """The projection of `view`: None the whole graph, `PUBLIC` what every agency
    sees, an agency code what that agency sees."""
    viewer = None if view is None else (PUBLIC_VIEWER if view == PUBLIC else view)

    def sees(tokens: list[str] | None) -> bool:
        return visible_to(tokens, viewer)

    parties = {pid: row for pid, row in pulled.parties.items() if sees(row["vis"])}
    entity_of = {pid: _entity_in(row, view) for pid, row in parties.items()}
    seizures = {sid: Seizure(*item[:7]) for sid, item in pulled.seizures.items() if sees(item[7])}
    seizures_of_entity: dict[str, set[str]] = defaultdict(set)
    artefacts: dict[str, tuple[str, dict[str, str | None]]] = {}
    # Party -> kind -> the artefacts its (visible) records gave it.
    written: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    spelled: dict[str, str] = {}
    # Oldest first: the first of each the view keeps is the earliest it sees.
    for sid, role, pid, given, name in pulled.mentions:
        seizure = seizures.get(sid)
        if seizure is None:
            continue
        entity = entity_of.get(pid)
        if entity is None:
            continue
        seizures_of_entity[entity].add(sid)
        if role == _FORWARDER:
            seizure.forwarders.add(entity)
        elif role == _PRINCIPAL:
            seizure.principals.add(entity)
        if name and pid not in spelled:
            spelled[pid] = name
        for artefact, kind in given:
            written[pid][kind].add(artefact)
            held = artefacts.get(artefact)
            if held is None:
                held = artefacts[artefact] = (kind, {})
            held[1].setdefault(entity, sid)
    confirmed: set[str] = set()
    for sid, rel, node in pulled.shared:
        seizure = seizures.get(sid)
        if seizure is None:
            continue
        if rel == RelType.IN_CONTAINER:
            seizure.containers.append(node)
        elif rel == RelType.DOCUMENTED_BY:
            seizure.documents.append(node)
        elif rel == RelType.PART_OF:
            seizure.cases.append(node)
            confirmed |= seizure.principals
    for a, b, vis in pulled.confirmed:
        if sees(vis):
            for pid in (a, b):
                if pid in entity_of:
                    confirmed.add(entity_of[pid])
    partners: dict[str, set[str]] = defaultdict(set)
    for seizure in seizures.values():
        for forwarder in seizure.forwarders:
            partners[forwarder] |= seizure.principals
    names = {
        pid: (row["name"] if sees(row["label_vis"]) else spelled.get(pid, pid))
        for pid, row in parties.items()
    }
    return Projection(
        parties=parties,
        entity_of=entity_of,
        seizures=seizures,
        artefacts=artefacts,
        confirmed=confirmed,
        jurisdiction_of_agency=pulled.jurisdiction_of_agency,
        seizures_of_entity=dict(seizures_of_entity),
        principals=set().union(*(s.principals for s in seizures.values())),
        hub_forwarders={f for f, seen in partners.items() if len(seen - {f}) > FORWARDER_CAP},
        several={
            entity_of[pid]
            for pid, kinds in written.items()
            if several_written(
                len(kinds.get("address", ())),
                len(kinds.get("phone", ())),
                len(kinds.get("identifier", ())),
            )
        },
        names=names,
    )
