"""Matching query entities against the graph, and analysts' judgements on links."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from api.answer import json_answer, noted
from api.auth import AnalystDep, LookupDep
from api.deps import StoreDep
from api.problems import Problem
from api.routes.exchange import PartnerMatchResponse, partner_match_response
from graph.access import Role
from graph.errors import InvalidInput
from graph.exchange.lookups import lookup
from graph.model import LinkStatus
from graph.resolve.entities import Judgement, judge
from graph.resolve.match import QueryParty, match_parties
from graph.resolve.score import AUTO_THRESHOLD

router = APIRouter(tags=["resolution"])

MAX_QUERIES = 100


class MatchQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: Literal["party"] = Field("party", description="What is looked for (parties for now).")
    name: str = Field(min_length=1, max_length=300)
    country: str | None = Field(None, max_length=60, description="Code or name, any spelling.")
    address: str | None = Field(None, max_length=500)
    phone: str | None = Field(None, max_length=60)
    email: str | None = Field(None, max_length=200)
    registration_id: str | None = Field(None, max_length=60)


class MatchRequest(BaseModel):
    queries: list[MatchQuery] = Field(min_length=1, max_length=MAX_QUERIES)

    model_config = {
        "extra": "forbid",
        "json_schema_extra": {
            "examples": [
                {
                    "queries": [
                        {"type": "party", "name": "深圳华信贸易有限公司", "country": "CN"},
                        {
                            "type": "party",
                            "name": "Huaxin Trading (Shenzhen) Co Ltd",
                            "phone": "+86 755 8888 1234",
                        },
                    ]
                }
            ]
        },
    }


class MatchCandidate(BaseModel):
    entity_id: str
    party_id: str = Field(description="The member that matched best.")
    name: str
    country: str | None
    score: float = Field(ge=0, le=1)
    match: bool = Field(description="score >= threshold")
    features: dict[str, float]
    explanation: str


class MatchResult(BaseModel):
    query: MatchQuery
    candidates: list[MatchCandidate]


class MatchResponse(BaseModel):
    threshold: float
    results: list[MatchResult]


@router.post(
    "/match",
    response_model=MatchResponse | PartnerMatchResponse,
    summary="Match up to 100 query entities against the resolved parties",
    description="Per query, the entities ranked by score, each with per-feature scores "
    "and a one-line explanation (in the spirit of the OpenSanctions yente `/match`). "
    "A partner is answered hit / no-hit (`PartnerMatchResponse`): the matching parties "
    "its agency may see, with their records, and for AMBER records it may not see, "
    "under an agreement allowing lookups, only the holding agency, a reference to ask "
    "for them by and the agency's contact point.",
    responses={422: {"model": Problem}, 503: {"model": Problem}},
)
async def match(
    request: Request,
    viewer: LookupDep,
    store: StoreDep,
    body: MatchRequest,
    threshold: Annotated[float, Query(ge=0.5, le=1.0)] = AUTO_THRESHOLD,
    limit: Annotated[int, Query(ge=1, le=50)] = 5,
) -> Response:
    batch = [
        QueryParty(
            name=q.name,
            country=q.country,
            address=q.address,
            phone=q.phone,
            email=q.email,
            registration_id=q.registration_id,
        )
        for q in body.queries
    ]

    if viewer.role is Role.PARTNER:

        def partner() -> PartnerMatchResponse:
            found = lookup(store, viewer, batch, threshold=threshold, limit=limit)
            return partner_match_response(
                threshold, [q.model_dump(exclude_none=True) for q in body.queries], found
            )

        return await json_answer(request, partner)

    def build() -> MatchResponse:
        found = match_parties(store, viewer, batch, threshold=threshold, limit=limit)
        return MatchResponse(
            threshold=threshold,
            results=[
                MatchResult(
                    query=query,
                    candidates=[MatchCandidate(**c.__dict__) for c in candidates],
                )
                for query, candidates in zip(body.queries, found, strict=True)
            ],
        )

    return await json_answer(request, build)


class JudgementIn(BaseModel):
    a: str = Field(max_length=300, description="One Party id.")
    b: str = Field(max_length=300, description="The other Party id.")
    decision: Literal["confirmed", "rejected", "unsure"]
    reason: str = Field("", max_length=2000, description="Why, in the analyst's words.")

    model_config = {
        "extra": "forbid",
        "json_schema_extra": {
            "examples": [
                {
                    "a": "party:0a1b2c3d4e5f6a7b8c9d0e1f",
                    "b": "party:3f1c0d9e8b7a6c5d4e3f2a1b",
                    "decision": "rejected",
                    "reason": "Different registration numbers; namesakes in Dongguan and Shenzhen.",
                }
            ]
        },
    }


class JudgementOut(BaseModel):
    a: str
    b: str
    status: str
    score: float | None
    explanation: str | None
    decided_by: str = Field(description="The principal that decided: the caller.")
    decided_agency: str | None = Field(description="Its agency.")
    decided_at: str
    reason: str


@router.post(
    "/judgements",
    response_model=JudgementOut,
    status_code=201,
    summary="Confirm, reject or mark unsure a link between two parties",
    description="A rejection stands: no later automatic run links the pair again. "
    "Entities are recomputed at once. The caller is recorded as the one who decided; "
    "both parties must be visible to the caller's agency.",
    responses={404: {"model": Problem}, 422: {"model": Problem}, 503: {"model": Problem}},
)
def post_judgement(
    request: Request, viewer: AnalystDep, store: StoreDep, body: JudgementIn
) -> JudgementOut:
    if body.a == body.b:
        raise InvalidInput("a and b are the same party: judge two different ones", "b")
    result = judge(
        store,
        Judgement(
            a=body.a,
            b=body.b,
            status=LinkStatus(body.decision),
            decided_by=viewer.principal or "",
            reason=body.reason,
            agency=viewer.agency,
        ),
        viewer,
    )
    return noted(request, JudgementOut(**result))
