"""Counts of what the graph holds, and of what a viewer may see of it."""

from __future__ import annotations

from dataclasses import dataclass

from graph import queries
from graph.access import Viewer
from graph.model import RECORD_LABELS, Label
from graph.store import GraphStore, Tx


@dataclass(frozen=True)
class Summary:
    nodes: int
    relationships: int
    labels: dict[str, int]


def _totals(tx: Tx) -> tuple[int, int]:
    """Nodes and relationships, the queue's nodes left out: work waiting for the
    pipeline's next step (`graph.work`), not what the graph holds."""
    nodes = tx.run(queries.COUNT_NODES_QUERY)[0]["nodes"]
    queued = tx.run(queries.count_label_query(Label.QUEUED))[0]["count"]
    relationships = tx.run(queries.COUNT_RELATIONSHIPS_QUERY)[0]["relationships"]
    return int(nodes) - int(queued), int(relationships)


def totals(store: GraphStore) -> tuple[int, int]:
    """How many nodes and relationships the graph holds (two counts, no per label)."""
    return store.execute_read(_totals)


def summarise(store: GraphStore, viewer: Viewer) -> Summary:
    """Nodes per label and relationships, read in one transaction so they agree.

    The operator counts everything the graph holds (but the work queued for the
    pipeline); an agency counts the nodes and relationships of the records it may
    see, and nothing of iprgraph's bookkeeping (blocking keys, networks, principals).
    """

    def everything(tx: Tx) -> Summary:
        nodes, relationships = _totals(tx)
        labels = {}
        for label in Label:
            if label == Label.QUEUED:
                continue
            count = tx.run(queries.count_label_query(label))[0]["count"]
            if count:
                labels[label.value] = int(count)
        return Summary(nodes=nodes, relationships=relationships, labels=labels)

    def visible(tx: Tx) -> Summary:
        labels, relationships = {}, 0
        for label in RECORD_LABELS:
            [row] = tx.run(queries.count_visible_query(label), see=viewer.see)
            if row["count"]:
                labels[label.value] = int(row["count"])
            relationships += int(row["relationships"] or 0)
        return Summary(nodes=sum(labels.values()), relationships=relationships, labels=labels)

    return store.execute_read(everything if viewer.agency is None else visible)
