"""Counts of what the graph holds."""

from __future__ import annotations

from dataclasses import dataclass

from graph import queries
from graph.model import Label
from graph.store import GraphStore, Tx


@dataclass(frozen=True)
class Summary:
    nodes: int
    relationships: int
    labels: dict[str, int]


def _totals(tx: Tx) -> tuple[int, int]:
    nodes = tx.run(queries.COUNT_NODES_QUERY)[0]["nodes"]
    relationships = tx.run(queries.COUNT_RELATIONSHIPS_QUERY)[0]["relationships"]
    return int(nodes), int(relationships)


def totals(store: GraphStore) -> tuple[int, int]:
    """How many nodes and relationships the graph holds (two counts, no per label)."""
    return store.execute_read(_totals)


def summarise(store: GraphStore) -> Summary:
    """Totals and nodes per label, read in one transaction so they agree."""

    def work(tx: Tx) -> Summary:
        nodes, relationships = _totals(tx)
        labels = {}
        for label in Label:
            count = tx.run(queries.count_label_query(label))[0]["count"]
            if count:
                labels[label.value] = int(count)
        return Summary(nodes=nodes, relationships=relationships, labels=labels)

    return store.execute_read(work)
