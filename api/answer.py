"""Answers of the routes that call the graph: built off the event loop, sent as JSON.

A plain `def` route costs FastAPI two hops through its thread pool (the route, then
the validation of what it returned against `response_model`), and validates the
answer a second time. `json_answer` makes one hop: the service call, the pydantic
model (validated once, as it is built) and its JSON all happen in the thread; the
event loop only sends the bytes. `response_model` stays on the route for OpenAPI.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Request, Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

# The list fields an answer's items are counted from, for the audit, first found.
_ITEM_FIELDS = (
    "items",
    "hits",
    "results",
    "paths",
    "nodes",
    "groups",
    "members",
    "entries",
    "versions",
)


def count_items(answer: Any) -> int:
    """How many items an answer returns, for the audit: the length of its first list
    of `_ITEM_FIELDS` (a graph's nodes, a search's hits...), or 1."""
    for name in _ITEM_FIELDS:
        value = getattr(answer, name, None)
        if isinstance(value, list):
            return len(value)
    graph = getattr(answer, "graph", None)
    if graph is not None and isinstance(getattr(graph, "nodes", None), list):
        return len(graph.nodes)
    return 1


def noted(request: Request, answer: Any) -> Any:
    """`answer`, its items counted for the audit."""
    request.state.items = count_items(answer)
    return answer


async def json_answer(request: Request, build: Callable[[], BaseModel]) -> Response:
    """Run `build` (blocking: it reads the graph) in the thread pool and answer with
    the model it returns, serialised as FastAPI would (by alias)."""

    def run() -> bytes:
        return noted(request, build()).model_dump_json(by_alias=True).encode()

    return Response(await run_in_threadpool(run), media_type="application/json")
