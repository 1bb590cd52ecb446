"""Constraints and indexes of the graph, created idempotently."""

from __future__ import annotations

from graph import queries, stats_cells, work
from graph.analysis.networks.build import adopt_stored_risks
from graph.store import GraphStore


def ensure_schema(store: GraphStore) -> int:
    """Create every constraint and index that does not exist yet.

    Safe to run at every start: each statement says IF NOT EXISTS. Schema
    statements run one per transaction, as Neo4j requires. A graph loaded by an
    earlier version is marked as having no kept statistics yet
    (`graph.stats_cells.init_state`), what it flagged as queued for resolution
    and alerts is queued (`graph.work.adopt_flags`), and its networks' risks are
    stored without the day they were counted to (`adopt_stored_risks`).
    """
    statements = queries.schema_queries()
    for statement in statements:
        store.write(statement)
    stats_cells.init_state(store)
    work.adopt_flags(store)
    adopt_stored_risks(store)
    return len(statements)
