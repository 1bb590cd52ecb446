"""Names of the graph: node labels and relationship types (../shared/ARCHITECTURE.md).

Cypher takes labels and types from these enums only, never from input, so a
statement cannot be steered by data.
"""

from __future__ import annotations

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


class PartyRole(StrEnum):
    """Role labels a Party carries, as observed in the records."""

    SHIPPER = "Shipper"
    CONSIGNEE = "Consignee"
    MANUFACTURER = "Manufacturer"
    FORWARDER = "Forwarder"


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


# Secondary indexes: (label, property key). Each exists because a lookup anchors on
# it; the uniqueness constraints on `id` already index the ids.
INDEXED_PROPERTIES: tuple[tuple[Label, str], ...] = (
    # Seizures are listed and counted by date range (statistics, timelines).
    (Label.SEIZURE, "seizure_date"),
    # Ports are looked up by name when a feed writes no UN/LOCODE.
    (Label.PORT, "name"),
)
