"""The audit log: every API call, refused ones included, in a hash chain.

One JSON object per line in `IPRGRAPH_DATA_DIR/audit/audit.ndjson`. Each entry holds
its place in the chain (`seq`, from 1), when, who (principal, agency, role), what
(method, route, path, query parameters, the body's first few kilobytes), the
outcome (status, items returned, the reason of a refusal), the request id, the
hash of the entry before it (`prev`) and its own `hash`: the sha256 of `prev`
followed by the entry's canonical JSON without `hash`. `audit.head` holds the seq
and hash of the last entry written, so that removing entries from the end is seen
too.

Several API processes append to one chain: each append takes an exclusive lock on
the file (flock), reads the last entry when another process wrote since (its own
last write is remembered otherwise), writes one line and the head, and lets go.
Entries are written with `write(2)`, not synced to disk one by one: a process that
dies keeps what it wrote; a machine that loses power may lose the last entries,
which `verify` then reports against the head (`IPRGRAPH_AUDIT_FSYNC=true` syncs
each entry, at the cost of a disk flush per call).

`verify` names the first entry that was altered, removed or reordered. The chain
is tamper-evident, not tamper-proof: whoever can rewrite the whole file and its
head can forge a consistent chain; keep a copy of the head elsewhere to stop that.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LOG_NAME = "audit.ndjson"
HEAD_NAME = "audit.head"
GENESIS = "0" * 64
# The head file's one line, always the same length, so it is rewritten in place.
_HEAD_WIDTH = 96
# How far back from the end a process reads to find the last entry (an entry is a
# few hundred bytes; bodies are cut to BODY_KEPT).
_TAIL = 1 << 16
BODY_KEPT = 4096


class AuditUnavailable(Exception):
    """The audit could not be written: the call must not be answered."""


def canonical(entry: dict[str, Any]) -> str:
    return json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(prev: str, entry: dict[str, Any]) -> str:
    body = {key: value for key, value in entry.items() if key != "hash"}
    return hashlib.sha256((prev + canonical(body)).encode()).hexdigest()


class AuditLog:
    """Appends entries to the chain in `directory` (created mode 0700, files 0600)."""

    def __init__(self, directory: Path, *, fsync: bool = False) -> None:
        self.directory = directory
        self.path = directory / LOG_NAME
        self.head_path = directory / HEAD_NAME
        self.fsync = fsync
        self._lock = threading.Lock()
        self._fd: int | None = None
        self._head_fd: int | None = None
        self._pid = -1
        # The end of the file after this process's last write, and that entry.
        self._end = -1
        self._last: tuple[int, str] = (0, GENESIS)

    def _open(self) -> tuple[int, int]:
        # A worker forked after the parent opened the files gets fresh ones, and a log
        # that is no longer the file at its path (moved away, replaced) is reopened.
        if self._fd is not None and self._pid == os.getpid():
            try:
                same = self.path.stat().st_ino == os.fstat(self._fd).st_ino
            except OSError:
                same = False
            if not same:
                self.close()
        if self._fd is None or self._pid != os.getpid():
            self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            flags = os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC
            self._fd = os.open(self.path, flags, 0o600)
            self._head_fd = os.open(self.head_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            self._pid = os.getpid()
            self._end = -1
        assert self._head_fd is not None
        return self._fd, self._head_fd

    def ready(self) -> None:
        """Open the log, or AuditUnavailable: for a change that must not be made
        when it cannot be audited."""
        try:
            with self._lock:
                self._open()
        except OSError as exc:
            self._fd = None
            raise AuditUnavailable(f"the audit log {self.path} cannot be written: {exc}") from exc

    def append(self, entry: dict[str, Any]) -> dict[str, Any]:
        """Write `entry` as the next link of the chain; returns it with `seq`,
        `prev` and `hash`. AuditUnavailable when it cannot be written."""
        try:
            with self._lock:
                fd, head_fd = self._open()
                fcntl.flock(fd, fcntl.LOCK_EX)
                try:
                    size = os.fstat(fd).st_size
                    torn = False
                    if size != self._end:
                        self._last, torn = _last_entry(fd, size)
                        if size == 0:
                            _check_not_removed(head_fd)
                    seq, prev = self._last
                    written = {**entry, "seq": seq + 1, "prev": prev}
                    written["hash"] = entry_hash(prev, written)
                    # After a torn last line (a write cut short), start a new one.
                    line = (("\n" if torn else "") + canonical(written) + "\n").encode()
                    os.write(fd, line)
                    head = f"{seq + 1} {written['hash']}".ljust(_HEAD_WIDTH - 1) + "\n"
                    os.pwrite(head_fd, head.encode(), 0)
                    if self.fsync:
                        os.fsync(fd)
                        os.fsync(head_fd)
                    self._end = size + len(line)
                    self._last = (seq + 1, written["hash"])
                    return written
                finally:
                    fcntl.flock(fd, fcntl.LOCK_UN)
        except (OSError, ValueError) as exc:
            self._fd = None
            raise AuditUnavailable(f"the audit log {self.path} cannot be written: {exc}") from exc

    def close(self) -> None:
        for fd in (self._fd, self._head_fd):
            if fd is not None and self._pid == os.getpid():
                os.close(fd)
        self._fd = self._head_fd = None


def _check_not_removed(head_fd: int) -> None:
    """An empty log whose head says entries were written was removed or cut: it is
    not started again, which would hide that."""
    text = os.pread(head_fd, _HEAD_WIDTH, 0).decode("ascii", "replace").strip()
    written = int(text.split(" ", 1)[0]) if text[:1].isdigit() else 0
    if written:
        raise ValueError(f"it holds no entry but {written} were written: it was removed or emptied")


def _last_entry(fd: int, size: int) -> tuple[tuple[int, str], bool]:
    """(seq, hash) of the last readable entry of a log of `size` bytes ((0, GENESIS)
    if empty), and whether the file ends in a torn line (no newline). The chain goes
    on from the last entry that reads; `verify` reports the lines that do not."""
    if size == 0:
        return (0, GENESIS), False
    start = max(0, size - _TAIL)
    tail = os.pread(fd, size - start, start)
    torn = not tail.endswith(b"\n")
    for raw in reversed(tail.rstrip(b"\n").split(b"\n")):
        try:
            last = json.loads(raw)
            return (int(last["seq"]), str(last["hash"])), torn
        except (ValueError, KeyError, TypeError):
            continue
    raise ValueError("no audit entry can be read near its end")


# --- reading and verifying ------------------------------------------------------------


def entries(directory: Path) -> Iterator[tuple[int, dict[str, Any] | None]]:
    """(line number, entry) for each line of the log; None for a line that is not
    JSON."""
    path = directory / LOG_NAME
    if not path.exists():
        return
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                item = json.loads(raw)
            except ValueError:
                yield number, None
                continue
            yield number, item if isinstance(item, dict) else None


def read_head(directory: Path) -> tuple[int, str] | None:
    path = directory / HEAD_NAME
    try:
        text = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    if not text:
        return None
    seq, _, digest = text.partition(" ")
    return int(seq), digest


@dataclass
class Verification:
    entries: int = 0
    problem: str | None = None
    line: int | None = None
    seq: int | None = None
    # Sequence numbers seen, for telling a removed entry from a moved one.
    _seen: set[int] = field(default_factory=set, repr=False)

    @property
    def intact(self) -> bool:
        return self.problem is None


def verify(directory: Path) -> Verification:
    """Check the chain line by line; the first entry altered, removed or reordered."""
    result = Verification()
    lines = list(entries(directory))
    seqs = {item["seq"] for _, item in lines if item and isinstance(item.get("seq"), int)}
    expected, prev = 1, GENESIS
    for number, item in lines:
        if item is None or not isinstance(item.get("seq"), int) or "hash" not in item:
            result.problem = f"line {number} is not an audit entry: it was altered"
            result.line = number
            return result
        seq = item["seq"]
        if seq != expected:
            result.line, result.seq = number, expected
            if expected in seqs:
                result.problem = (
                    f"entry {expected} is out of place: line {number} holds entry {seq}, so "
                    "entries were reordered"
                )
            else:
                result.problem = (
                    f"entry {expected} was removed: line {number} holds entry {seq} after "
                    f"entry {expected - 1}"
                )
            return result
        if item.get("prev") != prev or entry_hash(prev, item) != item["hash"]:
            result.line, result.seq = number, seq
            result.problem = f"entry {seq} (line {number}) was altered: its hash does not match"
            return result
        prev, expected = item["hash"], expected + 1
        result.entries += 1
    head = read_head(directory)
    last = expected - 1
    if head is not None and head[0] != last:
        result.seq = last + 1
        if head[0] > last:
            result.problem = (
                f"the log ends at entry {last} but entries up to {head[0]} were written: "
                f"entries {last + 1} to {head[0]} were removed"
            )
        else:
            result.problem = f"the log holds entries after entry {head[0]}, the last one written"
    elif head is not None and head[1] != prev:
        result.seq = last
        result.problem = f"entry {last}, the last one, was altered: it is not the one written"
    return result
