"""Freshness: how long new seizures take to be loaded, resolved, in their networks
and to raise their alerts, in a graph of 100k records (issue 27).

    python -m bench.freshness --source /tmp/iprgraph-bench-lookups-100000-5/data \
        --copy /tmp/bench27-data --records 1000

The source data directory (a graph loaded by `python -m bench.lookups`) is copied
first (`cp -a`) and never written to; the copy's embedded server is stopped at the
end. New records continue the loaded world: `iprgraph generate --continue` on the
folder the source graph was loaded from (`--feeds`, by default the `feeds` folder
next to the source) writes seizures dated after its newest, with new record ids,
about the same parties and planted networks (some rotating to a new front, some
seized in a new jurisdiction or on a new route) and new parties. Each agency of the
pushed records watches the entities of 30 of their shippers. Measured, once:

1. `push`: the batch pushed over HTTP (`POST /v1/records`, one call per agency, all
   at once) to the API served in this process, until the last call answers
   (loaded, resolved, in networks, alerts raised), with the pipeline's phases;
2. `cli`: another such batch ingested by `iprgraph ingest` (one NDJSON file);
3. `one record`: a record of a watched entity pushed alone, until its alert is
   listed by `GET /v1/alerts` (`SINGLES` times);
4. the incremental network updates of 1 and 2 against one full rebuild.

`--records 0` measures only 3, `--singles N` times (each in a warm server and API,
as an agency's pushes meet them). With `--same-day` the single records are dated the
day after the graph's newest seizure, all of them, as a day of real-time pushes is:
the first moves every view's newest day (the day every network's recency is
counted to when read), the others do not; without it they keep the continued
world's dates, about three seizures a day, so that every few pushes move the day.

Writes bench/results/freshness-<records>.json and prints a table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from rich.table import Table

from bench import percentiles
from graph.access import Viewer
from graph.analysis.networks import build_networks
from graph.config import Settings
from graph.errors import NotFound
from graph.live import queries as live
from graph.live.watches import WatchKind, create_watch
from graph.principals import create_principal
from graph.resolve.evaluate import read_writes
from graph.schema import ensure_schema
from graph.store import GraphStore
from ingest.normalised import party_identity

RESULTS = Path(__file__).resolve().parent / "results"
REPO = Path(__file__).resolve().parent.parent
console = Console()


def _continued(feeds: Path, out: Path, count: int, seed: int) -> list[dict[str, Any]]:
    """`count` new seizures of the world of `feeds` (`iprgraph generate --continue`),
    as canonical records in date order; the malformed rows it plants are left out."""
    if not (out / "truth.json").exists():
        started = time.perf_counter()
        done = subprocess.run(
            [
                *(sys.executable, "-m", "api.cli", "generate", "--continue", str(feeds)),
                *("--records", str(count), "--seed", str(seed), "--out", str(out)),
            ],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise SystemExit(f"generate --continue failed:\n{done.stderr}")
        console.print(f"continued the world of {feeds} in {time.perf_counter() - started:.0f} s")
    writes = sorted(read_writes(out), key=lambda w: (w.props["seizure_date"], w.id))
    return [json.loads(w.props["record"]) for w in writes]


# Records pushed alone until their alert is listed: each push runs the whole
# pipeline, minutes when its network update is a full build.
SINGLES = 3


def _save(out: dict[str, Any]) -> None:
    """The figures so far (a long run that stops keeps what it measured)."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"freshness-{out['records']}.json"
    path.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")


def _newest(store: GraphStore) -> dt.date:
    rows = store.read(live.NEWEST_SEIZURE_QUERY)
    return dt.date.fromisoformat(max(str(row["newest"])[:10] for row in rows if row["newest"]))


def measure(
    source: Path,
    target: Path,
    records: int,
    seed: int,
    feeds: Path | None = None,
    singles_count: int = SINGLES,
    same_day: bool = False,
) -> dict[str, Any]:
    from api.app import create_app
    from api.serving import settle_heap
    from tests.helpers import serve_in_thread

    if not target.exists():
        started = time.perf_counter()
        subprocess.run(["cp", "-a", str(source), str(target)], check=True)
        console.print(f"copied {source} in {time.perf_counter() - started:.0f} s")
    settings = Settings(data_dir=target)
    feeds = feeds or source.parent / "feeds"
    continuation = target.parent / f"bench27-continued-{records}-{seed}"
    out: dict[str, Any] = {"records": records, "same_day": same_day}
    with GraphStore.open(settings) as store:
        ensure_schema(store)
        newest = _newest(store)
        # Two batches and a few singles, with room for the malformed rows left out.
        wanted = 2 * records + 2 * singles_count
        drawn = _continued(feeds, continuation, wanted + wanted // 50 + 20, seed)
        assert drawn[0]["seizure_date"] > newest.isoformat(), "not after the graph's newest"
        pushed, ingested = drawn[:records], drawn[records : 2 * records]
        singles = drawn[-2 * singles_count :]
        if same_day:
            today = (newest + dt.timedelta(days=1)).isoformat()
            singles = [{**record, "seizure_date": today} for record in singles]
        by_agency: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for record in pushed:
            by_agency[record["agency"]].append(record)
        watched = 0
        for agency in sorted({*by_agency, *(r["agency"] for r in singles)}):
            viewer = Viewer(agency=agency, principal="bench")
            for record in by_agency.get(agency, [])[:30] + singles:
                shipper = record.get("shipper")
                if not shipper:
                    continue
                ident = party_identity(shipper["name"], shipper.get("country"))
                try:
                    create_watch(store, viewer, WatchKind.ENTITY, ident.id)
                    watched += 1
                except NotFound:
                    pass
        out["watches"] = watched
        keys = {
            agency: create_principal(store, name="bench feed", agency=agency, role="feed").key
            for agency in {*by_agency, *(r["agency"] for r in singles)}
        }
        reader = {
            agency: create_principal(
                store, name="bench reader", agency=agency, role="investigator"
            ).key
            for agency in {r["agency"] for r in singles}
        }

    app = create_app(settings.model_copy(update={"api_max_push_records": max(5000, records)}))
    settle_heap()  # as `iprgraph serve` does before its first request
    with serve_in_thread(app) as base_url, httpx.Client(base_url=base_url, timeout=900) as client:
        # 1. The batch pushed, one call per agency, all at once (as agencies do:
        # loads run side by side, what follows them works on what is queued).
        answers: list[dict[str, Any]] = []

        def push(agency: str, items: list[dict[str, Any]]) -> None:
            with httpx.Client(base_url=base_url, timeout=1800) as own:
                answer = own.post(
                    "/v1/records", json=items, headers={"Authorization": f"Bearer {keys[agency]}"}
                )
            answer.raise_for_status()
            answers.append({**answer.json(), "agency": agency, "at_s": time.perf_counter()})

        started = time.perf_counter()
        threads = [
            threading.Thread(target=push, args=(agency, items))
            for agency, items in sorted(by_agency.items())
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        out["push_s"] = round(time.perf_counter() - started, 2)
        out["push_calls"] = [
            {
                "agency": a["agency"],
                "answered_after_s": round(a["at_s"] - started, 2),
                "loaded": a["loaded"],
                "read": a["read"],
                "resolution_s": a["resolution"]["seconds"],
                # A push's answer says how long its run took, not what it counted.
                "networks": a["networks"],
                "alerts": a["alerts"],
            }
            for a in answers
        ]
        _save(out)
        console.print(f"push of {records} records: {out['push_s']} s")
        # 3. One record of a watched entity, until its alert is listed.
        latencies = []
        details: list[dict[str, Any]] = []
        for record in singles[:singles_count]:
            agency = record["agency"]
            before = client.get(
                "/v1/alerts", headers={"Authorization": f"Bearer {reader[agency]}"}
            ).json()["items"]
            seen = {a["id"] for a in before}
            started = time.perf_counter()
            answer = client.post(
                "/v1/records", json=[record], headers={"Authorization": f"Bearer {keys[agency]}"}
            )
            answer.raise_for_status()
            pushed_s = time.perf_counter() - started
            listed = client.get(
                "/v1/alerts", headers={"Authorization": f"Bearer {reader[agency]}"}
            ).json()["items"]
            took = time.perf_counter() - started
            alerted = any(
                a["id"] not in seen and record["record_id"] in a["explanation"] for a in listed
            )
            if alerted:
                latencies.append(took * 1000)
            report = answer.json()
            details.append(
                {
                    "alerted": alerted,
                    "push_s": round(pushed_s, 2),
                    "listed_s": round(took, 2),
                    "resolution_s": report["resolution"]["seconds"],
                    "resolution_phases_s": report["resolution"].get("phases_s"),
                    "networks_s": report["networks"].get("seconds"),
                    "networks_phases_s": report["networks"].get("phases_s"),
                }
            )
        out["one_record_to_alert_ms"] = percentiles(latencies) if latencies else None
        out["one_record_alerted"] = len(latencies)
        out["one_record_samples_ms"] = [round(ms) for ms in latencies]
        out["one_record_pushes"] = details
        _save(out)
    if not records:
        return out

    # 2. Another batch through the command line.
    feed = target.parent / f"bench27-continued-{records}.ndjson"
    feed.write_text("".join(json.dumps(r) + "\n" for r in ingested), encoding="utf-8")
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "api.cli", "ingest", str(feed), "--json"],
        cwd=REPO,
        env={**os.environ, "IPRGRAPH_DATA_DIR": str(target)},
        capture_output=True,
        text=True,
        check=False,
    )
    out["cli_s"] = round(time.perf_counter() - started, 2)
    if result.returncode != 0:
        raise SystemExit(result.stderr)
    report = json.loads(result.stdout)
    out["cli"] = {
        "loaded": report["files"][0]["loaded"],
        "resolution_s": report["resolution"]["seconds"],
        "networks": {
            k: report["networks"].get(k)
            for k in ("mode", "full_build", "seconds", "region_parties")
        },
        "alerts": report.get("alerts"),
    }
    console.print(f"cli ingest of {records} records: {out['cli_s']} s")
    _save(out)

    # 4. A full rebuild, for comparison with the incremental updates above.
    with GraphStore.open(settings) as store:
        full = build_networks(store)
    out["full_networks_s"] = round(full.seconds, 2)
    out["full_networks_phases_s"] = {k: round(v, 2) for k, v in full.phases.items()}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, required=True)
    parser.add_argument("--copy", type=Path, required=True)
    parser.add_argument("--records", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=27, help="the continuation's seed")
    parser.add_argument("--singles", type=int, default=SINGLES, help="records pushed alone")
    parser.add_argument(
        "--same-day",
        action="store_true",
        help="date the single records the day after the graph's newest seizure",
    )
    parser.add_argument(
        "--feeds",
        type=Path,
        help="the generated folder the source graph was loaded from (default: "
        "SOURCE/../feeds, where bench.lookups writes it)",
    )
    args = parser.parse_args()
    try:
        result = measure(
            args.source,
            args.copy,
            args.records,
            args.seed,
            args.feeds,
            args.singles,
            args.same_day,
        )
    finally:
        subprocess.run(
            [sys.executable, "-m", "api.cli", "db", "stop"],
            cwd=REPO,
            env={**os.environ, "IPRGRAPH_DATA_DIR": str(args.copy)},
            check=False,
        )
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"freshness-{args.records}.json"
    path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    table = Table(title=f"freshness, {args.records} new records into the loaded graph")
    table.add_column("what")
    table.add_column("figure", justify="right")
    table.add_row("push (HTTP, all agencies), s", str(result.get("push_s")))
    table.add_row("cli ingest, s", str(result.get("cli_s")))
    one = result["one_record_to_alert_ms"]
    if one:
        table.add_row("one record to alert listed, p50 ms", f"{one['p50_ms']:.0f}")
    table.add_row("full networks rebuild, s", str(result.get("full_networks_s")))
    console.print(table)
    console.print(f"written to {path}")


if __name__ == "__main__":
    main()
