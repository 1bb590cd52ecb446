"""Pictures: a graph answer as the standalone interactive HTML page of `viz`.

One route per kind of answer, each taking the parameters of its JSON route and
answering the page `viz.render_page` draws from the same answer, computed over what
the caller's agency may see (`api.views`). The page makes no request outside itself
(its own Content-Security-Policy forbids every one); its links point at the JSON
answers (`/v1/...`), which a browser signed in to the workspace may follow. The
page may be framed by iprgraph's own pages only.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse

from api.auth import ReaderDep
from api.deps import SettingsDep, StoreDep
from api.params import known_parameters
from api.problems import Problem
from api.views import (
    Ask,
    Depth,
    EntityAsk,
    Hops,
    NeighbourhoodAsk,
    NetworkAsk,
    NodeLimit,
    Paths,
    PathsAsk,
    ThroughHubs,
    Types,
    build_answer,
    node_types,
)
from graph.access import Viewer
from graph.analysis.neighbourhood import DEFAULT_LIMIT
from graph.analysis.paths import PathMode
from graph.answers import Answer
from graph.config import Settings
from graph.store import GraphStore
from viz import render_page

router = APIRouter(tags=["pictures"])

# Framed by iprgraph's own pages only; never kept by a cache (it holds records).
PICTURE_HEADERS = {
    "Content-Security-Policy": "frame-ancestors 'self'",
    "X-Frame-Options": "SAMEORIGIN",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
}
_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/html": {}}, "description": "The standalone HTML page."},
    404: {"model": Problem},
    422: {"model": Problem},
    503: {"model": Problem},
}


async def picture(
    request: Request, store: GraphStore, viewer: Viewer, settings: Settings, ask: Ask
) -> HTMLResponse:
    """The page of the answer `ask` names, as `viewer` may see it."""
    base = request.scope.get("root_path", "")

    def draw(answer: Answer) -> str:
        return render_page(answer.model, api_base=base, **answer.picture_args)

    html = await build_answer(request, store, viewer, settings, ask, draw)
    return HTMLResponse(html, headers=PICTURE_HEADERS)


@router.get(
    "/pictures/network/{network_id:path}",
    response_class=HTMLResponse,
    summary="Picture of a network: its entities, links, key players and communities",
    responses=_RESPONSES,
    dependencies=[known_parameters()],
)
async def network_picture(
    request: Request,
    viewer: ReaderDep,
    store: StoreDep,
    settings: SettingsDep,
    network_id: Annotated[
        str, Path(max_length=300, description="A network id (`net:...`), or an entity in one.")
    ],
) -> HTMLResponse:
    """The network as `/v1/networks/{id}` gives it, with every seizure of its
    parties (the page's TLP is that of every record behind it)."""
    return await picture(request, store, viewer, settings, NetworkAsk(network_id))


@router.get(
    "/pictures/neighborhood/{node_id:path}",
    response_class=HTMLResponse,
    summary="Picture of the neighbourhood of any node",
    responses=_RESPONSES,
    dependencies=[known_parameters("depth", "types", "limit", "through_hubs")],
)
async def neighbourhood_picture(
    request: Request,
    viewer: ReaderDep,
    store: StoreDep,
    settings: SettingsDep,
    node_id: Annotated[str, Path(max_length=300, description="Any node id.")],
    depth: Depth = 2,
    types: Types = None,
    limit: NodeLimit = DEFAULT_LIMIT,
    through_hubs: ThroughHubs = False,
) -> HTMLResponse:
    """The neighbourhood as `/v1/entities/{id}/neighborhood` gives it (depth 2 by
    default here: one hop is rarely worth a picture)."""
    ask = NeighbourhoodAsk(node_id, depth, node_types(types), limit, through_hubs)
    return await picture(request, store, viewer, settings, ask)


@router.get(
    "/pictures/paths",
    response_class=HTMLResponse,
    summary="Picture of the paths between two nodes",
    responses=_RESPONSES,
    dependencies=[known_parameters("source", "target", "max_hops", "mode", "k", "through_hubs")],
)
async def paths_picture(
    request: Request,
    viewer: ReaderDep,
    store: StoreDep,
    settings: SettingsDep,
    source: Annotated[str, Query(min_length=1, max_length=300, description="A node id.")],
    target: Annotated[str, Query(min_length=1, max_length=300, description="A node id.")],
    max_hops: Hops = 4,
    mode: PathMode = PathMode.SHORTEST,
    k: Paths = 3,
    through_hubs: ThroughHubs = False,
) -> HTMLResponse:
    """The paths as `/v1/paths` gives them."""
    ask = PathsAsk(source, target, max_hops, mode, k, through_hubs).check()
    return await picture(request, store, viewer, settings, ask)


@router.get(
    "/pictures/entity/{entity_id:path}",
    response_class=HTMLResponse,
    summary="Picture of an entity: its parties, their names as written, links and suggestions",
    responses=_RESPONSES,
    dependencies=[known_parameters()],
)
async def entity_picture(
    request: Request,
    viewer: ReaderDep,
    store: StoreDep,
    settings: SettingsDep,
    entity_id: Annotated[str, Path(max_length=300, description="An entity or party id.")],
) -> HTMLResponse:
    """The entity as `/v1/entities/{id}` gives it, with its members' seizures."""
    return await picture(request, store, viewer, settings, EntityAsk(entity_id))
