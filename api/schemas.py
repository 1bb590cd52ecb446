"""Response models of the HTTP API."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field


class Health(BaseModel):
    status: str = Field(examples=["ok"])


class Ready(BaseModel):
    status: str = Field(examples=["ready"])
    database: str = Field(description="Where the graph lives.", examples=["bolt://127.0.0.1:7687"])


class Problem(BaseModel):
    """Every error answer: one sentence a person can act on."""

    detail: str = Field(examples=["The graph database at bolt://127.0.0.1:7687 cannot be reached."])


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
    quantity: float = Field(
        description="Sum of the quantities of the goods, as reported, whatever their units.",
        examples=[15400.0],
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
