"""The HTTP API: `create_app()` builds it; one table maps domain errors to answers.

Routes hold HTTP only and call services in `graph/`; no route sees a driver
exception. A database that is away gives 503 with `Retry-After`, never a 500 or a
hang (the store's timeouts bound every call).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from api.docs import serve_docs_offline
from api.routes import (
    analysis,
    entities,
    graph_routes,
    health,
    networks,
    resolution,
    seizures,
    stats,
)
from graph.config import Settings, get_settings
from graph.errors import GraphUnavailable, IprgraphError
from graph.store import GraphStore


def _error_answer(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, IprgraphError)
    headers = {}
    if isinstance(exc, GraphUnavailable):
        headers["Retry-After"] = str(exc.retry_after_s)
    return JSONResponse({"detail": exc.message}, status_code=exc.status_code, headers=headers)


# One table: every domain error class answers with the status it carries.
EXCEPTION_HANDLERS = {IprgraphError: _error_answer}


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
            if owned:
                app.state.store.close()

    app = FastAPI(
        title="iprgraph",
        summary="Seizure records of many customs agencies in one graph: infringers "
        "resolved, networks traced across jurisdictions.",
        version="0.1.0",
        lifespan=lifespan,
        exception_handlers=EXCEPTION_HANDLERS,  # type: ignore[arg-type]
    )
    app.state.settings = settings
    app.include_router(health.router)
    app.include_router(graph_routes.router, prefix="/v1")
    app.include_router(seizures.router, prefix="/v1")
    app.include_router(entities.router, prefix="/v1")
    app.include_router(resolution.router, prefix="/v1")
    app.include_router(stats.router, prefix="/v1")
    app.include_router(analysis.router, prefix="/v1")
    app.include_router(networks.router, prefix="/v1")
    serve_docs_offline(app)
    return app
