"""The HTTP API: `create_app()` builds it; one table maps errors to problem answers.

Routes hold HTTP only and call services in `graph/`; no route sees a driver
exception. Every route but the probes and the documentation needs an API key
(`api.auth`), heavy calls are limited per principal (`api.limits`), every call is
audited before its answer leaves and bodies are bounded (`api.middleware`), every
error is an RFC 9457 problem (`api.problems`). A database that is away gives 503
with `Retry-After`, never a 500 or a hang (the store's timeouts bound every call,
`api.stall` a database that is frozen).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api.audit import AuditLog
from api.auth import PrincipalCache
from api.docs import serve_docs_offline
from api.limits import HeavyCallDep, HeavyCallLimits
from api.middleware import GuardMiddleware
from api.params import TextDep
from api.problems import EXCEPTION_HANDLERS, PROBLEM_RESPONSES
from api.routes import (
    alerts,
    analysis,
    entities,
    exchange,
    exports,
    graph_routes,
    health,
    networks,
    pictures,
    principals,
    records,
    resolution,
    seizures,
    stats,
    suggestions,
)
from api.stall import DatabaseCheck, StallGuard
from api.workspace import mount_workspace
from graph.config import Settings, get_settings
from graph.store import GraphStore


def open_api_store(settings: Settings) -> GraphStore:
    """The store the API serves from: short retries, because a caller is better
    served by a quick 503 than by a request that waits the loader's retry budget."""
    return GraphStore.open(
        settings, max_transaction_retry_time_s=settings.api_transaction_retry_time_s
    )


def create_app(settings: Settings | None = None, store: GraphStore | None = None) -> FastAPI:
    """The API. With no store given, it opens the one the settings name at start-up
    (starting the embedded server when no Neo4j is configured) and closes it at
    shutdown."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = store is None
        app.state.store = store or open_api_store(settings)
        try:
            yield
        finally:
            audit.close()
            check.close()
            if owned:
                app.state.store.close()

    audit = AuditLog(settings.audit_dir, fsync=settings.audit_fsync)
    check = DatabaseCheck()

    app = FastAPI(
        title="iprgraph",
        summary="Seizure records of many customs agencies in one graph: infringers "
        "resolved, networks traced across jurisdictions.",
        version="0.1.0",
        lifespan=lifespan,
        exception_handlers=EXCEPTION_HANDLERS,  # type: ignore[arg-type]
    )
    app.state.settings = settings
    app.state.audit = audit
    app.state.principals = PrincipalCache(settings.data_dir)
    app.state.limits = HeavyCallLimits(
        settings.data_dir / "limits",
        concurrent=settings.api_heavy_concurrent,
        per_minute=settings.api_heavy_per_minute,
    )
    # Inside the audit's middleware, so that a call answered 503 for a frozen
    # database is audited as such.
    app.add_middleware(StallGuard, check_after_s=settings.api_stall_check_s, check=check)
    app.add_middleware(
        GuardMiddleware,
        audit=audit,
        max_body_bytes=settings.api_max_body_bytes,
        larger={"/v1/records": (settings.api_max_push_bytes, "IPRGRAPH_API_MAX_PUSH_BYTES")},
    )
    app.include_router(health.router)
    for router in (
        graph_routes.router,
        seizures.router,
        entities.router,
        resolution.router,
        suggestions.router,
        stats.router,
        analysis.router,
        networks.router,
        pictures.router,
        exports.router,
        principals.router,
        records.router,
        exchange.router,
        alerts.router,
    ):
        # Text that is not text is refused before anything reads it; heavy calls
        # hold one of their principal's slots (`api.limits`).
        app.include_router(
            router,
            prefix="/v1",
            responses=PROBLEM_RESPONSES,
            dependencies=[TextDep, HeavyCallDep],
        )
    serve_docs_offline(app)
    mount_workspace(app, settings)
    return app
