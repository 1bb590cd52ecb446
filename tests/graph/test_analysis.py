"""Neighbourhoods and paths over the real store, on a small world built to have
known answers.

    S1 (HK-CED, 2024-03-01): Alpha (CN, phone P) ships to Beta (US)
    S2 (US-CBP, 2024-05-10): Gamma (CN, phone P) ships to Delta (US)
    S3 (HK-CED, 2024-06-01): Omega ships SONY goods to Sigma; nothing shared but
                             ports, the agency and the countries (hubs)

Alpha and Gamma share a phone, so Alpha -> Delta is four hops through identity
links. Omega is reachable from Alpha only through a hub (a port, an agency).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from graph import queries
from graph.access import OPERATOR
from graph.analysis import paths
from graph.analysis.expand import (
    DEGREE_CAP,
    Expansion,
    HopDetails,
    WalkExpansion,
    candidate_labels,
    expand_anchors,
    expand_lean,
    hop_details,
    type_of,
    walk,
    walk_anchors,
)
from graph.analysis.neighbourhood import neighbourhood
from graph.analysis.paths import PATH_LABELS, PathMode, find_paths
from graph.analysis.subgraph import Subgraph
from graph.errors import NotFound, QueryTimeout
from graph.model import ANCHOR_LABELS, Label
from graph.store import GraphStore
from ingest.normalised import party_identity
from tests.factories import load_records, seizure_record

PHONE = "+86 755 8888 1234"


def _party(name: str, country: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "country": country, **extra}


ALPHA = _party(
    "Alpha Rising Trading Co., Ltd.",
    "CN",
    phone=PHONE,
    email="sales@alpha-rising.example.cn",
    address="Room 1203, 88 Shennan Road, Futian, Shenzhen",
    registration_id="91440300MA5FAKE001",
)
BETA = _party("Beta Coastal Imports LLC", "US")
GAMMA = _party("Gamma Lucky Export Co., Ltd.", "CN", phone=PHONE)
DELTA = _party("Delta Harbor Goods Inc.", "US")
OMEGA = _party("Omega Pearl Electronics Co., Ltd.", "CN")
SIGMA = _party("Sigma Retail Partners Ltd", "GB")


def pid(party: dict[str, Any]) -> str:
    return party_identity(party["name"], party["country"]).id


def world_records() -> list[dict[str, Any]]:
    return [
        seizure_record(
            record_id="S1",
            agency="HK-CED",
            case_ref="OP-GBA-7",
            seizure_date="2024-03-01",
            shipper=ALPHA,
            consignee=BETA,
            containers=["MSKU1234565"],
        ),
        seizure_record(
            record_id="S2",
            agency="US-CBP",
            seizure_date="2024-05-10",
            shipper=GAMMA,
            consignee=DELTA,
            containers=["TGHU8833530"],
        ),
        seizure_record(
            record_id="S3",
            agency="HK-CED",
            seizure_date="2024-06-01",
            shipper=OMEGA,
            consignee=SIGMA,
            containers=["CSQU3054383"],
            goods=[{"description": "earphones", "trademarks": ["SONY"]}],
            trademarks=[{"mark": "SONY", "rights_holder": "Sony Group Corporation"}],
        ),
    ]


@pytest.fixture
def world(store: GraphStore, tmp_path: Path) -> GraphStore:
    load_records(store, tmp_path, world_records())
    return store


def ids(graph: Subgraph) -> set[str]:
    return {node.id for node in graph.nodes}


def test_ids_name_their_labels() -> None:
    assert candidate_labels("party:abc") == [Label.PARTY]
    assert candidate_labels("HK-CED:S1") == [Label.SEIZURE, Label.CASE]
    assert candidate_labels("HK") == [Label.JURISDICTION]
    assert candidate_labels("MSKU1234565")[0] == Label.CONTAINER
    assert candidate_labels("tm:nike") == [Label.TRADEMARK]


def test_one_hop_shows_the_records_and_artefacts_with_evidence(world: GraphStore) -> None:
    graph = neighbourhood(world, OPERATOR, pid(ALPHA), depth=1)
    alpha = next(node for node in graph.nodes if node.id == pid(ALPHA))
    assert alpha.type == "Party" and alpha.roles == ["Shipper"] and alpha.jurisdiction == "CN"
    assert alpha.expanded and alpha.omitted == 0
    assert {node.type for node in graph.nodes} == {
        "Party",
        "Seizure",
        "Phone",
        "Email",
        "Address",
        "Identifier",
    }
    assert {pid(ALPHA), "HK-CED:S1", "tel:+8675588881234"} <= ids(graph)
    by_type = {edge.type: edge for edge in graph.edges}
    shipped = by_type["SHIPPED_BY"]
    # Stored direction: the seizure names its shipper.
    assert (shipped.source, shipped.target) == ("HK-CED:S1", pid(ALPHA))
    assert [(e.seizure_id, e.agency, e.record_id, e.date) for e in shipped.evidence] == [
        ("HK-CED:S1", "HK-CED", "S1", "2024-03-01")
    ]
    # The phone is a party's artefact: its evidence is the record that wrote it.
    phone = by_type["HAS_PHONE"]
    assert phone.evidence[0].seizure_id == "HK-CED:S1" and phone.weight == 0.9
    assert not graph.truncated and graph.notes == []


def test_two_hops_reach_the_partners_and_stop_at_hubs(world: GraphStore) -> None:
    graph = neighbourhood(world, OPERATOR, pid(ALPHA), depth=2)
    found = ids(graph)
    assert {pid(BETA), pid(GAMMA)} <= found  # same seizure; same phone
    assert pid(DELTA) not in found  # three hops away
    port = next(node for node in graph.nodes if node.id == "HKHKG")
    assert port.hub and not port.expanded and port.type == "Port"
    # Three levels: the hub port is shown at level 2 and not expanded at level 3,
    # so Omega's seizure (same port) stays out; the notes say why.
    deeper = neighbourhood(world, OPERATOR, pid(ALPHA), depth=3)
    assert pid(DELTA) in ids(deeper) or "US-CBP:S2" in ids(deeper)
    assert "HK-CED:S3" not in ids(deeper)
    assert any("hubs were shown but not expanded" in note for note in deeper.notes)
    through = neighbourhood(world, OPERATOR, pid(ALPHA), depth=3, through_hubs=True)
    assert "HK-CED:S3" in ids(through)


def test_types_filter_and_limit_say_what_they_left_out(world: GraphStore) -> None:
    parties = neighbourhood(world, OPERATOR, "HK-CED:S1", depth=1, types=["Party"])
    assert ids(parties) == {"HK-CED:S1", pid(ALPHA), pid(BETA)}
    seizure = next(node for node in parties.nodes if node.id == "HK-CED:S1")
    assert seizure.omitted == (seizure.degree or 0) - 2
    assert parties.omitted_nodes == seizure.omitted and not parties.truncated
    assert any("types not asked for" in note for note in parties.notes)

    small = neighbourhood(world, OPERATOR, "HK-CED:S1", depth=1, limit=3)
    assert len(small.nodes) == 3 and small.truncated
    assert any("limit of 3 nodes" in note for note in small.notes)


def test_a_node_above_the_cap_shows_the_cap_and_counts_the_rest(
    store: GraphStore, tmp_path: Path
) -> None:
    many = DEGREE_CAP + 7
    records = [
        seizure_record(
            record_id=f"M{i}",
            seizure_date=f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}",
            shipper=_party(f"Shipper Number {i} Trading Ltd", "CN"),
            consignee=BETA,
            containers=[],
        )
        for i in range(many)
    ]
    load_records(store, tmp_path, records)
    graph = neighbourhood(store, OPERATOR, pid(BETA), depth=1)
    beta = next(node for node in graph.nodes if node.id == pid(BETA))
    assert beta.degree == many
    assert len(graph.nodes) == DEGREE_CAP + 1 and beta.omitted == 7
    assert graph.truncated and graph.omitted_nodes == 7
    # Newest records first: the cap keeps the latest seizures.
    kept_dates = sorted(
        str(node.properties["seizure_date"]) for node in graph.nodes if node.type == "Seizure"
    )
    all_dates = sorted(str(r["seizure_date"]) for r in records)
    assert kept_dates[0] >= all_dates[6]


def test_unknown_node_is_not_found(world: GraphStore) -> None:
    with pytest.raises(NotFound, match="party:nobody"):
        neighbourhood(world, OPERATOR, "party:nobody")


def test_a_walk_past_its_time_limit_is_stopped(world: GraphStore) -> None:
    with pytest.raises(QueryTimeout, match="time limit of 0 s"):
        neighbourhood(world, OPERATOR, pid(ALPHA), depth=2, time_limit_s=0)


def test_shortest_path_through_a_shared_phone_cites_each_hop(world: GraphStore) -> None:
    answer = find_paths(world, OPERATOR, pid(ALPHA), pid(DELTA), max_hops=6)
    assert len(answer.paths) == 1
    path = answer.paths[0]
    assert path.nodes == [pid(ALPHA), "tel:+8675588881234", pid(GAMMA), "US-CBP:S2", pid(DELTA)]
    assert [hop[0].type for hop in path.hops] == [
        "HAS_PHONE",
        "HAS_PHONE",
        "SHIPPED_BY",
        "CONSIGNED_TO",
    ]
    cited = [hop[0].evidence[0].seizure_id for hop in path.hops]
    assert cited == ["HK-CED:S1", "US-CBP:S2", "US-CBP:S2", "US-CBP:S2"]
    assert path.strength == pytest.approx(0.81)
    assert {node.id for node in answer.subgraph.nodes} == set(path.nodes)


def test_no_path_through_hubs_unless_asked(world: GraphStore) -> None:
    answer = find_paths(world, OPERATOR, pid(ALPHA), pid(OMEGA), max_hops=6)
    assert answer.paths == []
    assert any("No path of at most 6 hops" in note for note in answer.notes)
    through = find_paths(world, OPERATOR, pid(ALPHA), pid(OMEGA), max_hops=4, through_hubs=True)
    assert through.paths and through.paths[0].length == 4
    middle = through.paths[0].nodes[2]
    assert middle in {"HKHKG", "HK-CED", "CN", "US", "SGSIN", "CNYTN"}


def test_all_shortest_and_k_paths(world: GraphStore, store: GraphStore, tmp_path: Path) -> None:
    # A second way from Alpha to Delta: one transport document on S1 and a new S4
    # that Delta received.
    load_records(
        store,
        tmp_path,
        [
            seizure_record(
                record_id="S4",
                agency="US-CBP",
                seizure_date="2024-07-01",
                shipper=_party("Kappa Freight Services Ltd", "HK"),
                consignee=DELTA,
                transport_document="MAEU 555000111",
                containers=[],
            ),
            seizure_record(
                record_id="S5",
                agency="HK-CED",
                seizure_date="2024-07-02",
                shipper=ALPHA,
                consignee=_party("Zeta Depot Ltd", "GB"),
                transport_document="MAEU 555000111",
                containers=[],
            ),
        ],
    )
    shortest = find_paths(
        world, OPERATOR, pid(ALPHA), pid(DELTA), max_hops=6, mode=PathMode.ALL_SHORTEST
    )
    routes = sorted(tuple(path.nodes) for path in shortest.paths)
    assert len(routes) == 2 and all(len(route) == 5 for route in routes)
    assert any("doc:MAEU555000111" in route for route in routes)
    k = find_paths(world, OPERATOR, pid(ALPHA), pid(DELTA), max_hops=6, mode=PathMode.K, k=5)
    lengths = [path.length for path in k.paths]
    assert lengths == sorted(lengths) and lengths[:2] == [4, 4]
    assert len({tuple(path.nodes) for path in k.paths}) == len(k.paths)
    too_short = find_paths(world, OPERATOR, pid(ALPHA), pid(DELTA), max_hops=3)
    assert too_short.paths == []


def test_the_services_find_what_one_plain_statement_finds(world: GraphStore) -> None:
    """The benchmarks' floor statements (graph/queries.py) and the services agree
    where no cap or hub rule is at work."""
    one = {row["id"] for row in world.read(queries.FLOOR_ONE_HOP_QUERY, id=pid(ALPHA))}
    assert one == ids(neighbourhood(world, OPERATOR, pid(ALPHA), depth=1)) - {pid(ALPHA)}
    two = world.read(queries.FLOOR_TWO_HOP_QUERY, id=pid(ALPHA))
    reached = one | {row["id"] for row in two}
    assert reached - {pid(ALPHA)} <= ids(neighbourhood(world, OPERATOR, pid(ALPHA), depth=2))
    [row] = world.read(queries.FLOOR_SHORTEST_PATH_QUERY, source=pid(ALPHA), target=pid(DELTA))
    assert (
        row["ids"] == find_paths(world, OPERATOR, pid(ALPHA), pid(DELTA), max_hops=6).paths[0].nodes
    )


def test_any_kind_of_node_can_be_the_anchor(world: GraphStore) -> None:
    """Every label the API may be asked about is found by its id and expanded."""
    around = neighbourhood(world, OPERATOR, "HK-CED:S1", depth=2, through_hubs=True, limit=2000)
    one_of_each = {node.type: node.id for node in around.nodes}
    assert set(one_of_each) == {str(label) for label in ANCHOR_LABELS}
    for node_type, node_id in sorted(one_of_each.items()):
        graph = neighbourhood(world, OPERATOR, node_id, depth=1)
        anchor = next(node for node in graph.nodes if node.id == node_id)
        assert anchor.type == node_type and anchor.expanded, node_id
        assert anchor.degree == len(graph.edges) + anchor.omitted, node_id


def test_a_walk_sees_what_an_expansion_sees(world: GraphStore) -> None:
    """The lean walk of a path search (`walk_anchors`, `walk`: element ids, types,
    labels, degrees) finds the same neighbours in the same order, with the same counts,
    as the expansion of neighbourhoods, for every kind of node, capped or not."""
    around = neighbourhood(world, OPERATOR, "HK-CED:S1", depth=2, through_hubs=True, limit=2000)
    one_of_each = sorted({node.type: node.id for node in around.nodes}.values())
    assert len(one_of_each) == len(ANCHOR_LABELS)
    for labels, cap in ((None, 200), (list(PATH_LABELS), 200), (None, 2)):
        expanded = expand_anchors(
            world, OPERATOR, one_of_each, labels=labels, cap=cap, degrees=True
        )
        walked = walk_anchors(world, OPERATOR, one_of_each, labels=labels, cap=cap)
        for node_id in one_of_each:
            before, after = expanded[node_id], walked[node_id]
            assert after.eid == before.eid, node_id
            assert type_of(after.labels) == before.node.type, node_id
            _same_expansion(before.expansion, after.expansion)
        # The reference for the next level: each neighbour expanded as an anchor.
        ids = {step.eid: step.id for a in walked.values() for step in a.expansion.steps}
        eids = sorted(ids)
        anchored = expand_anchors(
            world, OPERATOR, sorted(set(ids.values())), labels=labels, cap=cap, degrees=True
        )
        expansions = {eid: anchored[ids[eid]].expansion for eid in eids}
        # A neighbourhood's lean level: the same steps with the relationships' own
        # properties, and only the id of each neighbour.
        lean = expand_lean(world, OPERATOR, eids, labels=labels, cap=cap, degrees=True)
        assert set(lean) == set(eids)
        for eid in eids:
            full = expansions[eid]
            assert (lean[eid].total, lean[eid].matching) == (full.total, full.matching)
            assert lean[eid].steps == [
                replace(step, props={"id": step.props["id"]}) for step in full.steps
            ]
        for bounded in (False, True):
            walks = walk(world, OPERATOR, eids, labels=labels, cap=cap, bounded=bounded)
            assert set(walks) == set(expansions) == set(eids)
            for eid in eids:
                _same_expansion(expansions[eid], walks[eid])
        # The degrees of nodes the walk has seen are not counted again; nothing else
        # changes.
        known = {a.eid for a in walked.values()}
        walks = walk(world, OPERATOR, eids, labels=labels, cap=cap, known=known)
        assert any(step.eid in known for w in walks.values() for step in w.steps)
        for eid in eids:
            steps = walks[eid].steps
            assert all(step.degree is None for step in steps if step.eid in known)
            _same_expansion(
                expansions[eid],
                WalkExpansion(
                    walks[eid].total,
                    walks[eid].matching,
                    [
                        step._replace(degree=before.degree)
                        for step, before in zip(steps, expansions[eid].steps, strict=True)
                    ],
                ),
            )
    assert walk(world, OPERATOR, [], labels=None, cap=10) == {}


def _same_expansion(before: Expansion, after: WalkExpansion) -> None:
    assert (after.total, after.matching) == (before.total, before.matching)
    assert [
        (s.type, s.outgoing, s.eid, s.id, sorted(s.labels), s.seq, s.score, s.degree)
        for s in after.steps
    ] == [
        (
            s.type,
            s.outgoing,
            s.eid,
            s.props["id"],
            sorted(s.labels),
            s.rel.get("seq"),
            s.rel.get("score"),
            s.degree,
        )
        for s in before.steps
    ]


def test_hop_details_read_what_the_walk_left_out(world: GraphStore) -> None:
    alpha = walk_anchors(world, OPERATOR, [pid(ALPHA)], labels=None, cap=200)[pid(ALPHA)]
    phone = next(step for step in alpha.expansion.steps if step.type == "HAS_PHONE")
    details = hop_details(
        world, OPERATOR, [alpha.eid, phone.eid], [(alpha.eid, phone.eid, phone.rid)]
    )
    labels, props, degree = details.nodes[phone.eid]
    assert degree == phone.degree  # few links: the walk's count is the count
    assert labels == ["Phone"] and props["id"] == phone.id == "tel:+8675588881234"
    assert details.nodes[alpha.eid][1]["name"] == ALPHA["name"]
    # A phone link has no order, score or status; the records behind it are cited by
    # `attach_evidence`, not carried on the link.
    assert details.rels == {phone.rid: {}}
    assert hop_details(world, OPERATOR, [], []) == HopDetails({}, {})


def test_a_path_answer_holds_the_properties_a_neighbourhood_shows(world: GraphStore) -> None:
    """Nodes and relationships of a path are read after the walk; they are the same
    as those a neighbourhood shows, which reads them on the way."""
    answer = find_paths(world, OPERATOR, pid(ALPHA), pid(DELTA), max_hops=6)
    around = neighbourhood(world, OPERATOR, pid(ALPHA), depth=4, limit=2000)
    nodes = {node.id: node for node in around.nodes}
    for node in answer.subgraph.nodes:
        shown = nodes[node.id]
        assert (node.type, node.label, node.jurisdiction, node.properties, node.roles) == (
            shown.type,
            shown.label,
            shown.jurisdiction,
            shown.properties,
            shown.roles,
        )
    edges = {(e.source, e.type, e.target): e for e in around.edges}
    assert answer.subgraph.edges
    for edge in answer.subgraph.edges:
        shown_edge = edges[(edge.source, edge.type, edge.target)]
        assert edge.properties == shown_edge.properties
        assert edge.evidence == shown_edge.evidence and edge.weight == shown_edge.weight


def test_a_path_past_the_degree_cap_says_so(
    world: GraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(paths, "PATH_DEGREE_CAP", 1)
    answer = find_paths(world, OPERATOR, pid(ALPHA), pid(DELTA), max_hops=6)
    assert answer.truncated
    assert any("more than 1 neighbours" in note for note in answer.notes)
