"""Reading canonical records back out of the graph (`iprgraph export`)."""

from __future__ import annotations

from collections.abc import Iterator

from graph import queries
from graph.store import GraphStore

# Records per read: large enough to amortise the round trip, small enough to stream.
_PAGE = 1000


def canonical_records(store: GraphStore) -> Iterator[str]:
    """Every seizure's canonical record as JSON text, in seizure id order."""
    after = ""
    while True:
        page = store.read(queries.EXPORT_SEIZURES_QUERY, after=after, limit=_PAGE)
        for row in page:
            yield row["record"]
        if len(page) < _PAGE:
            return
        after = page[-1]["id"]


def node_ids(store: GraphStore) -> dict[str, list[str]]:
    """Every node's id with its labels (sorted); for comparing two graphs."""
    return {row["id"]: sorted(row["labels"]) for row in store.read(queries.ALL_NODE_IDS_QUERY)}


def relationship_keys(store: GraphStore) -> list[tuple[str, str, str, int | None, str | None]]:
    """Every relationship as (source id, type, target id, seq, evidencing record), sorted."""
    return sorted(
        (row["source"], row["type"], row["target"], row["seq"], row["record"])
        for row in store.read(queries.ALL_RELATIONSHIPS_QUERY)
    )


def node_provenance(store: GraphStore) -> dict[str, tuple[str | None, frozenset[str]]]:
    """Every node's first source and the set of agencies that reported it."""
    return {
        row["id"]: (row["first_source"], frozenset(row["agencies"] or ()))
        for row in store.read(queries.NODE_PROVENANCE_QUERY)
    }
