"""The loader's read-ahead: order kept, errors raised in the writer's thread, stops early;
and the sizes of a file's batches."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator

import pytest

from ingest.feed import batch_sizes, prefetched


def test_items_arrive_in_order() -> None:
    assert list(prefetched(iter(range(1000)), depth=2)) == list(range(1000))


def test_an_error_while_producing_is_raised_to_the_consumer_after_what_came_before() -> None:
    def items() -> Iterator[int]:
        yield 1
        yield 2
        raise ValueError("row 3 is broken")

    seen: list[int] = []
    with pytest.raises(ValueError, match="row 3 is broken"):
        for item in prefetched(items(), depth=1):
            seen.append(item)
    assert seen == [1, 2]


def test_a_consumer_that_stops_early_stops_the_producer() -> None:
    produced: list[int] = []

    def items() -> Iterator[int]:
        for i in range(10_000):
            produced.append(i)
            yield i

    stream = prefetched(items(), depth=2)
    assert next(stream) == 0
    stream.close()  # what a `for` loop does when the writer raises
    assert not any(t.name == "ingest-prefetch" for t in threading.enumerate())
    # At most the items in the channel, the one being put and the one in hand.
    assert len(produced) <= 5


def test_a_files_batches_start_small_and_grow_to_the_batch_size() -> None:
    assert list(itertools.islice(batch_sizes(500), 7)) == [50, 100, 200, 400, 500, 500, 500]
    assert list(itertools.islice(batch_sizes(3), 3)) == [3, 3, 3]
    assert list(itertools.islice(batch_sizes(80), 3)) == [50, 80, 80]
