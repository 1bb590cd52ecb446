"""One principal floods heavy calls; how fast is another's seizure lookup (issue 24)?

    python -m bench.flood --records 10000 --seed 5

`iprgraph serve` runs in its own processes (one per core, the default) on a
generated graph (kept under /tmp for the next run of the same size and seed). A
second principal looks seizures up one after another, first alone, then while a
first principal keeps 8 broad path searches running at once (`mode=k`, `k=10`,
`max_hops=8`, each thread sending the next as soon as an answer comes: a flood that
ignores `Retry-After`). Twice: with the heavy-call limits out of the way
(IPRGRAPH_API_HEAVY_CONCURRENT=64, IPRGRAPH_API_HEAVY_PER_MINUTE=10000: as before
them), then with the defaults. Writes bench/results/flood-<records>.json and prints
a table; timings are never asserted in tests.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from rich.table import Table

from bench import percentiles
from bench.governed import _serve
from bench.lookups import _cli
from graph import queries
from graph.config import Settings
from graph.principals import create_principal
from graph.store import GraphStore

RESULTS = Path(__file__).resolve().parent / "results"
REPO = Path(__file__).resolve().parent.parent
console = Console()
FLOODERS = 8


def prepare(records: int, seed: int) -> Path:
    root = Path(f"/tmp/iprgraph-bench-flood-{records}-{seed}")
    data_dir = root / "data"
    if (root / "loaded").exists():
        return data_dir
    feeds = root / "feeds"
    _cli(data_dir, "generate", "--records", str(records), "--seed", str(seed), "--out", str(feeds))
    _cli(data_dir, "ingest", str(feeds), "--json")
    (root / "loaded").touch()
    return data_dir


def serve(data_dir: Path, port: int, **env_extra: str) -> subprocess.Popen[bytes]:
    return _serve(Path(sys.executable), REPO, data_dir, port, workers=None, **env_extra)


def seizure_ids(port: int, data_dir: Path, key: str, count: int) -> list[str]:
    """Seizures the other principal may see, as it lists them."""
    server = serve(data_dir, port)
    try:
        with httpx.Client(
            base_url=f"http://127.0.0.1:{port}",
            timeout=60,
            headers={"Authorization": f"Bearer {key}"},
        ) as client:
            page = client.get("/v1/seizures", params={"limit": min(count, 200)}).json()
    finally:
        server.terminate()
        server.wait(timeout=60)
    return [item["id"] for item in page["items"]]


def lookups(client: httpx.Client, ids: list[str], samples: int) -> list[float]:
    timings = []
    for seizure in ids[:samples]:
        started = time.perf_counter()
        answer = client.get(f"/v1/seizures/{seizure}")
        timings.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == 200, answer.text
    return timings


def run(
    base_url: str, keys: dict[str, str], ids: list[str], pairs: list[tuple[str, str]], samples: int
) -> dict[str, Any]:
    other = httpx.Client(
        base_url=base_url, timeout=120, headers={"Authorization": f"Bearer {keys['other']}"}
    )
    lookups(other, ids, 20)  # warm
    alone = lookups(other, ids, samples)
    stop = threading.Event()
    outcomes: Counter[int] = Counter()
    lock = threading.Lock()

    def flood(number: int) -> None:
        rng = random.Random(number)
        with httpx.Client(
            base_url=base_url, timeout=120, headers={"Authorization": f"Bearer {keys['flooder']}"}
        ) as client:
            while not stop.is_set():
                source, target = rng.choice(pairs)
                answer = client.get(
                    "/v1/paths",
                    params={
                        "source": source,
                        "target": target,
                        "mode": "k",
                        "k": 10,
                        "max_hops": 8,
                    },
                )
                with lock:
                    outcomes[answer.status_code] += 1

    threads = [threading.Thread(target=flood, args=(n,)) for n in range(FLOODERS)]
    for thread in threads:
        thread.start()
    time.sleep(3)  # the flood under way
    started = time.perf_counter()
    flooded = lookups(other, ids, samples)
    seconds = time.perf_counter() - started
    stop.set()
    for thread in threads:
        thread.join()
    other.close()
    return {
        "alone_ms": percentiles(alone),
        "flooded_ms": percentiles(flooded),
        "flood_answers": dict(outcomes),
        "flood_seconds": round(seconds + 3, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--samples", type=int, default=100)
    parser.add_argument("--port", type=int, default=8791)
    args = parser.parse_args()
    data_dir = prepare(args.records, args.seed)
    settings = Settings(data_dir=data_dir)
    with GraphStore.open(settings) as store:
        keys = {
            name: create_principal(
                store, name=f"bench {name}", agency="HK-CED", role="investigator"
            ).key
            for name in ("flooder", "other")
        }
        parties = sorted(row["id"] for row in store.read(queries.PARTY_CLUSTERS_QUERY))
    rng = random.Random(args.seed)
    # Two parties drawn at random: most are far apart or not linked at all, so each
    # search walks as far as max_hops allows.
    pairs = [tuple(rng.sample(parties, 2)) for _ in range(200)]
    ids = seizure_ids(args.port, data_dir, keys["other"], args.samples + 20)
    results: dict[str, Any] = {"records": args.records, "flooders": FLOODERS}
    runs = {
        "limits off (as before)": {
            "IPRGRAPH_API_HEAVY_CONCURRENT": "64",
            "IPRGRAPH_API_HEAVY_PER_MINUTE": "10000",
        },
        "limits on (defaults)": {},
    }
    for name, env in runs.items():
        server = serve(data_dir, args.port, **env)
        try:
            results[name] = run(f"http://127.0.0.1:{args.port}", keys, ids, pairs, args.samples)  # type: ignore[arg-type]
        finally:
            server.terminate()
            server.wait(timeout=60)
        console.print(name, results[name])
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"flood-{args.records}.json").write_text(json.dumps(results, indent=2))
    table = Table(title=f"seizure lookup of another principal, {args.records:,} records (ms)")
    for column in ("run", "alone p50", "alone p99", "flooded p50", "flooded p99", "flood answers"):
        table.add_column(column)
    for name in runs:
        r = results[name]
        table.add_row(
            name,
            str(r["alone_ms"]["p50_ms"]),
            str(r["alone_ms"]["p99_ms"]),
            str(r["flooded_ms"]["p50_ms"]),
            str(r["flooded_ms"]["p99_ms"]),
            str(r["flood_answers"]),
        )
    console.print(table)


if __name__ == "__main__":
    main()
