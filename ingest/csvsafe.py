"""CSV that a spreadsheet opens as text, not as formulas (CSV injection).

A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` as a formula (a
party name `=HYPERLINK(...)` sent by an agency would run on an analyst's machine),
and a leading tab or carriage return can hide such a start. As OWASP's "CSV
Injection" page describes, such a text cell is written with a single quote in
front, which spreadsheets show as text and hide, and every cell is quoted with
its double quotes doubled. Numbers are written as numbers: only text can carry a
formula. Every CSV that iprgraph writes goes through this module: `writer` (the
quarantine reports, the statistics of the API), `csv_bytes` (the i2 export of
`viz/`), or `neutralise` for a writer of its own. It lives in `ingest/`, the layer
below every other, so that `api/` and `viz/` both import it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

# OWASP's list: equals, plus, minus, at, tab (0x09), carriage return (0x0D).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """The value to write in a CSV cell: text that a spreadsheet would run as a
    formula gets a leading single quote; anything else is returned as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


class SafeWriter:
    """A `csv.writer` whose rows are neutralised cell by cell, every cell quoted."""

    def __init__(self, handle: _Writable, **options: Any) -> None:
        options.setdefault("quoting", csv.QUOTE_ALL)
        self._writer = csv.writer(handle, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([neutralise(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(handle: _Writable, **options: Any) -> SafeWriter:
    """A CSV writer over `handle` (options as for `csv.writer`) that neutralises
    formula cells and quotes every cell."""
    return SafeWriter(handle, **options)


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """A whole CSV file: UTF-8 with a byte order mark (which Excel and i2 read as
    UTF-8), CRLF line ends, every cell quoted and neutralised, None an empty cell."""
    buffer = io.StringIO()
    out = writer(buffer, lineterminator="\r\n")
    out.writerow(header)
    out.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
