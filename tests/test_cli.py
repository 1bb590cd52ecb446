"""The `iprgraph` command line, run as a process the way a person or script runs it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.factories import seizure_record, write_ndjson
from tests.helpers import run_cli


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("cli") / "data"
    yield path
    run_cli("db", "stop", data_dir=path)


def test_db_lifecycle_and_status_json(data_dir: Path) -> None:
    down = run_cli("db", "status", "--json", data_dir=data_dir)
    assert down.returncode == 3
    assert json.loads(down.stdout) == {
        "running": False,
        "uri": None,
        "nodes": None,
        "relationships": None,
    }

    started = run_cli("db", "start", data_dir=data_dir)
    assert started.returncode == 0, started.stderr
    assert "running at bolt://127.0.0.1:" in started.stdout

    up = run_cli("db", "status", "--json", data_dir=data_dir)
    assert up.returncode == 0, up.stderr
    status = json.loads(up.stdout)
    assert status["running"] is True
    assert status["uri"].startswith("bolt://127.0.0.1:")
    assert isinstance(status["nodes"], int)
    assert isinstance(status["relationships"], int)

    stopped = run_cli("db", "stop", data_dir=data_dir)
    assert stopped.returncode == 0
    assert "stopped" in stopped.stdout
    assert run_cli("db", "status", "--json", data_dir=data_dir).returncode == 3


def test_ingest_starts_the_server_on_demand_and_reports_json(
    data_dir: Path, tmp_path: Path
) -> None:
    run_cli("db", "stop", data_dir=data_dir)
    feed = write_ndjson(tmp_path / "feed.ndjson", [seizure_record(), "not json"])
    result = run_cli("ingest", str(feed), "--json", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    [report] = json.loads(result.stdout)["files"]
    assert (report["read"], report["loaded"], report["quarantined"]) == (2, 1, 1)
    assert Path(report["quarantine_file"]).parent == data_dir / "quarantine"

    again = run_cli("ingest", str(feed), "--json", data_dir=data_dir)
    [report] = json.loads(again.stdout)["files"]
    assert (report["loaded"], report["unchanged"], report["quarantined"]) == (0, 1, 1)


def test_demo_loads_the_examples(data_dir: Path) -> None:
    result = run_cli("demo", "--no-serve", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    assert "seizures.ndjson" in result.stdout
    assert "The web workspace: http://127.0.0.1:8000/" in result.stdout
    status = json.loads(run_cli("db", "status", "--json", data_dir=data_dir).stdout)
    assert status["nodes"] > 50


def test_errors_are_sentences_unless_debug(data_dir: Path) -> None:
    missing = run_cli("ingest", "no/such/file.ndjson", data_dir=data_dir)
    assert missing.returncode == 1
    assert missing.stderr.strip() == "error: no/such/file.ndjson: no such file or folder"
    assert "Traceback" not in missing.stderr

    bad = run_cli("db", "status", data_dir=data_dir, IPRGRAPH_NEO4J_URI="http://x:7474")
    assert bad.returncode == 1
    assert "IPRGRAPH_NEO4J_URI: must start with bolt:// or neo4j://" in bad.stderr
    assert "Traceback" not in bad.stderr

    debug = run_cli("--debug", "ingest", "no/such/file.ndjson", data_dir=data_dir)
    assert debug.returncode == 1
    assert "Traceback" in debug.stderr


def test_unreachable_external_neo4j_is_one_sentence(data_dir: Path) -> None:
    result = run_cli(
        "db",
        "status",
        "--json",
        data_dir=data_dir,
        IPRGRAPH_NEO4J_URI="bolt://127.0.0.1:1",
        IPRGRAPH_NEO4J_PASSWORD="x",
        IPRGRAPH_MAX_TRANSACTION_RETRY_TIME_S="0.5",
    )
    assert result.returncode == 3
    status = json.loads(result.stdout)
    assert status["running"] is False
    assert status["uri"] == "bolt://127.0.0.1:1"
    assert "cannot be reached" in status["reason"]


OFFICIAL_LOCODE_LIST = """\
,CN,,.CHINA,,,,,,,,
,CN,XYZ,Xiyazhen,Xiyazhen,44,RL,1-------,1601,,2233N 11406E,
"""


def test_load_locode_extends_port_resolution(data_dir: Path, tmp_path: Path) -> None:
    code_list = tmp_path / "code-list.csv"
    code_list.write_text(OFFICIAL_LOCODE_LIST, encoding="latin-1")
    before = write_ndjson(
        tmp_path / "a.ndjson", [seizure_record(record_id="LOC-0", port_of_loading="Xiyazhen")]
    )
    feed = write_ndjson(
        tmp_path / "x.ndjson", [seizure_record(record_id="LOC-1", port_of_loading="Xiyazhen")]
    )
    unknown = json.loads(run_cli("ingest", str(before), "--json", data_dir=data_dir).stdout)
    assert unknown["files"][0]["flagged"] == 1  # the port could not be resolved

    loaded = run_cli("reference", "load-locode", str(code_list), data_dir=data_dir)
    assert loaded.returncode == 0, loaded.stderr
    assert "Read 1 locations" in loaded.stdout
    result = run_cli("ingest", str(feed), "--json", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["files"][0]["flagged"] == 0
    exported = tmp_path / "out.ndjson"
    assert run_cli("export", str(exported), data_dir=data_dir).returncode == 0
    assert any('"record_id": "LOC-1"' in line for line in exported.read_text().splitlines())

    bad = run_cli("reference", "load-locode", str(feed), data_dir=data_dir)
    assert bad.returncode == 1
    assert "could not be read as a UN/LOCODE code list" in bad.stderr


def test_watches_and_alerts_at_the_command_line(data_dir: Path, tmp_path: Path) -> None:
    """An operator watches a mark for HK-CED; an ingest raises the alert; `alerts
    list` shows it to the operator and under HK-CED, and not under US-CBP, which may
    not see the record."""
    added = run_cli(
        "watches", "add", "--agency", "HK-CED", "--kind", "mark", "--value", "Cartier",
        data_dir=data_dir,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert "HK-CED watches mark tm:cartier" in added.stdout
    record = seizure_record(
        trademarks=[{"mark": "CARTIER", "rights_holder": "Richemont"}],
        handling={"tlp": "AMBER", "releasable_to": []},
    )
    feed = write_ndjson(tmp_path / "cartier.ndjson", [record])
    ingested = run_cli("ingest", str(feed), data_dir=data_dir)
    assert ingested.returncode == 0, ingested.stderr
    assert "Alerts: 1 raised for 1 agencies (1 watched-item)" in ingested.stdout
    listed = run_cli("alerts", "list", "--agency", "HK-CED", "--json", data_dir=data_dir)
    [alert] = json.loads(listed.stdout)["items"]
    assert alert["rule"] == "watched-item" and "mark Cartier" in alert["explanation"]
    assert record["record_id"] in alert["explanation"]
    table = run_cli("alerts", "list", data_dir=data_dir)
    assert "watched-item" in table.stdout and "HK-CED" in table.stdout
    other = run_cli("alerts", "list", "--agency", "US-CBP", data_dir=data_dir)
    assert other.returncode == 0 and "No alerts for US-CBP." in other.stdout
    watch_id = added.stdout.split(": ", 1)[0]
    removed = run_cli("watches", "remove", "--agency", "HK-CED", watch_id, data_dir=data_dir)
    assert removed.returncode == 0, removed.stderr
    assert "No watches." in run_cli("watches", "list", data_dir=data_dir).stdout
