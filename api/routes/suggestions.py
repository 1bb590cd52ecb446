"""The review queue: links waiting for an analyst, the decisions that matter first."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from api.answer import noted
from api.auth import ReaderDep
from api.deps import StoreDep
from api.params import country_parameter, invalid_parameter, within
from api.problems import Problem
from graph.cursor import InvalidCursor
from graph.resolve.suggestions import QueueItem, QueueSort, SuggestionSide, review_queue

router = APIRouter(tags=["resolution"])


class NameWritten(BaseModel):
    name: str | None = Field(description="The name exactly as a record wrote it.")
    agencies: list[str]
    seizures: int
    first_seen: str | None
    last_seen: str | None
    examples: list[str] = Field(description="Some seizure ids that wrote it so.")


class Side(BaseModel):
    party: str = Field(description="The Party id (use it in POST /v1/judgements).")
    name: str = Field(description="Its most written spelling the caller may see.")
    country: str | None
    names_as_written: list[NameWritten]
    agencies: list[str] = Field(description="Agencies whose records name it.")
    seizures: int
    entity: str = Field(description="Its entity in the caller's view.")
    entity_members: int = Field(description="Parties of that entity.")
    network: str | None = Field(description="The network it is in, if any.")
    network_label: str | None
    network_risk: float | None

    @classmethod
    def of(cls, side: SuggestionSide) -> Side:
        return cls(
            **{k: v for k, v in side.__dict__.items() if k != "names_as_written"},
            names_as_written=[NameWritten(**n) for n in side.names_as_written],
        )


class Suggestion(BaseModel):
    a: Side
    b: Side
    status: str = Field(description="suggested (by resolution) or unsure (by an analyst).")
    score: float | None
    features: dict[str, float] | None
    explanation: str | None
    decided_by: str | None = None
    decided_agency: str | None = None
    decided_at: str | None = None
    reason: str | None = None
    one_entity: bool = Field(description="The two are one entity already, through other links.")
    joins_entities: bool = Field(description="A confirmation joins two entities.")
    joined_members: int = Field(description="Parties of the entity a confirmation leaves.")
    networks: list[str] = Field(description="The networks either party is in.")
    changes_network: bool = Field(
        description="A confirmation joins two networks or brings an entity into one."
    )
    impact: str = Field(description="What a decision would change, in one sentence.")
    last_seen: str | None = Field(None, description="Newest seizure naming either (sort=recent).")

    @classmethod
    def of(cls, item: QueueItem) -> Suggestion:
        fields = {k: v for k, v in item.__dict__.items() if k not in ("a", "b")}
        return cls(a=Side.of(item.a), b=Side.of(item.b), **fields)


class SuggestionPage(BaseModel):
    items: list[Suggestion]
    total: int = Field(description="Pending links matching the filters, on every page.")
    counts: dict[str, int] = Field(description="Of those, per status.")
    next_cursor: str | None
    sort: QueueSort
    limit: int


@router.get(
    "/suggestions",
    response_model=SuggestionPage,
    summary="The review queue: links waiting for an analyst, the decisions that matter first",
    description="For investigators, analysts and admins (analysts decide, with POST "
    "/v1/judgements). Every pending link (suggested by resolution, or marked unsure) that "
    "the caller's agency may see, exactly once: both parties as its records wrote them, "
    "with sources, the score, features and explanation, and what a decision would "
    "change in the agency's view (entities joined, networks joined). `sort=risk` (the "
    "default) puts first the links that touch the riskiest networks, then those that "
    "would change a network or join two entities, then the strongest; `score` the "
    "strongest first; `recent` the parties seized most recently first.",
    responses={422: {"model": Problem}, 404: {"model": Problem}, 503: {"model": Problem}},
)
def list_suggestions(
    request: Request,
    viewer: ReaderDep,
    store: StoreDep,
    sort: QueueSort = QueueSort.RISK,
    jurisdiction: Annotated[
        list[str] | None,
        Query(
            max_length=20,
            description="Only links with a party of this country or jurisdiction, in any "
            "spelling (HK, Hong Kong); repeat the parameter for several.",
        ),
    ] = None,
    entity: Annotated[
        str | None,
        Query(max_length=300, description="Only links touching this entity (or party) id."),
    ] = None,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
    limit: Annotated[int, Query(ge=1, le=200), within("limit", 1, 200)] = 50,
) -> SuggestionPage:
    codes = [c for c in (country_parameter("jurisdiction", j) for j in jurisdiction or []) if c]
    try:
        page = review_queue(
            store,
            viewer,
            sort=sort,
            jurisdictions=codes,
            entity=entity or None,
            limit=limit,
            cursor=cursor,
        )
    except InvalidCursor as exc:
        raise invalid_parameter("cursor", str(exc), cursor) from exc
    return noted(
        request,
        SuggestionPage(
            items=[Suggestion.of(item) for item in page.items],
            total=page.total,
            counts=page.counts,
            next_cursor=page.next_cursor,
            sort=page.sort,
            limit=page.limit,
        ),
    )
