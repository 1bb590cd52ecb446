"""Numbers as agencies type them into text cells: "1,250.50", "1.500,00", "12,5".

A profile says which character is the decimal separator (`decimal: ","` or the
default "."); the other one, a space or an apostrophe may group thousands, in
groups of three digits. A number is read exactly as its profile says, and a text
that reads as a number only with the other separator ("12,5" in a profile with a
decimal point) is `AmbiguousNumber`: the caller flags it instead of guessing
(guessing read "12,5" as 125). Infinity and NaN are not numbers here.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Final, Literal

from .errors import NormaliseError

__all__ = ["DECIMAL_SEPARATORS", "AmbiguousNumber", "parse_number"]

DecimalSeparator = Literal[".", ","]
DECIMAL_SEPARATORS: Final = (".", ",")

# Currency signs and codes written beside amounts ("HK$ 1,200", "1.200 €").
_CURRENCY: Final = re.compile(r"^(?:HK\$|MOP\$|US\$|RMB|\$|€|¥|£)\s*|\s*(?:\$|€|¥|£)$")
# Spaces (also no-break and narrow no-break, as French and Swiss exports write) and
# apostrophes (Swiss) group thousands whatever the decimal separator.
_GROUP_ANY: Final = " \u00a0\u202f'\u2019"
# An exponent is accepted on ungrouped numbers only ("1.5E3" from a spreadsheet);
# four digits is far past any plausible magnitude, which the normaliser flags.
_EXPONENT: Final = r"(?:[eE][+-]?[0-9]{1,4})?"


def _grammar(decimal: str) -> re.Pattern[str]:
    group = re.escape("," if decimal == "." else ".") + "|[" + re.escape(_GROUP_ANY) + "]"
    point = re.escape(decimal)
    return re.compile(
        rf"(?P<sign>[+-]?)(?:"
        rf"(?P<grouped>[0-9]{{1,3}}(?:(?:{group})[0-9]{{3}})+)(?:{point}(?P<gfrac>[0-9]+))?"
        rf"|(?P<plain>[0-9]*)(?:{point}(?P<frac>[0-9]*))?(?P<exp>{_EXPONENT})"
        rf")"
    )


_GRAMMARS: Final = {decimal: _grammar(decimal) for decimal in DECIMAL_SEPARATORS}


class AmbiguousNumber(NormaliseError):
    """A text that reads as a number only with the decimal separator the profile
    does not give; `reading` is what it would be with the other one."""

    def __init__(self, reason: str, reading: Decimal) -> None:
        super().__init__(reason)
        self.reading = reading


def _read(text: str, decimal: str) -> Decimal | None:
    match = _GRAMMARS[decimal].fullmatch(text)
    if match is None:
        return None
    if match["grouped"] is not None:
        digits = re.sub(r"[^0-9]", "", match["grouped"])
        fraction = match["gfrac"]
        exponent = ""
    else:
        digits, fraction, exponent = match["plain"], match["frac"], match["exp"]
        if not digits and not fraction:
            return None
    number = match["sign"] + (digits or "0") + (f".{fraction}" if fraction else "") + exponent
    try:
        return Decimal(number)
    except InvalidOperation:  # pragma: no cover - the grammar admits only numbers
        return None


def parse_number(raw: str, decimal: str = ".") -> Decimal | None:
    """The number in `raw` with `decimal` as its decimal separator; None when the
    text is empty. `AmbiguousNumber` when it reads only with the other separator,
    `NormaliseError` when it is not a number at all."""
    if decimal not in DECIMAL_SEPARATORS:
        raise ValueError(f"decimal separator {decimal!r} is neither '.' nor ','")
    # Full-width digits and signs (Chinese forms) read as ASCII ones.
    text = unicodedata.normalize("NFKC", raw).strip()
    text = _CURRENCY.sub("", text).strip()
    if not text:
        return None
    number = _read(text, decimal)
    if number is not None:
        return number
    other = "," if decimal == "." else "."
    reading = _read(text, other)
    if reading is not None:
        raise AmbiguousNumber(
            f"{raw!r} is not a number with the decimal separator {decimal!r} that the "
            f"profile gives (with {other!r} it would be {reading}); not read as a number",
            reading,
        )
    raise NormaliseError(f"{raw!r} is not a number")
