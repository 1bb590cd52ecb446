"""Matching query entities against the graph, and analysts' judgements on links."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field, model_validator

from api.answer import json_answer, noted
from api.auth import AnalystDep, LookupDep
from api.deps import SettingsDep, StoreDep
from api.problems import Problem
from api.routes.exchange import PartnerMatchResponse, partner_match_response
from graph.access import Role
from graph.errors import InvalidInput
from graph.exchange.lookups import lookup
from graph.identifiers import agency_region, read_phone
from graph.live.alerts import AlertConfig
from graph.model import LinkStatus
from graph.pipeline import judge_and_update
from graph.resolve.entities import Judgement
from graph.resolve.match import QueryParty, match_parties, query_profile
from graph.resolve.score import AUTO_THRESHOLD
from ingest.normalise.countries import resolve_country

router = APIRouter(tags=["resolution"])

MAX_QUERIES = 100


class MatchQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: Literal["party"] = Field("party", description="What is looked for (parties for now).")
    name: str | None = Field(
        None,
        min_length=1,
        max_length=300,
        description="May be left out when an identifier is given: a query of a phone, "
        "email, registration number or address alone is scored by what it shares.",
    )
    country: str | None = Field(None, max_length=60, description="Code or name, any spelling.")
    address: str | None = Field(None, max_length=500)
    phone: str | None = Field(None, max_length=60)
    email: str | None = Field(None, max_length=200)
    registration_id: str | None = Field(None, max_length=60)

    @model_validator(mode="after")
    def _something_to_match(self) -> MatchQuery:
        if not any((self.name, self.phone, self.email, self.registration_id, self.address)):
            raise ValueError("a query needs a name, or a phone, email, registration_id or address")
        return self


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
    read: list[str] = Field(
        default_factory=list,
        description="How identifiers were read (a phone without its country code: in the "
        "query's country, else in the caller's agency's jurisdiction).",
    )
    problems: list[str] = Field(
        default_factory=list, description="What in the query could not be read, and why."
    )


class MatchResponse(BaseModel):
    threshold: float
    results: list[MatchResult]


def read_query(q: MatchQuery, region: str | None) -> tuple[QueryParty, list[str], list[str]]:
    """The query as matching takes it, how its identifiers were read, and what could
    not be (a phone without country code is read in the query's country, else in
    `region`, the caller's agency's jurisdiction)."""
    notes: list[str] = []
    phone = q.phone
    country = resolve_country(q.country) if q.country else None
    if q.phone:
        number, how = read_phone(q.phone, country, region)
        if number:
            phone = number
            notes.append(f"phone {q.phone!r} read as {number}, {how}")
    party = QueryParty(
        name=q.name or "",
        country=q.country,
        address=q.address,
        phone=phone,
        email=q.email,
        registration_id=q.registration_id,
    )
    _, problems = query_profile(party)
    if q.phone and phone == q.phone:
        problems = [
            p.replace("is not a phone number", f"is not a phone number ({how})") for p in problems
        ]
    return party, notes, problems


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
    read = [read_query(q, agency_region(viewer)) for q in body.queries]
    batch = [party for party, _, _ in read]

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
                    read=notes,
                    problems=problems,
                )
                for query, candidates, (_, notes, problems) in zip(
                    body.queries, found, read, strict=True
                )
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
    links_decided_again: int = Field(
        0, description="Automatic links around the pair decided again (a rejection splits)."
    )
    parties_whose_entity_changed: int = Field(
        0, description="Parties whose entity changed, as a whole or in some agency's view."
    )
    networks: dict[str, Any] | None = Field(
        None,
        description="How the networks around the two parties' entities were updated: "
        "mode (incremental, or full and why), networks written and deleted, seconds.",
    )
    alerts: dict[str, Any] | None = Field(
        None,
        description="The alerts the judgement raised for the caller's agency (a watched "
        "network crossing its risk threshold or reaching a new jurisdiction, a watched "
        "entity or network gaining or losing parties: GET /v1/alerts), and seconds.",
    )


@router.post(
    "/judgements",
    response_model=JudgementOut,
    status_code=201,
    summary="Confirm, reject or mark unsure a link between two parties",
    description="For analysts. A judgement takes effect at once and stands: no later "
    "automatic run overrides it. A confirmation joins the two entities; a rejection keeps "
    "the parties apart, and where other links still made them one entity those links are "
    "decided again around it, so the entity splits; unsure keeps the pair as it is and "
    "leaves it in the review queue (GET /v1/suggestions). Entities and networks answer "
    "accordingly from the next request. The caller is recorded as the one who decided; "
    "both parties must be visible to the caller's agency.",
    responses={404: {"model": Problem}, 422: {"model": Problem}, 503: {"model": Problem}},
)
def post_judgement(
    request: Request,
    viewer: AnalystDep,
    store: StoreDep,
    settings: SettingsDep,
    body: JudgementIn,
) -> JudgementOut:
    if body.a == body.b:
        raise InvalidInput("a and b are the same party: judge two different ones", "b")
    result, networks = judge_and_update(
        store,
        Judgement(
            a=body.a,
            b=body.b,
            status=LinkStatus(body.decision),
            decided_by=viewer.principal or "",
            reason=body.reason,
            agency=viewer.agency,
        ),
        lock=settings.data_dir / "pipeline.lock",
        alerting=AlertConfig.from_settings(settings),
        viewer=viewer,
    )
    raised = result.pop("alerts")
    return noted(
        request,
        JudgementOut(
            **result, networks=networks.as_dict(), alerts=raised.for_agency(viewer.agency)
        ),
    )
