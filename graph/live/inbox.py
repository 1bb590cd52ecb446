"""An agency's alerts, as its investigators read and acknowledge them.

Alerts are raised per agency over what it may see (`graph.live.alerts`); when one
is read, the records behind it are checked again, so that an alert resting on a
record since corrected out of the agency's sight is no longer shown.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from graph.access import Viewer
from graph.cursor import InvalidCursor, decode_cursor_parts, encode_cursor_parts
from graph.errors import InvalidInput, NotFound
from graph.live import queries as live
from graph.store import GraphStore

STATUSES = ("new", "acknowledged")
MAX_PAGE = 500


@dataclass
class AlertPage:
    items: list[dict[str, Any]]
    next_cursor: str | None


def parse_since(since: str | None) -> str | None:
    """`since` (an ISO date or date and time, UTC unless it says) in the form alerts
    keep their `created_at`, so that the two compare as text."""
    if since is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(since.strip())
    except ValueError as exc:
        raise InvalidInput(
            f"since {since!r} is not an ISO date or date and time (2025-03-01, "
            "2025-03-01T08:00:00Z)",
            "since",
        ) from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).isoformat(timespec="milliseconds")


def _visible(store: GraphStore, viewer: Viewer, alerts: list[dict[str, Any]]) -> set[str]:
    ids = sorted({sid for alert in alerts for sid in alert.get("seizures") or []})
    if not ids or viewer.agency is None:
        return set(ids)
    [row] = store.read(live.VISIBLE_SEIZURES_QUERY, ids=ids, see=viewer.see)
    return set(row["ids"] or [])


def list_alerts(
    store: GraphStore,
    viewer: Viewer,
    *,
    since: str | None = None,
    status: str | None = None,
    cursor: str | None = None,
    limit: int = 100,
    agency: str | None = None,
) -> AlertPage:
    """The alerts of the viewer's agency (the operator: of `agency`, or of every
    agency), newest first, one page after `cursor`."""
    if status is not None and status not in STATUSES:
        raise InvalidInput(f"status must be one of {', '.join(STATUSES)}", "status")
    after_at = after_id = None
    if cursor:
        message = "the cursor is not one a page of alerts handed out"
        try:
            after_at, after_id = decode_cursor_parts(cursor, 2, message)
        except InvalidCursor as exc:
            raise InvalidInput(str(exc), "cursor") from exc
        if not isinstance(after_at, str) or not isinstance(after_id, str):
            raise InvalidInput(message, "cursor")
    rows = [
        row["alert"]
        for row in store.read(
            live.LIST_ALERTS_QUERY,
            agency=viewer.agency if viewer.agency is not None else agency,
            since=parse_since(since),
            status=status,
            after_at=after_at,
            after_id=after_id,
            limit=min(limit, MAX_PAGE),
        )
    ]
    seen = _visible(store, viewer, rows)
    items = [row for row in rows if all(sid in seen for sid in row.get("seizures") or [])]
    next_cursor = None
    if len(rows) == min(limit, MAX_PAGE) and rows:
        next_cursor = encode_cursor_parts(rows[-1]["created_at"], rows[-1]["id"])
    return AlertPage(items, next_cursor)


def acknowledge(store: GraphStore, viewer: Viewer, alert_id: str) -> dict[str, Any]:
    """Mark an alert of the viewer's agency acknowledged (the first who did, and
    when, are kept)."""
    now = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")
    found = store.write(
        live.ACKNOWLEDGE_ALERT_QUERY,
        id=alert_id,
        agency=viewer.agency,
        by=viewer.principal or "operator",
        at=now,
    )
    if not found or not _visible_alert(store, viewer, found[0]["alert"]):
        raise NotFound(f"Your agency has no alert with the id {alert_id!r}.")
    alert: dict[str, Any] = found[0]["alert"]
    return alert


def _visible_alert(store: GraphStore, viewer: Viewer, alert: dict[str, Any]) -> bool:
    seen = _visible(store, viewer, [alert])
    return all(sid in seen for sid in alert.get("seizures") or [])
