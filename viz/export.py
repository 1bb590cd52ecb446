"""Graph answers in the formats analysts' tools read: `export(model, format)`.

Pure functions over the same models as the pictures (`viz.picture.picture_of`): a
network, a neighbourhood, a path result or an entity; no database access. Every
export carries the handling of what it holds (the most restrictive TLP of the
records behind it, `Picture.handling`), in the file itself and per node and edge:

| format      | file(s)                          | handling carried as                          |
|-------------|----------------------------------|----------------------------------------------|
| `graphml`   | `<stem>.graphml`                 | graph attribute `tlp`; node and edge `tlp`   |
| `gexf`      | `<stem>.gexf`                    | meta description and keywords; node and edge `tlp` |
| `cytoscape` | `<stem>.cyjs` (Cytoscape.js JSON)| top-level `data.tlp`; element `data.tlp`     |
| `i2`        | `entities.csv`, `links.csv`, `README.txt` (a zip) | a `TLP` column on every row; the README |
| `ftm`       | `<stem>.ftm.json` (one entity a line) | see `viz.ftm`                           |
| `ndjson`    | `<stem>.ndjson`                  | a first `meta` line; `tlp` on every line     |

GraphML and GEXF hold the same attributes (node: `node_type`, `label`,
`jurisdiction`, `roles`, `degree`, `hub`, `omitted`, `seizures`, `first_seizure`,
`last_seizure`, `tlp`, `community`, `key_player`, `records`, `properties`; edge:
`relationship`, `kind`, `weight`, `records`, `evidence_total`, `first_date`,
`last_date`, `tlp`, `properties`); lists are joined with `;`, and `properties` is
the node's or edge's own properties as JSON. In GEXF each node and edge spans its
first to its last seizure date (`start`, `end`), so Gephi's timeline plays the
answer through time; Gephi and Cytoscape both open either file with its attributes.

`export(...)` returns an `Exported`: its files by name, the media type, the
handling, and `.content()`, the bytes to send (the one file, or a zip of several).
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import networkx as nx

from graph.analysis.subgraph import Evidence, GraphEdge, GraphNode
from viz.picture import Picture, most_restrictive, picture_of
from viz.style import EDGE_KINDS, NODE_STYLES, edge_kind, node_class

__all__ = ["ExportFormat", "Exported", "edge_attributes", "export", "node_attributes"]


class ExportFormat(StrEnum):
    GRAPHML = "graphml"
    GEXF = "gexf"
    CYTOSCAPE = "cytoscape"
    I2 = "i2"
    FTM = "ftm"
    NDJSON = "ndjson"


@dataclass(frozen=True)
class Exported:
    format: ExportFormat
    files: dict[str, bytes]
    media_type: str
    handling: str

    def content(self) -> bytes:
        """What to send or write: the one file as it is, several as a zip."""
        if len(self.files) == 1:
            return next(iter(self.files.values()))
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in self.files.items():
                archive.writestr(name, data)
        return buffer.getvalue()

    @property
    def filename(self) -> str:
        """A name for `content()`."""
        if len(self.files) == 1:
            return next(iter(self.files))
        return f"iprgraph-{self.format.value}.zip"


# XML 1.0 cannot hold these characters, even escaped; a record can (a stray control
# code in a name). They are dropped from GraphML and GEXF text.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _xml_text(value: Any) -> Any:
    return _NOT_XML.sub("", value) if isinstance(value, str) else value


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _dates(records: list[Evidence]) -> list[str]:
    return sorted({record.date for record in records if record.date})


def node_attributes(
    picture: Picture, node: GraphNode, records: list[Evidence]
) -> dict[str, str | int | float | bool]:
    """A node's attributes as GraphML and GEXF hold them (no None: absent instead)."""
    dates = _dates(records)
    player = picture.key_players.get(node.id)
    attributes: dict[str, Any] = {
        "node_type": node.type,
        "label": node.label,
        "style": NODE_STYLES[node_class(node)].label,
        "jurisdiction": node.jurisdiction,
        "roles": ";".join(node.roles),
        "degree": node.degree,
        "hub": node.hub,
        "omitted": node.omitted,
        "seizures": len(records),
        "first_seizure": dates[0] if dates else None,
        "last_seizure": dates[-1] if dates else None,
        "tlp": most_restrictive(record.tlp for record in records) if records else None,
        "community": picture.communities.get(node.id),
        "key_player": player.rank if player else None,
        "records": ";".join(record.seizure_id for record in records),
        "properties": _json(node.properties),
    }
    return {key: value for key, value in attributes.items() if value is not None}


def edge_attributes(edge: GraphEdge) -> dict[str, str | int | float | bool]:
    """An edge's attributes as GraphML and GEXF hold them."""
    dates = _dates(edge.evidence)
    attributes: dict[str, Any] = {
        "relationship": edge.type,
        "kind": edge_kind(edge),
        "weight": float(edge.weight),
        "records": ";".join(record.seizure_id for record in edge.evidence),
        "evidence_total": max(edge.evidence_total, len(edge.evidence)),
        "first_date": dates[0] if dates else None,
        "last_date": dates[-1] if dates else None,
        "tlp": most_restrictive(r.tlp for r in edge.evidence) if edge.evidence else None,
        "properties": _json(edge.properties),
    }
    return {key: value for key, value in attributes.items() if value is not None}


def _graph(picture: Picture, *, xml: bool) -> nx.MultiDiGraph:
    """The answer as a networkx graph with every attribute (for GraphML and GEXF)."""
    clean = _xml_text if xml else (lambda value: value)
    records = picture.records_of()
    graph = nx.MultiDiGraph(
        name=clean(picture.title),
        kind=picture.kind,
        tlp=picture.handling,
        generator="iprgraph",
        api_path=clean(picture.api_path),
        notes=clean(" ".join(picture.notes)),
    )
    for node in picture.graph.nodes:
        attributes = node_attributes(picture, node, records.get(node.id, []))
        graph.add_node(node.id, **{key: clean(value) for key, value in attributes.items()})
    for index, edge in enumerate(picture.graph.edges):
        attributes = edge_attributes(edge)
        graph.add_edge(
            edge.source,
            edge.target,
            key=f"e{index}",
            **{key: clean(value) for key, value in attributes.items()},
        )
    return nx.relabel_nodes(graph, {n: clean(n) for n in graph.nodes if clean(n) != n})


def _graphml(picture: Picture) -> bytes:
    graph = _graph(picture, xml=True)
    return "\n".join(nx.generate_graphml(graph, encoding="utf-8")).encode("utf-8")


def _hex_rgb(colour: str) -> dict[str, int]:
    return {"r": int(colour[1:3], 16), "g": int(colour[3:5], 16), "b": int(colour[5:7], 16)}


def _gexf(picture: Picture) -> bytes:
    graph = _graph(picture, xml=True)
    by_id = {_xml_text(node.id): node for node in picture.graph.nodes}
    for node_id, data in graph.nodes(data=True):
        if "first_seizure" in data:
            data["start"] = data["first_seizure"]
            data["end"] = data["last_seizure"]
        data["viz"] = {"color": _hex_rgb(NODE_STYLES[node_class(by_id[node_id])].colour)}
    for _, _, data in graph.edges(data=True):
        if "first_date" in data:
            data["start"] = data["first_date"]
            data["end"] = data["last_date"]
        data["label"] = data["relationship"]
        data["viz"] = {"color": _hex_rgb(EDGE_KINDS[data["kind"]].colour)}
    # GEXF's meta: who made it and how it must be handled.
    graph.graph.pop("name", None)
    buffer = io.BytesIO()
    nx.write_gexf(graph, buffer, encoding="utf-8", version="1.2draft")
    text = buffer.getvalue().decode("utf-8")
    meta = (
        f"<meta><creator>iprgraph</creator><keywords>TLP:{picture.handling}</keywords>"
        f"<description>{_escape(picture.title)}. Handling: TLP:{picture.handling} "
        "(the most restrictive of the records behind it).</description></meta>"
    )
    text = re.sub(r"<meta\b.*?</meta>", lambda _: meta, text, count=1, flags=re.S)
    return text.encode("utf-8")


def _escape(text: str) -> str:
    clean = _NOT_XML.sub("", text)
    return clean.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cytoscape(picture: Picture) -> bytes:
    """Cytoscape.js JSON (`cy.json()` shape; Cytoscape desktop imports it too)."""
    records = picture.records_of()
    nodes = []
    for node in picture.graph.nodes:
        data: dict[str, Any] = {"id": node.id, "name": node.label}
        data.update(node_attributes(picture, node, records.get(node.id, [])))
        data["color"] = NODE_STYLES[node_class(node)].colour
        nodes.append({"data": data, "group": "nodes"})
    edges = []
    for index, edge in enumerate(picture.graph.edges):
        data = {"id": f"e{index}", "source": edge.source, "target": edge.target}
        data.update(edge_attributes(edge))
        edges.append({"data": data, "group": "edges"})
    document = {
        "format_version": "1.0",
        "generated_by": "iprgraph",
        "target_cytoscapejs_version": "~3",
        "data": {
            "name": picture.title,
            "kind": picture.kind,
            "tlp": picture.handling,
            "api_path": picture.api_path,
            "notes": picture.notes,
        },
        "elements": {"nodes": nodes, "edges": edges},
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


def _ndjson(picture: Picture) -> bytes:
    """One JSON object a line: a `meta` line, then every node, then every edge."""
    records = picture.records_of()
    lines = [
        {
            "kind": "meta",
            "answer": picture.kind,
            "title": picture.title,
            "tlp": picture.handling,
            "api_path": picture.api_path,
            "truncated": picture.graph.truncated,
            "omitted_nodes": picture.graph.omitted_nodes,
            "notes": picture.notes,
        }
    ]
    for node in picture.graph.nodes:
        found = records.get(node.id, [])
        lines.append(
            {
                "kind": "node",
                "id": node.id,
                "type": node.type,
                "label": node.label,
                "jurisdiction": node.jurisdiction,
                "roles": node.roles,
                "degree": node.degree,
                "hub": node.hub,
                "omitted": node.omitted,
                "properties": node.properties,
                "records": [record.__dict__ for record in found],
                "tlp": most_restrictive(r.tlp for r in found) if found else None,
            }
        )
    for edge in picture.graph.edges:
        lines.append(
            {
                "kind": "edge",
                "source": edge.source,
                "target": edge.target,
                "type": edge.type,
                "weight": edge.weight,
                "properties": edge.properties,
                "evidence": [record.__dict__ for record in edge.evidence],
                "evidence_total": edge.evidence_total,
                "tlp": most_restrictive(r.tlp for r in edge.evidence) if edge.evidence else None,
            }
        )
    return "".join(_json(line) + "\n" for line in lines).encode("utf-8")


_MEDIA = {
    ExportFormat.GRAPHML: "application/graphml+xml",
    ExportFormat.GEXF: "application/gexf+xml",
    ExportFormat.CYTOSCAPE: "application/json",
    ExportFormat.I2: "application/zip",
    ExportFormat.FTM: "application/x-ndjson",
    ExportFormat.NDJSON: "application/x-ndjson",
}
_SUFFIX = {
    ExportFormat.GRAPHML: "graphml",
    ExportFormat.GEXF: "gexf",
    ExportFormat.CYTOSCAPE: "cyjs",
    ExportFormat.FTM: "ftm.json",
    ExportFormat.NDJSON: "ndjson",
}


def export(model: Any, format: ExportFormat | str, **picture_args: Any) -> Exported:
    """A graph answer (any model `viz.picture_of` takes) in `format`."""
    from viz import ftm, i2  # their libraries are loaded only when asked for

    chosen = ExportFormat(format)
    picture = picture_of(model, **picture_args)
    stem = f"iprgraph-{picture.kind}"
    files: dict[str, bytes]
    if chosen == ExportFormat.I2:
        files = i2.i2_files(picture)
    else:
        writer = {
            ExportFormat.GRAPHML: _graphml,
            ExportFormat.GEXF: _gexf,
            ExportFormat.CYTOSCAPE: _cytoscape,
            ExportFormat.FTM: ftm.ftm_lines,
            ExportFormat.NDJSON: _ndjson,
        }[chosen]
        files = {f"{stem}.{_SUFFIX[chosen]}": writer(picture)}
    return Exported(chosen, files, _MEDIA[chosen], picture.handling)
