"""Scoring candidate pairs, in worker processes when there are many.

`compare` is pure Python (about 0.2 ms a pair), and a full run at 100k records
meets over a million candidate pairs. Most of them cannot be linked: `may_review`
tells so cheaply for four in five, which are then not compared. Such a pair matters
only if it would keep two clusters apart (`holds_apart`), and only if auto links
could join its two parties at all; `compare_within` compares those few once every
pair is scored, so the decisions are the same as if every pair had been compared.

`Scorer` scores batches of pairs in worker processes while the caller builds the
next batch's pairs and reads their parties' profiles, and hands the results back in
the order the batches were given, so that a run's outcome does not depend on how
many workers it had. With no workers it scores in the caller.

Workers are started by a fork server: the caller may run threads (the driver's,
Rich's progress bar), and forking a process with threads can copy a held lock.

Python's cycle collector is paused in the workers and, by `resolve`, for a run
(`graph.heap.paused_gc`): scoring and blocking allocate millions of small containers
and make no reference cycles, and a process holding a run's pairs and profiles spent
a fifth of its time walking them (compare 159 -> 124 us a pair, the same peak
memory).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import select
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from types import TracebackType

from graph.resolve.decide import holds_apart
from graph.resolve.evaluate import connected_components
from graph.resolve.profile import PartyProfile
from graph.resolve.score import (
    AUTO_THRESHOLD,
    REVIEW_THRESHOLD,
    Comparison,
    compare,
    may_review,
)

__all__ = [
    "Pair",
    "Scored",
    "Scorer",
    "compare_within",
    "default_workers",
    "score_pairs",
]

Pair = tuple[str, str]


@dataclass
class Scored:
    """What scoring a batch of pairs keeps: `kept`, the pairs that may be linked and
    those that keep two clusters apart, with their comparisons; `skipped`, the pairs
    not compared because they cannot reach REVIEW_THRESHOLD (see `compare_within`)."""

    kept: list[tuple[Pair, Comparison]] = field(default_factory=list)
    skipped: list[Pair] = field(default_factory=list)


# Parties pending below which a run scores in the caller: starting a worker (a
# Python process importing rigour) costs about a second.
_WORKERS_FROM = 500
# Pairs per task handed to a worker (about half a second of scoring).
_TASK_PAIRS = 2000


# What a worker sends back for a part: the kept pairs, and the positions of those skipped.
_PartResult = tuple[list[tuple[Pair, Comparison]], list[int]]


def _keeps(result: Comparison) -> bool:
    return result.score >= REVIEW_THRESHOLD or holds_apart(result)


def _score_part(profiles: Mapping[str, PartyProfile], pairs: Sequence[Pair]) -> _PartResult:
    """The kept pairs with their comparisons, and the positions of the pairs skipped
    (positions, not the pairs: the caller has them, and a worker sends less)."""
    kept = []
    skipped = []
    for position, pair in enumerate(pairs):
        a, b = profiles[pair[0]], profiles[pair[1]]
        if not may_review(a, b):
            skipped.append(position)
            continue
        result = compare(a, b)
        if _keeps(result):
            kept.append((pair, result))
    return kept, skipped


def score_pairs(profiles: Mapping[str, PartyProfile], pairs: Sequence[Pair]) -> Scored:
    """The pairs worth keeping with their comparisons (those that may be linked and
    those that keep two clusters apart, `holds_apart`), and the pairs skipped."""
    kept, skipped = _score_part(profiles, pairs)
    return Scored(kept, [pairs[position] for position in skipped])


def compare_within(
    profiles: Mapping[str, PartyProfile],
    skipped: Iterable[Pair],
    scored: Mapping[Pair, Comparison],
    linked: Iterable[Pair] = (),
) -> list[tuple[Pair, Comparison]]:
    """The skipped pairs that keep two clusters apart, among those whose two parties
    links could join: both in one group of parties bound by pairs scored at or above
    AUTO_THRESHOLD and by `linked` (`decide_links` joins clusters only so). A pair
    whose parties no links can join bars nothing that could happen; the groups are
    small, so few pairs are compared here."""
    binding = [pair for pair, result in scored.items() if result.score >= AUTO_THRESHOLD]
    group = {
        pid: index
        for index, component in enumerate(connected_components((), [*binding, *linked]))
        for pid in component
    }
    kept = []
    for a, b in skipped:
        if a in group and group.get(b) == group[a]:
            result = compare(profiles[a], profiles[b])
            if _keeps(result):
                kept.append(((a, b), result))
    return kept


def _start_worker(parent: int) -> None:
    gc.disable()
    _end_with(parent)


def _end_with(parent: int) -> None:
    """End this worker as soon as process `parent` (the one that made the pool)
    ends, however it ends. Killed with `kill -9`, a parent leaves its workers
    waiting for tasks that never come, and they hold the fork server's pipe open, so
    that the fork server and the resource tracker wait too (four processes were
    still alive 30 s after a `kill -9` of `ingest`). A thread waits on the parent's
    process descriptor (Linux), or polls for it once a second elsewhere."""

    def watch() -> None:
        try:
            handle = os.pidfd_open(parent)
        except ProcessLookupError:
            os._exit(1)
        except (AttributeError, OSError):
            while _alive(parent):
                time.sleep(1.0)
            os._exit(1)
        select.select([handle], [], [])
        os._exit(1)

    threading.Thread(target=watch, name="iprgraph-parent-watch", daemon=True).start()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _warm_up() -> None:
    """Load what scoring needs (rigour's tables, the scorer's caches' code)."""
    one = PartyProfile(
        "party:a", "Shenzhen Huaxin Trading Co., Ltd.", "shenzhen huaxin trading", "CN"
    )
    two = PartyProfile("party:b", "深圳华信贸易有限公司", "shen zhen hua xin mao yi", "CN")
    compare(one, two)


def default_workers(pending: int) -> int:
    """Worker processes for a run over `pending` parties: none for a small run or a
    single core, else one per core. While the workers score, the caller and the
    database mostly wait: at 10k records on two cores, two workers took a full run
    from 80 s to 55 s where one left the caller waiting."""
    cores = os.cpu_count() or 1
    if pending < _WORKERS_FROM or cores < 2:
        return 0
    return cores


class Scorer:
    """Scores batches of pairs and returns them in the order given, keeping at most
    two tasks per worker waiting."""

    def __init__(self, workers: int = 0) -> None:
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None
        if workers > 0:
            context = multiprocessing.get_context("forkserver")
            self._pool = ProcessPoolExecutor(
                max_workers=workers,
                mp_context=context,
                initializer=_start_worker,
                initargs=(os.getpid(),),
            )
            # Started now, not at the first batch: the caller has other work first.
            for _ in range(workers):
                self._pool.submit(_warm_up)
        self._waiting: deque[tuple[Future[_PartResult], list[Pair]]] = deque()
        self._done: deque[Scored] = deque()

    def submit(self, profiles: Mapping[str, PartyProfile], pairs: Sequence[Pair]) -> None:
        if self._pool is None:
            self._done.append(score_pairs(profiles, pairs))
            return
        # In parts, so that every worker has one even in a run of a few batches; a
        # worker gets only the profiles its part names.
        for start in range(0, len(pairs), _TASK_PAIRS):
            part = list(pairs[start : start + _TASK_PAIRS])
            needed = {pid: profiles[pid] for pair in part for pid in pair}
            self._waiting.append((self._pool.submit(_score_part, needed, part), part))
        while len(self._waiting) > 2 * self.workers:
            self._collect()

    def _collect(self) -> None:
        future, part = self._waiting.popleft()
        kept, skipped = future.result()
        self._done.append(Scored(kept, [part[position] for position in skipped]))

    def ready(self) -> Iterator[Scored]:
        """What is scored so far, in the order it was given."""
        while self._waiting and self._waiting[0][0].done():
            self._collect()
        while self._done:
            yield self._done.popleft()

    def drain(self) -> Iterator[Scored]:
        """Everything still to come, in order, waiting for the workers."""
        while self._waiting:
            self._collect()
        yield from self.ready()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> Scorer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
