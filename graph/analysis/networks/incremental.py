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

The networks of every view are then computed on the region (the region is read by
`graph.analysis.networks.region`; a round's views are independent, and a region of
`PARALLEL_FROM` parties or more has them computed in forked processes). A context party is
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
public view, which every view contains). Recency is counted, when a risk is read,
to the newest seizure of the whole view: when that moves, the update moves the
view's stamp and rewrites no other network.

A region larger than `MAX_REGION_SHARE` of the parties, a view that did not exist
(an agency named for the first time), or no networks built with their views listed
(none yet, or built by an earlier version): the update is a full build
(`build_networks`), and its report says why. On the generated 100k world a single
record's region still grows past that share (BENCHMARKS.md, Freshness): busy
traders in networks chain the regions together.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from graph import queries
from graph.access import PUBLIC, visible_to
from graph.analysis.networks.build import (
    BuildReport,
    _batches_by_size,
    _Built,
    _networks,
    build_networks,
    forked_state,
    in_forks,
    network_id,
    party_changes,
    recency_day,
    recency_stamp_id,
)
from graph.analysis.networks.grouping import Grouping, day, group_networks
from graph.analysis.networks.projection import Projection, Pulled, project
from graph.analysis.networks.region import (
    Region,
    RegionTooLarge,
    chunks,
    free_region,
    pull_region,
    viewers_of,
)
from graph.analysis.networks.rules import STRONG
from graph.heap import paused_gc
from graph.live import queries as live
from graph.model import Label
from graph.store import GraphStore

# Above this share of every party, the region is most of the graph: a full build.
MAX_REGION_SHARE = 0.3
# Below this many parties a region is never too large.
MIN_REGION_LIMIT = 2000
# A region of this many parties or more (free and context) has the views of each
# round computed in forked processes, one per core: below it, forking costs more
# than it saves (a region of 18,000 parties: about 2 s of projections and
# groupings a round in one process).
PARALLEL_FROM = 5000
_BATCH = 1000


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
    # Rounds whose views were computed in forked processes (`PARALLEL_FROM`).
    forked_rounds: int = 0
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
            "rounds_in_forks": self.forked_rounds,
            "seconds": round(self.seconds, 2),
            "phases_s": {name: round(value, 2) for name, value in self.phases.items()},
        }
        if self.full is not None:
            # A full build: its own figures, as `networks build` prints them.
            return {**self.full.as_dict(), "mode": "full", "full_build": self.full_build}
        return out


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


def _unsettled(proj: Projection, grouping: Grouping, region: Region, view: str) -> set[str]:
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


def _fixed_state(proj: Projection, region: Region, view: str) -> dict[str, tuple[str, int]]:
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


def _view_round(pulled: Pulled, region: Region, view: str) -> tuple[Projection, Grouping, set[str]]:
    """One view of a round: its projection of the region (context held out), its
    grouping, and the context parties it asks to make free (`_unsettled`)."""
    proj = project(pulled, view or None)
    # What the region cannot see of a hub: it is one in every view.
    proj.hub_forwarders |= {proj.entity_of[f] for f in region.hub_forwarders if f in proj.entity_of}
    for node in region.hub_nodes:
        proj.artefacts.pop(node, None)
    proj.fixed_out = {proj.entity_of[p] for p in region.context if p in proj.entity_of}
    proj.fixed_state = _fixed_state(proj, region, view)
    grouping = group_networks(proj)
    return proj, grouping, _unsettled(proj, grouping, region, view)


def _view_round_built(view: str) -> tuple[set[str], _Built]:
    """`_view_round` of a view and its networks, in a forked worker (`in_forks`)."""
    pulled, region, built_at = forked_state()
    proj, grouping, more = _view_round(pulled, region, view)
    return more, _networks(proj, view, built_at, grouping=grouping)


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
    viewers = viewers_of(agencies)

    views = ["", *agencies, PUBLIC]
    built_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    region = Region()
    frontier, touch = seed_set, True
    rounds = 0
    while True:
        rounds += 1
        mark = time.perf_counter()
        try:
            free_region(store, region, frontier, viewers, limit, touch=touch)
        except RegionTooLarge as exc:
            return full(f"{exc}, more than {limit} of {total}")
        report.phases["region"] = report.phases.get("region", 0.0) + time.perf_counter() - mark
        mark = time.perf_counter()
        pulled = pull_region(store, region)
        new_views = set(pulled.views()) - set(agencies)
        if new_views:
            return full(f"a view appears for {', '.join(sorted(new_views))}")
        report.phases["read"] = report.phases.get("read", 0.0) + time.perf_counter() - mark
        mark = time.perf_counter()
        frontier = set()
        # Per view, its networks, or how to compute them if this round is the last.
        computed: dict[str, _Built | Callable[[], _Built]] = {}
        if len(pulled.parties) >= PARALLEL_FROM and (os.cpu_count() or 1) > 1:
            # Each view's networks are computed with its round, in forks: only
            # those of the last round are kept.
            report.forked_rounds += 1
            forked = in_forks(_view_round_built, views, (pulled, region, built_at))
            for view, (more, built_view) in forked.items():
                frontier |= more
                computed[view] = built_view
        else:
            for view in views:
                proj, grouping, more = _view_round(pulled, region, view)
                frontier |= more
                computed[view] = partial(_networks, proj, view, built_at, grouping=grouping)
        report.phases["compute"] = report.phases.get("compute", 0.0) + time.perf_counter() - mark
        touch = False
        if not frontier:
            break
    report.phases["rounds"] = rounds
    report.region_parties = len(region.free)
    report.region_seizures = len(pulled.seizures)
    report.hubs_skipped = len(region.hub_nodes) + len(region.hub_forwarders)

    mark = time.perf_counter()
    stamps = {
        row["id"]: row["as_of"]
        for row in store.read(
            live.RECENCY_STAMPS_QUERY, ids=[recency_stamp_id(view) for view in views]
        )
    }
    newest = _newest_days(store, viewers, [stamps.get(recency_stamp_id(v)) for v in views])
    built = {view: done if isinstance(done, _Built) else done() for view, done in computed.items()}
    report.phases["compute"] += time.perf_counter() - mark

    write_started = time.perf_counter()
    rows = [row for b in built.values() for row in b.rows]
    written = {row["id"] for row in rows}
    stale = sorted(region.old_networks - written)
    for batch in _batches_by_size(rows):
        store.write(queries.UPSERT_NETWORKS_QUERY, rows=batch)
    for chunk in chunks(stale):
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
