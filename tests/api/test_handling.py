"""Handling enforced in every answer: the contract's visibility table, route by route.

The expected visibility is written here from the handling contract itself
(`contract_visible`), not from iprgraph's code: a record CLEAR or GREEN is seen by
every agency; AMBER and AMBER+STRICT by the reporting agency and those it was
released to; RED by the reporting agency only. A fact derived from records (a
party, a phone, a count, a network) exists for an agency only through records it
sees.

Two tests: a matrix (every TLP level with and without `releasable_to`, principals
of five agencies, through every route), and a property test (random small worlds of
records sharing parties, phones and containers, a random agency: no value that only
records it may not see carry appears anywhere in any answer, picture, export or page
of the web workspace, and counts are those of the records it sees).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import cycle, pairwise
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from api.app import create_app
from graph import pipeline
from graph.access import Viewer
from graph.analysis.networks import build_networks
from graph.config import Settings
from graph.embedded import EmbeddedServer
from graph.errors import NotFound
from graph.exchange.agreements import parse_terms, set_agreement
from graph.live.watches import WatchKind, create_watch
from graph.resolve.service import resolve
from graph.schema import ensure_schema
from graph.store import GraphStore
from ingest.manifest import Feed
from ingest.normalised import party_identity
from tests.conftest import open_test_store
from tests.factories import load_records, seizure_record, write_ndjson
from tests.helpers import auth, new_key, serve_in_thread, workspace_client

AGENCIES = ("HK-CED", "US-CBP", "MO-CS", "CN-GACC", "EU-NL")
TLPS = ("CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED")


def contract_visible(record: dict[str, Any], agency: str) -> bool:
    """The handling contract's table, for one record and one agency."""
    tlp = record["handling"]["tlp"]
    if tlp in ("CLEAR", "GREEN") or record["agency"] == agency:
        return True
    if tlp == "RED":
        return False
    return agency in record["handling"]["releasable_to"]


def sid(record: dict[str, Any]) -> str:
    return f"{record['agency']}:{record['record_id']}"


def party_id(party: dict[str, Any]) -> str:
    return party_identity(party["name"], party["country"]).id


@dataclass
class World:
    """Records loaded, resolved and networked in a database of their own, served."""

    records: list[dict[str, Any]]
    store: GraphStore
    base_url: str
    keys: dict[tuple[str, str], str] = field(default_factory=dict)
    # The answer to the watching agency's push (`make_world` with `later`).
    pushed: Any = None

    def key(self, agency: str, role: str = "investigator") -> str:
        key = self.keys.get((agency, role))
        if key is None:
            key = self.keys[(agency, role)] = new_key(self.store, agency=agency, role=role)
        return key

    def client(self, agency: str, role: str = "investigator") -> httpx.Client:
        return httpx.Client(
            base_url=self.base_url, timeout=60, headers=auth(self.key(agency, role))
        )


def make_world(
    embedded_server: EmbeddedServer,
    tmp_path: Path,
    records: list[dict[str, Any]],
    later: list[dict[str, Any]] | None = None,
    watcher: str = "HK-CED",
) -> Iterator[World]:
    """`records` loaded, resolved and networked; then, with `later`, the agency
    `watcher` watches every phone, entity and network it sees, the other agencies'
    records of `later` are loaded and queued, and `watcher` pushes its own over HTTP
    (`POST /v1/records`; one it loaded before when it has no later one): the push's
    run resolves, networks and raises alerts for all of them, and its answer is the
    world's `pushed`."""
    database = f"t_{uuid.uuid4().hex[:12]}"
    embedded_server.create_database(database)
    try:
        with open_test_store(embedded_server, database) as store:
            ensure_schema(store)
            load_records(store, tmp_path / f"feeds-{database}", records)
            resolve(store)
            build_networks(store)
            if later is not None:
                watch_everything(store, watcher)
                others = [r for r in later if r["agency"] != watcher]
                feed = write_ndjson(tmp_path / f"later-{database}.ndjson", others)
                report = pipeline.run(
                    store,
                    [Feed(feed, None, None)],
                    tmp_path / f"quarantine-{database}",
                    resolve=False,
                )
                assert report.stopped is None and report.files[0].quarantined == 0, report
            app = create_app(Settings(data_dir=tmp_path / f"data-{database}"), store=store)
            with serve_in_thread(app) as base_url:
                world = World(records, store, base_url)
                # Its later records, else one it loaded before (unchanged: the run
                # still follows); with none at all, the queue is refreshed directly.
                own = [r for r in later or () if r["agency"] == watcher] or [
                    r for r in records if r["agency"] == watcher
                ][:1]
                if later is not None and not own:
                    pipeline.refresh_and_alert(store)
                elif later is not None:
                    with world.client(watcher, "feed") as client:
                        answer = client.post(
                            "/v1/records",
                            content="".join(json.dumps(r) + "\n" for r in own),
                            headers={"Content-Type": "application/x-ndjson"},
                        )
                    assert answer.status_code == 200, answer.text
                    world.pushed = answer.json()
                    assert world.pushed["quarantined"] == 0, world.pushed
                yield world
    finally:
        embedded_server.drop_database(database)


def watch_everything(store: GraphStore, agency: str) -> None:
    """The agency watches every phone of the property test, and every entity and
    network it sees (at threshold 0: any risk crosses it). (Its containers carry no
    valid check digit, and a watch takes only a valid container number.)"""
    viewer = Viewer(agency=agency, principal=f"watcher of {agency}")
    for phone in _PHONES:
        create_watch(store, viewer, WatchKind.PHONE, phone)
    for party in _SHIPPERS + _CONSIGNEES:
        pid = party_id(party)
        network = "net:" + pid.removeprefix("party:")  # the network it is in
        for kind, value in ((WatchKind.ENTITY, pid), (WatchKind.NETWORK, network)):
            # A party it does not see, it cannot watch.
            with contextlib.suppress(NotFound):
                create_watch(store, viewer, kind, value, risk_threshold=0.0)


# --- the matrix ----------------------------------------------------------------------


def matrix_records() -> list[dict[str, Any]]:
    """Hong Kong's records at every TLP level, released to CBP or to nobody; each
    names a shipper, phone, container, case and value of its own."""
    records = []
    for number, (tlp, released) in enumerate(
        (tlp, released) for tlp in TLPS for released in ([], ["US-CBP"])
    ):
        records.append(
            {
                "record_id": f"M-{number:02d}",
                "agency": "HK-CED",
                "seizure_date": f"2024-05-{number + 1:02d}",
                "case_ref": f"CASE-{number:02d}-QX",
                "port_of_seizure": "HKHKG",
                "transport_mode": "sea",
                "containers": [f"MSKU{1000000 + number:07d}"],
                "value": {"amount": 7_100_000 + number, "currency": "USD"},
                "shipper": {
                    "name": f"Zephyrine Matrix Trading {chr(65 + number)} Ltd",
                    "country": "CN",
                    "phone": f"+86 755 8{number:03d} 4321",
                },
                "consignee": {"name": f"Quillon Receivers {chr(65 + number)} LLC", "country": "US"},
                "handling": {"tlp": tlp, "releasable_to": released},
            }
        )
    return records


@pytest.fixture(scope="module")
def matrix(
    embedded_server: EmbeddedServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    yield from make_world(embedded_server, tmp_path_factory.mktemp("matrix"), matrix_records())


@pytest.mark.parametrize("agency", AGENCIES)
@pytest.mark.parametrize("role", ["investigator", "analyst", "admin"])
def test_every_route_shows_exactly_what_the_contract_allows(
    matrix: World, agency: str, role: str
) -> None:
    seen = [r for r in matrix.records if contract_visible(r, agency)]
    unseen = [r for r in matrix.records if not contract_visible(r, agency)]
    assert seen and (unseen or agency == "HK-CED")
    with matrix.client(agency, role) as client:
        # One seizure, and the list.
        for record in matrix.records:
            answer = client.get(f"/v1/seizures/{sid(record)}")
            assert answer.status_code == (200 if record in seen else 404), (sid(record), agency)
        listed = client.get("/v1/seizures", params={"limit": 200}).json()
        assert {item["id"] for item in listed["items"]} == {sid(r) for r in seen}
        # Statistics and counts.
        totals = client.get("/v1/stats/seizures").json()["totals"]
        assert totals["seizures"] == len(seen)
        assert totals["value_usd"] == sum(r["value"]["amount"] for r in seen)
        summary = client.get("/v1/graph/summary").json()
        labels = {row["label"]: row["count"] for row in summary["labels"]}
        assert labels["Seizure"] == len(seen) and labels["Case"] == len(seen)
        assert labels["Container"] == len(seen) and labels["Phone"] == len(seen)
        # Parties: search, match, entity, neighbourhood.
        for record in matrix.records:
            shipper = record["shipper"]
            visible = record in seen
            hits = client.get("/v1/entities", params={"q": shipper["name"]}).json()["hits"]
            assert (party_id(shipper) in {h["id"] for h in hits}) == visible, shipper["name"]
            found = client.post(
                "/v1/match", json={"queries": [{"name": shipper["name"], "country": "CN"}]}
            ).json()["results"][0]["candidates"]
            assert (party_id(shipper) in {c["party_id"] for c in found}) == visible
            entity = client.get(f"/v1/entities/{party_id(shipper)}")
            assert entity.status_code == (200 if visible else 404)
            around = client.get(
                f"/v1/entities/{record['containers'][0]}/neighborhood", params={"depth": 2}
            )
            assert around.status_code == (200 if visible else 404)
            box = client.get("/v1/entities", params={"q": record["containers"][0]}).json()
            assert bool(box["hits"]) == visible
        # Nothing an unseen record alone says appears anywhere in these answers.
        texts = json.dumps(
            [
                listed,
                totals,
                summary,
                client.get("/v1/networks").json(),
                client.get(
                    "/v1/entities/HKHKG/neighborhood", params={"through_hubs": "true", "limit": 500}
                ).json(),
            ]
        )
        for record in unseen:
            for secret in secrets_of(record):
                assert secret not in texts, (agency, secret)


def secrets_of(record: dict[str, Any]) -> list[str]:
    """What a record alone says, in the forms an answer could show it."""
    amount = record["value"]["amount"]
    # The value as the API gives it, and as a page writes it (6,201,111).
    found = [record["record_id"], record.get("case_ref") or "", str(amount), f"{amount:,}"]
    for role in ("shipper", "consignee", "forwarder"):
        party = record.get(role)
        if party:
            found += [party["name"], party_id(party)]
            if party.get("phone"):
                found.append(party["phone"])
                found.append("+" + "".join(ch for ch in party["phone"] if ch.isdigit()))
            if party.get("address"):
                found.append(party["address"])
    found += list(record.get("containers", []))
    return [secret for secret in found if secret]


def test_a_partner_looks_up_within_what_its_agency_sees(matrix: World) -> None:
    """No agreement allows lookups here: a partner's hit is a record its agency sees,
    and nothing else is said (no "held by")."""
    with matrix.client("US-CBP", "partner") as client:
        for record in matrix.records:
            [result] = client.post(
                "/v1/match", json={"queries": [{"name": record["shipper"]["name"]}]}
            ).json()["results"]
            shown = party_id(record["shipper"]) in {m["party_id"] for m in result["matches"]}
            assert shown == contract_visible(record, "US-CBP") == result["hit"]
            assert result["held"] == [], record["handling"]
        assert client.get("/v1/seizures").status_code == 403


# --- the property ----------------------------------------------------------------------

_SHIPPERS = [
    {"name": f"Vantrell {word} Exporters Ltd", "country": "CN"}
    for word in ("Amber", "Birch", "Cedar", "Dune")
]
_CONSIGNEES = [
    {"name": f"Oxley {word} Imports LLC", "country": "US"} for word in ("North", "South", "West")
]
_PHONES = ["+86 755 8123 4567", "+86 20 3456 7890", "+852 2345 6789"]
_CONTAINERS = ["TGHU1234560", "MSCU7654325", "CMAU4567898"]


@st.composite
def worlds(draw: st.DrawFn) -> tuple[list[dict[str, Any]], dict[int, dict[str, Any]], str]:
    """Records, earlier versions of some of them (corrected later: another handling,
    value and case reference), and the agency that asks."""
    count = draw(st.integers(min_value=2, max_value=6))
    records = []
    earlier: dict[int, dict[str, Any]] = {}
    for number in range(count):
        agency = draw(st.sampled_from(AGENCIES[:3]))
        shipper = dict(draw(st.sampled_from(_SHIPPERS)))
        shipper["phone"] = draw(st.sampled_from(_PHONES))
        record: dict[str, Any] = {
            "record_id": f"P-{number}-{draw(st.integers(100, 999))}",
            "agency": agency,
            "seizure_date": f"2024-0{draw(st.integers(1, 9))}-1{number}",
            "port_of_seizure": draw(st.sampled_from(["HKHKG", "USLAX", "MOMFM"])),
            "transport_mode": "sea",
            "containers": [draw(st.sampled_from(_CONTAINERS))],
            "value": {"amount": 6_200_000 + number * 1_111, "currency": "USD"},
            "shipper": shipper,
            "consignee": dict(draw(st.sampled_from(_CONSIGNEES))),
            "handling": {
                "tlp": draw(st.sampled_from(TLPS)),
                "releasable_to": sorted(
                    draw(st.sets(st.sampled_from([a for a in AGENCIES if a != agency])))
                ),
            },
        }
        if draw(st.booleans()):
            record["case_ref"] = f"OP-{number}-{draw(st.integers(100, 999))}"
        records.append(record)
        if draw(st.integers(0, 3)) == 0:
            earlier[number] = {
                **record,
                "value": {"amount": 6_900_000 + number * 1_111, "currency": "USD"},
                "case_ref": f"OLD-{number}-{draw(st.integers(100, 999))}",
                "handling": {
                    "tlp": draw(st.sampled_from(TLPS)),
                    "releasable_to": sorted(
                        draw(st.sets(st.sampled_from([a for a in AGENCIES if a != agency])))
                    ),
                },
            }
    return records, earlier, draw(st.sampled_from(AGENCIES))


def answers_of(world: World, agency: str) -> tuple[list[Any], dict[str, int]]:
    """Every route's answers to an investigator of `agency`, asked about everything
    the world holds (seen or not), and the counts it was told. An answer that a thing
    is not there (404) says back only what was asked, and is left out; so is what a
    search or a lookup says back of the text it was asked."""
    out: list[Any] = []

    def keep(answer: httpx.Response) -> Any:
        if answer.status_code == 404:
            return None
        assert answer.status_code == 200, answer.text
        return answer.json()

    with world.client(agency) as client:
        listed = keep(client.get("/v1/seizures", params={"limit": 200}))
        stats = keep(client.get("/v1/stats/seizures", params={"group_by": "port"}))
        # By month, whole months come from the kept totals (`StatsCell`), not the
        # seizures: they must count the same.
        monthly = keep(client.get("/v1/stats/seizures", params={"group_by": "month"}))
        summary = keep(client.get("/v1/graph/summary"))
        networks = keep(client.get("/v1/networks"))
        out += [listed, stats, monthly, summary, networks]
        for item in networks["items"]:
            out.append(keep(client.get(f"/v1/networks/{item['id']}")))
        parties = {party_id(p) for p in _SHIPPERS + _CONSIGNEES}
        for record in world.records:
            out.append(keep(client.get(f"/v1/seizures/{sid(record)}")))
            out.append(keep(client.get(f"/v1/seizures/{sid(record)}/history")))
            around = client.get(f"/v1/entities/{sid(record)}/neighborhood", params={"depth": 2})
            out.append(keep(around))
        for pid in sorted(parties):
            out.append(keep(client.get(f"/v1/entities/{pid}")))
            out.append(keep(client.get(f"/v1/entities/{pid}/network")))
            around = client.get(f"/v1/entities/{pid}/neighborhood", params={"depth": 3})
            out.append(keep(around))
        # What a hit is (its explanation compares it with the text asked, which it says
        # back: the text asked may be a name only unseen records wrote).
        for text in [p["name"] for p in _SHIPPERS + _CONSIGNEES] + _PHONES + _CONTAINERS:
            hits = keep(client.get("/v1/entities", params={"q": text}))["hits"]
            out.append([{k: v for k, v in hit.items() if k != "why"} for hit in hits])
        queries = [{"name": p["name"]} for p in _SHIPPERS]
        matched = keep(client.post("/v1/match", json={"queries": queries}))
        out.append(
            [
                {k: v for k, v in candidate.items() if k != "explanation"}
                for result in matched["results"]
                for candidate in result["candidates"]
            ]
        )
        # Lookups by identifier alone (issue 25): candidates only, as above.
        by_phone = keep(client.post("/v1/match", json={"queries": [{"phone": p} for p in _PHONES]}))
        out.append(
            [
                {k: v for k, v in candidate.items() if k != "explanation"}
                for result in by_phone["results"]
                for candidate in result["candidates"]
            ]
        )
        for pid in sorted(parties):
            out.append(keep(client.get("/v1/seizures", params={"entity": pid, "limit": 200})))
        for source, target in pairwise(sorted(parties)):
            paths = client.get(
                "/v1/paths", params={"source": source, "target": target, "max_hops": 6}
            )
            out.append(keep(paths))
    with world.client(agency, "analyst") as analyst:
        queue = keep(analyst.get("/v1/suggestions", params={"limit": 200}))
        out.append(queue)
        alerts = keep(analyst.get("/v1/alerts", params={"limit": 500}))
        out.append(alerts)
        for alert in alerts["items"]:
            out.append(keep(analyst.post(f"/v1/alerts/{alert['id']}/acknowledge")))
    out += views_of(world, agency, [item["id"] for item in networks["items"]], sorted(parties))
    counts = {
        "listed": len(listed["items"]),
        "stats": stats["totals"]["seizures"],
        "monthly": monthly["totals"]["seizures"],
        "summary": {row["label"]: row["count"] for row in summary["labels"]}.get("Seizure", 0),
        "alerts": len(alerts["items"]),
    }
    return out, counts


def partner_lookups(world: World, agency: str) -> dict[str, list[Any]]:
    """A partner of `agency` looks up every shipper, by name and by phone, with an
    agreement in force that lets its agency look up each other agency's records:
    what it was told, without the queries it sent (said back)."""
    for other in AGENCIES:
        if other != agency:
            set_agreement(
                world.store,
                name=f"lookups {agency} {other}",
                agencies=(agency, other),
                terms=parse_terms(f"{agency}>{other}: lookups"),
                contacts={other: f"contact point of {other}"},
                valid_from=dt.date(2020, 1, 1),
            )
    queries = [{"name": p["name"], "country": "CN"} for p in _SHIPPERS]
    queries += [{"name": p["name"], "phone": phone} for p in _SHIPPERS[:1] for phone in _PHONES]
    with world.client(agency, "partner") as client:
        answer = client.post("/v1/match", json={"queries": queries})
    assert answer.status_code == 200, answer.text
    results = answer.json()["results"]
    return {
        "matches": [
            {k: v for k, v in match.items() if k != "explanation"}
            for result in results
            for match in result["matches"]
        ],
        "held": [held for result in results for held in result["held"]],
    }


# The page's own script (vis-network and iprgraph's), the same in every picture:
# left out of what is searched for secrets, which is the page's data and text.
_PAGE_SCRIPT = re.compile(r"<script>.*?</script>", re.S)
# What a page says back of what it was asked: the text of a search box, the ids in
# the path finder's fields, and a search hit's explanation (it compares the hit
# with that text).
_ECHOED = re.compile(r'(?:value="[^"]*")|(?:<td class="why">.*?</td>)', re.S)


def views_of(world: World, agency: str, networks: list[str], parties: list[str]) -> list[str]:
    """Every picture, export and workspace page an investigator of `agency` may ask
    about what the world holds, as text; those answered 404 (they say back only
    what was asked) are left out. Exports cycle through every format."""
    formats = cycle(["ndjson", "graphml", "gexf", "cytoscape", "ftm", "i2-entities", "i2-links"])
    out: list[str] = []

    def keep(answer: httpx.Response) -> None:
        if answer.status_code == 404:
            return
        assert answer.status_code == 200, (answer.request.url, answer.text[:500])
        out.append(_ECHOED.sub("", _PAGE_SCRIPT.sub("", answer.text)))

    def export(client: httpx.Client, **scope: Any) -> None:
        chosen = next(formats)
        if chosen.startswith("i2-"):
            scope.update(format="i2", part=chosen.removeprefix("i2-"))
        else:
            scope.update(format=chosen)
        keep(client.get("/v1/export", params=scope))

    sids = [sid(record) for record in world.records]
    with world.client(agency) as api, workspace_client(world.base_url, world.key(agency)) as web:
        keep(web.get("/"))
        for sort in ("risk", "score", "recent"):
            keep(web.get("/review", params={"sort": sort, "limit": 200}))
        for network in networks:
            keep(api.get(f"/v1/pictures/network/{network}"))
            keep(web.get(f"/networks/{network}"))
            export(api, network=network)
        for pid in parties:
            keep(api.get(f"/v1/pictures/entity/{pid}"))
            keep(web.get(f"/entities/{pid}"))
            keep(web.get("/review", params={"entity": pid}))
            export(api, entity=pid)
            keep(api.get(f"/v1/pictures/neighborhood/{pid}", params={"depth": 3}))
            keep(web.get(f"/neighborhood/{pid}", params={"depth": 3}))
            export(api, node=pid, depth=3)
        for seizure in sids:
            keep(web.get(f"/seizures/{seizure}"))
            keep(api.get(f"/v1/pictures/neighborhood/{seizure}", params={"depth": 2}))
            export(api, node=seizure, depth=2)
        for source, target in pairwise(parties):
            asked = {"source": source, "target": target, "max_hops": 6}
            keep(api.get("/v1/pictures/paths", params=asked))
            keep(web.get("/paths", params=asked))
            export(api, **asked)
        for text in [p["name"] for p in _SHIPPERS + _CONSIGNEES] + _PHONES + _CONTAINERS:
            keep(web.get("/search", params={"q": text}))
    return out


def _corrected_out_of_sight() -> tuple[list[dict[str, Any]], dict[int, dict[str, Any]], str]:
    """A world the draws may miss: a record US-CBP sees now (GREEN) whose earlier
    version was RED, with a value and case of its own; and a record it may not see
    sharing the first one's shipper, phone and container (the alerts it raises for
    US-CBP's watches must not show it)."""
    base = {
        "seizure_date": "2024-03-10",
        "port_of_seizure": "HKHKG",
        "transport_mode": "sea",
        "containers": [_CONTAINERS[0]],
        "shipper": {**_SHIPPERS[0], "phone": _PHONES[0]},
        "consignee": dict(_CONSIGNEES[0]),
    }
    seen = {
        **base,
        "record_id": "P-0-101",
        "agency": "HK-CED",
        "value": {"amount": 6_200_000, "currency": "USD"},
        "handling": {"tlp": "GREEN", "releasable_to": []},
    }
    unseen = {
        **base,
        "record_id": "P-1-102",
        "agency": "MO-CS",
        "seizure_date": "2024-04-11",
        "value": {"amount": 6_201_111, "currency": "USD"},
        "consignee": dict(_CONSIGNEES[1]),
        "case_ref": "OP-1-102",
        "handling": {"tlp": "RED", "releasable_to": []},
    }
    earlier = {
        **seen,
        "value": {"amount": 6_900_000, "currency": "USD"},
        "case_ref": "OLD-0-101",
        "handling": {"tlp": "RED", "releasable_to": []},
    }
    return [seen, unseen], {0: earlier}, "US-CBP"


# Twelve worlds, each loaded, watched, pushed through the pipeline and asked every
# route: about four minutes on the shared 2-core machine, near the suite's 300 s.
@pytest.mark.timeout(900)
@settings(
    max_examples=12,
    # Each example loads, resolves and serves a world: shrinking one that fails would
    # take many minutes; the example is reported as found.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(world=worlds())
@example(world=_corrected_out_of_sight())
def test_no_answer_carries_what_only_unseen_records_say(
    embedded_server: EmbeddedServer,
    tmp_path: Path,
    world: tuple[list[dict[str, Any]], dict[int, dict[str, Any]], str],
) -> None:
    """Half the records (and the earlier versions of corrected ones) are loaded first;
    the asking agency then watches everything it sees, and the rest (and the corrections)
    go through the pipeline, raising alerts: alerts and seizure histories are asked
    too."""
    records, earlier, agency = world
    half = len(records) // 2
    first = [earlier.get(i, r) for i, r in enumerate(records) if i < half or i in earlier]
    later = [r for i, r in enumerate(records) if i >= half or i in earlier]
    seen = [r for r in records if contract_visible(r, agency)]
    unseen = [r for r in records if not contract_visible(r, agency)]
    for served in make_world(embedded_server, tmp_path, first, later, agency):
        served.records = records
        answers, counts = answers_of(served, agency)
        lookups = partner_lookups(served, agency)
    alerted = counts.pop("alerts")
    # The agency's own push, whose run took in the records queued by the others.
    if served.pushed is not None:
        answers.append(served.pushed)
    assert counts == {
        "listed": len(seen),
        "stats": len(seen),
        "monthly": len(seen),
        "summary": len(seen),
    }
    # A partner whose agency may look every other agency up: hits on what it sees,
    # "held by" only for AMBER records it does not see (never AMBER+STRICT or RED), and
    # nothing of the record but its agency, reference and the contact point.
    holders = {
        r["agency"] for r in unseen if r["handling"]["tlp"] == "AMBER" and r["agency"] != agency
    }
    assert {held["agency"] for held in lookups["held"]} <= holders
    assert all(set(held) == {"agency", "reference", "contact"} for held in lookups["held"])
    answers.append(lookups)
    text = json.dumps(answers, ensure_ascii=False)
    shown_by_seen = {secret for record in seen for secret in secrets_of(record)}
    for record in unseen:
        for secret in secrets_of(record):
            if secret not in shown_by_seen:
                assert secret not in text, (agency, record["handling"], secret, alerted)
    # What only an earlier version said (its value and case) shows where that version
    # is seen: in the history of a record the agency sees, when its handling allows.
    for version in earlier.values():
        if not contract_visible(version, agency):
            amount = version["value"]["amount"]
            for secret in (version["case_ref"], str(amount), f"{amount:,}"):
                assert secret not in text, (agency, version["handling"], secret)


def test_a_networks_recency_counts_to_the_newest_seizure_its_reader_sees(
    embedded_server: EmbeddedServer, tmp_path: Path
) -> None:
    """Recency is counted when a risk is read, to the day of the reader's view: a
    newer seizure only another agency may see moves neither the days, the risk nor
    the order that HK-CED is shown."""

    def pair(agency: str, shipper: str, consignee: str, date: str, tlp: str) -> dict[str, Any]:
        return seizure_record(
            agency=agency,
            seizure_date=date,
            shipper={"name": shipper, "country": "CN"},
            consignee={"name": consignee, "country": "US"},
            containers=[],
            handling={"tlp": tlp, "releasable_to": []},
        )

    records = [
        pair("HK-CED", "North Star Trading", "Alpha Imports", "2024-01-10", "CLEAR"),
        pair("HK-CED", "North Star Trading", "Alpha Imports", "2024-02-10", "CLEAR"),
        # Four months newer, and only US-CBP's.
        pair("US-CBP", "South Wind Export", "Beta Retail", "2024-06-01", "RED"),
        pair("US-CBP", "South Wind Export", "Beta Retail", "2024-06-09", "RED"),
    ]
    for world in make_world(embedded_server, tmp_path, records):
        for agency, days in (("HK-CED", 0), ("US-CBP", 120)):
            with world.client(agency) as client:
                listed = client.get("/v1/networks").json()["items"]
                north = next(n for n in listed if n["last_seizure"] == "2024-02-10")
                detail = client.get(f"/v1/networks/{north['id']}").json()
            recency = next(i for i in detail["risk_inputs"] if i["name"] == "recency")
            assert recency["value"] == days, (agency, recency)
            assert (north["risk"], north["risk_explanation"]) == (
                detail["risk"],
                detail["risk_explanation"],
            )
