"""Reading records out of feed files, one row at a time, with its line number.

A row that cannot be read (broken JSON, a line that is not text in the file's
encoding) is yielded with an error instead of data, so the caller can quarantine it:
nothing that was sent is skipped silently.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_CHUNK = 1 << 20


@dataclass(frozen=True)
class RawRow:
    line: int
    raw: str
    data: dict[str, Any] | None = None
    error: str | None = None


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def read_ndjson(path: Path) -> Iterator[RawRow]:
    """One JSON object per line, UTF-8 (a BOM is allowed); blank lines are skipped."""
    with path.open("rb") as handle:
        for number, raw_bytes in enumerate(handle, start=1):
            if number == 1 and raw_bytes.startswith(b"\xef\xbb\xbf"):
                raw_bytes = raw_bytes[3:]
            try:
                text = raw_bytes.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield RawRow(
                    number,
                    raw_bytes.decode("utf-8", errors="replace").rstrip("\r\n"),
                    error=f"the line is not UTF-8 text (byte {exc.start} cannot be read)",
                )
                continue
            text = text.rstrip("\r\n")
            if not text.strip():
                continue
            yield _parse_object(number, text)


def read_json(path: Path) -> Iterator[RawRow]:
    """A JSON array of records (or one record); `line` is the item's position."""
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        yield RawRow(1, "", error=f"the file is not valid JSON: {exc}")
        return
    items = data if isinstance(data, list) else [data]
    for number, item in enumerate(items, start=1):
        raw = json.dumps(item, ensure_ascii=False)
        if isinstance(item, dict):
            yield RawRow(number, raw, data=item)
        else:
            yield RawRow(number, raw, error="the item is not a JSON object")


def _parse_object(number: int, text: str) -> RawRow:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return RawRow(
            number, text, error=f"the line is not valid JSON ({exc.msg} at column {exc.colno})"
        )
    if not isinstance(data, dict):
        return RawRow(number, text, error="the line is not a JSON object")
    return RawRow(number, text, data=data)
