"""The one shape every graph answer shares: nodes, edges, and the records behind each edge.

Plain data; `api/schemas.py` mirrors it for HTTP and `viz/` renders it. A node says
what it is (`type`: its primary label), how to show it (`label`), where it belongs
(`jurisdiction`) and, when an answer did not show all of it, how much was left out.
An edge keeps the direction it has in the store and cites the seizure records that
evidence it (agency, date, record id), a bounded number of them with the total.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Evidence:
    """A seizure record that evidences a node or an edge."""

    seizure_id: str
    agency: str | None
    record_id: str | None
    date: str | None
    tlp: str | None = None


@dataclass
class GraphNode:
    id: str
    type: str
    label: str
    jurisdiction: str | None = None
    properties: dict[str, Any] = field(default_factory=dict)
    roles: list[str] = field(default_factory=list)
    degree: int | None = None
    hub: bool = False
    # Neighbours this answer did not show (degree cap, hub not expanded, type filter).
    omitted: int = 0
    expanded: bool = False


@dataclass
class GraphEdge:
    source: str
    target: str
    type: str
    weight: float = 1.0
    properties: dict[str, Any] = field(default_factory=dict)
    evidence: list[Evidence] = field(default_factory=list)
    evidence_total: int = 0


@dataclass
class Subgraph:
    nodes: list[GraphNode] = field(default_factory=list)
    edges: list[GraphEdge] = field(default_factory=list)
    truncated: bool = False
    omitted_nodes: int = 0
    notes: list[str] = field(default_factory=list)
