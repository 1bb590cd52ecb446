"""Response models of the HTTP API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Health(BaseModel):
    status: str = Field(examples=["ok"])


class Ready(BaseModel):
    status: str = Field(examples=["ready"])
    database: str = Field(description="Where the graph lives.", examples=["bolt://127.0.0.1:7687"])


class LabelCount(BaseModel):
    label: str
    count: int


class GraphSummary(BaseModel):
    nodes: int
    relationships: int
    labels: list[LabelCount] = Field(description="Nodes per label, labels with none left out.")


# --- Seizures and their statistics (`/v1/seizures`, `/v1/stats/seizures`) --------------
# Built from the plain data of `graph.seizures` (`model_validate(..., from_attributes=True)`).


class _FromGraph(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class HandlingOut(_FromGraph):
    """How the information may be shared (TLP 2.0). Returned, not enforced: the API has
    no caller identity yet, so the caller must honour it."""

    tlp: str | None = Field(
        description="CLEAR, GREEN, AMBER, AMBER+STRICT or RED.", examples=["AMBER"]
    )
    releasable_to: list[str] = Field(
        description="Agencies the information may be released to.", examples=[["US-CBP", "MO-CS"]]
    )


class ProvenanceOut(_FromGraph):
    agency: str = Field(description="The reporting agency.", examples=["HK-CED"])
    source_file: str | None = Field(description="Name of the file loaded.", examples=["hk.ndjson"])
    source_sha256: str | None = Field(description="sha256 of that file.")
    source_line: int | None = Field(description="Line (or sheet row) of the record.", examples=[1])


class ValueOut(_FromGraph):
    amount: float = Field(description="As the agency declared it.", examples=[150000.0])
    currency: str | None = Field(description="ISO 4217.", examples=["HKD"])
    usd: float | None = Field(
        description="Converted to USD; null when the currency or month has no rate.",
        examples=[19205.1],
    )
    usd_rate: float | None = Field(description="USD per unit of the currency.", examples=[0.128])
    usd_rate_month: str | None = Field(
        description="Month of the rate used (the seizure's).", examples=["2024-08"]
    )


class GoodsOut(_FromGraph):
    description: str | None = Field(examples=["sports shoes"])
    hs_code: str | None = Field(description="HS code, digits only.", examples=["640411"])
    quantity: float | None = Field(description="Null when not given.", examples=[1200.0])
    unit: str | None = Field(examples=["pairs"])
    marks: list[str] = Field(description="Marks seen on the goods.", examples=[["NIKE"]])


class PortOut(_FromGraph):
    id: str = Field(
        description="UN/LOCODE, or `unresolved:<name>` for a name no table resolves.",
        examples=["SGSIN"],
    )
    locode: str | None = Field(examples=["SGSIN"])
    name: str | None = Field(examples=["Singapore"])
    country: str | None = Field(description="Jurisdiction of the port.", examples=["SG"])
    resolved: bool = Field(description="Whether the reference table knows the port.")
    as_written: str | None = Field(description="What the record wrote.", examples=["SG SIN"])
    seq: int | None = Field(description="Order among the transit ports (0 first).", examples=[0])


class PortsOut(_FromGraph):
    seizure: PortOut | None
    loading: PortOut | None
    transit: list[PortOut] = Field(description="In the order the record lists them.")
    discharge: PortOut | None


class JurisdictionOut(_FromGraph):
    id: str = Field(description="ISO 3166 alpha-2; HK and MO are their own.", examples=["CN"])
    as_written: str | None = Field(examples=["CHINA, PEOPLES REP"])


class ContainerOut(_FromGraph):
    number: str = Field(description="ISO 6346, compacted.", examples=["MSKU1234565"])
    valid: bool = Field(description="Whether the check digit is right.")
    as_written: str | None = Field(examples=["MSKU 123456-5"])


class DocumentOut(_FromGraph):
    id: str = Field(examples=["doc:MAEU123456789"])
    number: str = Field(examples=["MAEU123456789"])
    as_written: str | None = Field(examples=["MAEU 123456789"])


class RightsHolderOut(_FromGraph):
    id: str = Field(examples=["rh:nike"])
    name: str | None = Field(examples=["Nike Inc."])


class TrademarkOut(_FromGraph):
    id: str = Field(examples=["tm:nike"])
    mark: str | None = Field(examples=["NIKE"])
    registration: str | None = Field(
        description="Registration or recordation number the record gives.",
        examples=["US 1234567"],
    )
    rights_holders: list[RightsHolderOut] = Field(
        description="Holders of the mark as the graph knows them (from every record)."
    )


class PartyOut(_FromGraph):
    id: str = Field(description="Party id (`/v1/seizures?party=`).", examples=["party:1836a0a2"])
    name: str | None = Field(description="The name the graph first saw.")
    name_as_written: str | None = Field(
        description="The name as this record wrote it.",
        examples=["Shenzhen Huaxin Trading Co., Ltd."],
    )
    country: str | None = Field(examples=["CN"])


class PartiesOut(_FromGraph):
    shipper: PartyOut | None
    consignee: PartyOut | None
    forwarder: PartyOut | None
    manufacturers: list[PartyOut]


class CaseOut(_FromGraph):
    id: str = Field(examples=["HK-CED:OP-GBA-2024-08"])
    ref: str | None = Field(examples=["OP-GBA-2024-08"])


class SeizureOut(_FromGraph):
    """One seizure record as the graph holds it."""

    id: str = Field(description="`agency:record_id`.", examples=["HK-CED:HKCED-2024-000123"])
    record_id: str = Field(examples=["HKCED-2024-000123"])
    agency: str = Field(examples=["HK-CED"])
    agency_name: str | None = Field(examples=["Hong Kong Customs and Excise Department"])
    agency_jurisdiction: str | None = Field(examples=["HK"])
    seizure_date: dt.date
    transport_mode: str = Field(examples=["sea"])
    vessel_or_flight: str | None = Field(examples=["MAERSK LOTA"])
    case: CaseOut | None
    origin: JurisdictionOut | None
    destination: JurisdictionOut | None
    goods: list[GoodsOut]
    quantity_total: float | None = Field(
        description="Sum of the quantities given, whatever their units.", examples=[1200.0]
    )
    value: ValueOut | None
    ports: PortsOut
    containers: list[ContainerOut]
    transport_document: DocumentOut | None
    trademarks: list[TrademarkOut]
    parties: PartiesOut
    provenance: ProvenanceOut
    handling: HandlingOut
    flags: list[str] = Field(description="Values kept as written because they did not normalise.")


class SeizureListItem(_FromGraph):
    id: str = Field(examples=["HK-CED:HKCED-2024-000123"])
    record_id: str = Field(examples=["HKCED-2024-000123"])
    agency: str = Field(examples=["HK-CED"])
    seizure_date: dt.date
    transport_mode: str = Field(examples=["sea"])
    quantity_total: float | None = Field(examples=[1200.0])
    value_usd: float | None = Field(examples=[19205.1])
    value_amount: float | None = Field(examples=[150000.0])
    value_currency: str | None = Field(examples=["HKD"])
    hs_chapters: list[str] = Field(examples=[["64"]])
    handling: HandlingOut


class SeizureFiltersOut(_FromGraph):
    """The filters as they were understood: graph ids, after normalising."""

    party: str | None = Field(examples=["party:1836a0a2e2454d850ad76b02"])
    container: str | None = Field(examples=["MSKU1234565"])
    trademark: str | None = Field(examples=["tm:nike"])
    port: str | None = Field(examples=["HKHKG"])
    date_from: dt.date | None = Field(serialization_alias="from")
    date_to: dt.date | None = Field(serialization_alias="to")


class SeizurePage(_FromGraph):
    items: list[SeizureListItem]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null on the last page."
    )
    limit: int = Field(examples=[50])
    filters: SeizureFiltersOut


class StatsFigureOut(_FromGraph):
    seizures: int = Field(description="Number of seizures.", examples=[12])
    quantity: dict[str, float] = Field(
        description="Quantities of the goods per unit (pieces, pairs, kg, litres, "
        "cartons...; PCS and pieces are one unit), never added across units; "
        "`unspecified` for lines recorded without a unit.",
        examples=[{"pairs": 1200.0, "pieces": 14200.0}],
    )
    value_usd: float = Field(description="Sum of the values in USD.", examples=[1250000.5])
    seizures_without_value_usd: int = Field(
        description="Seizures with no value in USD (none declared, or no rate for it).",
        examples=[1],
    )
    handling: HandlingOut = Field(
        description="Handling of the figure: the most restrictive TLP of the records "
        "counted, and the agencies every one of them may be released to."
    )


class _GroupKey(_FromGraph):
    key: str | None = Field(
        description="The group: a transport mode, port id, jurisdiction, trademark id, "
        "HS chapter or month (YYYY-MM); null for seizures that record none.",
        examples=["SGSIN"],
    )
    name: str | None = Field(description="Port name or mark, where there is one.")


# Bases listed figure-first so that `key` and `name` come first in the JSON.
class StatsGroupOut(StatsFigureOut, _GroupKey):
    pass


class SeizureStatistics(_FromGraph):
    group_by: str = Field(examples=["port"])
    date_from: dt.date | None = Field(serialization_alias="from")
    date_to: dt.date | None = Field(serialization_alias="to")
    reporting: str | None = Field(examples=["HK"])
    partner: str | None = Field(examples=["US"])
    totals: StatsFigureOut = Field(description="Every seizure matched, each counted once.")
    groups: list[StatsGroupOut]


# --- Subgraphs: the one shape of every graph answer (`graph.analysis.subgraph`) -------


class EvidenceOut(_FromGraph):
    """A seizure record that evidences an edge."""

    seizure_id: str = Field(examples=["HK-CED:HK-2024-000123"])
    agency: str | None = Field(examples=["HK-CED"])
    record_id: str | None = Field(examples=["HK-2024-000123"])
    date: str | None = Field(description="Seizure date (ISO 8601).", examples=["2024-08-14"])
    tlp: str | None = Field(default=None, description="Handling of that record (TLP 2.0).")


class GraphNodeOut(_FromGraph):
    id: str = Field(examples=["party:3f1c0e9b2a7d4c5e6f708192"])
    type: str = Field(
        description="Primary label: Party, Seizure, Container, Port, Trademark, ...",
        examples=["Party"],
    )
    label: str = Field(description="What to show.", examples=["SHENZHEN HUAXIN TRADING CO LTD"])
    jurisdiction: str | None = Field(description="ISO 3166 alpha-2; HK and MO their own.")
    properties: dict[str, Any] = Field(description="Key properties of the node.")
    roles: list[str] = Field(description="Party roles as observed.", examples=[["Shipper"]])
    degree: int | None = Field(description="Relationships the node has in the graph.")
    hub: bool = Field(
        description="A port, jurisdiction, agency, rights holder, or a node above the degree "
        "cap: shown, not expanded through (unless through_hubs)."
    )
    omitted: int = Field(description="Neighbours of this node the answer does not show.")
    expanded: bool = Field(description="Whether the answer shows this node's neighbours.")


class GraphEdgeOut(_FromGraph):
    source: str = Field(description="Start node id, as the relationship is stored.")
    target: str = Field(description="End node id.")
    type: str = Field(examples=["SHIPPED_BY"])
    weight: float = Field(description="Strength of the link (1 strong, towards 0 weak).")
    properties: dict[str, Any] = Field(description="Score, status, features of a SAME_AS; ...")
    evidence: list[EvidenceOut] = Field(description="Seizure records evidencing the edge.")
    evidence_total: int = Field(description="How many records evidence it in all.")


class SubgraphOut(_FromGraph):
    nodes: list[GraphNodeOut]
    edges: list[GraphEdgeOut]
    truncated: bool = Field(description="True when a cap left something out; never a silent cut.")
    omitted_nodes: int = Field(description="Neighbours left out by caps and filters, in all.")
    notes: list[str] = Field(description="Why something was left out, in sentences.")


# --- Networks ---
# `/v1/entities/{id}/network`, `/v1/networks`, `/v1/networks/{id}`, built from the
# plain data of `graph.analysis.networks`. Members and links are a subgraph: nodes of
# type `Entity` (a resolved party cluster, its parties in `properties.parties`) and
# edges of type `IDENTITY_LINK` with their weight, the kinds of evidence
# (`properties.kinds`) and the seizure records behind them.


class RiskInputOut(_FromGraph):
    """One input of the risk score and what it contributed."""

    name: str = Field(
        description="seizures, value_usd, jurisdictions, recency (days from the last "
        "seizure to the newest seizure the view holds, counted when read), growth, "
        "confirmed_infringers (share of entities named in a Case or analyst-confirmed), "
        "shared_identity (pairs of its entities sharing a phone, email, registration "
        "number or address) or corroborated_links (binding links that rest on more than "
        "seizures together).",
        examples=["jurisdictions"],
    )
    value: float = Field(description="The network's figure for this input.", examples=[3])
    score: float = Field(description="The figure scaled to 0..1.", examples=[0.6667])
    weight: float = Field(description="Share of the score this input can give.", examples=[0.25])
    points: float = Field(description="100 * weight * score.", examples=[16.67])


class NetworkSummaryOut(_FromGraph):
    """A network as listed: the summary precomputed by `iprgraph networks build`."""

    id: str = Field(
        description="`net:` + the smallest member Party id (without `party:`); stable "
        "across rebuilds while that party stays in the network.",
        examples=["net:1836a0a2e2454d850ad76b02"],
    )
    label: str = Field(
        description="Name of its busiest entity.", examples=["SHENZHEN HUAXIN TRADING CO LTD"]
    )
    entities: int = Field(description="Resolved entities in the network.", examples=[7])
    parties: int = Field(description="Party nodes (names as written) of those.", examples=[11])
    seizures: int = Field(description="Seizures naming a member.", examples=[42])
    value_usd: float = Field(description="Their total value in USD.", examples=[1250000.5])
    jurisdictions: list[str] = Field(
        description="Jurisdictions of the agencies that seized its goods.", examples=[["HK", "US"]]
    )
    agencies: list[str] = Field(examples=[["HK-CED", "US-CBP"]])
    first_seizure: dt.date | None = Field(examples=["2022-03-14"])
    last_seizure: dt.date | None = Field(examples=["2024-08-23"])
    transport_modes: list[str] = Field(examples=[["express", "sea"]])
    risk: float = Field(description="0 to 100; see risk_explanation.", examples=[71.4])
    risk_explanation: str = Field(
        description="The inputs and what each contributed, in one sentence.",
        examples=["Risk 71.4 of 100. 3 jurisdictions: 16.7 of 25; 42 seizures: 16.3 of 20; ..."],
    )


class RouteOut(_FromGraph):
    loading: str | None = Field(description="Port of loading (UN/LOCODE).", examples=["CNYTN"])
    transit: list[str] = Field(description="Transit ports in order.", examples=[["SGSIN"]])
    seizure: str | None = Field(description="Port of seizure.", examples=["HKHKG"])
    discharge: str | None = Field(description="Port of discharge.", examples=["USLGB"])
    seizures: int = Field(description="Seizures that took this route.", examples=[5])
    path: str = Field(
        description="loading -> transit -> seizure (-> discharge when elsewhere).",
        examples=["CNYTN -> SGSIN -> HKHKG -> USLGB"],
    )


class NetworkOut(NetworkSummaryOut):
    """An infringer network: its members and the identity links that bind them, with
    the seizure records that evidence each link, where it operates and how."""

    confirmed_entities: int = Field(
        description="Members named in a seizure that is part of a Case, or holding an "
        "analyst-confirmed SAME_AS link.",
        examples=[3],
    )
    risk_inputs: list[RiskInputOut]
    graph: SubgraphOut = Field(
        description="Members (`Entity` nodes, their parties in properties.parties) and "
        "the links between them (`IDENTITY_LINK`: weight, properties.kinds with the "
        "evidence counts per kind, properties.binding, properties.via the shared "
        "phones, addresses, documents, containers; evidence the seizure records)."
    )
    routes: list[RouteOut] = Field(description="Routes of its seizures, most used first.")


class KeyPlayerOut(_FromGraph):
    entity: str = Field(examples=["party:3f1c0e9b2a7d4c5e6f708192"])
    label: str = Field(examples=["SHENZHEN HUAXIN TRADING CO LTD"])
    betweenness: float = Field(
        description="Share of shortest paths between members through it (distance 1/weight).",
        examples=[0.62],
    )
    pagerank: float = Field(description="Weighted PageRank within the network.", examples=[0.21])


class CommunityOut(_FromGraph):
    index: int = Field(description="0 is the largest.", examples=[0])
    entities: list[str]
    labels: list[str]


class MonthCountOut(_FromGraph):
    month: str = Field(examples=["2024-08"])
    seizures: int = Field(examples=[4])
    value_usd: float = Field(examples=[125000.0])


class NetworkDetailOut(NetworkOut):
    key_players: list[KeyPlayerOut] = Field(
        description="Up to 10 members by PageRank over the network's links."
    )
    communities: list[CommunityOut] = Field(
        description="Louvain communities (fixed seed) of networks of 8 entities or more; "
        "empty for smaller ones."
    )
    timeline: list[MonthCountOut] = Field(description="Seizures and value per month.")


class NetworkPageOut(_FromGraph):
    items: list[NetworkSummaryOut]
    next_cursor: str | None = Field(
        description="Pass as `cursor` (with the same sort) for the next page; null on the last."
    )
    limit: int = Field(examples=[50])
    sort: str = Field(examples=["risk"])
