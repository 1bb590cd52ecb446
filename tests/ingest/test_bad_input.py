"""The bad-input corpus (tests/ingest/corpus.py) through `iprgraph ingest` as a
process, in one run: no input ends the run, every file comes to what its case says,
every row is accounted for, and the run reaches the last file."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import pytest

from graph.embedded import EmbeddedServer
from graph.store import GraphStore
from ingest.feed import INTERNAL_ERROR
from tests.helpers import cli_env_on, run_cli
from tests.ingest.corpus import Case, build


def _reasons(report: dict[str, Any]) -> list[str]:
    if not report["quarantine_file"]:
        return []
    return [
        json.loads(line)["reason"]
        for line in Path(report["quarantine_file"]).read_text(encoding="utf-8").splitlines()
    ]


def _check(report: dict[str, Any], case: Case) -> None:
    where = f"{case.file} ({case.kind}): {report}"
    assert case.file in report["file"], where
    assert report["read"] == report["loaded"] + report["quarantined"] + report["unchanged"], where
    if case.failed is not None:
        assert report["failed"] is not None and case.failed in report["failed"], where
        # One sentence naming the file, not a traceback.
        assert "\n" not in report["failed"] and "Traceback" not in report["failed"], where
        assert Path(case.file).name in report["failed"], where
    else:
        assert report["failed"] is None, where
    for figure in ("read", "loaded", "updated", "quarantined", "flagged"):
        expected = getattr(case, figure)
        if expected is not None:
            assert report[figure] == expected, f"{figure}: {where}"
    reasons = _reasons(report)
    assert len(reasons) == report["quarantined"], where
    assert not any(INTERNAL_ERROR in reason for reason in reasons), where
    if case.reason is not None:
        assert any(case.reason in reason for reason in reasons), f"{reasons}: {where}"


@pytest.mark.timeout(600)
def test_no_input_of_the_corpus_ends_a_run_or_loses_a_row(
    store: GraphStore, embedded_server: EmbeddedServer, tmp_path: Path
) -> None:
    corpus = build(tmp_path / "corpus")
    paths = [str(path) for path in corpus.paths()]
    data_dir = tmp_path / "data"
    env = cli_env_on(embedded_server, store.database)
    result = run_cli("ingest", *paths, "--json", "--no-resolve", data_dir=data_dir, **env)
    assert "Traceback" not in result.stderr and "unexpectedly" not in result.stderr
    # Some files failed, so the exit status says so; the summary is printed all the same.
    assert result.returncode == 4, result.stderr
    summary = json.loads(result.stdout)
    reports, expected = summary["files"], corpus.expected()
    assert [Path(r["file"]).name for r in reports] == [Path(c.file).name for c in expected]
    for report, case in zip(reports, expected, strict=True):
        _check(report, case)
    assert summary["failed_files"] == sum(case.failed is not None for case in expected)

    # Quarantine files hold raw rows with their handling: readable by their owner only.
    quarantine = data_dir / "quarantine"
    assert stat.S_IMODE(quarantine.stat().st_mode) == 0o700
    files = list(quarantine.iterdir())
    assert files and all(stat.S_IMODE(path.stat().st_mode) == 0o600 for path in files)

    # Numbers read as their profile's decimal separator says; ambiguous ones flagged.
    values = {
        row["id"]: (row["amount"], row["flags"])
        for row in store.read(
            "MATCH (s:Seizure) WHERE s.record_id STARTS WITH 'D' "
            "RETURN s.record_id AS id, s.value_amount AS amount, s.flags AS flags"
        )
    }
    assert values["DP1"][0] == 1250.5
    assert values["DP3"][0] == 1.0
    assert values["DC1"][0] == 1500.0
    assert values["DC2"][0] == 12.5
    assert values["DC3"][0] == 1000.0
    for ambiguous, reading in (("DP2", "12.5"), ("DP4", "1500.00"), ("DC4", "1250.50")):
        amount, flags = values[ambiguous]
        assert amount is None
        assert any(f"it would be {reading}" in flag for flag in flags), flags

    # Implausible numbers are kept in the record, flagged, and not summed.
    totals = store.read(
        "MATCH (s:Seizure) WHERE s.record_id IN ['NB4', 'NB5', 'NF4', 'NF5'] "
        "RETURN s.record_id AS id, s.value_usd AS usd, s.quantity_total AS quantity, "
        "s.flags AS flags, s.record AS record"
    )
    assert len(totals) == 4
    for row in totals:
        assert row["usd"] is None or row["usd"] < 1e11, row
        assert row["quantity"] < 1e12, row
        assert any("not a plausible" in flag for flag in row["flags"]), row

    # Three versions of one record: the last stands, the two before it in its history.
    [version] = store.read(
        "MATCH (s:Seizure {id: 'HK-CED:VER1'}) RETURN s.tlp AS tlp, s.history AS history"
    )
    assert version["tlp"] == "RED" or len(version["history"]) == 2
    assert len(version["history"]) == 2
