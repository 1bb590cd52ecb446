"""Run a command under a memory limit and report how it went, as JSON:
`python -m tests.ingest.limited MIB -- COMMAND...` prints the command's exit status,
its output and the most memory (resident) it held.

The limit is on the address space (RLIMIT_AS): a command that asks for more than
MIB mebibytes in all gets MemoryError instead. Measured from this process, the
peak is the command's own, whatever else ran before.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys


def main() -> None:
    limit = int(sys.argv[1]) * 2**20
    command = sys.argv[sys.argv.index("--") + 1 :]

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    done = subprocess.run(command, preexec_fn=cap, capture_output=True, text=True, check=False)
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(
        json.dumps(
            {
                "returncode": done.returncode,
                "stdout": done.stdout,
                "stderr": done.stderr,
                "peak_mib": round(peak_kib / 1024, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
