"""The region of an incremental network update, read from the graph
(`graph.analysis.networks.incremental`): the parties whose networks are computed
again (free), the parties and seizures around them that those networks depend on
(context), and what they share, read outward from the seeds a round at a time.
The update computes the region's networks; this module only reads it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from graph import queries
from graph.access import PUBLIC, PUBLIC_VIEWER, visible_to
from graph.analysis.networks.build import node_id
from graph.analysis.networks.projection import PARTY_KEYS, Pulled, _prepared
from graph.analysis.networks.rules import ARTEFACT_CAP, CONTAINER_CAP, FORWARDER_CAP
from graph.live import queries as live
from graph.model import Label, LinkStatus, RelType
from graph.store import GraphStore

_BATCH = 1000


def chunks(ids: Iterable[str], size: int = _BATCH) -> Iterable[list[str]]:
    items = sorted(ids)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def viewers_of(agencies: list[str]) -> list[str | None]:
    """Who each view is computed for: None the whole graph, then each agency, then
    the public view's viewer."""
    return [None, *agencies, PUBLIC_VIEWER]


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
class Region:
    parties: dict[str, list[Any]] = field(default_factory=dict)  # id -> party row
    free: set[str] = field(default_factory=set)  # parties whose networks are computed
    touched: set[str] = field(default_factory=set)  # the seeds and what they share
    forwarders: set[str] = field(default_factory=set)
    mentioned: set[str] = field(default_factory=set)  # parties whose mentions are all read
    # The mentions read, by (seizure, relationship, party): every one of the free
    # parties, those of the seizures read, and those that gave a context party an
    # artefact it shares with a free one.
    mentions: dict[tuple[str, str, str], list[Any]] = field(default_factory=dict)
    mentions_of: dict[str, list[list[Any]]] = field(default_factory=lambda: defaultdict(list))
    # Seizure -> its containers and documents, (relationship, node).
    nodes_of: dict[str, set[tuple[str, str]]] = field(default_factory=lambda: defaultdict(set))
    seizures: dict[str, list[Any]] = field(default_factory=dict)  # every one walked
    walked: set[str] = field(default_factory=set)  # seizures whose parties are all in
    shared: list[list[Any]] = field(default_factory=list)
    old_networks: set[str] = field(default_factory=set)  # Network node ids
    hub_forwarders: set[str] = field(default_factory=set)
    hub_nodes: set[str] = field(default_factory=set)
    decided: set[str] = field(default_factory=set)  # shared nodes looked at
    clusters: set[str] = field(default_factory=set)
    parties_of: dict[str, list[str]] = field(default_factory=dict)  # walked seizure -> parties
    holders: set[str] = field(default_factory=set)  # parties holding an artefact not a hub

    @property
    def context(self) -> set[str]:
        return self.parties.keys() - self.free


class RegionTooLarge(Exception):
    pass


def _mention(region: Region, row: list[Any]) -> None:
    """Keep a mention row, once."""
    key = (row[0], row[1], row[2])
    if key not in region.mentions:
        region.mentions[key] = row
        region.mentions_of[row[2]].append(row)


def _read_parties(store: GraphStore, region: Region, ids: set[str], *, whole: bool) -> None:
    """Party rows of the parties `ids` not read yet; with `whole`, every mention of
    them too (a free party's). A context party's mentions come with the seizures
    read (`_walk`) and the artefacts it shares (`pull_region`): its other seizures say
    nothing the free parties' networks depend on, and a busy trader has thousands."""
    new = ids - region.parties.keys()
    for chunk in chunks(new):
        for row in store.read(live.REGION_PARTIES_QUERY, ids=chunk):
            party = row["row"]
            region.parties[party[0]] = party
            if row["forwarder"]:
                region.forwarders.add(party[0])
    if not whole:
        return
    unread = ids - region.mentioned
    region.mentioned |= unread
    for chunk in chunks(unread):
        for row in store.read(live.REGION_MENTIONS_QUERY, ids=chunk):
            _mention(region, row["row"])


def _decide_forwarders(store: GraphStore, region: Region, ids: set[str]) -> set[str]:
    """Which of the forwarders `ids` are hubs in every view (their forwarded
    seizures counted, not walked); returns the seizures the others forwarded.

    Every agency sees what the public view sees, so a forwarder with more than the
    cap of entities in the public view is a hub in every view, and one with fewer
    is none in that view: the public count decides (`_hub_everywhere`'s lower
    bound), read as one number per forwarder."""
    undecided = (ids & region.forwarders) - region.decided
    region.decided |= undecided
    hub = FORWARDER_CAP + 2  # this many entities in the public view: a hub in every view
    partners = {
        row["node"]: row["entities"]
        for chunk in chunks(undecided)
        for row in store.read(
            live.FORWARDER_PUBLIC_PARTNERS_QUERY, ids=chunk, public=PUBLIC, enough=hub
        )
    }
    hubs = {f for f in undecided if partners.get(f, 0) >= hub}
    region.hub_forwarders |= hubs
    return {
        row["seizure"]
        for chunk in chunks(undecided - hubs)
        for row in store.read(live.FORWARDED_SEIZURES_QUERY, ids=chunk)
    }


def free_region(
    store: GraphStore,
    region: Region,
    frontier: set[str],
    viewers: list[str | None],
    limit: int,
    *,
    touch: bool,
) -> None:
    """Make the parties `frontier` free: their networks are computed again.

    A free party brings, free too, its whole entity and the members of the networks
    it is in now (any view), and, as context, everything its evidence reaches: the
    parties of its seizures, of the seizures sharing a container or document with
    them, the holders of its artefacts, each with all its mentions (so that what
    they share with free parties is whole). Context parties take part in no core and
    no network (`Projection.fixed_out`); `_unsettled` says which must be made free
    after all. With `touch`, the parties are the seeds (`Region.touched`).
    """
    frontier = frontier - region.free
    while frontier:
        if len(region.parties.keys() | frontier) > limit:
            raise RegionTooLarge(
                f"the region reached {len(region.parties) + len(frontier)} parties"
            )
        _read_parties(store, region, frontier, whole=True)
        region.free |= frontier
        if touch:
            region.touched |= frontier
        must: set[str] = set()
        # The whole entity of each party, and the members of its networks now.
        clusters = {region.parties[p][1] or p for p in frontier} - region.clusters
        region.clusters |= clusters
        for chunk in chunks(clusters):
            must.update(row["id"] for row in store.read(live.CLUSTER_MEMBERS_QUERY, clusters=chunk))
        networks: set[str] = set()
        for pid in frontier:
            party_row = region.parties[pid]
            if party_row[3]:
                networks.add(party_row[3])
            for entry in party_row[7] or ():
                view, _, nid = entry.partition("=")
                if nid:
                    networks.add(node_id(nid, view))
        networks -= region.old_networks
        region.old_networks |= networks
        for chunk in chunks(networks):
            for row in store.read(live.NETWORK_PARTY_IDS_QUERY, ids=chunk):
                must.update(row["parties"])
        # Forwarders that are hubs in every view: their forwarded seizures are
        # counted, not walked.
        forwarded = _decide_forwarders(store, region, frontier)
        # The parties' mentions: seizures to walk, artefacts to look at.
        to_walk: set[str] = set()
        artefacts: set[str] = set()
        for pid in frontier:
            for sid, rel, _pid, given, _name in region.mentions_of.get(pid, ()):
                if not (rel == RelType.FORWARDED_BY and pid in region.hub_forwarders):
                    to_walk.add(sid)
                artefacts.update(str(a) for a in given)
        to_walk |= forwarded
        found: set[str] = set()
        _walk(store, region, to_walk - region.walked, found)
        region.walked |= to_walk
        # Their parties (walked before as context, or now).
        for sid in to_walk:
            found.update(region.parties_of.get(sid, ()))
        pending: dict[str, set[str]] = defaultdict(set)
        for sid in to_walk:
            for rel_, node_ in region.nodes_of.get(sid, ()):
                pending[rel_].add(node_)
        # Containers and documents: every seizure of each, unless a hub everywhere.
        for label, rel in live.SHARED_NODES:
            nodes = pending.pop(rel, set()) - region.decided
            region.decided |= nodes
            cap = CONTAINER_CAP if label == Label.CONTAINER else ARTEFACT_CAP
            holders: dict[str, list[Any]] = defaultdict(list)
            seizures_of: dict[str, set[str]] = defaultdict(set)
            for chunk in chunks(nodes):
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
            _walk(store, region, more - region.walked, found)
            region.walked |= more
            for sid in more:
                found.update(region.parties_of.get(sid, ()))
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
            for chunk in chunks(ids):
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
                    region.holders.update(h[0] for h in holders_)
        # What the evidence reached: context, read whole (a context forwarder's
        # forwarded seizures too, so that whether it is a hub is decided as a full
        # build decides it).
        context = found - region.parties.keys()
        _read_parties(store, region, context, whole=False)
        more = _decide_forwarders(store, region, context) - region.walked
        reached: set[str] = set()
        _walk(store, region, more, reached)
        region.walked |= more
        _read_parties(store, region, reached - region.parties.keys(), whole=False)
        found |= reached
        frontier = must - region.free
        touch = False


def _walk(store: GraphStore, region: Region, seizures: set[str], found: set[str]) -> None:
    """Read the seizures `seizures` (kept for the projection): their parties go to
    `found`, their containers and documents to `region.nodes_of`."""
    for chunk in chunks(seizures):
        for row in store.read(live.REGION_SEIZURES_QUERY, ids=chunk):
            sid = row["row"][0]
            region.seizures[sid] = row["row"]
            for mention in row["mentions"]:
                _mention(region, mention)
            region.parties_of[sid] = [mention[2] for mention in row["mentions"]]
            found.update(region.parties_of[sid])
            for sid_, rel, node in row["shared"]:
                region.shared.append([sid_, rel, node])
                if rel in (RelType.IN_CONTAINER, RelType.DOCUMENTED_BY):
                    region.nodes_of[sid].add((rel, node))


def pull_region(store: GraphStore, region: Region) -> Pulled:
    """The region's projection, as `projection.pull` reads the whole graph's."""
    parties = {pid: dict(zip(PARTY_KEYS, row, strict=True)) for pid, row in region.parties.items()}
    usable = region.decided - region.hub_nodes
    # What the context holders of those artefacts were given them by.
    shared_artefacts = sorted(a for a in usable if a.split(":", 1)[0] in live.ARTEFACTS)
    for chunk in chunks(region.holders - region.mentioned):
        for row in store.read(live.ARTEFACT_MENTIONS_QUERY, ids=chunk, artefacts=shared_artefacts):
            _mention(region, row["row"])
    # The seizures that name a free party, and those that gave a context party an
    # artefact it shares with one: the rest of a context party's seizures say
    # nothing the free parties' networks depend on.
    needed = {
        sid
        for sid, _rel, pid, given, _name in region.mentions.values()
        if pid in region.free or any(str(a) in usable for a in given)
    }
    seizures = dict(region.seizures)
    for chunk in chunks(needed - seizures.keys()):
        for row in store.read(live.REGION_SEIZURES_QUERY, ids=chunk):
            seizures[row["row"][0]] = row["row"]
            for mention in row["mentions"]:
                _mention(region, mention)
    mentions = _prepared(iter(region.mentions.values()), seizures)
    shared = sorted(
        {
            (sid, rel, node)
            for sid, rel, node in region.shared
            # A container or document with every seizure of it walked; a case.
            if sid in region.walked and (rel == RelType.PART_OF or node in usable)
        }
    )
    confirmed = []
    # A confirmed link joins one entity: both ends are free, or neither.
    for chunk in chunks(region.free):
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
