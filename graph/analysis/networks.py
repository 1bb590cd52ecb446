"""Infringer networks: entities bound by identity links, computed over the whole graph.

How a network is formed (`build_networks`)
-------------------------------------------
Nodes are entities (Party clusters, `Party.cluster`). Links between two entities
come from evidence of these kinds, each with a weight per piece of evidence:

- `identifier` (1.0): both hold one registration number;
- `phone`, `email` (0.9): both were written with one phone / email;
- `document` (0.9): their seizures share a transport document;
- `address` (0.45): both were written at one address. An address corroborates
  and does not bind on its own: unrelated companies share registered-office and
  company-secretary addresses and small serviced offices (at 100k generated
  records, 4,700 addresses are shared by entities of no planted network, against
  510 shared inside one; weighed 0.8, such an address pulled 2 to 6 strangers into
  half of the planted networks). With one seizure together, or a second shared
  address, it binds; alone it does not attach an entity to a network either;
- `co_seizure` (0.4 per seizure): named in one seizure as shipper, consignee or
  manufacturer;
- `forwarder` (0.3 per seizure, at most 0.3 in all): a forwarder that is not a hub
  and a party of one seizure;
- `container` (0.2 per pair of seizures, at most 0.35 in all): their seizures used
  one container within 90 days of each other.

Repeated evidence of one kind adds up as independent evidence (`1 - (1 - w)^n`),
and kinds combine the same way (noisy-or) into the link's weight. Hubs are not
links: an address, phone, email, identifier or transport document shared by more
than `ARTEFACT_CAP` entities, a container whose seizures name more than
`CONTAINER_CAP` entities, and a forwarder seen with more than `FORWARDER_CAP`
entities give no link at all (a business centre, a carrier's box, DHL); such a
forwarder's own phone and address bind nothing either.

A link is *binding* at weight `STRONG` (0.6) or more. Forwarder and container
evidence are capped so that together they stay below it: they corroborate, never
bind on their own (one seizure together plus two containers within 90 days does
bind). Networks are then formed in two steps, so that weak links cannot merge
unrelated networks:

1. the connected components of binding links that hold two or more entities named
   as shipper, consignee or manufacturer are the cores (offices of one logistics
   group sharing a phone are no infringer network). An entity holding a Party that
   may be several companies or persons (its records give it several addresses,
   phones or registration numbers: a name written short, "Fuchang Industrial Co.,
   Ltd." for the Dongguan and the Xiamen company, or one consignee name for several
   people; `graph.resolve.profile.several_written`) binds nothing: its seizures may
   be another namesake's, and through them it would join unrelated networks;
2. an entity in no core joins a network when it is linked (by links other than
   container-only ones) into that one network and no other, and those links
   together weigh at least `PENDANT_MIN` (0.5, more than one seizure together); in
   up to `PENDANT_ROUNDS` rounds, each on the membership at its start. The
   network's own forwarder joins, and so does a manufacturer named with two of its
   fronts, then the buyer named with that manufacturer and a front; a consignee
   named once with one shipper does not, nor does a consignee linked to two
   networks, and no weak link ever joins two networks. An entity that may be
   several joins this way, when everything it is linked to leads into one network.

A network's id is `net:` followed by its smallest Party id (without `party:`), so
it stays the same across rebuilds while that party stays in it.

Risk (0 to 100)
---------------
`risk = 100 * sum(weight_i * score_i)`, each score in [0, 1]:

- seizures `n` (weight 0.15): `log(1 + n) / log(101)`, 1 at 100;
- value in USD `v` (0.15): `log10(1 + v) / 7`, 1 at 10 million;
- jurisdictions `j` of the agencies that seized (0.15): `(j - 1) / 3`, 1 at 4;
- recency (0.10): `exp(-d / 365)`, `d` the days from its last seizure to the newest
  seizure in the graph;
- growth (0.10): `(late - early) / n`, `late` and `early` its seizures in the second
  and first half of its active period; 0 when shrinking or under 4 seizures;
- confirmed infringers (0.15): the share of its entities that are confirmed;
- shared identity (0.20): `1 - 0.5^k`, `k` the pairs of its entities written with
  one phone, email, registration number or address (links in the network with such
  evidence). Distinct companies that share an identity are what front companies
  look like; two regular traders seized together many times share none. Without
  it, such traders, seized by every agency, outranked the planted networks of the
  generated feeds (AUC 0.47 at 10k records, 0.53 at 100k; 0.81 with it, see
  BENCHMARKS.md).

A *confirmed infringer* is an entity named by a seizure that is part of a Case (an
agency opened an investigation on it), or holding a party whose SAME_AS link an
analyst confirmed (a person looked at it and vouched for it). Dates are relative to
the newest seizure in the graph, not to the clock, so a rebuild of the same graph
gives the same scores. Each network stores the contribution of each input
(`risk_explanation`).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import combinations
from typing import Any

import networkx as nx

from graph import queries
from graph.analysis.subgraph import Evidence, GraphEdge, GraphNode, Subgraph
from graph.cursor import InvalidCursor, decode_cursor_parts, encode_cursor_parts
from graph.errors import NotFound
from graph.model import ROLE_LABELS, LinkStatus, RelType
from graph.resolve.profile import several_written
from graph.store import GraphStore, Row

__all__ = [
    "BuildReport",
    "Community",
    "KeyPlayer",
    "MonthCount",
    "NetworkDetail",
    "NetworkPage",
    "NetworkSort",
    "NetworkSummary",
    "NetworkView",
    "RiskInput",
    "Route",
    "build_networks",
    "get_network",
    "list_networks",
    "network_of",
    "pair_weight",
    "party_networks",
]

# --- parameters of the projection (documented in the module docstring) -----------------

LINK_WEIGHTS: dict[str, float] = {
    "identifier": 1.0,
    "phone": 0.9,
    "email": 0.9,
    "document": 0.9,
    "address": 0.45,
    "co_seizure": 0.4,
    "forwarder": 0.3,
    "container": 0.2,
}
# Corroborating kinds: capped so that together they stay below STRONG.
KIND_CAPS: dict[str, float] = {"forwarder": 0.3, "container": 0.35}
STRONG = 0.6
# What the links of an entity outside every core must weigh together for it to join
# the one core they all lead into: more than a single seizure together.
PENDANT_MIN = 0.5
PENDANT_ROUNDS = 3
CONTAINER_WINDOW_DAYS = 90
ARTEFACT_CAP = 12
CONTAINER_CAP = 20
FORWARDER_CAP = 25
# Seizures cited per link in an answer (the total is given too).
EVIDENCE_PER_LINK = 5
# Networks with at least this many entities are split into communities (Louvain).
COMMUNITY_MIN_ENTITIES = 8
LOUVAIN_SEED = 7
KEY_PLAYERS = 10
_WRITE_ROWS = 1000
_WRITE_BYTES = 4_000_000
# Links stored per network (the strongest); an answer says when more exist.
MAX_STORED_LINKS = 5000

RISK_WEIGHTS: dict[str, float] = {
    "seizures": 0.15,
    "value_usd": 0.15,
    "jurisdictions": 0.15,
    "recency": 0.10,
    "growth": 0.10,
    "confirmed_infringers": 0.15,
    "shared_identity": 0.20,
}

_PRINCIPAL_RELS = {RelType.SHIPPED_BY, RelType.CONSIGNED_TO, RelType.MANUFACTURED_BY}
_ARTEFACT_KINDS = {
    RelType.HAS_ADDRESS: "address",
    RelType.HAS_PHONE: "phone",
    RelType.HAS_EMAIL: "email",
    RelType.HAS_IDENTIFIER: "identifier",
}
# Evidence that two distinct entities share an identity (the risk input above).
_IDENTITY_KINDS = frozenset(_ARTEFACT_KINDS.values())
# The kind named first when a link has several (the strongest sort of evidence).
_KIND_ORDER = list(LINK_WEIGHTS)


def pair_weight(counts: dict[str, int]) -> float:
    """Weight of a link from its evidence counts per kind (noisy-or, capped kinds)."""
    miss = 1.0
    for kind, n in counts.items():
        weight = 1.0 - (1.0 - LINK_WEIGHTS[kind]) ** n
        miss *= 1.0 - min(weight, KIND_CAPS.get(kind, 1.0))
    return round(1.0 - miss, 4)


# --- the projection pulled from the store ---------------------------------------------


@dataclass
class _Seizure:
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
class _Projection:
    parties: dict[str, Row]
    entity_of: dict[str, str]
    seizures: dict[str, _Seizure]
    # artefact id -> (kind, entity -> seizure id of the record that wrote it, if known)
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


def _packed(store: GraphStore, query: str) -> Iterator[list[Any]]:
    """The rows of a statement that returns them packed in lists (`rows`) per bucket."""
    for bucket in store.read(query):
        yield from bucket["rows"]


def party_networks(store: GraphStore) -> dict[str, str | None]:
    """Party id -> the network it is in (None: in none), for every Party."""
    return {pid: network for pid, _, _, network in _packed(store, queries.NETWORK_PARTIES_QUERY)}


def _pull(store: GraphStore) -> _Projection:
    parties = {
        pid: {"id": pid, "cluster": cluster, "name": name, "network": network}
        for pid, cluster, name, network in _packed(store, queries.NETWORK_PARTIES_QUERY)
    }
    entity_of = {pid: row["cluster"] or pid for pid, row in parties.items()}
    seizures: dict[str, _Seizure] = {}
    by_source: dict[str, str] = {}
    for sid, agency, record_id, date, value_usd, mode, tlp, source in _packed(
        store, queries.NETWORK_SEIZURES_QUERY
    ):
        seizures[sid] = _Seizure(sid, agency, record_id, date, value_usd, mode, tlp)
        if source:
            by_source[source] = sid
    seizures_of_entity: dict[str, set[str]] = defaultdict(set)
    for sid, rel, pid in _packed(store, queries.NETWORK_MENTIONS_QUERY):
        seizure = seizures.get(sid)
        entity = entity_of.get(pid)
        if seizure is None or entity is None:
            continue
        seizures_of_entity[entity].add(sid)
        if rel == RelType.FORWARDED_BY:
            seizure.forwarders.add(entity)
        elif rel in _PRINCIPAL_RELS:
            seizure.principals.add(entity)
    confirmed: set[str] = set()
    for sid, rel, node in _packed(store, queries.NETWORK_SHARED_QUERY):
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
    artefacts: dict[str, tuple[str, dict[str, str | None]]] = {}
    # Party -> kind -> the artefacts its records gave it.
    written: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for pid, rel, artefact, source in _packed(store, queries.NETWORK_ARTEFACTS_QUERY):
        entity = entity_of.get(pid)
        if entity is None:
            continue
        kind = _ARTEFACT_KINDS[RelType(rel)]
        written[pid][kind].add(artefact)
        holders = artefacts.setdefault(artefact, (kind, {}))[1]
        if holders.get(entity) is None:
            holders[entity] = by_source.get(source or "")
    for row in store.read(queries.NETWORK_CONFIRMED_LINKS_QUERY, status=LinkStatus.CONFIRMED):
        for pid in (row["a"], row["b"]):
            if pid in entity_of:
                confirmed.add(entity_of[pid])
    partners: dict[str, set[str]] = defaultdict(set)
    for seizure in seizures.values():
        for forwarder in seizure.forwarders:
            partners[forwarder] |= seizure.principals
    jurisdiction_of_agency = {
        row["agency"]: row["jurisdiction"]
        for row in store.read(queries.AGENCY_JURISDICTIONS_QUERY)
        if row["jurisdiction"]
    }
    return _Projection(
        parties=parties,
        entity_of=entity_of,
        seizures=seizures,
        artefacts=artefacts,
        confirmed=confirmed,
        jurisdiction_of_agency=jurisdiction_of_agency,
        seizures_of_entity=dict(seizures_of_entity),
        principals=set().union(*(s.principals for s in seizures.values())),
        hub_forwarders={f for f, seen in partners.items() if len(seen - {f}) > FORWARDER_CAP},
        several={
            entity_of[pid]
            for pid, kinds in written.items()
            if several_written(len(kinds["address"]), len(kinds["phone"]), len(kinds["identifier"]))
        },
    )


# Evidence of one link: (entity a, entity b) with a < b, kind, seizures, the shared node.
_Item = tuple[str, str, str, tuple[str, ...], str | None]


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def _day(date: str | None) -> int | None:
    try:
        return dt.date.fromisoformat(date).toordinal() if date else None
    except ValueError:
        return None


def _evidence_items(proj: _Projection, only: set[str] | None = None) -> Iterator[_Item]:
    """Every piece of identity-link evidence, hubs left out (and counted in `hubs`).

    With `only`, seizures and artefacts that touch none of those entities are
    skipped (hubs are still decided on everything): the second pass, which cites
    the evidence of links inside networks, does not walk the whole background again.
    """
    hub_forwarders = proj.hub_forwarders
    proj.hubs["forwarder"] = len(hub_forwarders)

    containers: dict[str, list[_Seizure]] = defaultdict(list)
    documents: dict[str, list[_Seizure]] = defaultdict(list)
    for seizure in proj.seizures.values():
        for number in seizure.containers:
            containers[number].append(seizure)
        for document in seizure.documents:
            documents[document].append(seizure)
        if only is not None and only.isdisjoint(seizure.principals):
            continue
        ids = (seizure.id,)
        for a, b in combinations(sorted(seizure.principals), 2):
            yield a, b, "co_seizure", ids, None
        for forwarder in seizure.forwarders - hub_forwarders:
            for other in seizure.principals - {forwarder}:
                a, b = _pair(forwarder, other)
                yield a, b, "forwarder", ids, None

    for document, group in documents.items():
        if len(group) < 2:
            continue
        if len(set().union(*(s.principals for s in group))) > ARTEFACT_CAP:
            proj.hubs["document"] += 1
            continue
        seen: set[tuple[str, str]] = set()
        for first, second in combinations(group, 2):
            for x in first.principals:
                for y in second.principals:
                    pair = _pair(x, y)
                    if x != y and pair not in seen:
                        seen.add(pair)
                        yield pair[0], pair[1], "document", (first.id, second.id), document

    for number, group in containers.items():
        if len(group) < 2:
            continue
        if len(set().union(*(s.principals for s in group))) > CONTAINER_CAP:
            proj.hubs["container"] += 1
            continue
        dated = sorted(
            ((day, s) for s in group if (day := _day(s.date)) is not None), key=lambda x: x[0]
        )
        for i, (day, first) in enumerate(dated):
            for later_day, second in dated[i + 1 :]:
                if later_day - day > CONTAINER_WINDOW_DAYS:
                    break
                for x in first.principals:
                    for y in second.principals:
                        if x != y:
                            a, b = _pair(x, y)
                            yield a, b, "container", (first.id, second.id), number

    for artefact, (kind, written_for) in proj.artefacts.items():
        # A hub forwarder's phone or address binds nothing either.
        holders = {e: s for e, s in written_for.items() if e not in hub_forwarders}
        if len(holders) < 2:
            continue
        if len(holders) > ARTEFACT_CAP:
            proj.hubs[kind] += 1
            continue
        if only is not None and only.isdisjoint(holders):
            continue
        for x, y in combinations(sorted(holders), 2):
            written: tuple[str, ...] = tuple(s for s in (holders[x], holders[y]) if s)
            yield x, y, kind, written, artefact


@dataclass
class _Grouping:
    networks: list[set[str]]  # entity sets, largest first
    counts: dict[tuple[str, str], Counter[str]]
    weights: dict[tuple[str, str], float]


def _group(proj: _Projection) -> _Grouping:
    counts: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for a, b, kind, _, _ in _evidence_items(proj):
        counts[(a, b)][kind] += 1
    weights = {pair: pair_weight(kinds) for pair, kinds in counts.items()}
    strong = nx.Graph()
    attach: dict[str, dict[str, float]] = defaultdict(dict)
    for (a, b), kinds in counts.items():
        if weights[(a, b)] >= STRONG and a not in proj.several and b not in proj.several:
            strong.add_edge(a, b)
        if set(kinds) != {"container"}:
            attach[a][b] = attach[b][a] = weights[(a, b)]
    # A core needs two entities that shipped, received or made goods: forwarders
    # alone (the offices of one logistics group, sharing a phone) are no network.
    cores = [set(c) for c in nx.connected_components(strong) if len(set(c) & proj.principals) >= 2]
    core_of = {entity: index for index, core in enumerate(cores) for entity in core}
    members = [set(core) for core in cores]
    # Rounds, each on the membership at its start, so the order of entities does not
    # matter: a manufacturer joins in the first, the buyer named with it the next.
    for _ in range(PENDANT_ROUNDS):
        joining: list[tuple[str, int]] = []
        for entity in sorted(attach):
            if entity in core_of:
                continue
            into: dict[int, float] = {}
            for other, weight in attach[entity].items():
                index = core_of.get(other)
                if index is not None:
                    into[index] = 1.0 - (1.0 - into.get(index, 0.0)) * (1.0 - weight)
            if len(into) == 1 and (weight := next(iter(into.values()))) >= PENDANT_MIN:
                joining.append((entity, next(iter(into))))
        if not joining:
            break
        for entity, index in joining:
            members[index].add(entity)
            core_of[entity] = index
    members.sort(key=lambda group: (-len(group), min(group)))
    return _Grouping(members, counts, weights)


# --- risk -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RiskInput:
    name: str
    value: float
    score: float
    weight: float
    points: float


def _risk(
    seizures: list[_Seizure],
    jurisdictions: int,
    confirmed_share: float,
    identity_pairs: int,
    as_of: int | None,
) -> tuple[float, list[RiskInput]]:
    days = sorted(d for s in seizures if (d := _day(s.date)) is not None)
    value = sum(s.value_usd or 0.0 for s in seizures)
    since_last = float(as_of - days[-1]) if days and as_of is not None else 3650.0
    growth = 0.0
    if len(days) >= 4 and days[-1] > days[0]:
        middle = (days[0] + days[-1]) / 2
        late = sum(1 for d in days if d > middle)
        early = len(days) - late
        growth = (late - early) / len(days)
    scores = {
        "seizures": (len(seizures), min(1.0, math.log1p(len(seizures)) / math.log(101))),
        "value_usd": (round(value, 2), min(1.0, math.log10(1 + value) / 7)),
        "jurisdictions": (jurisdictions, min(1.0, max(0, jurisdictions - 1) / 3)),
        "recency": (since_last, math.exp(-since_last / 365)),
        "growth": (round(growth, 3), max(0.0, growth)),
        "confirmed_infringers": (round(confirmed_share, 3), confirmed_share),
        "shared_identity": (identity_pairs, 1.0 - 0.5**identity_pairs),
    }
    inputs = [
        RiskInput(
            name,
            float(value_),
            round(score, 4),
            RISK_WEIGHTS[name],
            round(100 * RISK_WEIGHTS[name] * score, 2),
        )
        for name, (value_, score) in scores.items()
    ]
    return round(sum(i.points for i in inputs), 2), inputs


_RISK_WORDS = {
    "seizures": "{v:.0f} seizures",
    "value_usd": "USD {v:,.0f} seized",
    "jurisdictions": "{v:.0f} jurisdictions",
    "recency": "last seizure {v:.0f} days before the newest in the graph",
    "growth": "growth {v:+.2f} (late against early half of its activity)",
    "confirmed_infringers": "{v:.0%} of its entities confirmed infringers",
    "shared_identity": "pairs of its entities sharing a phone, email, registration "
    "number or address: {v:.0f}",
}


def _risk_sentence(risk: float, inputs: list[RiskInput]) -> str:
    parts = [
        f"{_RISK_WORDS[i.name].format(v=i.value)}: {i.points:.1f} of {100 * i.weight:.0f}"
        for i in sorted(inputs, key=lambda i: -i.points)
    ]
    return f"Risk {risk:.1f} of 100. " + "; ".join(parts) + "."


# --- building ---------------------------------------------------------------------------


@dataclass
class BuildReport:
    entities: int = 0
    links: int = 0
    binding_links: int = 0
    networks: int = 0
    entities_in_networks: int = 0
    parties_in_networks: int = 0
    largest_network: int = 0
    created: int = 0
    deleted: int = 0
    parties_changed: int = 0
    hubs_left_out: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    # Where the time went: reading the projection, computing, writing.
    phases: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "entities": self.entities,
            "links": self.links,
            "binding_links": self.binding_links,
            "networks": self.networks,
            "entities_in_networks": self.entities_in_networks,
            "parties_in_networks": self.parties_in_networks,
            "largest_network": self.largest_network,
            "networks_created": self.created,
            "networks_deleted": self.deleted,
            "parties_whose_network_changed": self.parties_changed,
            "hubs_left_out": dict(self.hubs_left_out),
            "seconds": round(self.seconds, 2),
            "phases_s": {name: round(value, 2) for name, value in self.phases.items()},
        }


def network_id(party_ids: set[str] | list[str]) -> str:
    """`net:` + the smallest Party id without its `party:` prefix."""
    return "net:" + min(party_ids).split(":", 1)[-1]


def _entity_label(proj: _Projection, entity: str, parties: list[str]) -> str:
    row = proj.parties.get(entity) or proj.parties[parties[0]]
    return str(row["name"] or entity)


def _link_record(
    a: str,
    b: str,
    kinds: Counter[str],
    weight: float,
    evidence: set[str],
    via: set[str],
    proj: _Projection,
) -> dict[str, Any]:
    # Cited oldest first: the records that first showed the link.
    seizures = sorted(evidence, key=lambda sid: (proj.seizures[sid].date or "", sid))
    return {
        "a": a,
        "b": b,
        "weight": weight,
        "binding": weight >= STRONG,
        "kinds": {k: kinds[k] for k in _KIND_ORDER if k in kinds},
        "via": sorted(via)[:EVIDENCE_PER_LINK],
        "seizures": seizures[:EVIDENCE_PER_LINK],
        "evidence_total": len(seizures),
    }


def _batches_by_size(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    """Rows in batches of at most `_WRITE_ROWS` rows and about `_WRITE_BYTES` of
    JSON (the links): the embedded server refuses a Bolt message over 16 MiB, and
    the driver then waits for an answer that never comes."""
    batch: list[dict[str, Any]] = []
    size = 0
    for row in rows:
        row_size = len(row["props"]["links"]) + 2000
        if batch and (len(batch) >= _WRITE_ROWS or size + row_size > _WRITE_BYTES):
            yield batch
            batch, size = [], 0
        batch.append(row)
        size += row_size
    if batch:
        yield batch


def build_networks(store: GraphStore) -> BuildReport:
    """Compute every network over the identity-link projection and store them.

    A rebuild replaces the previous networks: Network nodes no longer found are
    deleted, and `Party.network` is set or cleared only where it changed.
    """
    started = time.perf_counter()
    report = BuildReport()
    proj = _pull(store)
    report.phases["read"] = time.perf_counter() - started
    grouping = _group(proj)
    report.entities = len(set(proj.entity_of.values()))
    report.links = len(grouping.counts)
    report.binding_links = sum(1 for w in grouping.weights.values() if w >= STRONG)
    report.hubs_left_out = dict(proj.hubs)

    network_of_entity = {
        entity: index for index, group in enumerate(grouping.networks) for entity in group
    }
    # Second pass: the evidence of links inside networks (seizures and shared nodes).
    evidence: dict[tuple[str, str], set[str]] = defaultdict(set)
    via: dict[tuple[str, str], set[str]] = defaultdict(set)
    for a, b, _kind, ids, node in _evidence_items(proj, only=set(network_of_entity)):
        index = network_of_entity.get(a)
        if index is None or network_of_entity.get(b) != index:
            continue
        evidence[(a, b)].update(ids)
        if node is not None:
            via[(a, b)].add(node)
    proj.hubs.clear()

    parties_of_entity: dict[str, list[str]] = defaultdict(list)
    for pid, entity in sorted(proj.entity_of.items()):
        parties_of_entity[entity].append(pid)
    all_days = [d for s in proj.seizures.values() if (d := _day(s.date)) is not None]
    as_of = max(all_days) if all_days else None
    built_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")

    links_of: dict[int, list[dict[str, Any]]] = defaultdict(list)
    identity_pairs: Counter[int] = Counter()
    for (a, b), kinds in grouping.counts.items():
        index = network_of_entity.get(a)
        if index is not None and network_of_entity.get(b) == index:
            identity_pairs[index] += not _IDENTITY_KINDS.isdisjoint(kinds)
            weight = grouping.weights[(a, b)]
            links_of[index].append(
                _link_record(a, b, kinds, weight, evidence[(a, b)], via[(a, b)], proj)
            )

    rows: list[dict[str, Any]] = []
    wanted_network: dict[str, str] = {}
    for index, group in enumerate(grouping.networks):
        parties = sorted(pid for entity in group for pid in parties_of_entity[entity])
        nid = network_id(parties)
        for pid in parties:
            wanted_network[pid] = nid
        seizure_ids = set().union(*(proj.seizures_of_entity.get(e, set()) for e in group))
        seizures = [proj.seizures[sid] for sid in sorted(seizure_ids)]
        agencies = sorted({s.agency for s in seizures if s.agency})
        jurisdictions = sorted(
            {j for a in agencies if (j := proj.jurisdiction_of_agency.get(a)) is not None}
        )
        dates = sorted(s.date for s in seizures if s.date)
        confirmed_share = len(group & proj.confirmed) / len(group)
        risk, inputs = _risk(
            seizures, len(jurisdictions), confirmed_share, identity_pairs[index], as_of
        )
        busiest = max(sorted(group), key=lambda e: len(proj.seizures_of_entity.get(e, ())))
        # The strongest links, at most MAX_STORED_LINKS (a Bolt message has a size cap).
        links = sorted(links_of[index], key=lambda link: (-link["weight"], link["a"], link["b"]))
        links_total = len(links)
        links = links[:MAX_STORED_LINKS]
        rows.append(
            {
                "id": nid,
                "props": {
                    "label": _entity_label(proj, busiest, parties_of_entity[busiest]),
                    "members": sorted(group),
                    "entities": len(group),
                    "parties": len(parties),
                    "seizures": len(seizures),
                    "value_usd": round(sum(s.value_usd or 0.0 for s in seizures), 2),
                    "jurisdictions": jurisdictions,
                    "agencies": agencies,
                    "first_seizure": dates[0] if dates else None,
                    "last_seizure": dates[-1] if dates else None,
                    "last_day": _day(dates[-1]) if dates else 0,
                    "transport_modes": sorted({s.mode for s in seizures if s.mode}),
                    "confirmed_entities": len(group & proj.confirmed),
                    "risk": risk,
                    "risk_explanation": _risk_sentence(risk, inputs),
                    "risk_inputs": json.dumps([i.__dict__ for i in inputs]),
                    "links": json.dumps(links, ensure_ascii=False),
                    "links_total": links_total,
                    "built_at": built_at,
                },
            }
        )
    report.networks = len(rows)
    report.entities_in_networks = sum(len(g) for g in grouping.networks)
    report.parties_in_networks = len(wanted_network)
    report.largest_network = max((len(g) for g in grouping.networks), default=0)

    report.phases["compute"] = time.perf_counter() - started - report.phases["read"]
    existing = {row["id"] for row in store.read(queries.EXISTING_NETWORKS_QUERY)}
    wanted_ids = {row["id"] for row in rows}
    stale = sorted(existing - wanted_ids)
    report.created = len(wanted_ids - existing)
    report.deleted = len(stale)
    for batch in _batches_by_size(rows):
        store.write(queries.UPSERT_NETWORKS_QUERY, rows=batch)
    for start in range(0, len(stale), _WRITE_ROWS):
        store.write(queries.DELETE_NETWORKS_QUERY, ids=stale[start : start + _WRITE_ROWS])
    changes = [
        {"id": pid, "network": wanted_network.get(pid)}
        for pid, row in sorted(proj.parties.items())
        if row["network"] != wanted_network.get(pid)
    ]
    report.parties_changed = len(changes)
    for start in range(0, len(changes), _WRITE_ROWS):
        store.write(queries.SET_PARTY_NETWORKS_QUERY, rows=changes[start : start + _WRITE_ROWS])
    report.seconds = time.perf_counter() - started
    report.phases["write"] = report.seconds - report.phases["read"] - report.phases["compute"]
    return report


# --- answers ----------------------------------------------------------------------------


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


def _summary(props: Row) -> NetworkSummary:
    return NetworkSummary(
        id=props["id"],
        label=props.get("label") or props["id"],
        entities=int(props["entities"]),
        parties=int(props["parties"]),
        seizures=int(props["seizures"]),
        value_usd=float(props["value_usd"] or 0.0),
        jurisdictions=list(props["jurisdictions"] or []),
        agencies=list(props["agencies"] or []),
        first_seizure=props["first_seizure"],
        last_seizure=props["last_seizure"],
        transport_modes=list(props["transport_modes"] or []),
        risk=float(props["risk"] or 0.0),
        risk_explanation=props["risk_explanation"] or "",
    )


def _view(store: GraphStore, network: str) -> tuple[NetworkView, list[Row], nx.Graph]:
    found = store.read(queries.NETWORK_QUERY, id=network)
    if not found:
        raise NotFound(f"No network has the id {network!r}.")
    props = found[0]["props"]
    members = store.read(queries.NETWORK_MEMBERS_QUERY, network=network)
    keys = ("seizure", "party", "agency", "record_id", "date", "value_usd", "tlp")
    mentions = [
        dict(zip(keys, packed, strict=True))
        for row in store.read(queries.NETWORK_MEMBER_SEIZURES_QUERY, network=network)
        for packed in row["rows"]
    ]
    seizures: dict[str, Row] = {}
    seizures_of_entity: dict[str, set[str]] = defaultdict(set)
    entity_of = {row["id"]: row["cluster"] or row["id"] for row in members}
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
        by_entity[entity_of[row["id"]]].append(row)
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
    inputs = [RiskInput(**item) for item in json.loads(props.get("risk_inputs") or "[]")]
    subgraph = Subgraph(nodes=nodes, edges=edges)
    links_total = int(props.get("links_total") or len(edges))
    if links_total > len(edges):
        subgraph.truncated = True
        subgraph.notes.append(f"The {len(edges)} strongest of the {links_total} links are shown.")
    view = NetworkView(
        summary=_summary(props),
        risk_inputs=inputs,
        graph=subgraph,
        routes=routes,
        confirmed_entities=int(props.get("confirmed_entities") or 0),
    )
    return view, list(seizures.values()), graph


def _routes(store: GraphStore, seizure_ids: list[str]) -> list[Route]:
    legs: dict[str, dict[str, Any]] = defaultdict(lambda: {"transit": []})
    for start in range(0, len(seizure_ids), _WRITE_ROWS):
        rows = store.read(
            queries.NETWORK_ROUTES_QUERY, ids=seizure_ids[start : start + _WRITE_ROWS]
        )
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


def network_of(store: GraphStore, entity_or_party_id: str) -> NetworkView:
    """The network the entity (or party) belongs to; NotFound naming the id if the
    id is no party, or if the party is in no network."""
    found = store.read(queries.PARTY_NETWORK_QUERY, id=entity_or_party_id)
    if not found:
        raise NotFound(f"No entity or party has the id {entity_or_party_id!r}.")
    network = found[0]["network"]
    if not network:
        raise NotFound(
            f"The entity {entity_or_party_id!r} is in no network: no binding identity link "
            "ties it to another entity."
        )
    return _view(store, network)[0]


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


def get_network(store: GraphStore, network: str) -> NetworkDetail:
    """A network with its key players (betweenness and PageRank over its links),
    communities (Louvain, fixed seed) when it is large, and seizures per month."""
    view, seizures, graph = _view(store, network)
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
    *,
    min_jurisdictions: int = 1,
    since: dt.date | None = None,
    sort: NetworkSort = NetworkSort.RISK,
    limit: int = 50,
    cursor: str | None = None,
) -> NetworkPage:
    """A page of networks spanning at least `min_jurisdictions` jurisdictions, with a
    seizure on or after `since`, in `sort` order (descending, then id)."""
    after_key, after_id = _decode_cursor(cursor, sort) if cursor else (None, None)
    rows = store.read(
        queries.LIST_NETWORKS_QUERY,
        sort=sort.value,
        min_jurisdictions=min_jurisdictions,
        since=since.isoformat() if since else None,
        after_key=after_key,
        after_id=after_id,
        limit=limit + 1,
    )
    items = [_summary(row) for row in rows[:limit]]
    next_cursor = None
    if len(rows) > limit:
        last = rows[limit - 1]
        next_cursor = _encode_cursor(sort, float(last["key"]), last["id"])
    return NetworkPage(items=items, next_cursor=next_cursor, limit=limit, sort=sort)
