"""Who is calling, and whether its role may use the route: one dependency per rule.

Every route but `/healthz`, `/readyz` and the documentation takes a key as
`Authorization: Bearer <key>` (OpenAPI's `securitySchemes`, so /docs has an
Authorize button), or, for a GET, the session cookie of the web workspace
(`api.workspace.sessions`): 401 for no key, a key iprgraph never issued, or a revoked one;
403 for a role the route is not for. The key is looked up on every call, so a
revoked key stops working at once everywhere. Routes take the outcome as a
`Viewer` (`graph.access`): the agency whose view their answer is computed over.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.deps import StoreDep
from api.problems import forbidden, unauthorized
from api.workspace.sessions import session_principal
from graph.access import READERS, Role, Viewer
from graph.principals import KEY_PREFIX, Principal, authenticate

_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="ApiKey",
    description="An API key, sent as `Authorization: Bearer ipr_...`; "
    "`iprgraph principals create` makes one and shows it once.",
)


def current_principal(
    request: Request,
    store: StoreDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The principal holding the key the call presents (a plain `def`: the lookup
    reads the graph, so FastAPI runs it in its thread pool)."""
    if credentials is None or not credentials.credentials:
        # A browser signed in to the workspace follows the links of its pages (a
        # picture's API answers, an export) with its session cookie: GET only.
        session = session_principal(request, store)
        if session is not None:
            return session
        raise unauthorized(
            "This route needs an API key, sent as 'Authorization: Bearer <key>'; "
            "'iprgraph principals create' makes one."
        )
    key = credentials.credentials.strip()
    principal = authenticate(store, key)
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
