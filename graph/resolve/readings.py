"""Whether a Latin name is a reading of a Chinese or Japanese one, and in which system.

Comparison forms write Han characters in pinyin (rigour's transliteration), so
"HON CHEONG TRADING" (Hong Kong's Cantonese romanisation of 漢昌貿易) or "TA LIN"
(Wade-Giles of 達臨, as Taiwan writes it) share no word with them, and a Japanese
name read in pinyin is no Japanese reading at all. `reading_keys` says when the
identifying words of the Latin name are, letter for letter, a reading of the
identifying characters of the other name (each character read in any system that
`ingest.normalise.readings` knows, the words joined or split as registers write
them), and gives the two comparison forms to align instead, with the reading that
links them for the explanation ("Cantonese (Hong Kong) reading of 漢昌 = HON
CHEONG"). Japanese names are read whole in Hepburn: a kanji name and its katakana
reading, or a Latin name written as the reading.

A reading never makes a translation: "CYNOSURE ENTERPRISE" is no reading of 元漢企業,
and stays a different name.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice, product
from typing import Final

from rigour.text.translit import ascii_text

from graph.resolve.profile import SILENT_GROUPS, NameParts, name_parts
from ingest.normalise.glosses import english_stem, glosses, longest_word
from ingest.normalise.readings import (
    CANTONESE,
    HEPBURN,
    MANDARIN,
    MPS2,
    SYSTEM_NAMES,
    TONGYONG,
    char_readings,
    fold_long_vowels,
    is_han,
    is_kana,
    japanese_reading,
)

__all__ = [
    "CANTONESE_WRITTEN",
    "TAIWAN_WRITTEN",
    "Reading",
    "han_identifying",
    "has_cjk",
    "homophones",
    "reading_block_keys",
    "reading_keys",
]

# The kinds of company of Japan's Companies Act (and the older 有限会社), as written
# in kanji; their readings are legal forms, not name words, in a kana name
# (カブシキガイシャ) or a Latin one (KABUSHIKI KAISHA).
_JAPANESE_FORMS: Final = ("株式会社", "有限会社", "合同会社", "合名会社", "合資会社")
# Shortest joined reading that may link two names: two letters read alike say
# nothing.
_MIN_READING = 4
# Combinations of a Hong Kong name's Cantonese spellings written as blocking keys.
_CANTONESE_KEYS = 16
# Latin words shorter than this translate nothing ("co", "hk").
_MIN_TRANSLATED = 3
# Characters that end the name of a business that is no company (Taiwan's 商號 and
# Hong Kong's business names: 立誠廣告社, 茗頂商行, 增順貿易行, 協興號), which a Latin name
# writes as "CO." or not at all: CC-CEDICT glosses them "agency", "commercial
# firm", "business establishment". Only as the name's last identifying character,
# when the characters before it read as the Latin name.
_BUSINESS_SUFFIXES: Final = frozenset("社行號号")


@dataclass(frozen=True)
class Reading:
    """Two comparison forms to align instead of the names' own, and why."""

    left_key: str
    right_key: str
    explanation: str


@lru_cache(maxsize=1 << 16)
def has_cjk(name: str) -> bool:
    # Cached: scoring asks it of the same names for every pair they are in (about
    # seven times a pair).
    return any(is_han(ch) or is_kana(ch) for ch in name)


def _japanese(name: str, country: str | None) -> bool:
    return any(is_kana(ch) for ch in name) or (country == "JP" and any(is_han(ch) for ch in name))


@lru_cache(maxsize=1)
def _japanese_forms() -> tuple[str, ...]:
    """The Hepburn readings of Japanese legal forms, voiced and not ("kabushikigaisha",
    "kabushikikaisha"), longest first."""
    forms = set()
    for form in _JAPANESE_FORMS:
        reading = japanese_reading(form)
        forms.add(reading)
        # Rendaku: 会社 is "gaisha" after another word and "kaisha" alone; registers
        # spell the kana both ways.
        forms.add(reading.replace("gaisha", "kaisha"))
    return tuple(sorted(forms, key=len, reverse=True))


def _strip_japanese_forms(reading: str) -> tuple[str, bool]:
    """A reading without a leading or trailing legal form, and whether it had one."""
    for form in _japanese_forms():
        if reading.endswith(form) and len(reading) > len(form):
            return reading[: -len(form)], True
        if reading.startswith(form) and len(reading) > len(form):
            return reading[len(form) :], True
    return reading, False


def _latin_words(key: str) -> tuple[str, frozenset[str]]:
    """The words of a Latin comparison form joined, legal forms aside (a reading of a
    legal form, "kabushiki kaisha", counts as one), and its legal forms."""
    parts = name_parts(key)
    joined = fold_long_vowels("".join(parts.texts))
    joined, had = _strip_japanese_forms(joined)
    forms = set(parts.legal_forms) | ({"jsc"} if had else set())
    return joined, frozenset(forms)


def _japanese_key(name: str) -> tuple[str, frozenset[str]]:
    reading, had = _strip_japanese_forms(japanese_reading(name))
    return reading, frozenset({"jsc"} if had else ())


def _keyed(reading: str, forms: frozenset[str]) -> str:
    return " ".join([reading, *sorted(forms)])


@lru_cache(maxsize=1 << 14)
def han_words(name: str, key: str) -> tuple[tuple[str, str, str], ...] | None:
    """(character, word, generic group) for each word of a Chinese name's comparison
    form, legal forms aside, in order; None when its words are not all one character
    each (a name mixing Latin words, or characters rigour reads as two syllables)."""
    parts = name_parts(key)
    chars = [ch for ch in name if is_han(ch)]
    position = 0
    found = []
    for text, group in zip(parts.texts, parts.groups, strict=True):
        while position < len(chars) and ascii_text(chars[position]).casefold() != text:
            position += 1
        if position == len(chars):
            return None
        found.append((chars[position], text, group))
        position += 1
    return tuple(found)


def han_identifying(name: str, key: str) -> list[str] | None:
    """The Han characters of a name that stand for the identifying words of its
    comparison form, in order; None as `han_words`."""
    words = han_words(name, key)
    return None if words is None else [ch for ch, _, group in words if not group]


# The systems a register of each territory writes Chinese names in: Cantonese in
# Hong Kong and Macao (beside Mandarin for mainland names), Taiwan's own systems
# (MPS II, Tongyong) in Taiwan only, Mandarin's other systems everywhere. A name of
# no country may be in any.
CANTONESE_WRITTEN: Final = frozenset({"HK", "MO"})
TAIWAN_WRITTEN: Final = frozenset({"TW"})
_TAIWAN_SYSTEMS: Final = frozenset({TONGYONG, MPS2})


def _systems(country: str | None) -> frozenset[str]:
    systems = frozenset(SYSTEM_NAMES)
    if country is None:
        return systems
    if country not in CANTONESE_WRITTEN:
        systems -= {CANTONESE}
    if country not in TAIWAN_WRITTEN:
        systems -= _TAIWAN_SYSTEMS
    return systems


def _segment(
    letters: str, chars: list[str], systems: frozenset[str] = frozenset(SYSTEM_NAMES)
) -> list[tuple[str, frozenset[str]]] | None:
    """Read `letters` as one reading of each character in order, in `systems`: the
    readings taken with the systems that read each so; None when no such reading
    exists."""
    readings = [
        {system: values for system, values in char_readings(ch).items() if system in systems}
        for ch in chars
    ]
    # reach[i] holds the positions in `letters` reachable after reading i characters.
    reach: list[dict[int, int]] = [{0: -1}]
    for options in readings:
        spellings: dict[str, set[str]] = {}
        for system, values in options.items():
            for value in values:
                spellings.setdefault(value, set()).add(system)
        step: dict[int, int] = {}
        for start in reach[-1]:
            for value in spellings:
                if letters.startswith(value, start):
                    step.setdefault(start + len(value), start)
        if not step:
            return None
        reach.append(step)
    if len(letters) not in reach[-1]:
        return None
    out: list[tuple[str, frozenset[str]]] = []
    end = len(letters)
    for i in range(len(chars), 0, -1):
        start = reach[i][end]
        value = letters[start:end]
        systems = frozenset(s for s, values in readings[i - 1].items() if value in values)
        out.append((value, systems))
        end = start
    return out[::-1]


def _system_of(read: list[tuple[str, frozenset[str]]]) -> str:
    """The systems that read every character so ("Mandarin (pinyin) / Mandarin
    (Wade-Giles)"), or those mixed in the reading."""
    # Taiwan's systems spell most syllables as pinyin does: named only where they
    # differ.
    common = frozenset.intersection(*(systems for _, systems in read))
    if common:
        if MANDARIN in common:
            common -= _TAIWAN_SYSTEMS
        return " / ".join(SYSTEM_NAMES[s] for s in SYSTEM_NAMES if s in common)
    read = [
        (v, systems - _TAIWAN_SYSTEMS if MANDARIN in systems else systems) for v, systems in read
    ]
    used = {s for _, systems in read for s in systems}
    return "mixed (" + ", ".join(SYSTEM_NAMES[s] for s in SYSTEM_NAMES if s in used) + ")"


def _han_reading(
    han_name: str, han_key: str, latin_name: str, latin_key: str, country: str | None
) -> Reading | None:
    chars = han_identifying(han_name, han_key)
    if not chars:
        return None
    parts = name_parts(latin_key)
    letters = "".join(parts.identifying)
    pinyin = name_parts(han_key).identifying
    if len(letters) < _MIN_READING:
        return None  # too short to say anything
    # Written in pinyin already: the comparison forms align as they are, unless a
    # line of business is translated (長明鴻實業 / CHANG MING HONG ENTERPRISE).
    in_pinyin = letters == "".join(pinyin)
    systems = _systems(country)
    read_chars = chars
    read = None if in_pinyin else _segment(letters, chars, systems)
    # KAO HENG WEAVING / 高恒紡織: a word of the trade name's place may translate the
    # line of business (紡織, "spinning and weaving"), which the reading leaves out.
    business: list[tuple[str, str, str]] = []
    if read is None and not in_pinyin:
        found_lines = _lines_translated(han_name, han_key, parts, set(), identifying=True)
        taken = {word for _, _, word in found_lines}
        left = "".join(word for word in parts.identifying if word not in taken)
        if taken and len(left) >= _MIN_READING:
            read = _segment(left, chars, systems)
            if read is not None:
                business = found_lines
    translated: list[tuple[str, list[str]]] = []
    suffix = ""
    found = _translated(chars, parts) if read is None and not in_pinyin else None
    if found is not None:
        read_chars, words, translated = found
        letters = "".join(words)
        if len(letters) < _MIN_READING:
            return None  # a translated name is no reading ("CYNOSURE ENTERPRISE")
        read = _segment(letters, read_chars, systems)
    last = chars[-1]
    suffix_unread = bool(read_chars) and read_chars[-1] == last and last in _BUSINESS_SUFFIXES
    if read is None and not in_pinyin and suffix_unread:
        # 立誠廣告社 / LI CHENG ADVERTISING CO.: 社 says what "CO." says.
        read_chars = read_chars[:-1]
        read = _segment(letters, read_chars, systems) if read_chars else None
        if read is not None:
            suffix = f"{last} is the kind of business the name ends with"
    if read is None and not in_pinyin:
        return None
    # The Latin name with its identifying words (and the words that translate
    # characters) written as the comparison form writes the characters, so that
    # the aligner weighs the rest as usual.
    identifying = set(parts.identifying)
    consumed = {word for _, words in translated for word in words}
    lines = _lines_translated(han_name, han_key, parts, consumed)
    if in_pinyin and not lines:
        return None  # read alike as written
    written = {word: pinyin_words for _, pinyin_words, word in lines}
    as_business = {word: pinyin_words for _, pinyin_words, word in business}
    rest = [
        as_business[t] if t in as_business else written.pop(t, t)
        for t in latin_key.split()
        if t in as_business or (t not in identifying and t not in consumed)
    ]
    steps = []
    if read is not None:
        shown = " ".join(value for value, _ in read).upper()
        steps.append(f"{_system_of(read)} reading of {''.join(read_chars)} = {shown}")
    steps += [f"CC-CEDICT translation of {run} = {' '.join(w).upper()}" for run, w in translated]
    steps += [
        f"CC-CEDICT translation of {run} = {word.upper()}" for run, _, word in [*business, *lines]
    ]
    if suffix:
        steps.append(suffix)
    return Reading(han_key, " ".join([*pinyin, *rest]), "; ".join(steps))


def _lines_translated(
    han_name: str, han_key: str, parts: NameParts, consumed: set[str], *, identifying: bool = False
) -> list[tuple[str, str, str]]:
    """The Latin name's generic words (a line of business, filler) that translate a
    run of the Chinese name's generic words of one group, as (the run's characters,
    its words in the comparison form, the Latin word): 實業 (shi ye, "industry;
    commercial enterprise") = ENTERPRISE, which the generic groups file as industry
    and filler. With `identifying`, the Latin name's other words instead: WEAVING,
    which no group holds, for 紡織 (apparel)."""
    words = han_words(han_name, han_key)
    if not words:
        return []
    runs: list[tuple[str, str, str]] = []  # (characters, comparison-form words, group)
    previous = ""
    for ch, text, group in words:
        if group and group == previous and group not in SILENT_GROUPS:
            chars, joined, _ = runs[-1]
            runs[-1] = (chars + ch, f"{joined} {text}", group)
        elif group and group not in SILENT_GROUPS:
            runs.append((ch, text, group))
        previous = group
    out: list[tuple[str, str, str]] = []
    taken: set[str] = set()
    for text, group in zip(parts.texts, parts.groups, strict=True):
        if bool(group) == identifying or text in consumed or len(text) < _MIN_TRANSLATED:
            continue
        stem = english_stem(text)
        for chars, joined, han_group in runs:
            # Words of one group are synonyms already ("trading" / "mao yi").
            if chars not in taken and han_group != group and stem in glosses(chars):
                out.append((chars, joined, text))
                taken.add(chars)
                break
    return out


def _translated(
    chars: list[str], parts: NameParts
) -> tuple[list[str], list[str], list[tuple[str, list[str]]]] | None:
    """The Latin name's words that translate runs of the identifying characters
    `chars` (CC-CEDICT's glosses, `ingest.normalise.glosses`): 鴻明冷凍食品 / HONG MING
    FROZEN FOOD, 食品 = FOOD. Words are taken from the end of the name, where the
    line of business is written in both languages, each with the latest run of up
    to four characters it translates (or the run the word after it took: 科技 =
    SCIENCE TECHNOLOGY); the first character, where the trade name begins, is
    translated only within a longer run. Gives the characters left to read, the
    identifying words left to read them, and each translated run with its words;
    None when no word translates."""
    taken = [False] * len(chars)
    runs: list[tuple[int, int, list[str]]] = []
    for text, group in reversed(list(zip(parts.texts, parts.groups, strict=True))):
        if group in SILENT_GROUPS or len(text) < _MIN_TRANSLATED:
            continue
        if runs and english_stem(text) in glosses("".join(chars[runs[-1][0] : runs[-1][1]])):
            runs[-1][2].insert(0, text)
            continue
        run = _run_translating(chars, taken, text)
        if run is not None:
            start, end = run
            taken[start:end] = [True] * (end - start)
            runs.append((start, end, [text]))
    if not runs:
        return None
    consumed = {text for _, _, words in runs for text in words}
    left_chars = [ch for ch, used in zip(chars, taken, strict=True) if not used]
    left_words = [w for w in parts.identifying if w not in consumed]
    translated = [("".join(chars[start:end]), words) for start, end, words in sorted(runs)]
    return left_chars, left_words, translated


def _run_translating(chars: list[str], taken: list[bool], text: str) -> tuple[int, int] | None:
    """The latest, then longest, free run of `chars` that CC-CEDICT glosses with the
    word `text` and that `text` is no reading of (陽 glosses "yang", as in yin and
    yang); a single character only after the first."""
    stem = english_stem(text)
    for end in range(len(chars), 0, -1):
        for start in range(max(0, end - longest_word), end):
            if any(taken[start:end]) or (start == 0 and end == 1):
                continue
            if stem in glosses("".join(chars[start:end])) and (
                _segment(text, chars[start:end]) is None
            ):
                return start, end
    return None


def _japanese_reading(left: str, right: str, right_key: str) -> Reading | None:
    """`left` a Japanese name; `right` another one or a Latin name."""
    reading, forms = _japanese_key(left)
    if has_cjk(right):
        other, other_forms = _japanese_key(right)
    else:
        other, other_forms = _latin_words(right_key)
    if len(reading) < _MIN_READING or reading != other:
        return None
    shown = right if has_cjk(right) else reading.upper()
    return Reading(
        _keyed(reading, forms),
        _keyed(other, other_forms),
        f"{SYSTEM_NAMES[HEPBURN]} reading of {left} = {shown}",
    )


@lru_cache(maxsize=1 << 16)
def reading_keys(
    left_name: str,
    left_key: str,
    left_country: str | None,
    right_name: str,
    right_key: str,
    right_country: str | None,
) -> Reading | None:
    """Comparison forms under which one name reads as the other, with the reading
    (see the module); None when neither name is Chinese or Japanese, or no
    reading links them. The forms are in the order of the arguments."""
    left_cjk, right_cjk = has_cjk(left_name), has_cjk(right_name)
    if not (left_cjk or right_cjk):
        return None
    if left_cjk and _japanese(left_name, left_country):
        found = _japanese_reading(left_name, right_name, right_key)
        if found or right_cjk:
            return found
    if right_cjk and _japanese(right_name, right_country):
        found = _japanese_reading(right_name, left_name, left_key)
        if found:
            return Reading(found.right_key, found.left_key, found.explanation)
        if left_cjk:
            return None
    if left_cjk and not right_cjk:
        return _han_reading(left_name, left_key, right_name, right_key, left_country)
    if right_cjk and not left_cjk:
        found = _han_reading(right_name, right_key, left_name, left_key, right_country)
        if found:
            return Reading(found.right_key, found.left_key, found.explanation)
    return None


def reading_block_keys(name: str, key: str, country: str | None) -> set[str]:
    """Blocking keys of a name's readings: a Chinese name's identifying characters
    read in each system (the first reading of each character; in Cantonese, for
    Hong Kong, Macao and a name of no country, whose registers write it, up to
    `_CANTONESE_KEYS` combinations of the spellings) as `tok:` keys, which meet a
    Latin name's joined words; a Japanese name's Hepburn reading, and a Latin name's
    words joined, as `read:` keys."""
    if not has_cjk(name):
        if not name_parts(key).identifying:
            return set()  # generic words only: `name:` keys it whole
        joined, _ = _latin_words(key)
        return {f"read:{joined}"} if len(joined) >= _MIN_READING else set()
    if _japanese(name, country):
        reading, _ = _japanese_key(name)
        return {f"read:{reading}"} if len(reading) >= _MIN_READING else set()
    chars = han_identifying(name, key)
    if not chars:
        return set()
    keys = set()
    readings = [char_readings(ch) for ch in chars]
    for system in SYSTEM_NAMES:
        if not all(system in r for r in readings):
            continue
        if system in _TAIWAN_SYSTEMS and system not in _systems(country):
            continue
        spelt: Iterable[tuple[str, ...]] = [tuple(sorted(r[system])[0] for r in readings)]
        if system == CANTONESE and system in _systems(country):
            # Hong Kong registers write a character in any of the table's spellings
            # (達: DAAT, DART, TAT), one per company: a few of their combinations.
            spelt = islice(product(*(sorted(r[system]) for r in readings)), _CANTONESE_KEYS)
        for syllables in spelt:
            term = "".join(syllables)
            if len(term) >= _MIN_READING:
                keys.add(f"tok:{term}")
    return keys


@lru_cache(maxsize=1)
def _simplifier() -> object:
    import opencc

    return opencc.OpenCC("t2s")


def _simplified(chars: list[str]) -> list[str]:
    """Characters in their simplified forms (OpenCC's tables): 華 and 华 are one."""
    converted: str = _simplifier().convert("".join(chars))  # type: ignore[attr-defined]
    return list(converted) if len(converted) == len(chars) else chars


@lru_cache(maxsize=1 << 16)
def homophones(left_name: str, left_key: str, right_name: str, right_key: str) -> str:
    """Characters of two Chinese (or Japanese) names that read alike but differ:
    comparison forms write Han in pinyin, where 勝源 and 盛圓 are both "sheng yuan",
    and 佑升 and 祐聲 both "you sheng": two names, not one spelt two ways (simplified
    and traditional forms are one character). "勝源 / 盛圓", or "" when none."""
    if not (has_cjk(left_name) and has_cjk(right_name)):
        return ""
    left = han_identifying(left_name, left_key)
    right = han_identifying(right_name, right_key)
    if not left or not right:
        return ""
    by_sound: dict[str, tuple[list[str], list[str]]] = {}
    for side, chars, key in ((0, left, left_key), (1, right, right_key)):
        words = name_parts(key).identifying
        if len(words) != len(chars):
            return ""
        for word, ch in zip(words, _simplified(chars), strict=True):
            by_sound.setdefault(word, ([], []))[side].append(ch)
    differ = [
        (sorted(ours), sorted(theirs))
        for ours, theirs in by_sound.values()
        if ours and theirs and sorted(ours) != sorted(theirs)
    ]
    if not differ:
        return ""
    return f"{''.join(left)} / {''.join(right)}"
