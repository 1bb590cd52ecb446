"""`/v1/entities/{id}/neighborhood` and `/v1/paths` over real HTTP, on the small
world of tests/graph/test_analysis.py loaded through the real loader."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api.app import create_app
from graph.config import Settings
from graph.store import GraphStore
from tests.factories import load_records
from tests.graph.test_analysis import ALPHA, BETA, DELTA, GAMMA, OMEGA, pid, world_records
from tests.helpers import keyed_api


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data")


@pytest.fixture
def api(store: GraphStore, tmp_path: Path, settings: Settings) -> Iterator[httpx.Client]:
    load_records(store, tmp_path, world_records())
    app = create_app(settings, store=store)
    with keyed_api(app, store) as client:
        yield client


def test_neighbourhood_answers_in_the_subgraph_shape(api: httpx.Client) -> None:
    answer = api.get(f"/v1/entities/{pid(ALPHA)}/neighborhood", params={"depth": 2})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["anchor"] == pid(ALPHA) and body["depth"] == 2
    nodes = {node["id"]: node for node in body["nodes"]}
    assert {pid(BETA), pid(GAMMA), "HK-CED:S1"} <= set(nodes)
    alpha = nodes[pid(ALPHA)]
    assert alpha["type"] == "Party" and alpha["jurisdiction"] == "CN"
    assert alpha["label"] == ALPHA["name"] and alpha["roles"] == ["Shipper"]
    assert nodes["HKHKG"]["hub"] is True and nodes["HKHKG"]["expanded"] is False
    consigned = next(
        edge
        for edge in body["edges"]
        if edge["type"] == "CONSIGNED_TO" and edge["target"] == pid(BETA)
    )
    assert consigned["source"] == "HK-CED:S1" and consigned["weight"] == 1.0
    assert consigned["evidence"] == [
        {
            "seizure_id": "HK-CED:S1",
            "agency": "HK-CED",
            "record_id": "S1",
            "date": "2024-03-01",
            "tlp": "AMBER",
        }
    ]
    assert body["truncated"] is False
    deeper = api.get(f"/v1/entities/{pid(ALPHA)}/neighborhood", params={"depth": 3}).json()
    assert any("through_hubs=true" in note for note in deeper["notes"])


def test_neighbourhood_of_a_seizure_filtered_by_type(api: httpx.Client) -> None:
    answer = api.get(
        "/v1/entities/HK-CED:S1/neighborhood", params={"types": "party,Container", "limit": 10}
    )
    assert answer.status_code == 200, answer.text
    types = {node["type"] for node in answer.json()["nodes"]}
    assert types == {"Seizure", "Party", "Container"}


def test_paths_cite_the_records_of_each_hop(api: httpx.Client) -> None:
    answer = api.get(
        "/v1/paths", params={"source": pid(ALPHA), "target": pid(DELTA), "max_hops": 6}
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    [path] = body["paths"]
    assert path["length"] == 4 and path["nodes"][2] == pid(GAMMA)
    assert [hop[0]["evidence"][0]["record_id"] for hop in path["hops"]] == ["S1", "S2", "S2", "S2"]
    assert {node["id"] for node in body["graph"]["nodes"]} == set(path["nodes"])
    none = api.get("/v1/paths", params={"source": pid(ALPHA), "target": pid(OMEGA)})
    assert none.status_code == 200 and none.json()["paths"] == []
    hubs = api.get(
        "/v1/paths",
        params={"source": pid(ALPHA), "target": pid(OMEGA), "through_hubs": "true", "k": 2},
    )
    assert hubs.json()["paths"][0]["length"] == 4


@pytest.mark.parametrize(
    ("route", "params", "where", "message"),
    [
        ("neighborhood", {"depth": "5"}, "depth", "depth must be between 1 and 4"),
        ("neighborhood", {"depth": "0"}, "depth", "depth must be between 1 and 4"),
        ("neighborhood", {"limit": "5000"}, "limit", "limit must be between 1 and 2000"),
        ("neighborhood", {"types": "Party,Spaceship"}, "types", "unknown node type 'Spaceship'"),
        ("neighborhood", {"dept": "2"}, "dept", "unknown parameter"),
        ("paths", {"max_hops": "9"}, "max_hops", "max_hops must be between 1 and 8"),
        ("paths", {"k": "11"}, "k", "k must be between 1 and 10"),
        ("paths", {"mode": "longest"}, "mode", "'shortest', 'all_shortest' or 'k'"),
        ("paths", {"target": "SELF"}, "target", "target is the source"),
        ("paths", {"max_hop": "3"}, "max_hop", "unknown parameter"),
    ],
)
def test_bounds_are_422_naming_the_parameter(
    api: httpx.Client, route: str, params: dict[str, str], where: str, message: str
) -> None:
    if route == "paths":
        query = {"source": pid(ALPHA), "target": pid(DELTA), **params}
        if query["target"] == "SELF":
            query["target"] = pid(ALPHA)
        answer = api.get("/v1/paths", params=query)
    else:
        answer = api.get(f"/v1/entities/{pid(ALPHA)}/neighborhood", params=params)
    assert answer.status_code == 422, answer.text
    errors = answer.json()["errors"]
    error = next(e for e in errors if (e["location"], e["parameter"]) == ("query", where))
    assert message in error["detail"]


def test_unknown_ids_are_404_naming_them(api: httpx.Client) -> None:
    answer = api.get("/v1/entities/party:nobody/neighborhood")
    assert answer.status_code == 404
    problem = answer.json()
    assert answer.headers["content-type"] == "application/problem+json"
    assert problem["type"] == "urn:iprgraph:problem:not-found" and problem["status"] == 404
    assert problem["detail"] == "No node has the id 'party:nobody'."
    answer = api.get("/v1/paths", params={"source": pid(ALPHA), "target": "HK-CED:NOPE"})
    assert answer.status_code == 404 and "HK-CED:NOPE" in answer.json()["detail"]


def test_a_walk_past_the_time_limit_is_too_broad_not_an_outage(
    api: httpx.Client, settings: Settings
) -> None:
    """A question too broad for the time allowed is the caller's to narrow: a 422
    naming what narrows it, not a 503 that reads as "the database is down, retry"."""
    settings.analysis_time_limit_s = 0
    answer = api.get(f"/v1/entities/{pid(ALPHA)}/neighborhood", params={"depth": 2})
    assert answer.status_code == 422 and "Retry-After" not in answer.headers
    problem = answer.json()
    assert problem["type"] == "urn:iprgraph:problem:query-too-broad"
    assert "time limit of 0 s" in problem["detail"] and "smaller depth" in problem["detail"]
    answer = api.get("/v1/paths", params={"source": pid(ALPHA), "target": pid(DELTA)})
    assert answer.status_code == 422
    assert "path search" in answer.json()["detail"] and "max_hops" in answer.json()["detail"]
