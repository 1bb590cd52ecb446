"""Watch lists, alerts and the webhook they are delivered to.

Who: an agency's analysts create and delete its watches and set its webhook; its
investigators (and analysts and admins, who read as investigators) read its
watches and alerts and acknowledge alerts. Everything is per agency: no call sees,
changes or counts another agency's watches, alerts or webhook, and an alert holds
only what the agency may see (`graph.live.alerts`).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from api.answer import json_answer, noted
from api.auth import AnalystDep, ReaderDep
from api.deps import StoreDep
from graph.live import inbox, watches, webhooks
from graph.live.alerts import Rule
from graph.live.watches import WatchKind

router = APIRouter(tags=["alerts"])


class WatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: WatchKind = Field(
        description="entity, network, container, mark, phone, email, registration or address."
    )
    value: str = Field(
        min_length=1,
        max_length=500,
        description="The item as a record would write it, or an entity's or network's id.",
        examples=["+86 755 8888 1234"],
    )
    country: str | None = Field(
        None,
        max_length=60,
        description="The country of a phone written without its international prefix, of "
        "a registration number or of an address (normalised as the loader does).",
    )
    note: str | None = Field(None, max_length=1000, description="Why it is watched.")
    risk_threshold: float | None = Field(
        None,
        ge=0,
        le=100,
        description="Raise a risk alert when a network this watch covers reaches this risk "
        "(default IPRGRAPH_ALERT_RISK_THRESHOLD, 50).",
    )


class WatchOut(BaseModel):
    id: str
    agency: str
    kind: WatchKind
    item: str = Field(description="The id of the node the item is (or will be) in the graph.")
    value: str
    country: str | None = None
    note: str | None = None
    risk_threshold: float | None = None
    created_by: str | None = None
    created_at: str | None = None


class WatchList(BaseModel):
    items: list[WatchOut]


class AlertOut(BaseModel):
    id: str
    rule: Rule = Field(
        description="watched-item, risk-threshold, new-jurisdiction, shipper-rotation, new-route, "
        "watched-changed (a judgement changed a watched entity or network)."
    )
    title: str
    explanation: str = Field(description="What happened and why it matters, in a sentence.")
    seizures: list[str] = Field(description="The records behind the alert (the newest first).")
    subject: str | None = Field(None, description="The seizure, party or network it is about.")
    network: str | None = None
    watches: list[str] = Field(description="The agency's watches that raised it.")
    created_at: str
    status: Literal["new", "acknowledged"]
    acknowledged_by: str | None = None
    acknowledged_at: str | None = None
    delivery: str | None = Field(
        None, description="Webhook delivery: pending, sending, delivered, failed (none: no hook)."
    )
    delivery_attempts: int | None = None
    delivery_error: str | None = None
    delivered_at: str | None = None


class AlertPage(BaseModel):
    items: list[AlertOut]
    next_cursor: str | None = Field(None, description="Pass as `cursor` for the next page.")


class WebhookIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str = Field(min_length=8, max_length=2000, examples=["https://soc.example.org/iprgraph"])


class WebhookOut(BaseModel):
    agency: str
    url: str
    created_by: str | None = None
    created_at: str | None = None


class NewWebhookOut(WebhookOut):
    secret: str = Field(
        description="The HMAC-SHA256 key of the `X-Iprgraph-Signature` header. Shown this once."
    )


@router.post(
    "/watches",
    response_model=WatchOut,
    status_code=201,
    summary="Watch an entity, network, container, mark, phone, email, registration or address",
    description="The item is normalised as the loader normalises what records write; an "
    "entity or network must exist and be visible to the agency. Watching an item again "
    "returns the watch there is. Role: analyst.",
)
def create_watch(request: Request, body: WatchIn, viewer: AnalystDep, store: StoreDep) -> Any:
    made = watches.create_watch(
        store,
        viewer,
        body.kind,
        body.value,
        country=body.country,
        note=body.note,
        risk_threshold=body.risk_threshold,
    )
    return noted(request, WatchOut.model_validate(vars(made)))


@router.get(
    "/watches",
    response_model=WatchList,
    summary="The agency's watches",
    description="Roles: investigator, analyst, admin.",
)
async def list_watches(request: Request, viewer: ReaderDep, store: StoreDep) -> Any:
    return await json_answer(
        request,
        lambda: WatchList(
            items=[
                WatchOut.model_validate(vars(w)) for w in watches.list_watches(store, viewer.agency)
            ]
        ),
    )


@router.delete(
    "/watches/{watch_id}",
    response_model=WatchOut,
    summary="Stop watching (the alerts it raised stay)",
    description="Role: analyst.",
)
def delete_watch(
    request: Request,
    viewer: AnalystDep,
    store: StoreDep,
    watch_id: Annotated[str, Path(max_length=100)],
) -> Any:
    gone = watches.delete_watch(store, viewer, watch_id)
    return noted(request, WatchOut.model_validate(vars(gone)))


@router.get(
    "/alerts",
    response_model=AlertPage,
    summary="The agency's alerts, newest first",
    description="`since`: raised at or after (ISO date or date and time, UTC unless it "
    "says); `status`: new or acknowledged; `cursor`: the previous page's `next_cursor`. "
    "An alert whose records the agency may no longer see is not listed. Roles: "
    "investigator, analyst, admin.",
)
async def list_alerts(
    request: Request,
    viewer: ReaderDep,
    store: StoreDep,
    since: Annotated[str | None, Query(max_length=40)] = None,
    status: Annotated[Literal["new", "acknowledged"] | None, Query()] = None,
    cursor: Annotated[str | None, Query(max_length=400)] = None,
    limit: Annotated[int, Query(ge=1, le=inbox.MAX_PAGE)] = 100,
) -> Any:
    def build() -> AlertPage:
        page = inbox.list_alerts(
            store, viewer, since=since, status=status, cursor=cursor, limit=limit
        )
        return AlertPage(
            items=[AlertOut.model_validate(item) for item in page.items],
            next_cursor=page.next_cursor,
        )

    return await json_answer(request, build)


@router.post(
    "/alerts/{alert_id}/acknowledge",
    response_model=AlertOut,
    summary="Acknowledge an alert of the agency (who and when are kept)",
    description="Roles: investigator, analyst, admin.",
)
def acknowledge_alert(
    request: Request,
    viewer: ReaderDep,
    store: StoreDep,
    alert_id: Annotated[str, Path(max_length=100)],
) -> Any:
    return noted(request, AlertOut.model_validate(inbox.acknowledge(store, viewer, alert_id)))


@router.put(
    "/webhook",
    response_model=NewWebhookOut,
    summary="Deliver the agency's alerts to a URL (a new secret, shown once)",
    description="Each alert is POSTed as JSON with `X-Iprgraph-Timestamp` and "
    "`X-Iprgraph-Signature: sha256=<hex HMAC-SHA256 of '<timestamp>.<body>'>`, tried "
    "again with backoff when the receiver fails; https only (http to this machine). "
    "Setting it again replaces the URL and the secret. Role: analyst.",
)
def set_webhook(request: Request, body: WebhookIn, viewer: AnalystDep, store: StoreDep) -> Any:
    assert viewer.agency is not None
    hook = webhooks.set_webhook(store, viewer.agency, body.url, viewer.principal)
    return noted(request, NewWebhookOut.model_validate(vars(hook)))


@router.get(
    "/webhook",
    response_model=WebhookOut,
    summary="The agency's webhook (never its secret)",
    description="Role: analyst.",
)
def get_webhook(request: Request, viewer: AnalystDep, store: StoreDep) -> Any:
    assert viewer.agency is not None
    hook = webhooks.get_webhook(store, viewer.agency)
    return noted(request, WebhookOut.model_validate(vars(hook)))


@router.delete(
    "/webhook",
    status_code=204,
    summary="Stop delivering the agency's alerts",
    description="Role: analyst.",
)
def delete_webhook(viewer: AnalystDep, store: StoreDep) -> None:
    assert viewer.agency is not None
    webhooks.delete_webhook(store, viewer.agency)
