"""Names of the graph: node labels and relationship types (docs/architecture.md).

Cypher takes labels and types from these enums only, never from input, so a
statement cannot be steered by data.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Label(StrEnum):
    SEIZURE = "Seizure"
    CASE = "Case"
    AGENCY = "Agency"
    JURISDICTION = "Jurisdiction"
    PORT = "Port"
    CONTAINER = "Container"
    TRANSPORT_DOCUMENT = "TransportDocument"
    PARTY = "Party"
    TRADEMARK = "Trademark"
    RIGHTS_HOLDER = "RightsHolder"
    ADDRESS = "Address"
    PHONE = "Phone"
    EMAIL = "Email"
    IDENTIFIER = "Identifier"
    # Entity resolution's blocking keys ("tok:huaxin"): parties that share one are
    # compared. Stored as nodes because both engines index a node property, while
    # neither looks up one element of a list property through an index.
    BLOCK_KEY = "BlockKey"
    # An infringer network (`graph.analysis.networks`): entities bound by identity
    # links, with its summary precomputed so that listing is one index-free scan.
    NETWORK = "Network"
    # Who may call the API: one agency, one role, a hashed key (`graph.principals`).
    # Not a fact of any record: never shown, walked or counted as one.
    PRINCIPAL = "Principal"
    # Partner exchange (`graph.exchange`): an agreement between two agencies, a
    # detailed request filed under one, and the count of requests of one period.
    AGREEMENT = "Agreement"
    REQUEST = "Request"
    QUOTA = "Quota"
    # Live intelligence (`graph.live`): what an agency watches, the alerts raised
    # for it, and where its alerts are delivered.
    WATCH = "Watch"
    ALERT = "Alert"
    WEBHOOK = "Webhook"
    # Seizure statistics kept per month, reporting agency, partner jurisdiction and
    # handling (`graph.stats_cells`), and whether they are complete for this graph.
    STATS_CELL = "StatsCell"
    STATS_STATE = "StatsState"
    # Work the loader leaves for the pipeline's later steps (`graph.work`): the
    # parties a batch named, for resolution; the seizures it wrote, for alerts.
    QUEUED = "Queued"


# iprgraph's own bookkeeping: never a fact of a record.
SYSTEM_LABELS: frozenset[Label] = frozenset(
    {
        Label.BLOCK_KEY,
        Label.NETWORK,
        Label.PRINCIPAL,
        Label.AGREEMENT,
        Label.REQUEST,
        Label.QUOTA,
        Label.WATCH,
        Label.ALERT,
        Label.WEBHOOK,
        Label.STATS_CELL,
        Label.STATS_STATE,
        Label.QUEUED,
    }
)
# Labels of what the records say (the graph an agency sees, counts and walks).
RECORD_LABELS: tuple[Label, ...] = tuple(label for label in Label if label not in SYSTEM_LABELS)


class PartyRole(StrEnum):
    """Role labels a Party carries, as observed in the records."""

    SHIPPER = "Shipper"
    CONSIGNEE = "Consignee"
    MANUFACTURER = "Manufacturer"
    FORWARDER = "Forwarder"


# The role labels as the graph stores them.
ROLE_LABELS: frozenset[str] = frozenset(role.value for role in PartyRole)


# What `GET /v1/entities?q=` finds by id (parties it finds by name, through
# entity resolution's blocking keys).
LOOKUP_LABELS: tuple[Label, ...] = (
    Label.TRADEMARK,
    Label.CONTAINER,
    Label.PORT,
    Label.TRANSPORT_DOCUMENT,
)

# What link analysis starts from, shows and walks through: the graph of the records
# (not entity resolution's blocking keys).
ANCHOR_LABELS: tuple[Label, ...] = (
    Label.PARTY,
    Label.SEIZURE,
    Label.CONTAINER,
    Label.TRANSPORT_DOCUMENT,
    Label.TRADEMARK,
    Label.ADDRESS,
    Label.PHONE,
    Label.EMAIL,
    Label.IDENTIFIER,
    Label.CASE,
    Label.PORT,
    Label.AGENCY,
    Label.JURISDICTION,
    Label.RIGHTS_HOLDER,
)

# Hubs whatever their degree (docs/architecture.md, "Hubs are not links"): shown
# in an answer, never walked through unless the caller asks.
HUB_LABELS: tuple[Label, ...] = (
    Label.PORT,
    Label.JURISDICTION,
    Label.AGENCY,
    Label.RIGHTS_HOLDER,
)

# Every node with a stable `id` under a uniqueness constraint (role labels are
# additional labels on Party and have no constraint of their own).
KEYED_LABELS: tuple[Label, ...] = tuple(Label)


class RelType(StrEnum):
    REPORTED_BY = "REPORTED_BY"
    SEIZED_AT = "SEIZED_AT"
    LOADED_AT = "LOADED_AT"
    TRANSITED = "TRANSITED"
    DISCHARGED_AT = "DISCHARGED_AT"
    ORIGIN = "ORIGIN"
    DESTINATION = "DESTINATION"
    IN = "IN"
    SHIPPED_BY = "SHIPPED_BY"
    CONSIGNED_TO = "CONSIGNED_TO"
    MANUFACTURED_BY = "MANUFACTURED_BY"
    FORWARDED_BY = "FORWARDED_BY"
    IN_CONTAINER = "IN_CONTAINER"
    DOCUMENTED_BY = "DOCUMENTED_BY"
    INFRINGES = "INFRINGES"
    OWNED_BY = "OWNED_BY"
    PART_OF = "PART_OF"
    HAS_ADDRESS = "HAS_ADDRESS"
    HAS_PHONE = "HAS_PHONE"
    HAS_EMAIL = "HAS_EMAIL"
    HAS_IDENTIFIER = "HAS_IDENTIFIER"
    SAME_AS = "SAME_AS"


class LinkStatus(StrEnum):
    """`SAME_AS.status`: who decided that two Party nodes are one entity."""

    AUTO = "auto"  # scored at or above the upper threshold
    SUGGESTED = "suggested"  # between the thresholds: waits for an analyst
    CONFIRMED = "confirmed"
    REJECTED = "rejected"
    UNSURE = "unsure"


# Statuses an automatic run may write or overwrite; the others are an analyst's.
MACHINE_STATUSES: tuple[LinkStatus, ...] = (LinkStatus.AUTO, LinkStatus.SUGGESTED)
# Links that make two parties one entity (a cluster is a connected component).
BINDING_STATUSES: tuple[LinkStatus, ...] = (LinkStatus.AUTO, LinkStatus.CONFIRMED)


# The property a node of these labels is shown by, when it holds text as a record
# wrote it: it is shown to an agency only when a record that wrote exactly that text
# is visible to it (`label_vis`); otherwise a form every record shares is shown
# (`graph.visibility`). Other nodes are shown by normalised values (a container
# number, a phone in E.164), which every record naming them shares.
DISPLAY_KEYS: dict[Label, str] = {
    Label.PARTY: "name",
    Label.TRADEMARK: "mark",
    Label.RIGHTS_HOLDER: "name",
    Label.PORT: "name",
}


# Secondary indexes: (label, property key). Each exists because a lookup anchors on
# it; the uniqueness constraints on `id` already index the ids.
INDEXED_PROPERTIES: tuple[tuple[Label, str], ...] = (
    # Seizures are listed and counted by date range (statistics, timelines).
    (Label.SEIZURE, "seizure_date"),
    # Ports are looked up by name when a feed writes no UN/LOCODE.
    (Label.PORT, "name"),
    # Members of an entity. (Parties queued for resolution are listed by `Queued`
    # nodes, `graph.work`, not flagged.)
    (Label.PARTY, "cluster"),
    # Members of a network (`GET /v1/entities/{id}/network`, a network's seizures).
    (Label.PARTY, "network"),
    # Networks are listed per view (an agency's, the public one, the whole graph's).
    (Label.NETWORK, "view"),
    # Every API call finds its principal by the hash of the key it presents.
    (Label.PRINCIPAL, "key_hash"),
    # A partner's detailed request names a seizure by the reference a hit gave.
    (Label.SEIZURE, "reference"),
    # An agency lists its watches and its alerts.
    (Label.WATCH, "agency"),
    (Label.ALERT, "agency"),
    # Kept seizure statistics are read per partner jurisdiction ('*': any) and year
    # (`slot`, "US|2025"), or per partner alone for a period without bounds.
    (Label.STATS_CELL, "slot"),
    (Label.STATS_CELL, "partner"),
)


@dataclass(frozen=True)
class Link:
    """One kind of relationship the loader writes: (source)-[rel]->(target)."""

    name: str
    source: Label
    rel: RelType
    target: Label
    role: PartyRole | None = None
    ordered: bool = False


def _links() -> tuple[Link, ...]:
    seizure_links = [
        Link("reported_by", Label.SEIZURE, RelType.REPORTED_BY, Label.AGENCY),
        Link("seized_at", Label.SEIZURE, RelType.SEIZED_AT, Label.PORT),
        Link("loaded_at", Label.SEIZURE, RelType.LOADED_AT, Label.PORT),
        Link("transited", Label.SEIZURE, RelType.TRANSITED, Label.PORT, ordered=True),
        Link("discharged_at", Label.SEIZURE, RelType.DISCHARGED_AT, Label.PORT),
        Link("origin", Label.SEIZURE, RelType.ORIGIN, Label.JURISDICTION),
        Link("destination", Label.SEIZURE, RelType.DESTINATION, Label.JURISDICTION),
        Link("in_container", Label.SEIZURE, RelType.IN_CONTAINER, Label.CONTAINER),
        Link("documented_by", Label.SEIZURE, RelType.DOCUMENTED_BY, Label.TRANSPORT_DOCUMENT),
        Link("infringes", Label.SEIZURE, RelType.INFRINGES, Label.TRADEMARK),
        Link("part_of", Label.SEIZURE, RelType.PART_OF, Label.CASE),
        Link("shipped_by", Label.SEIZURE, RelType.SHIPPED_BY, Label.PARTY, PartyRole.SHIPPER),
        Link("consigned_to", Label.SEIZURE, RelType.CONSIGNED_TO, Label.PARTY, PartyRole.CONSIGNEE),
        Link(
            "manufactured_by",
            Label.SEIZURE,
            RelType.MANUFACTURED_BY,
            Label.PARTY,
            PartyRole.MANUFACTURER,
        ),
        Link("forwarded_by", Label.SEIZURE, RelType.FORWARDED_BY, Label.PARTY, PartyRole.FORWARDER),
    ]
    other_links = [
        Link("agency_in", Label.AGENCY, RelType.IN, Label.JURISDICTION),
        Link("port_in", Label.PORT, RelType.IN, Label.JURISDICTION),
        Link("owned_by", Label.TRADEMARK, RelType.OWNED_BY, Label.RIGHTS_HOLDER),
        Link("has_address", Label.PARTY, RelType.HAS_ADDRESS, Label.ADDRESS),
        Link("has_phone", Label.PARTY, RelType.HAS_PHONE, Label.PHONE),
        Link("has_email", Label.PARTY, RelType.HAS_EMAIL, Label.EMAIL),
        Link("has_identifier", Label.PARTY, RelType.HAS_IDENTIFIER, Label.IDENTIFIER),
    ]
    return (*seizure_links, *other_links)


# In the order they are written: a link's source node exists before it is linked
# (seizures first, then what hangs off them, then what hangs off those).
LINKS: tuple[Link, ...] = _links()
LINKS_BY_NAME: dict[str, Link] = {link.name: link for link in LINKS}
