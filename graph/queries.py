"""Every Cypher statement iprgraph sends, in one place.

Rules (see ../shared/ARCHITECTURE.md, "Cypher that runs on both engines"):
- every value is a `$parameter`; labels, relationship types and property keys come
  from the enums in `graph.model`, never from input;
- every anchored node carries a label, so both engines use the index;
- each statement is run by a test against the embedded server and passes Neo4j's
  own linter (`tests/test_cypher_lint.py`).

Statements are module-level `*_QUERY` constants; `all_queries()` lists them for the
linter and for the test that checks each one is exercised.
"""

from __future__ import annotations

PING_QUERY = "RETURN 1 AS ok"

COUNT_NODES_QUERY = "MATCH (n) RETURN count(n) AS nodes"

COUNT_RELATIONSHIPS_QUERY = "MATCH ()-[r]->() RETURN count(r) AS relationships"


def all_queries() -> dict[str, str]:
    """Name -> statement for every `*_QUERY` constant of this module."""
    return {
        name: value
        for name, value in globals().items()
        if name.endswith("_QUERY") and isinstance(value, str)
    }
