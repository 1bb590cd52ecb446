"""Every CSV iprgraph writes neutralises the cells a spreadsheet would run as
formulas (OWASP's "CSV Injection"): the quarantine report of `iprgraph ingest`, the
i2 export of `iprgraph export`, and the statistics of `GET /v1/stats/seizures`,
each written by the real command or route from records whose text starts with
`=`, `+`, `-`, `@`, a tab or a carriage return."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api.app import create_app
from graph.config import Settings
from graph.store import GraphStore
from ingest.csvsafe import FORMULA_STARTS
from tests.factories import seizure_record, write_ndjson
from tests.helpers import auth, cli_key, run_cli, serve_in_thread

SHIPPER = '=HYPERLINK("http://example.invalid/x","open me")'
MARK = "@SUM(1+1)"
HOLDER = "+Evil Holdings"
BAD_LINE = "=cmd|' /C calc'!A0"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    data = tmp_path_factory.mktemp("csv")
    good = seizure_record(
        record_id="CSV-1",
        handling={"tlp": "GREEN"},
        shipper={"name": SHIPPER, "country": "US"},
        trademarks=[{"mark": MARK, "rights_holder": HOLDER}],
    )
    # Quarantined: a line that is no JSON, kept in the report's `raw` cell as it came.
    feed = write_ndjson(data / "hostile.ndjson", [json.dumps(good), BAD_LINE])
    try:
        ingested = run_cli("ingest", str(feed), "--json", data_dir=data, timeout=600)
        # Exit status 1: a row was quarantined, as meant.
        assert '"quarantined": 1' in ingested.stdout, (ingested.stdout, ingested.stderr)
        yield data
    finally:
        run_cli("db", "stop", data_dir=data)


def _cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def _neutralised(text: str, *expected: str) -> None:
    cells = _cells(text)
    for cell in cells:
        assert not cell.startswith(FORMULA_STARTS), cell
    for value in expected:
        assert "'" + value in cells, (value, cells)


def test_the_quarantine_report_of_ingest(data_dir: Path) -> None:
    [report] = (data_dir / "quarantine").glob("*.csv")
    _neutralised(report.read_text("utf-8"), BAD_LINE)


def test_the_i2_export_of_the_cli(data_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "i2"
    exported = run_cli(
        "export",
        str(folder),
        "--format",
        "i2",
        "--neighbourhood",
        "HK-CED:CSV-1",
        data_dir=data_dir,
    )
    assert exported.returncode == 0, exported.stderr
    _neutralised((folder / "entities.csv").read_text("utf-8-sig"), SHIPPER)
    _neutralised((folder / "links.csv").read_text("utf-8-sig"))


def test_the_statistics_of_the_api(data_dir: Path) -> None:
    settings = Settings(data_dir=data_dir)
    key = cli_key(data_dir, agency="US-CBP")
    with (
        GraphStore.open(settings) as store,
        serve_in_thread(create_app(settings, store=store)) as base_url,
    ):
        answer = httpx.get(
            f"{base_url}/v1/stats/seizures",
            params={"group_by": "trademark", "format": "csv"},
            headers=auth(key),
            timeout=60,
        )
    assert answer.status_code == 200, answer.text
    _neutralised(answer.text, MARK)
