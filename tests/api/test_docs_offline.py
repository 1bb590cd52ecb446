"""/docs and /redoc render in headless Chromium with every request outside the API
refused: their assets are served by iprgraph, not fetched from a CDN."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from api.app import create_app
from api.docs import ASSETS
from graph.config import Settings
from graph.store import GraphStore
from tests.browser import guarded_page
from tests.helpers import serve_in_thread


def test_docs_and_redoc_work_with_the_network_blocked(
    browser: Any, store: GraphStore, tmp_path: Path
) -> None:
    app = create_app(Settings(data_dir=tmp_path / "data"), store=store)
    with serve_in_thread(app) as base_url:
        # Served under a name that is not loopback-looking, as in production.
        origin = base_url.replace("127.0.0.1", "iprgraph.test")
        html = httpx.get(f"{base_url}/docs").text
        assert f"{ASSETS}/swagger-ui-bundle.js" in html and "cdn" not in html.lower()
        assert "cdn" not in httpx.get(f"{base_url}/redoc").text.lower()
        with guarded_page(browser, origin) as guarded:
            guarded.page.goto(f"{origin}/docs")
            title = guarded.page.locator(".swagger-ui .info .title")
            title.wait_for(timeout=30_000)
            assert "iprgraph" in title.inner_text()
            guarded.page.locator(".opblock-summary-path", has_text="/v1/paths").first.wait_for()
            guarded.page.goto(f"{origin}/redoc")
            guarded.page.locator("h1", has_text="iprgraph").first.wait_for(timeout=30_000)
            guarded.page.get_by_text(
                "Search parties, trademarks, containers, ports and transport documents"
            ).first.wait_for(state="attached", timeout=30_000)
            assert guarded.blocked == []
            assert guarded.errors == []
