"""`GET /v1/stats/seizures` for one year and one pair (reporting jurisdiction x
partner jurisdiction) at scale, over HTTP: read from the kept cells
(`graph.stats_cells`) and computed from the seizures (the cells marked incomplete,
as in a graph not migrated yet), alternating request by request (issue 25).

    python -m bench.stats --data /path/to/loaded/data        # a graph loaded already
    python -m bench.stats --records 100000 --seed 5           # generates and loads once

Builds the cells first when the graph has none (`iprgraph db migrate`, timed). The
requests: each year of the graph's seizures x the pairs of the two agencies'
jurisdictions holding most seizures and the jurisdictions they name most, grouped
by transport mode (the default), month and HS chapter, as an investigator of the
agency that sees the share of seizures closest to half; each pair of answers is
checked to be the same. Writes bench/results/stats-<records>.json; timings are
never asserted in tests.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import sys
import time
import urllib.parse
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from bench import percentiles
from bench.governed import REPO, _serve
from bench.lookups import prepare, seizure_shares
from graph import queries, stats_cells
from graph.config import Settings
from graph.principals import create_principal
from graph.store import GraphStore

RESULTS = Path(__file__).resolve().parent / "results"
console = Console()
GROUPS = ("transport_mode", "month", "hs_chapter")


def _get(connection: http.client.HTTPConnection, key: str, params: dict[str, str]) -> Any:
    started = time.perf_counter()
    connection.request(
        "GET",
        f"/v1/stats/seizures?{urllib.parse.urlencode(params)}",
        headers={"Authorization": f"Bearer {key}"},
    )
    answer = connection.getresponse()
    payload = answer.read()
    elapsed = (time.perf_counter() - started) * 1000
    if answer.status != 200:
        raise SystemExit(f"/v1/stats/seizures answered {answer.status}: {payload[:300]!r}")
    return elapsed, json.loads(payload)


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return {**percentiles(samples), "p95_ms": round(p95, 2)}


def measure(records: int, seed: int, data: Path | None, rounds: int) -> dict[str, Any]:
    data_dir = data if data is not None else prepare(records, seed)[0]
    store = GraphStore.open(Settings(data_dir=data_dir))
    built_s = None
    if not store.execute_read(stats_cells.is_complete):
        started = time.perf_counter()
        stats_cells.rebuild(store)
        built_s = round(time.perf_counter() - started, 1)
    shares = seizure_shares(store)
    agency = min(shares, key=lambda a: abs(shares[a] - 0.5))
    key = create_principal(store, name="bench stats", agency=agency, role="investigator").key
    [span] = store.read(queries.SEIZURE_DATE_SPAN_QUERY)
    years = list(range(int(span["first"][:4]), int(span["last"][:4]) + 1))
    jurisdictions = sorted(
        {row["jurisdiction"] for row in store.read(queries.AGENCY_JURISDICTIONS_QUERY)} - {None}
    )
    pairs = [(a, b) for a in jurisdictions for b in ["CN", "US", "HK", "DE", "VN"] if a != b]
    requests = [
        {"from": f"{year}-01-01", "to": f"{year}-12-31", "reporting": a, "partner": b}
        | {"group_by": g}
        for year in years
        for a, b in pairs
        for g in GROUPS
    ]
    random.Random(seed).shuffle(requests)
    requests = requests[: rounds * len(GROUPS)]

    def state(complete: bool) -> None:
        store.write(
            queries.SET_STATS_STATE_QUERY, id=stats_cells.STATE_ID, complete=complete, at="bench"
        )

    # Every request here is a heavy call: the per-key limit would refuse most of them.
    server = _serve(
        Path(sys.executable), REPO, data_dir, 8774, IPRGRAPH_API_HEAVY_PER_MINUTE="10000"
    )
    connection = http.client.HTTPConnection("127.0.0.1", 8774, timeout=300)
    timings: dict[str, dict[str, list[float]]] = {g: {"cells": [], "seizures": []} for g in GROUPS}
    differ = 0
    try:
        for params in requests[:6]:  # warm the process and the caches
            _get(connection, key, params)
        for index, params in enumerate(requests):
            answers = {}
            for side in ("cells", "seizures") if index % 2 == 0 else ("seizures", "cells"):
                state(side == "cells")
                elapsed, answers[side] = _get(connection, key, params)
                timings[params["group_by"]][side].append(elapsed)
            differ += answers["cells"] != answers["seizures"]
    finally:
        state(True)
        server.terminate()
        server.wait(timeout=30)
        store.close()
    return {
        "graph": {"data_dir": str(data_dir), "records": records, "seed": seed},
        "agency": agency,
        "cells_built_s": built_s,
        "requests": len(requests),
        "answers_that_differ": differ,
        **{
            group: {side: _percentiles(samples) for side, samples in sides.items()}
            for group, sides in timings.items()
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--data", type=Path, default=None, help="a data dir loaded already")
    parser.add_argument("--rounds", type=int, default=60, help="requests per grouping")
    args = parser.parse_args()
    results = measure(args.records, args.seed, args.data, args.rounds)
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"stats-{args.records}.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    table = Table(title=f"/v1/stats/seizures, one year x one pair, {args.records:,} records")
    for column in ("group_by", "cells p50 / p95 ms", "seizures p50 / p95 ms"):
        table.add_column(column)
    for group in GROUPS:
        row = results[group]
        table.add_row(
            group,
            *(f"{row[side]['p50_ms']} / {row[side]['p95_ms']}" for side in ("cells", "seizures")),
        )
    console.print(table)
    console.print(
        f"{results['requests']} requests as an investigator of {results['agency']}; "
        f"answers that differ: {results['answers_that_differ']}; written to {out}"
    )


if __name__ == "__main__":
    main()
