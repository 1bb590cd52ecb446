"""Ports, their written spellings, and the routes counterfeit shipments take.

Routes run from South China manufacturing regions through transit hubs to North
America, Europe and Belt-and-Road destinations. Each agency seizes in its own
jurisdiction: CN-GACC at Guangdong export ports, HK-CED and MO-CS at home (transit,
import or export), US-CBP and the EU members at the port of discharge.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

# UN/LOCODE -> spellings seen in customs data. The LOCODE itself (with and without the
# space) is added by `written_port`; these are the names. `None` keys are not used.
PORT_NAMES: dict[str, tuple[str, ...]] = {
    "HKHKG": (
        "Hong Kong",
        "HONGKONG",
        "Hong Kong SAR",
        "Kwai Chung",
        "HONG KONG",
        "Hong Kong International Airport",
    ),
    "MOMFM": ("Macau", "Macao", "Porto Interior", "Aeroporto Internacional de Macau"),
    "CNYTN": ("Yantian", "Shenzhen-Yantian", "YANTIAN, SHENZHEN", "盐田"),
    "CNSHK": ("Shekou", "SHEKOU", "蛇口"),
    "CNSZX": ("Shenzhen", "Shenzhen Bao'an Airport", "深圳"),
    "CNCAN": ("Guangzhou", "Guangzhou Baiyun", "广州"),
    "CNHUA": ("Huangpu", "HUANGPU", "黄埔"),
    "CNNSA": ("Nansha", "Guangzhou Nansha", "南沙"),
    "CNZUH": ("Gongbei", "Zhuhai", "拱北"),
    "CNNGB": ("Ningbo", "NINGBO-ZHOUSHAN"),
    "CNXMN": ("Xiamen", "XIAMEN"),
    "CNSWA": ("Shantou", "SHANTOU"),
    "CNYIW": ("Yiwu", "YIWU RAIL"),
    "CNSHA": ("Shanghai", "SHANGHAI"),
    "SGSIN": ("Singapore", "SINGAPORE"),
    "AEJEA": ("Jebel Ali", "JEBEL ALI, DUBAI"),
    "AEDXB": ("Dubai", "Dubai Airport"),
    "MYPKG": ("Port Klang", "PORT KELANG"),
    "KRPUS": ("Busan", "PUSAN"),
    "NLRTM": ("Rotterdam", "Port of Rotterdam", "ROTTERDAM MAASVLAKTE"),
    "NLAMS": ("Amsterdam Schiphol", "Schiphol"),
    "BEANR": ("Antwerp", "Antwerpen", "ANTWERP-BRUGES"),
    "BELGG": ("Liège Airport", "Liege", "LIEGE AIRPORT"),
    "BEBRU": ("Brussels Airport", "Zaventem"),
    "DEHAM": ("Hamburg", "HAMBURG PORT"),
    "DELEJ": ("Leipzig/Halle", "Leipzig"),
    "DEFRA": ("Frankfurt Airport", "Frankfurt"),
    "DEDUI": ("Duisburg", "Duisburg Rail Terminal"),
    "GBFXT": ("Felixstowe",),
    "GBLHR": ("London Heathrow", "Heathrow"),
    "GBEMA": ("East Midlands Airport",),
    "FRLEH": ("Le Havre",),
    "FRCDG": ("Paris CDG", "Roissy Charles de Gaulle"),
    "ITGOA": ("Genoa", "Genova"),
    "ITMXP": ("Milan Malpensa",),
    "USLAX": ("Los Angeles", "LOS ANGELES/LONG BEACH", "Los Angeles/Long Beach"),
    "USLGB": ("Long Beach", "Los Angeles/Long Beach"),
    "USNYC": ("New York/Newark", "NEWARK", "Port Newark"),
    "USJFK": ("JFK", "New York JFK", "JFK International Mail Facility"),
    "USMIA": ("Miami", "MIAMI"),
    "USORD": ("Chicago O'Hare", "ORD"),
    "USCVG": ("Cincinnati", "CVG DHL HUB"),
    "USSDF": ("Louisville", "Louisville UPS Worldport"),
    "USMEM": ("Memphis", "Memphis FedEx Hub"),
    "GRPIR": ("Piraeus", "PIRAEUS"),
    "PKKHI": ("Karachi",),
    "KEMBA": ("Mombasa",),
    "UZTAS": ("Tashkent",),
}

# Places with no UN/LOCODE that agencies still write as ports: border control points,
# rail frontier stations, mail centres. A resolver must keep them as unresolved names.
UNCODED_PLACES: dict[str, tuple[str, ...]] = {
    "HK-ROAD": ("Lok Ma Chau Control Point", "Shenzhen Bay Control Point", "Man Kam To"),
    "HK-POST": ("Air Mail Centre", "Air Mail Centre, HKIA"),
    "MO-ROAD": ("Portas do Cerco", "Posto Fronteiriço de Hengqin", "Border Gate"),
    "CN-ROAD": ("Huanggang", "皇岗", "Wenjindu", "文锦渡"),
    "RAIL-KZ": ("Khorgos", "Altynkol"),
    "RAIL-PL": ("Malaszewicze", "Małaszewicze"),
    "OBSCURE": ("Dachan Bay", "Xiaomo Port", "Kowloon Bay Pier", "Pier 4", "Tuen Mun River Trade"),
}

# Ports where CN-GACC Guangdong seizes on export, per mode.
GACC_PORTS: dict[str, tuple[str, ...]] = {
    "sea": ("CNYTN", "CNSHK", "CNNSA", "CNHUA"),
    "air": ("CNCAN", "CNSZX"),
    "express": ("CNSZX", "CNCAN"),
    "postal": ("CNCAN", "CNSZX"),
    "road": ("CN-ROAD", "CNZUH"),
    "rail": ("CNCAN",),
}

SEA_LOADING: dict[str, tuple[str, ...]] = {
    "Shenzhen": ("CNYTN", "CNSHK"),
    "Guangzhou": ("CNNSA", "CNHUA"),
    "Dongguan": ("CNHUA", "CNYTN"),
    "Foshan": ("CNNSA",),
    "Shantou": ("CNSWA", "CNYTN"),
    "Yiwu": ("CNNGB", "CNSHA"),
    "Ningbo": ("CNNGB",),
    "Quanzhou": ("CNXMN",),
    "Putian": ("CNXMN", "CNYTN"),
    "Xiamen": ("CNXMN",),
}

# Destination ports per country and mode group.
DISCHARGE: dict[str, dict[str, tuple[str, ...]]] = {
    "US": {
        "sea": ("USLAX", "USLGB", "USNYC", "USMIA"),
        "air": ("USORD", "USJFK", "USLAX"),
        "express": ("USCVG", "USSDF", "USMEM", "USJFK"),
        "postal": ("USJFK", "USORD", "USLAX", "USMIA"),
    },
    "NL": {
        "sea": ("NLRTM",),
        "air": ("NLAMS",),
        "express": ("NLAMS",),
        "postal": ("NLAMS",),
        "rail": ("NLRTM",),
    },
    "DE": {
        "sea": ("DEHAM",),
        "air": ("DEFRA",),
        "express": ("DELEJ",),
        "postal": ("DEFRA",),
        "rail": ("DEDUI",),
        "road": ("DEDUI",),
    },
    "BE": {
        "sea": ("BEANR",),
        "air": ("BEBRU",),
        "express": ("BELGG",),
        "postal": ("BEBRU",),
        "rail": ("BEANR",),
    },
    "GB": {"sea": ("GBFXT",), "air": ("GBLHR",), "express": ("GBEMA",), "postal": ("GBLHR",)},
    "FR": {"sea": ("FRLEH",), "air": ("FRCDG",), "express": ("FRCDG",), "postal": ("FRCDG",)},
    "IT": {"sea": ("ITGOA",), "air": ("ITMXP",), "express": ("ITMXP",), "postal": ("ITMXP",)},
    "AE": {"sea": ("AEJEA",), "air": ("AEDXB",), "express": ("AEDXB",), "postal": ("AEDXB",)},
    "PK": {"sea": ("PKKHI",)},
    "KE": {"sea": ("KEMBA",)},
    "GR": {"sea": ("GRPIR",)},
    "UZ": {"rail": ("UZTAS",)},
    "HK": {
        "sea": ("HKHKG",),
        "air": ("HKHKG",),
        "express": ("HKHKG",),
        "postal": ("HK-POST",),
        "road": ("HK-ROAD",),
    },
    "MO": {
        "sea": ("MOMFM",),
        "air": ("MOMFM",),
        "express": ("MOMFM",),
        "postal": ("MOMFM",),
        "road": ("MO-ROAD",),
    },
}

SEA_TRANSIT: dict[str, tuple[tuple[str, ...], ...]] = {
    # Weighted by repetition; () is a direct sailing.
    "US": ((), (), ("HKHKG",), ("KRPUS",), ("HKHKG", "KRPUS"), ("SGSIN",)),
    "EU": ((), ("SGSIN",), ("MYPKG",), ("AEJEA",), ("SGSIN", "AEJEA"), ("GRPIR",), ("HKHKG",)),
    "BRI": ((), ("SGSIN",), ("AEJEA",), ("MYPKG",), ("HKHKG",)),
}
AIR_TRANSIT: tuple[tuple[str, ...], ...] = ((), (), ("HKHKG",), ("AEDXB",), ("DELEJ",))

EU_MEMBERS = ("NL", "DE", "BE", "GB", "FR", "IT", "GR")

# Destination markets for shipments seized on the origin side, weighted by repetition.
MARKETS: tuple[str, ...] = (
    ("US",) * 30
    + ("NL",) * 8
    + ("DE",) * 8
    + ("BE",) * 5
    + ("GB",) * 8
    + ("FR",) * 5
    + ("IT",) * 4
    + ("AE",) * 6
    + ("PK",) * 3
    + ("KE",) * 3
    + ("GR",) * 2
    + ("UZ",) * 2
)

# Agency -> (ISO jurisdiction, transport mode weights). HK/MO see much express, postal
# and cross-border road traffic; US-CBP mostly small parcels plus sea containers.
AGENCY_JURISDICTION: dict[str, str] = {
    "HK-CED": "HK",
    "MO-CS": "MO",
    "CN-GACC": "CN",
    "US-CBP": "US",
    "EU-NL": "NL",
    "EU-DE": "DE",
    "EU-BE": "BE",
}
MODE_WEIGHTS: dict[str, dict[str, float]] = {
    "HK-CED": {"sea": 25, "air": 15, "express": 25, "postal": 15, "road": 20},
    "MO-CS": {"road": 45, "express": 20, "postal": 15, "sea": 10, "air": 10},
    "CN-GACC": {"sea": 40, "road": 25, "express": 15, "postal": 10, "air": 5, "rail": 5},
    "US-CBP": {"express": 45, "postal": 20, "sea": 25, "air": 10},
    "EU-NL": {"sea": 40, "express": 25, "postal": 15, "air": 15, "rail": 5},
    "EU-DE": {"express": 30, "sea": 25, "postal": 15, "air": 10, "rail": 15, "road": 5},
    "EU-BE": {"express": 35, "sea": 35, "postal": 10, "air": 15, "rail": 5},
}


@dataclass
class Route:
    mode: str
    dest_country: str
    port_of_seizure: str
    port_of_loading: str
    port_of_discharge: str
    transit_ports: list[str] = field(default_factory=list)


def pick_mode(agency: str, rng: random.Random) -> str:
    weights = MODE_WEIGHTS[agency]
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _discharge(dest: str, mode: str, rng: random.Random) -> str:
    by_mode = DISCHARGE[dest]
    options = by_mode.get(mode) or by_mode.get("sea") or next(iter(by_mode.values()))
    return rng.choice(options)


def _origin_port(city: str, mode: str, rng: random.Random) -> str:
    if mode == "sea":
        return rng.choice(SEA_LOADING.get(city, ("CNYTN",)))
    if mode == "rail":
        return rng.choice(("CNYIW", "CNYIW", "CNCAN"))
    if mode == "road":
        return rng.choice(("CN-ROAD", "CNSZX", "CNZUH"))
    # Air, express and postal leave South China from the two airports or from Hong Kong.
    return rng.choice(
        ("CNSZX", "CNCAN", "HKHKG", "CNSHA" if city in ("Yiwu", "Ningbo") else "CNCAN")
    )


def _market_mode(dest: str, mode: str) -> str:
    """A mode that actually reaches `dest` (no rail to Miami, no road to Karachi)."""
    available = DISCHARGE[dest]
    if mode in available:
        return mode
    return "sea" if "sea" in available else next(iter(available))


def plan_route(
    agency: str, mode: str, city: str, dest: str, rng: random.Random, allow_import: bool = True
) -> Route:
    """Ports for one shipment of goods made in `city`, bound for `dest`, seized by `agency`.

    With `allow_import` false (a network shipping to its foreign consignees) a Hong Kong,
    Macao or mainland seizure is always of goods leaving for `dest`, never a local import.
    """
    if not allow_import and mode == "road":
        mode = "sea"
    home = AGENCY_JURISDICTION[agency]
    if home in ("US", "NL", "DE", "BE"):
        dest = home
        mode = _market_mode(dest, mode)
        discharge = _discharge(dest, mode, rng)
        loading = _origin_port(city, mode, rng)
        transits = _transits(dest, mode, rng)
        return Route(mode, dest, discharge, loading, discharge, transits)
    if home == "CN":
        mode = _market_mode(dest, mode) if dest not in ("HK", "MO") else mode
        if dest in ("HK", "MO") and mode not in DISCHARGE[dest]:
            mode = "road"
        if mode == "road" and dest not in ("HK", "MO"):
            dest = rng.choice(("HK", "MO"))
        seizure = rng.choice(GACC_PORTS.get(mode, GACC_PORTS["sea"]))
        if dest == "MO" and mode == "road":
            seizure = "CNZUH"
        discharge = _discharge(dest, mode, rng)
        return Route(mode, dest, seizure, seizure, discharge, _transits(dest, mode, rng))
    # Hong Kong and Macao: import by road/express/postal, or transit/export by sea and air.
    if allow_import and (mode in ("road", "postal") or (mode == "express" and rng.random() < 0.5)):
        dest = home
        loading = (
            _origin_port(city, mode, rng)
            if mode != "road"
            else ("CN-ROAD" if home == "HK" else "CNZUH")
        )
        discharge = _discharge(home, mode, rng)
        return Route(mode, dest, discharge, loading, discharge, [])
    mode = _market_mode(dest, mode) if dest not in ("HK", "MO") else mode
    hub = "HKHKG" if home == "HK" else "MOMFM"
    loading = _origin_port(city, mode, rng)
    if loading == hub or rng.random() < 0.3:
        # Export or re-export from the hub itself.
        return Route(mode, dest, hub, hub, _discharge(dest, mode, rng), [])
    return Route(mode, dest, hub, loading, _discharge(dest, mode, rng), [hub])


def _transits(dest: str, mode: str, rng: random.Random) -> list[str]:
    if mode == "sea":
        region = "US" if dest == "US" else ("EU" if dest in EU_MEMBERS else "BRI")
        return list(rng.choice(SEA_TRANSIT[region]))
    if mode == "rail":
        return ["RAIL-KZ"] + (["RAIL-PL"] if dest in EU_MEMBERS else [])
    if mode in ("air", "express"):
        return list(rng.choice(AIR_TRANSIT))
    return []


def written_port(code: str, rng: random.Random, style: str = "mixed") -> str:
    """A spelling of a port as an agency would write it.

    `style` biases towards codes ("code") or names ("name"); 1.5 % of the time an obscure
    place name replaces the port altogether, as happens in free-text registers.
    """
    if code in UNCODED_PLACES:
        return rng.choice(UNCODED_PLACES[code])
    if rng.random() < 0.015:
        return rng.choice(UNCODED_PLACES["OBSCURE"])
    names = PORT_NAMES.get(code, ())
    p_code = {"code": 0.75, "name": 0.2}.get(style, 0.5)
    if not names or rng.random() < p_code:
        return code if rng.random() < 0.8 else f"{code[:2]} {code[2:]}"
    return rng.choice(names)
