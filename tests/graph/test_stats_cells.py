"""The seizure statistics kept per month, agency, partner and handling
(`graph.stats_cells`): after loads, corrections, a push over HTTP and a rebuild they
equal what the seizures add up to, and `/v1/stats/seizures` answers from them
exactly what it answers from the seizures themselves, for every viewer."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path
from typing import Any

import httpx

from api.app import create_app
from graph import queries, stats_cells
from graph.access import OPERATOR, Viewer
from graph.config import Settings
from graph.load import Loader
from graph.stats import SeizureGroup, SeizureStats, seizure_stats, whole_months
from graph.store import GraphStore
from tests.api.test_stats import RECORDS, _without_nulls
from tests.factories import load_records, seizure_record, write_ndjson
from tests.helpers import auth, new_key, serve_in_thread

VIEWERS = [OPERATOR, *(Viewer(a) for a in ("HK-CED", "US-CBP", "MO-CS", "EU-NL", "CN-GACC"))]
GROUPS = [
    SeizureGroup.TRANSPORT_MODE,
    SeizureGroup.MONTH,
    SeizureGroup.JURISDICTION,
    SeizureGroup.HS_CHAPTER,
]
PAIRS = [(None, None), ("HK", "US"), (None, "US"), ("HK", None), ("US", "HK"), ("HK", "CN")]
PERIODS = [
    (dt.date(2024, 1, 1), dt.date(2024, 2, 29)),  # whole months: the cells only
    (dt.date(2024, 1, 10), dt.date(2024, 3, 20)),  # parts of months at both ends
    (dt.date(2024, 1, 16), dt.date(2024, 1, 31)),  # within one month: the seizures
    (None, None),
    (dt.date(2023, 12, 1), None),
]

# More agencies, handlings and months than the statistics route's own records.
MORE = [
    seizure_record(
        record_id="M1",
        agency="US-CBP",
        seizure_date="2024-03-03",
        port_of_seizure="USLAX",
        port_of_loading="HKHKG",
        origin_country="CN",
        destination_country="US",
        goods=[
            {"hs_code": "8517.12", "quantity": 40, "unit": "pcs"},
            {"hs_code": "8517.13", "quantity": 2.5, "unit": "kg"},
        ],
        value={"amount": 800, "currency": "USD"},
        handling={"tlp": "AMBER+STRICT", "releasable_to": ["HK-CED"]},
    ),
    seizure_record(
        record_id="M2",
        agency="MO-CS",
        seizure_date="2024-01-31",
        port_of_seizure="MOMFM",
        port_of_loading="HKHKG",
        origin_country="CN",
        destination_country="MO",
        goods=[{"hs_code": "6109", "quantity": 300, "unit": "pieces"}],
        value={"amount": 120, "currency": "USD"},
        handling={"tlp": "RED", "releasable_to": []},
    ),
    seizure_record(
        record_id="M3",
        seizure_date="2024-02-01",
        goods=[{"hs_code": "6404", "quantity": 0, "unit": "pairs"}],
        value={"amount": 10.5, "currency": "USD"},
        handling={"tlp": "GREEN", "releasable_to": ["US-CBP"]},
    ),
]


def _figures(stats: SeizureStats) -> Any:
    rows = [stats.totals, *stats.groups]
    return [
        (
            getattr(row, "key", "total"),
            row.seizures,
            row.quantity,
            row.value_usd,
            row.seizures_without_value_usd,
            row.handling,
        )
        for row in rows
    ]


def _set_complete(store: GraphStore, complete: bool) -> None:
    store.write(
        queries.SET_STATS_STATE_QUERY, id=stats_cells.STATE_ID, complete=complete, at="test"
    )


def _answers(store: GraphStore) -> dict[tuple[Any, ...], Any]:
    found = {}
    for viewer, group, (reporting, partner), (first, last) in itertools.product(
        VIEWERS, GROUPS, PAIRS, PERIODS
    ):
        stats = seizure_stats(
            store,
            viewer,
            group,
            date_from=first,
            date_to=last,
            reporting=reporting,
            partner=partner,
        )
        found[(viewer.agency, group, reporting, partner, first, last)] = _figures(stats)
    return found


def _assert_kept_right(store: GraphStore) -> None:
    """The kept cells equal a recomputation from the seizures, and every answer read
    from them equals the answer computed from the seizures alone."""
    kept = stats_cells.kept(store)
    assert kept and kept == stats_cells.recomputed(store)
    assert store.execute_read(stats_cells.is_complete)
    from_cells = _answers(store)
    _set_complete(store, False)
    try:
        from_seizures = _answers(store)
    finally:
        _set_complete(store, True)
    assert from_cells == from_seizures
    # Not vacuous: most answers count something, and the viewers differ.
    counted = [figures for figures in from_cells.values() if figures[0][1]]
    assert len(counted) > len(from_cells) // 2
    assert (
        from_cells[(None, GROUPS[0], None, None, None, None)]
        != (from_cells[("EU-NL", GROUPS[0], None, None, None, None)])
    )


def test_whole_months_of_a_period() -> None:
    d = dt.date
    assert whole_months(d(2024, 1, 1), d(2024, 12, 31)) == ("2024-01", "2024-12", [])
    assert whole_months(d(2024, 1, 10), d(2024, 3, 20)) == (
        "2024-02",
        "2024-02",
        [(d(2024, 1, 10), d(2024, 1, 31)), (d(2024, 3, 1), d(2024, 3, 20))],
    )
    assert whole_months(d(2024, 2, 1), d(2024, 2, 29)) == ("2024-02", "2024-02", [])
    assert whole_months(d(2024, 1, 2), d(2024, 2, 28)) is None
    assert whole_months(None, d(2024, 2, 10)) == (
        "0000-01",
        "2024-01",
        [(d(2024, 2, 1), d(2024, 2, 10))],
    )
    assert whole_months(d(2024, 12, 5), None) == (
        "2025-01",
        "9999-12",
        [(d(2024, 12, 5), d(2024, 12, 31))],
    )


def test_kept_cells_follow_loads_corrections_and_a_push(store: GraphStore, tmp_path: Path) -> None:
    load_records(store, tmp_path, [_without_nulls(r) for r in RECORDS])
    load_records(store, tmp_path, MORE)
    _assert_kept_right(store)

    # Records sent again with changes: another month, another partner, RED, other
    # goods and no value; and one sent again unchanged.
    corrected = [
        {**MORE[0], "seizure_date": "2024-02-14", "destination_country": "GB", "value": None},
        {**MORE[2], "handling": {"tlp": "RED", "releasable_to": []}, "goods": []},
        {
            **_without_nulls(RECORDS[0]),
            "goods": [{"hs_code": "9503", "quantity": 7, "unit": "cartons"}],
            "transport_mode": "rail",
        },
        MORE[1],
    ]
    before = stats_cells.kept(store)
    load_records(store, tmp_path, corrected[:3])
    resent = write_ndjson(tmp_path / "again.ndjson", [MORE[1]])
    again = Loader(store, tmp_path / "quarantine").load_file(resent)
    assert again.unchanged == 1
    assert stats_cells.kept(store) != before
    _assert_kept_right(store)

    # A push over HTTP: a new record and a correction of one loaded from a file.
    app = create_app(Settings(data_dir=tmp_path / "data"), store=store)
    key = new_key(store, agency="HK-CED", role="feed")
    pushed = [
        seizure_record(record_id="P1", seizure_date="2024-02-20", destination_country="DE"),
        {**_without_nulls(RECORDS[1]), "seizure_date": "2024-03-09"},
    ]
    with (
        serve_in_thread(app) as base_url,
        httpx.Client(base_url=base_url, timeout=120, headers=auth(key)) as feed,
    ):
        answer = feed.post("/v1/records", json=pushed)
    assert answer.status_code == 200, answer.text
    assert (answer.json()["quarantined"], answer.json()["updated"]) == (0, 1)
    _assert_kept_right(store)


def test_a_graph_without_kept_cells_counts_seizures_until_rebuilt(
    store: GraphStore, tmp_path: Path
) -> None:
    load_records(store, tmp_path, [_without_nulls(r) for r in RECORDS] + MORE)
    expected = _answers(store)
    # As a graph loaded by an earlier version: seizures, no cells, no state.
    stats_cells.drop(store)
    assert stats_cells.init_state(store) is False  # it holds seizures
    assert not store.execute_read(stats_cells.is_complete)
    assert stats_cells.kept(store) == {}
    assert _answers(store) == expected  # from the seizures
    months: list[tuple[int, int]] = []
    cells = stats_cells.rebuild(store, lambda done, total: months.append((done, total)))
    assert months[-1] == (4, 4)  # December 2023 to March 2024
    assert cells == len(stats_cells.kept(store))
    _assert_kept_right(store)
    assert _answers(store) == expected


def test_a_new_graph_keeps_its_cells_from_the_start(store: GraphStore, tmp_path: Path) -> None:
    # Nothing is written to an empty graph: it is complete from the first record on.
    assert stats_cells.init_state(store) is True
    assert stats_cells.kept(store) == {}
    load_records(store, tmp_path, MORE)
    assert stats_cells.init_state(store) is True  # seizures, and their cells
    assert store.execute_read(stats_cells.is_complete)
    assert stats_cells.kept(store) == stats_cells.recomputed(store) != {}
