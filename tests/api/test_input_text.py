"""Parameters that are not what they look like: numbers as dates, NUL characters
and lone surrogates as text. Each is a 422 naming the parameter, never a 500."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api.app import create_app
from graph.config import Settings
from graph.store import GraphStore
from tests.factories import load_records, seizure_record
from tests.helpers import keyed_api


@pytest.fixture
def api(store: GraphStore, tmp_path: Path) -> Iterator[httpx.Client]:
    load_records(store, tmp_path / "feeds", [seizure_record()])
    with keyed_api(create_app(Settings(data_dir=tmp_path), store=store), store) as client:
        yield client


def _refused(answer: httpx.Response, parameter: str) -> str:
    assert answer.status_code == 422, answer.text
    problem = answer.json()
    assert problem["parameter"] == parameter, problem
    return str(problem["detail"])


@pytest.mark.parametrize(
    ("route", "params", "parameter"),
    [
        ("/v1/seizures", {"to": "0"}, "to"),
        ("/v1/seizures", {"from": "20240101"}, "from"),
        ("/v1/stats/seizures", {"from": "1700000000"}, "from"),
        ("/v1/stats/seizures", {"to": "2024-1-5"}, "to"),
        ("/v1/networks", {"since": "0"}, "since"),
    ],
)
def test_integers_are_not_dates(
    api: httpx.Client, route: str, params: dict[str, str], parameter: str
) -> None:
    detail = _refused(api.get(route, params=params), parameter)
    assert "YYYY-MM-DD" in detail


def test_iso_dates_and_empty_ones_are_taken(api: httpx.Client) -> None:
    assert api.get("/v1/seizures", params={"from": "2024-01-01"}).status_code == 200
    assert api.get("/v1/stats/seizures", params={"to": "2030-12-31"}).status_code == 200
    assert api.get("/v1/seizures", params={"from": ""}).status_code == 200


@pytest.mark.parametrize("text", ["Hua\x00xin", "\x00"])
def test_a_nul_in_a_query_parameter_is_refused(api: httpx.Client, text: str) -> None:
    _refused(api.get("/v1/entities", params={"q": text}), "q")
    _refused(api.get("/v1/seizures", params={"party": text}), "party")
    _refused(api.get("/v1/paths", params={"source": text, "target": "x"}), "source")


def test_a_nul_in_a_path_parameter_is_refused(api: httpx.Client) -> None:
    _refused(api.get("/v1/seizures/HK-CED:%00"), "seizure_id")
    _refused(api.get("/v1/entities/party:%00/neighborhood"), "node_id")


@pytest.mark.parametrize("escape", ["\\ud800", "\\udfff", "a\\u0000b"])
def test_a_lone_surrogate_or_nul_in_a_match_body_is_refused(api: httpx.Client, escape: str) -> None:
    body = '{"queries": [{"name": "Huaxin"}, {"name": "x' + escape + '"}]}'
    answer = api.post("/v1/match", content=body, headers={"Content-Type": "application/json"})
    _refused(answer, "queries[1].name")


def test_a_surrogate_pair_is_text(api: httpx.Client) -> None:
    body = '{"queries": [{"name": "Huaxin \\ud83d\\ude00"}]}'
    answer = api.post("/v1/match", content=body, headers={"Content-Type": "application/json"})
    assert answer.status_code == 200, answer.text


def test_undecodable_bytes_in_a_query_are_not_a_500(api: httpx.Client) -> None:
    """A lone surrogate sent in a URL is not UTF-8; it reaches the route as U+FFFD."""
    answer = api.get("/v1/entities?q=%ED%A0%80")
    assert answer.status_code == 200, answer.text
