"""Does a change to the resolution machinery leave its outcome as it was? The
links, scores and entities a sequence of resolutions writes, dumped to compare
two versions of the code (issue 27).

    python -m bench.resolve_same --feeds /tmp/feeds5k --data /tmp/same-new \
        --out /tmp/same-new.json

The feeds are a generated world (`iprgraph generate`). Every feed of its manifest
but the last is loaded and resolved in full; then the last feed's first record is
loaded and resolved (incrementally), then the rest of it. After each step the
script records every SAME_AS (pair, status, score, features, explanation, who may
see it) and every party's entity (cluster and per-view entities), leaving out only
when a link was scored. Run it with two versions of the code on fresh data
directories and compare the two files (`--compare A B`).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from graph.config import Settings
from graph.pipeline import load_feeds
from graph.resolve.clusters import resolution_outcome
from graph.resolve.service import resolve
from graph.schema import ensure_schema
from graph.store import GraphStore
from ingest.manifest import Feed, manifest_feeds


def run(feeds_dir: Path, data: Path) -> dict[str, Any]:
    if data.exists():
        shutil.rmtree(data)
    data.mkdir(parents=True)
    feeds = manifest_feeds(feeds_dir)
    last = feeds[-1]
    if last.profile is not None:
        raise SystemExit(f"{last.path}: the last feed must be NDJSON (it is split by line)")
    lines = last.path.read_text(encoding="utf-8").splitlines(keepends=True)
    first, rest = data / "last-first.ndjson", data / "last-rest.ndjson"
    first.write_text("".join(lines[:1]), encoding="utf-8")
    rest.write_text("".join(lines[1:]), encoding="utf-8")
    steps = [
        ("full", feeds[:-1], True),
        ("one record", [Feed(first, None, last.agency)], False),
        ("the rest", [Feed(rest, None, last.agency)], False),
    ]
    out: dict[str, Any] = {"steps": []}
    settings = Settings(data_dir=data, query_timeout_s=600)
    try:
        with GraphStore.open(settings) as store:
            ensure_schema(store)
            for name, step_feeds, full in steps:
                _, stopped = load_feeds(store, step_feeds, data / "quarantine")
                if stopped is not None:
                    raise stopped
                started = time.perf_counter()
                report = resolve(store, full=full)
                seconds = time.perf_counter() - started
                print(f"{name}: {report.compared_parties} parties, {seconds:.1f} s", flush=True)
                out["steps"].append(
                    {
                        "step": name,
                        "report": {
                            k: v
                            for k, v in report.as_dict().items()
                            if k not in ("seconds", "phases_s", "workers")
                        },
                        "seconds": round(seconds, 2),
                        "phases_s": report.phases,
                        "state": resolution_outcome(store),
                    }
                )
    finally:
        subprocess.run(
            [sys.executable, "-m", "api.cli", "db", "stop"],
            env={"IPRGRAPH_DATA_DIR": str(data), "PATH": "/usr/bin:/bin"},
            check=False,
        )
    return out


def compare(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    """What differs between two runs' steps (timings aside)."""
    problems = []
    for one, two in zip(a["steps"], b["steps"], strict=True):
        for part in ("report",):
            if one[part] != two[part]:
                problems.append(f"{one['step']}: {part} {one[part]} != {two[part]}")
        for part in ("links", "parties"):
            left, right = one["state"][part], two["state"][part]
            if left != right:
                only_left = [x for x in left if x not in right][:3]
                only_right = [x for x in right if x not in left][:3]
                problems.append(
                    f"{one['step']}: {part} differ ({len(left)} / {len(right)}); "
                    f"first only in A: {only_left}; first only in B: {only_right}"
                )
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=Path)
    parser.add_argument("--data", type=Path)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--compare", type=Path, nargs=2)
    args = parser.parse_args()
    if args.compare:
        a, b = (json.loads(path.read_text(encoding="utf-8")) for path in args.compare)
        problems = compare(a, b)
        for step_a, step_b in zip(a["steps"], b["steps"], strict=True):
            print(
                f"{step_a['step']}: {len(step_a['state']['links'])} links, "
                f"{len(step_a['state']['parties'])} parties; "
                f"{step_a['seconds']} s -> {step_b['seconds']} s"
            )
        print("\n".join(problems) if problems else "identical: links, scores, entities")
        raise SystemExit(1 if problems else 0)
    result = run(args.feeds, args.data)
    args.out.write_text(json.dumps(result) + "\n", encoding="utf-8")
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
