"""Child process that runs the embedded graph server until it is told to stop.

Started by `graph.embedded.EmbeddedServer.start()` through
`python -m graph._embedded_main --detach ROOT`; never run by hand. It runs ArcadeDB's server
from the `arcadedb-embedded` package with the Bolt plugin, bound to 127.0.0.1, and
writes `server.json` (pid and ports) once the server accepts work: the parent waits
for that file, not for a port, because Bolt listens before the database exists.
SIGTERM or SIGINT stops the server cleanly (ArcadeDB flushes and closes its files).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from graph.embedded import EmbeddedLayout, write_json_atomically


def main(root: str) -> int:
    layout = EmbeddedLayout(Path(root))
    launch = json.loads(layout.launch_file.read_text())
    credentials = layout.read_credentials()
    if credentials is None:
        print(f"no credentials in {layout.credentials_file}", file=sys.stderr)
        return 2

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())

    # Imported here: it starts a JVM, which only this process should pay for.
    from arcadedb_embedded.server import ArcadeDBServer

    server = ArcadeDBServer(
        root_path=str(layout.arcadedb_dir),
        root_password=credentials.password,
        config={
            # The package binds every listener to `host`, Bolt included.
            "host": "127.0.0.1",
            "http_port": launch["http_port"],
            "server_plugins": "Bolt:com.arcadedb.bolt.BoltProtocolPlugin",
            "bolt_port": launch["bolt_port"],
            # Created at first start, owned by root; Bolt sessions name it as database.
            "server_defaultDatabases": f"{launch['database']}[{credentials.user}]",
        },
        jvm_kwargs={
            "heap_size": launch["heap"],
            # The server's own cap on one statement (ms; 0: none). ArcadeDB's Bolt
            # plugin ignores the transaction timeout a driver sends, so the cap is
            # set here, for every statement, and the database stops a statement
            # that runs past it.
            "jvm_args": [f"-Darcadedb.command.timeout={int(launch.get('command_timeout_ms', 0))}"],
        },
    )
    server.start()
    write_json_atomically(
        layout.server_file,
        {
            "pid": os.getpid(),
            "bolt_port": launch["bolt_port"],
            "http_port": launch["http_port"],
            "database": launch["database"],
            "started_at": time.time(),
        },
    )
    print("iprgraph: embedded graph server ready", flush=True)
    # Wait with a timeout so the Python signal handler gets to run promptly.
    while not stop.wait(0.5):
        pass
    print("iprgraph: stopping embedded graph server", flush=True)
    server.stop()
    layout.server_file.unlink(missing_ok=True)
    return 0


def detach(root: str) -> int:
    """Start the server as a grandchild and print its pid.

    The intermediate process exits at once, so the server is adopted by init: it
    outlives the command that started it and is reaped when it dies, instead of
    lingering as a zombie of a long-running parent such as the API.
    """
    layout = EmbeddedLayout(Path(root))
    with layout.log_file.open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "graph._embedded_main", root],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=root,
            # A session of its own: the terminal's Ctrl-C does not reach it.
            start_new_session=True,
        )
    print(process.pid, flush=True)
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "--detach":
        sys.exit(detach(sys.argv[2]))
    sys.exit(main(sys.argv[1]))
