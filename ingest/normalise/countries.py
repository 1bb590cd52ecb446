"""Countries and territories to ISO 3166-1 alpha-2.

Order of lookup: the customs spellings below; exact ISO codes and names from
pycountry, also after a customs table's abbreviations are written out ("KOREA, REP
OF" is ISO's "Korea, Republic of"; "RUSSIA, FED" is Russia); then rigour's
territory database, which knows many names in many languages ("Deutschland",
"中国", "Holland", "Macao SAR"). No fuzzy matching: a wrong country is worse
than none. Hong Kong (HK) and Macao (MO) are their own jurisdictions and never
fold into CN.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

import pycountry
from rigour.territories import lookup_territory

__all__ = ["resolve_country"]

# Folded (casefold, non-alphanumerics to one space) spellings that neither
# pycountry nor rigour resolves, or resolves wrongly, each with why it exists.
_ALIASES: Final[dict[str, str]] = {
    # US/UN customs tables write "COUNTRY, QUALIFIER" inverted names.
    "china peoples rep": "CN",
    "china people s rep": "CN",
    "china peoples republic": "CN",
    "china p r": "CN",
    "p r china": "CN",
    "pr china": "CN",
    "china mainland": "CN",
    "mainland china": "CN",
    "korea rep": "KR",
    "korea republic": "KR",
    "korea south": "KR",
    "korea dem peoples rep": "KP",
    "korea north": "KP",
    "hong kong china": "HK",  # WTO/WCO style; must not become CN
    "hong kong sar china": "HK",
    "hongkong": "HK",  # written as one word on many invoices
    "hksar": "HK",
    "macao china": "MO",
    "macau china": "MO",
    "macao sar china": "MO",
    "macau sar": "MO",
    "masar": "MO",
    "taiwan province of china": "TW",
    "chinese taipei": "TW",  # WTO/APEC name of Taiwan
    "taiwan roc": "TW",
    # ISO reserves "UK" for GB, which customs write everywhere.
    "uk": "GB",
    "u k": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    # Old and colloquial names customs still use.
    "usa": "US",
    "u s a": "US",
    "u s": "US",
    "america": "US",
    "uae": "AE",
    "u a e": "AE",
    "emirates": "AE",
    "turkey": "TR",  # ISO name is Türkiye since 2022
    "turkiye": "TR",
    "vietnam": "VN",
    "holland": "NL",
    "the netherlands": "NL",
    "russia": "RU",
    "iran": "IR",
    "burma": "MM",
    "czechia": "CZ",
    "czech republic": "CZ",
    "ivory coast": "CI",
    "laos": "LA",
    "syria": "SY",
    "tanzania": "TZ",
    "bolivia": "BO",
    "venezuela": "VE",
    "moldova": "MD",
    "swaziland": "SZ",
    "macedonia": "MK",
    "cape verde": "CV",
    "east timor": "TL",
    "brunei": "BN",
    "vatican": "VA",
    "palestine": "PS",
    "micronesia": "FM",
    "congo kinshasa": "CD",
    "drc": "CD",
    "congo brazzaville": "CG",
    "congo dem rep": "CD",  # ISO writes "Congo, The Democratic Republic of the"
    "congo democratic republic": "CD",
    "eu": "",  # the European Union is not a country: explicitly unknown
    "european union": "",
}

# Abbreviations of customs country tables (the US Census Bureau's Schedule C and
# UN trade statistics write "KOREA, REP OF", "IRAN, ISLAMIC REP", "GERMANY, FED
# REP", "RUSSIA, FED", "LAO PEOPLES DEM REP"): each word and what it stands for, so
# that the ISO name pycountry knows ("Korea, Republic of") can be looked up.
_CUSTOMS_WORDS: Final[dict[str, tuple[str, ...]]] = {
    "rep": ("republic",),
    "repub": ("republic",),
    "fed": ("federation", "federal"),
    "dem": ("democratic",),
    "peoples": ("people's",),
    "isl": ("islamic",),
    "utd": ("united",),
    "st": ("state",),
    "prov": ("province",),
    "fmr": ("former",),
    "pdr": ("people's democratic republic",),
    "dpr": ("democratic people's republic",),
    "dprk": ("democratic people's republic of korea",),
}
# Words that say only what kind of state a country is: "RUSSIA, FED" and
# "GERMANY, FED REP" are Russia and Germany. "democratic" and "people's" are not
# among them: they tell the two Koreas and the two Congos apart.
_STATE_FORM_WORDS: Final = frozenset(
    {"republic", "federation", "federal", "of", "the", "islamic", "arab", "kingdom",
     "state", "united", "plurinational", "bolivarian", "socialist", "sar"}
)  # fmt: skip

# Kosovo has no ISO 3166-1 code; XK is the user-assigned code the European
# Commission, SWIFT and most customs systems use. rigour knows it as "xk".
_EXTRA_CODES: Final = frozenset({"XK"})

_FOLD = re.compile(r"[\W_]+")


def _fold(raw: str) -> str:
    return _FOLD.sub(" ", raw.casefold()).strip()


def _pycountry(raw: str) -> str | None:
    try:
        country = pycountry.countries.lookup(raw)
    except LookupError:
        return None
    return str(country.alpha_2)


def _valid_alpha2(code: str) -> bool:
    return code in _EXTRA_CODES or pycountry.countries.get(alpha_2=code) is not None


def _expansions(words: list[str]) -> list[list[str]]:
    """Every spelling of `words` with the customs abbreviations written out."""
    out: list[list[str]] = [[]]
    for word in words:
        out = [[*done, full] for done in out for full in _CUSTOMS_WORDS.get(word, (word,))]
    return out


def _customs_form(text: str) -> str | None:
    """A customs table's "NAME, QUALIFIER" form: the ISO name with the qualifier
    written out ("KOREA, REP OF" -> "Korea, Republic of"), or the name alone when
    the qualifier only says what kind of state it is ("RUSSIA, FED")."""
    name, comma, qualifier = text.partition(",")
    folded_name = _fold(name)
    words = _fold(qualifier if comma else text).split()
    if not words:
        return None
    for spelled in _expansions(words):
        phrase = " ".join(spelled)
        for candidate in (
            (f"{name.strip()}, {phrase}", f"{name.strip()}, {phrase} of") if comma else (phrase,)
        ):
            found = _pycountry(candidate)
            if found:
                return found
        if comma and set(spelled) <= _STATE_FORM_WORDS and folded_name:
            found = _ALIASES.get(folded_name) or _pycountry(folded_name)
            if found:
                return found
    return None


@lru_cache(maxsize=4096)
def resolve_country(raw: str) -> str | None:
    """ISO 3166-1 alpha-2 for a code or name in any common form; None when unknown."""
    text = str(raw).strip()
    if not text:
        return None
    folded = _fold(text)
    if folded in _ALIASES:
        return _ALIASES[folded] or None
    if folded.upper() in _EXTRA_CODES:
        return folded.upper()
    found = _pycountry(text) or _pycountry(folded) or _customs_form(text)
    if found:
        return found
    territory = lookup_territory(text) or lookup_territory(folded)
    if territory is None:
        return None
    # Subdivision territories ("gb-eng", "us-ca") belong to their country.
    code = territory.code.split("-")[0].upper()
    return code if _valid_alpha2(code) else None
