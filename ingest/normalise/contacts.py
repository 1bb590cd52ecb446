"""Identity artefacts of parties: phones, emails, addresses, registration ids."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

import phonenumbers
from rigour.text.normalize import Normalize, normalize
from rigour.text.translit import ascii_text
from stdnum.cn import uscc
from stdnum.exceptions import ValidationError

__all__ = [
    "RegistrationId",
    "normalise_address",
    "normalise_email",
    "normalise_phone",
    "normalise_registration_id",
]


def normalise_phone(raw: str, country: str | None = None) -> str | None:
    """E.164 ("+8675512345678") when phonenumbers can parse the number (with
    `country`, ISO alpha-2, as the region for numbers written without +); None
    otherwise. "Valid-ish": a number of a possible length for its region is
    kept even when its range is not (yet) allocated in phonenumbers' metadata,
    because front companies use new ranges and the link matters more."""
    text = str(raw).strip()
    if not text:
        return None
    region = country.upper() if country else None
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# One @, no spaces, a dot in the domain: the shape, not RFC 5322. Mailbox
# existence is not ours to check; junk like "n/a" or "sales at x" is dropped.
_EMAIL: Final = re.compile(
    r"[^@\s<>(),;:\"\[\]]+@[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?(?:\.[a-z0-9\-]+)+"
)
# Emails are often pasted as "Name <sales@x.cn>" or "mailto:sales@x.cn".
_EMAIL_WRAPPED: Final = re.compile(r"^(?:.*<)?(?:mailto:)?([^<>]+?)>?$", re.IGNORECASE)


def normalise_email(raw: str) -> str | None:
    """Trimmed, lowercased email address, or None when it does not have the shape of one."""
    text = str(raw).strip()
    wrapped = _EMAIL_WRAPPED.match(text)
    if wrapped:
        text = wrapped.group(1).strip()
    text = text.lower()
    try:
        # Internationalised domains to their ASCII (punycode) form, so that
        # "x@例子.cn" and "x@xn--fsqu00a.cn" are one address.
        local, _, domain = text.rpartition("@")
        if local and domain and not domain.isascii():
            text = f"{local}@{domain.encode('idna').decode('ascii')}"
    except UnicodeError:
        return None
    return text if _EMAIL.fullmatch(text) else None


# Address abbreviations folded to one spelling (after casefold, transliteration
# and punctuation folding), so that "Rm 1401, 14/F, Blk A" and "Room 1401 14
# Floor Block A" compare equal. Written by hand because rigour's address
# normaliser (rigour.addresses) is built for its own fuzzy comparison, not for
# a stable key; the list is the abbreviations Hong Kong/Chinese/English-language
# addresses on trade documents use.
_ADDRESS_WORDS: Final[dict[str, str]] = {
    "rm": "room", "rms": "room", "flat": "room", "unit": "room", "ste": "suite",
    "f": "floor", "fl": "floor", "flr": "floor", "floors": "floor", "flrs": "floor",
    "bldg": "building", "bldgs": "building", "blg": "building",
    "blk": "block", "bk": "block",
    "rd": "road", "st": "street", "str": "street", "ave": "avenue", "av": "avenue",
    "blvd": "boulevard", "hwy": "highway", "ln": "lane", "dr": "drive",
    "ctr": "centre", "center": "centre", "cntr": "centre",
    "ind": "industrial", "indust": "industrial", "est": "estate",
    "twr": "tower", "plz": "plaza", "sq": "square", "no": "number", "nos": "number",
    "dist": "district", "hk": "hong kong", "kln": "kowloon", "nt": "new territories",
    "prov": "province", "pr": "province",
}  # fmt: skip

_ADDRESS_FLAGS: Final = Normalize.NFKC | Normalize.CASEFOLD | Normalize.NAME
# "14/F" and "14F" are the 14th floor in Hong Kong usage.
_FLOOR: Final = re.compile(r"\b(\d+)\s*/?\s*f\b", re.IGNORECASE)
# "14th" and "14" are one floor; ordinals lose their suffix.
_ORDINAL: Final = re.compile(r"\b(\d+)(?:st|nd|rd|th)\b", re.IGNORECASE)
# "#05-12" is a unit in Singapore / US usage.
_HASH: Final = re.compile(r"#")


def normalise_address(raw: str) -> str:
    """Comparison form of an address: casefolded, transliterated, common
    abbreviations folded, punctuation folded, whitespace collapsed."""
    out = _address_once(str(raw))
    # Folding can expose a pattern (a transliterated "th" after a digit); a
    # second pass reaches the fixed point, so the form is stable.
    again = _address_once(out)
    while again != out:
        out, again = again, _address_once(again)
    return out


def _address_once(raw: str) -> str:
    text = ascii_text(normalize(raw, Normalize.NFKC) or "")
    text = _ORDINAL.sub(r"\1", text)
    text = _FLOOR.sub(r"\1 floor", text)
    text = _HASH.sub(" number ", text)
    text = normalize(text, _ADDRESS_FLAGS) or ""
    words: list[str] = []
    for word in text.split():
        words.extend(_ADDRESS_WORDS.get(word, word).split())
    return " ".join(words)


@dataclass(frozen=True, slots=True)
class RegistrationId:
    value: str  # uppercase alphanumerics
    valid: bool | None  # None: no check known for this kind of id


# Separators agencies put inside registration numbers.
_NON_ALNUM: Final = re.compile(r"[^0-9A-Z]+")
# A Chinese unified social credit code (统一社会信用代码, GB 32100-2015) has 18 characters.
_USCC_LENGTH: Final = 18


def normalise_registration_id(raw: str, country: str | None = None) -> RegistrationId:
    """Uppercase alphanumerics; for China (CN) an 18-character id is checked as
    a unified social credit code (check character per GB 32100-2015, via stdnum)."""
    value = _NON_ALNUM.sub("", ascii_text(normalize(str(raw), Normalize.NFKC) or "").upper())
    valid: bool | None = None
    if country and country.upper() == "CN" and len(value) == _USCC_LENGTH:
        try:
            uscc.validate(value)
            valid = True
        except ValidationError:
            valid = False
    return RegistrationId(value=value, valid=valid)
