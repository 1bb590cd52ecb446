"""How a node and an edge look: colour and shape by type, size, edge width and style
by kind. One table each, so that the page, its legend and the exports agree.

Edge kinds (what an analyst reads into a line), `edge_kind`:

- identity (solid red): a shared address, phone, email, registration number or
  transport document; a network link with such evidence;
- co_seizure (solid blue): a seizure naming a party (shipper, consignee,
  manufacturer), a seizure part of a case; a network link of seizures together;
- weak (dotted grey): a forwarder or a container (reused by strangers for years);
- context (thin light grey): ports, marks, agencies, jurisdictions, rights holders;
- same_as_auto (solid green): SAME_AS decided automatically or confirmed;
- same_as_suggested (dashed green): SAME_AS waiting for an analyst;
- same_as_rejected (dotted dark red): SAME_AS rejected by an analyst.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from graph.analysis.subgraph import GraphEdge, GraphNode
from graph.model import LinkStatus, RelType

__all__ = ["EDGE_KINDS", "EdgeStyle", "NodeStyle", "edge_kind", "node_class", "node_style"]


@dataclass(frozen=True)
class NodeStyle:
    label: str  # as the legend names it
    colour: str
    shape: str  # a vis-network shape whose label is drawn below it (fast to draw)


# A party is coloured by its role (the first of these it has); other nodes by type.
_ROLE_ORDER = ("Manufacturer", "Shipper", "Consignee", "Forwarder")
NODE_STYLES: dict[str, NodeStyle] = {
    "Manufacturer": NodeStyle("party: manufacturer", "#c0392b", "dot"),
    "Shipper": NodeStyle("party: shipper", "#1f6fb4", "dot"),
    "Consignee": NodeStyle("party: consignee", "#2e8b3a", "dot"),
    "Forwarder": NodeStyle("party: forwarder", "#8e5cb5", "dot"),
    "Party": NodeStyle("party", "#6c757d", "dot"),
    "Seizure": NodeStyle("seizure", "#e67e22", "square"),
    "Case": NodeStyle("case", "#8c564b", "square"),
    "Container": NodeStyle("container", "#138d90", "diamond"),
    "TransportDocument": NodeStyle("transport document", "#5d8aa8", "diamond"),
    "Port": NodeStyle("port", "#9a9a2c", "triangleDown"),
    "Trademark": NodeStyle("trademark", "#d35fa3", "star"),
    "RightsHolder": NodeStyle("rights holder", "#a0785a", "star"),
    "Address": NodeStyle("address", "#4caf7d", "triangle"),
    "Phone": NodeStyle("phone", "#f0a030", "triangle"),
    "Email": NodeStyle("email", "#e0605e", "triangle"),
    "Identifier": NodeStyle("registration number", "#7d6bc4", "triangle"),
    "Agency": NodeStyle("agency", "#34495e", "hexagon"),
    "Jurisdiction": NodeStyle("jurisdiction", "#7f8c8d", "hexagon"),
    "Node": NodeStyle("other", "#95a5a6", "dot"),
}


def node_class(node: GraphNode) -> str:
    """The key of `NODE_STYLES` for a node: a party's (or an entity's) main role, else
    its type."""
    if node.type in ("Party", "Entity"):
        return next((role for role in _ROLE_ORDER if role in node.roles), "Party")
    return node.type if node.type in NODE_STYLES else "Node"


def node_style(node: GraphNode) -> NodeStyle:
    return NODE_STYLES[node_class(node)]


def node_size(weight: float) -> float:
    """Pixel size from a count (seizures, degree): 12 for 0 or 1, about 24 at 10,
    at most 48."""
    return round(min(48.0, 12.0 + 4.0 * math.sqrt(max(weight - 1.0, 0.0))), 1)


@dataclass(frozen=True)
class EdgeStyle:
    label: str
    colour: str
    dashes: bool | list[int]


EDGE_KINDS: dict[str, EdgeStyle] = {
    "identity": EdgeStyle("identity link (shared phone, address, document...)", "#c0392b", False),
    "co_seizure": EdgeStyle("named in a seizure / seized together", "#1f6fb4", False),
    "weak": EdgeStyle("weak link (container, forwarder)", "#8a8a8a", [2, 5]),
    "context": EdgeStyle("context (port, mark, agency, country)", "#c8c8c8", False),
    "same_as_auto": EdgeStyle("SAME_AS (automatic or confirmed)", "#27ae60", False),
    "same_as_suggested": EdgeStyle("SAME_AS suggested (waits for an analyst)", "#27ae60", [8, 6]),
    "same_as_rejected": EdgeStyle("SAME_AS rejected", "#7b241c", [2, 6]),
}

_IDENTITY_RELS = {
    RelType.HAS_ADDRESS,
    RelType.HAS_PHONE,
    RelType.HAS_EMAIL,
    RelType.HAS_IDENTIFIER,
    RelType.DOCUMENTED_BY,
}
_NAMING_RELS = {
    RelType.SHIPPED_BY,
    RelType.CONSIGNED_TO,
    RelType.MANUFACTURED_BY,
    RelType.PART_OF,
}
_WEAK_RELS = {RelType.FORWARDED_BY, RelType.IN_CONTAINER}
# Evidence kinds of a network link (graph.analysis.networks.LINK_WEIGHTS).
_IDENTITY_KINDS = {"identifier", "phone", "email", "document", "address"}


def edge_kind(edge: GraphEdge) -> str:
    """The kind of an edge (a key of `EDGE_KINDS`)."""
    if edge.type == RelType.SAME_AS:
        status = str(edge.properties.get("status") or LinkStatus.AUTO.value)
        if status in (LinkStatus.AUTO.value, LinkStatus.CONFIRMED.value):
            return "same_as_auto"
        if status == LinkStatus.REJECTED.value:
            return "same_as_rejected"
        return "same_as_suggested"
    if edge.type == "IDENTITY_LINK":
        kinds = set(edge.properties.get("kinds") or {})
        if kinds & _IDENTITY_KINDS:
            return "identity"
        if "co_seizure" in kinds:
            return "co_seizure"
        return "weak"
    if edge.type in _IDENTITY_RELS:
        return "identity"
    if edge.type in _NAMING_RELS:
        return "co_seizure"
    if edge.type in _WEAK_RELS:
        return "weak"
    return "context"


def edge_width(weight: float) -> float:
    """1 px for the weakest links, 6 px for a weight of 1."""
    return round(1.0 + 5.0 * max(0.0, min(weight, 1.0)), 2)
