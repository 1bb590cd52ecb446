"""Entity lookups, matching and judgements over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api.app import create_app
from graph.config import Settings
from graph.load import Loader
from graph.resolve.service import resolve
from graph.store import GraphStore
from ingest.normalised import party_identity
from tests.factories import seizure_record, write_ndjson
from tests.helpers import auth, keyed_api, new_key

PHONE = "+86 755 1234 5678"
HUAXIN = "Shenzhen Huaxin Trading Co., Ltd."
HUAXIN_ZH = "深圳华信贸易有限公司"
NAMESAKE = "Dongguan Huaxin Trading Co., Ltd."


@pytest.fixture
def api(store: GraphStore, tmp_path: Path) -> Iterator[httpx.Client]:
    records = [
        seizure_record(shipper={"name": HUAXIN, "country": "CN", "phone": PHONE}),
        seizure_record(
            agency="CN-GACC", shipper={"name": HUAXIN_ZH, "country": "CN", "phone": PHONE}
        ),
        seizure_record(shipper={"name": NAMESAKE, "country": "CN"}),
    ]
    Loader(store, tmp_path / "q").load_file(write_ndjson(tmp_path / "feed.ndjson", records))
    resolve(store)
    app = create_app(Settings(data_dir=tmp_path / "data"), store=store)
    with keyed_api(app, store) as client:
        yield client


def _pid(name: str) -> str:
    return party_identity(name, "CN").id


def test_an_entity_shows_members_names_and_sources(api: httpx.Client) -> None:
    response = api.get(f"/v1/entities/{_pid(HUAXIN_ZH)}")
    assert response.status_code == 200
    body = response.json()
    assert {m["id"] for m in body["members"]} == {_pid(HUAXIN), _pid(HUAXIN_ZH)}
    assert body["id"] == min(_pid(HUAXIN), _pid(HUAXIN_ZH))
    assert {(n["name"], n["agencies"][0]) for n in body["names"]} == {
        (HUAXIN, "HK-CED"),
        (HUAXIN_ZH, "CN-GACC"),
    }
    assert all(m["roles"] == ["shipper"] for m in body["members"])
    (link,) = [link for link in body["links"] if link["inside"]]
    assert link["status"] == "auto" and "phone" in link["explanation"]


def test_an_unknown_entity_is_404_naming_it(api: httpx.Client) -> None:
    response = api.get("/v1/entities/party:nobody")
    assert response.status_code == 404
    assert "party:nobody" in response.json()["detail"]


def test_search_finds_a_party_by_a_misspelt_name_and_a_container_in_any_spacing(
    api: httpx.Client,
) -> None:
    hits = api.get("/v1/entities", params={"q": "Shenzen Huaxin Tradng", "type": "party"}).json()
    assert hits["hits"][0]["id"] in {_pid(HUAXIN), _pid(HUAXIN_ZH), _pid(NAMESAKE)}
    assert hits["hits"][0]["type"] == "party"
    hits = api.get("/v1/entities", params={"q": "MSKU 123456-5"}).json()
    assert [h["id"] for h in hits["hits"] if h["type"] == "container"] == ["MSKU1234565"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"q": "x", "limit": 0}, "limit"),
        ({"q": "x", "limit": 101}, "limit"),
        ({"q": ""}, "q"),
        ({"q": "x", "type": "vessel"}, "type"),
        ({"q": "x", "jurisdiction": "Atlantis"}, "jurisdiction"),
    ],
)
def test_search_parameters_out_of_bounds_are_422_naming_the_field(
    api: httpx.Client, params: dict[str, str | int], field: str
) -> None:
    response = api.get("/v1/entities", params=params)
    assert response.status_code == 422
    assert any(field in error["parameter"] for error in response.json()["errors"])


def test_match_ranks_the_true_entity_first_with_features_and_explanation(
    api: httpx.Client,
) -> None:
    response = api.post(
        "/v1/match",
        json={
            "queries": [
                {"type": "party", "name": "Huaxin Trading (Shenzhen) Co Ltd", "phone": PHONE},
                {"type": "party", "name": "Nordic Timber Export AB", "country": "SE"},
            ]
        },
        params={"limit": 3},
    )
    assert response.status_code == 200
    body = response.json()
    first, second = body["results"]
    top = first["candidates"][0]
    assert top["match"] is True and top["score"] >= body["threshold"]
    assert top["entity_id"] == min(_pid(HUAXIN), _pid(HUAXIN_ZH))
    assert top["features"]["shared_phone"] == 1.0
    assert "phone" in top["explanation"]
    assert len(first["candidates"]) <= 3
    assert not any(c["match"] for c in second["candidates"])


def test_match_bounds_are_422_naming_the_field(api: httpx.Client) -> None:
    too_many = {"queries": [{"name": f"Company {i}"} for i in range(101)]}
    response = api.post("/v1/match", json=too_many)
    assert response.status_code == 422
    assert any("queries" in e["parameter"] for e in response.json()["errors"])
    response = api.post("/v1/match", json={"queries": [{"name": "x"}]}, params={"threshold": 2})
    assert response.status_code == 422
    assert any("threshold" in e["parameter"] for e in response.json()["errors"])
    response = api.post("/v1/match", json={"queries": [{"type": "vessel", "name": "x"}]})
    assert response.status_code == 422
    assert any("type" in e["parameter"] for e in response.json()["errors"])


@pytest.fixture
def analyst(api: httpx.Client, store: GraphStore) -> dict[str, str]:
    """The headers of an analyst of US-CBP, which sees every record here."""
    return auth(new_key(store, agency="US-CBP", role="analyst"))


def test_a_judgement_is_recorded_and_splits_the_entity(
    api: httpx.Client, analyst: dict[str, str]
) -> None:
    a, b = _pid(HUAXIN), _pid(HUAXIN_ZH)
    decision = {"a": b, "b": a, "decision": "rejected", "reason": "no"}
    # Only an analyst decides; nobody decides in someone else's name.
    assert api.post("/v1/judgements", json=decision).status_code == 403
    named = api.post("/v1/judgements", json={**decision, "decided_by": "x"}, headers=analyst)
    assert named.status_code == 422 and named.json()["parameter"] == "decided_by"
    response = api.post("/v1/judgements", json=decision, headers=analyst)
    assert response.status_code == 201
    body = response.json()
    assert (body["a"], body["b"]) == tuple(sorted((a, b)))
    assert body["status"] == "rejected" and body["decided_by"].startswith("prn:")
    assert body["decided_agency"] == "US-CBP"
    view = api.get(f"/v1/entities/{b}").json()
    assert [m["id"] for m in view["members"]] == [b]
    (link,) = view["links"]
    assert link["status"] == "rejected" and link["reason"] == "no" and not link["inside"]


def test_judgements_on_unknown_parties_or_with_unknown_decisions_are_refused(
    api: httpx.Client, analyst: dict[str, str]
) -> None:
    response = api.post(
        "/v1/judgements",
        json={"a": _pid(HUAXIN), "b": "party:ghost", "decision": "rejected"},
        headers=analyst,
    )
    assert response.status_code == 404
    assert "party:ghost" in response.json()["detail"]
    response = api.post(
        "/v1/judgements",
        json={"a": _pid(HUAXIN), "b": _pid(NAMESAKE), "decision": "auto"},
        headers=analyst,
    )
    assert response.status_code == 422
    assert any("decision" in e["parameter"] for e in response.json()["errors"])
    response = api.post(
        "/v1/judgements",
        json={"a": _pid(HUAXIN), "b": _pid(HUAXIN), "decision": "confirmed"},
        headers=analyst,
    )
    assert response.status_code == 422
    assert "same party" in response.json()["detail"]
