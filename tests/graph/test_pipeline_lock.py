"""The pipeline's lock file: a waiter with a bounded wait (a push) gets its turn
between two holds of a process that takes the lock again and again (an ingest
writing batch after batch), not only when that process is done. Pushes at once
share the refresh that follows their loads."""

from __future__ import annotations

import contextlib
import functools
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from graph import pipeline
from graph.errors import Busy
from tests.helpers import REPO

# A loader in another process: takes the lock `HOLDS` times, holding it a little
# each time (a batch being written) and taking it again at once, and writes how
# many holds it has done after each.
HOLDS = 200
LOADER = """
import sys, time
from pathlib import Path
from graph.pipeline import pipeline_lock
lock, done = Path(sys.argv[1]), Path(sys.argv[2])
for i in range(int(sys.argv[3])):
    with pipeline_lock(lock):
        time.sleep(0.01)
        done.write_text(str(i + 1))
"""


def test_a_bounded_waiter_gets_the_lock_between_two_holds_of_a_busy_loader(
    tmp_path: Path,
) -> None:
    lock, done = tmp_path / "pipeline.lock", tmp_path / "done"
    loader = subprocess.Popen(
        [sys.executable, "-c", LOADER, str(lock), str(done), str(HOLDS)], cwd=REPO
    )
    try:
        deadline = time.monotonic() + 60
        while not done.exists() and time.monotonic() < deadline:
            assert loader.poll() is None, "the loader ended before it started"
            time.sleep(0.01)
        with pipeline.pipeline_lock(lock, wait_s=60):
            holds = int(done.read_text())
            # The loader is held off while the waiter holds the lock.
            time.sleep(0.1)
            assert int(done.read_text()) == holds
        # Without a turn, the loader took the lock back at once every time and the
        # waiter, looking every 50 ms, had it only when all holds were done.
        assert holds < HOLDS
        assert loader.wait(timeout=60) == 0
        assert int(done.read_text()) == HOLDS
    finally:
        if loader.poll() is None:
            loader.kill()
            loader.wait()


def test_a_bounded_waiter_gives_up_while_another_process_holds_the_lock(
    tmp_path: Path,
) -> None:
    lock = tmp_path / "pipeline.lock"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; "
            "from graph.pipeline import pipeline_lock\n"
            "with pipeline_lock(Path(sys.argv[1])):\n"
            "    print('held', flush=True); time.sleep(60)",
            str(lock),
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        with pytest.raises(Busy, match=r"waited 0\.3 s"), pipeline.pipeline_lock(lock, wait_s=0.3):
            pass
    finally:
        holder.kill()
        holder.wait()


def _until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 30
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_pushes_that_load_during_a_refresh_share_the_next_one() -> None:
    """Pushes at once: the first runs a refresh; three that ask while it runs wait
    for the next, which one of them runs for all; a push asking after both gets a
    third."""
    shared = pipeline._SharedRefresh()
    runs: list[str] = []
    first_started, let_go = threading.Event(), threading.Event()

    def refresh(name: str) -> str:
        runs.append(name)
        if name == "first":
            first_started.set()
            assert let_go.wait(30)
        return f"run {len(runs)}"

    got: dict[str, str] = {}

    def push(name: str) -> None:
        got[name] = shared.run(functools.partial(refresh, name), contextlib.nullcontext)

    first = threading.Thread(target=push, args=("first",))
    first.start()
    assert first_started.wait(30)
    others = [threading.Thread(target=push, args=(f"p{i}",)) for i in range(3)]
    for thread in others:
        thread.start()
    _until(lambda: shared._waiting[2] == 3)
    let_go.set()
    for thread in [first, *others]:
        thread.join(30)
    assert len(runs) == 2 and runs[0] == "first", runs
    assert got == {"first": "run 1", "p0": "run 2", "p1": "run 2", "p2": "run 2"}
    assert shared.run(lambda: "run 3", contextlib.nullcontext) == "run 3"
    assert not shared._waiting and not shared._outcomes


def test_every_push_a_failed_refresh_served_is_told() -> None:
    shared = pipeline._SharedRefresh()
    started, let_go = threading.Event(), threading.Event()
    errors: list[str] = []

    def failing() -> None:
        started.set()
        assert let_go.wait(30)
        raise RuntimeError("the database went away")

    def push(refresh: Callable[[], None]) -> None:
        try:
            shared.run(refresh, contextlib.nullcontext)
        except RuntimeError as exc:
            errors.append(str(exc))

    threads = [threading.Thread(target=push, args=(failing,))]
    threads[0].start()
    assert started.wait(30)
    # Two ask while it runs: the next refresh (which fails too) serves both.
    started.clear()
    threads += [threading.Thread(target=push, args=(failing,)) for _ in range(2)]
    for thread in threads[1:]:
        thread.start()
    _until(lambda: shared._waiting[2] == 2)
    let_go.set()
    for thread in threads:
        thread.join(30)
    assert errors == ["the database went away"] * 3
    assert shared.run(lambda: "next", contextlib.nullcontext) == "next"


def test_a_refresh_waits_for_the_pushes_loading_when_it_was_asked_for() -> None:
    """Pushes at once: the first to have loaded does not refresh before the others
    that were loading then have loaded too, and one refresh serves them all; a push
    that starts loading later does not hold it up."""
    shared = pipeline._SharedRefresh()
    runs: list[int] = []
    loaded: list[str] = []
    let_go = threading.Event()

    def refresh() -> list[str]:
        runs.append(1)
        return list(loaded)

    got: dict[str, list[str]] = {}

    def push(name: str, hold: threading.Event | None) -> None:
        with shared.loading():
            if hold is not None:
                assert hold.wait(30)
            loaded.append(name)
        got[name] = shared.run(refresh, contextlib.nullcontext)

    slow = threading.Thread(target=push, args=("slow", let_go))
    slow.start()
    _until(lambda: len(shared._loading) == 1)
    fast = threading.Thread(target=push, args=("fast", None))
    fast.start()
    _until(lambda: shared._waiting[1] == 1)
    later = threading.Event()
    late = threading.Thread(target=push, args=("late", later))
    late.start()
    _until(lambda: len(shared._loading) == 2)
    time.sleep(0.2)
    assert runs == []  # the fast push's refresh waits for the slow push's load
    let_go.set()
    slow.join(30)
    fast.join(30)
    assert runs == [1]
    assert got == {"slow": ["fast", "slow"], "fast": ["fast", "slow"]}
    later.set()
    late.join(30)
    assert runs == [1, 1] and got["late"] == ["fast", "slow", "late"]
