"""CSV cells that a spreadsheet opens as text, never as a formula.

OWASP's advice on CSV injection: a cell that begins with `=`, `+`, `-`, `@`, a tab
or a carriage return is prefixed with a single quote, and every cell is quoted. Names
come from agencies' records, and a party named `=HYPERLINK(...)` must not become a
live link in an analyst's spreadsheet.

A shared helper for this is being added under `ingest/` by other work; until it is
on main, the i2 export uses this one (one function, the same rule).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

__all__ = ["FORMULA_STARTS", "csv_bytes", "neutralise"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> str:
    """The text of a cell, with a leading quote when a spreadsheet would read a formula."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """A CSV file (UTF-8 with a byte order mark, which Excel and i2 read as UTF-8;
    every cell quoted and neutralised)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow([neutralise(cell) for cell in header])
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
