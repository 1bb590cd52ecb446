"""The pipeline's lock file: a waiter with a bounded wait (a push) gets its turn
between two holds of a process that takes the lock again and again (an ingest
writing batch after batch), not only when that process is done."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
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


def test_within_a_process_the_lock_is_held_in_the_order_it_was_asked_for(
    tmp_path: Path,
) -> None:
    """A holder that lets go and asks again at once, however often it does, comes
    after those already waiting (pushes are served in the order they came); a waiter
    that gives up does not hold up those after it. (With a plain lock the holder
    often took it back at once: a waiter got it after 0, 157 and 200 of 200 such
    holds in three runs.) Five rounds."""
    for round_ in range(5):
        lock = tmp_path / f"pipeline-{round_}.lock"
        order: list[str] = []
        gave_up: list[str] = []
        holds = [0]

        def take(
            name: str,
            wait_s: float | None,
            lock: Path = lock,
            order: list[str] = order,
            gave_up: list[str] = gave_up,
            holds: list[int] = holds,
        ) -> None:
            try:
                with pipeline.pipeline_lock(lock, wait_s):
                    order.append(f"{name} after {holds[0]}")
            except Busy:
                gave_up.append(name)

        with pipeline.pipeline_lock(lock):
            threads = []
            for name, wait_s in (("load 2", None), ("impatient", 0.3), ("load 3", None)):
                thread = threading.Thread(target=take, args=(name, wait_s))
                thread.start()
                threads.append(thread)
                time.sleep(0.15)  # each asks after the one before
            time.sleep(0.5)  # the impatient one has given up by now
        for _ in range(200):
            with pipeline.pipeline_lock(lock):
                holds[0] += 1
        for thread in threads:
            thread.join(timeout=10)
        assert gave_up == ["impatient"], round_
        assert order == ["load 2 after 0", "load 3 after 0"], (round_, order)
