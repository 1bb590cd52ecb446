"""Person names compared part by part, with the field's reference data.

A person's name is a few parts (given names, patronymic, family name) that
registers write in any order ("KULIKOVSKIKH, Nina Germanovna" / "Nina
Kulikovskih"), in other scripts (ארנסט בלוך / Ernst Bloch, 장민철 / Jang Min Chul)
and romanisations (Kalashov / Kalaschow), with initials and parts left out. Two
parts are one name part when:

- they are written alike (rigour's comparable form, which latinises Cyrillic,
  Greek, Armenian, Georgian and Hangul);
- rigour's name table (`rigour.names.analyze_names`: given and family names from
  Wikidata, each in the scripts and languages it is written in) gives them one
  name: Elena / Yelena, ארנסט / Ernst, 크리스 / Chris;
- they are spellings of one Cyrillic word in the published romanisation systems
  of Russian, Ukrainian and Belarusian (`ingest.normalise.cyrillic`):
  Kalashov / Kalaschow / Калашов, Ivanovich / Ivanovych;
- one is the initial of the other ("J" / "John"; initials written together,
  "V.A.", are parts each);
- they differ by a keying error (one letter in a part of up to seven, two in a
  longer one).

A Korean name in Hangul is also read syllable by syllable in the Revised
Romanization and McCune-Reischauer (`ingest.normalise.readings.hangul_readings`)
against a Latin name's letters (장민철 / Jang Min Chul).

`match_persons` aligns the parts (order-free) and says how alike the names are, which
parts no counterpart has, and which reading linked them, for the explanation. It
never makes a name alone a link: the scorer treats every person's name as a
suggestion unless an artefact is shared (`graph.resolve.score`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import combinations, islice, product
from typing import Final

from rapidfuzz.distance import Levenshtein
from rigour.names import NamePartTag, NameTypeTag, Symbol, analyze_names
from rigour.text.translit import ascii_text

from graph.resolve.profile import name_parts
from graph.resolve.readings import has_cjk
from ingest.normalise.cyrillic import canonical_reading, is_cyrillic, same_word
from ingest.normalise.readings import (
    KOREAN_MR,
    KOREAN_RR,
    SYSTEM_NAMES,
    hangul_readings,
    is_hangul,
)

__all__ = [
    "PersonMatch",
    "consonants_begin",
    "first_sounds",
    "joined_parts",
    "looks_like_person",
    "match_persons",
    "person_block_keys",
    "person_shaped",
    "registered_alike",
    "sound_alike",
    "surely_person",
]

# Similarity of two parts that are one name part, by how they were found to be.
_SIM_NAME_TABLE = 0.9  # rigour's name table: Elena / Yelena (logic-v2 scores it so too)
_SIM_CYRILLIC = 0.95  # two romanisations of one Cyrillic word
_SIM_INITIAL = 0.6  # "J" / "John"
_SIM_KOREAN = 0.95  # a Hangul name read in a romanisation system
_SIM_CONSONANTS = 0.8  # a Hebrew or Hangul part with a Latin one's consonants
# Weight of an initial, and of a particle ("al", "the"), beside a whole part's 1.
_INITIAL_WEIGHT = 0.5
_STOP_WEIGHT = 0.3
# Shortest part matched through rigour's name table: a syllable of a Korean or
# Chinese name is a name in several languages ("Jin" and "Kim" are both 金).
_MIN_TABLE = 4
# Most parts a name is compared by (more is a list of names, not one).
_MAX_PARTS = 6
# Shortest part matched by a keying error, and how many errors a part may have.
_MIN_FUZZY = 4
_LONG_PART = 7
# Categories of rigour's symbols that say "the same name".
_NAME_CATEGORIES: Final = frozenset({Symbol.Category.NAME, Symbol.Category.NICK})
# Symbols of one part used as blocking keys (a part of a common name has tens), and
# readings of a Hangul name (each syllable in each way a system reads it).
_BLOCK_SYMBOLS = 4
_BLOCK_READINGS = 16

# How a part pair matched.
_SAME = "same"
_TABLE = "table"
_CYRILLIC = "cyrillic"
_INITIAL = "initial"
_FUZZY = "fuzzy"
_CONSONANTS = "consonants"
# Matches that link two names only beside a surer one.
_WEAK: Final = frozenset({_CONSONANTS, _INITIAL})


@dataclass(frozen=True, slots=True)
class _Part:
    text: str  # rigour's comparable form (Latin letters where rigour latinises)
    form: str  # the part in its own script, normalised
    symbols: frozenset[str]
    stop: bool = False  # a particle rigour's stopword list knows ("al", "the")

    @property
    def initial(self) -> bool:
        return len(self.text) == 1


@dataclass(frozen=True, slots=True)
class PersonMatch:
    """How two person names line up, part by part."""

    similarity: float
    pairs: tuple[tuple[str, str, float], ...]  # (left part, right part, similarity)
    extra_left: tuple[str, ...]  # parts of the left name no right part matched
    extra_right: tuple[str, ...]
    approximate: bool  # a part matched only by a keying error or an initial
    readings: tuple[str, ...]  # which readings linked parts, for the explanation


@lru_cache(maxsize=1 << 16)
def person_shaped(name: str, name_key: str) -> bool:
    """Whether a name may be a person's: one to six parts, no legal form, no word
    that says a line of business, not written in Chinese characters or kana (a
    single part only in Hangul, which writes a name without spaces)."""
    if not name or has_cjk(name):
        return False
    parts = name_parts(name_key)
    if parts.legal_forms or any(parts.groups) or not 1 <= len(parts.texts) <= _MAX_PARTS:
        return False
    return len(parts.texts) > 1 or any(is_hangul(ch) for ch in name)


def looks_like_person(name: str) -> bool:
    """Whether half the parts of a name or more are given or family names in
    rigour's name table ("Seyyed Mohammad Masnaei Najibi": yes; "Ramenskoye
    Priborostroitelnoye Konstruktorskoye Byuro": no)."""
    parts = _parts(name)
    return len(parts) >= 2 and 2 * sum(bool(p.symbols) for p in parts) >= len(parts)


def surely_person(name: str) -> bool:
    """Whether the parts of a name are given or family names in rigour's name table,
    all of two, all but one of three or more ("Wong Ka Ming", "NAJIBI, Seyyed
    Mohammad": yes; "Prime Deals", "Urban Outlet": no, where `looks_like_person`
    says yes on half the parts)."""
    parts = _parts(name)
    unknown = sum(1 for p in parts if not (p.symbols or p.stop))
    return len(parts) >= 2 and (unknown == 0 or (len(parts) >= 3 and unknown == 1))


# Initials written together with their dots ("V.A."): each is one part, as "V. A." is.
_DOTTED_INITIALS: Final = re.compile(r"\b(?:[^\W\d_]\.){2,}")


def _spaced_initials(name: str) -> str:
    return _DOTTED_INITIALS.sub(lambda m: m.group(0).replace(".", ". "), name)


def warm_up() -> None:
    """Build rigour's name table now: its first analysis takes about 7 s of CPU and
    holds the interpreter lock throughout, which a server should not spend in its
    first request that compares a person's name. The generic words' spellings in
    Taiwan's systems too (`graph.resolve.profile`, about 0.5 s), which the first
    name compared would build."""
    analyze_names(NameTypeTag.PER, ["John Smith"], consolidate=False)
    name_parts("shi ye")


@lru_cache(maxsize=1 << 16)
def _parts(name: str) -> tuple[_Part, ...]:
    analysed = analyze_names(NameTypeTag.PER, [_spaced_initials(name)], consolidate=False)
    if not analysed:
        return ()
    found = min(analysed, key=lambda n: n.comparable)
    symbols: dict[int, set[str]] = {}
    for span in found.spans:
        if span.symbol.category in _NAME_CATEGORIES and len(span.parts) == 1:
            symbols.setdefault(span.parts[0].index, set()).add(span.symbol.id)
    return tuple(
        _Part(
            part.comparable,
            part.form,
            frozenset(symbols.get(part.index, ())),
            part.tag == NamePartTag.STOP,
        )
        for part in found.parts[: _MAX_PARTS + 2]
    )


def _fuzzy(a: str, b: str) -> float:
    """Similarity of two parts in Latin letters one keying error apart (two in a long
    part), the first letter kept: "Hollins" and "Collins" are two names."""
    longest = max(len(a), len(b))
    if min(len(a), len(b)) < _MIN_FUZZY or not (a.isascii() and b.isascii()) or a[0] != b[0]:
        return 0.0
    allowed = 1 if longest <= _LONG_PART else 2
    distance = Levenshtein.distance(a, b, score_cutoff=allowed)
    return 0.0 if distance > allowed else 1.0 - distance / longest


def _shown(text: str) -> str:
    return text.upper() if text.isascii() else text


@lru_cache(maxsize=1 << 17)
def _part_similarity(left: _Part, right: _Part) -> tuple[float, str, str]:
    """(similarity, how, explanation) of two parts; zero when they are not one part."""
    if left.text == right.text:
        return 1.0, _SAME, ""
    common = left.symbols & right.symbols
    latin = left.form.isascii() and right.form.isascii()
    if common and (not latin or min(len(left.text), len(right.text)) >= _MIN_TABLE):
        return (
            _SIM_NAME_TABLE,
            _TABLE,
            f"{_shown(left.form)} = {_shown(right.form)} (one name in rigour's name table)",
        )
    if left.initial or right.initial:
        short, long = (left, right) if left.initial else (right, left)
        if not long.initial and long.text.startswith(short.text):
            return _SIM_INITIAL, _INITIAL, ""
        return 0.0, "", ""
    scripts_read = _latin_or_cyrillic(left.form) and _latin_or_cyrillic(right.form)
    for a, b in ((left.form, right.form), (left.text, right.text)) if scripts_read else ():
        spelt = same_word(a, b)
        if spelt is not None:
            return (
                _SIM_CYRILLIC,
                _CYRILLIC,
                f"{_shown(a)} / {_shown(b)}: romanisations of one Cyrillic name "
                f"({spelt.explain()})",
            )
    alike = _consonants_alike(left, right)
    if alike:
        return _SIM_CONSONANTS, _CONSONANTS, alike
    if not (left.form.isascii() and right.form.isascii()):
        return 0.0, "", ""  # a syllable more or less in Hangul is another name
    similarity = _fuzzy(left.text, right.text)
    return (similarity, _FUZZY, "") if similarity else (0.0, "", "")


# -- consonants across scripts -----------------------------------------------------------

# American Soundex's classes of consonants (the U.S. National Archives' rules):
# letters of one class sound alike; vowels, h, w and y are not written.
_SOUNDEX: Final = {
    **dict.fromkeys("bfpv", "1"),
    **dict.fromkeys("cgjkqsxz", "2"),
    **dict.fromkeys("dt", "3"),
    "l": "4",
    **dict.fromkeys("mn", "5"),
    "r": "6",
}
# Shortest run of consonant classes compared: two or three consonants alike are
# shared by many names.
_MIN_SOUNDS = 3
# Variants of a Hebrew word read with each vav (w) as a consonant v or as a vowel.
_MAX_VAV = 3


@lru_cache(maxsize=1 << 16)
def _sounds(letters: str, vav: bool = False) -> frozenset[str]:
    """The consonant classes of a word, adjacent repeats once; with `vav`, each w
    both as the consonant v (Soundex 1) and as the vowel a vav also writes."""
    out = {""}
    for ch in letters[: 4 * _MAX_VAV * 4]:
        if vav and ch == "w" and len(out) < 2**_MAX_VAV:
            out = {prefix + "1" for prefix in out} | out
            continue
        code = _SOUNDEX.get(ch)
        if code:
            out = {prefix + code for prefix in out}
    return frozenset("".join(ch for i, ch in enumerate(s) if i == 0 or s[i - 1] != ch) for s in out)


def _latin_words(left: str, right: str) -> bool:
    """Whether both are words of Latin letters only, which Soundex's classes read."""
    return left.isascii() and right.isascii() and left.isalpha() and right.isalpha()


# A part sound-alike with another (`sound_alike`): at least this many consonant
# classes, and one class more or less or changed in a run of at least _LOOSE_SOUNDS.
_LOOSE_SOUNDS = 5


def sound_alike(left: str, right: str) -> bool:
    """Whether two parts in Latin letters have the same consonants by Soundex's
    classes, vowels aside ("alexander" / "oleksandr", "kowalczyk" / "kovalchuk"), or, in
    a run of five classes or more beginning alike, all but one ("rodionovna" /
    "radzivonawna", a Belarusian dz for a Russian d). Several names share two or
    three consonants, so a shorter run says nothing. Not a test of one name alone:
    the scorer asks it of parts that no counterpart matched, beside evidence that
    settles the pair (`graph.resolve.decisive`)."""
    if not _latin_words(left, right):
        return False
    # A w both as a v (Kowalczyk / Kovalchuk) and as the vowel it writes in English.
    ours = {s for s in _sounds(left, vav=True) if len(s) >= _MIN_SOUNDS}
    theirs = {s for s in _sounds(right, vav=True) if len(s) >= _MIN_SOUNDS}
    if ours & theirs:
        return True
    return any(
        min(len(x), len(y)) >= _LOOSE_SOUNDS
        and x[0] == y[0]
        and Levenshtein.distance(x, y, score_cutoff=1) <= 1
        for x in ours
        for y in theirs
    )


# Shortest part compared so beside a registration number: "Gyu" / "Kyu", and a
# part that begins another as a name of its own ("Abd" / "Abdul").
_MIN_PREFIX = 3


def registered_alike(left: str, right: str) -> str:
    """How two parts in Latin letters may be one person's part beside a registration
    number, which is one person's; "" when they may not. Looser than `sound_alike`,
    which asks five consonant classes of a part alone: beside the number only a
    clear conflict keeps the names apart, and a short part is spelt many ways
    ("Oleksiy" / "Aleksei", Ukrainian and Russian; "Gyu" / "Kyu"; "Fouz" / "Foz"):

    - "consonants": the same Soundex classes in the same order, vowels aside, at
      least one of them (`sound_alike`'s at any length), in parts of three letters
      or more;
    - "begins": one is the other with more letters after it, the shorter of at
      least three ("Hedayat" / "Hedayatollah", a theophoric ending; "Abd" / "Abdul").

    "Pyotr" / "Pavel" (136 / 14) and "Ivanov" / "Petrov" stay apart."""
    if not _latin_words(left, right):
        return ""
    if sound_alike(left, right):
        return "consonants"
    short, long = sorted((left, right), key=len)
    if len(short) < _MIN_PREFIX:
        return ""
    ours = {s for s in _sounds(left, vav=True) if s}
    theirs = {s for s in _sounds(right, vav=True) if s}
    if ours & theirs:
        return "consonants"
    if long.startswith(short):
        return "begins"
    return ""


# Fewest consonant classes a word's derivation is recognised from.
_MIN_DERIVED = 3


def consonants_begin(left: str, right: str) -> str:
    """Whether one word is formed from the other with an ending ("Motor" / "Motorny",
    "Project" / "Proektnye", "Ramenskoye" / "Ramensky"): "derived" when the consonant
    classes of one, at least three, begin the other's; "" otherwise. Family names
    are formed so too ("Kovalev" / "Kovalenko"): for companies' words only."""
    if not _latin_words(left, right):
        return ""
    for ours in _sounds(left):
        for theirs in _sounds(right):
            short, long = sorted((ours, theirs), key=len)
            if len(short) >= _MIN_DERIVED and long.startswith(short):
                return "derived"
    return ""


def joined_parts(name: str) -> str:
    """A person's name's parts run together in their written order, particles kept
    ("POUR-EBRAHIM, Ali-Akbar" and "POUREBRAHIM, Ali Akbar": "pourebrahimaliakbar"):
    one name spaced or hyphenated otherwise."""
    return "".join(part.text for part in _parts(name))


# Letters that may begin a name as a consonant or not (w a vav, y a yod: "ודיוס" /
# Vedius, "יוהאנסון" / Johannesson), and classes one script writes as another's
# (ㄹ is r and l in Hangul's romanisations).
_HALF_CONSONANTS: Final = {"w": "1", "y": "2"}
_LIQUIDS: Final = frozenset({"4", "6"})


def first_sounds(word: str) -> frozenset[str]:
    """The Soundex classes a word may begin with, as rigour latinises it: its first
    consonant's ("אלכסנדר" -> "lksndr" -> 4; "Alexander" -> 4), r and l one class,
    and a leading w or y either a consonant or a vowel ("wdyws" -> 1 or 3). Empty
    when it has no consonant."""
    out: set[str] = set()
    for ch in ascii_text(word).casefold():
        if ch in _HALF_CONSONANTS:
            out.add(_HALF_CONSONANTS[ch])
            continue
        code = _SOUNDEX.get(ch)
        if code:
            out.update(_LIQUIDS if code in _LIQUIDS else {code})
            break
    return frozenset(out)


def _is_hebrew(text: str) -> bool:
    return any(0x05D0 <= ord(ch) <= 0x05EA for ch in text)


def _is_hangul_part(text: str) -> bool:
    return any(is_hangul(ch) for ch in text)


def _consonants_alike(left: _Part, right: _Part) -> str:
    """A Hebrew or Hangul part and a Latin one with the same consonants, by
    Soundex's classes: the Hebrew read as ICU's standard Hebrew-Latin transform
    reads it (rigour's transliteration), a vav as v or as a vowel ("סומך" /
    "Somekh"); the Hangul as rigour romanises it, r and l one letter as ㄹ is in
    both romanisation systems ("코스트로프" / "Kostroff")."""
    for other, latin in ((left, right), (right, left)):
        if not latin.form.isascii() or other.form.isascii():
            continue
        if _is_hebrew(other.form):
            ours = _sounds(ascii_text(other.form).casefold(), vav=True)
            theirs = _sounds(latin.text)
        elif _is_hangul_part(other.form):
            ours = _sounds(other.text.replace("r", "l"))
            theirs = _sounds(latin.text.replace("r", "l"))
        else:
            continue
        if {s for s in ours if len(s) >= _MIN_SOUNDS} & theirs:
            return (
                f"{other.form} / {_shown(latin.text)}: the same consonants in "
                f"{'Hebrew' if _is_hebrew(other.form) else 'Hangul'} and Latin letters"
            )
    return ""


def _latin_or_cyrillic(text: str) -> bool:
    return all(ch.isascii() or is_cyrillic(ch) for ch in text)


def _weight(part: _Part) -> float:
    if part.stop:
        return _STOP_WEIGHT
    return _INITIAL_WEIGHT if part.initial else 1.0


def _align(left: tuple[_Part, ...], right: tuple[_Part, ...]) -> PersonMatch:
    candidates = []
    for i, a in enumerate(left):
        for j, b in enumerate(right):
            similarity, how, why = _part_similarity(a, b)
            if similarity > 0:
                candidates.append((-similarity, abs(i - j), i, j, how, why))
    candidates.sort()
    used_left: set[int] = set()
    used_right: set[int] = set()
    pairs = []
    readings = []
    approximate = False
    hows: set[str] = set()
    got_left = got_right = 0.0
    for neg, _, i, j, how, why in candidates:
        if i in used_left or j in used_right:
            continue
        used_left.add(i)
        used_right.add(j)
        similarity = -neg
        pairs.append((left[i].text, right[j].text, similarity))
        got_left += similarity * _weight(left[i])
        got_right += similarity * _weight(right[j])
        approximate = approximate or how in (_FUZZY, _INITIAL, _CONSONANTS)
        hows.add(how)
        if why and why not in readings:
            readings.append(why)
    if hows and hows <= _WEAK:
        # Consonants alike and nothing surer: many names share three consonants.
        return PersonMatch(
            0.0, (), tuple(p.text for p in left), tuple(p.text for p in right), False, ()
        )
    total_left = sum(map(_weight, left)) or 1.0
    total_right = sum(map(_weight, right)) or 1.0
    dice = (got_left + got_right) / (total_left + total_right)
    coverage = max(got_left / total_left, got_right / total_right)
    extras = max(
        sum(not p.stop for i, p in enumerate(left) if i not in used_left),
        sum(not p.stop for j, p in enumerate(right) if j not in used_right),
    )
    # A name that has two parts or more the other lacks ("Mary Douglas" / "Mary
    # Victoria Douglas-Hamilton") is judged on what both have, not on the shorter
    # one being covered.
    similarity = dice if extras > 1 else 0.5 * dice + 0.5 * coverage
    return PersonMatch(
        similarity=round(min(1.0, similarity), 4),
        pairs=tuple(pairs),
        extra_left=tuple(p.text for i, p in enumerate(left) if i not in used_left and not p.stop),
        extra_right=tuple(
            p.text for j, p in enumerate(right) if j not in used_right and not p.stop
        ),
        approximate=approximate,
        readings=tuple(readings),
    )


def _one_part(whole: str, run: str) -> bool:
    """Whether a run of parts written together is `whole`: alike, or a keying error
    apart at a length within one ("Abdul Reza" / "Abdolreza"); not a part shorter by
    two letters or more ("Abdul Ali" is not "Abdula")."""
    return whole == run or (abs(len(whole) - len(run)) <= 1 and _fuzzy(whole, run) > 0)


def _left_over(parts: tuple[_Part, ...], matched: set[str]) -> set[_Part]:
    return {p for p in parts if p.text not in matched}


# Most adjacent parts read as one part of the other name.
_MAX_JOINED = 3


def _joined(
    parts: tuple[_Part, ...], other: tuple[_Part, ...]
) -> tuple[tuple[_Part, ...], list[str]]:
    """`parts` with each run of adjacent parts in Latin letters (a particle within
    it) that another name writes as one part made one, written alike or a keying
    error apart: "Ali Reza" for "Alireza", "Fakhr Zadeh" for "Fakhrzadeh", "Abdul
    Reza" for "Abdolreza", "Seyed al-Shohada" for "Seyedoshohada". One name spaced
    or hyphenated otherwise, which the part-by-part alignment would count as a
    part matched and a part missing. Also what the explanation says of each run."""
    wholes = [p for p in other if not p.initial and not p.stop and p.form.isascii()]
    if not wholes or len(parts) < 2:
        return parts, []
    out: list[_Part] = []
    notes: list[str] = []
    i = 0
    while i < len(parts):
        merged = None
        for size in range(min(_MAX_JOINED, len(parts) - i), 1, -1):
            run = parts[i : i + size]
            if run[0].stop or run[-1].stop or any(p.initial or not p.form.isascii() for p in run):
                continue
            text = "".join(p.text for p in run)
            whole = next((w for w in wholes if _one_part(w.text, text)), None)
            if whole is not None:
                merged = _Part(text, "".join(p.form for p in run), frozenset())
                written = " ".join(_shown(p.form) for p in run)
                notes.append(f"{written} written as one part ({_shown(whole.form)})")
                break
        if merged is None:
            out.append(parts[i])
            i += 1
        else:
            out.append(merged)
            i += size
    return tuple(out), notes


# -- Korean names read in a romanisation system -------------------------------------

# Edits allowed between a Latin name and a reading of a Hangul name: one in three
# syllables (Jang Min Chul / 장민철 read "jang min chol").
_SYLLABLES_PER_EDIT = 3
# Longest Hangul name read (a foreign name transcribed runs to a dozen syllables).
_MAX_SYLLABLES = 12


def _korean_cost(letters: str, syllables: str) -> tuple[int, list[str], set[str]] | None:
    """The fewest edits reading `letters` as one reading of each syllable in turn
    (systems mixed), the readings taken and the systems that gave them."""
    options = [hangul_readings(ch) for ch in syllables]
    if not all(options):
        return None
    infinity = len(letters) + 1
    # best[i][j]: fewest edits reading i syllables as letters[:j]; back for the way.
    best = [[infinity] * (len(letters) + 1) for _ in range(len(syllables) + 1)]
    back: dict[tuple[int, int], tuple[int, str, str]] = {}
    best[0][0] = 0
    for i, readings in enumerate(options):
        spellings = {value: system for system, values in readings.items() for value in values}
        for j in range(len(letters) + 1):
            if best[i][j] >= infinity:
                continue
            for value, system in spellings.items():
                for end in range(
                    j + max(1, len(value) - 1), min(len(letters), j + len(value) + 1) + 1
                ):
                    cost = best[i][j] + Levenshtein.distance(value, letters[j:end])
                    if cost < best[i + 1][end]:
                        best[i + 1][end] = cost
                        back[(i + 1, end)] = (j, value, system)
    cost = best[len(syllables)][len(letters)]
    if cost >= infinity:
        return None
    read, systems, end = [], set(), len(letters)
    for i in range(len(syllables), 0, -1):
        start, value, system = back[(i, end)]
        read.append(value)
        systems.add(system)
        end = start
    return cost, read[::-1], systems


def _korean(hangul: str, latin: tuple[_Part, ...]) -> tuple[float, str] | None:
    """A Hangul name read as a Latin one (in its order, or family name last)."""
    syllables = "".join(ch for ch in hangul if is_hangul(ch))
    words = [p.text for p in latin if p.text.isascii() and p.text.isalpha()]
    if not 2 <= len(syllables) <= _MAX_SYLLABLES or not words or len(words) > len(syllables):
        return None
    allowed = len(syllables) // _SYLLABLES_PER_EDIT
    orders = {tuple(words), (words[-1], *words[:-1])}
    best: tuple[int, list[str], set[str]] | None = None
    for order in orders:
        found = _korean_cost("".join(order), syllables)
        if found is not None and found[0] <= allowed and (best is None or found[0] < best[0]):
            best = found
    if best is None:
        return None
    cost, read, systems = best
    system = " / ".join(SYSTEM_NAMES[s] for s in (KOREAN_RR, KOREAN_MR) if s in systems)
    explanation = f"{system} reading of {syllables} = {' '.join(read).upper()}"
    return round(_SIM_KOREAN - 0.05 * cost, 4), explanation


def _hangul_name(parts: tuple[_Part, ...]) -> str | None:
    if parts and all(any(is_hangul(ch) for ch in p.form) for p in parts):
        return "".join(p.form for p in parts)
    return None


@lru_cache(maxsize=1 << 16)
def match_persons(left_name: str, right_name: str) -> PersonMatch | None:
    """How two names line up as person names (see the module); None when either
    has no parts."""
    left, right = _parts(left_name), _parts(right_name)
    if not left or not right:
        return None
    found = _align(left, right)
    left_over = _left_over(left, {a for a, _, _ in found.pairs})
    right_over = _left_over(right, {b for _, b, _ in found.pairs})
    if left_over and right_over and any(p.stop for p in left_over | right_over):
        # A particle left over where the other name has a part left over too is a
        # part that differs, not a particle: "un" is an article in rigour's
        # stopwords, and "Kim Jong-un" is not "Kim Jong-il".
        left = tuple(replace(p, stop=False) if p in left_over else p for p in left)
        right = tuple(replace(p, stop=False) if p in right_over else p for p in right)
        found = _align(left, right)
    if found.extra_left and found.extra_right:
        # Parts left over on both sides: one may be the other's written as one.
        (left, joined_left), (right, joined_right) = _joined(left, right), _joined(right, left)
        if joined_left or joined_right:
            rejoined = _align(left, right)
            if rejoined.similarity > found.similarity:
                notes = (*joined_left, *joined_right, *rejoined.readings)
                found = replace(rejoined, readings=notes)
    for hangul, latin, flipped in (
        (_hangul_name(left), right, False),
        (_hangul_name(right), left, True),
    ):
        if hangul is None or _hangul_name(latin) is not None:
            continue
        read = _korean(hangul, latin)
        if read is None or read[0] <= found.similarity:
            continue
        similarity, explanation = read
        texts = " ".join(p.text for p in latin)
        pair = (texts, hangul) if flipped else (hangul, texts)
        found = PersonMatch(similarity, ((*pair, similarity),), (), (), False, (explanation,))
    return found


# -- blocking ------------------------------------------------------------------------


def person_block_keys(name: str) -> set[str]:
    """Blocking keys of a person's name that meet its other spellings and scripts:
    `sym:` a part's names in rigour's table and `sym2:` two parts' together,
    `cyr:` a part read back into Cyrillic (`canonical_reading`), `read:` a Hangul
    name's readings joined and `tok:` two syllables of them."""
    parts = _parts(name)
    keys: set[str] = set()
    symbols = [sorted(p.symbols)[:_BLOCK_SYMBOLS] for p in parts]
    for ids in symbols:
        keys.update(f"sym:{s}" for s in ids)
    for first, second in combinations(range(len(symbols)), 2):
        for x in symbols[first]:
            for y in symbols[second]:
                keys.add(f"sym2:{min(x, y)}|{max(x, y)}")
    for part in parts:
        reading = canonical_reading(part.text)
        if reading:
            keys.add(f"cyr:{reading}")
    hangul = _hangul_name(parts)
    if hangul is not None:
        syllables = [hangul_readings(ch) for ch in hangul if is_hangul(ch)]
        for system in (KOREAN_RR, KOREAN_MR):
            readings = [sorted(r.get(system, ())) for r in syllables]
            if not all(readings):
                continue
            for spelt in islice(product(*readings), _BLOCK_READINGS):
                keys.add(f"read:{''.join(spelt)}")
                for i in range(len(spelt) - 1):
                    keys.add(f"tok:{spelt[i]}{spelt[i + 1]}")
    return keys
