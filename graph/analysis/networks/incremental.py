"""Networks updated, not rebuilt: after a load or a judgement, only the networks the
changed parties belong to, or now link to, are computed again.

How networks are formed (`grouping.group_networks`) bounds what a change can move:
cores are the entities that links strong enough to bind join (two principals at
least); an entity outside every core joins the one core its other links (never weak
ones alone) all lead into, over a few rounds. So an entity's network depends on
its own links and on the networks its neighbours are in, not on the whole graph.

The update works on a *region* of parties:

- *free* parties, whose networks are computed again: the seeds (the parties
  resolution compared or moved), each with its whole entity (every party of its
  `cluster`) and every member of the networks it is in now, in any view;
- *context* parties: everything a free party's evidence reaches (the parties of
  its seizures, of seizures sharing a container or document with them, the holders
  of its artefacts), read with the mentions that say what they share with a free
  party: those of the seizures read, and those that gave them an artefact a free
  party holds (a busy trader's thousands of other seizures are not read); a context
  forwarder's forwarded seizures are walked unless it is a hub in every view, so
  that whether it is one is decided as a full build decides it. Context entities are
  held out of every core and network (`Projection.fixed_out`).

A context entity in a network counts as a member of it from the round after the
one it joined in (`network_rounds`, stored per view by every build and update:
0 for a core, then the pendant round), so a free entity joins through it exactly
as a full build would have it join (`Projection.fixed_state`).

The networks of every view are then computed on the region. A context party is
made free, and the region computed again, when a view shows it might not be what
it was (`_unsettled`): it is linked to a free entity whose network or round
changed, or to a seed in a network; a link strong enough to bind joins it to a
free entity; a free entity joins its network (which then changes); or, on a graph
built before rounds were stored, it is in a network and linked to a free entity
outside every core. When no view asks for more, the networks of the free parties
are those a full build gives, and only they are written: the region's old networks
are replaced, its free parties' `network`, `view_networks` and `network_rounds`
set.

A container, document, artefact or forwarder that is a hub in *every* view gives no
link anywhere (`rules`' caps) and is left out (decided on a lower bound of its
holders per view, so a doubtful one is walked; a forwarder by its count in the
public view, which every view contains). Recency is counted to the newest
seizure of the whole view; when that moves, the risk of every other network of the
view is scored again from its stored inputs.

A region larger than `MAX_REGION_SHARE` of the parties, a view that did not exist
(an agency named for the first time), or no networks built with their views listed
(none yet, or built by an earlier version): the update is a full build
(`build_networks`), and its report says why. On the generated 100k world a single
record's region still grows past that share (BENCHMARKS.md, Freshness): busy
traders in networks chain the regions together.
"""

from __future__ import annotations

import datetime as dt
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
    network_id,
    node_id,
    party_changes,
    recency_day,
    recency_stamp_id,
)
from graph.analysis.networks.grouping import Grouping, day, group_networks
from graph.analysis.networks.projection import (
    PARTY_KEYS,
    Projection,
    Pulled,
    _prepared,
    project,
)
from graph.analysis.networks.rules import ARTEFACT_CAP, CONTAINER_CAP, FORWARDER_CAP, STRONG
from graph.heap import paused_gc
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
    # Views whose newest seizure moved to another day: their stamp is set to it, and
    # every risk of theirs read from then on counts its recency to that day.
    recency_views: int = 0
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
            "views_with_a_newer_day": self.recency_views,
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


class _TooLarge(Exception):
    pass


def _mention(region: _Region, row: list[Any]) -> None:
    """Keep a mention row, once."""
    key = (row[0], row[1], row[2])
    if key not in region.mentions:
        region.mentions[key] = row
        region.mentions_of[row[2]].append(row)


def _read_parties(store: GraphStore, region: _Region, ids: set[str], *, whole: bool) -> None:
    """Party rows of the parties `ids` not read yet; with `whole`, every mention of
    them too (a free party's). A context party's mentions come with the seizures
    read (`_walk`) and the artefacts it shares (`_pulled`): its other seizures say
    nothing the free parties' networks depend on, and a busy trader has thousands."""
    new = ids - region.parties.keys()
    for chunk in _chunks(new):
        for row in store.read(live.REGION_PARTIES_QUERY, ids=chunk):
            party = row["row"]
            region.parties[party[0]] = party
            if row["forwarder"]:
                region.forwarders.add(party[0])
    if not whole:
        return
    unread = ids - region.mentioned
    region.mentioned |= unread
    for chunk in _chunks(unread):
        for row in store.read(live.REGION_MENTIONS_QUERY, ids=chunk):
            _mention(region, row["row"])


def _decide_forwarders(store: GraphStore, region: _Region, ids: set[str]) -> set[str]:
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
        for chunk in _chunks(undecided)
        for row in store.read(
            live.FORWARDER_PUBLIC_PARTNERS_QUERY, ids=chunk, public=PUBLIC, enough=hub
        )
    }
    hubs = {f for f in undecided if partners.get(f, 0) >= hub}
    region.hub_forwarders |= hubs
    return {
        row["seizure"]
        for chunk in _chunks(undecided - hubs)
        for row in store.read(live.FORWARDED_SEIZURES_QUERY, ids=chunk)
    }


def _free(
    store: GraphStore,
    region: _Region,
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
    after all. With `touch`, the parties are the seeds (`_Region.touched`).
    """
    frontier = frontier - region.free
    while frontier:
        if len(region.parties.keys() | frontier) > limit:
            raise _TooLarge(f"the region reached {len(region.parties) + len(frontier)} parties")
        _read_parties(store, region, frontier, whole=True)
        region.free |= frontier
        if touch:
            region.touched |= frontier
        must: set[str] = set()
        # The whole entity of each party, and the members of its networks now.
        clusters = {region.parties[p][1] or p for p in frontier} - region.clusters
        region.clusters |= clusters
        for chunk in _chunks(clusters):
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
        for chunk in _chunks(networks):
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


def _walk(store: GraphStore, region: _Region, seizures: set[str], found: set[str]) -> None:
    """Read the seizures `seizures` (kept for the projection): their parties go to
    `found`, their containers and documents to `region.nodes_of`."""
    for chunk in _chunks(seizures):
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


def _pulled(store: GraphStore, region: _Region) -> Pulled:
    """The region's projection, as `projection.pull` reads the whole graph's."""
    parties = {pid: dict(zip(PARTY_KEYS, row, strict=True)) for pid, row in region.parties.items()}
    usable = region.decided - region.hub_nodes
    # What the context holders of those artefacts were given them by.
    shared_artefacts = sorted(a for a in usable if a.split(":", 1)[0] in live.ARTEFACTS)
    for chunk in _chunks(region.holders - region.mentioned):
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
    for chunk in _chunks(needed - seizures.keys()):
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
    for chunk in _chunks(region.free):
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


def _newest_days(
    store: GraphStore, viewers: list[str | None], stamped: list[int | None]
) -> list[int | None]:
    """Per viewer, the day of the newest seizure it sees (what recency counts to).

    `stamped`: per viewer, the day its networks are counted to now. When every
    viewer still sees a seizure on or after that day, its newest is among the
    seizures dated from the earliest of those days on, read through the date's
    index; else (a seizure withdrawn or redated) every seizure is read."""

    def newest(groups: list[dict[str, Any]]) -> list[int | None]:
        out: list[int | None] = []
        for viewer in viewers:
            days = [
                d
                for row in groups
                if visible_to(row["vis"], viewer) and (d := day(row["newest"])) is not None
            ]
            out.append(max(days) if days else None)
        return out

    known = [d for d in stamped if d is not None and d >= 0]
    if len(known) == len(stamped):
        since = dt.date.fromordinal(min(known)).isoformat()
        found = newest(store.read(live.NEWEST_SEIZURE_SINCE_QUERY, since=since))
        if all(d is not None and d >= s for d, s in zip(found, known, strict=True)):
            return found
    return newest(store.read(live.NEWEST_SEIZURE_QUERY))


def _unsettled(proj: Projection, grouping: Grouping, region: _Region, view: str) -> set[str]:
    """Context parties to make free, as far as `view` says:

    - those that links other than weak ones join to a free entity whose network
      changed (another one now, or none), or to a seed in a network (what it shares
      with it changed);
    - those bound to a free entity by a link strong enough to bind;
    - those in a network now that such links join to a free entity outside every
      core (whether it joins one depends on them).

    They are made free and the region computed again, until there are none."""
    parties_of: dict[str, list[str]] = defaultdict(list)
    for pid, entity in proj.entity_of.items():
        parties_of[entity].append(pid)
    # The network each entity is in now, by the id a build gives it.
    now: dict[str, str] = {}
    for members in grouping.networks:
        nid = network_id([pid for entity in members for pid in parties_of[entity]])
        for entity in members:
            now[entity] = nid
    touched = {proj.entity_of[p] for p in region.touched if p in proj.entity_of}
    changed: set[str] = set()
    for pid in region.free:
        if pid not in proj.entity_of:
            continue
        entity = proj.entity_of[pid]
        row = region.parties[pid]
        before, after = _network_in(row, view), now.get(entity, "")
        joined = _round_in(row, view)
        # A round that moved moves what joins after it (unknown on older graphs).
        moved = bool(after) and joined is not None and joined != grouping.round_of.get(entity)
        if before != after or moved or (entity in touched and (before or after)):
            changed.add(entity)
    out: set[str] = set()

    def held_out(entity: str) -> list[str]:
        return parties_of.get(entity, []) if entity in proj.fixed_out else []

    for entity in changed:
        for other in grouping.attach.get(entity, {}):
            out.update(held_out(other))
    for (a, b), weight in grouping.weights.items():
        if weight >= STRONG and (a in proj.fixed_out) != (b in proj.fixed_out):
            out.update(held_out(a) or held_out(b))
    # A held-out network that a free entity joins changes: all of it is computed.
    for entity, (network, _) in proj.fixed_state.items():
        if network in grouping.joins_fixed:
            out.update(held_out(entity))
    # A held-out member whose round is not stored (a graph built before rounds were):
    # whether a free entity outside every core joins through it is not known.
    in_core = set().union(*grouping.cores) if grouping.cores else set()
    free = {proj.entity_of[p] for p in region.free if p in proj.entity_of}
    for entity in free - in_core:
        for other in grouping.attach.get(entity, {}):
            if other in proj.fixed_state:
                continue
            held = held_out(other)
            if any(_network_in(region.parties[p], view) for p in held):
                out.update(held)
    return out


def _fixed_state(proj: Projection, region: _Region, view: str) -> dict[str, tuple[str, int]]:
    """The held-out entities in a network of `view` whose round is stored: entity ->
    (network, round)."""
    out: dict[str, tuple[str, int]] = {}
    for pid in region.context:
        entity = proj.entity_of.get(pid)
        if entity is None:
            continue
        row = region.parties[pid]
        network, joined = _network_in(row, view), _round_in(row, view)
        if network and joined is not None:
            out[entity] = (network, joined)
    return out


def _round_in(row: list[Any], view: str) -> int | None:
    """The round a party row says the party joined its network in, in `view`
    (None: in none, or not stored)."""
    for entry in row[8] or ():
        name, _, joined = entry.partition("=")
        if name == view:
            return int(joined) if joined else None
    return None


def _network_in(row: list[Any], view: str) -> str:
    """The network a party row says the party is in, in `view` ("" none)."""
    if not view:
        return str(row[3] or "")
    for entry in row[7] or ():
        name, _, nid = entry.partition("=")
        if name == view:
            return str(nid)
    return ""


def update_networks(store: GraphStore, seeds: Iterable[str]) -> UpdateReport:
    """Compute again the networks of the parties `seeds` (and of what they link to),
    in every view; a full build when the region is most of the graph. The cycle
    collector is paused meanwhile (`graph.heap`)."""
    with paused_gc():
        return _update_networks(store, seeds)


def _update_networks(store: GraphStore, seeds: Iterable[str]) -> UpdateReport:
    started = time.perf_counter()
    report = UpdateReport()
    seed_set = set(seeds)
    report.seeds = len(seed_set)
    if not seed_set:
        report.seconds = time.perf_counter() - started
        return report
    total = store.read(queries.count_label_query(Label.PARTY))[0]["count"]
    limit = max(MIN_REGION_LIMIT, int(MAX_REGION_SHARE * total))

    def full(reason: str) -> UpdateReport:
        report.full_build = reason
        report.full = build_networks(store)
        report.seconds = time.perf_counter() - started
        return report

    whole = store.read(live.RECENCY_STAMPS_QUERY, ids=[recency_stamp_id("")])
    if not whole or whole[0]["views"] is None:
        # No build yet, or one by an earlier version (which did not list the views).
        return full("no networks were built with their views listed")
    agencies = sorted(whole[0]["views"])
    viewers = _viewers(agencies)

    views = ["", *agencies, PUBLIC]
    region = _Region()
    frontier, touch = seed_set, True
    rounds = 0
    while True:
        rounds += 1
        mark = time.perf_counter()
        try:
            _free(store, region, frontier, viewers, limit, touch=touch)
        except _TooLarge as exc:
            return full(f"{exc}, more than {limit} of {total}")
        report.phases["region"] = report.phases.get("region", 0.0) + time.perf_counter() - mark
        mark = time.perf_counter()
        pulled = _pulled(store, region)
        new_views = set(pulled.views()) - set(agencies)
        if new_views:
            return full(f"a view appears for {', '.join(sorted(new_views))}")
        report.phases["read"] = report.phases.get("read", 0.0) + time.perf_counter() - mark
        mark = time.perf_counter()
        projections = {}
        groupings = {}
        frontier = set()
        for view in views:
            proj = project(pulled, view or None)
            # What the region cannot see of a hub: it is one in every view.
            proj.hub_forwarders |= {
                proj.entity_of[f] for f in region.hub_forwarders if f in proj.entity_of
            }
            for node in region.hub_nodes:
                proj.artefacts.pop(node, None)
            proj.fixed_out = {proj.entity_of[p] for p in region.context if p in proj.entity_of}
            proj.fixed_state = _fixed_state(proj, region, view)
            projections[view] = proj
            groupings[view] = grouping = group_networks(proj)
            frontier |= _unsettled(proj, grouping, region, view)
        report.phases["compute"] = report.phases.get("compute", 0.0) + time.perf_counter() - mark
        touch = False
        if not frontier:
            break
    report.phases["rounds"] = rounds
    report.region_parties = len(region.free)
    report.region_seizures = len(pulled.seizures)
    report.hubs_skipped = len(region.hub_nodes) + len(region.hub_forwarders)

    mark = time.perf_counter()
    built_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    stamps = {
        row["id"]: row["as_of"]
        for row in store.read(
            live.RECENCY_STAMPS_QUERY, ids=[recency_stamp_id(view) for view in views]
        )
    }
    newest = _newest_days(store, viewers, [stamps.get(recency_stamp_id(v)) for v in views])
    built: dict[str, _Built] = {}
    for view, as_of in zip(views, newest, strict=True):
        built[view] = _networks(
            projections[view], view, built_at, as_of=as_of, grouping=groupings[view]
        )
    report.phases["compute"] += time.perf_counter() - mark

    write_started = time.perf_counter()
    rows = [row for b in built.values() for row in b.rows]
    written = {row["id"] for row in rows}
    stale = sorted(region.old_networks - written)
    for batch in _batches_by_size(rows):
        store.write(queries.UPSERT_NETWORKS_QUERY, rows=batch)
    for chunk in _chunks(stale):
        store.write(queries.DELETE_NETWORKS_QUERY, ids=chunk)
    report.networks_written, report.networks_deleted = len(written), len(stale)
    changes, report.parties_changed = party_changes(pulled.parties, built, only=region.free)
    for start in range(0, len(changes), _BATCH):
        store.write(queries.SET_PARTY_NETWORKS_QUERY, rows=changes[start : start + _BATCH])

    # The day each view's recency is counted to, when its newest seizure moved: the
    # risks of its other networks are counted to it when read (`risk.risk_at`).
    moved = [
        {"id": stamp, "as_of": recency_day(as_of)}
        for view, as_of in zip(views, newest, strict=True)
        if stamps.get(stamp := recency_stamp_id(view)) != recency_day(as_of)
    ]
    if moved:
        store.write(live.STAMP_RECENCY_QUERY, rows=moved)
    report.recency_views = len(moved)
    report.seconds = time.perf_counter() - started
    report.phases["write"] = time.perf_counter() - write_started
    return report
