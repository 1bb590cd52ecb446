"""Detailed requests: a partner asks the holding agency for one seizure, under the
quota of an agreement; the holding agency's analyst approves or denies.

A request names the seizure by the reference a hit gave (`graph.exchange.lookups`),
never by its id. It is counted against the agreement's quota for the period it is
filed in when it is filed (the count lives in a `Quota` node per agreement, asking
agency and period, raised in the statement that files the request: two requests
filed at once never both take the last place); over quota, `QuotaExhausted` says
when the next period starts. A request filed again with the same idempotency key by
the same principal is the same request, counted once.

An approval releases that one record to the asking agency (the record's handling is
never rewritten: the agency is added to `released_to`, and so to the tokens of the
record and of what it evidences, `graph.visibility`), with who approved it, when and
under which agreement; the asking agency sees the record from then on, and the
request shows it the agreement's fields of it. A denial releases nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from graph import queries, stats_cells, work
from graph.access import Viewer
from graph.errors import Conflict, ConstraintViolation, InvalidInput, IprgraphError, NotFound
from graph.exchange.agreements import NotAllowed, agreement_between, get_agreement, period_of
from graph.seizures import SeizureDetail, get_seizure
from graph.store import GraphStore, Tx
from graph.visibility import refresh_after_correction
from graph.work import Work

__all__ = [
    "DetailedRequest",
    "NotAllowed",
    "QuotaExhausted",
    "decide_request",
    "file_request",
    "get_request",
    "list_requests",
    "released_fields",
]

MAX_REASON = 2000
_RETRIES = 8


class QuotaExhausted(IprgraphError):
    """The agreement's quota of detailed requests for this period is used up."""

    status_code = 429
    kind = "quota-exhausted"
    title = "The quota of detailed requests is used up"

    def __init__(self, message: str, resets: dt.date, now: dt.datetime | None = None) -> None:
        super().__init__(message)
        self.resets = resets
        start = dt.datetime.combine(resets, dt.time(), tzinfo=dt.UTC)
        # Seconds until the next period starts (the API's Retry-After).
        self.retry_after_s = max(1, int((start - (now or dt.datetime.now(dt.UTC))).total_seconds()))


@dataclass
class DetailedRequest:
    id: str
    agreement: str
    requester: str  # the asking agency
    requested_by: str
    holder: str  # the agency holding the record
    reference: str
    period: str
    status: str  # pending, approved, denied
    reason: str
    filed_at: str
    seizure: str | None = None  # shown to the holding agency only
    decided_by: str | None = None
    decided_at: str | None = None
    decision_reason: str | None = None
    record: dict[str, Any] | None = None  # the agreement's fields, once approved
    quota: dict[str, Any] = field(default_factory=dict)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _request(props: dict[str, Any], viewer: Viewer) -> DetailedRequest:
    holder_side = viewer.agency is None or viewer.agency == props["holder"]
    return DetailedRequest(
        id=props["id"],
        agreement=props["agreement"],
        requester=props["requester"],
        requested_by=props["requested_by"],
        holder=props["holder"],
        reference=props["reference"],
        period=props["period"],
        status=props["status"],
        reason=props.get("reason") or "",
        filed_at=props["filed_at"],
        seizure=props["seizure"] if holder_side else None,
        decided_by=props.get("decided_by"),
        decided_at=props.get("decided_at"),
        decision_reason=props.get("decision_reason"),
    )


def _request_id(principal: str, key: str | None) -> str:
    if not key:
        return f"req:{uuid.uuid4().hex[:20]}"
    return "req:" + hashlib.sha256(f"{principal}\x1f{key}".encode()).hexdigest()[:20]


def file_request(
    store: GraphStore,
    viewer: Viewer,
    reference: str,
    *,
    reason: str = "",
    idempotency_key: str | None = None,
    today: dt.date | None = None,
) -> DetailedRequest:
    """File a request for the record `reference` names, counted against the quota of
    the agreement between the caller's agency and the record's."""
    assert viewer.agency is not None and viewer.principal is not None
    if len(reason) > MAX_REASON:
        raise InvalidInput(f"the reason is longer than {MAX_REASON} characters", "reason")
    if idempotency_key is not None and not 1 <= len(idempotency_key) <= 200:
        raise InvalidInput("an idempotency key is 1 to 200 characters", "Idempotency-Key")
    request_id = _request_id(viewer.principal, idempotency_key)
    on = today or dt.datetime.now(dt.UTC).date()
    for attempt in range(_RETRIES + 1):
        existing = store.read(queries.REQUEST_QUERY, id=request_id)
        if existing:
            if existing[0]["props"]["requested_by"] != viewer.principal:
                raise Conflict("That idempotency key belongs to another principal's request.")
            return _request(existing[0]["props"], viewer)
        found = store.read(queries.SEIZURE_BY_REFERENCE_QUERY, reference=reference)
        if not found:
            raise NotFound(f"No record has the reference {reference!r}.")
        seizure = found[0]
        if viewer.sees(seizure["vis"]):
            raise Conflict(
                f"The record {reference!r} is visible to {viewer.agency} already: there is "
                "nothing to ask for."
            )
        if seizure["tlp"] != "AMBER":
            # A reference is only ever handed out for AMBER records; others are not
            # asked about (RED and AMBER+STRICT give no hit at all).
            raise NotFound(f"No record has the reference {reference!r}.")
        holder = seizure["agency"]
        under = agreement_between(store, viewer.agency, holder, on)
        if under is None or under[1].requests_quota <= 0:
            raise NotAllowed(
                f"No agreement in force lets {viewer.agency} ask {holder} for the details "
                "of a seizure."
            )
        agreement, terms = under
        label, _, last = period_of(on, terms.requests_period)
        props = {
            "agreement": agreement.id,
            "requester": viewer.agency,
            "requested_by": viewer.principal,
            "holder": holder,
            "reference": reference,
            "seizure": seizure["id"],
            "period": label,
            "status": "pending",
            "reason": reason,
            "filed_at": _now(),
        }
        try:
            rows = store.write(
                queries.FILE_REQUEST_QUERY,
                id=request_id,
                quota_id=f"quota:{agreement.id}:{viewer.agency}:{label}",
                quota=terms.requests_quota,
                props=props,
            )
        except ConstraintViolation:
            # Filed at the same time by another call (the same key, or the first
            # request of the period): the statement rolled back; look again.
            time.sleep(0.02 * (attempt + 1))
            continue
        if not rows:
            resets = last + dt.timedelta(days=1)
            raise QuotaExhausted(
                f"The quota of {terms.requests_quota} detailed requests a "
                f"{terms.requests_period} under {agreement.name!r} is used up for {label}; "
                f"it resets on {resets.isoformat()}.",
                resets,
            )
        made = _request(rows[0]["props"], viewer)
        made.quota = {"used": rows[0]["used"], "of": terms.requests_quota, "period": label}
        return made
    raise Conflict("The request could not be filed for calls filed at the same time; retry.")


def list_requests(
    store: GraphStore, viewer: Viewer, *, incoming: bool = False
) -> list[DetailedRequest]:
    """The requests the caller's agency filed, or (`incoming`) those filed with it."""
    assert viewer.agency is not None
    side = "holder" if incoming else "requester"
    rows = store.read(queries.LIST_REQUESTS_QUERY, side=side, agency=viewer.agency)
    return [_request(row["props"], viewer) for row in rows]


def get_request(store: GraphStore, viewer: Viewer, request_id: str) -> DetailedRequest:
    """One request, to either agency it is between; once approved, the asking side
    sees the agreement's fields of the record."""
    rows = store.read(queries.REQUEST_QUERY, id=request_id)
    props = rows[0]["props"] if rows else None
    if props is None or viewer.agency not in (props["requester"], props["holder"], None):
        raise NotFound(f"No request has the id {request_id!r}.")
    found = _request(props, viewer)
    if props["status"] == "approved" and viewer.agency in (props["requester"], None):
        agreement = get_agreement(store, props["agreement"])
        terms = agreement.terms_for(props["requester"], props["holder"])
        fields = terms.request_fields if terms is not None else ()
        detail = get_seizure(store, viewer, props["seizure"])
        found.record = released_fields(detail, fields)
    return found


def released_fields(detail: SeizureDetail, fields: tuple[str, ...]) -> dict[str, Any]:
    """What of a released record the asking agency is shown: its id, agency and
    handling, and the sections the agreement lists."""
    record: dict[str, Any] = {
        "id": detail.id,
        "record_id": detail.record_id,
        "agency": detail.agency,
        "handling": {"tlp": detail.handling.tlp, "releasable_to": detail.handling.releasable_to},
    }
    sections: dict[str, dict[str, Any]] = {
        "goods": {"goods": detail.goods, "quantity_total": detail.quantity_total},
        "value": {"value": detail.value},
        "dates": {"seizure_date": detail.seizure_date},
        "trademarks": {"trademarks": detail.trademarks},
        "manufacturers": {"manufacturers": detail.parties.manufacturers},
        "shipper": {"shipper": detail.parties.shipper},
        "consignee": {"consignee": detail.parties.consignee},
        "forwarder": {"forwarder": detail.parties.forwarder},
        "containers": {"containers": detail.containers},
        "ports": {"ports": detail.ports},
        "transport": {
            "transport_mode": detail.transport_mode,
            "vessel_or_flight": detail.vessel_or_flight,
            "transport_document": detail.transport_document,
        },
    }
    for name in fields:
        record.update(sections.get(name, {}))
    return record


def decide_request(
    store: GraphStore, viewer: Viewer, request_id: str, *, approve: bool, reason: str
) -> DetailedRequest:
    """An analyst of the holding agency approves (releasing the record to the asking
    agency) or denies a pending request."""
    assert viewer.agency is not None and viewer.principal is not None
    if not reason.strip() or len(reason) > MAX_REASON:
        raise InvalidInput(f"a decision needs a reason of 1 to {MAX_REASON} characters", "reason")
    rows = store.read(queries.REQUEST_QUERY, id=request_id)
    props = rows[0]["props"] if rows else None
    if props is None or viewer.agency not in (props["requester"], props["holder"]):
        raise NotFound(f"No request has the id {request_id!r}.")
    if props["holder"] != viewer.agency:
        raise NotAllowed(f"Only {props['holder']}, which holds the record, decides this request.")
    if props["status"] != "pending":
        raise Conflict(
            f"The request {request_id!r} was {props['status']} on {props['decided_at']}."
        )
    status = "approved" if approve else "denied"
    at = _now()

    def work(tx: Tx) -> bool:
        decided = tx.run(
            queries.DECIDE_REQUEST_QUERY,
            id=request_id,
            status=status,
            by=viewer.principal,
            at=at,
            reason=reason,
        )
        if not decided:  # decided meanwhile by another call
            return False
        if approve:
            _release(tx, props, viewer.principal or "", at)
        return True

    if not store.execute_write(work):
        raise Conflict(f"The request {request_id!r} was decided meanwhile.")
    return get_request(store, viewer, request_id)


def _release(tx: Tx, props: dict[str, Any], by: str, at: str) -> None:
    """Release the record to the asking agency, in the decision's transaction: its
    tokens, its own links', and then everything it evidences, worked out again
    (`graph.visibility`)."""
    release = json.dumps(
        {
            "to": props["requester"],
            "request": props["id"],
            "agreement": props["agreement"],
            "approved_by": by,
            "at": at,
        },
        sort_keys=True,
    )
    # The seizure moves to the kept statistics' cells of its new tokens.
    before = stats_cells.contributions(tx, [props["seizure"]])
    for released in tx.run(
        queries.RELEASE_SEIZURE_QUERY,
        id=props["seizure"],
        agency=props["requester"],
        release=release,
    ):
        # The agency's view of the parties it names changes: resolved again.
        work.queue(tx, Work.PARTIES, released["parties"])
    [row] = tx.run(queries.RELEASE_LINKS_QUERY, id=props["seizure"], agency=props["requester"])
    refresh_after_correction(tx, row["targets"])
    after = stats_cells.contributions(tx, [props["seizure"]])
    stats_cells.apply(tx, stats_cells.Delta().add(before, -1).add(after))
