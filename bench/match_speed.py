"""How fast `POST /v1/match` answers one query entity, and how many it answers per
second under load (issue 4):

- **service**: `match_parties` called in this process (no HTTP);
- **api**: over HTTP against `iprgraph serve` in its own processes (`--workers`,
  by default one per core as `serve` runs), one query entity per request, through
  one kept-alive `http.client` connection;
- **throughput**: `--concurrency` clients (threads, each with its own connection)
  sending requests back to back for `--seconds`; requests per second, and the
  latency each client saw meanwhile.

    python -m bench.match_speed --data /tmp/iprgraph-bench-lookups-10000-5/data
    python -m bench.match_speed --data /tmp/iprgraph-bench-lookups-100000-5/data

The data directory holds a graph loaded with entity resolution (bench/lookups.py
leaves one). Queries are the names of Party nodes as an agency wrote them, with the
party's country, drawn with a fixed seed; the clients, the API processes and the
database share the machine's cores. Writes bench/results/match-speed-<parties>.json.
"""

from __future__ import annotations

import argparse
import gc
import http.client
import json
import random
import threading
import time
from functools import partial
from pathlib import Path
from typing import Any

from rich.console import Console

from api.serving import settle_heap
from bench import percentiles, timed_ms
from bench.lookups import _serve, seizure_shares
from graph.access import OPERATOR
from graph.config import Settings
from graph.principals import create_principal
from graph.resolve.match import QueryParty, match_parties
from graph.resolve.score import AUTO_THRESHOLD
from graph.resolve.service import party_clusters, party_profiles
from graph.store import GraphStore

RESULTS = Path(__file__).resolve().parent / "results"
console = Console()


def _queries(store: GraphStore, parties: list[str], samples: int, seed: int) -> list[QueryParty]:
    chosen = random.Random(seed).sample(parties, min(samples, len(parties)))
    profiles = party_profiles(store, chosen)
    return [QueryParty(name=profiles[i].name, country=profiles[i].country) for i in chosen]


class _Client:
    """One kept-alive connection posting one query entity per request."""

    def __init__(self, port: int, key: str) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.headers = {"Content-Type": "application/json", "Authorization": f"Bearer {key}"}

    def match(self, query: QueryParty) -> None:
        body = json.dumps({"queries": [{"name": query.name, "country": query.country}]})
        self.connection.request("POST", "/v1/match", body=body, headers=self.headers)
        answer = self.connection.getresponse()
        text = answer.read()
        if answer.status != 200:
            raise SystemExit(f"/v1/match answered {answer.status}: {text.decode()}")

    def close(self) -> None:
        self.connection.close()


def _throughput(
    port: int, key: str, queries: list[QueryParty], concurrency: int, seconds: float
) -> dict[str, Any]:
    latencies: list[list[float]] = [[] for _ in range(concurrency)]
    failures: list[BaseException] = []
    start = threading.Barrier(concurrency + 1)
    stop_at = 0.0

    def work(index: int) -> None:
        client = _Client(port, key)
        try:
            start.wait()
            at = index
            while time.perf_counter() < stop_at:
                query = queries[at % len(queries)]
                latencies[index].append(timed_ms(partial(client.match, query)))
                at += concurrency
        except BaseException as exc:  # reported below, not lost in a thread
            failures.append(exc)
        finally:
            client.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    stop_at = time.perf_counter() + seconds
    started = time.perf_counter()
    start.wait()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if failures:
        raise SystemExit(f"a client failed: {failures[0]}")
    every = [ms for per_client in latencies for ms in per_client]
    return {
        "concurrency": concurrency,
        "seconds": round(elapsed, 1),
        "requests": len(every),
        "requests_per_s": round(len(every) / elapsed, 1),
        "latency_under_load": percentiles(every),
    }


class _Collector:
    """Python's cycle collections while in the block: per generation, how many and
    how long they took (`gc.callbacks`)."""

    def __init__(self) -> None:
        self.runs = [0, 0, 0]
        self.seconds = [0.0, 0.0, 0.0]
        self._started = 0.0

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.runs[info["generation"]] += 1
            self.seconds[info["generation"]] += time.perf_counter() - self._started

    def __enter__(self) -> _Collector:
        gc.callbacks.append(self._callback)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self._callback)

    def report(self) -> dict[str, Any]:
        return {
            "collections": {f"generation_{g}": self.runs[g] for g in range(3)},
            "seconds": round(sum(self.seconds), 3),
            "full_seconds": round(self.seconds[2], 3),
        }


def measure(
    data_dir: Path,
    samples: int,
    seed: int,
    port: int,
    concurrency: int,
    seconds: float,
    default_gc: bool = False,
    workers: int | None = None,
) -> dict[str, Any]:
    store = GraphStore.open(Settings(data_dir=data_dir))
    try:
        parties = sorted(party_clusters(store))
        queries = _queries(store, parties, samples, seed)

        def service(query: QueryParty) -> None:
            match_parties(store, OPERATOR, [query], threshold=AUTO_THRESHOLD, limit=5)

        for query in queries[:20]:
            service(query)  # warm caches and connections
        if not default_gc:
            settle_heap()  # as `iprgraph serve` does before its first request
        with _Collector() as collector:
            timings = [timed_ms(partial(service, q)) for q in queries]
        results: dict[str, Any] = {
            "data_dir": str(data_dir),
            "parties": len(parties),
            "queries": len(queries),
            "service": percentiles(timings),
            "service_collector": {"settled": not default_gc, **collector.report()},
        }
        console.print(f"service: {results['service']}")
        console.print(f"cycle collector during the service pass: {results['service_collector']}")
        # Over HTTP, as an investigator of the agency that sees the most (the API has
        # no principal that sees every record, as the operator at the command line
        # does); its answers leave out what that agency may not see.
        shares = seizure_shares(store)
        agency = max(shares, key=lambda a: shares[a])
        key = create_principal(store, name="bench match", agency=agency, role="investigator").key
        results["api_agency"] = {"agency": agency, "share_of_seizures_seen": shares[agency]}
    finally:
        store.close()

    # `_serve` drops this process's IPRGRAPH_ variables, so the default is `serve`'s
    # own (one per core); passed explicitly, so that the figure names what served.
    results["api_workers"] = workers or Settings(api_workers=0).api_processes
    server = _serve(data_dir, port, results["api_workers"])
    client = _Client(port, key)
    try:
        for query in queries[:20]:
            client.match(query)
        results["api"] = percentiles([timed_ms(partial(client.match, q)) for q in queries])
        console.print(f"api: {results['api']}")
        results["throughput"] = _throughput(port, key, queries, concurrency, seconds)
        console.print(f"throughput: {results['throughput']}")
    finally:
        client.close()
        server.terminate()
        server.wait(timeout=30)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="an IPRGRAPH_DATA_DIR")
    parser.add_argument("--samples", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument(
        "--default-gc",
        action="store_true",
        help="measure the service under Python's default cycle collector instead of "
        "settled as `iprgraph serve` runs (api/serving.py)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="API processes (default: as `iprgraph serve`, one per core)",
    )
    args = parser.parse_args()
    results = measure(
        args.data,
        args.samples,
        args.seed,
        args.port,
        args.concurrency,
        args.seconds,
        default_gc=args.default_gc,
        workers=args.workers,
    )
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"match-speed-{results['parties']}.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    console.print(f"written to {out}")


if __name__ == "__main__":
    main()
