"""Walking the graph a level at a time: anchor a node, expand a frontier, cite the records.

Neighbourhoods and paths share this. One statement per level (`path_step_query`;
`expand_query` for the anchors, with their neighbours' properties) expands every
node of a frontier; the caller decides which nodes are hubs and are not walked
through. Both engines answer an anchored expansion in a couple of milliseconds, so
the cost of an answer is its number of levels, not its number of nodes.

Hubs (docs/architecture.md, "Hubs are not links"): a port, jurisdiction, agency
or rights holder always, and any node with more than `HUB_DEGREE` relationships (a
famous trademark, a carrier's pooled container, a forwarder with hundreds of
customers). A hub is shown; it is expanded only when asked.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple, TypeVar

from graph import queries
from graph.access import Viewer
from graph.analysis.subgraph import Evidence, GraphEdge, GraphNode
from graph.errors import NotFound, QueryTimeout
from graph.model import ANCHOR_LABELS, HUB_LABELS, ROLE_LABELS, Label, LinkStatus, RelType
from graph.store import GraphStore, Row
from graph.visibility import display_props, visible_names
from ingest.agencies import agency as agency_of

_T = TypeVar("_T")

# Neighbours shown per expanded node in a neighbourhood; the rest are counted.
DEGREE_CAP = 50
# A node with more relationships than this is a hub (not walked through).
HUB_DEGREE = 100

# How much a relationship says that its two ends belong together, from 1 (the same
# company, a shared registration number) to 0.1 (a seizure and the port it was
# seized at). A SAME_AS weighs its score.
EDGE_WEIGHTS: dict[str, float] = {
    RelType.HAS_IDENTIFIER: 1.0,
    RelType.HAS_PHONE: 0.9,
    RelType.HAS_EMAIL: 0.9,
    RelType.HAS_ADDRESS: 0.8,
    RelType.SHIPPED_BY: 1.0,
    RelType.CONSIGNED_TO: 1.0,
    RelType.MANUFACTURED_BY: 1.0,
    RelType.DOCUMENTED_BY: 0.9,
    RelType.PART_OF: 0.9,
    # A forwarder serves many customers; a container is reused by strangers for years.
    RelType.FORWARDED_BY: 0.4,
    RelType.IN_CONTAINER: 0.3,
    RelType.INFRINGES: 0.2,
    RelType.OWNED_BY: 0.1,
    RelType.REPORTED_BY: 0.1,
    RelType.SEIZED_AT: 0.1,
    RelType.LOADED_AT: 0.1,
    RelType.TRANSITED: 0.1,
    RelType.DISCHARGED_AT: 0.1,
    RelType.ORIGIN: 0.1,
    RelType.DESTINATION: 0.1,
    RelType.IN: 0.1,
}

# Node types a caller may name (`types=`), in the order that picks a node's type.
NODE_TYPES: tuple[str, ...] = tuple(str(label) for label in ANCHOR_LABELS)

# Which label an id belongs to, by its prefix (ingest's id rules, ingest/normalised.py).
_PREFIXES: tuple[tuple[str, Label], ...] = (
    ("party:", Label.PARTY),
    ("addr:", Label.ADDRESS),
    ("tel:", Label.PHONE),
    ("mail:", Label.EMAIL),
    ("id:", Label.IDENTIFIER),
    ("doc:", Label.TRANSPORT_DOCUMENT),
    ("tm:", Label.TRADEMARK),
    ("rh:", Label.RIGHTS_HOLDER),
    ("unresolved:", Label.PORT),
)


class Deadline:
    """The time a walk may take; checked between its statements."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._end = time.monotonic() + seconds

    def check(self, what: str) -> None:
        if time.monotonic() > self._end:
            raise QueryTimeout(
                f"The {what} ran past the server's time limit of {self.seconds:g} s and was "
                "stopped: the question was too broad."
            )


def candidate_labels(node_id: str) -> list[Label]:
    """The labels a node with this id can have, most likely first."""
    for prefix, label in _PREFIXES:
        if node_id.startswith(prefix):
            return [label]
    if ":" in node_id:  # AGENCY:record_id, AGENCY:case_ref
        return [Label.SEIZURE, Label.CASE]
    if len(node_id) == 2:
        return [Label.JURISDICTION]
    if len(node_id) == 5 and node_id.isalnum():
        return [Label.PORT, Label.CONTAINER]
    return [Label.CONTAINER, Label.AGENCY, Label.PORT]


def make_node(labels: Iterable[str], props: dict[str, Any], degree: int | None) -> GraphNode:
    """A node of an answer from what `expand_query` returned (from a lean level,
    `props` holds only the id until `describe` is given the rest)."""
    label_set = set(labels)
    node = GraphNode(
        id=props["id"], type=type_of(label_set), label="", roles=sorted(label_set & ROLE_LABELS)
    )
    describe(node, props)
    set_degree(node, degree)
    return node


def describe(node: GraphNode, props: dict[str, Any]) -> None:
    """Set what `node` shows from its properties: its label, jurisdiction and
    properties."""
    node.label = _display(node.type, props)
    node.jurisdiction = _jurisdiction(node.type, props)
    node.properties = {k: v for k, v in props.items() if v is not None and k != "id"}


def set_degree(node: GraphNode, degree: int | None) -> None:
    """Record a node's degree (when known) and whether that makes it a hub."""
    node.degree = degree
    node.hub = is_hub(node.type, degree)


def type_of(labels: Iterable[str]) -> str:
    """A node's type: the first of `NODE_TYPES` among its labels."""
    label_set = labels if isinstance(labels, (set, frozenset)) else set(labels)
    return next((t for t in NODE_TYPES if t in label_set), "Node")


def is_hub(node_type: str, degree: int | None) -> bool:
    """Whether a node of this type and degree (when known) is a hub."""
    return node_type in HUB_LABELS or (degree is not None and degree > HUB_DEGREE)


def _display(node_type: str, props: dict[str, Any]) -> str:
    if node_type == Label.SEIZURE:
        date = props.get("seizure_date")
        record = f"{props.get('agency')} {props.get('record_id')}"
        return f"{record} ({date})" if date else record
    for key in ("name", "mark", "number", "normalised", "address", "value", "ref"):
        if props.get(key):
            return str(props[key])
    return str(props["id"])


def _jurisdiction(node_type: str, props: dict[str, Any]) -> str | None:
    if node_type == Label.JURISDICTION:
        return str(props["id"])
    if node_type in (Label.SEIZURE, Label.AGENCY, Label.CASE):
        code = props.get("agency") or str(props["id"]).split(":", 1)[0]
        return agency_of(code).jurisdiction
    country = props.get("country")
    return str(country) if country else None


# The relationship properties an answer shows, in the order `Step.rel` holds them.
_REL_KEYS = ("seq", "score", "status", "explanation", "artefacts")


@dataclass(frozen=True)
class Step:
    """One relationship found by expanding a node: to the neighbour `eid`."""

    type: str
    outgoing: bool
    eid: str
    labels: list[str]
    props: dict[str, Any]
    degree: int | None
    rel: dict[str, Any]


@dataclass
class Expansion:
    """What expanding one node gave: up to the cap of its neighbours, and counts."""

    total: int  # neighbours in all
    matching: int  # of the types asked for
    steps: list[Step]


def _step(row: Row) -> Step:
    return Step(
        type=row["type"],
        outgoing=bool(row["outgoing"]),
        eid=row["eid"],
        labels=row["labels"],
        props=row["props"],
        degree=row["degree"],
        rel={key: row[key] for key in _REL_KEYS if row[key] is not None},
    )


def _expansions(rows: list[Row]) -> dict[str, Expansion]:
    found: dict[str, Expansion] = {}
    for row in rows:
        expansion = found.setdefault(row["e"], Expansion(row["total"], row["matching"], []))
        if row["type"] is not None:  # None: no neighbour of the node is shown
            expansion.steps.append(_step(row))
    return found


def expand_lean(
    store: GraphStore,
    viewer: Viewer,
    eids: list[str],
    *,
    labels: list[str] | None,
    cap: int,
    degrees: bool,
) -> dict[str, Expansion]:
    """Expand every node of `eids` in one statement (element id -> its expansion),
    as `expand_anchors` does, without the neighbours' properties: each step's `props`
    holds only the neighbour's id (`node_properties` reads the rest for the nodes
    kept), which costs less on busy levels (BENCHMARKS.md). `degrees` counts each
    neighbour's relationships (to tell hubs before expanding them); leave it off
    when the neighbours will not be expanded."""
    if not eids:
        return {}
    packed = _packed_level(
        store, viewer, eids, labels=labels, cap=cap, degrees=degrees, details=True
    )
    return {
        eid: Expansion(total, matching, [_lean_step(step) for step in steps])
        for eid, total, matching, steps in packed
    }


def _packed_level(
    store: GraphStore,
    viewer: Viewer,
    eids: list[str],
    *,
    labels: list[str] | None,
    cap: int,
    degrees: bool,
    known: Iterable[str] = (),
    bounded: bool = False,
    details: bool = False,
) -> list[list[Any]]:
    """`queries.path_step_query`'s one row for the nodes `eids`: per node
    `[element id, total, matching, steps]`."""
    [row] = store.read(
        queries.path_step_query(bounded=bounded, details=details),
        eids=eids,
        labels=labels,
        cap=cap,
        degrees=degrees,
        known=dict.fromkeys(known, True),
        **viewer.params,
    )
    expanded = list(row["expanded"])
    _see_degrees(store, viewer, [step for item in expanded for step in item[3]])
    return expanded


# Where a step holds its neighbour's element id and degree (`WalkStep`).
_STEP_EID, _STEP_DEGREE = 2, 8


class _SeenDegrees:
    """What each agency sees of busy nodes' relationships, kept for a minute.

    Counting them reads every relationship of the node (a few milliseconds for a
    container of hundreds), and a walk meets the same busy containers, forwarders
    and marks again and again. A count may lag a load by `TTL_S`: it is a count of
    relationships the agency could see a moment ago, never of others."""

    TTL_S = 60.0
    MAX = 200_000

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str, str], tuple[float, int]] = {}
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str, str]) -> int | None:
        found = self._seen.get(key)
        if found is None or time.monotonic() - found[0] > self.TTL_S:
            return None
        return found[1]

    def put(self, found: dict[tuple[str, str, str], int]) -> None:
        now = time.monotonic()
        with self._lock:
            if len(self._seen) + len(found) > self.MAX:
                self._seen.clear()
            self._seen.update((key, (now, count)) for key, count in found.items())


_SEEN_DEGREES = _SeenDegrees()


def _visible_degrees(
    store: GraphStore, viewer: Viewer, degrees: dict[str, int | None]
) -> dict[str, int]:
    """Of the nodes `degrees` counts in all (element id -> count, `queries._degree`),
    those that may be hubs (more than `HUB_DEGREE`), with the count of the
    relationships the viewer may see instead. The operator sees them all: none."""
    busy = sorted(e for e, d in degrees.items() if d is not None and d > HUB_DEGREE)
    if viewer.agency is None or not busy:
        return {}
    # Element ids are of one database: the key names it.
    where = f"{store.uri}/{store.database}"
    seen: dict[str, int] = {}
    for eid in busy:
        count = _SEEN_DEGREES.get((where, viewer.agency, eid))
        if count is not None:
            seen[eid] = count
    missing = [eid for eid in busy if eid not in seen]
    if missing:
        [row] = store.read(queries.VISIBLE_DEGREES_QUERY, eids=missing, see=viewer.see)
        counted = dict(row["degrees"])
        _SEEN_DEGREES.put({(where, viewer.agency, e): c for e, c in counted.items()})
        seen.update(counted)
    return seen


def _see_degrees(store: GraphStore, viewer: Viewer, steps: list[list[Any]]) -> None:
    """Replace in `steps` (packed walk steps) the count in all of the neighbours that
    may be hubs by the count of those the viewer may see."""
    seen = _visible_degrees(store, viewer, {step[_STEP_EID]: step[_STEP_DEGREE] for step in steps})
    for step in steps:
        if step[_STEP_EID] in seen:
            step[_STEP_DEGREE] = seen[step[_STEP_EID]]


def _lean_step(packed: list[Any]) -> Step:
    """A step of `path_step_query(details=True)`: a walk's step (`WalkStep`), then the
    relationship's explanation."""
    step = WalkStep(*packed[: len(WalkStep._fields)])
    explanation, artefacts = packed[len(WalkStep._fields) :]
    values = (step.seq, step.score, step.status, explanation, artefacts)  # as _REL_KEYS
    return Step(
        type=step.type,
        outgoing=bool(step.outgoing),
        eid=step.eid,
        labels=step.labels,
        props={"id": step.id},
        degree=step.degree,
        rel={key: value for key, value in zip(_REL_KEYS, values, strict=True) if value is not None},
    )


def node_properties(
    store: GraphStore, viewer: Viewer, eids: list[str]
) -> dict[str, dict[str, Any]]:
    """Element id -> the properties an answer shows, for the nodes `eids` (those
    deleted since they were found are left out)."""
    if not eids:
        return {}
    rows = store.read(queries.NODE_PROPERTIES_QUERY, nodes=eids, **viewer.params)
    return dict(rows[0]["nodes"]) if rows else {}


@dataclass
class Anchor:
    """A node an answer starts from, found and expanded in one statement."""

    eid: str
    node: GraphNode
    expansion: Expansion


def expand_anchors(
    store: GraphStore,
    viewer: Viewer,
    node_ids: list[str],
    *,
    labels: list[str] | None,
    cap: int,
    degrees: bool,
) -> dict[str, Anchor]:
    """Find and expand the nodes `node_ids`: one statement per likely label, so two
    parties cost one. NotFound names the first id that no node the viewer may see
    has."""

    def find(label: Label, batch: list[str]) -> dict[str, Anchor]:
        rows = store.read(
            queries.expand_query(label),
            ids=batch,
            labels=labels,
            cap=cap,
            degrees=degrees,
            **viewer.params,
        )
        seen = _visible_degrees(store, viewer, {r["eid"]: r["degree"] for r in rows})
        rows = [{**r, "degree": seen.get(r["eid"], r["degree"])} for r in rows]
        expansions = _expansions(rows)
        anchors: dict[str, Anchor] = {}
        for row in rows:
            node_id = row["own_props"]["id"]
            if node_id not in anchors:
                node = make_node(row["own_labels"], row["own_props"], None)
                anchors[node_id] = Anchor(row["e"], node, expansions[row["e"]])
        return anchors

    found = _by_likely_label(node_ids, find)
    for anchor in found.values():
        set_degree(anchor.node, anchor.expansion.total)
    return found


def _by_likely_label(
    node_ids: list[str], find: Callable[[Label, list[str]], dict[str, _T]]
) -> dict[str, _T]:
    """`find(label, ids)` for the ids, one call per likely label (`candidate_labels`)
    so two parties cost one; an id found under an earlier label keeps that.
    NotFound names the first id that no node has."""
    found: dict[str, _T] = {}
    tries = {node_id: candidate_labels(node_id) for node_id in node_ids}
    while missing := [i for i in node_ids if i not in found and tries[i]]:
        label = tries[missing[0]][0]
        batch = [i for i in missing if tries[i][0] == label]
        for node_id, item in find(label, batch).items():
            found.setdefault(node_id, item)
        for node_id in batch:
            tries[node_id].pop(0)
    for node_id in node_ids:
        if node_id not in found:
            raise NotFound(f"No node has the id {node_id!r}.")
    return found


# --- The lean walk of a path search ---------------------------------------------------
# A path search decides on element ids, relationship types, labels and degrees alone,
# and reads properties only for the paths it returns (`hop_details`): the same
# expansion as `expand_anchors`, without properties, packed in one row
# (`path_step_query`).


class WalkStep(NamedTuple):
    """One relationship found by expanding a node in a walk: to the neighbour `eid`."""

    type: str
    outgoing: bool
    eid: str
    id: str  # the neighbour's `id`
    labels: list[str]
    seq: Any
    score: float | None
    rid: str  # the relationship's element id
    degree: int | None
    status: str | None  # a SAME_AS's


@dataclass
class WalkExpansion:
    """What expanding one node in a walk gave: up to the cap of its neighbours, and
    counts (as `Expansion`)."""

    total: int
    matching: int
    steps: list[WalkStep]


def _walk_expansions(packed: list[list[Any]]) -> dict[str, WalkExpansion]:
    return {
        item[0]: WalkExpansion(item[1], item[2], [WalkStep(*step) for step in item[3]])
        for item in packed
    }


def walk(
    store: GraphStore,
    viewer: Viewer,
    eids: list[str],
    *,
    labels: list[str] | None,
    cap: int,
    bounded: bool = False,
    known: Iterable[str] = (),
) -> dict[str, WalkExpansion]:
    """Expand every node of `eids` in one statement (element id -> its expansion),
    neighbours' degrees counted, except for those in `known` (element ids of nodes
    the caller has seen: their steps hold no degree). `bounded`: the caller knows
    that these nodes have few relationships together (`queries.path_step_query`)."""
    if not eids:
        return {}
    return _walk_expansions(
        _packed_level(
            store,
            viewer,
            eids,
            labels=labels,
            cap=cap,
            degrees=True,
            known=known,
            bounded=bounded,
        )
    )


@dataclass
class WalkAnchor:
    """A node a walk starts from, found and expanded in one statement."""

    eid: str
    labels: list[str]
    expansion: WalkExpansion


def walk_anchors(
    store: GraphStore,
    viewer: Viewer,
    node_ids: list[str],
    *,
    labels: list[str] | None,
    cap: int,
) -> dict[str, WalkAnchor]:
    """Find and expand the nodes `node_ids` as `expand_anchors` does, for a walk."""

    def find(label: Label, batch: list[str]) -> dict[str, WalkAnchor]:
        [row] = store.read(
            queries.path_step_query(label),
            ids=batch,
            labels=labels,
            cap=cap,
            degrees=True,
            **viewer.params,
        )
        _see_degrees(store, viewer, [step for item in row["expanded"] for step in item[3]])
        expansions = _walk_expansions(row["expanded"])
        anchors: dict[str, WalkAnchor] = {}
        for item in row["expanded"]:
            eid, node_id, own_labels = item[0], item[4], item[5]
            anchors.setdefault(node_id, WalkAnchor(eid, own_labels, expansions[eid]))
        return anchors

    return _by_likely_label(node_ids, find)


@dataclass
class HopDetails:
    """What a walk reads of the paths it found."""

    # element id -> labels, properties, relationships the viewer may see
    nodes: dict[str, tuple[list[str], dict[str, Any], int]]
    rels: dict[str, dict[str, Any]]  # relationship element id -> its properties (non-null)


def hop_details(
    store: GraphStore, viewer: Viewer, node_eids: list[str], hops: list[tuple[str, str, str]]
) -> HopDetails:
    """Labels and properties of the nodes `node_eids`, and the properties of the
    relationships of `hops` (`(one end, other end, relationship)`, element ids), in one
    statement."""
    if not hops:
        return HopDetails({}, {})
    rows = store.read(
        queries.PATH_HOPS_QUERY, nodes=node_eids, hops=[list(hop) for hop in hops], **viewer.params
    )
    if not rows:  # the hops are gone (deleted since the walk)
        return HopDetails({}, {})
    [row] = rows
    return HopDetails(
        nodes={eid: (labels, props, degree) for eid, labels, props, degree in row["nodes"]},
        rels={
            item[0]: {
                key: value
                for key, value in zip(_REL_KEYS, item[1:], strict=True)
                if value is not None
            }
            for item in row["hops"]
        },
    )


def make_edge(step: Step, here: GraphNode, there: GraphNode) -> GraphEdge:
    """The relationship of `step` between `here` (expanded) and `there`, as stored."""
    source, target = (here, there) if step.outgoing else (there, here)
    props = dict(step.rel)
    weight = edge_weight(step.type, props.get("score"), props.get("status"))
    return GraphEdge(
        source=source.id, target=target.id, type=step.type, weight=weight, properties=props
    )


def edge_weight(rel_type: str, score: Any, status: Any = None) -> float:
    """How much a relationship of this type binds: a SAME_AS its score, or 1 when an
    analyst confirmed it."""
    if rel_type == RelType.SAME_AS:
        return 1.0 if status == LinkStatus.CONFIRMED else float(score or 0.0)
    return EDGE_WEIGHTS.get(rel_type, 0.1)


def edge_key(edge: GraphEdge) -> tuple[str, str, str, Any]:
    return (edge.source, edge.type, edge.target, edge.properties.get("seq"))


def _evidence_from(node: GraphNode) -> Evidence:
    props = node.properties
    return Evidence(
        seizure_id=node.id,
        agency=props.get("agency"),
        record_id=props.get("record_id"),
        date=props.get("seizure_date"),
        tlp=props.get("tlp"),
    )


# Records cited per edge that is not a seizure's own.
EVIDENCE_CAP = 5
# Links evidenced by records that are not at either end: a party's artefacts, a
# mark's owner (`queries.ARTEFACT_EVIDENCE_QUERY`, `OWNER_EVIDENCE_QUERY`).
_ARTEFACT_TYPES = frozenset(
    {RelType.HAS_ADDRESS, RelType.HAS_PHONE, RelType.HAS_EMAIL, RelType.HAS_IDENTIFIER}
)


def attach_evidence(
    store: GraphStore, viewer: Viewer, nodes: dict[str, GraphNode], edges: Iterable[GraphEdge]
) -> None:
    """Cite on each edge the seizure records the viewer may see that evidence it.

    An edge with a seizure at one end is evidenced by that seizure. A party's address,
    phone, email or registration number by the records whose link to the party gives
    it (`artefacts` on that link), and a mark's owner by the records whose link to
    the mark names it: the earliest `EVIDENCE_CAP` of them, with how many there are,
    read from the answer when it holds every visible link of the party (a node
    expanded with nothing left out), else in one statement. A SAME_AS is evidenced by
    its score and explanation, a port's or agency's jurisdiction by the reference
    tables: no record.
    """
    edges = list(edges)
    giving: dict[tuple[str, str], list[GraphNode]] = defaultdict(list)
    for edge in edges:
        seizure = nodes.get(edge.source)
        if seizure is not None and seizure.type == Label.SEIZURE:
            for artefact in edge.properties.get("artefacts") or ():
                giving[(edge.target, artefact)].append(seizure)
    pending: dict[str, dict[tuple[str, str], GraphEdge]] = {"artefact": {}, "owner": {}}
    for edge in edges:
        seizure_end = next(
            (
                nodes[end]
                for end in (edge.source, edge.target)
                if end in nodes and nodes[end].type == Label.SEIZURE
            ),
            None,
        )
        if seizure_end is not None:
            edge.evidence = [_evidence_from(seizure_end)]
            edge.evidence_total = 1
        elif edge.type in _ARTEFACT_TYPES:
            party = nodes.get(edge.source)
            if party is not None and party.expanded and not party.omitted:
                found = sorted(
                    {n.id: n for n in giving[(edge.source, edge.target)]}.values(),
                    key=lambda n: (n.properties.get("seizure_date") or "", n.id),
                )
                edge.evidence = [_evidence_from(n) for n in found[:EVIDENCE_CAP]]
                edge.evidence_total = len(found)
            else:
                pending["artefact"][(edge.source, edge.target)] = edge
        elif edge.type == RelType.OWNED_BY:
            pending["owner"][(edge.source, edge.target)] = edge
    for kind, query in (
        ("artefact", queries.ARTEFACT_EVIDENCE_QUERY),
        ("owner", queries.OWNER_EVIDENCE_QUERY),
    ):
        wanted = pending[kind]
        if not wanted:
            continue
        [row] = store.read(
            query, pairs=[list(pair) for pair in sorted(wanted)], cap=EVIDENCE_CAP, see=viewer.see
        )
        for source, target, found, total in row["evidence"]:
            edge = wanted[(source, target)]
            edge.evidence = [Evidence(*item) for item in found]
            edge.evidence_total = int(total)


def present(store: GraphStore, viewer: Viewer, nodes: Iterable[GraphNode]) -> None:
    """Show each node as the viewer may see it: text a record wrote only when the
    viewer sees such a record (`graph.visibility.display_props`), a party's name as a
    record it sees spelled it. Run on every answer before it leaves."""
    hidden: dict[str, GraphNode] = {}
    for node in nodes:
        shown = display_props(viewer, node.type, {"id": node.id, **node.properties})
        if shown.pop("name_hidden", False) and node.type == Label.PARTY:
            hidden[node.id] = node
        shown.pop("id", None)
        node.properties = {k: v for k, v in shown.items() if v is not None}
        node.label = _display(node.type, {"id": node.id, **node.properties})
    for party_id, name in visible_names(store, viewer, hidden).items():
        node = hidden[party_id]
        node.properties["name"] = name
        node.label = name
