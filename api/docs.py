"""`/docs` (Swagger UI) and `/redoc` served with no internet.

FastAPI's own pages load their scripts and styles from a CDN (and ReDoc its fonts
from Google), so they are blank on a closed network. Here the same pages load them
from iprgraph itself: the assets come from the PyPI package `fastapi-offline`
(Swagger UI's bundle and style, ReDoc's standalone bundle, a favicon), mounted at
`ASSETS`. Swagger UI's online validator badge is switched off (it fetches an image
from validator.swagger.io for any host but localhost), and ReDoc's bundle is served
with the address of the Redocly logo in its footer (cdn.redoc.ly) replaced by the
favicon iprgraph serves: the only request either page made outside iprgraph.

`serve_docs_offline(app)` replaces the pages FastAPI added at `app.docs_url` and
`app.redoc_url` (and the OAuth2 redirect page), keeping their paths.
"""

from __future__ import annotations

import functools
from importlib import resources

from fastapi import FastAPI, Request
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

__all__ = ["ASSETS", "serve_docs_offline"]

ASSETS = "/docs-assets"
_REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"


@functools.cache
def _redoc_bundle(root: str) -> bytes:
    bundle = resources.files("fastapi_offline") / "static" / "redoc.standalone.js"
    text = bundle.read_text(encoding="utf-8")
    return text.replace(_REDOC_LOGO, f"{root}{ASSETS}/favicon.png").encode("utf-8")


def serve_docs_offline(app: FastAPI) -> None:
    """Serve `/docs` and `/redoc` from assets iprgraph holds, not from a CDN."""
    if app.openapi_url is None:
        return
    openapi_url = app.openapi_url
    pages = {app.docs_url, app.redoc_url, app.swagger_ui_oauth2_redirect_url} - {None}
    app.router.routes[:] = [
        route for route in app.router.routes if getattr(route, "path", None) not in pages
    ]
    folder = resources.files("fastapi_offline") / "static"

    # Before the folder's mount, which would otherwise answer this path.
    @app.get(f"{ASSETS}/redoc.standalone.js", include_in_schema=False)
    async def redoc_bundle(request: Request) -> Response:
        content = _redoc_bundle(request.scope.get("root_path", ""))
        return Response(content, media_type="text/javascript")

    app.mount(ASSETS, StaticFiles(directory=str(folder)), name="docs-assets")
    parameters = {**(app.swagger_ui_parameters or {}), "validatorUrl": None}
    oauth2_redirect = app.swagger_ui_oauth2_redirect_url

    if app.docs_url is not None:

        @app.get(app.docs_url, include_in_schema=False)
        async def swagger_ui(request: Request) -> HTMLResponse:
            root = request.scope.get("root_path", "")
            return get_swagger_ui_html(
                openapi_url=f"{root}{openapi_url}",
                title=f"{app.title} - Swagger UI",
                oauth2_redirect_url=oauth2_redirect,
                swagger_js_url=f"{root}{ASSETS}/swagger-ui-bundle.js",
                swagger_css_url=f"{root}{ASSETS}/swagger-ui.css",
                swagger_favicon_url=f"{root}{ASSETS}/favicon.png",
                swagger_ui_parameters=parameters,
            )

        if oauth2_redirect is not None:

            @app.get(oauth2_redirect, include_in_schema=False)
            async def swagger_ui_redirect() -> HTMLResponse:
                return get_swagger_ui_oauth2_redirect_html()

    if app.redoc_url is not None:

        @app.get(app.redoc_url, include_in_schema=False)
        async def redoc(request: Request) -> HTMLResponse:
            root = request.scope.get("root_path", "")
            return get_redoc_html(
                openapi_url=f"{root}{openapi_url}",
                title=f"{app.title} - ReDoc",
                redoc_js_url=f"{root}{ASSETS}/redoc.standalone.js",
                redoc_favicon_url=f"{root}{ASSETS}/favicon.png",
                with_google_fonts=False,
            )
