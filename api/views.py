"""Graph answers that are drawn or exported, asked over HTTP: the parameters of a
neighbourhood and of a path search (the bounds of their JSON routes), and the one
place that builds the answer for the caller's view.

The picture routes (`api.routes.pictures`), the export route (`api.routes.exports`)
and the workspace's pages (`api.workspace`) all build their answers here, with
`graph.answers.Answers` for the caller's `Viewer`: what a picture or a file holds
is computed over the records the caller's agency may see, by the same services as
the JSON answers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Query, Request
from starlette.concurrency import run_in_threadpool

from api.answer import noted
from api.params import invalid_parameter, within
from graph.access import Viewer
from graph.analysis.expand import NODE_TYPES
from graph.analysis.neighbourhood import DEFAULT_LIMIT, MAX_DEPTH, MAX_LIMIT
from graph.analysis.paths import MAX_HOPS, MAX_K, PathMode
from graph.answers import Answer, Answers
from graph.config import Settings
from graph.store import GraphStore

__all__ = [
    "Ask",
    "Depth",
    "EntityAsk",
    "Hops",
    "NeighbourhoodAsk",
    "NetworkAsk",
    "NodeLimit",
    "Paths",
    "PathsAsk",
    "ThroughHubs",
    "Types",
    "build_answer",
    "node_types",
]

# The parameters as the JSON routes declare them (api/routes/analysis.py).
Depth = Annotated[
    int, Query(ge=1, le=MAX_DEPTH, description="Relationships out."), within("depth", 1, MAX_DEPTH)
]
Types = Annotated[
    str | None,
    Query(
        max_length=300,
        description="Only neighbours of these node types, comma-separated "
        f"({', '.join(NODE_TYPES)}).",
    ),
]
NodeLimit = Annotated[
    int,
    Query(ge=1, le=MAX_LIMIT, description="Nodes at most."),
    within("limit", 1, MAX_LIMIT),
]
ThroughHubs = Annotated[bool, Query(description="Walk through hubs too.")]
Hops = Annotated[
    int, Query(ge=1, le=MAX_HOPS, description="Hops at most."), within("max_hops", 1, MAX_HOPS)
]
Paths = Annotated[
    int, Query(ge=1, le=MAX_K, description="Paths for mode=k."), within("k", 1, MAX_K)
]


def node_types(value: str | None) -> list[str] | None:
    """`types=Party,Seizure`: node types by name, any case; a 422 naming a bad one."""
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


@dataclass(frozen=True)
class NeighbourhoodAsk:
    node: str
    depth: int = 2
    types: list[str] | None = None
    limit: int = DEFAULT_LIMIT
    through_hubs: bool = False


@dataclass(frozen=True)
class PathsAsk:
    source: str
    target: str
    max_hops: int = 4
    mode: PathMode = PathMode.SHORTEST
    k: int = 3
    through_hubs: bool = False

    def check(self) -> PathsAsk:
        if self.source == self.target:
            raise invalid_parameter("target", "target is the source; a path needs two nodes", "")
        return self


@dataclass(frozen=True)
class NetworkAsk:
    network: str  # a network id, or an entity or party id in one


@dataclass(frozen=True)
class EntityAsk:
    entity: str


Ask = NeighbourhoodAsk | PathsAsk | NetworkAsk | EntityAsk


def answer_for(answers: Answers, ask: Ask) -> Answer:
    """The answer `ask` names (blocking: it reads the graph)."""
    if isinstance(ask, NetworkAsk):
        return answers.network(ask.network)
    if isinstance(ask, EntityAsk):
        return answers.entity(ask.entity)
    if isinstance(ask, NeighbourhoodAsk):
        return answers.neighbourhood(ask.node, ask.depth, ask.types, ask.limit, ask.through_hubs)
    return answers.paths(ask.source, ask.target, ask.max_hops, ask.mode, ask.k, ask.through_hubs)


async def build_answer(
    request: Request,
    store: GraphStore,
    viewer: Viewer,
    settings: Settings,
    ask: Ask,
    then: Callable[[Answer], Any],
) -> Any:
    """Build the answer `ask` names as `viewer` may see it, count it for the audit,
    and turn it into what is sent with `then` (a page, a file), all in the thread
    pool: reading the graph and drawing are blocking."""

    def run() -> Any:
        answer = answer_for(Answers(store, viewer, settings.analysis_time_limit_s), ask)
        noted(request, answer.model)
        return then(answer)

    return await run_in_threadpool(run)
