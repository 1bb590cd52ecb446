"""Text typed into the search box, or given to `/v1/match`, read as the identity
artefacts the loader writes: phones, emails, registration numbers and addresses, in
any spelling the loader accepts (`ingest.normalise`), so that they find the nodes
the loader made of them.

A phone written without its country code is read with a region: the query's
country, else the caller's agency's jurisdiction (`23965725` asked by Hong Kong
customs is +852 2396 5725); each reading says which it took. A registration number
or an address is keyed by country in the graph (`id:CN:...`, an address's digest
with its country): without one, every country is tried (a few hundred index seeks).
"""

from __future__ import annotations

from dataclasses import dataclass

import phonenumbers
import pycountry

from graph import queries
from graph.access import Viewer
from graph.model import Label
from graph.store import GraphStore, Row
from ingest.agencies import agency as agency_of
from ingest.normalise.contacts import (
    normalise_address,
    normalise_email,
    normalise_phone,
    normalise_registration_id,
)
from ingest.normalised import party_identity

__all__ = [
    "Reading",
    "agency_region",
    "artefact_holders",
    "may_be_a_name",
    "read_identifiers",
    "read_phone",
]

# Every code a registration number or an address may be keyed by: ISO 3166 alpha-2,
# the jurisdictions of their own, and "XX" (no country written).
_ALL_CODES = sorted({c.alpha_2 for c in pycountry.countries} | {"HK", "MO", "XK", "XX"})
# A registration number is letters and digits; shorter ones are other things.
_MIN_REGISTRATION = 5


@dataclass(frozen=True)
class Reading:
    label: Label  # the artefact's kind
    ids: tuple[str, ...]  # node ids it may have
    shown: str  # the value as the graph holds it
    how: str  # how the text was read


def agency_region(viewer: Viewer) -> str | None:
    """The jurisdiction of the viewer's agency (None: the operator, or unknown)."""
    if viewer.agency is None:
        return None
    return agency_of(viewer.agency).jurisdiction


def read_phone(text: str, country: str | None, fallback: str | None) -> tuple[str | None, str]:
    """`text` as E.164 and how it was read: as written when it carries a country code,
    else with `country` (the query's), else with `fallback` (the agency's)."""
    written = text.strip()
    if written.startswith("00"):
        written = "+" + written[2:]
    if written.startswith("+"):
        return normalise_phone(written), "as written, with its country code"
    for region, whose in (
        (country, "the query's country"),
        (fallback, "the agency's jurisdiction"),
    ):
        if region:
            number = normalise_phone(text, region)
            if number:
                return number, f"without a country code: read in {region} ({whose})"
    return None, "without a country code, and no country to read it in"


def may_be_a_name(text: str) -> bool:
    """Whether `text` may be a party's name, as well as what `read_identifiers` reads:
    not an email, not a number without a letter (a phone, a registration or document
    number), not one word holding more digits than letters ("91440300MA5F7XYZ12";
    "3M" and "7-Eleven" are names). The search box reads a name with entity
    resolution's name analysis, whose first use in a process loads rigour's tables
    of given and family names: many seconds spent for a number no party is named."""
    text = text.strip()
    if "@" in text and normalise_email(text):
        return False
    letters = sum(ch.isalpha() for ch in text)
    digits = sum(ch.isdigit() for ch in text)
    if not letters:
        return False
    return not (len(text.split()) == 1 and digits > letters)


def read_identifiers(text: str, country: str | None, fallback: str | None) -> list[Reading]:
    """Every artefact `text` may be: a phone, an email, a registration number, an
    address (an email is only an email)."""
    text = text.strip()
    out: list[Reading] = []
    email = normalise_email(text) if "@" in text else None
    if email:
        return [Reading(Label.EMAIL, (f"mail:{email}",), email, "an email address")]
    digits = sum(ch.isdigit() for ch in text)
    if digits >= 6 and all(ch.isdigit() or ch in "+-()./ " for ch in text):
        number, how = read_phone(text, country, fallback)
        if number:
            shown = phonenumbers.format_number(
                phonenumbers.parse(number), phonenumbers.PhoneNumberFormat.INTERNATIONAL
            )
            out.append(Reading(Label.PHONE, (f"tel:{number}",), shown, f"phone {shown}, {how}"))
    registration = normalise_registration_id(text, country)
    if len(registration.value) >= _MIN_REGISTRATION and any(ch.isdigit() for ch in text):
        codes = [country] if country else _ALL_CODES
        out.append(
            Reading(
                Label.IDENTIFIER,
                tuple(f"id:{code}:{registration.value}" for code in codes),
                registration.value,
                f"registration number {registration.value}",
            )
        )
    # An address has a street or a building, in letters: a phone written in groups
    # ("+86 755 2995 8198") is not read as one (which tries every country).
    has_letter = any(ch.isalpha() for ch in text)
    if len(text.split()) >= 3 and has_letter and any(ch.isdigit() for ch in text):
        address = normalise_address(text)
        codes = [country] if country else ["", *_ALL_CODES]
        ids = []
        for code in codes:
            found = party_identity("x", code or None, address=text).address_id
            if found:
                ids.append(found)
        if ids:
            out.append(Reading(Label.ADDRESS, tuple(dict.fromkeys(ids)), address, "an address"))
    return out


def artefact_holders(store: GraphStore, viewer: Viewer, readings: list[Reading]) -> list[Row]:
    """The parties the viewer may see holding what `readings` name, each with the
    reading that found it (`reading`)."""
    out: list[Row] = []
    for reading in readings:
        rows = store.read(
            queries.artefact_holders_query(reading.label), ids=list(reading.ids), **viewer.params
        )
        out += [dict(row) | {"reading": reading} for row in rows]
    return out
