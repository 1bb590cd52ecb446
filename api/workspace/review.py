"""The review queue's page of the web workspace, and the analyst's form that decides.

| page | services |
|---|---|
| `GET /review?sort=&jurisdiction=&entity=&cursor=` | `graph.resolve.suggestions.review_queue` |
| `POST /review/judgements` | `graph.pipeline.judge_and_update` |

The page is the API's `GET /v1/suggestions` for the signed-in principal: every
pending link its agency may see, in the same order (`sort=risk|score|recent`),
filtered and paged the same way, each with both parties as written, their sources,
the score, features, explanation and what a decision would change. Who sees what is
the API's rule: readers (investigators, analysts, admins) see the queue; analysts
alone judge (`POST /v1/judgements` is for them), so only they get the forms, and a
form posted by anyone else is refused; a partner gets nothing.

The form carries the session's cross-site token (`form_refusal`), as signing out
does. A judgement takes effect at once (entities split or joined, networks updated)
and the browser is sent back to the queue, which says what was decided and where
the two parties stand now, read from the graph again. The audit records the form
(parties, decision, reason) without its token.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.answer import noted
from api.deps import SettingsDep, StoreDep
from api.workspace.pages import (
    PageError,
    ReaderPage,
    SignedDep,
    _bounded,
    _query,
    _refuse,
    _run,
    render,
)
from api.workspace.sessions import form_refusal
from graph.access import Role, Viewer
from graph.cursor import InvalidCursor
from graph.errors import NotFound
from graph.model import LinkStatus
from graph.pipeline import judge_and_update
from graph.resolve.entities import Judgement, entity
from graph.resolve.suggestions import QueueSort, review_queue
from graph.store import GraphStore
from ingest.normalise.countries import resolve_country

__all__ = ["JUDGEMENT_FORM", "router"]

# Pending links a page of the queue lists, unless `limit` says (1 to MAX_LIMIT).
QUEUE_LIMIT = 25
MAX_LIMIT = 200
# Where the analyst's form posts (the audit withholds its cross-site token).
JUDGEMENT_FORM = "/review/judgements"
DECISIONS = (LinkStatus.CONFIRMED.value, LinkStatus.REJECTED.value, LinkStatus.UNSURE.value)
# The queue's own parameters, which a judgement's form carries back.

router = APIRouter(include_in_schema=False)


def _filters(request: Request) -> dict[str, Any]:
    """The queue's parameters as given; a page that says what is wrong with one."""
    params = request.query_params
    sort_text = params.get("sort") or QueueSort.RISK.value
    try:
        sort = QueueSort(sort_text)
    except ValueError:
        _refuse(422, f"sort must be one of {', '.join(s.value for s in QueueSort)}.")
    jurisdiction = (params.get("jurisdiction") or "").strip()
    code = None
    if jurisdiction:
        if len(jurisdiction) > 60:
            _refuse(422, "The jurisdiction is longer than 60 characters.")
        code = resolve_country(jurisdiction)
        if code is None:
            _refuse(
                422,
                f"jurisdiction {jurisdiction!r} is not a country or jurisdiction iprgraph "
                "knows: give an ISO 3166 code (HK, US) or a name in any common spelling "
                "(Hong Kong, U.S.A.).",
            )
    entity_id = (params.get("entity") or "").strip()
    cursor = (params.get("cursor") or "").strip()
    if len(entity_id) > 300 or len(cursor) > 2000:
        _refuse(422, "An entity id or a cursor is too long for the review queue.")
    return {
        "limit": _bounded(request, "limit", 1, MAX_LIMIT, QUEUE_LIMIT),
        "sort": sort,
        "jurisdiction": jurisdiction,
        "code": code,
        "entity": entity_id,
        "cursor": cursor,
    }


def _standing(store: GraphStore, viewer: Viewer, a: str, b: str) -> dict[str, Any] | None:
    """The link between `a` and `b` as it stands now (its status, who decided and
    when) and the entity each party is in (id, name, size): read from the graph again,
    the answer to a judgement just made; None when the viewer sees no such link."""
    sides = []
    link = None
    for pid in (a, b):
        try:
            view = entity(store, viewer, pid)
        except NotFound:
            return None
        names = {row["id"]: row["name"] for row in view.members}
        sides.append(
            {
                "party": pid,
                "name": names.get(pid, pid),
                "entity": view.id,
                "members": len(view.members),
            }
        )
        for row in view.links + view.suggestions:
            if {row["a"], row["b"]} == {a, b}:
                link = row
    if link is None:
        return None
    return {"link": link, "sides": sides, "one_entity": sides[0]["entity"] == sides[1]["entity"]}


@router.get("/review", response_class=HTMLResponse)
async def review_page(request: Request, signed: ReaderPage, store: StoreDep) -> Response:
    filters = _filters(request)
    viewer = signed.viewer
    params = request.query_params
    # Sent back here by a judgement: the pair it was on (what the page then says of
    # it is read from the graph, not from these parameters).
    pair = [p for p in (params.get("a"), params.get("b")) if p and len(p) <= 300]
    judged = params.get("judged") is not None and len(pair) == 2 and pair[0] != pair[1]

    def build() -> dict[str, Any]:
        try:
            page = review_queue(
                store,
                viewer,
                sort=filters["sort"],
                jurisdictions=[filters["code"]] if filters["code"] else [],
                entity=filters["entity"] or None,
                limit=filters["limit"],
                cursor=filters["cursor"] or None,
            )
        except InvalidCursor as exc:
            raise PageError(422, "This page cannot be shown", f"cursor: {exc}.") from exc
        standing = _standing(store, viewer, pair[0], pair[1]) if judged else None
        return {"page": page, "standing": standing}

    context = await _run(request, build)
    page = context["page"]
    noted(request, page)
    kept = {k: filters[k] for k in ("sort", "jurisdiction", "entity")}
    kept["sort"] = filters["sort"].value
    if filters["limit"] != QUEUE_LIMIT:
        kept["limit"] = filters["limit"]
    return render(
        request,
        "review.html",
        {
            **context,
            "filters": filters,
            "sorts": [s.value for s in QueueSort],
            "kept": kept,
            "here": {**kept, "cursor": filters["cursor"]},
            "next_link": "/review?" + _query({**kept, "cursor": page.next_cursor})
            if page.next_cursor
            else None,
            "first_link": "/review?" + _query(kept) if filters["cursor"] else None,
        },
    )


@router.post(JUDGEMENT_FORM, response_class=HTMLResponse)
async def judge_from_page(
    request: Request,
    signed: SignedDep,
    store: StoreDep,
    settings: SettingsDep,
    a: Annotated[str, Form(max_length=300)] = "",
    b: Annotated[str, Form(max_length=300)] = "",
    decision: Annotated[str, Form(max_length=20)] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    sort: Annotated[str, Form(max_length=20)] = "",
    jurisdiction: Annotated[str, Form(max_length=60)] = "",
    entity_filter: Annotated[str, Form(alias="entity", max_length=300)] = "",
    cursor: Annotated[str, Form(max_length=2000)] = "",
    limit: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    """An analyst's decision on a pending link, as `POST /v1/judgements` takes it."""
    if signed.principal.role != Role.ANALYST:
        raise PageError(
            403,
            "Not for this role",
            f"A principal with the role {signed.principal.role} may not judge links; "
            "judgements are for analysts.",
        )
    refusal = form_refusal(request, csrf_token, signed.session.csrf)
    if refusal is not None:
        raise PageError(403, "The form was refused", refusal)
    if decision not in DECISIONS:
        _refuse(422, f"decision must be one of {', '.join(DECISIONS)}.")
    a, b = a.strip(), b.strip()
    if not a or not b or a == b:
        _refuse(422, "A judgement needs two different parties (a and b).")
    viewer = signed.viewer
    judgement = Judgement(
        a=a,
        b=b,
        status=LinkStatus(decision),
        decided_by=viewer.principal or "",
        reason=reason.strip(),
        agency=viewer.agency,
    )
    result, _ = await _run(
        request,
        lambda: judge_and_update(
            store, judgement, lock=settings.data_dir / "pipeline.lock", viewer=viewer
        ),
    )
    request.state.items = 1
    back = {"sort": sort, "jurisdiction": jurisdiction, "entity": entity_filter, "limit": limit}
    # Back to the page the analyst was on (a cursor is a place in the order, still
    # good after the decided link left the queue).
    back = {k: v for k, v in back.items() if v}
    target = "/review?" + _query(
        {**back, "cursor": cursor, "judged": "1", "a": result["a"], "b": result["b"]}
    )
    return RedirectResponse(target, status_code=303)
