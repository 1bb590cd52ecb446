"""How an API process keeps Python's cycle collector out of its answers.

A full collection scans every object the collector tracks. An API process holds
what it imported (about 110,000 objects: FastAPI, pydantic, the driver, rigour's and
pycountry's tables) and, once it has served lookups, tens of thousands of cached
name structures. With Python's defaults a full collection came every 80-110
`/match` queries at 100k records and stopped the process for 100-340 ms each
(1.7-1.9 s of about 14 s for 1,000 queries; BENCHMARKS.md).

So `iprgraph serve`, once everything is imported and before the first request:
- builds rigour's table of names (`graph.resolve.persons.warm_up`), about 7 s
  with the interpreter lock held, which the first push or `/match` of a person's
  name paid before;
- freezes what exists (`gc.freeze`): imported modules and their tables are never
  garbage, and are never scanned again;
- collects the young generations less often (`YOUNG_THRESHOLD` new objects instead
  of 700), so the objects of a request in flight are less often promoted to the old
  generation, and runs a full collection only after `FULL_AFTER` collections of the
  middle one instead of 10. Cyclic garbage still goes: the driver leaves about 50
  objects in cycles per statement, which the young collections free.

One process answers in Python under one interpreter lock: at 100k records, serving
`/match` to eight clients, it used 0.9 of a core while the database used 0.4. So
`iprgraph serve` runs one process per core unless told otherwise
(`IPRGRAPH_API_WORKERS`, `--workers`); each is a `worker_app`, with its own
connections to the graph (BENCHMARKS.md: 115 requests a second with one, 185 with
two).
"""

from __future__ import annotations

import gc

from fastapi import FastAPI

from api.app import create_app
from graph.resolve.persons import warm_up

__all__ = ["FULL_AFTER", "MIDDLE_THRESHOLD", "YOUNG_THRESHOLD", "settle_heap", "worker_app"]

YOUNG_THRESHOLD = 2_000
MIDDLE_THRESHOLD = 10
FULL_AFTER = 100


def settle_heap() -> None:
    """Build rigour's table, collect once, freeze what is left, and set the
    thresholds (see the module)."""
    warm_up()
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, MIDDLE_THRESHOLD, FULL_AFTER)


def worker_app() -> FastAPI:
    """The app of one of several API processes (`iprgraph serve --workers N`, which
    uvicorn starts by this name): the settings of the environment, as the parent
    read them; its own store, opened at start-up and closed at shutdown; the heap
    settled before the first request."""
    app = create_app()
    settle_heap()
    return app
