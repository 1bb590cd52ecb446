"""Networks updated, not rebuilt: after each small load or judgement, the networks the
pipeline updates (`graph.analysis.networks.incremental`) are those a full build
gives: the same networks in every view, members, links, evidence and risk."""

from __future__ import annotations

import itertools
import json
import random
import uuid
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from graph import pipeline, queries
from graph.analysis.networks import build_networks
from graph.analysis.networks.build import adopt_stored_risks
from graph.analysis.networks.incremental import update_networks
from graph.analysis.networks.projection import pull
from graph.analysis.networks.risk import risk_at
from graph.analysis.networks.rules import FORWARDER_CAP
from graph.embedded import EmbeddedServer
from graph.live import queries as live
from graph.load import Loader
from graph.model import Label, LinkStatus
from graph.resolve.entities import Judgement
from graph.schema import ensure_schema
from graph.store import GraphStore
from ingest.generate.generator import generate
from ingest.manifest import manifest_feeds
from ingest.normalised import party_identity
from tests.conftest import open_test_store
from tests.factories import seizure_record, write_ndjson

AGENCIES = ["HK-CED", "US-CBP", "MO-CS"]
SHIPPERS = ["Huaxin Trading Co", "Golden Bridge Export", "Pearl River Goods", "Lucky Star Ltd"]
CONSIGNEES = ["Pacific Coast LLC", "Atlantic Imports Inc", "Lakeside Retail"]
PHONES = ["+86 755 1111 2222", "+86 755 3333 4444", "+852 2555 6666"]
ADDRESSES = ["8 Harbour Road, Wan Chai", "12 Nathan Road, Kowloon"]
CONTAINERS = ["MSKU1234565", "TGHU9876540"]
FORWARDERS = ["Speedy Logistics", "Orient Freight"]

_files = itertools.count(1)


@st.composite
def records(draw: st.DrawFn) -> dict[str, Any]:
    agency = draw(st.sampled_from(AGENCIES))
    shipper: dict[str, Any] = {"name": draw(st.sampled_from(SHIPPERS)), "country": "CN"}
    if draw(st.booleans()):
        shipper["phone"] = draw(st.sampled_from(PHONES))
    if draw(st.booleans()):
        shipper["address"] = draw(st.sampled_from(ADDRESSES))
    if draw(st.integers(0, 3)) == 0:
        shipper["email"] = draw(st.sampled_from(["sales@huaxin.example", "info@gb.example"]))
    if draw(st.integers(0, 3)) == 0:
        shipper["registration_id"] = draw(st.sampled_from(["91440300MA5F", "91440300XY12"]))
    extra: dict[str, Any] = {}
    if draw(st.booleans()):
        extra["forwarder"] = {"name": draw(st.sampled_from(FORWARDERS)), "country": "HK"}
    tlp = draw(st.sampled_from(["CLEAR", "AMBER", "RED"]))
    others = [a for a in AGENCIES if a != agency]
    return seizure_record(
        # A small pool of record ids: some loads correct an earlier record.
        record_id=f"{agency}-{draw(st.integers(1, 6))}",
        agency=agency,
        seizure_date=f"2024-{draw(st.integers(1, 12)):02d}-{draw(st.integers(1, 28)):02d}",
        shipper=shipper,
        consignee={"name": draw(st.sampled_from(CONSIGNEES)), "country": "US"},
        containers=draw(st.lists(st.sampled_from(CONTAINERS), max_size=1)),
        transport_document=None,
        handling={
            "tlp": tlp,
            "releasable_to": draw(st.lists(st.sampled_from(others), max_size=1))
            if tlp == "AMBER"
            else [],
        },
        **extra,
    )


# A step: a small load, or an analyst's judgement on two shippers.
steps = st.one_of(
    st.lists(records(), min_size=1, max_size=4).map(lambda batch: ("load", batch)),
    st.tuples(
        st.sampled_from(SHIPPERS),
        st.sampled_from(SHIPPERS),
        st.sampled_from([LinkStatus.CONFIRMED, LinkStatus.REJECTED]),
    ).map(lambda judged: ("judge", judged)),
)


def _state(store: GraphStore) -> dict[str, Any]:
    """Every Network node (but when it was built), the risk each is read with, and
    every party's networks."""
    networks, risks = {}, {}
    for row in store.read(queries.EXISTING_NETWORKS_QUERY):
        [found] = store.read(queries.NETWORK_QUERY, id=row["id"])
        props = found["props"]
        networks[row["id"]] = {k: v for k, v in props.items() if k != "built_at"}
        if "risk_inputs" in props:
            risks[row["id"]] = risk_at(props["risk_inputs"], props["last_day"], found["as_of"])
    parties = {
        pid: (row["network"], row["views"], row["rounds"])
        for pid, row in pull(store).parties.items()
    }
    return {"networks": networks, "risks": risks, "parties": parties}


def _differences(a: dict[str, Any], b: dict[str, Any]) -> list[Any]:
    """What differs between two `_state`s, briefly."""
    out: list[Any] = []
    for part in ("networks", "risks", "parties"):
        for key in sorted(a[part].keys() | b[part].keys()):
            x, y = a[part].get(key), b[part].get(key)
            if x == y:
                continue
            if isinstance(x, dict) and isinstance(y, dict):
                out.append(
                    (
                        key,
                        {
                            k: (x.get(k), y.get(k))
                            for k in x.keys() | y.keys()
                            if x.get(k) != y.get(k)
                        },
                    )
                )
            else:
                out.append((key, x, y))
    return out[:6]


def _load(store: GraphStore, folder: Path, batch: list[dict[str, Any]]) -> None:
    feed = write_ndjson(folder / f"feed{next(_files)}.ndjson", batch)
    report = Loader(store, folder / "quarantine").load_file(feed)
    assert report.balanced, report


# One record per agency first, so that every view exists and later steps are updates.
BASE = [
    seizure_record(
        record_id=f"BASE-{agency}",
        agency=agency,
        seizure_date="2023-06-01",
        shipper={"name": f"Base Shipper {agency}", "country": "CN"},
        consignee={"name": "Base Consignee", "country": "US"},
        containers=[],
        handling={"tlp": "RED", "releasable_to": []},
    )
    for agency in AGENCIES
]

_MODES: list[str] = []


@settings(
    max_examples=12,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)
@given(sequence=st.lists(steps, min_size=1, max_size=4))
def test_incremental_networks_equal_a_full_build_after_every_step(
    embedded_server: EmbeddedServer, tmp_path: Path, sequence: list[tuple[str, Any]]
) -> None:
    name = f"t_{uuid.uuid4().hex[:12]}"
    embedded_server.create_database(name)
    try:
        with open_test_store(embedded_server, name) as store:
            ensure_schema(store)
            _load(store, tmp_path, BASE)
            pipeline.refresh(store)
            for kind, step in sequence:
                if kind == "load":
                    _load(store, tmp_path, step)
                    _, report = pipeline.refresh(store)
                else:
                    a, b, status = step
                    ids = [party_identity(x, "CN").id for x in (a, b)]
                    present = {
                        row["id"] for row in store.read(live.PARTY_CLUSTERS_OF_QUERY, ids=ids)
                    }
                    if a == b or len(present) < 2:
                        continue
                    judgement = Judgement(
                        a=ids[0], b=ids[1], status=status, decided_by="analyst", reason="test"
                    )
                    _, report = pipeline.judge_and_update(store, judgement)
                _MODES.append("full" if report.full_build else "incremental")
                incremental = _state(store)
                build_networks(store)
                full = _state(store)
                assert incremental == full, (kind, step, report.as_dict())
    finally:
        embedded_server.drop_database(name)


def test_the_property_test_exercised_incremental_updates() -> None:
    # Runs after the property test (file order): most of its steps were updates.
    assert _MODES, "the property test ran no step"
    assert _MODES.count("incremental") >= len(_MODES) // 2, _MODES


def test_an_update_with_no_seeds_does_nothing(store: GraphStore) -> None:
    report = update_networks(store, [])
    assert report.as_dict()["mode"] == "incremental" and report.region_parties == 0


def pair(shipper: str, consignee: str, date: str, number: int) -> dict[str, Any]:
    return seizure_record(
        record_id=f"R-{number}",
        seizure_date=date,
        shipper={"name": shipper, "country": "CN"},
        consignee={"name": consignee, "country": "US"},
        containers=[],
        handling={"tlp": "CLEAR", "releasable_to": []},
    )


def _two_networks(store: GraphStore, tmp_path: Path) -> None:
    _load(
        store,
        tmp_path,
        [
            pair("North Star Trading", "Alpha Imports", "2024-01-10", 1),
            pair("North Star Trading", "Alpha Imports", "2024-02-10", 2),
            pair("South Wind Export", "Beta Retail", "2024-01-15", 3),
            pair("South Wind Export", "Beta Retail", "2024-02-15", 4),
        ],
    )
    pipeline.refresh(store)


def test_networks_stored_with_a_risk_counted_to_one_day_are_adopted_at_start(
    store: GraphStore, tmp_path: Path
) -> None:
    _two_networks(store, tmp_path)
    now = _state(store)
    assert now["risks"]
    # Stored as an earlier version stored them: the risk and its sentence counted to
    # one day, recency among the inputs, no base.
    rows = [
        {
            "id": nid,
            "props": {
                "risk": risk.risk,
                "risk_explanation": risk.explanation,
                "risk_inputs": json.dumps([i.__dict__ for i in risk.inputs]),
                "risk_base": None,
            },
        }
        for nid, risk in now["risks"].items()
    ]
    store.write(queries.UPSERT_NETWORKS_QUERY, rows=rows)
    assert _state(store)["networks"] != now["networks"]
    ensure_schema(store)
    assert _state(store) == now
    assert adopt_stored_risks(store) == 0


def test_a_newer_seizure_elsewhere_moves_the_recency_of_every_network(
    store: GraphStore, tmp_path: Path
) -> None:
    _two_networks(store, tmp_path)
    before = _state(store)
    assert len([n for n in before["networks"] if "@" not in n and "view:" not in n]) == 2
    # A year later, only the first network is seized again.
    _load(store, tmp_path, [pair("North Star Trading", "Alpha Imports", "2025-03-01", 5)])
    _, report = pipeline.refresh(store)
    assert report.full_build is None and report.recency_views >= 1, report.as_dict()
    incremental = _state(store)
    south = next(
        n
        for n, props in incremental["networks"].items()
        if props.get("label", "").startswith("South") and "@" not in n
    )
    # Its risk is read lower, counted to the newer day, though nothing rewrote it.
    assert incremental["networks"][south] == before["networks"][south]
    assert incremental["risks"][south].risk < before["risks"][south].risk
    build_networks(store)
    assert _state(store) == incremental
    # A seizure older than the newest moves no view's day.
    _load(store, tmp_path, [pair("North Star Trading", "Alpha Imports", "2025-02-01", 6)])
    _, report = pipeline.refresh(store)
    assert report.full_build is None, report.as_dict()
    assert report.recency_views == 0, report.as_dict()
    incremental = _state(store)
    build_networks(store)
    assert _state(store) == incremental
    # The newest seizure corrected to an earlier date: the newest day moves back,
    # which the seizures dated from each view's stamp on no longer show.
    _load(store, tmp_path, [pair("North Star Trading", "Alpha Imports", "2024-03-01", 5)])
    _, report = pipeline.refresh(store)
    assert report.full_build is None, report.as_dict()
    assert report.recency_views >= 1, report.as_dict()
    incremental = _state(store)
    build_networks(store)
    assert _state(store) == incremental


def _continued(store: GraphStore, count: int, rng: random.Random, tag: str) -> list[dict[str, Any]]:
    """`count` records of the graph again as new seizures: new ids, a later date, the
    same parties; every third a shipper renamed, every fifth another port."""
    ids = sorted(
        item[0] for row in store.read(queries.NETWORK_SEIZURES_QUERY) for item in row["rows"]
    )
    out = []
    for number in range(count):
        after = ids[rng.randrange(len(ids)) - 1] if number else ""
        [row] = store.read(queries.EXPORT_SEIZURES_QUERY, after=after, limit=1)
        record = json.loads(row["record"])
        record["record_id"] = f"{record['record_id']}-{tag}-{number}"
        record["seizure_date"] = f"2026-0{1 + number % 9}-1{number % 10}"
        record.pop("case_ref", None)
        if number % 3 == 1 and record.get("shipper"):
            record["shipper"]["name"] = f"Renamed {tag} Trading {number}"
        if number % 5 == 2:
            record["port_of_loading"] = "SGSIN"
        out.append(record)
    return out


@pytest.mark.timeout(900)
@pytest.mark.parametrize("forked", [False, True], ids=["one-process", "forked"])
def test_incremental_networks_equal_a_full_build_in_a_generated_world(
    embedded_server: EmbeddedServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forked: bool
) -> None:
    # A world large enough that an update's region is a small part of it: parties
    # outside are context (read for what they share) or not read at all. Forked:
    # every round's views computed in forked processes, as a large region's are.
    if forked:
        monkeypatch.setattr("graph.analysis.networks.incremental.PARALLEL_FROM", 0)
    name = f"t_{uuid.uuid4().hex[:12]}"
    embedded_server.create_database(name)
    try:
        with open_test_store(embedded_server, name) as store:
            ensure_schema(store)
            generate(400, 11, tmp_path / "world")
            report = pipeline.run(
                store, manifest_feeds(tmp_path / "world"), tmp_path / "quarantine"
            )
            assert report.stopped is None
            total = store.read(queries.count_label_query(Label.PARTY))[0]["count"]
            rng = random.Random(5)
            regions = []
            for step, count in enumerate((1, 4, 12)):
                _load(store, tmp_path, _continued(store, count, rng, f"S{step}"))
                _, update = pipeline.refresh(store)
                assert update.full_build is None, update.as_dict()
                assert (update.forked_rounds > 0) == forked, update.as_dict()
                regions.append(update.region_parties)
                incremental = _state(store)
                build_networks(store)
                full = _state(store)
                assert incremental == full, (
                    step,
                    update.as_dict(),
                    _differences(incremental, full),
                )
            # A judgement: a link binding an entity in a network is rejected.
            by_cluster: dict[str, list[str]] = {}
            for pid, row in sorted(pull(store).parties.items()):
                if row["network"] and row["cluster"]:
                    by_cluster.setdefault(row["cluster"], []).append(pid)
            ids = max(by_cluster.values(), key=len)
            link = next(
                row
                for row in store.read(queries.LINKS_AMONG_QUERY, ids=ids)
                if row["status"] == LinkStatus.AUTO
            )
            judgement = Judgement(
                a=link["a"],
                b=link["b"],
                status=LinkStatus.REJECTED,
                decided_by="analyst",
                reason="test",
            )
            _, update = pipeline.judge_and_update(store, judgement)
            incremental = _state(store)
            build_networks(store)
            assert incremental == _state(store), update.as_dict()
            # Each update computed a part of the world again, a record alone a small one.
            assert max(regions) < total and regions[0] < total / 2, (regions, total)
    finally:
        embedded_server.drop_database(name)


def _seized(number: int, shipper: dict[str, Any], consignee: str, date: str, **extra: Any):
    return seizure_record(
        record_id=f"J-{number}",
        seizure_date=date,
        shipper=shipper,
        consignee={"name": consignee, "country": "US"},
        handling=extra.pop("handling", {"tlp": "CLEAR", "releasable_to": []}),
        **extra,
    )


# A network's member: Golden Dragon Trading (HK), at a registered office.
OFFICE = "Rm 5, 8/F, Harbour Centre, 25 Harbour Road, Wan Chai"


def _dragon_in_a_network(store: GraphStore, tmp_path: Path, dragon: dict[str, Any]) -> None:
    """Golden Dragon Trading (`dragon`: its name and what it gives) seized twice with
    Alpha Imports, once in a container, and the networks updated."""
    _load(
        store,
        tmp_path,
        [
            _seized(1, dragon, "Alpha Imports", "2024-01-10", containers=["MSKU1234565"]),
            _seized(2, dragon, "Alpha Imports", "2024-02-10", containers=[]),
        ],
    )
    pipeline.refresh(store)


def _assert_joins_as_in_a_full_build(store: GraphStore, new: str, member: str) -> None:
    """After an incremental update, the party `new` (of HK) is in the network of
    `member`, and a full build gives the same networks."""
    _, report = pipeline.refresh(store)
    assert report.full_build is None, report.as_dict()
    incremental = _state(store)
    network_of = {party: state[0] for party, state in incremental["parties"].items()}
    joined = network_of[party_identity(new, "HK").id]
    assert joined and joined == network_of[party_identity(member, "HK").id]
    build_networks(store)
    assert _state(store) == incremental


def test_a_new_party_that_joins_a_network_it_touches_recomputes_that_network(
    store: GraphStore, tmp_path: Path
) -> None:
    """A new shipper at the registered office of a network's member, its goods in
    that member's container three weeks later: the address and the container
    together (0.56) make it join the network, though no record names both. The
    member is read as context with the round it joined in; the network it joins is
    computed again, as a full build computes it."""
    _dragon_in_a_network(
        store, tmp_path, {"name": "Golden Dragon Trading", "country": "HK", "address": OFFICE}
    )
    jade = {"name": "Jade River Export", "country": "HK", "address": OFFICE}
    _load(
        store,
        tmp_path,
        [_seized(3, jade, "Zeta Retail Co", "2024-01-31", containers=["MSKU1234565"])],
    )
    _assert_joins_as_in_a_full_build(store, "Jade River Export", "Golden Dragon Trading")


def test_a_new_party_joins_through_what_a_context_party_was_given_on_other_seizures(
    store: GraphStore, tmp_path: Path
) -> None:
    """A new shipper with the phone and the registered office of a network's member,
    on a seizure that names nobody else of it and shares no container: the member
    is context, read without its other seizures, but the mentions that gave it the
    phone and the address are read, so the new shipper joins as in a full build."""
    dragon = {
        "name": "Golden Dragon Trading",
        "country": "HK",
        "address": OFFICE,
        "phone": "+852 2555 6666",
    }
    _dragon_in_a_network(store, tmp_path, dragon)
    jade = {**dragon, "name": "Jade River Export"}
    _load(store, tmp_path, [_seized(3, jade, "Zeta Retail Co", "2024-03-01", containers=[])])
    _assert_joins_as_in_a_full_build(store, "Jade River Export", "Golden Dragon Trading")


# Shippers the public view sees; with their one consignee, entities one more.
@pytest.mark.parametrize("public", [26, 25])
def test_a_forwarder_busy_in_the_public_view_is_a_hub_everywhere(
    store: GraphStore, tmp_path: Path, public: int
) -> None:
    """A forwarder with more entities than the cap (and one, for the forwarder's own
    entity) in what every agency sees is a hub in every view: the update says so from
    one count, without reading who its seizures name. With no more than that in
    the public view (more only in Hong Kong's) it is not decided a hub. Either way
    the networks are a full build's."""
    hk_only = {"tlp": "AMBER", "releasable_to": []}
    records = [
        _seized(
            n,
            {"name": f"Shipper Number {n:02d} Trading", "country": "CN"},
            "Pacific Coast LLC",
            f"2024-01-{1 + n % 28:02d}",
            containers=[],
            forwarder={"name": "Orient Freight", "country": "HK"},
            agency="HK-CED",
            handling={"tlp": "CLEAR", "releasable_to": []} if n < public else hk_only,
        )
        for n in range(30)
    ]
    _load(store, tmp_path, records)
    pipeline.refresh(store)
    new = _seized(
        99,
        {"name": "Golden Dragon Trading", "country": "HK", "phone": "+852 2555 6666"},
        "Pacific Coast LLC",
        "2024-03-01",
        containers=[],
        forwarder={"name": "Orient Freight", "country": "HK"},
        agency="HK-CED",
        handling=hk_only,
    )
    _load(store, tmp_path, [new])
    _, report = pipeline.refresh(store)
    assert report.full_build is None, report.as_dict()
    assert report.hubs_skipped == (1 if public + 1 > FORWARDER_CAP + 1 else 0), report.as_dict()
    incremental = _state(store)
    build_networks(store)
    assert _state(store) == incremental
