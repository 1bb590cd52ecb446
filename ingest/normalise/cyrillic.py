"""Whether two written words are spellings of one Cyrillic word, from published tables.

A Russian, Ukrainian or Belarusian name reaches a register in Latin letters through
whichever romanisation its clerk used: BGN/PCGN ("Kalashov"), ISO 9 without its
diacritics ("Kalasov"), the German ("Kalaschow") or French ("Kalachov") spellings,
a passport's ("Yelena", "Olena"), or in Cyrillic itself. The letters of each
system come from the packages that publish them, never from a table of our own:

- `iuliia`: Russian in 27 schemas (BGN/PCGN, ISO 9:1995 and its predecessors,
  ALA-LC, BS 2979, ICAO Doc 9303, the GOST and MVD standards, the French MVD 310,
  UNGEGN, scientific, Wikipedia's);
- `translitua`: Ukrainian (the national 2010 system, BGN/PCGN, ISO 9, ALA-LC, the
  British, French and German systems, the passport systems) and Russian (ICAO, ISO
  9, passports, the driver's licence);
- `cyrtranslit`: Russian, Ukrainian and Belarusian as their Latin alphabets write
  them.

`same_word(a, b)` says whether some Cyrillic word reads as `a` in one of these
systems and as `b` in one of them (letter by letter, systems mixed: registers mix
them), and which letters were spelt differently ("ш as sch / sh"). A word in
Cyrillic letters reads as itself. Latin spellings are compared folded (lower case,
diacritics dropped: ISO 9's "š" is written "s" on a keyboard without it).
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Final

__all__ = ["CyrillicMatch", "canonical_reading", "is_cyrillic", "same_word", "spellings"]

# iuliia's schemas that are not Russian.
_NOT_RUSSIAN: Final = frozenset({"uz"})
# cyrtranslit's languages read here: Russian, Ukrainian, Belarusian.
_CYRTRANSLIT: Final = {"ru": "RU", "ua": "UA", "by": "BY"}
# The soft and hard signs, which many systems leave unwritten.
_SIGNS: Final = frozenset({"ь", "ъ"})
# Shortest word compared: two or three letters spelt alike say nothing.
_MIN_LETTERS: Final = 4


def is_cyrillic(ch: str) -> bool:
    return 0x0400 <= ord(ch) <= 0x04FF


def _fold(text: str) -> str:
    """Lower case, diacritics dropped, letters only (apostrophes and the soft and
    hard signs' marks ʹ ʺ ’ ” go: keyboards leave them out)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(
        ch
        for ch in decomposed
        if ch.isalpha() and not unicodedata.combining(ch) and unicodedata.category(ch) != "Lm"
    ).replace("ß", "ss")


def _iuliia_tables() -> Iterator[tuple[str, str]]:
    folder = resources.files("iuliia") / "schemas"
    for entry in folder.iterdir():
        if not entry.name.endswith(".json"):
            continue
        schema = json.loads(entry.read_text(encoding="utf-8"))
        if schema.get("name") in _NOT_RUSSIAN:
            continue
        for cyrillic, latin in (schema.get("mapping") or {}).items():
            yield cyrillic, latin
        # Context rules: "е" after a vowel is "ye" (prev_mapping: the key's last
        # letter), "й" before "а" is "y" (next_mapping: the key's first letter),
        # "ий" at the end is "y" (ending_mapping: the whole key).
        # A rule that writes a letter as nothing in a context ("кс" as "x") is left
        # out: the letter alone is not silent.
        for key, latin in (schema.get("prev_mapping") or {}).items():
            if _fold(latin):
                yield key[-1], latin
        for key, latin in (schema.get("next_mapping") or {}).items():
            if _fold(latin):
                yield key[0], latin
        for key, latin in (schema.get("ending_mapping") or {}).items():
            yield key, latin


def _translitua_tables() -> Iterator[tuple[str, str]]:
    import translitua

    for table in translitua.ALL_TRANSLITERATIONS:
        main = getattr(table, "MAIN_TRANSLIT_TABLE", None)
        if not isinstance(main, dict):
            continue
        for code, latin in main.items():
            yield (chr(code) if isinstance(code, int) else str(code)), str(latin)
        for extra in ("SPECIAL_CASES", "FIRST_CHARACTERS"):
            for cyrillic, latin in (getattr(table, extra, None) or {}).items():
                yield str(cyrillic), str(latin)


def _cyrtranslit_tables() -> Iterator[tuple[str, str]]:
    import importlib

    for module, prefix in _CYRTRANSLIT.items():
        mapping = importlib.import_module(f"cyrtranslit.mapping.{module}")
        yield from getattr(mapping, f"{prefix}_CYR_TO_LAT_DICT").items()


@lru_cache(maxsize=1)
def spellings() -> dict[str, frozenset[str]]:
    """Cyrillic letter (or letter group a system spells as one) -> its Latin
    spellings in every system read, folded; each Cyrillic unit also spells itself."""
    found: dict[str, set[str]] = {}
    for unit, latin in _support():
        found.setdefault(unit, set()).add(latin)
    for unit, values in found.items():
        if unit not in _SIGNS:
            values.discard("")  # only the soft and hard signs may go unwritten
        values.add(unit)
    return {unit: frozenset(values) for unit, values in found.items()}


@lru_cache(maxsize=1)
def _support() -> dict[tuple[str, str], int]:
    """(Cyrillic unit, folded spelling) -> how many of the tables read spell it so."""
    counts: dict[tuple[str, str], int] = {}
    for cyrillic, latin in (*_iuliia_tables(), *_translitua_tables(), *_cyrtranslit_tables()):
        unit = cyrillic.casefold()
        if unit and all(is_cyrillic(ch) for ch in unit):
            key = (unit, _fold(latin))
            counts[key] = counts.get(key, 0) + 1
    return counts


@lru_cache(maxsize=1)
def _units_by_spelling() -> tuple[dict[str, frozenset[str]], int]:
    """Spelling -> the Cyrillic units it may write, and the longest spelling."""
    by: dict[str, set[str]] = {}
    for unit, values in spellings().items():
        for value in values:
            by.setdefault(value, set()).add(unit)
    return {value: frozenset(units) for value, units in by.items()}, max(map(len, by))


@lru_cache(maxsize=1)
def _usual_unit() -> dict[str, str]:
    """Latin spelling -> the Cyrillic unit most tables write so (ties: the first)."""
    support = _support()
    out: dict[str, str] = {}
    for value, units in _units_by_spelling()[0].items():
        if value.isascii():
            out[value] = min(units, key=lambda u: (-support.get((u, value), 0), u))
    return out


@dataclass(frozen=True, slots=True)
class CyrillicMatch:
    """Two words read as one Cyrillic word: the letters they spell differently."""

    differences: tuple[tuple[str, str, str], ...]  # (Cyrillic unit, spelt in a, in b)

    def explain(self) -> str:
        shown = [f"{unit} as {x or '-'} / {y or '-'}" for unit, x, y in self.differences[:3]]
        return ", ".join(shown)


def _steps(word: str, start: int, longest: int) -> Iterator[tuple[str, frozenset[str]]]:
    by, _ = _units_by_spelling()
    for end in range(start, min(len(word), start + longest) + 1):
        units = by.get(word[start:end])
        if units:
            yield word[start:end], units


@lru_cache(maxsize=1 << 16)
def same_word(a: str, b: str) -> CyrillicMatch | None:
    """Whether `a` and `b` (words, in Latin or Cyrillic letters) are spellings of one
    Cyrillic word in the systems read (see the module), and how; None when not,
    when either is shorter than four letters, or when they are equal."""
    a, b = _fold(a), _fold(b)
    if a == b or min(len(a), len(b)) < _MIN_LETTERS:
        return None
    _, longest = _units_by_spelling()
    # Breadth-first over (letters of a read, letters of b read); each step reads one
    # Cyrillic unit in both words. `came` keeps the way back.
    came: dict[tuple[int, int], tuple[tuple[int, int], str, str, str]] = {}
    frontier = [(0, 0)]
    seen = {(0, 0)}
    goal = (len(a), len(b))
    while frontier and goal not in seen:
        following = []
        for i, j in frontier:
            options_b = list(_steps(b, j, longest))
            for spelt_a, units_a in _steps(a, i, longest):
                for spelt_b, units_b in options_b:
                    if not spelt_a and not spelt_b:
                        continue
                    common = units_a & units_b
                    if not common:
                        continue
                    state = (i + len(spelt_a), j + len(spelt_b))
                    if state not in seen:
                        seen.add(state)
                        came[state] = ((i, j), min(common), spelt_a, spelt_b)
                        following.append(state)
        frontier = following
    if goal not in seen:
        return None
    differences = []
    state = goal
    while state != (0, 0):
        state, unit, spelt_a, spelt_b = came[state]
        if spelt_a != spelt_b:
            differences.append((unit, spelt_a, spelt_b))
    return CyrillicMatch(tuple(reversed(differences)))


@lru_cache(maxsize=1 << 16)
def canonical_reading(word: str) -> str | None:
    """One Cyrillic word a Latin word may be read as: the reading in the fewest
    letters, each spelling read as the Cyrillic letter most tables write so. Two
    romanisations of one word often read back alike ("Kalashov" and "Kalaschov":
    калашов; "Yelena" and "Elena": елена), which makes a blocking key; `same_word`
    decides. None for a word shorter than four letters or not in Latin letters."""
    folded = _fold(word)
    if len(folded) < _MIN_LETTERS or not folded.isascii():
        return None
    usual = _usual_unit()
    _, longest = _units_by_spelling()
    # best[i]: (letters, reading) of the shortest reading of folded[:i].
    best: list[tuple[int, str] | None] = [None] * (len(folded) + 1)
    best[0] = (0, "")
    for start in range(len(folded)):
        held = best[start]
        if held is None:
            continue
        for end in range(start + 1, min(len(folded), start + longest) + 1):
            unit = usual.get(folded[start:end])
            if unit is None:
                continue
            candidate = (held[0] + 1, held[1] + unit)
            current = best[end]
            if current is None or candidate < current:
                best[end] = candidate
    final = best[len(folded)]
    return final[1] if final else None
