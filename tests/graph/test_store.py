"""The store against the embedded server: units of work and error translation."""

from __future__ import annotations

import pytest

from graph import queries
from graph.access import OPERATOR
from graph.errors import ConstraintViolation, GraphUnavailable, InvalidQuery
from graph.model import KEYED_LABELS, Label
from graph.schema import ensure_schema
from graph.store import GraphStore, Tx
from graph.summary import summarise
from tests.helpers import free_port


def test_ping_and_counts_on_an_empty_database(store: GraphStore) -> None:
    store.ping()
    assert store.read(queries.PING_QUERY) == [{"ok": 1}]
    summary = summarise(store, OPERATOR)
    assert (summary.nodes, summary.relationships, summary.labels) == (0, 0, {})


def test_write_unit_of_work_commits_and_read_sees_it(store: GraphStore) -> None:
    def work(tx: Tx) -> int:
        tx.run("MERGE (s:Seizure {id: $id})", id="HK-CED:1")
        tx.run("MERGE (s:Seizure {id: $id})", id="HK-CED:2")
        tx.run(
            "MATCH (a:Seizure {id: $a}), (b:Seizure {id: $b}) MERGE (a)-[:PART_OF]->(b)",
            a="HK-CED:1",
            b="HK-CED:2",
        )
        return 3

    assert store.execute_write(work) == 3
    summary = summarise(store, OPERATOR)
    assert (summary.nodes, summary.relationships) == (2, 1)
    assert summary.labels == {"Seizure": 2}


def test_rows_come_back_as_plain_values_whatever_their_shape(store: GraphStore) -> None:
    """Rows are converted without the driver's `Record.data()` (see `graph.store._row`);
    nested lists and maps, nulls and a node (which needs the driver's conversion) come
    back as `Record.data()` gives them, from `read` and inside a unit of work alike."""
    store.write("MERGE (s:Seizure {id: $id}) SET s.quantity = 3", id="HK-CED:1")
    statement = (
        "MATCH (s:Seizure {id: $id}) "
        "RETURN s.id AS id, [1, 'a', {k: [2.5, null, true]}] AS nested, null AS nothing"
    )
    expected = [{"id": "HK-CED:1", "nested": [1, "a", {"k": [2.5, None, True]}], "nothing": None}]
    assert store.read(statement, id="HK-CED:1") == expected
    assert store.execute_read(lambda tx: tx.run(statement, id="HK-CED:1")) == expected
    with_node = "MATCH (s:Seizure {id: $id}) RETURN s AS seizure, [s] AS listed"
    node = {"id": "HK-CED:1", "quantity": 3}
    assert store.read(with_node, id="HK-CED:1") == [{"seizure": node, "listed": [node]}]


def test_a_failing_unit_of_work_leaves_nothing(store: GraphStore) -> None:
    def work(tx: Tx) -> None:
        tx.run("MERGE (s:Seizure {id: $id})", id="HK-CED:1")
        tx.run("THIS IS NOT CYPHER")

    with pytest.raises(InvalidQuery, match="rejected a statement"):
        store.execute_write(work)
    assert summarise(store, OPERATOR).nodes == 0


def test_uniqueness_constraints_hold_for_every_keyed_label(store: GraphStore) -> None:
    for label in KEYED_LABELS:
        store.write(f"CREATE (n:{label} {{id: $id}})", id="same")
        with pytest.raises(ConstraintViolation, match="same"):
            store.write(f"CREATE (n:{label} {{id: $id}})", id="same")
    # The queue's nodes are work waiting, not what the graph holds (`graph.work`).
    assert summarise(store, OPERATOR).labels == {
        label.value: 1 for label in KEYED_LABELS if label != Label.QUEUED
    }


def test_schema_creation_is_idempotent(store: GraphStore) -> None:
    # The fixture created it once already.
    assert ensure_schema(store) == len(queries.schema_queries())
    assert ensure_schema(store) == len(queries.schema_queries())


def test_delete_batches_empty_the_graph(store: GraphStore) -> None:
    for index in range(25):
        store.write("MERGE (s:Seizure {id: $id})", id=f"x:{index}")
    deleted = []
    while True:
        count = store.write(queries.DELETE_BATCH_QUERY, batch_size=10)[0]["deleted"]
        if not count:
            break
        deleted.append(count)
    assert deleted == [10, 10, 6]  # and the schema's marker (`graph.work.ADOPTED`)
    assert store.read(queries.count_label_query(Label.SEIZURE)) == [{"count": 0}]


def test_unreachable_database_is_graph_unavailable() -> None:
    port = free_port()  # nothing listens there
    with (
        GraphStore(
            f"bolt://127.0.0.1:{port}",
            "root",
            "x",
            "iprgraph",
            max_transaction_retry_time_s=0.5,
            connection_timeout_s=1.0,
        ) as store,
        pytest.raises(GraphUnavailable, match="cannot be reached") as raised,
    ):
        store.ping()
    assert raised.value.status_code == 503


def test_wrong_credentials_are_graph_unavailable(embedded_server, database: str) -> None:  # type: ignore[no-untyped-def]
    info = embedded_server.running()
    with (
        GraphStore(info.uri, "root", "wrong-password", database) as store,
        pytest.raises(GraphUnavailable, match="rejected iprgraph's credentials"),
    ):
        store.ping()
