"""Exports: a graph answer as a file for the tools analysts already use.

`GET /v1/export?format=...` and one scope: `network=` (a network, or an entity in
one), `node=` (a neighbourhood, with `depth`, `types`, `limit`, `through_hubs`),
`source=` and `target=` (paths, with `max_hops`, `mode`, `k`, `through_hubs`) or
`entity=`. The answer is computed over what the caller's agency may see
(`api.views`), then written by `viz.export`; the file carries the handling of the
records it holds (in the file, see `viz.export`, and in the `X-TLP` header).

i2 Analyst's Notebook takes two CSV files: `format=i2` answers a zip of
`entities.csv`, `links.csv` and `README.txt` (the column mapping and the handling);
`format=i2&part=entities` or `part=links` answers that one CSV alone.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from api.auth import ReaderDep
from api.deps import SettingsDep, StoreDep
from api.params import invalid_parameter, known_parameters
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
from graph.analysis.neighbourhood import DEFAULT_LIMIT
from graph.analysis.paths import PathMode
from graph.answers import Answer
from viz import Exported, ExportFormat, export

router = APIRouter(tags=["exports"])


class I2Part(StrEnum):
    ENTITIES = "entities"
    LINKS = "links"


# Parameters that belong to one scope only: given with another, they are refused
# rather than ignored without a word.
_NEIGHBOURHOOD_ONLY = ("depth", "types", "limit")
_PATHS_ONLY = ("max_hops", "mode", "k")
_PARAMETERS = (
    *("format", "part", "network", "node", "source", "target", "entity", "through_hubs"),
    *_NEIGHBOURHOOD_ONLY,
    *_PATHS_ONLY,
)
_MEDIA_TYPES: dict[str, dict[str, Any]] = {
    "application/graphml+xml": {},
    "application/gexf+xml": {},
    "application/json": {},
    "application/zip": {},
    "application/x-ndjson": {},
    "text/csv": {},
}
_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "content": _MEDIA_TYPES,
        "description": "The file, as an attachment; `X-TLP` gives its handling.",
        "headers": {
            "X-TLP": {
                "description": "The most restrictive TLP of the records the file holds.",
                "schema": {"type": "string"},
            }
        },
    },
    404: {"model": Problem},
    422: {"model": Problem},
    503: {"model": Problem},
}


def _scope(
    request: Request,
    network: str | None,
    node: str | None,
    source: str | None,
    target: str | None,
    entity: str | None,
) -> str:
    """Which scope the call names: exactly one, and only its own parameters."""
    given = [
        name
        for name, value in (("network", network), ("node", node), ("entity", entity))
        if value is not None
    ]
    if source is not None or target is not None:
        if source is None or target is None:
            missing = "source" if source is None else "target"
            raise invalid_parameter(missing, "paths need both source and target", None)
        given.append("paths")
    if len(given) != 1:
        raise invalid_parameter(
            "network",
            "give one scope: network=, node=, source= with target=, or entity="
            + (f" (given: {', '.join(given)})" if given else ""),
            None,
        )
    scope = given[0]
    asked = set(request.query_params)
    foreign = [
        name
        for name in (*_NEIGHBOURHOOD_ONLY, *_PATHS_ONLY, "through_hubs")
        if name in asked
        and not (
            (scope == "node" and name in (*_NEIGHBOURHOOD_ONLY, "through_hubs"))
            or (scope == "paths" and name in (*_PATHS_ONLY, "through_hubs"))
        )
    ]
    if foreign:
        raise invalid_parameter(
            foreign[0], f"{foreign[0]} does not apply to the {scope} scope", None
        )
    return scope


@router.get(
    "/export",
    response_class=Response,
    summary="A network, neighbourhood, path result or entity as GraphML, GEXF, "
    "Cytoscape.js, i2, FtM or NDJSON",
    responses=_RESPONSES,
    dependencies=[known_parameters(*_PARAMETERS)],
)
async def export_answer(
    request: Request,
    viewer: ReaderDep,
    store: StoreDep,
    settings: SettingsDep,
    format: Annotated[
        ExportFormat,
        Query(
            description="graphml (Gephi, Cytoscape), gexf (Gephi, with time intervals), "
            "cytoscape (Cytoscape.js JSON), i2 (Analyst's Notebook: a zip of entities.csv, "
            "links.csv and README.txt), ftm (FollowTheMoney entities, one a line), ndjson."
        ),
    ],
    network: Annotated[
        str | None,
        Query(min_length=1, max_length=300, description="A network id, or an entity in one."),
    ] = None,
    node: Annotated[
        str | None,
        Query(min_length=1, max_length=300, description="The neighbourhood of this node."),
    ] = None,
    depth: Depth = 2,
    types: Types = None,
    limit: NodeLimit = DEFAULT_LIMIT,
    through_hubs: ThroughHubs = False,
    source: Annotated[
        str | None, Query(min_length=1, max_length=300, description="Paths from this node...")
    ] = None,
    target: Annotated[
        str | None, Query(min_length=1, max_length=300, description="...to this one.")
    ] = None,
    max_hops: Hops = 4,
    mode: PathMode = PathMode.K,
    k: Paths = 3,
    entity: Annotated[
        str | None, Query(min_length=1, max_length=300, description="An entity or party id.")
    ] = None,
    part: Annotated[
        I2Part | None,
        Query(description="With format=i2: only entities.csv or only links.csv, not the zip."),
    ] = None,
) -> Response:
    """The answer the scope names, in `format`, computed over what the caller's agency
    may see; an attachment whose handling (the most restrictive TLP of the records it
    holds) is in the file itself and in the `X-TLP` header. Paths default to
    `mode=k` here (the CLI's choice): an export is for looking at alternatives."""
    scope = _scope(request, network, node, source, target, entity)
    if part is not None and format != ExportFormat.I2:
        raise invalid_parameter("part", "part applies to format=i2 only", part.value)
    ask: Ask
    if scope == "network":
        assert network is not None
        ask = NetworkAsk(network)
    elif scope == "node":
        assert node is not None
        ask = NeighbourhoodAsk(node, depth, node_types(types), limit, through_hubs)
    elif scope == "paths":
        assert source is not None and target is not None
        ask = PathsAsk(source, target, max_hops, mode, k, through_hubs).check()
    else:
        assert entity is not None
        ask = EntityAsk(entity)

    def write(answer: Answer) -> Exported:
        return export(answer.model, format, **answer.picture_args)

    exported: Exported = await build_answer(request, store, viewer, settings, ask, write)
    if part is not None:
        filename = f"{part.value}.csv"
        content, media_type = exported.files[filename], "text/csv; charset=utf-8"
    else:
        filename, content, media_type = (
            exported.filename,
            exported.content(),
            exported.media_type,
        )
    return Response(
        content,
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "X-TLP": exported.handling,
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )
