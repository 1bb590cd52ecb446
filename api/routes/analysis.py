"""Link analysis: the neighbourhood of a node, and paths between two nodes.

Both answer in the one subgraph shape (`SubgraphOut`): nodes with type, label, key
properties and jurisdiction; edges with type, direction, weight and the seizure
records that evidence them. Hubs (ports, jurisdictions, agencies, rights holders,
nodes with very many links) are shown and not walked through unless asked; every
cap says what it left out.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import BaseModel, Field

from api.answer import json_answer
from api.auth import ReaderDep
from api.deps import SettingsDep, StoreDep
from api.params import invalid_parameter, known_parameters, within
from api.problems import Problem
from api.schemas import GraphEdgeOut, SubgraphOut
from graph.analysis.expand import DEGREE_CAP, HUB_DEGREE, NODE_TYPES
from graph.analysis.neighbourhood import DEFAULT_LIMIT, MAX_DEPTH, MAX_LIMIT, neighbourhood
from graph.analysis.paths import MAX_HOPS, MAX_K, PathMode, find_paths

router = APIRouter(tags=["link analysis"])

_HUBS = (
    "Hubs (ports, jurisdictions, agencies, rights holders, and any node with more than "
    f"{HUB_DEGREE} links: a famous mark, a carrier's pooled container, a busy forwarder)"
)


class Neighbourhood(SubgraphOut):
    anchor: str = Field(description="The node asked about.")
    depth: int


class PathOut(BaseModel):
    length: int = Field(description="Hops.")
    strength: float = Field(
        description="Product of the hops' weights: 1 when every hop is a strong link "
        "(same seizure, shared phone), small when a hop is weak (a container, a forwarder)."
    )
    nodes: list[str] = Field(description="Node ids from source to target.")
    hops: list[list[GraphEdgeOut]] = Field(
        description="Per hop, the relationships between its two nodes, strongest first, "
        "each citing the seizure records that evidence it."
    )


class Paths(BaseModel):
    source: str
    target: str
    mode: PathMode
    max_hops: int
    paths: list[PathOut] = Field(description="Fewest hops first, then strongest.")
    graph: SubgraphOut = Field(description="The nodes and edges of all the paths, to draw.")
    levels_walked: int = Field(description="Levels expanded from the two ends together.")
    nodes_walked: int = Field(description="Nodes the search saw.")
    truncated: bool = Field(description="A cap may have hidden a path; `notes` says which.")
    notes: list[str]


def _types(value: str | None) -> list[str] | None:
    """`types=Party,Seizure`: node types by name, any case; 422 naming the bad one."""
    if value is None or not value.strip():
        return None
    by_folded = {name.casefold(): name for name in NODE_TYPES}
    names = []
    for part in value.split(","):
        name = by_folded.get(part.strip().casefold())
        if name is None:
            raise invalid_parameter(
                "types",
                f"unknown node type {part.strip()!r}; known: {', '.join(NODE_TYPES)}",
                value,
            )
        names.append(name)
    return names


@router.get(
    "/entities/{node_id}/neighborhood",
    response_model=Neighbourhood,
    summary="The neighbourhood of a party, seizure, container, mark or any node",
    description=(
        "Breadth first, `depth` relationships out. A node shows at most "
        f"{DEGREE_CAP} neighbours (links that identify first, then the newest records) "
        f"and counts the rest in `omitted`. {_HUBS} are shown, not expanded, unless "
        "`through_hubs=true`. The answer stops at `limit` nodes; `truncated` and `notes` "
        "say what any cap left out."
    ),
    responses={404: {"model": Problem}, 422: {"model": Problem}, 503: {"model": Problem}},
    dependencies=[known_parameters("depth", "types", "limit", "through_hubs")],
)
async def get_neighbourhood(
    request: Request,
    viewer: ReaderDep,
    store: StoreDep,
    settings: SettingsDep,
    node_id: Annotated[
        str,
        Path(
            description="Any node id: a party (`party:...`), a seizure (`AGENCY:record`), "
            "a container number, `tm:<mark>`, `doc:<number>`, a UN/LOCODE...",
            max_length=300,
        ),
    ],
    depth: Annotated[int, Query(ge=1, le=MAX_DEPTH), within("depth", 1, MAX_DEPTH)] = 1,
    types: Annotated[
        str | None,
        Query(
            description="Only neighbours of these node types, comma-separated "
            f"({', '.join(NODE_TYPES)}); the walk goes on through those shown.",
            max_length=300,
        ),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT), within("limit", 1, MAX_LIMIT)] = DEFAULT_LIMIT,
    through_hubs: Annotated[bool, Query(description="Expand hubs too.")] = False,
) -> Response:
    wanted = _types(types)

    def build() -> Neighbourhood:
        graph = neighbourhood(
            store,
            viewer,
            node_id,
            depth=depth,
            types=wanted,
            limit=limit,
            through_hubs=through_hubs,
            time_limit_s=settings.analysis_time_limit_s,
        )
        return Neighbourhood.model_validate(
            {**vars(graph), "anchor": node_id, "depth": depth}, from_attributes=True
        )

    return await json_answer(request, build)


@router.get(
    "/paths",
    response_model=Paths,
    summary="Paths between two nodes, each hop with the records that evidence it",
    description=(
        "Across identity links (parties of one seizure, shared addresses, phones, "
        "emails, registration numbers, transport documents, cases) and SAME_AS. "
        f"{_HUBS} are not walked through unless `through_hubs=true`. `mode=shortest` "
        "gives the strongest of the shortest paths, `all_shortest` all of them, `k` the "
        "`k` shortest simple paths of at most `max_hops`."
    ),
    responses={404: {"model": Problem}, 422: {"model": Problem}, 503: {"model": Problem}},
    dependencies=[known_parameters("source", "target", "max_hops", "mode", "k", "through_hubs")],
)
async def get_paths(
    request: Request,
    viewer: ReaderDep,
    store: StoreDep,
    settings: SettingsDep,
    source: Annotated[str, Query(min_length=1, max_length=300, description="A node id.")],
    target: Annotated[str, Query(min_length=1, max_length=300, description="A node id.")],
    max_hops: Annotated[int, Query(ge=1, le=MAX_HOPS), within("max_hops", 1, MAX_HOPS)] = 4,
    mode: PathMode = PathMode.SHORTEST,
    k: Annotated[
        int, Query(ge=1, le=MAX_K, description="Paths for mode=k."), within("k", 1, MAX_K)
    ] = 3,
    through_hubs: Annotated[bool, Query(description="Walk through hubs too.")] = False,
) -> Response:
    if source == target:
        raise invalid_parameter("target", "target is the source; a path needs two nodes", "")

    def build() -> Paths:
        answer = find_paths(
            store,
            viewer,
            source,
            target,
            max_hops=max_hops,
            mode=mode,
            k=k,
            through_hubs=through_hubs,
            time_limit_s=settings.analysis_time_limit_s,
        )
        return Paths.model_validate(
            {**vars(answer), "graph": answer.subgraph}, from_attributes=True
        )

    return await json_answer(request, build)
