"""Opaque cursors for keyset pagination: the position after the last item of a page,
as URL-safe text. A listing puts in the values it sorts by and checks what comes
back out: a cursor is only ever the caller's copy of what a page handed out.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any


class InvalidCursor(ValueError):
    """A `cursor` that no page of this listing handed out (forged, truncated, stale)."""


def encode_cursor_parts(*parts: Any) -> str:
    """The JSON list of `parts`, base64url without padding."""
    text = json.dumps(list(parts), separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor_parts(cursor: str, length: int, message: str) -> list[Any]:
    """The `length` parts of a cursor from `encode_cursor_parts`; InvalidCursor with
    `message` when it is not one (the caller checks each part's type)."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value = json.loads(raw.decode())
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise InvalidCursor(message) from exc
    if not isinstance(value, list) or len(value) != length:
        raise InvalidCursor(message)
    return value
