"""A corpus of bad input, one file per case, written as an agency's export folder.

Each `Case` says what should come of its file in an ingest run: a failed file whose
sentence says why, rows quarantined with a reason, values flagged, rows loaded. The
classes are those of issue 24 (a run stopped by one file, unbounded reads,
profiles and manifests that expand or mistype, numbers that break sums, ambiguous
decimals, agencies that are none, NUL characters, versions of one record,
manifests that lead out of their folder), and cases of our own beside them.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from tests.factories import seizure_record
from tests.ingest.workbooks import Raw, sheet_xml, write_xlsx

HEADER = ["Case", "Date", "Port", "Mode", "Value", "Ccy", "Shipper", "Qty"]
COLUMNS = {
    "record_id": "Case",
    "seizure_date": "Date",
    "port_of_seizure": "Port",
    "transport_mode": "Mode",
    "value.amount": "Value",
    "value.currency": "Ccy",
    "shipper.name": "Shipper",
    "goods.quantity": "Qty",
}


def profile(name: str, **settings: Any) -> dict[str, Any]:
    return {
        "name": name,
        "format": "csv",
        "encoding": "utf-8",
        "date_format": ["%d/%m/%Y"],
        "fixed": {"agency": "HK-CED"},
        "columns": COLUMNS,
        **settings,
    }


def row(
    case: str, value: str = "1000", qty: str = "5", shipper: str = "Huaxin Trading Ltd"
) -> list[str]:
    return [case, "23/08/2024", "HKHKG", "sea", value, "HKD", shipper, qty]


def csv_bytes(rows: list[list[str]], delimiter: str = ",", newline: str = "\n") -> str:
    lines = [delimiter.join(HEADER)] + [delimiter.join(r) for r in rows]
    return newline.join(lines) + newline


@dataclass
class Case:
    """What one file of the corpus should come to."""

    file: str
    kind: str
    failed: str | None = None  # the failed sentence says this
    read: int | None = None
    loaded: int | None = None
    updated: int | None = None
    quarantined: int | None = None
    reason: str | None = None  # some quarantine reason says this
    flagged: int | None = None


class Corpus:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.folder = root / "feeds"
        self.folder.mkdir(parents=True)
        self.entries: list[dict[str, Any]] = []
        self.cases: list[Case] = []
        self.extra_paths: list[Path] = []
        self.extra_cases: list[Case] = []

    def add(
        self,
        name: str,
        data: bytes | str,
        case: Case,
        profile_name: str | None = None,
        **entry: Any,
    ) -> None:
        path = self.folder / name
        path.write_bytes(data.encode() if isinstance(data, str) else data)
        self.entries.append(
            {"file": name, **({"profile": profile_name} if profile_name else {}), **entry}
        )
        self.cases.append(case)

    def write_profile(self, name: str, data: dict[str, Any] | str | bytes) -> str:
        path = self.folder / "profiles" / f"{name}.yaml"
        path.parent.mkdir(exist_ok=True)
        if isinstance(data, dict):
            data = yaml.safe_dump(data, allow_unicode=True)
        path.write_bytes(data.encode() if isinstance(data, str) else data)
        return f"profiles/{name}.yaml"

    def paths(self) -> list[Path]:
        (self.folder / "manifest.yaml").write_text(
            yaml.safe_dump({"feeds": self.entries}, allow_unicode=True), encoding="utf-8"
        )
        return [self.folder, *self.extra_paths]

    def expected(self) -> list[Case]:
        return self.cases + self.extra_cases


def _ndjson(records: list[dict[str, Any] | str]) -> str:
    return "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records)


def build(root: Path) -> Corpus:
    corpus = Corpus(root)
    add, case = corpus.add, Case
    csv_profile = corpus.write_profile("csv", profile("csv"))
    comma = corpus.write_profile("comma", profile("comma", decimal=","))
    utf16 = corpus.write_profile("utf16", profile("utf16", encoding="utf-16"))
    tsv = corpus.write_profile("tsv", profile("tsv", format="tsv"))
    xlsx = corpus.write_profile("xlsx", profile("xlsx", format="xlsx", encoding=None, sheet="Data"))
    nosheet = corpus.write_profile(
        "nosheet", profile("nosheet", format="xlsx", encoding=None, sheet="Nope")
    )

    # --- one bad thing never ends a run: CSV ------------------------------------------
    add(
        "long-cell.csv",
        csv_bytes([row("LC1"), row("LC2", shipper="x" * 140_000), row("LC3")]),
        case(
            "long-cell.csv",
            "cell over 131,072 characters",
            read=3,
            loaded=2,
            quarantined=1,
            reason="longer than 131,072 characters",
        ),
        csv_profile,
    )
    add(
        "bare-cr.csv",
        csv_bytes([row("CR1"), row("CR2")], newline="\r"),
        case("bare-cr.csv", "bare carriage returns", read=2, loaded=2),
        csv_profile,
    )
    add(
        "cr-inside.csv",
        csv_bytes([row("CI1", shipper="Huaxin\rTrading"), row("CI2")]),
        case(
            "cr-inside.csv",
            "a bare carriage return inside a row",
            read=3,
            loaded=1,
            quarantined=2,
            reason="cells but the header has",
        ),
        csv_profile,
    )
    add(
        "non-finite.csv",
        csv_bytes(
            [
                row("NF1", value="inf"),
                row("NF2", value="NaN"),
                row("NF3", qty="-Infinity"),
                row("NF4", value="1e400"),
                row("NF5", qty="1e308"),
                row("NF6"),
            ]
        ),
        case(
            "non-finite.csv",
            "non-finite and absurd numbers",
            read=6,
            loaded=3,
            quarantined=3,
            reason="is not a number",
            flagged=2,
        ),
        csv_profile,
    )
    add(
        "utf16.csv",
        csv_bytes([row("U1", shipper="深圳华信贸易有限公司"), row("U2")], newline="\r\n").encode(
            "utf-16"
        ),
        case("utf16.csv", "UTF-16 with encoding: utf-16", read=2, loaded=2),
        utf16,
    )
    add(
        "utf16-undeclared.csv",
        csv_bytes([row("UD1"), row("UD2")], newline="\r\n").encode("utf-16"),
        case(
            "utf16-undeclared.csv",
            "UTF-16 with a byte-order mark, the profile saying utf-8",
            read=2,
            loaded=2,
        ),
        csv_profile,
    )
    add(
        "decimal-point.csv",
        csv_bytes(
            [
                row("DP1", value='"1,250.50"'),
                row("DP2", value='"12,5"'),
                row("DP3", value="1.000"),
                row("DP4", value='"1.500,00"'),
            ]
        ),
        case(
            "decimal-point.csv",
            "decimal '.': 1,250.50 / 12,5 / 1.000 / 1.500,00",
            read=4,
            loaded=4,
            flagged=2,
        ),
        csv_profile,
    )
    add(
        "decimal-comma.csv",
        csv_bytes(
            [
                row("DC1", value='"1.500,00"'),
                row("DC2", value='"12,5"'),
                row("DC3", value="1.000"),
                row("DC4", value='"1,250.50"'),
            ]
        ),
        case(
            "decimal-comma.csv",
            "decimal ',': 1.500,00 / 12,5 / 1.000 / 1,250.50",
            read=4,
            loaded=4,
            flagged=1,
        ),
        comma,
    )
    add(
        "nul.csv",
        csv_bytes([row("N1", shipper="Hua\x00xin"), row("N2")]),
        case("nul.csv", "NUL byte", read=2, loaded=1, quarantined=1, reason="NUL"),
        csv_profile,
    )
    add(
        "not-utf8.csv",
        csv_bytes([row("L1"), row("L2", shipper="Caf\xe9")]).encode("latin-1"),
        case(
            "not-utf8.csv",
            "latin-1 bytes in a UTF-8 file",
            read=2,
            loaded=1,
            quarantined=1,
            reason="is not utf-8 text",
        ),
        csv_profile,
    )
    add(
        "long-line.csv",
        csv_bytes(
            [row("LL1"), row("LL2", shipper="y" * 130_000 + "," + "z" * 1_200_000), row("LL3")]
        ),
        case(
            "long-line.csv",
            "a line over 1 MiB",
            read=3,
            loaded=2,
            quarantined=1,
            reason="longer than 1,048,576",
        ),
        csv_profile,
    )
    add(
        "open-quote.csv",
        csv_bytes([row("OQ1"), row("OQ2", shipper='"never closed'), row("OQ3")]),
        case(
            "open-quote.csv",
            "a quote never closed",
            read=2,
            loaded=1,
            quarantined=1,
            reason="cells but the header has",
        ),
        csv_profile,
    )
    add(
        "empty.csv",
        b"",
        case("empty.csv", "empty CSV", failed="no header row 1", read=0),
        csv_profile,
    )
    add(
        "header-only.csv",
        csv_bytes([]),
        case("header-only.csv", "header only", read=0),
        csv_profile,
    )
    add(
        "missing-column.csv",
        "Case,Date\nA,23/08/2024\n",
        case("missing-column.csv", "a mapped column missing", failed="has no column"),
        csv_profile,
    )
    add(
        "wide.csv",
        ",".join(HEADER + [f"c{i}" for i in range(20_000)]) + "\n",
        case("wide.csv", "20,000 columns", failed="more than 16,384"),
        csv_profile,
    )
    add(
        "binary.csv",
        bytes(range(256)) * 64,
        case("binary.csv", "binary noise with a CSV profile", failed="has no column"),
        csv_profile,
    )
    add(
        "tab.tsv",
        csv_bytes([row("T1"), row("T2")], delimiter="\t", newline="\r"),
        case("tab.tsv", "TSV with bare carriage returns", read=2, loaded=2),
        tsv,
    )

    # --- profiles that cannot be used ----------------------------------------------
    good_csv = csv_bytes([row("P1")])
    for codec in ("rot13", "base64_codec", "hex"):
        add(
            f"codec-{codec}.csv",
            good_csv,
            case(f"codec-{codec}.csv", f"encoding: {codec}", failed="is not a text encoding"),
            corpus.write_profile(f"codec-{codec}", profile(codec, encoding=codec)),
        )
    add(
        "profile-latin1.csv",
        good_csv,
        case("profile-latin1.csv", "a profile that is not UTF-8", failed="is not UTF-8 text"),
        corpus.write_profile(
            "latin1", yaml.safe_dump(profile("Café"), allow_unicode=True).encode("latin-1")
        ),
    )
    bomb = "\n".join(
        [
            "name: bomb",
            "format: csv",
            'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
        ]
        + [f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]" for i in range(8)]
    )
    add(
        "bomb.csv",
        good_csv,
        case("bomb.csv", "YAML alias bomb", failed="anchor or alias"),
        corpus.write_profile("bomb", bomb),
    )
    add(
        "list-agency.csv",
        good_csv,
        case("list-agency.csv", "a list in fixed.agency", failed="takes one value, not a list"),
        corpus.write_profile("list-agency", profile("list", fixed={"agency": ["A", "B"]})),
    )
    add(
        "int-column.csv",
        good_csv,
        case(
            "int-column.csv",
            "a number where a column name belongs",
            failed="Input should be a valid string or a valid list",
        ),
        corpus.write_profile("int-column", profile("int", columns={**COLUMNS, "case_ref": 2024})),
    )
    add(
        "profile-list.csv",
        good_csv,
        case("profile-list.csv", "a profile that is a YAML list", failed="not a YAML mapping"),
        corpus.write_profile("profile-list", "- name\n- format\n"),
    )
    add(
        "big-int.csv",
        good_csv,
        case("big-int.csv", "an integer of 5,000 digits", failed="a value cannot be read"),
        corpus.write_profile("big-int", f"name: x\nformat: csv\nheader_row: {'9' * 5000}\n"),
    )
    add(
        "huge-profile.csv",
        good_csv,
        case("huge-profile.csv", "a 300 KB profile", failed="larger than 256 KiB"),
        corpus.write_profile("huge", "name: x\nformat: csv\ndescription: " + "x" * 300_000 + "\n"),
    )
    add(
        "deep-profile.csv",
        good_csv,
        case("deep-profile.csv", "YAML nested 10,000 deep", failed="nested more than 16"),
        corpus.write_profile("deep", "name: x\nformat: csv\nfixed: " + "[" * 10_000 + "]" * 10_000),
    )
    add(
        "twice.csv",
        good_csv,
        case("twice.csv", "a key given twice", failed="gives the key 'format' twice"),
        corpus.write_profile("twice", "name: x\nformat: csv\nformat: xlsx\n"),
    )
    add(
        "no-such-profile.csv",
        good_csv,
        case("no-such-profile.csv", "a profile that is not there", failed="no shipped profile"),
        "profiles/none.yaml",
    )

    # --- JSON and NDJSON ------------------------------------------------------------
    def record(case_id: str, **overrides: Any) -> dict[str, Any]:
        return seizure_record(record_id=case_id, **overrides)

    deep = '{"record_id": "D1", "case_ref": ' + "[" * 1000 + "]" * 1000 + "}"
    deeper = "[" * 100_000 + "]" * 100_000
    add(
        "deep.ndjson",
        _ndjson([deep, deeper, record("D3")]),
        case("deep.ndjson", "JSON nested 1,000 and 100,000 deep", read=3, loaded=1, quarantined=2),
    )
    add(
        "nul.ndjson",
        _ndjson(
            [
                record("NU1", shipper={"name": "Hua\x00xin"}),
                record("NU2"),
                '{"record_id": "NU3\\u0000", "agency": "HK-CED"}',
            ]
        ),
        case(
            "nul.ndjson",
            "\\u0000 in values",
            read=3,
            loaded=1,
            quarantined=2,
            reason="NUL character",
        ),
    )
    add(
        "surrogate.ndjson",
        _ndjson(['{"record_id": "S1\\ud800", "agency": "HK-CED"}', record("S2")]),
        case(
            "surrogate.ndjson",
            "a lone surrogate escape",
            read=2,
            loaded=1,
            quarantined=1,
            reason="lone surrogate",
        ),
    )
    value = seizure_record()["value"]
    goods = seizure_record()["goods"]
    add(
        "numbers.ndjson",
        _ndjson(
            [
                json.dumps(record("NB1"))[:-1] + ', "x": 1e400}',
                json.dumps(record("NB2", value={**value, "amount": 0})).replace(
                    '"amount": 0', '"amount": 1e400'
                ),
                json.dumps(record("NB3", value={**value, "amount": 0})).replace(
                    '"amount": 0', '"amount": NaN'
                ),
                record("NB4", goods=[{**goods[0], "quantity": 1e308}]),
                record("NB5", value={**value, "amount": 1e20}),
                record("NB6"),
            ]
        ),
        case(
            "numbers.ndjson",
            "1e400, NaN, quantity 1e308, amount 1e20",
            read=6,
            loaded=3,
            quarantined=3,
            flagged=2,
        ),
    )
    add(
        "agencies.ndjson",
        _ndjson(
            [
                record("AG1", agency="*"),
                record("AG2", agency="ALL"),
                record("AG3", agency="'; DROP TABLE seizures; --"),
                record("AG4", handling={"tlp": "AMBER", "releasable_to": ["ALL"]}),
                record("AG5", handling={"tlp": "AMBER", "releasable_to": ["*", "US-CBP"]}),
                record("AG6", handling={"tlp": "AMBER", "releasable_to": ["us-cbp", "EU-NL"]}),
            ]
        ),
        case(
            "agencies.ndjson",
            "agencies that are none",
            read=6,
            loaded=1,
            quarantined=5,
            reason="is not an agency of the registry",
        ),
    )
    first = record("VER1", handling={"tlp": "RED"})
    add(
        "versions.ndjson",
        _ndjson(
            [first, {**first, "handling": {"tlp": "GREEN"}}, {**first, "port_of_seizure": "MOMFM"}]
        ),
        case("versions.ndjson", "three versions of one record", read=3, loaded=3, updated=2),
    )
    add(
        "long-line.ndjson",
        _ndjson(
            [record("NL1"), json.dumps(record("NL2", case_ref="r" * 2_000_000)), record("NL3")]
        ),
        case(
            "long-line.ndjson",
            "an NDJSON line over 1 MiB",
            read=3,
            loaded=2,
            quarantined=1,
            reason="longer than 1,048,576",
        ),
    )
    add(
        "broken-item.json",
        "["
        + json.dumps(record("J1"))
        + ', {"record_id": "J2", oops}, '
        + json.dumps(record("J3"))
        + "]",
        case(
            "broken-item.json",
            "a broken item in a JSON array",
            read=3,
            loaded=2,
            quarantined=1,
            reason="not valid JSON",
        ),
    )
    add(
        "truncated.json",
        "[" + json.dumps(record("JT1")) + ', {"record_id": "JT2", "agen',
        case(
            "truncated.json",
            "a truncated JSON array",
            read=2,
            loaded=1,
            quarantined=1,
            reason="the file ends inside this item",
        ),
    )
    add(
        "deep.json",
        "[" + "[" * 100_000 + "]" * 100_000 + "]",
        case(
            "deep.json",
            "a JSON array nested 100,000 deep",
            read=1,
            quarantined=1,
            reason="nested too deeply",
        ),
    )
    add("empty.json", b"  \n", case("empty.json", "an empty .json", failed="holds no JSON value"))
    add(
        "not-a-feed.txt",
        b"hello",
        case("not-a-feed.txt", "no profile and not NDJSON", failed="give a profile"),
    )

    # --- XLSX -----------------------------------------------------------------------
    good_rows = [HEADER, row("X1"), row("X2")]
    add("empty.xlsx", b"", case("empty.xlsx", "an empty XLSX", failed="not an XLSX workbook"), xlsx)
    add(
        "text.xlsx",
        good_csv,
        case("text.xlsx", "a CSV named .xlsx", failed="not an XLSX workbook"),
        xlsx,
    )
    whole = write_xlsx(corpus.root / "whole.xlsx", good_rows).read_bytes()
    add(
        "truncated.xlsx",
        whole[: len(whole) // 2],
        case("truncated.xlsx", "a truncated XLSX", failed="not an XLSX workbook"),
        xlsx,
    )
    no_workbook = corpus.root / "no-workbook.zip"
    with zipfile.ZipFile(no_workbook, "w") as archive:
        archive.writestr("hello.txt", "hi")
    add(
        "no-workbook.xlsx",
        no_workbook.read_bytes(),
        case("no-workbook.xlsx", "a zip with no workbook", failed="no workbook in it"),
        xlsx,
    )
    add(
        "big-cell.xlsx",
        write_xlsx(
            corpus.root / "big-cell.xlsx",
            [HEADER, row("XB1"), [*row("XB2")[:-2], Raw('<c r="{ref}" t="s"><v>0</v></c>'), "5"]],
            shared=["x" * 5_000_000],
        ).read_bytes(),
        case(
            "big-cell.xlsx",
            "a 5,000,000-character cell",
            read=2,
            loaded=1,
            quarantined=1,
            reason="more than 32,767",
        ),
        xlsx,
    )
    add(
        "cells.xlsx",
        write_xlsx(
            corpus.root / "cells.xlsx",
            [
                HEADER,
                row("XC1"),
                [*row("XC2")[:4], Raw('<c r="{ref}"><f>SUM(1,2)</f><v>3</v></c>'), *row("XC2")[5:]],
                [*row("XC3")[:4], Raw('<c r="{ref}" t="e"><v>#DIV/0!</v></c>'), *row("XC3")[5:]],
                [*row("XC4")[:4], Raw('<c r="{ref}"><v>1e400</v></c>'), *row("XC4")[5:]],
                [*row("XC5")[:4], Raw('<c r="{ref}" t="s"><v>7</v></c>'), *row("XC5")[5:]],
                [*row("XC6")[:1], Raw('<c r="{ref}" s="1"><v>45527</v></c>'), *row("XC6")[2:]],
            ],
        ).read_bytes(),
        case(
            "cells.xlsx",
            "formula, error, infinite and dangling cells; a date cell",
            read=6,
            loaded=2,
            quarantined=4,
        ),
        xlsx,
    )
    laughs = '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    add(
        "dtd.xlsx",
        write_xlsx(
            corpus.root / "dtd.xlsx",
            good_rows,
            parts={"xl/worksheets/sheet1.xml": sheet_xml(good_rows, prologue=laughs)},
        ).read_bytes(),
        case("dtd.xlsx", "an XML entity bomb in a sheet", failed="declares a DTD"),
        xlsx,
    )
    add(
        "nosheet.xlsx",
        whole,
        case("nosheet.xlsx", "a sheet the workbook lacks", failed="no sheet 'Nope'"),
        nosheet,
    )
    add("good.xlsx", whole, case("good.xlsx", "a good workbook", read=2, loaded=2), xlsx)

    # --- manifests: confinement, agencies, missing files ------------------------------
    (corpus.root / "outside.ndjson").write_text(_ndjson([record("OUT1")]), encoding="utf-8")
    corpus.entries.append({"file": "../outside.ndjson"})
    corpus.cases.append(
        case("outside.ndjson", "../ in a manifest", failed="outside the manifest's folder")
    )
    corpus.entries.append({"file": str(corpus.root / "outside.ndjson")})
    corpus.cases.append(
        case("outside.ndjson", "an absolute path", failed="outside the manifest's folder")
    )
    (corpus.folder / "link.ndjson").symlink_to(corpus.root / "outside.ndjson")
    corpus.entries.append({"file": "link.ndjson"})
    corpus.cases.append(
        case("link.ndjson", "a link out of the folder", failed="outside the manifest's folder")
    )
    corpus.entries.append({"file": "good.csv", "profile": "../../etc/passwd"})
    corpus.cases.append(
        case("good.csv", "a profile outside the folder", failed="no shipped profile")
    )
    corpus.entries.append({"file": "missing.ndjson"})
    corpus.cases.append(
        case("missing.ndjson", "a file the manifest names but is not there", failed="no such file")
    )
    add(
        "unknown-agency.ndjson",
        _ndjson([record("UA1")]),
        case(
            "unknown-agency.ndjson",
            "an unknown agency in the manifest",
            failed="'ALL' is not an agency",
        ),
        agency="ALL",
    )

    # The run goes on to the end: the last file loads.
    add(
        "good.csv",
        csv_bytes([row("G1"), row("G2")]),
        case("good.csv", "a good file last", read=2, loaded=2),
        csv_profile,
    )

    # Folders whose manifest cannot be read: failed, and the next folder is read.
    for name, text in (
        ("manifest-bomb", bomb.replace("name: bomb\nformat: csv\n", "feeds: []\n")),
        ("manifest-not-yaml", "feeds: [\n"),
        ("manifest-wrong", "feeds:\n  - path: x.csv\n"),
    ):
        folder = corpus.root / name
        folder.mkdir()
        (folder / "manifest.yaml").write_text(text, encoding="utf-8")
        corpus.extra_paths.append(folder)
        corpus.extra_cases.append(case("manifest.yaml", name, failed=str(folder / "manifest.yaml")))
    return corpus
