"""Readings of names written in Chinese characters and kana, from published tables.

A Chinese or Japanese name is written in Latin letters by reading it aloud in one
of several systems, and a register writes whichever its clerk used:

- Mandarin in Hanyu pinyin (mainland China) or Wade-Giles (Taiwan, older records):
  `pypinyin`'s readings of each character, with its heteronyms;
- Cantonese in the Hong Kong Government's romanisation (Hong Kong and Macao names:
  漢昌 = HON CHEONG): the `cantonese-romanisation` package's table;
- Japanese (kanji and kana) in Hepburn: `pykakasi`'s dictionary reading, long
  vowels written single as register names write them (Tōkyō, TOKYO: "toukyou" ->
  "tokyo").

Nothing here is a rule of the matcher: each reading is what the package's table
says. `graph.resolve.readings` uses them to say that a Latin name is a reading of
a Chinese or Japanese one.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

__all__ = [
    "CANTONESE",
    "MANDARIN",
    "SYSTEM_NAMES",
    "WADE_GILES",
    "char_readings",
    "is_han",
    "is_kana",
    "japanese_reading",
]

MANDARIN: Final = "pinyin"
WADE_GILES: Final = "wade-giles"
CANTONESE: Final = "cantonese"
HEPBURN: Final = "hepburn"
# How an explanation names each system.
SYSTEM_NAMES: Final = {
    MANDARIN: "Mandarin (pinyin)",
    WADE_GILES: "Mandarin (Wade-Giles)",
    CANTONESE: "Cantonese (Hong Kong)",
    HEPBURN: "Japanese (Hepburn)",
}

_NOT_LETTERS: Final = re.compile(r"[^a-z]+")
# Hepburn as register names write it: a long vowel once ("ou", "oo" -> "o"; "uu"
# -> "u"), as passports and company names do ("Tokyo", "Osaka", "Yushiro").
_LONG_VOWELS: Final = (("ou", "o"), ("oo", "o"), ("uu", "u"), ("aa", "a"), ("ii", "i"))


def is_han(ch: str) -> bool:
    code = ord(ch)
    return 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF


def is_kana(ch: str) -> bool:
    code = ord(ch)
    return 0x3040 <= code <= 0x30FF or 0xFF66 <= code <= 0xFF9F


def _letters(text: str) -> str:
    return _NOT_LETTERS.sub("", text.casefold().replace("ü", "u").replace("ê", "e"))


@lru_cache(maxsize=1)
def _cantonese() -> dict[str, list[str]]:
    from cantoroman import Cantonese

    table: dict[str, list[str]] = Cantonese().charToRoman
    return table


@lru_cache(maxsize=1 << 14)
def char_readings(ch: str) -> dict[str, frozenset[str]]:
    """System -> the readings of one Han character in it (letters only, no tones)."""
    from pypinyin import Style, pinyin

    out: dict[str, frozenset[str]] = {}
    mandarin = {_letters(r) for r in pinyin(ch, style=Style.NORMAL, heteronym=True)[0]}
    if mandarin - {_letters(ch)}:
        out[MANDARIN] = frozenset(r for r in mandarin if r)
        wade = {_letters(r) for r in pinyin(ch, style=Style.WADEGILES, heteronym=True)[0]}
        out[WADE_GILES] = frozenset(r for r in wade if r)
    cantonese = {_letters(r) for r in _cantonese().get(ch, [])}
    if cantonese:
        out[CANTONESE] = frozenset(r for r in cantonese if r)
    return out


def fold_long_vowels(text: str) -> str:
    """Long vowels written once, as register names write Hepburn."""
    for long, short in _LONG_VOWELS:
        text = text.replace(long, short)
    return text


@lru_cache(maxsize=1)
def _kakasi() -> object:
    import pykakasi

    return pykakasi.kakasi()


@lru_cache(maxsize=1 << 14)
def japanese_reading(text: str) -> str:
    """The Hepburn reading of a Japanese text (kanji and kana), letters only, long
    vowels once: "東京特殊電線" and "トウキョウトクシュデンセン" -> "tokyotokushudensen"."""
    parts = _kakasi().convert(text)  # type: ignore[attr-defined]
    return fold_long_vowels(_letters("".join(part["hepburn"] for part in parts)))
