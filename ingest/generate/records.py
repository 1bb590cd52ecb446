"""Seizure records: the plan (who seizes what, when) and the records built from it.

`plan_slots` decides, for every record, its agency, date and network (or background)
before any record is built; the slots are sorted by date so record ids run in date
order and fronts rotate in time. `RecordBuilder.build` turns one slot into a record in
the canonical shape, with values already spelled the way its agency writes them, and
the truth mentions of its parties.
"""

from __future__ import annotations

import copy
import random
from dataclasses import dataclass
from datetime import date
from typing import Any

from ingest.generate import identifiers, routes
from ingest.generate.names import NameBook, written_phone
from ingest.generate.tables import BRANDS, CATEGORIES, Category
from ingest.generate.world import DESTINATION_AGENCIES, Entity, Network, World

FIRST_DAY = date(2022, 1, 1).toordinal()
LAST_DAY = date(2026, 10, 31).toordinal()

# Share of all records seized from an agency, from the relative size of their IPR
# seizure statistics (HK, CN and US seize most; Macao and Belgium least).
AGENCY_SHARE: dict[str, float] = {
    "HK-CED": 25,
    "CN-GACC": 20,
    "US-CBP": 22,
    "MO-CS": 8,
    "EU-NL": 10,
    "EU-DE": 9,
    "EU-BE": 6,
}
# Share of records that belong to planted networks; the rest is unrelated background.
NETWORK_SHARE = 0.3
# One planted network per this many records (the brief asks for one per 150-300).
RECORDS_PER_NETWORK = 200
# Regular traders' shipments are recorded more than once too, as the planted
# networks' documents are reused (12 % of their records): one shipment seized at two
# places along its route, or split into a record per rights holder, carries its
# bill of lading or waybill and its consignee on each. (Hub forwarders' master
# documents shared by unrelated shippers are not written: see BENCHMARKS.md,
# issue 25.)
TRADER_DOCUMENT_REUSE = 0.12
_SHIPMENT_PARTIES = ("consignee", "manufacturers", "forwarder")
# About 0.2 % of rows per file are malformed, and at least this many per file.
MALFORMED_SHARE = 0.002
MIN_MALFORMED_PER_FILE = 2

CURRENCY = {
    "HK-CED": "HKD",
    "MO-CS": "MOP",
    "CN-GACC": "CNY",
    "US-CBP": "USD",
    "EU-NL": "EUR",
    "EU-DE": "EUR",
    "EU-BE": "EUR",
}
# Units of currency per USD: fixed mid-market rates so values are consistent across feeds.
FX_PER_USD = {"HKD": 7.8, "MOP": 8.04, "CNY": 7.1, "USD": 1.0, "EUR": 0.92}
# CBP reports the manufacturer's suggested retail price of the genuine article: a
# counterfeit's seizure value in US data is several times its street price.
MSRP_FACTOR = 4.0

QUANTITY_BY_MODE: dict[str, tuple[int, int]] = {
    "postal": (1, 20),
    "express": (5, 300),
    "air": (100, 3000),
    "sea": (800, 30000),
    "road": (50, 5000),
    "rail": (500, 20000),
}
# Per-category quantity multipliers (tablets and cigarette sticks come in large counts).
QUANTITY_FACTOR = {"pharmaceuticals": 30, "cigarettes": 200}

TLP_WEIGHTS = {"AMBER": 70, "GREEN": 12, "CLEAR": 5, "AMBER+STRICT": 10, "RED": 3}
# Who each agency usually shares with: HK, MO and GACC share a lot; CBP and GACC little.
PARTNERS: dict[str, tuple[tuple[str, ...], ...]] = {
    "HK-CED": (
        ("MO-CS", "CN-GACC"),
        ("MO-CS", "CN-GACC", "US-CBP"),
        ("MO-CS",),
        ("MO-CS", "CN-GACC", "EU-NL", "US-CBP"),
    ),
    "MO-CS": (("HK-CED", "CN-GACC"), ("HK-CED",)),
    "CN-GACC": (("HK-CED", "MO-CS"), ("HK-CED", "MO-CS"), ("HK-CED", "MO-CS", "US-CBP")),
    "US-CBP": (
        ("HK-CED",),
        ("HK-CED", "EU-NL", "EU-DE"),
        ("EU-NL", "EU-DE", "EU-BE"),
        ("HK-CED", "CN-GACC"),
    ),
    "EU-NL": (("EU-DE", "EU-BE"), ("EU-DE", "EU-BE", "US-CBP"), ("EU-BE", "HK-CED")),
    "EU-DE": (("EU-NL", "EU-BE"), ("EU-NL", "US-CBP"), ("EU-NL", "EU-BE", "HK-CED")),
    "EU-BE": (("EU-NL", "EU-DE"), ("EU-NL", "EU-DE", "US-CBP")),
}
OPERATION_WORDS = (
    "THUNDER",
    "PANGEA",
    "JADE",
    "DRAGON",
    "PEARL",
    "HARBOUR",
    "FALCON",
    "LOTUS",
    "SILK",
    "ORION",
    "TYPHOON",
    "MERIDIAN",
    "BAMBOO",
    "ANCHOR",
)
US_PORT_CODES = {
    "USLAX": "2704",
    "USLGB": "2709",
    "USNYC": "1001",
    "USJFK": "4701",
    "USMIA": "5201",
    "USORD": "3901",
    "USCVG": "4197",
    "USSDF": "4196",
    "USMEM": "2006",
}
GACC_DISTRICTS = {
    "CNYTN": "5300",
    "CNSHK": "5300",
    "CNSZX": "5300",
    "CN-ROAD": "5300",
    "CNCAN": "5100",
    "CNNSA": "5100",
    "CNHUA": "5200",
    "CNZUH": "5700",
}

# Country spellings per agency: CBP's "CHINA, PEOPLES REP", GACC's alpha-3, names elsewhere.
COUNTRY_NAMES: dict[str, tuple[str, ...]] = {
    "CN": ("China", "CHINA", "People's Republic of China", "P.R. China", "PRC"),
    "HK": ("Hong Kong", "Hong Kong SAR", "HONG KONG", "Hong Kong, China"),
    "MO": ("Macao", "Macau", "Macao SAR"),
    "US": ("United States", "USA", "U.S.A.", "United States of America"),
    "NL": ("Netherlands", "The Netherlands", "Holland"),
    "DE": ("Germany", "Deutschland"),
    "BE": ("Belgium", "Belgique"),
    "GB": ("United Kingdom", "UK", "Great Britain"),
    "FR": ("France",),
    "IT": ("Italy", "Italia"),
    "AE": ("United Arab Emirates", "UAE"),
    "PK": ("Pakistan",),
    "KE": ("Kenya",),
    "GR": ("Greece",),
    "UZ": ("Uzbekistan",),
}
CBP_COUNTRIES = {
    "CN": "CHINA, PEOPLES REP",
    "HK": "HONG KONG",
    "MO": "MACAU",
    "US": "UNITED STATES",
    "NL": "NETHERLANDS",
    "DE": "GERMANY",
    "BE": "BELGIUM",
    "GB": "UNITED KINGDOM",
}
ALPHA3 = {
    "CN": "CHN",
    "HK": "HKG",
    "MO": "MAC",
    "US": "USA",
    "NL": "NLD",
    "DE": "DEU",
    "BE": "BEL",
    "GB": "GBR",
    "FR": "FRA",
    "IT": "ITA",
    "AE": "ARE",
    "PK": "PAK",
    "KE": "KEN",
    "GR": "GRC",
    "UZ": "UZB",
}


@dataclass(frozen=True)
class Slot:
    day: int
    seq: int
    agency: str
    network: int  # index into the network list, or -1 for background
    malformed: bool = False


@dataclass
class Built:
    agency: str
    record: dict[str, Any]
    mentions: list[tuple[str, int, str, str]]  # (role, index, written name, entity id)
    containers: list[tuple[str, str]]  # (compact number, "network"|"pool"|"fresh")


def _agency_for_background(rng: random.Random) -> str:
    return rng.choices(list(AGENCY_SHARE), weights=list(AGENCY_SHARE.values()))[0]


def plan_slots(
    records: int,
    networks: list[Network],
    rng: random.Random,
    first_day: int = FIRST_DAY,
    last_day: int = LAST_DAY,
) -> list[Slot]:
    """Agency, date and network of every record, sorted by date: network records in
    their network's window, background ones between `first_day` and `last_day`."""
    n_network = round(records * NETWORK_SHARE) if networks else 0
    # Network sizes vary a lot: a few busy networks, many small ones.
    weights = [rng.lognormvariate(0, 0.7) for _ in networks]
    total_w = sum(weights) or 1.0
    counts = [max(4, round(n_network * w / total_w)) for w in weights]
    while sum(counts) > n_network and max(counts, default=0) > 4:
        counts[counts.index(max(counts))] -= 1
    raw: list[tuple[int, str, int]] = []
    for idx, (net, count) in enumerate(zip(networks, counts, strict=True)):
        span = net.end - net.start
        for _ in range(count):
            u = rng.random()
            day = net.start + int(span * (u**0.5 if net.growth else u))
            raw.append((day, rng.choice(net.agencies), idx))
    span = last_day - first_day
    while len(raw) < records:
        # Mild growth of background seizures over the period (e-commerce parcels).
        raw.append((first_day + int(span * rng.random() ** 0.85), _agency_for_background(rng), -1))
    raw = raw[:records]
    raw.sort(key=lambda t: t[0])
    slots = [Slot(day, seq, agency, net) for seq, (day, agency, net) in enumerate(raw)]
    # Malformed rows: chosen among background records of each agency.
    by_agency: dict[str, list[int]] = {}
    for s in slots:
        if s.network < 0:
            by_agency.setdefault(s.agency, []).append(s.seq)
    total_by_agency: dict[str, int] = {}
    for s in slots:
        total_by_agency[s.agency] = total_by_agency.get(s.agency, 0) + 1
    bad: set[int] = set()
    for agency in sorted(by_agency):
        seqs = by_agency[agency]
        k = max(MIN_MALFORMED_PER_FILE, round(total_by_agency[agency] * MALFORMED_SHARE))
        k = min(k, len(seqs) // 4)
        bad.update(rng.sample(seqs, k))
    return [Slot(s.day, s.seq, s.agency, s.network, s.seq in bad) for s in slots]


class RecordBuilder:
    """Builds records slot by slot, drawing recurring parties from pools in the world."""

    def __init__(
        self,
        world: World,
        networks: list[Network],
        records: int,
        rng: random.Random,
        seed: int | str = 0,
    ) -> None:
        self.world, self.networks, self.rng = world, networks, rng
        # Background documents draw from their own stream, so adding them left every
        # other value of a seed's world as it was.
        self.document_rng = random.Random(f"background-documents:{seed}")  # noqa: S311
        # (shipper entity, mode) -> its shipments: (document, the other parties as
        # written, their mentions)
        self.trader_documents: dict[
            tuple[str, str], list[tuple[str, dict[str, Any], list[tuple[str, int, str, str]]]]
        ] = {}
        self.names = NameBook()
        self.counters: dict[tuple[str, int], int] = {}
        self.registrations: dict[tuple[str, str], str] = {}
        # Recurring legitimate parties: regular traders that appear many times.
        n_pool = max(40, records // 80)
        self.shipper_pool: list[Entity] = []
        for _ in range(n_pool):
            e = (
                world.cn_company(recurring=True)
                if rng.random() < 0.75
                else world.hk_company(recurring=True)
            )
            self.shipper_pool.append(e)
        # Distractors: near-identical names of network cores and of some regular traders.
        for net in networks:
            if rng.random() < 0.6 and (twin := world.distractor_of(net.shippers[0])):
                self.shipper_pool.append(twin)
        for e in list(self.shipper_pool[: n_pool // 10]):
            if twin := world.distractor_of(e):
                self.shipper_pool.append(twin)
        self.regular_ids = {e.id for e in self.shipper_pool}
        self.maker_pool = [
            world.cn_company(industry="industrial", recurring=True)
            for _ in range(max(10, records // 300))
        ]
        self.consignee_pool: dict[str, list[Entity]] = {}
        # Carrier-owned boxes reused by unrelated shippers months apart (a weak link).
        self.container_pool = [
            identifiers.container_number(rng)[0] for _ in range(max(50, records // 20))
        ]

    # -- helpers ---------------------------------------------------------------
    def _record_id(self, agency: str, day: date, seizure_port: str) -> str:
        key = (agency, day.year)
        n = self.counters[key] = self.counters.get(key, 0) + 1
        y = day.year
        if agency == "HK-CED":
            return f"CED-{y}-IPR-{n:05d}"
        if agency == "MO-CS":
            return f"SA/{n:04d}/{y}"
        if agency == "CN-GACC":
            return f"GACC-{GACC_DISTRICTS.get(seizure_port, '5300')}-{y}-{n:06d}"
        if agency == "US-CBP":
            return f"{y}{US_PORT_CODES.get(seizure_port, '2704')}{n:06d}"
        member = agency.split("-")[1]
        prefix = {"NL": "NL-DOU", "DE": "DE-ZOLL", "BE": "BE-AAD"}.get(member, member)
        return f"{prefix}-{y}-{n:06d}"

    def _country(self, code: str, agency: str) -> str:
        r = self.rng
        if agency == "US-CBP":
            return CBP_COUNTRIES.get(code, COUNTRY_NAMES.get(code, (code,))[0].upper())
        if agency == "CN-GACC":
            return ALPHA3.get(code, code)
        if agency in ("MO-CS",) or (agency.startswith("EU-") and r.random() < 0.7):
            return code
        return r.choice(COUNTRY_NAMES.get(code, (code,)))

    def _hs(self, code: str, agency: str) -> str:
        digits = code.replace(".", "")
        r = self.rng
        if agency == "CN-GACC":
            return (digits + "0000")[:10] if r.random() < 0.5 else (digits + "00")[:8]
        if agency == "US-CBP":
            d = (digits + "0000")[:10]
            return f"{d[:4]}.{d[4:6]}.{d[6:]}"
        if agency == "MO-CS":
            return f"{digits[:4]}.{digits[4:6]}.{(digits + '00')[6:8]}"
        if agency.startswith("EU-"):
            return (
                digits[:6]
                if r.random() < 0.5
                else f"{digits[:4]} {digits[4:6]} {(digits + '00')[6:8]}"
            )
        return code if r.random() < 0.7 else f"{digits[:4]} {digits[4:6]}"

    def _registration(self, mark: str, agency: str) -> str:
        juris = routes.AGENCY_JURISDICTION[agency]
        key = (mark, juris)
        if key not in self.registrations:
            r = self.rng
            self.registrations[key] = {
                "US": f"US {r.randrange(1_000_000, 7_000_000)}",
                "HK": f"HK {r.randrange(1990, 2024)}{r.randrange(10_000, 99_999)}",
                "MO": f"N/{r.randrange(1000, 199_999):06d}",
                "CN": f"{r.randrange(100_000, 60_000_000)}",
            }.get(juris, f"EUTM {r.randrange(100_000, 19_000_000):09d}")
        return self.registrations[key]

    def _party(self, e: Entity, role: str, idx: int, agency: str, built: Built) -> dict[str, str]:
        r = self.rng
        name = self.names.write(e, agency, r)
        built.mentions.append((role, idx, name, e.id))
        party: dict[str, str] = {"name": name}
        chinese = not name.isascii() and e.address_zh is not None
        if e.address and r.random() < 0.85:
            address = e.address_zh if (chinese and e.address_zh) else e.address
            party["address"] = address.upper() if agency == "US-CBP" else address
        party["country"] = self._country(e.country, agency)
        if e.phone and r.random() < 0.7:
            party["phone"] = written_phone(e.phone, r)
        if e.email and r.random() < 0.6:
            party["email"] = e.email.upper() if agency == "US-CBP" and r.random() < 0.3 else e.email
        if e.registration_id and r.random() < 0.6:
            party["registration_id"] = e.registration_id
        return party

    def _pooled(self, pool: list[Entity], make: Any, size: int) -> Entity:
        if len(pool) < size:
            pool.append(make())
            return pool[-1]
        return self.rng.choice(pool)

    # -- the record ------------------------------------------------------------
    def build(self, slot: Slot) -> Built:
        r = self.rng
        agency = slot.agency
        day = date.fromordinal(slot.day)
        net = self.networks[slot.network] if slot.network >= 0 else None
        cat: Category = r.choice(net.categories) if net else r.choice(CATEGORIES)
        city = r.choice(cat.cities)
        mode = routes.pick_mode(agency, r)
        market = DESTINATION_AGENCIES.get(agency) or (
            r.choice(sorted(net.consignees)) if net else r.choice(routes.MARKETS)
        )
        route = routes.plan_route(agency, mode, city, market, r, allow_import=net is None)
        mode = route.mode
        built = Built(agency, {}, [], [])
        rec = built.record
        style = "code" if agency in ("US-CBP", "EU-NL", "EU-DE", "EU-BE") else "mixed"
        rec["record_id"] = self._record_id(agency, day, route.port_of_seizure)
        rec["agency"] = agency
        rec["seizure_date"] = day
        case_ref = self._case_ref(net, agency, day)
        if case_ref:
            rec["case_ref"] = case_ref
        rec["port_of_seizure"] = routes.written_port(route.port_of_seizure, r, style)
        rec["port_of_loading"] = routes.written_port(route.port_of_loading, r, style)
        if route.transit_ports:
            rec["transit_ports"] = [routes.written_port(p, r, style) for p in route.transit_ports]
        rec["port_of_discharge"] = routes.written_port(route.port_of_discharge, r, style)
        # Most counterfeits are made in mainland China; some declare Hong Kong as origin.
        origin = "CN" if r.random() < 0.92 else "HK"
        rec["origin_country"] = self._country(origin, agency)
        rec["destination_country"] = self._country(route.dest_country, agency)
        rec["transport_mode"] = mode
        rec["transport_document"] = self._document(net, mode)
        vessel = identifiers.vessel_or_flight(mode, r)
        if vessel:
            rec["vessel_or_flight"] = vessel
        containers = self._containers(net, mode, built)
        if containers:
            rec["containers"] = containers

        # Goods: one item in tabular feeds (one row per goods line), up to three in NDJSON.
        n_items = 1 if not agency.startswith("EU-") else r.choice((1, 1, 1, 2, 3))
        goods: list[dict[str, Any]] = []
        marks: list[str] = []
        total_usd = 0.0
        for i in range(n_items):
            c = cat if i == 0 else r.choice(net.categories if net else CATEGORIES)
            lo, hi = QUANTITY_BY_MODE[mode]
            qty = r.randint(lo, hi) * QUANTITY_FACTOR.get(c.key, 1)
            brands = r.sample(c.brands, r.choice((1, 1, 1, 2)))
            total_usd += qty * r.uniform(*c.unit_value_usd)
            item: dict[str, Any] = {
                "description": c.description_zh
                if agency == "CN-GACC"
                else r.choice(c.descriptions),
                "hs_code": self._hs(r.choice(c.hs_codes), agency),
                "quantity": qty,
                "unit": c.unit_zh if agency == "CN-GACC" else c.unit,
                "trademarks": brands,
            }
            goods.append(item)
            marks.extend(b for b in brands if b not in marks)
        rec["goods"] = goods
        currency = CURRENCY[agency]
        amount = total_usd * FX_PER_USD[currency] * (MSRP_FACTOR if agency == "US-CBP" else 1.0)
        rec["value"] = {
            "amount": round(amount, 2) if currency in ("USD", "EUR") else int(round(amount, -1)),
            "currency": currency,
        }
        rec["trademarks"] = [
            {
                "mark": m,
                "rights_holder": BRANDS[m].rights_holder,
                "registration": self._registration(m, agency),
            }
            for m in marks
        ]
        self._parties(net, agency, mode, route.dest_country, day, built)
        if net is None:
            rec["transport_document"] = self._background_document(
                rec["transport_document"], mode, built
            )
        tlp = r.choices(list(TLP_WEIGHTS), weights=list(TLP_WEIGHTS.values()))[0]
        rec["handling"] = {
            "tlp": tlp,
            "releasable_to": [] if tlp == "RED" else list(r.choice(PARTNERS[agency])),
        }
        return built

    def _case_ref(self, net: Network | None, agency: str, day: date) -> str | None:
        r = self.rng
        if net is None:
            return (
                f"{agency.split('-')[0]}-INV-{day.year}-{r.randrange(1, 9999):04d}"
                if r.random() < 0.08
                else None
            )
        if r.random() >= 0.45:
            return None
        key = agency if r.random() < 0.7 else "JOINT"
        if key not in net.case_refs:
            word = r.choice(OPERATION_WORDS)
            prefix = "JCO" if key == "JOINT" else "OP"
            net.case_refs[key] = f"{prefix}-{word}-{day.year}-{r.randrange(1, 99):02d}"
        return net.case_refs[key]

    def _document(self, net: Network | None, mode: str) -> str:
        r = self.rng
        if net is not None:
            same_mode = [d for m, d in net.documents if m == mode]
            # The same bill of lading or waybill seized at two places along the route.
            if same_mode and r.random() < 0.12:
                return r.choice(same_mode)
            doc = identifiers.transport_document(mode, r)
            net.documents.append((mode, doc))
            return doc
        return identifiers.transport_document(mode, r)

    def _background_document(self, drawn: str, mode: str, built: Built) -> str:
        """The document of a background record: its own (`drawn`), or, for a regular
        shipper, sometimes an earlier shipment's of the same mode, recorded again:
        then its other parties (consignee, manufacturers, forwarder) are that
        shipment's too."""
        record, mentions = built.record, built.mentions
        shipper = next(entity for role, _i, _name, entity in mentions if role == "shipper")
        if shipper not in self.regular_ids:
            return drawn
        own = self.trader_documents.setdefault((shipper, mode), [])
        if own and self.document_rng.random() < TRADER_DOCUMENT_REUSE:
            document, parties, named = self.document_rng.choice(own)
            for key in _SHIPMENT_PARTIES:
                record.pop(key, None)
            record.update(copy.deepcopy(parties))
            mentions[:] = [m for m in mentions if m[0] == "shipper"] + list(named)
            return document
        parties = {key: record[key] for key in _SHIPMENT_PARTIES if key in record}
        named = [m for m in mentions if m[0] != "shipper"]
        own.append((drawn, copy.deepcopy(parties), named))
        return drawn

    def _containers(self, net: Network | None, mode: str, built: Built) -> list[str]:
        r = self.rng
        if mode not in ("sea", "rail") and not (mode == "road" and r.random() < 0.3):
            return []
        out: list[str] = []
        for _ in range(r.choice((1, 1, 1, 2, 3))):
            if net is not None and r.random() < 0.6:
                number, kind = r.choice(net.containers), "network"
            elif r.random() < 0.6:
                number, kind = r.choice(self.container_pool), "pool"
            else:
                number, kind = identifiers.container_number(r)[0], "fresh"
            if number not in out:
                out.append(number)
                built.containers.append((number, kind))
        return [identifiers.written_container(c, r) for c in out]

    def _parties(
        self, net: Network | None, agency: str, mode: str, dest: str, day: date, built: Built
    ) -> None:
        r = self.rng
        w = self.world
        rec = built.record
        small_parcel = mode in ("postal", "express")
        if net is not None:
            shipper = net.shipper_at(day.toordinal(), r)
            consignee = r.choice(
                net.consignees.get(dest) or [c for g in net.consignees.values() for c in g]
            )
            home = routes.AGENCY_JURISDICTION[agency]
            if net.hk_agent is not None:
                if home == "CN" and r.random() < 0.4:
                    consignee = net.hk_agent  # exported to the Hong Kong arm for re-export
                elif home in ("US", "NL", "DE", "BE", "HK") and r.random() < 0.3:
                    shipper = net.hk_agent  # re-exported from Hong Kong
            makers = r.sample(net.manufacturers, len(net.manufacturers)) if r.random() < 0.6 else []
            if makers and r.random() < 0.3:
                makers = makers[:1]
            fwd = (
                net.forwarder
                if (net.forwarder and r.random() < 0.6)
                else (r.choice(w.hubs) if r.random() < 0.5 else None)
            )
        else:
            if r.random() < 0.3:
                shipper = r.choice(self.shipper_pool)
            else:
                shipper = w.cn_company() if r.random() < 0.75 else w.hk_company()
            person_share = 0.75 if small_parcel else 0.1
            if r.random() < 0.2:
                pool = self.consignee_pool.setdefault(dest, [])
                consignee = self._pooled(pool, lambda: w.consignee(dest, True, person_share), 25)
            else:
                consignee = w.consignee(dest, False, person_share)
            makers = []
            if r.random() < 0.3:
                makers = [
                    r.choice(self.maker_pool)
                    if r.random() < 0.5
                    else w.cn_company(industry="industrial")
                ]
            fwd = None
            roll = r.random()
            if roll < 0.45:
                fwd = r.choice(w.hubs)
            elif roll < 0.55:
                fwd = w.cn_company(industry=r.choice(("freight", "logistics")))
        rec["shipper"] = self._party(shipper, "shipper", 0, agency, built)
        rec["consignee"] = self._party(consignee, "consignee", 0, agency, built)
        if makers:
            rec["manufacturers"] = [
                self._party(m, "manufacturer", i, agency, built) for i, m in enumerate(makers)
            ]
        if fwd is not None:
            rec["forwarder"] = self._party(fwd, "forwarder", 0, agency, built)
