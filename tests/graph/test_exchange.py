"""Partner exchange over the real store: agreements as data, hit/no-hit lookups per
TLP, detailed requests under a quota, and the memorandum's statistics table.

The world: Hong Kong (HK-CED) holds records about four shippers, each under another
marking, none released to GACC:

    OPEN    Shenzhen Huaxin Trading Co., Ltd.   GREEN
    HELD    Dongguan Bright Star Footwear Co.   AMBER (releasable to US-CBP only)
            東莞明星鞋業有限公司                 AMBER
    STRICT  Foshan Jade River Garments Co.      AMBER+STRICT
    SECRET  Xiamen Silver Gate Optics Co.       RED

GACC (CN-GACC) and Hong Kong have an agreement allowing lookups and 10 requests a
quarter; Macao (MO-CS) has none with Hong Kong.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import threading
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph import stats_cells
from graph.access import Role, Viewer
from graph.errors import Conflict, InvalidInput, NotFound
from graph.exchange.agreements import (
    NotAllowed,
    Terms,
    end_agreement,
    get_agreement,
    list_agreements,
    parse_period,
    parse_terms,
    period_of,
    set_agreement,
)
from graph.exchange.lookups import give_references, lookup
from graph.exchange.requests import (
    QuotaExhausted,
    decide_request,
    file_request,
    get_request,
    list_requests,
)
from graph.exchange.statistics import StatisticsAsk, statistics_for, table_csv, tabulate
from graph.resolve.match import QueryParty
from graph.resolve.service import resolve
from graph.seizures import get_seizure
from graph.store import GraphStore
from tests.factories import load_records, seizure_record

GACC = Viewer("CN-GACC", role=Role.PARTNER, principal="prn:gacc", name="GACC liaison")
GACC_2 = Viewer("CN-GACC", role=Role.PARTNER, principal="prn:gacc2", name="GACC desk 2")
MACAO = Viewer("MO-CS", role=Role.PARTNER, principal="prn:macao", name="Macao liaison")
HK_ANALYST = Viewer("HK-CED", role=Role.ANALYST, principal="prn:hk", name="HK analyst")
CBP_ANALYST = Viewer("US-CBP", role=Role.ANALYST, principal="prn:cbp", name="CBP analyst")
TODAY = dt.date(2025, 8, 1)
THRESHOLD = 0.85

OPEN = {"name": "Shenzhen Huaxin Trading Co., Ltd.", "country": "CN"}
HELD = {
    "name": "Dongguan Bright Star Footwear Co., Ltd.",
    "country": "CN",
    "phone": "+86 769 2233 4455",
}
STRICT = {"name": "Foshan Jade River Garments Co., Ltd.", "country": "CN"}
SECRET = {"name": "Xiamen Silver Gate Optics Co., Ltd.", "country": "CN"}


def _world(store: GraphStore, tmp_path: Path) -> None:
    def record(record_id: str, shipper: dict[str, Any], tlp: str, **extra: Any) -> dict[str, Any]:
        return seizure_record(
            record_id=record_id,
            shipper=shipper,
            handling={"tlp": tlp, "releasable_to": extra.pop("releasable_to", [])},
            **extra,
        )

    load_records(
        store,
        tmp_path,
        [
            record("OPEN-1", OPEN, "GREEN"),
            record("HELD-1", HELD, "AMBER", releasable_to=["US-CBP"]),
            record("HELD-2", {"name": "東莞明星鞋業有限公司", "country": "CN"}, "AMBER"),
            record("STRICT-1", STRICT, "AMBER+STRICT"),
            record("SECRET-1", SECRET, "RED"),
        ],
    )
    resolve(store)
    set_agreement(
        store,
        name="HK-Guangdong intelligence exchange",
        agencies=("HK-CED", "CN-GACC"),
        terms=parse_terms("HK-CED<>CN-GACC: requests=10/quarter, lookups"),
        contacts={"HK-CED": "IP Investigation Bureau, desk 3"},
        valid_from=dt.date(2024, 1, 1),
    )


@pytest.fixture
def world(store: GraphStore, tmp_path: Path) -> GraphStore:
    _world(store, tmp_path)
    return store


def _lookup(store: GraphStore, viewer: Viewer, query: QueryParty, today: dt.date = TODAY) -> Any:
    [result] = lookup(store, viewer, [query], threshold=THRESHOLD, limit=5, today=today)
    return result


# --- agreements --------------------------------------------------------------------------


def test_terms_are_written_on_one_line_and_checked() -> None:
    both = parse_terms("US-CBP<>CN-GACC: statistics=half-year, k=5, requests=10/quarter, lookups")
    assert set(both) == {"US-CBP>CN-GACC", "CN-GACC>US-CBP"}
    terms = both["US-CBP>CN-GACC"]
    assert (terms.statistics, terms.statistics_period, terms.statistics_k) == (
        True,
        "half-year",
        5,
    )
    assert (terms.requests_quota, terms.requests_period, terms.lookups) == (10, "quarter", True)
    one = parse_terms("hk-ced>mo-cs: request_fields=goods+value, statistics_fields=seizures")
    assert list(one) == ["HK-CED>MO-CS"]
    assert one["HK-CED>MO-CS"].request_fields == ("goods", "value")
    assert one["HK-CED>MO-CS"].statistics_fields == ("seizures",)
    for bad, says in (
        ("US-CBP CN-GACC lookups", "ASKER>HOLDER"),
        ("A>B: lookups, telepathy", "'telepathy' is not a term"),
        ("A>B: requests=ten/quarter", "needs a whole number"),
        ("A>B: requests=10/fortnight", "requests_period must be one of"),
        ("A>B: k=0", "statistics_k must be between 1 and 100"),
        ("A>B: request_fields=goods+dna", "dna is not one of"),
    ):
        with pytest.raises(InvalidInput, match=says):
            parse_terms(bad)


def test_periods_are_named_and_read_back() -> None:
    assert period_of(dt.date(2025, 8, 1), "half-year") == (
        "2025-H2",
        dt.date(2025, 7, 1),
        dt.date(2025, 12, 31),
    )
    assert period_of(dt.date(2025, 2, 28), "quarter")[0] == "2025-Q1"
    assert period_of(dt.date(2024, 12, 5), "month") == (
        "2024-12",
        dt.date(2024, 12, 1),
        dt.date(2024, 12, 31),
    )
    assert parse_period("2025-h1") == (
        "2025-H1",
        "half-year",
        dt.date(2025, 1, 1),
        dt.date(2025, 6, 30),
    )
    assert parse_period("2025")[1:] == ("year", dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    for bad in ("2025-H3", "2025-13", "last half"):
        with pytest.raises(InvalidInput):
            parse_period(bad)


def test_an_agreement_is_set_replaced_listed_and_ended(store: GraphStore) -> None:
    made = set_agreement(
        store,
        name="CBP-GACC  IPR memorandum",
        agencies=("us-cbp", "CN-GACC"),
        terms=parse_terms("US-CBP<>CN-GACC: statistics, requests=10/quarter"),
        contacts={"US-CBP": "IPR Branch"},
        valid_from=dt.date(2020, 1, 1),
    )
    assert made.id == "agr:cbp-gacc-ipr-memorandum" and made.name == "CBP-GACC IPR memorandum"
    assert made.agencies == ("CN-GACC", "US-CBP") and made.active(TODAY)
    again = set_agreement(
        store,
        name="CBP-GACC IPR memorandum",
        agencies=("CN-GACC", "US-CBP"),
        terms=parse_terms("US-CBP<>CN-GACC: statistics, requests=12/quarter, lookups"),
        contacts={},
        valid_from=dt.date(2020, 1, 1),
        valid_to=dt.date(2030, 12, 31),
    )
    assert again.terms_for("US-CBP", "CN-GACC") == Terms(
        statistics=True, requests_quota=12, lookups=True
    )
    assert len(get_agreement(store, made.id).history) == 1
    assert [a.id for a in list_agreements(store, "US-CBP")] == [made.id]
    assert list_agreements(store, "MO-CS") == []
    ended = end_agreement(store, "CBP-GACC IPR memorandum", dt.date(2025, 1, 1))
    assert ended.ended_at == "2025-01-01" and not ended.active(TODAY)
    with pytest.raises(Conflict, match="ended on 2025-01-01"):
        end_agreement(store, made.id)
    with pytest.raises(NotFound):
        get_agreement(store, "no such agreement")
    for agencies, terms, says in (
        (("US-CBP", "US-CBP"), "US-CBP<>CN-GACC: lookups", "two different agencies"),
        (("US-CBP", "CN-GACC"), "HK-CED>CN-GACC: lookups", "must be between"),
        (("US-CBP", "NOT-AN-AGENCY"), "US-CBP>NOT-AN-AGENCY: lookups", "NOT-AN-AGENCY"),
    ):
        with pytest.raises(InvalidInput, match=says):
            set_agreement(
                store,
                name="bad",
                agencies=agencies,
                terms=parse_terms(terms),
                contacts={},
                valid_from=dt.date(2020, 1, 1),
            )
    with pytest.raises(Conflict, match="keeps its two agencies"):
        set_agreement(
            store,
            name="CBP-GACC IPR memorandum",
            agencies=("HK-CED", "CN-GACC"),
            terms={},
            contacts={},
            valid_from=dt.date(2020, 1, 1),
        )


# --- hit/no-hit lookups ------------------------------------------------------------------


def test_a_partner_sees_what_its_agency_may_see_and_only_that_an_amber_record_is_held(
    world: GraphStore,
) -> None:
    # Visible to every agency: a hit with the record, under another spelling.
    found = _lookup(world, GACC, QueryParty("SHENZHEN HUAXIN TRADING CO LTD", "CN"))
    assert found.hit and not found.held
    [match] = found.matches
    assert [r.record_id for r in match.records] == ["OPEN-1"] and match.records_total == 1
    # In Chinese too.
    script = _lookup(world, GACC, QueryParty("深圳华信贸易有限公司", "CN"))
    assert [m.candidate.party_id for m in script.matches] == [match.candidate.party_id]
    # AMBER, not released to GACC: who holds it, the reference and the contact, nothing
    # else (no match, name, score or record), under another spelling too.
    for query in (
        QueryParty("Dongguan Bright Star Footwear Co., Ltd.", "CN"),
        QueryParty("DONGGUAN BRIGHTSTAR FOOTWEAR CO LTD", "CN"),
        QueryParty("Bright Star Footwear (Dongguan) Limited", "CN", phone="+86 769 2233 4455"),
        # The record in traditional characters, asked in simplified and in pinyin.
        QueryParty("东莞明星鞋业有限公司", "CN"),
        QueryParty("Dongguan Mingxing Xieye Co Ltd", "CN"),
    ):
        held = _lookup(world, GACC, query)
        assert held.hit and held.matches == [], query
        [holder] = held.held
        assert (holder.agency, holder.contact) == ("HK-CED", "IP Investigation Bureau, desk 3")
        assert holder.reference.startswith("ref-") and "HELD" not in holder.reference
    # AMBER+STRICT and RED: no hit at all, exactly as for a name nobody holds.
    for query in (
        QueryParty(STRICT["name"], "CN"),
        QueryParty(SECRET["name"], "CN"),
        QueryParty("Ningbo Quiet Harbour Lamps Co., Ltd.", "CN"),
    ):
        missed = _lookup(world, GACC, query)
        assert not missed.hit and missed.matches == [] and missed.held == [], query
    # CBP, to which the AMBER record is releasable, sees it as a match.
    cbp = _lookup(world, CBP_ANALYST, QueryParty(HELD["name"], "CN"))
    assert [r.record_id for m in cbp.matches for r in m.records] == ["HELD-1"]


def test_migrate_gives_a_reference_to_seizures_an_earlier_version_loaded(
    world: GraphStore,
) -> None:
    """The loader gives each record a reference when it first loads it; a seizure an
    earlier version loaded has none, and is never answered "held by" until `iprgraph
    db migrate` (`give_references`) gives it one."""
    assert give_references(world) == 0
    query = QueryParty(HELD["name"], "CN")
    before = _lookup(world, GACC, query).held
    # A graph loaded before references existed (test set-up: the shape it had).
    world.write(
        "MATCH (s:Seizure) WHERE s.id IN $ids REMOVE s.reference",
        ids=["HK-CED:HELD-1", "HK-CED:HELD-2"],
    )
    assert _lookup(world, GACC, query).held == []
    assert give_references(world, batch=1) == 2
    [after] = _lookup(world, GACC, query).held
    assert after.agency == "HK-CED" and after.reference != before[0].reference
    assert give_references(world) == 0


def test_no_held_hit_without_an_agreement_in_force_that_allows_lookups(
    world: GraphStore,
) -> None:
    query = QueryParty(HELD["name"], "CN")
    assert not _lookup(world, MACAO, query).hit
    before = _lookup(world, GACC, query, today=dt.date(2023, 12, 31))
    assert not before.hit
    set_agreement(
        world,
        name="HK-Guangdong intelligence exchange",
        agencies=("HK-CED", "CN-GACC"),
        terms=parse_terms("HK-CED<>CN-GACC: requests=2/quarter"),
        contacts={},
        valid_from=dt.date(2024, 1, 1),
    )
    assert not _lookup(world, GACC, query).hit
    # One way only: Hong Kong may look GACC up, GACC not Hong Kong.
    set_agreement(
        world,
        name="HK-Guangdong intelligence exchange",
        agencies=("HK-CED", "CN-GACC"),
        terms=parse_terms("HK-CED>CN-GACC: lookups"),
        contacts={},
        valid_from=dt.date(2024, 1, 1),
    )
    assert not _lookup(world, GACC, query).hit


# --- detailed requests -------------------------------------------------------------------


def _reference(store: GraphStore) -> str:
    [holder] = _lookup(store, GACC, QueryParty(HELD["name"], "CN")).held
    return str(holder.reference)


def test_the_eleventh_request_of_a_quarter_is_refused_and_the_next_quarter_starts_afresh(
    world: GraphStore,
) -> None:
    reference = _reference(world)
    first = file_request(world, GACC, reference, reason="case OP-1", today=TODAY)
    assert (first.status, first.holder, first.period, first.seizure) == (
        "pending",
        "HK-CED",
        "2025-Q3",
        None,
    )
    assert first.quota == {"used": 1, "of": 10, "period": "2025-Q3"}
    # Sent again with its idempotency key: the same request, counted once.
    keyed = file_request(world, GACC, reference, idempotency_key="k-1", today=TODAY)
    assert file_request(world, GACC, reference, idempotency_key="k-1", today=TODAY).id == keyed.id
    # A key is the principal's own: another desk's "k-1" is another request.
    other = file_request(world, GACC_2, reference, idempotency_key="k-1", today=TODAY)
    assert other.id != keyed.id and other.quota["used"] == 3
    for _ in range(7):
        last = file_request(world, GACC, reference, today=dt.date(2025, 9, 30))
    assert last.quota == {"used": 10, "of": 10, "period": "2025-Q3"}
    with pytest.raises(QuotaExhausted) as refused:
        file_request(world, GACC, reference, today=TODAY)
    assert refused.value.resets == dt.date(2025, 10, 1)
    assert "quota of 10 detailed requests a quarter" in refused.value.message
    assert refused.value.retry_after_s >= 1
    # Nor with a fresh key: the quota counts requests, not keys.
    with pytest.raises(QuotaExhausted):
        file_request(world, GACC, reference, idempotency_key="k-2", today=TODAY)
    nxt = file_request(world, GACC, reference, today=dt.date(2025, 10, 1))
    assert nxt.period == "2025-Q4" and nxt.quota["used"] == 1
    # The holder sees which seizure; the requester never does.
    incoming = list_requests(world, HK_ANALYST, incoming=True)
    assert {r.seizure for r in incoming} == {"HK-CED:HELD-1"} and len(incoming) == 11
    assert {r.seizure for r in list_requests(world, GACC)} == {None}
    with pytest.raises(NotFound):
        file_request(world, GACC, "ref-0000000000", today=TODAY)
    with pytest.raises(NotAllowed):
        file_request(world, MACAO, reference, today=TODAY)


def test_requests_filed_at_once_for_the_last_place_admit_exactly_one(
    world: GraphStore,
) -> None:
    reference = _reference(world)
    for _ in range(9):
        file_request(world, GACC, reference, today=TODAY)
    outcomes: list[str] = []
    lock = threading.Lock()

    def ask(n: int) -> None:
        viewer = Viewer("CN-GACC", role=Role.PARTNER, principal=f"prn:desk{n}")
        try:
            file_request(world, viewer, reference, today=TODAY)
            result = "filed"
        except QuotaExhausted:
            result = "refused"
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=ask, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["filed"] + ["refused"] * 5
    assert len(list_requests(world, HK_ANALYST, incoming=True)) == 10


def test_an_approval_releases_that_one_record_and_a_denial_nothing(world: GraphStore) -> None:
    reference = _reference(world)
    denied = file_request(world, GACC, reference, today=TODAY)
    asked = file_request(world, GACC, reference, today=TODAY)
    with pytest.raises(NotAllowed, match="Only HK-CED"):
        decide_request(world, GACC, asked.id, approve=True, reason="self-service")
    with pytest.raises(InvalidInput, match="reason"):
        decide_request(world, HK_ANALYST, asked.id, approve=True, reason=" ")
    no = decide_request(world, HK_ANALYST, denied.id, approve=False, reason="ongoing operation")
    assert no.status == "denied" and no.decision_reason == "ongoing operation"
    with pytest.raises(NotFound):
        get_seizure(world, GACC, "HK-CED:HELD-1")
    cells_before = stats_cells.kept(world)
    yes = decide_request(world, HK_ANALYST, asked.id, approve=True, reason="joint case")
    assert (yes.status, yes.decided_by) == ("approved", "prn:hk")
    with pytest.raises(Conflict, match="was approved"):
        decide_request(world, HK_ANALYST, asked.id, approve=False, reason="changed my mind")
    # GACC sees the record from now on, and the request shows the agreed fields;
    # the kept statistics moved it to the cells of its new tokens.
    assert stats_cells.kept(world) == stats_cells.recomputed(world) != cells_before
    seen = get_seizure(world, GACC, "HK-CED:HELD-1")
    assert seen.parties.shipper is not None
    shown = get_request(world, GACC, asked.id)
    assert shown.record is not None and shown.record["record_id"] == "HELD-1"
    assert shown.record["handling"]["tlp"] == "AMBER"  # the marking is never rewritten
    assert {"goods", "value", "shipper", "containers"} <= set(shown.record)
    assert get_request(world, GACC, denied.id).record is None
    # A lookup now answers with the record as a match, not as held.
    now = _lookup(world, GACC, QueryParty(HELD["name"], "CN"))
    assert [r.record_id for m in now.matches for r in m.records] == ["HELD-1"]
    assert now.held == []
    # Macao, not party to the request, still sees nothing of it.
    with pytest.raises(NotFound):
        get_seizure(world, MACAO, "HK-CED:HELD-1")
    with pytest.raises(NotFound):
        get_request(world, MACAO, asked.id)


# --- exchange statistics -----------------------------------------------------------------


def _cbp_seizure(n: int, date: str, **extra: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "record_id": f"CBP-{n}",
        "agency": "US-CBP",
        "seizure_date": date,
        "origin_country": "CN",
        "destination_country": "US",
        "transport_mode": "sea",
        "port_of_loading": "CNYTN",
        "transit_ports": ["HKHKG"],
        "value": {"amount": 1000, "currency": "USD"},
        "goods": [{"description": "handbags", "quantity": 10, "unit": "pieces"}],
        "handling": {"tlp": "GREEN", "releasable_to": []},
    }
    return seizure_record(**{**fields, **extra})


def _memorandum(store: GraphStore, k: int = 3) -> None:
    set_agreement(
        store,
        name="CBP-GACC IPR memorandum",
        agencies=("US-CBP", "CN-GACC"),
        terms=parse_terms(f"US-CBP<>CN-GACC: statistics=half-year, k={k}, requests=10/quarter"),
        contacts={},
        valid_from=dt.date(2020, 1, 1),
    )


def test_the_memorandum_table_counts_units_apart_and_suppresses_small_cells(
    store: GraphStore, tmp_path: Path
) -> None:
    pairs = [{"description": "sneakers", "quantity": 4, "unit": "pairs"}]
    records = [_cbp_seizure(n, f"2025-0{7 + n % 3}-1{n}") for n in range(5)]
    records += [_cbp_seizure(10 + n, "2025-09-02", goods=pairs) for n in range(2)]
    records += [_cbp_seizure(20 + n, "2025-10-02", transport_mode="air") for n in range(2)]
    records += [
        _cbp_seizure(30, "2025-11-02", handling={"tlp": "RED", "releasable_to": []}),
        _cbp_seizure(31, "2025-11-03", origin_country="VN", destination_country="US"),
        _cbp_seizure(32, "2025-11-04", origin_country="US", destination_country="CN"),
        _cbp_seizure(33, "2024-11-04"),
    ]
    load_records(store, tmp_path, records)
    _memorandum(store)
    ask = StatisticsAsk(partner="CN", date_from=dt.date(2025, 7, 1), date_to=dt.date(2025, 12, 31))
    table, agreement = statistics_for(store, CBP_ANALYST, ask, today=TODAY)
    assert agreement.name == "CBP-GACC IPR memorandum"
    assert (table.reporting, table.partner, table.period, table.k) == (
        "US-CBP",
        "CN",
        "half-year",
        3,
    )
    [originating, destined] = table.rows
    # 9 seizures from CN in 2025-H2 (not the RED one, not VN's, not 2024's).
    assert (originating.period, originating.direction, originating.seizures) == (
        "2025-H2",
        "originating",
        9,
    )
    # Pieces and pairs are never added: the pairs rest on 2 seizures, under k, so
    # they are suppressed, and the next smallest unit with them.
    assert originating.quantity == {"pairs": None, "pieces": None}
    assert {"quantity pairs", "quantity pieces"} <= set(originating.suppressed)
    assert originating.transport_modes == {"air": None, "sea": None}
    assert originating.value_usd == 9000.0
    assert originating.ports and originating.ports[0][1] >= 3
    # One seizure destined for CN: the whole row is suppressed.
    assert (destined.seizures, destined.suppressed) == (None, ["row"])
    # Totals add only what is shown: the suppressed row cannot be subtracted out.
    assert table.totals.seizures == 9 and table.totals.value_usd == 9000.0
    csv_text = table_csv(table)
    assert csv_text.startswith("\ufeff") and "\r\n" in csv_text
    header, *rows = csv.reader(io.StringIO(csv_text.lstrip("\ufeff")))
    assert header[:5] == [
        "period",
        "direction",
        "seizures",
        "quantity (pairs)",
        "quantity (pieces)",
    ]
    assert rows[0][:6] == [
        "2025-H2",
        "originating in CN",
        "9",
        "suppressed",
        "suppressed",
        "9000.0",
    ]
    assert rows[1][:3] == ["2025-H2", "destined for CN", "suppressed"]
    assert rows[2][:3] == ["total", "total of the figures shown", "9"]
    assert len(rows) == 3


def test_every_period_is_a_row_and_no_suppressed_figure_is_a_difference(
    store: GraphStore, tmp_path: Path
) -> None:
    """Over a year by half-years: each half-year's rows and the year's totals. Every
    figure withheld in one table stays withheld from every combination of the
    figures shown (the totals are sums of shown cells only)."""
    records = [_cbp_seizure(n, "2025-03-0" + str(1 + n)) for n in range(4)]
    records += [_cbp_seizure(10 + n, "2025-08-0" + str(1 + n)) for n in range(2)]
    load_records(store, tmp_path, records)
    _memorandum(store)
    ask = StatisticsAsk(
        partner="CN-GACC", date_from=dt.date(2025, 1, 1), date_to=dt.date(2025, 12, 31)
    )
    table, _ = statistics_for(store, CBP_ANALYST, ask, today=dt.date(2026, 1, 15))
    assert [(r.period, r.direction, r.seizures) for r in table.rows] == [
        ("2025-H1", "originating", 4),
        ("2025-H1", "destined", 0),
        ("2025-H2", "originating", None),
        ("2025-H2", "destined", 0),
    ]
    shown = [r.seizures for r in table.rows if r.seizures is not None]
    assert table.totals.seizures == sum(shown) == 4
    # Nothing of the table gives the 2 seizures of 2025-H2 away.
    assert "2" not in {str(value) for value in (table.totals.seizures, *shown)}
    # By default the last complete half-year; a range that is not whole half-years, or
    # another granularity, is refused (it would give suppressed figures away).
    default, _ = statistics_for(store, CBP_ANALYST, StatisticsAsk("CN"), today=dt.date(2025, 9, 1))
    assert (default.date_from, default.date_to) == (dt.date(2025, 1, 1), dt.date(2025, 6, 30))
    for bad, says in (
        (StatisticsAsk("CN", date_from=dt.date(2025, 2, 1)), "first day of a half-year"),
        (StatisticsAsk("CN", date_to=dt.date(2025, 5, 31)), "last day of a half-year"),
        (StatisticsAsk("CN", period="quarter"), "by half-year, not by quarter"),
        (StatisticsAsk("CN", direction="sideways"), "outgoing or incoming"),
    ):
        with pytest.raises(InvalidInput, match=says):
            statistics_for(store, CBP_ANALYST, bad, today=TODAY)


def test_statistics_need_an_agreement_for_that_direction(store: GraphStore, tmp_path: Path) -> None:
    load_records(store, tmp_path, [_cbp_seizure(n, "2025-03-01") for n in range(3)])
    ask = StatisticsAsk("CN")
    with pytest.raises(NotAllowed, match="No agreement in force lets CN to ask US-CBP"):
        statistics_for(store, CBP_ANALYST, ask, today=TODAY)
    set_agreement(
        store,
        name="one way",
        agencies=("US-CBP", "CN-GACC"),
        terms=parse_terms("US-CBP>CN-GACC: statistics"),
        contacts={},
        valid_from=dt.date(2020, 1, 1),
    )
    # CBP may ask GACC, so GACC's table comes in; GACC may not ask CBP for CBP's.
    gacc_analyst = Viewer("CN-GACC", role=Role.ANALYST, principal="prn:g")
    with pytest.raises(NotAllowed):
        statistics_for(store, gacc_analyst, StatisticsAsk("US", direction="incoming"), today=TODAY)
    incoming, _ = statistics_for(
        store, CBP_ANALYST, StatisticsAsk("CN", direction="incoming"), today=TODAY
    )
    assert incoming.reporting == "CN-GACC" and incoming.partner == "US"
    outgoing, _ = statistics_for(store, gacc_analyst, StatisticsAsk("US"), today=TODAY)
    assert outgoing.reporting == "CN-GACC"
    # And CBP's own table stays CBP's to send to nobody.
    with pytest.raises(NotAllowed):
        statistics_for(store, CBP_ANALYST, ask, today=TODAY)


_MODES = ("sea", "air", "road", "rail", "post")


@st.composite
def seizure_items(draw: st.DrawFn) -> tuple[list[list[Any]], int]:
    """Seizures packed as the statistics query gives them, over 2025, and a k."""
    items = []
    for n in range(draw(st.integers(0, 40))):
        day = dt.date(2025, 1, 1) + dt.timedelta(days=draw(st.integers(0, 364)))
        originating = draw(st.booleans())
        units = draw(
            st.lists(st.sampled_from(["pieces", "PCS", "pairs", "prs", "kg", "KGS"]), max_size=2)
        )
        items.append(
            [
                f"S-{n}",
                day.isoformat(),
                originating,
                not originating or draw(st.booleans()),
                draw(st.sampled_from(_MODES)),
                [draw(st.integers(1, 500)) for _ in units],
                units,
                float(draw(st.integers(0, 10_000))),
                "USD",
                1.0,
                None,
                draw(st.lists(st.sampled_from(["CNYTN", "HKHKG", "SGSIN"]), max_size=2)),
            ]
        )
    return items, draw(st.integers(2, 5))


@settings(max_examples=300, deadline=None)
@given(seizure_items())
def test_no_suppressed_figure_can_be_worked_out_from_what_is_shown(
    drawn: tuple[list[list[Any]], int],
) -> None:
    """An attacker holding the table tries: a row's transport modes add up to its
    seizures, so the suppressed modes add up to the row's figure less the modes
    shown; each suppressed figure is at least 1. One suppressed mode, or suppressed
    modes adding up to one each, would give them away; so would totals that add in
    a suppressed row."""
    items, k = drawn
    table = tabulate(
        items,
        reporting="US-CBP",
        partner="CN",
        date_from=dt.date(2025, 1, 1),
        date_to=dt.date(2025, 12, 31),
        period="quarter",
        k=k,
        fields=("seizures", "quantity", "value", "transport_mode", "ports"),
    )
    assert [(r.period, r.direction) for r in table.rows] == [
        (f"2025-Q{q}", d) for q in range(1, 5) for d in ("originating", "destined")
    ]
    shown_rows = [r for r in table.rows if r.seizures is not None]
    for row in table.rows:
        truth = [
            item
            for item in items
            if period_of(dt.date.fromisoformat(item[1]), "quarter")[0] == row.period
            and item[2 if row.direction == "originating" else 3]
        ]
        if row.seizures is None:
            assert 0 < len(truth) < k and row.suppressed == ["row"]
            assert not row.quantity and not row.transport_modes and row.value_usd is None
            continue
        assert row.seizures == len(truth)
        hidden = [mode for mode, n in row.transport_modes.items() if n is None]
        if hidden:
            rest = row.seizures - sum(n for n in row.transport_modes.values() if n is not None)
            assert len(hidden) >= 2 and rest > len(hidden) and rest >= k, row
        elif "transport_mode" not in row.suppressed:
            assert sum(row.transport_modes.values()) == row.seizures  # type: ignore[arg-type]
        for mode, n in row.transport_modes.items():
            assert n is None or n >= k, (mode, n)
        assert all(n >= k for _, n in row.ports)
    # Units in one spelling each: PCS are pieces, never a unit of their own.
    assert {u for r in table.rows for u in r.quantity} <= {"pieces", "pairs", "kg"}
    totals = table.totals
    assert totals.seizures == sum(r.seizures or 0 for r in shown_rows)
    for mode, n in totals.transport_modes.items():
        assert n == sum(r.transport_modes.get(mode) or 0 for r in shown_rows)
    for unit, quantity in totals.quantity.items():
        assert quantity == pytest.approx(sum(r.quantity.get(unit) or 0 for r in shown_rows))
