"""Measurements of iprgraph (`make bench`); not part of CI. See BENCHMARKS.md.

The timing helpers every measurement shares live here.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any


def timed_ms(call: Callable[[], Any]) -> float:
    """How long `call()` took, in milliseconds."""
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def percentiles(samples_ms: list[float], digits: int = 2) -> dict[str, float]:
    """p50, p99, their ratio and the number of samples of timings in milliseconds."""
    ordered = sorted(samples_ms)
    p50 = statistics.median(ordered)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return {
        "p50_ms": round(p50, digits),
        "p99_ms": round(p99, digits),
        "p99_over_p50": round(p99 / p50, 1) if p50 else 0.0,
        "samples": len(ordered),
    }
