"""Fixtures: one generated folder per session (2,000 records), plus a reader for its feeds."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml

from ingest.generate import GenerateResult, generate

RECORDS = 2000
SEED = 20240823


@dataclass
class Generated:
    out: Path
    result: GenerateResult
    truth: dict[str, Any]
    manifest: dict[str, Any]


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    out = tmp_path_factory.mktemp("gen") / "out"
    result = generate(RECORDS, SEED, out)
    truth = json.loads((out / "truth.json").read_text(encoding="utf-8"))
    manifest = yaml.safe_load((out / "manifest.yaml").read_text(encoding="utf-8"))
    return Generated(out, result, truth, manifest)


@dataclass
class Row:
    line: int  # physical line (CSV/TSV/NDJSON) or sheet row (XLSX)
    values: dict[str, Any] | None  # header -> cell, or the parsed NDJSON object
    raw: Any  # the cells as read, or the NDJSON text


def load_profile(out: Path, entry: dict[str, Any]) -> dict[str, Any]:
    return yaml.safe_load((out / entry["profile"]).read_text(encoding="utf-8"))


def read_header(path: Path, profile: dict[str, Any]) -> list[str]:
    """The header row exactly as a reader following the profile would find it."""
    header_row = profile.get("header_row", 1)
    if profile["format"] == "xlsx":
        wb = openpyxl.load_workbook(path, read_only=True)
        ws = wb[profile["sheet"]] if "sheet" in profile else wb.worksheets[0]
        row = next(ws.iter_rows(min_row=header_row, max_row=header_row, values_only=True))
        wb.close()
        return [str(c) for c in row if c is not None]
    delimiter = "\t" if profile["format"] == "tsv" else profile.get("delimiter", ",")
    with path.open(encoding=profile["encoding"], newline="") as fh:
        lines = fh.read().split("\r\n")
    return next(csv.reader([lines[header_row - 1]], delimiter=delimiter))


def read_rows(out: Path, entry: dict[str, Any]) -> list[Row]:
    path = out / entry["file"]
    if "profile" not in entry:
        rows = []
        for i, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            try:
                obj = json.loads(text)
            except json.JSONDecodeError:
                obj = None
            rows.append(Row(i, obj, text))
        return rows
    profile = load_profile(out, entry)
    header = read_header(path, profile)
    header_row = profile.get("header_row", 1)
    rows = []
    if profile["format"] == "xlsx":
        wb = openpyxl.load_workbook(path, read_only=True)
        ws = wb[profile["sheet"]]
        for n, cells in enumerate(ws.iter_rows(min_row=header_row + 1, values_only=True)):
            vals = list(cells)
            rows.append(Row(header_row + 1 + n, dict(zip(header, vals, strict=False)), vals))
        wb.close()
        return rows
    delimiter = "\t" if profile["format"] == "tsv" else profile.get("delimiter", ",")
    with path.open(encoding=profile["encoding"], newline="") as fh:
        lines = fh.read().split("\r\n")
    for n, text in enumerate(lines[header_row:], header_row + 1):
        if not text:
            continue
        cells = next(csv.reader([text], delimiter=delimiter))
        rows.append(Row(n, dict(zip(header, cells, strict=False)), cells))
    return rows
