"""Dates as agencies write them, to `datetime.date`."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Final

from .errors import NormaliseError

__all__ = ["DEFAULT_FORMATS", "MAX_YEAR", "MIN_YEAR", "parse_date"]

# Seizure records start with the WCO's IPR exchanges in the 1990s; a year outside
# this window is a typing error or a wrongly read Excel serial, not a seizure.
MIN_YEAR: Final = 1990
MAX_YEAR: Final = 2100

# strptime formats tried in this order when the caller gives none. Day-first
# comes before month-first: every agency in scope (HK, MO, CN, EU) writes
# DD/MM/YYYY; only US CBP writes MM/DD/YYYY, and its profile passes its own
# formats. An ambiguous "03/04/2024" is therefore 3 April; "04/23/2024" cannot
# be day-first and falls through to the month-first format.
DEFAULT_FORMATS: Final[tuple[str, ...]] = (
    "%Y-%m-%d",
    "%d/%m/%Y",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%Y/%m/%d",
    "%Y.%m.%d",
    "%Y%m%d",
    "%d-%b-%Y",
    "%d %b %Y",
    "%d %B %Y",
    "%d-%B-%Y",
    "%b %d, %Y",
    "%B %d, %Y",
    "%b %d %Y",
    "%B %d %Y",
    "%d/%m/%y",
    "%m/%d/%Y",
    "%m-%d-%Y",
    "%Y年%m月%d日",
)

# Excel stores dates as days since 1899-12-30 (the 1900 leap-year bug makes the
# epoch one day earlier than it looks); the range keeps plain numbers such as
# 20240823 (YYYYMMDD) from being read as serials.
_EXCEL_EPOCH: Final = date(1899, 12, 30)
_EXCEL_MIN: Final = (date(MIN_YEAR, 1, 1) - _EXCEL_EPOCH).days
_EXCEL_MAX: Final = (date(MAX_YEAR, 12, 31) - _EXCEL_EPOCH).days

# ISO 8601 with a time and/or zone: the date part is what a seizure date means
# (the local date the agency wrote, never shifted to UTC).
_ISO_WITH_TIME: Final = re.compile(r"(\d{4}-\d{2}-\d{2})[T ]\d{1,2}:\d{2}.*")
# CJK dates ("2024年8月23日") and full-width digits.
_CJK: Final = re.compile(r"\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?\s*")


def _check_year(value: date, raw: object) -> date:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise NormaliseError(
            f"'{raw}' is in {value.year}; dates before {MIN_YEAR} or after {MAX_YEAR} "
            "are taken to be typing errors",
            "date",
        )
    return value


def _from_excel(serial: float, raw: object) -> date:
    if not math.isfinite(serial) or not _EXCEL_MIN <= serial <= _EXCEL_MAX:
        raise NormaliseError(
            f"'{raw}' is a number but not an Excel date serial between {MIN_YEAR} and {MAX_YEAR}",
            "date",
        )
    return _EXCEL_EPOCH + timedelta(days=int(serial))


def _describe(formats: Sequence[str]) -> str:
    readable = {
        "%Y": "YYYY", "%y": "YY", "%m": "MM", "%d": "DD", "%b": "MON", "%B": "MONTH",
    }  # fmt: skip
    out = []
    for fmt in formats:
        for code, text in readable.items():
            fmt = fmt.replace(code, text)
        out.append(fmt)
    return ", ".join(out)


def parse_date(
    raw: str | date | datetime | int | float, formats: Sequence[str] | None = None
) -> date:
    """A date from a string in the agency formats above, a date/datetime, or an
    Excel serial number. With `formats`, only those strptime formats are tried."""
    if isinstance(raw, datetime):
        return _check_year(raw.date(), raw)
    if isinstance(raw, date):
        return _check_year(raw, raw)
    if isinstance(raw, bool):
        raise NormaliseError(f"'{raw}' is not a date", "date")
    if isinstance(raw, int | float):
        if isinstance(raw, int) and formats is None and 10_000_000 <= raw <= 99_999_999:
            return parse_date(str(raw))  # YYYYMMDD read from a cell as a number
        return _check_year(_from_excel(float(raw), raw), raw)
    text = " ".join(str(raw).split())
    if not text:
        raise NormaliseError("the date is empty", "date")
    tried = DEFAULT_FORMATS if formats is None else tuple(formats)
    if formats is None:
        iso = _ISO_WITH_TIME.fullmatch(text)
        if iso:
            text = iso.group(1)
        cjk = _CJK.fullmatch(text)
        if cjk:
            text = "-".join(cjk.groups())
        if re.fullmatch(r"\d{5}(\.\d+)?", text):
            return _check_year(_from_excel(float(text), raw), raw)
    out_of_range: date | None = None
    for fmt in tried:
        try:
            parsed = datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        if MIN_YEAR <= parsed.year <= MAX_YEAR:
            return parsed
        # "%Y" also reads "24" as the year 24: let a later format ("%y") try.
        out_of_range = out_of_range or parsed
    if out_of_range is not None:
        return _check_year(out_of_range, raw)
    raise NormaliseError(
        f"'{raw}' is not a date in any format we know (tried {_describe(tried)})", "date"
    )
