"""What wraps every HTTP call: a request id, a bound on the body, and the audit.

One pure ASGI middleware (no per-request task or copy of the response):

1. gives the call a request id (`X-Request-Id` on the answer, `request_id` in a
   problem, in the audit);
2. refuses a body over `max_body_bytes` with 413 before reading it when it says its
   length, and stops reading one that does not say and runs over, so that no body
   is parsed past the bound and nothing of it is echoed back;
3. writes the call's audit entry when the answer starts, before any of it leaves:
   who (the principal the route's key check found, or the key's first characters
   when no principal holds it), what (route, parameters, the body's first
   kilobytes), the outcome (status, items counted by the route, the reason of a
   refusal). When the entry cannot be written, the answer is replaced by a 503 and
   none of it is sent.
"""

from __future__ import annotations

import json
import os
import re
import time
import uuid
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.audit import BODY_KEPT, AuditLog, AuditUnavailable
from api.problems import PROBLEM_MEDIA_TYPE, Problem, route_template

# Routes whose calls are not audited: liveness and readiness probes run every few
# seconds and reveal nothing; the documentation is public.
UNAUDITED = frozenset({"/healthz", "/readyz", "/docs", "/redoc", "/openapi.json"})
# Routes whose body carries a secret (the workspace's sign-in form holds a key, its
# forms a cross-site token): the audit records its size only.
SECRET_BODIES = frozenset({"/signin", "/signout"})
# Workspace forms whose fields are the decision itself (an analyst's judgement): the
# audit keeps the fields, with the cross-site token withheld.
TOKEN_FORMS = frozenset({"/review/judgements"})
_TOKEN_FIELD = "csrf_token"  # noqa: S105 (a field name, not a secret)
# An API key pasted where it does not belong (a search box, a query string) is
# never written to the audit either.
_KEY = re.compile(r"ipr_[A-Za-z0-9_-]{8,}")
_KEY_WITHHELD = "ipr_(withheld)"


def _problem_bytes(status: int, kind: str, title: str, detail: str, scope: Scope) -> bytes:
    body = Problem(
        type=f"urn:iprgraph:problem:{kind}",
        title=title,
        status=status,
        detail=detail,
        instance=scope.get("path"),
        request_id=scope["state"].get("request_id"),
    )
    return body.model_dump_json(exclude_none=True).encode()


def _query(scope: Scope) -> dict[str, Any]:
    raw = _KEY.sub(_KEY_WITHHELD, scope.get("query_string", b"").decode("latin-1"))
    parsed = parse_qs(raw, keep_blank_values=True)
    return {key: values[0] if len(values) == 1 else values for key, values in parsed.items()}


def _body_for_audit(body: bytearray, total: int, path: str = "") -> Any:
    if not total:
        return None
    if path in SECRET_BODIES:
        return {"withheld": True, "bytes": total}
    text = _KEY.sub(_KEY_WITHHELD, body.decode("utf-8", "replace"))
    if path in TOKEN_FORMS:
        if total > BODY_KEPT:
            return {"cut": True, "bytes": total}
        fields = parse_qs(text, keep_blank_values=True)
        return {
            key: "(withheld)" if key == _TOKEN_FIELD else values[0] if len(values) == 1 else values
            for key, values in fields.items()
        }
    if total <= BODY_KEPT:
        try:
            parsed = json.loads(text)
            # A lone surrogate (`"\ud800"`) parses but cannot be written as UTF-8:
            # such a body is kept as the text that was sent.
            json.dumps(parsed, ensure_ascii=False).encode()
        except ValueError:  # UnicodeEncodeError included
            return text
        return parsed
    return {"cut": True, "bytes": total, "start": text}


class GuardMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        audit: AuditLog,
        max_body_bytes: int,
        larger: dict[str, tuple[int, str]] | None = None,
    ) -> None:
        self.app = app
        self.audit = audit
        self.max_body_bytes = max_body_bytes
        # Paths that take larger bodies: path -> (bytes, the setting that says so).
        self.larger = larger or {}

    def _limit(self, scope: Scope) -> tuple[int, str]:
        return self.larger.get(
            scope.get("path", ""), (self.max_body_bytes, "IPRGRAPH_API_MAX_BODY_BYTES")
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        state: dict[str, Any] = scope.setdefault("state", {})
        state["request_id"] = request_id = uuid.uuid4().hex
        path = scope.get("path", "")
        audited = path not in UNAUDITED
        kept = bytearray()
        seen = 0
        over = False

        limit = self._limit(scope)[0]
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await self._refuse_too_large(scope, send, started, audited)
            return

        async def bounded_receive() -> Message:
            nonlocal seen, over
            message = await receive()
            if message["type"] == "http.request":
                chunk = message.get("body", b"")
                seen += len(chunk)
                if len(kept) < BODY_KEPT:
                    kept.extend(chunk[: BODY_KEPT - len(kept)])
                if seen > limit:
                    # Stop reading: the route sees an empty end and fails, and the
                    # answer is replaced by the 413 below.
                    over = True
                    return {"type": "http.request", "body": b"", "more_body": False}
            return message

        replaced = False

        async def guarded_send(message: Message) -> None:
            nonlocal replaced
            if message["type"] == "http.response.start":
                status = int(message["status"])
                if over:
                    replaced = True
                    await self._refuse_too_large(scope, send, started, audited, seen=seen)
                    return
                if audited:
                    try:
                        self._write(scope, status, started, _body_for_audit(kept, seen, path))
                    except AuditUnavailable:
                        replaced = True
                        await _send_problem(
                            send,
                            scope,
                            503,
                            "audit-unavailable",
                            "The audit cannot be written",
                            "The call was not answered because its audit entry could not be "
                            "written; the operator must check the audit log.",
                        )
                        return
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                message = {**message, "headers": headers}
            elif replaced:
                return  # the original answer's body is never sent
            await send(message)

        await self.app(scope, bounded_receive, guarded_send)

    async def _refuse_too_large(
        self, scope: Scope, send: Send, started: float, audited: bool, seen: int | None = None
    ) -> None:
        limit, setting = self._limit(scope)
        detail = (
            f"The body is larger than the {limit:,} bytes this API takes "
            f"({setting}); send fewer queries or records per call."
        )
        scope["state"]["refusal"] = detail
        if audited:
            size = seen if seen is not None else _content_length(scope)
            try:
                self._write(scope, 413, started, {"cut": True, "bytes": size})
            except AuditUnavailable:
                await _send_problem(
                    send,
                    scope,
                    503,
                    "audit-unavailable",
                    "The audit cannot be written",
                    "The call was refused and its audit entry could not be written.",
                )
                return
        await _send_problem(send, scope, 413, "payload-too-large", "The body is too large", detail)

    def _write(self, scope: Scope, status: int, started: float, body: Any) -> None:
        state = scope["state"]
        principal = state.get("principal")
        entry: dict[str, Any] = {
            "at": datetime.now(UTC).isoformat(timespec="microseconds"),
            "request_id": state["request_id"],
            "principal": getattr(principal, "id", None),
            "name": getattr(principal, "name", None),
            "agency": getattr(principal, "agency", None),
            "role": str(principal.role) if principal is not None else None,
            "method": scope.get("method"),
            "route": route_template(scope),
            "path": scope.get("path"),
            "query": _query(scope),
            "body": body,
            "status": status,
            "items": state.get("items"),
            "reason": state.get("refusal"),
            "ms": round((time.perf_counter() - started) * 1000, 2),
            "pid": os.getpid(),
        }
        if principal is None and state.get("key_prefix"):
            entry["key_prefix"] = state["key_prefix"]
        self.audit.append(entry)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _send_problem(
    send: Send, scope: Scope, status: int, kind: str, title: str, detail: str
) -> None:
    body = _problem_bytes(status, kind, title, detail, scope)
    headers = [
        (b"content-type", PROBLEM_MEDIA_TYPE.encode()),
        (b"content-length", str(len(body)).encode()),
        (b"x-request-id", scope["state"]["request_id"].encode()),
        (b"connection", b"close"),
    ]
    if status == 503:
        headers.append((b"retry-after", b"5"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
