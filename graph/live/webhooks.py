"""Delivering alerts to an agency's webhook: signed, retried, never twice, never in
the pipeline's way.

An agency's analyst sets one URL (`set_webhook`); iprgraph makes a secret for it,
shown once. Each alert raised for the agency is then POSTed there as JSON, with

- `X-Iprgraph-Timestamp`: seconds since the epoch when it was signed;
- `X-Iprgraph-Signature`: `sha256=` and the hex HMAC-SHA256, keyed by the secret,
  of the timestamp, a dot and the body (`sign`): the receiver checks it and the
  timestamp's age, so a body cannot be forged or replayed later;
- `X-Iprgraph-Alert`: the alert's id, which the receiver may use to drop a repeat.

A delivery that fails (no answer, or a status other than 2xx) is tried again after
`backoff_s`, then twice that, up to `attempts` tries; the alert keeps its delivery
status (`pending`, `sending`, `delivered`, `failed`), the tries made and the last
error. Deliveries run in one background thread per process (`deliver_soon`): the
pipeline only stores the alerts `pending` and returns. A deliverer claims alerts
(`sending`) before sending them, so two processes never send one alert; a claim
older than `STALE_CLAIM_S` (its process stopped) is released for the next one.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import ipaddress
import json
import logging
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from graph.errors import InvalidInput, NotFound
from graph.live import queries as live
from graph.store import GraphStore

log = logging.getLogger(__name__)

STALE_CLAIM_S = 600
_CLAIM = 100


@dataclass(frozen=True)
class DeliveryConfig:
    attempts: int = 5
    backoff_s: float = 2.0
    timeout_s: float = 10.0


@dataclass(frozen=True)
class Webhook:
    agency: str
    url: str
    created_by: str | None = None
    created_at: str | None = None
    secret: str | None = None


def _id(agency: str) -> str:
    return f"webhook:{agency}"


def _check_url(url: str) -> str:
    """An https URL, or http to this machine (a receiver under test)."""
    parts = urlsplit(url.strip())
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https") or not host:
        raise InvalidInput(f"{url!r} is not an http(s) URL", "url")
    loopback = host == "localhost"
    with contextlib.suppress(ValueError):
        loopback = loopback or ipaddress.ip_address(host).is_loopback
    if parts.scheme == "http" and not loopback:
        raise InvalidInput(
            "a webhook must be https (alerts carry intelligence); plain http is accepted "
            "only on this machine",
            "url",
        )
    return url.strip()


def set_webhook(store: GraphStore, agency: str, url: str, by: str | None) -> Webhook:
    """Set the agency's webhook to `url` with a new secret (returned, shown once)."""
    secret = "whsec_" + secrets.token_urlsafe(32)
    props = {
        "agency": agency,
        "url": _check_url(url),
        "secret": secret,
        "created_by": by,
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    [row] = store.write(live.SET_WEBHOOK_QUERY, id=_id(agency), props=props)
    return Webhook(**row["hook"], secret=secret)


def get_webhook(store: GraphStore, agency: str, *, with_secret: bool = False) -> Webhook:
    found = store.read(live.WEBHOOK_QUERY, id=_id(agency))
    if not found:
        raise NotFound(f"The agency {agency} has no webhook.")
    hook = dict(found[0]["hook"])
    if not with_secret:
        hook.pop("secret", None)
    return Webhook(**hook)


def delete_webhook(store: GraphStore, agency: str) -> None:
    [row] = store.write(live.DELETE_WEBHOOK_QUERY, id=_id(agency))
    if not row["deleted"]:
        raise NotFound(f"The agency {agency} has no webhook.")


def hooked_agencies(store: GraphStore, agencies: set[str]) -> set[str]:
    """Which of `agencies` have a webhook."""
    return {a for a in agencies if store.read(live.WEBHOOK_QUERY, id=_id(a))}


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header's value: `sha256=` and the HMAC of `<timestamp>.<body>`."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(
    secret: str, timestamp: str, body: bytes, signature: str, *, max_age_s: int = 300
) -> bool:
    """What a receiver checks (for receivers written in Python, and the tests)."""
    try:
        stamp = int(timestamp)
    except ValueError:
        return False
    if abs(time.time() - stamp) > max_age_s:
        return False
    return hmac.compare_digest(sign(secret, stamp, body), signature)


def payload(alert: dict[str, Any]) -> bytes:
    """The body POSTed: the alert as `GET /v1/alerts` lists it."""
    shown = {k: v for k, v in alert.items() if not k.startswith("delivery")}
    shown.pop("delivered_at", None)
    return json.dumps(shown, sort_keys=True, ensure_ascii=False).encode()


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


def _send(
    client: httpx.Client, hook: Webhook, alert: dict[str, Any], config: DeliveryConfig
) -> tuple[bool, int, str | None]:
    """Try, and try again with backoff: (delivered, tries, last error)."""
    assert hook.secret is not None
    body = payload(alert)
    error: str | None = None
    for attempt in range(1, config.attempts + 1):
        stamp = int(time.time())
        headers = {
            "Content-Type": "application/json",
            "X-Iprgraph-Timestamp": str(stamp),
            "X-Iprgraph-Signature": sign(hook.secret, stamp, body),
            "X-Iprgraph-Alert": str(alert["id"]),
        }
        try:
            answer = client.post(hook.url, content=body, headers=headers)
            if 200 <= answer.status_code < 300:
                return True, attempt, None
            error = f"the receiver answered {answer.status_code}"
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"
        if attempt < config.attempts:
            time.sleep(config.backoff_s * 2 ** (attempt - 1))
    return False, config.attempts, error


def deliver_pending(store: GraphStore, config: DeliveryConfig | None = None) -> int:
    """Deliver every pending alert (claimed first); the number delivered."""
    config = config or DeliveryConfig()
    before = (dt.datetime.now(dt.UTC) - dt.timedelta(seconds=STALE_CLAIM_S)).isoformat(
        timespec="milliseconds"
    )
    store.write(live.RELEASE_STALE_DELIVERIES_QUERY, before=before)
    delivered = 0
    hooks: dict[str, Webhook | None] = {}
    with httpx.Client(timeout=config.timeout_s, follow_redirects=False) as client:
        while True:
            claimed = [
                row["alert"]
                for row in store.write(live.CLAIM_DELIVERIES_QUERY, limit=_CLAIM, at=_now())
            ]
            if not claimed:
                return delivered
            for alert in claimed:
                agency = alert["agency"]
                if agency not in hooks:
                    try:
                        hooks[agency] = get_webhook(store, agency, with_secret=True)
                    except NotFound:
                        hooks[agency] = None
                hook = hooks[agency]
                error: str | None
                if hook is None:
                    ok, tries, error = False, 0, "the agency has no webhook any more"
                else:
                    ok, tries, error = _send(client, hook, alert, config)
                store.write(
                    live.SET_DELIVERY_QUERY,
                    id=alert["id"],
                    delivery="delivered" if ok else "failed",
                    attempts=int(alert.get("delivery_attempts") or 0) + tries,
                    error=error,
                    delivered_at=_now() if ok else None,
                )
                delivered += ok


class _Deliverer:
    """One background delivery thread per process; asked again while it runs, it
    runs once more when done."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._again = False

    def soon(self, store: GraphStore, config: DeliveryConfig) -> None:
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                self._again = True
                return
            self._thread = threading.Thread(
                target=self._run, args=(store, config), name="iprgraph-webhooks", daemon=True
            )
            self._thread.start()

    def _run(self, store: GraphStore, config: DeliveryConfig) -> None:
        while True:
            try:
                deliver_pending(store, config)
            except Exception as exc:  # the graph went away: the alerts stay pending
                log.warning("webhook deliveries stopped, to be tried again later: %s", exc)
            with self._lock:
                if not self._again:
                    self._thread = None
                    return
                self._again = False

    def wait(self, timeout_s: float) -> bool:
        """Wait for the deliveries under way; whether they ended in time."""
        with self._lock:
            thread = self._thread
        if thread is None:
            return True
        thread.join(timeout_s)
        return not thread.is_alive()


_DELIVERER = _Deliverer()


def deliver_soon(store: GraphStore, config: DeliveryConfig | None = None) -> None:
    """Deliver the pending alerts in this process's background thread."""
    _DELIVERER.soon(store, config or DeliveryConfig())


def wait_for_deliveries(timeout_s: float) -> bool:
    return _DELIVERER.wait(timeout_s)
