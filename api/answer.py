"""Answers of the routes that call the graph: built off the event loop, sent as JSON.

A plain `def` route costs FastAPI two hops through its thread pool (the route, then
the validation of what it returned against `response_model`), and validates the
answer a second time. `json_answer` makes one hop: the service call, the pydantic
model (validated once, as it is built) and its JSON all happen in the thread; the
event loop only sends the bytes. `response_model` stays on the route for OpenAPI.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool


async def json_answer(build: Callable[[], BaseModel]) -> Response:
    """Run `build` (blocking: it reads the graph) in the thread pool and answer with
    the model it returns, serialised as FastAPI would (by alias)."""

    def run() -> bytes:
        return build().model_dump_json(by_alias=True).encode()

    return Response(await run_in_threadpool(run), media_type="application/json")
