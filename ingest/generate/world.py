"""The reference world: companies, persons, forwarders and the planted infringer networks.

Entities hold the facts from which every feed writes its own spelling (see `names.py`):
name parts (city, trade-name syllables, industry, legal form), address, phone, email and
registration id. Networks are sets of entities that ship together; their front
companies are distinct entities that share an identity artefact with the company they
front for, and take over from one another as time passes (name rotation).
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import islice, product

from ingest.generate import identifiers, tables
from ingest.generate.routes import AGENCY_JURISDICTION
from ingest.generate.tables import CITIES, INDUSTRIES, Syllable
from ingest.normalise.names import name_tokens
from ingest.normalise.readings import cantonese_readings

ORIGIN_AGENCIES = ("HK-CED", "CN-GACC", "MO-CS")
# Destination agency -> the market (consignee country) it seizes for.
DESTINATION_AGENCIES = {"US-CBP": "US", "EU-NL": "NL", "EU-DE": "DE", "EU-BE": "BE"}
HK_INDUSTRIES = ("trading", "intl", "impexp", "logistics", "technology")
# Middle initials that tell apart two people of the same first and last name.
INITIALS = "ABCDEFGHJKLMNPRSTW"


def _tokens(words: Iterable[str]) -> frozenset[str]:
    return frozenset(token for word in words for token in name_tokens(word))


# Words that say what a company does or how big it sounds, not which company it is
# ("Group", "Trading", "Import & Export", "Services"). Two names that differ only in
# them are namesakes no reader could tell apart, so the generator never makes two.
_NOT_IDENTIFYING = _tokens(
    (
        *tables.COMPANY_QUALIFIERS,
        *tables.US_COMPANY_NOUNS,
        *(word for ind in INDUSTRIES.values() for word in (ind.english, *ind.english_variants)),
        "Macau", "Macao", "Hong Kong", "HK", "Services", "Holdings", "Enterprises", "Goods",
    )
)  # fmt: skip


def name_key(name: str, country: str) -> tuple[str, str]:
    """What makes two canonical names the same party, in one country: the words of
    the comparison form that identify a company (legal forms and the words of
    `_NOT_IDENTIFYING` left out), joined without spaces ("Run Hua" is "Runhua"). A
    function of `comparison_form`, so names unique under it are unique under the
    comparison form too."""
    tokens = name_tokens(name, drop_legal_forms=True)
    core = [token for token in tokens if token not in _NOT_IDENTIFYING] or tokens
    return "".join(core), country


def _brand_en(brand: tuple[Syllable, ...]) -> str:
    return "".join(s.pinyin for s in brand).capitalize()


def _cn_name(city: str, brand: tuple[Syllable, ...], industry: str) -> str:
    return f"{city} {_brand_en(brand)} {INDUSTRIES[industry].english} Co., Ltd."


def _hk_name(brand: tuple[Syllable, ...], industry: str) -> str:
    return _hk_written(tuple(s.pinyin for s in brand), industry)


def cantonese_spellings(syllables: tuple[Syllable, ...]) -> list[tuple[str, ...]]:
    """Each syllable's spellings in the Hong Kong government's Cantonese romanisation
    of its traditional character (`cantonese-romanisation`'s table, 華: WA, WAH), or
    its pinyin where the table has none."""
    return [cantonese_readings(s.traditional) or (s.pinyin,) for s in syllables]


def _hk_written(spelling: tuple[str, ...], industry: str) -> str:
    return f"{''.join(spelling).capitalize()} {INDUSTRIES[industry].english} (HK) Limited"


# Hong Kong's register of company names in English, apart from the pinyin names the
# generator reserves; and how many spellings of a trade name are looked at.
_HK_REGISTER = "HK-register"
_HK_SPELLINGS = 64


@dataclass(frozen=True)
class Phone:
    country_code: str  # "86", "852", "1"...
    area: str  # area code without trunk prefix, or "" where numbers have none (HK, MO)
    local: str  # subscriber digits


@dataclass
class NameParts:
    """What a name is built from; `names.py` turns it into written variants."""

    style: str  # cn | hk | west | person_cn | person_west | hub
    city: tables.City | None = None
    brand: tuple[Syllable, ...] = ()
    industry: str = ""
    stem: str = ""
    legal_form: str = ""
    fixed_variants: tuple[str, ...] = ()
    surname: tuple[str, str, str, str] | None = None
    given: tuple[Syllable, ...] = ()
    # The trade name's syllables as the entity's register writes them in Latin
    # letters, where that is not their pinyin (a Hong Kong company's Cantonese).
    latin: tuple[str, ...] = ()
    first: str = ""
    last: str = ""


@dataclass
class Entity:
    id: str
    kind: str  # company | person
    country: str
    parts: NameParts
    canonical_name: str
    address: str | None = None
    address_zh: str | None = None
    phone: Phone | None = None
    email: str | None = None
    registration_id: str | None = None
    network: str | None = None
    front_of: str | None = None
    # Recurring entities get a per-agency "house spelling" cached; one-offs do not.
    recurring: bool = False


@dataclass
class Network:
    id: str
    manufacturers: list[Entity]
    shippers: list[Entity]  # core first, then fronts in rotation order
    hk_agent: Entity | None
    consignees: dict[str, list[Entity]]  # market country -> consignees
    forwarder: Entity | None
    categories: list[tables.Category]
    agencies: list[str]
    start: int  # date ordinals of the active window
    end: int
    growth: bool  # seizures grow over the window (a network scaling up)
    containers: list[str] = field(default_factory=list)
    documents: list[tuple[str, str]] = field(default_factory=list)  # (mode, document)
    case_refs: dict[str, str] = field(default_factory=dict)

    @property
    def members(self) -> list[Entity]:
        people = [*self.manufacturers, *self.shippers]
        if self.hk_agent:
            people.append(self.hk_agent)
        for group in self.consignees.values():
            people.extend(group)
        if self.forwarder:
            people.append(self.forwarder)
        return people

    def shipper_at(self, day: int, rng: random.Random) -> Entity:
        """The front in use on `day`: each takes an equal slice of the window in turn.

        One shipment in ten still goes out under the previous name (old paperwork).
        """
        span = max(1, self.end - self.start + 1)
        slot = min(len(self.shippers) - 1, (day - self.start) * len(self.shippers) // span)
        if slot > 0 and rng.random() < 0.1:
            slot -= 1
        return self.shippers[slot]


class World:
    """Allocates entity ids and builds entities; all randomness comes from one rng."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.entities: dict[str, Entity] = {}
        self._next = 0
        self.distractors: list[tuple[str, str, str]] = []
        # Every canonical name is unique per country (see `name_key`): a namesake would make
        # one party node name two true entities. Own email domains and mailboxes likewise.
        self._used_names: set[tuple[str, str]] = set()
        self._keys: dict[tuple[str, str], tuple[str, str]] = {}
        self._used_domains: set[str] = set()
        self._used_emails: set[str] = set()
        self.hubs: list[Entity] = [self._hub(v) for v in tables.HUB_FORWARDERS]

    # -- ids -----------------------------------------------------------------
    def _new_id(self) -> str:
        self._next += 1
        return f"E{self._next:07d}"

    def _register(self, entity: Entity) -> Entity:
        self.entities[entity.id] = entity
        return entity

    # -- names -----------------------------------------------------------------
    def _key(self, name: str, country: str) -> tuple[str, str]:
        # Redraws repeat the same few names; normalising each once keeps generation fast.
        key = self._keys.get((name, country))
        if key is None:
            key = self._keys[name, country] = name_key(name, country)
        return key

    def _name_free(self, name: str, country: str) -> bool:
        return self._key(name, country) not in self._used_names

    def _claim(self, name: str, country: str) -> bool:
        """Reserve `name` in `country`; False if another entity already holds it."""
        key = self._key(name, country)
        if key in self._used_names:
            return False
        self._used_names.add(key)
        return True

    def _hk_spelling(self, brand: tuple[Syllable, ...], industry: str) -> tuple[str, ...]:
        """The trade name as a Hong Kong company registers it in English: each
        traditional character in the Hong Kong government's Cantonese romanisation
        (`cantonese-romanisation`'s table: 華信 WAH SHUN), one of the spellings the
        table gives, and a name no other Hong Kong company holds: the Companies
        Registry refuses a name the same as one on its index, and Cantonese reads
        characters alike that pinyin tells apart (信 and 迅 are both SHUN). Drawn
        from the characters, not from the random stream, which stays as it was;
        the pinyin when every spelling is taken."""
        options = list(islice(product(*cantonese_spellings(brand)), _HK_SPELLINGS))
        chars = "".join(s.traditional for s in brand)
        first = zlib.crc32(f"{chars}|{industry}".encode()) % len(options)
        for option in options[first:] + options[:first]:
            if self._claim(_hk_written(option, industry), _HK_REGISTER):
                return option
        return tuple(s.pinyin for s in brand)

    # -- artefacts -------------------------------------------------------------
    def _cn_phone(self, city: tables.City) -> Phone:
        if self.rng.random() < 0.3:  # mobile numbers are common on commercial invoices
            return Phone("86", "", f"1{self.rng.choice('35789')}{self.rng.randrange(10**9):09d}")
        digits = 8 if len(city.area_code) <= 3 else 7
        return Phone(
            "86", city.area_code, f"{self.rng.randrange(2 * 10 ** (digits - 1), 10**digits)}"
        )

    def _phone_for(self, country: str) -> Phone:
        r = self.rng
        if country == "HK":
            return Phone("852", "", f"{r.choice('2359')}{r.randrange(10**7):07d}")
        if country == "MO":
            return Phone("853", "", f"{r.choice('286')}{r.randrange(10**7):07d}")
        if country == "US":
            return Phone(
                "1",
                r.choice(("213", "323", "212", "718", "305", "713", "312")),
                f"{r.randrange(200, 999)}{r.randrange(10**4):04d}",
            )
        cc = {"NL": "31", "DE": "49", "BE": "32", "FR": "33", "IT": "39", "GB": "44"}.get(
            country, "971"
        )
        return Phone(cc, f"{r.randrange(10, 99)}", f"{r.randrange(10**6, 10**7)}")

    def _email(self, handle: str, country: str) -> str:
        r = self.rng
        handle = handle.lower().replace(" ", "")[:14] or "info"
        if country == "CN":
            domain = r.choice(("163.com", "qq.com", "126.com", "sina.com", f"{handle}.com.cn"))
            user = r.choice(("sales", "info", handle, f"{handle}{r.randrange(10, 99)}"))
        elif country == "HK":
            domain = r.choice(("gmail.com", "yahoo.com.hk", "netvigator.com", f"{handle}.com.hk"))
            user = r.choice(("sales", "admin", handle))
        else:
            tld = {"US": "com", "NL": "nl", "DE": "de", "BE": "be"}.get(country, "com")
            domain = r.choice(("gmail.com", "outlook.com", f"{handle}.{tld}"))
            user = r.choice(("info", "orders", handle))
        if domain == "qq.com":
            user = f"{r.randrange(10**7, 10**10)}"  # QQ mail addresses are numeric account ids
        elif "." in domain and handle not in domain:
            # A webmail box carries the trade name, not a role word: info@163.com is one box.
            user = f"{handle}{r.randrange(1, 999)}" if r.random() < 0.7 else f"{handle}_trade"
        if domain not in tables.WEBMAIL_DOMAINS:
            # An own domain belongs to one company: a later namesake registers a variant.
            label, tld = domain.split(".", 1)
            tries = 0
            while domain in self._used_domains:
                tries += 1
                domain = f"{label}{r.randrange(2, 100 * tries)}.{tld}"
            self._used_domains.add(domain)
        email = f"{user}@{domain}"
        while email in self._used_emails:  # only webmail boxes can clash here
            if domain == "qq.com":
                user = f"{r.randrange(10**7, 10**10)}"
            else:
                user = f"{handle}{r.randrange(1, 10**4)}"
            email = f"{user}@{domain}"
        self._used_emails.add(email)
        return email

    def _cn_address(self, city: tables.City) -> tuple[str, str]:
        r = self.rng
        district, district_zh = r.choice(city.districts)
        road = r.sample(tables.SYLLABLES, 2)
        bldg = r.sample(tables.SYLLABLES, 2)
        no, room = r.randrange(1, 899), r.randrange(101, 2899)
        road_en = (road[0].pinyin + road[1].pinyin).capitalize()
        bldg_en = (bldg[0].pinyin + bldg[1].pinyin).capitalize()
        en = (
            f"Room {room}, {bldg_en} Building, No. {no} {road_en} Road, {district} District, "
            f"{city.english}, {city.province_en}"
        )
        zh = (
            f"{city.province_zh}{city.simplified}市{district_zh}{road[0].simplified}{road[1].simplified}"
            f"路{no}号{bldg[0].simplified}{bldg[1].simplified}大厦{room}室"
        )
        return en, zh

    def _hk_address(self) -> str:
        r = self.rng
        bldg, street, district, area = r.choice(tables.HK_BUILDINGS)
        floor = r.randrange(2, 40)
        room = f"Rm {floor:02d}{r.randrange(1, 20):02d}, {floor}/F"
        return f"{room}, {bldg}, {street}, {district}, {area}"

    def _west_address(self, country: str) -> str:
        r = self.rng
        if country == "US":
            city, state, zip3 = r.choice(tables.US_PLACES)
            return (
                f"{r.randrange(100, 9999)} {r.choice(tables.US_STREETS)}, {city}, {state} "
                f"{zip3}{r.randrange(100):02d}"
            )
        if country == "MO":
            street = f"{r.choice(tables.MO_STREETS)} n.º {r.randrange(1, 300)}"
            return f"{street}, {r.randrange(1, 25)} andar {r.choice('ABCDEF')}, Macau"
        spec = tables.EU_COUNTRIES[country]
        street = r.choice(spec["streets"])
        city = r.choice(spec["cities"])
        if country == "NL":
            letters = "ABCDEFGHJKLMNPRSTVWXZ"
            postcode = f"{r.randrange(1000, 9999)} {r.choice(letters)}{r.choice(letters)}"
        else:
            postcode = {
                "DE": f"{r.randrange(1000, 99999):05d}",
                "FR": f"{r.randrange(1000, 99999):05d}",
                "IT": f"{r.randrange(1000, 99999):05d}",
                "BE": f"{r.randrange(1000, 9999)}",
                "GB": f"{r.choice(('M8', 'E1', 'LE4', 'B6'))} {r.randrange(1, 9)}"
                f"{r.choice('ABDEFGHJLN')}{r.choice('PQRSTUWXYZ')}",
            }.get(country, f"{r.randrange(10000, 99999)}")
        return f"{street} {r.randrange(1, 250)}, {postcode} {city}"

    # -- companies -----------------------------------------------------------
    def _fresh_brand(
        self, name_of: Callable[[tuple[Syllable, ...]], str], country: str
    ) -> tuple[Syllable, ...]:
        """Trade-name syllables whose company name (`name_of`) nobody in `country` holds yet;
        the name is reserved.

        Two-syllable names are the norm; once a city's two-syllable names run short (large
        runs) three-syllable names ("Huaxinda") take over, as they do in real registers.
        """
        for attempt in range(40):
            size = 2 if attempt < 6 else 3
            brand = tuple(self.rng.sample(tables.SYLLABLES, size))
            if self._claim(name_of(brand), country):
                return brand
        raise RuntimeError("trade-name space exhausted")

    def cn_company(
        self,
        city: str | None = None,
        industry: str | None = None,
        brand: tuple[Syllable, ...] | None = None,
        recurring: bool = False,
    ) -> Entity:
        r = self.rng
        city_t = CITIES[city or r.choice(list(CITIES))]
        industry = industry or r.choice(
            (
                "trading",
                "impexp",
                "intl",
                "electronics",
                "technology",
                "industrial",
                "supplychain",
                "ecommerce",
            )
        )
        ind = industry
        if brand is None or not self._claim(_cn_name(city_t.english, brand, ind), "CN"):
            brand = self._fresh_brand(lambda b: _cn_name(city_t.english, b, ind), "CN")
        parts = NameParts("cn", city=city_t, brand=brand, industry=industry, legal_form="Co., Ltd.")
        brand_en = _brand_en(brand)
        name = _cn_name(city_t.english, brand, industry)
        addr, addr_zh = self._cn_address(city_t)
        return self._register(
            Entity(
                self._new_id(),
                "company",
                "CN",
                parts,
                name,
                addr,
                addr_zh,
                self._cn_phone(city_t),
                self._email(brand_en, "CN"),
                identifiers.uscc_number(city_t.region_code, r),
                recurring=recurring,
            )
        )

    def hk_company(
        self,
        brand: tuple[Syllable, ...] | None = None,
        industry: str | None = None,
        recurring: bool = False,
    ) -> Entity:
        r = self.rng
        industry = industry or r.choice(HK_INDUSTRIES)
        if brand and not self._claim(_hk_name(brand, industry), "HK"):
            # An HK arm keeps its principal's trade name if it can, in another line of trade.
            free = [i for i in HK_INDUSTRIES if self._name_free(_hk_name(brand, i), "HK")]
            if free:
                industry = r.choice(free)
                self._claim(_hk_name(brand, industry), "HK")
            else:
                brand = None
        if not brand:
            ind = industry
            brand = self._fresh_brand(lambda b: _hk_name(b, ind), "HK")
        brand_en = _brand_en(brand)
        parts = NameParts(
            "hk",
            brand=brand,
            industry=industry,
            legal_form="Limited",
            latin=self._hk_spelling(brand, industry),
        )
        name = _hk_name(brand, industry)
        return self._register(
            Entity(
                self._new_id(),
                "company",
                "HK",
                parts,
                name,
                self._hk_address(),
                None,
                self._phone_for("HK"),
                self._email(brand_en, "HK"),
                identifiers.hk_br_number(r),
                recurring=recurring,
            )
        )

    def _west_stem(self, country: str, attempt: int) -> tuple[str, str]:
        """A (stem, legal form) draw; later attempts add a distinguishing word, then a
        founder's family name ("Miller Coastal Trading Group")."""
        r = self.rng
        if country == "US" or country not in tables.EU_COUNTRIES:
            stem = f"{r.choice(tables.US_COMPANY_WORDS)} {r.choice(tables.US_COMPANY_NOUNS)}"
            form = r.choice(tables.US_LEGAL_FORMS)
        else:
            spec = tables.EU_COUNTRIES[country]
            stem, form = r.choice(spec["stems"]), r.choice(spec["forms"])
            if r.random() < 0.5:  # keep stems from colliding: add a place or a family name
                stem = f"{stem} {r.choice(spec['cities']).split()[0]}"
        if attempt >= 6:
            stem = f"{stem} {r.choice(tables.COMPANY_QUALIFIERS)}"
        if attempt >= 14:
            stem = f"{r.choice(tables.WESTERN_LAST)} {stem}"
        return stem, form

    def west_company(self, country: str, recurring: bool = False) -> Entity:
        r = self.rng
        for attempt in range(24):
            stem, form = self._west_stem(country, attempt)
            if self._claim(f"{stem} {form}", country):
                break
        else:  # a crowded register: number the last draw until it is free
            base, n = stem, 2
            while not self._claim(f"{base} {n} {form}", country):
                n += 1
            stem = f"{base} {n}"
        parts = NameParts("west", stem=stem, legal_form=form)
        return self._register(
            Entity(
                self._new_id(),
                "company",
                country,
                parts,
                f"{stem} {form}",
                self._west_address(country),
                None,
                self._phone_for(country),
                self._email(stem.split()[0], country),
                identifiers.registration_for(country, r),
                recurring=recurring,
            )
        )

    def person(self, country: str, recurring: bool = False) -> Entity:
        r = self.rng
        if country in ("CN", "HK", "MO"):
            for _ in range(40):
                surname = r.choice(tables.CHINESE_SURNAMES)
                given = tuple(r.sample(tables.SYLLABLES, 2))
                family = surname[3] if country in ("HK", "MO") else surname[0]
                name = f"{family} {''.join(s.pinyin for s in given).capitalize()}"
                if self._claim(name, country):
                    break
            else:
                raise RuntimeError("person-name space exhausted")
            parts = NameParts("person_cn", surname=surname, given=given)
            address = (
                self._hk_address()
                if country == "HK"
                else (
                    self._west_address("MO")
                    if country == "MO"
                    else self._cn_address(r.choice(list(CITIES.values())))[0]
                )
            )
        else:
            for attempt in range(48):
                first, last = r.choice(tables.WESTERN_FIRST), r.choice(tables.WESTERN_LAST)
                if attempt >= 8:  # namesakes are told apart by middle initials
                    first = f"{first} {r.choice(INITIALS)}."
                if attempt >= 24:
                    first = f"{first} {r.choice(INITIALS)}."
                name = f"{first} {last}"
                if self._claim(name, country):
                    break
            else:
                raise RuntimeError("person-name space exhausted")
            parts = NameParts("person_west", first=first, last=last)
            address = self._west_address(country)
        # Private consignees of parcels give a phone and often no email.
        email = self._email(name.split()[-1], country) if r.random() < 0.4 else None
        return self._register(
            Entity(
                self._new_id(),
                "person",
                country,
                parts,
                name,
                address,
                None,
                self._phone_for(country) if country != "CN" else self._cn_phone(CITIES["Shenzhen"]),
                email,
                None,
                recurring=recurring,
            )
        )

    def _hub(self, variants: tuple[str, ...]) -> Entity:
        parts = NameParts("hub", fixed_variants=variants)
        self._claim(variants[0], "HK")
        return self._register(
            Entity(
                self._new_id(),
                "company",
                "HK",
                parts,
                variants[0],
                self._hk_address(),
                None,
                self._phone_for("HK"),
                None,
                None,
                recurring=True,
            )
        )

    def consignee(self, country: str, recurring: bool = False, person_share: float = 0.3) -> Entity:
        if self.rng.random() < person_share:
            return self.person(country, recurring)
        if country == "HK":
            return self.hk_company(recurring=recurring)
        return self.west_company(country, recurring)

    # -- distractors ---------------------------------------------------------
    def distractor_of(self, entity: Entity) -> Entity | None:
        """A different company whose name is nearly the same, sharing nothing else."""
        p = entity.parts
        if p.style != "cn" or p.city is None:
            return None
        if self.rng.random() < 0.5:
            others = [
                c
                for c in CITIES
                if c != p.city.english and self._name_free(_cn_name(c, p.brand, p.industry), "CN")
            ]
            if not others:
                return None
            twin = self.cn_company(self.rng.choice(others), p.industry, p.brand, recurring=True)
            why = "same trade name and industry, different city; nothing else shared"
        else:
            near = [tables.NEAR_SYLLABLE.get(s.pinyin) for s in p.brand]
            idx = next((i for i, n in enumerate(near) if n), None)
            if idx is None:
                return None
            swap = next(s for s in tables.SYLLABLES if s.pinyin == near[idx])
            brand = tuple(swap if i == idx else s for i, s in enumerate(p.brand))
            if not self._name_free(_cn_name(p.city.english, brand, p.industry), "CN"):
                return None  # that near-namesake already exists as a company of its own
            twin = self.cn_company(p.city.english, p.industry, brand, recurring=True)
            why = "trade name differs by one letter (different characters); nothing else shared"
        self.distractors.append((entity.id, twin.id, why))
        return twin

    def front_for(self, core: Entity, city: str, industry: str) -> Entity:
        """A front company of `core`: another name (mostly in the same city's trade,
        sometimes a Hong Kong company) sharing one or two identity artefacts with it."""
        r = self.rng
        front = (
            self.cn_company(
                r.choice((city, core.parts.city.english if core.parts.city else city)),
                r.choice(("trading", "impexp", "ecommerce", industry)),
                recurring=True,
            )
            if r.random() < 0.75
            else self.hk_company(recurring=True)
        )
        # Fronts share one or two identity artefacts with the company they front for.
        for artefact in r.sample(
            ("address", "phone", "email", "registration_id"), r.choice((1, 1, 2))
        ):
            if artefact == "address" and front.country != core.country:
                front.phone = core.phone
                continue
            setattr(front, artefact, getattr(core, artefact))
            if artefact == "address":
                front.address_zh = core.address_zh
        front.front_of = core.id
        front.network = core.network
        return front

    # -- networks ------------------------------------------------------------
    def network(self, net_id: str, first_day: int, last_day: int) -> Network:
        """Plant one infringer network of 3-12 members.

        Roughly 60 % of networks span two or more jurisdictions: an origin-side agency
        (HK, CN, MO) plus the destination agencies of its markets.
        """
        r = self.rng
        cats = r.sample(tables.CATEGORIES, r.choice((1, 1, 2)))
        city = r.choice(cats[0].cities)
        industry = r.choice(cats[0].industries)
        makers = [
            self.cn_company(city, r.choice(("industrial", *cats[0].industries)), recurring=True)
            for _ in range(r.choice((1, 1, 2)))
        ]
        core = self.cn_company(r.choice((city, "Shenzhen", "Guangzhou")), industry, recurring=True)
        fronts: list[Entity] = []
        for _ in range(r.choice((0, 1, 1, 2, 3))):
            fronts.append(self.front_for(core, city, industry))
        hk_agent = self.hk_company(core.parts.brand, recurring=True) if r.random() < 0.4 else None
        if hk_agent and r.random() < 0.6:
            hk_agent.phone = core.phone  # the HK arm answers on the mainland number

        # Markets: the jurisdictions this network ships to; agencies that can seize it.
        if r.random() < 0.4:
            agencies = [r.choice((*ORIGIN_AGENCIES, "US-CBP", "EU-NL", "EU-DE", "US-CBP"))]
        else:
            agencies = r.sample(ORIGIN_AGENCIES, r.choice((1, 1, 2)))
            agencies += r.sample(list(DESTINATION_AGENCIES), r.choice((1, 1, 2)))
        markets = sorted({DESTINATION_AGENCIES[a] for a in agencies if a in DESTINATION_AGENCIES})
        if not markets:
            markets = [r.choice(("US", "GB", "NL", "DE", "AE"))]
        consignees: dict[str, list[Entity]] = {}
        for m in markets:
            group = [
                self.consignee(m, recurring=True, person_share=0.35)
                for _ in range(r.choice((1, 1, 2, 3)))
            ]
            if len(group) > 1 and r.random() < 0.6:
                for g in group[1:]:  # straw consignees at one drop address
                    g.address = group[0].address
            consignees[m] = group
        forwarder = None
        if r.random() < 0.6:
            fcity = r.choice(("Shenzhen", "Guangzhou", city))
            forwarder = self.cn_company(
                fcity, r.choice(("freight", "logistics", "supplychain")), recurring=True
            )
        length = r.randrange(180, 1400)
        start = r.randrange(first_day, max(first_day + 1, last_day - length // 2))
        net = Network(
            net_id,
            makers,
            [core, *fronts],
            hk_agent,
            consignees,
            forwarder,
            cats,
            agencies,
            start,
            min(last_day, start + length),
            r.random() < 0.5,
        )
        net.containers = [identifiers.container_number(r)[0] for _ in range(r.randrange(2, 7))]
        for e in net.members:
            e.network = net_id
        return net

    def jurisdiction_of(self, agency: str) -> str:
        return AGENCY_JURISDICTION[agency]
