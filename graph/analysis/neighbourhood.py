"""The neighbourhood of one node: what an investigator sees around a seizure, a
shipper, a container or a mark, `depth` relationships out.

Breadth first, one statement per level (`graph.analysis.expand`). Nothing is cut
silently: a node shows at most `DEGREE_CAP` neighbours (strongest links first, then
newest records) and says how many it left out; hubs are shown and not expanded
unless `through_hubs`; the answer stops growing at `limit` nodes and says so.
"""

from __future__ import annotations

from graph.access import Viewer
from graph.analysis.expand import (
    DEGREE_CAP,
    Deadline,
    attach_evidence,
    describe,
    edge_key,
    expand_anchors,
    expand_lean,
    make_edge,
    make_node,
    node_properties,
    present,
    set_degree,
)
from graph.analysis.subgraph import GraphEdge, GraphNode, Subgraph
from graph.store import GraphStore

MAX_DEPTH = 4
MAX_LIMIT = 2000
DEFAULT_LIMIT = 200


def neighbourhood(
    store: GraphStore,
    viewer: Viewer,
    node_id: str,
    *,
    depth: int = 1,
    types: list[str] | None = None,
    limit: int = DEFAULT_LIMIT,
    through_hubs: bool = False,
    time_limit_s: float = 10.0,
) -> Subgraph:
    """The nodes within `depth` relationships of `node_id`, and the edges found.

    `types` keeps only neighbours of those node types (the anchor is always shown);
    the walk goes on through the nodes shown. NotFound when no node has the id.

    Computed over what the viewer may see: a node or relationship no record the
    viewer sees evidences is not there for it, so degrees, hubs and everything a
    cap left out count only what it may see.
    """
    if not 1 <= depth <= MAX_DEPTH:
        raise ValueError(f"depth must be between 1 and {MAX_DEPTH}")
    deadline = Deadline(time_limit_s)
    # Degrees are counted for the nodes the walk may expand next (to tell hubs), not
    # for those of the last level: counting costs as much as the links counted.
    start = expand_anchors(
        store, viewer, [node_id], labels=types, cap=DEGREE_CAP, degrees=depth > 1
    )[node_id]
    anchor_eid, anchor, first = start.eid, start.node, start.expansion
    deadline.check("neighbourhood")
    by_eid: dict[str, GraphNode] = {anchor_eid: anchor}
    edges: dict[tuple[str, str, str, object], GraphEdge] = {}
    capped = filtered = over_limit = 0
    hubs_kept: list[GraphNode] = []
    # Nodes found after the first level: their properties are read once, at the end.
    unread: list[str] = []
    frontier: list[str] = []
    to_expand, expansions = [anchor_eid], {anchor_eid: first}
    for level in range(depth):
        if level:
            to_expand = []
            for eid in frontier:
                node = by_eid[eid]
                if node.hub and not through_hubs:
                    hubs_kept.append(node)
                    continue
                to_expand.append(eid)
            expansions = expand_lean(
                store, viewer, to_expand, labels=types, cap=DEGREE_CAP, degrees=level < depth - 1
            )
            deadline.check("neighbourhood")
        next_frontier: list[str] = []
        for eid in to_expand:
            here = by_eid[eid]
            here.expanded = True
            if eid in expansions:
                set_degree(here, expansions[eid].total)
            expansion = expansions.get(eid)
            if expansion is None:
                continue  # no relationship at all
            shown = len(expansion.steps)
            for step in expansion.steps:
                there = by_eid.get(step.eid)
                if there is None:
                    if len(by_eid) >= limit:
                        over_limit += 1
                        here.omitted += 1
                        continue
                    there = make_node(step.labels, step.props, step.degree)
                    by_eid[step.eid] = there
                    next_frontier.append(step.eid)
                    if level:
                        unread.append(step.eid)
                edge = make_edge(step, here, there)
                edges.setdefault(edge_key(edge), edge)
            here.omitted += expansion.total - shown
            capped += expansion.matching - shown
            filtered += expansion.total - expansion.matching
        frontier = next_frontier
    # The levels after the first read every neighbour they rank, and the properties
    # only of those kept (at most `limit`): the rest of a busy level is never sent.
    for eid, props in node_properties(store, viewer, unread).items():
        describe(by_eid[eid], props)
    deadline.check("neighbourhood")
    present(store, viewer, by_eid.values())
    # Hubs at the last level were never up for expansion; those before it were kept.
    nodes_by_id = {node.id: node for node in by_eid.values()}
    attach_evidence(store, viewer, nodes_by_id, edges.values())
    notes = _notes(capped, filtered, over_limit, hubs_kept, limit, types)
    return Subgraph(
        nodes=list(by_eid.values()),
        edges=list(edges.values()),
        truncated=bool(capped or over_limit),
        omitted_nodes=capped + filtered + over_limit,
        notes=notes,
    )


def _notes(
    capped: int,
    filtered: int,
    over_limit: int,
    hubs: list[GraphNode],
    limit: int,
    types: list[str] | None,
) -> list[str]:
    notes = []
    if capped:
        notes.append(
            f"{capped} neighbours were left out because a node shows at most {DEGREE_CAP} "
            "(links that identify first, then the newest records); each node's `omitted` "
            "says how many of its own."
        )
    if filtered:
        notes.append(
            f"{filtered} neighbours are of types not asked for ({', '.join(types or [])})."
        )
    if over_limit:
        notes.append(
            f"The answer reached its limit of {limit} nodes; {over_limit} more were found."
        )
    if hubs:
        names = ", ".join(sorted({f"{hub.type} {hub.label}" for hub in hubs})[:5])
        more = f" and {len(hubs) - 5} more" if len(hubs) > 5 else ""
        notes.append(
            f"{len(hubs)} hubs were shown but not expanded ({names}{more}); "
            "through_hubs=true expands them."
        )
    return notes
