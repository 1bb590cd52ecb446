"""`/v1/entities/{id}/network`, `/v1/networks` and `/v1/networks/{id}` over real HTTP,
on records loaded through the real loader and networks built in the store."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api.app import create_app
from graph.analysis.networks import build_networks
from graph.analysis.networks.rules import RISK_WEIGHTS
from graph.config import Settings
from graph.embedded import EmbeddedServer
from graph.schema import ensure_schema
from tests.conftest import open_test_store
from tests.factories import load_records
from tests.graph.test_networks import fronts_sharing_a_phone, pid, record
from tests.helpers import keyed_api


@pytest.fixture(scope="module")
def api(
    embedded_server: EmbeddedServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[httpx.Client]:
    """One database for the module: every test here only reads."""
    database = f"t_{uuid.uuid4().hex[:12]}"
    embedded_server.create_database(database)
    try:
        with open_test_store(embedded_server, database) as store:
            ensure_schema(store)
            load_records(
                store,
                tmp_path_factory.mktemp("feeds"),
                [
                    *fronts_sharing_a_phone(),
                    record("Yiwu Brightstar Crafts", "Atlantic Imports LLC", "2023-05-01"),
                    record("Yiwu Brightstar Crafts", "Atlantic Imports LLC", "2023-06-01"),
                ],
            )
            build_networks(store)
            app = create_app(Settings(data_dir=tmp_path_factory.mktemp("data")), store=store)
            with keyed_api(app, store) as client:
                yield client
    finally:
        embedded_server.drop_database(database)


def test_the_network_of_an_entity(api: httpx.Client) -> None:
    answer = api.get(f"/v1/entities/{pid('Lone Star Wholesale Inc', 'US')}/network")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["id"].startswith("net:")
    assert body["entities"] == 5
    assert body["jurisdictions"] == ["HK", "US"]
    assert body["agencies"] == ["HK-CED", "US-CBP"]
    assert body["seizures"] == 3
    assert (body["first_seizure"], body["last_seizure"]) == ("2024-01-10", "2024-03-02")
    assert body["transport_modes"] == ["sea"]
    assert body["value_usd"] > 0
    assert 0 < body["risk"] <= 100
    assert {i["name"] for i in body["risk_inputs"]} >= {"jurisdictions", "recency"}
    nodes = body["graph"]["nodes"]
    assert {n["type"] for n in nodes} == {"Entity"}
    assert all(n["properties"]["parties"] for n in nodes)
    edges = body["graph"]["edges"]
    phone = next(e for e in edges if "phone" in e["properties"]["kinds"])
    assert phone["weight"] >= 0.6
    assert {e["agency"] for e in phone["evidence"]} == {"HK-CED", "US-CBP"}
    assert all(e["record_id"] and e["date"] for e in phone["evidence"])
    assert body["routes"][0]["path"]
    assert "key_players" not in body


def test_one_network_in_detail(api: httpx.Client) -> None:
    network = api.get(f"/v1/entities/{pid('Yiwu Brightstar Crafts')}/network").json()["id"]
    answer = api.get(f"/v1/networks/{network}")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["id"] == network
    assert body["entities"] == 2
    players = body["key_players"]
    assert len(players) == 2
    assert [p["pagerank"] for p in players] == [pytest.approx(0.5), pytest.approx(0.5)]
    assert body["communities"] == []  # too small to split
    timeline = body["timeline"]
    assert [(m["month"], m["seizures"]) for m in timeline] == [("2023-05", 1), ("2023-06", 1)]
    assert sum(m["value_usd"] for m in timeline) == pytest.approx(body["value_usd"])


def test_networks_are_listed_and_paged(api: httpx.Client) -> None:
    answer = api.get("/v1/networks", params={"min_jurisdictions": 2})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert [n["jurisdictions"] for n in body["items"]] == [["HK", "US"]]
    assert body["sort"] == "risk"
    first = api.get("/v1/networks", params={"limit": 1, "sort": "recent"}).json()
    assert first["items"][0]["last_seizure"] == "2024-03-02"
    second = api.get(
        "/v1/networks", params={"limit": 1, "sort": "recent", "cursor": first["next_cursor"]}
    ).json()
    assert second["items"][0]["last_seizure"] == "2023-06-01"
    assert second["next_cursor"] is None
    since = api.get("/v1/networks", params={"since": "2024-01-01"}).json()
    assert len(since["items"]) == 1


def test_networks_listed_by_risk_come_in_the_order_of_the_risk_they_show(
    api: httpx.Client,
) -> None:
    # Sorted in Cypher with recency counted to the view's newest seizure; shown with
    # it counted in Python: one page a network, each as its own answer gives it.
    shown, cursor = [], None
    while True:
        page = api.get(
            "/v1/networks", params={"limit": 1, "cursor": cursor} if cursor else {"limit": 1}
        )
        assert page.status_code == 200, page.text
        shown += page.json()["items"]
        cursor = page.json()["next_cursor"]
        if cursor is None:
            break
    risks = [n["risk"] for n in shown]
    assert len(set(risks)) >= 2 and risks == sorted(risks, reverse=True)
    for network in shown:
        detail = api.get(f"/v1/networks/{network['id']}").json()
        assert (detail["risk"], detail["risk_explanation"]) == (
            network["risk"],
            network["risk_explanation"],
        )
        recency = next(i for i in detail["risk_inputs"] if i["name"] == "recency")
        assert sum(i["points"] for i in detail["risk_inputs"]) == pytest.approx(
            detail["risk"], abs=0.011
        )
        assert (
            f"last seizure {recency['value']:.0f} days before the newest seizure of the view"
            in detail["risk_explanation"]
        )


# How the OpenAPI description of the list and the README name each risk input.
_RISK_WORDS = {
    "seizures": "seizures",
    "value_usd": "value in USD",
    "jurisdictions": "jurisdictions",
    "recency": "recency",
    "growth": "growth",
    "confirmed_infringers": "confirmed infringers",
    "shared_identity": "shared identity",
    "corroborated_links": "corroborated links",
}


def test_the_documented_risk_weights_are_the_ones_networks_are_scored_with(
    api: httpx.Client,
) -> None:
    route = api.get("/openapi.json").json()["paths"]["/v1/networks"]["get"]["description"]
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    assert set(_RISK_WORDS) == set(RISK_WEIGHTS)
    for text in (route, readme):
        flat = " ".join(text.split())
        for name, words in _RISK_WORDS.items():
            points = round(100 * RISK_WEIGHTS[name])
            assert re.search(rf"{words}[^(]{{0,20}}\({points}\b", flat), (name, points)


@pytest.mark.parametrize(
    ("params", "name", "words"),
    [
        ({"limit": 0}, "limit", "between 1 and 200"),
        ({"limit": 201}, "limit", "between 1 and 200"),
        ({"min_jurisdictions": 0}, "min_jurisdictions", "between 1 and 50"),
        ({"min_jurisdictions": 99}, "min_jurisdictions", "between 1 and 50"),
        ({"sort": "fame"}, "sort", "risk"),
        ({"since": "yesterday"}, "since", "date"),
        ({"cursor": "bogus"}, "cursor", "not a cursor"),
        ({"colour": "red"}, "colour", "unknown parameter"),
    ],
)
def test_bounds_give_422_naming_the_parameter(
    api: httpx.Client, params: dict[str, object], name: str, words: str
) -> None:
    answer = api.get("/v1/networks", params=params)
    assert answer.status_code == 422, answer.text
    (error,) = answer.json()["errors"]
    assert error["parameter"] == name
    assert words in error["detail"]


def test_unknown_ids_give_404_with_the_id(api: httpx.Client) -> None:
    answer = api.get("/v1/networks/net:0000")
    assert answer.status_code == 404
    assert "'net:0000'" in answer.json()["detail"]
    answer = api.get("/v1/entities/party:nobody/network")
    assert answer.status_code == 404
    assert "'party:nobody'" in answer.json()["detail"]
    alone = pid("Ningbo Oceanic Toys Co")
    answer = api.get(f"/v1/entities/{alone}/network")
    assert answer.status_code == 404
    assert alone in answer.json()["detail"]
