"""ISO 6346 container numbers (owner code, category, serial, check digit)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from stdnum import iso6346
from stdnum.exceptions import ValidationError

__all__ = ["ContainerNumber", "normalise_container"]

# Separators agencies write inside container numbers ("MSKU 123456-5",
# "MSKU.123456.5", "MSKU/1234565"); stdnum's compact() only drops spaces.
_SEPARATORS = re.compile(r"[\s\-./_]+")

# The shape of a container number: 3-letter owner, 1-letter category, 6-digit
# serial, 1 check digit.
_SHAPE = re.compile(r"[A-Z]{3}[UJZR]\d{7}")


@dataclass(frozen=True, slots=True)
class ContainerNumber:
    raw: str
    number: str  # compact uppercase form; the graph key, valid or not
    valid: bool
    reason: str | None  # why it is not valid, for an analyst; None when valid


def normalise_container(raw: str) -> ContainerNumber:
    """Compact and verify a container number. Never raises for a str: an
    invalid number is kept (compacted, so identical raw numbers still link)
    and flagged with the reason."""
    number = _SEPARATORS.sub("", raw).upper()
    if not number:
        return ContainerNumber(raw, number, False, "the container number is empty")
    if not (number.isascii() and number.isalnum()):
        # stdnum's pattern takes any Unicode letter or digit, and its check digit
        # then fails with a bare ValueError ('substring not found').
        return ContainerNumber(
            raw,
            number,
            False,
            f"'{raw}' is not an ISO 6346 container number (it holds characters other than "
            "Latin letters and digits)",
        )
    try:
        number = iso6346.validate(number)
    except ValidationError as exc:
        if len(number) == 11 and _SHAPE.fullmatch(number):
            expected = iso6346.calc_check_digit(number[:10])
            reason = (
                f"'{raw}' has check digit {number[10]} but ISO 6346 gives {expected} "
                "for the first ten characters; probably a typing error"
            )
        else:
            reason = (
                f"'{raw}' is not an ISO 6346 container number (expected 3 owner letters, "
                f"a category letter U/J/Z/R, 6 digits and a check digit): {exc}"
            )
        return ContainerNumber(raw, number, False, reason)
    return ContainerNumber(raw, number, True, None)
