"""Entity lookups: search across parties, marks, containers, ports and documents,
and one entity (a resolved party cluster) with its names, sources and links."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, Field

from api.answer import noted
from api.auth import ReaderDep
from api.deps import PortsDep, StoreDep
from api.params import country_parameter, within
from api.problems import Problem
from graph.lookup import search
from graph.resolve.entities import entity

router = APIRouter(tags=["entities"])

SearchType = Literal["party", "trademark", "container", "port", "document"]


class EntityHit(BaseModel):
    type: SearchType
    id: str = Field(description="The node's id; for a party, use it with /v1/entities/{id}.")
    label: str = Field(description="Name, mark or number as the graph holds it.")
    jurisdiction: str | None
    score: float = Field(ge=0, le=1)
    why: str = Field(description="One line: why this is a hit.")
    seizures: int = Field(
        description="Seizures naming it; for a party, seizures naming any party of its entity."
    )
    entity_id: str | None = Field(None, description="For a party: the entity it belongs to.")

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "type": "party",
                    "id": "party:3f1c0d9e8b7a6c5d4e3f2a1b",
                    "label": "SHENZHEN HUAXIN TRADING CO LTD",
                    "jurisdiction": "CN",
                    "score": 0.97,
                    "why": "names 0.97 alike (Shenzhen Huaxin Trading / SHENZHEN HUAXIN ...)",
                    "seizures": 0,
                    "entity_id": "party:0a1b2c3d4e5f6a7b8c9d0e1f",
                }
            ]
        }
    }


class EntitySearch(BaseModel):
    q: str
    hits: list[EntityHit]


@router.get(
    "/entities",
    response_model=EntitySearch,
    summary="Search parties, trademarks, containers, ports and transport documents",
    responses={422: {"model": Problem}, 503: {"model": Problem}},
)
def search_entities(
    request: Request,
    viewer: ReaderDep,
    store: StoreDep,
    ports: PortsDep,
    q: Annotated[
        str,
        Query(
            min_length=1,
            max_length=300,
            description="A name (any spelling or script), mark, container number in "
            "any spacing, UN/LOCODE or port name, transport document number, or a phone "
            "(without its country code: read in `jurisdiction`, else in the caller's "
            "agency's), email, registration number or address that parties hold.",
        ),
    ],
    type: Annotated[
        list[SearchType] | None, Query(description="Only these types (repeat the parameter).")
    ] = None,
    jurisdiction: Annotated[
        str | None,
        Query(
            max_length=60,
            description="A country or jurisdiction in any spelling (HK, Hong Kong; HK and "
            "MO are jurisdictions of their own).",
        ),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=100), within("limit", 1, 100)] = 10,
) -> EntitySearch:
    hits = search(
        store,
        viewer,
        q,
        types=list(type) if type else None,
        jurisdiction=country_parameter("jurisdiction", jurisdiction),
        limit=limit,
        ports=ports,
    )
    return noted(request, EntitySearch(q=q, hits=[EntityHit(**hit.__dict__) for hit in hits]))


class Member(BaseModel):
    id: str
    name: str
    country: str | None
    roles: list[str]


class NameVariant(BaseModel):
    party: str = Field(description="The member written this way.")
    name: str = Field(description="The name exactly as the record wrote it.")
    agencies: list[str]
    seizures: int
    first_seen: str | None
    last_seen: str | None
    examples: list[str] = Field(description="Some seizure ids that wrote it so.")


class SameAs(BaseModel):
    a: str
    b: str
    status: str = Field(description="auto, suggested, confirmed, rejected or unsure.")
    score: float | None
    features: dict[str, float] | None
    explanation: str | None
    decided_by: str | None = Field(
        None,
        description="The principal that decided, for its own agency; for the others, "
        "which agency's analyst.",
    )
    decided_agency: str | None = None
    decided_at: str | None = None
    reason: str | None = Field(None, description="Why, shown to the deciding agency only.")
    inside: bool = Field(description="Both ends belong to this entity.")


class Entity(BaseModel):
    id: str = Field(description="The entity's id: the smallest Party id among its members.")
    members: list[Member]
    names: list[NameVariant]
    links: list[SameAs] = Field(description="Automatic, confirmed and rejected links.")
    suggestions: list[SameAs] = Field(description="Links that wait for an analyst.")


@router.get(
    "/entities/{entity_id}",
    response_model=Entity,
    summary="One entity: its parties, every name variant with its sources, pending suggestions",
    responses={404: {"model": Problem}, 503: {"model": Problem}},
)
def get_entity(
    request: Request,
    viewer: ReaderDep,
    store: StoreDep,
    entity_id: Annotated[str, Path(description="Any member Party's id, or the entity id.")],
) -> Entity:
    view = entity(store, viewer, entity_id)

    def member(row: dict[str, Any]) -> Member:
        roles = sorted(label.lower() for label in row["labels"] if label != "Party")
        return Member(id=row["id"], name=row["name"] or "", country=row["country"], roles=roles)

    return noted(
        request,
        Entity(
            id=view.id,
            members=[member(row) for row in view.members],
            names=[NameVariant(**row) for row in view.names],
            links=[SameAs(**row) for row in view.links],
            suggestions=[SameAs(**row) for row in view.suggestions],
        ),
    )
