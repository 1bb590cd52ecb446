"""Seizures one at a time and in filtered pages: the services behind `/v1/seizures`
(their statistics, `/v1/stats/seizures`, are `graph.stats`).

Filters arrive as node ids (the API normalises what a caller typed the way ingest
does); every statement is in `graph.queries`. Every answer is computed over the
seizures the viewer's agency may see (`graph.access`): a seizure it may not see is
answered as one that does not exist, and is neither listed nor counted. Every
answer carries the handling (TLP, releasable_to) of the records it comes from.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

from graph import queries
from graph.access import Viewer
from graph.cursor import InvalidCursor, decode_cursor_parts, encode_cursor_parts
from graph.errors import NotFound
from graph.model import RelType
from graph.queries import SeizureFilter
from graph.store import GraphStore, Row, Tx
from graph.visibility import display_props

__all__ = [
    "TLP_LEVELS",
    "CaseRef",
    "ContainerRef",
    "DocumentRef",
    "Goods",
    "Handling",
    "InvalidCursor",
    "JurisdictionRef",
    "Parties",
    "PartyRef",
    "PortRef",
    "Ports",
    "Provenance",
    "RightsHolderRef",
    "SeizureDetail",
    "SeizureFilter",
    "SeizureFilters",
    "SeizurePage",
    "SeizureSummary",
    "TrademarkRef",
    "Value",
    "decode_cursor",
    "encode_cursor",
    "get_seizure",
    "list_seizures",
]

# TLP 2.0 from least to most restrictive: a figure derived from several records is
# handled like the most restrictive of them.
TLP_LEVELS = ("CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED")

# Open ends of a period: ISO dates compare as text, so these bound every date.
_EARLIEST = "0001-01-01"
_LATEST = "9999-12-31"


@dataclass(frozen=True)
class Handling:
    tlp: str | None
    releasable_to: list[str]


@dataclass(frozen=True)
class Provenance:
    agency: str
    source_file: str | None
    source_sha256: str | None
    source_line: int | None


@dataclass(frozen=True)
class Value:
    amount: float
    currency: str | None
    usd: float | None
    usd_rate: float | None
    usd_rate_month: str | None


@dataclass(frozen=True)
class Goods:
    description: str | None
    hs_code: str | None
    quantity: float | None
    unit: str | None
    marks: list[str]


@dataclass(frozen=True)
class PortRef:
    id: str
    locode: str | None
    name: str | None
    country: str | None
    resolved: bool
    as_written: str | None
    seq: int | None = None


@dataclass(frozen=True)
class Ports:
    seizure: PortRef | None = None
    loading: PortRef | None = None
    transit: list[PortRef] = field(default_factory=list)
    discharge: PortRef | None = None


@dataclass(frozen=True)
class JurisdictionRef:
    id: str
    as_written: str | None


@dataclass(frozen=True)
class ContainerRef:
    number: str
    valid: bool
    as_written: str | None


@dataclass(frozen=True)
class DocumentRef:
    id: str
    number: str
    as_written: str | None


@dataclass(frozen=True)
class RightsHolderRef:
    id: str
    name: str | None


@dataclass(frozen=True)
class TrademarkRef:
    id: str
    mark: str | None
    registration: str | None
    rights_holders: list[RightsHolderRef]


@dataclass(frozen=True)
class PartyRef:
    id: str
    name: str | None
    name_as_written: str | None
    country: str | None


@dataclass(frozen=True)
class Parties:
    shipper: PartyRef | None = None
    consignee: PartyRef | None = None
    forwarder: PartyRef | None = None
    manufacturers: list[PartyRef] = field(default_factory=list)


@dataclass(frozen=True)
class CaseRef:
    id: str
    ref: str | None


@dataclass(frozen=True)
class SeizureDetail:
    id: str
    record_id: str
    agency: str
    agency_name: str | None
    agency_jurisdiction: str | None
    seizure_date: str
    transport_mode: str
    vessel_or_flight: str | None
    case: CaseRef | None
    origin: JurisdictionRef | None
    destination: JurisdictionRef | None
    goods: list[Goods]
    quantity_total: float | None
    value: Value | None
    ports: Ports
    containers: list[ContainerRef]
    transport_document: DocumentRef | None
    trademarks: list[TrademarkRef]
    parties: Parties
    provenance: Provenance
    handling: Handling
    flags: list[str]


@dataclass(frozen=True)
class SeizureSummary:
    id: str
    record_id: str
    agency: str
    seizure_date: str
    transport_mode: str
    quantity_total: float | None
    value_usd: float | None
    value_amount: float | None
    value_currency: str | None
    hs_chapters: list[str]
    handling: Handling


@dataclass(frozen=True)
class SeizureFilters:
    """What a listing is filtered on, as graph ids; None means not filtered."""

    party: str | None = None
    container: str | None = None
    trademark: str | None = None
    port: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    def by_filter(self) -> dict[SeizureFilter, str | None]:
        return {name: getattr(self, name.value) for name in SeizureFilter}


@dataclass(frozen=True)
class SeizurePage:
    items: list[SeizureSummary]
    next_cursor: str | None
    limit: int
    filters: SeizureFilters


# --- one seizure ------------------------------------------------------------------


def get_seizure(store: GraphStore, viewer: Viewer, seizure_id: str) -> SeizureDetail:
    """The seizure with graph id `seizure_id` (`agency:record_id`); NotFound if none,
    or if the viewer may not see it (the same answer: whether a record the viewer
    may not see exists is not the viewer's business)."""

    def work(tx: Tx) -> tuple[list[Row], list[Row], list[Row]]:
        found = tx.run(queries.SEIZURE_QUERY, id=seizure_id, see=viewer.see)
        if not found:
            return found, [], []
        links = tx.run(queries.SEIZURE_LINKS_QUERY, id=seizure_id)
        holders = tx.run(queries.SEIZURE_RIGHTS_HOLDERS_QUERY, id=seizure_id, see=viewer.see)
        return found, links, holders

    found, links, holders = store.execute_read(work)
    if not found:
        raise NotFound(f"No seizure has the id {seizure_id!r}.")
    # Nodes the record links to show the text this record wrote, or a form every
    # record shares when the text they keep came from a record the viewer may not see.
    shown = [_shown_link(viewer, row) for row in links]
    holders = [
        {**row, "name": display_props(viewer, "RightsHolder", row)["name"]} for row in holders
    ]
    return _detail(found[0], shown, holders)


def _shown_link(viewer: Viewer, row: Row) -> Row:
    labels = row.get("labels") or []
    label = next((name for name in ("Party", "Port", "Trademark") if name in labels), None)
    if label is None:
        return row
    props = display_props(viewer, label, row)
    if label == "Party" and props.get("name_hidden"):
        # This record's own spelling: it is visible, as the seizure is.
        props["name"] = row["name_as_written"]
    return {**row, **{key: props.get(key) for key in ("name", "mark")}}


def _port(row: Row) -> PortRef:
    return PortRef(
        id=row["id"],
        locode=row["locode"],
        name=row["name"],
        country=row["country"],
        resolved=bool(row["resolved"]),
        as_written=row["raw"],
        seq=row["seq"],
    )


def _party(row: Row) -> PartyRef:
    return PartyRef(
        id=row["id"],
        name=row["name"],
        name_as_written=row["name_as_written"],
        country=row["country"],
    )


def _goods(seizure: Row) -> list[Goods]:
    descriptions = seizure["goods_descriptions"] or []
    hs_codes = seizure["hs_codes"] or []
    quantities = seizure["quantities"] or []
    units = seizure["units"] or []
    # The marks seen on each line are kept only in the canonical record.
    record_goods = json.loads(seizure["record"] or "{}").get("goods", [])
    goods = []
    for index, description in enumerate(descriptions):
        quantity = quantities[index] if index < len(quantities) else -1.0
        marks = record_goods[index].get("trademarks", []) if index < len(record_goods) else []
        goods.append(
            Goods(
                description=description or None,
                hs_code=(hs_codes[index] if index < len(hs_codes) else "") or None,
                # -1 is how the loader writes "not given".
                quantity=float(quantity) if quantity is not None and quantity >= 0 else None,
                unit=(units[index] if index < len(units) else "") or None,
                marks=list(marks),
            )
        )
    return goods


def _detail(seizure: Row, links: list[Row], holders: list[Row]) -> SeizureDetail:
    by_rel: dict[str, list[Row]] = defaultdict(list)
    for row in links:
        by_rel[row["rel"]].append(row)

    def one(rel: RelType) -> Row | None:
        rows = by_rel.get(rel)
        return rows[0] if rows else None

    holders_of: dict[str, list[RightsHolderRef]] = defaultdict(list)
    for row in holders:
        holders_of[row["trademark"]].append(RightsHolderRef(id=row["id"], name=row["name"]))

    seized, loaded, discharged = (
        one(RelType.SEIZED_AT),
        one(RelType.LOADED_AT),
        one(RelType.DISCHARGED_AT),
    )
    transit = sorted(by_rel[RelType.TRANSITED], key=lambda row: row["seq"])
    ports = Ports(
        seizure=_port(seized) if seized else None,
        loading=_port(loaded) if loaded else None,
        transit=[_port(row) for row in transit],
        discharge=_port(discharged) if discharged else None,
    )
    shipper, consignee, forwarder = (
        one(RelType.SHIPPED_BY),
        one(RelType.CONSIGNED_TO),
        one(RelType.FORWARDED_BY),
    )
    manufacturers = sorted(by_rel[RelType.MANUFACTURED_BY], key=lambda row: row["index"] or 0)
    parties = Parties(
        shipper=_party(shipper) if shipper else None,
        consignee=_party(consignee) if consignee else None,
        forwarder=_party(forwarder) if forwarder else None,
        manufacturers=[_party(row) for row in manufacturers],
    )
    origin, destination = one(RelType.ORIGIN), one(RelType.DESTINATION)
    document, case = one(RelType.DOCUMENTED_BY), one(RelType.PART_OF)
    value = None
    if seizure["value_amount"] is not None:
        value = Value(
            amount=seizure["value_amount"],
            currency=seizure["value_currency"],
            usd=seizure["value_usd"],
            usd_rate=seizure["usd_rate"],
            usd_rate_month=seizure["usd_rate_month"],
        )
    return SeizureDetail(
        id=seizure["id"],
        record_id=seizure["record_id"],
        agency=seizure["agency"],
        agency_name=seizure["agency_name"],
        agency_jurisdiction=seizure["agency_jurisdiction"],
        seizure_date=seizure["seizure_date"],
        transport_mode=seizure["transport_mode"],
        vessel_or_flight=seizure["vessel_or_flight"],
        case=CaseRef(id=case["id"], ref=case["ref"]) if case else None,
        origin=JurisdictionRef(id=origin["id"], as_written=origin["raw"]) if origin else None,
        destination=(
            JurisdictionRef(id=destination["id"], as_written=destination["raw"])
            if destination
            else None
        ),
        goods=_goods(seizure),
        quantity_total=seizure["quantity_total"],
        value=value,
        ports=ports,
        containers=sorted(
            (
                ContainerRef(number=row["id"], valid=bool(row["valid"]), as_written=row["raw"])
                for row in by_rel[RelType.IN_CONTAINER]
            ),
            key=lambda container: container.number,
        ),
        transport_document=(
            DocumentRef(id=document["id"], number=document["number"], as_written=document["raw"])
            if document
            else None
        ),
        trademarks=sorted(
            (
                TrademarkRef(
                    id=row["id"],
                    mark=row["mark"],
                    registration=row["registration"],
                    rights_holders=holders_of.get(row["id"], []),
                )
                for row in by_rel[RelType.INFRINGES]
            ),
            key=lambda mark: mark.id,
        ),
        parties=parties,
        provenance=Provenance(
            agency=seizure["agency"],
            source_file=seizure["source_file"],
            source_sha256=seizure["source_sha256"],
            source_line=seizure["source_line"],
        ),
        handling=Handling(tlp=seizure["tlp"], releasable_to=list(seizure["releasable_to"] or [])),
        flags=list(seizure["flags"] or []),
    )


# --- pages of seizures --------------------------------------------------------------


def encode_cursor(seizure_date: str, seizure_id: str) -> str:
    """The position after (seizure_date, id) in the listing order, as opaque text."""
    return encode_cursor_parts(seizure_date, seizure_id)


def decode_cursor(cursor: str) -> tuple[str, str]:
    """(seizure_date, id) of a cursor from `encode_cursor`; InvalidCursor otherwise."""
    message = "this is not a cursor that a page of seizures handed out"
    date, seizure_id = decode_cursor_parts(cursor, 2, message)
    if not (isinstance(date, str) and isinstance(seizure_id, str) and _is_iso_date(date)):
        raise InvalidCursor(message)
    return date, seizure_id


def _is_iso_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10


def _anchor(filters: SeizureFilters) -> SeizureFilter | None:
    # Start from the most selective entity given: a party or a container touches a
    # handful of seizures, a famous mark or a hub port thousands.
    for name in (
        SeizureFilter.PARTY,
        SeizureFilter.CONTAINER,
        SeizureFilter.TRADEMARK,
        SeizureFilter.PORT,
    ):
        if filters.by_filter()[name] is not None:
            return name
    return None


def _period(date_from: dt.date | None, date_to: dt.date | None) -> dict[str, str]:
    return {
        "from": date_from.isoformat() if date_from else _EARLIEST,
        "to": date_to.isoformat() if date_to else _LATEST,
    }


def _handling(row: Row) -> Handling:
    return Handling(tlp=row["tlp"], releasable_to=list(row["releasable_to"] or []))


def list_seizures(
    store: GraphStore,
    viewer: Viewer,
    filters: SeizureFilters,
    *,
    limit: int,
    cursor: str | None = None,
) -> SeizurePage:
    """A page of the seizures the viewer may see that match every filter given,
    newest first (seizure date descending, then id); `next_cursor` is None on the
    last page."""
    after_date, after_id = decode_cursor(cursor) if cursor else (None, None)
    params: dict[str, Any] = {
        **_period(filters.date_from, filters.date_to),
        **{name.value: value for name, value in filters.by_filter().items()},
        "after_date": after_date,
        "after_id": after_id,
        # One more than asked: whether it comes back says if there is a next page.
        "limit": limit + 1,
        "see": viewer.see,
    }
    rows = store.read(queries.list_seizures_query(_anchor(filters)), **params)
    items = [
        SeizureSummary(
            id=row["id"],
            record_id=row["record_id"],
            agency=row["agency"],
            seizure_date=row["seizure_date"],
            transport_mode=row["transport_mode"],
            quantity_total=row["quantity_total"],
            value_usd=row["value_usd"],
            value_amount=row["value_amount"],
            value_currency=row["value_currency"],
            hs_chapters=list(row["hs_chapters"] or []),
            handling=_handling(row),
        )
        for row in rows[:limit]
    ]
    next_cursor = None
    if len(rows) > limit:
        last = items[-1]
        next_cursor = encode_cursor(last.seizure_date, last.id)
    return SeizurePage(items=items, next_cursor=next_cursor, limit=limit, filters=filters)


def list_entity_seizures(
    store: GraphStore,
    viewer: Viewer,
    entity: str,
    filters: SeizureFilters,
    *,
    limit: int,
    cursor: str | None = None,
) -> SeizurePage:
    """`list_seizures` over every party of the entity of `entity` (an entity or Party
    id) in the viewer's view: each member's page from the same cursor, merged newest
    first, a seizure naming two members once. NotFound when the viewer sees no such
    party."""
    found = store.read(queries.ENTITY_MEMBERS_QUERY, id=entity, **viewer.params)
    if not found or found[0]["entity"] is None:
        raise NotFound(f"No entity or party has the id {entity!r}.")
    merged: dict[str, SeizureSummary] = {}
    more = False
    for member in sorted(item[0] for item in found[0]["members"]):
        page = list_seizures(
            store, viewer, replace(filters, party=member), limit=limit, cursor=cursor
        )
        more = more or page.next_cursor is not None
        for item in page.items:
            merged.setdefault(item.id, item)
    # The listing's order: newest first, then id ascending.
    ordered = sorted(merged.values(), key=lambda s: s.id)
    ordered.sort(key=lambda s: s.seizure_date or "", reverse=True)
    items = ordered[:limit]
    next_cursor = None
    if len(ordered) > limit or (more and items):
        next_cursor = encode_cursor(items[-1].seizure_date, items[-1].id)
    return SeizurePage(items=items, next_cursor=next_cursor, limit=limit, filters=filters)
