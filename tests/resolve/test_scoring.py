"""Skipping pairs that cannot be linked changes no decision.

`may_review` says a pair cannot reach REVIEW_THRESHOLD without comparing its names
in full (`similarity_bound`); `compare_within` compares the skipped pairs that could
still keep two clusters apart. Checked over every candidate pair of a generated
corpus, and over arbitrary names.
"""

from __future__ import annotations

import gc

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.heap import paused_gc
from graph.resolve.blocking import candidate_pairs
from graph.resolve.decide import decide_links
from graph.resolve.evaluate import Corpus
from graph.resolve.match import _best, _candidates, _Found
from graph.resolve.profile import PartyProfile
from graph.resolve.score import (
    BOUND_MARGIN,
    REVIEW_THRESHOLD,
    Comparison,
    admin_words,
    compare,
    match_names,
    may_review,
    score_bound,
    similarity_bound,
)
from graph.resolve.scoring import Scorer, compare_within, score_pairs
from ingest.normalise import comparison_form
from tests.resolve import generated_corpus, party

RECORDS = 1500
SEED = 11


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    return generated_corpus(tmp_path_factory, RECORDS, SEED)


def _bound_holds(a: PartyProfile, b: PartyProfile) -> None:
    silent_a, silent_b = admin_words(a.name), admin_words(b.name)
    bound = similarity_bound(a.name_key, b.name_key, silent_a, silent_b)
    similarity = match_names(a.name_key, b.name_key, silent_a, silent_b).similarity
    # The similarity is rounded to four places.
    assert similarity <= bound + 5e-5, (a.name, b.name, similarity, bound)
    score = compare(a, b).score
    assert score <= score_bound(a, b) + BOUND_MARGIN, (a.name, b.name, score)
    if not may_review(a, b):
        assert score < REVIEW_THRESHOLD, (a.name, b.name)


def test_the_bound_holds_for_every_candidate_pair(corpus: Corpus) -> None:
    by_id = {p.id: p for p in corpus.profiles}
    pairs = sorted(candidate_pairs(corpus.profiles))
    for x, y in pairs:
        _bound_holds(by_id[x], by_id[y])
        _bound_holds(by_id[y], by_id[x])
    # And it is worth having: most candidate pairs are skipped.
    skipped = sum(1 for x, y in pairs if not may_review(by_id[x], by_id[y]))
    assert skipped > 0.5 * len(pairs), (skipped, len(pairs))


def test_skipping_changes_no_decision(corpus: Corpus) -> None:
    by_id = {p.id: p for p in corpus.profiles}
    pairs = sorted(candidate_pairs(corpus.profiles))
    everything: dict[tuple[str, str], Comparison] = {}
    for pair in pairs:
        result = compare(by_id[pair[0]], by_id[pair[1]])
        everything[pair] = result
    # Half of the links taken as given (as an incremental run passes them).
    linked = sorted(p for p, d in decide_links(everything).items() if d == "auto")[::2]

    part = score_pairs(by_id, pairs)
    assert part.skipped and len(part.kept) + len(part.skipped) <= len(pairs)
    kept = dict(part.kept)
    within = compare_within(by_id, part.skipped, kept, linked)
    kept.update(within)
    assert within  # some skipped pairs do keep clusters apart
    assert decide_links(kept, linked=linked) == decide_links(everything, linked=linked)
    assert decide_links(kept) == decide_links(everything)


def test_a_skipped_pair_still_keeps_clusters_apart() -> None:
    # One name in China, in Hong Kong, and with no country: the third could be
    # either, but not both, since the first two are different companies. The pair
    # of those two cannot be linked, so it is skipped, and is compared after.
    mainland = party("Jiaming Watch Co Ltd", "CN", phones=("+8675512345678",))
    hong_kong = party("Jiaming Watch Co Ltd", "HK", phones=("+85221234567",))
    nowhere = party("Jiaming Watch Co Ltd", None)
    by_id = {p.id: p for p in (mainland, hong_kong, nowhere)}

    def pair(x: PartyProfile, y: PartyProfile) -> tuple[str, str]:
        return (x.id, y.id) if x.id < y.id else (y.id, x.id)

    pairs = sorted([pair(mainland, hong_kong), pair(mainland, nowhere), pair(hong_kong, nowhere)])
    everything = {pair: compare(by_id[pair[0]], by_id[pair[1]]) for pair in pairs}
    part = score_pairs(by_id, pairs)
    apart = pair(mainland, hong_kong)
    assert part.skipped == [apart]
    assert decide_links(dict(part.kept)) != decide_links(everything)  # it matters
    kept = dict(part.kept)
    kept.update(compare_within(by_id, part.skipped, kept))
    assert apart in kept
    decisions = decide_links(kept)
    assert decisions == decide_links(everything)
    assert sorted(decisions.values()) == ["auto", "review"]


def test_workers_skip_what_the_caller_skips(corpus: Corpus) -> None:
    by_id = {p.id: p for p in corpus.profiles}
    pairs = sorted(candidate_pairs(corpus.profiles))[:5000]
    with Scorer(2) as scorer:
        scorer.submit(by_id, pairs)
        parts = list(scorer.drain())
    here = score_pairs(by_id, pairs)
    assert [p for part in parts for p in part.skipped] == here.skipped
    assert [p for part in parts for p in part.kept] == here.kept


WORDS = ["Shenzhen", "Huaxin", "Hua", "Xin", "Hauxin", "Huaxing", "Trading", "Trade", "Co"]
WORDS += ["Ltd", "HK", "深圳", "华信", "贸易", "有限公司", "市", "Imp", "Import", "&", "Exp"]
WORDS += ["J", "John", "Jon", "Smith", "GmbH", "Müller", "Mueller", "D", "G", "F", "DGF"]
WORDS += ["Global", "Forwarding", "Electronics", "Watch", "Watches", "Heng", "Hong", "Tian"]
names = st.one_of(
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=6).map(" ".join),
    st.text(min_size=1, max_size=30),
)


@settings(max_examples=1500, deadline=None)
@given(names, names)
def test_the_bound_holds_for_arbitrary_names(a: str, b: str) -> None:
    if not comparison_form(a) or not comparison_form(b):
        return
    _bound_holds(party(a, "CN"), party(b, "CN"))
    _bound_holds(party(a, None), party(b, "CN"))
    _bound_holds(party(a, "HK", phones=("+85221234567",)), party(b, None, phones=("+85221234567",)))


@pytest.mark.parametrize("limit", [1, 5, 20])
def test_match_compares_only_what_can_change_the_answer(corpus: Corpus, limit: int) -> None:
    """`/match` ranks the same entities, with the same best members and scores, as
    comparing every candidate would (entities: the true ones of the corpus)."""
    profiles = sorted(corpus.profiles, key=lambda p: p.id)
    known = {p.id: (p, corpus.truth.get(p.id, p.id)) for p in profiles}
    by_key: dict[str, list[str]] = {}
    for p in profiles:
        for word in p.name_key.split():
            by_key.setdefault(word, []).append(p.id)
    for query in profiles[::40]:
        ids = {pid for word in query.name_key.split() for pid in by_key[word][:60]}
        found = _best(query, ids, known, _Found(), limit)
        everything: dict[str, tuple[float, str]] = {}
        for pid in ids:
            party, cluster = known[pid]
            held = everything.get(cluster)
            score = compare(query, party).score
            if held is None or (score, pid) > held:
                everything[cluster] = (score, pid)
        expected = sorted(everything.items(), key=lambda item: (-item[1][0], item[0]))[:limit]
        got = _candidates(found, 0.9, limit)
        assert [(c.entity_id, (c.score, c.party_id)) for c in got] == expected


def test_the_cycle_collector_is_paused_for_a_run_and_left_as_it_was() -> None:
    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
        with paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), paused_gc():
        raise RuntimeError("a run that fails")
    assert gc.isenabled()
