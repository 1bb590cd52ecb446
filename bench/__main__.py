"""`python -m bench [NAME ...]`: run measurements, write bench/results/latest.json.

Each measurement is a function registered in MEASUREMENTS; later work adds its own.
Timings are measured here, never asserted in tests.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import platform
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psutil
from rich.console import Console
from rich.table import Table

from bench import percentiles
from bench.lookups import measure as measure_lookups
from graph.embedded import EmbeddedServer
from graph.schema import ensure_schema
from graph.store import GraphStore

RESULTS = Path(__file__).resolve().parent / "results"
console = Console()
Measurement = Callable[[Path], dict[str, Any]]
MEASUREMENTS: dict[str, Measurement] = {}


def measurement(name: str) -> Callable[[Measurement], Measurement]:
    def register(function: Measurement) -> Measurement:
        MEASUREMENTS[name] = function
        return function

    return register


class _PeakRss:
    """Highest resident memory of this process while the block runs (sampled)."""

    def __init__(self, interval_s: float = 0.05) -> None:
        self.interval_s = interval_s
        self.mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        process = psutil.Process()
        while not self._stop.is_set():
            self.mb = max(self.mb, process.memory_info().rss / 2**20)
            self._stop.wait(self.interval_s)

    def __enter__(self) -> _PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


@measurement("server")
def server_start_and_round_trip(workdir: Path) -> dict[str, Any]:
    """Embedded server: cold start (new data dir), warm start (existing data), round trip."""
    server = EmbeddedServer(workdir / "server" / "embedded")
    started = time.perf_counter()
    server.start()
    cold_s = time.perf_counter() - started
    server.stop()
    started = time.perf_counter()
    info = server.start()
    warm_s = time.perf_counter() - started
    credentials = server.credentials()
    try:
        with GraphStore(info.uri, credentials.user, credentials.password, "iprgraph") as store:
            ensure_schema(store)
            for _ in range(50):  # connection pool and JIT warm-up
                store.read("RETURN 1 AS ok")
            samples = []
            for _ in range(1000):
                begin = time.perf_counter()
                store.read("RETURN 1 AS ok")
                samples.append((time.perf_counter() - begin) * 1000)
        rss_mb = psutil.Process(info.pid).memory_info().rss / 2**20
    finally:
        server.stop()
    return {
        "cold_start_s": round(cold_s, 2),
        "warm_start_s": round(warm_s, 2),
        "round_trip": percentiles(samples, digits=3),
        "server_rss_mb_idle": round(rss_mb),
    }


@contextlib.contextmanager
def _new_database(server: EmbeddedServer, database: str) -> Iterator[GraphStore]:
    """A store on a new database of the (started) server, with the schema created."""
    info = server.start()
    credentials = server.credentials()
    server.create_database(database)
    with GraphStore(info.uri, credentials.user, credentials.password, database) as store:
        ensure_schema(store)
        yield store


def _load_all(store: GraphStore, feeds: Path, workdir: Path, **loader: Any) -> int:
    """Load every feed of a generated folder (its manifest); the records loaded."""
    from graph.load import Loader
    from ingest.manifest import read_manifest

    load = Loader(store, workdir / "quarantine", **loader).load_file
    return sum(
        load(feed.path, feed.profile, agency=feed.agency).loaded for feed in read_manifest(feeds)
    )


def _load_feeds(
    server: EmbeddedServer, database: str, feeds: Path, workdir: Path, batch_size: int
) -> tuple[int, float, float]:
    """Load a generated folder into a new database: (records loaded, seconds, peak MiB)."""
    with _new_database(server, database) as store, _PeakRss() as peak:
        started = time.perf_counter()
        loaded = _load_all(store, feeds, workdir, batch_size=batch_size)
        elapsed = time.perf_counter() - started
    return loaded, elapsed, peak.mb


@measurement("load")
def load_rate_small(workdir: Path) -> dict[str, Any]:
    """Generated multi-agency feeds loaded through the batched loader (records/s)."""
    return load_rate(workdir, sizes=(2_000, 10_000))


def load_rate(workdir: Path, sizes: tuple[int, ...]) -> dict[str, Any]:
    from ingest.feed import DEFAULT_BATCH_SIZE
    from ingest.generate import generate

    server = EmbeddedServer(workdir / "load" / "embedded")
    results: dict[str, Any] = {}
    try:
        for size in sizes:
            feeds = workdir / f"feeds-{size}"
            generate(size, 1, feeds)
            loaded, elapsed, peak_mb = _load_feeds(
                server, f"load{size}", feeds, workdir, DEFAULT_BATCH_SIZE
            )
            results[str(size)] = {
                "records_loaded": loaded,
                "seconds": round(elapsed, 1),
                "records_per_s": round(loaded / elapsed, 1),
                "loader_peak_rss_mb": round(peak_mb),
            }
    finally:
        server.stop()
    return results


@measurement("load_100k")
def load_rate_100k(workdir: Path) -> dict[str, Any]:
    """The ingest goal's size: 100k generated records (several minutes)."""
    return load_rate(workdir, sizes=(100_000,))


@measurement("resolution")
def resolution(workdir: Path, records: int = 10_000, added: int = 1_000) -> dict[str, Any]:
    """Full resolve after a load, incremental resolve after 1k more records, and
    `/match` latency (one query entity, through the service) on the result."""
    import json as json_module
    import random

    from graph.access import OPERATOR
    from graph.resolve.match import QueryParty, match_parties
    from graph.resolve.score import AUTO_THRESHOLD
    from graph.resolve.service import evaluate_store, resolve
    from ingest.generate import generate

    feeds, extra = workdir / "resolution-feeds", workdir / "resolution-extra"
    generate(records, 5, feeds)
    generate(added, 6, extra)
    server = EmbeddedServer(workdir / "resolution" / "embedded")
    try:
        with _new_database(server, "resolution") as store:
            _load_all(store, feeds, workdir)
            full = resolve(store)
            truth = json_module.loads((feeds / "truth.json").read_text(encoding="utf-8"))
            quality = evaluate_store(store, truth)
            _load_all(store, extra, workdir)
            incremental = resolve(store)
            names = [m["name"] for m in truth["mentions"]]
            random.Random(1).shuffle(names)
            samples = []
            for name in names[:50]:  # warm-up
                match_parties(
                    store, OPERATOR, [QueryParty(name=name)], threshold=AUTO_THRESHOLD, limit=5
                )
            for name in names[50:550]:
                started = time.perf_counter()
                match_parties(
                    store, OPERATOR, [QueryParty(name=name)], threshold=AUTO_THRESHOLD, limit=5
                )
                samples.append((time.perf_counter() - started) * 1000)
    finally:
        server.stop()
    return {
        "records": records,
        "full_resolve": full.as_dict(),
        "incremental_resolve_after": added,
        "incremental_resolve": incremental.as_dict(),
        "pairwise": {k: round(v, 4) for k, v in quality["pairwise"].items()},
        "clusters": {k: round(v, 4) for k, v in quality["clusters"].items()},
        "parties_naming_several_entities": quality["parties_naming_several_entities"],
        "match_one_query_ms": percentiles(samples, digits=3),
    }


@measurement("batching")
def batched_against_per_record(workdir: Path, records: int = 1000) -> dict[str, Any]:
    """The same records through the batched loader and one record per transaction."""
    from ingest.generate import generate

    feeds = workdir / "batching-feeds"
    generate(records, 2, feeds)
    server = EmbeddedServer(workdir / "batching" / "embedded")
    rates: dict[str, float] = {}
    try:
        for name, batch_size in (("batched_500", 500), ("per_record", 1)):
            loaded, elapsed, _ = _load_feeds(server, name, feeds, workdir, batch_size)
            rates[name] = loaded / elapsed
    finally:
        server.stop()
    return {
        "records": records,
        "batched_records_per_s": round(rates["batched_500"], 1),
        "per_record_records_per_s": round(rates["per_record"], 1),
        "ratio": round(rates["batched_500"] / rates["per_record"], 1),
    }


@measurement("load_statements")
def load_statements(workdir: Path, records: int = 5_000) -> dict[str, Any]:
    """Where a load's database time goes: generated feeds loaded into a new database
    with every statement of the writer timed (`graph.store.Tx.run` wrapped)."""
    from graph.store import Tx
    from ingest.generate import generate

    feeds = workdir / f"statement-feeds-{records}"
    generate(records, 1, feeds)
    seconds: dict[str, float] = {}
    rows: dict[str, int] = {}
    calls: dict[str, int] = {}
    run = Tx.run

    def timed(tx: Tx, query: str, **params: Any) -> list[dict[str, Any]]:
        started = time.perf_counter()
        try:
            return run(tx, query, **params)
        finally:
            key = " ".join(query.split())[:100]
            seconds[key] = seconds.get(key, 0.0) + time.perf_counter() - started
            calls[key] = calls.get(key, 0) + 1
            rows[key] = rows.get(key, 0) + sum(
                len(value) for value in params.values() if isinstance(value, list)
            )

    server = EmbeddedServer(workdir / "statements" / "embedded")
    Tx.run = timed  # type: ignore[method-assign]
    try:
        loaded, elapsed, _ = _load_feeds(server, "statements", feeds, workdir, 500)
    finally:
        Tx.run = run  # type: ignore[method-assign]
        server.stop()
    ranked = sorted(seconds, key=lambda key: -seconds[key])
    return {
        "records_loaded": loaded,
        "seconds": round(elapsed, 1),
        "in_statements_s": round(sum(seconds.values()), 1),
        "statements": [
            {
                "statement": key,
                "calls": calls[key],
                "rows": rows[key],
                "seconds": round(seconds[key], 2),
                "us_per_row": round(1e6 * seconds[key] / max(rows[key], 1), 1),
            }
            for key in ranked
        ],
    }


@measurement("networks")
def networks(workdir: Path, records: int = 10_000, seed: int = 5) -> dict[str, Any]:
    """`networks build` after a load and a full resolve, a rebuild of the same graph,
    the figures against the ground truth, and network lookups through the service."""
    import json as json_module

    from graph import queries
    from graph.access import OPERATOR
    from graph.analysis.network_eval import evaluate_networks
    from graph.analysis.networks import (
        build_networks,
        get_network,
        list_networks,
        network_of,
        party_networks,
    )
    from graph.resolve.service import resolve
    from ingest.generate import generate

    feeds = workdir / f"networks-feeds-{records}"
    generate(records, seed, feeds)
    server = EmbeddedServer(workdir / "networks" / "embedded")
    try:
        with _new_database(server, "networks") as store:
            started = time.perf_counter()
            _load_all(store, feeds, workdir)
            load_s = time.perf_counter() - started
            resolved = resolve(store)
            relationships = store.read(queries.COUNT_RELATIONSHIPS_QUERY)[0]["relationships"]
            with _PeakRss() as peak:
                first = build_networks(store)
            again = build_networks(store)
            truth = json_module.loads((feeds / "truth.json").read_text(encoding="utf-8"))
            quality = evaluate_networks(store, truth)
            ids = [n.id for n in list_networks(store, OPERATOR, limit=200).items]
            members = sorted(party for party, net in party_networks(store).items() if net)
            lookups: dict[str, list[float]] = {"network_of": [], "get_network": [], "list": []}
            for _ in range(2):  # the first round warms up; the second is measured
                for key in lookups:
                    lookups[key] = []
                for party in members[:100]:
                    begin = time.perf_counter()
                    network_of(store, OPERATOR, party)
                    lookups["network_of"].append((time.perf_counter() - begin) * 1000)
                for network in ids[:100]:
                    begin = time.perf_counter()
                    get_network(store, OPERATOR, network)
                    lookups["get_network"].append((time.perf_counter() - begin) * 1000)
                for _ in range(50):
                    begin = time.perf_counter()
                    list_networks(store, OPERATOR, min_jurisdictions=2, limit=50)
                    lookups["list"].append((time.perf_counter() - begin) * 1000)
    finally:
        server.stop()
    return {
        "records": records,
        "seed": seed,
        "relationships": relationships,
        "load_s": round(load_s, 1),
        "resolve_s": round(resolved.seconds, 1),
        "build": first.as_dict(),
        "build_peak_rss_mb": round(peak.mb),
        "rebuild": again.as_dict(),
        "evaluation": quality,
        "lookups_ms": {
            key: percentiles(samples, digits=3) for key, samples in lookups.items() if samples
        },
    }


@measurement("realnames")
def realnames(workdir: Path) -> dict[str, Any]:
    """Resolution and /v1/match on real names beside OpenSanctions' logic-v2
    (bench/realnames.py, bench/realnames_match.py)."""
    from bench import realnames as bench_realnames

    corpus = bench_realnames.CORPUS_BESIDE
    if not corpus.exists():
        corpus = bench_realnames.SAMPLE
    report = bench_realnames.measure(corpus, "all", with_logic_v2=True, match_queries=2000)
    bench_realnames.print_report(report)
    from bench.realnames_match import print_match

    print_match(report["match"])
    return report


@measurement("lookups")
def lookups(workdir: Path) -> dict[str, Any]:
    """Neighbourhood, path and network lookups at 10k records: API, store and the
    floor of one hand-written statement (bench/lookups.py; 100k: run it directly)."""
    return measure_lookups(10_000, 5, 200, 8765)


@measurement("pictures")
def pictures(workdir: Path) -> dict[str, Any]:
    """Pictures of 200, 2,000 and 10,000 entities: render time, page size, and the
    layout's settle time in headless chromium, alone and framed as the workspace
    frames it (bench/pictures.py; needs /usr/bin/chromium or IPRGRAPH_CHROMIUM)."""
    from bench import pictures as bench_pictures

    folder = workdir / "pictures"
    folder.mkdir(parents=True, exist_ok=True)
    rows = bench_pictures.measure([200, 2_000, 10_000], repeat=3, settles=3, out=folder)
    return {str(row["entities"]): row for row in rows}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("names", nargs="*", choices=[*MEASUREMENTS, []], default=[])
    args = parser.parse_args()
    names = args.names or list(MEASUREMENTS)
    report: dict[str, Any] = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {
            "cpus": psutil.cpu_count(),
            "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
            "python": platform.python_version(),
        },
    }
    with tempfile.TemporaryDirectory(prefix="iprgraph-bench-") as tmp:
        for name in names:
            with console.status(f"measuring {name}..."):
                report[name] = MEASUREMENTS[name](Path(tmp))
            console.print(f"[bold]{name}[/]: {json.dumps(report[name])}")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / "latest.json"
    out.write_text(json.dumps(report, indent=2) + "\n")
    table = Table(title=f"written to {out}")
    table.add_column("measurement")
    table.add_column("result")
    for name in names:
        table.add_row(name, json.dumps(report[name]))
    console.print(table)


if __name__ == "__main__":
    main()
