"""Watch lists and alerts: each rule fires on a push (`POST /v1/records`) and says
why; a batch sent again raises nothing new; no alert leaks across agencies; alerts
are delivered to a webhook, signed, retried, once, without holding up the push."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest

from api.app import create_app
from graph.access import OPERATOR
from graph.config import Settings
from graph.live import inbox, webhooks
from graph.store import GraphStore
from ingest.normalised import party_identity
from tests.factories import seizure_record
from tests.helpers import auth, new_key, serve_in_thread

GREEN = {"tlp": "GREEN", "releasable_to": []}
RED = {"tlp": "RED", "releasable_to": []}
HUAXIN_PHONE = "+86 755 8888 1234"


def _cbp(number: int, **overrides: Any) -> dict[str, Any]:
    """A US-CBP seizure of last year, shared with every agency (GREEN)."""
    fields: dict[str, Any] = {
        "record_id": f"CBP-{number}",
        "agency": "US-CBP",
        "seizure_date": f"2024-0{number % 9 + 1}-10",
        "port_of_seizure": "USLGB",
        "port_of_loading": "CNYTN",
        "transit_ports": ["SGSIN"],
        "containers": [],
        "shipper": {"name": "Huaxin Trading Co", "country": "CN", "phone": HUAXIN_PHONE},
        "consignee": {"name": "Pacific Imports LLC", "country": "US"},
        "handling": GREEN,
    }
    return seizure_record(**{**fields, **overrides})


def _hk(number: int, **overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "record_id": f"HK-LIVE-{number}",
        "agency": "HK-CED",
        "seizure_date": "2025-02-01",
        "port_of_seizure": "HKHKG",
        "port_of_loading": "CNYTN",
        "transit_ports": [],
        "containers": [],
        "trademarks": [{"mark": "NIKE", "rights_holder": "Nike Inc."}],
        "handling": {"tlp": "AMBER", "releasable_to": []},
    }
    return seizure_record(**{**fields, **overrides})


@dataclass
class Api:
    base_url: str
    store: GraphStore

    def client(self, agency: str, role: str) -> httpx.Client:
        key = new_key(self.store, agency=agency, role=role)
        return httpx.Client(base_url=self.base_url, timeout=120, headers=auth(key))

    def push(self, agency: str, records: list[dict[str, Any]]) -> dict[str, Any]:
        with self.client(agency, "feed") as feed:
            answer = feed.post("/v1/records", json=records)
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        assert body["loaded"] + body["unchanged"] == len(records), body
        return body


def _settings(tmp_path: Path, **extra: Any) -> Settings:
    return Settings(data_dir=tmp_path / "data", **extra)


@pytest.fixture
def api(store: GraphStore, tmp_path: Path) -> Iterator[Api]:
    with serve_in_thread(create_app(_settings(tmp_path), store=store)) as base_url:
        yield Api(base_url, store)


def _alerts(client: httpx.Client, **params: Any) -> list[dict[str, Any]]:
    answer = client.get("/v1/alerts", params=params)
    assert answer.status_code == 200, answer.text
    items: list[dict[str, Any]] = answer.json()["items"]
    return items


def _network_of(client: httpx.Client, party: str) -> dict[str, Any]:
    answer = client.get(f"/v1/entities/{party}/network")
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def test_shipper_rotation_raises_an_alert_for_the_watcher_of_the_network_once(api: Api) -> None:
    """The issue's case: HK-CED pushes a record whose shipper shares a phone with a
    party US-CBP seized last year; HK-CED's analyst watches that party's network."""
    api.push("US-CBP", [_cbp(1), _cbp(2)])
    huaxin = party_identity("Huaxin Trading Co", "CN").id
    with api.client("HK-CED", "analyst") as analyst:
        network = _network_of(analyst, huaxin)
        made = analyst.post("/v1/watches", json={"kind": "network", "value": network["id"]})
        assert made.status_code == 201, made.text
        assert made.json()["item"] == huaxin
        # A threshold just above the network's risk now: the push crosses it.
        risky = analyst.post(
            "/v1/watches",
            json={"kind": "entity", "value": huaxin, "risk_threshold": network["risk"] + 0.01},
        )
        assert risky.status_code == 201, risky.text
        assert _alerts(analyst) == []

        batch = [
            _hk(
                1,
                shipper={
                    "name": "Golden Star Logistics Ltd",
                    "country": "CN",
                    "phone": HUAXIN_PHONE,
                },
                consignee={"name": "Kowloon Novelty Traders", "country": "HK"},
            )
        ]
        pushed = api.push("HK-CED", batch)
        assert pushed["alerts"]["raised_for_your_agency"] >= 1
        alerts = {alert["rule"]: alert for alert in _alerts(analyst)}
        rotation = alerts["shipper-rotation"]
        # It says who, what they share, and with whom, and cites the records.
        text = rotation["explanation"]
        for words in ("Golden Star Logistics Ltd", "Huaxin Trading Co", "+8675588881234", "CBP-"):
            assert words in text, text
        assert "never seized before" in text
        assert rotation["seizures"][0] == "HK-CED:HK-LIVE-1"
        assert {"US-CBP:CBP-1", "US-CBP:CBP-2"} <= set(rotation["seizures"])
        assert rotation["watches"] == sorted([made.json()["id"], risky.json()["id"]])
        assert rotation["status"] == "new" and rotation["delivery"] is None
        # The network, watched, gains Hong Kong and crosses the watch's threshold.
        jurisdiction = alerts["new-jurisdiction"]
        assert "HK" in jurisdiction["title"] and "US" in jurisdiction["explanation"]
        risk = alerts["risk-threshold"]
        assert f"threshold {network['risk'] + 0.01:.0f}" in risk["explanation"]
        # The new seizure names a party now in the watched network.
        assert "Golden Star Logistics Ltd" in alerts["watched-item"]["explanation"]
        assert "member of the network" in alerts["watched-item"]["explanation"]
        before = _alerts(analyst)

        # The same batch again loads nothing and raises nothing.
        again = api.push("HK-CED", batch)
        assert (again["loaded"], again["alerts"]["raised_for_your_agency"]) == (0, 0)
        assert _alerts(analyst) == before

        # Listing: since, status, acknowledge, paging.
        assert _alerts(analyst, since="2999-01-01") == []
        first = before[0]["id"]
        acked = analyst.post(f"/v1/alerts/{first}/acknowledge")
        assert acked.status_code == 200 and acked.json()["status"] == "acknowledged"
        assert [a["id"] for a in _alerts(analyst, status="acknowledged")] == [first]
        assert first not in {a["id"] for a in _alerts(analyst, status="new")}
        page = analyst.get("/v1/alerts", params={"limit": 1}).json()
        assert len(page["items"]) == 1 and page["next_cursor"]
        rest = analyst.get(
            "/v1/alerts", params={"limit": 100, "cursor": page["next_cursor"]}
        ).json()
        assert len(page["items"]) + len(rest["items"]) == len(before)
        assert analyst.get("/v1/alerts", params={"cursor": "nope"}).status_code == 422
        assert analyst.get("/v1/alerts", params={"since": "yesterday"}).status_code == 422

    # US-CBP watches nothing: it hears nothing, and sees none of HK-CED's alerts.
    with api.client("US-CBP", "investigator") as cbp:
        assert _alerts(cbp) == []
        assert cbp.post(f"/v1/alerts/{first}/acknowledge").status_code == 404
        assert cbp.get("/v1/watches").json()["items"] == []


def test_shipper_rotation_through_an_address_or_a_registration_number(api: Api) -> None:
    """A new name giving the address a party seized before gave is rotation; one
    giving its registration number is checked the same way (resolution may make it
    the same company, and then it is no rotation: a company is not its own front)."""
    pearl = {
        "name": "Pearl Delta Export Co",
        "country": "CN",
        "address": "Room 1203, 88 Shennan Road, Futian, Shenzhen",
        "registration_id": "91440300MA5PEARL01",
    }
    api.push("US-CBP", [_cbp(5, shipper=pearl), _cbp(6, shipper=pearl)])
    earlier = party_identity(pearl["name"], "CN").id
    with api.client("HK-CED", "analyst") as analyst:
        made = analyst.post("/v1/watches", json={"kind": "entity", "value": earlier})
        assert made.status_code == 201, made.text
        by_address = _hk(
            7,
            shipper={
                "name": "Azure Gate Trading Ltd",
                "country": "CN",
                "address": pearl["address"],
            },
        )
        by_number = _hk(
            8,
            shipper={
                "name": "Shenzhen Lantern Bay Goods Co",
                "country": "CN",
                "registration_id": pearl["registration_id"],
            },
        )
        api.push("HK-CED", [by_address, by_number])
        rotations = [a for a in _alerts(analyst) if a["rule"] == "shipper-rotation"]
        said = {a["seizures"][0]: a["explanation"] for a in rotations}
        text = said["HK-CED:HK-LIVE-7"]
        for words in ("Azure Gate Trading Ltd", "an address", "Pearl Delta Export Co", "CBP-"):
            assert words in text, text
        lantern = party_identity("Shenzhen Lantern Bay Goods Co", "CN").id
        with api.client("HK-CED", "investigator") as reader:
            members = {m["id"] for m in reader.get(f"/v1/entities/{lantern}").json()["members"]}
        if earlier in members:
            assert "HK-CED:HK-LIVE-8" not in said  # one company under two names
        else:
            assert "91440300MA5PEARL01" in said["HK-CED:HK-LIVE-8"], said


def test_watched_items_new_routes_and_what_a_watch_accepts(api: Api) -> None:
    api.push("US-CBP", [_cbp(3), _cbp(4)])
    huaxin = party_identity("Huaxin Trading Co", "CN").id
    with api.client("HK-CED", "analyst") as analyst:
        for body in (
            {"kind": "mark", "value": "  Rolex "},
            {"kind": "container", "value": "CSQU 305438 3"},
            {"kind": "email", "value": "Sales@Golden-Star.example"},
            {"kind": "entity", "value": huaxin},
        ):
            assert analyst.post("/v1/watches", json=body).status_code == 201, body
        listed = {w["kind"]: w["item"] for w in analyst.get("/v1/watches").json()["items"]}
        assert listed["mark"] == "tm:rolex" and listed["container"] == "CSQU3054383"
        assert listed["email"] == "mail:sales@golden-star.example"
        # Watched twice: one watch.
        assert (
            analyst.post("/v1/watches", json={"kind": "mark", "value": "ROLEX"}).json()["item"]
            == "tm:rolex"
        )
        assert len(analyst.get("/v1/watches").json()["items"]) == 4
        # What is not an item of its kind, or not there, is refused with the reason.
        bad = analyst.post("/v1/watches", json={"kind": "phone", "value": "not a phone"})
        assert bad.status_code == 422 and bad.json()["parameter"] == "value"
        bad = analyst.post("/v1/watches", json={"kind": "container", "value": "ABCD1234567"})
        assert bad.status_code == 422 and "container" in bad.json()["detail"]
        missing = analyst.post("/v1/watches", json={"kind": "entity", "value": "party:nobody"})
        assert missing.status_code == 404

        api.push(
            "HK-CED",
            [
                _hk(
                    10,
                    trademarks=[{"mark": "ROLEX", "rights_holder": "Rolex SA"}],
                    containers=["CSQU3054383"],
                    shipper={
                        "name": "Star Watch Co",
                        "country": "CN",
                        "email": "sales@golden-star.example",
                    },
                ),
                # Huaxin, known from two US-CBP seizures loaded at Yantian through
                # Singapore, now loaded at Ningbo through Busan.
                _hk(
                    11,
                    port_of_loading="CNNGB",
                    transit_ports=["KRPUS"],
                    shipper={"name": "Huaxin Trading Co", "country": "CN", "phone": HUAXIN_PHONE},
                    consignee={"name": "Pacific Imports LLC", "country": "US"},
                ),
            ],
        )
        alerts = _alerts(analyst)
        hit = next(
            a for a in alerts if a["rule"] == "watched-item" and a["subject"].endswith("-10")
        )
        for words in ("mark Rolex", "container CSQU3054383", "email sales@golden-star.example"):
            assert words in hit["explanation"], hit["explanation"]
        assert len(hit["watches"]) == 3
        route = next(a for a in alerts if a["rule"] == "new-route")
        assert route["subject"] == huaxin
        for words in ("CNNGB", "KRPUS", "CNYTN", "seized 2 time(s) before"):
            assert words in route["explanation"], route["explanation"]
        # Deleting a watch: gone, and only by an analyst of its agency.
        watch_id = next(w["id"] for w in analyst.get("/v1/watches").json()["items"])
        with api.client("US-CBP", "analyst") as other:
            assert other.delete(f"/v1/watches/{watch_id}").status_code == 404
        assert analyst.delete(f"/v1/watches/{watch_id}").status_code == 200
        assert analyst.delete(f"/v1/watches/{watch_id}").status_code == 404
        assert len(analyst.get("/v1/watches").json()["items"]) == 3


def test_no_alert_rests_on_or_shows_a_record_the_agency_may_not_see(api: Api) -> None:
    """A RED record of US-CBP neither raises an alert for HK-CED nor appears in one;
    the same record raises one for a US-CBP watcher."""
    secret_phone = "+86 20 3333 4444"
    with api.client("HK-CED", "analyst") as hk, api.client("US-CBP", "analyst") as cbp:
        for client in (hk, cbp):
            made = client.post("/v1/watches", json={"kind": "phone", "value": secret_phone})
            assert made.status_code == 201, made.text
        api.push(
            "US-CBP",
            [
                _cbp(
                    7,
                    record_id="CBP-SECRET-7",
                    handling=RED,
                    shipper={"name": "Hidden Dragon Ltd", "country": "CN", "phone": secret_phone},
                    consignee={"name": "Quiet Buyer Inc", "country": "US"},
                )
            ],
        )
        assert _alerts(hk) == []
        [mine] = _alerts(cbp)
        assert mine["rule"] == "watched-item" and "Hidden Dragon" in mine["explanation"]

        # HK-CED seizes a new party with that phone: its own record raises the
        # watched-item alert; the RED party is never named, and no rotation is seen.
        api.push(
            "HK-CED",
            [
                _hk(
                    20,
                    shipper={"name": "Open Door Trading", "country": "CN", "phone": secret_phone},
                    consignee={"name": "Harbour Goods Ltd", "country": "HK"},
                    handling={"tlp": "AMBER", "releasable_to": ["US-CBP"]},
                )
            ],
        )
        hk_alerts = _alerts(hk)
        assert [a["rule"] for a in hk_alerts] == ["watched-item"]
        # Nor is one stored for HK-CED (listing checks again what it may see).
        stored = inbox.list_alerts(api.store, OPERATOR, agency="HK-CED").items
        assert [a["id"] for a in stored] == [a["id"] for a in hk_alerts]
        shown = json.dumps(stored)
        for hidden in ("Hidden Dragon", "CBP-SECRET-7", "Quiet Buyer", "US-CBP:"):
            assert hidden not in shown, hidden
        # US-CBP sees both records (HK-CED released its own to it): for US-CBP, the
        # new party took the hidden one's phone.
        assert "shipper-rotation" in {a["rule"] for a in _alerts(cbp)}


def test_a_judgement_raises_the_network_and_watched_entity_alerts_once(api: Api) -> None:
    """An HK-CED analyst confirms that a party HK-CED seized is one US-CBP seized:
    the watched network reaches Hong Kong and the watched entity gains a party, and
    those who watch are told, each within what it may see; the same confirmation
    again raises nothing; a rejection tells that the entity lost the party."""
    api.push("US-CBP", [_cbp(31), _cbp(32)])
    api.push(
        "HK-CED",
        [
            _hk(
                30 + i,
                shipper={
                    "name": "Golden Star Logistics Ltd",
                    "country": "CN",
                    "phone": "+86 20 5555 6666",
                },
                consignee={"name": "Kowloon Novelty Traders", "country": "HK"},
            )
            for i in range(2)
        ],
    )
    huaxin = party_identity("Huaxin Trading Co", "CN").id
    golden = party_identity("Golden Star Logistics Ltd", "CN").id
    with api.client("HK-CED", "analyst") as hk, api.client("US-CBP", "analyst") as cbp:
        network = _network_of(hk, huaxin)
        assert golden not in {m["id"] for m in network.get("members", [])}
        watched_network = hk.post(
            "/v1/watches",
            json={
                "kind": "network",
                "value": network["id"],
                "risk_threshold": network["risk"] + 0.01,
            },
        )
        watched_entity = hk.post("/v1/watches", json={"kind": "entity", "value": huaxin})
        # US-CBP watches the entity too, but may not see HK-CED's AMBER records.
        cbp_entity = cbp.post("/v1/watches", json={"kind": "entity", "value": huaxin})
        for made in (watched_network, watched_entity, cbp_entity):
            assert made.status_code == 201, made.text
        assert _alerts(hk) == [] and _alerts(cbp) == []

        confirm = {"a": huaxin, "b": golden, "decision": "confirmed", "reason": "same owner"}
        judged = hk.post("/v1/judgements", json=confirm)
        assert judged.status_code == 201, judged.text
        assert judged.json()["alerts"]["raised_for_your_agency"] >= 2
        alerts = _alerts(hk)
        by_rule: dict[str, list[dict[str, Any]]] = {}
        for alert in alerts:
            by_rule.setdefault(alert["rule"], []).append(alert)
        [jurisdiction] = by_rule["new-jurisdiction"]
        [risk] = by_rule["risk-threshold"]
        assert f"threshold {network['risk'] + 0.01:.0f}" in risk["explanation"]
        assert _network_of(hk, huaxin)["risk"] > network["risk"]
        assert "HK" in jurisdiction["title"], jurisdiction
        assert "was seen in US" in jurisdiction["explanation"]
        assert "confirmed that" in jurisdiction["explanation"]
        changed = {tuple(a["watches"]): a for a in by_rule["watched-changed"]}
        entity_alert = changed[(watched_entity.json()["id"],)]
        assert golden in entity_alert["explanation"]
        assert "it gained 1 party" in entity_alert["explanation"]
        assert (watched_network.json()["id"],) in changed
        # US-CBP's watch of the entity: the party it gained is one US-CBP may not
        # see, so nothing is raised for it, and nothing of HK-CED's shows.
        assert _alerts(cbp) == []
        assert judged.json()["alerts"]["raised_for_your_agency"] == len(alerts)

        # The same confirmation again changes nothing and raises nothing.
        again = hk.post("/v1/judgements", json=confirm)
        assert again.status_code == 201, again.text
        assert again.json()["alerts"]["raised_for_your_agency"] == 0
        assert len(_alerts(hk)) == len(alerts)

        # A rejection splits the entity: its watcher hears it lost the party.
        rejected = hk.post("/v1/judgements", json={**confirm, "decision": "rejected"})
        assert rejected.status_code == 201, rejected.text
        assert rejected.json()["alerts"]["raised_for_your_agency"] >= 1
        lost = [
            a
            for a in _alerts(hk, status="new")
            if a["rule"] == "watched-changed" and "it lost 1 party" in a["explanation"]
        ]
        assert any(a["watches"] == [watched_entity.json()["id"]] for a in lost), lost
        assert "rejected that" in lost[0]["explanation"]


class _Receiver(BaseHTTPRequestHandler):
    fail_first = 2
    received: ClassVar[list[tuple[dict[str, str], bytes, int]]] = []
    release = threading.Event()

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        # The first request waits until the test has its push's answer.
        self.release.wait(60)
        failing = sum(1 for _, _, status in self.received if status >= 500) < self.fail_first
        status = 500 if failing else 200
        self.received.append((dict(self.headers), body, status))
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *_: Any) -> None:
        return None


def test_alerts_reach_the_webhook_signed_on_the_third_try_and_once(
    store: GraphStore, tmp_path: Path
) -> None:
    receiver = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    _Receiver.received = []
    _Receiver.release = threading.Event()
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{receiver.server_address[1]}/hook"
    settings = _settings(tmp_path, webhook_backoff_s=0.05, webhook_attempts=4)
    try:
        with serve_in_thread(create_app(settings, store=store)) as base_url:
            api = Api(base_url, store)
            with api.client("HK-CED", "analyst") as analyst:
                remote = analyst.put("/v1/webhook", json={"url": "http://198.51.100.7/hook"})
                assert remote.status_code == 422 and "https" in remote.json()["detail"]
                hook = analyst.put("/v1/webhook", json={"url": url})
                assert hook.status_code == 200, hook.text
                secret = hook.json()["secret"]
                assert "secret" not in analyst.get("/v1/webhook").json()
                analyst.post("/v1/watches", json={"kind": "mark", "value": "Rolex"})
                rolex = [{"mark": "ROLEX", "rights_holder": "Rolex SA"}]
                # The push answers while the receiver holds its first delivery.
                pushed = api.push("HK-CED", [_hk(30, trademarks=rolex)])
                assert pushed["alerts"]["raised_for_your_agency"] == 1
                assert not _Receiver.received
                _Receiver.release.set()
                assert webhooks.wait_for_deliveries(60)
                [alert] = _alerts(analyst)
                assert (alert["delivery"], alert["delivery_attempts"]) == ("delivered", 3)
                assert [status for _, _, status in _Receiver.received] == [500, 500, 200]
                headers, body, _ = _Receiver.received[-1]
                assert webhooks.verify(
                    secret, headers["X-Iprgraph-Timestamp"], body, headers["X-Iprgraph-Signature"]
                )
                assert not webhooks.verify(
                    secret,
                    headers["X-Iprgraph-Timestamp"],
                    body + b" ",
                    headers["X-Iprgraph-Signature"],
                )
                sent = json.loads(body)
                assert sent["id"] == alert["id"] == headers["X-Iprgraph-Alert"]
                assert sent["explanation"] == alert["explanation"]
                # A second alert is delivered at once; the first is not sent again.
                api.push("HK-CED", [_hk(31, trademarks=rolex)])
                assert webhooks.wait_for_deliveries(60)
                delivered = [
                    json.loads(body)["id"]
                    for _, body, status in _Receiver.received
                    if status == 200
                ]
                assert len(delivered) == 2 and len(set(delivered)) == 2
                assert {a["delivery"] for a in _alerts(analyst)} == {"delivered"}
                assert analyst.delete("/v1/webhook").status_code == 204
                assert analyst.get("/v1/webhook").status_code == 404
    finally:
        _Receiver.release.set()
        receiver.shutdown()
