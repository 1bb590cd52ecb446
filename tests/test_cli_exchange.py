"""`iprgraph agreements` and `iprgraph exchange statistics`, run as processes: an
operator sets the CBP-GACC memorandum, writes the half-year's file to send, ends the
agreement; every change is in the audit, and the chain holds."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from api.audit import entries
from tests.factories import seizure_record, write_ndjson
from tests.helpers import run_cli


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("cli-exchange") / "data"
    yield path
    run_cli("db", "stop", data_dir=path)


def test_an_operator_sets_shows_uses_and_ends_an_agreement(data_dir: Path, tmp_path: Path) -> None:
    records = [
        seizure_record(
            record_id=f"CBP-{n}",
            agency="US-CBP",
            seizure_date=f"2025-0{2 + n}-10",
            origin_country="CN",
            destination_country="US",
            value={"amount": 1000, "currency": "USD"},
            goods=[{"description": "=cmd|' /C calc'!A0", "quantity": 3, "unit": "pairs"}],
            handling={"tlp": "GREEN", "releasable_to": []},
        )
        for n in range(3)
    ]
    loaded = run_cli(
        "ingest", str(write_ndjson(tmp_path / "cbp.ndjson", records)), data_dir=data_dir
    )
    assert loaded.returncode == 0, loaded.stderr
    made = run_cli(
        "agreements",
        "set",
        "--name",
        "CBP-GACC IPR memorandum",
        "--agency",
        "US-CBP",
        "--agency",
        "CN-GACC",
        "--terms",
        "US-CBP<>CN-GACC: statistics=half-year, k=3, requests=10/quarter, lookups",
        "--from",
        "2020-01-01",
        "--contact",
        "US-CBP=IPR Branch, Office of Trade",
        "--json",
        data_dir=data_dir,
    )
    assert made.returncode == 0, made.stderr
    agreement = json.loads(made.stdout)
    assert agreement["id"] == "agr:cbp-gacc-ipr-memorandum"
    assert agreement["terms"]["US-CBP>CN-GACC"]["requests_quota"] == 10
    assert agreement["contacts"] == {"US-CBP": "IPR Branch, Office of Trade"}

    shown = run_cli("agreements", "show", "CBP-GACC IPR memorandum", data_dir=data_dir)
    assert shown.returncode == 0, shown.stderr
    text = " ".join(shown.stdout.split())
    assert "US-CBP may ask CN-GACC for: statistics by half-year" in text
    assert "10 detailed requests a quarter" in text and "hit/no-hit lookups" in text
    listed = run_cli("agreements", "list", "--agency", "CN-GACC", "--json", data_dir=data_dir)
    assert [a["name"] for a in json.loads(listed.stdout)] == ["CBP-GACC IPR memorandum"]

    bad = run_cli(
        "agreements",
        "set",
        "--name",
        "x",
        "--agency",
        "US-CBP",
        "--agency",
        "CN-GACC",
        "--terms",
        "US-CBP>CN-GACC: telepathy",
        "--from",
        "2020-01-01",
        data_dir=data_dir,
    )
    assert bad.returncode == 1 and "'telepathy' is not a term" in bad.stderr
    assert "Traceback" not in bad.stderr

    sheet = tmp_path / "cbp-gacc-2025-H1.csv"
    written = run_cli(
        "exchange",
        "statistics",
        "--partner",
        "CN",
        "--period",
        "2025-H1",
        "--out",
        str(sheet),
        data_dir=data_dir,
    )
    assert written.returncode == 0, written.stderr
    assert "US-CBP's seizures about CN" in " ".join(written.stdout.split())
    raw = sheet.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    header, *rows = csv.reader(io.StringIO(raw.decode("utf-8-sig")))
    assert header[:4] == ["period", "direction", "seizures", "quantity (pairs)"]
    assert [row[:4] for row in rows] == [
        ["2025-H1", "originating in CN", "3", "9.0"],
        ["2025-H1", "destined for CN", "0", ""],
        ["total", "total of the figures shown", "3", "9.0"],
    ]
    wrong = run_cli(
        "exchange", "statistics", "--partner", "CN", "--period", "2025-Q1", data_dir=data_dir
    )
    assert wrong.returncode == 1 and "by half-year, not by quarter" in wrong.stderr

    ended = run_cli("agreements", "end", "agr:cbp-gacc-ipr-memorandum", data_dir=data_dir)
    assert ended.returncode == 0 and "Ended 'CBP-GACC IPR memorandum'" in ended.stdout
    after = run_cli(
        "exchange", "statistics", "--partner", "CN", "--period", "2025-H1", data_dir=data_dir
    )
    assert after.returncode == 1 and "no agency exchange statistics with CN" in after.stderr

    changes = [
        (e["method"], e["route"], e["status"], e["role"])
        for _, e in entries(data_dir / "audit")
        if e is not None
    ]
    assert changes == [
        ("CLI", "agreements set", 200, "operator"),
        ("CLI", "agreements set", 422, "operator"),
        ("CLI", "exchange statistics", 200, "operator"),
        ("CLI", "exchange statistics", 422, "operator"),
        ("CLI", "agreements end", 200, "operator"),
        ("CLI", "exchange statistics", 422, "operator"),
    ]
    migrated = run_cli("db", "migrate", data_dir=data_dir)
    assert migrated.returncode == 0 and "0 seizures were given a reference" in migrated.stdout
    verified = run_cli("audit", "verify", "--json", data_dir=data_dir)
    assert json.loads(verified.stdout)["intact"] is True
