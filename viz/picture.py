"""What a picture or an export holds: one graph answer, made ready to draw.

Every graph answer of `graph/` becomes a `Picture`: the subgraph itself (nodes and
edges in the one shape of `graph.analysis.subgraph`), what kind of answer it was, the
nodes it is about (an anchor, the two ends of a path search, an entity's members),
what the answer adds to its nodes (key players and communities of a network, the
name variants of an entity's members), the records behind each node, and what a cap
left out. `picture_of(model)` takes any of the answers the services return:

| model (service)                                   | kind            |
|---------------------------------------------------|-----------------|
| `NetworkView` / `NetworkDetail` (`networks.py`)   | `network`       |
| `Subgraph` (`neighbourhood.py`)                   | `neighbourhood` |
| `PathsAnswer` (`paths.py`)                        | `paths`         |
| `EntityView` (`graph/resolve/service.py`)         | `entity`        |

Plain data in, plain data out: nothing here reads the database. The handling of a
picture is the most restrictive TLP of the records behind what it holds; a record
whose TLP is not known counts as AMBER, the contract's default.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

from graph.analysis.networks import NetworkDetail, NetworkView
from graph.analysis.paths import PathsAnswer
from graph.analysis.subgraph import Evidence, GraphEdge, GraphNode, Subgraph
from graph.resolve.entities import EntityView
from graph.seizures import TLP_LEVELS, SeizureSummary

__all__ = [
    "DEFAULT_TLP",
    "KINDS",
    "KeyPlayerMark",
    "Picture",
    "most_restrictive",
    "picture_of",
]

KINDS = ("network", "neighbourhood", "paths", "entity")
# The contract's default handling: what a record of unknown TLP is treated as.
DEFAULT_TLP = "AMBER"


def most_restrictive(levels: Iterable[str | None]) -> str:
    """The most restrictive of TLP levels (unknown ones count as AMBER); CLEAR for none."""
    worst = 0
    for level in levels:
        known = level if level in TLP_LEVELS else DEFAULT_TLP
        worst = max(worst, TLP_LEVELS.index(known))
    return TLP_LEVELS[worst]


@dataclass(frozen=True)
class KeyPlayerMark:
    rank: int  # 1 for the first key player
    betweenness: float
    pagerank: float


@dataclass
class Picture:
    kind: str
    title: str
    # The API answer the picture draws, as a path under the API's base URL.
    api_path: str
    graph: Subgraph
    # Nodes the answer is about: drawn larger and always kept under a cap.
    focus: list[str] = field(default_factory=list)
    key_players: dict[str, KeyPlayerMark] = field(default_factory=dict)
    communities: dict[str, int] = field(default_factory=dict)
    # Extra rows of a node's details: name variants as written, with their sources.
    names: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # Records behind a node that no edge of the picture cites (an entity's members).
    node_records: dict[str, list[Evidence]] = field(default_factory=dict)
    # One-line facts about the whole answer (risk, seizures, value...).
    facts: list[tuple[str, str]] = field(default_factory=list)
    # What the answer's caps left out, in its own words.
    notes: list[str] = field(default_factory=list)

    def records_of(self) -> dict[str, list[Evidence]]:
        """Per node id, the records behind it: those cited by its edges, its own if it is
        a seizure, and those the answer gave for it; each record once, by date."""
        found: dict[str, dict[str, Evidence]] = {node.id: {} for node in self.graph.nodes}
        for node in self.graph.nodes:
            if node.type == "Seizure":
                found[node.id][node.id] = _seizure_evidence(node)
        for edge in self.graph.edges:
            for end in (edge.source, edge.target):
                if end in found:
                    for record in edge.evidence:
                        found[end].setdefault(record.seizure_id, record)
        for node_id, records in self.node_records.items():
            if node_id in found:
                for record in records:
                    found[node_id].setdefault(record.seizure_id, record)
        return {
            node_id: sorted(records.values(), key=lambda r: (r.date or "", r.seizure_id))
            for node_id, records in found.items()
        }

    def evidence(self) -> list[Evidence]:
        """Every record behind the picture, each once."""
        seen: dict[str, Evidence] = {}
        for records in self.records_of().values():
            for record in records:
                seen.setdefault(record.seizure_id, record)
        for edge in self.graph.edges:
            for record in edge.evidence:
                seen.setdefault(record.seizure_id, record)
        return sorted(seen.values(), key=lambda r: r.seizure_id)

    @property
    def handling(self) -> str:
        """The TLP of the picture: the most restrictive of the records behind it."""
        return most_restrictive(record.tlp for record in self.evidence())


def _seizure_evidence(node: GraphNode) -> Evidence:
    props = node.properties
    return Evidence(
        seizure_id=node.id,
        agency=props.get("agency"),
        record_id=props.get("record_id"),
        date=props.get("seizure_date"),
        tlp=props.get("tlp"),
    )


def picture_of(
    model: Any,
    *,
    kind: str | None = None,
    anchor: str | None = None,
    title: str | None = None,
    party_names: Mapping[str, str] | None = None,
    seizures: Mapping[str, Sequence[SeizureSummary]] | None = None,
) -> Picture:
    """The picture of a graph answer (see the module's table); a `Picture` is returned
    as it is. A neighbourhood's `Subgraph` does not know its anchor: pass `anchor`.
    An entity's `EntityView` names the parties its pending suggestions point to by id
    only: `party_names` gives their names. `seizures` (party id -> every seizure naming
    it, from `graph.seizures.list_seizures`) gives the records behind an entity's
    members or a network's entities, their dates and TLP: a network's links cite only
    a few records each, and the handling of a picture is that of every record behind
    it, so pass them for a network and an entity."""
    if isinstance(model, Picture):
        return model
    if isinstance(model, NetworkView):
        picture = _network(model, seizures or {})
    elif isinstance(model, PathsAnswer):
        picture = _paths(model)
    elif isinstance(model, EntityView):
        picture = _entity(model, party_names or {}, seizures or {})
    elif isinstance(model, Subgraph):
        picture = _neighbourhood(model, anchor)
    else:
        raise TypeError(f"iprgraph cannot draw a {type(model).__name__}")
    if kind is not None and kind != picture.kind:
        raise ValueError(f"this answer is a {picture.kind}, not a {kind}")
    if title:
        picture.title = title
    return picture


def _records(found: Sequence[SeizureSummary]) -> list[Evidence]:
    return [Evidence(s.id, s.agency, s.record_id, s.seizure_date, s.handling.tlp) for s in found]


def _network(view: NetworkView, seizures: Mapping[str, Sequence[SeizureSummary]]) -> Picture:
    summary = view.summary
    picture = Picture(
        kind="network",
        title=f"Network {summary.label}",
        api_path=f"/v1/networks/{quote(summary.id, safe='')}",
        graph=view.graph,
        notes=list(view.graph.notes),
        facts=[
            ("network", summary.id),
            ("risk", f"{summary.risk:g} / 100"),
            ("why", summary.risk_explanation),
            ("entities", str(summary.entities)),
            ("parties", str(summary.parties)),
            ("seizures", str(summary.seizures)),
            ("value", f"USD {summary.value_usd:,.0f}"),
            ("jurisdictions", ", ".join(summary.jurisdictions)),
            ("agencies", ", ".join(summary.agencies)),
            ("first seizure", summary.first_seizure or "-"),
            ("last seizure", summary.last_seizure or "-"),
        ],
    )
    # A link cites a few of its records; the seizures of each entity's parties, when
    # given, are all the records behind the network (its figures count them all).
    for node in view.graph.nodes:
        parties = [party.get("id") for party in node.properties.get("parties") or []]
        found = [record for party in parties for record in _records(seizures.get(party, []))]
        if found:
            picture.node_records[node.id] = found
    if isinstance(view, NetworkDetail):
        picture.key_players = {
            player.entity: KeyPlayerMark(rank, player.betweenness, player.pagerank)
            for rank, player in enumerate(view.key_players, start=1)
        }
        picture.communities = {
            member: community.index
            for community in view.communities
            for member in community.entities
        }
        picture.focus = list(picture.key_players)
    return picture


def _neighbourhood(graph: Subgraph, anchor: str | None) -> Picture:
    label = next((node.label for node in graph.nodes if node.id == anchor), anchor)
    return Picture(
        kind="neighbourhood",
        title=f"Neighbourhood of {label}" if anchor else "Neighbourhood",
        api_path=f"/v1/entities/{quote(anchor, safe='')}/neighborhood" if anchor else "",
        graph=graph,
        focus=[anchor] if anchor else [],
        notes=list(graph.notes),
        facts=[("anchor", anchor or "-"), ("nodes", str(len(graph.nodes)))],
    )


def _paths(answer: PathsAnswer) -> Picture:
    labels = {node.id: node.label for node in answer.subgraph.nodes}
    lengths = sorted({path.length for path in answer.paths})
    return Picture(
        kind="paths",
        title=f"Paths from {labels.get(answer.source, answer.source)} "
        f"to {labels.get(answer.target, answer.target)}",
        api_path="/v1/paths?"
        + urlencode(
            {
                "source": answer.source,
                "target": answer.target,
                "max_hops": answer.max_hops,
                "mode": answer.mode.value,
            }
        ),
        graph=answer.subgraph,
        focus=[answer.source, answer.target],
        notes=list(answer.notes),
        facts=[
            ("source", answer.source),
            ("target", answer.target),
            ("paths", str(len(answer.paths))),
            ("hops", ", ".join(str(n) for n in lengths) or "-"),
            ("nodes walked", str(answer.nodes_walked)),
        ],
    )


def _entity(
    view: EntityView,
    party_names: Mapping[str, str],
    seizures: Mapping[str, Sequence[SeizureSummary]],
) -> Picture:
    nodes: dict[str, GraphNode] = {}
    for row in view.members:
        roles = sorted(label for label in row["labels"] if label != "Party")
        nodes[row["id"]] = GraphNode(
            id=row["id"],
            type="Party",
            label=row["name"] or row["id"],
            jurisdiction=row["country"],
            properties={"entity": view.id},
            roles=roles,
        )
    edges = []
    for link in [*view.links, *view.suggestions]:
        for end in (link["a"], link["b"]):
            if end not in nodes:
                nodes[end] = GraphNode(
                    id=end,
                    type="Party",
                    label=party_names.get(end, end),
                    properties={"entity": "another entity"},
                )
        properties = {
            key: link[key]
            for key in ("status", "score", "explanation", "decided_by", "decided_at", "reason")
            if link.get(key) is not None
        }
        edges.append(
            GraphEdge(
                source=link["a"],
                target=link["b"],
                type="SAME_AS",
                weight=float(link["score"] or 0.0),
                properties=properties,
            )
        )
    degree: dict[str, int] = {}
    for edge in edges:
        for end in (edge.source, edge.target):
            degree[end] = degree.get(end, 0) + 1
    for node in nodes.values():
        node.degree = degree.get(node.id, 0)
    names: dict[str, list[dict[str, Any]]] = {}
    for row in view.names:
        names.setdefault(row["party"], []).append(dict(row))
    records = {party: _records(found) for party, found in seizures.items()}
    pending = sum(1 for link in view.suggestions)
    return Picture(
        kind="entity",
        title=f"Entity {nodes[view.id].label if view.id in nodes else view.id}",
        api_path=f"/v1/entities/{quote(view.id, safe='')}",
        graph=Subgraph(nodes=list(nodes.values()), edges=edges),
        focus=[row["id"] for row in view.members],
        names=names,
        node_records=records,
        facts=[
            ("entity", view.id),
            ("members", str(len(view.members))),
            ("name variants", str(len(view.names))),
            ("links", str(len(view.links))),
            ("pending suggestions", str(pending)),
        ],
    )
