"""Pairwise scoring of two parties: name likeness, shared artefacts, country.

`compare` returns a score in [0, 1], the features that produced it and one line an
analyst can check. Names are compared on their comparison forms
(`ingest.normalise.names.comparison_form`: rigour's normalisation, legal-form table
and transliteration), token by token and order-free: tokens that are equal, that are
the same word split or joined ("hua xin" / "huaxin": rigour writes Han as
syllable-separated pinyin), that differ by a keying error (rapidfuzz's optimal string
alignment distance), or that are synonyms among generic words ("imp" / "import",
"maoyi" / "trading"; see `graph.resolve.profile.GENERIC_WORDS`). Scripts are told
apart with rigour's script tables.

What a score may reach is bounded by what the evidence can tell apart: a name
alone that lacks an identifying word, that matches only approximately, or that is
a person's name never reaches `AUTO_THRESHOLD`, because a different company with
nearly the same name (another city, a one-letter different trade name) or a
namesake looks exactly like that; a shared phone, email, address or registration
number lifts a name that is otherwise alike. Names, lines of business, legal forms
or countries that disagree keep a pair under `REVIEW_THRESHOLD` whatever it shares:
front companies share phones and addresses with the company they front for, and
are separate entities.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from rapidfuzz.distance import OSA
from rigour.text.scripts import is_latin

from graph.resolve.profile import (
    LEGAL_FORM_KINDS,
    SILENT_GROUPS,
    NameParts,
    PartyProfile,
    is_pinyin,
    is_syllable,
    name_parts,
)
from graph.resolve.readings import Reading, has_cjk, reading_keys

__all__ = [
    "AUTO",
    "AUTO_THRESHOLD",
    "BOUND_MARGIN",
    "HELD_APART",
    "HELD_SEVERAL",
    "REVIEW",
    "REVIEW_THRESHOLD",
    "Comparison",
    "NameMatch",
    "admin_words",
    "compare",
    "decide_links",
    "holds_apart",
    "match_names",
    "may_review",
    "name_similarity",
    "score_bound",
    "similarity_bound",
]

# Link automatically at or above this score. Reached by names that are the same
# once spelling, word order, script and legal form are set aside, or by alike
# names with a shared artefact; see `_CAP_*` for what cannot reach it.
AUTO_THRESHOLD = 0.9
# Suggest to an analyst between this and AUTO_THRESHOLD: alike names whose
# difference the evidence cannot settle (a dropped city, a typo or a
# one-letter different trade name, another script, another country).
REVIEW_THRESHOLD = 0.7

# Ceilings. A pair whose names or countries disagree stops under REVIEW whatever
# else it shares: fronts share phones, emails and addresses with the company they
# front for and are separate entities. A name-only pair with an ambiguity (a word
# missing, a spelling that differs, a person's name) stops just under AUTO: a
# suggestion, ranked above the other suggestions.
_CAP_CONFLICT = REVIEW_THRESHOLD - 0.05
_CAP_AMBIGUOUS = AUTO_THRESHOLD - 0.02

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
_SIM_INITIAL = 0.6  # "j" / "john"
_SIM_ACRONYM = 0.8  # "dgf" / "dhl global forwarding"
# Longest run of tokens joined to match one token: three-syllable trade names; only
# tokens of at most _SYLLABLE letters are joined (the longest pinyin syllable).
_MAX_RUN = 3
_SYLLABLE = 6

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
# _LIFT_FROM nothing, fully from _LIFT_FULL on.
_LIFT_FROM = 0.35
_LIFT_FULL = 0.6


@dataclass(frozen=True, slots=True)
class NameMatch:
    """How two comparison forms line up, token by token."""

    similarity: float
    pairs: tuple[tuple[str, str, float], ...]  # (left text, right text, similarity)
    extra_left: tuple[str, ...]  # identifying words of the left name with no counterpart
    extra_right: tuple[str, ...]
    generic_left: tuple[str, ...]  # generic words (of a group the other lacks) likewise
    generic_right: tuple[str, ...]
    approximate: bool = False  # an identifying word matched only approximately
    syllable_changed: bool = False  # a pinyin syllable differs ("hengtian" / "hongtian")
    reordered: bool = False  # the same syllables in another order ("xun bao" / "bao xun")
    acronym: bool = False
    legal_form_conflict: bool = False  # both have a legal form, and they differ
    legal_form_omission: bool = False  # only one has a legal form
    person_like: bool = False  # both read as a person's name

    @property
    def conflict(self) -> bool:
        """Both names have identifying words the other lacks ("Shenzhen" / "Guangzhou")."""
        return bool(self.extra_left and self.extra_right)

    @property
    def omission(self) -> bool:
        """One name has identifying words the other lacks (a dropped city)."""
        return bool(self.extra_left or self.extra_right) and not self.conflict

    @property
    def generic_conflict(self) -> bool:
        """The names say different lines of business ("Trading" / "Electronics")."""
        return bool(self.generic_left and self.generic_right)

    @property
    def generic_omission(self) -> bool:
        return bool(self.generic_left or self.generic_right) and not self.generic_conflict


@dataclass(frozen=True)
class Comparison:
    score: float
    features: dict[str, float]
    explanation: str


# -- names ---------------------------------------------------------------------


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
            return _SIM_SWAPPED, _KIND_SAME
    sim = _typo_similarity(a, b)
    if sim and len(a) == len(b) and is_pinyin(a) and is_pinyin(b):
        # A letter changed, not dropped: "heng" / "hong" are two characters (恒, 宏),
        # where "tafu" for "taifu" may be a letter left out.
        return sim, _KIND_SYLLABLE
    return sim, _KIND_APPROXIMATE


def _syllables_reordered(
    left: _Name, right: _Name, pairs: list[tuple[tuple[int, ...], tuple[int, ...], float, str]]
) -> bool:
    """Two neighbouring syllables of one name stand in the other order in the other
    name ("Xun Bao" / "Bao Xun", "Sheng Hao" / "豪盛"), or syllables of one trade name
    in another order (`_run_reordered`): in Chinese another name."""
    position = {li[0]: ri[0] for li, ri, _, _ in pairs if len(li) == 1 and len(ri) == 1}
    for i, j in position.items():
        k = position.get(i + 1)
        if (
            k is not None
            and k == j - 1
            and not left.groups[i]
            and not left.groups[i + 1]
            and is_pinyin(left.texts[i])
            and is_pinyin(left.texts[i + 1])
            and len(left.texts[i]) <= _SYLLABLE
            and len(right.texts[k]) <= _SYLLABLE
        ):
            return True
    return _run_reordered(left, right, pairs)


def _run_reordered(
    left: _Name, right: _Name, pairs: list[tuple[tuple[int, ...], tuple[int, ...], float, str]]
) -> bool:
    """Syllables of one trade name stand in another order in the other name, not only
    two neighbours: "Feng Xin Long" / "Xin Long Feng", "兴森盛" / "森盛兴" (a rotation
    a distractor company's name may be). Only syllables written one by one and
    next to each other in both names count (`_Name.syllable_runs`), so a city moved
    to the end ("Huaxin Trading (Shen Zhen)") is not a reordering, and only
    syllables each name has once ("Pu Tian Bo Tian" aligns either "tian")."""
    left_runs, right_runs = left.syllable_runs, right.syllable_runs
    if not any(left_runs) or not any(right_runs):
        return False
    placed = sorted(
        (li[0], ri[0])
        for li, ri, _, _ in pairs
        if len(li) == 1
        and len(ri) == 1
        and left_runs[li[0]]
        and right_runs[ri[0]]
        and len(left.positions[left.texts[li[0]]]) == 1
        and len(right.positions[right.texts[ri[0]]]) == 1
    )
    for n, (i, j) in enumerate(placed):
        for later, k in placed[n + 1 :]:
            if left_runs[later] == left_runs[i] and right_runs[k] == right_runs[j] and k < j:
                return True
    return False


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
            syllable = not group and is_syllable(text)
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


class _Aligner:
    """Greedy alignment of two token sequences, in phases: equal words, words equal
    to a run of words on the other side ("huaxin" / "hua xin", "ru irun" / "rui run"),
    equal words of different kinds, then the most alike remaining pairs. `joined_first`
    puts runs before equal words, for "putian tian long" / "pu tian tian long".
    Tokens used are bits of `used_left` and `used_right`."""

    def __init__(self, left: _Name, right: _Name, joined_first: bool) -> None:
        self.left, self.right = left, right
        self.used_left = 0
        self.used_right = 0
        self.pairs: list[tuple[tuple[int, ...], tuple[int, ...], float, str]] = []
        if joined_first:
            self._joined_equal()
            self._equal(same_kind=True)
        else:
            self._equal(same_kind=True)
            self._joined_equal()
        self._equal(same_kind=False)
        self._approximate()

    def take(self, left: _Span, right: _Span, sim: float, kind: str) -> None:
        self.used_left |= left[_MASK]
        self.used_right |= right[_MASK]
        self.pairs.append((left[_INDEX], right[_INDEX], sim, kind))

    def _equal(self, same_kind: bool) -> None:
        left, right = self.left, self.right
        for i, text in enumerate(left.texts):
            if self.used_left >> i & 1:
                continue
            for j in right.positions.get(text, ()):
                if not self.used_right >> j & 1 and (
                    not same_kind or right.groups[j] == left.groups[i]
                ):
                    self.take(left.spans[i], right.spans[j], 1.0, _KIND_SAME)
                    break

    def _joined_equal(self) -> None:
        by_text = self.right.spans_by_text
        for left in self.left.spans:
            if left[_MASK] & self.used_left:
                continue
            for right in by_text.get(left[_TEXT], ()):
                if (
                    len(left[_INDEX]) + len(right[_INDEX]) > 2
                    and not left[_MASK] & self.used_left
                    and not right[_MASK] & self.used_right
                ):
                    self.take(left, right, 1.0, _KIND_SAME)
                    break

    def _approximate(self) -> None:
        used_left, used_right = self.used_left, self.used_right
        # An identifying word of two or three letters matches only exactly.
        lefts = [sp for sp in self.left.spans if sp[_INEXACT] and not sp[_MASK] & used_left]
        if not lefts:
            return
        by_group: dict[str, list[_Span]] = {}
        for sp in self.right.spans:
            if sp[_INEXACT] and not sp[_MASK] & used_right:
                by_group.setdefault(sp[_GROUP], []).append(sp)
        if not by_group:
            return
        identifying = by_group.get("", [])
        every = [sp for spans in by_group.values() for sp in spans]
        candidates = []
        for left in lefts:
            left_index, _, a, group_a, _ = left
            la = len(a)
            # A generic word meets its synonyms, or a misspelt one read as identifying.
            options = by_group.get(group_a, []) + identifying if group_a else every
            joined = len(left_index) > 1
            for right in options:
                right_index, _, b, group_b, _ = right
                lb = len(b)
                shortest = la if la < lb else lb
                # What `_token_similarity` can find above zero, tested cheaply.
                if group_a and group_b:
                    if group_a != group_b:
                        continue
                elif shortest == 1:
                    if group_a or group_b:
                        continue
                elif shortest < 4 or abs(la - lb) > 2:
                    continue
                if shortest < 4 and (joined or len(right_index) > 1):
                    continue
                sim, kind = _token_similarity(a, group_a, b, group_b)
                if sim > 0:
                    candidates.append((-sim, left_index, right_index, kind, left, right))
        candidates.sort(key=lambda c: c[:4])
        for neg_sim, _, _, kind, left, right in candidates:
            if not left[_MASK] & self.used_left and not right[_MASK] & self.used_right:
                self.take(left, right, -neg_sim, kind)


def _acronym(left: _Name, right: _Name) -> bool:
    """One name is the initials of the other ("DGF" / "DHL Global Forwarding")."""
    return bool(
        (left.short_form and left.short_form == right.first_letters)
        or (right.short_form and right.short_form == left.first_letters)
    )


def _join_possible(left: _Name, right: _Name) -> bool:
    return bool(left.runs & (right.singles | right.runs) or right.runs & left.singles)


def _matched_weight(aligner: _Aligner) -> float:
    total = 0.0
    weights_left, weights_right = aligner.left.weights, aligner.right.weights
    for li, ri, sim, _ in aligner.pairs:
        weight = sum(weights_left[i] for i in li) + sum(weights_right[j] for j in ri)
        total += sim * weight
    return total


def _weights(name: _Name, used: int, silent: frozenset[str]) -> list[float]:
    """Token weights; an unmatched silent word weighs nothing."""
    if not silent:
        return list(name.weights)
    return [
        0.0 if (not used >> i & 1 and text in silent) else weight
        for i, (text, weight) in enumerate(zip(name.texts, name.weights, strict=True))
    ]


def _extra(name: _Name, used: int, silent: frozenset[str]) -> tuple[str, ...]:
    """Unmatched identifying words that are not silent."""
    return tuple(
        text
        for i, (text, group) in enumerate(zip(name.texts, name.groups, strict=True))
        if not used >> i & 1 and not group and text not in silent
    )


def _spare_generic(name: _Name, used: int, other: _Name) -> tuple[str, ...]:
    """Unmatched generic words that say something the other name does not: not
    filler, not a territory, not of a group the other name has ("clock" beside
    "watch")."""
    present = set(other.groups)
    return tuple(
        text
        for i, (text, group) in enumerate(zip(name.texts, name.groups, strict=True))
        if group and not used >> i & 1 and group not in SILENT_GROUPS and group not in present
    )


def _matchable(left: _Name, right: _Name) -> tuple[int, int]:
    """The tokens of each name that `_Aligner` may match (as bit masks): a superset,
    from the same tests. A token is matchable if a span holding it equals a span of
    the other name, or may match one inexactly: a generic word one of its group, a
    letter the initial of a word, a word of four letters or more one of a length at
    most two apart that `_token_similarity` finds alike."""
    matched_left = matched_right = 0
    left_texts, right_texts = left.text_masks, right.text_masks
    for text in left_texts.keys() & right_texts.keys():
        matched_left |= left_texts[text]
        matched_right |= right_texts[text]
    if matched_left == left.every and matched_right == right.every:
        return matched_left, matched_right
    for index, mask_left, a, group, _ in left.inexact:
        size, joined = len(a), len(index) > 1
        if group:
            for other_index, other_mask, b, _, _ in right.generic_by_group.get(group, ()):
                if min(size, len(b)) >= 4 or not (joined or len(other_index) > 1):
                    matched_left |= mask_left
                    matched_right |= other_mask
        elif not joined:
            # "j" / "john": a letter and a word that starts with it.
            mask = right.initials.get(a) if size == 1 else right.letters.get(a[0])
            if mask:
                matched_left |= mask_left
                matched_right |= mask
        if size < 4:
            continue
        for length in range(max(4, size - 2), size + 3):
            for _, other_mask, b, other_group, _ in right.inexact_by_len.get(length, ()):
                if (group and other_group) or (
                    not mask_left & ~matched_left and not other_mask & ~matched_right
                ):
                    continue
                if _token_similarity(a, group, b, other_group)[0] > 0:
                    matched_left |= mask_left
                    matched_right |= other_mask
    return matched_left, matched_right


def _bound_side(name: _Name, matchable: int, silent: frozenset[str]) -> tuple[float, float]:
    """(Most weight the name may get matched, its total weight then)."""
    got = total = 0.0
    for i, (text, weight) in enumerate(zip(name.texts, name.weights, strict=True)):
        if matchable >> i & 1:
            got += weight
            total += weight
        elif text not in silent:
            total += weight
    return got, total


def similarity_bound(
    left_key: str,
    right_key: str,
    silent_left: frozenset[str] = frozenset(),
    silent_right: frozenset[str] = frozenset(),
) -> float:
    """A cheap upper bound of `match_names(...).similarity`: the similarity if every
    matchable token (`_matchable`) were matched, and alike. Counting a token matched
    in a name's weight and in what it got can only raise the ratio of the two, so
    no alignment gets more. Used to skip pairs that cannot reach REVIEW_THRESHOLD."""
    left, right = _name(left_key), _name(right_key)
    if not left.texts or not right.texts or _acronym(left, right):
        return 1.0
    matchable_left, matchable_right = _matchable(left, right)
    got_left, total_left = _bound_side(left, matchable_left, silent_left)
    got_right, total_right = _bound_side(right, matchable_right, silent_right)
    total_left, total_right = total_left or 1.0, total_right or 1.0
    dice = (got_left + got_right) / (total_left + total_right)
    return 0.5 * dice + 0.5 * max(got_left / total_left, got_right / total_right)


def _kinds(forms: frozenset[str]) -> frozenset[str]:
    """The kinds of legal form (`LEGAL_FORM_KINDS`): forms are compared as kinds."""
    return frozenset(LEGAL_FORM_KINDS.get(form, form) for form in forms)


@lru_cache(maxsize=1 << 16)
def match_names(
    left_key: str,
    right_key: str,
    silent_left: frozenset[str] = frozenset(),
    silent_right: frozenset[str] = frozenset(),
) -> NameMatch:
    """Align two comparison forms. `silent_left` / `silent_right`: words that say
    nothing when the other name lacks them (the pinyin of "市" in a name written
    "深圳市..."; see `admin_words`)."""
    left, right = _name(left_key), _name(right_key)
    legal_conflict = bool(left.parts.legal_forms and right.parts.legal_forms) and (
        _kinds(left.parts.legal_forms) != _kinds(right.parts.legal_forms)
    )
    legal_omission = bool(left.parts.legal_forms) != bool(right.parts.legal_forms)
    person_like = left.parts.person_like and right.parts.person_like
    if not left.texts or not right.texts:
        same = 1.0 if left_key == right_key and left_key else 0.0
        return NameMatch(same, (), (), (), (), (), legal_form_conflict=legal_conflict)
    if (left.texts, left.groups) != (right.texts, right.groups) and _acronym(left, right):
        return NameMatch(
            _SIM_ACRONYM, (), (), (), (), (), acronym=True, legal_form_conflict=legal_conflict
        )

    aligner = _Aligner(left, right, joined_first=False)
    if _join_possible(left, right) and (
        left.identifying & ~aligner.used_left or right.identifying & ~aligner.used_right
    ):
        # Equal words first may have taken a syllable that a joined word needed.
        other = _Aligner(left, right, joined_first=True)
        if _matched_weight(other) > _matched_weight(aligner):
            aligner = other
    used_left, used_right = aligner.used_left, aligner.used_right
    weights_left = _weights(left, used_left, silent_left)
    weights_right = _weights(right, used_right, silent_right)
    got_left = got_right = 0.0
    pairs = []
    kinds = set()
    for li, ri, sim, kind in aligner.pairs:
        got_left += sim * sum(weights_left[i] for i in li)
        got_right += sim * sum(weights_right[j] for j in ri)
        pairs.append(
            (
                " ".join(left.texts[i] for i in li),
                " ".join(right.texts[j] for j in ri),
                sim,
            )
        )
        kinds.add(kind)
    total_left, total_right = sum(weights_left) or 1.0, sum(weights_right) or 1.0
    dice = (got_left + got_right) / (total_left + total_right)
    # The better-covered side: a name that drops its city is covered fully by the
    # longer one; two names that differ in a word are each covered partly.
    coverage = max(got_left / total_left, got_right / total_right)
    similarity = 0.5 * dice + 0.5 * coverage
    return NameMatch(
        similarity=round(min(1.0, similarity), 4),
        pairs=tuple(pairs),
        extra_left=_extra(left, used_left, silent_left),
        extra_right=_extra(right, used_right, silent_right),
        generic_left=_spare_generic(left, used_left, right),
        generic_right=_spare_generic(right, used_right, left),
        approximate=_KIND_APPROXIMATE in kinds,
        syllable_changed=_KIND_SYLLABLE in kinds,
        reordered=_syllables_reordered(left, right, aligner.pairs),
        legal_form_conflict=legal_conflict,
        legal_form_omission=legal_omission,
        person_like=person_like,
    )


def name_similarity(a_key: str, b_key: str) -> float:
    """Similarity in [0, 1] of two comparison forms, symmetric; 1.0 for forms that
    differ only in legal form, stopwords, word order or split/joined words."""
    if a_key > b_key:
        a_key, b_key = b_key, a_key
    return match_names(a_key, b_key).similarity


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
    return min(1.0, max(0.0, (similarity - _LIFT_FROM) / (_LIFT_FULL - _LIFT_FROM)))


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
        "script_crossing": crossing,
    }
    return {key: 1.0 for key, on in flags.items() if on}


# Features that cap a score at _CAP_CONFLICT (disagreement), and those that cap a
# pair with no shared artefact at _CAP_AMBIGUOUS (not enough to tell namesakes apart).
_CONFLICTS = (
    "name_conflict",
    "name_reordered",
    "business_conflict",
    "legal_form_conflict",
    "country_conflict",
)
_AMBIGUITIES = (
    "name_omission",
    "name_approximate",
    "name_acronym",
    "business_omission",
    "person_name",
    "place_omission",
)


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
    score = _lifted(min(1.0, similarity), _artefact_strength(_shared(a, b)))
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
    lines them up better; and the reading, if it was taken."""
    silent_a, silent_b = admin_words(a.name), admin_words(b.name)
    names = match_names(a.name_key, b.name_key, silent_a, silent_b)
    read = _reading(a, b)
    if read is None:
        return names, ""
    other = match_names(read.left_key, read.right_key, silent_a, silent_b)
    if other.similarity > names.similarity:
        return other, read.explanation
    return names, ""


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
    if reading:
        features["name_reading"] = 1.0
        evidence.append(reading)
    shared = _shared(a, b)
    for feature, ids in shared.items():
        if ids:
            features[feature] = 1.0
            evidence.append(f"same {feature.removeprefix('shared_')} {_shown(ids[0])}".rstrip())
    artefacts = _artefact_strength(shared)
    country_features, country_notes = _countries(a, b)
    features.update(country_features)

    similarity = names.similarity
    score = _lifted(similarity, artefacts)
    if any(key in features for key in _CONFLICTS):
        score = min(score, _CAP_CONFLICT)
    elif "name_syllable_changed" in features or (
        not artefacts and any(key in features for key in _AMBIGUITIES)
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
    if names.conflict:
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
    if names.legal_form_conflict:
        parts.append("legal forms differ")
    if names.person_like:
        parts.append("a person's name")
    if "script_crossing" in features:
        parts.append("different scripts")
    parts.extend(evidence)
    if not any(key.startswith("shared_") for key in features):
        parts.append("nothing else shared")
    return "; ".join(parts)


# -- decisions over many pairs -------------------------------------------------------

AUTO = "auto"
REVIEW = "review"
# A pair whose names differ in an identifying word (and share nothing) keeps their
# clusters apart only if the names are this unlike: two cities ("Shenzhen" /
# "Shantou" Jiaming Watch) are; a keying error that split a trade name ("Kang
# Run" / "Kng Run") is not.
_BARRING_NAME_SIMILARITY = 0.75


def holds_apart(comparison: Comparison) -> bool:
    """Whether a pair keeps the clusters of its two parties apart: countries, legal
    forms or lines of business that differ; or identifying words that differ with
    nothing shared to say a keying error made them ("Shenzhen" / "Shantou" Jiaming
    Watch: yes; "Snurise" / "Sunirse" Enterprises with one phone: no), in one script
    (rigour reads some place names another way: 厦门 as "sha men", not Xiamen)."""
    features = comparison.features
    if any(key in features for key in _CONFLICTS if key != "name_conflict"):
        return True
    return (
        "name_conflict" in features
        and not _has_artefact(comparison)
        and "script_crossing" not in features
        and features["name_similarity"] < _BARRING_NAME_SIMILARITY
    )


def _has_artefact(comparison: Comparison) -> bool:
    return any(key.startswith("shared_") for key in comparison.features)


# Why a pair scored at or above AUTO_THRESHOLD was held back for review.
HELD_APART = (
    "held back: it would join two entities that a pair of their parties keeps apart "
    "(names, countries, legal forms or trades that differ, or a rejection)"
)
HELD_SEVERAL = (
    "held back: a party of it has several addresses, phones or registration numbers, "
    "may be several companies written alike, and would join two entities"
)


def decide_links(
    scored: Mapping[tuple[str, str], Comparison],
    *,
    linked: Iterable[tuple[str, str]] = (),
    rejected: Iterable[tuple[str, str]] = (),
    several: Collection[str] = frozenset(),
    held: dict[tuple[str, str], str] | None = None,
) -> dict[tuple[str, str], str]:
    """AUTO or REVIEW for every scored pair at or above REVIEW_THRESHOLD.

    Clusters are connected components of auto (and confirmed) links, so one link
    between two namesakes ("Jiaming Watch Co Ltd" of Shenzhen and of Shantou, both
    written without their city) would merge two companies. Links at or above
    AUTO_THRESHOLD are therefore taken strongest first (a shared artefact before a
    name alone, then by score), and one that would join two clusters holding a pair
    that disagrees (see `holds_apart`) or a rejected pair is held back for review.

    `several`: parties that may stand for several companies
    (`PartyProfile.may_be_several`: one name written short, with the addresses or
    phones of each). Such a party shares an artefact with each of them and would
    join their clusters. Its links are taken after all others, once the parties
    that are surely one company have gathered (taken by strength alone, its links
    of 1.0 came first and brought the parties of both companies into its cluster
    one by one); a link of it may then add a party alone to its cluster or bring
    it into another, but one that would join two clusters of several parties each
    is held back for review.

    `held`, when given, is filled with why each pair at or above AUTO_THRESHOLD
    was held back for review (`HELD_APART`, `HELD_SEVERAL`): its score alone does
    not say, and an analyst asked to decide a pair that scores 1.0 needs to know.

    `linked`: pairs already in one cluster (confirmed by an analyst, or auto links
    kept from an earlier run), joined first whatever else; an incremental run passes
    the links of the clusters it touches with the scores of their pairs. `rejected`:
    pairs an analyst rejected; they get no decision and their clusters never join.
    """
    parent: dict[str, str] = {}
    members: dict[str, set[str]] = {}
    barred: dict[str, set[str]] = {}  # root -> nodes its cluster may not join

    def root(x: str) -> str:
        if x not in parent:
            parent[x], members[x], barred[x] = x, {x}, set()
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def join(a: str, b: str, force: bool = False) -> str:
        """Joins the clusters of a and b; why not, if it does not."""
        ra, rb = root(a), root(b)
        if ra == rb:
            return ""
        if not force and barred[ra] & members[rb]:
            return HELD_APART
        if (
            not force
            and (a in several or b in several)
            and len(members[ra]) > 1
            and len(members[rb]) > 1
        ):
            return HELD_SEVERAL
        if len(members[ra]) < len(members[rb]):
            ra, rb = rb, ra
        parent[rb] = ra
        members[ra] |= members.pop(rb)
        barred[ra] |= barred.pop(rb)
        return ""

    refused = {tuple(sorted(pair)) for pair in rejected}
    for a, b in refused:
        barred[root(a)].add(b)
        barred[root(b)].add(a)
    for pair, comparison in scored.items():
        if holds_apart(comparison):
            a, b = pair
            barred[root(a)].add(b)
            barred[root(b)].add(a)
    for a, b in linked:
        join(a, b, force=True)

    decisions: dict[tuple[str, str], str] = {}
    ranked = sorted(
        (
            pair
            for pair, c in scored.items()
            if c.score >= REVIEW_THRESHOLD and tuple(sorted(pair)) not in refused
        ),
        key=lambda pair: (
            pair[0] in several or pair[1] in several,
            -_has_artefact(scored[pair]),
            -scored[pair].score,
            pair,
        ),
    )
    for pair in ranked:
        if scored[pair].score < AUTO_THRESHOLD:
            decisions[pair] = REVIEW
            continue
        why = join(*pair)
        decisions[pair] = REVIEW if why else AUTO
        if why and held is not None:
            held[pair] = why
    return decisions
