"""What governed access costs: the same requests to this code (an investigator's key,
every answer computed over what its agency sees, every call audited) and to the code
before it (a checkout of the commit before governed access, no keys, everything
shown), alternating, on the same records and the same graph server.

    python -m bench.governed --old /path/to/checkout-of-f2ec249 --records 100000 --seed 5
    python -m bench.governed --old ... --data /path/to/loaded/data   # a graph loaded already

The old checkout needs its own virtualenv (`python -m venv .venv && .venv/bin/pip
install -e .`); it serves the graph this code loaded (it ignores what it does not
know: visibility tokens, views). The investigator's agency is the one that sees the
share of the seizures closest to half. Each request is sent to both APIs in turn
(old first on even samples, new first on odd ones) over kept-alive connections, one
API process each.

Also measured, in this process: the audit's cost per call (`AuditLog.append` of an
entry as the middleware writes it) and how fast `verify` reads a chain.
Writes bench/results/governed-<records>.json; timings are never asserted in tests.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from rich.table import Table

from api.audit import AuditLog, verify
from bench import percentiles
from bench.lookups import prepare, seizure_shares
from graph import queries
from graph.access import Viewer
from graph.analysis.neighbourhood import neighbourhood
from graph.config import Settings
from graph.principals import create_principal
from graph.resolve.service import profile_rows
from graph.store import GraphStore

RESULTS = Path(__file__).resolve().parent / "results"
REPO = Path(__file__).resolve().parent.parent
console = Console()


def _serve(
    python: Path, cwd: Path, data_dir: Path, port: int, workers: int | None = 1, **env_extra: str
) -> subprocess.Popen[bytes]:
    """`iprgraph serve` of the checkout `cwd` on `data_dir`, once it answers
    /readyz (`workers` None: the default, one process per core)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("IPRGRAPH_")}
    env["IPRGRAPH_DATA_DIR"] = str(data_dir)
    env.update(env_extra)
    command = [str(python), "-m", "api.cli", "serve", "--port", str(port)]
    if workers is not None:
        command += ["--workers", str(workers)]
    server = subprocess.Popen(
        command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    server.terminate()
    raise SystemExit(f"the API from {cwd} did not become ready within 180 s")


class _Client:
    """One kept-alive connection (httpx adds half a millisecond of its own), opened
    again when the server closed it while idle (uvicorn does after 5 s)."""

    def __init__(self, port: int, key: str | None) -> None:
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.headers = {"Authorization": f"Bearer {key}"} if key else {}

    def call(self, method: str, path: str, body: Any = None, **params: Any) -> float:
        target = f"{path}?{urllib.parse.urlencode(params)}" if params else path
        headers = dict(self.headers)
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        for attempt in range(2):
            started = time.perf_counter()
            try:
                self.connection.request(method, target, body=data, headers=headers)
                answer = self.connection.getresponse()
                payload = answer.read()
                break
            except (http.client.RemoteDisconnected, ConnectionError):
                self.connection.close()
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
                if attempt:
                    raise
        elapsed = (time.perf_counter() - started) * 1000
        if answer.status != 200:
            raise SystemExit(f"{method} {path} answered {answer.status}: {payload[:300]!r}")
        return elapsed


def _audit_cost(entries: int = 20_000) -> dict[str, Any]:
    entry = {
        "at": "2026-12-06T12:00:00.000000+00:00",
        "request_id": "0" * 32,
        "principal": "prn:0123456789abcdef",
        "name": "HK C&E investigator",
        "agency": "HK-CED",
        "role": "investigator",
        "method": "GET",
        "route": "/v1/entities/{node_id}/neighborhood",
        "path": "/v1/entities/party:0123456789abcdef01234567/neighborhood",
        "query": {"depth": "2"},
        "body": None,
        "status": 200,
        "items": 87,
        "reason": None,
        "ms": 9.1,
        "pid": 1234,
    }
    with tempfile.TemporaryDirectory() as directory:
        log = AuditLog(Path(directory))
        samples = []
        for _ in range(entries):
            started = time.perf_counter()
            log.append(entry)
            samples.append((time.perf_counter() - started) * 1000)
        log.close()
        started = time.perf_counter()
        result = verify(Path(directory))
        seconds = time.perf_counter() - started
        assert result.intact and result.entries == entries
        size = (Path(directory) / "audit.ndjson").stat().st_size
    return {
        "append": percentiles(samples),
        "verify_entries_per_s": round(entries / seconds),
        "bytes_per_entry": round(size / entries),
    }


def measure(old: Path, records: int, seed: int, samples: int, data: Path | None) -> dict[str, Any]:
    data_dir = data if data is not None else prepare(records, seed)[0]
    settings = Settings(data_dir=data_dir)
    store = GraphStore.open(settings)
    shares = seizure_shares(store)
    agency = min(shares, key=lambda a: abs(shares[a] - 0.5))
    viewer = Viewer(agency)
    key = create_principal(store, name="bench investigator", agency=agency, role="investigator").key
    rng = random.Random(seed)
    # Anchors the investigator may see (the old code answers for them too).
    parties = sorted(row["id"] for row in store.read(queries.PARTY_CLUSTERS_QUERY))
    seen = {row["id"] for row in profile_rows(store, rng.sample(parties, 4 * samples), viewer)}
    anchors = sorted(seen)[:samples]
    rng.shuffle(anchors)
    pairs = []
    for anchor in anchors[: samples // 2]:
        around = neighbourhood(store, viewer, anchor, depth=4, types=["Party", "Seizure", "Phone"])
        others = sorted(n.id for n in around.nodes if n.type == "Party" and n.id != anchor)
        if others:
            pairs.append((anchor, rng.choice(others)))
    names = [row["name"] for row in profile_rows(store, anchors, viewer) if row["name"]][:samples]
    store.close()

    old_python = old / ".venv" / "bin" / "python"
    servers = {
        "old": _serve(old_python, old, data_dir, 8771),
        "new": _serve(Path(sys.executable), REPO, data_dir, 8772),
    }
    clients = {"old": _Client(8771, None), "new": _Client(8772, key)}
    timings: dict[str, dict[str, list[float]]] = {
        kind: {"old": [], "new": []} for kind in ("1hop", "2hop", "path", "match", "stats")
    }

    def both(
        kind: str, index: int, method: str, path: str, body: Any = None, **params: Any
    ) -> None:
        order = ("old", "new") if index % 2 == 0 else ("new", "old")
        for side in order:
            timings[kind][side].append(clients[side].call(method, path, body, **params))

    try:
        for side in ("old", "new"):  # warm both servers and the graph's caches
            for anchor in anchors[:20]:
                clients[side].call("GET", f"/v1/entities/{anchor}/neighborhood", depth=2)
        for index, anchor in enumerate(anchors):
            both("1hop", index, "GET", f"/v1/entities/{anchor}/neighborhood", depth=1)
            both("2hop", index, "GET", f"/v1/entities/{anchor}/neighborhood", depth=2)
        for index, (source, target) in enumerate(pairs):
            both("path", index, "GET", "/v1/paths", source=source, target=target, max_hops=6)
        for index, name in enumerate(names):
            both("match", index, "POST", "/v1/match", {"queries": [{"name": name}]})
        for index in range(min(samples, 100)):
            year = 2020 + index % 5
            both(
                "stats",
                index,
                "GET",
                "/v1/stats/seizures",
                **{"from": f"{year}-01-01", "to": f"{year}-12-31", "group_by": "transport_mode"},
            )
    finally:
        for server in servers.values():
            server.terminate()
            server.wait(timeout=30)

    results: dict[str, Any] = {
        "graph": {"data_dir": str(data_dir), "records": records, "seed": seed},
        "agency": agency,
        "shares_of_seizures_seen": shares,
        "old_checkout": str(old),
    }
    for kind, sides in timings.items():
        old_p, new_p = percentiles(sides["old"]), percentiles(sides["new"])
        results[kind] = {
            "old": old_p,
            "new": new_p,
            "ratio_p50": round(new_p["p50_ms"] / old_p["p50_ms"], 2),
            "ratio_p99": round(new_p["p99_ms"] / old_p["p99_ms"], 2),
            "median_of_pair_ratios": round(
                statistics.median(n / o for o, n in zip(sides["old"], sides["new"], strict=True)),
                2,
            ),
        }
    results["audit"] = _audit_cost()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", type=Path, required=True, help="checkout of the commit before")
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--data", type=Path, default=None, help="an IPRGRAPH_DATA_DIR loaded")
    args = parser.parse_args()
    results = measure(args.old, args.records, args.seed, args.samples, args.data)
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"governed-{args.records}.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    table = Table(
        title=f"governed ({results['agency']}) against ungoverned, {args.records} records"
    )
    for column in ("request", "old p50", "new p50", "old p99", "new p99", "p50 x", "p99 x"):
        table.add_column(column)
    for kind in ("1hop", "2hop", "path", "match", "stats"):
        row = results[kind]
        table.add_row(
            kind,
            str(row["old"]["p50_ms"]),
            str(row["new"]["p50_ms"]),
            str(row["old"]["p99_ms"]),
            str(row["new"]["p99_ms"]),
            str(row["ratio_p50"]),
            str(row["ratio_p99"]),
        )
    console.print(table)
    console.print(f"audit: {results['audit']}")
    console.print(f"written to {out}")


if __name__ == "__main__":
    main()
