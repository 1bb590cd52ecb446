"""Sessions of the web workspace, kept server-side, and its guard against forms
sent from other sites.

Signing in trades an API key for a session: a random 256-bit token in a cookie
(`HttpOnly`, `SameSite=Strict`, `Secure` over HTTPS, no `Domain`), and a file
named by the token's sha256 in `IPRGRAPH_DATA_DIR/workspace/sessions/` (mode 0600,
in a folder of mode 0700) holding the principal's id, its agency, the session's
cross-site token and two times. The key itself is never kept: not in the cookie,
not in the file, not in a page or the audit (`api.middleware` withholds the body of
the sign-in form). Files let every API process on the host share the sessions, and
signing out removes the file, so a copied cookie stops working at once.

Every request with the cookie reads the principal again (`list_principals`), so a
revoked key ends its sessions at once, as it stops its API calls. A session ends
after `IDLE_S` without a request or `MAX_AGE_S` after signing in, whichever first.

A form that changes something (sign in, sign out) carries a token that only a page
of the workspace knows, checked against the session's (or, before signing in,
against a cookie of its own: a double submit); a form whose `Origin` is not the
workspace's, or that the browser says came from another site (`Sec-Fetch-Site`), is
refused whatever its token.

The cookie also authenticates `GET` and `HEAD` calls of the API (`api.auth`), so
that the links of a page (a picture's "API answer", an export) work in the browser
that is signed in; never a call that changes something.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import re
import secrets
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from fastapi import Request, Response

from graph.principals import Principal, list_principals
from graph.store import GraphStore

__all__ = [
    "IDLE_S",
    "MAX_AGE_S",
    "SESSION_COOKIE",
    "SIGNIN_COOKIE",
    "Session",
    "SessionStore",
    "form_refusal",
    "session_principal",
    "signed_in",
]

SESSION_COOKIE = "iprgraph_session"
# Before signing in: the token the sign-in form must send back (a double submit).
SIGNIN_COOKIE = "iprgraph_signin"
# A working day, and a long meeting without a click: longer and a session left open
# on a shared machine outlives its user; shorter and analysts sign in all day.
MAX_AGE_S = 12 * 3600
IDLE_S = 2 * 3600
# A session's last request is written at most this often (not a write per page).
_TOUCH_EVERY_S = 60
# 32 random bytes as URL-safe base64: what `secrets.token_urlsafe(32)` gives.
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")
# Methods the cookie authenticates on the API: those that change nothing.
_SAFE_METHODS = frozenset({"GET", "HEAD"})


def new_token() -> str:
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class Session:
    principal: str
    agency: str
    csrf: str
    created: float
    seen: float

    def expired(self, now: float) -> bool:
        return now - self.created > MAX_AGE_S or now - self.seen > IDLE_S


class SessionStore:
    """Sessions as files in `folder`, one per session, named by its token's hash."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, token: str) -> Path:
        return self.folder / f"{hashlib.sha256(token.encode()).hexdigest()}.json"

    def _write(self, path: Path, session: Session) -> None:
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, name = tempfile.mkstemp(dir=self.folder, prefix=".new-")  # mode 0600
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(asdict(session), handle)
            Path(name).replace(path)
        except BaseException:
            Path(name).unlink(missing_ok=True)
            raise

    def create(self, principal: Principal) -> tuple[str, Session]:
        """A new session of `principal`: its token (for the cookie) and itself."""
        self.purge()
        token = new_token()
        now = time.time()
        session = Session(principal.id, principal.agency, new_token(), now, now)
        self._write(self._path(token), session)
        return token, session

    def find(self, token: str | None) -> Session | None:
        """The live session `token` names; None when none does (or it ran out)."""
        if not token or not _TOKEN.fullmatch(token):
            return None
        path = self._path(token)
        try:
            session = Session(**json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            return None
        now = time.time()
        if session.expired(now):
            path.unlink(missing_ok=True)
            return None
        if now - session.seen > _TOUCH_EVERY_S:
            session = Session(session.principal, session.agency, session.csrf, session.created, now)
            with contextlib.suppress(OSError):  # a session still valid if not touched
                self._write(path, session)
        return session

    def end(self, token: str | None) -> None:
        if token and _TOKEN.fullmatch(token):
            self._path(token).unlink(missing_ok=True)

    def purge(self) -> int:
        """Remove the sessions that ran out; how many."""
        removed = 0
        now = time.time()
        for path in self.folder.glob("*.json") if self.folder.exists() else ():
            try:
                session = Session(**json.loads(path.read_text(encoding="utf-8")))
                stale = session.expired(now)
            except (OSError, ValueError, TypeError):
                stale = True
            if stale:
                path.unlink(missing_ok=True)
                removed += 1
        return removed


def _store_of(request: Request) -> SessionStore | None:
    return getattr(request.app.state, "sessions", None)


def signed_in(request: Request, store: GraphStore) -> tuple[Principal, Session] | None:
    """The principal whose session the request's cookie names, and the session; None
    when there is none, it ran out, or the principal's key was revoked (the session
    then ends). The principal is what the audit records (`request.state.principal`)."""
    sessions = _store_of(request)
    if sessions is None:
        return None
    token = request.cookies.get(SESSION_COOKIE)
    session = sessions.find(token)
    if session is None:
        return None
    found = [p for p in list_principals(store, session.agency) if p.id == session.principal]
    if not found or not found[0].active:
        sessions.end(token)
        return None
    request.state.principal = found[0]
    request.state.session = session
    return found[0], session


def session_principal(request: Request, store: GraphStore) -> Principal | None:
    """For the API: the principal of the workspace session the request's cookie
    names, on a method that changes nothing; else None."""
    if request.method not in _SAFE_METHODS or SESSION_COOKIE not in request.cookies:
        return None
    found = signed_in(request, store)
    return found[0] if found else None


def own_origin(request: Request) -> str:
    return f"{request.url.scheme}://{request.url.netloc}"


def form_refusal(request: Request, sent: str | None, expected: str | None) -> str | None:
    """Why a form that changes something is refused, or None when it may be obeyed:
    it must come from a page of the workspace itself and carry its token."""
    if request.headers.get("sec-fetch-site") in ("cross-site", "same-site"):
        return "The form was sent from another site; only the workspace's own pages may send it."
    origin = request.headers.get("origin")
    if origin is not None and origin != own_origin(request):
        return "The form was sent from another origin; only the workspace's own pages may send it."
    if not sent or not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        return (
            "The form's cross-site token is missing or does not match this browser's; "
            "reload the page and send the form again."
        )
    return None


def set_cookie(request: Request, response: Response, name: str, value: str, max_age: int) -> None:
    """An HttpOnly, SameSite=Strict cookie for the whole site (Secure over HTTPS)."""
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


def clear_cookie(request: Request, response: Response, name: str) -> None:
    response.delete_cookie(
        name, path="/", httponly=True, samesite="strict", secure=request.url.scheme == "https"
    )
