"""The pipeline's lock file: a waiter with a bounded wait (a push) gets its turn
between two holds of a process that takes the lock again and again (an ingest
writing batch after batch), not only when that process is done."""

from __future__ import annotations

import subprocess
import sys
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
