"""The pages of the web workspace: server-rendered Jinja2 templates, no script.

Every page is built by the governed services of `graph/` for the signed-in
principal's `Viewer`, so it shows only what that principal's agency may see, and
every page view passes through the audit (`api.middleware`) with the principal
known to it. Readers (investigators, analysts, admins) see every page; a partner
signs in to a page that says what its role may do, and nothing of the graph.

Pages and what they call:

| page | services |
|---|---|
| `/` | `graph.analysis.networks.list_networks` (the riskiest networks) |
| `/search?q=&type=` | `graph.lookup.search` |
| `/seizures/{id}` | `graph.seizures.get_seizure` |
| `/entities/{id}` | `graph.resolve.entities.entity`, `networks.network_of`, `list_seizures` |
| `/networks/{id}` | `graph.analysis.networks.get_network` |
| `/neighborhood/{node}` | `graph.analysis.neighbourhood.neighbourhood` |
| `/paths?source=&target=` | `graph.analysis.paths.find_paths` |
| `/review?sort=&jurisdiction=&entity=&cursor=` | `review_queue` (in `api.workspace.review`) |

Each page with a graph frames its picture (`/v1/pictures/...`, drawn from the same
answer) and links its exports (`/v1/export?...`); the session cookie authenticates
both (`api.workspace.sessions`).
"""

from __future__ import annotations

import base64
import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from api.answer import noted
from api.deps import PortsDep, SettingsDep, StoreDep
from api.workspace.sessions import (
    MAX_AGE_S,
    SESSION_COOKIE,
    SIGNIN_COOKIE,
    Session,
    SessionStore,
    clear_cookie,
    form_refusal,
    new_token,
    set_cookie,
    signed_in,
)
from graph.access import READERS, Role, Viewer
from graph.analysis import networks
from graph.analysis.expand import NODE_TYPES
from graph.analysis.neighbourhood import DEFAULT_LIMIT, MAX_DEPTH, neighbourhood
from graph.analysis.paths import MAX_HOPS, PathMode, find_paths
from graph.errors import GraphUnavailable, IprgraphError, NotFound
from graph.lookup import SEARCH_TYPES, search
from graph.principals import KEY_PREFIX, Principal, authenticate
from graph.resolve.entities import entity
from graph.resolve.service import profile_rows
from graph.seizures import SeizureFilters, SeizureSummary, get_seizure, list_seizures
from viz import ExportFormat

__all__ = ["PageError", "SignInNeeded", "router", "templates"]

_HERE = Path(__file__).parent
T = TypeVar("T")

# Hits a search shows; networks the home page lists; seizures an entity page lists
# per member (the rest are a filter of /v1/seizures away).
SEARCH_LIMIT = 25
HOME_NETWORKS = 15
ENTITY_SEIZURES = 25
# The neighbourhood a seizure page draws: its own parties, containers, ports, marks.
SEIZURE_DEPTH = 1

router = APIRouter(include_in_schema=False)


# --- templates and their headers -----------------------------------------------------


@functools.cache
def _css() -> tuple[str, str]:
    """The workspace's style (inlined in every page) and its CSP hash."""
    text = (_HERE / "static" / "workspace.css").read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()
    return text, f"'sha256-{digest}'"


def _segment(value: Any) -> str:
    """An id in a path, every character but `:` escaped (the page routes take the
    rest of the path as the id: a record id or a mark may hold a `/`)."""
    return quote(str(value), safe=":")


def _query(values: dict[str, Any]) -> str:
    return urlencode({k: v for k, v in values.items() if v is not None and v != ""})


def _money(value: Any) -> str:
    return "" if value is None else f"{float(value):,.0f}"


templates = Jinja2Templates(directory=str(_HERE / "templates"))
templates.env.filters.update(seg=_segment, money=_money, query=_query)
templates.env.globals.update(
    export_formats=[f.value for f in ExportFormat],
    node_types=NODE_TYPES,
    search_types=list(SEARCH_TYPES),
    path_modes=[m.value for m in PathMode],
    max_depth=MAX_DEPTH,
    max_hops_allowed=MAX_HOPS,
)


def page_headers() -> dict[str, str]:
    """No script at all, the one inline style, frames and forms of this site only."""
    _, style_hash = _css()
    policy = (
        f"default-src 'none'; style-src {style_hash}; img-src 'self' data:; "
        "frame-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    )
    return {
        "Content-Security-Policy": policy,
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "X-Frame-Options": "DENY",
    }


def render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    css, _ = _css()
    signed = getattr(request.state, "principal", None)
    session: Session | None = getattr(request.state, "session", None)
    base = {
        "css": css,
        "me": signed,
        "csrf": session.csrf if session is not None else None,
        "reader": signed is not None and signed.role in READERS,
        "analyst": signed is not None and signed.role == Role.ANALYST,
    }
    return templates.TemplateResponse(
        request, name, {**base, **context}, status_code=status, headers=page_headers()
    )


# --- who is signed in ------------------------------------------------------------------


class SignInNeeded(Exception):
    """No session: the browser is sent to the sign-in page."""


class PageError(Exception):
    """A page that cannot be shown, with its status and one sentence why."""

    def __init__(self, status: int, title: str, detail: str, retry_after: int | None = None):
        super().__init__(detail)
        self.status, self.title, self.detail, self.retry_after = status, title, detail, retry_after


@dataclass(frozen=True)
class Signed:
    principal: Principal
    session: Session

    @property
    def viewer(self) -> Viewer:
        p = self.principal
        return Viewer(agency=p.agency, role=p.role, principal=p.id, name=p.name)


def _signed(request: Request, store: StoreDep) -> Signed:
    """The signed-in principal (a plain `def`: the lookup reads the graph)."""
    found = signed_in(request, store)
    if found is None:
        raise SignInNeeded
    return Signed(*found)


def _reader(signed: Annotated[Signed, Depends(_signed)]) -> Signed:
    if signed.principal.role not in READERS:
        raise PageError(
            403,
            "Not for this role",
            f"A principal with the role {signed.principal.role} may not see the graph's "
            "pages; they are for investigators, analysts and admins.",
        )
    return signed


SignedDep = Annotated[Signed, Depends(_signed)]
ReaderPage = Annotated[Signed, Depends(_reader)]


async def _run(request: Request, work: Callable[[], T]) -> T:
    """`work` (blocking: it reads the graph) in the thread pool; a domain error as a
    page that says it, with its status."""
    try:
        return await run_in_threadpool(work)
    except IprgraphError as exc:
        retry = exc.retry_after_s if isinstance(exc, GraphUnavailable) else None
        raise PageError(exc.status_code, exc.title, exc.message, retry) from exc


def _bounded(request: Request, name: str, low: int, high: int, default: int) -> int:
    """An integer query parameter of a page, `default` when absent; a page saying
    the range when it is out of it."""
    raw = request.query_params.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        _refuse(422, f"{name} must be a whole number between {low} and {high}.")
    return value


def _refuse(status: int, detail: str) -> NoReturn:
    raise PageError(status, "This page cannot be shown", detail)


def exports_of(scope: dict[str, Any]) -> list[tuple[str, str]]:
    """(format, link) of every export of the answer `scope` names."""
    return [
        (fmt.value, "/v1/export?" + _query({**scope, "format": fmt.value})) for fmt in ExportFormat
    ]


# --- signing in and out ------------------------------------------------------------------


def _signin_page(request: Request, status: int = 200, error: str | None = None) -> HTMLResponse:
    token = new_token()
    response = render(request, "signin.html", {"token": token, "error": error}, status)
    set_cookie(request, response, SIGNIN_COOKIE, token, max_age=3600)
    return response


@router.get("/signin", response_class=HTMLResponse)
def signin_form(request: Request, store: StoreDep) -> Response:
    if signed_in(request, store) is not None:
        return RedirectResponse("/", status_code=303)
    return _signin_page(request)


@router.post("/signin", response_class=HTMLResponse)
def signin(
    request: Request,
    store: StoreDep,
    key: Annotated[str, Form(max_length=200)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Trade a key for a session. The key is looked up as the API looks it up; it
    is written nowhere (the audit withholds this form's body)."""
    refusal = form_refusal(request, csrf_token, request.cookies.get(SIGNIN_COOKIE))
    if refusal is not None:
        request.state.refusal = refusal
        return _signin_page(request, 403, refusal)
    key = key.strip()
    principal = authenticate(store, key) if key else None
    if principal is None:
        request.state.key_prefix = key[:12] if key.startswith(KEY_PREFIX) else "(not a key)"
        detail = "That key is not one that iprgraph issued; check it and try again."
        request.state.refusal = detail
        return _signin_page(request, 401, detail)
    request.state.principal = principal
    if not principal.active:
        detail = f"The key {principal.key_prefix}... was revoked on {principal.revoked_at}."
        request.state.refusal = detail
        return _signin_page(request, 401, detail)
    sessions: SessionStore = request.app.state.sessions
    sessions.end(request.cookies.get(SESSION_COOKIE))  # one session per browser
    token, _ = sessions.create(principal)
    response = RedirectResponse("/", status_code=303)
    set_cookie(request, response, SESSION_COOKIE, token, max_age=MAX_AGE_S)
    clear_cookie(request, response, SIGNIN_COOKIE)
    return response


@router.post("/signout", response_class=HTMLResponse)
def signout(
    request: Request,
    signed: SignedDep,
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    refusal = form_refusal(request, csrf_token, signed.session.csrf)
    if refusal is not None:
        raise PageError(403, "The form was refused", refusal)
    sessions: SessionStore = request.app.state.sessions
    sessions.end(request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/signin", status_code=303)
    clear_cookie(request, response, SESSION_COOKIE)
    return response


# --- pages ---------------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
async def home(request: Request, signed: SignedDep, store: StoreDep) -> Response:
    if signed.principal.role not in READERS:
        return render(request, "partner.html", {})
    page = await _run(
        request,
        lambda: networks.list_networks(store, signed.viewer, limit=HOME_NETWORKS),
    )
    noted(request, page)
    return render(request, "home.html", {"networks": page.items})


@router.get("/search", response_class=HTMLResponse)
async def search_page(
    request: Request, signed: ReaderPage, store: StoreDep, ports: PortsDep
) -> Response:
    q = (request.query_params.get("q") or "").strip()
    kind = request.query_params.get("type") or ""
    if kind and kind not in SEARCH_TYPES:
        _refuse(422, f"type must be one of {', '.join(SEARCH_TYPES)}.")
    if len(q) > 300:
        _refuse(422, "The search text is longer than 300 characters.")
    hits = []
    if q:
        hits = await _run(
            request,
            lambda: search(
                store,
                signed.viewer,
                q,
                types=[kind] if kind else None,
                jurisdiction=None,
                limit=SEARCH_LIMIT,
                ports=ports,
            ),
        )
    request.state.items = len(hits)
    return render(request, "search.html", {"q": q, "kind": kind, "hits": hits})


@router.get("/seizures/{seizure_id:path}", response_class=HTMLResponse)
async def seizure_page(
    request: Request, signed: ReaderPage, store: StoreDep, seizure_id: str
) -> Response:
    seizure = await _run(request, lambda: get_seizure(store, signed.viewer, seizure_id))
    noted(request, seizure)
    scope = {"node": seizure.id, "depth": SEIZURE_DEPTH}
    return render(
        request,
        "seizure.html",
        {
            "s": seizure,
            "picture_src": f"/v1/pictures/neighborhood/{_segment(seizure.id)}?"
            + _query({"depth": SEIZURE_DEPTH}),
            "export_links": exports_of(scope),
        },
    )


@router.get("/entities/{entity_id:path}", response_class=HTMLResponse)
async def entity_page(
    request: Request, signed: ReaderPage, store: StoreDep, entity_id: str
) -> Response:
    viewer = signed.viewer

    def build() -> dict[str, Any]:
        view = entity(store, viewer, entity_id)
        members = {row["id"]: row for row in view.members}
        ends = {end for link in view.links + view.suggestions for end in (link["a"], link["b"])}
        names = {row["id"]: row["name"] for row in profile_rows(store, ends - set(members), viewer)}
        names.update({pid: row["name"] for pid, row in members.items()})
        try:
            network = networks.network_of(store, viewer, view.id).summary
        except NotFound:
            network = None
        seizures: dict[str, SeizureSummary] = {}
        for member in members:
            page = list_seizures(store, viewer, SeizureFilters(party=member), limit=ENTITY_SEIZURES)
            seizures.update({s.id: s for s in page.items})
        listed = sorted(seizures.values(), key=lambda s: (s.seizure_date, s.id), reverse=True)
        return {
            "view": view,
            "names": names,
            "network": network,
            "seizures": listed,
        }

    context = await _run(request, build)
    noted(request, context["view"])
    view = context["view"]
    return render(
        request,
        "entity.html",
        {
            **context,
            "picture_src": f"/v1/pictures/entity/{_segment(view.id)}",
            "export_links": exports_of({"entity": view.id}),
        },
    )


@router.get("/networks/{network_id:path}", response_class=HTMLResponse)
async def network_page(
    request: Request, signed: ReaderPage, store: StoreDep, network_id: str
) -> Response:
    detail = await _run(request, lambda: networks.get_network(store, signed.viewer, network_id))
    noted(request, detail)
    peak = max((month.seizures for month in detail.timeline), default=0)
    return render(
        request,
        "network.html",
        {
            "n": detail,
            "s": detail.summary,
            "peak": peak,
            "picture_src": f"/v1/pictures/network/{_segment(detail.summary.id)}",
            "export_links": exports_of({"network": detail.summary.id}),
        },
    )


@router.get("/neighborhood/{node_id:path}", response_class=HTMLResponse)
async def neighbourhood_page(
    request: Request, signed: ReaderPage, store: StoreDep, settings: SettingsDep, node_id: str
) -> Response:
    depth = _bounded(request, "depth", 1, MAX_DEPTH, 2)
    graph = await _run(
        request,
        lambda: neighbourhood(
            store,
            signed.viewer,
            node_id,
            depth=depth,
            types=None,
            limit=DEFAULT_LIMIT,
            through_hubs=False,
            time_limit_s=settings.analysis_time_limit_s,
        ),
    )
    noted(request, graph)
    anchor = next((node for node in graph.nodes if node.id == node_id), None)
    by_type: dict[str, list[Any]] = {}
    for node in graph.nodes:
        by_type.setdefault(node.type, []).append(node)
    return render(
        request,
        "neighborhood.html",
        {
            "node_id": node_id,
            "anchor": anchor,
            "depth": depth,
            "graph": graph,
            "by_type": sorted(by_type.items()),
            "picture_src": f"/v1/pictures/neighborhood/{_segment(node_id)}?depth={depth}",
            "export_links": exports_of({"node": node_id, "depth": depth}),
        },
    )


@router.get("/paths", response_class=HTMLResponse)
async def paths_page(
    request: Request, signed: ReaderPage, store: StoreDep, settings: SettingsDep
) -> Response:
    source = (request.query_params.get("source") or "").strip()
    target = (request.query_params.get("target") or "").strip()
    max_hops = _bounded(request, "max_hops", 1, MAX_HOPS, 4)
    mode_text = request.query_params.get("mode") or PathMode.SHORTEST.value
    try:
        mode = PathMode(mode_text)
    except ValueError:
        _refuse(422, f"mode must be one of {', '.join(m.value for m in PathMode)}.")
    if len(source) > 300 or len(target) > 300:
        _refuse(422, "A node id is longer than 300 characters.")
    context: dict[str, Any] = {
        "source": source,
        "target": target,
        "max_hops": max_hops,
        "mode": mode.value,
        "answer": None,
    }
    if source and target:
        if source == target:
            _refuse(422, "The target is the source; a path needs two nodes.")
        answer = await _run(
            request,
            lambda: find_paths(
                store,
                signed.viewer,
                source,
                target,
                max_hops=max_hops,
                mode=mode,
                k=3,
                through_hubs=False,
                time_limit_s=settings.analysis_time_limit_s,
            ),
        )
        noted(request, answer)
        scope = {"source": source, "target": target, "max_hops": max_hops, "mode": mode.value}
        context.update(
            answer=answer,
            labels={node.id: node for node in answer.subgraph.nodes},
            picture_src="/v1/pictures/paths?" + _query(scope),
            export_links=exports_of(scope),
        )
    else:
        request.state.items = 0
    return render(request, "paths.html", context)


# --- what a page says when it cannot be shown ----------------------------------------------


async def page_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, PageError)
    request.state.refusal = exc.detail
    response = render(request, "error.html", {"title": exc.title, "detail": exc.detail}, exc.status)
    if exc.retry_after is not None:
        response.headers["Retry-After"] = str(exc.retry_after)
    return response


async def sign_in_needed(request: Request, exc: Exception) -> Response:
    request.state.refusal = "No workspace session: sent to the sign-in page."
    return RedirectResponse("/signin", status_code=303, headers={"Cache-Control": "no-store"})


def workspace_store(data_dir: Path) -> SessionStore:
    return SessionStore(data_dir / "workspace" / "sessions")
