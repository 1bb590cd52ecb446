"""The region of an incremental network update: records of a loaded graph seized
again (new record ids, a later date, the same parties) are loaded, then the
pipeline's refresh (resolution, networks, alerts) runs; its report gives each
step's seconds, and the network update says how many parties were made free,
read, and whether it fell back to a full build (issue 27). Several sizes
(`--records 1,1,1`) run in one process, so the later ones are warm as in the API.

    cp -a /tmp/iprgraph-bench-lookups-100000-5 /tmp/region-100k
    IPRGRAPH_DATA_DIR=/tmp/region-100k/data python -m bench.region --records 1 --seed 6

It writes to the graph it is given: run it on a copy. Prints one JSON line per load.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from pathlib import Path
from typing import Any

from graph import pipeline, queries
from graph.config import Settings
from graph.load import Loader
from graph.store import GraphStore


def _again(store: GraphStore, count: int, rng: random.Random, tag: str) -> list[dict[str, Any]]:
    """`count` records of the graph as new seizures: new ids, a later date."""
    ids = sorted(
        item[0] for row in store.read(queries.NETWORK_SEIZURES_QUERY) for item in row["rows"]
    )
    out = []
    for number in range(count):
        after = ids[rng.randrange(1, len(ids)) - 1]
        [row] = store.read(queries.EXPORT_SEIZURES_QUERY, after=after, limit=1)
        record = json.loads(row["record"])
        record["record_id"] = f"{record['record_id']}-{tag}-{number}"
        record["seizure_date"] = f"2027-0{1 + number % 9}-1{number % 10}"
        record.pop("case_ref", None)
        out.append(record)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", default="1", help="comma-separated batch sizes")
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args()
    store = GraphStore.open(Settings(), max_transaction_retry_time_s=120)
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as folder:
        for count in (int(n) for n in args.records.split(",")):
            records = _again(store, count, rng, f"R{args.seed}x{count}")
            feed = Path(folder) / f"again-{count}.ndjson"
            feed.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
            started = time.perf_counter()
            Loader(store, Path(folder) / "quarantine").load_file(feed)
            loaded = time.perf_counter()
            resolution, update, raised = pipeline.refresh_and_alert(store)
            done = time.perf_counter()
            print(
                json.dumps(
                    {
                        "records": count,
                        "load_s": round(loaded - started, 1),
                        "refresh_s": round(done - loaded, 1),
                        "resolution": resolution.as_dict(),
                        "networks": update.as_dict(),
                        "alerts_raised": raised.raised,
                    }
                ),
                flush=True,
            )
    store.close()


if __name__ == "__main__":
    main()
