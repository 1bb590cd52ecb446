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

from graph.model import INDEXED_PROPERTIES, KEYED_LABELS, LINKS, Label, PartyRole, RelType

PING_QUERY = "RETURN 1 AS ok"

COUNT_NODES_QUERY = "MATCH (n) RETURN count(n) AS nodes"

COUNT_RELATIONSHIPS_QUERY = "MATCH ()-[r]->() RETURN count(r) AS relationships"

# Empties a database in batches, so a large graph is not deleted in one transaction
# that holds everything in memory. Only the tests use it so far.
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
    for link in LINKS:
        found[f"link_query({link.name})"] = link_query(
            link.source, link.rel, link.target, ordered=link.ordered
        )
    for role in PartyRole:
        found[f"role_label_query({role.name})"] = role_label_query(role)
    for label in sorted({link.target for link in LINKS}):
        found[f"upsert_nodes_query({label.name})"] = upsert_nodes_query(label)
    for index, statement in enumerate(schema_queries()):
        found[f"schema_queries()[{index}]"] = statement
    return found


# --- Loading seizure records ---------------------------------------------------------
# A batch is written in one transaction by `graph.write`: seizures first, then every
# link of theirs through `link_query`. Every statement is a MERGE on ids, so a batch
# that is retried, re-run after a crash, or run by two loaders at once ends in the
# same graph.

EXISTING_SEIZURES_QUERY = """
UNWIND $ids AS id
MATCH (s:Seizure {id: id})
RETURN s.id AS id, s.content_hash AS content_hash, s.record AS record, s.source AS source
"""

UPSERT_SEIZURES_QUERY = """
UNWIND $rows AS r
MERGE (s:Seizure {id: r.id})
SET s += r.props
SET s.history = coalesce(s.history, []) + r.history
"""

# A corrected record replaces the links of the version it corrects; the earlier
# version stays in the seizure's `history`.
CLEAR_SEIZURE_LINKS_QUERY = """
UNWIND $ids AS id
MATCH (s:Seizure {id: id})-[e]->()
DELETE e
"""


_MERGE_AGENCIES = (
    "reduce(acc = coalesce({var}.agencies, []), agency IN r.agencies | "
    "CASE WHEN agency IN acc THEN acc ELSE acc + agency END)"
)


def upsert_nodes_query(label: Label) -> str:
    """MERGE one node per row of `$rows`: created with `r.node` as its properties.

    `first_source` keeps the smallest source key seen and `agencies` the agencies
    that reported the node; both are order-independent, so two loaders at once give
    the graph of one after the other. `graph.write` sends each node once per batch.
    """
    return f"""
UNWIND $rows AS r
MERGE (b:{label} {{id: r.id}})
ON CREATE SET b += r.node
SET b.first_source = CASE
      WHEN b.first_source IS NULL OR r.source < b.first_source THEN r.source
      ELSE b.first_source END,
    b.agencies = {_MERGE_AGENCIES.format(var="b")}
""".strip()


def link_query(source: Label, rel: RelType, target: Label, *, ordered: bool = False) -> str:
    """MERGE `(source {id})-[rel]->(target {id})` for each row of `$rows`.

    Both nodes exist already (`upsert_nodes_query` ran first in the transaction).
    The relationship carries `r.props` and the provenance `r.prov` (agency, source
    file sha256 and line, handling) of the record with the smallest source key, plus
    the agencies that reported it. `ordered` keys it by `seq` (transit port order).
    """
    rel_key = " {seq: r.seq}" if ordered else ""
    return f"""
UNWIND $rows AS r
MATCH (a:{source} {{id: r.source_id}})
MATCH (b:{target} {{id: r.target_id}})
MERGE (a)-[e:{rel}{rel_key}]->(b)
WITH r, e, (e.source IS NULL OR r.prov.source <= e.source) AS earliest
SET e += CASE WHEN earliest THEN r.props ELSE {{}} END
SET e += CASE WHEN earliest THEN r.prov ELSE {{}} END
SET e.agencies = {_MERGE_AGENCIES.format(var="e")}
""".strip()


def role_label_query(role: PartyRole) -> str:
    """Give the parties `$ids` the role label, once.

    Its own transaction, after the one that wrote the links: ArcadeDB changes a
    node's labels by rewriting the node, which fails for a node created, or
    relabelled, earlier in the same transaction (measured on arcadedb-embedded
    26.10.2.post1: ConstraintValidationFailed on the Party id index).
    """
    return f"""
UNWIND $ids AS id
MATCH (p:Party {{id: id}})
WHERE NOT p:{role}
SET p:{role}
""".strip()


# --- Export ---------------------------------------------------------------------------

# Pages through seizures in id order; each holds its canonical record as loaded.
EXPORT_SEIZURES_QUERY = """
MATCH (s:Seizure)
WHERE s.id > $after
RETURN s.id AS id, s.record AS record
ORDER BY s.id
LIMIT $limit
"""

ALL_NODE_IDS_QUERY = "MATCH (n) RETURN n.id AS id, labels(n) AS labels"

ALL_RELATIONSHIPS_QUERY = """
MATCH (a)-[r]->(b)
RETURN a.id AS source, type(r) AS type, b.id AS target, r.seq AS seq, r.source AS record
"""

NODE_PROVENANCE_QUERY = (
    "MATCH (n) RETURN n.id AS id, n.first_source AS first_source, n.agencies AS agencies"
)
