"""The analyst's loop on the real store: the review queue, judgements in effect at once
(entities and networks answer them on the next request), and neither undone by an
incremental or a full resolve."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from graph.access import OPERATOR, Viewer
from graph.analysis.networks import build_networks, network_of
from graph.cursor import InvalidCursor
from graph.errors import NotFound
from graph.model import LinkStatus
from graph.pipeline import judge_and_update
from graph.resolve.entities import entity
from graph.resolve.judgements import Judgement, judge
from graph.resolve.service import party_clusters, resolve
from graph.resolve.suggestions import QueueSort, review_queue
from graph.store import GraphStore
from ingest.normalised import party_identity
from tests.factories import load_records, seizure_record

PHONE = "+86 755 1234 5678"
HUAXIN = (
    "Shenzhen Huaxin Trading Co., Ltd.",
    "Huaxin Trading (Shenzhen) Co Ltd",
    "深圳华信贸易有限公司",
)
# Pairs that score between the thresholds: suggestions for an analyst.
SUGGESTED = (
    ("Guangzhou Meili Garments Co Ltd", "Guangzhou Meili Garment Factory"),
    ("Jiemei Watch Co Ltd", "Shenzhen Jie-Mei Watch Co., Ltd."),
)
SHORT = "Huaxin Trading Co Ltd"  # a suggestion against the Huaxin entity


def pid(name: str, country: str = "CN") -> str:
    return party_identity(name, country).id


def records() -> list[dict[str, Any]]:
    out = []
    for number, name in enumerate(HUAXIN):
        out.append(
            seizure_record(
                agency=("HK-CED", "US-CBP", "CN-GACC")[number],
                seizure_date=f"2024-0{number + 1}-10",
                shipper={"name": name, "country": "CN", "phone": PHONE},
                consignee={"name": f"Pacific Receivers {number} LLC", "country": "US"},
            )
        )
    out.append(
        seizure_record(
            seizure_date="2024-06-01",
            shipper={"name": SHORT, "country": "CN"},
            consignee={"name": "Lone Star Wholesale Inc", "country": "US"},
        )
    )
    for number, (left, right) in enumerate(SUGGESTED):
        for offset, name in enumerate((left, right)):
            out.append(
                seizure_record(
                    agency="EU-NL",
                    seizure_date=f"2023-0{2 * number + offset + 1}-05",
                    shipper={"name": name, "country": "CN"},
                )
            )
    return out


@pytest.fixture
def loop(store: GraphStore, tmp_path: Path) -> GraphStore:
    load_records(store, tmp_path, records())
    resolve(store)
    build_networks(store)
    return store


def members(store: GraphStore, party: str) -> set[str]:
    return {row["id"] for row in entity(store, OPERATOR, party).members}


def queue_pairs(
    store: GraphStore, viewer: Viewer = OPERATOR, **options: Any
) -> list[tuple[str, str]]:
    """Every pending pair, page by page (two per page), in the listing's order."""
    pairs: list[tuple[str, str]] = []
    cursor = None
    while True:
        page = review_queue(store, viewer, limit=2, cursor=cursor, **options)
        pairs += [(item.a.party, item.b.party) for item in page.items]
        cursor = page.next_cursor
        if cursor is None:
            assert len(pairs) == page.total
            return pairs


def test_the_queue_lists_every_pending_link_once_in_its_order(loop: GraphStore) -> None:
    stored = {
        (row["a"], row["b"])
        for row in loop.read(
            "MATCH (a:Party)-[s:SAME_AS]->(b:Party) WHERE s.status = 'suggested' "
            "RETURN a.id AS a, b.id AS b"
        )
    }
    assert len(stored) >= 3
    for sort in QueueSort:
        listed = queue_pairs(loop, sort=sort)
        assert len(listed) == len(set(listed)) and set(listed) == stored, sort
    by_score = review_queue(loop, OPERATOR, sort=QueueSort.SCORE, limit=100).items
    scores = [item.score or 0.0 for item in by_score]
    assert scores == sorted(scores, reverse=True)
    by_recent = review_queue(loop, OPERATOR, sort=QueueSort.RECENT, limit=100).items
    seen = [item.last_seen or "" for item in by_recent]
    assert seen == sorted(seen, reverse=True)
    # By risk: the link that would bring a party into the Huaxin network comes first.
    first = review_queue(loop, OPERATOR, limit=1).items[0]
    assert {first.a.party, first.b.party} & {pid(name) for name in HUAXIN}
    huaxin_side = first.a if first.a.network else first.b
    assert huaxin_side.network and huaxin_side.network_risk and huaxin_side.network_risk > 0
    assert first.changes_network and first.joins_entities
    assert "brings the other into network" in first.impact
    assert first.joined_members == first.a.entity_members + first.b.entity_members
    # Both parties as written, with their sources.
    short = first.a if first.a.party == pid(SHORT) else first.b
    assert short.names_as_written[0]["name"] == SHORT
    assert short.agencies == ["HK-CED"] and short.seizures == 1
    assert first.explanation and first.features and "name_similarity" in first.features


def test_the_queue_filters_by_jurisdiction_and_entity(loop: GraphStore) -> None:
    huaxin = pid(HUAXIN[0])
    touching = queue_pairs(loop, entity=huaxin)
    assert touching and all(pid(SHORT) in pair for pair in touching)
    assert queue_pairs(loop, jurisdictions=["US"]) == []
    assert len(queue_pairs(loop, jurisdictions=["CN"])) == review_queue(loop, OPERATOR).total
    with pytest.raises(NotFound):
        review_queue(loop, OPERATOR, entity="party:nobody")
    with pytest.raises(InvalidCursor):
        review_queue(loop, OPERATOR, sort=QueueSort.SCORE, cursor="bm90IGEgY3Vyc29y")
    risk_cursor = review_queue(loop, OPERATOR, limit=1).next_cursor
    assert risk_cursor is not None
    with pytest.raises(InvalidCursor):
        review_queue(loop, OPERATOR, sort=QueueSort.SCORE, cursor=risk_cursor)


def test_an_agency_queues_only_links_resting_on_what_it_sees(loop: GraphStore) -> None:
    # The Meili and Jiemei suggestions rest on Dutch records (AMBER by default).
    dutch = {frozenset(pair) for pair in queue_pairs(loop, Viewer(agency="EU-NL"))}
    hong_kong = {frozenset(pair) for pair in queue_pairs(loop, Viewer(agency="HK-CED"))}
    meili = frozenset(pid(name) for name in SUGGESTED[0])
    assert meili in dutch and meili not in hong_kong


def test_a_rejection_splits_an_entity_of_three_in_the_next_answer(
    loop: GraphStore, tmp_path: Path
) -> None:
    a, b, c = (pid(name) for name in HUAXIN)
    assert members(loop, a) >= {a, b, c}
    result, networks = judge_and_update(
        loop, Judgement(a=a, b=c, status=LinkStatus.REJECTED, decided_by="analyst-1")
    )
    assert networks.seeds >= 2
    assert result["parties_whose_entity_changed"] >= 1
    assert result["links_decided_again"] >= 1
    # The very next answer: the two are apart, whichever side the third joined.
    assert c not in members(loop, a) and a not in members(loop, c)
    held = [
        link
        for link in entity(loop, OPERATOR, c).suggestions + entity(loop, OPERATOR, a).suggestions
        if "held back" in (link["explanation"] or "")
    ]
    assert held
    # The network answers at once too: the two are two entities in it, or apart.
    network = network_of(loop, OPERATOR, a)
    entities = {node.id for node in network.graph.nodes}
    assert party_clusters(loop)[c] != party_clusters(loop)[a]
    assert party_clusters(loop)[a] in entities
    # Neither an incremental resolve (a new record names one of them) nor a full one
    # undoes it.
    extra = seizure_record(
        seizure_date="2024-07-01",
        shipper={"name": HUAXIN[2], "country": "CN", "phone": PHONE},
    )
    load_records(loop, tmp_path / "more", [extra])
    report = resolve(loop)
    assert report.compared_parties >= 1
    assert c not in members(loop, a)
    resolve(loop, full=True)
    assert c not in members(loop, a)


def test_unsure_keeps_the_entity_as_it_is_and_the_link_in_the_queue(loop: GraphStore) -> None:
    a, b, _c = (pid(name) for name in HUAXIN)
    before = members(loop, a)
    result = judge(loop, Judgement(a=a, b=b, status=LinkStatus.UNSURE, decided_by="analyst-2"))
    assert result["parties_whose_entity_changed"] == 0
    assert members(loop, a) == before
    assert (a, b) in queue_pairs(loop) or (b, a) in queue_pairs(loop)
    resolve(loop, full=True)
    assert members(loop, a) == before
    # Unsure on a pair the machine kept apart keeps them apart.
    left, right = sorted(pid(name) for name in SUGGESTED[0])
    judge(loop, Judgement(a=left, b=right, status=LinkStatus.UNSURE, decided_by="analyst-2"))
    assert right not in members(loop, left)


def test_a_confirmation_joins_at_once_and_leaves_the_queue(loop: GraphStore) -> None:
    left, right = sorted(pid(name) for name in SUGGESTED[1])
    assert right not in members(loop, left)
    judge(loop, Judgement(a=left, b=right, status=LinkStatus.CONFIRMED, decided_by="analyst-3"))
    assert right in members(loop, left)
    assert (left, right) not in queue_pairs(loop)
    resolve(loop, full=True)
    assert right in members(loop, left)
    # Confirming the short name into Huaxin brings it into the Huaxin network at once.
    short, huaxin = pid(SHORT), pid(HUAXIN[0])
    with pytest.raises(NotFound):
        network_of(loop, OPERATOR, short)
    judge_and_update(
        loop, Judgement(a=short, b=huaxin, status=LinkStatus.CONFIRMED, decided_by="analyst-3")
    )
    assert (
        network_of(loop, OPERATOR, short).summary.id
        == network_of(loop, OPERATOR, huaxin).summary.id
    )
