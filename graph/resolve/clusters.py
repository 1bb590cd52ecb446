"""Entities over the store: the walks that find the parties binding links hold
together, the links around them, and the entities (clusters) written on each party.

Entities are the connected components of binding links (`auto`, `confirmed`, and
`unsure` judgements of links that bound); each Party carries its entity's id (the
smallest member id) in `cluster`, and its entity in each agency's view
(`graph.resolve.views`) in `view_clusters`. A walk reads a frontier of parties at a
time, their links in one row per statement (a row returned costs about 40 us on the
embedded engine; at 100k records a resolution walks tens of thousands of parties).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from graph import queries
from graph.model import BINDING_STATUSES, MACHINE_STATUSES, LinkStatus
from graph.resolve.evaluate import connected_components
from graph.resolve.views import LinkSight, view_entries
from graph.store import GraphStore, Row

__all__ = [
    "bound_parties",
    "links_around",
    "recluster",
    "refresh_link_visibility",
    "resolution_outcome",
]

# Parties per statement of a walk or a write.
_WRITE_ROWS = 2000
# Parties per read of their entities.
_READ_KEYS = 5000


def refresh_link_visibility(store: GraphStore, ids: Iterable[str]) -> None:
    """Work out again who may see the links that touch the parties `ids`
    (`SAME_AS.vis`, `evidence_vis`): run after their links or their records changed."""
    wanted = sorted(set(ids))
    for start in range(0, len(wanted), _WRITE_ROWS):
        store.write(
            queries.REFRESH_LINK_VISIBILITY_QUERY,
            ids=wanted[start : start + _WRITE_ROWS],
            machine=[status.value for status in MACHINE_STATUSES],
        )


def bound_parties(store: GraphStore, around: Iterable[str]) -> set[str]:
    """The parties bound by binding links (auto, confirmed, unsure that binds) to any
    of `around`, these included: their entities as a whole."""
    statuses = [status.value for status in BINDING_STATUSES]

    def step(batch: list[str]) -> set[str]:
        rows = store.read(queries.BINDING_NEIGHBOURS_QUERY, ids=batch, statuses=statuses)
        return {row["b"] for row in rows}

    return _reach(around, step)


def _reach(start: Iterable[str], step: Callable[[list[str]], set[str]]) -> set[str]:
    """The parties `start` and every one reached from them: `step` gives, for a batch
    of parties (at most `_WRITE_ROWS`), the parties they lead to."""
    seen = set(start)
    frontier = sorted(seen)
    while frontier:
        found: set[str] = set()
        for first in range(0, len(frontier), _WRITE_ROWS):
            found |= step(frontier[first : first + _WRITE_ROWS])
        frontier = sorted(found - seen)
        seen.update(frontier)
    return seen


def links_around(store: GraphStore, ids: Iterable[str], around: Iterable[str]) -> list[Row]:
    """Every SAME_AS (`{a, b, status, binds}`) that touches a party of `ids`, or
    joins two parties of the entities of `ids` and `around` (the parties binding
    links bind to any of them, `bound_parties`), read in one walk: each party of
    those entities once, with all its links."""
    binding = {status.value for status in BINDING_STATUSES}
    pending = set(ids)
    links: dict[tuple[str, str], tuple[str, bool]] = {}

    def step(batch: list[str]) -> set[str]:
        found: set[str] = set()
        rows = store.read(queries.SAME_AS_OF_PARTIES_QUERY, ids=batch)
        for a, b, status, binds in rows[0]["links"] if rows else ():
            links[(a, b)] = (status, bool(binds))
            if status in binding or (status == LinkStatus.UNSURE and binds):
                found.add(a)
                found.add(b)
        return found

    seen = _reach(pending | set(around), step)
    return [
        {"a": a, "b": b, "status": status, "binds": binds}
        for (a, b), (status, binds) in sorted(links.items())
        if a in pending or b in pending or (a in seen and b in seen)
    ]


def recluster(store: GraphStore, around: Iterable[str], collect: list[str] | None = None) -> int:
    """Recompute the entities of the parties `around` (and of every party their
    binding links reach), as a whole and per view (`graph.resolve.views`); write
    only the changed ones. Returns how many parties changed entity or views."""
    statuses = [status.value for status in BINDING_STATUSES]
    links: dict[tuple[str, str], LinkSight] = {}

    def step(batch: list[str]) -> set[str]:
        found: set[str] = set()
        rows = store.read(queries.BINDING_LINKS_OF_QUERY, ids=batch, statuses=statuses)
        for a, b, status, vis, evidence_vis in rows[0]["links"] if rows else ():
            pair = (a, b) if a < b else (b, a)
            links[pair] = LinkSight(pair[0], pair[1], status, vis or [], evidence_vis or [])
            found.add(b)
        return found

    seen = _reach(around, step)
    current: dict[str, dict[str, Any]] = {}
    wanted = sorted(seen)
    for start in range(0, len(wanted), _READ_KEYS):
        rows = store.read(queries.ENTITIES_OF_PARTIES_QUERY, ids=wanted[start : start + _READ_KEYS])
        for pid, cluster, vis, view_clusters in rows[0]["parties"] if rows else ():
            current[pid] = {"cluster": cluster, "vis": vis, "view_clusters": view_clusters}
    links_of: dict[str, list[LinkSight]] = defaultdict(list)
    for link in links.values():
        links_of[link.a].append(link)
    changed: list[dict[str, Any]] = []
    vis = {pid: row["vis"] for pid, row in current.items()}
    for component in connected_components(
        {pid: row["cluster"] for pid, row in current.items()}, list(links)
    ):
        cluster = min(component)
        inside = [link for pid in component for link in links_of.get(pid, ())]
        entries = view_entries(component, vis, inside)
        changed.extend(
            {"id": pid, "cluster": cluster, "view_clusters": entries[pid]}
            for pid in sorted(component)
            if current[pid]["cluster"] != cluster
            or (current[pid]["view_clusters"] or None) != entries[pid]
        )
    for start in range(0, len(changed), _WRITE_ROWS):
        store.write(queries.SET_CLUSTERS_QUERY, rows=changed[start : start + _WRITE_ROWS])
    if collect is not None:
        collect.extend(row["id"] for row in changed)
    return len(changed)


def resolution_outcome(store: GraphStore) -> dict[str, list[list[Any]]]:
    """What resolution has written, in a stable order: every SAME_AS as `[a, b,
    status, score, features, explanation, vis, evidence_vis]` and every party as
    `[id, cluster, view_clusters]` (when a link was scored left out): two versions
    of the resolution code given the same graph must write the same
    (`bench.resolve_same`)."""
    links = sorted(
        [
            row["a"],
            row["b"],
            row["status"],
            row["score"],
            row["features"],
            row["explanation"],
            sorted(row["vis"] or []),
            sorted(row["evidence_vis"] or []),
        ]
        for row in store.read(queries.ALL_SAME_AS_QUERY)
    )
    parties = sorted(
        [row["id"], row["cluster"], row["view_clusters"]]
        for row in store.read(queries.ALL_PARTY_ENTITIES_QUERY)
    )
    return {"links": links, "parties": parties}
