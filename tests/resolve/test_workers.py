"""Entity resolution's worker processes end with the process that started them,
however it ends (issue 24: four were alive 30 s after a `kill -9` of `ingest`)."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

import psutil
import pytest

from tests.helpers import REPO


def _alive(pids: list[int]) -> list[int]:
    alive = []
    for pid in pids:
        try:
            if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                alive.append(pid)
        except psutil.NoSuchProcess:
            pass
    return alive


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_no_worker_outlives_a_killed_parent(how: signal.Signals) -> None:
    parent = subprocess.Popen(
        [sys.executable, "-m", "tests.resolve.pool_child"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert parent.stdout is not None
        started = json.loads(parent.stdout.readline())
        # The fork server, its two workers and the resource tracker.
        assert len(_alive(started)) == 4, started
    finally:
        parent.send_signal(how)
        parent.wait(timeout=30)
    deadline = time.monotonic() + 20
    while _alive(started) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = _alive(started)
    for pid in left:  # not to leave them to the next test
        psutil.Process(pid).kill()
    assert left == [], [" ".join(psutil.Process(pid).cmdline())[:80] for pid in left]
