"""Harmonized System commodity codes."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import NormaliseError

__all__ = ["HsCode", "normalise_hs"]

# Agencies write "6404.11", "6404 11 00", "6404-11-00-90"; separators carry no meaning.
_SEPARATORS = re.compile(r"[\s.\-]+")

# HS chapters 01..97 are the international nomenclature (chapter 77 is reserved
# and empty, but a national tariff may still print it, so it is accepted).
# Chapters 98 and 99 are national ones (US HTSUS chapter 98/99 special
# provisions, EU chapter 99 special codes): real codes agencies use, so they are
# accepted too; chapter 00 does not exist anywhere and is rejected.
_MIN_CHAPTER = 1
_MAX_CHAPTER = 99
# 2 digits is a chapter, 6 the international subheading, 8-10 national tariff lines.
_MIN_DIGITS, _MAX_DIGITS = 2, 10


@dataclass(frozen=True, slots=True)
class HsCode:
    code: str  # digits only
    chapter: str  # first two digits

    @property
    def heading(self) -> str | None:
        return self.code[:4] if len(self.code) >= 4 else None

    @property
    def subheading(self) -> str | None:
        return self.code[:6] if len(self.code) >= 6 else None


def normalise_hs(raw: str) -> HsCode:
    code = _SEPARATORS.sub("", str(raw))
    if not code.isascii() or not code.isdigit():
        raise NormaliseError(
            f"'{raw}' is not an HS code: only digits, dots and spaces are allowed", "hs_code"
        )
    if not _MIN_DIGITS <= len(code) <= _MAX_DIGITS:
        raise NormaliseError(
            f"'{raw}' has {len(code)} digits; an HS code has {_MIN_DIGITS} to {_MAX_DIGITS}",
            "hs_code",
        )
    chapter = code[:2]
    if not _MIN_CHAPTER <= int(chapter) <= _MAX_CHAPTER:
        raise NormaliseError(f"'{raw}' is in chapter {chapter}, which does not exist", "hs_code")
    return HsCode(code=code, chapter=chapter)
