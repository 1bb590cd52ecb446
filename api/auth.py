"""Who is calling, and whether its role may use the route: one dependency per rule.

Every route but `/healthz`, `/readyz` and the documentation takes a key as
`Authorization: Bearer <key>` (OpenAPI's `securitySchemes`, so /docs has an
Authorize button), or, for a GET, the session cookie of the web workspace
(`api.workspace.sessions`): 401 for no key, a key iprgraph never issued, or a
revoked one; 403 for a role the route is not for. Routes take the outcome as a
`Viewer` (`graph.access`): the agency whose view their answer is computed over.

A process keeps the principals it looked up for `CACHE_S` seconds (a lookup is a
round trip to the graph, a quarter of a 1-hop answer), and forgets them all at once
when a principal is revoked on this host: revoking (`iprgraph principals revoke`,
`DELETE /v1/principals/{id}`) touches `REVOKED_STAMP` in the data directory, which
every API process of the host checks on every call (a `stat`, microseconds). So a
revoked key stops working at once in every process of the host, and within
`CACHE_S` on other hosts sharing the graph. A workspace session reads its principal
from the graph on every call, so a revocation ends it at once everywhere.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from api.deps import StoreDep
from api.problems import forbidden, unauthorized
from api.workspace.sessions import session_principal
from graph.access import READERS, Role, Viewer
from graph.config import Settings
from graph.principals import KEY_PREFIX, Principal, authenticate, hash_key

# How long a process trusts a principal it looked up, when nothing on this host
# revoked one meanwhile.
CACHE_S = 10.0
# Touched by every revocation on this host (see the module's docstring).
REVOKED_STAMP = "principals.revoked"


def note_revocation(settings: Settings) -> None:
    """Tell every API process of this host to look its principals up again."""
    stamp = settings.data_dir / REVOKED_STAMP
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.touch()


class PrincipalCache:
    """The principals a process looked up, by key hash (keys never kept)."""

    def __init__(self, data_dir: Path) -> None:
        self.stamp = data_dir / REVOKED_STAMP
        self._seen: dict[str, tuple[float, Principal]] = {}
        self._stamp_ns = self._stamp_now()
        self._lock = threading.Lock()

    def _stamp_now(self) -> int:
        try:
            return self.stamp.stat().st_mtime_ns
        except OSError:
            return 0

    def get(self, key_hash: str) -> Principal | None:
        stamp = self._stamp_now()
        with self._lock:
            if stamp != self._stamp_ns:
                self._seen.clear()
                self._stamp_ns = stamp
            found = self._seen.get(key_hash)
        if found is None or time.monotonic() - found[0] > CACHE_S:
            return None
        return found[1]

    def put(self, key_hash: str, principal: Principal) -> None:
        with self._lock:
            self._seen[key_hash] = (time.monotonic(), principal)


_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="ApiKey",
    description="An API key, sent as `Authorization: Bearer ipr_...`; "
    "`iprgraph principals create` makes one and shows it once.",
)


async def current_principal(
    request: Request,
    store: StoreDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The principal holding the key the call presents: from this process's cache,
    or looked up in the graph (in the thread pool: it blocks)."""
    if credentials is None or not credentials.credentials:
        # A browser signed in to the workspace follows the links of its pages (a
        # picture's API answers, an export) with its session cookie: GET only.
        session = await run_in_threadpool(session_principal, request, store)
        if session is not None:
            return session
        raise unauthorized(
            "This route needs an API key, sent as 'Authorization: Bearer <key>'; "
            "'iprgraph principals create' makes one."
        )
    key = credentials.credentials.strip()
    cache: PrincipalCache = request.app.state.principals
    digest = hash_key(key)
    principal = cache.get(digest)
    if principal is None:
        principal = await run_in_threadpool(authenticate, store, key)
        if principal is not None:
            cache.put(digest, principal)
    if principal is None:
        request.state.key_prefix = key[:12] if key.startswith(KEY_PREFIX) else "(not a key)"
        raise unauthorized("The API key is not one that iprgraph issued.")
    request.state.principal = principal
    if not principal.active:
        raise unauthorized(
            f"The API key {principal.key_prefix}... was revoked on {principal.revoked_at}."
        )
    return principal


def allow(*roles: Role) -> Callable[..., Coroutine[Any, Any, Viewer]]:
    """A dependency admitting the principals of `roles`, as the viewer they are."""
    allowed = frozenset(roles)
    names = ", ".join(sorted(role.value for role in allowed))

    async def check(principal: Annotated[Principal, Depends(current_principal)]) -> Viewer:
        if principal.role not in allowed:
            raise forbidden(
                f"A principal with the role {principal.role} may not use this "
                f"route; it is for: {names}."
            )
        return Viewer(
            agency=principal.agency,
            role=principal.role,
            principal=principal.id,
            name=principal.name,
        )

    return check


# Every read of the graph: search, seizures, entities, link analysis, networks, stats.
ReaderDep = Annotated[Viewer, Depends(allow(*READERS))]
# Lookups that partners may make too (`/v1/match`).
LookupDep = Annotated[Viewer, Depends(allow(*READERS, Role.PARTNER))]
# Decisions on links (judgements) and, later, watch lists.
AnalystDep = Annotated[Viewer, Depends(allow(Role.ANALYST))]
# Principals and agreements.
AdminDep = Annotated[Viewer, Depends(allow(Role.ADMIN))]
# Pushing one's own agency's records (`POST /v1/records`): its feeds (systems) and
# its analysts.
PushDep = Annotated[Viewer, Depends(allow(Role.FEED, Role.ANALYST))]
