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
