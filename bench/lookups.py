"""Link-analysis lookups at scale: 1-hop and 2-hop neighbourhood, shortest path and
network lookup, timed three ways (issue 5):

- **api**: over HTTP against `iprgraph serve` running in its own process, through one
  kept-alive `http.client` connection (httpx adds about 0.5 ms of its own to every
  request); `api_healthz` is the round trip of a route that does nothing, the
  HTTP floor under every API figure;
- **store**: the service in `graph/analysis` called in this process;
- **floor**: one hand-written statement sent straight to the engine
  (`FLOOR_*_QUERY` in graph/queries.py: no caps, no hub rules, no evidence).

    python -m bench.lookups --records 10000 --seed 5
    python -m bench.lookups --records 100000 --seed 5 --samples 300 --no-resolve
    python -m bench.lookups --records 100000 --data /path/to/data   # a graph loaded already

The graph is generated, ingested (with entity resolution and the networks build)
through the CLI once and kept under /tmp for the next run of the same size and seed.
Anchors are parties drawn with a fixed seed; path pairs are two parties of one
neighbourhood (a path exists) at most 6 hops apart. Writes
bench/results/lookups-<records>.json and prints a table; timings are never asserted
in tests.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from rich.table import Table

from bench import percentiles, timed_ms
from graph import queries
from graph.access import OPERATOR, Viewer
from graph.analysis.neighbourhood import neighbourhood
from graph.analysis.networks import network_of
from graph.analysis.paths import find_paths
from graph.config import Settings
from graph.errors import NotFound
from graph.model import Label
from graph.principals import create_principal
from graph.resolve.service import profile_rows
from graph.store import GraphStore

RESULTS = Path(__file__).resolve().parent / "results"
REPO = Path(__file__).resolve().parent.parent
console = Console()


def _cli(data_dir: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IPRGRAPH_")}
    env["IPRGRAPH_DATA_DIR"] = str(data_dir)
    env["IPRGRAPH_EMBEDDED_HEAP"] = "6g"
    done = subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"iprgraph {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def prepare(records: int, seed: int, *, resolve: bool = True) -> tuple[Path, dict[str, Any]]:
    """A data dir holding the generated graph (reused when it is there already).

    Without `resolve`, the load skips entity resolution (no SAME_AS links; every
    party its own entity) and networks are built on that graph: at 100k records,
    resolution takes longer than everything else together (BENCHMARKS.md).
    """
    suffix = "" if resolve else "-unresolved"
    root = Path(f"/tmp/iprgraph-bench-lookups-{records}-{seed}{suffix}")
    data_dir = root / "data"
    stamp = root / "loaded.json"
    if stamp.exists():
        return data_dir, json.loads(stamp.read_text())
    feeds = root / "feeds"
    started = time.perf_counter()
    _cli(data_dir, "generate", "--records", str(records), "--seed", str(seed), "--out", str(feeds))
    if resolve:
        _cli(data_dir, "ingest", str(feeds), "--json")
    else:
        _cli(data_dir, "ingest", str(feeds), "--no-resolve", "--json")
        _cli(data_dir, "networks", "build", "--json")
    info = {
        "records": records,
        "seed": seed,
        "resolved": resolve,
        "prepare_s": round(time.perf_counter() - started, 1),
    }
    stamp.write_text(json.dumps(info))
    return data_dir, info


def _serve(data_dir: Path, port: int, workers: int | None = None) -> subprocess.Popen[bytes]:
    """`iprgraph serve` on `data_dir`, with `workers` processes (None: its default,
    one per core), once it answers `/readyz`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("IPRGRAPH_")}
    env["IPRGRAPH_DATA_DIR"] = str(data_dir)
    processes = ["--workers", str(workers)] if workers else []
    server = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--port", str(port), *processes],
        env=env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    server.terminate()
    raise SystemExit("the API did not become ready within 120 s")


# The agencies of the generated feeds.
AGENCIES = ("HK-CED", "MO-CS", "CN-GACC", "US-CBP", "EU-NL", "EU-DE", "EU-BE")


def seizure_shares(store: GraphStore) -> dict[str, float]:
    """Per agency of the generated feeds, the share of the seizures it may see."""
    [everything] = store.read(queries.count_visible_query(Label.SEIZURE), see=None)
    total = int(everything["count"]) or 1
    shares = {}
    for agency in AGENCIES:
        [row] = store.read(queries.count_visible_query(Label.SEIZURE), see=["*", agency])
        shares[agency] = round(int(row["count"]) / total, 3)
    return shares


def measure(
    records: int,
    seed: int,
    samples: int,
    port: int,
    data: Path | None = None,
    *,
    resolve: bool = True,
) -> dict[str, Any]:
    if data is None:
        data_dir, info = prepare(records, seed, resolve=resolve)
    else:  # a graph loaded already (say how in BENCHMARKS.md)
        data_dir, info = data, {"records": records, "seed": seed, "data_dir": str(data)}
    store = GraphStore.open(Settings(data_dir=data_dir))
    rng = random.Random(seed)
    counts = {
        "nodes": store.read(queries.COUNT_NODES_QUERY)[0]["nodes"],
        "relationships": store.read(queries.COUNT_RELATIONSHIPS_QUERY)[0]["relationships"],
    }
    parties = sorted(row["id"] for row in store.read(queries.PARTY_CLUSTERS_QUERY))
    anchors = rng.sample(parties, min(samples, len(parties)))
    pairs: list[tuple[str, str]] = []
    for anchor in anchors:
        around = neighbourhood(
            store, OPERATOR, anchor, depth=4, types=["Party", "Seizure", "Phone"]
        )
        others = sorted(n.id for n in around.nodes if n.type == "Party" and n.id != anchor)
        if others:
            pairs.append((anchor, rng.choice(others)))
    in_network = []
    for anchor in anchors:
        try:
            network_of(store, OPERATOR, anchor)
        except NotFound:
            continue
        in_network.append(anchor)

    results: dict[str, Any] = {"graph": {**info, **counts}, "anchors": len(anchors)}
    results["pairs"] = len(pairs)
    results["anchors_in_a_network"] = len(in_network)

    def run(name: str, items: list[Any], call: Callable[[Any], Any]) -> None:
        for item in items[:5]:
            call(item)  # warm caches and connections
        results[name] = percentiles([timed_ms(partial(call, item)) for item in items])
        console.print(f"{name}: {results[name]}")

    # Floor: one statement each, straight to the engine.
    run("floor_1hop", anchors, lambda a: store.read(queries.FLOOR_ONE_HOP_QUERY, id=a))
    run("floor_2hop", anchors, lambda a: store.read(queries.FLOOR_TWO_HOP_QUERY, id=a))
    run(
        "floor_shortest_path",
        pairs,
        lambda p: store.read(queries.FLOOR_SHORTEST_PATH_QUERY, source=p[0], target=p[1]),
    )
    # Store: the services.
    run("store_1hop", anchors, lambda a: neighbourhood(store, OPERATOR, a, depth=1))
    run("store_2hop", anchors, lambda a: neighbourhood(store, OPERATOR, a, depth=2))
    run("store_shortest_path", pairs, lambda p: find_paths(store, OPERATOR, p[0], p[1], max_hops=6))
    run("store_network", in_network, lambda a: network_of(store, OPERATOR, a))
    store.close()

    # API: HTTP to a server in its own process, for an investigator of the agency that
    # sees the most (the anchors it may not see are left out of these).
    store = GraphStore.open(Settings(data_dir=data_dir))
    shares = seizure_shares(store)
    agency = max(shares, key=lambda a: shares[a])
    viewer = Viewer(agency)
    key = create_principal(store, name="bench lookups", agency=agency, role="investigator").key
    seen = {row["id"] for row in profile_rows(store, anchors, viewer)}
    store.close()
    results["api_agency"] = {"agency": agency, "share_of_seizures_seen": shares[agency]}
    anchors = [a for a in anchors if a in seen]
    pairs = [p for p in pairs if p[0] in seen and p[1] in seen]
    in_network = [a for a in in_network if a in seen]
    server = _serve(data_dir, port)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Authorization": f"Bearer {key}"}
    try:

        def get(path: str, **params: Any) -> None:
            target = f"{path}?{urllib.parse.urlencode(params)}" if params else path
            connection.request("GET", target, headers=headers)
            answer = connection.getresponse()
            body = answer.read()
            if answer.status == 404 and path.endswith("/network"):
                return  # in a network over the whole graph, in none in this view
            if answer.status != 200:
                raise SystemExit(f"{path} answered {answer.status}: {body.decode()}")

        run("api_healthz", anchors, lambda a: get("/healthz"))
        run("api_1hop", anchors, lambda a: get(f"/v1/entities/{a}/neighborhood", depth=1))
        run("api_2hop", anchors, lambda a: get(f"/v1/entities/{a}/neighborhood", depth=2))
        run(
            "api_shortest_path",
            pairs,
            lambda p: get("/v1/paths", source=p[0], target=p[1], max_hops=6),
        )
        run("api_network", in_network, lambda a: get(f"/v1/entities/{a}/network"))
    finally:
        connection.close()
        server.terminate()
        server.wait(timeout=30)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--data", type=Path, default=None, help="an IPRGRAPH_DATA_DIR loaded already"
    )
    parser.add_argument(
        "--no-resolve",
        action="store_true",
        help="load without entity resolution (networks built on the unresolved graph)",
    )
    args = parser.parse_args()
    results = measure(
        args.records, args.seed, args.samples, args.port, args.data, resolve=not args.no_resolve
    )
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"lookups-{args.records}.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    table = Table(title=f"lookups at {args.records} records ({results['graph']})")
    for column in ("measurement", "p50 ms", "p99 ms", "p99/p50", "samples"):
        table.add_column(column)
    for name, value in results.items():
        if isinstance(value, dict) and "p50_ms" in value:
            table.add_row(
                name,
                str(value["p50_ms"]),
                str(value["p99_ms"]),
                str(value["p99_over_p50"]),
                str(value["samples"]),
            )
    console.print(table)
    console.print(f"written to {out}")


if __name__ == "__main__":
    main()
