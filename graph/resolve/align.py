"""How two comparison forms line up, token by token (`match_names`).

Names are compared on their comparison forms (`ingest.normalise.names.comparison_form`:
rigour's normalisation, legal-form table and transliteration), token by token and
order-free: tokens that are equal, that are the same word split or joined ("hua xin"
/ "huaxin": rigour writes Han as syllable-separated pinyin), or alike by
`graph.resolve.tokens`. What is left says how the names differ: identifying words
one name lacks (a dropped city) or both have (another company), generic words of
another line of business, legal forms of another kind, syllables in another order,
and words that tell a company from its namesake ("Group", "Holding"). A cheap upper
bound of the similarity (`similarity_bound`) lets the scorer skip pairs that cannot
be linked.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from graph.resolve.profile import LEGAL_FORM_KINDS, SILENT_GROUPS, is_chinese_syllable, is_pinyin
from graph.resolve.tokens import (
    _GROUP,
    _INDEX,
    _INEXACT,
    _KIND_APPROXIMATE,
    _KIND_SAME,
    _KIND_SYLLABLE,
    _MASK,
    _SIM_ACRONYM,
    _SYLLABLE,
    _TEXT,
    _Name,
    _name,
    _Span,
    _token_similarity,
)

__all__ = [
    "DISTINGUISHING_WORDS",
    "NameMatch",
    "match_names",
    "name_similarity",
    "similarity_bound",
]


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
    # Words that tell a company from its namesake when one name only has them
    # ("Group", "Holding", "International"): see `DISTINGUISHING_WORDS`.
    distinguishing: tuple[str, ...] = ()

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
            and is_chinese_syllable(left.texts[i])
            and is_chinese_syllable(left.texts[i + 1])
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


# Generic groups that say nothing of what a business does: filler, a territory,
# and an international reach ("KCMC INTERNATIONAL" beside 立盈貿易 is no other line of
# business; it is weighed as a distinguishing word, `DISTINGUISHING_WORDS`).
_NO_LINE_OF_BUSINESS: Final = SILENT_GROUPS | {"international"}


def _spare_generic(name: _Name, used: int, other: _Name) -> tuple[str, ...]:
    """Unmatched generic words that say something the other name does not: a line
    of business (`_NO_LINE_OF_BUSINESS`), not of a group the other name has
    ("clock" beside "watch")."""
    present = set(other.groups)
    return tuple(
        text
        for i, (text, group) in enumerate(zip(name.texts, name.groups, strict=True))
        if group
        and not used >> i & 1
        and group not in _NO_LINE_OF_BUSINESS
        and group not in present
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
    # A letter changed in a pinyin word is another Chinese syllable, so another
    # name, only in names written in pinyin: "DEFENCE" / "DEFENSE" read as
    # de-fen-ce / de-fen-se by chance, beside ORGANISATION, are one spelt two ways.
    chinese = _KIND_SYLLABLE in kinds and _in_pinyin(left) and _in_pinyin(right)
    return NameMatch(
        similarity=round(min(1.0, similarity), 4),
        pairs=tuple(pairs),
        extra_left=_extra(left, used_left, silent_left),
        extra_right=_extra(right, used_right, silent_right),
        generic_left=_spare_generic(left, used_left, right),
        generic_right=_spare_generic(right, used_right, left),
        approximate=_KIND_APPROXIMATE in kinds or (_KIND_SYLLABLE in kinds and not chinese),
        syllable_changed=_KIND_SYLLABLE in kinds and chinese,
        reordered=_syllables_reordered(left, right, aligner.pairs),
        legal_form_conflict=legal_conflict,
        legal_form_omission=legal_omission,
        person_like=person_like,
        distinguishing=_distinguishing(left, used_left)
        + _distinguishing(right, used_right)
        + _distinguishing_matched(left, right, aligner),
    )


# Words that say a company is not its namesake when one name only has them, or has
# another of them: a group or holding company and the company it holds, an
# international arm and the local one ("Toyo Group" / "Toyo", "Summit Trading
# Group" / "Summit Trading Holdings"). Words of `graph.resolve.profile` groups that
# otherwise say nothing missing (filler) or weigh as a line of business; each
# matches only the words of its family here (written short, in pinyin).
_DISTINGUISHING_FAMILIES: Final = (
    ("group", "groups", "jituan"),
    ("holding", "holdings", "konggu"),
    ("international", "intl", "guoji"),
    ("global",),
    ("worldwide",),
)
_FAMILY: Final = {word: n for n, words in enumerate(_DISTINGUISHING_FAMILIES) for word in words}
DISTINGUISHING_WORDS: Final = frozenset(_FAMILY)


def _in_pinyin(name: _Name) -> bool:
    """Whether every identifying word of a name reads as pinyin syllables."""
    return all(is_pinyin(text) for text in name.parts.identifying)


def _distinguishing(name: _Name, used: int) -> tuple[str, ...]:
    """Distinguishing words of a name that no word of the other name matched."""
    return tuple(
        text
        for i, text in enumerate(name.texts)
        if not used >> i & 1 and text in DISTINGUISHING_WORDS
    )


def _families(name: _Name) -> list[int | None]:
    """The distinguishing family of each token: a word of one, or a run of tokens
    of one generic group that joined is one ("guo ji")."""
    out: list[int | None] = [_FAMILY.get(text) for text in name.texts]
    start = 0
    while start < len(name.texts):
        end = start + 1
        while end < len(name.texts) and name.groups[end] == name.groups[start]:
            end += 1
        family = _FAMILY.get("".join(name.texts[start:end])) if name.groups[start] else None
        if family is not None:
            out[start:end] = [family] * (end - start)
        start = end
    return out


def _distinguishing_matched(left: _Name, right: _Name, aligner: _Aligner) -> tuple[str, ...]:
    """Distinguishing words matched to a word of another family ("group" to
    "partners" or "holdings", synonyms among filler words otherwise)."""
    families_left, families_right = _families(left), _families(right)
    found: list[str] = []
    for li, ri, _, _ in aligner.pairs:
        family_a, family_b = families_left[li[0]], families_right[ri[0]]
        if (family_a is not None or family_b is not None) and family_a != family_b:
            found.extend(
                " ".join(name.texts[i] for i in index)
                for name, index, family in ((left, li, family_a), (right, ri, family_b))
                if family is not None
            )
    return tuple(found)


def name_similarity(a_key: str, b_key: str) -> float:
    """Similarity in [0, 1] of two comparison forms, symmetric; 1.0 for forms that
    differ only in legal form, stopwords, word order or split/joined words."""
    if a_key > b_key:
        a_key, b_key = b_key, a_key
    return match_names(a_key, b_key).similarity
