"""The web workspace at `/`: analysts sign in with a key and read the graph as
server-rendered pages (`api.workspace.pages`), in sessions kept server-side
(`api.workspace.sessions`).

`mount_workspace(app, settings)` adds its pages (none under `/v1`, `/docs`,
`/redoc`, `/openapi.json`, `/healthz` or `/readyz`), its session store and the two
handlers that turn "not signed in" into the sign-in page and a page that cannot be
shown into a page that says why.
"""

from __future__ import annotations

from fastapi import FastAPI

from api.workspace import review
from api.workspace.pages import (
    PageError,
    SignInNeeded,
    page_error,
    router,
    sign_in_needed,
    workspace_store,
)
from graph.config import Settings

__all__ = ["mount_workspace"]


def mount_workspace(app: FastAPI, settings: Settings) -> None:
    app.state.sessions = workspace_store(settings.data_dir)
    app.include_router(router)
    app.include_router(review.router)
    app.add_exception_handler(PageError, page_error)
    app.add_exception_handler(SignInNeeded, sign_in_needed)
