"""Pages opened in the session's headless Chromium with every request outside the
test server refused and counted, and every console error kept."""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.helpers import free_port


@dataclass
class Guarded:
    page: Any
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


@contextlib.contextmanager
def guarded_page(browser: Any, allowed_origin: str, *also: str) -> Iterator[Guarded]:
    """A page whose requests go only to `allowed_origin` (and `also`, and data:/blob:
    URLs)."""
    context = browser.new_context(viewport={"width": 1440, "height": 900}, accept_downloads=True)
    page = context.new_page()
    guarded = Guarded(page)

    def route(request_route: Any) -> None:
        url = request_route.request.url
        origins = (allowed_origin, *also)
        if url.startswith((*(o + "/" for o in origins), "data:", "blob:")) or url in origins:
            request_route.continue_()
        else:
            guarded.blocked.append(url)
            request_route.abort()

    page.route("**/*", route)
    page.on("console", lambda m: guarded.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: guarded.errors.append(str(e)))

    def dialog(d: Any) -> None:
        guarded.dialogs.append(d.message)
        d.dismiss()

    page.on("dialog", dialog)
    try:
        yield guarded
    finally:
        context.close()


@contextlib.contextmanager
def serve_folder(folder: Path) -> Iterator[str]:
    """The files of `folder` over HTTP on a free loopback port; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return
