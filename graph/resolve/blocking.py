"""Blocking: the keys under which two parties may be compared at all.

Resolution compares only parties that share a key, never every pair. Keys come
from the identifying words of a name (generic words and legal forms left out, see
`graph.resolve.profile.GENERIC_WORDS`) and from identity artefacts (the ids of
Address, Phone, Email and Identifier nodes):

- `tok:<word>`: an identifying word of three letters or more; runs of short words
  are also joined, so that rigour's syllable-separated pinyin of a Chinese name
  ("hua xin") meets the joined spelling ("huaxin");
- `ph:<metaphone>`: rigour's metaphone of an identifying word of four letters or
  more, so that a keying error ("hauxin") meets the word ("huaxin");
- `del:<word>`, `del:<word less one letter>`: an identifying word (or run of two
  syllables) of five letters or more and each of its one-letter deletions, for the
  keying errors metaphone does not absorb (a dropped letter meets the word, a swap
  meets it through a common deletion);
- `pair:<word>|<word>`: two identifying words of one name that do not overlap
  ("huaxin|shenzhen"): selective where a trade name alone is shared by namesakes
  in many cities and a city by thousands of companies;
- `name:<words>`: the whole name, for a name made only of generic words, and its
  words but the fillers ("and", "of", "company": `graph.resolve.profile`'s
  "filler" group) for a name of two words or more, whose identifying words may
  all be hubs ("Iran");
- `acr:<letters>`: a short name ("DGF", "K+N") and the initials of a name of two
  to five words ("DHL Global Forwarding");
- `art:<node id>` / `art:id:<value>`: an artefact node, and a registration number
  under any country (the loader writes "id:XX:<value>" for a party without one).

A key shared by more than `max_block` parties (a city name, a hub forwarder's
phone) says little and would make the work quadratic: such blocks are skipped. A
Latin name has about twenty keys, a Chinese one up to about seventy (its syllables
join in several ways).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from itertools import combinations

from rigour.text.phonetics import metaphone

from graph.resolve.persons import person_block_keys, person_shaped
from graph.resolve.profile import PartyProfile, is_pinyin, is_syllable, name_parts
from graph.resolve.readings import reading_block_keys

__all__ = [
    "DEFAULT_MAX_BLOCK",
    "MAX_LISTED",
    "artefact_keys",
    "blocking_keys",
    "candidate_pairs",
    "holders_of",
    "name_keys",
]

# Parties per key above which a key is a hub, not evidence. A trade name is shared
# by a company's name variants and a few namesakes in other cities (tens); a city
# or a frequent word is shared by hundreds.
DEFAULT_MAX_BLOCK = 30
# Parties per key above which a `BlockKey` stops listing its holders: it is a hub
# for resolution (`DEFAULT_MAX_BLOCK`) and for `/match`'s wider look
# (`graph.resolve.match.WIDE_BLOCK`) alike, and rewriting its list (a city's key
# holds thousands of parties at 100k records) was most of an incremental run's
# writing. It stays a hub: `parties` is then `MAX_LISTED + 1`, its list empty.
MAX_LISTED = 1000
# Shortest word that is a key by itself; shorter ones only as part of a joined run.
_MIN_TOKEN = 3
# Shortest word given a phonetic key (metaphone of a short word collides widely).
_MIN_PHONETIC = 4
# Words of at least this length also get every one-letter deletion as a key
# (`del:`): a dropped, added or swapped letter leaves one deletion in common
# ("chngbao" / "chengbao", "shengtegn" / "shengteng"), where metaphone may differ.
_MIN_DELETION = 5
# Pinyin syllables are at most six letters ("zhuang"); runs of up to three short
# words are joined ("hua xin da" -> "huaxinda").
_SYLLABLE = 6
_MAX_RUN = 3
# Shortest word (or joined run) that enters a `pair:` key.
_MIN_PAIR_WORD = 4
# Generic words that say nothing of a name ("and", "of", "company"): left out of
# its `name:` key.
_FILLER = "filler"
# Longest acronym looked for ("DGF", "K+N").
_MAX_ACRONYM = 5


def _spans(words: list[str]) -> list[tuple[int, int, str]]:
    """(start, end, text) of every word and every run of 2.._MAX_RUN short words
    joined ("hua xin" -> "huaxin")."""
    out = [(i, i + 1, w) for i, w in enumerate(words)]
    for start in range(len(words)):
        joined = words[start]
        if len(joined) > _SYLLABLE:
            continue
        for end in range(start + 1, min(len(words), start + _MAX_RUN)):
            if len(words[end]) > _SYLLABLE:
                break
            joined += words[end]
            out.append((start, end + 1, joined))
    return out


def _pair_keys(spans: list[tuple[int, int, str]]) -> set[str]:
    """Two words of one name that do not overlap ("huaxin" with "shenzhen"): a key far
    more selective than either word, for when each alone is shared by many names."""
    words = [
        (start, end, text)
        for start, end, text in spans
        if end - start > 1 or (len(text) >= _MIN_PAIR_WORD and not is_syllable(text))
    ]
    keys = set()
    for i, (start_a, end_a, a) in enumerate(words):
        for start_b, end_b, b in words[i + 1 :]:
            if end_a <= start_b or end_b <= start_a:
                keys.add(f"pair:{min(a, b)}|{max(a, b)}")
    return keys


def _acronym_key(words: list[str]) -> str | None:
    """The acronym key of a name: "acr:dgf" for "DGF" and for "DHL Global
    Forwarding", "acr:kn" for "K+N"."""
    if len(words) == 1 and 2 <= len(words[0]) <= _MAX_ACRONYM:
        return f"acr:{words[0]}"
    if 2 <= len(words) <= _MAX_ACRONYM and all(len(w) == 1 for w in words):
        return f"acr:{''.join(words)}"
    if 2 <= len(words) <= _MAX_ACRONYM and not any(is_pinyin(w) for w in words):
        # Initials of a Chinese name in pinyin are no one's acronym, and would make
        # large blocks of unrelated names.
        return f"acr:{''.join(w[0] for w in words)}"
    return None


def name_keys(profile: PartyProfile) -> set[str]:
    """Name-derived blocking keys of a party; deterministic, prefixed strings."""
    parts = name_parts(profile.name_key)
    everything = list(parts.texts)
    acronym = _acronym_key(everything)
    keys = {acronym} if acronym else set()
    keys |= reading_block_keys(profile.name, profile.name_key, profile.country)
    if person_shaped(profile.name, profile.name_key):
        keys |= person_block_keys(profile.name)
    words = list(parts.identifying)
    said = [text for text, group in zip(parts.texts, parts.groups, strict=True) if group != _FILLER]
    if len(said) > 1 or (said and not words):
        # The name's words but its fillers: "Worldwide Shipping & Transportation" meets
        # "... and Transportation", "Iran Electronic Development" meets "... Co.",
        # where every identifying word, if any, is a hub.
        keys.add(f"name:{' '.join(said)}")
    if not words:
        whole = " ".join(everything)
        if whole:
            keys.add(f"name:{whole}")
        return keys
    spans = _spans(words)
    terms = {text for start, end, text in spans if end - start > 1 or len(text) >= _MIN_TOKEN}
    keys.update(f"tok:{t}" for t in terms)
    keys.update(_pair_keys(spans))
    # Keying errors are looked for in words and in runs of two syllables (a trade
    # name); longer runs mostly join a place to a trade name.
    typed = {text for start, end, text in spans if end - start <= 2 and text in terms}
    keys.update(f"ph:{metaphone(t)}" for t in typed if len(t) >= _MIN_PHONETIC)
    for term in typed:
        if len(term) >= _MIN_DELETION:
            keys.add(f"del:{term}")
            keys.update(f"del:{term[:i]}{term[i + 1 :]}" for i in range(len(term)))
    return keys


def artefact_keys(profile: PartyProfile) -> set[str]:
    """Artefact-derived blocking keys: the artefact node ids, and registration
    numbers by value."""
    keys = {
        f"art:{node_id}"
        for group in (profile.addresses, profile.phones, profile.emails, profile.identifiers)
        for node_id in group
    }
    for node_id in profile.identifiers:
        value = node_id.split(":", 2)[-1]
        keys.add(f"art:id:{value}")
    return keys


def blocking_keys(profile: PartyProfile) -> set[str]:
    """Every blocking key of a party: what the graph stores and indexes per Party."""
    return name_keys(profile) | artefact_keys(profile)


def holders_of(keys_of: Mapping[str, Iterable[str]]) -> dict[str, list[str]]:
    """Key -> the parties holding it (in id order), from party id -> its keys."""
    holders: dict[str, list[str]] = defaultdict(list)
    for party in sorted(keys_of):
        for key in keys_of[party]:
            holders[key].append(party)
    return holders


def candidate_pairs(
    profiles: Iterable[PartyProfile], *, max_block: int = DEFAULT_MAX_BLOCK
) -> set[tuple[str, str]]:
    """Pairs (smaller id first) of parties that share a blocking key held by at
    most `max_block` parties."""
    blocks = holders_of({profile.id: blocking_keys(profile) for profile in profiles})
    pairs: set[tuple[str, str]] = set()
    for members in blocks.values():
        if 1 < len(members) <= max_block:
            pairs.update(combinations(members, 2))
    return pairs
