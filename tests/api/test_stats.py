"""`GET /v1/stats/seizures` over real HTTP, on a small set of records whose figures
can be worked out by hand (values in USD, so no exchange rate is involved)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.app import create_app
from graph.config import Settings
from graph.store import GraphStore
from tests.factories import load_records, seizure_record
from tests.helpers import api_without_database, keyed_api

# Reported by HK-CED unless said otherwise; seized at Hong Kong (HKHKG).
RECORDS = [
    # S1: China -> US through Yantian and Singapore; lines in chapters 64, 42, 64, in
    # pairs, pieces (written PCS) and pairs (written prs).
    seizure_record(
        record_id="S1",
        seizure_date="2024-01-15",
        transport_mode="sea",
        origin_country="CN",
        destination_country="US",
        port_of_loading="Yantian",
        transit_ports=["SGSIN"],
        port_of_discharge="USLGB",
        goods=[
            {"hs_code": "6404.11", "quantity": 100, "unit": "pairs"},
            {"hs_code": "4202.21", "quantity": 50, "unit": "PCS"},
            {"hs_code": "6404.19", "quantity": 25, "unit": "prs"},
        ],
        value={"amount": 1000, "currency": "USD"},
        trademarks=[{"mark": "NIKE"}],
        handling={"tlp": "AMBER", "releasable_to": ["US-CBP", "MO-CS"]},
    ),
    # S2: loaded at Los Angeles (the US only through that port), listed as transit too;
    # one line without an HS code, one without a quantity.
    seizure_record(
        record_id="S2",
        seizure_date="2024-01-20",
        transport_mode="air",
        origin_country="CN",
        destination_country="HK",
        port_of_loading="Los Angeles",
        transit_ports=["US LAX"],
        port_of_discharge=None,
        goods=[
            {"hs_code": "9102.11", "quantity": 10, "unit": "pieces"},
            {"description": "boxes", "quantity": 5},
            {"hs_code": "9102.12"},
        ],
        value={"amount": 500, "currency": "USD"},
        trademarks=[{"mark": "Rolex"}],
        handling={"tlp": "GREEN", "releasable_to": ["MO-CS"]},
    ),
    # S3: from Viet Nam through Yantian, Singapore, Port Klang, discharged at Macao; no
    # destination given; no US at all.
    seizure_record(
        record_id="S3",
        seizure_date="2024-02-05",
        transport_mode="sea",
        origin_country="VN",
        destination_country=None,
        port_of_loading="CNYTN",
        transit_ports=["SGSIN", "MYPKG"],
        port_of_discharge="MOMFM",
        goods=[{"hs_code": "6404", "quantity": 200}],
        value={"amount": 4000, "currency": "USD"},
        trademarks=[{"mark": "NIKE"}],
        handling={"tlp": "AMBER", "releasable_to": ["US-CBP"]},
    ),
    # S4: reported by the US; loaded at Hong Kong.
    seizure_record(
        record_id="S4",
        agency="US-CBP",
        seizure_date="2024-01-25",
        transport_mode="express",
        port_of_seizure="USLAX",
        port_of_loading="HKHKG",
        transit_ports=[],
        origin_country="CN",
        destination_country="US",
        goods=[{"hs_code": "6404", "quantity": 30}],
        value={"amount": 2000, "currency": "USD"},
        trademarks=[{"mark": "NIKE"}],
        handling={"tlp": "CLEAR", "releasable_to": ["HK-CED"]},
    ),
    # S5: as S1, but before the period.
    seizure_record(
        record_id="S5",
        seizure_date="2023-12-31",
        destination_country="US",
        value={"amount": 9999, "currency": "USD"},
    ),
    # S6: to the US, with no goods, no value, no port of loading or transit, no mark.
    seizure_record(
        record_id="S6",
        seizure_date="2024-02-10",
        transport_mode="sea",
        origin_country=None,
        destination_country="US",
        port_of_loading=None,
        transit_ports=[],
        goods=[],
        value=None,
        trademarks=[],
        handling={"tlp": "RED", "releasable_to": ["MO-CS", "US-CBP"]},
    ),
]

PERIOD = {"from": "2024-01-01", "to": "2024-02-29"}
# Quantities per unit of S1, of S2, of both.
S1 = {"pairs": 125.0, "pieces": 50.0}
S2 = {"pieces": 10.0, "unspecified": 5.0}
S1_S2 = {"pairs": 125.0, "pieces": 60.0, "unspecified": 5.0}
HK_US = {**PERIOD, "reporting": "HK", "partner": "US"}


def _without_nulls(record: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in record.items() if value is not None}


@pytest.fixture
def api(store: GraphStore, tmp_path: Path) -> Iterator[httpx.Client]:
    load_records(store, tmp_path, [_without_nulls(r) for r in RECORDS])
    # HK-CED reported every record here but one, which is CLEAR: it sees them all.
    app = create_app(Settings(data_dir=tmp_path / "data"), store=store)
    with keyed_api(app, store, agency="HK-CED") as client:
        yield client


def _stats(api: httpx.Client, **params: str) -> dict[str, Any]:
    answer = api.get("/v1/stats/seizures", params=params)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def _figures(body: dict[str, Any]) -> list[tuple[Any, ...]]:
    """(key, name, seizures, quantity, value_usd, seizures without a USD value) per group."""
    return [
        (
            g["key"],
            g["name"],
            g["seizures"],
            g["quantity"],
            g["value_usd"],
            g["seizures_without_value_usd"],
        )
        for g in body["groups"]
    ]


def test_totals_and_handling_for_a_period_and_a_pair(api: httpx.Client) -> None:
    body = _stats(api, **HK_US)
    # S1 (destination US), S2 (loaded at Los Angeles), S6 (destination US). Not S3 (no
    # US), S4 (reported by the US), S5 (before the period).
    assert body["totals"] == {
        "seizures": 3,
        # Never added across units; PCS are pieces, prs pairs.
        "quantity": {"pairs": 125.0, "pieces": 60.0, "unspecified": 5.0},
        "value_usd": 1500.0,
        "seizures_without_value_usd": 1,
        # The strictest TLP (S6's RED); the agencies all three may go to.
        "handling": {"tlp": "RED", "releasable_to": ["MO-CS"]},
    }
    assert (body["from"], body["to"], body["reporting"], body["partner"]) == (
        "2024-01-01",
        "2024-02-29",
        "HK",
        "US",
    )
    assert body["group_by"] == "transport_mode"  # the default
    assert _figures(body) == [
        ("sea", None, 2, {"pairs": 125.0, "pieces": 50.0}, 1000.0, 1),
        ("air", None, 1, {"pieces": 10.0, "unspecified": 5.0}, 500.0, 0),
    ]
    assert body["groups"][1]["handling"] == {"tlp": "GREEN", "releasable_to": ["MO-CS"]}


@pytest.mark.parametrize(
    ("group_by", "expected"),
    [
        # The port of loading and the transit ports, each seizure once per distinct port:
        # S2 names Los Angeles twice and counts once.
        (
            "port",
            [
                ("CNYTN", "Yantian", 1, S1, 1000.0, 0),
                ("SGSIN", "Singapore", 1, S1, 1000.0, 0),
                ("USLAX", "Los Angeles", 1, S2, 500.0, 0),
                (None, None, 1, {}, 0.0, 1),
            ],
        ),
        ("trademark", [
            ("tm:nike", "NIKE", 1, S1, 1000.0, 0),
            ("tm:rolex", "Rolex", 1, S2, 500.0, 0),
            (None, None, 1, {}, 0.0, 1),
        ]),
        # A chapter's quantity is that of its lines; the value is the whole seizure's.
        ("hs_chapter", [
            ("42", None, 1, {"pieces": 50.0}, 1000.0, 0),
            ("64", None, 1, {"pairs": 125.0}, 1000.0, 0),
            ("91", None, 1, {"pieces": 10.0}, 500.0, 0),
            (None, None, 2, {"unspecified": 5.0}, 500.0, 1),
        ]),
        ("month", [
            ("2024-01", None, 2, S1_S2, 1500.0, 0),
            ("2024-02", None, 1, {}, 0.0, 1),
        ]),
        ("jurisdiction", [("HK", None, 3, S1_S2, 1500.0, 1)]),
    ],
)  # fmt: skip
def test_groups(api: httpx.Client, group_by: str, expected: list[tuple[Any, ...]]) -> None:
    assert _figures(_stats(api, **HK_US, group_by=group_by)) == expected


def test_jurisdiction_is_that_of_the_reporting_agency(api: httpx.Client) -> None:
    body = _stats(api, **PERIOD, partner="us", group_by="jurisdiction")
    assert _figures(body) == [
        ("HK", None, 3, S1_S2, 1500.0, 1),
        ("US", None, 1, {"unspecified": 30.0}, 2000.0, 0),
    ]
    assert body["partner"] == "US"


@pytest.mark.parametrize(
    ("params", "seizures"),
    [
        # Destination (S1, S4, S6) or port of loading (S2).
        ({"partner": "US"}, ["S1", "S2", "S4", "S6"]),
        # Only the port of seizure is in Hong Kong for S1, S3 and S6: they do not count.
        # S2 (destination HK) and S4 (loaded at Hong Kong) do.
        ({"partner": "HK"}, ["S2", "S4"]),
        # Transit ports only.
        ({"partner": "SG"}, ["S1", "S3"]),
        ({"partner": "MY"}, ["S3"]),
        # The port of discharge only.
        ({"partner": "MO"}, ["S3"]),
        # Origin (S1, S2, S4) or the port of loading Yantian (S1, S3).
        ({"partner": "CN"}, ["S1", "S2", "S3", "S4"]),
        ({"partner": "VN", "reporting": "HK"}, ["S3"]),
        ({"reporting": "US"}, ["S4"]),
        ({"reporting": "MO"}, []),
        ({}, ["S1", "S2", "S3", "S4", "S6"]),
    ],
)
def test_partner_and_reporting_select_exactly(
    api: httpx.Client, params: dict[str, str], seizures: list[str]
) -> None:
    by_month = _stats(api, **PERIOD, **params, group_by="month")
    # 500 x 2, 1, 8, 4: the sum says which of S1-S4 were counted; S6 is the only one
    # in the period with no value.
    values = {"S1": 1000, "S2": 500, "S3": 4000, "S4": 2000, "S6": 0}
    assert by_month["totals"]["seizures"] == len(seizures)
    assert by_month["totals"]["value_usd"] == sum(values[s] for s in seizures)
    assert by_month["totals"]["seizures_without_value_usd"] == int("S6" in seizures)
    if not seizures:
        # Every month of the period is a row, of zeros here.
        assert [(g["key"], g["seizures"]) for g in by_month["groups"]] == [
            ("2024-01", 0),
            ("2024-02", 0),
        ]
        assert by_month["totals"]["handling"] == {"tlp": None, "releasable_to": []}


def test_csv_has_a_header_a_row_per_group_and_a_totals_row(api: httpx.Client) -> None:
    answer = api.get("/v1/stats/seizures", params={**HK_US, "group_by": "port", "format": "csv"})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/csv")
    assert 'filename="seizure-stats-port.csv"' in answer.headers["content-disposition"]
    assert list(csv.reader(io.StringIO(answer.text))) == [
        [
            "port",
            "name",
            "seizures",
            "quantity (pairs)",
            "quantity (pieces)",
            "quantity (unspecified)",
            "value_usd",
            "seizures_without_value_usd",
            "tlp",
            "releasable_to",
        ],
        ["CNYTN", "Yantian", "1", "125", "50", "", "1000.00", "0", "AMBER", "MO-CS US-CBP"],
        ["SGSIN", "Singapore", "1", "125", "50", "", "1000.00", "0", "AMBER", "MO-CS US-CBP"],
        ["USLAX", "Los Angeles", "1", "", "10", "5", "500.00", "0", "GREEN", "MO-CS"],
        ["", "", "1", "", "", "", "0.00", "1", "RED", "MO-CS US-CBP"],
        ["total", "", "3", "125", "60", "5", "1500.00", "1", "RED", "MO-CS"],
    ]


def test_months_without_a_seizure_are_rows_of_zeros(api: httpx.Client) -> None:
    body = _stats(api, **{**HK_US, "from": "2023-10-01"}, group_by="month")
    assert [(g["key"], g["seizures"], g["quantity"]) for g in body["groups"]] == [
        ("2023-10", 0, {}),
        ("2023-11", 0, {}),
        ("2023-12", 1, {"pairs": 1200.0}),  # S5
        ("2024-01", 2, S1_S2),
        ("2024-02", 1, {}),
    ]


@pytest.mark.parametrize(
    ("params", "where", "message"),
    [
        ({"group_by": "agency"}, "group_by", "'transport_mode', 'port', 'jurisdiction'"),
        ({"reporting": "HKG"}, "reporting", "not an ISO 3166 alpha-2 code"),
        ({"partner": "U1"}, "partner", "not an ISO 3166 alpha-2 code"),
        ({"from": "2024-1-1"}, "from", "YYYY-MM-DD"),
        ({"from": "2024-03-01", "to": "2024-01-01"}, "to", "to (2024-01-01) is before from"),
        ({"format": "xlsx"}, "format", "'json' or 'csv'"),
        ({"group": "port"}, "group", "unknown parameter"),
    ],
)
def test_bad_parameters_are_422_naming_the_parameter(
    api: httpx.Client, params: dict[str, str], where: str, message: str
) -> None:
    answer = api.get("/v1/stats/seizures", params=params)
    assert answer.status_code == 422, answer.text
    [error] = answer.json()["errors"]
    assert (error["location"], error["parameter"]) == ("query", where)
    assert message in error["detail"]


def test_openapi_defines_partner_and_port_grouping(api: httpx.Client) -> None:
    spec = api.get("/openapi.json").json()
    route = spec["paths"]["/v1/stats/seizures"]["get"]
    assert (
        "port of loading, of any of its transit ports or of its port of discharge"
        in (route["description"])
    )
    assert "the port of loading and every transit port" in route["description"]
    params = {param["name"]: param for param in route["parameters"]}
    assert "The port of seizure does not count" in params["partner"]["description"]
    assert "text/csv" in route["responses"]["200"]["content"]
    assert "503" in route["responses"]


def test_database_away_gives_503() -> None:
    with api_without_database() as client:
        answer = client.get("/v1/stats/seizures", params={"format": "csv"})
        assert answer.status_code == 503
        assert answer.headers["Retry-After"] == "5"
