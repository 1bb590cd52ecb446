"""Rows of a CSV or TSV file, read in bounded pieces whatever the file holds.

The file is decoded as a stream in its encoding before it is split into lines, so
UTF-16 and other encodings whose newline is not the byte 0x0A read as well as
UTF-8; a line ends at LF, CR or CR LF (a bare carriage return, as old Mac exports
write, ends a line). Bytes that are not text in the encoding, NUL characters, a
line longer than `MAX_LINE_CHARS` and a cell longer than `MAX_CELL_CHARS` each make
their row's error, and the next row is read as usual: one bad row is never the
file's failure.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

# A CSV line of a seizure record is a few kilobytes; a megabyte is no record.
MAX_LINE_CHARS = 1 << 20
# Python's csv default (131,072 characters): a record field holds at most 4,000.
MAX_CELL_CHARS = 131_072
# Excel's own limit; a header wider than this is not an export of a register.
MAX_COLUMNS = 16_384

csv.field_size_limit(MAX_CELL_CHARS)

# Bytes that cannot be decoded become this character, which no decoder of text
# produces (a lone surrogate cannot be UTF-8, nor written to the graph); the line
# holding it is reported and the character shown as U+FFFD in the quarantine.
_UNDECODABLE = "\udcff"


def _mark_undecodable(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    return _UNDECODABLE, error.end


codecs.register_error("iprgraph-mark", _mark_undecodable)


class TabularRow(NamedTuple):
    """A row of a CSV, TSV or XLSX file: its first line (or sheet row), its cells,
    what was read as text (for the quarantine), and the reason it cannot be used."""

    line: int
    cells: list[object]
    raw: str
    error: str | None = None


class _Lines:
    """The decoded lines of a file, with what was wrong with each (`problems`)."""

    def __init__(self, handle: io.TextIOWrapper, encoding: str) -> None:
        self.handle = handle
        self.encoding = encoding
        self.number = 0
        self.problems: dict[int, str] = {}
        self.texts: dict[int, str] = {}

    def __iter__(self) -> Iterator[str]:
        while True:
            text = self.handle.readline(MAX_LINE_CHARS)
            if not text:
                return
            self.number += 1
            number = self.number
            if number == 1:
                text = text.removeprefix("\ufeff")
            if len(text) >= MAX_LINE_CHARS and not text.endswith(("\n", "\r")):
                length = len(text) + self._skip_rest()
                self.problems[number] = (
                    f"line {number} is {length:,} characters long, longer than "
                    f"{MAX_LINE_CHARS:,} (a record is a few thousand)"
                )
                text = text[:1024] + "\n"
            if _UNDECODABLE in text:
                column = text.index(_UNDECODABLE) + 1
                text = text.replace(_UNDECODABLE, "\ufffd")
                self.problems.setdefault(
                    number,
                    f"line {number} is not {self.encoding} text "
                    f"(character {column} cannot be read)",
                )
            if "\x00" in text:
                text = text.replace("\x00", "")
                self.problems.setdefault(number, f"line {number} contains NUL bytes")
            self.texts[number] = text.rstrip("\r\n")
            yield text

    def _skip_rest(self) -> int:
        """Read past the rest of an over-long line; how many characters it had."""
        skipped = 0
        while True:
            more = self.handle.readline(MAX_LINE_CHARS)
            skipped += len(more)
            if not more or more.endswith(("\n", "\r")):
                return skipped

    def take(self, start: int, end: int) -> tuple[str, str | None]:
        """The text of lines `start`..`end` (one row) and the first problem among them."""
        raw = "\n".join(self.texts.pop(n, "") for n in range(start, end + 1))
        problem = next(
            (self.problems.pop(n) for n in range(start, end + 1) if n in self.problems), None
        )
        return raw, problem


def text_rows(path: Path, encoding: str, delimiter: str, first_line: int) -> Iterator[TabularRow]:
    """The rows of a delimited text file from line `first_line` on (1-based)."""
    decoder_encoding = "utf-8" if encoding == "utf-8-sig" else encoding
    with (
        path.open("rb") as binary,
        io.TextIOWrapper(
            binary, encoding=decoder_encoding, errors="iprgraph-mark", newline=""
        ) as handle,
    ):
        lines = _Lines(handle, encoding)
        reader = csv.reader(lines, delimiter=delimiter)
        end = 0
        while True:
            try:
                cells = next(reader)
                error = None
            except StopIteration:
                return
            except csv.Error as exc:
                cells = []
                error = _csv_problem(exc, end + 1)
            start, end = end + 1, max(reader.line_num, end + 1)
            raw, problem = lines.take(start, end)
            if end < first_line:
                continue
            yield TabularRow(start, [cell.strip() for cell in cells], raw, problem or error)


def _csv_problem(exc: csv.Error, line: int) -> str:
    message = str(exc)
    if "field larger than field limit" in message:
        return f"line {line} has a cell longer than {MAX_CELL_CHARS:,} characters"
    return f"line {line} cannot be read as {message.rstrip('.')}"
