"""Every Cypher statement iprgraph sends, in one place.

Rules (see ../shared/ARCHITECTURE.md, "Cypher that runs on both engines"):
- every value is a `$parameter`; labels, relationship types and property keys come
  from the enums in `graph.model`, never from input;
- every anchored node carries a label, so both engines use the index;
- each statement is run by a test against the embedded server and passes Neo4j's
  own linter (`tests/test_cypher_lint.py`).

Statements are module-level `*_QUERY` constants or `*_query()` builders whose
arguments are enum members; `all_queries()` lists every statement either produces,
for the linter and for the test that checks each one is exercised.
"""

from __future__ import annotations

from graph.model import INDEXED_PROPERTIES, KEYED_LABELS, Label

PING_QUERY = "RETURN 1 AS ok"

COUNT_NODES_QUERY = "MATCH (n) RETURN count(n) AS nodes"

COUNT_RELATIONSHIPS_QUERY = "MATCH ()-[r]->() RETURN count(r) AS relationships"

# Used by `iprgraph db reset` and the tests; batched so a large graph is not deleted
# in one transaction that holds everything in memory.
DELETE_BATCH_QUERY = """
MATCH (n)
WITH n LIMIT $batch_size
DETACH DELETE n
RETURN count(*) AS deleted
"""


def count_label_query(label: Label) -> str:
    return f"MATCH (n:{label}) RETURN count(n) AS count"


def unique_id_constraint_query(label: Label) -> str:
    return (
        f"CREATE CONSTRAINT {label.lower()}_id IF NOT EXISTS FOR (n:{label}) REQUIRE n.id IS UNIQUE"
    )


def property_index_query(label: Label, key: str) -> str:
    return f"CREATE INDEX {label.lower()}_{key} IF NOT EXISTS FOR (n:{label}) ON (n.{key})"


def schema_queries() -> list[str]:
    """The statements that create every constraint and index; each is idempotent."""
    statements = [unique_id_constraint_query(label) for label in KEYED_LABELS]
    statements += [property_index_query(label, key) for label, key in INDEXED_PROPERTIES]
    return statements


def all_queries() -> dict[str, str]:
    """Name -> statement for every statement this module can produce."""
    found = {
        name: value
        for name, value in globals().items()
        if name.endswith("_QUERY") and isinstance(value, str)
    }
    for label in Label:
        found[f"count_label_query({label.name})"] = count_label_query(label)
    for index, statement in enumerate(schema_queries()):
        found[f"schema_queries()[{index}]"] = statement
    return found
