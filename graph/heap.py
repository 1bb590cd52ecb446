"""Python's cycle collector, paused for work that allocates millions of small
containers and makes no reference cycles.

Entity resolution (`graph.resolve.service.resolve`) and network builds and updates
(`graph.analysis.networks`) hold a graph's worth of rows, profiles and projections.
Every few thousand allocations the collector walks the young objects, and every
so often all of them: at 100k records it was a fifth of scoring's time and 60 % of
projecting the networks' views (the nine views of the whole graph: 26.2 s, 10.9 s
paused), and half of reading the whole graph's projection. Reference counting
still frees what the work drops; peak memory of a full network build at 100k was
the same (1,079 MB paused, 1,078 MB not). The collector is the process's: in the
API, other requests run without it while a refresh runs (`graph.pipeline`), and it
runs again after.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["paused_gc"]


@contextmanager
def paused_gc() -> Iterator[None]:
    """The cycle collector paused (and collecting again after, if it was)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
