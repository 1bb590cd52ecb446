"""How an API process keeps Python's cycle collector out of its answers.

A full collection scans every object the collector tracks. An API process holds
what it imported (about 110,000 objects: FastAPI, pydantic, the driver, rigour's and
pycountry's tables) and, once it has served lookups, tens of thousands of cached
name structures. With Python's defaults a full collection came every 80-110
`/match` queries at 100k records and stopped the process for 100-340 ms each
(1.7-1.9 s of about 14 s for 1,000 queries; BENCHMARKS.md).

So `iprgraph serve`, once everything is imported and before the first request:
- freezes what exists (`gc.freeze`): imported modules and their tables are never
  garbage, and are never scanned again;
- collects the young generations less often (`YOUNG_THRESHOLD` new objects instead
  of 700), so the objects of a request in flight are less often promoted to the old
  generation, and runs a full collection only after `FULL_AFTER` collections of the
  middle one instead of 10. Cyclic garbage still goes: the driver leaves about 50
  objects in cycles per statement, which the young collections free.
"""

from __future__ import annotations

import gc

__all__ = ["FULL_AFTER", "MIDDLE_THRESHOLD", "YOUNG_THRESHOLD", "settle_heap"]

YOUNG_THRESHOLD = 2_000
MIDDLE_THRESHOLD = 10
FULL_AFTER = 100


def settle_heap() -> None:
    """Collect once, freeze what is left, and set the thresholds (see the module)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, MIDDLE_THRESHOLD, FULL_AFTER)
