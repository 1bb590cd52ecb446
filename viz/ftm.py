"""A graph answer as FollowTheMoney entities, for Aleph and OpenSanctions tooling.

Built with the `followthemoney` library's own model and schemata; every entity is
checked against its schema before it is written. One JSON entity per line
(`{"id", "schema", "properties"}`), ids `ipg-` + a hash of the iprgraph id (FtM
ids allow letters, digits, dots and dashes); each Thing names its iprgraph id in
`notes`.

Mapping of nodes

| iprgraph node        | FtM schema    | properties                                                  |
|----------------------|---------------|-------------------------------------------------------------|
| Party, Entity        | LegalEntity   | name, alias (other names as written), country, phone, email, registrationNumber, address and addressEntity (from the party's artefacts in the answer) |
| Seizure              | Event         | name "Seizure AGENCY RECORD", date, recordId, country, location (port of seizure), organizer (the agency), summary (origin, destination) |
| Container            | Vehicle       | name and registrationNumber (ISO 6346), type "shipping container" |
| TransportDocument    | Document      | title and fileName (the document number)                    |
| Port                 | Address       | full (name and UN/LOCODE), country                          |
| Address              | Address       | full, country                                               |
| Trademark            | Asset         | name (the mark), summary "trademark"                        |
| RightsHolder         | Organization  | name                                                        |
| Agency               | PublicBody    | name, country                                               |
| Case                 | Project       | name "Case REF"                                             |
| Phone, Email, Identifier | (values)  | phone, email, registrationNumber of the parties holding them; not entities |
| Jurisdiction         | (values)      | country of the nodes linked to it; not an entity            |

Mapping of relationships

| iprgraph relationship                  | FtM                                                  |
|----------------------------------------|------------------------------------------------------|
| SHIPPED_BY, CONSIGNED_TO, MANUFACTURED_BY, FORWARDED_BY | UnknownLink(subject=party, object=event, role=shipper/consignee/manufacturer/forwarder, date) |
| IN_CONTAINER, SEIZED_AT, LOADED_AT, TRANSITED, DISCHARGED_AT, INFRINGES, PART_OF | UnknownLink(subject=event, object=..., role in words) |
| DOCUMENTED_BY                          | Documentation(document, entity=event, role "transport document") |
| OWNED_BY (mark to rights holder)       | Ownership(owner=holder, asset=mark)                  |
| REPORTED_BY                            | Event.organizer                                      |
| HAS_PHONE, HAS_EMAIL, HAS_IDENTIFIER, HAS_ADDRESS | properties of the LegalEntity             |
| ORIGIN, DESTINATION, IN                | country (and the Event's summary)                    |
| IDENTITY_LINK (network)                | UnknownLink(role "identity link", summary: its evidence, recordId: the seizures, startDate/endDate) |
| SAME_AS                                | Similar(candidate, match, confidenceScore, criteria: the explanation, matcher "iprgraph STATUS") |

Handling: FtM has no handling property, so the first line is a Note naming the
export's TLP, every Thing carries `keywords` "TLP:LEVEL" (its own records' most
restrictive level, else the export's) and every link its TLP in `description`;
`Similar`, which has neither, is covered by the Note.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict

from followthemoney import model
from followthemoney.proxy import EntityProxy

from graph.analysis.subgraph import GraphEdge, GraphNode
from viz.picture import Picture, most_restrictive

__all__ = ["ftm_entities", "ftm_lines"]

_SCHEMA = {
    "Party": "LegalEntity",
    "Entity": "LegalEntity",
    "Seizure": "Event",
    "Container": "Vehicle",
    "TransportDocument": "Document",
    "Port": "Address",
    "Address": "Address",
    "Trademark": "Asset",
    "RightsHolder": "Organization",
    "Agency": "PublicBody",
    "Case": "Project",
}
_PARTY_ROLES = {
    "SHIPPED_BY": "shipper",
    "CONSIGNED_TO": "consignee",
    "MANUFACTURED_BY": "manufacturer",
    "FORWARDED_BY": "forwarder",
}
_EVENT_LINKS = {
    "IN_CONTAINER": "in container",
    "SEIZED_AT": "seized at",
    "LOADED_AT": "loaded at",
    "TRANSITED": "transited",
    "DISCHARGED_AT": "discharged at",
    "INFRINGES": "infringes",
    "PART_OF": "part of case",
}
_ARTEFACT_PROPERTY = {"Phone": "phone", "Email": "email", "Identifier": "registrationNumber"}


def _id(kind: str, key: str) -> str:
    return f"ipg-{kind}-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:24]  # noqa: S324


def _entity(schema: str, entity_id: str) -> EntityProxy:
    proxy = model.make_entity(schema)
    proxy.id = entity_id
    return proxy


def ftm_entities(picture: Picture) -> list[EntityProxy]:
    """The answer's entities, each valid for its schema."""
    handling = picture.handling
    records = picture.records_of()
    nodes = {node.id: node for node in picture.graph.nodes}
    proxies: dict[str, EntityProxy] = {}

    def tlp_of(node: GraphNode) -> str:
        found = records.get(node.id, [])
        return most_restrictive(r.tlp for r in found) if found else handling

    for node in picture.graph.nodes:
        schema = _SCHEMA.get(node.type)
        if schema is None:
            continue
        proxy = _entity(schema, _id("n", node.id))
        props = node.properties
        if node.type == "Seizure":
            proxy.add("name", f"Seizure {props.get('agency', '')} {props.get('record_id', '')}")
            proxy.add("date", props.get("seizure_date"))
            proxy.add("recordId", props.get("record_id") or node.id)
            proxy.add("country", node.jurisdiction)
        elif node.type == "Container":
            proxy.add("name", node.label)
            proxy.add("registrationNumber", node.label)
            proxy.add("type", "shipping container")
        elif node.type == "TransportDocument":
            proxy.add("title", node.label)
            proxy.add("fileName", node.label)
        elif node.type in ("Port", "Address"):
            full = node.label if node.type == "Address" else f"{node.label} ({node.id})"
            proxy.add("full", full)
            proxy.add("country", node.jurisdiction)
        elif node.type == "Case":
            proxy.add("name", f"Case {node.label}")
        elif node.type == "Trademark":
            proxy.add("name", node.label)
            proxy.add("summary", "trademark")
        else:
            proxy.add("name", node.label)
            proxy.add("country", node.jurisdiction)
            for party in props.get("parties") or []:
                if party.get("name") and party["name"] != node.label:
                    proxy.add("alias", party["name"])
            for variant in picture.names.get(node.id, []):
                if variant.get("name") and variant["name"] != node.label:
                    proxy.add("alias", variant["name"])
            if node.roles:
                proxy.add("keywords", [role.lower() for role in node.roles])
        if "keywords" in proxy.schema.properties:
            proxy.add("keywords", f"TLP:{tlp_of(node)}")
        if "notes" in proxy.schema.properties:
            proxy.add("notes", f"iprgraph {node.type} {node.id}")
        proxies[node.id] = proxy

    links: list[EntityProxy] = []
    event_summary: dict[str, list[str]] = defaultdict(list)
    for index, edge in enumerate(picture.graph.edges):
        a, b = nodes.get(edge.source), nodes.get(edge.target)
        if a is None or b is None:
            continue
        link = _link(edge, a, b, proxies, event_summary, index)
        if link is not None and "description" in link.schema.properties:
            found = edge.evidence
            level = most_restrictive(r.tlp for r in found) if found else handling
            link.add("description", f"TLP:{level}")
        if link is not None:
            links.append(link)
    for node_id, parts in event_summary.items():
        proxies[node_id].add("summary", ", ".join(parts))

    note = _entity("Note", _id("handling", picture.api_path or picture.title))
    note.add("name", f"iprgraph export: TLP:{handling}")
    note.add(
        "description",
        f"{picture.title}. Handling: TLP:{handling}, the most restrictive of the seizure "
        "records behind this export; every entity in it is to be handled so.",
    )
    return [note, *proxies.values(), *links]


def _link(
    edge: GraphEdge,
    a: GraphNode,
    b: GraphNode,
    proxies: dict[str, EntityProxy],
    event_summary: dict[str, list[str]],
    index: int,
) -> EntityProxy | None:
    """The FtM link for one edge, or None when the edge became a property."""
    pa, pb = proxies.get(a.id), proxies.get(b.id)
    date = next((r.date for r in edge.evidence if r.date), None)
    if b.type in _ARTEFACT_PROPERTY:
        if pa is not None and pa.schema.is_a("LegalEntity"):
            pa.add(_ARTEFACT_PROPERTY[b.type], b.label)
        return None
    if b.type == "Address" and edge.type == "HAS_ADDRESS":
        if pa is not None and pb is not None and pa.schema.is_a("LegalEntity"):
            pa.add("address", b.label)
            pa.add("addressEntity", pb.id)
        return None
    if b.type == "Jurisdiction":
        if pa is not None and "country" in pa.schema.properties:
            pa.add("country", b.id)
        if a.type == "Seizure" and edge.type in ("ORIGIN", "DESTINATION"):
            event_summary[a.id].append(f"{edge.type.lower()} {b.id}")
        return None
    if pa is None or pb is None:
        return None
    link_id = _id("e", f"{index}:{edge.source}:{edge.type}:{edge.target}")
    if edge.type == "REPORTED_BY" and pa.schema.name == "Event":
        pa.add("organizer", pb.id)
        return None
    if edge.type == "SAME_AS":
        similar = _entity("Similar", link_id)
        similar.add("candidate", pa.id)
        similar.add("match", pb.id)
        similar.add("confidenceScore", str(edge.weight))
        similar.add("criteria", edge.properties.get("explanation"))
        similar.add("matcher", f"iprgraph {edge.properties.get('status') or 'auto'}")
        return similar
    if edge.type == "OWNED_BY":
        owned = _entity("Ownership", link_id)
        owned.add("owner", pb.id)
        owned.add("asset", pa.id)
        return owned
    if edge.type == "DOCUMENTED_BY":
        documented = _entity("Documentation", link_id)
        documented.add("document", pb.id)
        documented.add("entity", pa.id)
        documented.add("role", "transport document")
        documented.add("date", date)
        return documented
    link = _entity("UnknownLink", link_id)
    if edge.type in _PARTY_ROLES:
        link.add("subject", pb.id)
        link.add("object", pa.id)
        link.add("role", _PARTY_ROLES[edge.type])
    else:
        link.add("subject", pa.id)
        link.add("object", pb.id)
        role = _EVENT_LINKS.get(edge.type, edge.type.lower().replace("_", " "))
        if edge.type == "IDENTITY_LINK":
            role = "identity link"
            link.add("summary", edge.properties.get("why"))
            link.add("recordId", [r.seizure_id for r in edge.evidence])
            dates = sorted({r.date for r in edge.evidence if r.date})
            if dates:
                link.add("startDate", dates[0])
                link.add("endDate", dates[-1])
        if edge.type == "SEIZED_AT" and pa.schema.name == "Event":
            pa.add("location", b.label)
        link.add("role", role)
    link.add("date", date)
    return link


def ftm_lines(picture: Picture) -> bytes:
    """The entities as FtM's line-based JSON, each validated against its schema."""
    lines = []
    for proxy in ftm_entities(picture):
        data = proxy.to_dict()
        proxy.schema.validate(data)  # type: ignore[arg-type]
        missing = [name for name in proxy.schema.required if not proxy.get(name)]
        if missing:
            raise ValueError(f"{proxy.schema.name} {proxy.id} lacks {', '.join(missing)}")
        lines.append(json.dumps(data, ensure_ascii=False, sort_keys=True))
    return "".join(line + "\n" for line in lines).encode("utf-8")
