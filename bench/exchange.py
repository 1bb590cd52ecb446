"""What partner exchange costs on a large graph: the memorandum's statistics table, and
a partner's hit/no-hit `/v1/match` against an investigator's on the same names.

    python -m bench.exchange --records 100000 --seed 5        # generates and loads once
    python -m bench.exchange --data /path/to/loaded/data      # a graph loaded already

Sets a CBP-GACC-like memorandum between the two agencies holding the most seizures
(statistics by half-year, requests, lookups both ways), gives references to seizures
an earlier version loaded (`iprgraph db migrate`, timed), then:

- statistics: `statistics_for` over each half-year the graph holds, for the agency
  with the most seizures about the other's jurisdiction (in this process);
- match: the same names, as a partner of one agency and as an investigator of the
  same agency, alternating, over kept-alive connections to one API process; names
  are those of parties of the other agency's records (hits, held or not).

Writes bench/results/exchange-<records>.json; timings are never asserted in tests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from bench import percentiles
from bench.governed import REPO, _Client, _serve
from bench.lookups import prepare, seizure_shares
from graph import queries
from graph.access import Role, Viewer
from graph.config import Settings
from graph.exchange.agreements import parse_terms, set_agreement
from graph.exchange.lookups import give_references
from graph.exchange.statistics import StatisticsAsk, statistics_for
from graph.principals import create_principal
from graph.resolve.service import profile_rows
from graph.store import GraphStore
from ingest.agencies import agency as agency_of

RESULTS = Path(__file__).resolve().parent / "results"
console = Console()


def measure(records: int, seed: int, samples: int, data: Path | None) -> dict[str, Any]:
    data_dir = data if data is not None else prepare(records, seed)[0]
    store = GraphStore.open(Settings(data_dir=data_dir))
    started = time.perf_counter()
    given = give_references(store)
    migrate_s = time.perf_counter() - started
    shares = seizure_shares(store)
    first, second = sorted(shares, key=lambda a: -shares[a])[:2]
    set_agreement(
        store,
        name="bench memorandum",
        agencies=(first, second),
        terms=parse_terms(f"{first}<>{second}: statistics=half-year, requests=10/quarter, lookups"),
        contacts={first: f"{first} desk", second: f"{second} desk"},
        valid_from=dt.date(2000, 1, 1),
    )

    # Statistics: every half-year of the last five years, both ways.
    timings: list[float] = []
    cells = 0
    for reporter in (first, second):
        viewer = Viewer(reporter, role=Role.ANALYST, principal="bench")
        other = second if reporter == first else first
        for year in range(2020, 2026):
            for half in (1, 2):
                ask = StatisticsAsk(
                    partner=agency_of(other).jurisdiction or other,
                    date_from=dt.date(year, 6 * half - 5, 1),
                    date_to=dt.date(year, 6, 30) if half == 1 else dt.date(year, 12, 31),
                )
                started = time.perf_counter()
                table, _ = statistics_for(store, viewer, ask, today=dt.date(2026, 12, 6))
                timings.append((time.perf_counter() - started) * 1000)
                cells += sum(row.seizures or 0 for row in table.rows)
    stats = {**percentiles(timings), "tables": len(timings), "seizures_counted": cells}

    # Names for /match: parties of the other agency's records, as the operator sees
    # them (some the partner's agency sees, some held from it).
    rng = random.Random(seed)
    parties = sorted(row["id"] for row in store.read(queries.PARTY_CLUSTERS_QUERY))
    rows = profile_rows(store, rng.sample(parties, min(len(parties), 4 * samples)), Viewer(None))
    names = [row["name"] for row in rows if row["name"]][:samples]
    partner_key = create_principal(store, name="bench partner", agency=second, role="partner").key
    investigator_key = create_principal(
        store, name="bench investigator", agency=second, role="investigator"
    ).key
    store.close()

    server = _serve(Path(sys.executable), REPO, data_dir, 8773)
    clients = {
        "partner": _Client(8773, partner_key),
        "investigator": _Client(8773, investigator_key),
    }
    match: dict[str, list[float]] = {"partner": [], "investigator": []}
    try:
        for name in names[:20]:  # warm the process and the graph's caches
            for client in clients.values():
                client.call("POST", "/v1/match", {"queries": [{"name": name}]})
        for index, name in enumerate(names):
            order = ("partner", "investigator") if index % 2 == 0 else ("investigator", "partner")
            for side in order:
                match[side].append(
                    clients[side].call("POST", "/v1/match", {"queries": [{"name": name}]})
                )
    finally:
        server.terminate()
        server.wait(timeout=30)
    partner_p, investigator_p = percentiles(match["partner"]), percentiles(match["investigator"])
    return {
        "graph": {"data_dir": str(data_dir), "records": records, "seed": seed},
        "agencies": [first, second],
        "migrate": {"references_given": given, "seconds": round(migrate_s, 1)},
        "statistics": stats,
        "match": {
            "partner": partner_p,
            "investigator": investigator_p,
            "ratio_p50": round(partner_p["p50_ms"] / investigator_p["p50_ms"], 2),
            "median_of_pair_ratios": round(
                statistics.median(
                    p / i for p, i in zip(match["partner"], match["investigator"], strict=True)
                ),
                2,
            ),
            "names": len(names),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--data", type=Path, default=None, help="a data dir loaded already")
    args = parser.parse_args()
    results = measure(args.records, args.seed, args.samples, args.data)
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"exchange-{args.records}.json"
    out.write_text(json.dumps(results, indent=2))
    table = Table(title=f"Partner exchange at {args.records:,} records ({out})")
    for column in ("what", "p50 ms", "p99 ms"):
        table.add_column(column)
    table.add_row(
        "statistics table (half-year)",
        *(str(results["statistics"][k]) for k in ("p50_ms", "p99_ms")),
    )
    for side in ("partner", "investigator"):
        table.add_row(
            f"/v1/match as {side}",
            *(str(results["match"][side][k]) for k in ("p50_ms", "p99_ms")),
        )
    console.print(table)
    console.print(
        f"partner/investigator p50 {results['match']['ratio_p50']}x; "
        f"migrate gave {results['migrate']['references_given']} references in "
        f"{results['migrate']['seconds']} s"
    )


if __name__ == "__main__":
    main()
