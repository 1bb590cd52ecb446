"""Tokens of a comparison form, and how alike two of them are.

A comparison form (`ingest.normalise.names.comparison_form`) is taken apart into
tokens with their generic groups (`graph.resolve.profile.name_parts`) and every run
of short tokens that may be one word split ("hua xin" / "huaxin"): `_Name`, worked
out once per form and cached. `_token_similarity` says how alike two tokens are
that are not equal: synonyms among generic words, German letters folded two ways,
two letters swapped, two romanisations of one Cyrillic word, a keying error, an
initial; and whether the difference is another pinyin syllable (another Chinese
name). `graph.resolve.align` aligns whole names on them.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Final

from rapidfuzz.distance import OSA

from graph.resolve.profile import NameParts, is_chinese_syllable, is_pinyin, name_parts
from ingest.normalise.cyrillic import same_word

# Weight of a generic word ("trading", "maoyi") relative to an identifying one
# of the same length: they count, but a trade name decides.
_GENERIC_WEIGHT = 0.3
# Characters a token counts for at most: a long word is not worth more than a
# trade name beyond this.
_MAX_TOKEN_WEIGHT = 10
# Similarity credited to a match that is not spelling-equal.
_SIM_SYNONYM = 0.9  # generic words of one group: "imp" / "import", "footwear" / "shoes"
_SIM_FOLDED = 0.97  # "soehne" / "sohne": German letters folded two ways
_SIM_SWAPPED = 0.95  # "hauxin" / "huaxin": two neighbouring letters swapped
# Shortest word compared as a romanisation of a Cyrillic word.
_CYRILLIC_WORD = 5
# Shortest word in which two swapped letters are a keying error, not another name.
_SWAP_SAME = 6
_SIM_INITIAL = 0.6  # "j" / "john"
_SIM_ACRONYM = 0.8  # "dgf" / "dhl global forwarding"
# Longest run of tokens joined to match one token: three-syllable trade names; only
# tokens of at most _SYLLABLE letters are joined (the longest pinyin syllable).
_MAX_RUN = 3
_SYLLABLE = 6


def _weight(text: str, group: str) -> float:
    if len(text) == 1:
        return 1.0
    size = min(len(text), _MAX_TOKEN_WEIGHT)
    return size * (_GENERIC_WEIGHT if group else 1.0)


def _typo_similarity(a: str, b: str) -> float:
    """One keying error (dropped, added, swapped or wrong letter) in a word of 4 to 7
    letters, two in a longer one; more is another word."""
    longest = max(len(a), len(b))
    if min(len(a), len(b)) < 4:
        return 0.0
    allowed = 1 if longest <= 7 else 2
    distance = OSA.distance(a, b, score_cutoff=allowed)
    if distance > allowed:
        return 0.0
    return 1.0 - distance / longest


def _swapped(a: str, b: str) -> bool:
    """Two neighbouring letters swapped ("hauxin" / "huaxin"): a keying error, not
    another name, where a letter more, less or changed may be one ("huaxing")."""
    if len(a) != len(b) or sorted(a) != sorted(b):
        return False
    diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    return len(diff) == 2 and diff[1] == diff[0] + 1


def _fold_german(word: str) -> str:
    # rigour transliterates "ö" to "o"; a US keyboard writes "oe".
    return word.replace("ae", "a").replace("oe", "o").replace("ue", "u")


# How two tokens matched, when not spelling-equal.
_KIND_SAME = ""  # a synonym, a folded letter, two letters swapped: as good as equal
_KIND_APPROXIMATE = "approximate"  # a keying error or an initial
_KIND_SYLLABLE = "syllable"  # two different pinyin spellings: another Chinese name


@lru_cache(maxsize=1 << 18)
def _token_similarity(a: str, group_a: str, b: str, group_b: str) -> tuple[float, str]:
    """Similarity of two tokens (text and generic group) that are not equal, and how
    they matched (one of the `_KIND_*`); zero when they do not match."""
    if group_a and group_b:
        return (_SIM_SYNONYM if group_a == group_b else 0.0), _KIND_SAME
    if not group_a and not group_b:
        short, long = (a, b) if len(a) <= len(b) else (b, a)
        if len(short) == 1:
            return (
                (_SIM_INITIAL, _KIND_APPROXIMATE) if long.startswith(short) else (0.0, _KIND_SAME)
            )
        if len(short) >= 4 and _fold_german(a) == _fold_german(b):
            return _SIM_FOLDED, _KIND_SAME
        if len(short) >= 4 and _swapped(a, b):
            # A swap in a short word may be another name ("Miura" / "Imura").
            kind = _KIND_SAME if len(short) >= _SWAP_SAME else _KIND_APPROXIMATE
            return _SIM_SWAPPED, kind
    if (
        not group_a
        and not group_b
        and min(len(a), len(b)) >= _CYRILLIC_WORD
        and not (is_pinyin(a) or is_pinyin(b))
        and same_word(a, b) is not None
    ):
        # Two romanisations of one Russian, Ukrainian or Belarusian word
        # ("Otkritie" / "Otkrytie", "Faktoring" / "Factoring").
        return _SIM_FOLDED, _KIND_SAME
    sim = _typo_similarity(a, b)
    if sim and len(a) == len(b) and is_pinyin(a) and is_pinyin(b):
        # A letter changed, not dropped: "heng" / "hong" are two characters (恒, 宏),
        # where "tafu" for "taifu" may be a letter left out.
        return sim, _KIND_SYLLABLE
    return sim, _KIND_APPROXIMATE


# A span: a token, or a run of consecutive tokens read as one word ("hua xin"):
# (token indexes, the same as a bit mask, text, group, inexact), where inexact says
# the span may match inexactly (not an identifying word of two or three letters).
# A plain tuple of atoms, which Python's cycle collector stops tracking (a named
# tuple, a class or a list it tracks for ever): names are cached by the ten
# thousand in a long-running API process, and every object tracked is scanned at
# each full collection (200-300 ms pauses in /match with a class per span).
_Span = tuple[tuple[int, ...], int, str, str, bool]
_INDEX: Final = 0
_MASK: Final = 1
_TEXT: Final = 2
_GROUP: Final = 3
_INEXACT: Final = 4


def _span(start: int, size: int, text: str, group: str) -> _Span:
    return (
        tuple(range(start, start + size)),
        ((1 << size) - 1) << start,
        text,
        group,
        bool(group) or len(text) not in (2, 3),
    )


class _Name:
    """What aligning a comparison form needs, worked out once per form: its tokens,
    their weights, and every span (`_spans`) by text; for `similarity_bound`, the
    spans that may match inexactly by length and by group, and the one-letter and
    longer identifying words by their first letter."""

    __slots__ = (
        "every",
        "first_letters",
        "generic_by_group",
        "groups",
        "identifying",
        "inexact",
        "inexact_by_len",
        "initials",
        "letters",
        "parts",
        "positions",
        "runs",
        "short_form",
        "singles",
        "spans",
        "spans_by_text",
        "syllable_runs",
        "text_masks",
        "texts",
        "weights",
    )

    def __init__(self, parts: NameParts) -> None:
        self.parts = parts
        self.texts = parts.texts
        self.groups = parts.groups
        self.weights = tuple(map(_weight, self.texts, self.groups))
        self.identifying = sum(1 << i for i, g in enumerate(self.groups) if not g)
        self.every = (1 << len(self.texts)) - 1
        self.positions: dict[str, tuple[int, ...]] = {}
        for i, text in enumerate(self.texts):
            self.positions[text] = (*self.positions.get(text, ()), i)
        self.spans = _spans(self.texts, self.groups)
        # Built as lists, kept as tuples: a tuple of untracked tuples is untracked by
        # the cycle collector, a list never is (see `_Span`).
        spans_by_text: dict[str, list[_Span]] = {}
        inexact_by_len: dict[int, list[_Span]] = {}
        generic_by_group: dict[str, list[_Span]] = {}
        self.text_masks: dict[str, int] = {}
        self.initials: dict[str, int] = {}
        self.letters: dict[str, int] = {}
        for sp in self.spans:
            index, mask, text, group, inexact = sp
            spans_by_text.setdefault(text, []).append(sp)
            self.text_masks[text] = self.text_masks.get(text, 0) | mask
            if inexact:
                inexact_by_len.setdefault(len(text), []).append(sp)
            if group:
                generic_by_group.setdefault(group, []).append(sp)
            elif len(index) == 1:
                table = self.letters if len(text) == 1 else self.initials
                table[text[0]] = table.get(text[0], 0) | mask
        self.spans_by_text = {text: tuple(spans) for text, spans in spans_by_text.items()}
        self.inexact = tuple(sp for sp in self.spans if sp[_INEXACT])
        self.inexact_by_len = {size: tuple(spans) for size, spans in inexact_by_len.items()}
        self.generic_by_group = {group: tuple(spans) for group, spans in generic_by_group.items()}
        self.singles = frozenset(sp[_TEXT] for sp in self.spans if len(sp[_INDEX]) == 1)
        self.runs = frozenset(sp[_TEXT] for sp in self.spans if len(sp[_INDEX]) > 1)
        # For `_acronym`: the letters of a name written short ("DGF", "D G F"), and
        # the first letters of its words.
        letters = "".join(self.texts)
        written_short = len(self.texts) == 1 or all(len(t) == 1 for t in self.texts)
        self.short_form = letters if written_short and 2 <= len(letters) <= 5 else ""
        self.first_letters = "".join(t[0] for t in self.texts if t)
        # For `_run_reordered`: per token, the run of identifying one-syllable words
        # it stands in (numbered from 1), or 0.
        runs, run, previous = [], 0, False
        for text, group in zip(self.texts, self.groups, strict=True):
            syllable = not group and is_chinese_syllable(text)
            run += syllable and not previous
            runs.append(run if syllable else 0)
            previous = syllable
        self.syllable_runs = tuple(runs)


@lru_cache(maxsize=1 << 16)
def _name(name_key: str) -> _Name:
    return _Name(name_parts(name_key))


def _spans(texts: tuple[str, ...], groups: tuple[str, ...]) -> tuple[_Span, ...]:
    """Every token, and every run of 2.._MAX_RUN consecutive short tokens of one kind
    (pinyin syllables are at most six letters: "zhuang")."""
    out = [_span(i, 1, t, g) for i, (t, g) in enumerate(zip(texts, groups, strict=True))]
    count = len(texts)
    for start in range(count - 1):
        if len(texts[start]) > _SYLLABLE:
            continue
        group = groups[start]
        end = start + 1
        while (
            end < count
            and end - start < _MAX_RUN
            and len(texts[end]) <= _SYLLABLE
            and groups[end] == group
        ):
            end += 1
            out.append(_span(start, end - start, "".join(texts[start:end]), group))
    return tuple(out)
