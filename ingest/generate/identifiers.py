"""Identifiers with real check digits: containers, registration numbers, transport documents.

Check digits come from python-stdnum where it has the scheme (ISO 6346, USCC); the
few schemes it lacks (UPU S10 postal items, IATA air waybills) are one-line formulas
documented where they are computed. A small share is deliberately wrong, as in real
registers, and the caller is told which.
"""

from __future__ import annotations

import random
import string

from stdnum import iso6346
from stdnum.cn import uscc

# Owner codes (BIC prefixes, category letter U) of carriers and lessors whose boxes
# circulate among unrelated shippers. Not SCACs: Evergreen's boxes are EGHU/EMCU, not EGLV.
CARRIER_OWNER_CODES = (
    "MSKU",
    "MAEU",
    "MRKU",
    "CMAU",
    "CSNU",
    "COSU",
    "CBHU",
    "EGHU",
    "EMCU",
    "OOLU",
    "HLXU",
    "TGHU",
    "TCNU",
    "TEMU",
    "SEGU",
    "FCIU",
    "BMOU",
    "ONEU",
    "YMLU",
    "MSCU",
)
# Vessel operators' B/L prefixes, matching the owner codes above loosely.
BL_PREFIXES = ("MAEU", "COSU", "OOLU", "EGLV", "CMDU", "HLCU", "ONEY", "YMLU", "MEDU")
VESSELS = (
    "MAERSK LOTA",
    "COSCO SHIPPING UNIVERSE",
    "EVER GIVEN",
    "OOCL HONG KONG",
    "CMA CGM JACQUES SAADE",
    "HMM ALGECIRAS",
    "ONE INNOVATION",
    "MSC GULSUN",
    "YM WELLNESS",
    "EVER ACE",
    "MAERSK MC-KINNEY MOLLER",
    "COSCO PRIDE",
)
# IATA airline prefixes: Cathay Pacific 160, China Southern 784, UPS 406, FedEx 023,
# DHL/EAT 615, Lufthansa Cargo 020, Emirates 176, KLM 074.
AWB_PREFIXES = ("160", "784", "406", "023", "615", "020", "176", "074")
FLIGHTS = ("CX880", "CX096", "CZ327", "5X61", "FX5210", "D0572", "LH8405", "EK9881", "KL882")
EXPRESS_CARRIERS = ("DHL", "FEDEX", "UPS", "SF")

# Share of container numbers written with a wrong check digit (keying errors).
INVALID_CONTAINER_SHARE = 0.02
# Share of USCC numbers with a wrong final check character.
INVALID_USCC_SHARE = 0.03


def container_number(rng: random.Random, owner: str | None = None) -> tuple[str, bool]:
    """A compact ISO 6346 number and whether its check digit is valid."""
    owner = owner or rng.choice(CARRIER_OWNER_CODES)
    serial = f"{rng.randrange(1_000_000):06d}"
    check = iso6346.calc_check_digit(owner + serial)
    valid = rng.random() >= INVALID_CONTAINER_SHARE
    if not valid:
        check = str((int(check) + rng.randint(1, 9)) % 10)
    return owner + serial + check, valid


def written_container(number: str, rng: random.Random) -> str:
    """The spacings seen in manifests: MSKU1234565, MSKU 123456-5, MSKU 123456 5."""
    r = rng.random()
    if r < 0.55:
        return number
    if r < 0.8:
        return f"{number[:4]} {number[4:10]}-{number[10]}"
    return f"{number[:4]} {number[4:10]} {number[10]}"


_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def uscc_number(region_code: str, rng: random.Random) -> str:
    """A Chinese unified social credit code (18 chars) for a company registered in a region.

    "91" = registered with the market regulator (9) as an enterprise (1).
    """
    body = "91" + region_code + "".join(rng.choice(_USCC_ALPHABET) for _ in range(9))
    check = uscc.calc_check_digit(body)
    if rng.random() < INVALID_USCC_SHARE:
        check = rng.choice([c for c in _USCC_ALPHABET if c != check])
    return body + check


def hk_br_number(rng: random.Random) -> str:
    """Hong Kong Business Registration number: 8 digits."""
    return f"{rng.randrange(10_000_000, 80_000_000):08d}"


def registration_for(country: str, rng: random.Random) -> str:
    if country == "HK":
        return hk_br_number(rng)
    if country == "US":
        return f"{rng.randrange(10, 99)}-{rng.randrange(1_000_000, 9_999_999)}"  # EIN
    if country == "NL":
        return f"{rng.randrange(10_000_000, 99_999_999)}"  # KvK number
    if country == "DE":
        return f"HRB {rng.randrange(1000, 250_000)}"  # Handelsregister B
    if country == "BE":
        base = rng.randrange(20_000_000, 99_999_999)  # KBO/BCE number: 0 + 7 digits + mod 97
        return f"0{base // 100:06d}{97 - (base // 100) % 97:02d}"
    if country == "MO":
        return f"SO {rng.randrange(10_000, 99_999)}"
    return "".join(rng.choice(string.digits) for _ in range(9))


def s10_item(rng: random.Random, origin: str = "CN") -> str:
    """UPU S10 postal item id, e.g. RR123456785CN.

    Check digit: weights 8,6,4,2,3,5,9,7 over the serial; 11 - sum mod 11, where 10 -> 0
    and 11 -> 5 (UPU S10 standard).
    """
    serial = f"{rng.randrange(100_000_000):08d}"
    total = sum(int(d) * w for d, w in zip(serial, (8, 6, 4, 2, 3, 5, 9, 7), strict=True))
    check = 11 - total % 11
    check = {10: 0, 11: 5}.get(check, check)
    service = rng.choice(("RR", "LP", "UA", "EE", "CP", "LX"))
    return f"{service}{serial}{check}{origin}"


def air_waybill(rng: random.Random) -> str:
    """IATA air waybill: airline prefix, 7-digit serial and its mod-7 check digit."""
    serial = rng.randrange(10_000_000)
    return f"{rng.choice(AWB_PREFIXES)}-{serial:07d}{serial % 7}"


def bill_of_lading(rng: random.Random) -> str:
    return f"{rng.choice(BL_PREFIXES)}{rng.randrange(100_000_000, 999_999_999)}"


def express_waybill(rng: random.Random) -> str:
    carrier = rng.choice(EXPRESS_CARRIERS)
    digits = 12 if carrier in ("FEDEX", "SF") else 10
    number = "".join(rng.choice(string.digits) for _ in range(digits))
    return f"{carrier} {number}" if rng.random() < 0.6 else number


def road_consignment(rng: random.Random) -> str:
    return f"CMR{rng.randrange(100_000, 999_999)}"


def transport_document(mode: str, rng: random.Random) -> str:
    if mode == "sea":
        return bill_of_lading(rng)
    if mode == "air":
        return air_waybill(rng)
    if mode == "express":
        return express_waybill(rng)
    if mode == "postal":
        return s10_item(rng)
    if mode == "rail":
        return f"SMGS {rng.randrange(1_000_000, 9_999_999)}"
    return road_consignment(rng)


def vessel_or_flight(mode: str, rng: random.Random) -> str | None:
    if mode == "sea":
        return rng.choice(VESSELS)
    if mode in ("air", "express"):
        return rng.choice(FLIGHTS)
    if mode == "road":
        # Cross-border lorry plates carry both Guangdong and HK/Macao registrations.
        return (
            f"粤Z{rng.randrange(1000, 9999)}港"
            if rng.random() < 0.5
            else f"LV{rng.randrange(1000, 9999)}"
        )
    return None
