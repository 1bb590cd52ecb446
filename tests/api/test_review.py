"""The analyst's loop over HTTP: the review queue, a judgement answered at once,
lookups by identifier, /v1/match without a name, seizures of an entity."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api.app import create_app
from graph.analysis.networks import build_networks
from graph.config import Settings
from graph.resolve.service import resolve
from graph.store import GraphStore
from tests.factories import load_records
from tests.graph.test_review import HUAXIN, PHONE, SHORT, pid, records
from tests.helpers import auth, new_key, serve_in_thread

REGISTRATION = "91440300MA5F7XYZ12"
ADDRESS = "Room 1208, 12/F, Huaxin Building, 8 Shennan Road, Futian, Shenzhen"


@pytest.fixture
def served(store: GraphStore, tmp_path: Path) -> Iterator[tuple[str, GraphStore]]:
    loaded = records()
    # The Huaxin front as Hong Kong wrote it: a local phone, an email, a registration
    # number, an address (HK-CED's records are its own: AMBER).
    loaded[0]["shipper"] |= {
        "email": "Sales@Huaxin-Trading.cn",
        "registration_id": REGISTRATION,
        "address": ADDRESS,
    }
    load_records(store, tmp_path, loaded)
    resolve(store)
    build_networks(store)
    app = create_app(Settings(data_dir=tmp_path / "data"), store=store)
    with serve_in_thread(app) as base_url:
        yield base_url, store


def client(served: tuple[str, GraphStore], agency: str, role: str) -> httpx.Client:
    base_url, store = served
    key = new_key(store, agency=agency, role=role)
    return httpx.Client(base_url=base_url, headers=auth(key), timeout=60)


def test_the_queue_pages_and_a_rejection_answers_at_once(served: tuple[str, GraphStore]) -> None:
    with client(served, "HK-CED", "analyst") as http:
        first = http.get("/v1/suggestions", params={"limit": 1})
        assert first.status_code == 200, first.text
        page = first.json()
        assert page["total"] >= 1 and len(page["items"]) == 1
        item = page["items"][0]
        assert {item["a"]["party"], item["b"]["party"]} & {pid(name) for name in HUAXIN}
        assert item["impact"] and item["explanation"]
        assert http.get("/v1/suggestions", params={"jurisdiction": "Hong Kong"}).status_code == 200
        bad = http.get("/v1/suggestions", params={"jurisdiction": "Atlantis"})
        assert bad.status_code == 422 and "jurisdiction" in bad.text
        assert http.get("/v1/suggestions", params={"cursor": "nonsense"}).status_code == 422
    # The factory's records are released to US-CBP: its analyst sees every party.
    with client(served, "US-CBP", "analyst") as http:
        a, c = pid(HUAXIN[0]), pid(HUAXIN[2])
        assert c in {m["id"] for m in http.get(f"/v1/entities/{a}").json()["members"]}
        judged = http.post("/v1/judgements", json={"a": a, "b": c, "decision": "rejected"})
        assert judged.status_code == 201, judged.text
        assert judged.json()["parties_whose_entity_changed"] >= 1
        members = {m["id"] for m in http.get(f"/v1/entities/{a}").json()["members"]}
        assert c not in members
    with client(served, "US-CBP", "investigator") as http:
        refused = http.post("/v1/judgements", json={"a": a, "b": c, "decision": "confirmed"})
        assert refused.status_code == 403
    with client(served, "HK-CED", "partner") as http:
        assert http.get("/v1/suggestions").status_code == 403


def test_search_and_match_find_a_party_by_its_identifiers(served: tuple[str, GraphStore]) -> None:
    front = pid(HUAXIN[0])
    local = PHONE.removeprefix("+86 ")  # "755 1234 5678": no country code
    with client(served, "HK-CED", "investigator") as http:
        for text in (
            PHONE,
            "+8675512345678",
            "0086 755 1234 5678",
            "sales@huaxin-trading.cn",
            "SALES@HUAXIN-TRADING.CN",
            REGISTRATION,
            REGISTRATION.lower(),
            ADDRESS,
            "ROOM 1208 12/F HUAXIN BUILDING  8 SHENNAN ROAD FUTIAN SHENZHEN",
        ):
            hits = http.get("/v1/entities", params={"q": text}).json()["hits"]
            parties = {h["id"]: h for h in hits if h["type"] == "party"}
            assert front in parties, text
            assert parties[front]["seizures"] >= 1
        # Without country code: read in the query's jurisdiction (CN).
        hits = http.get("/v1/entities", params={"q": local, "jurisdiction": "China"}).json()
        assert front in {h["id"] for h in hits["hits"]}
        matched = http.post(
            "/v1/match",
            json={
                "queries": [
                    {"phone": local, "country": "CN"},
                    {"registration_id": REGISTRATION},
                    {"phone": "12"},
                ]
            },
        )
        assert matched.status_code == 200, matched.text
        by_phone, by_id, unreadable = matched.json()["results"]
        assert by_phone["candidates"][0]["party_id"] in {pid(n) for n in HUAXIN}
        assert by_phone["candidates"][0]["score"] >= 0.7
        assert "+8675512345678" in by_phone["read"][0]
        assert by_id["candidates"][0]["score"] >= 0.85
        assert "shared_identifier" in by_id["candidates"][0]["features"]
        assert unreadable["problems"] and not unreadable["candidates"]
        empty = http.post("/v1/match", json={"queries": [{"country": "CN"}]})
        assert empty.status_code == 422


def test_seizures_of_an_entity_and_a_name_where_an_id_belongs(
    served: tuple[str, GraphStore],
) -> None:
    with client(served, "HK-CED", "investigator") as http:
        front = pid(HUAXIN[0])
        one = http.get("/v1/seizures", params={"party": front}).json()["items"]
        whole = http.get("/v1/seizures", params={"entity": front}).json()["items"]
        assert {s["id"] for s in one} <= {s["id"] for s in whole}
        dates = [(s["seizure_date"], s["id"]) for s in whole]
        assert dates == sorted(sorted(dates, key=lambda d: d[1]), key=lambda d: d[0], reverse=True)
        named = http.get("/v1/seizures", params={"party": SHORT})
        assert named.status_code == 422
        assert "/v1/entities?q=" in named.text and "entity=" in named.text
