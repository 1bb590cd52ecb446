"""`GET /v1/entities?q=`: one search box over parties, trademarks, containers, ports
and transport documents, and parties by the phones, emails, registration numbers and
addresses they hold (`graph.identifiers`). A party hit carries its entity's seizures.

The text is read every way it could be meant: as a party name (typo- and
script-tolerant, through entity resolution's blocking keys and scores), a
trademark (case and spacing folded; close spellings by rapidfuzz), an ISO 6346
container number in any spacing, a port (UN/LOCODE in any spacing, or a name the
port table knows), and a transport document number (letters and digits only).
An email, or a number without a letter, is not read as a name: no party is named
so, and a name's first reading in a process loads rigour's name tables, which took
seconds (`graph.identifiers.may_be_a_name`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from rapidfuzz import fuzz, process

from graph import queries
from graph.access import Viewer
from graph.identifiers import agency_region, artefact_holders, may_be_a_name, read_identifiers
from graph.model import Label
from graph.resolve.match import QueryParty, match_parties
from graph.store import GraphStore
from graph.visibility import display_props
from ingest.normalise import PortResolver, normalise_container
from ingest.normalised import document_id, port_node_id

__all__ = ["SEARCH_TYPES", "Hit", "search"]

SEARCH_TYPES: dict[str, Label] = {
    "party": Label.PARTY,
    "trademark": Label.TRADEMARK,
    "container": Label.CONTAINER,
    "port": Label.PORT,
    "document": Label.TRANSPORT_DOCUMENT,
}
# Scores below this are not offered as hits for a name typed into the search box.
_NAME_FLOOR = 0.5
_MARK_FLOOR = 80.0  # rapidfuzz WRatio, 0..100


@dataclass(frozen=True)
class Hit:
    type: str
    id: str
    label: str
    jurisdiction: str | None
    score: float
    why: str
    seizures: int
    entity_id: str | None = None


def _label_of(props: dict[str, Any]) -> str:
    for key in ("name", "mark", "number", "locode"):
        if props.get(key):
            return str(props[key])
    return str(props.get("id", ""))


def _by_ids(
    store: GraphStore, viewer: Viewer, kind: str, reasons: dict[str, tuple[float, str]]
) -> list[Hit]:
    if not reasons:
        return []
    label = SEARCH_TYPES[kind]
    rows = store.read(queries.node_by_id_query(label), ids=sorted(reasons), see=viewer.see)
    hits = []
    for row in rows:
        props = display_props(viewer, label, dict(row["props"]))
        score, why = reasons[row["id"]]
        hits.append(
            Hit(
                type=kind,
                id=row["id"],
                label=_label_of(props),
                jurisdiction=props.get("country"),
                score=score,
                why=why,
                seizures=int(row["seizures"]),
                entity_id=props.get("cluster"),
            )
        )
    return hits


def search(
    store: GraphStore,
    viewer: Viewer,
    text: str,
    *,
    types: list[str] | None,
    jurisdiction: str | None,
    limit: int,
    ports: PortResolver,
) -> list[Hit]:
    text = text.strip()
    wanted = types or list(SEARCH_TYPES)
    hits: list[Hit] = []
    # An email, a phone or a registration number is looked up as what parties hold,
    # not matched as a name (`may_be_a_name`).
    if "party" in wanted and may_be_a_name(text):
        (candidates,) = match_parties(
            store,
            viewer,
            [QueryParty(name=text, country=jurisdiction)],
            threshold=_NAME_FLOOR,
            limit=limit,
        )
        hits += [
            Hit(
                type="party",
                id=c.party_id,
                label=c.name,
                jurisdiction=c.country,
                score=c.score,
                why=c.explanation,
                seizures=0,
                entity_id=c.entity_id,
            )
            for c in candidates
            if c.score >= _NAME_FLOOR
        ]
    found_by_identifier: set[str] = set()
    if "party" in wanted:
        readings = read_identifiers(text, jurisdiction, agency_region(viewer))
        best: dict[str, Hit] = {}
        for row in artefact_holders(store, viewer, readings):
            reading = row["reading"]
            if row["party"] not in best:
                best[row["party"]] = Hit(
                    type="party",
                    id=row["party"],
                    label=row["name"] or row["party"],
                    jurisdiction=row["country"],
                    score=1.0,
                    why=f"holds {reading.how}",
                    seizures=0,
                    entity_id=row["entity"],
                )
        found_by_identifier = set(best)
        hits = [h for h in hits if h.id not in best] + list(best.values())
    if "trademark" in wanted:
        # Matched on the text the viewer may see of each mark, never on a spelling
        # only records it may not see wrote.
        marks = {
            row["id"]: display_props(viewer, Label.TRADEMARK, dict(row))["mark"] or ""
            for row in store.read(queries.TRADEMARK_NAMES_QUERY, see=viewer.see)
        }
        found = process.extract(
            text, marks, scorer=fuzz.WRatio, processor=str.casefold, limit=limit
        )
        reasons = {
            key: (round(score / 100, 4), f"trademark {mark!r} {score:.0f}% alike")
            for mark, score, key in found
            if score >= _MARK_FLOOR
        }
        hits += _by_ids(store, viewer, "trademark", reasons)
    if "container" in wanted:
        container = normalise_container(text)
        if container.number:
            hits += _by_ids(
                store,
                viewer,
                "container",
                {container.number: (1.0, f"container {container.number}")},
            )
    if "port" in wanted:
        result = ports.resolve(text)
        # The id ingest gives the text now, and the unresolved one it gave before a
        # fuller port table (`reference load-locode`) was loaded.
        unresolved = port_node_id(text, None)
        reasons = {unresolved: (0.9, "a port name no table resolves")}
        if result.locode:
            reasons[result.locode] = (1.0, f"port {result.locode} ({result.name or text})")
        hits += _by_ids(store, viewer, "port", reasons)
    if "document" in wanted:
        doc_id = document_id(text)
        if doc_id:
            why = f"document {doc_id.removeprefix('doc:')}"
            hits += _by_ids(store, viewer, "document", {doc_id: (1.0, why)})
    if jurisdiction:
        # Containers and documents belong to no jurisdiction and stay; so do parties
        # found by an identifier read in that jurisdiction.
        hits = [
            h for h in hits if h.jurisdiction in (None, jurisdiction) or h.id in found_by_identifier
        ]
    hits.sort(key=lambda h: (-h.score, h.type, h.id))
    return _with_entity_seizures(store, viewer, hits[:limit])


def _with_entity_seizures(store: GraphStore, viewer: Viewer, hits: list[Hit]) -> list[Hit]:
    """Party hits with the seizures the viewer sees naming their entity."""
    parties = sorted({h.id for h in hits if h.type == "party"})
    if not parties:
        return hits
    counts = {
        row["id"]: int(row["seizures"])
        for row in store.read(queries.ENTITY_SEIZURE_COUNTS_QUERY, ids=parties, **viewer.params)
    }
    return [replace(h, seizures=counts.get(h.id, 0)) if h.type == "party" else h for h in hits]
