"""Transport modes."""

from __future__ import annotations

import re
from typing import Final

from .errors import NormaliseError

__all__ = ["TRANSPORT_MODES", "normalise_transport_mode"]

TRANSPORT_MODES: Final = ("sea", "air", "road", "rail", "postal", "express")

# Words agencies write for each mode, after folding (casefold, punctuation and
# whitespace to one space). Express means courier / express consignments (DHL,
# FedEx, UPS, SF Express), which customs process apart from postal items (UPU
# mail, EMS); EMS is the postal operators' express service, so it is postal.
_SYNONYMS: Final[dict[str, str]] = {
    # sea
    "sea": "sea", "ocean": "sea", "vessel": "sea", "maritime": "sea", "marine": "sea",
    "sea freight": "sea", "ocean freight": "sea", "sea cargo": "sea", "ship": "sea",
    "by sea": "sea", "waterway": "sea", "barge": "sea", "fcl": "sea", "lcl": "sea",
    "海运": "sea", "海運": "sea", "水路": "sea", "水路运输": "sea", "船": "sea",
    "1": "sea",  # UN/ECE Rec. 19 mode code 1 = maritime
    # air
    "air": "air", "air cargo": "air", "air freight": "air", "airfreight": "air",
    "aircraft": "air", "flight": "air", "by air": "air", "air passenger": "air",
    "passenger": "air", "空运": "air", "空運": "air", "航空": "air", "航空运输": "air",
    "4": "air",  # Rec. 19: air
    # road
    "road": "road", "truck": "road", "lorry": "road", "land": "road", "vehicle": "road",
    "trucking": "road", "by road": "road", "cross boundary": "road", "公路": "road",
    "陆运": "road", "陸運": "road", "公路运输": "road", "汽车": "road",
    "3": "road",  # Rec. 19: road
    # rail
    "rail": "rail", "railway": "rail", "railroad": "rail", "train": "rail", "by rail": "rail",
    "铁路": "rail", "鐵路": "rail", "铁路运输": "rail", "中欧班列": "rail",
    "2": "rail",  # Rec. 19: rail
    # postal
    "postal": "postal", "post": "postal", "mail": "postal", "ems": "postal",
    "parcel post": "postal", "postal parcel": "postal", "letter": "postal",
    "small packet": "postal", "邮递": "postal", "郵遞": "postal", "邮件": "postal",
    "郵件": "postal", "邮政": "postal", "郵政": "postal",
    "5": "postal",  # Rec. 19: mail
    # express
    "express": "express", "courier": "express", "express courier": "express",
    "express consignment": "express", "express mail": "express", "air courier": "express",
    "快件": "express", "快递": "express", "快遞": "express", "速递": "express",
}  # fmt: skip

_FOLD = re.compile(r"[\W_]+")


def normalise_transport_mode(raw: str) -> str:
    key = _FOLD.sub(" ", str(raw).casefold()).strip()
    mode = _SYNONYMS.get(key)
    if mode is None:
        raise NormaliseError(
            f"'{raw}' is not a transport mode we know (one of {', '.join(TRANSPORT_MODES)}, "
            "or a synonym such as ocean, air cargo, courier, mail, truck, railway)",
            "transport_mode",
        )
    return mode
