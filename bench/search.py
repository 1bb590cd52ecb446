"""The search box by identifier (issue 25): an email, a phone written without its
country code, a registration number, typed as an investigator types them, on a
generated graph, timed through `graph.lookup.search` and piece by piece.

    python -m bench.search --records 5000 --seed 1
    python -m bench.search --records 5000 --seed 1 --samples 60

The graph is generated and ingested (with entity resolution and networks) through
the CLI once and kept under /tmp (`bench.lookups.prepare`). Samples are drawn with a
fixed seed from the emails, the phones of one jurisdiction (written as that
jurisdiction writes them locally, asked by an investigator of its agency) and the
registration numbers the graph holds. Each is searched as the search box does
(every kind of node, 25 hits) and through the pieces of a search: the name path
(`match_parties`), the identifier path (`read_identifiers`, `artefact_holders`) and
the entity seizure counts. Writes bench/results/search-<records>.json and prints a
table; timings are never asserted in tests.

The first search of each kind is also timed in a process of its own that searched
nothing before (`first_*`): what the first caller of an API process waits, with
every table a search reads loaded then.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import subprocess
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import phonenumbers
from rich.console import Console
from rich.table import Table

from bench import percentiles, timed_ms
from bench.lookups import prepare
from graph.access import Role, Viewer
from graph.config import Settings
from graph.identifiers import agency_region, artefact_holders, read_identifiers
from graph.lookup import search
from graph.resolve.match import QueryParty, match_parties
from graph.store import GraphStore
from ingest.ports import ports_for

RESULTS = Path(__file__).resolve().parent / "results"
console = Console()

# The agency asking, and the jurisdiction its phones are written in without a code.
AGENCY = "HK-CED"
SEARCH_LIMIT = 25

# Hong Kong's feed: the columns of the consignor's and consignee's identifiers.
_FEED = "hk-ced.csv"
_COLUMNS = {
    "email": ("Consignor Email", "Consignee Email"),
    "phone": ("Consignor Tel", "Consignee Tel", "Forwarder Tel"),
    "registration": ("Consignor BR / Reg No", "Consignee BR No"),
}


def samples(feeds: Path, count: int, seed: int, region: str) -> dict[str, list[str]]:
    """What an investigator of Hong Kong types, drawn from what its own feed wrote:
    emails, its local phones without their country code, registration numbers."""
    rng = random.Random(seed)
    code = str(phonenumbers.country_code_for_region(region))
    found: dict[str, set[str]] = {kind: set() for kind in _COLUMNS}
    with (feeds / _FEED).open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            for kind, columns in _COLUMNS.items():
                found[kind].update(v.strip() for c in columns if (v := row.get(c) or "").strip())
    local = set()
    for written in found["phone"]:
        digits = "".join(ch for ch in written if ch.isdigit())
        if digits.startswith(code) and len(digits) - len(code) >= 8:
            rest = digits[len(code) :]
            local.add(f"{rest[:4]} {rest[4:]}")
    out = {
        "email": sorted(found["email"]),
        "phone_local": sorted(local),
        "registration": sorted(found["registration"]),
    }
    return {kind: rng.sample(items, min(count, len(items))) for kind, items in out.items()}


def first_search(data_dir: Path, text: str) -> dict[str, Any]:
    """One search of `text`, the first of this process: how long, and what it found."""
    store = GraphStore.open(Settings(data_dir=data_dir))
    ports = ports_for(data_dir)
    viewer = Viewer(agency=AGENCY, role=Role.INVESTIGATOR)
    started = time.perf_counter()
    hits = search(
        store, viewer, text, types=None, jurisdiction=None, limit=SEARCH_LIMIT, ports=ports
    )
    ms = (time.perf_counter() - started) * 1000
    store.close()
    return {"ms": round(ms, 1), "parties": sum(h.type == "party" for h in hits)}


def _first_in_a_new_process(data_dir: Path, text: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.search", "--data", str(data_dir), "--first", text],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def measure(records: int, seed: int, count: int, data: Path | None) -> dict[str, Any]:
    if data is None:
        data_dir, info = prepare(records, seed)
    else:
        data_dir, info = data, {"records": records, "seed": seed, "data_dir": str(data)}
    store = GraphStore.open(Settings(data_dir=data_dir))
    ports = ports_for(data_dir)
    viewer = Viewer(agency=AGENCY, role=Role.INVESTIGATOR)
    region = agency_region(viewer) or "HK"
    typed = samples(data_dir.parent / "feeds", count, seed, region)
    store.close()
    firsts = {kind: _first_in_a_new_process(data_dir, items[0]) for kind, items in typed.items()}
    console.print(f"first search of a process: {firsts}")
    store = GraphStore.open(Settings(data_dir=data_dir))
    results: dict[str, Any] = {
        "graph": info,
        "agency": AGENCY,
        "sampled": {k: len(v) for k, v in typed.items()},
        "first_search_of_a_process": firsts,
    }

    def run(name: str, items: list[str], call: Callable[[str], Any]) -> None:
        for item in items[:3]:
            call(item)  # warm caches and the connection
        results[name] = percentiles([timed_ms(partial(call, item)) for item in items])
        console.print(f"{name}: {results[name]}")

    def whole(text: str) -> Any:
        return search(
            store, viewer, text, types=None, jurisdiction=None, limit=SEARCH_LIMIT, ports=ports
        )

    def names(text: str) -> Any:
        return match_parties(
            store, viewer, [QueryParty(name=text, country=None)], threshold=0.5, limit=SEARCH_LIMIT
        )

    def identifiers(text: str) -> Any:
        return artefact_holders(store, viewer, read_identifiers(text, None, region))

    found: dict[str, int] = {}
    for kind, items in typed.items():
        found[kind] = sum(1 for text in items if any(h.type == "party" for h in whole(text)))
        run(f"search_{kind}", items, whole)
        run(f"name_path_{kind}", items, names)
        run(f"identifier_path_{kind}", items, identifiers)
    results["found_a_party"] = found
    store.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument("--data", type=Path, default=None, help="an IPRGRAPH_DATA_DIR loaded")
    parser.add_argument("--out", type=Path, default=None, help="where to write the JSON")
    parser.add_argument("--first", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.first is not None:  # one search in this fresh process (see the module)
        print(json.dumps(first_search(args.data, args.first)))
        return
    results = measure(args.records, args.seed, args.samples, args.data)
    RESULTS.mkdir(exist_ok=True)
    out = args.out or RESULTS / f"search-{args.records}.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    table = Table(title=f"search by identifier at {args.records} records, {AGENCY}")
    for column in ("measurement", "p50 ms", "p99 ms", "samples"):
        table.add_column(column)
    for name, value in results.items():
        if isinstance(value, dict) and "p50_ms" in value:
            table.add_row(name, str(value["p50_ms"]), str(value["p99_ms"]), str(value["samples"]))
    console.print(table)
    console.print(f"found a party: {results['found_a_party']} of {results['sampled']}")
    console.print(f"written to {out}")


if __name__ == "__main__":
    main()
