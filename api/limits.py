"""Per-principal limits on heavy calls: one caller cannot take the API from the others.

A heavy call walks or aggregates much of the graph in Python: a path search, a
neighbourhood of depth 2 or more, statistics, a network's detail (centrality,
communities), a picture, an export. Eight path searches at once from one key took a
seizure lookup of another from 15 ms to 4.3 s at p50 (BENCHMARKS.md). So each
principal may have at most `api_heavy_concurrent` heavy calls running at once and
start at most `api_heavy_per_minute` a minute (a burst of as many); past either, the
call is refused with 429, a `Retry-After` and one sentence. Light calls (a seizure,
a search, a lookup, a 1-hop neighbourhood) are never limited.

The limits hold for the host, not for one API process: a principal's running calls
are slots it holds as `flock` locks on small files in `DATA_DIR/limits/` (released by
the kernel when a process dies, so a crash never leaks one), and its minute's budget
is a token bucket kept in one more such file under its lock. Files are named by a
digest of the principal's id.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import math
import os
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated

from fastapi import Depends, Request

from api.auth import current_principal
from api.problems import ApiProblem
from api.problems import route_template as template_of
from graph.principals import Principal

# Routes whose every call is heavy, by template (a prefix ends with "/").
_HEAVY: dict[str, str] = {
    "/v1/paths": "path search",
    "/v1/stats/seizures": "statistics",
    "/v1/exchange/statistics": "statistics",
    "/v1/networks/{network_id}": "network detail",
    "/v1/pictures/": "picture",
    "/v1/export": "export",
}
_NEIGHBOURHOOD = "/v1/entities/{node_id}/neighborhood"
# A neighbourhood this deep or deeper is heavy: one level is one indexed statement,
# two levels are up to 50 times as many nodes.
_DEEP = 2
# What a refused caller is told to wait for a slot: heavy calls take about a second.
_SLOT_RETRY_S = 1


def heavy_kind(template: str | None, depth: str | None) -> str | None:
    """What heavy call a route template (with the `depth` asked) is; None for a
    light one."""
    if template is None:
        return None
    if template == _NEIGHBOURHOOD:
        try:
            return "deep neighbourhood" if int(depth or 1) >= _DEEP else None
        except ValueError:
            return None  # the route's own validation refuses it
    for route, kind in _HEAVY.items():
        if template == route or (route.endswith("/") and template.startswith(route)):
            return kind
    return None


def too_many(detail: str, retry_after_s: int) -> ApiProblem:
    return ApiProblem(
        429,
        "too-many-requests",
        "Too many heavy calls",
        detail,
        {"Retry-After": str(max(1, retry_after_s))},
    )


class HeavyCallLimits:
    """The slots and minute budgets of every principal of this host."""

    def __init__(self, folder: Path, *, concurrent: int, per_minute: int) -> None:
        self.folder = folder
        self.concurrent = concurrent
        self.per_minute = per_minute

    def _file(self, principal_id: str, suffix: str) -> int:
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        digest = hashlib.sha256(principal_id.encode()).hexdigest()[:32]
        return os.open(self.folder / f"{digest}.{suffix}", os.O_RDWR | os.O_CREAT, 0o600)

    def _take_slot(self, principal_id: str) -> int | None:
        """A slot's locked file descriptor, or None when every slot is held."""
        for number in range(self.concurrent):
            fd = self._file(principal_id, f"slot{number}")
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                continue
            return fd
        return None

    def _take_token(self, principal_id: str) -> float:
        """Take one token of the principal's bucket; 0 when taken, else the
        seconds until one is there."""
        rate = self.per_minute / 60.0
        fd = self._file(principal_id, "bucket")
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            now = time.time()
            raw = os.pread(fd, 64, 0).decode("ascii", "replace").split()
            try:
                tokens, stamp = float(raw[0]), float(raw[1])
            except (IndexError, ValueError):
                tokens, stamp = float(self.per_minute), now
            tokens = min(float(self.per_minute), tokens + max(0.0, now - stamp) * rate)
            wait = 0.0
            if tokens >= 1.0:
                tokens -= 1.0
            else:
                wait = (1.0 - tokens) / rate
            state = f"{tokens:.6f} {now:.6f}".encode().ljust(64)
            os.pwrite(fd, state, 0)
            return wait
        finally:
            os.close(fd)  # closing releases the lock

    @contextlib.asynccontextmanager
    async def slot(self, principal_id: str, kind: str) -> AsyncIterator[None]:
        """Hold one of the principal's slots while the call runs; 429 when none is
        free or the minute's budget is spent."""
        fd = self._take_slot(principal_id)
        if fd is None:
            raise too_many(
                f"This key already runs {self.concurrent} heavy calls (paths, deep "
                "neighbourhoods, statistics, network details, pictures, exports) at once, "
                f"the most it may (IPRGRAPH_API_HEAVY_CONCURRENT); send this {kind} when "
                "one of them has answered.",
                _SLOT_RETRY_S,
            )
        try:
            wait = self._take_token(principal_id)
            if wait > 0:
                raise too_many(
                    f"This key started {self.per_minute} heavy calls in the last minute, "
                    f"the most it may (IPRGRAPH_API_HEAVY_PER_MINUTE); send this {kind} "
                    f"again in {math.ceil(wait)} s.",
                    math.ceil(wait),
                )
            yield
        finally:
            os.close(fd)  # closing releases the lock


async def heavy_call_slot(
    request: Request, principal: Annotated[Principal, Depends(current_principal)]
) -> AsyncIterator[None]:
    """A dependency of every `/v1` route: a heavy call holds one of its principal's
    slots while it runs; a light one passes."""
    kind = heavy_kind(template_of(request.scope), request.query_params.get("depth"))
    if kind is None:
        yield
        return
    limits: HeavyCallLimits = request.app.state.limits
    async with limits.slot(principal.id, kind):
        yield


HeavyCallDep = Depends(heavy_call_slot)
