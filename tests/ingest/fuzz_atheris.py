"""Coverage-guided fuzzing of the readers with atheris (libFuzzer), for long hunts
outside the suite (the suite's bounded fuzzing is tests/ingest/test_fuzz.py):

    .venv/bin/pip install -e '.[fuzz]'
    .venv/bin/python -m tests.ingest.fuzz_atheris LAYOUT [libFuzzer options]
    # e.g. LAYOUT hk-ced-csv, with -max_total_time=600 -rss_limit_mb=2048

LAYOUT is a shipped profile (hk-ced-csv, mo-cs-xlsx, cn-gacc-csv, us-cbp-tsv), ndjson,
json, xlsx-sheet (the input is the sheet XML of a real workbook) or
xlsx-strings (its shared strings). The first run seeds the corpus folder
(fuzz-corpus/LAYOUT) with a real generated feed. An input that breaks a promise of
the readers (tests/ingest/fuzzing.py) is a crash, saved by libFuzzer as crash-*;
replay one with the same command and its path.
"""

from __future__ import annotations

import sys
import tempfile
import zipfile
from io import BytesIO
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["ingest"]):
    from ingest.generate import generate
    from ingest.profile import Profile

from tests.ingest.fuzzing import read_through

_FEEDS = {
    "hk-ced-csv": "hk-ced.csv",
    "mo-cs-xlsx": "mo-cs.xlsx",
    "cn-gacc-csv": "cn-gacc.csv",
    "us-cbp-tsv": "us-cbp.tsv",
    "ndjson": "eu-nl.ndjson",
    "json": "eu-de.ndjson",
    "xlsx-sheet": "mo-cs.xlsx",
    "xlsx-strings": "mo-cs.xlsx",
}
_PARTS = {"xlsx-sheet": "xl/worksheets/sheet1.xml", "xlsx-strings": "xl/sharedStrings.xml"}


def _seed(layout: str, seeds: Path) -> bytes:
    data = (seeds / _FEEDS[layout]).read_bytes()
    if layout == "json":
        lines = [line for line in data.decode().splitlines() if line]
        return ("[" + ",\n".join(lines) + "]").encode()
    if layout in _PARTS:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            names = archive.namelist()
            return archive.read(_PARTS[layout]) if _PARTS[layout] in names else b""
    return data


def _workbook(base: bytes, part: str, content: bytes) -> bytes:
    source = zipfile.ZipFile(BytesIO(base))
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as target:
        for info in source.infolist():
            if info.filename != part:
                target.writestr(info.filename, source.read(info))
        target.writestr(part, content)
    return out.getvalue()


def main() -> None:
    layout = sys.argv[1] if len(sys.argv) > 1 else ""
    if layout not in _FEEDS:
        raise SystemExit(f"usage: python -m tests.ingest.fuzz_atheris {{{','.join(_FEEDS)}}} ...")
    work = Path(tempfile.mkdtemp(prefix=f"fuzz-{layout}-"))
    seeds = work / "seeds"
    generate(30, 5, seeds)
    profile_name = "mo-cs-xlsx" if layout in _PARTS else layout
    profile_path = seeds / "profiles" / f"{profile_name}.yaml"
    profile = Profile.load(profile_path) if profile_path.is_file() else None
    corpus = Path("fuzz-corpus") / layout
    corpus.mkdir(parents=True, exist_ok=True)
    if not any(corpus.iterdir()):
        (corpus / "seed").write_bytes(_seed(layout, seeds))
    base = (seeds / "mo-cs.xlsx").read_bytes()
    suffix = {"json": ".json", "ndjson": ".ndjson"}.get(layout, Path(_FEEDS[layout]).suffix)
    target = work / f"input{suffix}"

    def one_input(data: bytes) -> None:
        if layout in _PARTS:
            data = _workbook(base, _PARTS[layout], data)
        target.write_bytes(data)
        read_through(target, profile, work / "quarantine")

    args = [sys.argv[0], *sys.argv[2:], str(corpus)]
    atheris.Setup(args, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
