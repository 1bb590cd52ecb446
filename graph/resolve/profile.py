"""What resolution knows about one Party node: its name, country and identity artefacts.

A `PartyProfile` is plain data. The graph plumbing reads it from the store; offline
tools (bench/, tests) build it from the loader's `SeizureWrite` values with
`profiles_from_writes`, which sees exactly what the loader would write.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING

from rigour.text.translit import ascii_text

from graph.model import LINKS_BY_NAME
from ingest.normalise.names import legal_form_tokens

if TYPE_CHECKING:
    # Only for annotations: resolution reads writes, it does not write.
    from ingest.rows import SeizureWrite

__all__ = [
    "ARTEFACT_LINKS",
    "EXTRA_LEGAL_FORMS",
    "GENERIC_WORDS",
    "LEGAL_FORM_KINDS",
    "PLACE_COUNTRY",
    "SILENT_GROUPS",
    "NameParts",
    "PartyProfile",
    "is_cantonese",
    "is_chinese_syllable",
    "is_pinyin",
    "is_syllable",
    "may_be_several",
    "name_parts",
    "party_mentions",
    "profiles_from_writes",
    "several_written",
]

# Party -> artefact links of the loader, and the profile field each fills.
ARTEFACT_LINKS: dict[str, str] = {
    "has_address": "addresses",
    "has_phone": "phones",
    "has_email": "emails",
    "has_identifier": "identifiers",
}


@dataclass(frozen=True)
class PartyProfile:
    """One Party node as resolution sees it.

    `name_key` is the comparison form written at ingest
    (`ingest.normalise.names.comparison_form`); artefact sets hold node ids
    ("tel:+86...", "addr:...", "mail:...", "id:CN:..."), so two profiles share an
    artefact exactly when their nodes link to the same artefact node.
    """

    id: str
    name: str
    name_key: str
    country: str | None
    addresses: frozenset[str] = frozenset()
    phones: frozenset[str] = frozenset()
    emails: frozenset[str] = frozenset()
    identifiers: frozenset[str] = frozenset()
    roles: frozenset[str] = frozenset()
    # Parties named in the same seizures. Not scored: the fronts of a network ship
    # to the same consignees as the company they front for.
    counterparties: frozenset[str] = frozenset()

    @property
    def may_be_several(self) -> bool:
        """Whether its records give it several addresses, phones or registration
        numbers. A Party is a name as written in one country, and a name written
        short ("Fuchang Industrial Co., Ltd." without its city, "J. Schmidt") may
        be written so by several companies or persons: at 100k generated records,
        681 of the 738 Party nodes whose mentions name several entities have
        several, against 377 of the other 149,114 (see `decide_links`)."""
        return several_written(len(self.addresses), len(self.phones), len(self.identifiers))


def several_written(addresses: int, phones: int, identifiers: int) -> bool:
    """The rule of `PartyProfile.may_be_several` over counts of a Party's distinct
    addresses, phones and registration numbers; the networks build asks it too."""
    return addresses > 1 or phones > 1 or identifiers > 1


def may_be_several(profiles: Iterable[PartyProfile]) -> set[str]:
    """The ids of `profiles` that may stand for several companies
    (`PartyProfile.may_be_several`): what `decide_links` takes as `several`."""
    return {profile.id for profile in profiles if profile.may_be_several}


@dataclass
class _Draft:
    name: str
    name_key: str
    country: str | None
    artefacts: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    roles: set[str] = field(default_factory=set)
    counterparties: set[str] = field(default_factory=set)


def _party_links(write: SeizureWrite) -> Iterator[tuple[str, int, str, dict[str, object]]]:
    """(role, index, party id, node) of each party link of a seizure."""
    for row in write.links:
        link = LINKS_BY_NAME.get(row.link)
        if link is not None and link.role is not None:
            index = int(row.props.get("index", 0) or 0)
            yield link.role.value.lower(), index, row.target_id, row.node


def party_mentions(write: SeizureWrite) -> dict[tuple[str, str, int], str]:
    """(seizure id, role, index) -> Party id, the key of a mention in truth.json
    (role "shipper" / "consignee" / "manufacturer" / "forwarder")."""
    return {(write.id, role, index): party_id for role, index, party_id, _ in _party_links(write)}


def profiles_from_writes(writes: Iterable[SeizureWrite]) -> list[PartyProfile]:
    """Profiles of every Party the writes link to, in first-seen order.

    The name as written comes from the first write that names the Party (every
    written form of one Party has the same name key and country, which make its id);
    artefacts, roles and counterparties accumulate over all writes.
    """
    drafts: dict[str, _Draft] = {}
    for write in writes:
        in_seizure: list[str] = []
        for role, _, party_id, node in _party_links(write):
            draft = drafts.get(party_id)
            if draft is None:
                country = node.get("country")
                draft = drafts[party_id] = _Draft(
                    name=str(node.get("name", "")),
                    name_key=str(node.get("name_key", "")),
                    country=str(country) if country else None,
                )
            draft.roles.add(role)
            in_seizure.append(party_id)
        for row in write.links:
            kind = ARTEFACT_LINKS.get(row.link)
            if kind is not None and row.source_id in drafts:
                drafts[row.source_id].artefacts[kind].add(row.target_id)
        for party_id in in_seizure:
            drafts[party_id].counterparties.update(p for p in in_seizure if p != party_id)
    return [
        PartyProfile(
            id=party_id,
            name=d.name,
            name_key=d.name_key,
            country=d.country,
            addresses=frozenset(d.artefacts["addresses"]),
            phones=frozenset(d.artefacts["phones"]),
            emails=frozenset(d.artefacts["emails"]),
            identifiers=frozenset(d.artefacts["identifiers"]),
            roles=frozenset(d.roles),
            counterparties=frozenset(d.counterparties),
        )
        for party_id, d in drafts.items()
    ]


# -- names ---------------------------------------------------------------------

# Words that say what a business does or where it sits rather than which business
# it is, grouped by meaning: industry words in English, in the European languages
# of the feeds and in pinyin (a Chinese name as rigour transliterates it), filler
# words, and the names of the territories parties sit in. Chinese company names are
# registered as region + trade name + industry + organisational form
# (企业名称登记管理规定) and other registers follow the same pattern: the trade name
# identifies, the rest is shared by thousands of companies. Words are held joined
# ("maoyi", "hongkong"): a run of tokens whose concatenation is listed is generic as
# a whole. Two words of one group are synonyms ("footwear" / "shoes").
_GENERIC_GROUPS: dict[str, str] = {
    "trade": """trading trade trader traders tradings commerce commercial merchant merchants
        handel handels commercio commerciale negoce comercio comercial maoyi shangmao gongmao""",
    "import-export": """import imports importer importers export exports exporter exporters
        imp exp importexport ie jinchukou importacao importazione""",
    "international": "international intl inter global worldwide guoji",
    "industry": """industrial industries industry ind indus manufacturing manufacture
        manufacturer manufacturers factory shiye gongye zhizao shengchan""",
    "technology": "technology technologies tech techn technical keji",
    "electronics": "electronics electronic elec electric electrical dianzi",
    "logistics": """logistics logistic logistik freight forwarding forwarder forwarders
        shipping express transport transportation cargo wuliu huoyun huoyundaili daili""",
    "supply-chain": "supply chain supplychain scm gongyinglian",
    "e-commerce": "ecommerce ec dianzishangwu",
    "apparel": """apparel garment garments clothing clothes fashion fashions textile textiles
        moda mode fushi fuzhuang fangzhi""",
    "shoes": "shoes shoe footwear xieye",
    "leather": "leather piju pige",
    "cosmetics": "cosmetics cosmetic beauty huazhuangpin",
    "watches": "watch watches clock clocks zhongbiao",
    "toys": "toys toy wanju",
    "wholesale": "wholesale wholesaler wholesalers groothandel grosshandel",
    "distribution": "distribution distributors distributor distributie vertrieb",
    "retail": "retail store stores shop shops loja",
    "sports": "sports sport sporting yundong",
    "hardware": "hardware wujin",
    "machinery": "machinery jixie",
    "software": "software ruanjian",
    "communications": "telecom communication communications tongxun",
    "crafts": "crafts craft gifts gift gongyi",
    "other-industry": """accessories jewelry jewellery bags handbags auto parts pharmaceutical
        pharmaceuticals pharma medical digital network networks media food foods plastic
        plastics metal metals chemical chemicals packaging printing furniture household
        lighting optical mobile computer energy materials material xinxi""",
    # Words that add nothing when one name has them and the other does not.
    "filler": """products product goods company companies co firm partners associates group
        holdings holding enterprise enterprises development developments services service
        solutions general universal management agency agencies companhia sociedade
        shangwu zhipin jituan fazhan konggu qiye youxian gongsi yongpin
        and the of und et""",
    # Territories named inside company names ("(HK)", "香港"): the country says it.
    "place": "hk hongkong xianggang china zhongguo prc macau macao aomen taiwan",
}
GENERIC_WORDS: dict[str, str] = {
    word: group for group, words in _GENERIC_GROUPS.items() for word in words.split()
}


@lru_cache(maxsize=1)
def _generic_words() -> dict[str, str]:
    """`GENERIC_WORDS` and the spellings of its pinyin words in Taiwan's systems, as
    its registers write them (實業 SHIH YE in Tongyong, SHR YE in MPS II; 企業 CI YE,
    CHI YE): each way a word splits into pinyin syllables, respelled
    (`ingest.normalise.readings.tongyong`, `mps2`). A respelling that is the pinyin of
    another word is left out (皮具 PIJU, leather, is PIJIU in MPS II: 啤酒, beer)."""
    from ingest.normalise.glosses import pinyin_of_headwords
    from ingest.normalise.readings import mps2, tongyong

    syllables = _pinyin_syllables()
    respelt = {
        "".join(map(respell, split)): group
        for word, group in GENERIC_WORDS.items()
        for split in _splits(word, syllables)
        for respell in (tongyong, mps2)
    }
    other_words = pinyin_of_headwords(respelt)
    return {
        **{w: g for w, g in respelt.items() if w not in other_words},
        **GENERIC_WORDS,
    }


def _splits(word: str, syllables: frozenset[str]) -> list[tuple[str, ...]]:
    """Every way `word` is a run of `syllables` (none when it is no such run)."""
    if not word:
        return [()]
    return [
        (word[:end], *rest)
        for end in range(1, min(len(word), 6) + 1)
        if word[:end] in syllables
        for rest in _splits(word[end:], syllables)
    ]


# The territory each place word names.
PLACE_COUNTRY: dict[str, str] = {
    "hk": "HK",
    "hongkong": "HK",
    "xianggang": "HK",
    "china": "CN",
    "zhongguo": "CN",
    "prc": "CN",
    "macau": "MO",
    "macao": "MO",
    "aomen": "MO",
    "taiwan": "TW",
}
# Groups whose words may be missing on one side without saying anything (the
# place words are weighed against the parties' countries by the scorer).
SILENT_GROUPS = frozenset({"filler", "place"})
# Runs longer than this are not looked up ("dian zi shang wu" is the longest).
_GENERIC_RUN = 4

# Legal forms that rigour's table (as comparison_form applies it) leaves as words,
# mapped to the canonical token comparison_form uses for their kind; "" marks a
# qualifier of a legal form ("(Pvt) Ltd", "(Private) Limited") that adds nothing.
EXTRA_LEGAL_FORMS: dict[str, str] = {
    "corp": "corp",
    "corporation": "corp",
    # Japanese forms written in Latin letters (rigour's table has only 株式会社):
    # "K.K.", "Kabushiki Kaisha", "Yugen Kaisha", the kana reading read whole.
    "kk": "jsc",
    "kabushiki": "jsc",
    "kabushikigaisha": "jsc",
    "kabushikikaisha": "jsc",
    "yugen": "llc",
    "kaisha": "",
    "lda": "llc",  # Portuguese limitada (Macao)
    "ae": "jsc",  # Greek anonymi etaireia
    "pvt": "",
    "private": "",
}


# Legal forms are compared as kinds. A joint-stock company and a limited-liability
# one are one kind across languages: 株式会社 and 股份有限公司 (joint-stock in
# rigour's table) write "Co., Ltd." (limited) in their registered English names
# (EDINET's and Taiwan's registers), and OFAC translates АО as "JSC" and "Joint
# Stock Company" but ООО as "LLC" and "Limited Liability Company" alike; a
# corporation is one too. A partnership (lp, llp) is another kind.
LEGAL_FORM_KINDS: dict[str, str] = {"llc": "company", "jsc": "company", "corp": "company"}


@dataclass(frozen=True)
class NameParts:
    """A comparison form taken apart: legal forms aside, every other token kept in
    order and marked generic (with its group) or identifying.

    The tokens are kept as two tuples of strings, which Python's cycle collector
    stops tracking (objects of a class it tracks for ever): parts are cached by the
    ten thousand in a long-running API process, and every object tracked is scanned
    at each full collection."""

    key: str
    texts: tuple[str, ...]
    # Generic group of each token ("trade", "filler" ...); "" for an identifying word.
    groups: tuple[str, ...]
    legal_forms: frozenset[str]

    @property
    def identifying(self) -> tuple[str, ...]:
        return tuple(t for t, g in zip(self.texts, self.groups, strict=True) if not g)

    @cached_property
    def places(self) -> frozenset[str]:
        """Countries the name itself names ("(HK)", "香港")."""
        out = set()
        for start, group in enumerate(self.groups):
            if group != "place":
                continue
            joined = ""
            for text, other in zip(self.texts[start:], self.groups[start:], strict=True):
                if other != "place":
                    break
                joined += text
                if joined in PLACE_COUNTRY:
                    out.add(PLACE_COUNTRY[joined])
        return frozenset(out)

    @cached_property
    def person_like(self) -> bool:
        """Two to four words, none generic and no legal form: a person's name, or a
        company written without any word that would say so."""
        return not self.legal_forms and 2 <= len(self.texts) <= 4 and not any(self.groups)


def _generic_groups(words: list[str]) -> list[str]:
    """The generic group of each word ("" for none), read from the end of the name as
    names are built (trade name, then line of business, then legal form), longest run
    first: "xiang fu shi ye" is xiang-fu + shiye (industry), not xiang + fushi
    (apparel) + ye; "dian zi shang wu" is e-commerce, not electronics and filler."""
    generic = _generic_words()
    groups = [""] * len(words)
    end = len(words)
    while end > 0:
        found = 0
        group = ""
        for start in range(end - 1, max(-1, end - 1 - _GENERIC_RUN), -1):
            joined = "".join(words[start:end])
            if joined in generic:
                found, group = end - start, generic[joined]
        if found:
            groups[end - found : end] = [group] * found
            end -= found
        else:
            end -= 1
    return groups


@lru_cache(maxsize=1 << 16)
def name_parts(name_key: str) -> NameParts:
    """Tokens of a comparison form (`ingest.normalise.names.comparison_form`), legal
    forms set apart."""
    legal = legal_form_tokens()
    words: list[str] = []
    forms: set[str] = set()
    for word in name_key.split():
        if word in legal:
            forms.add(word)
        elif word in EXTRA_LEGAL_FORMS:
            if EXTRA_LEGAL_FORMS[word]:
                forms.add(EXTRA_LEGAL_FORMS[word])
        else:
            # No stopword list: rigour's is multilingual and holds pinyin syllables
            # of trade names ("an", "da", "yu"); "and", "the", "of" are filler.
            words.append(word)
    if not words:  # "Trading Co" has no other word; keep what there is
        words = [w for w in name_key.split() if w not in legal]
    groups = _generic_groups(words)
    return NameParts(name_key, tuple(words), tuple(groups), frozenset(forms))


@lru_cache(maxsize=1)
def _pinyin_syllables() -> frozenset[str]:
    """Pinyin syllables, as rigour transliterates the 3,755 common characters of
    GB 2312 level 1 (about 400 syllables; built once, in about 0.2 s)."""
    characters = []
    for high in range(0xB0, 0xD8):
        for low in range(0xA1, 0xFF):
            try:
                characters.append(bytes([high, low]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return frozenset(ascii_text(" ".join(characters)).casefold().split())


def is_syllable(word: str) -> bool:
    """Whether a word is one pinyin syllable ("shen", "xiang")."""
    return word in _pinyin_syllables()


@lru_cache(maxsize=1)
def _cantonese_syllables() -> frozenset[str]:
    """The syllables of the Hong Kong government's Cantonese romanisation
    (cantonese-romanisation's table): "wah", "tung", "gam"."""
    from ingest.normalise.readings import cantonese_syllables

    return cantonese_syllables()


def is_chinese_syllable(word: str) -> bool:
    """Whether a word is one syllable of a Chinese name as Mandarin pinyin or Hong
    Kong's Cantonese romanisation writes it ("xin", "tung", "gam")."""
    return is_syllable(word) or word in _cantonese_syllables()


@lru_cache(maxsize=1 << 16)
def pinyin_syllables(word: str) -> int | None:
    """The fewest pinyin syllables a word reads as a run of ("yuanbao": 2, yuan-bao
    rather than yu-an-bao); None when it is no such run ("hauxin")."""
    return _fewest_syllables(word, _pinyin_syllables())


@lru_cache(maxsize=1 << 16)
def is_cantonese(word: str) -> bool:
    """Whether a word reads as a run of syllables of Hong Kong's Cantonese
    romanisation ("onshui": on-shui; "taaishing": taai-shing)."""
    return _fewest_syllables(word, _cantonese_syllables()) is not None


def _fewest_syllables(word: str, syllables: frozenset[str]) -> int | None:
    longest = max(map(len, syllables))
    fewest: dict[int, int] = {0: 0}
    for end in range(1, len(word) + 1):
        counts = [
            fewest[start] + 1
            for start in range(max(0, end - longest), end)
            if start in fewest and word[start:end] in syllables
        ]
        if counts:
            fewest[end] = min(counts)
    return fewest.get(len(word)) if word else None


def is_pinyin(word: str) -> bool:
    """Whether a word reads as a run of pinyin syllables ("hengtian": heng-tian;
    "hauxin": no)."""
    return pinyin_syllables(word) is not None
