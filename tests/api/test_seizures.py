"""`GET /v1/seizures/{id}` and `GET /v1/seizures` over real HTTP, on records loaded
through the real loader into a database of the test's own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.app import create_app
from graph.config import Settings
from graph.seizures import decode_cursor, encode_cursor
from graph.store import GraphStore
from ingest.normalised import Normaliser
from ingest.ports import install_locode_list, ports_for
from tests.factories import load_records, seizure_record
from tests.helpers import api_without_database, auth, keyed_api, new_key


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def api(store: GraphStore, data_dir: Path) -> Iterator[httpx.Client]:
    # The API resolves ports against the data directory it was created with.
    app = create_app(Settings(data_dir=data_dir), store=store)
    with keyed_api(app, store) as client:
        yield client


# --- one seizure --------------------------------------------------------------------

FULL = seizure_record(
    record_id="HKCED-2024-000123",
    agency="HK-CED",
    seizure_date="2024-03-10",
    case_ref="OP-GBA-2024-03",
    port_of_seizure="HK HKG",
    port_of_loading="Yantian",
    transit_ports=["SG SIN", "Port Klang"],
    port_of_discharge="USLGB",
    origin_country="CHINA, PEOPLES REP",
    destination_country="U.S.A.",
    transport_mode="Ocean",
    transport_document="MAEU 123456789",
    vessel_or_flight="MAERSK LOTA",
    containers=["MSKU 123456-5", "TGHU1234560"],
    goods=[
        {
            "description": "sports shoes",
            "hs_code": "6404.11",
            "quantity": 1200,
            "unit": "pairs",
            "trademarks": ["NIKE"],
        },
        {"description": "shoe boxes", "trademarks": ["NIKE", "JORDAN"]},
    ],
    value={"amount": 150000, "currency": "HKD"},
    trademarks=[{"mark": "NIKE", "rights_holder": "Nike Inc.", "registration": "US 1234567"}],
    shipper={"name": "SHENZHEN HUAXIN TRADING CO LTD", "country": "CN"},
    consignee={"name": "Pacific Coast Distributors LLC", "country": "US"},
    forwarder={"name": "Kerry Logistics (Hong Kong) Ltd"},
    manufacturers=[
        {"name": "Putian Jiali Shoes Factory", "country": "CN"},
        {"name": "Jinjiang Xinda Footwear", "country": "CN"},
    ],
    handling={"tlp": "AMBER+STRICT", "releasable_to": ["US-CBP", "MO-CS"]},
)


def test_one_seizure_has_every_fact_of_its_record(
    api: httpx.Client, store: GraphStore, tmp_path: Path
) -> None:
    load_records(store, tmp_path, [FULL])
    answer = api.get("/v1/seizures/HK-CED:HKCED-2024-000123")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    parties = body.pop("parties")
    sha256 = body["provenance"].pop("source_sha256")
    assert len(sha256) == 64
    assert body == {
        "id": "HK-CED:HKCED-2024-000123",
        "record_id": "HKCED-2024-000123",
        "agency": "HK-CED",
        "agency_name": "Hong Kong Customs and Excise Department",
        "agency_jurisdiction": "HK",
        "seizure_date": "2024-03-10",
        "transport_mode": "sea",
        "vessel_or_flight": "MAERSK LOTA",
        "case": {"id": "HK-CED:OP-GBA-2024-03", "ref": "OP-GBA-2024-03"},
        "origin": {"id": "CN", "as_written": "CHINA, PEOPLES REP"},
        "destination": {"id": "US", "as_written": "U.S.A."},
        "goods": [
            {
                "description": "sports shoes",
                "hs_code": "640411",
                "quantity": 1200.0,
                "unit": "pairs",
                "marks": ["NIKE"],
            },
            {
                "description": "shoe boxes",
                "hs_code": None,
                "quantity": None,
                "unit": None,
                "marks": ["NIKE", "JORDAN"],
            },
        ],
        "quantity_total": 1200.0,
        # HKD in March 2024: 0.12794268 USD (ingest/reference/usd_rates.csv).
        "value": {
            "amount": 150000.0,
            "currency": "HKD",
            "usd": 19191.4,
            "usd_rate": 0.12794268,
            "usd_rate_month": "2024-03",
        },
        "ports": {
            "seizure": _port("HKHKG", "Hong Kong", "HK", "HK HKG"),
            "loading": _port("CNYTN", "Yantian", "CN", "Yantian"),
            "transit": [
                _port("SGSIN", "Singapore", "SG", "SG SIN", seq=0),
                _port("MYPKG", "Port Klang", "MY", "Port Klang", seq=1),
            ],
            "discharge": _port("USLGB", "Long Beach", "US", "USLGB"),
        },
        "containers": [
            {"number": "MSKU1234565", "valid": True, "as_written": "MSKU 123456-5"},
            {"number": "TGHU1234560", "valid": False, "as_written": "TGHU1234560"},
        ],
        "transport_document": {
            "id": "doc:MAEU123456789",
            "number": "MAEU123456789",
            "as_written": "MAEU 123456789",
        },
        "trademarks": [
            {"id": "tm:jordan", "mark": "JORDAN", "registration": None, "rights_holders": []},
            {
                "id": "tm:nike",
                "mark": "NIKE",
                "registration": "US 1234567",
                "rights_holders": [{"id": "rh:nike llc", "name": "Nike Inc."}],
            },
        ],
        "provenance": {"agency": "HK-CED", "source_file": "feed.ndjson", "source_line": 1},
        "handling": {"tlp": "AMBER+STRICT", "releasable_to": ["MO-CS", "US-CBP"]},
        "flags": [
            "containers: 'TGHU1234560': 'TGHU1234560' has check digit 0 but ISO 6346 gives 7 "
            "for the first ten characters; probably a typing error"
        ],
    }
    assert {role: _names(party) for role, party in parties.items()} == {
        "shipper": ("SHENZHEN HUAXIN TRADING CO LTD", "CN"),
        "consignee": ("Pacific Coast Distributors LLC", "US"),
        "forwarder": ("Kerry Logistics (Hong Kong) Ltd", None),
        "manufacturers": [
            ("Putian Jiali Shoes Factory", "CN"),
            ("Jinjiang Xinda Footwear", "CN"),
        ],
    }
    # The party ids are the graph's: each one lists this seizure.
    for party in (parties["shipper"], parties["forwarder"], *parties["manufacturers"]):
        assert party["id"].startswith("party:")
        listed = api.get("/v1/seizures", params={"party": party["id"]}).json()["items"]
        assert [item["id"] for item in listed] == ["HK-CED:HKCED-2024-000123"]


def _port(
    locode: str, name: str, country: str, as_written: str, seq: int | None = None
) -> dict[str, Any]:
    return {
        "id": locode,
        "locode": locode,
        "name": name,
        "country": country,
        "resolved": True,
        "as_written": as_written,
        "seq": seq,
    }


def _names(party: dict[str, Any] | list[dict[str, Any]]) -> Any:
    if isinstance(party, list):
        return [_names(one) for one in party]
    assert party["name"] == party["name_as_written"]  # first seen here
    return (party["name_as_written"], party["country"])


def test_a_party_keeps_the_name_each_record_wrote(
    api: httpx.Client, store: GraphStore, tmp_path: Path
) -> None:
    first = seizure_record(record_id="N-1", shipper={"name": "Huaxin Trading Co., Ltd."})
    second = seizure_record(record_id="N-2", shipper={"name": "HUAXIN TRADING CO LTD"})
    load_records(store, tmp_path, [first, second])
    one = api.get("/v1/seizures/HK-CED:N-1").json()["parties"]["shipper"]
    two = api.get("/v1/seizures/HK-CED:N-2").json()["parties"]["shipper"]
    assert one["id"] == two["id"]  # one party, two spellings
    assert (one["name_as_written"], two["name_as_written"]) == (
        "Huaxin Trading Co., Ltd.",
        "HUAXIN TRADING CO LTD",
    )
    assert one["name"] == two["name"] == "Huaxin Trading Co., Ltd."


def test_a_sparse_record_answers_with_nulls_and_empty_lists(
    api: httpx.Client, store: GraphStore, tmp_path: Path
) -> None:
    sparse = {
        "record_id": "SA/0003/2026",
        "agency": "MO-CS",
        "seizure_date": "2026-10-12",
        "port_of_seizure": "Macau",
        "transport_mode": "road",
    }
    load_records(store, tmp_path, [sparse])
    # AMBER released to nobody: only Macao sees it.
    macao = auth(new_key(store, agency="MO-CS"))
    assert api.get("/v1/seizures/MO-CS:SA/0003/2026").status_code == 404
    # A record id may hold "/": the path takes it as written or percent-encoded.
    for path in ("/v1/seizures/MO-CS:SA/0003/2026", "/v1/seizures/MO-CS%3ASA%2F0003%2F2026"):
        body = api.get(path, headers=macao).json()
        assert body["id"] == "MO-CS:SA/0003/2026"
        assert body["agency_jurisdiction"] == "MO"
        assert body["ports"] == {
            "seizure": _port("MOMFM", "Macau", "MO", "Macau"),
            "loading": None,
            "transit": [],
            "discharge": None,
        }
        assert body["parties"] == {
            "shipper": None,
            "consignee": None,
            "forwarder": None,
            "manufacturers": [],
        }
        assert (body["goods"], body["value"], body["quantity_total"]) == ([], None, None)
        assert (body["containers"], body["trademarks"], body["case"]) == ([], [], None)
        # The contract's default handling.
        assert body["handling"] == {"tlp": "AMBER", "releasable_to": []}


def test_unknown_seizure_is_404_naming_the_id(api: httpx.Client) -> None:
    answer = api.get("/v1/seizures/HK-CED:NO-SUCH-RECORD")
    assert answer.status_code == 404
    assert answer.json()["detail"] == "No seizure has the id 'HK-CED:NO-SUCH-RECORD'."


# --- listing ------------------------------------------------------------------------


def _ids(answer: httpx.Response) -> list[str]:
    assert answer.status_code == 200, answer.text
    return [item["id"] for item in answer.json()["items"]]


def test_list_is_newest_first_and_pages_by_cursor_without_repeats(
    api: httpx.Client, store: GraphStore, tmp_path: Path
) -> None:
    dates = {
        "P-1": "2024-01-05",
        "P-2": "2024-03-01",
        "P-3": "2024-02-10",
        "P-4": "2024-03-01",
        "P-5": "2024-03-01",
        "P-6": "2023-12-31",
        "P-7": "2024-02-10",
    }
    load_records(
        store, tmp_path, [seizure_record(record_id=k, seizure_date=v) for k, v in dates.items()]
    )
    # Date descending, ties by id ascending.
    expected = ["P-2", "P-4", "P-5", "P-3", "P-7", "P-1", "P-6"]
    assert _ids(api.get("/v1/seizures")) == [f"HK-CED:{r}" for r in expected]

    pages: list[list[str]] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 2}
        if cursor:
            params["cursor"] = cursor
        answer = api.get("/v1/seizures", params=params)
        pages.append(_ids(answer))
        cursor = answer.json()["next_cursor"]
        if cursor is None:
            break
    assert pages == [
        ["HK-CED:P-2", "HK-CED:P-4"],
        ["HK-CED:P-5", "HK-CED:P-3"],
        ["HK-CED:P-7", "HK-CED:P-1"],
        ["HK-CED:P-6"],
    ]
    # A page that ends exactly at the last seizure says so.
    answer = api.get("/v1/seizures", params={"limit": 7})
    assert len(_ids(answer)) == 7
    assert answer.json()["next_cursor"] is None

    item = api.get("/v1/seizures", params={"limit": 1}).json()["items"][0]
    assert item == {
        "id": "HK-CED:P-2",
        "record_id": "P-2",
        "agency": "HK-CED",
        "seizure_date": "2024-03-01",
        "transport_mode": "sea",
        "quantity_total": 1200.0,
        # HKD in March 2024: 150000 x 0.12794268
        "value_usd": 19191.4,
        "value_amount": 150000.0,
        "value_currency": "HKD",
        "hs_chapters": ["64"],
        "handling": {"tlp": "AMBER", "releasable_to": ["US-CBP"]},
    }


def test_period_bounds_are_inclusive(api: httpx.Client, store: GraphStore, tmp_path: Path) -> None:
    dates = {"D-1": "2024-01-31", "D-2": "2024-02-01", "D-3": "2024-02-29", "D-4": "2024-03-01"}
    load_records(
        store, tmp_path, [seizure_record(record_id=k, seizure_date=v) for k, v in dates.items()]
    )
    answer = api.get("/v1/seizures", params={"from": "2024-02-01", "to": "2024-02-29"})
    assert _ids(answer) == ["HK-CED:D-3", "HK-CED:D-2"]
    assert answer.json()["filters"]["from"] == "2024-02-01"
    assert _ids(api.get("/v1/seizures", params={"from": "2024-02-29"})) == [
        "HK-CED:D-4",
        "HK-CED:D-3",
    ]
    assert _ids(api.get("/v1/seizures", params={"to": "2024-01-31"})) == ["HK-CED:D-1"]


def _filter_records() -> list[dict[str, Any]]:
    return [
        seizure_record(
            record_id="F-1",
            seizure_date="2024-05-01",
            containers=["MSKU 123456-5"],
            port_of_loading="Yantian",
            transit_ports=["SGSIN"],
            trademarks=[{"mark": "Nike"}],
            goods=[],
        ),
        seizure_record(
            record_id="F-2",
            seizure_date="2024-04-01",
            containers=["TGHU 123456-0"],
            port_of_loading="Nowhere Harbour",
            transit_ports=[],
            trademarks=[{"mark": "ROLEX"}],
            goods=[],
        ),
        seizure_record(
            record_id="F-3",
            seizure_date="2024-03-01",
            containers=["msku1234565"],
            port_of_loading="Shenzhen",
            transit_ports=["Port Klang"],
            port_of_discharge="Singapore",
            trademarks=[{"mark": "NIKE"}, {"mark": "Rolex"}],
            goods=[],
        ),
    ]


@pytest.mark.parametrize(
    ("params", "expected", "understood"),
    [
        # Containers in any spacing or case.
        ({"container": "msku.123456.5"}, ["F-1", "F-3"], {"container": "MSKU1234565"}),
        ({"container": "TGHU1234560"}, ["F-2"], {"container": "TGHU1234560"}),
        # A UN/LOCODE in any spacing, or a port name; any role on the route.
        ({"port": "sg sin"}, ["F-1", "F-3"], {"port": "SGSIN"}),
        ({"port": "Singapore"}, ["F-1", "F-3"], {"port": "SGSIN"}),
        ({"port": "Port Kelang"}, ["F-3"], {"port": "MYPKG"}),
        # A name no table resolves matches the same name however it is spelled.
        ({"port": "NOWHERE  harbour"}, ["F-2"], {"port": "unresolved:nowhere harbour"}),
        ({"port": "HK-HKG"}, ["F-1", "F-2", "F-3"], {"port": "HKHKG"}),
        # Marks in any case; or the Trademark id.
        ({"trademark": "nike"}, ["F-1", "F-3"], {"trademark": "tm:nike"}),
        ({"trademark": "tm:rolex"}, ["F-2", "F-3"], {"trademark": "tm:rolex"}),
        # Every filter given must match.
        ({"trademark": "Rolex", "container": "MSKU1234565"}, ["F-3"], {}),
        ({"trademark": "ROLEX", "port": "SGSIN", "to": "2024-04-30"}, ["F-3"], {}),
        ({"trademark": "ROLEX", "port": "SGSIN", "from": "2024-04-01"}, [], {}),
        ({"port": "Yantian", "container": "TGHU1234560"}, [], {}),
        # Nothing is known under these: an empty page, not an error.
        ({"container": "ZZZU0000000"}, [], {}),
        ({"party": "party:nobody"}, [], {"party": "party:nobody"}),
        # An empty field is no filter.
        ({"port": "", "trademark": " "}, ["F-1", "F-2", "F-3"], {"port": None}),
    ],
)
def test_filters(
    api: httpx.Client,
    store: GraphStore,
    tmp_path: Path,
    params: dict[str, str],
    expected: list[str],
    understood: dict[str, str | None],
) -> None:
    load_records(store, tmp_path, _filter_records())
    answer = api.get("/v1/seizures", params=params)
    assert _ids(answer) == [f"HK-CED:{record_id}" for record_id in expected]
    filters = answer.json()["filters"]
    assert {key: filters[key] for key in understood} == understood


def test_party_filter_lists_each_seizure_once_whatever_its_roles(
    api: httpx.Client, store: GraphStore, tmp_path: Path
) -> None:
    trader = {"name": "Yiwu Dragon Trading Co., Ltd.", "country": "CN"}
    records = [
        # Shipper and manufacturer of one seizure.
        seizure_record(record_id="R-1", seizure_date="2024-02-01", shipper=trader,
                       manufacturers=[trader]),
        seizure_record(record_id="R-2", seizure_date="2024-03-01", consignee=trader),
        seizure_record(record_id="R-3", seizure_date="2024-04-01"),
        # The same port of loading and of transit.
        seizure_record(record_id="R-4", seizure_date="2024-05-01", port_of_loading="CNYTN",
                       transit_ports=["Yantian"]),
    ]  # fmt: skip
    load_records(store, tmp_path, records)
    party = api.get("/v1/seizures/HK-CED:R-1").json()["parties"]["shipper"]["id"]
    assert _ids(api.get("/v1/seizures", params={"party": party})) == [
        "HK-CED:R-2",
        "HK-CED:R-1",
    ]
    assert _ids(api.get("/v1/seizures", params={"port": "CNYTN"})) == [
        "HK-CED:R-4",
        "HK-CED:R-3",
        "HK-CED:R-2",
        "HK-CED:R-1",
    ]
    # Paging an anchored listing keeps the order too.
    first = api.get("/v1/seizures", params={"port": "CNYTN", "limit": 3}).json()
    rest = api.get(
        "/v1/seizures", params={"port": "CNYTN", "limit": 3, "cursor": first["next_cursor"]}
    )
    assert _ids(rest) == ["HK-CED:R-1"]
    assert rest.json()["next_cursor"] is None


def test_port_names_resolve_against_the_loaded_locode_list(
    api: httpx.Client, store: GraphStore, tmp_path: Path, data_dir: Path
) -> None:
    code_list = tmp_path / "code-list.csv"
    code_list.write_text(",CN,XYZ,Xiyazhen,Xiyazhen,44,RL,1-------,1601,,,\n", encoding="utf-8")
    assert install_locode_list(code_list, data_dir) == 1
    record = seizure_record(record_id="X-1", port_of_loading="Xiyazhen")
    load_records(store, tmp_path, [record], normaliser=Normaliser(ports_for(data_dir)))
    answer = api.get("/v1/seizures", params={"port": "xiyazhen"})
    assert _ids(answer) == ["HK-CED:X-1"]
    assert answer.json()["filters"]["port"] == "CNXYZ"


@pytest.mark.parametrize(
    ("params", "where", "message"),
    [
        ({"limit": "0"}, "limit", "limit must be between 1 and 200 (got 0)"),
        ({"limit": "201"}, "limit", "limit must be between 1 and 200 (got 201)"),
        ({"limit": "ten"}, "limit", "valid integer"),
        ({"from": "2024-02-30"}, "from", "valid date"),
        ({"to": "yesterday"}, "to", "YYYY-MM-DD"),
        ({"from": "2024-03-01", "to": "2024-02-01"}, "to", "to (2024-02-01) is before from"),
        ({"cursor": "not-a-cursor"}, "cursor", "not a cursor that a page of seizures handed"),
        ({"container": "- -"}, "container", "a container number needs letters or digits"),
        ({"port": "!!"}, "port", "a port needs letters or digits"),
        ({"trademark": "tm:"}, "trademark", "a mark needs some text"),
        ({"party": "p" * 301}, "party", "at most 300 characters"),
        ({"contianer": "MSKU1234565"}, "contianer", "unknown parameter"),
    ],
)
def test_bad_parameters_are_422_naming_the_parameter(
    api: httpx.Client, params: dict[str, str], where: str, message: str
) -> None:
    answer = api.get("/v1/seizures", params=params)
    assert answer.status_code == 422, answer.text
    [error] = answer.json()["errors"]
    assert (error["location"], error["parameter"]) == ("query", where)
    assert message in error["detail"]


def test_cursor_round_trip_and_forgeries() -> None:
    cursor = encode_cursor("2024-03-01", "MO-CS:SA/0003/2026")
    assert decode_cursor(cursor) == ("2024-03-01", "MO-CS:SA/0003/2026")
    assert all(ch.isalnum() or ch in "-_" for ch in cursor)  # safe in a query string
    for forged in (
        encode_cursor("March", "HK-CED:1"),
        "WyIyMDI0LTAzLTAxIl0",  # ["2024-03-01"]
        "e30",  # {}
        "%%%",
    ):
        with pytest.raises(ValueError, match="not a cursor"):
            decode_cursor(forged)


def test_openapi_documents_bounds_and_answers(api: httpx.Client) -> None:
    spec = api.get("/openapi.json").json()
    listing = spec["paths"]["/v1/seizures"]["get"]
    params = {param["name"]: param for param in listing["parameters"]}
    assert set(params) == {
        "party",
        "entity",
        "container",
        "port",
        "trademark",
        "from",
        "to",
        "limit",
        "cursor",
    }
    assert (params["limit"]["schema"]["minimum"], params["limit"]["schema"]["maximum"]) == (1, 200)
    assert {"200", "422", "503"} <= set(listing["responses"])
    one = spec["paths"]["/v1/seizures/{seizure_id}"]["get"]
    assert {"200", "404", "503"} <= set(one["responses"])


def test_database_away_gives_503() -> None:
    with api_without_database() as client:
        for path in ("/v1/seizures/HK-CED:1", "/v1/seizures?port=HKHKG"):
            answer = client.get(path)
            assert answer.status_code == 503, path
            assert answer.headers["Retry-After"] == "5"
