"""Auto and review decisions over many scored pairs."""

from __future__ import annotations

from graph.resolve.evaluate import connected_components
from graph.resolve.profile import PartyProfile
from graph.resolve.score import AUTO, REVIEW, Comparison, compare, decide_links
from tests.resolve import party

SHENZHEN = party("Shenzhen Jiaming Watch Co., Ltd.", phones=("+8675512345678",))
SHENZHEN_BARE = party("Jiaming Watch Co Ltd", phones=("+8675512345678",))
SHANTOU = party("Shantou Jiaming Watch Co., Ltd.", phones=("+8675487654321",))
SHANTOU_BARE = party("Jiaming Clock & Watch Company Limited", phones=("+8675487654321",))
PARTIES = [SHENZHEN, SHENZHEN_BARE, SHANTOU, SHANTOU_BARE]


def scored(parties: list[PartyProfile]) -> dict[tuple[str, str], Comparison]:
    out = {}
    for i, a in enumerate(parties):
        for b in parties[i + 1 :]:
            pair = (min(a.id, b.id), max(a.id, b.id))
            out[pair] = compare(a, b)
    return out


def pair(a: PartyProfile, b: PartyProfile) -> tuple[str, str]:
    return (min(a.id, b.id), max(a.id, b.id))


def test_namesakes_without_their_city_do_not_merge_two_companies() -> None:
    scores = scored(PARTIES)
    # Each pair alone looks right: the two city-less names are the same words.
    assert scores[pair(SHENZHEN, SHENZHEN_BARE)].score >= 0.9
    assert scores[pair(SHENZHEN_BARE, SHANTOU_BARE)].score >= 0.9
    decisions = decide_links(scores)
    assert decisions[pair(SHENZHEN, SHENZHEN_BARE)] == AUTO
    assert decisions[pair(SHANTOU, SHANTOU_BARE)] == AUTO
    assert decisions[pair(SHENZHEN_BARE, SHANTOU_BARE)] == REVIEW
    clusters = connected_components(
        [p.id for p in PARTIES], [p for p, d in decisions.items() if d == AUTO]
    )
    assert {SHENZHEN.id, SHENZHEN_BARE.id} in clusters
    assert {SHANTOU.id, SHANTOU_BARE.id} in clusters


def test_rejected_pairs_get_no_decision_and_stay_apart() -> None:
    scores = scored(PARTIES)
    rejected = pair(SHENZHEN, SHENZHEN_BARE)
    decisions = decide_links(scores, rejected=[rejected[::-1]])
    assert rejected not in decisions
    clusters = connected_components(
        [p.id for p in PARTIES], [p for p, d in decisions.items() if d == AUTO]
    )
    assert not any({SHENZHEN.id, SHENZHEN_BARE.id} <= c for c in clusters)


def test_linked_pairs_join_first() -> None:
    scores = scored(PARTIES)
    # An analyst confirmed the two city-less names as one company: then only one of
    # the two city-named companies can join that cluster.
    decisions = decide_links(scores, linked=[pair(SHANTOU_BARE, SHENZHEN_BARE)])
    outcomes = [decisions[pair(SHENZHEN, SHENZHEN_BARE)], decisions[pair(SHANTOU, SHANTOU_BARE)]]
    assert sorted(outcomes) == [AUTO, REVIEW]


def test_below_review_gets_no_decision() -> None:
    scores = scored([SHENZHEN, party("Ningbo Kaijie Industrial Co Ltd")])
    assert decide_links(scores) == {}
