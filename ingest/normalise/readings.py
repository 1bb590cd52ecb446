"""Readings of names written in Chinese characters and kana, from published tables.

A Chinese or Japanese name is written in Latin letters by reading it aloud in one
of several systems, and a register writes whichever its clerk used:

- Mandarin in Hanyu pinyin (mainland China), Wade-Giles (Taiwan, older records) or
  Gwoyeu Romatzyh, whose spellings of tones Taiwan's registers keep (宏 HORNG, 晟
  CHERNG, 益 YIH): `pypinyin`'s readings of each character, with its heteronyms;
  and in Taiwan's two official systems before Hanyu pinyin, whose spellings its
  registers keep: Mandarin Phonetic Symbols II (1986-2002: 祥 SHIANG, 志 JR, 中
  JUNG) and Tongyong pinyin (2002-2008: 鉅 JYU, 祥 SIANG, 企 CI, 志 JHIH);
  `pypinyin`'s Hanyu readings respelled by each system's published rules (`mps2`,
  `tongyong`), as no kept package writes them;
- Cantonese in the Hong Kong Government's romanisation (Hong Kong and Macao names:
  漢昌 = HON CHEONG): the `cantonese-romanisation` package's table, which holds
  traditional characters; a simplified one is read as its Hong Kong form
  (OpenCC's tables: 达 as 達 = DAAT, TAT), as a mainland register writes a Hong
  Kong company's name;
- Japanese (kanji and kana) in Hepburn: `pykakasi`'s dictionary reading, long
  vowels written single as register names write them (Tōkyō, TOKYO: "toukyou" ->
  "tokyo");
- Korean (Hangul) in the Revised Romanization (South Korea, 2000) and in
  McCune-Reischauer (North Korea, and the South before 2000): `ko-pron`, a port of
  Wiktionary's ko-pron module. Each syllable is read alone and, for
  McCune-Reischauer, also inside a word after a vowel, where it voices its first
  consonant (정: "chŏng" alone, "jŏng" in 김정은), as names are written in both ways;
  McCune-Reischauer's breves and apostrophes go (ŏ -> o), as keyboards write it.

Nothing here is a rule of the matcher: each reading is what the package's table
says. `graph.resolve.readings` uses them to say that a Latin name is a reading of
a Chinese or Japanese one.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Final

__all__ = [
    "CANTONESE",
    "GWOYEU",
    "KOREAN_MR",
    "KOREAN_RR",
    "MANDARIN",
    "MPS2",
    "SYSTEM_NAMES",
    "TONGYONG",
    "WADE_GILES",
    "cantonese_readings",
    "cantonese_syllables",
    "char_readings",
    "hangul_readings",
    "is_han",
    "is_hangul",
    "is_kana",
    "japanese_reading",
    "mps2",
    "tongyong",
]

MANDARIN: Final = "pinyin"
WADE_GILES: Final = "wade-giles"
GWOYEU: Final = "gwoyeu"
TONGYONG: Final = "tongyong"
MPS2: Final = "mps2"
CANTONESE: Final = "cantonese"
HEPBURN: Final = "hepburn"
KOREAN_RR: Final = "korean-rr"
KOREAN_MR: Final = "korean-mr"
# How an explanation names each system.
SYSTEM_NAMES: Final = {
    MANDARIN: "Mandarin (pinyin)",
    WADE_GILES: "Mandarin (Wade-Giles)",
    GWOYEU: "Mandarin (Gwoyeu Romatzyh)",
    TONGYONG: "Mandarin (Tongyong)",
    MPS2: "Mandarin (MPS II)",
    CANTONESE: "Cantonese (Hong Kong)",
    HEPBURN: "Japanese (Hepburn)",
    KOREAN_RR: "Korean (Revised Romanization)",
    KOREAN_MR: "Korean (McCune-Reischauer)",
}

_NOT_LETTERS: Final = re.compile(r"[^a-z]+")
# Hepburn as register names write it: a long vowel once ("ou", "oo" -> "o"; "uu"
# -> "u"), as passports and company names do ("Tokyo", "Osaka", "Yushiro").
_LONG_VOWELS: Final = (("ou", "o"), ("oo", "o"), ("uu", "u"), ("aa", "a"), ("ii", "i"))


def is_han(ch: str) -> bool:
    code = ord(ch)
    return 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF


def is_kana(ch: str) -> bool:
    code = ord(ch)
    return 0x3040 <= code <= 0x30FF or 0xFF66 <= code <= 0xFF9F


def is_hangul(ch: str) -> bool:
    """A Hangul syllable (가-힣)."""
    return 0xAC00 <= ord(ch) <= 0xD7A3


def _letters(text: str) -> str:
    return _NOT_LETTERS.sub("", text.casefold().replace("ü", "u").replace("ê", "e"))


def _with_u(reading: str) -> frozenset[str]:
    """`pypinyin` writes Ü as V ("lv", Wade-Giles "chv"); registers write U ("LU")
    and sometimes keep the V: both."""
    return frozenset({reading, reading.replace("v", "u")})


def _unaccented(text: str) -> str:
    return "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
    )


# A vowel read before a syllable to hear it inside a word (ko-pron applies the
# sound changes of a word as a whole): "아" + "정" is "ajŏng".
_AFTER_VOWEL: Final = "아"


@lru_cache(maxsize=1 << 12)
def hangul_readings(ch: str) -> dict[str, frozenset[str]]:
    """System -> the readings of one Hangul syllable in it (letters only): the
    Revised Romanization of the syllable alone, McCune-Reischauer alone and after a
    vowel. Empty for a character that is not a Hangul syllable."""
    if not is_hangul(ch):
        return {}
    from ko_pron import romanise

    revised = _letters(romanise(ch, "rr"))
    alone = _letters(_unaccented(romanise(ch, "mr")))
    inside = _letters(_unaccented(romanise(_AFTER_VOWEL + ch, "mr")))[1:]
    out = {KOREAN_RR: frozenset({revised} - {""})}
    out[KOREAN_MR] = frozenset({alone, inside} - {""})
    return out


@lru_cache(maxsize=1)
def _cantonese() -> dict[str, list[str]]:
    from cantoroman import Cantonese

    table: dict[str, list[str]] = Cantonese().charToRoman
    return table


def cantonese_readings(ch: str) -> tuple[str, ...]:
    """The Hong Kong government romanisations of one Han character, in the table's
    order, letters only ("華": "wa", "wah"); () when the table has none."""
    return tuple(dict.fromkeys(r for r in map(_letters, _cantonese().get(ch, [])) if r))


@lru_cache(maxsize=1)
def cantonese_syllables() -> frozenset[str]:
    """Every syllable of the Hong Kong government romanisation in the table."""
    return frozenset(_letters(r) for values in _cantonese().values() for r in values) - {""}


@lru_cache(maxsize=1)
def _to_hong_kong() -> object:
    import opencc

    return opencc.OpenCC("s2hk")


def _hk_form(ch: str) -> str:
    """A simplified character as Hong Kong writes it (OpenCC's tables: 达 -> 達): the
    Cantonese table holds the traditional forms, and mainland registers write a Hong
    Kong company's name in simplified characters."""
    converted: str = _to_hong_kong().convert(ch)  # type: ignore[attr-defined]
    return converted if len(converted) == 1 else ch


# Tongyong pinyin (Ministry of Education of Taiwan, 2002) spells a syllable as Hanyu
# pinyin does but for these rules, which are the system's definition: initials ZH,
# Q, X are JH, C, S; the empty rime after JH CH SH R Z C S is IH (志 JHIH, 詞 CIH);
# Ü is YU, also where Hanyu writes U after J Q X (鉅 JYU, 學 SYUE, 軍 JYUN); IONG is
# YONG (窮 CYONG); IU is IOU (劉 LIOU); UI is UEI (貴 GUEI); ENG after B P M F is ONG
# (風 FONG); WEN and WENG are WUN and WONG. The rest is spelled alike.
_PINYIN_INITIALS: Final = (
    "zh", "ch", "sh", "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h",
    "j", "q", "x", "r", "z", "c", "s",
)  # fmt: skip
_TONGYONG_INITIALS: Final = {"zh": "jh", "q": "c", "x": "s"}
_EMPTY_RIME_AFTER: Final = frozenset({"zh", "ch", "sh", "r", "z", "c", "s"})
_TONGYONG_FINALS: Final = {"iong": "yong", "iu": "iou", "ui": "uei"}
_TONGYONG_WHOLE: Final = {"wen": "wun", "weng": "wong"}


def _initial_final(syllable: str) -> tuple[str, str]:
    """A toneless Hanyu pinyin syllable's initial and final, Ü written V also where
    Hanyu leaves out its dots (after J, Q, X: "ju" -> "j", "v"); ("", syllable) for
    one with no initial or no final (yu, wu, er, m)."""
    initial = next((i for i in _PINYIN_INITIALS if syllable.startswith(i)), "")
    final = syllable[len(initial) :]
    if not initial or not final:
        return "", syllable
    if initial in ("j", "q", "x") and final.startswith("u"):
        final = "v" + final[1:]
    return initial, final


def tongyong(syllable: str) -> str:
    """A toneless Hanyu pinyin syllable (ü written V, as `pypinyin` writes it:
    "lv") in Tongyong pinyin: "ju" -> "jyu", "zhi" -> "jhih", "xiang" -> "siang"."""
    if syllable in _TONGYONG_WHOLE:
        return _TONGYONG_WHOLE[syllable]
    initial, final = _initial_final(syllable)
    if not initial:
        return syllable.replace("v", "yu")
    if final == "i" and initial in _EMPTY_RIME_AFTER:
        final = "ih"
    elif final.startswith("v"):
        final = "yu" + final[1:]
    elif final == "eng" and initial in ("b", "p", "m", "f"):
        final = "ong"
    else:
        final = _TONGYONG_FINALS.get(final, final)
    return _TONGYONG_INITIALS.get(initial, initial) + final


# Mandarin Phonetic Symbols II (Ministry of Education of Taiwan, 1986) spells a
# syllable as Hanyu pinyin does but for these rules: initials Q, X are CH, SH; ZH,
# Z, C are J, TZ, TS; the empty rime is R after J CH SH R (志 JR, 日 R) and Z after
# TZ TS S (子 TZ, 四 SZ); Ü is IU, also where Hanyu writes U after J Q X (鉅 JIU,
# 學 SHIUE, 軍 JIUN); ONG and IONG are UNG and IUNG (中 JUNG, 窮 CHIUNG); IU, UI and
# UN are IOU, UEI and UEN (劉 LIOU, 貴 GUEI, 順 SHUEN). The rest is spelled alike.
_MPS2_INITIALS: Final = {"q": "ch", "x": "sh", "zh": "j", "z": "tz", "c": "ts"}
_MPS2_EMPTY_RIME: Final = {
    "zh": "jr",
    "ch": "chr",
    "sh": "shr",
    "r": "r",
    "z": "tz",
    "c": "tsz",
    "s": "sz",
}
_MPS2_FINALS: Final = {"ong": "ung", "iong": "iung", "iu": "iou", "ui": "uei", "un": "uen"}


def mps2(syllable: str) -> str:
    """A toneless Hanyu pinyin syllable (ü written V) in Mandarin Phonetic Symbols
    II: "xiang" -> "shiang", "zhi" -> "jr", "zhong" -> "jung", "ju" -> "jiu"."""
    if syllable == "yong":
        return "yung"
    initial, final = _initial_final(syllable)
    if not initial:
        return syllable.replace("v", "yu")
    if final == "i" and initial in _MPS2_EMPTY_RIME:
        return _MPS2_EMPTY_RIME[initial]
    final = "iu" + final[1:] if final.startswith("v") else _MPS2_FINALS.get(final, final)
    return _MPS2_INITIALS.get(initial, initial) + final


@lru_cache(maxsize=1 << 14)
def char_readings(ch: str) -> dict[str, frozenset[str]]:
    """System -> the readings of one Han character in it (letters only, no tones)."""
    from pypinyin import Style, pinyin

    out: dict[str, frozenset[str]] = {}
    hanyu = pinyin(ch, style=Style.NORMAL, heteronym=True)[0]
    mandarin = {_letters(r) for r in hanyu}
    if mandarin - {_letters(ch)}:
        out[MANDARIN] = frozenset(v for r in mandarin if r for v in _with_u(r))
        out[TONGYONG] = frozenset(t for r in hanyu if (t := _letters(tongyong(r.casefold()))))
        out[MPS2] = frozenset(t for r in hanyu if (t := _letters(mps2(r.casefold()))))
        wade = {
            v
            for r in pinyin(ch, style=Style.WADEGILES, heteronym=True)[0]
            for v in _with_u(_letters(r))
        }
        out[WADE_GILES] = frozenset(r for r in wade if r)
        gwoyeu = {_letters(r) for r in pinyin(ch, style=Style.GWOYEU, heteronym=True)[0]}
        out[GWOYEU] = frozenset(r for r in gwoyeu if r)
    cantonese = cantonese_readings(ch) or cantonese_readings(_hk_form(ch))
    if cantonese:
        out[CANTONESE] = frozenset(cantonese)
    return out


def fold_long_vowels(text: str) -> str:
    """Long vowels written once, as register names write Hepburn."""
    for long, short in _LONG_VOWELS:
        text = text.replace(long, short)
    return text


@lru_cache(maxsize=1)
def _kakasi() -> object:
    import pykakasi

    return pykakasi.kakasi()


@lru_cache(maxsize=1 << 14)
def japanese_reading(text: str) -> str:
    """The Hepburn reading of a Japanese text (kanji and kana), letters only, long
    vowels once: "東京特殊電線" and "トウキョウトクシュデンセン" -> "tokyotokushudensen"."""
    parts = _kakasi().convert(text)  # type: ignore[attr-defined]
    return fold_long_vowels(_letters("".join(part["hepburn"] for part in parts)))
