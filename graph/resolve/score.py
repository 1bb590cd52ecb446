"""Pairwise scoring of two parties: name likeness, shared artefacts, country.

`compare` returns a score in [0, 1], the features that produced it and one line an
analyst can check. The names are lined up as written (`graph.resolve.align`, token
by token on their comparison forms), as one reads the other when one is Chinese or
Japanese (`graph.resolve.readings`), or part by part as person names when both may
be a person's (`graph.resolve.persons`); the explanation says which reading linked
them. Names in two scripts that no reading links cannot be compared: only a shared
registration number links them, a shared phone or email suggests them.

What a score may reach is bounded by what the evidence can tell apart: a name
alone that lacks an identifying word, that matches only approximately, that says
"Group" or "Holding" where the other does not, or that is a person's name never
reaches `AUTO_THRESHOLD`, because a different company with nearly the same name
(another city, a one-letter different trade name, the group that holds it) or a
namesake looks exactly like that; a shared phone, email, address or registration
number lifts a name that is otherwise alike. Names, lines of business, legal forms
or countries that disagree, Chinese names that only read alike, and a person beside
the company named after them keep a pair under `REVIEW_THRESHOLD` whatever it
shares: front companies share phones and addresses with the company they front
for, and are separate entities.

Two artefacts settle it unless the names clearly conflict (`graph.resolve.decisive`):
a registration number of one country, issued to one company, and a phone with an
address, one office's line. Names that differ only as keyed ("Rhien" / "Rheni") or
by initials ("SK" / "Strakhovaya Kompaniya"), and beside a registration number in
person-name parts with the same consonants ("Alexander" / "Oleksandr") or through a
transliteration or reading into a script that is no alphabet (Hebrew, Hangul, kana
and Japanese kanji: "Daniel Kagan" / "דניאל כגן") do not conflict then; names whose
identifying words differ in one script ("Demei" / "Senlong") or begin otherwise
across scripts, another Chinese syllable or word order, a person beside a company,
another legal form, or (for a phone and an address, which sister companies share)
another line of business still do.

This module also gives, for the callers that import them from here, the name
alignment's entry points; decisions over many pairs are `graph.resolve.decide`'s.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Final

from rigour.text.scripts import is_latin

from graph.resolve.align import NameMatch, match_names, name_similarity, similarity_bound
from graph.resolve.comparison import (
    AMBIGUITIES,
    AUTO_THRESHOLD,
    CONFLICTS,
    REVIEW_THRESHOLD,
    Comparison,
)
from graph.resolve.decisive import (
    DECISIVE_LINK,
    LIFT_FROM,
    UNSAID,
    decisive,
    judge,
    romanised_apart,
    sounds_apart,
    untold_score,
)
from graph.resolve.persons import (
    PersonMatch,
    looks_like_person,
    match_persons,
    person_shaped,
    surely_person,
)
from graph.resolve.profile import PartyProfile, is_cantonese, name_parts
from graph.resolve.readings import (
    CANTONESE_WRITTEN,
    Reading,
    has_cjk,
    homophones,
    reading_keys,
)
from ingest.normalise.readings import is_hangul

__all__ = [
    "AUTO_THRESHOLD",
    "BOUND_MARGIN",
    "REVIEW_THRESHOLD",
    "Comparison",
    "NameMatch",
    "admin_words",
    "compare",
    "match_names",
    "may_review",
    "name_similarity",
    "score_bound",
    "similarity_bound",
]


# Ceilings. A pair whose names or countries disagree stops under REVIEW whatever
# else it shares: fronts share phones, emails and addresses with the company they
# front for and are separate entities. A name-only pair with an ambiguity (a word
# missing, a spelling that differs, a person's name) stops just under AUTO: a
# suggestion, ranked above the other suggestions.
_CAP_CONFLICT = REVIEW_THRESHOLD - 0.05
_CAP_AMBIGUOUS = AUTO_THRESHOLD - 0.02

# How strongly each shared artefact says "same party". A registration number is
# issued to one company; an email box and a phone are used by one business (and
# by its fronts, which the name tells apart); an address is shared by the tenants
# of a building.
_ARTEFACT_WEIGHT: dict[str, float] = {
    "shared_identifier": 0.85,
    "shared_email": 0.75,
    "shared_phone": 0.75,
    "shared_address": 0.6,
}
# Artefacts lift a name only if the names have something in common: below
# `LIFT_FROM` (`decisive`'s, which asks the same) nothing, fully from _LIFT_FULL on.
_LIFT_FULL = 0.6


# -- parties ---------------------------------------------------------------------


# Administrative words written after a place in Chinese names ("深圳市", "宝安区"):
# their pinyin ("shi", "qu") is absent from the same name written in English.
_ADMIN_CHARACTERS: dict[str, str] = {
    "市": "shi",
    "省": "sheng",
    "区": "qu",
    "區": "qu",
    "县": "xian",
    "縣": "xian",
    "镇": "zhen",
    "鎮": "zhen",
}


@lru_cache(maxsize=1 << 16)
def admin_words(name: str) -> frozenset[str]:
    """Pinyin of the administrative characters in a name as written."""
    return frozenset(word for ch, word in _ADMIN_CHARACTERS.items() if ch in name)


def _foreign_script(name: str) -> bool:
    """Written in a script other than Latin (Han, mostly): compared through rigour's
    transliteration."""
    return bool(name) and not is_latin(name)


def _identifier_parts(node_id: str) -> tuple[str, str]:
    """("CN", "91440300...") of "id:CN:91440300..."."""
    _, _, rest = node_id.partition(":")
    country, _, value = rest.partition(":")
    return country, value


def _shared_identifiers(a: frozenset[str], b: frozenset[str]) -> list[str]:
    """Identifiers of both. The loader writes "id:XX:<value>" for a party with no
    country; such a value meets the same value under any country."""
    shared = set(a & b)
    for x in a - shared:
        country_x, value_x = _identifier_parts(x)
        for y in b:
            country_y, value_y = _identifier_parts(y)
            if value_x == value_y and "XX" in (country_x, country_y):
                shared.add(x)
    return sorted(shared)


def _shown(node_id: str) -> str:
    """An artefact as an analyst reads it: "+8675512345678", "sales@x.cn"."""
    kind, _, rest = node_id.partition(":")
    if kind == "id":
        return rest.partition(":")[2] or rest
    if kind == "addr":
        return ""
    return rest


def _lift(similarity: float) -> float:
    return min(1.0, max(0.0, (similarity - LIFT_FROM) / (_LIFT_FULL - LIFT_FROM)))


def _name_features(names: NameMatch, crossing: bool) -> dict[str, float]:
    flags = {
        "name_conflict": names.conflict,
        "name_omission": names.omission,
        "name_approximate": names.approximate,
        "name_syllable_changed": names.syllable_changed,
        "name_reordered": names.reordered,
        "name_acronym": names.acronym,
        "business_conflict": names.generic_conflict,
        "business_omission": names.generic_omission,
        "legal_form_conflict": names.legal_form_conflict,
        "legal_form_omission": names.legal_form_omission,
        "person_name": names.person_like,
        "name_distinguishing": bool(names.distinguishing),
        "script_crossing": crossing,
    }
    return {key: 1.0 for key, on in flags.items() if on}


def _cantonese_respelt(a: PartyProfile, b: PartyProfile, names: NameMatch) -> str:
    """Identifying words of two Hong Kong or Macao names that the aligner took for one
    word spelt two ways (a "ü" written "ue" and "u", a Cyrillic letter written two
    ways) where both read as runs of Cantonese syllables: "Yuentat" / "Yuntat" may be
    源達 and 潤達, and "Wa Shun" / "Wah Shun" one 華信 spelt two ways. Shown as
    "yuentat~yuntat"; "" when there are none."""
    if not {a.country, b.country} <= CANTONESE_WRITTEN:
        return ""
    identifying = set(name_parts(a.name_key).identifying) | set(name_parts(b.name_key).identifying)
    found = []
    for left, right, similarity in names.pairs:
        joined_left, joined_right = left.replace(" ", ""), right.replace(" ", "")
        if (
            similarity < 1.0
            and joined_left != joined_right
            and set(left.split()) | set(right.split()) <= identifying
            and is_cantonese(joined_left)
            and is_cantonese(joined_right)
        ):
            found.append(f"{left}~{right}")
    return ", ".join(found)


def _countries(a: PartyProfile, b: PartyProfile) -> tuple[dict[str, float], list[str]]:
    """Country features. A territory named by one name only ("... (HK) Ltd") must be
    the other party's country, or the names may be a company and its namesake
    elsewhere ("Xinbo Logistics (HK)" and a mainland "Xinbo Logistics")."""
    places_a, places_b = name_parts(a.name_key).places, name_parts(b.name_key).places
    features: dict[str, float] = {}
    notes: list[str] = []
    if a.country and b.country:
        if a.country == b.country:
            features["country_compatible"] = 1.0
            notes.append(f"same country {a.country}")
        else:
            features["country_conflict"] = 1.0
            notes.append(f"different countries {a.country} / {b.country}")
    unexplained = sorted(
        place
        for place, other in [(p, b.country) for p in places_a - places_b]
        + [(p, a.country) for p in places_b - places_a]
        if other != place
    )
    if unexplained and "country_conflict" not in features:
        features["place_omission"] = 1.0
        notes.append(f"only one name says {', '.join(unexplained)}")
    return features, notes


def _ordered(a: PartyProfile, b: PartyProfile) -> tuple[PartyProfile, PartyProfile]:
    """The two parties in the order `compare` takes them, so that it is symmetric."""
    if (a.id, a.name_key, a.name, a.country or "") > (b.id, b.name_key, b.name, b.country or ""):
        return b, a
    return a, b


def _shared(a: PartyProfile, b: PartyProfile) -> dict[str, list[str]]:
    """The artefacts of both, by feature."""

    def both(ours: frozenset[str], theirs: frozenset[str]) -> list[str]:
        return sorted(ours & theirs) if ours and theirs else []

    return {
        "shared_identifier": (
            _shared_identifiers(a.identifiers, b.identifiers)
            if a.identifiers and b.identifiers
            else []
        ),
        "shared_email": both(a.emails, b.emails),
        "shared_phone": both(a.phones, b.phones),
        "shared_address": both(a.addresses, b.addresses),
    }


def _artefact_strength(shared: dict[str, list[str]]) -> float:
    """How strongly the shared artefacts say "same party", in [0, 1)."""
    missing = 1.0
    for feature, ids in shared.items():
        if ids:
            missing *= 1.0 - _ARTEFACT_WEIGHT[feature]
    return 1.0 - missing


def _lifted(similarity: float, artefacts: float) -> float:
    """A name's similarity lifted by what the parties share; never lower as the
    similarity grows (what `score_bound` relies on)."""
    return similarity + (1.0 - similarity) * artefacts * _lift(similarity)


# Margin of `score_bound`: similarities and scores are rounded to four places, a
# bound is summed in another order, and `_lifted` rises at most four times as fast
# as the similarity.
BOUND_MARGIN = 1e-3


def score_bound(a: PartyProfile, b: PartyProfile) -> float:
    """An upper bound of `compare(a, b).score`, without aligning the names: the
    score of `similarity_bound` with what the parties share, capped as `compare`
    caps countries that differ. Rounding aside (`BOUND_MARGIN`)."""
    a, b = _ordered(a, b)
    if a.id == b.id:
        return 1.0
    silent_a, silent_b = admin_words(a.name), admin_words(b.name)
    similarity = similarity_bound(a.name_key, b.name_key, silent_a, silent_b)
    read = _reading(a, b)
    if read is not None:
        similarity = max(
            similarity, similarity_bound(read.left_key, read.right_key, silent_a, silent_b)
        )
    person = _person(a, b)
    if person is not None:
        similarity = person.similarity
    elif _unrelated_scripts(a.name, b.name) and a.name_key != b.name_key:
        similarity = 0.0
    shared = _shared(a, b)
    score = _lifted(min(1.0, similarity), _artefact_strength(shared))
    if _foreign_script(a.name) != _foreign_script(b.name):
        score = max(score, untold_score(shared))
    if decisive(shared):
        score = max(score, DECISIVE_LINK)
    if a.country and b.country and a.country != b.country:
        score = min(score, _CAP_CONFLICT)
    return min(1.0, score)


def _reading(a: PartyProfile, b: PartyProfile) -> Reading | None:
    """How one name reads as the other (`graph.resolve.readings`), for a Chinese or
    Japanese name; None otherwise."""
    if not (has_cjk(a.name) or has_cjk(b.name)):
        return None
    return reading_keys(a.name, a.name_key, a.country, b.name, b.name_key, b.country)


def _names(a: PartyProfile, b: PartyProfile) -> tuple[NameMatch, str]:
    """How the names line up: as written, or as one reads the other when that
    lines them up better, or as person names part by part (`graph.resolve.persons`)
    when both may be a person's; and the reading, if it was taken."""
    silent_a, silent_b = admin_words(a.name), admin_words(b.name)
    names = match_names(a.name_key, b.name_key, silent_a, silent_b)
    reading = ""
    read = _reading(a, b)
    if read is not None:
        other = match_names(read.left_key, read.right_key, silent_a, silent_b)
        if other.similarity > names.similarity:
            names, reading = other, read.explanation
    person = _person(a, b)
    if person is not None:
        # Person names are compared part by part, never by the company aligner's
        # tolerances ("Kim Jin" / "Kim Sin" are two names).
        return _as_name_match(person), "; ".join(person.readings)
    if (_unrelated_scripts(a.name, b.name) and a.name_key != b.name_key) or (
        names.acronym and (person_shaped(a.name, a.name_key) or person_shaped(b.name, b.name_key))
    ):
        # No letters to compare, or initials of a person's name ("Alexander Blok" /
        # "A&B LLC"), which say nothing.
        names, reading = _NO_MATCH, ""
    return names, reading


# Comparison forms read Hangul in Korean and Han in Mandarin: a Korean name and a
# Chinese or Japanese one have no letters to compare (이홍 is no 李弘 read in pinyin),
# and a Korean company's name in Hangul is read as a Latin one only by a reading.
_NO_MATCH: Final = NameMatch(0.0, (), (), (), (), ())


def _unrelated_scripts(left: str, right: str) -> bool:
    """A Hangul name beside one in another script, outside the person path: rigour's
    romanisation of Hangul is no name's spelling to align ("믹 폴리" is no "MIG")."""
    return _has_hangul(left) or _has_hangul(right)


@lru_cache(maxsize=1 << 16)
def _has_hangul(name: str) -> bool:
    # Cached as `readings.has_cjk` is: asked of both names of every pair bounded.
    return any(is_hangul(ch) for ch in name)


def _looks_personal(party: PartyProfile) -> bool:
    return person_shaped(party.name, party.name_key) and looks_like_person(party.name)


def _person_beside_company(person: PartyProfile, company: PartyProfile, names: NameMatch) -> bool:
    """A person's name and a company's that says it is one (a legal form, a word of
    a line of business or "Co."): "NAJIBI, Seyyed Mohammad" / "Najibi & Co."."""
    if not (names.legal_form_omission or names.generic_left or names.generic_right) and not any(
        name_parts(company.name_key).groups
    ):
        return False
    return not person_shaped(company.name, company.name_key) and _looks_personal(person)


def _but_a_legal_form(names: NameMatch) -> bool:
    """The same words, exactly, and a legal form on one side only."""
    return (
        names.legal_form_omission
        and names.similarity == 1.0
        and not (names.extra_left or names.extra_right)
        and not (names.generic_left or names.generic_right)
    )


def _person(a: PartyProfile, b: PartyProfile) -> PersonMatch | None:
    if not (person_shaped(a.name, a.name_key) and person_shaped(b.name, b.name_key)):
        return None
    return match_persons(a.name, b.name)


def _as_name_match(person: PersonMatch) -> NameMatch:
    return NameMatch(
        similarity=person.similarity,
        pairs=person.pairs,
        extra_left=person.extra_left,
        extra_right=person.extra_right,
        generic_left=(),
        generic_right=(),
        approximate=person.approximate,
        person_like=True,
    )


def may_review(a: PartyProfile, b: PartyProfile) -> bool:
    """Whether `compare(a, b)` may score at least REVIEW_THRESHOLD (`score_bound`);
    False only when it surely does not. A full run skips four pairs in five so."""
    if a.country and b.country and a.country != b.country and a.id != b.id:
        return False  # capped at _CAP_CONFLICT, below REVIEW_THRESHOLD: no bound needed
    return score_bound(a, b) + BOUND_MARGIN >= REVIEW_THRESHOLD


def compare(a: PartyProfile, b: PartyProfile) -> Comparison:
    """Score two parties as the same entity; symmetric in `a` and `b`."""
    a, b = _ordered(a, b)
    if a.id == b.id:
        return Comparison(1.0, {"same_party": 1.0}, f"the same party ({_one_line(a.name)})")
    crossing = _foreign_script(a.name) != _foreign_script(b.name)
    names, reading = _names(a, b)
    features: dict[str, float] = {"name_similarity": names.similarity}
    features.update(_name_features(names, crossing))
    evidence: list[str] = []
    respelt = _cantonese_respelt(a, b, names) if not crossing else ""
    if respelt:
        features["name_approximate"] = 1.0
        evidence.append(f"Cantonese syllables spelt otherwise ({respelt}): one name or two")
    if reading:
        features["name_reading"] = 1.0
        evidence.append(reading)
    shared = _shared(a, b)
    for feature, ids in shared.items():
        if ids:
            features[feature] = 1.0
            evidence.append(f"same {feature.removeprefix('shared_')} {_shown(ids[0])}".rstrip())
    artefacts = _artefact_strength(shared)
    settles = decisive(shared)
    country_features, country_notes = _countries(a, b)
    features.update(country_features)
    alike = homophones(a.name, a.name_key, b.name, b.name_key)
    if alike:
        features["name_homophone"] = 1.0
        evidence.append(f"other characters read alike ({alike}): another name")
    person = (
        a
        if _person_beside_company(a, b, names)
        else b
        if _person_beside_company(b, a, names)
        else None
    )
    if (
        person is not None
        and not surely_person(person.name)
        and (settles or _but_a_legal_form(names))
    ):
        # "Prime Deals" / "PRIME DEALS INC." with one registration number, or "MB
        # BANK" / "JSC MB BANK", word for word but the legal form: half a name in
        # rigour's name table ("Prime", "Bank") makes no person beside decisive
        # evidence, nor beside the same name with its legal form.
        features["person_company_doubtful"] = 1.0
        evidence.append("a name that may be a person's beside a company's")
    elif person is not None:
        # "NAJIBI, Seyyed Mohammad" and "Seyyed Mohammad Najibi & Co.": a person and
        # the company named after them.
        features["person_company"] = 1.0  # a conflict: two entities
        evidence.append("a person's name beside a company's")

    similarity = names.similarity
    score = _lifted(similarity, artefacts)
    if (
        crossing
        and similarity < LIFT_FROM
        and not sounds_apart(names, a.name, b.name)
        and not romanised_apart(a.name, a.name_key, b.name, b.name_key, (a.country, b.country))
    ):
        # Names in two scripts that no reading links: a translation, a brand, or
        # another company. Their words cannot be compared; only what they share can
        # say (`graph.resolve.decisive.untold_score`).
        features["name_untold"] = 1.0
        for unsaid in UNSAID:
            features.pop(unsaid, None)
        score = max(score, untold_score(shared))
    verdict = (
        judge(names, features, settles, a.name, b.name, (a.country, b.country)) if settles else None
    )
    if verdict is not None and verdict.compatible:
        for key in verdict.dropped:
            features.pop(key, None)
        features.update(dict.fromkeys(verdict.added, 1.0))
        if features.pop("business_conflict", None):
            # One registration number: the line of business a record gives is no
            # conflict (`graph.resolve.decisive.judge`), and keeps no clusters apart.
            features["business_differs"] = 1.0
        features["decisive_evidence"] = 1.0
        because = f" ({verdict.why})" if verdict.why else ""
        evidence.append(f"{settles} and names that do not conflict{because}: one entity")
        score = max(score, DECISIVE_LINK)
    elif any(key in features for key in CONFLICTS):
        score = min(score, _CAP_CONFLICT)
    elif "name_syllable_changed" in features or (
        not artefacts and any(key in features for key in AMBIGUITIES)
    ):
        score = min(score, _CAP_AMBIGUOUS)
    score = round(max(0.0, min(1.0, score)), 4)
    explanation = _explain(a, b, names, features, evidence + country_notes)
    return Comparison(score, features, explanation)


# Characters of a name shown in an explanation.
_SHOWN_NAME = 80


def _one_line(name: str) -> str:
    text = " ".join(name.split())
    return text if len(text) <= _SHOWN_NAME else text[: _SHOWN_NAME - 1] + "…"


def _explain(
    a: PartyProfile,
    b: PartyProfile,
    names: NameMatch,
    features: dict[str, float],
    evidence: list[str],
) -> str:
    parts = [f"names {names.similarity:.2f} alike ({_one_line(a.name)} / {_one_line(b.name)})"]
    if "name_untold" in features:
        pass  # the words of two scripts no reading links are not compared
    elif "name_respelled" in features:
        parts.append(
            f"names keyed two ways ({' '.join(names.extra_left)} / {' '.join(names.extra_right)})"
        )
    elif names.conflict:
        parts.append(
            f"names differ in {' '.join(names.extra_left)} / {' '.join(names.extra_right)}"
        )
    elif names.omission:
        parts.append(f"only one name has {' '.join(names.extra_left + names.extra_right)}")
    if names.approximate or names.syllable_changed:
        fuzzy = [f"{x}~{y}" for x, y, sim in names.pairs if sim < 1.0]
        parts.append(f"spelling differs ({', '.join(fuzzy)})")
    if names.syllable_changed:
        parts.append("another Chinese syllable")
    if names.reordered:
        parts.append("syllables in another order")
    if names.acronym:
        parts.append("one name is the initials of the other")
    if names.generic_conflict:
        parts.append(
            f"line of business differs ({' '.join(names.generic_left)} / "
            f"{' '.join(names.generic_right)})"
        )
    elif names.generic_omission:
        parts.append(f"only one name says {' '.join(names.generic_left + names.generic_right)}")
    if names.distinguishing:
        parts.append(
            "words that tell a company from its namesake differ "
            f"({' / '.join(names.distinguishing)})"
        )
    if names.legal_form_conflict:
        parts.append("legal forms differ")
    if names.person_like:
        parts.append("a person's name")
    if "script_crossing" in features:
        parts.append("different scripts")
    if "name_untold" in features:
        parts.append(
            "no reading links the two scripts (a translation or another name): "
            + (
                "linked by what they share"
                if features.get("shared_identifier")
                else "a suggestion at most, on what they share"
            )
        )
    parts.extend(evidence)
    if not any(key.startswith("shared_") for key in features):
        parts.append("nothing else shared")
    return "; ".join(parts)
