"""What ingest hands to the graph: one record, normalised, as plain data.

`ingest/` turns a canonical record into a `SeizureWrite` (ids, properties, the
relationships it evidences) and touches no database; `graph.write` decides whether
it is new, unchanged or a correction, and writes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class LinkRow:
    """One relationship from a record: `link` names a `graph.model.Link`."""

    link: str
    source_id: str
    target_id: str
    node: dict[str, Any] = field(default_factory=dict)
    props: dict[str, Any] = field(default_factory=dict)
    seq: int | None = None


@dataclass(frozen=True)
class SeizureWrite:
    id: str
    content_hash: str
    props: dict[str, Any]
    prov: dict[str, Any]
    links: list[LinkRow]
