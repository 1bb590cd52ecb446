"""A process that starts the scorer's worker pool and waits, for
tests/resolve/test_workers.py to kill: `python -m tests.resolve.pool_child`.

It prints the ids of the processes it started (workers, fork server, resource
tracker) once the workers are up, then sleeps."""

from __future__ import annotations

import json
import time

import psutil

from graph.resolve.scoring import Scorer


def main() -> None:
    scorer = Scorer(workers=2)
    me = psutil.Process()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        # The fork server and the two workers it forked (the resource tracker aside).
        started = [
            p for p in me.children(recursive=True) if "resource_tracker" not in p.cmdline()[-1]
        ]
        if len(started) >= 3:
            break
        time.sleep(0.05)
    print(json.dumps([p.pid for p in me.children(recursive=True)]), flush=True)
    time.sleep(600)
    scorer.close()


if __name__ == "__main__":
    main()
