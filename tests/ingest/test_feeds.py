"""Agency layouts through their profiles: generated feeds end to end, and bad input."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from graph.access import OPERATOR
from graph.load import Loader
from graph.store import GraphStore
from graph.summary import summarise
from ingest.feed import reason_kind
from ingest.generate import generate
from ingest.manifest import read_manifest
from ingest.profile import Profile, ProfileError, read_tabular


@pytest.fixture(scope="module")
def feeds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    out = tmp_path_factory.mktemp("feeds")
    generate(600, 11, out)
    yield out


def test_generated_feeds_load_with_every_row_accounted_for(
    feeds: Path, store: GraphStore, tmp_path: Path
) -> None:
    truth = json.loads((feeds / "truth.json").read_text())
    planted: dict[str, set[int]] = defaultdict(set)
    for defect in truth["malformed"]:
        planted[defect["file"]].add(defect["line"])

    loader = Loader(store, tmp_path / "quarantine")
    first = {}
    for feed in read_manifest(feeds):
        report = loader.load_file(feed.path, feed.profile, agency=feed.agency)
        first[feed.path.name] = report
        assert report.balanced, report
        quarantined = set()
        if report.quarantine_file:
            for line in Path(report.quarantine_file).read_text().splitlines():
                quarantined.add(json.loads(line)["line"])
        # Exactly the rows the generator broke on purpose, no others.
        assert quarantined == planted[feed.path.name], feed.path.name

    assert (
        sum(r.loaded for r in first.values()) + sum(len(v) for v in planted.values())
        == (truth["records"])
    )
    before = summarise(store, OPERATOR)
    for feed in read_manifest(feeds):
        again = loader.load_file(feed.path, feed.profile, agency=feed.agency)
        assert (again.loaded, again.unchanged) == (0, first[feed.path.name].loaded)
    assert summarise(store, OPERATOR) == before


def test_gb18030_is_read_when_declared_and_when_detected(feeds: Path, tmp_path: Path) -> None:
    declared = Profile.load(feeds / "profiles" / "cn-gacc-csv.yaml")
    undeclared = declared.model_copy(update={"encoding": None})
    rows = [r for r in read_tabular(feeds / "cn-gacc.csv", declared) if r.data]
    detected = [r for r in read_tabular(feeds / "cn-gacc.csv", undeclared) if r.data]
    assert rows == detected
    assert any("有限公司" in json.dumps(r.data, ensure_ascii=False) for r in rows)


def _csv_profile(tmp_path: Path, **overrides: object) -> Profile:
    data = {
        "name": "test-csv",
        "format": "csv",
        "encoding": "utf-8",
        "date_format": ["%d/%m/%Y"],
        "fixed": {"agency": "HK-CED"},
        "columns": {
            "record_id": "Case",
            "seizure_date": "Date",
            "port_of_seizure": "Port",
            "transport_mode": "Mode",
            "value.amount": "Value",
            "value.currency": "Ccy",
            "shipper.name": "Shipper",
        },
    }
    data.update(overrides)
    path = tmp_path / "profile.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return Profile.load(path)


def test_bad_rows_in_a_csv_are_each_accounted_for(store: GraphStore, tmp_path: Path) -> None:
    profile = _csv_profile(tmp_path)
    lines = [
        b"Case,Date,Port,Mode,Value,Ccy,Shipper",
        b"A1,23/08/2024,HKHKG,sea,1000,HKD,Huaxin Trading Ltd",  # good
        b"A2,23/08/2024,HKHKG",  # truncated
        b"A3,31/02/2024,HKHKG,sea,1000,HKD,X",  # no such date
        b"A4,23/08/2024,HKHKG,sea,about 5k,HKD,X",  # not a number
        b"A5,23/08/2024,HK\x00HKG,sea,1000,HKD,X",  # NUL byte
        b"A6,23/08/2024,HKHKG,sea,1000,HKD,\xff\xfe broken",  # not UTF-8
        b",23/08/2024,HKHKG,sea,1000,HKD,X",  # no record id
        b"A8,23/08/2024,HKHKG,sea,1000,HKD," + b"x" * 100_000,  # giant field
        b"",
        b'A9,23/08/2024,HKHKG,sea,"1,250.50",HKD,"Quoted, Name Ltd"',  # good
    ]
    feed = tmp_path / "feed.csv"
    feed.write_bytes(b"\n".join(lines) + b"\n")
    report = Loader(store, tmp_path / "q").load_file(feed, profile)
    assert (report.read, report.loaded, report.quarantined) == (9, 2, 7)
    assert report.balanced
    assert report.quarantine_file is not None
    reasons = {
        entry["line"]: entry["reason"]
        for entry in map(json.loads, Path(report.quarantine_file).read_text().splitlines())
    }
    assert "3 cells but the header has 7" in reasons[3]
    assert "seizure_date" in reasons[4]
    assert "'about 5k' is not a number" in reasons[5]
    assert "NUL" in reasons[6]
    assert "not utf-8 text" in reasons[7]
    assert "record_id" in reasons[8]
    assert "shipper.name" in reasons[9]
    # The summary counts rejections by kind, without line numbers or values.
    assert report.reasons == {
        "the row has N cells but the header has N": 1,
        "field 'seizure_date'": 1,
        "field 'value.amount'": 1,
        "line N contains NUL bytes": 1,
        "line N is not utf-8 text": 1,
        "required field 'record_id' is missing": 1,
        "field 'shipper.name'": 1,
    }
    assert reason_kind("line 20360 contains NUL bytes") == reason_kind(reasons[6])


def test_empty_file_is_a_failed_file_with_a_sentence(store: GraphStore, tmp_path: Path) -> None:
    feed = tmp_path / "empty.csv"
    feed.write_bytes(b"")
    report = Loader(store, tmp_path / "q").load_file(feed, _csv_profile(tmp_path))
    assert report.failed == f"{feed}: no header row 1 (the file is too short)"
    assert (report.read, report.loaded, report.quarantined) == (0, 0, 0)


def test_profile_errors_name_the_problem(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match=r"shiper\.name is not a canonical field"):
        _csv_profile(tmp_path, columns={"shiper.name": "Shipper"})
    with pytest.raises(ProfileError, match="not an encoding"):
        _csv_profile(tmp_path, encoding="klingon")
    with pytest.raises(ProfileError, match="no shipped profile"):
        Profile.load("no-such-profile")
    profile = _csv_profile(tmp_path)
    feed = tmp_path / "feed.csv"
    feed.write_text("Case,Date\nA1,23/08/2024\n", encoding="utf-8")
    with pytest.raises(ProfileError, match="no column 'Ccy', 'Mode'"):
        list(read_tabular(feed, profile))


def test_xlsx_formula_cells_are_quarantined(store: GraphStore, tmp_path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Case", "Date", "Port", "Mode", "Value", "Ccy", "Shipper"])
    sheet.append(["B1", "23/08/2024", "MOMFM", "road", 500, "MOP", "Golden Harbour Ltd"])
    sheet.append(['=HYPERLINK("http://x","B2")', "23/08/2024", "MOMFM", "road", 1, "MOP", "X"])
    sheet.append(["B3", "24/08/2024", "MOMFM", "road", 2, "MOP"])  # last cell empty: fine
    feed = tmp_path / "feed.xlsx"
    workbook.save(feed)
    profile = _csv_profile(tmp_path, format="xlsx", encoding=None)
    report = Loader(store, tmp_path / "q").load_file(feed, profile)
    assert (report.read, report.loaded, report.quarantined) == (3, 2, 1)
