"""The embedded graph server: ArcadeDB with its Bolt plugin, run as a child process.

`iprgraph db start` (or any command that needs the graph while no Neo4j is
configured) starts it; it outlives that command and later commands reuse it. Layout
under `IPRGRAPH_DATA_DIR/embedded/`:

    arcadedb/          the database files (ArcadeDB's server root)
    credentials.json   generated at first start, mode 0600
    ports.json         the Bolt and HTTP ports chosen at first start, reused later
                       so a long-running API reconnects after a restart
    launch.json        what the child process is asked to run
    server.json        written by the child once it accepts work; removed on stop
    server.log         the server's output
    .lock              serialises start and stop between concurrent commands

This module manages processes and files only; it sends no Cypher.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psutil

from graph.config import Settings
from graph.errors import EmbeddedServerError

# ArcadeDB's root user: the server creates it with the generated password.
_ROOT_USER = "root"
# A clean stop flushes the database; past this the process is killed.
_STOP_TIMEOUT_S = 30.0
_LOG_TAIL_LINES = 15


@dataclass(frozen=True)
class Credentials:
    user: str
    password: str


@dataclass(frozen=True)
class ServerInfo:
    pid: int
    bolt_port: int
    http_port: int
    database: str
    started_at: float

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.bolt_port}"


def write_json_atomically(path: Path, data: dict[str, Any], mode: int = 0o644) -> None:
    """Write JSON so that a reader sees the old file or the new one, never half."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "w") as handle:
        json.dump(data, handle)
        handle.flush()
        os.fsync(handle.fileno())
    tmp.replace(path)


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return None
    return data if isinstance(data, dict) else None


@dataclass(frozen=True)
class EmbeddedLayout:
    """Where the embedded server keeps its files."""

    root: Path

    @property
    def arcadedb_dir(self) -> Path:
        return self.root / "arcadedb"

    @property
    def credentials_file(self) -> Path:
        return self.root / "credentials.json"

    @property
    def ports_file(self) -> Path:
        return self.root / "ports.json"

    @property
    def launch_file(self) -> Path:
        return self.root / "launch.json"

    @property
    def server_file(self) -> Path:
        return self.root / "server.json"

    @property
    def log_file(self) -> Path:
        return self.root / "server.log"

    @property
    def lock_file(self) -> Path:
        return self.root / ".lock"

    def read_credentials(self) -> Credentials | None:
        data = _read_json(self.credentials_file)
        if data is None:
            return None
        return Credentials(user=str(data["user"]), password=str(data["password"]))

    def ensure_credentials(self) -> Credentials:
        """The stored credentials, generated (mode 0600) the first time."""
        existing = self.read_credentials()
        if existing is not None:
            return existing
        credentials = Credentials(user=_ROOT_USER, password=secrets.token_urlsafe(24))
        write_json_atomically(
            self.credentials_file,
            {"user": credentials.user, "password": credentials.password},
            mode=0o600,
        )
        return credentials


def _port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # As the JVM's listeners do: a port whose old connections linger in
        # TIME_WAIT after a kill can be listened on again at once.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _accepts_connections(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1.0):
            return True
    except OSError:
        return False


class EmbeddedServer:
    """Start, find and stop the embedded graph server of one data directory."""

    def __init__(
        self,
        root: Path,
        *,
        database: str = "iprgraph",
        heap: str = "2g",
        start_timeout_s: float = 90.0,
        statement_timeout_s: float | None = None,
    ) -> None:
        self.layout = EmbeddedLayout(root.resolve())
        self.database = database
        self.heap = heap
        self.start_timeout_s = start_timeout_s
        # The server stops a statement that runs longer (None: never).
        self.statement_timeout_s = statement_timeout_s

    @classmethod
    def from_settings(cls, settings: Settings) -> EmbeddedServer:
        """The embedded server of the configured data directory."""
        return cls(
            settings.embedded_dir,
            database=settings.embedded_database,
            heap=settings.embedded_heap,
            start_timeout_s=settings.embedded_start_timeout_s,
            statement_timeout_s=settings.query_timeout_s,
        )

    def recorded_bolt_port(self) -> int:
        """The Bolt port chosen at first start (the server may be down)."""
        recorded = _read_json(self.layout.ports_file)
        if recorded is None:
            raise EmbeddedServerError(
                f"The embedded graph server in {self.layout.root} has never been started; "
                "run 'iprgraph db start'."
            )
        return int(recorded["bolt_port"])

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        # 0700: the directory holds the database and its credentials.
        self.layout.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        with self.layout.lock_file.open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def credentials(self) -> Credentials:
        credentials = self.layout.read_credentials()
        if credentials is None:
            raise EmbeddedServerError(
                f"The embedded graph server in {self.layout.root} has never been started, "
                "so it has no credentials yet; run 'iprgraph db start'."
            )
        return credentials

    def running(self) -> ServerInfo | None:
        """The live server of this data directory, or None.

        A stale `server.json` (process gone, or its pid reused by another program)
        counts as not running.
        """
        data = _read_json(self.layout.server_file)
        if data is None:
            return None
        info = ServerInfo(
            pid=int(data["pid"]),
            bolt_port=int(data["bolt_port"]),
            http_port=int(data["http_port"]),
            database=str(data["database"]),
            started_at=float(data["started_at"]),
        )
        if not self._is_our_process(info.pid):
            return None
        if not _accepts_connections(info.bolt_port):
            return None
        return info

    def _is_our_process(self, pid: int) -> bool:
        try:
            process = psutil.Process(pid)
            if process.status() == psutil.STATUS_ZOMBIE:
                return False
            cmdline = process.cmdline()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            return False
        return "graph._embedded_main" in cmdline and str(self.layout.root) in cmdline

    def _choose_ports(self) -> tuple[int, int]:
        recorded = _read_json(self.layout.ports_file)
        if recorded is not None:
            bolt, http = int(recorded["bolt_port"]), int(recorded["http_port"])
            if _port_is_free(bolt) and _port_is_free(http):
                return bolt, http
        bolt = _free_port()
        http = _free_port()
        while http == bolt:
            http = _free_port()
        write_json_atomically(self.layout.ports_file, {"bolt_port": bolt, "http_port": http})
        return bolt, http

    def start(self) -> ServerInfo:
        """Start the server unless it runs already; return where it listens."""
        with self._locked():
            info = self.running()
            if info is not None:
                return info
            self._stop_leftover()
            self.layout.ensure_credentials()
            bolt_port, http_port = self._choose_ports()
            write_json_atomically(
                self.layout.launch_file,
                {
                    "bolt_port": bolt_port,
                    "http_port": http_port,
                    "database": self.database,
                    "heap": self.heap,
                    "command_timeout_ms": round((self.statement_timeout_s or 0) * 1000),
                },
            )
            self.layout.server_file.unlink(missing_ok=True)
            return self._spawn_and_wait()

    def _spawn_and_wait(self) -> ServerInfo:
        project_root = Path(__file__).resolve().parent.parent
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            [str(project_root), *filter(None, [env.get("PYTHONPATH")])]
        )
        try:
            launcher = subprocess.run(
                [sys.executable, "-m", "graph._embedded_main", "--detach", str(self.layout.root)],
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                cwd=self.layout.root,
                env=env,
                timeout=60,
                check=True,
            )
            pid = int(launcher.stdout.strip())
        except (subprocess.SubprocessError, ValueError) as exc:
            raise EmbeddedServerError(
                f"The embedded graph server could not be launched: {exc}"
            ) from exc
        deadline = time.monotonic() + self.start_timeout_s
        while time.monotonic() < deadline:
            if not self._is_our_process(pid):
                raise EmbeddedServerError(
                    "The embedded graph server stopped while starting. "
                    f"Last lines of {self.layout.log_file}:\n{self.log_tail()}"
                )
            info = self.running()
            if info is not None and info.pid == pid:
                return info
            time.sleep(0.1)
        self._terminate(pid)
        raise EmbeddedServerError(
            f"The embedded graph server did not become ready within "
            f"{self.start_timeout_s:.0f} s. Last lines of {self.layout.log_file}:\n"
            f"{self.log_tail()}"
        )

    def _stop_leftover(self) -> None:
        """Kill a child of ours that lives but does not answer (hung at start)."""
        data = _read_json(self.layout.server_file)
        if data is not None and self._is_our_process(int(data["pid"])):
            self._terminate(int(data["pid"]))

    def stop(self) -> bool:
        """Stop the server cleanly; False when it was not running."""
        with self._locked():
            data = _read_json(self.layout.server_file)
            if data is None or not self._is_our_process(int(data["pid"])):
                self.layout.server_file.unlink(missing_ok=True)
                return False
            self._terminate(int(data["pid"]))
            self.layout.server_file.unlink(missing_ok=True)
            return True

    def _terminate(self, pid: int) -> None:
        try:
            process = psutil.Process(pid)
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=_STOP_TIMEOUT_S)
        except psutil.NoSuchProcess:
            return
        except psutil.TimeoutExpired:
            with contextlib.suppress(psutil.NoSuchProcess):
                process.kill()
                process.wait(timeout=_STOP_TIMEOUT_S)

    def log_tail(self, lines: int = _LOG_TAIL_LINES) -> str:
        try:
            text = self.layout.log_file.read_text(errors="replace")
        except FileNotFoundError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def _admin(self, command: str) -> None:
        """Send a server command over ArcadeDB's HTTP API (not Cypher: Bolt has none)."""
        info = self.running()
        if info is None:
            raise EmbeddedServerError("The embedded graph server is not running.")
        credentials = self.credentials()
        response = httpx.post(
            f"http://127.0.0.1:{info.http_port}/api/v1/server",
            json={"command": command},
            auth=(credentials.user, credentials.password),
            timeout=30.0,
        )
        if response.status_code != 200:
            raise EmbeddedServerError(
                f"The embedded graph server refused '{command}': {response.text[:300]}"
            )

    def create_database(self, name: str) -> None:
        """Create an empty database (the tests give each test its own)."""
        self._admin(f"create database {_checked_name(name)}")

    def drop_database(self, name: str) -> None:
        self._admin(f"drop database {_checked_name(name)}")


def _checked_name(name: str) -> str:
    if not name.replace("_", "").isalnum() or not name[0].isalpha():
        raise ValueError(f"not a database name: {name!r}")
    return name
