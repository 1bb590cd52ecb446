"""A graph answer as one standalone, interactive HTML page.

`render_page(model, api_base=...)` returns the page as text. The page needs nothing
but itself: vis-network (the copy pyvis ships) and iprgraph's own script and style
are inlined, and its Content-Security-Policy forbids every request (`connect-src
'none'`, no external script, style, image or font), so it works on an air-gapped
network and cannot call out even if a name in it were crafted to. The nodes and
edges are built with pyvis and laid out by vis-network in the browser: the layout
runs a bounded number of steps, then physics is switched off so nothing moves.

Names come from agencies' records and are data, never markup: the graph travels as
JSON in a `<script type="application/json">` block with `<`, `>` and `&` escaped,
the script writes every value with `textContent`, and the text around the picture
is rendered by Jinja2 with autoescaping.

Above `MAX_NODES` nodes or `MAX_EDGES` edges the page draws the nodes the answer is
about, then the best-connected ones, then the strongest edges among them, and says
on the page what it left out.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from pyvis.network import Network

from graph.analysis.subgraph import Evidence, GraphEdge, GraphNode
from viz.layout import initial_positions
from viz.picture import Picture, picture_of
from viz.style import EDGE_KINDS, NODE_STYLES, edge_kind, edge_width, node_class, node_size

__all__ = ["MAX_EDGES", "MAX_NODES", "render_page"]

# The most a page draws. At 2,000 nodes and 5,000 edges the layout settles in a few
# seconds in headless Chromium on two cores (BENCHMARKS.md, "Pictures"); beyond
# that, a picture is a hairball that no analyst reads, and a browser slows down.
MAX_NODES = 2500
MAX_EDGES = 6000
# Characters of a node's label drawn on the canvas (the details give all of it).
LABEL_CHARS = 32
# Layout steps before the layout stops. Nodes start near their final place
# (viz.layout), so a few hundred steps settle a small picture; a big one takes 100
# coarser steps (Barnes-Hut theta 1.0): 2,000 nodes settled in 2.7-4.4 s instead of
# 14 s for 200 default steps from random positions (BENCHMARKS.md, "Pictures").
_SMALL_ITERATIONS = 250
_LARGE_ITERATIONS = 100
_LARGE = 800

_COMMUNITY_COLOURS = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
    "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939",
)  # fmt: skip
_HERE = Path(__file__).parent
_TLP_CLASS = {
    "CLEAR": "clear",
    "GREEN": "green",
    "AMBER": "amber",
    "AMBER+STRICT": "amber-strict",
    "RED": "red",
}


@functools.cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(_HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@functools.cache
def _script() -> tuple[str, str]:
    """The page's one script (vis-network, then iprgraph's) and its CSP hash."""
    vis = resources.files("pyvis") / "lib" / "vis-9.1.2" / "vis-network.min.js"
    text = vis.read_text(encoding="utf-8") + "\n" + (_HERE / "static" / "page.js").read_text()
    if "</script" in text.lower():  # would end the inline block early
        raise RuntimeError("an inlined script holds '</script'; it cannot be inlined")
    digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()
    return text, f"'sha256-{digest}'"


@functools.cache
def _style() -> str:
    return (_HERE / "static" / "page.css").read_text(encoding="utf-8")


@dataclass(frozen=True)
class _Drawn:
    nodes: list[GraphNode]
    edges: list[GraphEdge]
    nodes_total: int
    edges_total: int
    edges_capped: bool  # more edges joined the nodes drawn than max_edges


def _weight_of(node: GraphNode) -> float:
    """What a node's size says: the seizures of an entity, else its degree."""
    seizures = node.properties.get("seizures")
    if isinstance(seizures, int | float) and not isinstance(seizures, bool):
        return float(seizures)
    return float(node.degree or 0)


def _cap(picture: Picture, max_nodes: int, max_edges: int) -> _Drawn:
    """The nodes and edges a page draws: all of them, or under the caps the nodes the
    answer is about, key players, then the nodes with the most links in the picture;
    then the strongest edges between the nodes kept."""
    nodes, edges = picture.graph.nodes, picture.graph.edges
    by_id = {node.id: node for node in nodes}
    edges = [edge for edge in edges if edge.source in by_id and edge.target in by_id]
    if len(nodes) > max_nodes:
        links: dict[str, int] = dict.fromkeys(by_id, 0)
        for edge in edges:
            links[edge.source] += 1
            links[edge.target] += 1
        focus = set(picture.focus)

        def rank(node: GraphNode) -> tuple[int, int, int, float, str]:
            player = picture.key_players.get(node.id)
            return (
                0 if node.id in focus else 1,
                player.rank if player else 1_000_000,
                -links[node.id],
                -_weight_of(node),
                node.id,
            )

        kept = sorted(nodes, key=rank)[:max_nodes]
        kept_ids = {node.id for node in kept}
        drawn_nodes = [node for node in nodes if node.id in kept_ids]
    else:
        drawn_nodes, kept_ids = list(nodes), set(by_id)
    drawn_edges = [edge for edge in edges if edge.source in kept_ids and edge.target in kept_ids]
    edges_capped = len(drawn_edges) > max_edges
    if edges_capped:
        strongest = sorted(range(len(drawn_edges)), key=lambda i: -drawn_edges[i].weight)
        keep = set(strongest[:max_edges])
        drawn_edges = [edge for i, edge in enumerate(drawn_edges) if i in keep]
    return _Drawn(drawn_nodes, drawn_edges, len(nodes), len(picture.graph.edges), edges_capped)


class _Ids(list[Any]):
    """pyvis keeps node ids in a list and looks each edge's ends up in it; a set
    beside the list makes that constant time (quadratic at thousands of nodes)."""

    def __init__(self) -> None:
        super().__init__()
        self._set: set[Any] = set()

    def append(self, value: Any) -> None:
        super().append(value)
        self._set.add(value)

    def __contains__(self, value: object) -> bool:
        return value in self._set


def _record(record: Evidence) -> list[str | None]:
    return [record.seizure_id, record.agency, record.record_id, record.date, record.tlp]


def _plain(value: Any) -> Any:
    """A property value as JSON holds it (dates and other objects as text)."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    return str(value)


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


@dataclass
class _PageData:
    nodes: list[dict[str, Any]]  # vis-network nodes and edges, built with pyvis
    edges: list[dict[str, Any]]
    info: dict[str, Any]  # what the page shows of each node and edge beside the picture
    edge_info: list[dict[str, Any]]
    # Every record cited, once: [seizure id, agency, record id, date, TLP]; nodes and
    # edges cite them by position (a record behind ten nodes is written once).
    records: list[list[str | None]]


class _Records:
    def __init__(self) -> None:
        self.rows: list[list[str | None]] = []
        self._index: dict[str, int] = {}

    def cite(self, found: list[Evidence]) -> list[int]:
        cited = []
        for record in found:
            index = self._index.get(record.seizure_id)
            if index is None:
                index = self._index[record.seizure_id] = len(self.rows)
                self.rows.append(_record(record))
            cited.append(index)
        return cited


def _network_data(picture: Picture, drawn: _Drawn) -> _PageData:
    net = Network(directed=True, cdn_resources="in_line")
    net.node_ids = _Ids()
    records = picture.records_of()
    table = _Records()
    focus = set(picture.focus)
    positions = initial_positions(
        [node.id for node in drawn.nodes],
        [(edge.source, edge.target) for edge in drawn.edges],
        groups=picture.communities,
        roots=picture.focus,
    )
    info: dict[str, Any] = {}
    for node in drawn.nodes:
        key = node_class(node)
        style = NODE_STYLES[key]
        player = picture.key_players.get(node.id)
        label = _short(node.label)
        if player:
            label = f"★{player.rank} {label}"
        if node.hub:
            label += " (hub)"
        x, y = positions[node.id]
        # Colours come from the node's group (its class, see _groups).
        options: dict[str, Any] = {
            "group": key,
            "size": node_size(_weight_of(node)) + (6 if node.id in focus else 0),
            "t": key,
            "x": round(x),
            "y": round(y),
        }
        marked = node.id in focus or node.hub or player
        if marked:
            options["borderWidth"] = 4 if node.id in focus else 3
        if node.hub:
            options["shapeProperties"] = {"borderDashes": [4, 3]}
        net.add_node(node.id, label=label, shape=style.shape, **options)
        if marked:
            # pyvis drops `color` from a node with a group, and vis-network does not
            # merge a partial colour with the group's: a marked node carries all of it.
            border = "#d4a017" if player else "#000000"
            colour = {**_group_colour(style.colour)["color"], "border": border}
            net.node_map[node.id]["color"] = colour
        item: dict[str, Any] = {
            "type": node.type,
            "label": node.label,
            "r": table.cite(records.get(node.id, [])),
        }
        optional = {
            "jurisdiction": node.jurisdiction,
            "roles": node.roles,
            "degree": node.degree,
            "hub": node.hub,
            "omitted": node.omitted,
            "focus": node.id in focus,
            "props": _plain(node.properties),
            "names": _plain(picture.names.get(node.id, [])),
            "community": picture.communities.get(node.id),
            "key": (
                {"rank": player.rank, "betweenness": player.betweenness, "pr": player.pagerank}
                if player
                else None
            ),
        }
        item.update({k: v for k, v in optional.items() if v not in (None, False, 0, [], {})})
        info[node.id] = item
    edge_info = []
    for index, edge in enumerate(drawn.edges):
        kind = edge_kind(edge)
        line = EDGE_KINDS[kind]
        options = {"id": index, "width": edge_width(edge.weight), "color": line.colour, "k": kind}
        if line.dashes:
            options["dashes"] = line.dashes
        net.add_edge(edge.source, edge.target, arrows="", **options)
        edge_info.append(
            {
                "type": edge.type,
                "weight": edge.weight,
                "props": _plain(edge.properties),
                "r": table.cite(edge.evidence),
                "n": max(edge.evidence_total, len(edge.evidence)),
            }
        )
    nodes, edges, *_ = net.get_network_data()
    for edge in edges:
        edge.pop("arrows", None)  # none drawn (global option); the details give direction
    return _PageData(nodes, edges, info, edge_info, table.rows)


def _groups() -> dict[str, Any]:
    """vis-network groups: one per node class (its colours), one per community
    colour (the page's "colour by community")."""
    groups: dict[str, Any] = {}
    for key, style in NODE_STYLES.items():
        groups[key] = _group_colour(style.colour)
    for index, colour in enumerate(_COMMUNITY_COLOURS):
        groups[f"c{index}"] = _group_colour(colour)
    return groups


def _group_colour(colour: str) -> dict[str, Any]:
    return {
        "color": {
            "background": colour,
            "border": colour,
            "highlight": {"background": colour, "border": "#000000"},
            "hover": {"background": colour, "border": "#000000"},
        }
    }


def _options(nodes: int) -> dict[str, Any]:
    large = nodes > _LARGE
    return {
        "autoResize": True,
        "layout": {"randomSeed": 7, "improvedLayout": nodes <= 150},
        "physics": {
            "enabled": True,
            "solver": "barnesHut",
            "barnesHut": {
                "gravitationalConstant": -6000,
                "centralGravity": 0.25,
                "springLength": 110,
                "springConstant": 0.03,
                "damping": 0.35,
                "avoidOverlap": 0.05,
                "theta": 1.0 if large else 0.5,
            },
            "minVelocity": 1.0,
            "stabilization": {
                "enabled": True,
                "iterations": _LARGE_ITERATIONS if large else _SMALL_ITERATIONS,
                "updateInterval": 25,
                "fit": True,
            },
        },
        "nodes": {
            "font": {"size": 12, "face": "system-ui, sans-serif", "color": "#222222"},
            "scaling": {"label": {"drawThreshold": 7}},
        },
        "groups": _groups(),
        "edges": {
            "arrows": {"to": {"enabled": False}},
            "smooth": False,
            "color": {"inherit": False},
            "selectionWidth": 1.5,
            "hoverWidth": 0.5,
        },
        "interaction": {
            "hover": True,
            "tooltipDelay": 80,
            "hideEdgesOnDrag": large,
            "hideEdgesOnZoom": large,
            "navigationButtons": False,
            "keyboard": False,
        },
    }


def _json_for_html(data: Any) -> str:
    """JSON that can sit inside a <script> block: no '<', '>' or '&' as such, and
    only ASCII (a lone surrogate in a name cannot break the page's encoding)."""
    text = json.dumps(data, ensure_ascii=True, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _api_base(api_base: str) -> str:
    if api_base and not api_base.startswith(("http://", "https://", "/")):
        raise ValueError(f"api_base must be an http(s) URL or a path, not {api_base!r}")
    return api_base.rstrip("/")


def render_page(
    model: Any,
    *,
    kind: str | None = None,
    api_base: str = "",
    anchor: str | None = None,
    title: str | None = None,
    max_nodes: int = MAX_NODES,
    max_edges: int = MAX_EDGES,
    **picture_args: Any,
) -> str:
    """The standalone HTML page of a graph answer (any model `viz.picture_of` takes).

    `api_base` prefixes the links to the API answers (the whole answer, and each node
    clicked): "" gives site-relative links, for a page served by iprgraph itself.
    `kind`, when given, must match the model's kind. `anchor` names a
    neighbourhood's anchor; `picture_args` are passed to `picture_of`.
    """
    picture = picture_of(model, kind=kind, anchor=anchor, title=title, **picture_args)
    base = _api_base(api_base)
    drawn = _cap(picture, max_nodes, max_edges)
    page = _network_data(picture, drawn)
    nodes, edges = page.nodes, page.edges
    handling = picture.handling
    cap_notes = []
    if drawn.nodes_total > len(drawn.nodes):
        cap_notes.append(
            f"This picture draws {len(drawn.nodes):,} of the answer's {drawn.nodes_total:,} "
            f"nodes (at most {max_nodes:,}): the nodes it is about, its key players, then "
            f"those with the most links; {drawn.nodes_total - len(drawn.nodes):,} nodes "
            "were left out."
        )
    if drawn.edges_total > len(drawn.edges):
        which = (
            f"the strongest {max_edges:,} of those between the nodes drawn"
            if drawn.edges_capped
            else "those between the nodes drawn"
        )
        cap_notes.append(
            f"It draws {len(drawn.edges):,} of the answer's {drawn.edges_total:,} edges "
            f"({which}); {drawn.edges_total - len(drawn.edges):,} were left out."
        )
    types_present = sorted(
        {node_class(node) for node in drawn.nodes}, key=lambda t: list(NODE_STYLES).index(t)
    )
    kinds_present = [kind for kind in EDGE_KINDS if any(e.get("k") == kind for e in edges)]
    data = {
        "meta": {
            "kind": picture.kind,
            "title": picture.title,
            "tlp": handling,
            "api_base": base,
            "api_path": picture.api_path,
            "file": f"iprgraph-{picture.kind}",
            "nodes_total": drawn.nodes_total,
            "edges_total": drawn.edges_total,
            "communities": list(_COMMUNITY_COLOURS) if picture.communities else [],
            "classes": {key: style.label for key, style in NODE_STYLES.items()},
            "kinds": {key: style.label for key, style in EDGE_KINDS.items()},
        },
        "options": _options(len(nodes)),
        "nodes": nodes,
        "edges": edges,
        "info": page.info,
        "edge_info": page.edge_info,
        "records": page.records,
    }
    dates = sorted({row[3] for row in page.records if row[3]})
    script, script_hash = _script()
    return (
        _environment()
        .get_template("picture.html")
        .render(
            picture=picture,
            tlp=handling,
            tlp_class=_TLP_CLASS.get(handling, "amber"),
            api_link=f"{base}{picture.api_path}" if picture.api_path else "",
            notes=[*picture.notes, *cap_notes],
            node_legend=[(key, NODE_STYLES[key]) for key in types_present],
            edge_legend=[(key, EDGE_KINDS[key]) for key in kinds_present],
            first_date=dates[0] if dates else "",
            last_date=dates[-1] if dates else "",
            drawn_nodes=len(nodes),
            drawn_edges=len(edges),
            data=_json_for_html(data),
            script=script,
            script_hash=script_hash,
            style=_style(),
        )
    )
