"""Written forms of entity names and phones, as different agencies spell them.

One entity is written in many ways: legal-form spellings ("Co., Ltd." / "CO LTD" /
"Company Limited"), case, word order ("Huaxin Trading (Shenzhen) Co Ltd"), split
pinyin ("Hua Xin"; a Hong Kong or Macao party's name in Cantonese, "Wah Shun"),
abbreviations ("Imp & Exp"), dropped legal forms or cities, small typos, and
Chinese script (simplified in CN-GACC, traditional in MO-CS and HK-CED). Recurring
entities keep a per-agency "house spelling" most of the time, as a register that
copies last month's entry would, and deviate from it now and then.
"""

from __future__ import annotations

import random
import zlib

from ingest.generate.tables import INDUSTRIES, Syllable
from ingest.generate.world import Entity, NameParts, Phone, cantonese_spellings

CN_LEGAL_FORMS = (
    "Co., Ltd.",
    "Co., Ltd.",
    "CO LTD",
    "Company Limited",
    "Co.,Ltd",
    "Co. Ltd.",
    "Co Ltd",
    "Co., Limited",
    "Limited",
    "",
)
HK_LEGAL_FORMS = ("Limited", "Limited", "Ltd", "LTD.", "Co., Limited", "Company Limited")
HK_MARKERS = ("(HK)", "(HK)", "(H.K.)", "Hong Kong", "")
WEST_LEGAL_FORMS: dict[str, tuple[str, ...]] = {
    "LLC": ("LLC", "L.L.C.", "LLC", ""),
    "Inc.": ("Inc.", "INC", "Inc", "Incorporated", ""),
    "Corp.": ("Corp.", "Corporation", "CORP", "Corp"),
    "B.V.": ("B.V.", "BV", "B.V", "B.V."),
    "GmbH": ("GmbH", "GMBH", "G.m.b.H.", "GmbH"),
    "GmbH & Co. KG": ("GmbH & Co. KG", "GmbH & Co KG", "GMBH & CO. KG"),
    "BV": ("BV", "B.V.", "bv"),
    "SRL": ("SRL", "S.R.L.", "sprl"),
    "NV": ("NV", "N.V."),
    "SARL": ("SARL", "S.A.R.L."),
    "SAS": ("SAS", "S.A.S."),
    "S.r.l.": ("S.r.l.", "SRL", "S.R.L."),
    "Limitada": ("Limitada", "Lda.", "LIMITADA", "Lda"),
    "Ltd": ("Ltd", "Limited", "LTD", "Ltd."),
    "S.A.": ("S.A.", "SA", "A.E."),
    "FZE": ("FZE", "F.Z.E."),
    "(Pvt) Ltd": ("(Pvt) Ltd", "Pvt Ltd", "(Private) Limited"),
}
# Transliterations of German and French letters seen in manifests typed on US keyboards.
ASCII_FOLD = str.maketrans(
    {
        "ü": "ue",
        "ö": "oe",
        "ä": "ae",
        "ß": "ss",
        "é": "e",
        "è": "e",
        "Ü": "UE",
        "Ö": "OE",
        "Ä": "AE",
        "ç": "c",
        "à": "a",
    }
)

# Probability that an agency writes a Chinese entity in Chinese script.
CHINESE_SCRIPT_SHARE = {"CN-GACC": 0.75, "MO-CS": 0.2, "HK-CED": 0.04}
# Probability that a recurring entity is written in the agency's house spelling.
HOUSE_SPELLING_SHARE = 0.65
TYPO_SHARE = 0.04


def _typo(word: str, rng: random.Random, drawn_as: str = "") -> str:
    """One dropped or swapped letter, the keying errors seen in manual registers.
    With `drawn_as` (the name's pinyin, for a name written in Cantonese) the error
    is drawn as for that word, so that how a name is romanised leaves the random
    stream of the rest of the world as it is."""
    basis = drawn_as or word
    if len(basis) < 5:
        return word
    i = rng.randrange(1, len(basis) - 1)
    dropped = rng.random() < 0.5
    if len(word) < 5:
        return word
    i = min(i, len(word) - 2)
    if dropped:
        return word[:i] + word[i + 1 :]
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def _romanised(syllables: tuple[Syllable, ...], cantonese: bool, seed: str) -> list[str]:
    """Syllables as a register writes them: in Hanyu pinyin (mainland China), or
    for Hong Kong and Macao in the Hong Kong government's Cantonese romanisation of
    the traditional character, from the `cantonese-romanisation` package's table
    (偉明 WAI MING). The table lists several spellings a character is registered
    under (華: WA, WAH); each person keeps one, drawn from their id so that the
    random stream of the rest of the world is the same as without it. (A company's
    spelling is chosen once, with the world: `NameParts.latin`.)"""
    if not cantonese:
        return [s.pinyin for s in syllables]
    return [
        spellings[zlib.crc32(f"{seed}|{syllable.traditional}".encode()) % len(spellings)]
        for syllable, spellings in zip(syllables, cantonese_spellings(syllables), strict=True)
    ]


def _brand_en(parts: NameParts, rng: random.Random) -> str:
    # A Hong Kong company's trade name as its register writes it (`NameParts.latin`),
    # else in pinyin.
    pinyin = [s.pinyin for s in parts.brand]
    syl = list(parts.latin) or pinyin
    r = rng.random()
    if r < 0.75:
        word, drawn_as = "".join(syl).capitalize(), "".join(pinyin).capitalize()
    elif r < 0.92:
        word, drawn_as = " ".join(s.capitalize() for s in syl), " ".join(pinyin)
    else:
        word, drawn_as = "-".join(s.capitalize() for s in syl), "-".join(pinyin)
    return _typo(word, rng, drawn_as) if rng.random() < TYPO_SHARE else word


def _industry_en(parts: NameParts, rng: random.Random) -> str:
    ind = INDUSTRIES[parts.industry]
    return ind.english if rng.random() < 0.7 else rng.choice(ind.english_variants)


def _chinese(parts: NameParts, traditional: bool, rng: random.Random) -> str:
    def pick(simplified: str, trad: str) -> str:
        return trad if traditional else simplified

    brand = "".join(pick(s.simplified, s.traditional) for s in parts.brand)
    ind = INDUSTRIES[parts.industry]
    industry = pick(ind.simplified, ind.traditional)
    if parts.style == "hk":
        hk = pick("香港", "香港")
        return (
            f"{brand}{industry}({hk})有限公司"
            if rng.random() < 0.5
            else f"{hk}{brand}{industry}有限公司"
        )
    assert parts.city is not None
    city = pick(parts.city.simplified, parts.city.traditional)
    # "深圳市华信…" and "深圳华信…" are both the registered form in practice.
    shi = pick("市", "市") if rng.random() < 0.35 else ""
    return f"{city}{shi}{brand}{industry}{pick('有限公司', '有限公司')}"


def _cn_english(parts: NameParts, rng: random.Random) -> str:
    assert parts.city is not None
    brand, industry = _brand_en(parts, rng), _industry_en(parts, rng)
    form = rng.choice(CN_LEGAL_FORMS)
    r = rng.random()
    if r < 0.72:
        name = f"{parts.city.english} {brand} {industry} {form}"
    elif r < 0.88:
        name = f"{brand} {industry} ({parts.city.english}) {form}"
    else:
        name = f"{brand} {industry} {form}"
    return " ".join(name.split())


def _hk_english(parts: NameParts, rng: random.Random) -> str:
    brand, industry = _brand_en(parts, rng), _industry_en(parts, rng)
    return " ".join(
        f"{brand} {industry} {rng.choice(HK_MARKERS)} {rng.choice(HK_LEGAL_FORMS)}".split()
    )


def _west(parts: NameParts, rng: random.Random) -> str:
    stem = parts.stem
    if rng.random() < 0.3:
        stem = stem.translate(ASCII_FOLD)
    if rng.random() < TYPO_SHARE:
        words = stem.split()
        words[0] = _typo(words[0], rng)
        stem = " ".join(words)
    form = rng.choice(WEST_LEGAL_FORMS.get(parts.legal_form, (parts.legal_form,)))
    return " ".join(f"{stem} {form}".split())


def _person_cn(
    parts: NameParts, country: str, script: str | None, rng: random.Random, seed: str
) -> str:
    assert parts.surname is not None
    pinyin, simplified, traditional, cantonese = parts.surname
    if script == "simplified":
        return simplified + "".join(s.simplified for s in parts.given)
    if script == "traditional":
        return traditional + "".join(s.traditional for s in parts.given)
    family = cantonese if country in ("HK", "MO") else pinyin
    given = _romanised(parts.given, country in ("HK", "MO"), seed)
    r = rng.random()
    if r < 0.35:
        return f"{family.upper()} {''.join(given).capitalize()}"
    if r < 0.55:
        return f"{family} {''.join(given).capitalize()}"
    if r < 0.7:
        return f"{''.join(given).capitalize()} {family}"
    if r < 0.85:
        return f"{family.upper()} {' '.join(g.capitalize() for g in given)}"
    return f"{family} {given[0].capitalize()}-{given[1]}"


def _person_west(parts: NameParts, rng: random.Random) -> str:
    first, last = parts.first, parts.last
    if rng.random() < 0.25:
        last = last.translate(ASCII_FOLD)
    r = rng.random()
    if r < 0.5:
        return f"{first} {last}"
    if r < 0.7:
        return f"{last.upper()}, {first}"
    if r < 0.85:
        return f"{first[0]}. {last}"
    return f"{last} {first}"


def variant(entity: Entity, agency: str, rng: random.Random) -> str:
    """A fresh written form of `entity` as `agency` might write it."""
    p = entity.parts
    chinese_share = CHINESE_SCRIPT_SHARE.get(agency, 0.0)
    traditional = agency in ("MO-CS", "HK-CED")
    if p.style == "hub":
        name = rng.choice(p.fixed_variants)
    elif p.style in ("cn", "hk"):
        name = (
            _chinese(p, traditional, rng)
            if rng.random() < chinese_share
            else (_cn_english(p, rng) if p.style == "cn" else _hk_english(p, rng))
        )
    elif p.style == "west":
        name = _west(p, rng)
    elif p.style == "person_cn":
        script = None
        if rng.random() < chinese_share:
            script = "traditional" if traditional else "simplified"
        name = _person_cn(p, entity.country, script, rng, entity.id)
    else:
        name = _person_west(p, rng)
    if agency == "US-CBP" or (rng.random() < 0.15 and name.isascii()):
        name = name.upper()
        if agency == "US-CBP" and rng.random() < 0.5:
            # CBP's systems drop punctuation: "CO., LTD." -> "CO LTD".
            name = " ".join(name.replace(".", " ").replace(",", " ").split())
    return name


class NameBook:
    """Remembers each agency's house spelling of recurring entities."""

    def __init__(self) -> None:
        self._house: dict[tuple[str, str], str] = {}

    def write(self, entity: Entity, agency: str, rng: random.Random) -> str:
        if not entity.recurring:
            return variant(entity, agency, rng)
        key = (agency, entity.id)
        house = self._house.get(key)
        if house is None:
            house = self._house[key] = variant(entity, agency, rng)
            return house
        return house if rng.random() < HOUSE_SPELLING_SHARE else variant(entity, agency, rng)


def written_phone(phone: Phone, rng: random.Random) -> str:
    """One of the formats seen for the same number: +86 755 1234 5678, 0755-12345678..."""
    cc, area, local = phone.country_code, phone.area, phone.local
    r = rng.random()
    forms: tuple[str, ...]
    if cc == "86":
        if not area:  # mobile
            return (f"+86 {local[:3]} {local[3:7]} {local[7:]}", local, f"+86{local}")[int(r * 3)]
        half = len(local) // 2
        forms = (
            f"+86 {area} {local[:half]} {local[half:]}",
            f"0{area}-{local}",
            f"86-{area}-{local}",
            f"(0{area}) {local[:half]} {local[half:]}",
        )
        return forms[int(r * len(forms))]
    if cc in ("852", "853"):
        forms = (
            f"+{cc} {local[:4]} {local[4:]}",
            f"({cc}) {local[:4]} {local[4:]}",
            local,
            f"{cc}-{local}",
        )
        return forms[int(r * len(forms))]
    if cc == "1":
        forms = (
            f"+1 {area} {local[:3]} {local[3:]}",
            f"({area}) {local[:3]}-{local[3:]}",
            f"{area}-{local[:3]}-{local[3:]}",
        )
        return forms[int(r * len(forms))]
    forms = (f"+{cc} {area} {local}", f"0{area}-{local}", f"00{cc} {area} {local}")
    return forms[int(r * len(forms))]
