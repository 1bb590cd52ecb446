"""Auto and review decisions over many scored pairs."""

from __future__ import annotations

from graph.resolve.comparison import Comparison
from graph.resolve.decide import (
    AUTO,
    HELD_ACROSS,
    HELD_APART,
    HELD_SEVERAL,
    REVIEW,
    decide_links,
)
from graph.resolve.evaluate import connected_components
from graph.resolve.profile import PartyProfile
from graph.resolve.score import compare
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
    held: dict[tuple[str, str], str] = {}
    decisions = decide_links(scores, held=held)
    assert decisions[pair(SHENZHEN, SHENZHEN_BARE)] == AUTO
    assert decisions[pair(SHANTOU, SHANTOU_BARE)] == AUTO
    assert decisions[pair(SHENZHEN_BARE, SHANTOU_BARE)] == REVIEW
    # Held back, and why: its score alone would have made it automatic.
    assert held == {pair(SHENZHEN_BARE, SHANTOU_BARE): HELD_APART}
    clusters = connected_components(
        [p.id for p in PARTIES], [p for p, d in decisions.items() if d == AUTO]
    )
    assert {SHENZHEN.id, SHENZHEN_BARE.id} in clusters
    assert {SHANTOU.id, SHANTOU_BARE.id} in clusters


# Two companies of one trade name in two cities, each also written without its city
# at its own address. Blocking meets the two short forms (one name, a link of 1.0 on
# its own), but not the two cities' names: their trade name is a hub, held by
# namesakes everywhere, so they are never compared.
QUANZHOU = [
    party("Quanzhou Huayuan Industrial Co., Ltd.", addresses=("8 Fengze Street, Quanzhou",)),
    party("Huayuan Industrial Co., Ltd.", addresses=("8 Fengze Street, Quanzhou",)),
]
SHENZHEN_HUAYUAN = [
    party("Shenzhen Huayuan Industry Co Ltd", addresses=("21 Bao'an Road, Shenzhen",)),
    party("HUA-YUAN INDUSTRIAL LIMITED", addresses=("21 Bao'an Road, Shenzhen",)),
]


def test_a_link_is_held_back_when_parties_never_compared_keep_its_entities_apart() -> None:
    short = pair(QUANZHOU[1], SHENZHEN_HUAYUAN[1])
    scores = scored(QUANZHOU) | scored(SHENZHEN_HUAYUAN)
    scores[short] = compare(QUANZHOU[1], SHENZHEN_HUAYUAN[1])
    assert scores[short].score >= 0.9  # alone, the short forms look one company
    everyone = [*QUANZHOU, *SHENZHEN_HUAYUAN]

    def entities(decisions: dict[tuple[str, str], str]) -> list[set[str]]:
        return connected_components(
            [p.id for p in everyone], [p for p, d in decisions.items() if d == AUTO]
        )

    # Without the profiles, each link alone looks right and the two companies merge.
    assert len(entities(decide_links(scores))) == 1
    held: dict[tuple[str, str], str] = {}
    decisions = decide_links(scores, held=held, profiles={p.id: p for p in everyone})
    assert sorted(map(sorted, entities(decisions))) == sorted(
        sorted(p.id for p in city) for city in (QUANZHOU, SHENZHEN_HUAYUAN)
    )
    # The short forms' link is a suggestion, with the pair that keeps it apart.
    assert decisions[short] == REVIEW
    assert list(held) == [short]
    assert held[short].startswith(HELD_ACROSS)
    assert "quanzhou" in held[short] and "shenzhen" in held[short], held[short]


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


# Two companies of one trade name in two cities, each written in two ways, and the
# name written short ("Fuchang Industrial Co., Ltd."), which records of both give,
# each with its own phone and address: one Party node, holding both phones.
DONGGUAN = (
    party("Dongguan Fuchang Industrial Co., Ltd.", phones=("+8676922334455",)),
    party("Fuchang Industrial (Dongguan) Co Ltd", phones=("+8676922334455",)),
)
XIAMEN = (
    party("Xiamen Fuchang Industrial Co., Ltd.", phones=("+8659266778899",)),
    party("XIAMEN FUCHANG INDUSTRIAL CO LIMITED", phones=("+8659266778899",)),
)
WRITTEN_SHORT = party("Fuchang Industrial Co., Ltd.", phones=("+8676922334455", "+8659266778899"))


def test_a_party_that_may_be_several_companies_joins_no_two_of_them() -> None:
    # What blocking gives at 100k records, where the trade name's words are held by
    # too many parties to be keys: pairs sharing a phone, none across the two cities,
    # so no pair says the two companies differ.
    scores = {
        pair(a, b): compare(a, b)
        for group in (DONGGUAN, XIAMEN)
        for i, a in enumerate((*group, WRITTEN_SHORT))
        for b in (*group, WRITTEN_SHORT)[i + 1 :]
    }
    assert all(result.score >= 0.9 for result in scores.values())
    everyone = [p.id for p in (*DONGGUAN, *XIAMEN, WRITTEN_SHORT)]

    def clusters(decisions: dict[tuple[str, str], str]) -> list[set[str]]:
        return connected_components(everyone, [p for p, d in decisions.items() if d == AUTO])

    # Without knowing it may be several, the short name joins the two companies.
    assert len(clusters(decide_links(scores))) == 1
    assert WRITTEN_SHORT.may_be_several
    assert not any(p.may_be_several for p in (*DONGGUAN, *XIAMEN))
    held: dict[tuple[str, str], str] = {}
    decisions = decide_links(scores, several={WRITTEN_SHORT.id}, held=held)
    found = clusters(decisions)
    assert {DONGGUAN[0].id, DONGGUAN[1].id} <= next(c for c in found if DONGGUAN[0].id in c)
    assert {XIAMEN[0].id, XIAMEN[1].id} <= next(c for c in found if XIAMEN[0].id in c)
    assert not any({DONGGUAN[0].id, XIAMEN[0].id} <= c for c in found)
    # It joins one of them; its links to the other wait for an analyst.
    short_links = {p: d for p, d in decisions.items() if WRITTEN_SHORT.id in p}
    assert AUTO in short_links.values()
    assert REVIEW in short_links.values()
    assert held == {p: HELD_SEVERAL for p, d in short_links.items() if d == REVIEW}
    assert len(found) == 2


def test_a_party_that_may_be_several_still_gathers_single_parties() -> None:
    # One company, its short name with two phones (a move): every spelling that is
    # alone joins it.
    alone = party("Fu Chang Industrial Co Ltd", phones=("+8676922334455",))
    other = party("FUCHANG INDUSTRY COMPANY LIMITED", phones=("+8659266778899",))
    assert len({WRITTEN_SHORT.id, alone.id, other.id}) == 3
    scores = {
        pair(a, b): compare(a, b) for a, b in ((WRITTEN_SHORT, alone), (WRITTEN_SHORT, other))
    }
    decisions = decide_links(scores, several={WRITTEN_SHORT.id})
    assert set(decisions.values()) == {AUTO}


def test_a_party_that_may_be_several_is_linked_after_the_others() -> None:
    # Its links score highest (the same short name, a shared phone each); taken
    # first, they would bring both companies' parties in one by one, each alone.
    short, x1, x2, y1, y2 = "s", "x1", "x2", "y1", "y2"

    def shared(score: float) -> Comparison:
        return Comparison(score, {"name_similarity": score, "shared_phone": 1.0}, "")

    scores = {
        (short, x1): shared(1.0),
        (short, x2): shared(1.0),
        (short, y1): shared(1.0),
        (short, y2): shared(1.0),
        (x1, x2): shared(0.95),
        (y1, y2): shared(0.95),
    }
    decisions = decide_links(scores, several={short})
    found = connected_components(
        [short, x1, x2, y1, y2], [p for p, d in decisions.items() if d == AUTO]
    )
    assert sorted(map(sorted, found)) == [["s", "x1", "x2"], ["y1", "y2"]]


def test_parties_that_may_be_several_join_the_company_before_each_other() -> None:
    # One company with two phones: three of its spellings carry both (several), two
    # carry one. Two of the several ones score highest together; paired off first,
    # they would form a cluster of two that the company's cluster may not join.
    s1, s2, s3, x1, x2 = "s1", "s2", "s3", "x1", "x2"

    def shared(score: float) -> Comparison:
        return Comparison(score, {"name_similarity": score, "shared_phone": 1.0}, "")

    scores = {
        (s1, s2): shared(1.0),
        (s1, s3): shared(0.999),
        (s2, s3): shared(0.999),
        (s1, x1): shared(0.995),
        (s2, x1): shared(0.995),
        (s3, x2): shared(0.99),
        (x1, x2): shared(0.99),
    }
    decisions = decide_links(scores, several={s1, s2, s3})
    found = connected_components(
        [s1, s2, s3, x1, x2], [p for p, d in decisions.items() if d == AUTO]
    )
    assert sorted(map(sorted, found)) == [["s1", "s2", "s3", "x1", "x2"]]
