"""Partner exchange over HTTP: a GACC partner's lookups, its detailed requests and
Hong Kong's decisions, with every step in the audit; the memorandum's statistics as
JSON and as the CSV a spreadsheet opens."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.app import create_app
from api.audit import entries
from graph.config import Settings
from graph.exchange.agreements import parse_terms, set_agreement
from graph.resolve.service import resolve
from graph.store import GraphStore
from tests.factories import load_records, seizure_record
from tests.helpers import auth, new_key, serve_in_thread

HELD = {
    "name": "Dongguan Bright Star Footwear Co., Ltd.",
    "country": "CN",
    "phone": "+86 769 2233 4455",
    "address": "No. 8 Xinfeng Road, Houjie Town, Dongguan",
}
OPEN = {"name": "Shenzhen Huaxin Trading Co., Ltd.", "country": "CN"}
SECRET = {"name": "Xiamen Silver Gate Optics Co., Ltd.", "country": "CN"}


def _records() -> list[dict[str, Any]]:
    def record(record_id: str, shipper: dict[str, Any], tlp: str, **extra: Any) -> dict[str, Any]:
        return seizure_record(
            record_id=record_id,
            shipper=shipper,
            handling={"tlp": tlp, "releasable_to": []},
            **extra,
        )

    # Hong Kong's; and CBP's about goods from China for the memorandum's table.
    records = [
        record("OPEN-1", OPEN, "GREEN"),
        record("HELD-1", HELD, "AMBER", case_ref="OP-BRIGHT-STAR"),
        record("SECRET-1", SECRET, "RED"),
    ]
    for n in range(4):
        records.append(
            seizure_record(
                record_id=f"CBP-{n}",
                agency="US-CBP",
                seizure_date=f"2025-0{3 + n}-10",
                origin_country="CN",
                destination_country="US",
                transport_mode="air" if n == 3 else "sea",
                value={"amount": 2500, "currency": "USD"},
                goods=[{"description": "phone cases", "quantity": 5, "unit": "pieces"}],
                shipper={"name": "Guangzhou Eastwind Bags Co., Ltd.", "country": "CN"},
                handling={"tlp": "GREEN", "releasable_to": []},
            )
        )
    return records


@pytest.fixture
def served(store: GraphStore, tmp_path: Path) -> Iterator[tuple[str, Settings]]:
    load_records(store, tmp_path / "feeds", _records())
    resolve(store)
    set_agreement(
        store,
        name="HK-Guangdong intelligence exchange",
        agencies=("HK-CED", "CN-GACC"),
        terms=parse_terms("CN-GACC>HK-CED: requests=2/quarter, lookups"),
        contacts={"HK-CED": "IP Investigation Bureau, desk 3"},
        valid_from=dt.date(2024, 1, 1),
    )
    set_agreement(
        store,
        name="CBP-GACC IPR memorandum",
        agencies=("US-CBP", "CN-GACC"),
        terms=parse_terms("US-CBP<>CN-GACC: statistics=half-year, k=3, requests=10/quarter"),
        contacts={},
        valid_from=dt.date(2020, 1, 1),
    )
    settings = Settings(data_dir=tmp_path / "data")
    with serve_in_thread(create_app(settings, store=store)) as base_url:
        yield base_url, settings


def _client(base_url: str, key: str) -> httpx.Client:
    return httpx.Client(base_url=base_url, timeout=60, headers=auth(key))


def test_a_partner_hits_is_told_who_holds_an_amber_record_and_nothing_else(
    served: tuple[str, Settings], store: GraphStore
) -> None:
    base_url, _ = served
    queries = [
        {"name": "SHENZHEN HUAXIN TRADING CO LTD", "country": "CN"},
        {"name": "Bright Star Footwear Dongguan Co Ltd", "country": "CN"},
        {"name": SECRET["name"], "country": "CN"},
        {"name": "Ningbo Quiet Harbour Lamps Co., Ltd.", "country": "CN"},
    ]
    with _client(base_url, new_key(store, agency="CN-GACC", role="partner")) as gacc:
        answer = gacc.post("/v1/match", json={"queries": queries})
        assert answer.status_code == 200, answer.text
        open_hit, held_hit, red, nothing = answer.json()["results"]
        # Traversal is not a partner's.
        for path in (
            "/v1/entities/HK-CED:OPEN-1/neighborhood",
            "/v1/paths?source=HK-CED:OPEN-1&target=HK-CED:HELD-1",
            "/v1/networks",
            "/v1/seizures/HK-CED:OPEN-1",
        ):
            assert gacc.get(path).status_code == 403, path
    assert open_hit["hit"] and [r["record_id"] for r in open_hit["matches"][0]["records"]] == [
        "OPEN-1"
    ]
    assert held_hit["hit"] and held_hit["matches"] == []
    [held] = held_hit["held"]
    assert held["agency"] == "HK-CED" and held["contact"] == "IP Investigation Bureau, desk 3"
    assert held["reference"].startswith("ref-")
    for result in (red, nothing):
        assert (result["hit"], result["matches"], result["held"]) == (False, [], [])
    # Nothing of the held record, nor of the RED one, beyond the words asked.
    told = json.dumps(
        [{k: v for k, v in r.items() if k != "query"} for r in answer.json()["results"]]
    )
    for secret in ("HELD-1", "OP-BRIGHT-STAR", "2233 4455", "Xinfeng", "Bright Star", "SECRET"):
        assert secret not in told, secret


def test_a_request_is_filed_counted_decided_and_audited(
    served: tuple[str, Settings], store: GraphStore
) -> None:
    base_url, settings = served
    gacc_key = new_key(store, agency="CN-GACC", role="partner")
    hk_key = new_key(store, agency="HK-CED", role="analyst")
    with _client(base_url, gacc_key) as gacc, _client(base_url, hk_key) as hk:
        [result] = gacc.post("/v1/match", json={"queries": [{"name": HELD["name"]}]}).json()[
            "results"
        ]
        reference = result["held"][0]["reference"]
        body = {"reference": reference, "reason": "joint operation Bright Dawn"}
        first = gacc.post("/v1/requests", json=body, headers={"Idempotency-Key": "op-1"})
        assert first.status_code == 201, first.text
        again = gacc.post("/v1/requests", json=body, headers={"Idempotency-Key": "op-1"})
        assert again.json()["id"] == first.json()["id"]
        second = gacc.post("/v1/requests", json=body)
        assert second.status_code == 201
        assert second.json()["quota"]["used"] == 2 and second.json()["seizure"] is None
        over = gacc.post("/v1/requests", json=body)
        assert over.status_code == 429
        assert over.json()["type"] == "urn:iprgraph:problem:quota-exhausted"
        assert int(over.headers["Retry-After"]) >= 1
        assert "resets on" in over.json()["detail"]
        # Hong Kong sees what is asked of it, with the seizure; a partner may not.
        incoming = hk.get("/v1/requests", params={"incoming": "true", "status": "pending"})
        assert {r["seizure"] for r in incoming.json()["items"]} == {"HK-CED:HELD-1"}
        assert gacc.get("/v1/requests", params={"incoming": "true"}).status_code == 403
        assert (
            gacc.post(
                f"/v1/requests/{first.json()['id']}/decision",
                json={"decision": "approve", "reason": "mine"},
            ).status_code
            == 403
        )
        denied = hk.post(
            f"/v1/requests/{second.json()['id']}/decision",
            json={"decision": "deny", "reason": "ongoing operation"},
        )
        approved = hk.post(
            f"/v1/requests/{first.json()['id']}/decision",
            json={"decision": "approve", "reason": "joint case"},
        )
        assert (denied.status_code, approved.status_code) == (200, 200)
        twice = hk.post(
            f"/v1/requests/{first.json()['id']}/decision",
            json={"decision": "deny", "reason": "again"},
        )
        assert twice.status_code == 409
        shown = gacc.get(f"/v1/requests/{first.json()['id']}").json()
        assert shown["status"] == "approved" and shown["record"]["record_id"] == "HELD-1"
        assert shown["record"]["shipper"]["name"] == HELD["name"]
        assert gacc.get(f"/v1/requests/{second.json()['id']}").json()["record"] is None
    steps = [
        (e["method"], e["route"], e["status"], e["agency"])
        for _, e in entries(settings.audit_dir)
        if e is not None and "requests" in e["route"]
    ]
    assert steps == [
        ("POST", "/v1/requests", 201, "CN-GACC"),
        ("POST", "/v1/requests", 201, "CN-GACC"),
        ("POST", "/v1/requests", 201, "CN-GACC"),
        ("POST", "/v1/requests", 429, "CN-GACC"),
        ("GET", "/v1/requests", 200, "HK-CED"),
        ("GET", "/v1/requests", 403, "CN-GACC"),
        ("POST", "/v1/requests/{request_id}/decision", 403, "CN-GACC"),
        ("POST", "/v1/requests/{request_id}/decision", 200, "HK-CED"),
        ("POST", "/v1/requests/{request_id}/decision", 200, "HK-CED"),
        ("POST", "/v1/requests/{request_id}/decision", 409, "HK-CED"),
        ("GET", "/v1/requests/{request_id}", 200, "CN-GACC"),
        ("GET", "/v1/requests/{request_id}", 200, "CN-GACC"),
    ]


def test_the_memorandum_statistics_as_json_and_as_a_spreadsheet(
    served: tuple[str, Settings], store: GraphStore
) -> None:
    base_url, _ = served
    period = {"partner": "CN", "from": "2025-01-01", "to": "2025-06-30"}
    with _client(base_url, new_key(store, agency="US-CBP", role="analyst")) as cbp:
        table = cbp.get("/v1/exchange/statistics", params=period)
        assert table.status_code == 200, table.text
        sheet = cbp.get("/v1/exchange/statistics", params={**period, "format": "csv"})
        weekly = cbp.get("/v1/exchange/statistics", params={**period, "period": "quarter"})
        assert weekly.status_code == 422 and "by half-year" in weekly.json()["detail"]
    found = table.json()
    assert found["agreement"] == "agr:cbp-gacc-ipr-memorandum"
    [originating, destined] = found["rows"]
    assert (originating["seizures"], originating["quantity"]) == (4, {"pieces": 20.0})
    assert originating["value_usd"] == 10000.0
    # One seizure by air: under k, so it is suppressed, and sea with it.
    assert originating["transport_modes"] == {"air": None, "sea": None}
    assert destined["seizures"] == 0 and found["totals"]["seizures"] == 4
    assert sheet.headers["content-type"].startswith("text/csv")
    assert "attachment" in sheet.headers["content-disposition"]
    assert sheet.content.startswith(b"\xef\xbb\xbf")
    header, *rows = csv.reader(io.StringIO(sheet.content.decode("utf-8-sig")))
    assert header[:4] == ["period", "direction", "seizures", "quantity (pieces)"]
    assert [row[:3] for row in rows] == [
        ["2025-H1", "originating in CN", "4"],
        ["2025-H1", "destined for CN", "0"],
        ["total", "total of the figures shown", "4"],
    ]
    # GACC's partner receives CBP's table; it cannot ask for its own agency's.
    with _client(base_url, new_key(store, agency="CN-GACC", role="partner")) as gacc:
        incoming = gacc.get("/v1/exchange/statistics", params={"partner": "US-CBP"})
        assert incoming.status_code == 200 and incoming.json()["reporting"] == "US-CBP"
        own = gacc.get("/v1/exchange/statistics", params={"partner": "US", "direction": "outgoing"})
        assert own.status_code == 403
    # Macao has no agreement with anybody.
    with _client(base_url, new_key(store, agency="MO-CS", role="analyst")) as macao:
        refused = macao.get("/v1/exchange/statistics", params={"partner": "CN"})
        assert refused.status_code == 403 and "No agreement" in refused.json()["detail"]
