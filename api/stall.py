"""A frozen database answers 503 within a bounded time, on every route.

A database that is dead refuses connections and the driver says so at once; one
that is frozen (a stopped process, a machine that hangs, a network that drops
packets) still has its connections accepted by the kernel and never answers, and a
statement sent on a pooled connection waits for its answer without end: the driver
has no read timeout of its own. So no call is left to wait on the database alone:

- a call not answered after `api_stall_check_s` has the database checked: a new
  connection must complete its Bolt handshake and login within
  `connection_timeout_s` (`GraphStore.answers_within`); concurrent calls share one
  check, and a result is kept for a second;
- when it does not, the call is answered 503 with `Retry-After` at once (audited as
  such) and its work is left to end by itself when the database wakes up (its
  answer is then dropped); the server's statement timeout stops what it ran;
- when it does, the call goes on (a slow statement of a database that answers is
  bounded by the statement timeout, not by this) and is checked again after
  another `api_stall_check_s`.

A frozen database is answered 503 after `api_stall_check_s + connection_timeout_s`
at most (about 5 s by default; BENCHMARKS.md). The checks run in threads of their
own, so calls that wait on the database (and hold the thread pool) do not delay
them.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.problems import PROBLEM_MEDIA_TYPE, Problem
from graph.errors import GraphUnavailable
from graph.store import GraphStore

# How long the outcome of a check stands: calls stalled at the same moment share it.
_CHECK_KEPT_S = 1.0
# Routes that never read the graph.
_NO_DATABASE = frozenset({"/healthz", "/docs", "/redoc", "/openapi.json"})


class DatabaseCheck:
    """One check of the database at a time, its outcome shared for a second."""

    def __init__(self) -> None:
        self._executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="iprgraph-check")
        self._running: asyncio.Future[bool] | None = None
        self._outcome: tuple[float, bool] | None = None

    async def answers(self, store: GraphStore) -> bool:
        if self._outcome is not None and time.monotonic() - self._outcome[0] < _CHECK_KEPT_S:
            return self._outcome[1]
        if self._running is None or self._running.done():
            loop = asyncio.get_running_loop()
            self._running = asyncio.ensure_future(
                loop.run_in_executor(self._executor, store.answers_within)
            )
        # The check bounds itself (its connection and acquisition timeouts); a
        # second more in case it does not.
        try:
            answered = await asyncio.wait_for(
                asyncio.shield(self._running), store.connection_timeout_s + 1.0
            )
        except TimeoutError:
            answered = False
        self._outcome = (time.monotonic(), answered)
        return answered

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


def _consume(task: asyncio.Task[Any]) -> None:
    """The outcome of a call answered 503 without it: retrieved, so asyncio does not
    report it as never retrieved, and dropped."""
    if not task.cancelled():
        task.exception()


class StallGuard:
    """Pure ASGI middleware: see the module's docstring."""

    def __init__(self, app: ASGIApp, *, check_after_s: float, check: DatabaseCheck) -> None:
        self.app = app
        self.check_after_s = check_after_s
        self.check = check

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.check_after_s <= 0 or scope.get("path") in _NO_DATABASE:
            await self.app(scope, receive, send)
            return
        started = False
        abandoned = False

        async def forward(message: Message) -> None:
            nonlocal started
            if abandoned:
                return  # the caller was answered 503: this answer is dropped
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        task = asyncio.ensure_future(self.app(scope, receive, forward))
        try:
            while True:
                done, _ = await asyncio.wait({task}, timeout=self.check_after_s)
                if done:
                    break
                if started:
                    continue  # an answer is being sent: nothing to replace
                store = _store_of(scope)
                if store is None or await self.check.answers(store):
                    continue
                if task.done() or started:
                    continue
                abandoned = True
                task.add_done_callback(_consume)
                await _unavailable(scope, send, store)
                return
        except asyncio.CancelledError:
            task.cancel()
            raise
        task.result()  # the call's own outcome, errors included


def _store_of(scope: Scope) -> GraphStore | None:
    app = scope.get("app")
    store = getattr(getattr(app, "state", None), "store", None)
    return store if isinstance(store, GraphStore) else None


async def _unavailable(scope: Scope, send: Send, store: GraphStore) -> None:
    detail = (
        f"The graph database at {store.uri} cannot be reached: a new connection got no "
        f"answer within {store.connection_timeout_s:g} s, so the call was not answered."
    )
    state = scope.setdefault("state", {})
    state["refusal"] = detail  # what the audit records
    body = Problem(
        type="urn:iprgraph:problem:graph-unavailable",
        title=GraphUnavailable.title,
        status=503,
        detail=detail,
        instance=scope.get("path"),
        request_id=state.get("request_id"),
    ).model_dump_json(exclude_none=True)
    data = body.encode()
    headers = [
        (b"content-type", PROBLEM_MEDIA_TYPE.encode()),
        (b"content-length", str(len(data)).encode()),
        (b"retry-after", str(GraphUnavailable.retry_after_s).encode()),
    ]
    with contextlib.suppress(OSError):
        await send({"type": "http.response.start", "status": 503, "headers": headers})
        await send({"type": "http.response.body", "body": data})
