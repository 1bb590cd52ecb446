"""Building the networks of every view and storing them.

The projection is pulled once (`projection.pull`); the networks of the whole graph
(the operator's, and what `evaluate-networks` measures) are computed from it, then
those of each view: the public one (what every agency sees) and one per agency that
some record names, each from what that view sees (`projection.project`), so that a
network, its members, links, evidence, counts and risk shown to an agency rest only
on records it may see (`graph.access`).

Each network is a `Network` node: `id` is `net:...` for the whole graph and
`net:...@<view>` for a view, `network` the id shown (`net:` and the smallest Party
id of its members in that view), `view` the view ("" for the whole graph). A party
keeps its network over the whole graph in `network` and, once it is in a network in
any view, its network per view in `view_networks` (`"<view>=<id>"`, empty when in
none), which `queries.view_network` reads, and in `network_rounds` the round its
entity joined that network in, per view (`"<view>=<round>"`, "" the whole graph: 0
for a core, 1 to `PENDANT_ROUNDS` for an entity that joined one), which the
incremental update reads. A marker node `view:<agency>` says which
agencies have a view of their own.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from graph import queries
from graph.access import PUBLIC
from graph.analysis.networks.grouping import Grouping, day, evidence_items, group_networks
from graph.analysis.networks.projection import Projection, Pulled, project, pull
from graph.analysis.networks.risk import RiskInput, risk_of, stored
from graph.analysis.networks.rules import (
    EVIDENCE_PER_LINK,
    IDENTITY_KINDS,
    KIND_ORDER,
    MAX_STORED_LINKS,
    SEIZED_TOGETHER_KINDS,
    STRONG,
)
from graph.heap import paused_gc
from graph.store import GraphStore, Row

_WRITE_ROWS = 1000
_WRITE_BYTES = 4_000_000
T = TypeVar("T")


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
    # Networks per view: the public one (`*`) and each agency's.
    views: dict[str, int] = field(default_factory=dict)
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
            "networks_per_view": dict(self.views),
            "seconds": round(self.seconds, 2),
            "phases_s": {name: round(value, 2) for name, value in self.phases.items()},
        }


def network_id(party_ids: set[str] | list[str]) -> str:
    """`net:` + the smallest Party id without its `party:` prefix."""
    return "net:" + min(party_ids).split(":", 1)[-1]


def recency_stamp_id(view: str) -> str:
    """The node that says which day every network of `view` ("" the whole graph)
    has its recency counted to (`recency_as_of`): `view:<agency>`, `view:` (the
    whole graph, which also lists the agencies with a view) and `view:*` (the
    public view). A network's risk is read with its recency counted to that day
    (`risk.risk_at`): a newer seizure moves one stamp, not every network's risk."""
    return f"view:{view}"


def recency_day(as_of: int | None) -> int:
    """A view's `recency_as_of`: the day its recency counts to, -1 for none."""
    return -1 if as_of is None else as_of


def node_id(network: str, view: str) -> str:
    """The id of the Network node of `network` in `view` ("" the whole graph)."""
    return f"{network}@{view}" if view else network


def _link_record(
    a: str,
    b: str,
    kinds: Counter[str],
    weight: float,
    evidence: set[str],
    via: set[str],
    proj: Projection,
) -> dict[str, Any]:
    # Cited oldest first: the records that first showed the link.
    seizures = sorted(evidence, key=lambda sid: (proj.seizures[sid].date or "", sid))
    return {
        "a": a,
        "b": b,
        "weight": weight,
        "binding": weight >= STRONG,
        "kinds": {k: kinds[k] for k in KIND_ORDER if k in kinds},
        "via": sorted(via)[:EVIDENCE_PER_LINK],
        "seizures": seizures[:EVIDENCE_PER_LINK],
        "evidence_total": len(seizures),
    }


@dataclass
class _Built:
    """The networks of one view: Network rows, and each member party's network."""

    rows: list[dict[str, Any]]
    network_of_party: dict[str, str]
    # Party -> the round its entity joined its network in (0: the core).
    round_of_party: dict[str, int] = field(default_factory=dict)
    entities: int = 0
    links: int = 0
    binding_links: int = 0
    hubs: dict[str, int] = field(default_factory=dict)
    entities_in_networks: int = 0
    largest: int = 0
    # The day recency is counted to (None: the view sees no dated seizure).
    as_of: int | None = None


def _networks(
    proj: Projection,
    view: str,
    built_at: str,
    grouping: Grouping | None = None,
) -> _Built:
    """The networks of one view, and the day its recency is counted to (`as_of`: the
    newest seizure in `proj`). `grouping`: the projection's, when already computed."""
    if grouping is None:
        grouping = group_networks(proj)
    built = _Built(
        rows=[],
        network_of_party={},
        entities=len(set(proj.entity_of.values())),
        links=len(grouping.counts),
        binding_links=sum(1 for w in grouping.weights.values() if w >= STRONG),
        hubs=dict(proj.hubs),
        entities_in_networks=sum(len(g) for g in grouping.networks),
        largest=max((len(g) for g in grouping.networks), default=0),
    )
    network_of_entity = {
        entity: index for index, members in enumerate(grouping.networks) for entity in members
    }
    # Second pass: the evidence of links inside networks (seizures and shared nodes).
    evidence: dict[tuple[str, str], set[str]] = defaultdict(set)
    via: dict[tuple[str, str], set[str]] = defaultdict(set)
    for a, b, _kind, ids, shared in evidence_items(proj, only=set(network_of_entity)):
        index = network_of_entity.get(a)
        if index is None or network_of_entity.get(b) != index:
            continue
        evidence[(a, b)].update(ids)
        if shared is not None:
            via[(a, b)].add(shared)
    proj.hubs.clear()

    parties_of_entity: dict[str, list[str]] = defaultdict(list)
    for pid, entity in sorted(proj.entity_of.items()):
        parties_of_entity[entity].append(pid)
    all_days = [d for s in proj.seizures.values() if (d := day(s.date)) is not None]
    built.as_of = max(all_days) if all_days else None

    links_of: dict[int, list[dict[str, Any]]] = defaultdict(list)
    identity_pairs: Counter[int] = Counter()
    corroborated: Counter[int] = Counter()
    for (a, b), kinds in grouping.counts.items():
        index = network_of_entity.get(a)
        if index is not None and network_of_entity.get(b) == index:
            identity_pairs[index] += not IDENTITY_KINDS.isdisjoint(kinds)
            weight = grouping.weights[(a, b)]
            corroborated[index] += weight >= STRONG and not set(kinds) <= SEIZED_TOGETHER_KINDS
            links_of[index].append(
                _link_record(a, b, kinds, weight, evidence[(a, b)], via[(a, b)], proj)
            )

    for index, members in enumerate(grouping.networks):
        parties = sorted(pid for entity in members for pid in parties_of_entity[entity])
        nid = network_id(parties)
        for pid in parties:
            built.network_of_party[pid] = nid
        for entity in members:
            for pid in parties_of_entity[entity]:
                built.round_of_party[pid] = grouping.round_of.get(entity, 0)
        # What its members were seized in: seizures naming a member as shipper,
        # consignee or manufacturer (a member forwarder's other customers are not it).
        seizure_ids = {
            sid
            for e in members
            for sid in proj.seizures_of_entity.get(e, ())
            if not proj.seizures[sid].principals.isdisjoint(members)
        }
        seizures = [proj.seizures[sid] for sid in sorted(seizure_ids)]
        agencies = sorted({s.agency for s in seizures if s.agency})
        jurisdictions = sorted(
            {j for a in agencies if (j := proj.jurisdiction_of_agency.get(a)) is not None}
        )
        dates = sorted(s.date for s in seizures if s.date)
        confirmed_share = len(members & proj.confirmed) / len(members)
        inputs = risk_of(
            seizures,
            len(jurisdictions),
            confirmed_share,
            identity_pairs[index],
            corroborated[index],
        )
        # Labelled by its key player: the member its links weigh most on (weighted
        # degree, the cheap stand-in of PageRank), then the one seized most.
        strength: Counter[str] = Counter()
        for link in links_of[index]:
            strength[link["a"]] += link["weight"]
            strength[link["b"]] += link["weight"]
        busiest = max(
            sorted(members),
            key=lambda e: (
                e in proj.principals,
                round(strength[e], 4),
                len(proj.seizures_of_entity.get(e, ())),
            ),
        )
        head = busiest if busiest in proj.names else parties_of_entity[busiest][0]
        # The strongest links, at most MAX_STORED_LINKS (a Bolt message has a size cap).
        links = sorted(links_of[index], key=lambda link: (-link["weight"], link["a"], link["b"]))
        links_total = len(links)
        links = links[:MAX_STORED_LINKS]
        built.rows.append(
            {
                "id": node_id(nid, view),
                "props": {
                    "network": nid,
                    "view": view,
                    "label": proj.names.get(head) or busiest,
                    "members": sorted(members),
                    "party_ids": parties,
                    "entity_parties": json.dumps(
                        {entity: parties_of_entity[entity] for entity in sorted(members)}
                    ),
                    "entities": len(members),
                    "parties": len(parties),
                    "seizures": len(seizures),
                    "value_usd": round(sum(s.value_usd or 0.0 for s in seizures), 2),
                    "jurisdictions": jurisdictions,
                    "agencies": agencies,
                    "first_seizure": dates[0] if dates else None,
                    "last_seizure": dates[-1] if dates else None,
                    "last_day": day(dates[-1]) if dates else 0,
                    "transport_modes": sorted({s.mode for s in seizures if s.mode}),
                    "confirmed_entities": len(members & proj.confirmed),
                    **stored(inputs),
                    "links": json.dumps(links, ensure_ascii=False),
                    "links_total": links_total,
                    "built_at": built_at,
                },
            }
        )
    return built


def _batches_by_size(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    """Rows in batches of at most `_WRITE_ROWS` rows and about `_WRITE_BYTES` of
    JSON (the links): the embedded server refuses a Bolt message over 16 MiB, and
    the driver then waits for an answer that never comes."""
    batch: list[dict[str, Any]] = []
    size = 0
    for row in rows:
        row_size = len(row["props"].get("links", "")) + 2000
        if batch and (len(batch) >= _WRITE_ROWS or size + row_size > _WRITE_BYTES):
            yield batch
            batch, size = [], 0
        batch.append(row)
        size += row_size
    if batch:
        yield batch


# What the functions `in_forks` runs read (`forked_state`): set before the fork, so
# every worker reads it without a copy being sent.
_FORKED: Any = None


def forked_state() -> Any:
    """The state `in_forks` was given, in the worker it runs in."""
    return _FORKED


def in_forks(fn: Callable[[str], T], views: list[str], state: object) -> dict[str, T]:
    """`fn` of each view, in forked processes (one per core; in this one on a single
    core): views are independent, each seconds of Python on a large graph. `fn`
    reads `state` through `forked_state()`, which the fork shares rather than sends."""
    global _FORKED
    _FORKED = state
    try:
        workers = min(len(views), os.cpu_count() or 1)
        if workers < 2:
            return {view: fn(view) for view in views}
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            return dict(zip(views, pool.map(fn, views), strict=True))
    finally:
        _FORKED = None


def _view_of(view: str) -> _Built:
    pulled, built_at = forked_state()
    return _networks(project(pulled, view), view, built_at)


def _views(pulled: Pulled, views: list[str], built_at: str) -> dict[str, _Built]:
    """The networks of each view (`in_forks`)."""
    return in_forks(_view_of, views, (pulled, built_at))


def network_rounds(pid: str, built: dict[str, _Built]) -> list[str] | None:
    """A party's `network_rounds`: `"<view>=<round>"` per view ("" the whole graph),
    the round its entity joined its network in that view (empty when in none); None
    when it is in no network in any view."""
    if not any(pid in b.round_of_party for b in built.values()):
        return None
    return [f"{view}={b.round_of_party.get(pid, '')}" for view, b in built.items()]


def party_changes(
    parties: dict[str, Row], built: dict[str, _Built], only: set[str] | None = None
) -> tuple[list[dict[str, Any]], int]:
    """The parties (of `only`, by default all) whose `network`, `view_networks` or
    `network_rounds` differ from what `built` gives ("" the whole graph, then each
    view): rows of `queries.SET_PARTY_NETWORKS_QUERY`, and how many of them moved to
    another network of the whole graph."""
    whole, views = built[""], [view for view in built if view]
    in_some_view = set().union(*(built[view].network_of_party for view in views))
    changes: list[dict[str, Any]] = []
    moved = 0
    for pid, row in sorted(parties.items()):
        if only is not None and pid not in only:
            continue
        network = whole.network_of_party.get(pid)
        entries = (
            [f"{view}={built[view].network_of_party.get(pid, '')}" for view in views]
            if pid in in_some_view
            else None
        )
        rounds = network_rounds(pid, built)
        if (
            row["network"] != network
            or (row["views"] or None) != entries
            or (row["rounds"] or None) != rounds
        ):
            changes.append(
                {"id": pid, "network": network, "view_networks": entries, "network_rounds": rounds}
            )
            moved += row["network"] != network
    return changes, moved


def build_networks(store: GraphStore) -> BuildReport:
    """Compute the networks of the whole graph and of every view, and store them.

    A rebuild replaces the previous networks: Network nodes no longer found are
    deleted, and a party's `network` and `view_networks` are set or cleared only
    where they changed. The cycle collector is paused meanwhile (`graph.heap`).
    """
    with paused_gc():
        return _build_networks(store)


def _build_networks(store: GraphStore) -> BuildReport:
    started = time.perf_counter()
    report = BuildReport()
    pulled = pull(store)
    report.phases["read"] = time.perf_counter() - started
    built_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")

    whole = _networks(project(pulled, None), "", built_at)
    report.entities, report.links, report.binding_links = (
        whole.entities,
        whole.links,
        whole.binding_links,
    )
    report.hubs_left_out = whole.hubs
    report.networks = len(whole.rows)
    report.entities_in_networks = whole.entities_in_networks
    report.parties_in_networks = len(whole.network_of_party)
    report.largest_network = whole.largest
    agencies = pulled.views()
    views = _views(pulled, [*agencies, PUBLIC], built_at)
    report.views = {view: len(built.rows) for view, built in views.items()}
    rows = whole.rows + [row for built in views.values() for row in built.rows]
    # Each view's recency stamp; the whole graph's lists the agencies with a view
    # (an update computes those and, when another appears, builds anew).
    rows += [
        {
            "id": recency_stamp_id(view),
            "props": {
                "recency_as_of": recency_day(built.as_of),
                **({} if view else {"views": sorted(agencies)}),
            },
        }
        for view, built in {"": whole, **views}.items()
    ]
    report.phases["compute"] = time.perf_counter() - started - report.phases["read"]

    existing = {row["id"] for row in store.read(queries.EXISTING_NETWORKS_QUERY)}
    wanted_ids = {row["id"] for row in rows}
    stale = sorted(existing - wanted_ids)
    report.created = len({row["id"] for row in whole.rows} - existing)
    report.deleted = len({i for i in stale if "@" not in i and not i.startswith("view:")})
    for batch in _batches_by_size(rows):
        store.write(queries.UPSERT_NETWORKS_QUERY, rows=batch)
    for start in range(0, len(stale), _WRITE_ROWS):
        store.write(queries.DELETE_NETWORKS_QUERY, ids=stale[start : start + _WRITE_ROWS])
    changes, report.parties_changed = party_changes(pulled.parties, {"": whole, **views})
    for start in range(0, len(changes), _WRITE_ROWS):
        store.write(queries.SET_PARTY_NETWORKS_QUERY, rows=changes[start : start + _WRITE_ROWS])
    report.seconds = time.perf_counter() - started
    report.phases["write"] = report.seconds - report.phases["read"] - report.phases["compute"]
    return report


def adopt_stored_risks(store: GraphStore) -> int:
    """Store as this version does the risks of networks built by an earlier one,
    which held their risk counted to one day (`risk`, `risk_explanation`, and
    recency among `risk_inputs`): the inputs but recency, and their points
    (`risk.stored`). Returns how many networks; none after the first start."""
    rows = [
        {
            "id": row["id"],
            **stored([RiskInput(**item) for item in json.loads(row["risk_inputs"] or "[]")]),
        }
        for row in store.read(queries.DAY_COUNTED_RISKS_QUERY)
    ]
    for start in range(0, len(rows), _WRITE_ROWS):
        store.write(queries.SET_RISK_BASES_QUERY, rows=rows[start : start + _WRITE_ROWS])
    return len(rows)
