"""Evidence that settles two parties, and names compatible with it (issues 25, 26).

Two artefacts make two parties one entity unless their names clearly conflict
(`decisive`): a registration number of one country, issued to one company, and a
phone with an address, one office's line. `judge` says whether the names are
compatible with it, and why, for the explanation:

- Beside a registration number, names in two scripts of which one is not a modern
  alphabet (rigour's `MODERN_ALPHABETS`: Latin, Cyrillic, Greek, Armenian, Georgian
  transliterate letter for letter; Hebrew and Arabic leave vowels out, Hangul
  transcribes a foreign name syllable by syllable, kana and a Japanese party's
  kanji are read) are compared through a transliteration or a reading: words that
  differ there but begin with one consonant class ("קוויץ" / "Kevitz", "박지훈" /
  "Park Ji-hoon") are no conflict, as names in two such scripts that nothing links
  are none beside a registration number (`untold_score`); words that begin
  otherwise ("כהן" / "Rosenthal") are. A Chinese name in Han is read syllable by
  syllable in the romanisations Chinese names are written in, and another syllable
  there is another name, as in Latin letters: Soundex's classes are too coarse for
  pinyin (s, j, q, x, z, c, g and k are one class).
- Beside a registration number, which is one person's, person names whose parts
  left over may be one person's part (`graph.resolve.persons.registered_alike`:
  the same Soundex consonant classes, "Alexander" / "Oleksandr", "Oleksiy" /
  "Aleksei", "Gyu" / "Kyu"; or one part beginning the other, "Hedayat" /
  "Hedayatollah"), alone or run together ("Abdolhossein" / "Abdul Hossein"),
  beside parts that are one name, and whose other parts only one name has (a
  patronymic left out), do not conflict; nor do names whose parts run together
  are the same ("POUR-EBRAHIM, Ali-Akbar" / "POUREBRAHIM, Ali Akbar").
- Beside a registration number, a company name's words left over that the other
  name spells otherwise by the same test ("Finans" / "Finance", transliterated
  and English) or forms from one another ("Proektnye" / "Project", a Russian
  adjective: `graph.resolve.persons.consonants_begin`), the rest on one side only,
  do not conflict; two words of pinyin never so (one letter is another character).
- A company name's words that are the initials of words the other name has
  ("SK" / "Strakhovaya Kompaniya", "NII" / "Nauchno Issledovatelskii Institut"), the
  rest on one side only, do not conflict.
- Words keyed two ways ("Rhien" / "Rheni", "Bao Xiang" / "Baoxiang") do not conflict.

An office (a phone with an address) is a household's or a group's too: it makes
neither words across scripts nor parts that only sound alike ("Daniel" /
"Daniela") no conflict. A Latin name in pinyin beside a mainland Chinese name in
characters that no reading links is another name, not an untold one
(`romanised_apart`).

What still conflicts whatever the script: a person beside a company, another legal
form, another country, other characters read alike, syllables in another order,
and, in the same script, identifying words that differ ("Demei" / "Senlong") or
another Chinese syllable; beside a phone and an address, which sister companies
share, another line of business too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rapidfuzz.distance import OSA
from rigour.text.scripts import MODERN_ALPHABETS, text_scripts

from graph.resolve.align import NameMatch
from graph.resolve.comparison import CONFLICTS, REVIEW_THRESHOLD
from graph.resolve.persons import (
    consonants_begin,
    first_sounds,
    joined_parts,
    registered_alike,
)
from graph.resolve.profile import is_pinyin, name_parts, pinyin_syllables
from graph.resolve.readings import han_identifying

__all__ = [
    "DECISIVE_LINK",
    "LIFT_FROM",
    "ONE_OFFICE",
    "ONE_REGISTRATION",
    "UNSAID",
    "UNTOLD_LINK",
    "Verdict",
    "decisive",
    "judge",
    "respelled",
    "romanised_apart",
    "scripts_apart",
    "sounds_apart",
    "untold_score",
]

# What a pair that shares decisive evidence scores when the names do not clearly
# conflict: an automatic link, ranked as the link of names in two scripts that a
# registration number joins.
DECISIVE_LINK = 0.92
# Names in two scripts that no reading links ("CYNOSURE ENTERPRISE" / 元漢企業, a
# translation) are linked by a registration number, issued to one company, and
# suggested on a shared phone or email (a front company in another script shares
# them too); an address says nothing alone.
UNTOLD_LINK = 0.92
_UNTOLD_SUGGEST = ("shared_phone", "shared_email")
# Features of words that names in two unlinked scripts cannot say anything about.
UNSAID = ("name_conflict", "name_omission", "name_approximate", "name_syllable_changed")
# Similarity from which names have something in common (what a shared artefact lifts).
LIFT_FROM = 0.35

ONE_REGISTRATION = "one registration number"
ONE_OFFICE = "one phone and one address"

# Fewest letters in which an edit is a keying error rather than another word.
_RESPELL_LETTERS = 4


def decisive(shared: dict[str, list[str]]) -> str:
    """The evidence that makes two parties one entity unless their names clearly
    conflict, as an analyst reads it; "" when they share none. A registration
    number: the identifier node carries its country, so only a number of one
    country (as normalised at ingest) is shared. A phone and an address together:
    a phone alone is also a front company's, an address alone a building's. (A
    phone or an email lifts alike names, `graph.resolve.score`; it is a household's
    too, so it settles nothing whose names only sound alike: Daniel / Daniela.)"""
    if shared["shared_identifier"]:
        return ONE_REGISTRATION
    if shared["shared_phone"] and shared["shared_address"]:
        return ONE_OFFICE
    return ""


def untold_score(shared: dict[str, list[str]]) -> float:
    """The score of names that cannot be compared, from what the parties share."""
    if shared["shared_identifier"]:
        return UNTOLD_LINK
    if any(shared[feature] for feature in _UNTOLD_SUGGEST):
        return REVIEW_THRESHOLD + 0.05
    return 0.0


def respelled(names: NameMatch) -> bool:
    """Whether the words each name has and the other lacks are one word keyed two
    ways: spaced otherwise ("bao xiang" / "baoxiang"), German letters folded two
    ways ("muller" / "mueller"), and for a company's name its letters scrambled
    ("rhien" / "rheni") or one keying error (two in a word of more than seven
    letters). Person names (Anna / Anne) and pinyin (heng / hong, two characters)
    differ by one letter and are other names."""
    left, right = "".join(names.extra_left), "".join(names.extra_right)
    if not (left and right):
        return False
    if left == right or _folded(left) == _folded(right):
        return True
    if names.person_like or (is_pinyin(left) and is_pinyin(right)):
        return False
    if min(len(left), len(right)) < _RESPELL_LETTERS:
        return False
    if sorted(left) == sorted(right):
        return True
    allowed = 1 if max(len(left), len(right)) <= 7 else 2
    return OSA.distance(left, right, score_cutoff=allowed) <= allowed


def _folded(word: str) -> str:
    # rigour transliterates "ü" to "u"; a US keyboard writes "ue".
    return word.replace("ae", "a").replace("oe", "o").replace("ue", "u")


def scripts_apart(left: str, right: str, countries: tuple[str | None, ...] = ()) -> str:
    """The scripts, not modern alphabets, that one name is written in and the other
    not ("Hebrew", "Han and Katakana"): their words meet the other name's only
    through a transliteration or a reading. "" when the names share their scripts
    or differ only in modern alphabets (Cyrillic and Latin), or when Han is all that
    differs and the name is Chinese (not Japanese: `countries` holds no "JP", as
    `graph.resolve.readings` reads kanji)."""
    ours, theirs = text_scripts(left), text_scripts(right)
    if ours == theirs:
        return ""
    apart = (ours ^ theirs) - MODERN_ALPHABETS
    if apart == {"Han"} and "JP" not in countries:
        # Chinese characters are read syllable by syllable in the romanisations a
        # Chinese name is written in (`graph.resolve.readings`): another syllable
        # there is another name, as in Latin letters ("Senrun" / 杰宏 "jie hong").
        # Kanji have several Japanese readings each, and are read as Japanese.
        return ""
    return " and ".join(sorted(apart))


def _company_alike(left: str, right: str) -> str:
    """`registered_alike` for the words of a company's name beside its registration
    number ("Finance" / "Finans", "Zvyozdochka" / "Zvezdochka"); never two words of
    pinyin, where one letter is another character ("heng" / "hong")."""
    if is_pinyin(left) and is_pinyin(right):
        return ""
    return registered_alike(left, right) or consonants_begin(left, right)


def _registered_pairs(
    names: NameMatch, alike: Callable[[str, str], str]
) -> list[tuple[str, str, str]] | None:
    """Words left over on both sides paired as one party's beside a registration
    number by `alike` (a person's parts: `graph.resolve.persons.registered_alike`, the
    same consonants or one beginning the other; a company's words:
    `_company_alike`), with how, when every word left over on one side finds one
    (the rest, on the other side, is what one name lacks: a patronymic, a second
    given name); else the words left over on each side run together, when those
    are alike ("Abdolhossein" / "Abdul Hossein"); None otherwise."""
    left, right = list(names.extra_left), list(names.extra_right)
    pairs = []
    for word in list(left):
        found = next(((other, how) for other in right if (how := alike(word, other))), None)
        if found is not None:
            pairs.append((word, *found))
            left.remove(word)
            right.remove(found[0])
    if pairs and not (left and right):
        return pairs
    joined = "".join(names.extra_left), "".join(names.extra_right)
    how = alike(*joined) if len(names.extra_left + names.extra_right) > 2 else ""
    return [(" ".join(names.extra_left), " ".join(names.extra_right), how)] if how else None


_ALIKE_HOW = {
    "consonants": "the same consonants",
    "begins": "one begins the other",
    "derived": "one's consonants begin the other's",
}


def _first_sounds_agree(names: NameMatch) -> bool:
    """Whether the words each of two names in scripts apart has and the other lacks
    begin alike as rigour latinises them (`graph.resolve.persons.first_sounds`):
    every such word of the name with fewer finds one of the other's that begins
    with its consonant class, in any order ("קוויץ" / "Kevitz", "ודיוס" / "Vedius",
    "박지훈" / "Park Ji-hoon"; not "כהן" / "Rosenthal", "박지훈" / "Kim Min-jun"): the
    little a lossy transliteration keeps. True when either name has no such word."""
    if not (names.extra_left and names.extra_right):
        return True
    fewer, more = sorted((names.extra_left, names.extra_right), key=len)
    theirs = frozenset().union(*(first_sounds(word) for word in more))
    return not theirs or all(
        not ours or ours & theirs for ours in (first_sounds(word) for word in fewer)
    )


def sounds_apart(names: NameMatch, left: str, right: str) -> bool:
    """Whether two person names in scripts apart (`scripts_apart`) have words that
    begin with other consonants ("박지훈" / "Kim Min-jun", "כהן" / "Rosenthal"): told
    apart even where no reading links them, since a person's name is transliterated,
    not translated. A company's name that no reading links may be a translation
    ("CYNOSURE ENTERPRISE" / 元漢企業) and is left untold."""
    return names.person_like and bool(scripts_apart(left, right)) and not _first_sounds_agree(names)


def romanised_apart(
    left: str, left_key: str, right: str, right_key: str, countries: tuple[str | None, ...] = ()
) -> bool:
    """Whether a mainland Chinese name in Han and a Latin one that no reading links
    are told apart because the Latin name is itself a Chinese name in pinyin
    ("广州源天贸易" / "Yuanbao Trading": 源天 reads Yuantian). Mainland registers
    write a company's name in Hanyu pinyin or translate it, so a Latin name whose
    identifying words read as runs of pinyin syllables, no more of them than the Han
    name has identifying characters (a city may be left out) and at least two, is
    another Chinese name, and its syllables differ from the reading as another
    syllable in Latin letters does. Otherwise it may be a translation or a brand
    ("CYNOSURE ENTERPRISE" / 元漢企業; "Diabase", di-a-ba-se, beside 迪虹) and stays
    untold. Only between parties of mainland China: Taiwan's registers write
    Wade-Giles, Tongyong and mixed spellings that often read as pinyin of other
    characters ("TAICHIA", tai-chi-a, for 台嘉), Hong Kong's and Macao's Cantonese,
    and Japanese names are read otherwise."""
    if {country for country in countries if country} != {"CN"}:
        return False
    ours, theirs = text_scripts(left), text_scripts(right)
    if ours == theirs or scripts_apart(left, right, countries):
        return False  # one script, or more than Chinese characters apart
    han, han_key, latin_key = (
        (left, left_key, right_key) if "Han" in ours else (right, right_key, left_key)
    )
    characters = han_identifying(han, han_key)
    counts = [pinyin_syllables(word) for word in name_parts(latin_key).identifying]
    if not characters or not counts or None in counts:
        return False
    return 2 <= sum(c for c in counts if c is not None) <= len(characters)


# Letters of a word read as the initials of words of the other name ("SK" /
# "Strakhovaya Kompaniya", "NPP" / "Nauchno-Proizvodstvennoe Predpriyatie").
_INITIALS = range(2, 7)


def _initials_of(token: str, words: list[str]) -> list[str] | None:
    """The run of `words` whose initials spell `token`, if any."""
    for start in range(len(words) - len(token) + 1):
        run = words[start : start + len(token)]
        if "".join(word[0] for word in run) == token:
            return run
    return None


def _abbreviations(names: NameMatch) -> list[tuple[str, list[str]]]:
    """A company name's words left over on one side, each the initials of a run of
    the other side's ("sk" / "strakhovaya kompaniya"), the rest of that side a part
    one name lacks; [] otherwise."""
    for short, long in (
        (names.extra_left, names.extra_right),
        (names.extra_right, names.extra_left),
    ):
        rest = list(long)
        found = []
        for token in short:
            run = (
                _initials_of(token, rest)
                if len(token) in _INITIALS and token.isascii() and token.isalpha()
                else None
            )
            if run is None:
                break
            found.append((token, run))
            for word in run:
                rest.remove(word)
        else:
            if found:
                return found
    return []


@dataclass(frozen=True)
class Verdict:
    """Whether names are compatible with decisive evidence; if so, the features the
    comparison drops and adds and why, for the explanation."""

    compatible: bool
    why: str = ""
    dropped: tuple[str, ...] = ()
    added: tuple[str, ...] = ()


_INCOMPATIBLE = Verdict(False)


def judge(
    names: NameMatch,
    features: dict[str, float],
    kind: str,
    left: str,
    right: str,
    countries: tuple[str | None, ...] = (),
) -> Verdict:
    """Whether two names (`left`, `right` as written; `names` and `features` as the
    scorer found them) are compatible with `kind` of decisive evidence (see the
    module): no clear conflict, and something in common unless a registration
    number joins names in two scripts."""
    registration = kind == ONE_REGISTRATION
    dropped: set[str] = set()
    added: list[str] = []
    why: list[str] = []
    # A phone, an email or an office (a phone with an address) is a household's or
    # a group's too: a relative's given name in Hebrew letters begins like many
    # others, so only a registration number makes words across scripts apart no
    # conflict.
    apart = scripts_apart(left, right, countries) if registration else ""
    if apart and "name_untold" not in features and not _first_sounds_agree(names):
        return _INCOMPATIBLE
    if apart:
        dropped.update(key for key in UNSAID if key in features)
        if registration and "name_untold" not in features:
            why.append(
                f"a name in {apart} beside one in another script: words read through a "
                "transliteration or reading that differ are no conflict"
            )
    elif "name_conflict" in features and respelled(names):
        dropped.add("name_conflict")
        added.append("name_respelled")
    elif "name_conflict" in features and not names.person_like and _abbreviations(names):
        dropped.add("name_conflict")
        added.append("name_abbreviated")
        shown = ", ".join(
            f"{short.upper()} = {' '.join(run).upper()}" for short, run in _abbreviations(names)
        )
        why.append(f"initials of words of the other name: {shown}")
    elif "name_conflict" in features and registration:
        # A registration number is one person's, or one company's; a home's phone and
        # address are a family's ("Daniel" / "Daniela" sound alike).
        if names.person_like and joined_parts(left) == joined_parts(right):
            dropped.add("name_conflict")
            added.append("name_respelled")
            why.append("the same parts spaced or hyphenated otherwise")
        elif paired := _registered_pairs(
            names, registered_alike if names.person_like else _company_alike
        ):
            dropped.add("name_conflict")
            added.append("name_sounds_alike")
            shown = ", ".join(
                f"{x.upper()} / {y.upper()} ({_ALIKE_HOW[how]})" for x, y, how in paired
            )
            kind = (
                "parts that may be one person's" if names.person_like else "words spelt otherwise"
            )
            why.append(f"{kind}: {shown}")
    # A line of business that differs is no conflict beside one registration number,
    # unless it is all that names no reading links have to compare.
    ignored = {"business_conflict"} if registration and "name_untold" not in features else set()
    conflicts = [key for key in CONFLICTS if key in features and key not in ignored]
    if "name_syllable_changed" in features:
        conflicts.append("name_syllable_changed")
    if any(key not in dropped for key in conflicts):
        return _INCOMPATIBLE
    in_common = (
        names.similarity >= LIFT_FROM
        or "name_respelled" in added
        or "name_sounds_alike" in added
        or "name_abbreviated" in added
        or names.acronym
    ) and "name_untold" not in features
    if not (in_common or (apart and registration)):
        return _INCOMPATIBLE
    return Verdict(True, "; ".join(why), tuple(sorted(dropped)), tuple(added))
