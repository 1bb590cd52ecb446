"""Entity resolution over the store: blocking keys, SAME_AS links, judgements, clusters.

`resolve` compares the Party nodes queued (`graph.work`: new, or named again by a
new or corrected record) with the parties that share a blocking key with them,
never every pair. Keys are `BlockKey` nodes, so candidates come from an index
lookup. Each compared pair scoring at or above `REVIEW_THRESHOLD` gets a SAME_AS
relationship (smaller id -> larger id) with its score, features and explanation,
status `auto` at or above `AUTO_THRESHOLD`, `suggested` between the two. Pairs an
analyst judged keep the analyst's status: an automatic run writes only where the
status is missing or machine-made.

Entities (clusters) are the connected components of `auto` and `confirmed` links;
each Party carries its cluster's id (the smallest member id) in `cluster`
(`graph.resolve.clusters`).
"""

from __future__ import annotations

import json
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from graph import queries, work
from graph.access import OPERATOR, Viewer
from graph.heap import paused_gc
from graph.model import LINKS, MACHINE_STATUSES, ROLE_LABELS, Label, LinkStatus
from graph.resolve.blocking import DEFAULT_MAX_BLOCK, MAX_LISTED, blocking_keys, holders_of
from graph.resolve.clusters import bound_parties, links_around, recluster, refresh_link_visibility
from graph.resolve.comparison import Comparison
from graph.resolve.decide import AUTO, decide_links
from graph.resolve.evaluate import (
    cluster_scores,
    majority_truth,
    pairwise_scores,
)
from graph.resolve.profile import PartyProfile, may_be_several
from graph.resolve.scoring import Scorer, compare_within, default_workers
from graph.store import GraphStore, Row, Tx
from graph.work import Work

__all__ = [
    "ResolveReport",
    "as_profile_rows",
    "bound_parties",
    "cap_crossings",
    "delete_keys",
    "evaluate_store",
    "holders_after",
    "key_changes",
    "key_holders",
    "links_around",
    "mark_all_pending",
    "party_clusters",
    "party_mentions",
    "party_profiles",
    "profile_of_row",
    "profile_rows",
    "recluster",
    "refresh_link_visibility",
    "resolve",
    "stored_keys",
    "write_key_changes",
]

# Pending parties per round trip (keys written, candidates read).
DEFAULT_BATCH = 500
# Links per write transaction.
_WRITE_ROWS = 2000
# Blocking keys per read of their holders.
_READ_KEYS = 5000
# Meetings of a pending party with a holder of one of its keys (at most the pairs
# to score; a pair met through several keys counts for each: 1,000 records into the
# 100k-record graph meet 210,085 times over 42,027 pairs) from which an incremental
# run scores in worker processes. Below it, starting them costs more than they
# save: a worker imports rigour and builds its name tables, about 9 s of CPU, before
# its first pair, where the caller has them already. (At 5k records, 589 parties
# resolved incrementally over 11,037 pairs: scored in two workers 109 s, in the
# caller 17 s, on a loaded machine.) A full run always has its workers.
INCREMENTAL_WORKERS_FROM = 1_000_000

_ARTEFACT_FIELDS = {"addr": "addresses", "tel": "phones", "mail": "emails", "id": "identifiers"}


@dataclass
class ResolveReport:
    compared_parties: int = 0
    candidate_pairs: int = 0
    # Candidate pairs not scored with the others because they cannot reach
    # REVIEW_THRESHOLD; the few whose parties links could join are compared after
    # (`graph.resolve.scoring.compare_within`).
    skipped_pairs: int = 0
    auto: int = 0
    suggested: int = 0
    removed: int = 0
    # Parties not queued, compared because a key of theirs passed `max_block`
    # (`cap_crossings`).
    requeued: int = 0
    clusters_changed: int = 0
    # The parties compared (those queued), and those whose entity changed: what the
    # networks are updated around (`graph.pipeline`). Not in `as_dict`.
    parties: list[str] = field(default_factory=list)
    entity_changed: list[str] = field(default_factory=list)
    seconds: float = 0.0
    workers: int = 0
    legacy_keys_removed: int = 0
    # Seconds per phase: keys (pending parties, profiles and keys read, who will
    # hold each key worked out), scores (pairs scored while the keys are written,
    # the links already there read), links (decided and written), entities
    # (reclustered, pending marks cleared).
    phases: dict[str, float] = field(default_factory=dict)

    def lap(self, phase: str, since: float) -> float:
        now = time.perf_counter()
        self.phases[phase] = round(now - since, 2)
        return now

    def as_dict(self) -> dict[str, Any]:
        return {
            "compared_parties": self.compared_parties,
            "candidate_pairs": self.candidate_pairs,
            "skipped_pairs": self.skipped_pairs,
            "auto_links": self.auto,
            "suggested_links": self.suggested,
            "removed_links": self.removed,
            "requeued_parties": self.requeued,
            "parties_whose_entity_changed": self.clusters_changed,
            "seconds": round(self.seconds, 2),
            "workers": self.workers,
            "legacy_keys_removed": self.legacy_keys_removed,
            "phases_s": dict(self.phases),
        }


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# What `PARTY_PROFILES_QUERY` lists of each party.
PROFILE_FIELDS = ("id", "name", "name_key", "country", "labels", "cluster", "artefacts")


def profile_rows(
    store: GraphStore, ids: Iterable[str], viewer: Viewer = OPERATOR
) -> list[dict[str, Any]]:
    """The Party nodes `ids` as `PROFILE_FIELDS`, as `viewer` sees them (unknown ids,
    and parties the viewer may not see, are left out)."""
    rows = store.read(queries.PARTY_PROFILES_QUERY, ids=sorted(set(ids)), **viewer.params)
    return as_profile_rows(rows[0]["parties"])


def as_profile_rows(items: Iterable[Sequence[Any]]) -> list[dict[str, Any]]:
    """Profiles as `PARTY_PROFILES_QUERY` lists them, as rows of `PROFILE_FIELDS`."""
    return [dict(zip(PROFILE_FIELDS, item, strict=True)) for item in items]


def profile_of_row(row: Row) -> PartyProfile:
    artefacts: dict[str, set[str]] = {name: set() for name in _ARTEFACT_FIELDS.values()}
    for node_id in row["artefacts"] or []:
        kind = _ARTEFACT_FIELDS.get(str(node_id).split(":", 1)[0])
        if kind is not None:
            artefacts[kind].add(node_id)
    return PartyProfile(
        id=row["id"],
        name=row["name"] or "",
        name_key=row["name_key"] or "",
        country=row["country"],
        addresses=frozenset(artefacts["addresses"]),
        phones=frozenset(artefacts["phones"]),
        emails=frozenset(artefacts["emails"]),
        identifiers=frozenset(artefacts["identifiers"]),
        roles=frozenset(label.lower() for label in row["labels"] if label in ROLE_LABELS),
    )


def party_profiles(
    store: GraphStore, ids: Iterable[str], viewer: Viewer = OPERATOR
) -> dict[str, PartyProfile]:
    """Profiles of the Party nodes `ids` as `viewer` sees them (resolution's: the
    whole graph); unknown ids, and parties the viewer may not see, are left out."""
    wanted = set(ids)
    if not wanted:
        return {}
    return {row["id"]: profile_of_row(row) for row in profile_rows(store, wanted, viewer)}


def candidates_for_keys(
    store: GraphStore, keys: Iterable[str], max_block: int = DEFAULT_MAX_BLOCK
) -> dict[str, list[str]]:
    """Blocking key -> parties holding it, for keys held by at most `max_block`."""
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    rows = store.read(queries.BLOCK_CANDIDATES_QUERY, keys=wanted, max_block=max_block)
    return {key: list(parties) for key, parties in rows[0]["found"]}


def _until_done(store: GraphStore, query: str, column: str, batch_size: int) -> int:
    """Run a write that handles up to `batch_size` elements and returns how many
    (`column`), until one handles fewer; returns the total."""
    total = 0
    while True:
        rows = store.write(query, batch_size=batch_size)
        done = int(rows[0][column]) if rows else 0
        total += done
        if done < batch_size:
            return total


def mark_all_pending(store: GraphStore) -> int:
    """Queue every Party for comparison (a full run); returns how many there are."""
    store.execute_write(lambda tx: work.queue(tx, Work.PARTIES, [], everything=True))
    return int(store.read(queries.count_label_query(Label.PARTY))[0]["count"])


def _link_row(
    pair: tuple[str, str], result: Comparison, at: str, *, auto: bool, held: str = ""
) -> dict[str, Any]:
    """A SAME_AS row; `held`: why a pair that scores for an automatic link was
    held back (`decide_links`), said after its explanation."""
    status = LinkStatus.AUTO if auto else LinkStatus.SUGGESTED
    return {
        "a": pair[0],
        "b": pair[1],
        "score": result.score,
        # Neo4j stores no map in a property: the features travel as JSON.
        "features": json.dumps(result.features, sort_keys=True),
        "explanation": f"{result.explanation}; {held}" if held else result.explanation,
        "status": status.value,
        "at": at,
    }


def resolve(
    store: GraphStore,
    *,
    full: bool = False,
    batch_size: int = DEFAULT_BATCH,
    max_block: int = DEFAULT_MAX_BLOCK,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
    max_listed: int = MAX_LISTED,
) -> ResolveReport:
    """Compare pending parties (all parties with `full`), link them, recluster.

    Three phases, so that the outcome depends on the graph and not on the order
    in which parties arrived: (1) the blocking keys of every pending party are
    worked out, and who holds each key once they are all written, so each key's
    holder count is final; (2) each pending party is compared with the holders of
    its keys, while the keys are written in a thread; (3) `decide_links` takes the
    scored pairs strongest first, together with the analysts' decisions and the
    links that bind the parties already, and the links are written once the keys
    are. The queue is cleared last: a run killed on the way is run again whole.
    An incremental run also compares the holders of each key it takes past
    `max_block`, either way (`cap_crossings`), and removes the machine links of the
    parties it compares that it no longer decides: a run over every party would
    not have them.

    `workers`: processes that score pairs (0: score here; None: by the run's size,
    `graph.resolve.scoring.default_workers`). The outcome does not depend on it.
    `max_listed`: holders above which a key stops listing them (`MAX_LISTED`;
    tests make it small); at least `max_block`.
    """
    if max_block > max_listed:
        raise ValueError(f"max_block ({max_block}) must not exceed max_listed ({max_listed})")
    with paused_gc():
        return _resolve(store, full, batch_size, max_block, workers, progress, max_listed)


def _resolve(
    store: GraphStore,
    full: bool,
    batch_size: int,
    max_block: int,
    workers: int | None,
    progress: Callable[[int], None] | None,
    max_listed: int,
) -> ResolveReport:
    started = time.perf_counter()
    report = ResolveReport()
    legacy = _legacy_keys(store)
    if legacy:
        # Keys written by an earlier version are rewritten whole, by a full run.
        report.legacy_keys_removed = delete_keys(store)
        full = True
    if full:
        mark_all_pending(store)
    queued = work.queued(store, Work.PARTIES)
    ids = queued.ids
    if not ids:
        work.done(store, queued)
        report.seconds = time.perf_counter() - started
        return report

    with ExitStack() as stack:
        writer = stack.enter_context(ThreadPoolExecutor(1, "iprgraph-keys"))
        # A full run's scoring workers start now, while the pending parties are read
        # (a worker takes about a second to import what it needs); an incremental
        # run decides once it knows how many pairs it meets.
        scorer: Scorer | None = None
        if workers is not None or full:
            report.workers = default_workers(len(ids)) if workers is None else workers
            scorer = stack.enter_context(Scorer(report.workers))
        # 1. Keys. The pending parties' profiles are kept for phase 2. In a full run
        # every party is pending: who holds each key is known here (at 100k records
        # reading it back cost 200 s); else it is what the graph holds changed by
        # this run. Only the keys held by at most `max_block` parties are kept.
        profiles, keys_of, held = _pending_keys(store, ids, batch_size, rewrite=legacy)
        changes = key_changes(keys_of, held)
        if full:
            known = {k: v for k, v in holders_of(keys_of).items() if len(v) <= max_block}
        else:
            # A key this run takes past `max_block`, either way, changes which pairs
            # of its holders are candidates: they are compared again, as a run over
            # every party would compare them (else a pair met through a city's key
            # while it was rare stays linked after it is not: the links would
            # depend on which runs took the parties in).
            extra = sorted(cap_crossings(store, changes, max_block, max_listed) - {*ids})
            while extra:
                more_profiles, more_keys, more_held = _pending_keys(store, extra, batch_size)
                profiles.update(more_profiles)
                keys_of.update(more_keys)
                held.update(more_held)
                ids = sorted([*ids, *extra])
                report.requeued += len(extra)
                changes = key_changes(keys_of, held)
                # Their keys are as stored unless blocking changed since: then no
                # other key moves, and the keys need not be read again.
                moved = key_changes(more_keys, more_held).keys
                crossed = cap_crossings(store, changes, max_block, max_listed) if moved else set()
                extra = sorted(crossed - {*ids})
            known = holders_after(store, keys_of, changes, max_block, max_listed)
        # Written while the pairs are scored (the workers would wait otherwise).
        keys_written = writer.submit(write_key_changes, store, changes, max_listed)
        if scorer is None:
            meetings = sum(len(known.get(key, ())) for keys in keys_of.values() for key in keys)
            few = meetings < INCREMENTAL_WORKERS_FROM
            report.workers = 0 if few else default_workers(len(ids))
            scorer = stack.enter_context(Scorer(report.workers))
        lap = report.lap("keys", started)

        # 2. Candidates and scores, scored in the workers while the next batch's
        # pairs are built. Only what `decide_links` needs is kept: pairs that
        # may be linked and pairs that keep two clusters apart. Pairs that cannot
        # be linked are skipped unscored; those that may matter are compared below.
        scored: dict[tuple[str, str], Comparison] = {}
        skipped: list[tuple[str, str]] = []
        compared: set[tuple[str, str]] = set()
        for start in range(0, len(ids), batch_size):
            batch = ids[start : start + batch_size]
            pairs: set[tuple[str, str]] = set()
            for pid in batch:
                for key in keys_of.get(pid, ()):
                    for other in known.get(key, ()):
                        if other != pid:
                            pair = (pid, other) if pid < other else (other, pid)
                            if pair not in compared:
                                pairs.add(pair)
            compared |= pairs
            # Candidates that are not pending are read once, when first met.
            unread = {pid for pair in pairs for pid in pair} - profiles.keys()
            profiles.update(party_profiles(store, unread))
            scorer.submit(
                profiles, sorted(p for p in pairs if p[0] in profiles and p[1] in profiles)
            )
            for part in scorer.ready():
                scored.update(part.kept)
                skipped.extend(part.skipped)
            report.compared_parties += len(batch)
            if progress:
                progress(report.compared_parties)
        for part in scorer.drain():
            scored.update(part.kept)
            skipped.extend(part.skipped)
        keys_written.result()
    report.candidate_pairs = len(compared)

    # 3. Decisions, with what analysts decided and what binds these parties already.
    if full:
        existing = store.read(queries.TOUCHING_LINKS_QUERY, ids=ids)
    else:
        # The links of the pending parties, and those among the parties of the
        # entities the compared pairs reach: a rejection between two parties of them
        # holds even when neither is pending (A-B automatic, A-C rejected, C pending:
        # B-C must not join C to A).
        existing = links_around(store, ids, {pid for pair in scored for pid in pair})
    rejected = [(row["a"], row["b"]) for row in existing if row["status"] == LinkStatus.REJECTED]
    human = {(row["a"], row["b"]) for row in existing if row["status"] not in MACHINE_STATUSES}
    # A machine's link is decided again whenever one of its parties is compared: it
    # stays only if its pair is still a candidate and still earns it. The automatic
    # links of parties not compared bind as they are.
    pending = set(ids)
    linked = [
        (row["a"], row["b"])
        for row in existing
        if row["status"] == LinkStatus.CONFIRMED
        or (row["status"] == LinkStatus.UNSURE and row["binds"])
        or (
            row["status"] == LinkStatus.AUTO and row["a"] not in pending and row["b"] not in pending
        )
    ]
    scored.update(compare_within(profiles, skipped, scored, linked))
    report.skipped_pairs = len(skipped)
    # The parties of the entities a link may join are compared across it: an
    # incremental run reads those its candidates did not bring.
    profiles.update(
        party_profiles(store, {pid for pair in linked for pid in pair} - profiles.keys())
    )
    lap = report.lap("scores", lap)
    held_back: dict[tuple[str, str], str] = {}
    decisions = decide_links(
        scored,
        linked=linked,
        rejected=rejected,
        several=may_be_several(profiles.values()),
        held=held_back,
        profiles=profiles,
    )
    at = _now()
    links = [
        _link_row(pair, scored[pair], at, auto=decision == AUTO, held=held_back.get(pair, ""))
        for pair, decision in sorted(decisions.items())
        if pair not in human
    ]
    machine = [status.value for status in MACHINE_STATUSES]
    # Machine links of a compared party that are no longer decided go: their pair
    # scores under review now, or is no longer a candidate (a key they shared passed
    # `max_block`, a record renamed one of them). Each is among `existing`.
    stale = sorted(
        [row["a"], row["b"]]
        for row in existing
        if row["status"] in machine
        and (row["a"] in pending or row["b"] in pending)
        and (row["a"], row["b"]) not in decisions
    )
    report.removed = len(stale)
    for start in range(0, max(len(links), len(stale)), _WRITE_ROWS):
        store.execute_write(
            _write_links(
                links[start : start + _WRITE_ROWS], stale[start : start + _WRITE_ROWS], machine
            )
        )
    lap = report.lap("links", lap)
    # Every link written or removed touches a pending party, and so does every
    # record that changed who may see a party: the entities that can have changed,
    # as a whole or in some agency's view, are those of the pending parties.
    refresh_link_visibility(store, ids)
    report.parties = list(ids)
    report.clusters_changed = recluster(store, ids, collect=report.entity_changed)
    work.done(store, queued)
    report.lap("entities", lap)
    report.auto = sum(1 for row in links if row["status"] == LinkStatus.AUTO)
    report.suggested = sum(1 for row in links if row["status"] == LinkStatus.SUGGESTED)
    report.seconds = time.perf_counter() - started
    return report


def stored_keys(store: GraphStore, ids: Iterable[str]) -> dict[str, set[str]]:
    """The blocking keys each party holds in the graph."""
    rows = store.read(queries.PARTY_BLOCK_KEYS_QUERY, ids=sorted(set(ids)))
    return {pid: set(keys) for pid, keys in rows[0]["found"]}


def key_holders(store: GraphStore, keys: Iterable[str]) -> dict[str, tuple[int, list[str]]]:
    """(count, holders) of each key, as stored."""
    rows = store.read(queries.BLOCK_KEYS_QUERY, keys=sorted(set(keys)))
    return {row["key"]: (row["parties"], row["holders"]) for row in rows}


def _pending_keys(
    store: GraphStore, ids: list[str], batch_size: int, *, rewrite: bool = False
) -> tuple[dict[str, PartyProfile], dict[str, set[str]], dict[str, set[str]]]:
    """Profiles and blocking keys of the parties `ids`, and the keys they hold in
    the graph (none with `rewrite`: every key is written again)."""
    profiles: dict[str, PartyProfile] = {}
    keys_of: dict[str, set[str]] = {}
    held: dict[str, set[str]] = {}
    for start in range(0, len(ids), batch_size):
        batch = ids[start : start + batch_size]
        batch_profiles = party_profiles(store, batch)
        profiles.update(batch_profiles)
        keys_of.update((pid, blocking_keys(profile)) for pid, profile in batch_profiles.items())
        if not rewrite:
            held.update(stored_keys(store, batch))
    return profiles, keys_of, held


def holders_after(
    store: GraphStore,
    keys_of: dict[str, set[str]],
    changes: KeyChanges,
    max_block: int = DEFAULT_MAX_BLOCK,
    max_listed: int = MAX_LISTED,
) -> dict[str, list[str]]:
    """Who will hold each key of `keys_of` once `changes` are written, for the keys
    then held by at most `max_block` parties: what the graph holds now, less the
    holders dropped, with those added (as `UPDATE_BLOCK_KEYS_QUERY` leaves it; a
    key counted above `max_listed` is a hub whatever it loses)."""
    added = {row["key"]: row["added"] for row in changes.keys}
    dropped = {row["key"]: row["dropped"] for row in changes.keys}
    wanted = sorted({key for keys in keys_of.values() for key in keys})
    # A key held now by more than `max_block` and the holders it loses stays common.
    most = max_block + max((len(row["dropped"]) for row in changes.keys), default=0)
    stored: dict[str, list[str] | None] = {}
    for start in range(0, len(wanted), _READ_KEYS):
        rows = store.read(
            queries.BLOCK_KEY_HOLDERS_QUERY, keys=wanted[start : start + _READ_KEYS], max_block=most
        )
        for key, count, holders in rows[0]["found"]:
            count = int(count or 0)
            common = count > max_listed or count > max_block + len(dropped.get(key, ()))
            stored[key] = None if common else holders
    after: dict[str, list[str]] = {}
    for key in wanted:
        now = stored.get(key, [])
        if now is None:
            continue
        gone, present = set(dropped.get(key, ())), set(now)
        holders = [pid for pid in now if pid not in gone]
        holders += [pid for pid in added.get(key, ()) if pid not in present]
        if len(holders) <= max_block:
            after[key] = holders
    return after


def cap_crossings(
    store: GraphStore,
    changes: KeyChanges,
    max_block: int = DEFAULT_MAX_BLOCK,
    max_listed: int = MAX_LISTED,
) -> set[str]:
    """The parties whose candidates `changes` change beyond their own: a key that
    passes `max_block` becomes too common to compare through, and its holders before
    lose the pairs it gave them; one that falls to `max_block` gives its holders
    after new pairs. (A key above `max_listed` stays a hub: `holders_after`.)"""
    added = {row["key"]: set(row["added"]) for row in changes.keys}
    dropped = {row["key"]: set(row["dropped"]) for row in changes.keys}
    wanted = sorted(added)
    most = max_block + max((len(gone) for gone in dropped.values()), default=0)
    parties: set[str] = set()
    for start in range(0, len(wanted), _READ_KEYS):
        rows = store.read(
            queries.BLOCK_KEY_HOLDERS_QUERY, keys=wanted[start : start + _READ_KEYS], max_block=most
        )
        for key, count, holders in rows[0]["found"]:
            count = int(count or 0)
            if count > max_listed or count > most:
                continue
            after = (set(holders) - dropped[key]) | added[key]
            if count <= max_block < len(after):
                parties.update(holders)
            elif len(after) <= max_block < count:
                parties.update(after)
    return parties


def _legacy_keys(store: GraphStore) -> bool:
    rows = store.read(queries.LEGACY_BLOCK_KEYS_QUERY)
    return bool(rows and rows[0]["legacy"])


def delete_keys(store: GraphStore, batch_size: int = 5000) -> int:
    """Remove every blocking key (and what links to it); returns how many."""
    return _until_done(store, queries.DELETE_BLOCK_KEYS_QUERY, "deleted", batch_size)


@dataclass
class KeyChanges:
    """What giving parties their blocking keys writes: `keys`, each key that gains
    or loses holders, with them (`{key, added, dropped}`); `parties`, each party
    whose keys changed, with its keys (`{id, keys}`)."""

    keys: list[dict[str, Any]]
    parties: list[dict[str, Any]]


def key_changes(keys_of: dict[str, set[str]], held: dict[str, set[str]]) -> KeyChanges:
    """What gives each party of `keys_of` exactly those keys, where it holds `held`
    now."""
    added: dict[str, list[str]] = defaultdict(list)
    dropped: dict[str, list[str]] = defaultdict(list)
    changed = []
    for pid, keys in sorted(keys_of.items()):
        before = held.get(pid, set())
        if keys == before:
            continue
        changed.append({"id": pid, "keys": sorted(keys)})
        for key in keys - before:
            added[key].append(pid)
        for key in before - keys:
            dropped[key].append(pid)
    rows = [
        {"key": key, "added": added.get(key, []), "dropped": dropped.get(key, [])}
        for key in sorted(added.keys() | dropped.keys())
    ]
    return KeyChanges(rows, changed)


def write_key_changes(store: GraphStore, changes: KeyChanges, max_listed: int = MAX_LISTED) -> int:
    """Write `changes`: each key that gained or lost a holder once, then the
    parties' own lists. A key held by more than `max_listed` parties becomes a hub
    and is not written again. Returns how many keys were given to write."""
    # Transactions of about _WRITE_ROWS holders each (a city's key alone may hold
    # thousands).
    chunk: list[dict[str, Any]] = []
    size = 0
    for row in changes.keys:
        chunk.append(row)
        size += 1 + len(row["added"]) + len(row["dropped"])
        if size >= _WRITE_ROWS:
            store.write(queries.UPDATE_BLOCK_KEYS_QUERY, rows=chunk, max_listed=max_listed)
            chunk, size = [], 0
    if chunk:
        store.write(queries.UPDATE_BLOCK_KEYS_QUERY, rows=chunk, max_listed=max_listed)
    # The parties' lists last: a run killed before them writes the keys again.
    parties = changes.parties
    for start in range(0, len(parties), _WRITE_ROWS):
        store.write(queries.SET_PARTY_BLOCK_KEYS_QUERY, rows=parties[start : start + _WRITE_ROWS])
    return len(changes.keys)


def _write_links(
    links: list[dict[str, Any]], stale: list[list[str]], machine: list[str]
) -> Callable[[Tx], None]:
    def work(tx: Tx) -> None:
        if stale:
            tx.run(queries.DELETE_MACHINE_LINKS_QUERY, pairs=stale, machine_statuses=machine)
        if links:
            tx.run(queries.UPSERT_MACHINE_LINKS_QUERY, rows=links, machine_statuses=machine)

    return work


def party_clusters(store: GraphStore) -> dict[str, str]:
    """Party id -> entity id, for every Party."""
    return {
        row["id"]: row["cluster"] or row["id"] for row in store.read(queries.PARTY_CLUSTERS_QUERY)
    }


def party_mentions(store: GraphStore) -> dict[tuple[str, str, int], str]:
    """(seizure id, role, index) -> Party id for every party a seizure names."""
    role_of = {link.rel.value: link.role.value.lower() for link in LINKS if link.role}
    return {
        (row["seizure"], role_of[row["rel"]], int(row["index"] or 0)): row["party"]
        for row in store.read(queries.PARTY_MENTIONS_QUERY)
    }


def party_truth(
    store: GraphStore, truth: dict[str, Any]
) -> tuple[dict[str, str], dict[str, Counter[str]], int]:
    """Each Party node's true entity, from a generator's `truth.json` (parsed): the
    majority entity of the mentions that name it. Also the nodes whose mentions
    disagree, and how many mentions name no node (malformed records, quarantined
    as planted)."""
    mentions = party_mentions(store)
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    unmatched = 0
    for mention in truth["mentions"]:
        seizure = f"{mention['agency']}:{mention['record_id']}"
        pid = mentions.get((seizure, mention["role"], int(mention["index"])))
        if pid is None:
            unmatched += 1
            continue
        votes[pid][mention["entity"]] += 1
    item_truth, mixed = majority_truth(votes)
    return item_truth, mixed, unmatched


def evaluate_store(store: GraphStore, truth: dict[str, Any]) -> dict[str, Any]:
    """Score the graph's entities against a generator's `truth.json` (parsed).

    Items are Party nodes (the decisions resolution makes): a node's true entity is
    the majority entity of the mentions that name it. Predicted clusters are the
    nodes' entities (connected components of auto and confirmed links).
    """
    item_truth, mixed, unmatched = party_truth(store, truth)
    clusters: dict[str, set[str]] = defaultdict(set)
    for pid, cluster in party_clusters(store).items():
        if pid in item_truth:
            clusters[cluster].add(pid)
    predicted = list(clusters.values())
    return {
        "parties": len(item_truth),
        "mentions_not_in_graph": unmatched,
        "parties_naming_several_entities": len(mixed),
        "pairwise": pairwise_scores(predicted, item_truth),
        "clusters": cluster_scores(predicted, item_truth),
    }
