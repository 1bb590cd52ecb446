"""Sharing with partner agencies under agreements: the agreements, a partner's
hit/no-hit lookups (`POST /v1/match` by a partner), exchange statistics, and detailed
requests with quotas (`graph.exchange`)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Path, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from api.answer import noted
from api.auth import allow
from api.deps import StoreDep
from api.params import Period
from api.problems import Problem, forbidden
from graph.access import READERS, Role, Viewer
from graph.errors import NotFound
from graph.exchange import agreements as agreements_service
from graph.exchange import requests as requests_service
from graph.exchange.lookups import PartnerResult
from graph.exchange.statistics import (
    ExchangeRow,
    StatisticsAsk,
    statistics_for,
    table_csv,
)

router = APIRouter(tags=["exchange"])

# Every principal of an agency: the agreements it is party to, its requests.
MemberDep = Annotated[Viewer, Depends(allow(*READERS, Role.PARTNER))]
PartnerDep = Annotated[Viewer, Depends(allow(Role.PARTNER))]
AnalystDep = Annotated[Viewer, Depends(allow(Role.ANALYST))]


# --- agreements --------------------------------------------------------------------------


class TermsOut(BaseModel):
    statistics: bool = Field(description="Whether exchange statistics may be asked.")
    statistics_fields: list[str]
    statistics_period: str = Field(description="month, quarter, half-year or year.")
    statistics_k: int = Field(description="Figures resting on fewer seizures are suppressed.")
    requests_quota: int = Field(description="Detailed requests per period (0: none).")
    requests_period: str
    request_fields: list[str] = Field(description="What a released record shows.")
    lookups: bool = Field(description="Whether hit/no-hit lookups answer 'held by'.")


class AgreementOut(BaseModel):
    id: str
    name: str
    agencies: list[str]
    terms: dict[str, TermsOut] = Field(
        description="By direction, 'ASKER>HOLDER': what ASKER may ask of HOLDER."
    )
    contacts: dict[str, str] = Field(description="Each agency's contact point.")
    valid_from: str
    valid_to: str | None
    ended_at: str | None
    updated_at: str | None
    in_force: bool


class AgreementList(BaseModel):
    items: list[AgreementOut]


def _agreement_out(agreement: agreements_service.Agreement, today: dt.date) -> AgreementOut:
    data = agreement.as_dict()
    return AgreementOut(**data, in_force=agreement.active(today))


@router.get(
    "/agreements",
    response_model=AgreementList,
    summary="The agreements the caller's agency is party to",
    description="Any principal. Agreements are set by the operator (`iprgraph agreements set`).",
)
def list_agreements(request: Request, viewer: MemberDep, store: StoreDep) -> AgreementList:
    today = dt.datetime.now(dt.UTC).date()
    found = agreements_service.list_agreements(store, viewer.agency)
    return noted(request, AgreementList(items=[_agreement_out(a, today) for a in found]))


# --- hit/no-hit lookups ------------------------------------------------------------------


class RecordRef(BaseModel):
    id: str
    agency: str
    record_id: str
    date: str | None
    tlp: str | None


class PartnerMatchCandidate(BaseModel):
    entity_id: str
    party_id: str
    name: str
    country: str | None
    score: float = Field(ge=0, le=1)
    features: dict[str, float]
    explanation: str
    records: list[RecordRef] = Field(
        description="The newest records the caller's agency may see that name the party."
    )
    records_total: int = Field(description="How many such records there are.")


class HeldBy(BaseModel):
    agency: str = Field(description="The agency holding a matching record.")
    reference: str = Field(description="Name it by this in a detailed request.")
    contact: str | None = Field(description="The agency's contact point under the agreement.")


class PartnerMatchResult(BaseModel):
    query: dict[str, Any]
    hit: bool
    matches: list[PartnerMatchCandidate] = Field(
        description="Matching parties as the caller's agency sees them, with its records."
    )
    held: list[HeldBy] = Field(
        description="Agencies holding an AMBER record about the query that the caller's "
        "agency may not see, under an agreement allowing lookups: nothing else is said."
    )


class PartnerMatchResponse(BaseModel):
    threshold: float
    results: list[PartnerMatchResult]


def partner_match_response(
    threshold: float, queries: list[dict[str, Any]], found: list[PartnerResult]
) -> PartnerMatchResponse:
    return PartnerMatchResponse(
        threshold=threshold,
        results=[
            PartnerMatchResult(
                query=query,
                hit=result.hit,
                matches=[
                    PartnerMatchCandidate(
                        entity_id=m.candidate.entity_id,
                        party_id=m.candidate.party_id,
                        name=m.candidate.name,
                        country=m.candidate.country,
                        score=m.candidate.score,
                        features=m.candidate.features,
                        explanation=m.candidate.explanation,
                        records=[RecordRef(**r.__dict__) for r in m.records],
                        records_total=m.records_total,
                    )
                    for m in result.matches
                ],
                held=[HeldBy(**h.__dict__) for h in result.held],
            )
            for query, result in zip(queries, found, strict=True)
        ],
    )


# --- exchange statistics -----------------------------------------------------------------


class StatisticsQuery(Period):
    """Query parameters of `GET /v1/exchange/statistics`."""

    partner: str = Field(
        min_length=2,
        max_length=40,
        description="The other side: a jurisdiction (CN) or an agency (CN-GACC).",
        examples=["CN"],
    )
    direction: Literal["outgoing", "incoming"] | None = Field(
        default=None,
        description="outgoing: the caller's agency's seizures about the partner's "
        "jurisdiction, the table it sends; incoming: the partner agency's seizures about "
        "the caller's jurisdiction, the table it receives. Partners: incoming only (the "
        "default for them); others: outgoing by default.",
    )
    period: Literal["month", "quarter", "half-year", "year"] | None = Field(
        default=None, description="The granularity; the agreement's, which is the default."
    )
    format: Literal["json", "csv"] = Field(
        default="json",
        description="csv: the table as a spreadsheet opens it (UTF-8 with a BOM, a header "
        "row, a totals row).",
    )


class ExchangeRowOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    period: str = Field(description="2025-H2; `total` for the totals row.")
    direction: str = Field(
        description="originating (in the other side) or destined (for it); `shown` for totals."
    )
    seizures: int | None = Field(description="null: suppressed.")
    quantity: dict[str, float | None] = Field(
        description="Per unit, never added across units; null: suppressed."
    )
    value_usd: float | None
    transport_modes: dict[str, int | None] = Field(
        description="Seizures per mode; null: suppressed."
    )
    ports: list[tuple[str, int]] = Field(
        description="Main ports of transit (loading and transit), with seizures, most first."
    )
    suppressed: list[str] = Field(description="What of the row is suppressed.")


class ExchangeTableOut(BaseModel):
    agreement: str
    reporting: str = Field(description="The agency whose seizures are counted.")
    partner: str = Field(description="The other side's jurisdiction.")
    date_from: str = Field(alias="from")
    date_to: str = Field(alias="to")
    period: str
    k: int = Field(description="Figures resting on fewer seizures are suppressed.")
    fields: list[str]
    rows: list[ExchangeRowOut]
    totals: ExchangeRowOut = Field(description="The figures shown, added up.")
    rates: list[dict[str, Any]] = Field(description="The USD rates the values used.")
    notes: list[str]

    model_config = ConfigDict(populate_by_name=True)


def _row(row: ExchangeRow) -> ExchangeRowOut:
    return ExchangeRowOut.model_validate(row)


@router.get(
    "/exchange/statistics",
    response_model=ExchangeTableOut,
    summary="The exchange statistics an agreement gives: seizures about the other side",
    description="Per period and direction (goods originating in, or destined for, the "
    "other side): seizures, quantity per unit, value in USD with the rates used, "
    "transport modes, main ports of transit. RED records are never counted; figures "
    "resting on fewer than the agreement's `k` seizures are suppressed, and so is the "
    "next smallest figure of a breakdown when only one would be, so that none can be "
    "worked out from the others; totals add up the figures shown. The dates bound "
    "whole periods of the agreement's granularity (the last complete one by default). "
    "Investigators, analysts and admins of either agency; partners: incoming only.",
    responses={
        200: {"content": {"text/csv": {"schema": {"type": "string"}}}},
        403: {"model": Problem},
    },
)
def exchange_statistics(
    request: Request,
    query: Annotated[StatisticsQuery, Query()],
    viewer: MemberDep,
    store: StoreDep,
) -> Response:
    direction = query.direction or ("incoming" if viewer.role is Role.PARTNER else "outgoing")
    if viewer.role is Role.PARTNER and direction != "incoming":
        raise forbidden(
            "A partner receives exchange statistics (direction=incoming); the table an "
            "agency sends is prepared by its investigators, analysts or admins."
        )
    table, agreement = statistics_for(
        store,
        viewer,
        StatisticsAsk(
            partner=query.partner,
            direction=direction,
            date_from=query.date_from,
            date_to=query.date_to,
            period=query.period,
        ),
    )
    noted(request, table)
    if query.format == "csv":
        name = f"exchange-{table.reporting}-{table.partner}-{table.date_from}-{table.date_to}.csv"
        return Response(
            table_csv(table).encode("utf-8"),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    out = ExchangeTableOut(
        agreement=agreement.id,
        reporting=table.reporting,
        partner=table.partner,
        date_from=table.date_from.isoformat(),
        date_to=table.date_to.isoformat(),
        period=table.period,
        k=table.k,
        fields=list(table.fields),
        rows=[_row(row) for row in table.rows],
        totals=_row(table.totals),
        rates=table.rates,
        notes=table.notes,
    )
    return Response(out.model_dump_json(by_alias=True), media_type="application/json")


# --- detailed requests -------------------------------------------------------------------


class RequestIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reference: str = Field(
        min_length=1, max_length=100, description="The reference a hit gave ('held by')."
    )
    reason: str = Field("", max_length=requests_service.MAX_REASON, description="Why it is asked.")


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: Literal["approve", "deny"]
    reason: str = Field(min_length=1, max_length=requests_service.MAX_REASON)


class RequestOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    agreement: str
    requester: str = Field(description="The asking agency.")
    requested_by: str = Field(description="The principal that filed it.")
    holder: str = Field(description="The agency holding the record; it decides.")
    reference: str
    period: str = Field(description="The quota period it counts in.")
    status: Literal["pending", "approved", "denied"]
    reason: str
    filed_at: str
    seizure: str | None = Field(description="The seizure's id; shown to the holder only.")
    decided_by: str | None
    decided_at: str | None
    decision_reason: str | None
    record: dict[str, Any] | None = Field(
        description="Once approved, to the asking agency: the record's fields the agreement lists."
    )
    quota: dict[str, Any] = Field(
        default_factory=dict, description="When filed: requests used of the period's quota."
    )


class RequestList(BaseModel):
    items: list[RequestOut]


@router.post(
    "/requests",
    response_model=RequestOut,
    status_code=201,
    summary="Ask the holding agency for the details of one seizure (partners)",
    description="Names the seizure by the reference a hit gave. Counted against the "
    "agreement's quota for the period when filed; over quota, 429 with the date the "
    "quota resets (and Retry-After). Sent again with the same `Idempotency-Key`, the "
    "same request is answered and counted once.",
    responses={
        403: {"model": Problem},
        404: {"model": Problem},
        409: {"model": Problem},
        429: {"model": Problem, "description": "The quota is used up for this period."},
    },
)
def file_request(
    request: Request,
    body: RequestIn,
    viewer: PartnerDep,
    store: StoreDep,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
) -> RequestOut:
    made = requests_service.file_request(
        store, viewer, body.reference.strip(), reason=body.reason, idempotency_key=idempotency_key
    )
    return noted(request, RequestOut.model_validate(made))


@router.get(
    "/requests",
    response_model=RequestList,
    summary="The detailed requests of the caller's agency, or filed with it",
    description="The requests the caller's agency filed, newest first; `incoming=true`: "
    "those filed with it (not for partners).",
)
def list_requests(
    request: Request,
    viewer: MemberDep,
    store: StoreDep,
    incoming: bool = False,
    status: Annotated[Literal["pending", "approved", "denied"] | None, Query()] = None,
) -> RequestList:
    if incoming and viewer.role is Role.PARTNER:
        raise forbidden(
            "Requests filed with an agency are decided by its analysts; a partner sees "
            "the requests its agency filed."
        )
    found = requests_service.list_requests(store, viewer, incoming=incoming)
    items = [RequestOut.model_validate(r) for r in found if status is None or r.status == status]
    return noted(request, RequestList(items=items))


@router.get(
    "/requests/{request_id}",
    response_model=RequestOut,
    summary="One detailed request; once approved, the record's agreed fields",
    responses={404: {"model": Problem}},
)
def get_request(
    request: Request,
    viewer: MemberDep,
    store: StoreDep,
    request_id: Annotated[str, Path(max_length=100)],
) -> RequestOut:
    found = requests_service.get_request(store, viewer, request_id)
    if viewer.role is Role.PARTNER and found.requester != viewer.agency:
        raise NotFound(f"No request has the id {request_id!r}.")
    return noted(request, RequestOut.model_validate(found))


@router.post(
    "/requests/{request_id}/decision",
    response_model=RequestOut,
    summary="Approve or deny a request filed with the analyst's agency",
    description="An approval releases that one record to the asking agency (recorded "
    "with who approved it, when and under which agreement); a denial releases nothing. "
    "Either needs a reason.",
    responses={403: {"model": Problem}, 404: {"model": Problem}, 409: {"model": Problem}},
)
def decide(
    request: Request,
    viewer: AnalystDep,
    store: StoreDep,
    request_id: Annotated[str, Path(max_length=100)],
    body: DecisionIn,
) -> RequestOut:
    decided = requests_service.decide_request(
        store, viewer, request_id, approve=body.decision == "approve", reason=body.reason
    )
    return noted(request, RequestOut.model_validate(decided))
