"""The loader's memory stays under 1 GiB whatever a feed holds: `iprgraph ingest`
under an address-space limit of 1 GiB reads a workbook holding one cell of 200 MB
(205 KB on disk; it took ingest to 1.7 GB before), lines and a JSON item of 256 MB,
and a profile and a manifest that are YAML alias bombs, and reports each."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from graph.embedded import EmbeddedServer
from graph.store import GraphStore
from tests.factories import seizure_record
from tests.helpers import REPO, cli_env, cli_env_on
from tests.ingest.corpus import HEADER, profile, row
from tests.ingest.workbooks import huge_shared_string_xlsx

LIMIT_MIB = 1024
HUGE = 256 * 2**20

BOMB = "\n".join(
    ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    + [f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]" for i in range(12)]
)


def _write_huge_line(path: Path, head: bytes, filler: bytes, tail: bytes) -> None:
    """A file whose one line is HUGE bytes long, written a mebibyte at a time."""
    piece = filler * (2**20 // len(filler))
    with path.open("wb") as handle:
        handle.write(head)
        for _ in range(HUGE // len(piece)):
            handle.write(piece)
        handle.write(tail)


def _feeds(folder: Path) -> list[dict[str, Any]]:
    folder.mkdir()
    csv_profile = folder / "csv.yaml"
    csv_profile.write_text(yaml.safe_dump(profile("csv")), encoding="utf-8")
    xlsx_profile = folder / "xlsx.yaml"
    xlsx_profile.write_text(
        yaml.safe_dump(profile("xlsx", format="xlsx", encoding=None)), encoding="utf-8"
    )
    (folder / "bomb.yaml").write_text("name: bomb\nformat: csv\n" + BOMB, encoding="utf-8")
    huge_shared_string_xlsx(folder / "big-cell.xlsx", HEADER, row("MB1")[:-1], 200_000_000)
    good = json.dumps(seizure_record(record_id="MB2")).encode()
    other = json.dumps(seizure_record(record_id="MB5")).encode()
    _write_huge_line(
        folder / "line.ndjson", good + b'\n{"record_id": "', b"x", b'"}\n' + other + b"\n"
    )
    third = json.dumps(seizure_record(record_id="MB6")).encode()
    _write_huge_line(folder / "item.json", b"[" + third + b', {"case_ref": "', b"y", b'"}]')
    header = ",".join(HEADER).encode() + b"\n"
    _write_huge_line(
        folder / "line.csv", header + b"MB3,", b"z", b"\n" + ",".join(row("MB4")).encode() + b"\n"
    )
    feeds = [
        {"file": "big-cell.xlsx", "profile": "xlsx.yaml"},
        {"file": "line.ndjson"},
        {"file": "item.json"},
        {"file": "line.csv", "profile": "csv.yaml"},
        {"file": "line.csv", "profile": "bomb.yaml"},
    ]
    (folder / "manifest.yaml").write_text(yaml.safe_dump({"feeds": feeds}), encoding="utf-8")
    return feeds


@pytest.mark.timeout(600)
def test_ingest_stays_under_1_gib_whatever_the_feeds_hold(
    store: GraphStore, embedded_server: EmbeddedServer, tmp_path: Path
) -> None:
    folder = tmp_path / "feeds"
    _feeds(folder)
    bombed = tmp_path / "bombed"
    bombed.mkdir()
    (bombed / "manifest.yaml").write_text("feeds: []\n" + BOMB, encoding="utf-8")

    command = [sys.executable, "-m", "api.cli", "ingest", str(folder), str(bombed)]
    env = cli_env(tmp_path / "data", **cli_env_on(embedded_server, store.database))
    done = subprocess.run(
        [sys.executable, "-m", "tests.ingest.limited", str(LIMIT_MIB), "--", *command,
         "--json", "--no-resolve"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=540, check=True,
    )  # fmt: skip
    run = json.loads(done.stdout)
    assert "MemoryError" not in run["stderr"] and "Traceback" not in run["stderr"], run["stderr"]
    assert run["returncode"] == 4, run["stderr"]
    assert run["peak_mib"] < LIMIT_MIB
    reports = json.loads(run["stdout"])["files"]
    got = [(Path(r["file"]).name, r["read"], r["loaded"], r["quarantined"]) for r in reports]
    assert got == [
        ("big-cell.xlsx", 1, 0, 1),
        ("line.ndjson", 3, 2, 1),
        ("item.json", 2, 1, 1),
        ("line.csv", 2, 1, 1),
        ("line.csv", 0, 0, 0),
        ("manifest.yaml", 0, 0, 0),
    ]
    assert [r["failed"] is not None for r in reports] == [False] * 4 + [True] * 2
    assert "anchor or alias" in reports[4]["failed"] and "anchor or alias" in reports[5]["failed"]
    assert reports[0]["reasons"] == {"cell H2 holds N characters, more than N": 1}
    assert all(
        list(report["reasons"]) == ["line N is N bytes long, longer than N"]
        for report in reports[1:2]
    )
