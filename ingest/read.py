"""Reading records out of feed files, one row at a time, with its line number.

A row that cannot be read (broken JSON, a line that is not text in the file's
encoding, a line too long to be a record) is yielded with an error instead of
data, so the caller can quarantine it: nothing that was sent is skipped silently.
Reads are bounded: no line or JSON item larger than `MAX_RECORD_BYTES` is held in
memory, whatever the file holds.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

_CHUNK = 1 << 20
# A canonical record is a few kilobytes; a megabyte is no record.
MAX_RECORD_BYTES = 1 << 20
# What the quarantine keeps of a row too long to be one: its beginning.
_KEPT_OF_LONG_ROW = 4096


class UnreadableFile(Exception):
    """A file that holds no row at all to read; a sentence naming it."""


@dataclass(frozen=True)
class RawRow:
    line: int
    raw: str
    data: dict[str, Any] | None = None
    error: str | None = None
    # Values read without guessing but not used ("12,5" where the profile says the
    # decimal separator is "."): kept as flags on the seizure.
    flags: tuple[str, ...] = ()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _long_row(line: int, head: bytes, length: int, what: str) -> RawRow:
    return RawRow(
        line,
        head[:_KEPT_OF_LONG_ROW].decode("utf-8", errors="replace"),
        error=f"{what} {line} is {length:,} bytes long, longer than {MAX_RECORD_BYTES:,} "
        "(a record is a few thousand); its first bytes are kept here",
    )


def read_ndjson(path: Path) -> Iterator[RawRow]:
    """One JSON object per line, UTF-8 (a BOM is allowed); blank lines are skipped."""
    with path.open("rb") as handle:
        number = 0
        while raw_bytes := handle.readline(MAX_RECORD_BYTES + 1):
            number += 1
            if number == 1 and raw_bytes.startswith(b"\xef\xbb\xbf"):
                raw_bytes = raw_bytes[3:]
            if len(raw_bytes) > MAX_RECORD_BYTES and not raw_bytes.endswith(b"\n"):
                yield _long_row(number, raw_bytes, len(raw_bytes) + _skip_line(handle), "line")
                continue
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
            yield parse_object(number, text)


def _skip_line(handle: IO[bytes]) -> int:
    """Read past the rest of a line; how many bytes that was."""
    skipped = 0
    while more := handle.readline(_CHUNK):
        skipped += len(more)
        if more.endswith(b"\n"):
            break
    return skipped


def read_json(path: Path) -> Iterator[RawRow]:
    """A JSON array of records (or one record); `line` is the item's position.

    The array is split into its items as a stream (`_json_items`), and each item
    parsed on its own: a broken item is that item's error, the next one is read."""
    with path.open("rb") as handle:
        for number, item, problem in _json_items(handle):
            if number == 0:
                raise UnreadableFile(f"{path} holds no JSON value (it is empty)")
            if problem is not None:
                yield RawRow(number, item.decode("utf-8", errors="replace"), error=problem)
                continue
            try:
                text = item.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield RawRow(
                    number,
                    item.decode("utf-8", errors="replace"),
                    error=f"item {number} is not UTF-8 text (byte {exc.start} cannot be read)",
                )
                continue
            row = parse_object(number, text)
            if row.error is not None:
                row = RawRow(number, text, error=row.error.replace("the line", f"item {number}"))
            yield row


# Inside a JSON value, the bytes that change the scanner's state.
_STRUCTURE = re.compile(rb'["{}\[\],]')
_IN_STRING = re.compile(rb'["\\]')
_SPACE = b" \t\r\n"


class _Chunks:
    """A binary file read a chunk at a time, with a position in the current chunk."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.buffer = b""
        self.at = 0

    def fill(self) -> bool:
        """Whether there is a byte at `at` (reading the next chunk if needed)."""
        while self.at >= len(self.buffer):
            chunk = self.handle.read(_CHUNK)
            if not chunk:
                return False
            self.buffer, self.at = chunk, 0
        return True

    def skip(self, skipped: bytes) -> int | None:
        """Move past bytes in `skipped`; the next other byte (not consumed), or None at
        the end of the file."""
        while self.fill():
            byte = self.buffer[self.at]
            if byte not in skipped:
                return byte
            self.at += 1
        return None


class _Item:
    """The bytes of one item, kept up to MAX_RECORD_BYTES (+1, to tell it is over)."""

    def __init__(self) -> None:
        self.kept = bytearray()
        self.length = 0

    def take(self, data: bytes) -> None:
        room = MAX_RECORD_BYTES + 1 - self.length
        if room > 0:
            self.kept += data[:room]
        self.length += len(data)


def _json_items(handle: IO[bytes]) -> Iterator[tuple[int, bytes, str | None]]:
    """(position, bytes, problem) of each item of a top-level JSON array, or of the
    one top-level value; position 0 when the file holds nothing but spaces. Items
    are told apart by the depth of brackets outside strings, so a broken item does
    not hide the next; one larger than MAX_RECORD_BYTES is its problem, and only its
    beginning is kept."""
    chunks = _Chunks(handle)
    if chunks.fill() and chunks.buffer.startswith(b"\xef\xbb\xbf"):
        chunks.at = 3
    first = chunks.skip(_SPACE)
    if first is None:
        yield 0, b"", None
        return
    if first != ord("["):
        item = _Item()
        while chunks.fill():
            item.take(chunks.buffer[chunks.at :])
            chunks.at = len(chunks.buffer)
        yield _finished(1, item, None)
        return
    chunks.at += 1
    number = 0
    while True:
        byte = chunks.skip(_SPACE + b",")
        if byte is None:
            yield number + 1, b"", "the file ends before the JSON array is closed"
            return
        if byte == ord("]"):
            chunks.at += 1
            if chunks.skip(_SPACE) is not None:
                yield number + 1, b"", "there is text after the end of the JSON array"
            return
        number += 1
        item, ended = _scan_item(chunks)
        if not ended:
            yield _finished(number, item, "the file ends inside this item, before the array closes")
            return
        yield _finished(number, item, None)


def _scan_item(chunks: _Chunks) -> tuple[_Item, bool]:
    """Read one array item from the current position; whether it ended before the
    end of the file. A scalar item ends before the comma or bracket that follows it,
    which are left for the caller; a closing bracket that begins an item is the
    item (a broken one), so that every item moves the reading on."""
    item = _Item()
    depth = 0
    in_string = escaped = False
    while chunks.fill():
        buffer, at = chunks.buffer, chunks.at
        if escaped:
            escaped = False
            item.take(buffer[at : at + 1])
            chunks.at = at + 1
            continue
        match = (_IN_STRING if in_string else _STRUCTURE).search(buffer, at)
        if match is None:
            item.take(buffer[at:])
            chunks.at = len(buffer)
            continue
        where = match.start()
        byte = buffer[where]
        if not in_string and depth == 0 and byte in b",]}":
            if where == at and not item.length:
                # A stray closing bracket: a broken item of its own.
                where += 1
            item.take(buffer[at:where])
            chunks.at = where
            return item, True
        item.take(buffer[at : where + 1])
        chunks.at = where + 1
        if in_string:
            escaped = byte == ord("\\")
            in_string = escaped
        elif byte == ord('"'):
            in_string = True
        elif byte in b"{[":
            depth += 1
        elif byte in b"}]":
            depth -= 1
            if depth == 0:
                return item, True
    return item, False


def _finished(number: int, item: _Item, problem: str | None) -> tuple[int, bytes, str | None]:
    if item.length > MAX_RECORD_BYTES:
        return (
            number,
            bytes(item.kept[:_KEPT_OF_LONG_ROW]),
            f"item {number} is {item.length:,} bytes long, longer than {MAX_RECORD_BYTES:,} "
            "(a record is a few thousand); its first bytes are kept here",
        )
    return number, bytes(item.kept), problem


def parse_object(number: int, text: str) -> RawRow:
    """The JSON object on one line; the line's error when it is not one."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return RawRow(
            number, text, error=f"the line is not valid JSON ({exc.msg} at column {exc.colno})"
        )
    except RecursionError:
        return RawRow(number, text, error="the line is JSON nested too deeply to be a record")
    if not isinstance(data, dict):
        return RawRow(number, text, error="the line is not a JSON object")
    return RawRow(number, text, data=data)
