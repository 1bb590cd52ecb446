"""An i2 Analyst's Notebook import pair: `entities.csv` and `links.csv`.

ANB's Import wizard (Import > Import Data, a "Delimited text" specification, comma,
first row as column headings) reads them in two passes, one specification each:

entities.csv (an "Entities" specification: one entity per row)

| column          | map it to (ANB)                    | holds                                       |
|-----------------|------------------------------------|---------------------------------------------|
| Entity ID       | Identity                           | the iprgraph node id (stable across exports)|
| Entity Type     | Entity type (by column value)      | Party, Seizure, Container, Port, ...        |
| Label           | Label                              | the name, number or record as written       |
| Role            | Attribute "Role"                   | shipper, consignee, manufacturer, forwarder |
| Jurisdiction    | Attribute "Jurisdiction"           | ISO 3166 alpha-2                            |
| Seizures        | Attribute "Seizures" (number)      | records behind the node in this answer      |
| First Seizure   | Date and time (or attribute)       | first of those records' seizure dates       |
| Last Seizure    | Attribute "Last Seizure"           | last of them                                |
| Records         | Attribute "Records"                | their seizure ids, `;`-separated            |
| Hub             | Attribute "Hub" (flag)             | yes: shown, not walked through              |
| Key Player      | Attribute "Key Player" (number)    | rank among a network's key players          |
| Community       | Attribute "Community" (number)     | a network's community index                 |
| TLP             | Attribute "TLP"; Grade 1 if wanted | the node's handling                         |
| Description     | Description                        | type, jurisdiction and degree in words      |

links.csv (a "Links" specification: both ends and the link on each row)

| column             | map it to (ANB)                  | holds                                     |
|--------------------|----------------------------------|-------------------------------------------|
| Link ID            | Link identity                    | `e` + its position in the answer          |
| From Entity ID     | End 1 Identity                   | as in entities.csv                        |
| From Entity Type   | End 1 Entity type                |                                           |
| From Label         | End 1 Label                      |                                           |
| To Entity ID       | End 2 Identity                   |                                           |
| To Entity Type     | End 2 Entity type                |                                           |
| To Label           | End 2 Label                      |                                           |
| Link Type          | Link type (by column value)      | SHIPPED_BY, HAS_PHONE, IDENTITY_LINK, SAME_AS... |
| Kind               | Attribute "Kind"                 | identity, co_seizure, weak, context, same_as_* |
| Direction          | Direction, "from import source"  | 1: End 1 to End 2 (the stored direction); i2's codes are 0 none, 1 End 1 to End 2, 2 End 2 to End 1, 3 both |
| Strength           | Strength, "from import source"   | 0 confirmed (records, automatic or confirmed SAME_AS), 1 unconfirmed (suggested SAME_AS), 2 tentative (containers, forwarders, rejected SAME_AS): i2's solid, dashed and dotted lines |
| Weight             | Attribute "Weight" (number), or line width | 0 to 1: how strongly it binds    |
| Label              | Label                            | relationship and why                      |
| Evidence           | Attribute "Evidence"             | seizure ids, `;`-separated                |
| Evidence Total     | Attribute "Evidence Total"       | records in all (more than listed if capped)|
| First Date         | Date and time                    | first evidencing seizure date             |
| Last Date          | Attribute "Last Date"            |                                           |
| TLP                | Attribute "TLP"                  | the link's handling                       |

Identities are the same in both files, so the second import merges onto the
entities of the first. Cells are neutralised against spreadsheet formulas
(`ingest.csvsafe`). README.txt in the pair repeats the handling of the whole export.
"""

from __future__ import annotations

from graph.analysis.subgraph import GraphNode
from ingest.csvsafe import csv_bytes
from viz.picture import Picture, most_restrictive
from viz.style import edge_kind

__all__ = ["ENTITY_COLUMNS", "LINK_COLUMNS", "i2_files"]

ENTITY_COLUMNS = (
    "Entity ID",
    "Entity Type",
    "Label",
    "Role",
    "Jurisdiction",
    "Seizures",
    "First Seizure",
    "Last Seizure",
    "Records",
    "Hub",
    "Key Player",
    "Community",
    "TLP",
    "Description",
)
LINK_COLUMNS = (
    "Link ID",
    "From Entity ID",
    "From Entity Type",
    "From Label",
    "To Entity ID",
    "To Entity Type",
    "To Label",
    "Link Type",
    "Kind",
    "Direction",
    "Strength",
    "Weight",
    "Label",
    "Evidence",
    "Evidence Total",
    "First Date",
    "Last Date",
    "TLP",
)


# i2's link strengths by edge kind (viz.style): 0 confirmed, 1 unconfirmed, 2 tentative.
_STRENGTH = {"same_as_suggested": 1, "weak": 2, "same_as_rejected": 2}


def _description(node: GraphNode) -> str:
    parts = [node.type]
    if node.jurisdiction:
        parts.append(f"in {node.jurisdiction}")
    if node.degree is not None:
        parts.append(f"{node.degree} links")
    if node.omitted:
        parts.append(f"{node.omitted} neighbours not in this answer")
    return ", ".join(parts)


def i2_files(picture: Picture) -> dict[str, bytes]:
    """entities.csv, links.csv and README.txt of an answer."""
    records = picture.records_of()
    nodes = {node.id: node for node in picture.graph.nodes}
    entity_rows = []
    for node in picture.graph.nodes:
        found = records.get(node.id, [])
        dates = sorted({r.date for r in found if r.date})
        player = picture.key_players.get(node.id)
        community = picture.communities.get(node.id)
        entity_rows.append(
            (
                node.id,
                node.type,
                node.label,
                ", ".join(role.lower() for role in node.roles),
                node.jurisdiction or "",
                len(found),
                dates[0] if dates else "",
                dates[-1] if dates else "",
                ";".join(r.seizure_id for r in found),
                "yes" if node.hub else "no",
                player.rank if player else "",
                "" if community is None else community,
                most_restrictive(r.tlp for r in found) if found else "",
                _description(node),
            )
        )
    link_rows = []
    for index, edge in enumerate(picture.graph.edges):
        a, b = nodes.get(edge.source), nodes.get(edge.target)
        dates = sorted({r.date for r in edge.evidence if r.date})
        why = edge.properties.get("why") or edge.properties.get("explanation") or ""
        link_rows.append(
            (
                f"e{index}",
                edge.source,
                a.type if a else "",
                a.label if a else "",
                edge.target,
                b.type if b else "",
                b.label if b else "",
                edge.type,
                edge_kind(edge),
                1,
                _STRENGTH.get(edge_kind(edge), 0),
                edge.weight,
                f"{edge.type}: {why}" if why else edge.type,
                ";".join(r.seizure_id for r in edge.evidence),
                max(edge.evidence_total, len(edge.evidence)),
                dates[0] if dates else "",
                dates[-1] if dates else "",
                most_restrictive(r.tlp for r in edge.evidence) if edge.evidence else "",
            )
        )
    readme = (
        f"{picture.title}\n"
        f"Handling: TLP:{picture.handling} (the most restrictive of the records behind this "
        "export). Keep that marking on every chart made from it.\n\n"
        "entities.csv: import first, with an Entities specification (Identity = Entity ID, "
        "Entity type = Entity Type, Label = Label, other columns as attributes).\n"
        "links.csv: import second, with a Links specification (End 1 = From Entity ID/Type/"
        "Label, End 2 = To Entity ID/Type/Label, Link type = Link Type, Direction and Strength "
        "from import source).\n"
        "Every cell that a spreadsheet would read as a formula starts with a quote.\n"
    )
    if picture.notes:
        readme += "\nWhat the answer left out:\n" + "".join(f"- {n}\n" for n in picture.notes)
    return {
        "entities.csv": csv_bytes(ENTITY_COLUMNS, entity_rows),
        "links.csv": csv_bytes(LINK_COLUMNS, link_rows),
        "README.txt": readme.encode("utf-8"),
    }
