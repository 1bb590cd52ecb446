"""Networks updated, not rebuilt: after a load or a judgement, only the networks the
changed parties belong to, or now link to, are computed again.

The networks of a view depend on an entity only through identity-link evidence
(`grouping.evidence_items`): shared seizures, documents, containers, artefacts,
forwarders, and the entity's own parties. So the update works on a *region*: the
parties that changed (the seeds) and everything that evidence reaches from them,
closed, so that no evidence links a party inside to one outside in any view:

- a party brings its whole entity (every party of its `cluster`; an entity of a
  view is a part of one) and every member of the networks it is in now, in any
  view (they are worked out again and may leave);
- a party brings the seizures that name it, and a seizure every party it names,
  its containers and its documents;
- a container, a document, an artefact (address, phone, email, registration
  number) or a forwarder brings every seizure or party it is shared by, unless it
  is a hub in *every* view: then it gives no link anywhere (`rules`' caps), and
  it is left out of the region's projection (a forwarder that is such a hub keeps
  its own seizures, counted, without what they lead to). Whether it is such a hub
  is decided on a lower bound of its holders per view (distinct entities, never
  counting a party named as a forwarder), so a doubtful one is walked.

The region's projection is then what `projection.pull` would read of those
parties, each view's networks are computed on it by the same code as a full
build (`build._networks`), and only they are written: the region's old networks
are replaced, its parties' `network` and `view_networks` set. Recency is counted
to the newest seizure of the whole view, not of the region; when that moves, the
risk of every other network of the view is scored again from its stored inputs
(its recency alone changes).

A region larger than `MAX_REGION_SHARE` of the parties, a view that did not exist
(an agency named for the first time), or no stored networks at all: the update is
a full build (`build_networks`), and its report says why.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from graph import queries
from graph.access import PUBLIC, visible_to
from graph.analysis.networks.build import (
    BuildReport,
    _batches_by_size,
    _Built,
    _networks,
    build_networks,
    node_id,
)
from graph.analysis.networks.grouping import day
from graph.analysis.networks.projection import Pulled, _prepared, project
from graph.analysis.networks.risk import RiskInput, risk_sentence
from graph.analysis.networks.rules import ARTEFACT_CAP, CONTAINER_CAP, FORWARDER_CAP
from graph.live import queries as live
from graph.model import Label, LinkStatus, RelType
from graph.store import GraphStore

# Above this share of every party, the region is most of the graph: a full build.
MAX_REGION_SHARE = 0.3
# Below this many parties a region is never too large.
MIN_REGION_LIMIT = 2000
_BATCH = 1000
# The viewer of the public view: an agency no token names.
_NOBODY = "\x00public"


@dataclass
class UpdateReport:
    """What an update did: the region it computed, the networks it replaced."""

    seeds: int = 0
    region_parties: int = 0
    region_seizures: int = 0
    # Networks (of every view) computed in the region, and those of it now gone.
    networks_written: int = 0
    networks_deleted: int = 0
    parties_changed: int = 0
    # Networks outside the region whose risk moved with the newest seizure.
    risks_rescored: int = 0
    hubs_skipped: int = 0
    # Why a full build ran instead, if one did (its report is `full`).
    full_build: str | None = None
    full: BuildReport | None = None
    seconds: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "mode": "full" if self.full_build else "incremental",
            "seeds": self.seeds,
            "region_parties": self.region_parties,
            "region_seizures": self.region_seizures,
            "networks_written": self.networks_written,
            "networks_deleted": self.networks_deleted,
            "parties_whose_network_changed": self.parties_changed,
            "risks_rescored": self.risks_rescored,
            "hubs_left_out_of_region": self.hubs_skipped,
            "seconds": round(self.seconds, 2),
            "phases_s": {name: round(value, 2) for name, value in self.phases.items()},
        }
        if self.full is not None:
            # A full build: its own figures, as `networks build` prints them.
            return {**self.full.as_dict(), "mode": "full", "full_build": self.full_build}
        return out


def _chunks(ids: Iterable[str], size: int = _BATCH) -> Iterable[list[str]]:
    items = sorted(ids)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _viewers(agencies: list[str]) -> list[str | None]:
    """Who each view is computed for: None the whole graph, then each agency, then
    the public view's viewer."""
    return [None, *agencies, _NOBODY]


def _hub_everywhere(
    holders: list[tuple[str, str | None, list[str] | None, bool, list[str] | None]],
    cap: int,
    viewers: list[str | None],
) -> bool:
    """Whether a shared node is a hub in every view: more than `cap` entities hold
    it in each, counted low (distinct clusters, forwarders never counted).
    `holders`: (party, cluster, who may see the party, whether it was named as a
    forwarder, who may see the record that makes it a holder)."""
    for viewer in viewers:
        clusters = {
            cluster or party
            for party, cluster, party_vis, forwarder, given in holders
            if not forwarder and visible_to(party_vis, viewer) and visible_to(given, viewer)
        }
        if len(clusters) <= cap:
            return False
    return True


@dataclass
class _Region:
    parties: dict[str, list[Any]] = field(default_factory=dict)  # id -> party row
    forwarders: set[str] = field(default_factory=set)
    mentions: list[list[Any]] = field(default_factory=list)
    seizures: dict[str, list[Any]] = field(default_factory=dict)  # every one named
    walked: set[str] = field(default_factory=set)  # seizures whose parties are all in
    shared: list[list[Any]] = field(default_factory=list)
    old_networks: set[str] = field(default_factory=set)  # Network node ids
    hub_forwarders: set[str] = field(default_factory=set)
    hub_nodes: set[str] = field(default_factory=set)
    decided: set[str] = field(default_factory=set)  # shared nodes looked at


class _TooLarge(Exception):
    pass


def _expand(store: GraphStore, seeds: set[str], viewers: list[str | None], limit: int) -> _Region:
    region = _Region()
    clusters_seen: set[str] = set()
    # Containers and documents met and not looked at yet, by relationship.
    pending_nodes: dict[str, set[str]] = defaultdict(set)
    frontier = set(seeds)
    while frontier or any(pending_nodes.values()):
        if len(region.parties) + len(frontier) > limit:
            raise _TooLarge(f"the region reached {len(region.parties) + len(frontier)} parties")
        new_parties: set[str] = set()
        for chunk in _chunks(frontier):
            for row in store.read(live.REGION_PARTIES_QUERY, ids=chunk):
                party = row["row"]
                region.parties[party[0]] = party
                if row["forwarder"]:
                    region.forwarders.add(party[0])
                new_parties.add(party[0])
        found: set[str] = set()
        # The whole entity of each party, and the members of its networks now.
        clusters = {region.parties[p][1] or p for p in new_parties} - clusters_seen
        clusters_seen |= clusters
        for chunk in _chunks(clusters):
            found.update(
                row["id"] for row in store.read(live.CLUSTER_MEMBERS_QUERY, clusters=chunk)
            )
        networks: set[str] = set()
        for pid in new_parties:
            party_row = region.parties[pid]
            if party_row[3]:
                networks.add(party_row[3])
            for entry in party_row[7] or ():
                view, _, nid = entry.partition("=")
                if nid:
                    networks.add(node_id(nid, view))
        networks -= region.old_networks
        region.old_networks |= networks
        for chunk in _chunks(networks):
            for row in store.read(live.NETWORK_PARTY_IDS_QUERY, ids=chunk):
                found.update(row["parties"])
        # Forwarders that are hubs in every view: their forwarded seizures are
        # counted, not walked.
        undecided = (new_parties & region.forwarders) - region.decided
        region.decided |= undecided
        partners: dict[str, list[Any]] = defaultdict(list)
        for chunk in _chunks(undecided):
            for row in store.read(live.FORWARDER_PARTNERS_QUERY, ids=chunk):
                for pid, cluster, vis, forwarder in row["principals"]:
                    if pid != row["node"]:
                        partners[row["node"]].append((pid, cluster, vis, forwarder, row["vis"]))
        for forwarder, partner_rows in partners.items():
            if _hub_everywhere(partner_rows, FORWARDER_CAP + 1, viewers):
                region.hub_forwarders.add(forwarder)
        # The parties' mentions: seizures to walk, artefacts to look at.
        to_walk: set[str] = set()
        artefacts: set[str] = set()
        for chunk in _chunks(new_parties):
            for row in store.read(live.REGION_MENTIONS_QUERY, ids=chunk):
                sid, rel, pid, given, _name = row["row"]
                region.mentions.append(row["row"])
                region.seizures.setdefault(sid, [])
                if not (rel == RelType.FORWARDED_BY and pid in region.hub_forwarders):
                    to_walk.add(sid)
                artefacts.update(str(a) for a in given)
        to_walk -= region.walked
        region.walked |= to_walk
        shared_nodes = _walk(store, region, to_walk, found)
        # Containers and documents: every seizure of each, unless a hub everywhere.
        for rel_, nodes_ in shared_nodes.items():
            pending_nodes[rel_] |= nodes_
        for label, rel in live.SHARED_NODES:
            nodes = pending_nodes.pop(rel, set()) - region.decided
            region.decided |= nodes
            cap = CONTAINER_CAP if label == Label.CONTAINER else ARTEFACT_CAP
            holders: dict[str, list[Any]] = defaultdict(list)
            seizures_of: dict[str, set[str]] = defaultdict(set)
            for chunk in _chunks(nodes):
                for row in store.read(live.shared_seizures_query(label, rel), ids=chunk):
                    seizures_of[row["node"]].add(row["seizure"])
                    for pid, cluster, vis, forwarder in row["principals"]:
                        holders[row["node"]].append((pid, cluster, vis, forwarder, row["vis"]))
            more: set[str] = set()
            for node, seizures in seizures_of.items():
                if _hub_everywhere(holders[node], cap, viewers):
                    region.hub_nodes.add(node)
                else:
                    more |= seizures
            more -= region.walked
            region.walked |= more
            # Their own containers and documents are looked at in the next round.
            for rel_, nodes_ in _walk(store, region, more, found).items():
                pending_nodes[rel_] |= nodes_
        # Artefacts: every holder, unless a hub everywhere.
        by_prefix: dict[str, set[str]] = defaultdict(set)
        for artefact in artefacts - region.decided:
            prefix = artefact.split(":", 1)[0]
            if prefix in live.ARTEFACTS:
                by_prefix[prefix].add(artefact)
        for prefix, ids in by_prefix.items():
            region.decided |= ids
            label, rel = live.ARTEFACTS[prefix]
            held: dict[str, list[Any]] = defaultdict(list)
            for chunk in _chunks(ids):
                for row in store.read(live.artefact_holders_query(label, rel), ids=chunk):
                    held[row["node"]].append(
                        (
                            row["party"],
                            row["cluster"],
                            row["vis"],
                            row["forwarder"],
                            row["given_vis"],
                        )
                    )
            for node, holders_ in held.items():
                if _hub_everywhere(holders_, ARTEFACT_CAP, viewers):
                    region.hub_nodes.add(node)
                else:
                    found.update(h[0] for h in holders_)
        frontier = found - region.parties.keys()
    return region


def _walk(
    store: GraphStore, region: _Region, seizures: set[str], found: set[str]
) -> dict[str, set[str]]:
    """Read the seizures `seizures` (kept for the projection): their parties go to
    `found`; returns their containers and documents by relationship."""
    nodes: dict[str, set[str]] = defaultdict(set)
    for chunk in _chunks(seizures):
        for row in store.read(live.REGION_SEIZURES_QUERY, ids=chunk):
            region.seizures[row["row"][0]] = row["row"]
            found.update(row["parties"])
            for sid, rel, node in row["shared"]:
                region.shared.append([sid, rel, node])
                if rel in (RelType.IN_CONTAINER, RelType.DOCUMENTED_BY):
                    nodes[rel].add(node)
    return nodes


def _pulled(store: GraphStore, region: _Region) -> Pulled:
    """The region's projection, as `projection.pull` reads the whole graph's."""
    keys = ("id", "cluster", "name", "network", "vis", "view_clusters", "label_vis", "views")
    parties = {pid: dict(zip(keys, row, strict=True)) for pid, row in region.parties.items()}
    seizures = {sid: row for sid, row in region.seizures.items() if row}
    for chunk in _chunks(sid for sid, row in region.seizures.items() if not row):
        for row in store.read(live.REGION_SEIZURES_QUERY, ids=chunk):
            seizures[row["row"][0]] = row["row"]
    mentions = _prepared(iter(region.mentions), seizures)
    shared = sorted(
        {
            (sid, rel, node)
            for sid, rel, node in region.shared
            if sid in region.walked and node not in region.hub_nodes
        }
    )
    confirmed = []
    for chunk in _chunks(region.parties):
        confirmed += [
            (row["a"], row["b"], row["vis"] or [])
            for row in store.read(
                live.REGION_CONFIRMED_QUERY, ids=chunk, status=LinkStatus.CONFIRMED
            )
        ]
    jurisdiction_of_agency = {
        row["agency"]: row["jurisdiction"]
        for row in store.read(queries.AGENCY_JURISDICTIONS_QUERY)
        if row["jurisdiction"]
    }
    return Pulled(
        parties,
        seizures,
        mentions,
        [list(item) for item in shared],
        sorted({(a, b): (a, b, vis) for a, b, vis in confirmed}.values()),
        jurisdiction_of_agency,
    )


def _newest_days(store: GraphStore, viewers: list[str | None]) -> list[int | None]:
    """Per viewer, the day of the newest seizure it sees (what recency counts to)."""
    groups = store.read(live.NEWEST_SEIZURE_QUERY)
    out: list[int | None] = []
    for viewer in viewers:
        days = [
            d
            for row in groups
            if visible_to(row["vis"], viewer) and (d := day(row["newest"])) is not None
        ]
        out.append(max(days) if days else None)
    return out


def _rescored(stored: str, last_day: int | None, as_of: int | None) -> tuple[float, str, str]:
    """A network's risk with its recency counted to `as_of` (`risk.risk_of`)."""
    inputs = [RiskInput(**item) for item in json.loads(stored)]
    since = float(as_of - last_day) if last_day and as_of is not None else 3650.0
    rescored = []
    for item in inputs:
        if item.name == "recency":
            score = math.exp(-since / 365)
            item = RiskInput(
                item.name, since, round(score, 4), item.weight, round(100 * item.weight * score, 2)
            )
        rescored.append(item)
    risk = round(sum(i.points for i in rescored), 2)
    return risk, json.dumps([i.__dict__ for i in rescored]), risk_sentence(risk, rescored)


def update_networks(store: GraphStore, seeds: Iterable[str]) -> UpdateReport:
    """Compute again the networks of the parties `seeds` (and of what they link to),
    in every view; a full build when the region is most of the graph."""
    started = time.perf_counter()
    report = UpdateReport()
    seed_set = set(seeds)
    report.seeds = len(seed_set)
    if not seed_set:
        report.seconds = time.perf_counter() - started
        return report
    agencies = sorted(row["agency"] for row in store.read(live.VIEW_MARKERS_QUERY))
    viewers = _viewers(agencies)
    total = store.read(queries.count_label_query(Label.PARTY))[0]["count"]
    limit = max(MIN_REGION_LIMIT, int(MAX_REGION_SHARE * total))

    def full(reason: str) -> UpdateReport:
        report.full_build = reason
        report.full = build_networks(store)
        report.seconds = time.perf_counter() - started
        return report

    try:
        region = _expand(store, seed_set, viewers, limit)
    except _TooLarge as exc:
        return full(f"{exc}, more than {limit} of {total}")
    report.phases["region"] = time.perf_counter() - started
    pulled = _pulled(store, region)
    new_views = set(pulled.views()) - set(agencies)
    if new_views:
        return full(f"a view appears for {', '.join(sorted(new_views))}")
    report.region_parties = len(pulled.parties)
    report.region_seizures = len(pulled.seizures)
    report.hubs_skipped = len(region.hub_nodes) + len(region.hub_forwarders)
    report.phases["read"] = time.perf_counter() - started - report.phases["region"]

    built_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    newest = _newest_days(store, viewers)
    views = ["", *agencies, PUBLIC]
    built: dict[str, _Built] = {}
    for view, as_of in zip(views, newest, strict=True):
        proj = project(pulled, view or None)
        # What the region cannot see of a hub: it is one in every view.
        proj.hub_forwarders |= {
            proj.entity_of[f] for f in region.hub_forwarders if f in proj.entity_of
        }
        for node in region.hub_nodes:
            proj.artefacts.pop(node, None)
        built[view] = _networks(proj, view, built_at, as_of=as_of)
    report.phases["compute"] = (
        time.perf_counter() - started - report.phases["region"] - report.phases["read"]
    )

    rows = [row for b in built.values() for row in b.rows]
    written = {row["id"] for row in rows}
    stale = sorted(region.old_networks - written)
    for batch in _batches_by_size(rows):
        store.write(queries.UPSERT_NETWORKS_QUERY, rows=batch)
    for chunk in _chunks(stale):
        store.write(queries.DELETE_NETWORKS_QUERY, ids=chunk)
    report.networks_written, report.networks_deleted = len(written), len(stale)
    agency_views = [*agencies, PUBLIC]
    in_some_view = set().union(*(built[v].network_of_party for v in agency_views))
    changes = []
    for pid, row in sorted(pulled.parties.items()):
        network = built[""].network_of_party.get(pid)
        entries = (
            [f"{view}={built[view].network_of_party.get(pid, '')}" for view in agency_views]
            if pid in in_some_view
            else None
        )
        if row["network"] != network or (row["views"] or None) != entries:
            changes.append({"id": pid, "network": network, "view_networks": entries})
            report.parties_changed += row["network"] != network
    for start in range(0, len(changes), _BATCH):
        store.write(queries.SET_PARTY_NETWORKS_QUERY, rows=changes[start : start + _BATCH])

    # Recency of the networks outside the region, counted to the newest seizure.
    for view, as_of in zip(views, newest, strict=True):
        rescored = []
        for row in store.read(live.VIEW_NETWORK_RISKS_QUERY, view=view):
            if row["id"] in written or not row["risk_inputs"]:
                continue
            risk, inputs, sentence = _rescored(row["risk_inputs"], row["last_day"], as_of)
            if inputs != row["risk_inputs"] or risk != row["risk"]:
                rescored.append(
                    {
                        "id": row["id"],
                        "risk": risk,
                        "risk_inputs": inputs,
                        "risk_explanation": sentence,
                    }
                )
        for start in range(0, len(rescored), _BATCH):
            store.write(live.SET_NETWORK_RISKS_QUERY, rows=rescored[start : start + _BATCH])
        report.risks_rescored += len(rescored)
    report.seconds = time.perf_counter() - started
    report.phases["write"] = report.seconds - sum(
        report.phases[k] for k in ("region", "read", "compute")
    )
    return report
