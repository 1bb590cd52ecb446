"""Infringer networks over hand-built records, on the real embedded server: identity
links bind, weak links (a carrier's container, a big forwarder) do not merge."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from graph import queries
from graph.access import OPERATOR, Viewer
from graph.analysis.networks import (
    NetworkSort,
    build_networks,
    get_network,
    list_networks,
    network_of,
    pair_weight,
    party_networks,
)
from graph.cursor import InvalidCursor
from graph.errors import NotFound
from graph.model import LinkStatus
from graph.resolve.entities import Judgement, judge
from graph.resolve.service import party_clusters
from graph.store import GraphStore
from ingest.normalised import party_identity
from tests.factories import load_records, seizure_record


def record(
    shipper: str | dict[str, Any],
    consignee: str | dict[str, Any],
    date: str,
    *,
    agency: str = "HK-CED",
    containers: list[str] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A seizure with these parties and nothing else shared with other records."""
    ship = shipper if isinstance(shipper, dict) else {"name": shipper, "country": "CN"}
    cons = consignee if isinstance(consignee, dict) else {"name": consignee, "country": "US"}
    return seizure_record(
        agency=agency,
        seizure_date=date,
        shipper=ship,
        consignee=cons,
        containers=containers or [],
        **extra,
    )


def pid(name: str, country: str = "CN") -> str:
    return party_identity(name, country).id


def network_members(store: GraphStore) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for party, network in party_networks(store).items():
        if network:
            out.setdefault(network, set()).add(party)
    return out


def test_link_weights_bind_only_with_enough_evidence() -> None:
    assert pair_weight({"co_seizure": 1}) < 0.6 <= pair_weight({"co_seizure": 2})
    assert pair_weight({"phone": 1}) >= 0.6
    # Containers and forwarders corroborate and never bind alone, however many.
    assert pair_weight({"container": 50, "forwarder": 50}) < 0.6
    assert pair_weight({"co_seizure": 1, "container": 2}) >= 0.6
    # A shared address corroborates: alone it neither binds nor attaches (0.5).
    assert pair_weight({"address": 1}) < 0.5
    assert pair_weight({"address": 1, "co_seizure": 1}) >= 0.6
    assert pair_weight({"address": 2}) >= 0.6


FRONTS_PHONE = "+86 755 2233 4455"
FRONT_A = {"name": "Shenzhen Huaxin Trading Co., Ltd.", "country": "CN", "phone": FRONTS_PHONE}
FRONT_B = {"name": "Dongguan Mingri Electronics Factory", "country": "CN", "phone": FRONTS_PHONE}
MAKER = [{"name": "Putian Jiali Shoes Factory", "country": "CN"}]


def fronts_sharing_a_phone() -> list[dict[str, Any]]:
    """Two fronts sharing a phone, one maker; a one-off buyer and two strangers."""
    return [
        record(FRONT_A, "Pacific Coast Distributors LLC", "2024-01-10", manufacturers=MAKER),
        record(
            FRONT_B, "Lone Star Wholesale Inc", "2024-03-02", agency="US-CBP", manufacturers=MAKER
        ),
        # Named once with one front and nothing else: too weak to join.
        record(FRONT_A, "Midwest Party Supplies", "2024-02-01"),
        # Unrelated: one seizure of two strangers is no network.
        record("Ningbo Oceanic Toys Co", "Gulf Coast Toys LLC", "2024-02-01"),
    ]


def test_two_fronts_sharing_a_phone_form_one_network(store: GraphStore, tmp_path: Path) -> None:
    load_records(store, tmp_path, fronts_sharing_a_phone())
    report = build_networks(store)
    assert report.networks == 1
    networks = network_members(store)
    assert len(networks) == 1
    (members,) = networks.values()
    assert members == {
        pid("Shenzhen Huaxin Trading Co., Ltd."),
        pid("Dongguan Mingri Electronics Factory"),
        pid("Putian Jiali Shoes Factory"),
        pid("Pacific Coast Distributors LLC", "US"),
        pid("Lone Star Wholesale Inc", "US"),
    }
    view = network_of(store, OPERATOR, pid("Lone Star Wholesale Inc", "US"))
    assert view.summary.jurisdictions == ["HK", "US"]
    assert view.summary.agencies == ["HK-CED", "US-CBP"]
    assert view.summary.seizures == 3  # every seizure naming a member
    assert (view.summary.first_seizure, view.summary.last_seizure) == ("2024-01-10", "2024-03-02")
    phone_links = [e for e in view.graph.edges if "phone" in e.properties["kinds"]]
    assert len(phone_links) == 1
    assert phone_links[0].properties["binding"]
    assert phone_links[0].properties["via"] == ["tel:+8675522334455"]
    assert {e.agency for e in phone_links[0].evidence} == {"HK-CED", "US-CBP"}
    # The two fronts sharing a phone are one pair sharing an identity: half its score.
    shared = next(i for i in view.risk_inputs if i.name == "shared_identity")
    assert (shared.value, shared.score, shared.points) == (1.0, 0.5, 7.5)
    assert "pairs of its entities sharing a phone, email, registration number or address: 1" in (
        view.summary.risk_explanation
    )
    assert view.routes and view.routes[0].seizures >= 1
    for outsider in (pid("Midwest Party Supplies", "US"), pid("Ningbo Oceanic Toys Co")):
        with pytest.raises(NotFound, match="is in no network"):
            network_of(store, OPERATOR, outsider)
    with pytest.raises(NotFound, match="'party:nope'"):
        network_of(store, OPERATOR, "party:nope")


def _pair_network(shipper: str, consignee: str, dates: list[str], container: str) -> list[Any]:
    return [record(shipper, consignee, date, containers=[container]) for date in dates]


def test_a_carrier_container_months_apart_does_not_merge_two_networks(
    store: GraphStore, tmp_path: Path
) -> None:
    box = "MSKU1234565"
    load_records(
        store,
        tmp_path,
        [
            *_pair_network("Yiwu Brightstar Crafts", "Atlantic Imports LLC", ["2024-01-05"], box),
            record("Yiwu Brightstar Crafts", "Atlantic Imports LLC", "2024-01-20"),
            *_pair_network("Foshan Goldleaf Ceramics", "Rotterdam Home BV", ["2024-06-20"], box),
            record("Foshan Goldleaf Ceramics", "Rotterdam Home BV", "2024-07-01"),
            # Within 90 days, a container alone still only corroborates.
            *_pair_network("Xiamen Harbour Apparel", "Gulf Fashion Trading", ["2024-07-10"], box),
            record("Xiamen Harbour Apparel", "Gulf Fashion Trading", "2024-08-01"),
        ],
    )
    build_networks(store)
    networks = sorted(network_members(store).values(), key=min)
    assert len(networks) == 3
    assert all(len(members) == 2 for members in networks)


def test_one_shipment_recorded_twice_is_seized_together_once(
    store: GraphStore, tmp_path: Path
) -> None:
    """Two records of one bill of lading with the same shipper and consignee (seized
    at two places, or a record per rights holder) are one shipment: not two
    co-seizures, and the document adds nothing. Two shipments bind; so does one
    document under two shippers and two consignees (what a network's reuse is)."""
    bill = {"transport_document": "COSU 6612345670"}
    load_records(
        store,
        tmp_path,
        [
            record("Ningbo Everbright Electronics", "Eurotrade Import BV", "2024-03-01", **bill),
            record(
                "Ningbo Everbright Electronics",
                "Eurotrade Import BV",
                "2024-03-09",
                agency="EU-NL",
                **bill,
            ),
            record("Dongguan Apex Toys", "Lakeside Gifts LLC", "2024-03-01"),
            record("Dongguan Apex Toys", "Lakeside Gifts LLC", "2024-05-01"),
            record(
                "Wenzhou Redstone Shoes",
                "Hamburg Schuh GmbH",
                "2024-04-01",
                transport_document="MAEU 555000111",
            ),
            record(
                "Wenzhou Bluestone Shoes",
                "Antwerp Footwear NV",
                "2024-04-20",
                transport_document="MAEU 555000111",
            ),
        ],
    )
    build_networks(store)
    networks = list(network_members(store).values())
    assert not any(pid("Ningbo Everbright Electronics") in members for members in networks)
    apex = {pid("Dongguan Apex Toys"), pid("Lakeside Gifts LLC", "US")}
    stones = {
        pid("Wenzhou Redstone Shoes"),
        pid("Wenzhou Bluestone Shoes"),
        pid("Hamburg Schuh GmbH", "US"),
        pid("Antwerp Footwear NV", "US"),
    }
    assert {frozenset(members) for members in networks} == {frozenset(apex), frozenset(stones)}


def test_a_forwarder_with_many_customers_does_not_merge_them(
    store: GraphStore, tmp_path: Path
) -> None:
    big = {"name": "Kerry Logistics (Hong Kong) Ltd", "country": "HK"}
    small = {"name": "Shenzhen Quickship Freight Co", "country": "CN"}
    records = []
    # Two networks, each a shipper and consignee seen twice, both using both forwarders.
    for shipper, consignee in (
        ("Putian Jiali Shoes Factory", "Coastline Footwear LLC"),
        ("Jinjiang Xinda Footwear", "Hamburg Sport GmbH"),
    ):
        for date in ("2024-02-01", "2024-03-01"):
            records.append(record(shipper, consignee, date, forwarder=small))
        records.append(record(shipper, consignee, "2024-04-01", forwarder=big))
    # The big forwarder serves thirty unrelated customers besides.
    for n in range(15):
        records.append(
            record(f"Customer {n} Export Co", f"Buyer {n} Imports Inc", "2024-05-01", forwarder=big)
        )
    load_records(store, tmp_path, records)
    report = build_networks(store)
    assert report.hubs_left_out.get("forwarder") == 1
    networks = network_members(store)
    assert len(networks) == 2
    everyone = set().union(*networks.values())
    assert pid("Kerry Logistics (Hong Kong) Ltd", "HK") not in everyone
    # The small forwarder is seen with both networks: it belongs to neither.
    assert pid("Shenzhen Quickship Freight Co") not in everyone


def test_a_registered_office_shared_by_two_networks_does_not_merge_them(
    store: GraphStore, tmp_path: Path
) -> None:
    # A company-secretary address in Hong Kong hosts unrelated companies.
    office = "Rm 1203, 12/F, Tower 2, Millennium City, 388 Kwun Tong Road, Kwun Tong, Kowloon"
    records = []
    for shipper, consignee in (
        ("Kaichang Trading (HK) Limited", "Atlantic Imports LLC"),
        ("Dehongfu International Trading (HK) Limited", "Gulf Coast Toys LLC"),
    ):
        for date in ("2024-02-01", "2024-03-01"):
            records.append(
                record({"name": shipper, "country": "HK", "address": office}, consignee, date)
            )
    load_records(store, tmp_path, records)
    build_networks(store)
    assert sorted(network_members(store).values(), key=min) == sorted(
        [
            {pid("Kaichang Trading (HK) Limited", "HK"), pid("Atlantic Imports LLC", "US")},
            {
                pid("Dehongfu International Trading (HK) Limited", "HK"),
                pid("Gulf Coast Toys LLC", "US"),
            },
        ],
        key=min,
    )


def test_a_name_written_for_several_people_binds_nothing(store: GraphStore, tmp_path: Path) -> None:
    """One Party node is a name as written in one country; two consignees named
    "Leila Maes" with no country are one node, with each one's phone."""
    records = []
    for shipper, consignee, phone in (
        ("Yiwu Brightstar Crafts", "Atlantic Imports LLC", "+32 470 11 22 33"),
        ("Foshan Goldleaf Ceramics", "Rotterdam Home BV", "+32 470 99 88 77"),
    ):
        for date in ("2024-02-01", "2024-03-01"):
            records.append(record(shipper, consignee, date))
            records.append(
                record(shipper, {"name": "Leila Maes", "phone": phone}, date, agency="EU-BE")
            )
    # "J. Schmidt" is two people too, but both were seen only with one network.
    for phone in ("+49 151 1111 2222", "+49 151 3333 4444"):
        records.append(
            record("Yiwu Brightstar Crafts", {"name": "J. Schmidt", "phone": phone}, "2024-04-01")
        )
    load_records(store, tmp_path, records)
    build_networks(store)
    networks = sorted(network_members(store).values(), key=min)
    assert networks == sorted(
        [
            {
                pid("Yiwu Brightstar Crafts"),
                pid("Atlantic Imports LLC", "US"),
                party_identity("J. Schmidt", None).id,
            },
            {pid("Foshan Goldleaf Ceramics"), pid("Rotterdam Home BV", "US")},
        ],
        key=min,
    )
    assert party_identity("Leila Maes", None).id not in set().union(*networks)


def test_rebuild_is_stable_and_replaces_what_changed(store: GraphStore, tmp_path: Path) -> None:
    first = [
        record("Wenzhou Redstar Optical", "Sunshine Eyewear LLC", "2024-01-01"),
        record("Wenzhou Redstar Optical", "Sunshine Eyewear LLC", "2024-02-01"),
        record("Guangzhou Baiyun Leather", "Milano Borse SRL", "2024-01-15", agency="EU-NL"),
        record("Guangzhou Baiyun Leather", "Milano Borse SRL", "2024-03-15", agency="EU-NL"),
    ]
    load_records(store, tmp_path, first)
    built = build_networks(store)
    assert (built.networks, built.created, built.deleted) == (2, 2, 0)
    before = network_members(store)
    again = build_networks(store)
    assert (again.created, again.deleted, again.parties_changed) == (0, 0, 0)
    assert network_members(store) == before

    # A registration number shared by the two shippers merges the networks.
    load_records(
        store,
        tmp_path,
        [
            record(
                {
                    "name": "Wenzhou Redstar Optical",
                    "country": "CN",
                    "registration_id": "91440101MA5",
                },
                "Sunshine Eyewear LLC",
                "2024-04-01",
            ),
            record(
                {
                    "name": "Guangzhou Baiyun Leather",
                    "country": "CN",
                    "registration_id": "91440101MA5",
                },
                "Milano Borse SRL",
                "2024-04-02",
            ),
        ],
    )
    merged = build_networks(store)
    assert (merged.networks, merged.created, merged.deleted) == (1, 0, 1)
    after = network_members(store)
    assert list(after.values()) == [set().union(*before.values())]
    # The surviving id is the one of the network holding the smallest party id.
    assert set(after) <= set(before)
    whole_graph = [
        row["id"]
        for row in store.read(queries.EXISTING_NETWORKS_QUERY)
        if "@" not in row["id"] and not row["id"].startswith("view:")
    ]
    assert len(whole_graph) == 1


def test_network_detail_has_key_players_communities_and_a_timeline(
    store: GraphStore, tmp_path: Path
) -> None:
    hub = "Shantou Tiger Toys Co"
    records = []
    for n in range(8):
        for month in ("2024-01-10", "2024-02-10"):
            records.append(record(hub, f"Retailer {n} Toys LLC", month))
    # A case makes its parties confirmed infringers.
    records.append(record(hub, "Retailer 0 Toys LLC", "2024-03-10", case_ref="OP-TIGER-2024"))
    load_records(store, tmp_path, records)
    build_networks(store)
    (network,) = network_members(store)
    detail = get_network(store, OPERATOR, network)
    assert detail.summary.entities == 9
    assert detail.key_players[0].entity == pid(hub)
    assert detail.key_players[0].betweenness == 1.0
    assert len(detail.communities) >= 1
    assert sum(len(c.entities) for c in detail.communities) == 9
    assert [(m.month, m.seizures) for m in detail.timeline] == [
        ("2024-01", 8),
        ("2024-02", 8),
        ("2024-03", 1),
    ]
    assert detail.confirmed_entities == 2
    names = {i.name for i in detail.risk_inputs}
    assert names == {
        "seizures",
        "value_usd",
        "jurisdictions",
        "recency",
        "growth",
        "confirmed_infringers",
        "shared_identity",
        "corroborated_links",
    }
    # Retailers named with one maker share no phone, email, number or address.
    assert next(i for i in detail.risk_inputs if i.name == "shared_identity").score == 0.0
    assert detail.summary.risk == pytest.approx(sum(i.points for i in detail.risk_inputs), abs=0.1)
    assert "Risk" in detail.summary.risk_explanation
    assert all(edge.evidence for edge in detail.graph.edges)
    with pytest.raises(NotFound, match="'net:nope'"):
        get_network(store, OPERATOR, "net:nope")


def test_an_analyst_confirmed_link_makes_a_confirmed_infringer(
    store: GraphStore, tmp_path: Path
) -> None:
    load_records(
        store,
        tmp_path,
        [
            record("Hangzhou Silkroad Textiles", "Soho Fabrics Ltd", "2024-01-01"),
            record("Hangzhou Silkroad Textiles", "Soho Fabrics Ltd", "2024-02-01"),
            record("Silkroad Textile Hangzhou", "Soho Fabrics Ltd", "2024-03-01"),
        ],
    )
    judge(
        store,
        Judgement(
            pid("Hangzhou Silkroad Textiles"),
            pid("Silkroad Textile Hangzhou"),
            LinkStatus.CONFIRMED,
            "analyst-1",
        ),
    )
    clusters = party_clusters(store)
    assert clusters[pid("Hangzhou Silkroad Textiles")] == clusters[pid("Silkroad Textile Hangzhou")]
    build_networks(store)
    view = network_of(store, OPERATOR, pid("Silkroad Textile Hangzhou"))
    assert view.summary.entities == 2
    assert view.summary.parties == 3
    assert view.confirmed_entities == 1


def test_list_networks_sorts_filters_and_pages(store: GraphStore, tmp_path: Path) -> None:
    records = []
    plans = [
        ("Alpha", ["HK-CED", "HK-CED"], "2022-01-10", 1),
        ("Bravo", ["HK-CED", "US-CBP", "EU-NL"], "2023-05-10", 3),
        ("Charlie", ["US-CBP", "MO-CS"], "2024-06-10", 2),
        ("Delta", ["HK-CED", "HK-CED", "HK-CED", "HK-CED"], "2021-03-10", 1),
    ]
    for word, agencies, date, _ in plans:
        for agency in agencies:
            records.append(
                record(f"{word} Export Trading Co", f"{word} Import LLC", date, agency=agency)
            )
    load_records(store, tmp_path, records)
    build_networks(store)
    everything = list_networks(store, OPERATOR, limit=200)
    assert len(everything.items) == 4
    assert everything.next_cursor is None
    risks = [n.risk for n in everything.items]
    assert risks == sorted(risks, reverse=True)
    by_seizures = list_networks(store, OPERATOR, sort=NetworkSort.SEIZURES)
    assert [n.seizures for n in by_seizures.items] == [4, 3, 2, 2]
    recent = list_networks(store, OPERATOR, sort=NetworkSort.RECENT)
    assert [n.last_seizure for n in recent.items] == [
        "2024-06-10",
        "2023-05-10",
        "2022-01-10",
        "2021-03-10",
    ]
    by_value = list_networks(store, OPERATOR, sort=NetworkSort.VALUE)
    values = [n.value_usd for n in by_value.items]
    assert values == sorted(values, reverse=True)

    cross = list_networks(store, OPERATOR, min_jurisdictions=2)
    assert {len(n.jurisdictions) for n in cross.items} == {2, 3}
    assert len(cross.items) == 2
    since = list_networks(store, OPERATOR, since=dt.date(2023, 1, 1))
    assert {n.last_seizure for n in since.items} == {"2023-05-10", "2024-06-10"}

    for sort in NetworkSort:
        whole = [n.id for n in list_networks(store, OPERATOR, sort=sort, limit=200).items]
        paged: list[str] = []
        cursor = None
        while True:
            page = list_networks(store, OPERATOR, sort=sort, limit=1, cursor=cursor)
            paged += [n.id for n in page.items]
            cursor = page.next_cursor
            if cursor is None:
                break
        assert paged == whole, sort
    first = list_networks(store, OPERATOR, limit=1)
    assert first.next_cursor is not None
    with pytest.raises(InvalidCursor):
        list_networks(store, OPERATOR, sort=NetworkSort.VALUE, cursor=first.next_cursor)
    with pytest.raises(InvalidCursor):
        list_networks(store, OPERATOR, cursor="not-a-cursor")


def test_each_agency_sees_the_network_its_records_make(store: GraphStore, tmp_path: Path) -> None:
    """The same two fronts: Hong Kong's record is released to nobody, CBP's to Hong
    Kong. Hong Kong sees both records and the network; CBP sees only its own, so no
    phone shared with anyone, no network, and nothing of Hong Kong's seizure; Macao,
    which no record names, sees the public view: nothing."""
    fronts = fronts_sharing_a_phone()
    fronts[0]["handling"] = {"tlp": "AMBER", "releasable_to": []}
    fronts[1]["handling"] = {"tlp": "AMBER", "releasable_to": ["HK-CED"]}
    load_records(store, tmp_path, fronts[:2])
    report = build_networks(store)
    assert report.networks == 1 and report.views == {"HK-CED": 1, "US-CBP": 0, "*": 0}
    hk, cbp, macao = Viewer("HK-CED"), Viewer("US-CBP"), Viewer("MO-CS")
    view = network_of(store, hk, pid("Lone Star Wholesale Inc", "US"))
    assert view.summary.seizures == 2 and view.summary.agencies == ["HK-CED", "US-CBP"]
    [listed] = list_networks(store, hk).items
    assert listed.id == view.summary.id and listed.risk == view.summary.risk
    assert get_network(store, hk, listed.id).summary.seizures == 2
    for viewer in (cbp, macao):
        assert list_networks(store, viewer).items == []
        with pytest.raises(NotFound):
            network_of(store, viewer, pid("Lone Star Wholesale Inc", "US"))
        with pytest.raises(NotFound):
            get_network(store, viewer, listed.id)
