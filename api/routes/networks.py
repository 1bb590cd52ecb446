"""Infringer networks: the one an entity belongs to, networks ranked, one in detail.

Networks are computed by `iprgraph networks build` (and after every resolve) and
stored, so these routes read them, never compute them; see
`graph.analysis.networks` for how they are formed and how risk is scored.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import Field

from api.answer import json_answer, noted
from api.auth import ReaderDep
from api.deps import StoreDep
from api.params import Page, invalid_parameter, iso_date, within
from api.problems import Problem
from api.schemas import NetworkDetailOut, NetworkOut, NetworkPageOut
from graph.analysis import networks as service
from graph.cursor import InvalidCursor

router = APIRouter(tags=["networks"])

MAX_JURISDICTIONS = 50
_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": Problem, "description": "No network (or entity) has this id."},
    503: {"model": Problem, "description": "The database is away or too slow."},
}


class NetworkListQuery(Page):
    """Query parameters of `GET /v1/networks`."""

    min_jurisdictions: Annotated[
        int,
        Field(
            ge=1,
            le=MAX_JURISDICTIONS,
            description="Only networks seized in at least this many jurisdictions "
            f"(1 to {MAX_JURISDICTIONS}).",
            examples=[2],
        ),
        within("min_jurisdictions", 1, MAX_JURISDICTIONS),
    ] = 1
    since: Annotated[dt.date | None, iso_date("since")] = Field(
        default=None,
        description="Only networks with a seizure on or after this date (YYYY-MM-DD).",
        examples=["2024-01-01"],
    )
    sort: service.NetworkSort = Field(
        default=service.NetworkSort.RISK,
        description="risk (highest first), value (USD, highest first), seizures (most "
        "first) or recent (latest seizure first); ties by id.",
    )


def _network(view: service.NetworkView, model: type[NetworkOut]) -> Any:
    data: dict[str, Any] = {
        **view.summary.__dict__,
        "confirmed_entities": view.confirmed_entities,
        "risk_inputs": view.risk_inputs,
        "graph": view.graph,
        "routes": view.routes,
    }
    if isinstance(view, service.NetworkDetail):
        data.update(
            key_players=view.key_players, communities=view.communities, timeline=view.timeline
        )
    return model.model_validate(data, from_attributes=True)


@router.get(
    "/entities/{entity_id}/network",
    response_model=NetworkOut,
    summary="The infringer network an entity belongs to",
    responses=_ERRORS,
)
async def entity_network(
    request: Request,
    viewer: ReaderDep,
    store: StoreDep,
    entity_id: Annotated[
        str, Path(max_length=300, description="An entity id or any of its parties' ids.")
    ],
) -> Response:
    """The network the entity belongs to: its members and the identity links that
    bind them (weights, kinds of evidence, the seizure records behind each), the
    jurisdictions and agencies it spans, seizures, value in USD, first and last
    seizure, transport modes and routes. 404 when the id is no party, or when the
    entity is in no network."""
    return await json_answer(
        request, lambda: _network(service.network_of(store, viewer, entity_id), NetworkOut)
    )


@router.get(
    "/networks",
    response_model=NetworkPageOut,
    summary="Infringer networks, ranked",
    responses={422: {"model": Problem}, 503: _ERRORS[503]},
)
def list_networks(
    request: Request,
    query: Annotated[NetworkListQuery, Query()],
    viewer: ReaderDep,
    store: StoreDep,
) -> NetworkPageOut:
    """Networks in the order asked, one page at a time: pass `next_cursor` back as
    `cursor` with the same `sort`.

    Risk (0 to 100) weighs seizures (10), value in USD (10), jurisdictions (15),
    recency (10), growth (10), confirmed infringers (15), shared identity (15) and
    corroborated links (15); recency counts the days from a network's last seizure
    to the newest seizure your agency's view holds, when the page is read. Each
    network explains its own score (`risk_explanation`).
    """
    try:
        page = service.list_networks(
            store,
            viewer,
            min_jurisdictions=query.min_jurisdictions,
            since=query.since,
            sort=query.sort,
            limit=query.limit,
            cursor=query.cursor,
        )
    except InvalidCursor as exc:
        raise invalid_parameter("cursor", str(exc), query.cursor) from exc
    return noted(request, NetworkPageOut.model_validate(page, from_attributes=True))


@router.get(
    "/networks/{network_id}",
    response_model=NetworkDetailOut,
    summary="One network with its key players, communities and timeline",
    responses=_ERRORS,
)
async def get_network(
    request: Request,
    viewer: ReaderDep,
    store: StoreDep,
    network_id: Annotated[str, Path(max_length=300, description="A network id (`net:...`).")],
) -> Response:
    """As `/v1/entities/{id}/network`, plus key players (betweenness and PageRank over
    the network's links), communities inside networks of 8 entities or more
    (Louvain, fixed seed) and seizures per month."""
    return await json_answer(
        request, lambda: _network(service.get_network(store, viewer, network_id), NetworkDetailOut)
    )
